"""The directive registry: one row per real cited document, across every report.

Built from the whole store (``registry.sqlite``) after each extract, so a batch
added later gives exactly the registry one run over both batches gives. Built
out of core: the citations are read one key at a time through an index on
their key, with the citing report's date joined; the back-references resolved
by one SQL update; the headers of the store's documents kept in a temp table;
the tables written a few thousand rows at a time. Memory stays flat however
large the store.
Citations that share a key but disagree on the date, the issuer or the kind are
**conflicts**: listed, never merged silently. So are citations dated after the
report that cites them and dates that cannot exist. Only issue dates are
compared (an effective date is a field of its own); two kinds conflict only
where they are no everyday names of each other and, when the number's code
names its kind, one of them contradicts it (pipeline/kinds.py). A document
naming its own number (``self_reference``) is no citation by another
document: left out of the directives' counts and the conflicts.

The archive is its own catalog: when a cited document is itself in the store
(its header's number, date and province give the citations' key), its header
is the truth. The directive takes its title and links to it
(``in_store_doc_id``), and each citation that disagrees with the header on the
issue date, the kind or the issuer is a conflict of its own
(``document_issued_date``, ``document_doc_type``, ``document_issuer``) whose
second side is the header.
"""
from __future__ import annotations

import itertools
import sqlite3

from . import rules, store
from .models import Citation, Conflict, Directive, DocumentInfo

COMPARED_FIELDS = ("issued_date", "issuer_resolved", "doc_type")
# a document naming its own number (resolve: self_reference) is no citation by another document
NOT_SELF = "NOT COALESCE(c.self_reference, 0)"


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


def resolve_across_documents(con: sqlite3.Connection) -> int:
    """A bare back-reference (`Chỉ thị 12`) not resolved in its own document
    takes the key of the registry entry it unambiguously matches: one key of
    that kind and serial in the same jurisdiction. Recomputed from the whole
    store every time, so a batch added later that makes a match ambiguous
    takes the key back, exactly as one run over both batches would.

    Every bare back-reference's key is set ("" when there is no one match);
    returns how many. Done in SQL, the keys of each (kind, serial,
    jurisdiction) counted by GROUP BY: no table comes into memory."""
    con.execute("DROP TABLE IF EXISTS temp.full_keys")
    # the full citations (a bare one has no code, so never counts here)
    con.execute("CREATE TABLE temp.full_keys AS SELECT doc_type, serial, COALESCE(jurisdiction, '') AS jurisdiction, "
                "CASE WHEN count(DISTINCT key) = 1 THEN min(key) ELSE '' END AS key FROM citations "
                "WHERE key != '' AND code != '' GROUP BY doc_type, serial, COALESCE(jurisdiction, '')")
    con.execute("CREATE INDEX temp.full_keys_at ON full_keys (serial, jurisdiction)")
    with con:
        return con.execute(
            "UPDATE citations SET key = COALESCE((SELECT f.key FROM temp.full_keys f WHERE f.serial = citations.serial "
            "AND f.jurisdiction = COALESCE(citations.jurisdiction, '') AND f.doc_type IS citations.doc_type), '') "
            "WHERE (code IS NULL OR code = '') AND resolved_from IS NULL AND serial IS NOT NULL").rowcount


# what build reads of each citation (the sentences only for the conflicts: see _Sentences)
BUILD_COLUMNS = ("rowid", "key", "doc_id", "start", "doc_type", "number", "code", "issued_date",
                 "issuer_resolved", "subject", "jurisdiction", "resolved_from")
# the rows a batch of the tables is written after (build's lists are emptied into the store)
WRITE_EVERY = 2000


def _citations(con: sqlite3.Connection, where: str, order: str, cols=BUILD_COLUMNS):
    """Citation rows (read by column name), streamed from the store (memory stays
    flat however many citations it holds), each with the date of the report
    citing it (``citing_date``: its document's issue date, "" without)."""
    cursor = con.cursor()
    cursor.row_factory = sqlite3.Row
    names = ", ".join(f"c.{c}" if c == "rowid" else f'c."{c}"' for c in cols)
    yield from cursor.execute(f"SELECT {names}, COALESCE(d.issued_date, '') AS citing_date FROM citations c "
                              f"LEFT JOIN documents d ON d.doc_id = c.doc_id WHERE {where} ORDER BY {order}")


def _key_index(con: sqlite3.Connection) -> None:
    """The citations by key, in the order build reads them (no sort of the whole table)."""
    con.execute("CREATE INDEX IF NOT EXISTS citations_key ON citations (key, doc_id, start)")


