"""`make bench`: speed and memory of `tdkt extract` on an archive-like corpus.

All figures come from one run on the same files (see bench/build_corpus.py):

text   end-to-end MB/s of `tdkt extract --workers 1` on 1x, 4x and 16x corpus
       sizes (16x is the whole ~50 MB corpus), with the peak memory of each
       worker process and of the parent; the seconds each added MB costs from
       1x to 4x and from 4x to 16x (linear growth: within 10 %); the ratio
       against two baselines on the 16x files:
         floor  read + UTF-8 + NFC + one pass of one regex of every trigger word
                (with the regex module and with re; the faster is the floor)
         naive  underthesea word_tokenize over every sentence, nothing else
       and the speed-up of `--workers 2` over `--workers 1` on the 4x files.
pdf    pages per second of `tdkt extract --workers 1` on the PDFs of corpus/
       (copies), and the ratio to pdfplumber-only text extraction of the same files.
archive  end-to-end MB/s of `tdkt extract --workers 1` on an even sample of the real
       archive in ../shared/archive (``--archive-mb``, default 20; skipped when absent).
where  (``--profile``) the time of each stage on one shard, in this process.
against  (``--against REF``, `make bench` passes HEAD~1 when the history has it)
       the same runs (corpus scales, archive sample) with the code of commit REF,
       checked out into a temporary `git worktree`, each run of REF right
       before or after the same run of the working tree (alternating which goes
       first, ``--repeat`` times): both figures, their spread and the ratio.

Results: printed, and written to bench/cache/results.json and results.md.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import archive
import build_corpus
from pipeline.extract import specs

CACHE = build_corpus.CACHE
TDKT = [sys.executable, "-m", "pipeline.cli"]
TARGETS = {"mb_s_per_core": 1.0, "vs_naive": 10.0, "vs_floor_within": 20.0, "pages_s_per_core": 100.0,
           "worker_peak_mb": 400.0, "linear_within": 0.10, "speedup_2": 1.7}


# ----------------------------------------------------------------- helpers

def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    return {"cpu": cpu or platform.processor(), "cores": cores, "memory_mb": mem,
            "load_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "python": platform.python_version(), "os": f"{platform.system()} {platform.release()}"}


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


def _is_worker(pid: int) -> bool:
    """An extraction worker (``python -m pipeline.batch --worker``), not a helper
    such as a file writer (``python -m pipeline.export --helper``)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"pipeline.batch" in f.read()
    except OSError:
        return False


class PeakMemory(threading.Thread):
    """Peak resident memory (VmHWM) of a process and of each of its children,
    extraction workers apart from helpers."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.parent_kb, self.workers, self.helpers = pid, 0, {}, {}
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.parent_kb = max(self.parent_kb, _status_kb(self.pid, "VmHWM"))
            for c in _children(self.pid):
                kind = self.workers if _is_worker(c) else self.helpers
                kind[c] = max(kind.get(c, 0), _status_kb(c, "VmHWM"))
            self.stop.wait(0.1)


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (a tdkt run: its parent and its
    workers, which it waits for). Unlike wall time, not inflated by other work on
    the machine."""
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def code_env(code: Path) -> dict:
    """The environment of a `tdkt` run with the package in ``code`` (a checkout):
    it comes first on the path of the run and of its workers, and its own rules
    folder is read (no TDKT_RULES)."""
    env = {k: v for k, v in os.environ.items() if k != "TDKT_RULES"}
    env["PYTHONPATH"] = str(code) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["TDKT_LANG"] = "en"             # the summary line parsed below
    return env


