"""Time and peak memory of `tdkt registry`, `tdkt check` and `tdkt compare` as the store grows.

    python bench/derived_scale.py --store OUT [--sizes 1,4,10] [--work DIR]

OUT is the folder of one `tdkt extract` (the real archive's, for the
figures the README quotes). For each size k the store is made k times as
large by copying every document's rows k-1 times under new doc_ids
(:func:`replicate`): copy r's doc_ids, file names, issuers (so its units),
citation keys and jurisdictions carry `~r`, so the registry has k times the
keys, compare k times the units and check k times the documents, each copy
as the original (``TDKT_SCALE_SAME_UNITS=1``: the copies keep their issuers, so
compare has the units of 1x, each cell stated by k documents). Each command
then runs on it in a process of its own, as a user runs it, and so does its
computation alone (without writing the files); its peak memory is the
process's maximum resident set (``wait4``), its time the wall clock and the
CPU time (user + system: the figure to compare when other work shares the
machine). A second `tdkt check`
after a thousand new documents shows the incremental run.

Prints a table and the ratios against 1x (peak memory, CPU seconds per
document); writes bench/cache/derived_scale.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import store

COMMANDS = ("registry", "check", "compare")
MARK = "~"             # a copy's doc_id is the original's, `~`, and the copy's number


SAME_UNITS = os.environ.get("TDKT_SCALE_SAME_UNITS") == "1"     # copies keep their issuers (units)


def _copied(col: str, r: int) -> str:
    """The SQL of a column's value in copy ``r`` of a row."""
    tag = f"'{MARK}{r}'"
    if col in ("doc_id", "source_path", "key", "jurisdiction"):
        return f"CASE WHEN \"{col}\" IS NULL OR \"{col}\" = '' THEN \"{col}\" ELSE \"{col}\" || {tag} END"
    if col == "issuer" and not SAME_UNITS:   # another unit: compare has k times the columns
        return f"CASE WHEN issuer IS NULL OR issuer = '' THEN issuer ELSE issuer || ' ' || {r} END"
    return f'"{col}"'


def replicate(src: Path, dst: Path, k: int) -> int:
    """``dst``: the store of ``src`` with every document k times (the derived tables empty). Returns documents."""
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    source = sqlite3.connect(src / store.DB_NAME)
    con = sqlite3.connect(dst / store.DB_NAME)
    source.backup(con)
    source.close()
    con.close()
    con = store.connect(dst)
    for name in ("directives", "conflicts", "checks"):
        con.execute(f'DELETE FROM "{name}"')
    for name in [*store.table_types(), store.TEXTS_TABLE]:
        cols = [row[1] for row in con.execute(f'PRAGMA table_info("{name}")')]
        if "doc_id" not in cols or name in ("directives", "conflicts", "checks"):
            continue
        names = ", ".join(f'"{c}"' for c in cols)
        for r in range(1, k):
            con.execute(f'INSERT INTO "{name}" ({names}) SELECT {", ".join(_copied(c, r) for c in cols)} '
                        f"FROM \"{name}\" WHERE doc_id NOT LIKE '%{MARK}%'")
        con.commit()
    n = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    con.close()
    return n


# each command's computation alone, without the files it writes (checks.csv, every
# table's CSV and Parquet, the workbook tables.xlsx: pipeline/export.py's part)
COMPUTATIONS = {
    "registry": "from pipeline import registry; registry.rebuild(con)",
    "check": "from pipeline.audit import stream; print(stream.check_store(con))",
    "compare": "from pipeline.audit import stream; stream.compare_store(con)",
}
OPEN = "import sys; from pipeline import store; con = store.connect(sys.argv[1]); "


def run_command(command: str, out: Path) -> dict:
    """One `tdkt COMMAND --out OUT --quiet`-like run in its own process: wall, CPU, peak RSS."""
    args = [sys.executable, "-m", "pipeline.cli", command, "--out", str(out)]
    args += ["--quiet"] if command in ("check", "compare") else []
    if command.startswith("computation:"):
        args = [sys.executable, "-c", OPEN + COMPUTATIONS[command.partition(":")[2]], str(out)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{command} failed on {out}: {err[-2000:]}")
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024, 1)}


