"""`tdkt registry --out DIR`: the registry of cited documents, and its conflicts."""
from __future__ import annotations


def run(args) -> int:
    from .. import export, registry
    from . import open_output_store, show
    con = open_output_store(args.out, "registry")
    if con is None:
        return 2
    try:
        n_directives, n_conflicts = registry.rebuild(con)
        # shown before the files are written: a read-only folder is still read
        if args.conflicts:
            show(registry.describe_conflicts(con))
        else:
            df = export.read_table(con, "directives")
            show(f"{n_directives} cited documents, {n_conflicts} conflict(s)")
            cols = ["doc_type", "number", "issued_date", "issuer_resolved", "n_citations", "n_documents"]
            with __import__("pandas").option_context("display.max_rows", 50, "display.width", 160,
                                                     "display.max_colwidth", 40):
                show(df[cols].to_string(index=False))
        export.write_files(con, args.out)
        print(f"Wrote {args.out}/directives.csv, conflicts.csv (and every table's .csv and .parquet), "
              f"tables.xlsx and {export.DB_NAME}")
    finally:
        con.close()
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "registry", help="the registry of cited documents and where citations disagree",
        description="Rebuild the directives table (one row per real cited document, keyed by code, "
                    "serial, year and, for local codes, province) and the conflicts table (citations of "
                    "one key that disagree on date, issuer or kind; cited documents dated after the "
                    "report citing them; impossible dates) from what `extract` stored in DIR.")
    p.add_argument("--out", required=True, metavar="DIR", help="the folder `tdkt extract` wrote")
    p.add_argument("--conflicts", action="store_true", help="list the conflicts readably")
    p.set_defaults(func=run)