def tdkt_extract(paths: list[Path], workers: int, label: str, code: Path = ROOT) -> dict:
    """`tdkt extract` of the package in ``code`` (this checkout, or the worktree
    of another commit) over ``paths``, in a fresh output folder."""
    out = Path(tempfile.mkdtemp(prefix=f"tdkt-bench-{label}-"))
    try:
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        proc = subprocess.Popen(TDKT + ["extract", *map(str, paths), "--out", str(out), "--workers", str(workers),
                                        "--fail-on", "none"],
                                cwd=code, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                env=code_env(code))
        mon = PeakMemory(proc.pid)
        mon.start()
        stdout = proc.communicate()[0]
        rc = proc.returncode
        seconds = time.perf_counter() - t0
        cpu_seconds = _children_cpu() - cpu0
        import re
        m = re.search(r"reading ([\d.]+) ?s, tables ([\d.]+) ?s", stdout)
        reading, tables = (float(m.group(1)), float(m.group(2))) if m else (None, None)
        mon.stop.set()
        mon.join()
        if rc != 0:
            raise SystemExit(f"bench: tdkt extract failed ({rc}) on {label}")
        import sqlite3
        con = sqlite3.connect(out / "registry.sqlite")
        docs = con.execute("SELECT count(*), sum(n_pages) FROM documents").fetchone()
        present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        rows = sum(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                   for t in specs() if t in present)       # another commit's store may lack a table
        errors = con.execute("SELECT count(*) FROM errors").fetchone()[0]
        con.close()
        return {"seconds": seconds, "cpu_seconds": cpu_seconds, "seconds_reading": reading, "seconds_tables": tables,
                "documents": docs[0], "pages": docs[1] or 0, "rows": rows, "errors": errors,
                "parent_peak_mb": mon.parent_kb / 1024,
                "worker_peak_mb": max(mon.workers.values(), default=0) / 1024, "worker_processes": len(mon.workers),
                "helper_peak_mb": max(mon.helpers.values(), default=0) / 1024}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def files_of(paths: list[Path], suffix: str) -> list[Path]:
    return sorted(f for p in paths for f in p.rglob(f"*{suffix}"))


def trigger_regex(engine: str = "regex"):
    import re

    import regex

    from pipeline import rules
    words = set()
    for k in rules.load("citations")["doc_kinds"]:
        words.update(k["words"])
    for ws in rules.load("movements")["heads"].values():
        words.update(ws)
    words.update(rules.load("numbers")["multipliers"].keys())     # (money's and figures' multipliers)
    words.update(rules.load("money")["currency_words"])
    awards = rules.load("awards")
    for t in awards["titles"]:
        words.update(t["forms"])
    words.add("Huân chương")
    if engine == "re":          # the standard library's engine: same words, \w for letters and digits
        body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE), len(words)
    return regex.compile(rules.alternation(words), regex.IGNORECASE), len(words)


def floor_baseline(files: list[Path], engine: str = "regex") -> dict:
    pattern, n_words = trigger_regex(engine)
    t0, c0 = time.perf_counter(), time.process_time()
    hits = 0
    nbytes = 0
    for f in files:
        data = f.read_bytes()
        nbytes += len(data)
        text = unicodedata.normalize("NFC", data.decode("utf-8", errors="replace"))
        hits += sum(1 for _ in pattern.finditer(text))
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0, "bytes": nbytes,
            "hits": hits, "trigger_words": n_words, "engine": engine}


def naive_baseline(files: list[Path]) -> dict:
    from underthesea import sent_tokenize, word_tokenize
    word_tokenize("Khởi động mô hình.")
    t0, c0 = time.perf_counter(), time.process_time()
    nbytes = 0
    sentences = 0
    for f in files:
        data = f.read_bytes()
        nbytes += len(data)
        for line in data.decode("utf-8", errors="replace").split("\n"):
            if line.strip():
                for s in sent_tokenize(line):
                    word_tokenize(s)
                    sentences += 1
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0, "bytes": nbytes,
            "sentences": sentences}


def pdfplumber_baseline(files: list[Path]) -> dict:
    import pdfplumber
    t0, c0 = time.perf_counter(), time.process_time()
    pages = 0
    for f in files:
        try:
            with pdfplumber.open(f) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                    pages += 1
        except Exception:
            pass
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0, "pages": pages}


def count_pages(files: list[Path]) -> int:
    import pypdfium2 as pdfium
    n = 0
    for f in files:
        try:
            doc = pdfium.PdfDocument(str(f))
            n += len(doc)
            doc.close()
        except Exception:
            pass
    return n


def stage_profile(shard: Path) -> dict:
    """Seconds in each stage on one shard, in this process (after warm-up)."""
    from pipeline import normalize, resolve, segment
    from pipeline.api import extract_text
    from pipeline.extract import ParsedDoc, extractors
    from pipeline.extract import document as document_meta
    from pipeline.ingest import read_source
    from pipeline.models import DocumentInfo, ExtractionResult
    extract_text("Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh; 21 tập thể được tặng Bằng khen.")
    t: dict[str, float] = {}
    nbytes = 0

    def add(k, s):
        t[k] = t.get(k, 0.0) + time.perf_counter() - s
    for f in sorted(shard.rglob("*.txt")):
        nbytes += f.stat().st_size
        s = time.perf_counter()
        src = read_source(str(f))
        add("ingest", s)
        s = time.perf_counter()
        norm = normalize.normalize(src)
        add("normalize", s)
        s = time.perf_counter()
        seg = segment.segment(norm)
        add("segment", s)
        parsed = ParsedDoc(src.doc_id, norm, seg)
        doc = DocumentInfo(src.doc_id, str(f), "txt")
        res = ExtractionResult(document=doc)
        s = time.perf_counter()
        document_meta.fill(doc, parsed)
        add("extract:document", s)
        for name, find in extractors().items():
            s = time.perf_counter()
            setattr(res, name, find(parsed))
            add(f"extract:{name}", s)
        s = time.perf_counter()
        resolve.resolve_document(res)
        add("resolve", s)
    total = sum(t.values())
    return {"bytes": nbytes, "seconds": total,
            "stages": {k: {"seconds": v, "share": v / total, "mb_s": nbytes / 1e6 / v if v else None}
                       for k, v in sorted(t.items(), key=lambda kv: -kv[1])}}


