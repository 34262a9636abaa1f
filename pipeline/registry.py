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

import functools
import itertools
import sqlite3

import regex

from . import rules, store
from .extract.parts.text import unmarked
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
    an issuer of at least two words cut short, its tone and vowel marks aside)?"""
    if field == "issued_date":
        return any(o != ident and o.startswith(ident + "-") for o in others)
    if field == "issuer_resolved" and len(ident.split()) >= 2:
        # marks left out count as said: `Bộ Lạo` (a misspelt `Lao`, cut) starts `Bộ Lao động ...`
        plain = unmarked(ident) + " "
        return any(o != ident and (o.startswith(ident + " ") or unmarked(o).startswith(plain)) for o in others)
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


def join_kind_miscitations(con: sqlite3.Connection) -> list[tuple]:
    """A citation whose kind word is in no series of its code (`Quyết định số
    202/2025/QH15`, keyed alone) takes the key of its number in the one series
    the store cites it in (`QH15(Nghị quyết)|202|2025`), so its kind conflicts
    there; its own key when the store cites it in none or in several.
    Recomputed from the whole store every time (from the kind word, never
    from the key it was given), as resolve_across_documents is.

    Returns (key, doc_id, start) for every such citation whose key changes."""
    from .kinds import series_keys
    wanted, cited = {}, set()
    for doc_id, start, key, kind, code in con.execute(
            "SELECT doc_id, start, key, doc_type, code FROM citations WHERE key LIKE '%(%)|%' AND code != ''"):
        own, keys = series_keys(key, kind or "", code)
        if own:
            wanted[(doc_id, start)] = (key, own, keys)
        else:
            cited.add(key)          # cited by a kind word that fits its code
    updates = []
    for (doc_id, start), (key, own, keys) in wanted.items():
        found = [k for k in keys if k in cited]
        target = found[0] if len(found) == 1 else own
        if target != key:
            updates.append((target, doc_id, start))
    return updates


@rules.compiled("issuers")
def _body_years() -> dict:
    """rules/issuers.yaml body_years: a body's canonical name -> (first, last) year."""
    return {name: (int(y[0]), int(y[1])) for name, y in (rules.load("issuers").get("body_years") or {}).items()}


def join_yearless_by_issuer_years(con: sqlite3.Connection) -> list[tuple]:
    """A citation without any year whose issuer existed only between two years
    (`nghị quyết 297/CP của Hội đồng Chính phủ`: 1960-1981) takes the key of the
    one dated document of its code and serial of those years the store cites
    (`Nghị định 297-CP năm 1977`: `CP|297|1977`), so a kind it miscites
    conflicts there; else its own key. A yearless number alone is ambiguous
    (`56-CP` is a decision of 1977 and a decree of 1994): only the issuer's
    years tie it. Recomputed from the whole store every time, from the
    citation's own fields.

    Returns (key, doc_id, start) for every such citation whose key changes."""
    from .extract.parts.issuers import canonical
    from .kinds import key_kind, key_serial
    from .resolve import document_key, is_central, normalize_code
    years_of = _body_years()
    wanted = {}
    for doc_id, start, key, kind, code, number, serial, issuer in con.execute(
            "SELECT doc_id, start, key, doc_type, code, number, serial, issuer_resolved FROM citations "
            "WHERE code != '' AND number_year IS NULL AND (issued_date IS NULL OR issued_date = '') "
            "AND resolved_from IS NULL AND serial IS NOT NULL AND key != '' AND issuer_resolved != ''"):
        years = years_of.get(canonical(issuer))
        if years and is_central(code):
            own_serial = key_serial(number, serial, code, None)
            own = document_key(code, own_serial, None, key_kind(kind or "", code, None))
            wanted[(doc_id, start)] = (key, own, f"{normalize_code(code)}|{own_serial}|", years)
    if not wanted:
        return []
    prefixes = {v[2] for v in wanted.values()}
    dated: dict[str, set] = {}
    for (key,) in con.execute("SELECT DISTINCT key FROM citations WHERE key GLOB '*|*|[0-9][0-9][0-9][0-9]'"):
        prefix = key[:key.rindex("|") + 1]
        if prefix in prefixes:
            dated.setdefault(prefix, set()).add(key)
    updates = []
    for (doc_id, start), (key, own, prefix, (first, last)) in wanted.items():
        keys = [k for k in dated.get(prefix, ()) if first <= int(k[-4:]) <= last]
        target = keys[0] if len(keys) == 1 else own
        if target != key:
            updates.append((target, doc_id, start))
    return updates


# what build reads of each citation (the sentences only for the conflicts: see _Sentences)
BUILD_COLUMNS = ("rowid", "key", "doc_id", "start", "doc_type", "number", "code", "number_year", "issued_date",
                 "issuer_resolved", "subject", "jurisdiction", "resolved_from")
# a written date whose year runs on into a fifth digit (`09/6/20205`): it cannot exist as written
RUN_ON_YEAR = "*[0-9][0-9][0-9][0-9][0-9]*"
MAX_ROWS_PER_VALUE = 50     # of one value of a field, the citations tried as a pair's side
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


