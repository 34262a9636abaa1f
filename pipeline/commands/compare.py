"""`tdkt compare --out DIR`: units' claims side by side, periods against periods."""
from __future__ import annotations


from . import open_output_store, show


def _split(values):
    out = []
    for v in values or []:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def run(args) -> int:
    from ..audit import compare, store
    con = open_output_store(args.out, "compare")
    if con is None:
        return 2
    try:
        tables = store.read_tables(con)
        comp = compare.compare(tables, units=_split(args.unit), periods=_split(args.period),
                               provinces=_split(args.province), figures=not args.no_figures)
        if not args.quiet:    # shown before the files are written: a read-only folder is still read
            show(compare.format_table(comp) + "\n")
        written = compare.write(comp, args.out, con)
    finally:
        con.close()
    print("Wrote " + ", ".join(written))       # even with --quiet: `make run` names every file it wrote
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "compare", help="put units' claims side by side: award counts and figures by unit and period",
        description="Put the claims that `tdkt extract` wrote into DIR side by side: rows are award counts "
                    "(award, conferrer, recipient type) and figures (counts, ratios, percentages of a named "
                    "thing, areas), columns are units (the issuer of each document) × periods (an award "
                    "count's achievement year, a figure's document period), then the change between a "
                    "unit's consecutive periods. Writes compare.csv, compare.parquet, compare.xlsx (frozen "
                    "headers) and the store's compare table to DIR, and prints the table.")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder `tdkt extract` filled")
    p.add_argument("--unit", action="append", metavar="TEXT",
                   help="only units whose name contains TEXT (repeat or comma-separate for several)")
    p.add_argument("--period", action="append", metavar="P",
                   help="only these periods: a year `2022` also takes `2022-H1`, `2022-Q3` (repeatable)")
    p.add_argument("--province", action="append", metavar="TEXT", help="only units of this province (repeatable)")
    p.add_argument("--no-figures", action="store_true", help="award counts only")
    p.add_argument("--quiet", action="store_true", help="do not print the table, only the files written")
    p.set_defaults(func=run)
