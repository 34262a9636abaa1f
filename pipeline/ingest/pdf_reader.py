"""PDF: text layer via pypdfium2, with line geometry for paragraphs.

Per page, pdfium's text (content-stream order, lines separated by CRLF) is cut
into lines; each line gets a box from pdfium's loose character boxes (font
ascent/descent, so every line of one font size has the same height).  The boxes
are read with one plain ctypes call per non-space char into one array (the
per-char Python wrappers were a third of the reading time).

* Visual lines: one "\\n" per visual line.  Two pdfium lines on the same baseline
  (a tab stop, a table row) are joined with a space.  pdfium marks a line-end
  hyphen as U+FFFE and drops the line break after it; that becomes "-\\n" (in
  Vietnamese text a line-end hyphen is nearly always a real one: ``QĐ-\\nUBND``).
* Paragraphs: "\\n\\n" where the baseline-to-baseline distance between two stacked
  lines exceeds the normal line pitch (the most common pitch on the page, or in
  the document for short pages) by more than max(2 pt, 20% of the line height);
  where the text jumps up or sideways (a new column or table cell); and where a
  line starts with a first-line indent (8 pt .. 6 line heights right of the
  page's usual left edge) after a line that ended short of the right edge and
  began at the left edge or at the same indent (so centred blocks are not cut).
* Running heads: among the two top-most and two bottom-most lines of a page that
  lie in the top / bottom 12% of it, a page number (``3``, ``Trang 3``, ``3/12``,
  ``- 3 -``, ``Page 3 of 12``) and a line repeated on at least half of the pages
  (digits ignored, documents of 3+ pages) are removed.
* Ruled tables: on an upright page with at least ``TABLE_MIN_PATHS`` line /
  rectangle objects, ``pdf_tables`` finds the tables drawn with lines from
  pdfium's path objects and char boxes, by the rules of pdfplumber's
  ``find_tables()`` (same rows and cell texts, ~15x faster: pdfplumber re-parses
  the page in Python); a table of 2+ rows and 2+ columns replaces the pdfium
  lines inside it, one paragraph per row with the cells joined by " | " (a
  cell's own lines joined by "\\n"), as in DOCX.  Only a page ``pdf_tables``
  cannot vouch for (a table char in a font without a Unicode map, rotated text
  in a table) is handed to pdfplumber.
* Pages are joined with "\\n\\n"; ``page_starts`` holds each page's offset.
* A document with no page carrying a text layer is ``needs_ocr``.  With
  ``ocr=True`` the pages without a text layer are rendered at ``OCR_DPI`` and read
  by Tesseract (``tesseract - - -l vie tsv``); its lines get boxes from the word
  boxes, so running heads and paragraphs are found as for a text layer, and the
  mean word confidence (0-100) goes to ``ocr_confidence``; tone marks Tesseract
  dropped or confused are repaired (``ocr_repair``), the words changed counted
  in ``ocr_repaired``.  Without Tesseract or
  its Vietnamese data the result is an error naming them and ``make ocr-deps``.
"""
from __future__ import annotations

import bisect
import ctypes
import math
import re
from collections import Counter
from dataclasses import dataclass

from ..models import SourceText
from .common import failed, one_line, sniff_kind
from .pages import Line, Page
from .pdf_tables import Table, find_tables, loose_box_function
from .tables import RawCell, RawTable, build_tables

BAND = 0.12                 # top / bottom share of the page height where running heads live
TEXT_PAGE_CHARS = 200       # this many non-space chars: the page has a text layer
MIN_PAGE_CHARS = 40         # fewer: no text layer (unless nothing is drawn at all)
OCR_MESSAGE = "no text layer (scanned PDF); run with --ocr"
TABLE_MIN_PATHS = 4         # drawn line / rectangle objects on a page before tables are looked for

