"""The table model every reader fills (models.Table, models.TableCell).

A reader hands over each table it wrote into the text as rows of
:class:`RawCell` (the cell texts as it wrote them, a row being one paragraph
with its cells joined by " | ", or the cells' own offsets when it knows them:
markdown pipe tables); :func:`build_tables` finds them in the finished text and
works out the grid (merged cells), the header rows, each cell's row and column
header paths, the caption (the lines just above the table and its title rows),
the unit (`Đơn vị tính: triệu đồng`, `Số tiền (triệu đồng)`), the total rows
(`Tổng cộng`) and the page. :func:`in_normalized` maps the spans into the
normalized text (rules/tables.yaml holds the words).
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, field

import regex

from .. import rules
from ..extract.parts import cells as cell_parts
from ..models import NormalizedText, Table, TableCell

CELL_JOIN = " | "


@dataclass
class RawCell:
    """A cell as a reader wrote it."""
    text: str
    col_span: int = 1
    row_span: int = 1
    col: int | None = None        # its grid column, when the reader knows it (PDF, spreadsheet)
    covered: bool = False         # a place a merged cell covers (an empty cell in the text, no cell of its own)
    header: bool = False          # the reader says it is a header cell (HTML <th>)
    start: int | None = None      # its offset in the text, when the reader knows it (markdown)


@dataclass
class RawTable:
    rows: list[list[RawCell]] = field(default_factory=list)
    page: int | None = None


@dataclass(frozen=True)
class Vocabulary:
    unit_note: regex.Pattern
    header_unit: regex.Pattern
    total: regex.Pattern
    serial_header: regex.Pattern
    unit_header: regex.Pattern
    unit_headers_also_names: frozenset    # `Đơn vị`: a unit column only when its cells are units
    unit_cell_max_words: int
    caption_lines: int
    caption_line_length: int
    prose_words: int
    prose_lowercase_share: float
    layout_prose_share: float


@rules.compiled("tables")
def vocabulary() -> Vocabulary:
    cfg = rules.load("tables")
    leads = rules.alternation(cfg["unit_note_leads"], boundary=False)
    return Vocabulary(
        # `Đơn vị tính: triệu đồng`, `(ĐVT: đồng)`: the unit runs to a bracket, a semicolon or the line's end
        unit_note=regex.compile(rf"(?<![\p{{L}}])(?:{leads})[ ]*[:.][ ]*(?P<unit>[^()\n;]+?)[ .]*(?:[)\n;]|$)",
                                regex.IGNORECASE),
        # `Số tiền (triệu đồng)`, `Kinh phí (ĐVT: triệu đồng)`, `Tỷ lệ (%)`
        header_unit=regex.compile(rf"\([ ]*(?:(?:{leads})[ ]*[:.][ ]*)?(?P<unit>%|\p{{L}}[\p{{L}} /²³]{{0,28}})[ ]*\)",
                                  regex.IGNORECASE),
        total=regex.compile(rf"^(?:{rules.alternation(cfg['total_labels'], boundary=False)})[ ]*(?:[:(]|$)",
                            regex.IGNORECASE),
        serial_header=regex.compile(rf"^(?:{rules.alternation(cfg['serial_headers'], boundary=False)})$",
                                    regex.IGNORECASE),
        unit_header=regex.compile(rf"(?:{leads})", regex.IGNORECASE),
        unit_headers_also_names=frozenset(w.casefold() for w in cfg["unit_headers_also_names"]),
        unit_cell_max_words=cfg["unit_cell_max_words"],
        caption_lines=cfg["caption_lines"],
        caption_line_length=cfg["caption_line_length"],
        prose_words=cfg["prose_words"],
        prose_lowercase_share=cfg["prose_lowercase_share"],
        layout_prose_share=cfg["layout_prose_share"],
    )


# a number as a cell holds it: `1.200`, `350,5`, `-12`, `15,8%`, `05`
NUMBER = regex.compile(r"[-+]?\d{1,3}(?:[.,]\d{3})*(?:[.,]\d+)?[ ]?%?|[-+]?\d+(?:[.,]\d+)?[ ]?%?")
YEAR = regex.compile(r"(?:19|20)\d\d")
# a number with a few words of unit after it: `7 (tiến sĩ)`, `357 triệu $`, `1.200 triệu đồng`
NUMBER_AND_UNIT = regex.compile(r"[-+]?\d+(?:[.,]\d+)*[ ]?%?(?:[ ]+|[ ]*(?=\())[^\d\n]{1,30}")
# a serial opening a body row: `1`, `1.`, `1.2`, `I`, `II.`, `a)`, `-`
SERIAL = regex.compile(r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}|[a-zđ])[.)]?|[-–+•*]", regex.IGNORECASE)
# a row of column numbers: `(1) | (2) | (3)=(1)+(2)`, `A | B | 1 | 2`
COLUMN_NUMBER = regex.compile(r"\(?[0-9A-Za-z]{1,2}\)?(?:[ ]*=[ ]*[()0-9A-Za-z+\-*/x. ]+)?")
LETTER = regex.compile(r"\p{L}")
MAX_HEADER_ROWS = 5


def is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch(text.strip()))


@functools.lru_cache(maxsize=1 << 14)        # (cells repeat: numbers, empty cells, labels)
def _is_value(text: str) -> bool:
    """A number that is a value (alone or with its unit), not a year standing
    as a header (`2022`)."""
    t = text.strip()
    return (is_number(t) and not YEAR.fullmatch(t)) or bool(NUMBER_AND_UNIT.fullmatch(t))


def row_text(row: list[RawCell]) -> str:
    return CELL_JOIN.join(c.text for c in row)


# ---------------------------------------------------------------- locating the rows

def build_tables(text: str, raw_tables: list[RawTable], page_starts: list[int] | None = None) -> list[Table]:
    """The tables of ``raw_tables`` found in ``text``, in order (a row the text
    does not hold is left out; a table with fewer than two rows found too)."""
    out: list[Table] = []
    pos = 0
    for raw in raw_tables:
        located = []
        for row in raw.rows:
            spans = _row_spans(text, row, pos)
            if spans is not None:
                located.append((row, spans))
                pos = spans[-1][1]
        if len(located) < 2:
            continue
        page = raw.page if raw.page is not None else _page(page_starts, located[0][1][0][0])
        table = _table(text, located, len(out), _continued(text, out[-1] if out else None, page, located[0][1][0][0]))
        if table is not None:
            table.page = page
            out.append(table)
    return out


def _row_spans(text: str, row: list[RawCell], pos: int) -> list[tuple[int, int]] | None:
    """Each cell's (start, end) in text: as the reader gave them, or found
    as the row's text from ``pos`` on."""
    starts = [c.start for c in row]
    if row and all(s is not None for s in starts):
        return [(s, s + len(c.text)) for s, c in zip(starts, row) if s is not None]
    joined = row_text(row)
    if not joined.strip():
        return None
    at = text.find(joined, pos)
    if at < 0:
        return None
    spans = []
    for c in row:
        spans.append((at, at + len(c.text)))
        at += len(c.text) + len(CELL_JOIN)
    return spans