# ----------------------------------------------------------------- another commit

def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout.strip()


@contextlib.contextmanager
def checkout(ref: str):
    """The code of commit ``ref`` in a temporary `git worktree` (removed after):
    yields (folder, full commit id)."""
    commit = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    folder = Path(tempfile.mkdtemp(prefix="tdkt-bench-ref-"))
    git("worktree", "add", "--detach", "--quiet", str(folder), commit)
    try:
        # compiled once now, not inside the first timed run
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder / "pipeline")], check=False,
                       capture_output=True)
        yield folder, commit
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True)


# ----------------------------------------------------------------- the runs

def _f(v, spec: str = ".1f") -> str:
    """A figure, or ? when an older version's summary line did not give it."""
    return "?" if v is None else format(v, spec)


def measured(paths: list[Path], nbytes: int, label: str, versions: list[tuple[str, Path]], repeat: int,
             workers: int = 1) -> dict[str, list[dict]]:
    """`tdkt extract` of each version of the code over the same files, ``repeat``
    times; the versions take turns, and which goes first alternates, so that
    both meet the same state of a shared machine. Each run with its MB/s."""
    runs: dict[str, list[dict]] = {name: [] for name, _ in versions}
    for i in range(repeat):
        for name, code in (versions if i % 2 == 0 else versions[::-1]):
            r = tdkt_extract(paths, workers, label, code)
            r.update(bytes=nbytes, mb_s=nbytes / 1e6 / r["seconds"], s_per_mb=r["seconds"] / (nbytes / 1e6),
                     mb_per_cpu_s=nbytes / 1e6 / r["cpu_seconds"])
            runs[name].append(r)
    return runs