def build(con: sqlite3.Connection, write=None) -> tuple[list[Directive], list[Conflict]]:
    """The directives and conflicts, one key at a time in key order. ``write``:
    called with (directives, conflicts) as they grow (every WRITE_EVERY rows,
    their sentences filled), which are then dropped: memory stays flat however
    large the store (:func:`rebuild`); without, the whole lists are returned."""
    # here: it loads the extraction rules, which only this needs
    from .extract.parts.issuers import identity as issuer_identity
    from .kinds import kinds_conflict
    from .reorganisation import jurisdiction_now
    _key_index(con)
    sentences = _Sentences(con)
    in_store = InStore(con)
    identities: dict[str, str] = {}         # issuer -> identity: the same few issuers come back all the time

    def identity(field: str, value: str) -> str:
        if field != "issuer_resolved":
            return _identity(field, value)
        ident = identities.get(value)
        if ident is None:
            if len(identities) >= IDENTITIES_KEPT:
                identities.clear()
            ident = identities[value] = issuer_identity(value)
        return ident

    def written() -> None:
        if write is not None and len(directives) + len(conflicts) >= WRITE_EVERY:
            sentences.fill()
            write(directives, conflicts)
            directives.clear()
            conflicts.clear()

    directives: list[Directive] = []
    conflicts: list[Conflict] = []
    # one key at a time, in key order, each key's citations in document order
    keyed = _citations(con, f"c.key IS NOT NULL AND c.key != '' AND {NOT_SELF}", "c.key, c.doc_id, c.start, c.rowid")
    for key, group in itertools.groupby(keyed, key=lambda r: r["key"]):
        rows = list(group)
        full_rows = [r for r in rows if r["code"]]
        dates = sorted(r["citing_date"] for r in rows if r["citing_date"])
        numbers = list(dict.fromkeys(r["number"] for r in full_rows if r["number"]))
        subjects = [r["subject"] for r in rows if r["subject"]]
        issuers = [r["issuer_resolved"] for r in rows if r["issuer_resolved"]]
        header = in_store.header(key)
        directives.append(Directive(
            key=key,
            doc_type=(header.kind if header else "")
            or _most_common([r["doc_type"] for r in full_rows] or [r["doc_type"] for r in rows]),
            number=_most_common([r["number"] for r in full_rows]),
            issued_date=(header.issued_date if header else "") or _most_common([r["issued_date"] for r in rows]),
            issuer_resolved=max(issuers, key=lambda s: (issuers.count(s), len(s))) if issuers else "",
            subject=max(subjects, key=len) if subjects else "",
            n_citations=len(rows),
            n_documents=len({r["doc_id"] for r in rows}),
            first_cited=dates[0] if dates else "",
            last_cited=dates[-1] if dates else "",
            variants="; ".join(numbers),
            jurisdiction=rows[0]["jurisdiction"] or "",
            jurisdiction_now=jurisdiction_now(rows[0]["jurisdiction"] or ""),
            title=header.title if header else "",
            in_store_doc_id=header.doc_id if header else "",
        ))
        if header:
            conflicts += in_store.disagreements(header, rows, identity, sentences)
        code = _most_common([r["code"] for r in full_rows])
        for field in COMPARED_FIELDS:
            firsts: dict[str, sqlite3.Row] = {}
            for r in rows:
                if r[field]:
                    ident = identity(field, r[field])
                    kept = firsts.setdefault(ident, r)
                    if field == "issuer_resolved" and len(r[field]) > len(kept[field]):
                        firsts[ident] = r       # one body's names: the fullest stands for them
            # a value that only says less is no disagreement: `2025` and
            # `2025-06-19`, `Ban Chỉ đạo` and `Ban Chỉ đạo Trung ương`
            seen = [r for ident, r in firsts.items() if not _says_less(field, ident, firsts)]
            for a_i, a in enumerate(seen):
                for b in seen[a_i + 1:]:
                    if field == "doc_type" and not kinds_conflict(a[field], b[field], code):
                        continue      # everyday names of one kind (`Luật`, `Bộ luật`), or both the code's
                    conflicts.append(_conflict(key, field, a, b, a[field], b[field], sentences))
        for r in rows:
            citing = r["citing_date"]
            if _dates_compare(r["issued_date"] or "", citing):
                conflicts.append(_conflict(key, "dated_after_citing_report", r, r, r["issued_date"], citing,
                                           sentences))
        written()
    for r in _citations(con, "c.date_written IS NOT NULL AND c.date_written != '' "
                             f"AND (c.issued_date IS NULL OR c.issued_date = '') AND {NOT_SELF}",
                        "c.doc_id, c.start, c.rowid", cols=BUILD_COLUMNS + ("date_written",)):
        conflicts.append(_conflict(r["key"] or "", "impossible_date", r, r, r["date_written"], "", sentences))
        written()
    sentences.fill()
    if write is not None:
        write(directives, conflicts)
        return [], []
    return directives, conflicts


