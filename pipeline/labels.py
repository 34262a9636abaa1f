"""Display labels: what a person reads in place of a machine name.

The tables keep their machine names (``issued_date``, ``over``) in CSV,
Parquet and SQLite; what the workbook (and any other view meant for people)
shows comes from ``rules/labels.yaml``, a file a domain expert edits: each
table's sheet name and description, each column's header, description and
display format, and the Vietnamese label of each enumerated value.

``lang="en"`` gives the machine names back (no lookup): the English fallback.
"""
from __future__ import annotations

import functools
import re

from . import rules

VI, EN = "vi", "en"
SHEET_NAME_MAX = 31                       # characters in an Excel sheet name
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
FORMATS = ("date", "thousands", "plain", "decimal", "text", "long_text")


@functools.cache
def _data() -> dict:
    data = rules.load("labels")
    return {"common": data.get("common") or {}, "tables": data.get("tables") or {},
            "values": data.get("values") or {}, "summary": data.get("summary") or {}}


def _column(table: str, column: str) -> dict:
    data = _data()
    cols = (data["tables"].get(table) or {}).get("columns") or {}
    return cols.get(column) or data["common"].get(column) or {}


def tables() -> list[str]:
    """The tables the labels file names."""
    return list(_data()["tables"])


def has_label(table: str, column: str) -> bool:
    """Whether the labels file gives the column a header (its own or a common one)."""
    return bool(_column(table, column).get("header"))


def clean_sheet_name(name: str) -> str:
    """A name Excel takes for a sheet: none of []:*?/\\, no apostrophe at
    either end, at most 31 characters, not empty."""
    name = _NOT_IN_SHEET_NAME.sub(" ", name).strip().strip("'").strip()
    return name[:SHEET_NAME_MAX].rstrip() or "Sheet"


def sheet_name(table: str, lang: str = VI) -> str:
    """The table's sheet name (``lang="en"``: the table's name), always one Excel takes."""
    if lang == VI:
        name = (_data()["tables"].get(table) or {}).get("sheet")
        if name:
            return clean_sheet_name(str(name))
    return clean_sheet_name(table)


def header(table: str, column: str, lang: str = VI) -> str:
    """The column's header; a column the file does not know keeps its name."""
    if lang != VI:
        return column
    return str(_column(table, column).get("header") or column)


def description(table: str, column: str | None = None, lang: str = VI) -> str:
    """One line on the column (or, without a column, on a row of the table); "" when none."""
    if lang != VI:
        return ""
    if column is None:
        return str((_data()["tables"].get(table) or {}).get("description") or "")
    return str(_column(table, column).get("description") or "")


def display_format(table: str, column: str) -> str | None:
    """How the column's values are shown (one of FORMATS), None when the file does not say."""
    f = _column(table, column).get("format")
    return f if f in FORMATS else None


@functools.cache
def _values(table: str, column: str) -> dict:
    mapping = (_data()["values"].get(table) or {}).get(column) or {}
    return {str(k): str(v) for k, v in mapping.items() if v is not None}


def values(table: str, column: str, lang: str = VI) -> dict[str, str]:
    """The labels of the column's enumerated values ({} when it has none, or in English)."""
    return dict(_values(table, column)) if lang == VI else {}


def value(table: str, column: str, v, lang: str = VI):
    """The label of one value; a value without one (or not text) is given back as it is."""
    if lang != VI or not isinstance(v, str):
        return v
    return _values(table, column).get(v, v)


def summary(key: str, lang: str = VI, **fields) -> str:
    """A text of the workbook's summary sheet (``summary`` in the file), its
    ``{name}`` fields filled; in English the key itself."""
    if lang != VI:
        return key.replace("_", " ")
    text = str(_data()["summary"].get(key) or key.replace("_", " "))
    return text.format(**fields) if fields else text
