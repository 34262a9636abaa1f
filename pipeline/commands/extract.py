"""`tdkt extract PATH... --out DIR`: read reports and write the tables."""
from __future__ import annotations


def run(args) -> int:
    from .. import batch
    summary = batch.run(args.paths, args.out, workers=args.workers, fresh=args.fresh, quiet=args.quiet)
    if not args.quiet:
        print(f"Read {summary.documents} document(s) ({summary.skipped} unchanged, skipped) "
              f"in {summary.seconds:.1f}s into {args.out}")
        for name, n in summary.rows.items():
            print(f"  {name:<10} {n:>6} rows")
        print(f"  errors in this run: {summary.errors}")
    return 0


def register(sub) -> None:
    ex = sub.add_parser(
        "extract", help="read reports and write the tables",
        description="Read files and folders (recursively: .txt, .docx, .pdf) and write the tables "
                    "documents, citations, movements, money, awards, figures and errors, and the "
                    "registry tables, to DIR as CSV (UTF-8 with BOM), Parquet, one Excel workbook "
                    "tables.xlsx and the SQLite database registry.sqlite. Documents already extracted "
                    "into DIR with the same rules are skipped; the tables cover every document in DIR.")
    ex.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to read")
    ex.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    ex.add_argument("--workers", type=int, default=None, metavar="N",
                    help="worker processes (default: all cores)")
    ex.add_argument("--fresh", action="store_true", help="forget what DIR already holds and start over")
    ex.add_argument("--quiet", action="store_true", help="print nothing but errors")
    ex.set_defaults(func=run)
