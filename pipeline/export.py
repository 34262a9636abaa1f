"""Stage 7: the files a person opens, written from the store (:mod:`pipeline.store`).

Every table as CSV (UTF-8 with BOM) and Parquet, and all of them in one Excel
workbook, each file written to a temporary name and renamed, so a reader never
sees half a file. With cores to spare, helper processes
(``python -m pipeline.export --helper``) write some of the files at the same
time as this process.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import re
import sqlite3
import typing
from pathlib import Path

import regex

from . import processes
from .store import column_kinds, columns, open_read_only, path_of, row_chunks, table_types

if typing.TYPE_CHECKING:      # annotations only: the batch and its file writers do without pandas
    import pandas as pd

CONTROL_CHARS = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A cell a spreadsheet would run as a formula starts with = + - @ (OWASP: also a
# tab or carriage return before one). What gets an apostrophe: one of these
# after any spaces, tabs, line breaks or control characters (`  =1`, `\n@x`),
# or a leading tab or CR
_FORMULA_START = re.compile(r"[ \x00-\x1f]*[=+\-@]|[\t\r]")
# a line break inside a field (CRLF, CR or LF) becomes one space: a CSV record is
# one line for any reader, and no line inside a field can start a formula
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
# the values _neutralize changes, as one pattern (RE2 and Python's re alike): for
# Arrow to run over a whole column at once, and for the DataFrames of the audit
# commands. A line break or control character anywhere; else, with spaces and
# tabs only before it, a formula character, or a leading tab
_RISKY_RE2 = r"^[ \t]*[=+\-@]|^\t|[\x00-\x08\x0a-\x1f]"
_RISKY = re.compile(_RISKY_RE2)
EXCEL_MAX_CELL = 32767           # characters in one Excel cell
EXCEL_MAX_ROWS = 1_048_576       # rows in one Excel sheet (the header included)
CHUNK_ROWS = 50_000              # rows read from the store at a time when writing files


def _neutralize(v: str) -> str:
    """A text cell as every CSV file gets it (the one rule of every CSV
    writer): an apostrophe before a value a spreadsheet would run as a formula,
    each line break (CRLF, CR, LF) and other control character a space. The raw
    value stays in Parquet and SQLite; a workbook's text cells are string cells,
    never run, so they get no apostrophe (:func:`_excel_cell`)."""
    if _FORMULA_START.match(v):
        v = "'" + v
    return CONTROL_CHARS.sub(" ", _LINE_BREAK.sub(" ", v))


def _safe_for_spreadsheet(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text value through :func:`_neutralize`,
    the column names too. Tested by value, whatever the column's dtype (object,
    string, pandas 3's str, category, mixed); numbers are left as they are (the
    raw value stays in Parquet and SQLite)."""
    import pandas as pd
    out = df.copy()
    for i in range(out.shape[1]):
        s = out.iloc[:, i]
        if s.dtype.kind in "biufcmM":            # numbers, booleans, dates: no text in them
            continue
        values = s.to_numpy(dtype=object)
        hits = [j for j, v in enumerate(values) if isinstance(v, str) and _RISKY.search(v)]
        if hits:
            values = values.copy()
            for j in hits:
                values[j] = _neutralize(values[j])
            dtype = object if isinstance(s.dtype, pd.CategoricalDtype) else s.dtype
            out.isetitem(i, pd.Series(values, index=s.index, name=s.name, dtype=dtype))
    names = [_neutralize(c) if isinstance(c, str) and _RISKY.search(c) else c for c in out.columns]
    if names != list(out.columns):
        out.columns = names
    return out


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _row_chunks(con: sqlite3.Connection, name: str):
    """The table's rows, CHUNK_ROWS at a time, text as UTF-8 bytes (what Arrow takes)."""
    return row_chunks(con, name, CHUNK_ROWS, text_as_bytes=True)


def _text_array(values):
    """An Arrow text column of UTF-8 bytes (or str) values; checks the UTF-8."""
    import pyarrow as pa
    if any(type(v) is str for v in values):
        return pa.array([v.decode("utf-8") if type(v) is bytes else v for v in values], pa.large_string())
    return pa.array(values, pa.large_binary()).cast(pa.large_string())


def _as_str(v):
    return v.decode("utf-8") if type(v) is bytes else v


@functools.cache
def _arrow_schema(name: str):
    """The Parquet schema, with the pandas metadata pandas itself wrote when the
    files came from DataFrames (so `pd.read_parquet` still gives nullable Int64
    and string columns)."""
    import json
    from importlib import metadata

    import pyarrow as pa
    arrow = {"INTEGER": pa.int64(), "REAL": pa.float64(), "TEXT": pa.large_string()}
    as_pandas = {"INTEGER": ("int64", "Int64"), "REAL": ("float64", "float64"), "TEXT": ("object", "string")}
    cols, kinds = columns(table_types()[name]), column_kinds(name)
    try:
        pandas_version = metadata.version("pandas")
    except metadata.PackageNotFoundError:
        pandas_version = ""
    meta = {"index_columns": [], "column_indexes": [],
            "columns": [{"name": c, "field_name": c, "pandas_type": as_pandas[k][0], "numpy_type": as_pandas[k][1],
                         "metadata": None} for c, k in zip(cols, kinds)],
            "attributes": {}, "creator": {"library": "pyarrow", "version": pa.__version__},
            "pandas_version": pandas_version}
    return pa.schema([pa.field(c, arrow[k]) for c, k in zip(cols, kinds)],
                     metadata={b"pandas": json.dumps(meta).encode()})


