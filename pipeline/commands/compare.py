"""`tdkt compare --out DIR`: units' claims side by side, periods against periods."""
from __future__ import annotations

from . import open_output_store, show


def _split(values):
    out = []
    for v in values or []:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def _written(path: str, lang: str) -> str:
    """A file compare wrote, as printed (the store's table named in the reader's language)."""
    from .. import messages as msg
    suffix = " (table compare)"
    if path.endswith(suffix):
        return msg.t("compare_db_table", lang, db=path[:-len(suffix)])
    return path


def run(args) -> int:
    from .. import messages as msg
    from ..audit import compare, stream
    lang = msg.lang_of(getattr(args, "lang", None))
    con = open_output_store(args.out, "compare")
    if con is None:
        return 2
    try:
        # each document's claims from its own rows, grouped by SQLite (pipeline/audit/stream.py):
        # the store's tables are never held, only the comparison
        comp = stream.compare_store(con, units=_split(args.unit), periods=_split(args.period),
                                    provinces=_split(args.province), figures=not args.no_figures)
        if not args.quiet:    # shown before the files are written: a read-only folder is still read
            show(compare.format_table(comp, lang=lang) + "\n")
        written = compare.write(comp, args.out, con)
    finally:
        con.close()
    # even with --quiet: `make run` names every file it wrote
    print(msg.t("compare_wrote", lang, files=", ".join(_written(w, lang) for w in written)))
    return 0


def register(sub) -> None:
    from .. import messages as msg
    lang = msg.default_lang()        # help is read before any option: TDKT_LANG decides its language
    p = sub.add_parser("compare", help=msg.t("compare_help", lang), description=msg.t("compare_description", lang))
    p.add_argument("--out", required=True, metavar="DIR", help=msg.t("out_help", lang))
    p.add_argument("--unit", action="append", metavar="TEXT", help=msg.t("compare_unit_help", lang))
    p.add_argument("--period", action="append", metavar="P", help=msg.t("compare_period_help", lang))
    p.add_argument("--province", action="append", metavar="TEXT", help=msg.t("compare_province_help", lang))
    p.add_argument("--no-figures", action="store_true", help=msg.t("compare_no_figures_help", lang))
    p.add_argument("--quiet", action="store_true", help=msg.t("compare_quiet_help", lang))
    msg.add_lang_option(p)
    p.set_defaults(func=run)
