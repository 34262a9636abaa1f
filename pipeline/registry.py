"""The directive registry: one row per real cited document, across every report.

Built from the whole store (``registry.sqlite``) after each extract, so a batch
added later gives exactly the registry one run over both batches gives.
Citations that share a key but disagree on the date, the issuer or the kind are
**conflicts**: listed, never merged silently. So are citations dated after the
report that cites them and dates that cannot exist.
"""
from __future__ import annotations

import collections
import itertools
import sqlite3

from . import store
from .models import Conflict, Directive

COMPARED_FIELDS = ("issued_date", "issuer_resolved", "doc_type")


def _most_common(values) -> str:
    values = [v for v in values if isinstance(v, str) and v]
    if len(values) <= 1:
        return values[0] if values else ""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    # ties: the first seen (document order) wins, so the result is stable
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def _identity(field: str, value: str) -> str:
    if field == "issuer_resolved":
        # the canonical issuers are compared (rules/issuers.yaml bodies): `Bộ trưởng Bộ GDĐT` is `Bộ GD&ĐT`
        from .extract.parts.issuers import identity
        return identity(value)
    return (value or "").strip().casefold()


def _says_less(field: str, ident: str, others) -> bool:
    """Is ``ident`` a shorter form of another value of the field (a partial date,
    an issuer of at least two words cut short)?"""
    if field == "issued_date":
        return any(o != ident and o.startswith(ident + "-") for o in others)
    if field == "issuer_resolved" and len(ident.split()) >= 2:
        return any(o != ident and o.startswith(ident + " ") for o in others)
    return False


def _dates_compare(cited: str, citing: str) -> bool:
    """Is the cited date after the citing report's date, by what both state?"""
    if not cited or not citing:
        return False
    n = min(len(cited), len(citing))
    return cited[:n] > citing[:n]


def resolve_across_documents(con: sqlite3.Connection) -> list[tuple]:
    """A bare back-reference (`Chỉ thị 12`) not resolved in its own document
    takes the key of the registry entry it unambiguously matches: one key of
    that kind and serial in the same jurisdiction. Recomputed from the whole
    store every time, so a batch added later that makes a match ambiguous
    takes the key back, exactly as one run over both batches would.

    Returns (key, doc_id, start) for every bare back-reference, in table order;
    the key is "" when there is no one match. Done in SQL: only the keys of the
    full citations and the bare rows come into memory, never the table."""
    keys_of: dict[tuple, set] = collections.defaultdict(set)
    # the full citations (a bare one has no code, so never counts here)
    for doc_type, serial, jurisdiction, key in con.execute(
            "SELECT DISTINCT doc_type, serial, COALESCE(jurisdiction, ''), key FROM citations "
            "WHERE key != '' AND code != ''"):
        keys_of[(doc_type, serial, jurisdiction)].add(key)
    updates = []
    for doc_id, start, doc_type, serial, jurisdiction in con.execute(
            "SELECT doc_id, start, doc_type, serial, COALESCE(jurisdiction, '') FROM citations "
            "WHERE (code IS NULL OR code = '') AND resolved_from IS NULL AND serial IS NOT NULL "
            "ORDER BY doc_id, start, rowid"):
        keys = keys_of.get((doc_type, serial, jurisdiction), ())
        updates.append((next(iter(keys)) if len(keys) == 1 else "", doc_id, start))
    return updates


# what build reads of each citation (the sentences only for the conflicts: see _Sentences)
BUILD_COLUMNS = ("rowid", "key", "doc_id", "start", "doc_type", "number", "code", "issued_date",
                 "issuer_resolved", "subject", "jurisdiction")


def _citations(con: sqlite3.Connection, where: str, order: str, cols=BUILD_COLUMNS):
    """Citation rows (read by column name), streamed from the store (memory stays
    flat however many citations it holds)."""
    cursor = con.cursor()
    cursor.row_factory = sqlite3.Row
    names = ", ".join(c if c == "rowid" else f'"{c}"' for c in cols)
    yield from cursor.execute(f"SELECT {names} FROM citations WHERE {where} ORDER BY {order}")