def _field_conflicts(key: str, field: str, rows: list, code: str, identity, kinds_conflict,
                     sentences: _Sentences) -> list[Conflict]:
    """The conflicts of one field among one key's citations: one for each pair
    of values (by identity) that disagree, shown by the first pair of their
    citations that may be one document (:func:`_distinct_documents`)."""
    by_value: dict[str, list] = {}
    for r in rows:
        if r[field]:
            group = by_value.setdefault(identity(field, r[field]), [])
            if len(group) < MAX_ROWS_PER_VALUE:
                group.append(r)
    if field == "issuer_resolved":
        # one body's names: the fullest stands for them
        for group in by_value.values():
            group.sort(key=lambda r: -len(r[field]))
    # a value that only says less is no disagreement: `2025` and
    # `2025-06-19`, `Ban Chỉ đạo` and `Ban Chỉ đạo Trung ương`
    values = [v for v in by_value if not _says_less(field, v, by_value)]
    out = []
    for i, va in enumerate(values):
        for vb in values[i + 1:]:
            a0, b0 = by_value[va][0], by_value[vb][0]
            if field == "doc_type" and not kinds_conflict(a0[field], b0[field], code):
                continue      # everyday names of one kind (`Luật`, `Bộ luật`), or both the code's
            if _values_of_distinct_documents(by_value[va], by_value[vb]):
                continue
            pair = next(((a, b) for a in by_value[va] for b in by_value[vb]
                         if not _distinct_documents(a, b, code)), None)
            if pair:
                out.append(_conflict(key, field, pair[0], pair[1], pair[0][field], pair[1][field], sentences))
    return out


def _values_of_distinct_documents(rows_a: list, rows_b: list) -> bool:
    """Are two values of a field given to two documents: every subject told
    with the one differs from every subject told with the other (a citation
    telling none goes with the value it gives)?"""
    subjects_a = {r["subject"] for r in rows_a if r["subject"]}
    subjects_b = {r["subject"] for r in rows_b if r["subject"]}
    return bool(subjects_a and subjects_b) and all(_subjects_differ(x, y) for x in subjects_a for y in subjects_b)


def _distinct_documents(a, b, code: str) -> bool:
    """Are two citations of one key two documents the key cannot tell apart?
    Numbers of a kind's two series (`38/2025/QĐ-TTg` and `38/QĐ-TTg`), or
    subjects about different things (rules/citations.yaml subjects_differ)."""
    from .kinds import other_series
    return other_series(a["number_year"], b["number_year"], code) or _subjects_differ(a["subject"], b["subject"])


@rules.compiled("citations")
def _subject_rules() -> tuple[frozenset, int, float]:
    cfg = rules.load("citations")
    return (frozenset(w.casefold() for w in cfg["subject_filler_words"]), int(cfg["subjects_differ"]["min_words"]),
            float(cfg["subjects_differ"]["max_shared"]))


@functools.lru_cache(maxsize=1 << 14)
def _subject_words(subject: str) -> frozenset:
    filler = _subject_rules()[0]
    return frozenset(w for w in regex.findall(r"[\p{L}\p{N}/]+", (subject or "").casefold()) if w not in filler)


def _subjects_differ(a: str, b: str) -> bool:
    """Are two subjects about different things: each of enough words, sharing few?"""
    if not a or not b:
        return False
    _, min_words, max_shared = _subject_rules()
    wa, wb = _subject_words(a), _subject_words(b)
    if min(len(wa), len(wb)) < min_words:
        return False
    return len(wa & wb) <= max_shared * min(len(wa), len(wb))


@rules.compiled("citations")
def _misread_after_years() -> int:
    return int(rules.load("citations")["citing_date_misread_after_years"])


def _citing_date_misread(cited: str, citing: str) -> bool:
    """Is a cited date so many years after the citing report's that the report's date is misread?"""
    return (cited[:4].isdigit() and citing[:4].isdigit()
            and int(cited[:4]) - int(citing[:4]) >= _misread_after_years())


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
            conflicts += _field_conflicts(key, field, rows, code, identity, kinds_conflict, sentences)
        for r in rows:
            citing = r["citing_date"]
            if _dates_compare(r["issued_date"] or "", citing) and not _citing_date_misread(r["issued_date"], citing):
                conflicts.append(_conflict(key, "dated_after_citing_report", r, r, r["issued_date"], citing,
                                           sentences))
        written()
    # a date that cannot exist as written: left unread, or read as meant (a
    # year of five digits, `09/6/20205`, read by the number's year)
    for r in _citations(con, "c.date_written IS NOT NULL AND c.date_written != '' "
                             f"AND ((c.issued_date IS NULL OR c.issued_date = '') "
                             f"OR c.date_written GLOB '{RUN_ON_YEAR}') "
                             f"AND {NOT_SELF}", "c.doc_id, c.start, c.rowid", cols=BUILD_COLUMNS + ("date_written",)):
        conflicts.append(_conflict(r["key"] or "", "impossible_date", r, r, r["date_written"], r["issued_date"],
                                   sentences))
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
    # the full citations' keys first (their kind and issuer's years), then the
    # bare back-references resolved against them
    updates = join_kind_miscitations(con) + join_yearless_by_issuer_years(con)
    if updates:
        with con:
            con.executemany("UPDATE citations SET key = ? WHERE doc_id = ? AND start = ?", updates)
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
