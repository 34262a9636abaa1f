"""`tdkt check` and `tdkt compare` over a store of any size: out of core.

Memory stays flat however large the archive: no table is read whole.

- What one document's rows decide (the arithmetic of its sentences, its
  quotas, its citations against its own date or the legal catalog, its
  claims) is computed one document at a time: its rows are read by doc_id
  (the stores' index), in the shape :func:`pipeline.audit.store.read_tables`
  gives for the whole store, passed to the same functions
  (:func:`checks.run_checks`, :func:`compare.claims`), and dropped.
- What compares documents (claims of one unit and year that differ, the
  registry's conflicts) is found by SQL over the store (GROUP BY, joins),
  then computed a key or a few conflicts at a time.
- Results go to tables of the store, and SQLite puts them in order (it sorts
  on disk past its cache).

The checks of a document are kept (``check_cache``) with the version of the
code and rules that made them and of its extraction: a second `tdkt check`
after new documents were added checks only those (time proportional to the
new documents; the findings between documents are found again in SQL).
"""
from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from .. import messages as msg
from ..models import Check
from ..store import CHECK_CACHE, CHECK_CACHE_DOCS, columns
from . import checks, compare
from .store import audit_tables, table_columns

CHECK_COLUMNS = columns(Check)
CACHE = CHECK_CACHE                # the findings of each document (doc), with their order in it (seq)
CACHE_DOCS = CHECK_CACHE_DOCS      # the documents checked, and the version they were checked with
CROSS = "temp.check_cross"         # the findings between documents of this run
CONFLICTS_AT_ONCE = 500            # conflicts turned into findings per query of their citations


# --------------------------------------------------------------------------- one document's rows
def _names(cols) -> str:
    return ", ".join(f'"{c}"' for c in cols)


class Documents:
    """The store's documents and, for each, its rows of every table the audit
    reads (as plain dicts, SQLite's own types, in the order of read_table)."""

    def __init__(self, con: sqlite3.Connection, tables=None):
        self.con = con
        self.names = [n for n in (tables or audit_tables()) if n not in ("documents", "conflicts")]
        self.doc_cols = table_columns(con, "documents")
        self.cols = {n: table_columns(con, n) for n in self.names}

    def each(self, where: str = "", params: tuple = (), order: str = "doc_id") -> Iterator[dict]:
        """The documents as rows of the documents table."""
        names = ", ".join(f'd."{c}"' for c in self.doc_cols)
        sql = f"SELECT {names} FROM documents d" + (f" WHERE {where}" if where else "") + f" ORDER BY {order}"
        for row in self.con.execute(sql, params):
            yield dict(zip(self.doc_cols, row))

    def tables(self, doc: dict) -> dict[str, list[dict]]:
        """One document's tables, as read_tables gives the whole store's."""
        out: dict[str, list[dict]] = {"documents": [doc], "conflicts": []}
        for name in self.names:
            cols = self.cols[name]
            if not cols:
                out[name] = []
                continue
            order = "start, rowid" if "start" in cols else "rowid"
            sql = f'SELECT {_names(cols)} FROM "{name}" WHERE doc_id = ? ORDER BY {order}'
            out[name] = [dict(zip(cols, row)) for row in self.con.execute(sql, (doc["doc_id"],))]
        return out


# --------------------------------------------------------------------------- check
def checks_version() -> str:
    """What the findings of a document depend on besides its rows: the code and the rules."""
    from ..batch import rules_version
    return rules_version()


def _create_tables(con: sqlite3.Connection) -> None:
    cols = ", ".join(f'"{c}"' for c in CHECK_COLUMNS)
    con.execute(f'CREATE TABLE IF NOT EXISTS "{CACHE}" (doc TEXT, seq INTEGER, {cols}, other_langs TEXT)')
    con.execute(f'CREATE INDEX IF NOT EXISTS "{CACHE}_doc" ON "{CACHE}" (doc)')
    con.execute(f'CREATE TABLE IF NOT EXISTS "{CACHE_DOCS}" (doc_id TEXT PRIMARY KEY, version TEXT)')
    con.execute(f"DROP TABLE IF EXISTS {CROSS}")
    con.execute(f"CREATE TABLE {CROSS} (doc TEXT, seq INTEGER, {cols}, other_langs TEXT)")


def _row(f: Check, doc: str, seq: int) -> tuple:
    """A finding as a row of the cache: its columns and its message and basis in the other languages."""
    other = {lang: [checks.message(f, lang), checks.basis(f, lang)] for lang in msg.LANGS if lang != msg.DEFAULT}
    return (doc, seq, *(getattr(f, c) for c in CHECK_COLUMNS), json.dumps(other, ensure_ascii=False))


def _insert(con: sqlite3.Connection, table: str, rows: list[tuple]) -> None:
    marks = ", ".join("?" for _ in range(len(CHECK_COLUMNS) + 3))
    con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


