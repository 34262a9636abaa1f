"""Spreadsheets (.xlsx, .xlsm, .xls, .ods) through python-calamine, one reader for all.

Each visible sheet becomes text as the other readers write a table: one
paragraph per row with cells joined by " | " (empty rows left out, a row's
trailing empty cells dropped, the empty cells before its last one kept so the
columns stay in place), plus its table in the table model. The rows at the top
of a sheet with one cell of text (a title) are paragraphs above the table, its
caption. When the workbook has several sheets, each opens with its name.

Numbers are written as Vietnamese documents write them (`1200`, `12,5`,
`1.200,125`: a decimal comma, thousands grouped only beside a decimal part, so
that the number readers never take a decimal for thousands); dates as
dd/mm/yyyy. A code that a sheet of the workbook names (a `Mã số` column and
the name beside it, as the forms of the award registry write award kinds) is
written as its name (rules/tables.yaml: code_headers); such a lookup sheet,
once its codes are read, is vocabulary and not the document's text: it is
left out.
"""
from __future__ import annotations

import datetime as dt
import io

import regex

from .. import rules
from ..models import SourceText
from .common import failed
from .tables import CELL_JOIN, RawCell, RawTable, build_tables

MAX_CELLS = 2_000_000        # a sheet beyond this is cut (a report's sheets hold far fewer)


def read_spreadsheet(data: bytes) -> SourceText:
    try:
        import python_calamine
    except ImportError:  # pragma: no cover - dependency missing
        return failed("python-calamine is not installed (it reads .xlsx, .xls and .ods)")
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(meta.name, _grid(workbook.get_sheet_by_name(meta.name)))
                  for meta in workbook.sheets_metadata if _visible(meta)]
    except Exception as exc:  # calamine's own errors: a damaged or password-protected file
        return failed(f"not a readable spreadsheet ({exc.__class__.__name__}: {exc})")
    names, lookups = _code_names(sheets)
    if len(lookups) < len(sheets):
        sheets = [sheet for k, sheet in enumerate(sheets) if k not in lookups]
    paragraphs: list[str] = []
    raw_tables: list[RawTable] = []
    for name, (rows, merges) in sheets:
        if len(sheets) > 1 and any(any(row) for row in rows):
            paragraphs.append(name)
        _write_sheet(rows, merges, names, paragraphs, raw_tables)
    text = "\n\n".join(paragraphs)
    if not text.strip():
        return SourceText(doc_id="", source_path="", format="", text=text, error="spreadsheet has no text")
    return SourceText(doc_id="", source_path="", format="", text=text, encoding="xlsx",
                      tables=build_tables(text, raw_tables))


def _visible(meta) -> bool:
    """A visible worksheet (not a hidden sheet, nor a chart sheet)."""
    return "Visible" in str(meta.visible) and "WorkSheet" in str(meta.typ)


def _grid(sheet) -> tuple[list[list[str]], dict]:
    """The sheet's cells as text, from its top-left corner (A1), and its merged
    ranges: (row, col) of the top-left cell -> (rows, cols) it spans."""
    rows = []
    count = 0
    for row in sheet.to_python(skip_empty_area=False):
        rows.append([_written(v) for v in row])
        count += len(row)
        if count > MAX_CELLS:
            break
    merges = {}
    for (r0, c0), (r1, c1) in getattr(sheet, "merged_cell_ranges", None) or []:     # (xlsx; newer releases)
        merges[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
    return rows, merges


def _written(value) -> str:
    """A cell's value as a Vietnamese document writes it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") + ("" if value.time() == dt.time() else value.strftime(" %H:%M"))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    whole, _, fraction = f"{value:.6f}".rstrip("0").partition(".")
    grouped = whole if len(whole.lstrip("-")) <= 3 else f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}"


# ---------------------------------------------------------------- codes

@rules.compiled("tables")
def _code_header() -> regex.Pattern:
    return regex.compile(rf"^(?:{rules.alternation(rules.load('tables')['code_headers'], boundary=False)})\b",
                         regex.IGNORECASE)


def _code_names(sheets: list) -> tuple[dict[str, str], set[int]]:
    """Code -> name, from every column headed as a code (`Mã số`) with the
    names beside it; and the lookup sheets: those whose codes another sheet writes."""
    header = _code_header()
    names: dict[str, str] = {}
    defined_in: dict[int, set[str]] = {}
    for k, (_, (rows, _)) in enumerate(sheets):
        for r, row in enumerate(rows[:20]):
            for c, cell in enumerate(row[:-1]):
                if not header.match(cell):
                    continue
                for below in rows[r + 1:]:
                    code, name = (below[c], below[c + 1]) if c + 1 < len(below) else ("", "")
                    if code and name and any(ch.isalpha() for ch in name):
                        names.setdefault(code, name)
                        defined_in.setdefault(k, set()).add(code)
    lookups = {k for k, codes in defined_in.items()
               if any(v in codes for j, (_, (rows, _)) in enumerate(sheets) if j != k for row in rows for v in row)}
    return names, lookups


# ---------------------------------------------------------------- text and table

def _write_sheet(rows: list[list[str]], merges: dict, names: dict, paragraphs: list[str],
                 raw_tables: list[RawTable]) -> None:
    table_rows: list[list[RawCell]] = []
    covered = {(r + dr, c + dc) for (r, c), (h, w) in merges.items() for dr in range(h) for dc in range(w)
               if dr or dc}
    for r, row in enumerate(rows):
        last = max((c for c, v in enumerate(row) if v), default=-1)
        if last < 0:
            continue
        texts = [names.get(v, v) for v in row[:last + 1]]
        if not table_rows and sum(1 for t in texts if t) == 1:
            paragraphs.append(next(t for t in texts if t))       # a title above the table
            continue
        cells = [RawCell(text=t, col=c, row_span=merges.get((r, c), (1, 1))[0],
                         col_span=merges.get((r, c), (1, 1))[1], covered=(r, c) in covered)
                 for c, t in enumerate(texts)]
        table_rows.append(cells)
        paragraphs.append(CELL_JOIN.join(texts))
    if table_rows:
        raw_tables.append(RawTable(table_rows))
