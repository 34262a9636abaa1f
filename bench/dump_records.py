"""Dump every record the extractors make, for comparing two versions of the
code (a refactor must leave the records identical).

    python bench/dump_records.py OUT.jsonl [--archive-mb 8] [--shards 2]

Reads corpus/ (the seeds, their renderings, the real samples), the first
``--shards`` benchmark shards (bench/build_corpus.py's cache, when built) and
an even sample of ``--archive-mb`` MB of ../shared/archive (when present). One
JSON line per record, sorted; the ``rule`` column (which named rule made a
row) is left out, so that the dumps of a version without it compare equal.
Compare two dumps with ``cmp`` or ``diff``.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

LEFT_OUT = {"rule"}
SUFFIXES = {".txt", ".docx", ".doc", ".pdf", ".html", ".htm", ".odt", ".rtf"}


def inputs(archive_mb: float, shards: int) -> list[Path]:
    files = sorted(p for p in (ROOT / "corpus").rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    try:
        import build_corpus
        for shard in sorted((build_corpus.CACHE / "text").glob("part-*"))[:shards]:
            files += sorted(shard.rglob("*.txt"))
    except Exception:                       # no benchmark cache: corpus and archive only
        pass
    if archive_mb:
        import archive
        if archive.available():
            files += archive.sample(mb=archive_mb)
    return files


def rows_of(path: Path):
    from pipeline.api import extract_file
    result = extract_file(str(path), time_limit=None)
    for table, rows in result.tables().items():
        for rec in rows:
            values = {k: v for k, v in asdict(rec).items() if k not in LEFT_OUT}
            values.pop("source_path", None)
            yield json.dumps({"file": path.name, "table": table, **values}, ensure_ascii=False, sort_keys=True,
                             default=str)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--archive-mb", type=float, default=8.0)
    ap.add_argument("--shards", type=int, default=2)
    a = ap.parse_args(argv)
    lines = []
    files = inputs(a.archive_mb, a.shards)
    for path in files:
        lines.extend(rows_of(path))
    lines.sort()
    Path(a.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(files)} files, {len(lines)} records -> {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