def build(con: sqlite3.Connection) -> tuple[list[Directive], list[Conflict]]:
    # here: it loads the extraction rules, which only this needs
    from .extract.parts.issuers import identity as issuer_identity
    citing_date = {d: date or "" for d, date in con.execute("SELECT doc_id, issued_date FROM documents")}
    sentences = _Sentences(con)
    identities: dict[str, str] = {}         # issuer -> identity: the same few issuers come back all the time

    def identity(field: str, value: str) -> str:
        if field != "issuer_resolved":
            return _identity(field, value)
        ident = identities.get(value)
        if ident is None:
            ident = identities[value] = issuer_identity(value)
        return ident

    directives: list[Directive] = []
    conflicts: list[Conflict] = []
    # one key at a time, in key order, each key's citations in document order
    keyed = _citations(con, "key IS NOT NULL AND key != ''", "key, doc_id, start, rowid")
    for key, group in itertools.groupby(keyed, key=lambda r: r["key"]):
        rows = list(group)
        full_rows = [r for r in rows if r["code"]]
        dates = sorted(d for d in (citing_date.get(r["doc_id"], "") for r in rows) if d)
        numbers = list(dict.fromkeys(r["number"] for r in full_rows if r["number"]))
        subjects = [r["subject"] for r in rows if r["subject"]]
        issuers = [r["issuer_resolved"] for r in rows if r["issuer_resolved"]]
        directives.append(Directive(
            key=key,
            doc_type=_most_common([r["doc_type"] for r in full_rows] or [r["doc_type"] for r in rows]),
            number=_most_common([r["number"] for r in full_rows]),
            issued_date=_most_common([r["issued_date"] for r in rows]),
            issuer_resolved=max(issuers, key=lambda s: (issuers.count(s), len(s))) if issuers else "",
            subject=max(subjects, key=len) if subjects else "",
            n_citations=len(rows),
            n_documents=len({r["doc_id"] for r in rows}),
            first_cited=dates[0] if dates else "",
            last_cited=dates[-1] if dates else "",
            variants="; ".join(numbers),
            jurisdiction=rows[0]["jurisdiction"] or "",
        ))
        for field in COMPARED_FIELDS:
            firsts: dict[str, sqlite3.Row] = {}
            for r in rows:
                if r[field]:
                    firsts.setdefault(identity(field, r[field]), r)
            # a value that only says less is no disagreement: `2025` and
            # `2025-06-19`, `Ban Chỉ đạo` and `Ban Chỉ đạo Trung ương`
            seen = [r for ident, r in firsts.items() if not _says_less(field, ident, firsts)]
            for a_i, a in enumerate(seen):
                for b in seen[a_i + 1:]:
                    conflicts.append(_conflict(key, field, a, b, a[field], b[field], sentences))
        for r in rows:
            citing = citing_date.get(r["doc_id"], "")
            if _dates_compare(r["issued_date"] or "", citing):
                conflicts.append(_conflict(key, "dated_after_citing_report", r, r, r["issued_date"], citing,
                                           sentences))
    for r in _citations(con, "date_written IS NOT NULL AND date_written != '' "
                             "AND (issued_date IS NULL OR issued_date = '')", "doc_id, start, rowid",
                        cols=BUILD_COLUMNS + ("date_written",)):
        conflicts.append(_conflict(r["key"] or "", "impossible_date", r, r, r["date_written"], "", sentences))
    sentences.fill()
    return directives, conflicts


class _Sentences:
    """The sentences of the citations in conflicts, read from the store at the
    end, many rowids a query (most citations are in no conflict, and sentences
    are most of the table's bytes)."""
    CHUNK = 500

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.wanted: list[tuple[Conflict, int, int]] = []     # conflict, rowid of a, rowid of b

    def want(self, conflict: Conflict, rowid_a: int, rowid_b: int) -> None:
        self.wanted.append((conflict, rowid_a, rowid_b))

    def fill(self) -> None:
        rowids = sorted({r for _, a, b in self.wanted for r in (a, b)})
        text: dict[int, str] = {}
        for at in range(0, len(rowids), self.CHUNK):
            part = rowids[at:at + self.CHUNK]
            marks = ", ".join("?" for _ in part)
            text.update(self.con.execute(f"SELECT rowid, sentence FROM citations WHERE rowid IN ({marks})", part))
        for conflict, a, b in self.wanted:
            conflict.sentence_a, conflict.sentence_b = text.get(a) or "", text.get(b) or ""
        self.wanted = []


def _conflict(key, field, a, b, value_a, value_b, sentences: _Sentences) -> Conflict:
    conflict = Conflict(key=key, field=field, value_a=value_a or "", value_b=value_b or "",
                        doc_id_a=a["doc_id"], start_a=int(a["start"]), sentence_a="",
                        doc_id_b=b["doc_id"], start_b=int(b["start"]), sentence_b="")
    sentences.want(conflict, a["rowid"], b["rowid"])
    return conflict


def rebuild(con: sqlite3.Connection) -> tuple[int, int]:
    """Rebuild the directives and conflicts tables from the store."""
    updates = resolve_across_documents(con)
    if updates:
        with con:
            con.executemany("UPDATE citations SET key = ? WHERE doc_id = ? AND start = ?", updates)
    directives, conflicts = build(con)
    store.replace_table(con, "directives", directives)
    store.replace_table(con, "conflicts", conflicts)
    return len(directives), len(conflicts)


def describe_conflicts(con: sqlite3.Connection, lang: str = "vi") -> str:
    """The conflicts, readably, in ``lang`` (Vietnamese by default): one block
    per conflict, what differs (named by its Vietnamese label, dates written
    dd/mm/yyyy) and where each side is cited."""
    from . import messages as msg
    df = store.read_table(con, "conflicts")
    docs = store.read_table(con, "documents").set_index("doc_id")
    name = lambda d: docs.at[d, "source_path"] if d in docs.index else d
    dated = {"issued_date", "dated_after_citing_report", "impossible_date"}
    lines = []
    for row in df.itertuples():
        a, b = ("" if v is None or v != v else str(v) for v in (row.value_a, row.value_b))
        if row.field in dated:
            word = row.field == "dated_after_citing_report"
            a, b = msg.date(a, lang, word), msg.date(b, lang, word)
        kind = {"dated_after_citing_report": "conflict_dated_after", "impossible_date": "conflict_impossible_date"}
        lines.append(msg.t(kind.get(row.field, "conflict_differ"), lang, key=row.key or msg.t("no_key", lang),
                           what=msg.conflict_kind(row.field, lang), a=a, b=b))
        lines.append(msg.t("conflict_at", lang, path=name(row.doc_id_a), start=row.start_a, sentence=row.sentence_a))
        if (row.doc_id_b, row.start_b) != (row.doc_id_a, row.start_a):
            lines.append(msg.t("conflict_at", lang, path=name(row.doc_id_b), start=row.start_b,
                               sentence=row.sentence_b))
    return "\n".join(lines) if lines else msg.t("no_conflicts", lang)
