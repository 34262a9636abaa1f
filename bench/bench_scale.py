"""`make bench-scale`: every command on the simulated national archive at 1x,
4x and 10x the real archive (bench/national.py), time and peak memory.

At each size N (copies 0 to N-1 of ../shared/archive, built once into
bench/cache/national/), in bench/cache/scale/xNN/:

    tdkt extract COPIES... --workers 2      (skipped with --reuse when done before)
    tdkt registry --conflicts
    tdkt check
    tdkt compare
    tdkt report

For each command: wall time, time per document, CPU seconds per document
(the children's user + system time: less disturbed by other work on a shared
machine), the peak memory of its process tree (the largest sum of the resident
memory of the process and all its descendants, sampled every 0.1 s, and never
below the high-water mark of any one of them), and the load average when it
started. Then, between the largest and the smallest size measured, the ratios
against the issue's targets (issue 16):

- registry, check and compare: peak memory at the largest size within 1 GB
  and within 20 % of the smallest size's;
- every command: time per document within 20 % of the smallest size's.

The figures of each size and command are kept in bench/cache/scale.json with
their date, commit and load, and a run updates only what it measured: the 10x
extraction can run once, and the commands after it again and again
(``--commands registry,check,compare,report --reuse``). Written: scale.json
and scale.md in bench/cache/.

    python bench/bench_scale.py --sizes 1,4                  # build, extract, measure
    python bench/bench_scale.py --sizes 10 --commands extract # the long extraction alone
    python bench/bench_scale.py --sizes 1,4,10 --reuse --commands registry,check,compare,report
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import archive
import national
from bench import TDKT, _children, _status_kb, code_env, machine

CACHE = ROOT / "bench" / "cache"
COMMANDS = ("extract", "registry", "check", "compare", "report")
AFTER_EXTRACT = COMMANDS[1:]
MEMORY_BOUND = ("registry", "check", "compare")       # the commands whose memory must stay flat
TARGETS = {"memory_mb": 1024.0, "memory_ratio": 1.2, "time_per_doc_ratio": 1.2}
DONE = "bench-scale-extracted.json"                    # in a store: the extraction finished


# ----------------------------------------------------------------- measuring one command

def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        out += kids
        todo += kids
    return out


class TreeMemory(threading.Thread):
    """The peak memory of a process tree: the largest sum of resident memory
    (VmRSS) of the process and its descendants over samples every 0.1 s, and
    the largest high-water mark (VmHWM) of any one of them (which catches a
    peak between two samples)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.sum_kb, self.one_kb, self.processes = pid, 0, 0, 1
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            pids = [self.pid, *descendants(self.pid)]
            self.processes = max(self.processes, len(pids))
            self.sum_kb = max(self.sum_kb, sum(_status_kb(p, "VmRSS") for p in pids))
            self.one_kb = max([self.one_kb, *(_status_kb(p, "VmHWM") for p in pids)])
            self.stop.wait(0.1)

    @property
    def peak_mb(self) -> float:
        return max(self.sum_kb, self.one_kb) / 1024


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def git_commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "pipeline"],
                           capture_output=True, text=True).stdout.strip()
    return done.stdout.strip() + ("+changes" if dirty else "")


def run(name: str, argv: list[str]) -> dict:
    """One `tdkt` command, measured."""
    load = os.getloadavg()[0]
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(TDKT + argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=code_env(ROOT))
    mon = TreeMemory(proc.pid)
    mon.start()
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    mon.stop.set()
    mon.join()
    r = {"seconds": round(seconds, 2), "cpu_seconds": round(_children_cpu() - cpu0, 2),
         "peak_mb": round(mon.peak_mb, 1), "processes": mon.processes, "exit_code": proc.returncode,
         "load_at_start": round(load, 2), "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
         "commit": git_commit()}
    if proc.returncode != 0:
        r["stderr"] = stderr.strip().splitlines()[-3:]
    return r


# ----------------------------------------------------------------- one size

def store_folder(size: int) -> Path:
    return CACHE / "scale" / f"x{size:02d}"


def count_rows(store: Path, table: str) -> int | None:
    """Rows of a table of the store (None when it has no such table)."""
    con = sqlite3.connect(f"file:{store / 'registry.sqlite'}?mode=ro", uri=True)
    try:
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    except sqlite3.OperationalError:
        return None
    finally:
        con.close()


