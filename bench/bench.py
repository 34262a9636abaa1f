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

Results: printed, and written to bench/cache/results.json and results.md.
"""
from __future__ import annotations

import argparse
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

import archive  # noqa: E402
import build_corpus  # noqa: E402

from pipeline.extract import specs  # noqa: E402

CACHE = build_corpus.CACHE
TDKT = [sys.executable, "-m", "pipeline.cli"]
TARGETS = {"mb_s_per_core": 1.0, "vs_naive": 10.0, "vs_floor_within": 20.0, "pages_s_per_core": 100.0,
           "worker_peak_mb": 400.0, "linear_within": 0.10, "speedup_2": 1.7}


# ----------------------------------------------------------------- helpers

def machine() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
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


def tdkt_extract(paths: list[Path], workers: int, label: str) -> dict:
    out = Path(tempfile.mkdtemp(prefix=f"tdkt-bench-{label}-"))
    try:
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        proc = subprocess.Popen(TDKT + ["extract", *map(str, paths), "--out", str(out), "--workers", str(workers),
                                        "--fail-on", "none"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                env={**os.environ, "TDKT_LANG": "en"})     # the summary line parsed below
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
        rows = sum(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                   for t in specs())
        errors = con.execute("SELECT count(*) FROM errors").fetchone()[0]
        con.close()
        return {"seconds": seconds, "cpu_seconds": cpu_seconds, "seconds_reading": reading, "seconds_tables": tables, "documents": docs[0], "pages": docs[1] or 0, "rows": rows, "errors": errors,
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
    money = rules.load("money")
    words.update(money["multipliers"].keys())
    words.update(money["currency_words"])
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
        resolve.resolve_document(res, parsed)
        add("resolve", s)
    total = sum(t.values())
    return {"bytes": nbytes, "seconds": total,
            "stages": {k: {"seconds": v, "share": v / total, "mb_s": nbytes / 1e6 / v if v else None}
                       for k, v in sorted(t.items(), key=lambda kv: -kv[1])}}


# ----------------------------------------------------------------- the run

def archive_run(mb: float) -> dict:
    """End-to-end throughput on real text: an even sample of the crawled archive
    (about 475 citations per MB, where the benchmark corpus, chosen for its
    citations, has about 3,000)."""
    files = archive.sample(mb=mb)
    nbytes = sum(f.stat().st_size for f in files)
    r = tdkt_extract(files, 1, "archive")
    r.update(bytes=nbytes, files=len(files), mb_s=nbytes / 1e6 / r["seconds"],
             mb_per_cpu_s=nbytes / 1e6 / r["cpu_seconds"])
    print(f"archive sample  {len(files)} files, {nbytes / 1e6:.1f} MB  {r['seconds']:.1f} s (reading "
          f"{r['seconds_reading']:.1f} s, tables {r['seconds_tables']:.1f} s)  {r['mb_s']:.2f} MB/s  "
          f"CPU {r['cpu_seconds']:.1f} s ({r['mb_per_cpu_s']:.2f} MB per CPU-s)  {r['documents']} docs  "
          f"{r['rows']} rows  {r['errors']} errors  worker peak {r['worker_peak_mb']:.0f} MB", flush=True)
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark tdkt extract (see bench/bench.py).")
    ap.add_argument("--mb", type=float, default=50.0, help="MB of text in the corpus (16x); default 50")
    ap.add_argument("--pdf-copies", type=int, default=4)
    ap.add_argument("--scales", default="1,4,16", help="corpus sizes in shards of 1/16 (default 1,4,16)")
    ap.add_argument("--speedup-scale", type=int, default=4, help="shards for the 2-worker run (default 4)")
    ap.add_argument("--naive-scale", type=int, default=16,
                    help="shards the naive baseline runs on (default 16: the same files as 16x)")
    ap.add_argument("--profile", action="store_true", help="also time each stage on shard 0")
    ap.add_argument("--skip-pdf", action="store_true")
    ap.add_argument("--archive-mb", type=float, default=20.0,
                    help="MB of the real archive (../shared/archive) to extract as well (0: none); default 20")
    a = ap.parse_args(argv)

    manifest = build_corpus.build(a.mb, a.pdf_copies, seed=20241123)
    shards = sorted((CACHE / "text").glob("part-*"))
    scales = [int(s) for s in a.scales.split(",")]
    res: dict = {"machine": machine(), "corpus": {k: manifest[k] for k in ("text_files", "text_bytes", "pdf_files")},
                 "date": time.strftime("%Y-%m-%d %H:%M"), "text": {}, "targets": TARGETS}
    print(f"machine: {res['machine']}")
    print(f"corpus: {manifest['text_files']} text files, {manifest['text_bytes'] / 1e6:.1f} MB; "
          f"{manifest['pdf_files']} PDFs")

    for k in scales:
        paths = shards[:k]
        nbytes = sum(f.stat().st_size for f in files_of(paths, ".txt"))
        r = tdkt_extract(paths, 1, f"{k}x")
        r.update(bytes=nbytes, mb_s=nbytes / 1e6 / r["seconds"], s_per_mb=r["seconds"] / (nbytes / 1e6),
                 mb_per_cpu_s=nbytes / 1e6 / r["cpu_seconds"])
        res["text"][f"{k}x"] = r
        print(f"text {k:>2}x  {nbytes / 1e6:6.1f} MB  {r['seconds']:7.1f} s (reading {r['seconds_reading']:.1f} s, "
              f"tables {r['seconds_tables']:.1f} s)  {r['mb_s']:5.2f} MB/s  "
              f"{r['s_per_mb']:5.2f} s/MB  CPU {r['cpu_seconds']:.1f} s ({r['mb_per_cpu_s']:.2f} MB per CPU-s)  "
              f"{r['documents']} docs  {r['rows']} rows  "
              f"worker peak {r['worker_peak_mb']:.0f} MB ({r['worker_processes']} worker processes)  "
              f"parent peak {r['parent_peak_mb']:.0f} MB"
              + (f"  workbook writer peak {r['helper_peak_mb']:.0f} MB" if r["helper_peak_mb"] else ""), flush=True)

    if a.archive_mb and archive.available():
        res["archive"] = archive_run(a.archive_mb)

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
    marginal = [(b["seconds"] - a["seconds"]) / ((b["bytes"] - a["bytes"]) / 1e6) for a, b in zip(runs, runs[1:])]
    res["marginal_s_per_mb"] = marginal
    res["summary"] = summary = {
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
    }
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
    if "archive" in res:
        summary["archive_mb_s_per_core"] = res["archive"]["mb_s"]
        summary["archive_mb_per_cpu_s"] = res["archive"]["mb_per_cpu_s"]
    print("\nsummary:")
    print(f"  text end to end {summary['mb_s_per_core']:.2f} MB/s per core; {summary['vs_naive']:.1f}x naive; "
          f"floor is {summary['floor_over_ours']:.0f}x faster")
    print(f"  per CPU second: {summary['mb_per_cpu_s']:.2f} MB; {summary['vs_naive_cpu']:.1f}x naive; "
          f"floor {summary['floor_over_ours_cpu']:.0f}x faster"
          + (f"; PDF {summary['pages_per_cpu_s']:.1f} pages" if summary["pages_per_cpu_s"] else ""))
    print(f"  worker peak {summary['worker_peak_mb']:.0f} MB; s per added MB "
          + " -> ".join(f"{m:.2f}" for m in marginal) + f" ({100 * summary['s_per_mb_growth']:+.1f} %; "
          f"s/MB including start-up {100 * summary['s_per_mb_raw_growth']:+.1f} %); "
          f"2 workers {summary['speedup_2']:.2f}x")
    if "archive" in res:
        print(f"  real archive sample: {summary['archive_mb_s_per_core']:.2f} MB/s per core end to end, "
              f"{summary['archive_mb_per_cpu_s']:.2f} MB per CPU-s")
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


def markdown(res: dict) -> str:
    m = res["machine"]
    lines = [f"Measured {res['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_mb'] // 1024} GB, "
             f"Python {m['python']}, {m['os']}.", "",
             f"Load average {m.get('load_at_start') or 0:.1f} at the start, {m.get('load_at_end') or 0:.1f} at the end "
             "(other work on the machine slows the wall-clock figures; the CPU-second ones are not).", "",
             "| corpus | MB | seconds | reading | tables | MB/s | CPU s | MB per CPU-s | s/MB | worker peak MB "
             "| parent peak MB |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for k, r in res["text"].items():
        lines.append(f"| {k} | {r['bytes'] / 1e6:.1f} | {r['seconds']:.1f} | {r['seconds_reading']:.1f} | "
                     f"{r['seconds_tables']:.1f} | {r['mb_s']:.2f} | {r['cpu_seconds']:.1f} | "
                     f"{r['mb_per_cpu_s']:.2f} | {r['s_per_mb']:.2f} | "
                     f"{r['worker_peak_mb']:.0f} | {r['parent_peak_mb']:.0f} |")
    s = res["summary"]
    lines += ["", "- seconds per added MB: " + " -> ".join(f"{m:.2f}" for m in res["marginal_s_per_mb"])
              + f" ({100 * s['s_per_mb_growth']:+.1f} %)",
              "- floor (read + NFC + one trigger regex): " + ", ".join(
                  f"{f['mb_s']:.1f} MB/s ({f['engine']})" for f in res["floors"])
              + f"; {s['floor_over_ours']:.0f}x faster than `tdkt extract` "
              f"({s['floor_over_ours_cpu']:.0f}x per CPU second)",
              f"- naive (underthesea word_tokenize on every sentence): {res['naive']['mb_s']:.2f} MB/s; "
              f"`tdkt extract` is {s['vs_naive']:.1f}x that ({s['vs_naive_cpu']:.1f}x per CPU second)",
              f"- 2 workers: {s['speedup_2']:.2f}x the speed of 1 end to end ({res['speedup']['scale']}x corpus); "
              f"{res['speedup'].get('speedup_reading', 0):.2f}x while reading the files; cores used "
              f"{res['speedup']['cores_used_2']:.2f} (2 workers) vs {res['speedup']['cores_used_1']:.2f} (1)"]
    if "archive" in res:
        r = res["archive"]
        lines.append(f"- real archive sample ({r['files']} files, {r['bytes'] / 1e6:.1f} MB of ../shared/archive): "
                     f"{r['mb_s']:.2f} MB/s per core end to end, {r['mb_per_cpu_s']:.2f} MB per CPU second, "
                     f"worker peak {r['worker_peak_mb']:.0f} MB")
    if "pdf" in res:
        p = res["pdf"]
        lines.append(f"- PDF: {p['pages_s']:.1f} pages/s per core end to end ({p['pages']} pages); "
                     f"pdfplumber text only: {p['pdfplumber_pages_s']:.1f} pages/s ({p['vs_pdfplumber']:.2f}x); "
                     f"per CPU second {p['pages_per_cpu_s']:.1f} vs {p['pdfplumber_pages_per_cpu_s']:.1f} pages")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
