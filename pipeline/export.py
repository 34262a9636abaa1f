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
        # a store written by an earlier version gains the columns added since
        have = {r[1] for r in con.execute(f'PRAGMA table_info("{name}")')}
        for c in columns(tp):
            if c not in have:
                con.execute(f'ALTER TABLE "{name}" ADD COLUMN "{c}" {_sql_type(hints[c])}')
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


def read_table(con: sqlite3.Connection, name: str, only=None) -> pd.DataFrame:
    """The table in a stable order, typed; ``only``: just these columns."""
    tp = table_types()[name]
    every = columns(tp)
    cols = [c for c in every if c in only] if only else every
    order = {"documents": "source_path", "errors": "source_path"}.get(name)
    if order is None and "doc_id" in every and "start" in every:
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


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# code points XML 1.0 cannot carry (control characters are already blanked by _neutralize)
_NOT_XML = regex.compile(r"[\ud800-\udfff\ufffe\uffff]")
_STYLES = (f'<styleSheet xmlns="{_MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font>'
           '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
           'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/>'
           '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
           'xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
           '</cellStyles></styleSheet>')


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _xml_text(v: str) -> str:
    v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("\ufffd", v)


def _sheet_rows(con, name: str):
    """The sheet's rows as SpreadsheetML: the header, the table (neutralized, cut
    to what Excel holds) and, past Excel's row limit, a line saying where the rest is."""
    cols = columns(table_types()[name])
    letters = [_column_letter(i) for i in range(len(cols))]

    def row_xml(r: int, values) -> str:
        cells = []
        for letter, v in zip(letters, values):
            v = _excel_cell(v)
            if v is None or v == "":         # an empty cell, as openpyxl writes it
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) != float("inf"):
                cells.append(f'<c r="{letter}{r}"><v>{v!r}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{_xml_text(str(v))}</t></is></c>')
        return f'<row r="{r}">{"".join(cells)}</row>'
    yield row_xml(1, cols)
    r = 1
    for df in _chunks(con, name):
        for rec in df.astype(object).itertuples(index=False, name=None):
            if r >= EXCEL_MAX_ROWS - 1:
                break
            r += 1
            yield row_xml(r, rec)
    total = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    if total > r - 1:
        yield row_xml(r + 1, [f"… {total - (r - 1)} more rows: Excel holds {EXCEL_MAX_ROWS} rows a sheet; "
                              f"see {name}.csv or {name}.parquet"])


def _write_xlsx(con, names, path: Path) -> None:
    """One sheet per table, header row frozen, streamed straight to the file as
    SpreadsheetML with inline strings (openpyxl's writer took longer than every
    CSV and Parquet file together, in the one process that ends every batch)."""
    import zipfile
    sheets = [(i + 1, name[:31]) for i, name in enumerate(names)]
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _XML_HEAD + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{sheet_type}.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}.worksheet+xml"/>'
                      for i, _ in sheets) + "</Types>"))
        z.writestr("_rels/.rels", _XML_HEAD + (
            f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" Type="{_REL_NS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", _XML_HEAD + (
            f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
            + "".join(f'<sheet name="{_xml_text(title)}" sheetId="{i}" r:id="rId{i}"/>' for i, title in sheets)
            + "</sheets></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", _XML_HEAD + (
            f'<Relationships xmlns="{_PKG_REL_NS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i, _ in sheets)
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"))
        z.writestr("xl/styles.xml", _XML_HEAD + _STYLES)
        for (i, _), name in zip(sheets, names):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as f:
                f.write((_XML_HEAD + f'<worksheet xmlns="{_MAIN_NS}"><sheetViews><sheetView workbookViewId="0">'
                         '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                         '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetData>').encode())
                batch: list[str] = []
                for row in _sheet_rows(con, name):
                    batch.append(row)
                    if len(batch) >= 2000:
                        f.write("".join(batch).encode("utf-8"))
                        batch.clear()
                f.write(("".join(batch) + "</sheetData></worksheet>").encode("utf-8"))


# Rows in the store above which the workbook is written by a second process while
# this one writes the CSV and Parquet files (the batch's serial end takes ~35 % less
# on two cores; below this, starting the process costs more than it saves).
WORKBOOK_APART_ROWS = 50_000


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def _store_path(con: sqlite3.Connection) -> str:
    return next((r[2] for r in con.execute("PRAGMA database_list") if r[1] == "main"), "") or ""


def _start_workbook_apart(con: sqlite3.Connection, out: Path, names: list[str]):
    """``python -m pipeline.export --workbook``: a process of its own (not a fork of
    this one, which may hold threads and an open store) writing tables.xlsx."""
    import subprocess
    import sys
    db = _store_path(con)
    if not db or _cores() < 2:
        return None
    rows = sum(con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names)
    if rows < WORKBOOK_APART_ROWS:
        return None
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        return subprocess.Popen([sys.executable, "-m", "pipeline.export", "--workbook", db, str(out), *names],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def write_files(con: sqlite3.Connection, out_dir: str | os.PathLike, tables=None) -> dict[str, int]:
    """Write every table as CSV, Parquet and one Excel workbook. Returns row counts.

    Tables are read from the store in chunks, so memory does not grow with the
    archive; each file is written to a temporary name and renamed. With more than
    one core and a large store the workbook is written by a second process at the
    same time; if that fails, here."""
    out = Path(out_dir)
    names = list(tables or table_types())
    counts = {}
    apart = _start_workbook_apart(con, out, names) if tables is None else None
    try:
        for name in names:
            _atomic(out / f"{name}.csv", lambda p, name=name: counts.__setitem__(name, _write_csv(con, name, p)))
            _atomic(out / f"{name}.parquet", lambda p, name=name: _write_parquet(con, name, p))
    finally:
        done_apart = apart is not None and apart.wait() == 0
    if tables is None and not done_apart:
        _atomic(out / "tables.xlsx", lambda p: _write_xlsx(con, names, p))
    return counts


def _workbook_main(db: str, out_dir: str, names: list[str]) -> int:
    from pipeline.batch import _die_with_parent
    parent = os.getppid()
    _die_with_parent()                  # a killed batch leaves no writer behind
    if os.getppid() != parent:
        return 1
    from urllib.parse import quote
    con = sqlite3.connect(f"file:{quote(db)}?mode=ro", uri=True, timeout=60)   # read only
    try:
        _atomic(Path(out_dir) / "tables.xlsx", lambda p: _write_xlsx(con, names, p))
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    import sys
    if len(sys.argv) >= 4 and sys.argv[1] == "--workbook":
        sys.exit(_workbook_main(sys.argv[2], sys.argv[3], sys.argv[4:]))
    sys.exit("usage: python -m pipeline.export --workbook STORE DIR TABLE...  (a helper of `tdkt extract`)")