def measure_size(size: int, commands: list[str], workers: int, reuse: bool, seed: int) -> dict:
    folders = national.build(size, seed, quiet=True)
    files = sum(1 for f in folders for p in f.rglob("*") if p.is_file())
    mb = sum(p.stat().st_size for f in folders for p in f.rglob("*") if p.is_file()) / 1e6
    store = store_folder(size)
    done = store / DONE
    out: dict = {"files": files, "mb": round(mb, 1), "store": str(store), "commands": {}}
    print(f"\n{size}x: {files} files, {mb:.0f} MB in {len(folders)} copies -> {store}", flush=True)
    extracted = done.is_file() and json.loads(done.read_text()).get("copies") == size
    if "extract" in commands and not (reuse and extracted):
        shutil.rmtree(store, ignore_errors=True)
        store.mkdir(parents=True)
        r = run("extract", ["extract", *map(str, folders), "--out", str(store), "--workers", str(workers),
                            "--quiet", "--fail-on", "none"])
        r["workers"] = workers
        out["commands"]["extract"] = r
        show(size, "extract", r, None)
        if r["exit_code"] != 0:
            return out
        done.write_text(json.dumps({"copies": size, "seed": seed, "extract": r}))
    elif not extracted:
        raise SystemExit(f"bench-scale: no finished extraction in {store}: run with --commands extract first")
    out["documents"] = docs = count_rows(store, "documents")
    for name in commands:
        if name == "extract":
            continue
        argv = [name, "--out", str(store), *(["--conflicts"] if name == "registry" else ["--quiet"])]
        r = run(name, argv)
        out["commands"][name] = r
        show(size, name, r, docs)
    # what the registry saw: new keys at each size, not the same keys again
    out["rows"] = {t: count_rows(store, t) for t in ("citations", "directives", "conflicts", "checks")}
    print("  rows: " + ", ".join(f"{t} {n}" for t, n in out["rows"].items()), flush=True)
    return out


def show(size: int, name: str, r: dict, docs: int | None) -> None:
    per = f"{r['seconds'] / docs * 1000:6.2f} ms/doc" if docs else ""
    print(f"  {size:>2}x {name:<9} {r['seconds']:8.1f} s {per}  cpu {r['cpu_seconds']:7.1f} s  "
          f"peak {r['peak_mb']:6.0f} MB  load {r['load_at_start']:.1f}  exit {r['exit_code']}", flush=True)


# ----------------------------------------------------------------- the results, kept across runs

def merge(old: dict, size: int, new: dict) -> None:
    """The figures just measured replace those of the same size and command;
    the others stay (with their own date and commit)."""
    entry = old.setdefault("sizes", {}).setdefault(str(size), {"commands": {}})
    commands = {**entry.get("commands", {}), **new.pop("commands")}
    done = store_folder(size) / DONE
    if "extract" not in commands and done.is_file():        # extracted by a run whose figures were forgotten
        commands["extract"] = json.loads(done.read_text())["extract"]
    entry.update(new)
    entry["commands"] = commands


def per_doc(entry: dict, name: str, key: str = "seconds") -> float | None:
    r = entry["commands"].get(name)
    docs = entry.get("documents")
    return r[key] / docs if r and docs else None


def ratios(res: dict) -> dict:
    """The largest size measured against the smallest, per command, and each
    target met or not."""
    sizes = sorted(int(s) for s, e in res.get("sizes", {}).items() if e.get("documents"))
    if len(sizes) < 2:
        return {}
    lo, hi = (res["sizes"][str(s)] for s in (sizes[0], sizes[-1]))
    out = {"from": sizes[0], "to": sizes[-1], "commands": {}}
    for name in COMMANDS:
        a, b = lo["commands"].get(name), hi["commands"].get(name)
        if not a or not b:
            continue
        r = {"memory_ratio": b["peak_mb"] / a["peak_mb"] if a["peak_mb"] else None,
             "time_per_doc_ratio": per_doc(hi, name) / per_doc(lo, name),
             "cpu_per_doc_ratio": (per_doc(hi, name, "cpu_seconds") / per_doc(lo, name, "cpu_seconds")
                                   if per_doc(lo, name, "cpu_seconds") else None),
             "peak_mb": b["peak_mb"]}
        r["time_ok"] = r["time_per_doc_ratio"] <= TARGETS["time_per_doc_ratio"]
        if name in MEMORY_BOUND:
            r["memory_ok"] = (b["peak_mb"] <= TARGETS["memory_mb"]
                              and (r["memory_ratio"] or 0) <= TARGETS["memory_ratio"])
        out["commands"][name] = r
    return out


