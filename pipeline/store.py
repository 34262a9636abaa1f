"""Stage 6: the store, the output folder's ``registry.sqlite``.

Each document's rows (and its normalized text, compressed, for the report) are
replaced in one transaction (re-running a file never duplicates rows, a batch
killed midway leaves whole documents only); the derived tables (the registry's
directives and conflicts, the checks) are rewritten whole. Every reader
of a table goes through here, in one stable order (:func:`select_sql`). The
files a person opens (CSV, Parquet, the workbook) are written from the store
by :mod:`pipeline.export`.
"""
from __future__ import annotations

import dataclasses
import errno
import functools
import operator
import os
import sqlite3
import typing
import zlib
from pathlib import Path

from .extract import table_types as document_table_types
from .models import DERIVED_TABLE_TYPES, ExtractionResult

if typing.TYPE_CHECKING:      # annotations only: the batch and its file writers do without pandas
    import pandas as pd

DB_NAME = "registry.sqlite"
TEXTS_TABLE = "texts"        # not a table of the contract: no file is written from it
# what `tdkt check` keeps for its next run (pipeline/audit/stream.py): each document's
# findings and the version they were made with; no file is written from them either
CHECK_CACHE, CHECK_CACHE_DOCS = "check_cache", "check_cache_docs"
# Derived tables, rebuilt from the whole store (registry, conflicts, checks).
DERIVED_TABLES: dict[str, type] = dict(DERIVED_TABLE_TYPES)
INT64 = (-(1 << 63), (1 << 63) - 1)


# --- tables and their columns -------------------------------------------------

def sql_type(tp) -> str:
    """INTEGER, REAL or TEXT: how the store holds a field of this type hint."""
    hint = str(tp)
    if "int" in hint or "bool" in hint:       # a flag is 0 or 1
        return "INTEGER"
    if "float" in hint:
        return "REAL"
    return "TEXT"


def table_types() -> dict[str, type]:
    return {**document_table_types(), **DERIVED_TABLES}


def columns(record_type) -> list[str]:
    return list(_column_names(record_type))


@functools.cache
def _column_names(record_type) -> tuple[str, ...]:
    """(read for every document stored: dataclasses.fields is slow to ask each time)"""
    return tuple(f.name for f in dataclasses.fields(record_type))


def column_kinds(name: str) -> list[str]:
    """INTEGER, REAL or TEXT for each column of the table."""
    tp = table_types()[name]
    hints = typing.get_type_hints(tp)
    return [sql_type(hints[c]) for c in columns(tp)]


# --- opening the store --------------------------------------------------------

def connect(out_dir: str | os.PathLike) -> sqlite3.Connection:
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(Path(out_dir) / DB_NAME, timeout=60)
    con.execute("PRAGMA journal_mode=WAL")
    # WAL with synchronous=NORMAL: a committed document survives a crash or kill of
    # the process (not of the machine's power) without one fsync per document
    con.execute("PRAGMA synchronous=NORMAL")
    for name, tp in table_types().items():
        hints = typing.get_type_hints(tp)
        cols = ", ".join(f'"{c}" {sql_type(hints[c])}' for c in columns(tp))
        con.execute(f'CREATE TABLE IF NOT EXISTS "{name}" ({cols}, "rules_version" TEXT)'
                    if name == "documents" else f'CREATE TABLE IF NOT EXISTS "{name}" ({cols})')
        # a store written by an earlier version gains the columns added since
        have = {r[1] for r in con.execute(f'PRAGMA table_info("{name}")')}
        for c in columns(tp):
            if c not in have:
                con.execute(f'ALTER TABLE "{name}" ADD COLUMN "{c}" {sql_type(hints[c])}')
        if "doc_id" in columns(tp):
            con.execute(f'CREATE INDEX IF NOT EXISTS "{name}_doc" ON "{name}" (doc_id)')
    # the normalized text every span points into (zlib-compressed UTF-8): what the
    # report shows, without reading the source files again
    con.execute(f'CREATE TABLE IF NOT EXISTS "{TEXTS_TABLE}" (doc_id TEXT PRIMARY KEY, text BLOB)')
    con.commit()
    return con