@functools.lru_cache(maxsize=1)
def _csv_quote_re2() -> str:
    """An RE2 class of the characters that make the csv module quote a field (with
    the dialect pandas' to_csv uses: QUOTE_MINIMAL, "\\n" line ends), found by
    asking the csv module of this Python once."""
    import csv
    import io
    found = []
    for c in map(chr, range(128)):
        f = io.StringIO()
        csv.writer(f, lineterminator="\n").writerow(["a" + c + "b", ""])
        if f.getvalue() != f"a{c}b,\n":
            found.append(c)
    return "[" + "".join(f"\\x{ord(c):02x}" for c in found) + "]"


def _text_literal(s: str):
    """A text scalar for Arrow's string kernels (large_string, as every text column here)."""
    import pyarrow as pa
    return pa.scalar(s, pa.large_string())


def _joined_bytes(array) -> memoryview:
    """The UTF-8 bytes of every value of an Arrow text column one after the
    other (nulls are empty): a view of its data buffer, nothing copied."""
    _, offsets, data = array.buffers()
    offsets = memoryview(offsets).cast("q")
    return memoryview(data)[offsets[array.offset]:offsets[array.offset + len(array)]]


def _csv_lines(arrays, kinds: list[str], values):
    """The rows as CSV lines, the bytes the csv module writes (checked by the
    tests against pandas' to_csv), built column by column with Arrow's string
    kernels. Text cells a spreadsheet would run as a formula, or holding a line
    break, are neutralized (:func:`_neutralize`): Arrow finds the few risky cells
    of a column in one pass, only those are rewritten in Python. REAL cells are
    Python's repr of the number, as the csv module writes them."""
    import pyarrow as pa
    import pyarrow.compute as pc
    text, lit = pa.large_string(), _text_literal
    fields = []
    for array, kind, column in zip(arrays, kinds, values):
        if kind == "TEXT":
            risky = pc.match_substring_regex(array, _RISKY_RE2)
            if pc.any(risky).as_py():
                safe = [_neutralize(_as_str(column[i])) for i in pc.indices_nonzero(risky).to_pylist()]
                array = pc.replace_with_mask(array, pc.fill_null(risky, False), pa.array(safe, text))
            quote = pc.fill_null(pc.match_substring_regex(array, _csv_quote_re2()), False)
            if pc.any(quote).as_py():
                quoted = pc.binary_join_element_wise(lit('"'), pc.replace_substring(array, '"', '""'), lit('"'),
                                                     lit(""))
                array = pc.if_else(quote, quoted, array)
            fields.append(array)
        elif kind == "INTEGER":
            fields.append(pc.cast(array, text))
        else:
            fields.append(pa.array([None if v is None else repr(v) for v in column], text))
    lines = pc.binary_join_element_wise(*fields, lit(","), null_handling="replace", null_replacement="")
    return _joined_bytes(pc.binary_join_element_wise(lines, lit("\n"), lit("")))


def _write_csv_and_parquet(con: sqlite3.Connection, name: str, csv_path: Path, parquet_path: Path) -> int:
    """One read of the table feeds both files: the CSV (UTF-8 with BOM, the bytes
    the csv module writes with the dialect pandas' to_csv uses) and the Parquet
    file (Arrow arrays built from the same rows). Returns the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    schema = _arrow_schema(name)
    kinds = column_kinds(name)
    n = 0
    with open(csv_path, "wb") as f, pq.ParquetWriter(parquet_path, schema) as parquet:
        f.write(("\ufeff" + ",".join(schema.names) + "\n").encode("utf-8"))
        for rows in _row_chunks(con, name):
            values = list(zip(*rows))
            arrays = [_text_array(v) if kind == "TEXT" else pa.array(v, type=field.type)
                      for v, field, kind in zip(values, schema, kinds)]
            parquet.write_table(pa.Table.from_arrays(arrays, schema=schema))
            f.write(_csv_lines(arrays, kinds, values))
            n += len(rows)
        if n == 0:
            parquet.write_table(schema.empty_table())
    return n


# --- the workbook -------------------------------------------------------------
#
# tables.xlsx (and compare.xlsx) are streamed straight to the file as
# SpreadsheetML, each chunk of rows built column by column with Arrow's string
# kernels: a library writing cell by cell in Python (xlsxwriter, openpyxl) takes
# eight times as long (bench: see README), in the process that ends every batch.
# What a person opens: a summary sheet first, then one sheet per table with its
# Vietnamese name and headers (rules/labels.yaml), header bold and frozen, a
# filter, widths by content, ISO dates as dates (dd/mm/yyyy), amounts and counts
# as numbers with thousands separators, enumerated values in Vietnamese. Every
# text cell is an inline string, which no spreadsheet evaluates: no apostrophe
# (the CSV files keep theirs). One function writes the sheets of every workbook
# (:func:`_write_table`): extract's, the rewrite after `check`, compare.xlsx.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# code points XML 1.0 cannot carry (control characters are blanked by _excel_cell)
_NOT_XML = regex.compile(r"[\ud800-\udfff\ufffe\uffff]")
# text Excel would read as an escaped character (`_x0041_` is "A"): its `_x` escaped
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
# a text cell that needs more than to be written as it is: blanked, escaped or cut
_CELL_CARE = r"[\x00-\x08\x0a-\x1f&<>]|_x[0-9A-Fa-f]{4}_"
_NEEDS_CARE = re.compile(_CELL_CARE + r"|[\ud800-\udfff\ufffe\uffff]")
# RE2 (Arrow) form: text Arrow holds is valid UTF-8, so has no surrogates
_NEEDS_CARE_RE2 = _CELL_CARE + r"|[\x{FFFE}\x{FFFF}]"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATE_RE2 = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_EXCEL_EPOCH = 25569             # the serial number of 1970-01-01 (Excel counts days from 1899-12-30)
_FIRST_DATE = "1900-03-01"       # Excel's serials are right from here on (its 1900 is a leap year)

# the cell styles (cellXfs) of _STYLES, by index
S_HEADER, S_TEXT, S_WRAP, S_DATE, S_THOUSANDS, S_PLAIN, S_DECIMAL, S_TITLE, S_LINK = range(1, 10)
_TOP = '<alignment vertical="top"/>'
_STYLES = (
    f'<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="#,##0.0###"/></numFmts>'
    '<fonts count="4"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
    '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="10"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    # header: bold on a light fill, a line below, wrapped
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">{_TOP}</xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    # date dd/mm/yyyy, thousands #,##0, plain 0, decimal #,##0.0###
    + "".join(f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
              f'applyAlignment="1">{_TOP}</xf>' for n in (164, 3, 1, 165)) +
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    f'<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">{_TOP}</xf>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
# column widths (characters): text at most, wrapped text, the least
WIDTH_TEXT, WIDTH_LONG_TEXT, WIDTH_MIN = 40, 60, 6
WIDTH_SAMPLE = 1000              # rows of a sheet's first chunk its widths are measured on
# A row with wrapped text (a long_text column) is given the height of its lines,
# at most MAX_LINES of them: spreadsheets do not all fit a row's height to its
# text when they open a file (LibreOffice draws it over the rows below)
LINE_HEIGHT, MAX_LINES = 15, 5   # points a line of Calibri 11; lines a row shows at most


def _excel_cell(v):
    """A value as a workbook cell holds it: text with each line break and other
    control character a space, cut to EXCEL_MAX_CELL; NaN empty. No apostrophe:
    a text cell is written as a string, which a spreadsheet never runs as a
    formula (the CSV files keep theirs)."""
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, str):
        v = CONTROL_CHARS.sub(" ", _LINE_BREAK.sub(" ", v))
        if len(v) > EXCEL_MAX_CELL:
            v = v[:EXCEL_MAX_CELL - 1] + "…"
    return v


def _sheet_value(v):
    """A DataFrame value as a cell takes it: missing values None, numpy scalars
    as Python's, dates as ISO text, anything else not a number as text."""
    import pandas as pd
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()                        # numpy scalars
        except (TypeError, ValueError):
            pass
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "isoformat") and not isinstance(v, str):
        return v.isoformat()
    if not isinstance(v, (str, int, float, bool)):
        v = str(v)
    return v


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _xml_text(v: str) -> str:
    v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _EXCEL_ESCAPE.sub("_x005F_", _NOT_XML.sub("\ufffd", v))


