"""`tdkt registry --out DIR`: the registry of cited documents, and its conflicts.

With ``--conflicts`` the conflicts are listed one block per cited document
(its key): each field in dispute, each value with the sentences that give it,
cut around the citation, and where the cited document is in the store its own
header. Vietnamese by default (dates dd/mm/yyyy, fields by their labels)."""
from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass

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


# the conflicts whose value is a date, and those whose second side is the cited document's header
DATED = {"issued_date", "dated_after_citing_report", "impossible_date", "document_issued_date"}
AGAINST_HEADER = {"document_issued_date", "document_doc_type", "document_issuer"}
# the fields two citations disagree on: every citation giving a disputed value is its evidence
BETWEEN_CITATIONS = ("issued_date", "issuer_resolved", "doc_type")
AROUND = 80              # characters of the sentence kept on either side of the citation
MOST_SENTENCES = 5       # sentences shown under a value (the others counted)
CHUNK = 500              # documents, or keys, a query


@dataclass
class Evidence:
    """Where a value is given: a citation (its document and position), or the cited document's header."""
    doc_id: str
    start: int | None
    sentence: str
    header: bool = False


@dataclass
class Dispute:
    """One field of one key in dispute: each value and where it is given (in order, without repeats)."""
    field: str
    # (dataclasses.field written out: the class's own `field` would hide it from type checkers)
    values: dict = dataclasses.field(default_factory=dict)        # value -> [Evidence]
    citing_dates: dict = dataclasses.field(default_factory=dict)  # dated_after_citing_report: value -> report's date

    def add(self, value: str, evidence: Evidence) -> None:
        where = self.values.setdefault(value, [])
        if all((e.doc_id, e.start) != (evidence.doc_id, evidence.start) for e in where):
            where.append(evidence)


def _text(v) -> str:
    return "" if v is None or v != v else str(v)


def _disputes(con: sqlite3.Connection) -> dict[str, dict[str, Dispute]]:
    """The conflicts table grouped: key -> field -> its values and their evidence, in the table's order."""
    from .. import store
    grouped: dict[str, dict[str, Dispute]] = {}
    for row in store.read_table(con, "conflicts").itertuples():
        dispute = grouped.setdefault(_text(row.key), {}).setdefault(row.field, Dispute(row.field))
        a, b = _text(row.value_a), _text(row.value_b)
        start_a = None if row.start_a != row.start_a else int(row.start_a)
        start_b = None if row.start_b != row.start_b else int(row.start_b)
        dispute.add(a, Evidence(_text(row.doc_id_a), start_a, _text(row.sentence_a)))
        if row.field == "dated_after_citing_report":
            dispute.citing_dates[a] = b
        elif row.field != "impossible_date":
            dispute.add(b, Evidence(_text(row.doc_id_b), start_b, _text(row.sentence_b),
                                    header=row.field in AGAINST_HEADER))
    return grouped


def _add_every_citation(con: sqlite3.Connection, grouped: dict[str, dict[str, Dispute]]) -> None:
    """Under each disputed value of the fields citations disagree on, every
    citation of the key that gives it (the conflicts table holds the first of each)."""
    from ..registry import _identity
    keys = sorted(k for k, fields in grouped.items() if k and any(f in fields for f in BETWEEN_CITATIONS))
    cols = ", ".join(f'"{c}"' for c in BETWEEN_CITATIONS)
    for at in range(0, len(keys), CHUNK):
        part = keys[at:at + CHUNK]
        marks = ", ".join("?" for _ in part)
        for key, doc_id, start, sentence, *values in con.execute(
                f"SELECT key, doc_id, start, sentence, {cols} FROM citations WHERE key IN ({marks}) "
                "ORDER BY key, doc_id, start", part):
            for name, value in zip(BETWEEN_CITATIONS, values):
                dispute = grouped[key].get(name)
                if dispute is None or not value:
                    continue
                ident = _identity(name, value)
                shown = next((v for v in dispute.values if _identity(name, v) == ident), None)
                if shown is not None:
                    dispute.add(shown, Evidence(doc_id, int(start), sentence or ""))


def _source_paths(con: sqlite3.Connection, doc_ids: set) -> dict[str, str]:
    """The file of each document named, a few hundred a query (not the whole documents table)."""
    docs = sorted(doc_ids)
    out: dict[str, str] = {}
    for at in range(0, len(docs), CHUNK):
        part = docs[at:at + CHUNK]
        out.update(con.execute(f"SELECT doc_id, source_path FROM documents WHERE doc_id IN "
                               f"({', '.join('?' for _ in part)})", part))
    return out


def _citation_texts(con: sqlite3.Connection, wanted: set) -> dict[tuple, str]:
    """The text of each citation at (doc_id, start), read a few documents a query."""
    docs = sorted({d for d, _ in wanted})
    out = {}
    for at in range(0, len(docs), CHUNK):
        part = docs[at:at + CHUNK]
        marks = ", ".join("?" for _ in part)
        for doc_id, start, text in con.execute(
                f'SELECT doc_id, start, text FROM citations WHERE doc_id IN ({marks})', part):
            if (doc_id, start) in wanted:
                out[(doc_id, start)] = text
    return out


def trimmed(sentence: str, cited: str, around: int = AROUND) -> str:
    """The sentence on one line, cut to the citation and ``around`` characters
    either side of it (`…` where cut); the whole sentence when the citation is not in it."""
    s = " ".join((sentence or "").split())
    cited = " ".join((cited or "").split())
    at = s.find(cited) if cited else -1
    if at < 0:
        at, cited = 0, s[:2 * around]
    start, end = max(0, at - around), min(len(s), at + len(cited) + around)
    return ("…" if start else "") + s[start:end] + ("…" if end < len(s) else "")


