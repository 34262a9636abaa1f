"""Table cells as the extractors read them (the table model of
pipeline.ingest.tables, on ParsedDoc.tables): the provenance columns a row
read from a cell carries, the numbers in cells.
"""
from __future__ import annotations

import bisect

import regex

from ...models import Table, TableCell

# the number a cell holds, alone: `1.200`, `350,5`, `05`
CELL_NUMBER = regex.compile(r"[ ]*(?P<n>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)[ ]*")
# the unit note of a header, left out of the header as a purpose: `Số tiền (triệu đồng)`
BRACKETED = regex.compile(r"[ ]*\([^()]*\)[ ]*")


# emphasis opens before a word and closes after one; `* ` (a bullet: a detail row) stays
EMPHASIS = regex.compile(r"(?<!\S)[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}")


def plain(text: str) -> str:
    """A cell's text without markdown emphasis (`**TT**`)."""
    return EMPHASIS.sub("", text).strip()


def folded(text: str) -> str:
    """Text without tone marks, spaces or case, to compare a code with a word (`TAPTHE`, `tập thể`)."""
    import unicodedata
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in bare if ch.isalnum() and not unicodedata.combining(ch)).casefold()


def provenance(table: Table, cell: TableCell) -> dict:
    """The table columns of a row read from ``cell``."""
    return dict(table_index=table.index, table_row=cell.row, table_col=cell.col, cell_header=cell.header_path)


def number_span(cell: TableCell) -> tuple[int, int, str] | None:
    """(start, end, digits) of the number a cell holds alone, or None."""
    m = CELL_NUMBER.fullmatch(cell.text)
    if not m:
        return None
    return cell.start + m.start("n"), cell.start + m.end("n"), m.group("n")


def body_cells(table: Table):
    """The cells below the header rows, row by row."""
    return (c for c in table.cells if not c.header)


def header_leaf(cell: TableCell) -> str:
    """The column header nearest the cell, its bracketed unit note left out."""
    return " ".join(BRACKETED.sub(" ", cell.col_header[-1]).split()) if cell.col_header else ""


# a list mark opening a row label (`- Cấp giấy chứng nhận`, `* Khen thưởng cá nhân`): no part of what the row is
LIST_MARK = regex.compile(r"^[-–+•*][ ]+")


def row_label(cell: TableCell) -> str:
    """The label of the cell's own row (the last of its row headers), without a list mark."""
    return LIST_MARK.sub("", cell.row_header[-1]) if cell.row_header else ""


def mark_cells(records: list, tables: list[Table]) -> None:
    """Give every record whose span lies in a table its table columns: the
    table and row, and the column and headers of the cell it starts in when it
    ends in that cell too."""
    if not tables or not records:
        return
    starts = [t.start for t in tables]
    for rec in records:
        if rec.table_index is not None:
            continue
        k = bisect.bisect_right(starts, rec.start) - 1
        if k < 0 or rec.end > tables[k].end:
            continue
        table = tables[k]
        cell = next((c for c in table.cells if c.start <= rec.start < max(c.end, c.start + 1)), None)
        if cell is None:
            continue
        rec.table_index, rec.table_row = table.index, cell.row
        if rec.end <= cell.end:
            rec.table_col, rec.cell_header = cell.col, cell.header_path