def add_documents(out: Path, n: int, r: int) -> None:
    """n documents more in the store of ``out``: copy ``r`` of the first n (as replicate makes them)."""
    con = store.connect(out)
    first = [d for (d,) in con.execute(f"SELECT doc_id FROM documents WHERE doc_id NOT LIKE '%{MARK}%' "
                                       f"ORDER BY doc_id LIMIT {int(n)}")]
    con.execute("CREATE TEMP TABLE picked (doc_id TEXT PRIMARY KEY)")
    con.executemany("INSERT INTO picked VALUES (?)", [(d,) for d in first])
    for name in [*store.table_types(), store.TEXTS_TABLE]:
        cols = [row[1] for row in con.execute(f'PRAGMA table_info("{name}")')]
        if "doc_id" not in cols or name in ("directives", "conflicts", "checks"):
            continue
        names = ", ".join(f'"{c}"' for c in cols)
        con.execute(f'INSERT INTO "{name}" ({names}) SELECT {", ".join(_copied(c, r) for c in cols)} '
                    f'FROM "{name}" WHERE doc_id IN (SELECT doc_id FROM picked)')
    con.commit()
    con.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, type=Path, help="the output folder of one tdkt extract")
    ap.add_argument("--sizes", default="1,4,10")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "tdkt-derived-scale")
    ap.add_argument("--added", type=int, default=1000, help="documents added for the incremental check")
    ap.add_argument("--computations-only", action="store_true",
                    help="only the computations, not the commands (which also write every file)")
    a = ap.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",")]
    results = []
    for k in sizes:
        out = a.work / f"x{k}"
        n = replicate(a.store, out, k)
        row: dict = {"size": k, "documents": n, "alone": {}}
        for command in COMMANDS:
            row["alone"][command] = run_command(f"computation:{command}", out)
        if not a.computations_only:
            _forget_checks(out)       # the command checks every document, as on a store never checked
            for command in COMMANDS:
                row[command] = run_command(command, out)
            add_documents(out, a.added, k)
            row["check_after_added"] = dict(run_command("check", out), added=a.added)
        add_documents(out, a.added, k + 1)
        row["alone"]["check_after_added"] = dict(run_command("computation:check", out), added=a.added)
        results.append(row)
        print(_line(row), flush=True)
        shutil.rmtree(out)
    base = results[0]
    print("\nratios against the first size (peak memory; CPU seconds per document):")
    for row in results[1:]:
        for what, of in [("alone", lambda r: r["alone"]), ("command", lambda r: r)]:
            for command in COMMANDS:
                if command not in of(row):
                    continue
                now, then = of(row)[command], of(base)[command]
                per_doc = (now["cpu_s"] / row["documents"]) / (then["cpu_s"] / base["documents"])
                print(f"  {row['size']}x {what:7} {command:8} memory {now['peak_mb'] / then['peak_mb']:.2f}x  "
                      f"time per document {per_doc:.2f}x")
    cache = ROOT / "bench" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "derived_scale.json").write_text(json.dumps(results, indent=2))
    return 0


def _forget_checks(out: Path) -> None:
    """The checks kept per document dropped: the command checks every document again."""
    con = sqlite3.connect(out / store.DB_NAME)
    con.execute("DROP TABLE IF EXISTS check_cache_docs")
    con.commit()
    con.close()


def _figures(r: dict) -> str:
    return f"{r['wall_s']:.1f} s ({r['cpu_s']:.1f} cpu) {r['peak_mb']:.0f} MB"


def _line(row: dict) -> str:
    parts = [f"{row['size']:>3}x {row['documents']:>7} docs"]
    parts += [f"{c} alone {_figures(row['alone'][c])}" for c in COMMANDS]
    parts.append(f"check alone +{row['alone']['check_after_added']['added']} docs "
                 f"{_figures(row['alone']['check_after_added'])}")
    parts += [f"tdkt {c} {_figures(row[c])}" for c in COMMANDS if c in row]
    if "check_after_added" in row:
        parts.append(f"tdkt check +{row['check_after_added']['added']} docs {_figures(row['check_after_added'])}")
    return "\n     ".join(parts)


if __name__ == "__main__":
    raise SystemExit(main())
