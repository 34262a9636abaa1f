"""`tdkt report --out DIR`: the HTML review page of an output folder."""
from __future__ import annotations

import os
import sys

LANGS = ("vi", "en")
WROTE = {"vi": "Đã ghi {path}", "en": "Wrote {path}"}


def language(value: str | None) -> str:
    """--lang, else TDKT_LANG when it names a language (as the other commands read it), else Vietnamese."""
    if value in LANGS:
        return value
    env = (os.environ.get("TDKT_LANG") or "").strip().lower()
    return env if env in LANGS else "vi"


def run(args) -> int:
    from ..audit import store
    from ..report import ReportError, build_report
    lang = language(args.lang)
    try:
        path = build_report(args.out, args.html, args.doc, max_chars=args.max_chars, per_page=args.per_page,
                            one_page=args.one_page, lang=lang)
    except (store.StoreError, ReportError) as exc:
        print(f"tdkt report: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(WROTE[lang].format(path=path))
    return 0


def register(sub) -> None:
    from ..report import limits as render
    from . import whole_number
    p = sub.add_parser(
        "report", help="write DIR/report.html: texts with highlighted spans, tables, checks, charts",
        description="Write a self-contained HTML review (no network; inline CSS, JS and SVG) of the output "
                    "folder DIR that `tdkt extract` filled: per document its text with every extracted span "
                    "highlighted by kind (hover shows the normalized values), its tables with each row "
                    "linking to its span, the checks (as `tdkt check` stored them) with links to their spans, "
                    "and charts of award counts per unit and year. Everything is read from the store: no "
                    "source file is read again, and documents extract could not read are listed with their "
                    "error. Above --one-page documents the per-document sections go to pages "
                    "report/0001.html ... (beside the page) linked from its summary. The page is in Vietnamese "
                    "(--lang en: English): a summary of every file with its status first, a search box over "
                    "its tables, sortable columns, each document collapsed until opened, and a print layout.")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder `tdkt extract` filled")
    p.add_argument("--html", metavar="FILE", default=None,
                   help="write the page here instead of DIR/report.html (its pages, if any, to the folder "
                        "of the same name without .html)")
    p.add_argument("--doc", action="append", metavar="TEXT", default=None,
                   help="only documents whose path contains TEXT (repeatable); the whole folder otherwise")
    p.add_argument("--max-chars", type=whole_number(1), default=render.MAX_CHARS, metavar="N",
                   help=f"show at most N characters of each document's text (default {render.MAX_CHARS:,}); "
                        "the rows beyond are listed, not highlighted")
    p.add_argument("--one-page", type=int, default=render.ONE_PAGE, metavar="N",
                   help=f"one page for up to N documents (default {render.ONE_PAGE}); more go to pages")
    p.add_argument("--per-page", type=whole_number(1), default=render.PER_PAGE, metavar="N",
                   help=f"documents per page when split (default {render.PER_PAGE})")
    p.add_argument("--lang", choices=LANGS, default=None,
                   help="the language of the page's headings, labels, notes and buttons: vi (Vietnamese, the "
                        "default) or en; without it the environment variable TDKT_LANG, if it names one")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run)