def _page(page_starts: list[int] | None, offset: int) -> int | None:
    if not page_starts:
        return None
    return max(1, bisect.bisect_right(page_starts, offset))


# ---------------------------------------------------------------- the grid

def _continued(text: str, above: Table | None, page: int | None, start: int) -> Table | None:
    """The table this one continues after a page break (a PDF table running on
    to the next page repeats no header): the table just before, on the page
    before, with as many columns, nothing but a page number between them."""
    if above is None or page is None or above.page is None or page != above.page + 1:
        return None
    between = text[above.end:start].strip()
    if between and not between.isdigit():
        return None
    return above


def _table(text: str, located: list, index: int, above: Table | None = None) -> Table | None:
    cells, grid = _grid(text, located)
    if not cells:
        return None
    n_rows = len(located)
    n_cols = max(c.col + c.col_span for c in cells)
    start = min(c.start for c in cells)
    end = max(c.end for c in cells)
    table = Table(index=index, start=start, end=end, cells=cells, n_rows=n_rows, n_cols=n_cols)
    _read_structure(text, table, grid, above if above is not None and above.n_cols == n_cols else None)
    return table


def _grid(text: str, located: list) -> tuple[list[TableCell], dict]:
    """The cells placed on the grid; grid: (row, col) -> the cell covering it."""
    grid: dict[tuple[int, int], TableCell] = {}
    cells: list[TableCell] = []
    for r, (row, spans) in enumerate(located):
        c = 0
        for raw, (s, e) in zip(row, spans):
            if raw.col is not None:
                c = raw.col
            else:
                while (r, c) in grid:
                    c += 1
            if raw.covered:
                c = _extend_above(grid, r, c) if (r, c) not in grid else c + grid[(r, c)].col_span
                continue
            s, e = _stripped(text, s, e)
            cell = TableCell(row=r, col=c, text=text[s:e], start=s, end=e,
                             row_span=max(1, raw.row_span), col_span=max(1, raw.col_span), header=raw.header)
            for dr in range(cell.row_span):
                for dc in range(cell.col_span):
                    grid.setdefault((r + dr, c + dc), cell)
            cells.append(cell)
            c += cell.col_span
    return cells, grid


