"""PDF reading speed: the pipeline's reader against pdfplumber alone, same files, same run.

    PYTHONPATH=. .venv/bin/python bench/pdf_speed.py [--repeat N] [PDF ...]
    make bench-pdf

Files: corpus/rendered/*.pdf and corpus/real/*.pdf unless given.  For each
reader every file is read ``--repeat`` times (after one warm-up pass) and the
best pass counts.  Pages per second = pages read / seconds.

* pipeline: ``pipeline.ingest.read_source(path)`` - pypdfium2 text with line
  geometry, running heads removed, paragraphs, and ruled tables found from
  pdfium's drawn lines on pages with enough lines / rectangles (no OCR).
* pdfplumber: ``page.extract_text()`` on every page (pdfminer layout analysis),
  the plain way to read a PDF with pdfplumber alone.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pipeline_read(path: Path) -> int:
    from pipeline.ingest import read_source
    result = read_source(str(path))
    return len(result.page_starts)


def pdfplumber_read(path: Path) -> int:
    import pdfplumber
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def best_time(read, files: list[Path], repeat: int) -> tuple[float, int, dict]:
    """(best total seconds, pages, per-file best seconds)."""
    per_file: dict[Path, float] = {}
    pages = 0
    for f in files:                       # warm-up: imports, font caches
        pages += read(f)
    for f in files:
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            read(f)
            best = min(best, time.perf_counter() - t0)
        per_file[f] = best
    return sum(per_file.values()), pages, per_file


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="passes per file (best counts; default 3)")
    args = ap.parse_args(argv)
    files = args.files or sorted((ROOT / "corpus" / "rendered").glob("*.pdf")) + \
        sorted((ROOT / "corpus" / "real").glob("*.pdf"))
    if not files:
        print("no PDF files", file=sys.stderr)
        return 1
    from importlib.metadata import version
    print(f"{len(files)} PDF files; pypdfium2 {version('pypdfium2')}, pdfplumber {version('pdfplumber')}; "
          f"best of {args.repeat} passes per file\n")
    ours, pages, ours_per = best_time(pipeline_read, files, args.repeat)
    theirs, pages2, theirs_per = best_time(pdfplumber_read, files, args.repeat)
    width = max(len(f.name) for f in files)
    print(f"{'file':<{width}}  pages  pipeline p/s  pdfplumber p/s  ratio")
    for f in files:
        n = pdfplumber_read(f)
        a, b = ours_per[f], theirs_per[f]
        print(f"{f.name:<{width}}  {n:>5}  {n / a:>12.1f}  {n / b:>14.1f}  {b / a:>5.1f}x")
    print()
    print(f"pipeline reader (pypdfium2 + tables where ruled): {pages} pages in {ours:.2f} s = "
          f"{pages / ours:.1f} pages/s")
    print(f"pdfplumber alone (extract_text):                  {pages2} pages in {theirs:.2f} s = "
          f"{pages2 / theirs:.1f} pages/s")
    print(f"ratio: the pipeline reads {theirs / ours:.1f}x as many pages per second as pdfplumber")
    return 0


if __name__ == "__main__":
    sys.exit(main())
