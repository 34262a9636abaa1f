"""`tdkt check --out DIR`: findings on the claims extracted into DIR."""
from __future__ import annotations


from . import open_output_store, show

FAIL_LEVELS = {"never": set(), "error": {"error"}, "warning": {"error", "warning"}}


def run(args) -> int:
    from .. import export
    from ..audit import checks, store
    con = open_output_store(args.out, "check")
    if con is None:
        return 2
    try:
        tables = store.read_tables(con)
        findings = checks.run_checks(tables)
        if not args.quiet:        # shown before the files are written: a read-only folder is still read
            docs = {d["doc_id"]: d for d in tables["documents"]}
            show(checks.format_findings(findings, docs))
        export.replace_table(con, "checks", findings)
        export.write_files(con, args.out, tables=["checks"])
        store.write_sheet(args.out, "checks", export.read_table(con, "checks"))
    finally:
        con.close()
    if not args.quiet:
        print(f"Wrote {args.out}/checks.csv, checks.parquet, the checks sheet of tables.xlsx "
              f"and the checks table of registry.sqlite")
    return 1 if any(f.severity in FAIL_LEVELS[args.fail_on] for f in findings) else 0


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="check the extracted claims: percentages, totals, quotas, dates, conflicts",
        description="Check the claims that `tdkt extract` wrote into DIR: stated percentages against "
                    "their own ratio or amounts, totals against their parts, counts against the names "
                    "listed, award quotas (Chiến sĩ thi đua cơ sở against Lao động tiên tiến, by unit and "
                    "year, with the legal basis in force), claims of one unit and year that differ between "
                    "documents, cited documents dated after the report citing them, and registry conflicts. "
                    "The rules are data in rules/checks.yaml. Writes the checks table to DIR (CSV, "
                    "Parquet, the workbook and the SQLite store) and prints the findings.")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder `tdkt extract` filled")
    p.add_argument("--fail-on", choices=sorted(FAIL_LEVELS), default="never",
                   help="exit with status 1 when a finding of this severity or worse exists (default: never)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run)