def median_run(runs: list[dict]) -> dict:
    """The run of median speed (the slower of the middle two), with the spread of all."""
    ordered = sorted(runs, key=lambda r: r["mb_s"])
    r = dict(ordered[(len(ordered) - 1) // 2])
    r["runs"] = len(runs)
    r["mb_s_range"] = [ordered[0]["mb_s"], ordered[-1]["mb_s"]]
    cpu = sorted(x["mb_per_cpu_s"] for x in runs)
    r["mb_per_cpu_s"] = cpu[(len(cpu) - 1) // 2]
    r["mb_per_cpu_s_range"] = [cpu[0], cpu[-1]]
    return r


def _spread(r: dict, key: str) -> str:
    lo, hi = r.get(f"{key}_range") or (r[key], r[key])
    return f"{r[key]:.2f}" + (f" ({lo:.2f}-{hi:.2f})" if r.get("runs", 1) > 1 else "")


def comparison(label: str, runs: dict[str, list[dict]]) -> dict | None:
    """This working tree against the other commit on one set of files: the
    median of each, and the ratios (above 1: the working tree is faster)."""
    if len(runs) < 2:
        return None
    (_, mine), (_, theirs) = list(runs.items())[:2]
    a, b = median_run(mine), median_run(theirs)
    out = {"label": label, "working_tree": a, "ref": b, "ratio_mb_s": a["mb_s"] / b["mb_s"],
           "ratio_mb_per_cpu_s": a["mb_per_cpu_s"] / b["mb_per_cpu_s"], "same_rows": a["rows"] == b["rows"]}
    print(f"  {label:<16} MB/s {_spread(a, 'mb_s')} vs {_spread(b, 'mb_s')}: {out['ratio_mb_s']:.2f}x;  "
          f"MB per CPU-s {_spread(a, 'mb_per_cpu_s')} vs {_spread(b, 'mb_per_cpu_s')}: "
          f"{out['ratio_mb_per_cpu_s']:.2f}x;  rows {a['rows']} vs {b['rows']}", flush=True)
    return out


def print_text_run(k: int, r: dict) -> None:
    print(f"text {k:>2}x  {r['bytes'] / 1e6:6.1f} MB  {r['seconds']:7.1f} s (reading {_f(r['seconds_reading'])} s, "
          f"tables {_f(r['seconds_tables'])} s)  {r['mb_s']:5.2f} MB/s  "
          f"{r['s_per_mb']:5.2f} s/MB  CPU {r['cpu_seconds']:.1f} s ({r['mb_per_cpu_s']:.2f} MB per CPU-s)  "
          f"{r['documents']} docs  {r['rows']} rows  "
          f"worker peak {r['worker_peak_mb']:.0f} MB ({r['worker_processes']} worker processes)  "
          f"parent peak {r['parent_peak_mb']:.0f} MB"
          + (f"  workbook writer peak {r['helper_peak_mb']:.0f} MB" if r["helper_peak_mb"] else ""), flush=True)


def archive_run(mb: float, versions: list[tuple[str, Path]] | None = None, repeat: int = 1,
                naive_mb: float = 0.0) -> dict:
    """End-to-end throughput on real text: an even sample of the crawled archive
    (about 475 citations per MB, where the benchmark corpus, chosen for its
    citations, has about 3,000); with ``naive_mb``, the naive baseline on an
    even part of the same files."""
    files = archive.sample(mb=mb)
    nbytes = sum(f.stat().st_size for f in files)
    runs = measured(files, nbytes, "archive", versions or [("working tree", ROOT)], repeat)
    r = median_run(next(iter(runs.values())))
    r["files"] = len(files)
    print(f"archive sample  {len(files)} files, {nbytes / 1e6:.1f} MB  {r['seconds']:.1f} s (reading "
          f"{_f(r['seconds_reading'])} s, tables {_f(r['seconds_tables'])} s)  {_spread(r, 'mb_s')} MB/s  "
          f"CPU {r['cpu_seconds']:.1f} s ({_spread(r, 'mb_per_cpu_s')} MB per CPU-s)  {r['documents']} docs  "
          f"{r['rows']} rows  {r['errors']} errors  worker peak {r['worker_peak_mb']:.0f} MB", flush=True)
    r["versions"] = runs
    if naive_mb:
        part = files[::max(1, round(nbytes / (naive_mb * 1e6)))]
        naive = naive_baseline(part)
        naive.update(mb_s=naive["bytes"] / 1e6 / naive["seconds"],
                     mb_per_cpu_s=naive["bytes"] / 1e6 / naive["cpu_seconds"])
        r["naive"] = naive
        r["vs_naive"], r["vs_naive_cpu"] = r["mb_s"] / naive["mb_s"], r["mb_per_cpu_s"] / naive["mb_per_cpu_s"]
        print(f"naive on the archive ({len(part)} of those files, {naive['bytes'] / 1e6:.1f} MB): "
              f"{naive['mb_s']:.2f} MB/s, {naive['mb_per_cpu_s']:.2f} MB per CPU-s; `tdkt extract` is "
              f"{r['vs_naive']:.1f}x that ({r['vs_naive_cpu']:.1f}x per CPU second)", flush=True)
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark tdkt extract (see bench/bench.py).")
    ap.add_argument("--mb", type=float, default=50.0, help="MB of text in the corpus (16x); default 50")
    ap.add_argument("--pdf-copies", type=int, default=4)
    ap.add_argument("--scales", default="1,4,16",
                    help="corpus sizes in shards of 1/16 (default 1,4,16; none: the archive sample only)")
    ap.add_argument("--speedup-scale", type=int, default=4, help="shards for the 2-worker run (default 4)")
    ap.add_argument("--naive-scale", type=int, default=16,
                    help="shards the naive baseline runs on (default 16: the same files as 16x)")
    ap.add_argument("--profile", action="store_true", help="also time each stage on shard 0")
    ap.add_argument("--skip-pdf", action="store_true")
    ap.add_argument("--archive-mb", type=float, default=20.0,
                    help="MB of the real archive (../shared/archive) to extract as well (0: none); default 20")
    ap.add_argument("--archive-naive-mb", type=float, default=2.0,
                    help="MB of the archive sample the naive baseline runs on (0: none); default 2")
    ap.add_argument("--against", metavar="REF",
                    help="also run the code of commit REF (a temporary git worktree) on the same files, "
                         "taking turns with the working tree, and print both and the ratio")
    ap.add_argument("--repeat", type=int, default=None,
                    help="runs of each version on each set of files (default 1; 2 with --against)")
    a = ap.parse_args(argv)
    repeat = a.repeat or (2 if a.against else 1)
    scales = [] if a.scales.strip().lower() in ("", "none", "0") else [int(s) for s in a.scales.split(",")]
    if not a.against:
        return run_all(a, scales, [("working tree", ROOT)], repeat)
    try:
        with checkout(a.against) as (folder, commit):
            print(f"against {a.against} ({commit[:10]}), checked out in {folder}")
            return run_all(a, scales, [("working tree", ROOT), (f"{a.against} ({commit[:8]})", folder)], repeat,
                           against={"ref": a.against, "commit": commit})
    except subprocess.CalledProcessError as exc:
        print(f"bench: cannot check out {a.against} ({(exc.stderr or '').strip() or exc}): "
              f"the working tree alone is measured", flush=True)
        return run_all(a, scales, [("working tree", ROOT)], repeat)


def run_all(a, scales: list[int], versions: list[tuple[str, Path]], repeat: int, against: dict | None = None) -> int:
    res: dict = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"), "text": {}, "targets": TARGETS}
    if against:
        res["against"] = {**against, "repeat": repeat, "comparisons": []}
    print(f"machine: {res['machine']}")
    shards: list[Path] = []
    if scales:
        manifest = build_corpus.build(a.mb, a.pdf_copies, seed=20241123)
        shards = sorted((CACHE / "text").glob("part-*"))
        res["corpus"] = {k: manifest[k] for k in ("text_files", "text_bytes", "pdf_files")}
        print(f"corpus: {manifest['text_files']} text files, {manifest['text_bytes'] / 1e6:.1f} MB; "
              f"{manifest['pdf_files']} PDFs")
    CACHE.mkdir(parents=True, exist_ok=True)

    compared = []
    for k in scales:
        paths = shards[:k]
        nbytes = sum(f.stat().st_size for f in files_of(paths, ".txt"))
        runs = measured(paths, nbytes, f"{k}x", versions, repeat)
        res["text"][f"{k}x"] = r = median_run(runs[versions[0][0]])
        print_text_run(k, r)
        compared.append((f"text {k}x", runs))

    if a.archive_mb and archive.available():
        res["archive"] = archive_run(a.archive_mb, versions, repeat, a.archive_naive_mb)
        compared.append(("archive sample", res["archive"].pop("versions")))

    if against:
        print(f"\nworking tree vs {versions[1][0]} (median of {repeat} runs each, range in brackets; "
              f"above 1x the working tree is faster):")
        res["against"]["comparisons"] = [c for c in (comparison(label, runs) for label, runs in compared) if c]

    summary = res["summary"] = {}
    checks = []
    if scales:
        checks = corpus_baselines(a, res, scales, shards, summary)
    if "archive" in res:
        summary["archive_mb_s_per_core"] = res["archive"]["mb_s"]
        summary["archive_mb_per_cpu_s"] = res["archive"]["mb_per_cpu_s"]
        if "vs_naive" in res["archive"]:
            summary["archive_vs_naive"] = res["archive"]["vs_naive"]
            checks.append(("archive sample vs naive (>= 10x)", summary["archive_vs_naive"] >= TARGETS["vs_naive"]))
    print("\nsummary:")
    if scales:
        print(f"  text end to end {summary['mb_s_per_core']:.2f} MB/s per core; {summary['vs_naive']:.1f}x naive; "
              f"floor is {summary['floor_over_ours']:.0f}x faster")
        print(f"  per CPU second: {summary['mb_per_cpu_s']:.2f} MB; {summary['vs_naive_cpu']:.1f}x naive; "
              f"floor {summary['floor_over_ours_cpu']:.0f}x faster"
              + (f"; PDF {summary['pages_per_cpu_s']:.1f} pages" if summary["pages_per_cpu_s"] else ""))
        print(f"  worker peak {summary['worker_peak_mb']:.0f} MB; s per added MB "
              + " -> ".join(f"{m:.2f}" for m in res["marginal_s_per_mb"])
              + f" ({100 * summary['s_per_mb_growth']:+.1f} %; "
              f"s/MB including start-up {100 * summary['s_per_mb_raw_growth']:+.1f} %); "
              f"2 workers {summary['speedup_2']:.2f}x")
    if "archive" in res:
        print(f"  real archive sample: {summary['archive_mb_s_per_core']:.2f} MB/s per core end to end, "
              f"{summary['archive_mb_per_cpu_s']:.2f} MB per CPU-s"
              + (f"; {summary['archive_vs_naive']:.1f}x naive" if "archive_vs_naive" in summary else ""))
    for c in (res.get("against") or {}).get("comparisons", []):
        print(f"  {c['label']} against {versions[1][0]}: {c['ratio_mb_s']:.2f}x MB/s, "
              f"{c['ratio_mb_per_cpu_s']:.2f}x MB per CPU-s" + ("" if c["same_rows"] else " (rows differ)"))
    for what, ok in checks:
        print(f"  [{'met' if ok else 'NOT MET'}] {what}")
    res["checks"] = {w: ok for w, ok in checks}
    if hasattr(os, "getloadavg"):
        res["machine"]["load_at_end"] = os.getloadavg()[0]
        print(f"  load average at start {res['machine']['load_at_start']:.2f}, at end "
              f"{res['machine']['load_at_end']:.2f} (others' work on this machine skews the figures)")
    (CACHE / "results.json").write_text(json.dumps(res, indent=1))
    (CACHE / "results.md").write_text(markdown(res))
    print(f"\nwritten: {CACHE / 'results.json'}, {CACHE / 'results.md'}")
    return 0


def corpus_baselines(a, res: dict, scales: list[int], shards: list[Path], summary: dict) -> list:
    """The floor and naive baselines, two workers, PDF and the stage profile on
    the benchmark corpus; fills ``summary`` and returns the checks."""
    big = max(scales)
    big_files = files_of(shards[:big], ".txt")
    e2e = res["text"][f"{big}x"]
    floors = []
    for engine in ("regex", "re"):
        f = floor_baseline(big_files, engine)
        f["mb_s"] = f["bytes"] / 1e6 / f["seconds"]
        f["mb_per_cpu_s"] = f["bytes"] / 1e6 / f["cpu_seconds"]
        floors.append(f)
        print(f"floor ({big}x files, {engine} module): {f['mb_s']:.1f} MB/s, {f['mb_per_cpu_s']:.1f} MB per CPU-s "
              f"({f['trigger_words']} trigger words, {f['hits']} hits)", flush=True)
    res["floors"] = floors
    res["floor"] = floor = max(floors, key=lambda f: f["mb_s"])        # the faster is the floor
    naive = naive_baseline(files_of(shards[:a.naive_scale], ".txt"))
    naive["mb_s"] = naive["bytes"] / 1e6 / naive["seconds"]
    naive["mb_per_cpu_s"] = naive["bytes"] / 1e6 / naive["cpu_seconds"]
    res["naive"] = naive
    print(f"naive ({a.naive_scale}x files): {naive['mb_s']:.2f} MB/s, {naive['mb_per_cpu_s']:.2f} MB per CPU-s "
          f"({naive['sentences']} sentences)", flush=True)

    sp = a.speedup_scale
    one = res["text"].get(f"{sp}x") or tdkt_extract(shards[:sp], 1, f"{sp}x")
    two = tdkt_extract(shards[:sp], 2, f"{sp}x-2w")
    res["speedup"] = {"scale": sp, "seconds_1": one["seconds"], "seconds_2": two["seconds"],
                      "speedup": one["seconds"] / two["seconds"], "worker_peak_mb_2": two["worker_peak_mb"],
                      "reading_1": one["seconds_reading"], "reading_2": two["seconds_reading"],
                      "tables_1": one["seconds_tables"], "tables_2": two["seconds_tables"],
                      # cores the runs actually had (CPU seconds per second): below 2 for the
                      # 2-worker run, other work on the machine took the rest
                      "cores_used_1": one["cpu_seconds"] / one["seconds"],
                      "cores_used_2": two["cpu_seconds"] / two["seconds"],
                      "cpu_seconds_1": one["cpu_seconds"], "cpu_seconds_2": two["cpu_seconds"]}
    if one["seconds_reading"] and two["seconds_reading"]:
        res["speedup"]["speedup_reading"] = one["seconds_reading"] / two["seconds_reading"]
    print(f"2 workers on {sp}x: {two['seconds']:.1f} s vs {one['seconds']:.1f} s: "
          f"{res['speedup']['speedup']:.2f}x end to end; reading the files (the parallel part) "
          f"{two['seconds_reading']:.1f} s vs {one['seconds_reading']:.1f} s: "
          f"{res['speedup'].get('speedup_reading', 0):.2f}x; the tables after (registry, files: one process) "
          f"{two['seconds_tables']:.1f} s vs {one['seconds_tables']:.1f} s; cores used "
          f"{res['speedup']['cores_used_2']:.2f} vs {res['speedup']['cores_used_1']:.2f} "
          f"(CPU {two['cpu_seconds']:.1f} s vs {one['cpu_seconds']:.1f} s)", flush=True)

    if not a.skip_pdf:
        pdfs = sorted((CACHE / "pdf").glob("*.pdf"))
        pages = count_pages(pdfs)
        ours = tdkt_extract([CACHE / "pdf"], 1, "pdf")
        plumber = pdfplumber_baseline(pdfs)
        res["pdf"] = {"files": len(pdfs), "pages": pages, "seconds": ours["seconds"],
                      "pages_s": pages / ours["seconds"], "pdfplumber_seconds": plumber["seconds"],
                      "pdfplumber_pages_s": plumber["pages"] / plumber["seconds"],
                      "worker_peak_mb": ours["worker_peak_mb"], "cpu_seconds": ours["cpu_seconds"],
                      "pages_per_cpu_s": pages / ours["cpu_seconds"],
                      "pdfplumber_pages_per_cpu_s": plumber["pages"] / plumber["cpu_seconds"]}
        res["pdf"]["vs_pdfplumber"] = res["pdf"]["pages_s"] / res["pdf"]["pdfplumber_pages_s"]
        print(f"pdf: {pages} pages in {len(pdfs)} files: {res['pdf']['pages_s']:.1f} pages/s end to end; "
              f"pdfplumber text only {res['pdf']['pdfplumber_pages_s']:.1f} pages/s "
              f"(ours {res['pdf']['vs_pdfplumber']:.2f}x); per CPU-s: {res['pdf']['pages_per_cpu_s']:.1f} vs "
              f"{res['pdf']['pdfplumber_pages_per_cpu_s']:.1f}", flush=True)

    if a.profile:
        res["profile"] = stage_profile(shards[0])
        print("where the time goes (shard 0, in process):")
        for k, v in res["profile"]["stages"].items():
            print(f"  {k:<20} {v['seconds']:6.2f} s  {100 * v['share']:5.1f} %  {v['mb_s'] or 0:7.2f} MB/s")

    # verdicts; linear growth: the cost of each added MB (fixed start-up costs aside)
    # is the same from 1x to 4x as from 4x to 16x
    runs = [res["text"][f"{k}x"] for k in sorted(scales)]
    marginal = [(b["seconds"] - a["seconds"]) / ((b["bytes"] - a["bytes"]) / 1e6) for a, b in itertools.pairwise(runs)]
    res["marginal_s_per_mb"] = marginal
    summary.update({
        "mb_s_per_core": e2e["mb_s"],
        "vs_naive": e2e["mb_s"] / naive["mb_s"],
        "floor_over_ours": floor["mb_s"] / e2e["mb_s"],
        "worker_peak_mb": max(r["worker_peak_mb"] for r in res["text"].values()),
        "s_per_mb_growth": (marginal[-1] / marginal[0] - 1) if len(marginal) >= 2 else 0.0,
        "s_per_mb_raw_growth": runs[-1]["s_per_mb"] / runs[0]["s_per_mb"] - 1,
        "speedup_2": res["speedup"]["speedup"],
        "pages_s_per_core": res.get("pdf", {}).get("pages_s"),
        # the same per CPU second: what one core does when nothing else runs on it
        "mb_per_cpu_s": e2e["mb_per_cpu_s"],
        "vs_naive_cpu": e2e["mb_per_cpu_s"] / naive["mb_per_cpu_s"],
        "floor_over_ours_cpu": floor["mb_per_cpu_s"] / e2e["mb_per_cpu_s"],
        "pages_per_cpu_s": res.get("pdf", {}).get("pages_per_cpu_s"),
    })
    checks = [
        ("text MB/s per core (>= 1)", summary["mb_s_per_core"] >= TARGETS["mb_s_per_core"]),
        ("vs naive (>= 10x)", summary["vs_naive"] >= TARGETS["vs_naive"]),
        ("within 20x of the floor", summary["floor_over_ours"] <= TARGETS["vs_floor_within"]),
        ("worker peak memory (<= 400 MB)", summary["worker_peak_mb"] <= TARGETS["worker_peak_mb"]),
        ("time linear in size: s per added MB 1x->4x vs 4x->16x (within 10 %)",
         abs(summary["s_per_mb_growth"]) <= TARGETS["linear_within"]),
        ("2 workers (>= 1.7x)", summary["speedup_2"] >= TARGETS["speedup_2"]),
    ]
    if summary["pages_s_per_core"] is not None:
        checks.append(("PDF pages/s per core (>= 100)", summary["pages_s_per_core"] >= TARGETS["pages_s_per_core"]))
    return checks


def markdown(res: dict) -> str:
    m = res["machine"]
    lines = [f"Measured {res['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_mb'] // 1024} GB, "
             f"Python {m['python']}, {m['os']}.", "",
             f"Load average {m.get('load_at_start') or 0:.1f} at the start, {m.get('load_at_end') or 0:.1f} at the end "
             "(other work on the machine slows the wall-clock figures; the CPU-second ones are not).", ""]
    if res["text"]:
        lines += corpus_markdown(res)
    if "archive" in res:
        r = res["archive"]
        lines.append(f"- real archive sample ({r['files']} files, {r['bytes'] / 1e6:.1f} MB of ../shared/archive): "
                     f"{r['mb_s']:.2f} MB/s per core end to end, {r['mb_per_cpu_s']:.2f} MB per CPU second, "
                     f"worker peak {r['worker_peak_mb']:.0f} MB")
        if "naive" in r:
            lines.append(f"- naive on the archive sample ({r['naive']['bytes'] / 1e6:.1f} MB of it): "
                         f"{r['naive']['mb_s']:.2f} MB/s; `tdkt extract` is {r['vs_naive']:.1f}x that "
                         f"({r['vs_naive_cpu']:.1f}x per CPU second)")
    if "pdf" in res:
        p = res["pdf"]
        lines.append(f"- PDF: {p['pages_s']:.1f} pages/s per core end to end ({p['pages']} pages); "
                     f"pdfplumber text only: {p['pdfplumber_pages_s']:.1f} pages/s ({p['vs_pdfplumber']:.2f}x); "
                     f"per CPU second {p['pages_per_cpu_s']:.1f} vs {p['pdfplumber_pages_per_cpu_s']:.1f} pages")
    if res.get("against", {}).get("comparisons"):
        ag = res["against"]
        lines += ["", f"Against {ag['ref']} ({ag['commit'][:10]}), the same files, the runs taking turns "
                      f"({ag['repeat']} of each; median, range in brackets):", "",
                  "| files | MB/s working tree | MB/s " + ag["ref"] + " | ratio | MB per CPU-s working tree "
                  "| MB per CPU-s " + ag["ref"] + " | ratio | same rows |", "|---|---|---|---|---|---|---|---|"]
        for c in ag["comparisons"]:
            a, b = c["working_tree"], c["ref"]
            lines.append(f"| {c['label']} | {_spread(a, 'mb_s')} | {_spread(b, 'mb_s')} | {c['ratio_mb_s']:.2f} | "
                         f"{_spread(a, 'mb_per_cpu_s')} | {_spread(b, 'mb_per_cpu_s')} | "
                         f"{c['ratio_mb_per_cpu_s']:.2f} | {'yes' if c['same_rows'] else 'no'} |")
    return "\n".join(lines) + "\n"


def corpus_markdown(res: dict) -> list[str]:
    lines = ["| corpus | MB | seconds | reading | tables | MB/s | CPU s | MB per CPU-s | s/MB | worker peak MB "
             "| parent peak MB |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for k, r in res["text"].items():
        lines.append(f"| {k} | {r['bytes'] / 1e6:.1f} | {r['seconds']:.1f} | {_f(r['seconds_reading'])} | "
                     f"{_f(r['seconds_tables'])} | {r['mb_s']:.2f} | {r['cpu_seconds']:.1f} | "
                     f"{r['mb_per_cpu_s']:.2f} | {r['s_per_mb']:.2f} | "
                     f"{r['worker_peak_mb']:.0f} | {r['parent_peak_mb']:.0f} |")
    s = res["summary"]
    return lines + ["", "- seconds per added MB: " + " -> ".join(f"{m:.2f}" for m in res["marginal_s_per_mb"])
                    + f" ({100 * s['s_per_mb_growth']:+.1f} %)",
                    "- floor (read + NFC + one trigger regex): " + ", ".join(
                        f"{f['mb_s']:.1f} MB/s ({f['engine']})" for f in res["floors"])
                    + f"; {s['floor_over_ours']:.0f}x faster than `tdkt extract` "
                    f"({s['floor_over_ours_cpu']:.0f}x per CPU second)",
                    f"- naive (underthesea word_tokenize on every sentence): {res['naive']['mb_s']:.2f} MB/s; "
                    f"`tdkt extract` is {s['vs_naive']:.1f}x that ({s['vs_naive_cpu']:.1f}x per CPU second)",
                    f"- 2 workers: {s['speedup_2']:.2f}x the speed of 1 end to end ({res['speedup']['scale']}x "
                    f"corpus); {res['speedup'].get('speedup_reading', 0):.2f}x while reading the files; cores used "
                    f"{res['speedup']['cores_used_2']:.2f} (2 workers) vs {res['speedup']['cores_used_1']:.2f} (1)"]


if __name__ == "__main__":
    sys.exit(main())