@dataclass
class CheckRun:
    checked: int = 0          # documents checked in this run (the others' findings were kept)
    kept: int = 0             # documents whose findings were kept


def check_store(con: sqlite3.Connection) -> CheckRun:
    """Rewrite the checks table: every finding over the store, as
    ``checks.run_checks(read_tables(con))`` gives them and in its order,
    without holding the store's tables."""
    _create_tables(con)
    version = checks_version()
    run = CheckRun()
    docs = Documents(con)
    with con:
        # documents gone from the store, or extracted again: their findings go
        con.execute(f'DELETE FROM "{CACHE_DOCS}" AS c WHERE NOT EXISTS (SELECT 1 FROM documents d '
                    "WHERE d.doc_id = c.doc_id AND ? || ':' || COALESCE(d.rules_version, '') = c.version)", (version,))
        con.execute(f'DELETE FROM "{CACHE}" WHERE doc NOT IN (SELECT doc_id FROM "{CACHE_DOCS}")')
        run.kept = con.execute(f'SELECT count(*) FROM "{CACHE_DOCS}"').fetchone()[0]
    todo = docs.each(f'd.doc_id NOT IN (SELECT doc_id FROM "{CACHE_DOCS}")')
    pending: list[tuple] = []
    done: list[tuple] = []
    for doc in todo:
        tables = docs.tables(doc)
        pending += [_row(f, doc["doc_id"], i) for i, f in enumerate(checks.run_checks(tables))]
        done.append((version, doc["doc_id"]))
        run.checked += 1
        if len(done) >= 200:          # a transaction per few hundred documents
            _save(con, pending, done)
            pending, done = [], []
    _save(con, pending, done)
    with con:
        found: list[tuple] = []
        for i, f in enumerate(_cross_findings(con, docs)):
            found.append(_row(f, "", i))
            if len(found) >= 500:
                _insert(con, CROSS, found)
                found = []
        _insert(con, CROSS, found)
        _write_checks(con)
    return run


def _save(con: sqlite3.Connection, rows: list[tuple], done: list[tuple]) -> None:
    with con:
        _insert(con, f'"{CACHE}"', rows)
        con.executemany(f'INSERT OR REPLACE INTO "{CACHE_DOCS}" SELECT doc_id, ? || \':\' || '
                        "COALESCE(rules_version, '') FROM documents WHERE doc_id = ?", done)


# the order of run_checks: by the file of the finding's document (its doc_id
# without one; a finding of no document last), start, severity, rule, then as found
ORDER = ("(d.doc_id IS NULL), COALESCE(NULLIF(d.source_path, ''), d.doc_id), COALESCE(f.start, -1), "
         "CASE f.severity " + " ".join(f"WHEN '{s}' THEN {i}" for s, i in checks.SEVERITY_ORDER.items())
         + f" ELSE {len(checks.SEVERITY_ORDER)} END, f.rule_id, f.cross, f.seq")


def _findings_sql(cols: str) -> str:
    """Every finding (each document's and those between documents), in the order of run_checks."""
    every = ", ".join(f'"{c}"' for c in CHECK_COLUMNS)
    return (f"SELECT {cols} FROM (SELECT 0 AS cross, seq, {every}, other_langs FROM \"{CACHE}\" "
            f"UNION ALL SELECT 1, seq, {every}, other_langs FROM {CROSS}) f "
            f"LEFT JOIN documents d ON d.doc_id = f.doc_id ORDER BY {ORDER}")


def _write_checks(con: sqlite3.Connection) -> None:
    names = ", ".join(f'"{c}"' for c in CHECK_COLUMNS)
    con.execute('DELETE FROM "checks"')
    con.execute(f'INSERT INTO "checks" ({names}) ' + _findings_sql(", ".join(f'f."{c}"' for c in CHECK_COLUMNS)))


def findings(con: sqlite3.Connection, lang: str = msg.DEFAULT) -> Iterator[tuple[Check, str]]:
    """The findings of the last :func:`check_store`, in order, their message and
    basis in ``lang``, each with its document's file ("" without)."""
    cols = ", ".join(f'f."{c}"' for c in CHECK_COLUMNS) + ", f.other_langs, d.source_path"
    for row in con.execute(_findings_sql(cols)):
        f = Check(**dict(zip(CHECK_COLUMNS, row)))
        if lang != msg.DEFAULT:
            f.message, f.basis = json.loads(row[-2])[lang]
        yield f, row[-1] or ""


def _cross_findings(con: sqlite3.Connection, docs: Documents) -> Iterator[Check]:
    """The findings between documents: claims that differ, then the registry's conflicts."""
    yield from _disagreements(con, docs)
    yield from _conflict_findings(con, docs)