def _shown_value(field_name: str, value: str, lang: str) -> str:
    from .. import messages as msg
    return msg.date(value, lang, field_name == "dated_after_citing_report") if field_name in DATED else value


def _document_names(con: sqlite3.Connection, lang: str) -> dict[str, str]:
    """Each key of the directives as a person names it: `Chỉ thị số 12/CT-UBND`, with its title when known."""
    from .. import messages as msg
    cols = {r[1] for r in con.execute('PRAGMA table_info("directives")')}
    title = "title" if "title" in cols else "''"
    names = {}
    for key, doc_type, number, own_title in con.execute(f"SELECT key, doc_type, number, {title} FROM directives"):
        if not number:
            continue
        name = msg.t("conflicts_document", lang, doc_type=doc_type or msg.t("conflicts_document_kind", lang),
                     number=number)
        names[key] = name + (msg.t("conflicts_title", lang, title=own_title) if own_title else "")
    return names


def describe_conflicts(con: sqlite3.Connection, lang: str = "vi") -> str:
    """The conflicts, readably, in ``lang``: one block per key (the cited
    document by its kind and number), each field in dispute with its values,
    and under each value the sentences that give it, cut around the citation
    (the cited document's header where it is in the store)."""
    from .. import messages as msg
    grouped = _disputes(con)
    if not grouped:
        return msg.t("no_conflicts", lang)
    _add_every_citation(con, grouped)
    names = _document_names(con, lang)
    wanted = {(e.doc_id, e.start) for fields in grouped.values() for d in fields.values()
              for where in d.values.values() for e in where if not e.header}
    path = _source_paths(con, {e.doc_id for fields in grouped.values() for d in fields.values()
                               for where in d.values.values() for e in where})
    cited = _citation_texts(con, wanted)
    n = sum(len(d.values) for fields in grouped.values() for d in fields.values())
    lines = [msg.t("conflicts_summary", lang, n_keys=msg.number(len(grouped), lang, 0),
                   n_values=msg.number(n, lang, 0))]
    for key in sorted(grouped, key=lambda k: (not k, k)):
        lines.append("")
        lines.append(msg.t("conflicts_key", lang, key=key or msg.t("no_key", lang), document=names.get(key, "")
                           ).rstrip(" :—"))
        for dispute in grouped[key].values():
            lines += _dispute_lines(dispute, path, cited, lang)
    return "\n".join(lines)


def _dispute_lines(dispute: Dispute, path: dict, cited: dict, lang: str) -> list[str]:
    from .. import messages as msg
    shown = {v: _shown_value(dispute.field, v, lang) for v in dispute.values}
    what = msg.conflict_kind(dispute.field, lang)
    if dispute.field == "dated_after_citing_report":
        heads = [msg.t("conflicts_dated_after", lang, a=shown[v], b=msg.date(dispute.citing_dates.get(v, ""), lang,
                                                                            True)) for v in dispute.values]
        lines = []
        for head, where in zip(heads, dispute.values.values()):
            lines.append(head)
            lines += [_evidence_line("", e, path, cited, lang) for e in where]
        return lines
    order = sorted(dispute.values) if dispute.field in DATED else list(dispute.values)   # dates in time order
    listed = [shown[v] for v in order]
    values = ", ".join(listed[:-1]) + msg.t("conflicts_and", lang) + listed[-1] if len(listed) > 1 else listed[0]
    lines = [msg.t("conflicts_field", lang, what=what, values=values)]
    for value in order:
        where = dispute.values[value]
        lines += [_evidence_line(shown[value], e, path, cited, lang) for e in where[:MOST_SENTENCES]]
        if len(where) > MOST_SENTENCES:
            lines.append(msg.t("conflicts_more", lang, n=msg.number(len(where) - MOST_SENTENCES, lang, 0)))
    return lines


def _evidence_line(value: str, e: Evidence, path: dict, cited: dict, lang: str) -> str:
    from .. import messages as msg
    where, value = path.get(e.doc_id) or e.doc_id, f"{value}: " if value else ""
    if e.header:
        return msg.t("conflicts_header_at", lang, value=value, path=where, start=e.start,
                     sentence=" ".join(e.sentence.split()))
    return msg.t("conflicts_at", lang, value=value, path=where, start=e.start,
                 sentence=trimmed(e.sentence, cited.get((e.doc_id, e.start), "")))


def _show_directives(con: sqlite3.Connection, lang: str, chunk_rows: int = 5000) -> None:
    """The directives table as one ``to_string`` of the whole of it prints it,
    read a chunk at a time twice: first the width of each column, then the
    lines (memory stays flat however many directives)."""
    import pandas as pd

    from .. import store
    from . import show
    with pd.option_context("display.max_rows", 50, "display.width", 160, "display.max_colwidth", 40):
        widths: dict[str, int] = {}
        for df in store.read_table_chunks(con, "directives", chunk_rows):
            shown = _readable(df, lang)
            for c in shown.columns:
                width = max(len(line) for line in shown[[c]].to_string(index=False).splitlines())
                widths[c] = max(widths.get(c, 0), width)
        first = True
        for df in store.read_table_chunks(con, "directives", chunk_rows):
            show(_readable(df, lang).to_string(index=False, header=first, col_space=widths))
            first = False
        if first:            # no directives: the header alone, as to_string writes it
            show(_readable(store.read_table(con, "directives"), lang).to_string(index=False))


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
            show(describe_conflicts(con, lang))
        else:
            show(msg.t("registry_summary", lang, n_directives=msg.number(n_directives, lang, 0),
                       n_conflicts=msg.number(n_conflicts, lang, 0)))
            _show_directives(con, lang)
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
