"""PDF: text layer via pypdfium2, with line geometry for paragraphs.

Per page, pdfium's text (content-stream order, lines separated by CRLF) is cut
into lines; each line gets a box from pdfium's loose character boxes (font
ascent/descent, so every line of one font size has the same height).

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
* Ruled tables: on a page with at least ``TABLE_MIN_PATHS`` line / rectangle
  objects, pdfplumber looks for tables drawn with lines; a table of 2+ rows and
  2+ columns replaces the pdfium lines inside it, one paragraph per row with the
  cells joined by " | " (a cell's own lines joined by "\\n"), as in DOCX.  Pages
  with fewer drawn objects never reach pdfplumber (it is much slower).
* Pages are joined with "\\n\\n"; ``page_starts`` holds each page's offset.
* A document with no page carrying a text layer is ``needs_ocr``.  With
  ``ocr=True`` the pages without a text layer are rendered at ``OCR_DPI`` and read
  by Tesseract (``tesseract - - -l vie tsv``); its lines get boxes from the word
  boxes, so running heads and paragraphs are found as for a text layer, and the
  mean word confidence (0-100) goes to ``ocr_confidence``.  Without Tesseract or
  its Vietnamese data the result is an error naming them and ``make ocr-deps``.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass

from ..models import SourceText
from .common import failed, one_line, sniff_kind

BAND = 0.12                 # top / bottom share of the page height where running heads live
TEXT_PAGE_CHARS = 200       # this many non-space chars: the page has a text layer
MIN_PAGE_CHARS = 40         # fewer: no text layer (unless nothing is drawn at all)
OCR_MESSAGE = "no text layer (scanned PDF); run with --ocr"
TABLE_MIN_PATHS = 4         # drawn line / rectangle objects on a page before pdfplumber looks for tables

_PAGE_NO_SURE = re.compile(
    r"^(?:(?:trang|page|tr\.)\s*(\d{1,4})(?:\s*(?:/|of|trên|\|)\s*\d{1,4})?"
    r"|[-–—]\s*(\d{1,4})\s*[-–—])$", re.I)
_PAGE_NO_BARE = re.compile(r"^(\d{1,4})(?:\s*/\s*(\d{1,4}))?$")


@dataclass
class Line:
    text: str
    left: float
    bottom: float
    right: float
    top: float

    block: bool = False  # a paragraph of its own (a table row)
    para: int = -1       # OCR: Tesseract's paragraph number (-1: from the text layer)

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass
class Page:
    lines: list          # list[Line]
    width: float
    height: float
    n_chars: int         # non-whitespace characters in the text layer
    scanned: bool = False
    paths: int = 0       # drawn path objects (lines, rectangles): a ruled table?
    rotation: int = 0


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
    finally:
        pdf.close()

    remove_running_lines(pages)
    text, page_starts = assemble(pages)

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
                          ocr_confidence=confidence)
    scanned = [i + 1 for i, p in enumerate(pages) if p.scanned and not _has_text_layer(p)]
    if scanned:
        notes.append(f"page(s) {_page_list(scanned)} have no text layer (scanned); "
                     "run with --ocr to read them")
    return SourceText(doc_id="", source_path="", format="", text=text,
                      page_starts=page_starts, error=one_line("; ".join(notes)),
                      ocr_confidence=confidence)


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
            lines = _lines(text, lambda k: box_of(textpage.get_charbox(k, loose=True)))
        finally:
            textpage.close()
        n_chars = sum(len(ln.text) - ln.text.count(" ") - ln.text.count("\t") for ln in lines)
        result = Page(lines, width, height, n_chars, rotation=page.get_rotation() % 360)
        if n_chars >= MIN_PAGE_CHARS:
            result.paths = _count_paths(page)
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


def _box_reader(rotation: int, width: float, height: float):
    """Map a char box from page space to display space (pages with /Rotate)."""
    rotation %= 360
    if rotation == 90:       # width/height are displayed sizes; unrotated W = height
        return lambda b: (b[1], height - b[2], b[3], height - b[0])
    if rotation == 180:
        return lambda b: (width - b[2], height - b[3], width - b[0], height - b[1])
    if rotation == 270:      # unrotated H = width
        return lambda b: (width - b[3], b[0], width - b[1], b[2])
    return lambda b: b


def _lines(text: str, charbox) -> list[Line]:
    """Cut the page text into visual lines with boxes (``charbox(i)``: the display-
    space loose box of char i)."""
    raw: list[tuple[str, list]] = []       # (text, boxes) per pdfium line
    buf: list[str] = []
    boxes: list = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\r" or ch == "\n":
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            raw.append(("".join(buf), boxes))
            buf, boxes = [], []
        elif ch == "\ufffe":                 # pdfium's line-end hyphen marker
            buf.append("-")
            box = charbox(i)
            boxes.append(box)
            nxt = _next_box(text, i + 1, charbox)
            if nxt is None or nxt[3] <= box[1] + 0.3 * (box[3] - box[1]):
                raw.append(("".join(buf), boxes))   # the text goes on on the next line
                buf, boxes = [], []
        else:
            buf.append(ch)
            if not ch.isspace():
                boxes.append(charbox(i))
        i += 1
    raw.append(("".join(buf), boxes))

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
        line = Line(line_text, min(b[0] for b in good), min(b[1] for b in good),
                    max(b[2] for b in good), max(b[3] for b in good))
        if lines and _same_visual_line(lines[-1], line):
            prev = lines[-1]
            sep = "" if prev.text.endswith((" ", "\t")) or line.text.startswith((" ", "\t")) else " "
            lines[-1] = Line(prev.text + sep + line.text, min(prev.left, line.left),
                             min(prev.bottom, line.bottom), max(prev.right, line.right),
                             max(prev.top, line.top))
        else:
            lines.append(line)
    return lines


def _next_box(text: str, start: int, charbox):
    for k in range(start, min(len(text), start + 8)):
        if not text[k].isspace():
            return charbox(k)
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
    """Path objects (lines, rectangles) drawn on the page, counted up to ``limit``."""
    import pypdfium2.raw as pdfium_c
    n = 0
    try:
        for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
            n += 1
            if n >= limit:
                break
    except Exception:
        return 0
    return n


# ---------------------------------------------------------------- ruled tables

def _read_tables(data: bytes, pages: list[Page]) -> None:
    """Replace the lines inside ruled tables by one line per row (cells " | ")."""
    wanted = [i for i, p in enumerate(pages) if p.paths >= TABLE_MIN_PATHS and p.rotation == 0]
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
                    _page_tables(doc.pages[i], pages[i])
                except Exception:
                    continue          # a table pdfplumber cannot read: keep pdfium's lines
    except Exception:
        return


def _page_tables(pl_page, page: Page) -> None:
    found = pl_page.find_tables()
    if not found:
        return
    # pdfplumber: x as in PDF space, top = page height - y (pdfium boxes: PDF space)
    mx0, my1 = 0.0, float(pl_page.height)
    for table in found:
        rows = table.extract()
        cells = table.rows
        if len(rows) < 2 or max((sum(1 for c in r if c and c.strip()) for r in rows), default=0) < 2:
            continue
        text_rows = []
        for row, row_cells in zip(rows, cells):
            values = [(c or "").strip() for c in row if c is not None]
            if not any(v.strip() for v in values):
                continue
            if any("(cid:" in v for v in values):
                return                 # pdfminer cannot map this font: pdfium's text is better
            text = " | ".join("\n".join(ln.strip() for ln in v.split("\n") if ln.strip())
                              for v in values)
            x0, top, x1, bottom = row_cells.bbox
            text_rows.append(Line(text, mx0 + float(x0), my1 - float(bottom), mx0 + float(x1),
                                  my1 - float(top), block=True))
        if not text_rows:
            continue
        x0, top, x1, bottom = table.bbox
        t_left, t_bottom, t_right, t_top = (mx0 + float(x0), my1 - float(bottom),
                                            mx0 + float(x1), my1 - float(top))

        def inside(ln: Line) -> bool:
            cx = (ln.left + ln.right) / 2
            cy = (ln.bottom + ln.top) / 2
            return t_left - 1 <= cx <= t_right + 1 and t_bottom - 1 <= cy <= t_top + 1

        kept = [ln for ln in page.lines if ln.block or not inside(ln)]
        if len(kept) == len(page.lines):
            continue                   # the text layer has nothing there
        # the rows go where the table's first line was, in reading order
        first = next(k for k, ln in enumerate(page.lines) if not ln.block and inside(ln))
        before = sum(1 for ln in page.lines[:first] if ln.block or not inside(ln))
        page.lines = kept[:before] + text_rows + kept[before:]


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