def _units(con: sqlite3.Connection) -> None:
    """temp.units: each document's unit (its issuer, with its province), as the checks name it."""
    con.execute("DROP TABLE IF EXISTS temp.units")
    con.execute("CREATE TABLE temp.units (doc_id TEXT PRIMARY KEY, unit TEXT)")
    batch: list[tuple] = []
    for doc_id, issuer, province in con.execute("SELECT doc_id, issuer, province FROM documents ORDER BY doc_id"):
        batch.append((doc_id, checks._unit({"issuer": issuer, "province": province})))
        if len(batch) >= 5000:
            con.executemany("INSERT OR IGNORE INTO temp.units VALUES (?, ?)", batch)
            batch = []
    con.executemany("INSERT OR IGNORE INTO temp.units VALUES (?, ?)", batch)


# the award counts compared between documents (checks.disagreement_checks reads the same)
COUNTED = "a.status = 'awarded' AND a.count IS NOT NULL AND a.year IS NOT NULL AND u.unit != ''"
KEY_NAMES = ("k_unit", "k_year", "k_award", "k_conferrer", "k_type")
CLAIM_KEY = "u.unit, CAST(a.year AS INTEGER), a.award, COALESCE(a.conferrer, ''), COALESCE(a.recipient_type, '')"
# (an award is compared with IS: an empty one is a key of its own, as in Python)
SAME_KEY = ("m.k_unit = u.unit AND m.k_year = CAST(a.year AS INTEGER) AND m.k_award IS a.award "
            "AND m.k_conferrer = COALESCE(a.conferrer, '') AND m.k_type = COALESCE(a.recipient_type, '')")
NAMED_KEY = ", ".join(f"{e} AS {n}" for e, n in zip(
    ("u.unit", "CAST(a.year AS INTEGER)", "a.award", "COALESCE(a.conferrer, '')", "COALESCE(a.recipient_type, '')"),
    KEY_NAMES))


def _disagreements(con: sqlite3.Connection, docs: Documents) -> Iterator[Check]:
    """claims_disagree: the keys (unit, year, award, conferrer, recipient type)
    counted in more than one document, found by GROUP BY; their rows read in
    the order of the keys (SQLite sorts them), and each key's given to
    checks.disagreement_checks with the documents it names."""
    if not checks._enabled("claims_disagree"):
        return
    _units(con)
    cols = docs.cols["awards"]
    names = ", ".join(f'a."{c}"' for c in cols)
    rows = con.execute(
        f"WITH multi AS (SELECT {NAMED_KEY} FROM awards a JOIN temp.units u ON u.doc_id = a.doc_id "
        f"WHERE {COUNTED} GROUP BY {CLAIM_KEY} HAVING count(DISTINCT a.doc_id) > 1) "
        f"SELECT {CLAIM_KEY}, {names} FROM awards a JOIN temp.units u ON u.doc_id = a.doc_id JOIN multi m "
        f"ON {SAME_KEY} WHERE {COUNTED} ORDER BY {CLAIM_KEY}, a.doc_id, a.start, a.rowid")
    for _, group in itertools.groupby(rows, key=lambda r: r[:5]):
        awards = [dict(zip(cols, r[5:])) for r in group]
        ids = sorted({r["doc_id"] for r in awards})
        which = {d["doc_id"]: d for d in docs.each(f"d.doc_id IN ({', '.join('?' for _ in ids)})", tuple(ids))}
        yield from checks.disagreement_checks({"awards": awards}, which)


def _conflict_findings(con: sqlite3.Connection, docs: Documents) -> Iterator[Check]:
    """The registry's conflicts as findings, a few hundred conflicts at a time
    with the citations at their positions and the documents they cite."""
    try:
        cols = table_columns(con, "conflicts")
        cursor = con.execute(f"SELECT {_names(cols)} FROM conflicts ORDER BY rowid")
    except sqlite3.OperationalError:
        return
    cite_cols = docs.cols["citations"]
    while True:
        part = [dict(zip(cols, r)) for r in cursor.fetchmany(CONFLICTS_AT_ONCE)]
        if not part:
            return
        sides = {(r[f"doc_id_{s}"], r[f"start_{s}"]) for r in part for s in ("a", "b") if r.get(f"doc_id_{s}")}
        cited = []
        for doc_id in sorted({d for d, _ in sides}):
            rows = con.execute(f"SELECT {_names(cite_cols)} FROM citations WHERE doc_id = ? ORDER BY start, rowid",
                               (doc_id,))
            cited += [r for r in (dict(zip(cite_cols, row)) for row in rows) if (r["doc_id"], r["start"]) in sides]
        ids = sorted({r["doc_id_b"] for r in part if r.get("doc_id_b")})
        which = {d["doc_id"]: d for d in docs.each(f"d.doc_id IN ({', '.join('?' for _ in ids)})", tuple(ids))}
        yield from checks.conflict_checks({"conflicts": part, "citations": cited}, which)


