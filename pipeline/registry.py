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

import pandas as pd

from . import export
from .models import Citation, Conflict, Directive
from .resolve import issuer_identity

COMPARED_FIELDS = ("issued_date", "issuer_resolved", "doc_type")
RESOLVE_COLUMNS = ("doc_id", "start", "doc_type", "serial", "code", "key", "resolved_from", "jurisdiction")


def _most_common(values) -> str:
    values = [v for v in values if isinstance(v, str) and v]
    if not values:
        return ""
    counts = collections.Counter(values)
    # ties: the first seen (document order) wins, so the result is stable
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def _identity(field: str, value: str) -> str:
    if field == "issuer_resolved":
        return issuer_identity(value)
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


def _cross_document(citations: pd.DataFrame) -> pd.Series:
    """The back-references that were not resolved inside their own document:
    no code of their own, no ``resolved_from``."""
    return (citations.code.fillna("") == "") & citations.resolved_from.isna() & citations.serial.notna()


def resolve_across_documents(citations: pd.DataFrame) -> pd.DataFrame:
    """A bare back-reference (`Chỉ thị 12`) not resolved in its own document
    takes the key of the registry entry it unambiguously matches: one key of
    that kind and serial in the same jurisdiction. Recomputed from the whole
    store every time, so a batch added later that makes a match ambiguous
    takes the key back, exactly as one run over both batches would."""
    bare = _cross_document(citations)
    citations.loc[bare, "key"] = ""
    keys_of: dict[tuple, set] = collections.defaultdict(set)
    full = citations[(citations.key.fillna("") != "") & (citations.code.fillna("") != "")]
    for doc_type, serial, jurisdiction, key in zip(full.doc_type, full.serial, full.jurisdiction, full.key):
        keys_of[(doc_type, serial, jurisdiction or "")].add(key)
    found = citations[bare]
    for i, doc_type, serial, jurisdiction in zip(found.index, found.doc_type, found.serial, found.jurisdiction):
        keys = keys_of.get((doc_type, serial, jurisdiction or ""), set())
        if len(keys) == 1:
            citations.at[i, "key"] = next(iter(keys))
    return citations


def _citations(con: sqlite3.Connection, where: str, order: str):
    """Citation rows as dicts, streamed from the store (memory stays flat however
    many citations it holds)."""
    cols = export.columns(Citation)
    names = ", ".join(f'"{c}"' for c in cols)
    for values in con.execute(f"SELECT {names} FROM citations WHERE {where} ORDER BY {order}"):
        yield dict(zip(cols, values))


def build(con: sqlite3.Connection) -> tuple[list[Directive], list[Conflict]]:
    citing_date = {d: date or "" for d, date in con.execute("SELECT doc_id, issued_date FROM documents")}
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
            firsts: dict[str, dict] = {}
            for r in rows:
                if r[field]:
                    firsts.setdefault(_identity(field, r[field]), r)
            # a value that only says less is no disagreement: `2025` and
            # `2025-06-19`, `Ban Chỉ đạo` and `Ban Chỉ đạo Trung ương`
            seen = [r for ident, r in firsts.items() if not _says_less(field, ident, firsts)]
            for a_i, a in enumerate(seen):
                for b in seen[a_i + 1:]:
                    conflicts.append(_conflict(key, field, a, b, a[field], b[field]))
        for r in rows:
            citing = citing_date.get(r["doc_id"], "")
            if _dates_compare(r["issued_date"] or "", citing):
                conflicts.append(_conflict(key, "dated_after_citing_report", r, r, r["issued_date"], citing))
    for r in _citations(con, "date_written IS NOT NULL AND date_written != '' "
                             "AND (issued_date IS NULL OR issued_date = '')", "doc_id, start, rowid"):
        conflicts.append(_conflict(r["key"] or "", "impossible_date", r, r, r["date_written"], ""))
    return directives, conflicts


def _conflict(key, field, a, b, value_a, value_b) -> Conflict:
    return Conflict(key=key, field=field, value_a=value_a or "", value_b=value_b or "",
                    doc_id_a=a["doc_id"], start_a=int(a["start"]), sentence_a=a["sentence"] or "",
                    doc_id_b=b["doc_id"], start_b=int(b["start"]), sentence_b=b["sentence"] or "")


def rebuild(con: sqlite3.Connection) -> tuple[int, int]:
    """Rebuild the directives and conflicts tables from the store."""
    # only the columns the back-references need: the sentences stay in the store
    cites = export.read_table(con, "citations", RESOLVE_COLUMNS)
    if not cites.empty:
        cites = resolve_across_documents(cites.astype(object).where(cites.notna(), None))
        bare = cites[_cross_document(cites)]
        with con:
            con.executemany("UPDATE citations SET key = ? WHERE doc_id = ? AND start = ?",
                            [(r.key or "", r.doc_id, int(r.start)) for r in bare.itertuples()])
    directives, conflicts = build(con)
    export.replace_table(con, "directives", directives)
    export.replace_table(con, "conflicts", conflicts)
    return len(directives), len(conflicts)


def describe_conflicts(con: sqlite3.Connection) -> str:
    """The conflicts, readably: one block per key."""
    df = export.read_table(con, "conflicts")
    docs = export.read_table(con, "documents").set_index("doc_id")
    name = lambda d: docs.at[d, "source_path"] if d in docs.index else d
    labels = {"issued_date": "dates differ", "issuer_resolved": "issuers differ", "doc_type": "kinds differ",
              "dated_after_citing_report": "cited document dated after the report citing it",
              "impossible_date": "date that does not exist"}
    lines = []
    for row in df.itertuples():
        lines.append(f"{row.key or '(no key)'}: {labels.get(row.field, row.field)}: "
                     f"{row.value_a!s} vs {row.value_b!s}")
        lines.append(f"    {name(row.doc_id_a)} @{row.start_a}: {row.sentence_a}")
        if (row.doc_id_b, row.start_b) != (row.doc_id_a, row.start_a):
            lines.append(f"    {name(row.doc_id_b)} @{row.start_b}: {row.sentence_b}")
    return "\n".join(lines) if lines else "No conflicts."