IDENTITIES_KEPT = 100_000       # issuers' identities remembered (the same few come back all the time)


class _Sentences:
    """The sentences of the citations in conflicts, read from the store at the
    end, many rowids a query (most citations are in no conflict, and sentences
    are most of the table's bytes)."""
    CHUNK = 500

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.wanted: list[tuple[Conflict, int, int | None]] = []     # conflict, rowid of a, rowid of b

    def want(self, conflict: Conflict, rowid_a: int, rowid_b: int | None) -> None:
        """The sentences of both sides to be read (``rowid_b`` None: side b's is set already)."""
        self.wanted.append((conflict, rowid_a, rowid_b))

    def fill(self) -> None:
        rowids = sorted({r for _, a, b in self.wanted for r in (a, b) if r is not None})
        text: dict[int, str] = {}
        for at in range(0, len(rowids), self.CHUNK):
            part = rowids[at:at + self.CHUNK]
            marks = ", ".join("?" for _ in part)
            text.update(self.con.execute(f"SELECT rowid, sentence FROM citations WHERE rowid IN ({marks})", part))
        for conflict, a, b in self.wanted:
            conflict.sentence_a = text.get(a) or ""
            if b is not None:
                conflict.sentence_b = text.get(b) or ""
        self.wanted = []


def _conflict(key, field, a, b, value_a, value_b, sentences: _Sentences) -> Conflict:
    conflict = Conflict(key=key, field=field, value_a=value_a or "", value_b=value_b or "",
                        doc_id_a=a["doc_id"], start_a=int(a["start"]), sentence_a="",
                        doc_id_b=b["doc_id"], start_b=int(b["start"]), sentence_b="")
    sentences.want(conflict, a["rowid"], b["rowid"])
    return conflict


def rebuild(con: sqlite3.Connection) -> tuple[int, int]:
    """Rebuild the directives and conflicts tables from the store."""
    resolve_across_documents(con)
    counts = [0, 0]

    def write(directives: list[Directive], conflicts: list[Conflict]) -> None:
        store.append_rows(con, "directives", directives)
        store.append_rows(con, "conflicts", conflicts)
        counts[0] += len(directives)
        counts[1] += len(conflicts)
    # one transaction: a reader sees the old tables or the new ones, never half
    with con:
        con.execute('DELETE FROM "directives"')
        con.execute('DELETE FROM "conflicts"')
        build(con, write)
    return counts[0], counts[1]


# --------------------------------------------------------------------------- the archive as its own catalog
# a citation's field -> the conflict it makes when it disagrees with the cited document's own header
AGAINST_HEADER = {"issued_date": "document_issued_date", "doc_type": "document_doc_type",
                  "issuer_resolved": "document_issuer"}
HEADER_COLUMNS = ("doc_id", "doc_kind", "number", "issuer", "province", "district", "issued_date", "title")
FULL_DATE = len("2021-12-29")
HEADER_LINES = 3            # the header excerpt: the number's line and those after it
HEADER_CHARS = 400


class Header:
    """What a document of the store says of itself: kind, number, date, issuer, title."""
    __slots__ = ("doc_id", "kind", "number", "issued_date", "issuer", "title")

    def __init__(self, doc_id: str, kind: str, number: str, issued_date: str, issuer: str, title: str):
        self.doc_id, self.kind, self.number = doc_id, kind, number
        self.issued_date, self.issuer, self.title = issued_date, issuer, title


def document_key(doc: DocumentInfo) -> str:
    """The registry key of a document of the store, built from its header as
    a citation's is (:func:`pipeline.resolve.citation_key`): its number's
    code, serial and year (else its date's year) and, for a local code, its
    province at its date. "" when the header has no number with a serial and a code."""
    from .legal_catalog import split_number
    from .resolve import citation_key, is_central, jurisdiction_of
    parts = split_number(doc.number)
    if parts is None or not parts.code:
        return ""
    own = Citation(doc_id=doc.doc_id, start=0, end=0, text=doc.number, page=None, sentence="",
                   doc_type=doc.doc_kind, number=doc.number, serial=parts.serial, code=parts.code,
                   number_year=parts.year, issued_date=doc.issued_date, issuer_resolved=doc.issuer)
    return citation_key(own, "" if is_central(parts.code) else jurisdiction_of(own, doc))


def _cited_kinds() -> frozenset:
    """The kinds a citation names (rules/citations.yaml): a header's other kinds (`Tin bài`) are not compared."""
    return frozenset(k["name"] for k in rules.load("citations")["doc_kinds"])


