"""`make soak`: the whole real archive through every command, as a records
office would run it.

Extracts all of ../shared/archive (13,967 crawled documents; see bench/archive.py)
into bench/cache/soak/, then rebuilds the registry (`registry --conflicts`),
runs `check`, `compare` and `report`, and prints a summary: files in and how
each is accounted for (a documents row, a copy named in ``also_at``, or an
errors row), errors by reason, and each command's time and peak memory (the
command's own process and, for extract, its largest worker). Any file not
accounted for, or any command that fails, makes the soak fail (exit 1).

Results: printed, and written to bench/cache/soak.json and soak.md.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import archive
from bench import TDKT, PeakMemory, machine
from pipeline.extract import specs

CACHE = ROOT / "bench" / "cache"
COMMANDS = [
    ("extract", ["extract", "{archive}", "--out", "{out}", "--quiet", "--fail-on", "none"]),
    ("registry", ["registry", "--out", "{out}", "--conflicts"]),
    ("check", ["check", "--out", "{out}", "--quiet"]),
    ("compare", ["compare", "--out", "{out}", "--quiet"]),
    ("report", ["report", "--out", "{out}", "--quiet"]),
]


def run_command(name: str, argv: list[str]) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(TDKT + argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mon = PeakMemory(proc.pid)
    mon.start()
    stdout, stderr = proc.communicate()
    mon.stop.set()
    mon.join()
    seconds = time.perf_counter() - t0
    result = {"seconds": seconds, "exit_code": proc.returncode, "peak_mb": mon.parent_kb / 1024,
              "worker_peak_mb": max(mon.workers.values(), default=0) / 1024,
              "stderr": stderr.strip().splitlines()[-3:]}
    print(f"{name:<9} {seconds:7.1f} s  exit {proc.returncode}  peak {result['peak_mb']:.0f} MB"
          + (f"  largest worker {result['worker_peak_mb']:.0f} MB" if mon.workers else ""), flush=True)
    if name == "registry":
        result["conflicts_listed"] = stdout.count("\n")
    return result


def reason(error: str) -> str:
    """An error message without its particulars (paths, numbers), to count by."""
    text = re.sub(r"\d+(\.\d+)?", "N", error.split(":", 1)[0] if error.startswith("cannot") else error)
    return text[:80]


def accounting(out: Path, inputs: list[Path]) -> dict:
    con = sqlite3.connect(out / "registry.sqlite")
    try:
        docs = con.execute("SELECT source_path, also_at, status FROM documents").fetchall()
        errors = con.execute("SELECT source_path, doc_id, stage, error FROM errors").fetchall()
        tables = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                  for t in (*specs(), "directives", "conflicts", "checks")}
    finally:
        con.close()
    seen = {p for p, _, _ in docs}
    seen |= {q for _, also, _ in docs for q in (also or "").split("; ") if q}
    seen |= {p for p, doc_id, _, _ in errors if not doc_id}
    missing = [str(p) for p in inputs if str(p) not in seen]
    return {"files": len(inputs), "documents": len(docs), "documents_ok": sum(s == "ok" for _, _, s in docs),
            "copies": sum(len([q for q in (a or "").split("; ") if q]) for _, a, _ in docs),
            "errors": len(errors), "by_reason": Counter(f"{stage}: {reason(e)}" for _, _, stage, e in errors)
            .most_common(), "not_accounted_for": missing[:20], "n_not_accounted_for": len(missing),
            "rows": tables}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Soak: the whole archive through every command (bench/soak.py).")
    ap.add_argument("--keep", action="store_true", help="keep the output of an earlier soak (incremental run)")
    a = ap.parse_args(argv)
    if not archive.available():
        print(f"soak: no archive at {archive.UNPACK.parent}; nothing to do")
        return 0
    folder = archive.folder()
    inputs = archive.files()
    out = CACHE / "soak"
    if out.exists() and not a.keep:
        shutil.rmtree(out)
    res = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"), "archive": str(folder),
           "input_mb": sum(p.stat().st_size for p in inputs) / 1e6, "commands": {}}
    print(f"machine: {res['machine']}")
    print(f"archive: {len(inputs)} files, {res['input_mb']:.1f} MB ({folder})")
    for name, template in COMMANDS:
        argv_ = [part.format(archive=folder, out=out) for part in template]
        res["commands"][name] = run_command(name, argv_)
    res["accounting"] = acc = accounting(out, inputs)
    failed = [n for n, r in res["commands"].items() if r["exit_code"] not in (0,)]
    print(f"\nfiles {acc['files']}: {acc['documents']} documents ({acc['documents_ok']} read whole), "
          f"{acc['copies']} copies of another file, {acc['errors']} errors rows; "
          f"not accounted for: {acc['n_not_accounted_for']}")
    for why, n in acc["by_reason"]:
        print(f"  {n:>6}  {why}")
    print("rows: " + ", ".join(f"{t} {n}" for t, n in acc["rows"].items()))
    res["ok"] = ok = not failed and acc["n_not_accounted_for"] == 0
    print("soak: " + ("passed" if ok else f"FAILED (commands: {failed or 'none'}; "
                      f"files not accounted for: {acc['n_not_accounted_for']})"))
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "soak.json").write_text(json.dumps(res, indent=1, ensure_ascii=False))
    (CACHE / "soak.md").write_text(markdown(res))
    print(f"written: {CACHE / 'soak.json'}, {CACHE / 'soak.md'}")
    return 0 if ok else 1


def markdown(res: dict) -> str:
    acc = res["accounting"]
    lines = [f"Soak of {res['date']} on {res['machine'].get('cpu', '')} ({res['machine'].get('cores', '')} cores): "
             f"{acc['files']} files, {res['input_mb']:.0f} MB.", "",
             "| command | time | exit | peak memory | largest worker |", "|---|---|---|---|---|"]
    for name, r in res["commands"].items():
        worker = f"{r['worker_peak_mb']:.0f} MB" if r["worker_peak_mb"] else ""
        lines.append(f"| {name} | {r['seconds']:.0f} s | {r['exit_code']} | {r['peak_mb']:.0f} MB | {worker} |")
    lines += ["", f"{acc['documents']} documents ({acc['documents_ok']} read whole), {acc['copies']} copies, "
                  f"{acc['errors']} errors rows, {acc['n_not_accounted_for']} files not accounted for."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