def markdown(res: dict) -> str:
    m = res["machine"]
    lines = [f"Simulated national archive (bench/national.py) on {m.get('cpu', '')}, {m.get('cores')} cores, "
             f"{m.get('memory_mb')} MB; each figure with the load average when its command started.", "",
             "| size | documents | command | time | ms/doc | CPU ms/doc | peak memory (tree) | load | commit, date |",
             "|---|---|---|---|---|---|---|---|---|"]
    for size in sorted(res.get("sizes", {}), key=int):
        e = res["sizes"][size]
        for name in COMMANDS:
            r = e["commands"].get(name)
            if not r:
                continue
            docs = e.get("documents")
            ms = f"{r['seconds'] / docs * 1000:.2f}" if docs else ""
            cpu = f"{r['cpu_seconds'] / docs * 1000:.2f}" if docs else ""
            lines.append(f"| {size}x | {docs or ''} | {name} | {r['seconds']:.1f} s | {ms} | {cpu} | "
                         f"{r['peak_mb']:.0f} MB | {r['load_at_start']:.1f} | {r['commit']}, {r['date']} |")
    rows = [f"{size}x: " + ", ".join(f"{t} {n}" for t, n in e["rows"].items())
            for size, e in sorted(res.get("sizes", {}).items(), key=lambda kv: int(kv[0])) if e.get("rows")]
    lines += [""] + rows if rows else []
    rt = res.get("ratios") or {}
    if rt:
        lines += ["", f"{rt['to']}x against {rt['from']}x (targets: memory of registry, check, compare within "
                      f"{TARGETS['memory_mb']:.0f} MB and {TARGETS['memory_ratio']:.1f}x; time per document within "
                      f"{TARGETS['time_per_doc_ratio']:.1f}x):", "",
                  "| command | memory ratio | time/doc ratio | CPU/doc ratio | memory target | time target |",
                  "|---|---|---|---|---|---|"]
        for name, r in rt["commands"].items():
            mem = "" if "memory_ok" not in r else ("met" if r["memory_ok"] else "missed")
            cpu = f"{r['cpu_per_doc_ratio']:.2f}" if r["cpu_per_doc_ratio"] else ""
            lines.append(f"| {name} | {r['memory_ratio']:.2f} | {r['time_per_doc_ratio']:.2f} | {cpu} | {mem} | "
                         f"{'met' if r['time_ok'] else 'missed'} |")
    return "\n".join(lines) + "\n"


def print_ratios(rt: dict) -> None:
    if not rt:
        return
    print(f"\n{rt['to']}x / {rt['from']}x:")
    for name, r in rt["commands"].items():
        mem = "" if "memory_ok" not in r else (" [memory target " + ("met" if r["memory_ok"] else "MISSED") + "]")
        cpu = f", CPU/doc {r['cpu_per_doc_ratio']:.2f}" if r["cpu_per_doc_ratio"] else ""
        print(f"  {name:<9} memory {r['memory_ratio']:.2f} ({r['peak_mb']:.0f} MB), time/doc "
              f"{r['time_per_doc_ratio']:.2f}{cpu} [time target {'met' if r['time_ok'] else 'MISSED'}]{mem}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,4,10", help="sizes in copies of the archive (default 1,4,10)")
    ap.add_argument("--commands", default=",".join(COMMANDS), help=f"which of {','.join(COMMANDS)} (default all)")
    ap.add_argument("--reuse", action="store_true",
                    help="keep a finished extraction of a size (its figures stay) and run only the others")
    ap.add_argument("--workers", type=int, default=2, help="extraction workers (default 2)")
    ap.add_argument("--seed", type=int, default=national.SEED)
    ap.add_argument("--fresh", action="store_true", help="forget the figures of earlier runs (scale.json)")
    a = ap.parse_args(argv)
    if not archive.available():
        print(f"bench-scale: no archive at {archive.UNPACK.parent}; nothing to do")
        return 0
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    commands = [c for c in COMMANDS if c in {x.strip() for x in a.commands.split(",")}]
    path = CACHE / "scale.json"
    res = json.loads(path.read_text()) if path.is_file() and not a.fresh else {}
    res["machine"] = machine()
    print(f"machine: {res['machine']}")
    failed = False
    for size in sizes:
        new = measure_size(size, commands, a.workers, a.reuse, a.seed)
        failed |= any(r["exit_code"] != 0 for r in new["commands"].values())
        merge(res, size, new)
        res["ratios"] = ratios(res)
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(res, indent=1, ensure_ascii=False))
        (CACHE / "scale.md").write_text(markdown(res))
    print_ratios(res.get("ratios") or {})
    print(f"written: {path}, {CACHE / 'scale.md'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