# --------------------------------------------------------------------------- compare
# a row of the comparison: its claims' labels as compared (item and unit noun casefolded)
ROW_KEY = ("section", "item_fold", "recipient_type", "conferrer", "noun_fold")
CLAIM_COLUMNS = ("gseq", "section", "item", "item_fold", "recipient_type", "conferrer", "unit_noun", "noun_fold",
                 "unit", "province", "period", "value", "doc_id", "source", "issued_date", "okey")
AWARDS_FIRST = 1 << 40     # every award count before every figure, as compare.claims lists them


def compare_store(con: sqlite3.Connection, units=None, periods=None, provinces=None,
                  figures: bool = True) -> compare.Comparison:
    """``compare.compare(read_tables(con), ...)`` without holding the store's
    tables: each document's claims (compare.claims over its own rows) go to a
    temp table in order, and SQLite groups them into the comparison's rows and
    cells; only the comparison itself is held."""
    skipped = _claims_table(con, units, periods, provinces, figures)
    columns = [tuple(r) for r in con.execute("SELECT DISTINCT unit, period FROM temp.claims ORDER BY unit, period")]
    return compare.assemble(_compared_rows(con), columns, skipped)


def _claims_table(con: sqlite3.Connection, units, periods, provinces, figures: bool) -> int:
    """temp.claims: every document's claims the filters keep; returns the award counts skipped."""
    con.execute("DROP TABLE IF EXISTS temp.claims")
    con.execute(f"CREATE TABLE temp.claims ({', '.join(CLAIM_COLUMNS)})")
    docs = Documents(con, tables=("awards", "figures"))
    skipped, counter, found = 0, 0, []
    for doc in docs.each():
        claims, skip = compare.claims(docs.tables(doc), figures=figures)
        skipped += skip
        for c in claims:
            counter += 1
            if not (compare._matches(c.unit, units) and compare._period_matches(c.period, periods)
                    and compare._matches(c.province, provinces)):
                continue
            awards = c.section == compare.SECTION_AWARDS
            found.append((counter + (0 if awards else AWARDS_FIRST), c.section, c.item, c.item.casefold(),
                          c.recipient_type, c.conferrer, c.unit_noun, c.unit_noun.casefold(), c.unit, c.province,
                          c.period, c.value, c.doc_id, c.source, doc.get("issued_date") or "",
                          c.order[0] * AWARDS_FIRST + c.order[1]))
        if len(found) >= 5000:
            _add_claims(con, found)
    _add_claims(con, found)
    return skipped


def _add_claims(con: sqlite3.Connection, found: list[tuple]) -> None:
    con.executemany(f"INSERT INTO temp.claims VALUES ({', '.join('?' for _ in CLAIM_COLUMNS)})", found)
    found.clear()


def _compared_rows(con: sqlite3.Connection):
    """The rows of the comparison in compare's order (awards first, then by
    their first claim in the text, then by their labels), each as
    compare.assemble takes it, read one row's claims at a time."""
    key = ", ".join(ROW_KEY)
    con.execute("DROP TABLE IF EXISTS temp.compared")
    con.execute(f"CREATE TABLE temp.compared (rank INTEGER PRIMARY KEY, {key}, okey, first)")
    con.execute(f"INSERT INTO temp.compared ({key}, okey, first) SELECT {key}, min(okey), min(gseq) "
                f"FROM temp.claims GROUP BY {key} ORDER BY section != ?, min(okey), {key}",
                (compare.SECTION_AWARDS,))
    same = " AND ".join(f"c.{k} = r.{k}" for k in ROW_KEY)
    rows = con.execute(f"SELECT r.rank, f.section, f.item, f.recipient_type, f.conferrer, f.unit_noun, "
                       f"{', '.join('c.' + c for c in CLAIM_COLUMNS)} FROM temp.compared r "
                       f"JOIN temp.claims f ON f.gseq = r.first JOIN temp.claims c ON {same} "
                       "ORDER BY r.rank, c.unit, c.period, c.gseq")
    for _, group in itertools.groupby(rows, key=lambda r: r[0]):
        cells: dict[tuple, list] = {}
        docs: dict[str, dict] = {}
        labels = None
        for r in group:
            labels = r[1:6]
            c = dict(zip(CLAIM_COLUMNS, r[6:]))
            cells.setdefault((c["unit"], c["period"]), []).append(compare.Claim(
                c["section"], c["item"], c["recipient_type"], c["conferrer"], c["unit_noun"], c["unit"],
                c["province"], c["period"], c["value"], c["doc_id"], c["source"]))
            docs[c["doc_id"]] = {"issued_date": c["issued_date"], "source_path": c["source"]}
        yield labels, cells, docs