def _xml_attr(v: str) -> str:
    return _xml_text(_excel_cell(v)).replace('"', "&quot;")


def _excel_date(v: str) -> int | None:
    """The serial number of an ISO date (2021-12-29), None for any other text."""
    import datetime
    if not _ISO_DATE.fullmatch(v) or v < _FIRST_DATE:
        return None
    try:
        return datetime.date.fromisoformat(v).toordinal() - datetime.date(1970, 1, 1).toordinal() + _EXCEL_EPOCH
    except ValueError:
        return None


@dataclasses.dataclass(frozen=True)
class _Column:
    """One column of a sheet: where it is, its header and how its cells look."""
    name: str
    letter: str
    kind: str                    # INTEGER, REAL or TEXT (the store's type)
    show: str                    # a format of labels.FORMATS
    header: str
    description: str
    values: tuple                # (machine value, label) of an enumerated column

    @functools.cached_property
    def lookup(self) -> dict:
        return dict(self.values)

    @property
    def text_style(self) -> int:
        return S_WRAP if self.show == "long_text" else S_TEXT

    def number_style(self, v) -> int:
        if self.show == "plain":
            return S_PLAIN
        if isinstance(v, float) and not (v.is_integer() and abs(v) < 1e15):
            return S_DECIMAL
        return S_THOUSANDS


def _columns_shown(table: str, cols: list[str], kinds: list[str], lang: str) -> list[_Column]:
    from . import labels
    out = []
    for i, (c, kind) in enumerate(zip(cols, kinds)):
        c = str(c)
        default = {"INTEGER": "thousands", "REAL": "decimal"}.get(kind, "text")
        out.append(_Column(c, _column_letter(i), kind, labels.display_format(table, c) or default,
                           labels.header(table, c, lang), labels.description(table, c, lang),
                           tuple(labels.values(table, c, lang).items())))
    return out


def _text_cell(ref: str, v: str, style: int) -> str:
    if _NEEDS_CARE.search(v) or len(v) > EXCEL_MAX_CELL:
        v = _xml_text(_excel_cell(v))
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>'


def _cell_xml(col: _Column, r: int, v) -> str | None:
    """One cell as SpreadsheetML, None for an empty one (left out)."""
    v = _as_str(v)
    if v is None or v == "":
        return None
    ref = f"{col.letter}{r}"
    if type(v) is str:
        if col.values:
            v = col.lookup.get(v, v)
        if col.show == "date":
            serial = _excel_date(v)
            if serial is not None:
                return f'<c r="{ref}" s="{S_DATE}"><v>{serial}</v></c>'
        return _text_cell(ref, v, col.text_style)
    v = _excel_cell(v)
    if v is None:
        return None
    if isinstance(v, bool):
        v = int(v)
    if isinstance(v, (int, float)) and abs(v) != float("inf"):
        return f'<c r="{ref}" s="{col.number_style(v)}"><v>{v!r}</v></c>'
    return _text_cell(ref, str(v), col.text_style)


