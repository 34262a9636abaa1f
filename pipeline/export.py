"""Stage 6: write the tables.

The output folder's ``registry.sqlite`` is the store: each document's rows are
replaced in one transaction (re-running a file never duplicates rows, a batch
killed midway leaves whole documents only). The CSV (UTF-8 with BOM), Parquet
and Excel files are then written from the store, each to a temporary name and
renamed, so a reader never sees half a file.
"""
from __future__ import annotations

import dataclasses
import os
import sqlite3
import typing
from pathlib import Path

import pandas as pd
import regex

from .models import DERIVED_TABLE_TYPES, TABLE_TYPES, ExtractionResult

DB_NAME = "registry.sqlite"
MENTION_TABLES = ("citations", "movements", "money", "awards")
# Derived tables, rebuilt from the whole store (registry, conflicts, checks).
EXTRA_TABLES: dict[str, type] = dict(DERIVED_TABLE_TYPES)


def _sql_type(tp) -> str:
    hint = str(tp)
    if "int" in hint:
        return "INTEGER"
    if "float" in hint:
        return "REAL"
    return "TEXT"


def table_types() -> dict[str, type]:
    return {**TABLE_TYPES, **EXTRA_TABLES}


def columns(record_type) -> list[str]:
    return [f.name for f in dataclasses.fields(record_type)]


def connect(out_dir: str | os.PathLike) -> sqlite3.Connection:
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(Path(out_dir) / DB_NAME, timeout=60)
    con.execute("PRAGMA journal_mode=WAL")
    for name, tp in table_types().items():
        hints = typing.get_type_hints(tp)
        cols = ", ".join(f'"{c}" {_sql_type(hints[c])}' for c in columns(tp))
        con.execute(f'CREATE TABLE IF NOT EXISTS "{name}" ({cols}, "rules_version" TEXT)'
                    if name == "documents" else f'CREATE TABLE IF NOT EXISTS "{name}" ({cols})')
        if "doc_id" in columns(tp):
            con.execute(f'CREATE INDEX IF NOT EXISTS "{name}_doc" ON "{name}" (doc_id)')
    con.commit()
    return con


def known_documents(con: sqlite3.Connection, rules_version: str) -> set[str]:
    """doc_ids already extracted with these rules (skipped on an incremental run)."""
    rows = con.execute("SELECT doc_id FROM documents WHERE rules_version = ? AND status != 'error'",
                       (rules_version,))
    return {r[0] for r in rows}


def store(con: sqlite3.Connection, result: ExtractionResult, rules_version: str) -> None:
    """Replace one document's rows, in one transaction."""
    doc_id = result.document.doc_id
    with con:
        for name, rows in result.tables().items():
            tp = TABLE_TYPES[name]
            cols = columns(tp)
            con.execute(f'DELETE FROM "{name}" WHERE doc_id = ?', (doc_id,))
            values = [tuple(getattr(r, c) for c in cols) for r in rows]
            if name == "documents":
                cols = cols + ["rules_version"]
                values = [v + (rules_version,) for v in values]
            if values:
                marks = ", ".join("?" for _ in cols)
                names = ", ".join(f'"{c}"' for c in cols)
                con.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', values)


def replace_table(con: sqlite3.Connection, name: str, rows: list) -> None:
    """Rewrite a derived table (registry, conflicts, checks) whole."""
    tp = table_types()[name]
    cols = columns(tp)
    with con:
        con.execute(f'DELETE FROM "{name}"')
        if rows:
            marks = ", ".join("?" for _ in cols)
            names = ", ".join(f'"{c}"' for c in cols)
            con.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})',
                            [tuple(getattr(r, c) for c in cols) for r in rows])


def read_table(con: sqlite3.Connection, name: str) -> pd.DataFrame:
    tp = table_types()[name]
    cols = columns(tp)
    order = {"documents": "source_path", "errors": "source_path"}.get(name)
    if order is None and "doc_id" in cols and "start" in cols:
        order = "doc_id, start, rowid"
    query = f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{name}"'
    if order:
        query += f" ORDER BY {order}"
    df = pd.read_sql_query(query, con)
    hints = typing.get_type_hints(tp)
    for c in cols:
        if _sql_type(hints[c]) == "INTEGER":
            df[c] = pd.array(df[c], dtype="Int64")
        elif _sql_type(hints[c]) == "TEXT":
            df[c] = df[c].astype("string")
    if name == "documents":
        # documents in the order of the sources, mentions grouped by document
        pass
    return df


SPREADSHEET_FORMULA = ("=", "+", "-", "@")
CONTROL_CHARS = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _safe_for_spreadsheet(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralize cells a spreadsheet would run as formulas (the raw value stays
    in Parquet and SQLite)."""
    out = df.copy()
    for c in out.columns:
        if str(out[c].dtype) == "string":
            out[c] = out[c].map(lambda v: CONTROL_CHARS.sub(" ", ("'" + v) if v.startswith(SPREADSHEET_FORMULA)
                                                              else v), na_action="ignore")
    return out


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    write(tmp)
    os.replace(tmp, path)


def write_files(con: sqlite3.Connection, out_dir: str | os.PathLike, tables=None) -> dict[str, int]:
    """Write every table as CSV, Parquet and one Excel workbook. Returns row counts."""
    out = Path(out_dir)
    frames = {name: read_table(con, name) for name in (tables or table_types())}
    for name, df in frames.items():
        _atomic(out / f"{name}.csv",
                lambda p, df=df: _safe_for_spreadsheet(df).to_csv(p, index=False, encoding="utf-8-sig"))
        _atomic(out / f"{name}.parquet", lambda p, df=df: df.to_parquet(p, index=False))

    def write_xlsx(p):
        with pd.ExcelWriter(p, engine="openpyxl") as xw:
            for name, df in frames.items():
                sheet = _safe_for_spreadsheet(df)
                sheet.to_excel(xw, sheet_name=name[:31], index=False)
                ws = xw.sheets[name[:31]]
                ws.freeze_panes = "A2"
    if tables is None:
        _atomic(out / "tables.xlsx", write_xlsx)
    return {name: len(df) for name, df in frames.items()}