class InStore:
    """The documents of the store that cited documents are, by key: a header
    with a number and a full issue date (the first document of a key, by
    doc_id, when copies share it)."""

    EXCERPTS_KEPT = 10_000

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.excerpts: dict[str, tuple[int, str]] = {}
        # the headers by key in a table of the store's (temp) database: memory stays flat
        con.execute("DROP TABLE IF EXISTS temp.headers")
        con.execute("CREATE TABLE temp.headers (key TEXT PRIMARY KEY, doc_id TEXT, kind TEXT, number TEXT, "
                    "issued_date TEXT, issuer TEXT, title TEXT)")
        kinds = _cited_kinds()
        names = ", ".join(f'"{c}"' for c in HEADER_COLUMNS)
        found: list[tuple] = []
        for row in con.execute(f"SELECT {names} FROM documents WHERE number IS NOT NULL AND number != '' "
                               "AND length(issued_date) = ? ORDER BY doc_id", (FULL_DATE,)):
            doc_id, kind, number, issuer, province, district, issued_date, title = (v or "" for v in row)
            doc = DocumentInfo(doc_id=doc_id, source_path="", format="", doc_kind=kind, number=number, issuer=issuer,
                               province=province, district=district, issued_date=issued_date, title=title)
            key = document_key(doc)
            if key:
                found.append((key, doc.doc_id, doc.doc_kind if doc.doc_kind in kinds else "", doc.number,
                              doc.issued_date, doc.issuer, doc.title))
            if len(found) >= 5000:
                self._keep(found)
        self._keep(found)

    def _keep(self, found: list[tuple]) -> None:
        """The headers found (the first document of a key, by doc_id, stands for it)."""
        self.con.executemany("INSERT OR IGNORE INTO temp.headers VALUES (?, ?, ?, ?, ?, ?, ?)", found)
        found.clear()

    def header(self, key: str) -> Header | None:
        row = self.con.execute("SELECT doc_id, kind, number, issued_date, issuer, title FROM temp.headers "
                               "WHERE key = ?", (key,)).fetchone()
        return Header(*row) if row else None

    def disagreements(self, header: Header, rows: list, identity, sentences: _Sentences) -> list[Conflict]:
        """A conflict for each citing document's first citation of each value
        that disagrees with the header (what both state: a year agrees with a
        day of that year; an issuer cut short with the issuer it starts)."""
        own = {"issued_date": header.issued_date, "doc_type": header.kind, "issuer_resolved": header.issuer}
        out, seen = [], set()
        for r in rows:
            if r["doc_id"] == header.doc_id or r["resolved_from"] is not None:
                continue              # the document itself; a back-reference says nothing of its own
            for field, conflict_field in AGAINST_HEADER.items():
                cited, truth = r[field] or "", own[field]
                if not cited or not truth or (r["doc_id"], field, cited) in seen:
                    continue
                seen.add((r["doc_id"], field, cited))
                if not self._disagree(field, cited, truth, identity):
                    continue
                start, excerpt = self._excerpt(header)
                conflict = Conflict(key=r["key"], field=conflict_field, value_a=cited, value_b=truth,
                                    doc_id_a=r["doc_id"], start_a=int(r["start"]), sentence_a="",
                                    doc_id_b=header.doc_id, start_b=start, sentence_b=excerpt)
                sentences.want(conflict, r["rowid"], None)
                out.append(conflict)
        return out

    @staticmethod
    def _disagree(field: str, cited: str, truth: str, identity) -> bool:
        if field == "issued_date":
            return not truth.startswith(cited)
        a, b = identity(field, cited), identity(field, truth)
        if field == "doc_type":
            # everyday names of one kind (`Thông tư` for a `Thông tư liên tịch`) are no disagreement
            from .kinds import same_document_kinds
            return a != b and not same_document_kinds(cited, truth)
        if field == "issuer_resolved":
            # a header's words split by its layout (`Bộ C ông Thương`) are no other issuer
            return ("".join(a.split()) != "".join(b.split()) and not _says_less(field, a, [b])
                    and not _says_less(field, b, [a]))
        return a != b

    def _excerpt(self, header: Header) -> tuple[int, str]:
        """Where the header's number stands in its document, and the header's lines from there."""
        if header.doc_id not in self.excerpts:
            if len(self.excerpts) >= self.EXCERPTS_KEPT:
                self.excerpts.clear()
            text = store.read_text(self.con, header.doc_id) or ""
            at = max(text.find(header.number), 0)
            line_start = text.rfind("\n", 0, at) + 1
            lines = text[line_start:line_start + 4 * HEADER_CHARS].split("\n")[:HEADER_LINES]
            self.excerpts[header.doc_id] = (at, " ".join(" ".join(lines).split())[:HEADER_CHARS])
        return self.excerpts[header.doc_id]