def connect_read_only(out_dir: str | os.PathLike) -> sqlite3.Connection:
    """The store of a folder that cannot be written, copied into memory (SQLite
    cannot open a WAL store read-only without writing its -shm file beside it;
    ``immutable`` lets it read without)."""
    uri = (Path(out_dir).resolve() / DB_NAME).as_uri() + "?mode=ro&immutable=1"
    source = sqlite3.connect(uri, uri=True)
    con = sqlite3.connect(":memory:")
    try:
        source.backup(con)
    finally:
        source.close()
    return con


def open_read_only(db_path: str | os.PathLike) -> sqlite3.Connection:
    """A store file opened for reading only, beside a writer that may still be
    at work (a file-writing helper, the rewrite of the workbook)."""
    from urllib.parse import quote
    return sqlite3.connect(f"file:{quote(str(db_path))}?mode=ro", uri=True, timeout=60)


def path_of(con: sqlite3.Connection) -> str:
    """The file of a connection's store ("" for one in memory)."""
    return next((r[2] for r in con.execute("PRAGMA database_list") if r[1] == "main"), "") or ""


def cannot_write(exc: BaseException) -> bool:
    """A full disk or a folder that cannot be written, as the OS or SQLite says it
    (the commands give one line and exit code 2 for these, not a traceback)."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EFBIG)
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return any(w in text for w in ("disk is full", "readonly", "read-only", "disk i/o error", "unable to open"))
    return False


# --- writing ------------------------------------------------------------------

@functools.cache
def _row_values(cols: tuple) -> operator.attrgetter:
    """A record's column values as a tuple, in one C call."""
    return operator.attrgetter(*cols)


@functools.cache
def _insert_sql(name: str, cols: tuple) -> str:
    names = ", ".join(f'"{c}"' for c in cols)
    return f'INSERT INTO "{name}" ({names}) VALUES ({", ".join("?" * len(cols))})'


def store_document(con: sqlite3.Connection, result: ExtractionResult, rules_version: str) -> None:
    """Replace one document's rows (and its normalized text), in one transaction.
    Values SQLite cannot take as they are (integers beyond 64 bits, file names
    that are not UTF-8) are stored in a form it can (:func:`storable_rows`)."""
    doc_id = result.document.doc_id
    types = table_types()
    with con:
        for name, rows in result.tables().items():
            cols = _column_names(types[name])
            con.execute(f'DELETE FROM "{name}" WHERE doc_id = ?', (doc_id,))
            if not rows:
                continue
            get = _row_values(cols)
            values = [get(r) for r in rows] if len(cols) > 1 else [(get(r),) for r in rows]
            if name == "documents":
                cols = cols + ("rules_version",)
                values = [v + (rules_version,) for v in values]
            sql = _insert_sql(name, cols)
            try:
                con.executemany(sql, values)
            except (OverflowError, UnicodeEncodeError):     # rare: fix the values, then store them
                con.executemany(sql, storable_rows(name, list(cols), values))
        con.execute(f'DELETE FROM "{TEXTS_TABLE}" WHERE doc_id = ?', (doc_id,))
        if result.text_zlib:
            con.execute(f'INSERT INTO "{TEXTS_TABLE}" (doc_id, text) VALUES (?, ?)', (doc_id, result.text_zlib))


def storable_rows(name: str, cols: list[str], values: list[tuple]) -> list[tuple]:
    """The rows with every value SQLite can bind: an integer beyond 64 bits goes
    whole, as its digits, into the column ``<col>_exact`` when the table has one
    (its own column gets the nearest float, or stays empty); text that is not
    valid UTF-8 (a file name from another system) is kept with its stray bytes
    escaped as ``\\xNN``."""
    where = {c: i for i, c in enumerate(cols)}
    real = {c for c, kind in zip(cols, column_kinds(name)) if kind == "REAL"}
    out = []
    for given in values:
        row = list(given)
        for i, v in enumerate(row):
            if type(v) is int and not INT64[0] <= v <= INT64[1]:
                exact = where.get(f"{cols[i]}_exact", where.get(cols[i].replace("_vnd", "") + "_exact"))
                if exact is not None:
                    row[exact] = str(v)
                row[i] = float(v) if cols[i] in real else None
            elif type(v) is str:
                row[i] = escape_text(v)
        out.append(tuple(row))
    return out


