"""`tdkt report --out DIR`: the HTML review page of an output folder."""
from __future__ import annotations

import sys


def run(args) -> int:
    from ..audit import store
    from ..report import build_report
    try:
        path = build_report(args.out, args.html, args.doc)
    except store.StoreError as exc:
        print(f"tdkt report: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"Wrote {path}")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "report", help="write DIR/report.html: texts with highlighted spans, tables, checks, charts",
        description="Write one self-contained HTML page (no network; inline CSS, JS and SVG) for the output "
                    "folder DIR that `tdkt extract` filled: per document its text with every extracted span "
                    "highlighted by kind (hover shows the normalized values), its tables with each row "
                    "linking to its span, the checks with links to their spans, and charts of award counts "
                    "per unit and year. Source files are read again (ingest and normalize only) for the texts.")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder `tdkt extract` filled")
    p.add_argument("--html", metavar="FILE", default=None, help="write the page here instead of DIR/report.html")
    p.add_argument("--doc", action="append", metavar="TEXT", default=None,
                   help="only documents whose path contains TEXT (repeatable); the whole folder otherwise")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run)