def _lines(n_chars: int, width: float) -> int:
    """The lines ``n_chars`` of wrapped text take in a column ``width`` wide (at most MAX_LINES)."""
    return max(1, min(MAX_LINES, -(-n_chars // _line_chars(width))))


def _line_chars(width: float) -> int:
    """Characters a line of wrapped text holds in a column ``width`` wide (a
    width counts digits; letters are narrower, words wrap whole: about even)."""
    return max(1, int(width))


def _row_open(r: int, lines: int) -> str:
    return f'<row r="{r}" ht="{lines * LINE_HEIGHT}" customHeight="1">' if lines > 1 else f'<row r="{r}">'


def _row_xml(cols: list[_Column], r: int, values, widths: list[float]) -> str:
    """A row as SpreadsheetML, cell by cell in Python: rows Arrow cannot take."""
    lines = 1
    for col, width, v in zip(cols, widths, values):
        v = _as_str(v)
        if col.show == "long_text" and type(v) is str:
            lines = max(lines, _lines(len(col.lookup.get(v, v)), width))
    cells = (_cell_xml(col, r, v) for col, v in zip(cols, values))
    return f'{_row_open(r, lines)}{"".join(c for c in cells if c)}</row>'


def _relabel(array, pairs: tuple):
    """An Arrow text column with each enumerated value replaced by its label."""
    import pyarrow as pa
    import pyarrow.compute as pc
    keys = pa.array([k for k, _ in pairs], pa.large_string())
    shown = pa.array([v for _, v in pairs], pa.large_string())
    return pc.coalesce(pc.take(shown, pc.index_in(array, value_set=keys)), array)


def _rows_arrow(cols: list[_Column], rows: list[tuple], first: int, widths: list[float]):
    """The rows (numbered from ``first``) as SpreadsheetML bytes, built column by
    column with Arrow's string kernels: the cells of one chunk cost a few passes
    in C instead of a Python call each. The same XML as :func:`_row_xml`; cells
    that need care (blanked, escaped, cut) and REAL columns go through the same
    Python functions."""
    import pyarrow as pa
    import pyarrow.compute as pc
    text, lit = pa.large_string(), _text_literal
    none = pa.scalar(None, text)
    numbers = pc.cast(pa.array(range(first, first + len(rows)), pa.int64()), text)
    cells, lines = [], None
    for col, width, values in zip(cols, widths, zip(*rows)):
        ref = lit(f'<c r="{col.letter}')
        if col.kind == "TEXT":
            array = _text_array(values)
            if col.values:
                array = _relabel(array, col.values)
            array = pc.if_else(pc.equal(array, ""), none, array)      # empty cells are left out
            if col.show == "long_text":
                n = pc.fill_null(pc.utf8_length(array), 0)
                wrapped = pc.divide(pc.add(n, _line_chars(width) - 1), _line_chars(width))     # ceil
                lines = wrapped if lines is None else pc.max_element_wise(lines, wrapped)
            care = pc.or_(pc.match_substring_regex(array, _NEEDS_CARE_RE2),
                          pc.greater(pc.utf8_length(array), EXCEL_MAX_CELL))
            if pc.any(care).as_py():
                which = pc.indices_nonzero(care)
                careful = [_xml_text(_excel_cell(v)) for v in array.take(which).to_pylist()]
                array = pc.replace_with_mask(array, pc.fill_null(care, False), pa.array(careful, text))
            column = pc.binary_join_element_wise(
                ref, numbers, lit(f'" s="{col.text_style}" t="inlineStr"><is><t xml:space="preserve">'), array,
                lit("</t></is></c>"), lit(""))
            if col.show == "date":
                is_date = pc.fill_null(pc.and_(pc.match_substring_regex(array, _ISO_DATE_RE2),
                                               pc.greater_equal(array, lit(_FIRST_DATE))), False)
                if pc.any(is_date).as_py():
                    day = pc.strptime(pc.if_else(is_date, array, none), format="%Y-%m-%d", unit="s",
                                      error_is_null=True)
                    serial = pc.add(pc.cast(pc.cast(day, pa.date32()), pa.int32()), _EXCEL_EPOCH)
                    dates = pc.binary_join_element_wise(ref, numbers, lit(f'" s="{S_DATE}"><v>'),
                                                        pc.cast(serial, text), lit("</v></c>"), lit(""))
                    # a date that does not exist stays text (strptime reads 2021-02-30 as 2 March)
                    real = pc.equal(pc.cast(pc.strftime(day, format="%Y-%m-%d"), text), array)
                    column = pc.if_else(pc.fill_null(real, False), dates, column)
            cells.append(column)
        elif col.kind == "INTEGER":
            array = pc.cast(pa.array(values, pa.int64()), text)
            style = S_PLAIN if col.show == "plain" else S_THOUSANDS
            cells.append(pc.binary_join_element_wise(ref, numbers, lit(f'" s="{style}"><v>'), array,
                                                     lit("</v></c>"), lit("")))
        else:       # REAL: Python's repr of each number, as the cell-by-cell path writes it
            cells.append(pa.array([_cell_xml(col, first + j, v) for j, v in enumerate(values)], text))
    opens = pc.binary_join_element_wise(lit('<row r="'), numbers, lit('">'), lit(""))
    if lines is not None:
        lines = pc.min_element_wise(pc.max_element_wise(pc.cast(lines, pa.int64()), 1), MAX_LINES)
        high = pc.binary_join_element_wise(lit('<row r="'), numbers, lit('" ht="'),
                                           pc.cast(pc.multiply(lines, LINE_HEIGHT), text),
                                           lit('" customHeight="1">'), lit(""))
        opens = pc.if_else(pc.greater(lines, 1), high, opens)
    return _joined_bytes(pc.binary_join_element_wise(opens, *cells, lit("</row>"), lit(""),
                                                     null_handling="replace", null_replacement=""))


def _rows_xml(cols: list[_Column], rows: list[tuple], first: int, widths: list[float]):
    try:
        return _rows_arrow(cols, rows, first, widths)
    except (TypeError, ValueError, OverflowError, NotImplementedError):
        # (Arrow's errors derive from these) a value of another type than its
        # column's, which SQLite allows: cell by cell
        return "".join(_row_xml(cols, first + j, row, widths) for j, row in enumerate(rows))


def _widths(cols: list[_Column], rows: list[tuple]) -> list[float]:
    """Column widths in characters from the header and the first rows, capped."""
    sample = rows[:WIDTH_SAMPLE]
    out = []
    for i, col in enumerate(cols):
        labels = col.lookup
        longest = 0
        for row in sample:
            v = _as_str(row[i])
            if v is None:
                continue
            if col.show == "date":
                n = 10
            elif isinstance(v, str):
                n = len(labels.get(v, v))
            elif isinstance(v, float) and not v.is_integer():
                n = len(f"{v:,.4f}".rstrip("0"))
            else:
                n = len(f"{v:,.0f}") if isinstance(v, (int, float)) and abs(v) != float("inf") else len(str(v))
            longest = max(longest, n)
        cap = WIDTH_LONG_TEXT if col.show == "long_text" else WIDTH_TEXT
        # the header wraps; room for its longest word and the filter's button
        word = max((len(w) for w in col.header.split()), default=0)
        out.append(float(min(cap, max(WIDTH_MIN, longest + 1, word + 3, min(len(col.header), 24) + 3))))
    return out


def _sheet_head(widths: list[float], freeze_rows: int = 1, freeze_cols: int = 0, selected: bool = False) -> str:
    tab = ' tabSelected="1"' if selected else ""
    if freeze_rows or freeze_cols:
        top_left = f"{_column_letter(freeze_cols)}{freeze_rows + 1}"
        pane = ("bottomRight" if freeze_cols and freeze_rows else "bottomLeft" if freeze_rows else "topRight")
        split = ((f' xSplit="{freeze_cols}"' if freeze_cols else "")
                 + (f' ySplit="{freeze_rows}"' if freeze_rows else ""))
        view = (f'<pane{split} topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
                f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/>')
    else:
        view = ""
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    return (_XML_HEAD + f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheetViews>'
            f'<sheetView workbookViewId="0"{tab}>{view}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")


def _prompts(cols: list[_Column]) -> str:
    """Each header's description, shown when the header cell is selected."""
    found = [(c, c.description) for c in cols if c.description]
    if not found:
        return ""
    return (f'<dataValidations count="{len(found)}">'
            + "".join(f'<dataValidation allowBlank="1" showInputMessage="1" promptTitle="{_xml_attr(c.header[:32])}" '
                      f'prompt="{_xml_attr(d[:255])}" sqref="{c.letter}1"/>' for c, d in found)
            + "</dataValidations>")


@dataclasses.dataclass
class _SheetEntry:
    order: tuple
    title: str
    part: int
    filter_ref: str = ""


class _Book:
    """A workbook streamed to a zip file: sheets are written whole, one after
    the other, in any order; the parts that list them (workbook, content
    types, relationships, styles) are written at the end, the sheets in the
    order of their ``order`` keys."""

    def __init__(self, path: Path):
        import zipfile
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[_SheetEntry] = []
        self.titles: set[str] = set()

    def title(self, wanted: str) -> str:
        """``wanted`` cut to what Excel takes and made unique (Excel compares
        sheet names case-insensitively)."""
        from .labels import SHEET_NAME_MAX, clean_sheet_name
        title, n = clean_sheet_name(wanted), 1
        while title.casefold() in self.titles:
            n += 1
            suffix = f" ({n})"
            title = clean_sheet_name(wanted)[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        self.titles.add(title.casefold())
        return title

    def add_sheet(self, order: tuple, title: str, parts) -> _SheetEntry:
        """Write one sheet from its parts (str or bytes); ``parts`` may set the
        entry's ``filter_ref`` before it ends."""
        entry = _SheetEntry(order, title, len(self.sheets) + 1)
        self.sheets.append(entry)
        with self.zip.open(f"xl/worksheets/sheet{entry.part}.xml", "w", force_zip64=True) as f:
            for part in parts(entry):
                f.write(part.encode("utf-8") if isinstance(part, str) else part)
        return entry

    def close(self) -> None:
        sheets = sorted(self.sheets, key=lambda s: s.order)
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        z = self.zip
        z.writestr("[Content_Types].xml", _XML_HEAD + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{sheet_type}.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{s.part}.xml" '
                      f'ContentType="{sheet_type}.worksheet+xml"/>' for s in sheets) + "</Types>"))
        z.writestr("_rels/.rels", _XML_HEAD + (
            f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" Type="{_REL_NS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{_xml_text(_sheet_ref(s.title))}!{s.filter_ref}</definedName>"
            for i, s in enumerate(sheets) if s.filter_ref)
        z.writestr("xl/workbook.xml", _XML_HEAD + (
            f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView activeTab="0"/></bookViews>'
            "<sheets>" + "".join(f'<sheet name="{_xml_attr(s.title)}" sheetId="{s.part}" r:id="rId{s.part}"/>'
                                 for s in sheets)
            + "</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", _XML_HEAD + (
            f'<Relationships xmlns="{_PKG_REL_NS}">'
            + "".join(f'<Relationship Id="rId{s.part}" Type="{_REL_NS}/worksheet" '
                      f'Target="worksheets/sheet{s.part}.xml"/>' for s in sheets)
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"))
        z.writestr("xl/styles.xml", _XML_HEAD + _STYLES)
        z.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is None:
            self.close()
        else:
            self.zip.close()


def _sheet_ref(title: str) -> str:
    """A sheet's name as a formula or a link names it: 'Trích dẫn'."""
    return "'" + title.replace("'", "''") + "'"


def _write_table(book: _Book, table: str, cols: list[str], kinds: list[str], chunks, order: int,
                 lang: str = "vi", freeze_cols: int = 0) -> tuple[int, list[str]]:
    """A table as one sheet of ``book`` (more past Excel's row limit, each
    with the header: `Trích dẫn văn bản (2)`), from its rows in chunks: the
    header row bold and frozen with each column's description, a filter over
    the columns, widths from the first rows, each cell as its column shows it
    (labels.yaml). The one function every workbook's sheets are written with.
    Returns the rows written and the titles of the sheets."""
    from . import labels
    shown = _columns_shown(table, cols, kinds, lang)
    chunks = iter(chunks)
    pending = list(next(chunks, []))
    widths = _widths(shown, pending)
    # the header wraps too (room kept for the filter's button)
    high = max((_lines(len(c.header) + 2, w) for c, w in zip(shown, widths)), default=1)
    header = f'{_row_open(1, high)}{"".join(_text_cell(f"{c.letter}1", c.header, S_HEADER) for c in shown)}</row>'
    last_letter = _column_letter(max(len(shown), 1) - 1)
    per_sheet = EXCEL_MAX_ROWS - 1           # read here: the tests lower it
    total = 0
    titles: list[str] = []
    while True:
        n = 0

        def parts(entry: _SheetEntry):
            nonlocal pending, n
            yield _sheet_head(widths, 1, freeze_cols)
            yield header
            while pending and n < per_sheet:
                take = pending[:per_sheet - n]
                pending = pending[len(take):]
                yield _rows_xml(shown, take, n + 2, widths)
                n += len(take)
                if not pending:
                    pending = list(next(chunks, []))
            yield "</sheetData>"
            if shown:
                entry.filter_ref = f"$A$1:${last_letter}${n + 1}"
                yield f'<autoFilter ref="A1:{last_letter}{n + 1}"/>'
            yield _prompts(shown) + "</worksheet>"
        name = labels.sheet_name(table, lang)
        title = book.title(name if not titles else f"{name} ({len(titles) + 1})")
        book.add_sheet((order, len(titles)), title, parts)
        titles.append(title)
        total += n
        if not pending:
            return total, titles


def _frame_kinds(df: pd.DataFrame, table: str) -> list[str]:
    """INTEGER, REAL or TEXT for each column of a DataFrame: the store's types
    for one of its tables, else from the dtypes."""
    if table in table_types() and [str(c) for c in df.columns] == columns(table_types()[table]):
        return column_kinds(table)
    kinds = []
    for i in range(df.shape[1]):
        k = df.iloc[:, i].dtype.kind
        kinds.append("INTEGER" if k in "iu" else "REAL" if k == "f" else "TEXT")
    return kinds


def _frame_chunks(df: pd.DataFrame):
    for at in range(0, len(df), CHUNK_ROWS):
        part = df.iloc[at:at + CHUNK_ROWS]
        yield [tuple(_sheet_value(v) for v in row) for row in part.itertuples(index=False, name=None)]


def _count_by(con, table: str, column: str, frames: dict) -> dict:
    """Rows of a table by the values of one column (the store's, or a frame's that stands for it)."""
    if table in frames:
        return {k: int(v) for k, v in frames[table][column].value_counts(dropna=False).items()}
    try:
        return dict(con.execute(f'SELECT "{column}", count(*) FROM "{table}" GROUP BY 1'))
    except sqlite3.Error:
        return {}


def _write_summary(book: _Book, con, names: list[str], written: dict, frames: dict, lang: str) -> None:
    """The first sheet: what was read, how many rows each table has (each a link
    to its sheet), the findings of `tdkt check` by severity."""
    from . import labels

    def say(key: str, **kw) -> str:
        return labels.summary(key, lang, **kw)

    status = _count_by(con, "documents", "status", frames) if "documents" in names else {}
    severity = _count_by(con, "checks", "severity", frames) if "checks" in names else {}
    rows: list[list[tuple]] = [[(say("title"), S_TITLE)], [],
                               [(say("files"), S_HEADER), (say("count"), S_HEADER)],
                               [(say("files_read"), S_TEXT), (sum(status.values()), S_THOUSANDS)]]
    for key, value in (("files_ok", "ok"), ("files_needs_ocr", "needs_ocr"), ("files_failed", "error")):
        rows.append([(say(key), S_TEXT), (status.get(value, 0), S_THOUSANDS)])
    rows += [[], [(say("tables"), S_HEADER), (say("rows"), S_HEADER), (say("about"), S_HEADER)]]
    links = []
    for name in names:
        n, titles = written[name]
        about = labels.description(name, lang=lang)
        if len(titles) > 1:
            about += " " + say("more_rows", limit=f"{EXCEL_MAX_ROWS - 1:,}".replace(",", "."), table=name)
        links.append((len(rows) + 1, titles[0]))
        rows.append([(titles[0], S_LINK), (n, S_THOUSANDS), (about.strip(), S_WRAP)])
    rows += [[], [(say("findings"), S_HEADER), (say("count"), S_HEADER)]]
    for level in ("error", "warning", "info"):
        rows.append([(labels.value("checks", "severity", level, lang), S_TEXT), (severity.get(level, 0), S_THOUSANDS)])

    def parts(entry: _SheetEntry):
        yield _sheet_head([44, 14, 90], 0, 0, selected=True)
        for r, cells in enumerate(rows, 1):
            xml = []
            for j, (v, style) in enumerate(cells):
                ref = f"{_column_letter(j)}{r}"
                xml.append(f'<c r="{ref}" s="{style}"><v>{v}</v></c>' if isinstance(v, int)
                           else _text_cell(ref, str(v), style))
            yield f'<row r="{r}">{"".join(xml)}</row>'
        yield "</sheetData><hyperlinks>"
        yield "".join(f'<hyperlink ref="A{r}" location="{_xml_attr(_sheet_ref(t) + "!A1")}" display="{_xml_attr(t)}"/>'
                      for r, t in links)
        yield "</hyperlinks></worksheet>"
    book.add_sheet((0, 0), book.title(say("sheet")), parts)


def _write_xlsx(con, names, path: Path, later=frozenset(), ready=None, frames=None, lang: str = "vi") -> None:
    """The workbook of the tables ``names``: the summary sheet first, then one
    sheet per table (:func:`_write_table`), streamed to the file. The sheets of
    the tables in ``later`` are written last, after ``ready()`` returns (the
    parts of a workbook may come in any order); the summary, which counts them,
    after them. ``frames``: a DataFrame that stands for a table of the store."""
    frames = frames or {}
    written = {}
    with _Book(path) as book:
        waited = False
        for name in sorted(names, key=lambda n: n in later):
            if name in later and not waited and ready is not None:
                ready()
                waited = True
            order = names.index(name) + 1
            if name in frames:
                df = frames[name]
                written[name] = _write_table(book, name, [str(c) for c in df.columns], _frame_kinds(df, name),
                                             _frame_chunks(df), order, lang)
            else:
                written[name] = _write_table(book, name, columns(table_types()[name]), column_kinds(name),
                                             _row_chunks(con, name), order, lang)
        _write_summary(book, con, list(names), written, frames, lang)


def write_workbook(con: sqlite3.Connection, out_dir: str | os.PathLike, frames=None, lang: str = "vi") -> Path:
    """Rewrite the folder's workbook from the store (every table, as extract
    writes it), ``frames`` standing for some of its tables: what the audit
    commands do after rewriting a table."""
    path = Path(out_dir) / WORKBOOK
    names = list(table_types()) + [n for n in frames or () if n not in table_types()]
    _atomic(path, lambda p: _write_xlsx(con, names, p, frames=frames, lang=lang))
    return path


def write_frames_workbook(path: str | os.PathLike, sheets, lang: str = "vi") -> None:
    """A workbook of DataFrames, one sheet each (:func:`_write_table`): ``sheets``
    is a list of (table name in labels.yaml, DataFrame, columns to freeze)."""
    with _Book(Path(path)) as book:
        for i, (table, df, freeze_cols) in enumerate(sheets):
            _write_table(book, table, [str(c) for c in df.columns], _frame_kinds(df, table), _frame_chunks(df), i,
                         lang, freeze_cols)


WORKBOOK = "tables.xlsx"
# the tables registry.rebuild rewrites (the keys of back-references, the registry)
REBUILT = ("citations", "directives", "conflicts")


def _write_job(con: sqlite3.Connection, out: Path, job: str, names: list[str], later=frozenset(),
               ready=None) -> None:
    """One unit of the file writing: a table's CSV and Parquet files, or (``WORKBOOK``)
    the workbook of the tables ``names`` (those in ``later`` after ``ready()``)."""
    if job == WORKBOOK:
        _atomic(out / WORKBOOK, lambda p: _write_xlsx(con, names, p, later, ready))
        return
    csv_path, parquet_path = out / f"{job}.csv", out / f"{job}.parquet"
    # both to temporary names first, then renamed: a reader never sees half a file
    csv_tmp = csv_path.with_name(f".{csv_path.name}.tmp{os.getpid()}")
    parquet_tmp = parquet_path.with_name(f".{parquet_path.name}.tmp{os.getpid()}")
    try:
        _write_csv_and_parquet(con, job, csv_tmp, parquet_tmp)
        os.replace(csv_tmp, csv_path)
        os.replace(parquet_tmp, parquet_path)
    finally:
        for tmp in (csv_tmp, parquet_tmp):
            if tmp.exists():
                tmp.unlink()


# Measured CPU seconds per cell (row x column) of each kind of work (for the
# registry rebuild: per cell of citations), and what one helper process costs to
# start (a bare interpreter with sqlite3, pyarrow and regex: no pandas, no NLP
# models). The file writing is shared out between this process and helpers by
# these estimates; below HELPER_START worth of work a helper costs more than it saves.
SECONDS_PER_CELL = {"files": 1.0e-6, WORKBOOK: 0.9e-6, "rebuild": 0.9e-6}
HELPER_START = 0.15
# processes writing files at once, this one included: past the workbook (one
# process) and the largest table, more lanes have little to share
MAX_LANES = 4


def _share_out(costs: dict[str, tuple[float, float]], lanes: int, busy: float = 0.0) -> list[list[str]]:
    """Jobs split into ``lanes`` lists that end at about the same time. A job's
    cost is (seconds it can run before the rebuild ends, seconds it must run
    after); the rebuild takes lane 0 (this process) for its first ``busy``
    seconds. The largest job first, each to the lane where it would end soonest;
    in each list the jobs that need not wait come first, so a helper fills the
    time of the rebuild with them."""
    shares: list[list[str]] = [[] for _ in range(lanes)]
    load = [busy] + [0.0] * (lanes - 1)

    def end(lane: int, job: str) -> float:
        before, after = costs[job]
        return max(load[lane] + before, busy if after else 0.0) + after
    for job in sorted(costs, key=lambda j: -sum(costs[j])):
        lane = min(range(lanes), key=lambda i: (end(i, job), i))
        load[lane] = end(lane, job)
        shares[lane].append(job)
    for share in shares:
        share.sort(key=lambda j: (costs[j][1] > 0, costs[j][0] == 0))
    return shares


def warm_up() -> None:
    """Import what writing the files needs, while a batch still extracts rather
    than after: pyarrow, and pandas, which pyarrow imports (when installed) on
    its first conversion of Python values (together half a second)."""
    import pyarrow as pa
    import pyarrow.compute
    import pyarrow.parquet
    pa.array([None], pa.large_string())
    for name in table_types():
        _arrow_schema(name)


def start_helpers(n: int) -> list:
    """``n`` helper processes for :func:`write_files`, started ahead of it so that
    their start (an interpreter) is over by the time there are files to write;
    each waits for its jobs, and one given none exits. A helper imports pyarrow
    once it has jobs: a small batch gives it none (0.35 CPU-s saved), and a
    large batch's registry rebuild leaves it the time."""
    procs = [_start_helper() for _ in range(max(0, min(n, MAX_LANES - 1)))]
    return [p for p in procs if p is not None]


def _start_helper():
    """``python -m pipeline.export --helper`` (None when it cannot start). It
    reads its jobs as one line of JSON on its input, and a second line before
    the jobs of the tables the registry rebuild rewrites."""
    import subprocess
    try:
        return processes.start_python_module("pipeline.export", "--helper", stdin=subprocess.PIPE,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def write_files(con: sqlite3.Connection, out_dir: str | os.PathLike, tables=None, rebuild=None,
                helpers=None) -> dict[str, int]:
    """Write every table as CSV and Parquet, and (all tables) one Excel workbook.
    Returns row counts.

    Tables are read from the store in chunks, so memory does not grow with the
    archive; each file is written to a temporary name and renamed. With more than
    one core and enough rows, helper processes write some of the files at the
    same time (:func:`_share_out`; ``helpers`` from :func:`start_helpers`, else
    started here); what a helper fails to write is written here. ``rebuild``: a
    function run here first that rewrites the tables in REBUILT (the registry);
    the helpers start on the other tables' files meanwhile."""
    import json
    out = Path(out_dir)
    names = list(tables or table_types())
    later = frozenset(REBUILT) & set(names) if rebuild is not None else frozenset()

    def count(n: str) -> int:
        return con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]
    cells = {n: count(n) * len(columns(table_types()[n])) for n in names}
    # (seconds before the rebuild ends, seconds after) of each job; the counts of
    # the registry tables are those of the last rebuild (none in a new store)
    costs = {n: (0.0, cells[n] * SECONDS_PER_CELL["files"]) if n in later
             else (cells[n] * SECONDS_PER_CELL["files"], 0.0) for n in names}
    if tables is None:
        costs[WORKBOOK] = (sum(c for n, c in cells.items() if n not in later) * SECONDS_PER_CELL[WORKBOOK],
                           sum(c for n, c in cells.items() if n in later) * SECONDS_PER_CELL[WORKBOOK])
    busy = cells.get("citations", 0) * SECONDS_PER_CELL["rebuild"] if rebuild is not None else 0.0
    db = path_of(con)
    spare = list(helpers or [])
    lanes = min(max(processes.available_cores(), len(spare) + 1), len(costs), MAX_LANES) if db else 1
    shares = _share_out(costs, lanes, busy) if lanes > 1 else [list(costs)]
    mine, running = shares[0], []
    try:
        for share in shares[1:]:
            proc = None
            if share and sum(sum(costs[j]) for j in share) >= HELPER_START:
                proc = spare.pop() if spare else _start_helper()
            task = {"store": db, "out": str(out), "names": names, "later": sorted(later), "jobs": share}
            if proc is not None and processes.send_line(proc, json.dumps(task)):
                running.append((proc, share))
            else:
                mine += share             # not worth a process, or none could start
        for proc in spare:
            processes.send_line(proc, None)     # no jobs: it exits
        if rebuild is not None:
            rebuild()
        for proc, _ in running:
            processes.send_line(proc, "go")
            processes.send_line(proc, None)
        for job in mine:
            _write_job(con, out, job, names)
    finally:
        failed: list = []
        for proc, share in running:
            if not proc.stdin.closed:
                proc.kill()               # the rebuild failed: the error is raised from here
            if proc.wait() != 0:
                failed += share
        for proc in spare:
            processes.send_line(proc, None)
            proc.wait()
    for job in failed:
        _write_job(con, out, job, names)
    return {n: count(n) for n in names}


def _helper_main() -> int:
    import json
    import sys
    if not processes.die_with_parent():     # a killed batch leaves no writer behind
        return 1
    line = sys.stdin.readline()
    if not line.strip():
        return 0                        # not needed this time
    warm_up()                           # only now: a batch too small to share its files out never needs pyarrow
    task = json.loads(line)
    later = frozenset(task["later"])
    waited: list[str] = []

    def ready() -> None:
        """Wait until the parent says the tables in ``later`` are rewritten."""
        if not waited:
            waited.append(sys.stdin.readline())
            if waited[0].strip() != "go":
                raise SystemExit(1)     # the parent went away without saying so
    con = open_read_only(task["store"])
    try:
        for job in task["jobs"]:
            if job in later:
                ready()
            _write_job(con, Path(task["out"]), job, task["names"], later, ready)
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--helper"]:
        sys.exit(_helper_main())
    sys.exit("usage: python -m pipeline.export --helper  (a helper process of `tdkt extract`)")
