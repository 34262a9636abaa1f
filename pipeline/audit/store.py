"""The audit commands' view of the output folder's store (:mod:`pipeline.store`):
its tables as plain rows, one document at a time for the report."""
from __future__ import annotations

import codecs
import math
import os
import sqlite3
import zlib
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from .. import export
from ..extract import specs
from ..store import (
    DB_NAME,
    TEXTS_TABLE,
    columns,
    connect,
    connect_read_only,
    open_read_only,
    read_table,
    read_text,
    table_types,
)


def audit_tables() -> tuple:
    """The tables the audit commands read: documents, every extractor's, conflicts."""
    return ("documents", *specs(), "conflicts")


class StoreError(RuntimeError):
    """The output folder has no store that `tdkt extract` filled."""


def open_store(out_dir: str | os.PathLike) -> sqlite3.Connection:
    db = Path(out_dir) / DB_NAME
    if not db.exists():
        from ..messages import default_lang, t
        raise StoreError(t("no_store", default_lang(), out=out_dir, db=DB_NAME))
    if not (os.access(out_dir, os.W_OK) and os.access(db, os.W_OK)):
        # a read-only folder (an archive's copy, a read-only mount): read into memory,
        # where the command may rebuild its tables; writing the files then fails in one line
        return connect_read_only(out_dir)
    return connect(out_dir)


def clean(value):
    """pandas NA/NaN -> None, numpy scalars -> Python."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def records(df: pd.DataFrame) -> list[dict]:
    return [{k: clean(v) for k, v in row.items()} for row in df.to_dict("records")]


def read_tables(con: sqlite3.Connection, names=None) -> dict[str, list[dict]]:
    """The tables the checks read, as lists of plain dicts. A table the store
    does not have (an older store, no registry yet) is empty."""
    out = {}
    for name in names or audit_tables():
        try:
            out[name] = records(read_table(con, name))
        except (sqlite3.Error, pd.errors.DatabaseError, KeyError):
            out[name] = []
    return out


def tables_of_results(results) -> dict[str, list[dict]]:
    """The same shape from in-memory ExtractionResults (tests, notebooks)."""
    out: dict[str, list] = {name: [] for name in audit_tables()}
    for r in results:
        for name, rows in r.tables().items():
            if name in out:
                out[name].extend(asdict(x) for x in rows)
    return out


def write_sheet(out_dir: str | os.PathLike, name: str, df: pd.DataFrame | None = None) -> None:
    """Rewrite the folder's workbook tables.xlsx (written by extract) with
    ``df`` as the sheet of table ``name``, so the workbook carries the derived
    table and its summary counts it. The workbook is written again from the
    store by the writer of extract (export.write_workbook: the same sheets,
    labels and formats; seconds where reading and saving it with openpyxl took
    minutes). A folder without tables.xlsx is left without. ``df`` None: the
    table as the store holds it (read a chunk at a time)."""
    path = Path(out_dir) / export.WORKBOOK
    db = Path(out_dir) / DB_NAME
    if not path.exists() or not db.exists():
        return
    con = open_read_only(db.resolve())
    try:
        export.write_workbook(con, out_dir, frames={name: df} if df is not None else None)
    finally:
        con.close()


# --- the report's reads: one document at a time, bounded ---------------------

def table_columns(con: sqlite3.Connection, name: str) -> list[str]:
    """The record type's columns this store has (all of them after connect)."""
    have = {r[1] for r in con.execute(f'PRAGMA table_info("{name}")')}
    return [c for c in columns(table_types()[name]) if c in have]


def iter_rows(con: sqlite3.Connection, name: str, where: str = "", params: tuple = (), order: str = "",
              limit: int | None = None, cols: list[str] | None = None):
    """Rows of one table as plain dicts (SQLite's own types: int, float, str,
    None), straight from SQLite, one at a time: cheap enough to call once per
    document, and a whole table never held. ``cols``: the table's columns as
    ``table_columns`` gave them (read once, not per call)."""
    cols = cols if cols is not None else table_columns(con, name)
    if not cols:
        return
    sql = f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{name}"'
    if where:
        sql += f" WHERE {where}"
    if order:
        sql += f" ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    try:
        cur = con.execute(sql, params)
    except sqlite3.OperationalError:          # a table this store does not have
        return
    for row in cur:
        yield dict(zip(cols, row))


def select_rows(con: sqlite3.Connection, name: str, where: str = "", params: tuple = (), order: str = "",
                limit: int | None = None, cols: list[str] | None = None) -> list[dict]:
    """``iter_rows`` as a list."""
    return list(iter_rows(con, name, where, params, order, limit, cols))


def doc_rows(con: sqlite3.Connection, name: str, doc_id: str, limit: int | None = None,
             cols: list[str] | None = None) -> list[dict]:
    """One document's rows of a mention table in text order (the first ``limit``)."""
    return select_rows(con, name, "doc_id = ?", (doc_id,), "start, rowid", limit, cols)


def counts_by_doc(con: sqlite3.Connection, name: str) -> dict[str, int]:
    try:
        return dict(con.execute(f'SELECT doc_id, COUNT(*) FROM "{name}" GROUP BY doc_id'))
    except sqlite3.OperationalError:
        return {}


def stored_text_ids(con: sqlite3.Connection) -> set[str]:
    """The documents whose normalized text the store holds."""
    try:
        return {r[0] for r in con.execute(f'SELECT doc_id FROM "{TEXTS_TABLE}" WHERE text IS NOT NULL')}
    except sqlite3.OperationalError:          # a store written before texts were kept
        return set()


TEXT_CHUNK = 1 << 16      # compressed bytes read at a time


def read_text_head(con: sqlite3.Connection, doc_id: str, max_chars: int) -> tuple[str | None, bool]:
    """The first ``max_chars`` characters of a document's stored normalized
    text (see ``pipeline.store.read_text``) and whether it goes on: the compressed
    bytes are read and inflated a chunk at a time and the reading stops at
    the cut, so a huge text costs no more than ``max_chars`` of it. (None,
    False) when the store has no text for the document."""
    try:
        row = con.execute(f'SELECT rowid, length(text) FROM "{TEXTS_TABLE}" WHERE doc_id = ?',
                          (doc_id,)).fetchone()
    except sqlite3.OperationalError:
        return None, False
    if row is None or row[1] is None:
        return None, False
    if not hasattr(con, "blobopen"):          # Python < 3.11: the whole text, then the cut
        text = read_text(con, doc_id)
        return (None, False) if text is None else (text[:max_chars], len(text) > max_chars)
    inflate = zlib.decompressobj()
    decode = codecs.getincrementaldecoder("utf-8")()
    pieces: list[str] = []
    have = 0
    with con.blobopen(TEXTS_TABLE, "text", row[0], readonly=True) as blob:
        while have <= max_chars:
            chunk = blob.read(TEXT_CHUNK)
            # at most the bytes of the characters still wanted (and one more) come out
            room = 4 * (max_chars + 1 - have) + 4
            data = inflate.decompress(chunk, room) if chunk else inflate.flush()
            while data:
                part = decode.decode(data)
                pieces.append(part)
                have += len(part)
                if have > max_chars or not inflate.unconsumed_tail:
                    break
                data = inflate.decompress(inflate.unconsumed_tail, 4 * (max_chars + 1 - have) + 4)
            if not chunk or inflate.eof:
                if have <= max_chars:
                    part = decode.decode(b"", final=True)
                    pieces.append(part)
                    have += len(part)
                break
    text = "".join(pieces)
    return text[:max_chars], have > max_chars