def escape_text(s: str) -> str:
    """``s`` with stray bytes (surrogate escapes of a name that is not UTF-8)
    written as ``\\xNN``: lossless, and valid UTF-8."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def replace_table(con: sqlite3.Connection, name: str, rows: list) -> None:
    """Rewrite a derived table (registry, conflicts, checks) whole."""
    with con:
        con.execute(f'DELETE FROM "{name}"')
        append_rows(con, name, rows)


def append_rows(con: sqlite3.Connection, name: str, rows: list) -> None:
    """Add records to a table, in the caller's transaction (a derived table
    written a part at a time: :func:`pipeline.registry.rebuild`)."""
    if not rows:
        return
    cols = columns(table_types()[name])
    marks = ", ".join("?" for _ in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    values = operator.attrgetter(*cols)          # one C call per row
    con.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})',
                    [values(r) for r in rows] if len(cols) > 1 else [(values(r),) for r in rows])


# --- reading ------------------------------------------------------------------

def known_documents(con: sqlite3.Connection, rules_version: str) -> set[str]:
    """doc_ids already extracted with these rules (skipped on an incremental run)."""
    rows = con.execute("SELECT doc_id FROM documents WHERE rules_version = ? AND status != 'error'",
                       (rules_version,))
    return {r[0] for r in rows}


def read_text(con: sqlite3.Connection, doc_id: str) -> str | None:
    """A document's normalized text as extracted (None when it was not stored)."""
    try:
        row = con.execute(f'SELECT text FROM "{TEXTS_TABLE}" WHERE doc_id = ?', (doc_id,)).fetchone()
    except sqlite3.OperationalError:          # a store written before texts were kept
        return None
    return zlib.decompress(row[0]).decode("utf-8") if row and row[0] is not None else None


def _order_by(name: str, cols: list[str]) -> str:
    """The stable order every reader of a table uses: documents and errors by
    source, mentions grouped by document in text order."""
    order = {"documents": "source_path", "errors": "source_path"}.get(name)
    if order is None and "doc_id" in cols and "start" in cols:
        order = "doc_id, start, rowid"
    return f" ORDER BY {order}" if order else ""


def select_sql(name: str, cols: list[str], every: list[str]) -> str:
    """The query of the columns ``cols`` of a table whose columns are ``every``, in the stable order."""
    return f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{name}"' + _order_by(name, every)


def read_table(con: sqlite3.Connection, name: str, only=None) -> pd.DataFrame:
    """The table in a stable order, typed; ``only``: just these columns."""
    import pandas as pd  # here, not at the top: the batch and its file writers do without it
    every = columns(table_types()[name])
    cols = [c for c in every if c in only] if only else every
    return _typed(pd.read_sql_query(select_sql(name, cols, every), con), name)


def read_table_chunks(con: sqlite3.Connection, name: str, chunk_rows: int):
    """:func:`read_table` ``chunk_rows`` rows at a time (memory stays flat however large the table)."""
    import pandas as pd
    every = columns(table_types()[name])
    for df in pd.read_sql_query(select_sql(name, every, every), con, chunksize=chunk_rows):
        yield _typed(df, name)


def _typed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """The columns of a table read as the record type says: Int64 and string (empty: NA)."""
    import pandas as pd
    hints = typing.get_type_hints(table_types()[name])
    for c in df.columns:
        if sql_type(hints[c]) == "INTEGER":
            df[c] = pd.array(df[c], dtype="Int64")
        elif sql_type(hints[c]) == "TEXT":
            df[c] = df[c].astype("string")
    return df


def row_chunks(con: sqlite3.Connection, name: str, chunk_rows: int, text_as_bytes: bool = False):
    """The table's rows as tuples in the order of :func:`read_table`,
    ``chunk_rows`` at a time (memory stays flat however large the store).
    ``text_as_bytes``: text as the UTF-8 bytes SQLite holds, for Arrow to take
    without decoding into Python strings and encoding back (half the time of a
    large table)."""
    cols = columns(table_types()[name])
    factory = con.text_factory
    try:
        if text_as_bytes:
            con.text_factory = bytes
        cursor = con.execute(select_sql(name, cols, cols))
        while True:
            rows = cursor.fetchmany(chunk_rows)
            if not rows:
                return
            yield rows
    finally:
        con.text_factory = factory
