"""Reading the output folder's store for the audit commands."""
from __future__ import annotations

import math
import os
import sqlite3
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from .. import export

AUDIT_TABLES = ("documents", "citations", "movements", "money", "awards", "figures", "conflicts")


class StoreError(RuntimeError):
    """The output folder has no store that `tdkt extract` filled."""


def open_store(out_dir: str | os.PathLike) -> sqlite3.Connection:
    db = Path(out_dir) / export.DB_NAME
    if not db.exists():
        raise StoreError(f"{out_dir}: no {export.DB_NAME} here; run `tdkt extract PATH... --out {out_dir}` first")
    if not (os.access(out_dir, os.W_OK) and os.access(db, os.W_OK)):
        # a read-only folder (an archive's copy, a read-only mount): read into memory,
        # where the command may rebuild its tables; writing the files then fails in one line
        return export.connect_read_only(out_dir)
    return export.connect(out_dir)


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


def read_tables(con: sqlite3.Connection, names=AUDIT_TABLES) -> dict[str, list[dict]]:
    """The tables the checks read, as lists of plain dicts. A table the store
    does not have (an older store, no registry yet) is empty."""
    out = {}
    for name in names:
        try:
            out[name] = records(export.read_table(con, name))
        except (sqlite3.Error, pd.errors.DatabaseError, KeyError):
            out[name] = []
    return out


def tables_of_results(results) -> dict[str, list[dict]]:
    """The same shape from in-memory ExtractionResults (tests, notebooks)."""
    out = {name: [] for name in AUDIT_TABLES}
    for r in results:
        for name, rows in r.tables().items():
            if name in out:
                out[name].extend(asdict(x) for x in rows)
    return out


def write_sheet(out_dir: str | os.PathLike, name: str, df: pd.DataFrame) -> None:
    """Replace one sheet of the folder's workbook tables.xlsx (written by
    extract), so the workbook carries the derived table too."""
    from openpyxl import load_workbook
    path = Path(out_dir) / "tables.xlsx"
    if not path.exists():
        return
    wb = load_workbook(path)
    index = wb.sheetnames.index(name) if name in wb.sheetnames else len(wb.sheetnames)
    if name in wb.sheetnames:
        del wb[name]
    ws = wb.create_sheet(name, index)
    sheet = export._safe_for_spreadsheet(df)
    ws.append(list(sheet.columns))
    for row in sheet.itertuples(index=False):
        ws.append([clean(v) for v in row])
    ws.freeze_panes = "A2"
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    wb.save(tmp)
    os.replace(tmp, path)
