"""`tdkt registry --out DIR`: the registry of cited documents, and its conflicts."""
from __future__ import annotations

# the directives' columns printed, and how: dates and counts the reader's way
SHOWN = ["doc_type", "number", "issued_date", "issuer_resolved", "n_citations", "n_documents"]


def _readable(df, lang: str):
    """The directives as printed: Vietnamese headers, dates dd/mm/yyyy and
    counts with `.` in Vietnamese; machine names and ISO dates in English."""
    from .. import messages as msg
    shown = df[SHOWN].copy()
    shown["issued_date"] = [msg.date(v, lang) if isinstance(v, str) else "" for v in shown["issued_date"]]
    for c in ("n_citations", "n_documents"):
        shown[c] = [msg.number(int(v), lang, 0) if v == v and v is not None else "" for v in shown[c]]
    shown.columns = [msg.header("directives", c, lang) for c in SHOWN]
    return shown


def run(args) -> int:
    from .. import export, registry, store
    from .. import messages as msg
    from . import open_output_store, show
    lang = msg.lang_of(getattr(args, "lang", None))
    con = open_output_store(args.out, "registry")
    if con is None:
        return 2
    try:
        n_directives, n_conflicts = registry.rebuild(con)
        # shown before the files are written: a read-only folder is still read
        if args.conflicts:
            show(registry.describe_conflicts(con, lang))
        else:
            df = store.read_table(con, "directives")
            show(msg.t("registry_summary", lang, n_directives=msg.number(n_directives, lang, 0),
                       n_conflicts=msg.number(n_conflicts, lang, 0)))
            with __import__("pandas").option_context("display.max_rows", 50, "display.width", 160,
                                                     "display.max_colwidth", 40):
                show(_readable(df, lang).to_string(index=False))
        export.write_files(con, args.out)
        print(msg.t("registry_wrote", lang, out=args.out, db=store.DB_NAME))
    finally:
        con.close()
    return 0


def register(sub) -> None:
    from .. import messages as msg
    lang = msg.default_lang()        # help is read before any option: TDKT_LANG decides its language
    p = sub.add_parser("registry", help=msg.t("registry_help", lang), description=msg.t("registry_description", lang))
    p.add_argument("--out", required=True, metavar="DIR", help=msg.t("out_help", lang))
    p.add_argument("--conflicts", action="store_true", help=msg.t("registry_conflicts_help", lang))
    msg.add_lang_option(p)
    p.set_defaults(func=run)
