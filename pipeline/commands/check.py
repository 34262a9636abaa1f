"""`tdkt check --out DIR`: findings on the claims extracted into DIR."""
from __future__ import annotations

from . import open_output_store, show

FAIL_LEVELS = {"never": set(), "error": {"error"}, "warning": {"error", "warning"}}


def run(args) -> int:
    from .. import export, store
    from .. import messages as msg
    from ..audit import checks
    from ..audit import store as audit_store
    lang = msg.lang_of(getattr(args, "lang", None))
    con = open_output_store(args.out, "check")
    if con is None:
        return 2
    try:
        tables = audit_store.read_tables(con)
        findings = checks.run_checks(tables)
        if not args.quiet:        # shown before the files are written: a read-only folder is still read
            docs = {d["doc_id"]: d for d in tables["documents"]}
            show(checks.format_findings(findings, docs, lang))
        store.replace_table(con, "checks", findings)
        export.write_files(con, args.out, tables=["checks"])
        audit_store.write_sheet(args.out, "checks", store.read_table(con, "checks"))
    finally:
        con.close()
    if not args.quiet:
        print(msg.t("check_wrote", lang, out=args.out, sheet=msg.sheet_name("checks", lang), db=store.DB_NAME))
    return 1 if any(f.severity in FAIL_LEVELS[args.fail_on] for f in findings) else 0


def register(sub) -> None:
    from .. import messages as msg
    lang = msg.default_lang()        # help is read before any option: TDKT_LANG decides its language
    p = sub.add_parser("check", help=msg.t("check_help", lang), description=msg.t("check_description", lang))
    p.add_argument("--out", required=True, metavar="DIR", help=msg.t("out_help", lang))
    p.add_argument("--fail-on", choices=sorted(FAIL_LEVELS), default="never", help=msg.t("check_fail_on_help", lang))
    p.add_argument("--quiet", action="store_true", help=msg.t("quiet_help", lang))
    msg.add_lang_option(p)
    p.set_defaults(func=run)
