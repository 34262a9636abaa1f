"""`tdkt check --out DIR`: findings on the claims extracted into DIR."""
from __future__ import annotations

from . import open_output_store, show

FAIL_LEVELS = {"never": set(), "error": {"error"}, "warning": {"error", "warning"}}


def run(args) -> int:
    from .. import export, store
    from .. import messages as msg
    from ..audit import store as audit_store
    from ..audit import stream
    lang = msg.lang_of(getattr(args, "lang", None))
    con = open_output_store(args.out, "check")
    if con is None:
        return 2
    try:
        # one document at a time, what compares documents in SQL (pipeline/audit/stream.py):
        # memory stays flat however large the store
        stream.check_store(con)
        if not args.quiet:        # shown before the files are written: a read-only folder is still read
            _show_findings(con, lang)
        levels = sorted(FAIL_LEVELS[args.fail_on])
        failed = bool(levels) and con.execute(
            f'SELECT 1 FROM checks WHERE severity IN ({", ".join("?" for _ in levels)}) LIMIT 1',
            levels).fetchone() is not None
        export.write_files(con, args.out, tables=["checks"])
        audit_store.write_sheet(args.out, "checks")
    finally:
        con.close()
    if not args.quiet:
        print(msg.t("check_wrote", lang, out=args.out, sheet=msg.sheet_name("checks", lang), db=store.DB_NAME))
    return 1 if failed else 0


def _show_findings(con, lang: str, lines_at_once: int = 1000) -> None:
    """The findings as checks.format_findings lists them, read from the store as they are printed."""
    from ..audit import checks, stream
    source: dict[str, str] = {}

    def each():
        for f, path in stream.findings(con, lang):
            source[f.doc_id] = path          # the file of the finding listed next
            yield f
            source.clear()
    lines: list[str] = []
    for i, line in enumerate(checks.finding_lines(each(), source.get, lang)):
        if i == 0 and not line:
            continue                         # the blank line before the first document (format_findings strips it)
        lines.append(line)
        if len(lines) >= lines_at_once:
            show("\n".join(lines))
            lines = []
    if lines:
        show("\n".join(lines))


def register(sub) -> None:
    from .. import messages as msg
    lang = msg.default_lang()        # help is read before any option: TDKT_LANG decides its language
    p = sub.add_parser("check", help=msg.t("check_help", lang), description=msg.t("check_description", lang))
    p.add_argument("--out", required=True, metavar="DIR", help=msg.t("out_help", lang))
    p.add_argument("--fail-on", choices=sorted(FAIL_LEVELS), default="never", help=msg.t("check_fail_on_help", lang))
    p.add_argument("--quiet", action="store_true", help=msg.t("quiet_help", lang))
    msg.add_lang_option(p)
    p.set_defaults(func=run)