def _extend_above(grid: dict, r: int, c: int) -> int:
    """A place a merged cell covers (DOCX vMerge): the cell above spans down to it."""
    owner = grid.get((r - 1, c))
    if owner is None:
        return c + 1
    owner.row_span = r - owner.row + 1
    for dc in range(owner.col_span):
        grid[(r, c + dc)] = owner
    return c + owner.col_span


def _stripped(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _owner(grid: dict, r: int, c: int) -> TableCell | None:
    """The cell at (r, c), or the nearest above it when none is there (a PDF
    leaves out the places a merged cell covers)."""
    for up in range(r, -1, -1):
        cell = grid.get((up, c))
        if cell is not None:
            return cell
    return None


# ---------------------------------------------------------------- headers, caption, unit, totals

def _read_structure(text: str, table: Table, grid: dict, above: Table | None = None) -> None:
    v = vocabulary()
    rows = table.rows()
    titles = _title_rows(rows, table.n_cols)
    first_body = next((r for r in range(titles, table.n_rows) if _is_body_row(rows[r], v)), None)
    if above is not None and first_body == 0:
        _read_continued(table, grid, above, v)
        return
    if first_body is None:
        first_body = titles + 1 if table.n_rows > titles + 1 else titles
    if first_body - titles > MAX_HEADER_ROWS:
        first_body = titles + 1
    table.header_rows = first_body
    headed = [r for r in range(titles, first_body) if not _column_numbers(rows[r])]
    for r in headed[1:]:
        _right_align_subheader(grid, rows, headed[0], r, table.n_cols, v)
    table.caption = _caption(text, table, rows, titles, v)
    table.unit = _unit_note(table.caption, v)
    serial_cols = {c.col for r in headed for c in rows[r] if v.serial_header.match(_t(c).strip(" .:"))}
    has_values = any(_is_value(_t(c)) for row in rows[first_body:] for c in row if c.col > 0)
    unit_cols = _unit_columns([c for r in headed for c in rows[r]], rows[first_body:], v)
    group: tuple[str, ...] = ()
    group_serial = ""
    for cell in table.cells:
        cell.header = cell.header or cell.row < first_body
    columns: dict[int, tuple[tuple[str, ...], str]] = {}

    def column_of(col: int) -> tuple[tuple[str, ...], str]:
        """A column's header path and the unit it names, read once per column."""
        if col not in columns:
            path = _column_path(grid, headed, col)
            columns[col] = (path, _header_unit(path, v))
        return columns[col]
    for r in range(first_body, table.n_rows):
        labels = _row_labels(rows[r])
        total = bool(labels) and bool(v.total.match(labels[0]))
        is_group = has_values and labels and not any(_is_value(_t(c)) for c in rows[r] if c.col not in serial_cols)
        serial = _serial_kind(rows[r], serial_cols)
        if group and serial and serial == group_serial:
            group = ()      # numbered as the group row is (`1 | Khách qua phà`, then `2 | Xe khác`): its sibling
        labels_before = _row_labels_before(grid, r, table.n_cols, unit_cols)
        for cell in rows[r]:
            cell.total = total
            cell.col_header, col_unit = column_of(cell.col)
            own = labels_before[min(cell.col, table.n_cols)]
            cell.row_header = (group + own) if group and not is_group else own
            cell.unit = _row_unit(grid, r, cell.col, unit_cols) or col_unit or table.unit
        if is_group:
            group, group_serial = (labels[0],), serial
        elif total:
            group = ()
    _read_prose(table, serial_cols, v)


def _serial_kind(row: list[TableCell], serial_cols: set[int]) -> str:
    """How the row is numbered in its serial column: `roman` (I, II), `number` (1, 2, 1.1), `letter` (a, b), else ""."""
    cell = next((c for c in row if c.col in serial_cols and _t(c)), None)
    if cell is None or not SERIAL.fullmatch(_t(cell)):
        return ""
    mark = _t(cell).rstrip(".)")
    if mark[:1].isdigit():
        return "number"
    if regex.fullmatch(r"[IVXLC]+", mark):
        return "roman"
    return "letter" if mark[:1].isalpha() else ""


def _read_continued(table: Table, grid: dict, above: Table, v: Vocabulary) -> None:
    """The rows of a table continued from ``above``: its column headers, serial
    and unit columns, and the group row its last rows were under."""
    heads = {c.col: c.col_header for c in above.cells if not c.header}
    upper = [c for c in above.cells if c.header and c.col_span == 1]
    serial_cols = {c.col for c in upper if v.serial_header.match(_t(c).strip(" .:"))}
    unit_cols = _unit_columns(upper, table.rows(), v)
    last = max((c for c in above.cells if not c.header), key=lambda c: c.row, default=None)
    group = last.row_header[:1] if last is not None and len(last.row_header) > 1 else ()
    rows = table.rows()
    for r in range(table.n_rows):
        labels = _row_labels(rows[r])
        total = bool(labels) and bool(v.total.match(labels[0]))
        is_group = bool(labels) and not any(_is_value(_t(c)) for c in rows[r] if c.col not in serial_cols)
        labels_before = _row_labels_before(grid, r, table.n_cols, unit_cols)
        for cell in rows[r]:
            cell.total = total
            cell.col_header = heads.get(cell.col, ())
            own = labels_before[min(cell.col, table.n_cols)]
            cell.row_header = (group + own) if group and not is_group else own
            cell.unit = _row_unit(grid, r, cell.col, unit_cols) or _header_unit(cell.col_header, v) or above.unit
        if is_group:
            group = (labels[0],)
        elif total:
            group = ()
    table.unit = above.unit
    _read_prose(table, serial_cols, v)


def _unit_columns(header_cells: list[TableCell], body: list[list[TableCell]], v: Vocabulary) -> list[int]:
    """The columns that write each row's unit (`ĐVT | đồng/người`). A column
    headed with a word that also means an organisation (`Đơn vị`: unit, or
    the unit of government a row is about) writes units only when its cells
    read as units (`triệu đồng`, `người/tháng`), not names (`Xã An Thạnh`)."""
    cols = []
    for c in header_cells:
        head = _t(c).strip(" .:")
        if not v.unit_header.fullmatch(head):
            continue
        if head.casefold() in v.unit_headers_also_names:
            cells = [_t(x) for row in body for x in row if x.col == c.col and _t(x)]
            if sum(_reads_as_unit(x, v) for x in cells) * 2 < len(cells):
                continue
        cols.append(c.col)
    return sorted(cols)


def _reads_as_unit(text: str, v: Vocabulary) -> bool:
    """A unit's cell: a few words, no capital after the first letter but an
    acronym's (`Triệu đồng`, `đồng/m²`, `VNĐ`, `%`); a name has capitals (`Sở Nội vụ`)."""
    if len(text.split()) > v.unit_cell_max_words:
        return False
    if text.isupper() and len(text) <= 4:
        return True
    return not any(ch.isupper() for ch in text[1:])


def _right_align_subheader(grid: dict, rows: list[list[TableCell]], top: int, r: int, n_cols: int,
                           v: Vocabulary) -> None:
    """A lower header row written from the left under a serial column
    (`| Thứ tự | Danh mục | Số lượng | |` over `| Nhà trường | Tập thể | Cá
    nhân | |`): a text table leaves out the places the taller headers on the
    left cover, and a sub-header never stands under the serial column, so its
    cells go under the right-most columns."""
    serial = grid.get((top, 0))
    texts = [c for c in rows[r] if _t(c)]
    if serial is None or not v.serial_header.match(_t(serial).strip(" .:")) or not texts:
        return
    if texts[0].col != 0 or any(c.col_span > 1 or c.row_span > 1 for c in rows[r]):
        return
    k = len(texts)
    if [c.col for c in texts] != list(range(k)) or k >= n_cols:
        return
    blanks = [c for c in rows[r] if not _t(c)]
    for c in rows[r]:
        grid.pop((r, c.col), None)
    for col, c in enumerate(blanks + texts if len(blanks) + k <= n_cols else texts):
        c.col = col + (n_cols - len(blanks) - k if len(blanks) + k <= n_cols else n_cols - k)
        grid[(r, c.col)] = c
    rows[r].sort(key=lambda c: c.col)


def _caption(text: str, table: Table, rows: list[list[TableCell]], titles: int, v: Vocabulary) -> str:
    """The lines just above the table and its title rows."""
    return "\n".join(_caption_above(text, table.start, v)
                     + [_label(_t(c)) for r in range(titles) for c in rows[r] if _t(c)])


def _read_prose(table: Table, serial_cols: set[int], v: Vocabulary) -> None:
    """Which cells hold prose, and whether the table only lays out the
    report's paragraphs: no value in a cell of its body (a row number is
    none), and most of its cells of text prose (a header cell counts only
    when it is prose: a first row of prose is no header)."""
    filled = prose = 0
    for cell in table.cells:
        text = _t(cell)
        if not text:
            continue
        cell.prose = _is_prose(text, v)
        if cell.header and not cell.prose:
            continue
        if cell.col in serial_cols or (cell.col == 0 and SERIAL.fullmatch(text)):
            continue
        if _is_value(text):
            table.layout = False
            return
        filled += 1
        prose += cell.prose
    table.layout = bool(prose) and prose >= v.layout_prose_share * filled


def _is_prose(text: str, v: Vocabulary) -> bool:
    """A sentence of the report, not a label or a title: many words, most of them lower-case."""
    if len(text) < 2 * v.prose_words:
        return False
    words = [w for w in text.split() if w[0].isalpha()]
    if len(words) < v.prose_words:
        return False
    return sum(1 for w in words if w[0].islower()) >= v.prose_lowercase_share * len(words)


def _row_unit(grid: dict, r: int, col: int, unit_cols: list[int]) -> str:
    """The unit the row writes in a unit column (`ĐVT | đồng/người`) left of the cell."""
    for c in reversed(unit_cols):
        if c < col:
            cell = grid.get((r, c))
            unit = _label(_t(cell)).replace(" /", "/").replace("/ ", "/") if cell is not None else ""
            return unit if LETTER.search(unit) else ""
    return ""


def _title_rows(rows: list[list[TableCell]], n_cols: int) -> int:
    """Rows at the top with a single cell of text across a wider table: titles
    and unit notes, read as the caption."""
    k = 0
    while k < len(rows) - 2 and n_cols > 1:
        texts = [c for c in rows[k] if _t(c)]
        if len(texts) != 1 or is_number(_t(texts[0])):
            break
        k += 1
    return k


def _is_body_row(row: list[TableCell], v: Vocabulary) -> bool:
    if not row or _column_numbers(row) or all(c.header for c in row):
        return False
    first = next((c for c in row if _t(c)), None)
    if first is None:
        return False
    if SERIAL.fullmatch(_t(first)) and first.col == 0:
        return True
    return any(_is_value(_t(c)) for c in row if c.col > 0)


def _column_numbers(row: list[TableCell]) -> bool:
    texts = [_t(c) for c in row if _t(c)]
    return len(texts) >= 2 and all(COLUMN_NUMBER.fullmatch(t) for t in texts) and not all(
        t.isdigit() and int(t) > 31 for t in texts)


def _row_labels(row: list[TableCell]) -> list[str]:
    return [_label(_t(c)) for c in row if LETTER.search(_t(c)) and not SERIAL.fullmatch(_t(c))]


def _row_labels_before(grid: dict, r: int, n_cols: int, unit_cols: list[int]) -> list[tuple[str, ...]]:
    """For each column c of row r (and n_cols), the labels of the row's cells
    left of c (a merged cell once; unit columns, serials and values left out):
    one pass over the row, where asking per cell read the row once per cell."""
    out: list[tuple[str, ...]] = []
    labels: tuple[str, ...] = ()
    seen: set[int] = set()
    for c in range(n_cols):
        out.append(labels)
        if c in unit_cols:
            continue
        cell = _owner(grid, r, c)
        if cell is None or id(cell) in seen:
            continue
        seen.add(id(cell))
        if LETTER.search(_t(cell)) and not SERIAL.fullmatch(_t(cell)) and not _is_value(_t(cell)):
            labels = (*labels, _label(_t(cell)))
    out.append(labels)
    return out


def _label(text: str) -> str:
    return " ".join(text.split())


def _t(cell: TableCell) -> str:
    """A cell's text as its structure is judged: markdown emphasis left out
    (`**TT**`, `*1*`), stripped."""
    return _judged(cell.text)


@functools.lru_cache(maxsize=1 << 14)        # (asked of each cell several times)
def _judged(text: str) -> str:
    return cell_parts.plain(text) if "*" in text or "_" in text else text.strip()


def _column_path(grid: dict, header_rows: list[int], col: int) -> tuple[str, ...]:
    path: list[str] = []
    for k, r in enumerate(header_rows):
        cell = _owner(grid, r, col)
        if (cell is None or not _t(cell)) and k + 1 < len(header_rows):
            cell = _spread_from_left(grid, r, col)
        if cell is None or not _t(cell):
            continue
        label = _label(_t(cell))
        if not path or path[-1] != label:
            path.append(label)
    return tuple(path)


def _spread_from_left(grid: dict, r: int, col: int) -> TableCell | None:
    """An empty cell of an upper header row continues the header on its left
    (a merged cell that a markdown table or a converter wrote as empty cells)."""
    for c in range(col - 1, -1, -1):
        cell = _owner(grid, r, c)
        if cell is not None and _t(cell):
            return cell
    return None


def _caption_above(text: str, start: int, v: Vocabulary) -> list[str]:
    """The short paragraphs just above the table (a title, a unit note, a lead
    ending with a colon), nearest last. A long paragraph or a sentence ends it
    (of a long paragraph only a last line that is a unit note counts), and so
    does another table's row."""
    above = text[:text.rfind("\n", 0, start) + 1]          # up to the line the table starts on
    lines: list[str] = []
    for paragraph in reversed(above[-(4 * v.caption_line_length * v.caption_lines):].split("\n\n")):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        parts = [ln.strip() for ln in paragraph.split("\n") if ln.strip()]
        if len(paragraph) > v.caption_line_length or CELL_JOIN.strip() in paragraph:
            if v.unit_note.search(parts[-1]) and len(parts[-1]) <= v.caption_line_length and not lines:
                lines.append(parts[-1])
            break
        if paragraph.endswith((".", ";")) and not v.unit_note.search(paragraph):
            break
        lines[:0] = parts
        if len(lines) >= v.caption_lines or paragraph.endswith(":"):
            break                           # the lead-in the table follows opens its caption
    return lines[-v.caption_lines:]


def _unit_note(caption: str, v: Vocabulary) -> str:
    m = v.unit_note.search(caption)
    return " ".join(m.group("unit").split()) if m else ""


def _header_unit(path: tuple[str, ...], v: Vocabulary) -> str:
    """The unit a column header names (`Số tiền (triệu đồng)`), nearest the cell first."""
    for label in reversed(path):
        m = v.header_unit.search(label) or v.unit_note.search(label)
        if m:
            return " ".join(m.group("unit").split())
    return ""


# ---------------------------------------------------------------- into the normalized text

def in_normalized(tables: list[Table], norm: NormalizedText) -> list[Table]:
    """The tables with their spans in the normalized text: a source offset
    maps to the first normalized char that comes from it or after it."""
    import numpy as np
    if not tables:
        return []
    to_source = norm.to_source
    out: list[Table] = []
    for t in tables:
        # every offset of the table mapped in one call
        offsets = np.searchsorted(to_source, [t.start, t.end, *(x for c in t.cells for x in (c.start, c.end))],
                                  side="left").tolist()
        cells = []
        for i, c in enumerate(t.cells):
            s, e = offsets[2 + 2 * i], offsets[3 + 2 * i]
            cells.append(TableCell(**{**c.__dict__, "start": s, "end": max(s, e), "text": norm.text[s:max(s, e)]}))
        s, e = offsets[0], offsets[1]
        table = Table(**{**t.__dict__, "start": s, "end": max(s, e), "cells": cells,
                         "page": t.page if t.page is not None else norm.page_of(s)})
        above = _continued(norm.text, out[-1] if out else None, table.page, table.start)
        if above is not None and above.n_cols != table.n_cols:
            above = None
        # a table continued from the one before takes its header: read again
        if above is not None or not _reads_the_same(t, table, norm.text):
            _read_structure(norm.text, table, _grid_of(cells), above)   # labels as the normalized text has them
        out.append(table)
    return out


def _reads_the_same(source: Table, table: Table, text: str) -> bool:
    """The structure read from the source text holds for its copy in the
    normalized ``text`` (whose cells carry it already): it depends only on the
    cells' texts as _t reads them and on the caption, and normalizing mostly
    leaves both as they were: 823 of the 935 tables of a 10 MB archive sample
    (reading them again was about 8 % of the time extracting it)."""
    if any(_t(a) != _t(b) for a, b in zip(source.cells, table.cells)):
        return False
    rows = table.rows()
    return _caption(text, table, rows, _title_rows(rows, table.n_cols), vocabulary()) == source.caption


def _grid_of(cells: list[TableCell]) -> dict:
    grid: dict[tuple[int, int], TableCell] = {}
    for cell in cells:
        for dr in range(cell.row_span):
            for dc in range(cell.col_span):
                grid.setdefault((cell.row + dr, cell.col + dc), cell)
    return grid


# ---------------------------------------------------------------- markdown pipe tables

PIPE_ROW = regex.compile(r"(?m)^[ \t]*\|.*\|[ \t]*$")
PIPE_BAR = re.compile(r"(?<!\\)\|")                # a bar not escaped (`\|`), found by the C engine
PIPE_RULE = regex.compile(r"[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+(?:[ \t]*:?-{2,}:?[ \t]*)?[ \t]*")


def pipe_tables(text: str) -> list[RawTable]:
    """The markdown pipe tables of a text (`| TT | Nội dung | Số tiền |`, its
    `|---|` rule line left out), each cell with its own offset."""
    out: list[RawTable] = []
    rows: list[list[RawCell]] = []
    last_end = -2
    for m in PIPE_ROW.finditer(text):
        if m.start() != last_end + 1 and rows:          # not the next line: the table ended
            out.append(RawTable(rows))
            rows = []
        last_end = m.end()
        if PIPE_RULE.fullmatch(m.group()):
            if not rows:             # the header line did not open with a bar: its last cells
                rows += _header_before_rule(text, m)
            continue
        rows.append(_pipe_cells(text, m.start(), m.end()))
    if rows:
        out.append(RawTable(rows))
    return [t for t in out if len(t.rows) >= 2]


def _header_before_rule(text: str, rule) -> list[list[RawCell]]:
    """The header row of a table whose header line has text before its first
    bar (a crawled page's `[sửa | sửa mã nguồn]| Thứ tự | Danh mục |`): as
    many cells as the rule line has columns, counted from the line's end."""
    n = rule.group().strip().strip("|").count("|") + 1
    start = text.rfind("\n", 0, max(rule.start() - 1, 0)) + 1
    line = text[start:rule.start()].rstrip("\n")
    if not line.rstrip().endswith("|") or line.count("|") < n + 1:
        return []
    cells = _pipe_cells(text, start, start + len(line.rstrip()))
    return [cells[-n:]]


def _pipe_cells(text: str, start: int, end: int) -> list[RawCell]:
    bars = [m.start() for m in PIPE_BAR.finditer(text, start, end)]
    return [RawCell(text=text[a + 1:b], start=a + 1) for a, b in itertools.pairwise(bars)]


# ---------------------------------------------------------------- tables written one cell a line

BAR_LINE = regex.compile(r"(?m)^[ \t]*\|[ \t]*$")
MAX_COLUMNS = 16


def bar_tables(text: str) -> list[RawTable]:
    """Tables a converter wrote with each bar on a line of its own and each
    cell's text on the lines between (`|`, `**TT**`, `|`, `**Nội dung**`, `|`,
    `|`, `1`, ...): a row's closing bar and the next row's opening bar stand on
    two lines in a row. The number of columns is the one that makes every
    row end so; a blank line ends the table."""
    out = []
    for block in _bar_blocks(text):
        for part in _split_at_long_cells(block):
            cells = list(itertools.pairwise(part))        # the text between two bar lines
            rows = _bar_rows(text, cells)
            if len(rows) >= 2:
                out.append(RawTable(rows))
    return out


MAX_CELL_CHARS = 1200       # more text between two bars is a page's text, not a cell: no table runs over it


def _split_at_long_cells(block: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    parts: list[list[tuple[int, int]]] = [[block[0]]]
    for prev, bar in itertools.pairwise(block):
        if bar[0] - prev[1] > MAX_CELL_CHARS:
            parts.append([])
        parts[-1].append(bar)
    return [p for p in parts if len(p) >= 6]


def _bar_blocks(text: str) -> list[list[tuple[int, int]]]:
    """Runs of bar lines with no blank line between them: each bar's (start, end) offsets."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for m in BAR_LINE.finditer(text):
        if current and "\n\n" in text[current[-1][1]:m.start()].replace(" ", "").replace("\t", ""):
            blocks.append(current)
            current = []
        current.append((m.start(), m.end()))
    if current:
        blocks.append(current)
    return [b for b in blocks if len(b) >= 6]


def _bar_rows(text: str, between: list) -> list[list[RawCell]]:
    """The rows, for the number of columns that makes the most full rows: a
    row of n cells is followed by an empty token (the two bars); a shorter row
    (merged cells) ends at its first empty token."""
    tokens = [(a[1] + 1, b[0] - 1) if b[0] - a[1] > 1 else (a[1], a[1]) for a, b in between]
    empty = [not text[s:e].strip() for s, e in tokens]
    best: list = []
    best_full = 0
    for n in range(2, MAX_COLUMNS + 1):
        rows = _rows_of(tokens, empty, n)
        full = sum(1 for r in rows if len(r) == n)
        if full > best_full and 2 * full >= len(rows):     # most rows full: else no grid of n columns
            best, best_full = rows, full
    return [[RawCell(text=text[s:max(s, e)], start=s) for s, e in row] for row in best]


def _rows_of(tokens: list, empty: list[bool], n: int) -> list[list]:
    rows, k = [], 0
    while k < len(tokens):
        if k + n >= len(tokens) or empty[k + n]:
            rows.append(tokens[k:k + n])
            k += n + 1
            continue
        end = next((j for j in range(k + 1, k + n) if empty[j]), None)
        if end is None and empty[k]:
            k += 1                              # a bar too many between two rows (`|`, `|`, `|`)
            continue
        if end is None:
            break                               # no row ends here: not a table of n columns
        rows.append(tokens[k:end])
        k = end + 1
    return [r for r in rows if any(not empty[tokens.index(t)] for t in r)]


def text_tables(text: str) -> list[Table]:
    """The tables of a plain text: markdown pipe tables and tables written one
    cell a line, in the order they come."""
    raw = sorted(pipe_tables(text) + bar_tables(text), key=lambda t: t.rows[0][0].start or 0)
    return build_tables(text, raw)
