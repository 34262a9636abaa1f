"""`tdkt extract PATH... --out DIR`: read reports and write the tables."""
from __future__ import annotations

import sys


def run(args) -> int:
    from .. import batch
    try:
        summary = batch.run(args.paths, args.out, workers=args.workers, fresh=args.fresh, quiet=args.quiet,
                            engine=args.engine, scheduler=args.scheduler,
                            timeout=args.timeout if args.timeout and args.timeout > 0 else None,
                            max_memory_mb=args.max_memory if args.max_memory and args.max_memory > 0 else None,
                            shared_fs=args.shared_fs, ocr=getattr(args, "ocr", False),
                            follow_links=args.follow_links)
    except batch.OutputLocked as exc:
        print(f"tdkt extract: {exc}", file=sys.stderr)
        return 3
    except (ValueError, RuntimeError) as exc:      # OutputUnwritable included: disk full, read-only
        print(f"tdkt extract: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        extra = f", {summary.duplicates} duplicate(s) of another file" if summary.duplicates else ""
        rate = summary.bytes / 1e6 / summary.seconds if summary.seconds else 0.0
        print(f"Read {summary.documents} document(s) ({summary.skipped} unchanged, skipped{extra}) "
              f"in {summary.seconds:.1f}s ({rate:.2f} MB/s; reading {summary.seconds_extracting:.1f}s, "
              f"tables {summary.seconds_tables:.1f}s) into {args.out}")
        for name, n in summary.rows.items():
            print(f"  {name:<10} {n:>6} rows")
        print(f"  errors in this run: {summary.errors}")
    return 0


def register(sub) -> None:
    from ..batch import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT, ENGINES
    ex = sub.add_parser(
        "extract", help="read reports and write the tables",
        description="Read files and folders (recursively: .txt, .docx, .pdf, .doc, .odt, .rtf, .html) and write the tables "
                    "documents, citations, movements, money, awards, figures and errors, and the "
                    "registry tables, to DIR as CSV (UTF-8 with BOM), Parquet, one Excel workbook "
                    "tables.xlsx and the SQLite database registry.sqlite. Documents already extracted "
                    "into DIR with the same rules are skipped; the tables cover every document in DIR. "
                    "Each document is stored whole as soon as it is read: a run that is stopped or "
                    "killed can be started again and finishes the job. A file that cannot be read, "
                    "or takes longer than --timeout, gets an errors row and the batch goes on.")
    ex.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to read")
    ex.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    ex.add_argument("--workers", type=int, default=None, metavar="N",
                    help="worker processes (default: all cores)")
    ex.add_argument("--engine", choices=ENGINES, default="local",
                    help="local: worker processes on this machine (default); serial: one file after the "
                         "other in this process, no time limit (debugging); dask: an existing Dask "
                         "distributed cluster (--scheduler)")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="the Dask scheduler for --engine dask, e.g. tcp://10.0.0.5:8786")
    ex.add_argument("--shared-fs", action="store_true",
                    help="with --engine dask: the cluster's workers read the files at the same paths "
                         "(a shared file system) instead of receiving their bytes from this machine")
    ex.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                    help=f"abandon a document that takes longer (an errors row; 0: no limit; "
                         f"default {DEFAULT_TIMEOUT:g})")
    ex.add_argument("--max-memory", type=float, default=DEFAULT_MAX_MEMORY_MB, metavar="MB",
                    help=f"abandon a document whose worker grows past this resident memory "
                         f"(0: no limit; default {DEFAULT_MAX_MEMORY_MB})")
    ex.add_argument("--ocr", action="store_true",
                    help="read scanned PDF pages (no text layer) with Tesseract OCR, Vietnamese; "
                         "needs `make ocr-deps`; documents stored earlier as needs_ocr are read again. "
                         "OCR takes a few seconds a page: raise --timeout for long scans")
    ex.add_argument("--follow-links", action="store_true",
                    help="read what symbolic links inside the folders lead to outside them (by default such a "
                         "link gets an errors row and is not followed)")
    ex.add_argument("--fresh", action="store_true", help="forget what DIR already holds and start over")
    ex.add_argument("--quiet", action="store_true",
                    help="print nothing but errors (no progress: on a terminal a progress bar, "
                         "otherwise a log line every 10 s)")
    ex.set_defaults(func=run)