_PAGE_NO_SURE = re.compile(
    r"^(?:(?:trang|page|tr\.)\s*(\d{1,4})(?:\s*(?:/|of|trên|\|)\s*\d{1,4})?"
    r"|[-–—]\s*(\d{1,4})\s*[-–—])$", re.I)
_PAGE_NO_BARE = re.compile(r"^(\d{1,4})(?:\s*/\s*(\d{1,4}))?$")


def read_pdf(data: bytes, ocr: bool = False) -> SourceText:
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - dependency missing
        return failed("pypdfium2 is not installed")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return failed(_open_error(exc, data))
    confidences: list[float] = []
    ocr_pages: list[int] = []
    repaired = None                   # words the OCR tone-mark repair changed
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            return failed("PDF has no pages")
        pages: list[Page] = []
        broken: list[int] = []
        for i in range(n_pages):
            try:
                pages.append(_read_page(pdf, i))
            except pdfium.PdfiumError:
                broken.append(i + 1)
                pages.append(Page([], 0.0, 0.0, 0))
        if len(broken) == n_pages:
            return failed("PDF pages cannot be read (file is damaged)")
        _read_tables(data, pages)
        if ocr:
            ocr_pages = [i for i, p in enumerate(pages)
                         if not _has_text_layer(p) and (i + 1) not in broken]
            if ocr_pages:
                from . import ocr as ocr_engine
                problem = ocr_engine.check()
                if problem:
                    return failed(problem)
                for i in ocr_pages:
                    page, confs = ocr_engine.ocr_page(pdf, i)
                    if page is None:
                        return failed(confs)
                    pages[i] = page
                    confidences.extend(confs)
                repaired = ocr_engine.repair_pages([pages[i] for i in ocr_pages])
    finally:
        pdf.close()

    remove_running_lines(pages)
    text, page_starts = assemble(pages)
    tables = _tables(text, pages, page_starts)

    text_pages = [p for p in pages if _has_text_layer(p)]
    notes = []
    if broken:
        notes.append(f"unreadable page(s) skipped: {_page_list(broken)}")
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    if ocr_pages and confidence is None:
        confidence = 0.0
    if not text_pages:
        message = OCR_MESSAGE if not ocr_pages else "no text layer, and OCR found no text"
        return SourceText(doc_id="", source_path="", format="", text=text,
                          page_starts=page_starts, status="needs_ocr", error=message,
                          ocr_confidence=confidence, ocr_repaired=repaired)
    scanned = [i + 1 for i, p in enumerate(pages) if p.scanned and not _has_text_layer(p)]
    if scanned:
        notes.append(f"page(s) {_page_list(scanned)} have no text layer (scanned); "
                     "run with --ocr to read them")
    return SourceText(doc_id="", source_path="", format="", text=text,
                      page_starts=page_starts, error=one_line("; ".join(notes)),
                      ocr_confidence=confidence, ocr_repaired=repaired, tables=tables)


def _tables(text: str, pages: list[Page], page_starts: list[int]) -> list:
    """The ruled tables put in as rows, in the table model (each on its page;
    a table that runs over pages is one table per page)."""
    raw = []
    for number, page in enumerate(pages, 1):
        for table in page.tables:
            table.page = number
            raw.append(table)
    return build_tables(text, raw, page_starts)


# ---------------------------------------------------------------- opening

def _open_error(exc, data: bytes) -> str:
    code = getattr(exc, "err_code", None)
    if code == 4:
        return "encrypted PDF (password required)"
    if code == 5:
        return "encrypted PDF (unsupported security handler)"
    if code == 2:
        return "cannot read file"
    if b"%PDF" not in data[:1024]:
        kind = sniff_kind(data)
        return f"not a valid PDF (the file is {kind})" if kind else \
            "not a valid PDF (no PDF header; not a PDF file)"
    if code == 3:
        return "not a valid PDF (file is damaged or truncated)"
    return one_line(f"not a valid PDF ({exc})")


