"""`make fuzz`: fuzz the normalize-and-extract entry (``pipeline.extract_text``)
with atheris (libFuzzer, coverage-guided) for a set time and report what it found.

Each input is decoded as UTF-8 (bad bytes replaced) and extracted. A finding is:

- an exception out of ``extract_text`` (it must never raise);
- a document whose extraction failed in a stage (``status == "error"``: the
  stage caught an exception: a bug);
- a record that does not point back to its text
  (``normalized_text[start:end] != text``);
- an input slower than ``--slow`` seconds (catastrophic backtracking or another
  super-linear path; past six times that, libFuzzer's ``-timeout`` stops the run).

Every distinct finding is kept (one input each) and the fuzzing goes on.

The fuzzer runs in a child process (libFuzzer ends its process when the time is
up); this process then prints the report: runs, the slowest inputs per
character, and each finding re-run here with its reason. Findings are kept in
``bench/cache/fuzz/findings`` (inputs as files: re-run one with
``python scripts/fuzz.py --replay FILE``); the growing corpus in
``bench/cache/fuzz/corpus`` (seeded with the sample reports' lines and the rules'
examples).

    python scripts/fuzz.py [--seconds 60] [--slow 10] [--max-len 4096]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "cache" / "fuzz"
STATS = WORK / "stats.json"


class Finding(Exception):
    pass


def check(data: bytes) -> float:
    """Extract one input; raise Finding on a bug. Returns the seconds it took."""
    from pipeline import extract_text
    text = data.decode("utf-8", errors="replace")
    t = time.perf_counter()
    result = extract_text(text)
    seconds = time.perf_counter() - t
    if result.document.status == "error":
        raise Finding(f"a stage failed: {result.document.error}")
    norm = result.normalized_text
    for table, rows in result.mentions.items():
        for row in rows:
            if norm[row.start:row.end] != row.text:
                raise Finding(f"{table} record does not point back to its text: "
                              f"[{row.start}:{row.end}] {norm[row.start:row.end]!r} != {row.text!r}")
    return seconds


def seed_corpus(corpus: Path) -> None:
    import yaml
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    pieces = []
    for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt")):
        lines = [ln for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
        pieces += lines[:60]
    for p in sorted((ROOT / "rules").glob("*.yaml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        examples = [data.get("examples") or [], data.get("rules") or []]     # the named rules hold theirs

        def strings(v):
            if isinstance(v, str):
                yield v
            elif isinstance(v, dict):
                for x in v.values():
                    yield from strings(x)
            elif isinstance(v, list):
                for x in v:
                    yield from strings(x)
        pieces += [s for s in strings(examples) if 10 <= len(s) <= 2000]
    for s in pieces:
        data = s.encode("utf-8")
        (corpus / hashlib.sha1(data).hexdigest()).write_bytes(data)


def child(args) -> None:
    import atheris
    with atheris.instrument_imports(include=["pipeline"]):
        from pipeline import extract_text
        # the extractors, resolve and ingest helpers are imported on first use: use them
        # here, inside the block, or the coverage that guides the fuzzer misses them
        extract_text("Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh.")
    stats = {"runs": 0, "slowest": [], "findings": {}}
    last = [time.time()]
    findings = WORK / "findings"
    findings.mkdir(parents=True, exist_ok=True)

    def record(kind: str, reason: str, data: bytes) -> None:
        import re
        signature = kind + ": " + re.sub(r"\d+", "N", reason)[:200]
        if signature in stats["findings"]:
            stats["findings"][signature]["count"] += 1
            return
        name = f"{kind}-{hashlib.sha1(data).hexdigest()[:16]}"
        (findings / name).write_bytes(data)
        stats["findings"][signature] = {"file": name, "reason": reason, "count": 1, "bytes": len(data)}
        STATS.write_text(json.dumps(stats))

    def one_input(data: bytes) -> None:
        t = time.perf_counter()
        try:
            seconds = check(data)
        except Finding as f:                 # keep going: every distinct finding is kept
            seconds = time.perf_counter() - t
            record("finding", str(f), data)
        except Exception as exc:             # noqa: BLE001 - extract_text raised: the worst kind
            seconds = time.perf_counter() - t
            record("exception", f"{type(exc).__name__}: {exc}", data)
        if seconds > args.slow:
            record("slow", f"{seconds:.1f} s for {len(data)} bytes", data)
        stats["runs"] += 1
        per_char = seconds / max(1, len(data))
        slow = stats["slowest"]
        if len(slow) < 5 or seconds > slow[-1][0]:
            slow.append((seconds, per_char, len(data), data[:300].decode("utf-8", "replace")))
            slow.sort(key=lambda x: -x[0])
            del slow[5:]
        if time.time() - last[0] > 1:
            last[0] = time.time()
            STATS.write_text(json.dumps(stats))

    argv = [sys.argv[0], f"-max_total_time={args.seconds}", f"-timeout={max(60, 6 * args.slow)}",
            f"-max_len={args.max_len}",
            f"-rss_limit_mb={args.rss_mb}", f"-artifact_prefix={findings}/", "-print_final_stats=1",
            str(WORK / "corpus")]
    import atexit
    atexit.register(lambda: STATS.write_text(json.dumps(stats)))
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def replay(path: Path) -> str:
    try:
        seconds = check(path.read_bytes())
        return f"no finding now ({seconds:.2f} s)"
    except Finding as f:
        return f"finding: {f}"
    except Exception as exc:     # noqa: BLE001
        return f"exception: {type(exc).__name__}: {exc}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Fuzz pipeline.extract_text with atheris and report.")
    ap.add_argument("--seconds", type=int, default=60, help="how long to fuzz (default 60)")
    ap.add_argument("--slow", type=int, default=10, help="an input slower than this is a finding (default 10 s)")
    ap.add_argument("--max-len", type=int, default=4096, help="longest input in bytes (default 4096)")
    ap.add_argument("--rss-mb", type=int, default=2048)
    ap.add_argument("--replay", type=Path, help="re-run one saved input and say what it does")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.replay:
        print(replay(args.replay))
        return 0
    if args.child:
        child(args)
        return 0
    try:
        import atheris  # noqa: F401
    except ImportError:
        sys.exit("fuzz: atheris is not installed: pip install atheris")
    WORK.mkdir(parents=True, exist_ok=True)
    seed_corpus(WORK / "corpus")
    before = {p.name for p in (WORK / "findings").glob("*")} if (WORK / "findings").exists() else set()
    if STATS.exists():
        STATS.unlink()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    t0 = time.time()
    proc = subprocess.run([sys.executable, __file__, "--child", f"--seconds={args.seconds}", f"--slow={args.slow}",
                           f"--max-len={args.max_len}", f"--rss-mb={args.rss_mb}"], env=env,
                          stderr=subprocess.PIPE, text=True, errors="replace")
    elapsed = time.time() - t0
    log = proc.stderr.splitlines()
    (WORK / "last.log").write_text(proc.stderr)
    stats = json.loads(STATS.read_text()) if STATS.exists() else {"runs": 0, "slowest": [], "findings": {}}
    done = [ln for ln in log if ln.startswith("Done ")]
    cov = [ln for ln in log if " cov: " in ln]
    print(f"fuzzed pipeline.extract_text for {elapsed:.0f} s: {stats['runs']} inputs"
          + (f" ({done[-1]})" if done else ""))
    if cov:
        print("last status: " + cov[-1].strip())
    print(f"corpus: {len(list((WORK / 'corpus').iterdir()))} inputs in {WORK / 'corpus'}")
    print("slowest inputs:")
    for seconds, per_char, n, head in stats["slowest"]:
        print(f"  {seconds:7.3f} s  {1e6 * per_char:8.1f} µs/char  {n:5d} bytes  {head[:80]!r}")
    found = stats.get("findings", {})
    hard = sorted(p for p in (WORK / "findings").glob("*")
                  if p.name not in before and p.name.startswith(("crash-", "timeout-", "oom-", "leak-")))
    if not found and not hard:
        print("findings: none" + ("" if proc.returncode == 0 else f" (fuzzer exit code {proc.returncode}; "
                                                                  f"see {WORK / 'last.log'})"))
        return 0
    print(f"findings: {len(found) + len(hard)} distinct (inputs in {WORK / 'findings'}):")
    for _sig, f in sorted(found.items(), key=lambda kv: -kv[1]["count"]):
        data = (WORK / "findings" / f["file"]).read_bytes()
        print(f"  {f['file']}  x{f['count']}  {f['reason'][:160]}")
        print(f"      input ({f['bytes']} bytes): {data[:100]!r}")
    for p in hard:                        # libFuzzer's own: a hang past the hard limit, memory
        print(f"  {p.name}  {len(p.read_bytes())} bytes  {p.read_bytes()[:80]!r}")
        print(f"      replayed: {replay(p)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
