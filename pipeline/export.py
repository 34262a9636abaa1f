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
    # WAL with synchronous=NORMAL: a committed document survives a crash or kill of
    # the process (not of the machine's power) without one fsync per document
    con.execute("PRAGMA synchronous=NORMAL")
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


# A cell a spreadsheet would run as a formula starts with one of these (OWASP:
# also a tab or carriage return before one).
SPREADSHEET_FORMULA = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARS = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCEL_MAX_CELL = 32767           # characters in one Excel cell
EXCEL_MAX_ROWS = 1_048_576       # rows in one Excel sheet (the header included)
CHUNK_ROWS = 50_000              # rows read from the store at a time when writing files


def _neutralize(v: str) -> str:
    return CONTROL_CHARS.sub(" ", ("'" + v) if v.startswith(SPREADSHEET_FORMULA) else v)


def _safe_for_spreadsheet(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralize cells a spreadsheet would run as formulas (the raw value stays
    in Parquet and SQLite)."""
    out = df.copy()
    for c in out.columns:
        if str(out[c].dtype) == "string":
            s = out[c]
            risky = s.str.startswith(SPREADSHEET_FORMULA).fillna(False) | s.str.contains(
                CONTROL_CHARS.pattern, regex=True).fillna(False)
            if risky.any():
                out.loc[risky, c] = s[risky].map(_neutralize)
    return out


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _typed(df: pd.DataFrame, tp) -> pd.DataFrame:
    hints = typing.get_type_hints(tp)
    for c in df.columns:
        kind = _sql_type(hints[c])
        if kind == "INTEGER":
            df[c] = pd.array(df[c], dtype="Int64")
        elif kind == "REAL":
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        else:
            df[c] = df[c].astype("string")
    return df


def _chunks(con: sqlite3.Connection, name: str):
    """The table in the order of :func:`read_table`, CHUNK_ROWS rows at a time
    (memory stays flat however large the store), typed like read_table."""
    tp = table_types()[name]
    cols = columns(tp)
    order = {"documents": "source_path", "errors": "source_path"}.get(name)
    if order is None and "doc_id" in cols and "start" in cols:
        order = "doc_id, start, rowid"
    query = f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{name}"'
    if order:
        query += f" ORDER BY {order}"
    empty = True
    for df in pd.read_sql_query(query, con, chunksize=CHUNK_ROWS):
        empty = False
        yield _typed(df, tp)
    if empty:
        yield _typed(pd.DataFrame({c: [] for c in cols}), tp)


def _write_csv(con, name: str, path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        for i, df in enumerate(_chunks(con, name)):
            _safe_for_spreadsheet(df).to_csv(f, index=False, header=(i == 0))
            n += len(df)
    return n


def _write_parquet(con, name: str, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    writer = None
    try:
        for df in _chunks(con, name):
            table = pa.Table.from_pandas(df, preserve_index=False,
                                         schema=writer.schema if writer is not None else None)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def _excel_cell(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, str):
        v = _neutralize(v)
        if len(v) > EXCEL_MAX_CELL:
            v = v[:EXCEL_MAX_CELL - 1] + "…"
    return v


def _write_xlsx(con, names, path: Path) -> None:
    """One sheet per table, streamed (openpyxl write-only mode)."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    for name in names:
        ws = wb.create_sheet(title=name[:31])
        ws.freeze_panes = "A2"
        ws.append(columns(table_types()[name]))
        rows = 1
        for df in _chunks(con, name):
            for rec in df.astype(object).itertuples(index=False, name=None):
                if rows >= EXCEL_MAX_ROWS - 1:
                    break
                ws.append([_excel_cell(v) for v in rec])
                rows += 1
        total = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        if total > rows - 1:
            ws.append([f"… {total - (rows - 1)} more rows: Excel holds {EXCEL_MAX_ROWS} rows a sheet; "
                       f"see {name}.csv or {name}.parquet"])
    wb.save(path)


def write_files(con: sqlite3.Connection, out_dir: str | os.PathLike, tables=None) -> dict[str, int]:
    """Write every table as CSV, Parquet and one Excel workbook. Returns row counts.

    Tables are read from the store in chunks, so memory does not grow with the
    archive; each file is written to a temporary name and renamed."""
    out = Path(out_dir)
    names = list(tables or table_types())
    counts = {}
    for name in names:
        _atomic(out / f"{name}.csv", lambda p, name=name: counts.__setitem__(name, _write_csv(con, name, p)))
        _atomic(out / f"{name}.parquet", lambda p, name=name: _write_parquet(con, name, p))
    if tables is None:
        _atomic(out / "tables.xlsx", lambda p: _write_xlsx(con, names, p))
    return counts
