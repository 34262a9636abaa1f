"""Build the benchmark corpus once, under bench/cache/ (git-ignored).

Text: the sample reports (corpus/seeds) and the VNLegalText sentences
(``shared/external/vnlegal-val.jsonl``, field ``text``), replicated with varied
numbers and dates until about ``--mb`` MB of text:

- a *report* is a seed with every date replaced by another valid date and every
  other number by another number of the same number of digits;
- a *compilation* is 40-160 VNLegalText sentences drawn at random, 1-5 to a
  paragraph, numbers and dates varied the same way.

Half the bytes are reports, half compilations. The files are spread over 16
shards ``text/part-00`` ... ``part-15`` of equal size and mix, so shard 0 is
the 1x corpus, shards 0-3 the 4x corpus and all 16 the 16x corpus.

PDF: every PDF in corpus/ copied ``--pdf-copies`` times, each copy made distinct
(a comment after ``%%EOF``) so that none is a duplicate of another.

The build is deterministic (``--seed``) and is skipped when ``manifest.json``
says the same parameters were used.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
SHARDS = 16
DATE = regex.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2((?:19|20)\d{2})(?!\d)")
DATE_WORDS = regex.compile(r"(?i)(?<!\d)(\d{1,2})(\s+tháng\s+)(\d{1,2})(\s+năm\s+)((?:19|20)\d{2})(?!\d)")
YEAR = regex.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
DIGITS = regex.compile(r"\d+")


def shared_dir() -> Path:
    env = os.environ.get("TDKT_SHARED")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared", Path("/work/shared")]:
        if (cand / "external" / "vnlegal-val.jsonl").is_file():
            return cand
    sys.exit("bench: shared/external/vnlegal-val.jsonl not found (set TDKT_SHARED)")


def vary(text: str, rnd: random.Random) -> str:
    """Other dates and numbers, same shapes."""
    def date(m):
        d, mo, y = rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(2005, 2025)
        width = len(m.group(1))
        return f"{d:0{width}d}{m.group(2)}{mo:0{len(m.group(3))}d}{m.group(2)}{y}"

    def date_words(m):
        return (f"{rnd.randint(1, 28):0{len(m.group(1))}d}{m.group(2)}{rnd.randint(1, 12)}"
                f"{m.group(4)}{rnd.randint(2005, 2025)}")

    text = DATE.sub(date, text)
    text = DATE_WORDS.sub(date_words, text)
    text = YEAR.sub(lambda m: str(rnd.randint(2005, 2025)), text)

    def number(m):
        s = m.group()
        if len(s) == 4 and s[:2] in ("19", "20"):
            return s                                   # a year (already varied)
        first = "0" if s[0] == "0" else str(rnd.randint(1, 9))
        return first + "".join(str(rnd.randint(0, 9)) for _ in range(len(s) - 1))
    return DIGITS.sub(number, text)


def build(mb: float, pdf_copies: int, seed: int, force: bool = False) -> dict:
    params = {"mb": mb, "pdf_copies": pdf_copies, "seed": seed, "version": 3}
    manifest_path = CACHE / "manifest.json"
    if manifest_path.exists() and not force:
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("params") == params:
            return manifest
    if CACHE.exists():
        shutil.rmtree(CACHE)
    rnd = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt"))]
    with open(shared_dir() / "external" / "vnlegal-val.jsonl", encoding="utf-8") as f:
        sentences = [json.loads(line)["text"] for line in f if line.strip()]
    target = int(mb * 1e6)
    shards = [CACHE / "text" / f"part-{i:02d}" for i in range(SHARDS)]
    for s in shards:
        s.mkdir(parents=True)
    written = [0] * SHARDS
    files = 0
    total = 0
    while total < target:
        kind = "report" if files % 2 == 0 else "compilation"
        if kind == "report":
            text = vary(seeds[rnd.randrange(len(seeds))], rnd)
        else:
            picked = rnd.sample(sentences, rnd.randint(40, 160))
            pars, i = [], 0
            while i < len(picked):
                k = rnd.randint(1, 5)
                pars.append(" ".join(picked[i:i + k]))
                i += k
            text = vary("\n\n".join(pars), rnd) + "\n"
        data = text.encode("utf-8")
        shard = (files // 2) % SHARDS           # a report and a compilation in turn: same mix everywhere
        (shards[shard] / f"{files:05d}_{kind}.txt").write_bytes(data)
        written[shard] += len(data)
        total += len(data)
        files += 1
    pdf_dir = CACHE / "pdf"
    pdf_dir.mkdir(parents=True)
    pdfs = sorted((ROOT / "corpus").rglob("*.pdf"))
    for src in pdfs:
        data = src.read_bytes()
        for c in range(pdf_copies):
            (pdf_dir / f"{src.stem}__{c:02d}.pdf").write_bytes(data + f"\n%tdkt-bench-copy {c}\n".encode())
    manifest = {"params": params, "text_files": files, "text_bytes": total, "shard_bytes": written,
                "pdf_sources": [str(p.relative_to(ROOT)) for p in pdfs], "pdf_files": len(pdfs) * pdf_copies}
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50.0, help="MB of text (default 50)")
    ap.add_argument("--pdf-copies", type=int, default=4, help="copies of each PDF in corpus/ (default 4)")
    ap.add_argument("--seed", type=int, default=20241123)
    ap.add_argument("--force", action="store_true", help="build again even when cached")
    a = ap.parse_args(argv)
    m = build(a.mb, a.pdf_copies, a.seed, a.force)
    print(f"bench corpus: {m['text_files']} text files, {m['text_bytes'] / 1e6:.1f} MB in {SHARDS} shards; "
          f"{m['pdf_files']} PDFs; in {CACHE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