def _page_list(numbers: list[int]) -> str:
    if len(numbers) > 8:
        return ", ".join(map(str, numbers[:8])) + f" and {len(numbers) - 8} more"
    return ", ".join(map(str, numbers))


# ---------------------------------------------------------------- one page

def _read_page(pdf, index: int) -> Page:
    import pypdfium2.raw as pdfium_c

    page = pdf[index]
    try:
        width, height = page.get_size()          # as displayed (after /Rotate)
        box_of = _box_reader(page.get_rotation(), width, height)
        textpage = page.get_textpage()
        try:
            n = textpage.count_chars()
            text = textpage.get_text_range() if n else ""
            if len(text) != n:
                # pdfium inserted/dropped chars in its text view: read char by char
                text = "".join(_char(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(n))
            boxes = _loose_boxes(textpage, n, box_of, text)
            lines = _lines(text, boxes)
            n_chars = sum(len(ln.text) - ln.text.count(" ") - ln.text.count("\t") for ln in lines)
            result = Page(lines, width, height, n_chars, rotation=page.get_rotation() % 360)
            if n_chars >= MIN_PAGE_CHARS:
                result.paths = _count_paths(page)
            if result.paths >= TABLE_MIN_PATHS and result.rotation == 0:
                try:
                    found = find_tables(page, textpage, height, boxes, text)
                except Exception:                    # a path or char pdfium cannot describe
                    found = None
                if found is None:
                    result.tables_unsure = True      # pdfplumber reads this page's tables
                else:
                    _put_tables(result, found, height)
        finally:
            textpage.close()
        if n_chars < TEXT_PAGE_CHARS:
            if page.get_rotation() % 180:        # image bounds are in unrotated page space
                width, height = height, width
            result.scanned = _image_covered(page, width, height)
        return result
    finally:
        page.close()


def _char(code: int) -> str:
    try:
        return chr(code) if code else ""
    except (ValueError, OverflowError):
        return "\ufffd"


def _loose_boxes(textpage, n: int, box_of, text: str) -> list:
    """Every char's loose box in display space, None where pdfium has none.
    When ``text`` has one char per index, spaces are skipped (their box never
    shapes a line; the table reader asks for the few it needs) and hold zeros.

    pypdfium2's ``get_charbox`` allocates a struct and goes through two Python
    layers per char (a third of the reading time on text-only pages).  Here
    pdfium writes all boxes into one array through a plain-address prototype of
    ``FPDFText_GetLooseCharBox``, and the floats are unpacked in one go."""
    import pypdfium2.raw as pdfium_c
    if n <= 0:
        return []
    rects = (pdfium_c.FS_RECTF * n)()
    base, size = ctypes.addressof(rects), ctypes.sizeof(pdfium_c.FS_RECTF)
    get = loose_box_function()
    page = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    wanted = [k for k, ch in enumerate(text) if not ch.isspace()] if len(text) == n else range(n)
    found = [get(page, k, base + k * size) for k in wanted]
    floats = memoryview(rects).cast("B").cast("f").tolist()     # left, top, right, bottom per char
    boxes: list[tuple | None] = list(zip(floats[0::4], floats[3::4], floats[2::4], floats[1::4]))
    if not all(found):
        for k, ok in zip(wanted, found):
            if not ok:
                boxes[k] = None
    if box_of is not None:
        boxes = [None if b is None else box_of(b) for b in boxes]
    return boxes


def _box_reader(rotation: int, width: float, height: float):
    """Map a char box from page space to display space (pages with /Rotate);
    None when the page is upright (no mapping needed)."""
    rotation %= 360
    if rotation == 90:       # width/height are displayed sizes; unrotated W = height
        return lambda b: (b[1], height - b[2], b[3], height - b[0])
    if rotation == 180:
        return lambda b: (width - b[2], height - b[3], width - b[0], height - b[1])
    if rotation == 270:      # unrotated H = width
        return lambda b: (width - b[3], b[0], width - b[1], b[2])
    return None


def _lines(text: str, boxes: list) -> list[Line]:
    """Cut the page text into visual lines with boxes (``boxes[i]``: the display-
    space loose box of char i, None where pdfium has none)."""
    raw: list[tuple[str, list]] = []       # (text, boxes) per pdfium line
    buf: list[str] = []
    line_boxes: list = []
    start = 0
    for m in _LINE_BREAK.finditer(text):   # the chars between breaks are handled as runs
        end = m.start()
        buf.append(text[start:end])
        line_boxes += _ink_boxes(text, boxes, start, end)
        start = m.end()
        if m.group() != "\ufffe":
            raw.append(("".join(buf), line_boxes))
            buf, line_boxes = [], []
            continue
        # pdfium's line-end hyphen marker
        buf.append("-")
        box = _box(boxes, end)
        line_boxes.append(box)
        nxt = _next_box(text, end + 1, boxes)
        if nxt is None or nxt[3] <= box[1] + 0.3 * (box[3] - box[1]):
            raw.append(("".join(buf), line_boxes))   # the text goes on on the next line
            buf, line_boxes = [], []
    buf.append(text[start:])
    line_boxes += _ink_boxes(text, boxes, start, len(text))
    raw.append(("".join(buf), line_boxes))

    lines: list[Line] = []
    for line_text, line_boxes in raw:
        if not line_text.strip():
            continue
        good = [b for b in line_boxes if b[2] >= b[0] and b[3] > b[1]]
        if not good:                         # no geometry: stack it under the previous line
            if lines:
                prev = lines[-1]
                h = prev.height
                good = [(prev.left, prev.bottom - 1.2 * h, prev.right, prev.bottom - 0.2 * h)]
            else:
                good = [(0.0, 0.0, 0.0, 1.0)]
        lefts, bottoms, rights, tops = zip(*good)
        line = Line(line_text, min(lefts), min(bottoms), max(rights), max(tops))
        if lines and _same_visual_line(lines[-1], line):
            prev = lines[-1]
            sep = "" if prev.text.endswith((" ", "\t")) or line.text.startswith((" ", "\t")) else " "
            lines[-1] = Line(prev.text + sep + line.text, min(prev.left, line.left),
                             min(prev.bottom, line.bottom), max(prev.right, line.right),
                             max(prev.top, line.top))
        else:
            lines.append(line)
    return lines


_LINE_BREAK = re.compile("\r\n|\r|\n|\ufffe")


def _ink_boxes(text: str, boxes: list, start: int, end: int) -> list:
    """Boxes of the non-space chars in text[start:end] (spaces have no useful box)."""
    found = [boxes[k] for k in range(start, end) if not text[k].isspace()]
    if None in found:
        raise _no_box()
    return found


def _box(boxes: list, k: int):
    if boxes[k] is None:
        raise _no_box()
    return boxes[k]


def _no_box():
    import pypdfium2 as pdfium
    return pdfium.PdfiumError("Failed to get charbox.")


def _next_box(text: str, start: int, boxes: list):
    for k in range(start, min(len(text), start + 8)):
        if not text[k].isspace():
            return _box(boxes, k)
    return None


def _same_visual_line(a: Line, b: Line) -> bool:
    """b continues a on the same baseline, to its right."""
    overlap = min(a.top, b.top) - max(a.bottom, b.bottom)
    if overlap < 0.6 * min(a.height, b.height):
        return False
    return b.left >= a.right - 0.5 * min(a.height, b.height)


def _image_covered(page, width: float, height: float) -> bool:
    """Does an image cover most of the page (a scan)?"""
    import pypdfium2.raw as pdfium_c
    try:
        area = width * height
        if area <= 0:
            return False
        covered = 0.0
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
            left, bottom, right, top = obj.get_bounds()
            covered = max(covered, max(0.0, min(right, width) - max(left, 0.0))
                          * max(0.0, min(top, height) - max(bottom, 0.0)))
        return covered >= 0.5 * area
    except Exception:
        return False


def _count_paths(page, limit: int = TABLE_MIN_PATHS) -> int:
    """Path objects (lines, rectangles) drawn on the page or in forms up to two
    levels down, counted up to ``limit``; 0 when pdfium cannot list them.

    Walks pdfium's object lists directly: pypdfium2's ``get_objects`` wraps
    every object (text runs included) in a Python object first."""
    import pypdfium2.raw as pdfium_c
    path, form = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    get_type = pdfium_c.FPDFPageObj_GetType
    n = 0

    def walk(count: int, get, level: int) -> bool:
        """False when pdfium fails; stops early once ``limit`` is reached."""
        nonlocal n
        if count < 0:
            return False
        for k in range(count):
            obj = get(k)
            if not obj:
                return False
            kind = get_type(obj)
            if kind == path:
                n += 1
                if n >= limit:
                    return True
            elif kind == form and level < 2:
                if not walk(pdfium_c.FPDFFormObj_CountObjects(obj),
                            lambda j, o=obj: pdfium_c.FPDFFormObj_GetObject(o, j), level + 1):
                    return False
                if n >= limit:
                    return True
        return True

    raw = page.raw
    if not walk(pdfium_c.FPDFPage_CountObjects(raw), lambda j: pdfium_c.FPDFPage_GetObject(raw, j), 0):
        return 0
    return n


# ---------------------------------------------------------------- ruled tables

def _read_tables(data: bytes, pages: list[Page]) -> None:
    """Pages whose tables ``pdf_tables`` could not vouch for: ask pdfplumber
    (it maps such fonts to "(cid:N)", which keeps pdfium's lines)."""
    wanted = [i for i, p in enumerate(pages) if p.tables_unsure]
    if not wanted:
        return
    try:
        import io

        import pdfplumber
    except ImportError:  # pragma: no cover - dependency missing
        return
    try:
        with pdfplumber.open(io.BytesIO(data)) as doc:
            for i in wanted:
                try:
                    pl_page = doc.pages[i]
                    found = [Table(tuple(map(float, t.bbox)),
                                   [(tuple(map(float, cells.bbox)), texts)
                                    for cells, texts in zip(t.rows, t.extract())])
                             for t in pl_page.find_tables()]
                    _put_tables(pages[i], found, float(pl_page.height))
                except Exception:
                    continue          # a table pdfplumber cannot read: keep pdfium's lines
    except Exception:
        return


def _put_tables(page: Page, found: list, height: float) -> None:
    """Replace the lines inside ruled tables by one line per row (cells " | ").

    ``found``: tables with boxes as (x0, top, x1, bottom), top measured down from
    the top of the page (as pdfplumber and ``pdf_tables`` give them)."""
    for table in found:
        rows = [texts for _, texts in table.rows]
        if len(rows) < 2 or max((sum(1 for c in r if c and c.strip()) for r in rows), default=0) < 2:
            continue
        text_rows = []
        raw_rows = []
        for row_box, row in table.rows:
            values = [(c or "").strip() for c in row if c is not None]
            if not any(v.strip() for v in values):
                continue
            if any("(cid:" in v for v in values):
                return                 # pdfminer cannot map this font: pdfium's text is better
            cells = ["\n".join(ln.strip() for ln in v.split("\n") if ln.strip()) for v in values]
            text = " | ".join(cells)
            x0, top, x1, bottom = row_box
            text_rows.append(Line(text, x0, height - bottom, x1, height - top, block=True))
            raw_rows.append(_raw_row(row, cells))
        if not text_rows:
            continue
        x0, top, x1, bottom = table.bbox
        box = (x0, height - bottom, x1, height - top)
        kept = [ln for ln in page.lines if ln.block or not _centre_inside(ln, box)]
        if len(kept) == len(page.lines):
            continue                   # the text layer has nothing there
        # the rows go where the table's first line was, in reading order
        first = next(k for k, ln in enumerate(page.lines) if not ln.block and _centre_inside(ln, box))
        before = sum(1 for ln in page.lines[:first] if ln.block or not _centre_inside(ln, box))
        page.lines = kept[:before] + text_rows + kept[before:]
        page.tables.append(RawTable(raw_rows))


def _raw_row(row: list, cells: list[str]) -> list[RawCell]:
    """The row's cells on the table's grid: a cell spans the columns up to the
    next cell (a merged cell leaves None in the places it covers)."""
    columns = [j for j, c in enumerate(row) if c is not None]
    ends = columns[1:] + [len(row)]
    return [RawCell(text=t, col=j, col_span=e - j) for t, j, e in zip(cells, columns, ends)]


def _centre_inside(ln: Line, box: tuple) -> bool:
    """Whether the line's centre is within ``box`` (left, bottom, right, top,
    measured up from the bottom of the page), give or take a point."""
    left, bottom, right, top = box
    cx = (ln.left + ln.right) / 2
    cy = (ln.bottom + ln.top) / 2
    return left - 1 <= cx <= right + 1 and bottom - 1 <= cy <= top + 1


def _has_text_layer(page: Page) -> bool:
    if page.n_chars >= TEXT_PAGE_CHARS:
        return True
    return page.n_chars >= MIN_PAGE_CHARS and not page.scanned


# ---------------------------------------------------------------- running heads

def _page_number(text: str):
    """(value, sure) when the line is a page number, else None."""
    s = " ".join(text.split())
    m = _PAGE_NO_SURE.match(s)
    if m:
        return int(m.group(1) or m.group(2)), True
    m = _PAGE_NO_BARE.match(s)
    if m:
        value = int(m.group(1))
        if m.group(2) is not None and value > int(m.group(2)):
            return None                     # "12/3" is not page 12 of 3
        return value, False
    return None


def _edge_lines(page: Page) -> list[int]:
    """Indexes of the (up to) two top-most and two bottom-most lines lying in the
    top / bottom band of the page (table rows are never running heads)."""
    if not page.lines or page.height <= 0:
        return []
    order = sorted((k for k in range(len(page.lines)) if not page.lines[k].block),
                   key=lambda k: -page.lines[k].top)
    top_limit = page.height * (1 - BAND)
    bottom_limit = page.height * BAND
    picked = [k for k in order[:2] if page.lines[k].bottom >= top_limit]
    picked += [k for k in order[-2:] if page.lines[k].top <= bottom_limit and k not in picked]
    return picked


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def remove_running_lines(pages: list[Page]) -> None:
    n_pages = len(pages)
    edges = [_edge_lines(p) for p in pages]
    drop: list[set] = [set() for _ in pages]

    # page numbers: sure forms always; bare numbers when they follow the page order
    bare = []
    offsets: Counter = Counter()
    for i, page in enumerate(pages):
        for k in edges[i]:
            found = _page_number(page.lines[k].text)
            if not found:
                continue
            value, sure = found
            if sure:
                drop[i].add(k)
            else:
                bare.append((i, k, value))
                offsets[value - (i + 1)] += 1
    if bare:
        # the number of the physical page is taken as is; a shifted numbering
        # (an extract starting at page 5) needs two pages that agree
        offset, support = offsets.most_common(1)[0]
        accepted = {0} | ({offset} if support >= 2 else set())
        for i, k, value in bare:
            if value - (i + 1) in accepted:
                drop[i].add(k)

    # lines repeated at the top or bottom of most pages
    if n_pages >= 3:
        seen: Counter = Counter()
        for i, page in enumerate(pages):
            for key in {_key(page.lines[k].text) for k in edges[i]}:
                seen[key] += 1
        need = max(2, math.ceil(n_pages / 2))
        repeated = {key for key, c in seen.items() if c >= need}
        for i, page in enumerate(pages):
            for k in edges[i]:
                if _key(page.lines[k].text) in repeated:
                    drop[i].add(k)

    for i, page in enumerate(pages):
        if drop[i]:
            page.lines = [ln for k, ln in enumerate(page.lines) if k not in drop[i]]


# ---------------------------------------------------------------- paragraphs

def _stacked_pitch(a: Line, b: Line):
    """Baseline distance when b sits below a in the same column, else None."""
    h = min(a.height, b.height)
    if b.top > a.bottom + 0.35 * h:         # b is not below a: a new column or cell
        return None
    if b.right < a.left or b.left > a.right:  # no horizontal overlap: another column
        return None
    pitch = a.bottom - b.bottom
    return pitch if pitch > 0 else None


def _usual(values: list[float], window: float = 0.75):
    """The value with the most others within ``window`` of it (smallest on ties)."""
    if not values:
        return None
    values = sorted(values)
    best, best_count = values[0], 0
    for v in values:
        count = bisect.bisect_right(values, v + window) - bisect.bisect_left(values, v - window)
        if count > best_count:
            best, best_count = v, count
    return best


@dataclass
class Layout:
    """What is normal on a page: line pitch and the body's left / right edges."""
    pitch: float | None
    left: float | None
    right: float | None


def _percentile(values: list[float], q: float):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def assemble(pages: list[Page]) -> tuple[str, list[int]]:
    pitches_per_page = []
    for page in pages:
        pitches = []
        for a, b in zip(page.lines, page.lines[1:]):
            if a.block or b.block:
                continue
            p = _stacked_pitch(a, b)
            if p is not None:
                pitches.append(p)
        pitches_per_page.append(pitches)
    all_lines = [ln for page in pages for ln in page.lines if not ln.block]
    doc = Layout(_usual([p for ps in pitches_per_page for p in ps]),
                 _usual([ln.left for ln in all_lines], 2.0),
                 _percentile([ln.right for ln in all_lines], 0.9))

    out: list[str] = []
    page_starts: list[int] = []
    length = 0
    for page, pitches in zip(pages, pitches_per_page):
        layout = doc
        if len(page.lines) >= 8:
            body = [ln for ln in page.lines if not ln.block] or page.lines
            layout = Layout(_usual(pitches) if len(pitches) >= 6 else doc.pitch,
                            _usual([ln.left for ln in body], 2.0),
                            _percentile([ln.right for ln in body], 0.9))
        page_text = _page_text(page.lines, layout)
        if page_text and out:
            out.append("\n\n")
            length += 2
        page_starts.append(length)
        if page_text:
            out.append(page_text)
            length += len(page_text)
    return "".join(out), page_starts


def _page_text(lines: list[Line], layout: Layout) -> str:
    parts: list[str] = []
    for idx, line in enumerate(lines):
        if idx:
            parts.append("\n\n" if _paragraph_break(lines[idx - 1], line, layout) else "\n")
        parts.append(line.text)
    return "".join(parts)


def _paragraph_break(a: Line, b: Line, layout: Layout) -> bool:
    if a.block or b.block:
        return True
    if a.para >= 0 and b.para >= 0:        # OCR: Tesseract's paragraphs
        return a.para != b.para
    pitch = _stacked_pitch(a, b)
    if pitch is None:
        return True
    h = min(a.height, b.height)
    if layout.pitch is None:
        if pitch > 1.6 * max(a.height, b.height):
            return True
    elif pitch - layout.pitch > max(2.0, 0.2 * h):
        return True
    # no extra space: a first-line indent after a line that ended short and that
    # started at the left edge or at the same indent (not a centred block)
    if layout.left is not None and layout.right is not None:
        indent = b.left - layout.left
        if max(8.0, 0.6 * h) <= indent <= 6 * h and a.right < layout.right - 1.5 * h \
                and (abs(a.left - layout.left) <= 0.3 * h or abs(a.left - b.left) <= 2.0):
            return True
    return False
