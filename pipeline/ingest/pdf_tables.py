"""Ruled tables on a PDF page, found from pdfium's path objects and char boxes.

The reader used to hand pages with drawn lines to pdfplumber, whose content-
stream interpreter (pdfminer, pure Python) cost ~0.1 s a page.  This module
finds the same tables from what pdfium has already parsed, following the rules
of pdfplumber's default ``find_tables()`` / ``Table.extract()`` (the "lines"
strategy), so that the rows and their text come out as before:

* Edges: every painted path is cut into subpaths; a two-point subpath is one
  rule (horizontal when both ends share y, else treated as vertical), any other
  subpath gives one edge per horizontal / vertical segment (a closing ``h``
  segment included).  Edges shorter than 1 pt are dropped.
* Edges within 3 pt of each other (x of vertical ones, y of horizontal ones)
  are snapped to their mean; collinear edges less than 3 pt apart are joined;
  edges shorter than 3 pt are dropped.
* Intersections: a vertical and a horizontal edge cross (3 pt tolerance) at
  (x of the vertical, y of the horizontal).  A cell is the smallest rectangle
  of four intersections whose sides lie on edges; cells sharing a corner form
  a table; a table needs 2+ cells.
* Rows: cells grouped by their top; a cell's text is the chars whose centre
  lies in it, cut into lines (tops within 3 pt) and words (a gap over 3 pt, a
  space, or a step back to the left), words joined by " ", lines by "\\n".

Coordinates here are pdfplumber's: x from the left, ``top`` / ``bottom``
measured down from the top of the page.  A page this module cannot vouch for
(a char whose font has no Unicode map, rotated text in a table, or a path it
cannot read) returns ``None``, and the caller asks pdfplumber instead.
"""
from __future__ import annotations

import bisect
import ctypes
import itertools
from dataclasses import dataclass

SNAP = 3.0              # pt: edges this close are snapped onto one line
JOIN = 3.0              # pt: collinear edges with a gap this small are one edge
EDGE_MIN = 3.0          # pt: shorter edges (after joining) are not rules
EDGE_MIN_RAW = 1.0      # pt: shorter path segments are ignored from the start
CROSS = 3.0             # pt: how far an edge may stop short of a crossing
TEXT_X = 3.0            # pt: a wider gap between chars starts a new word
TEXT_Y = 3.0            # pt: chars whose tops are this close share a line
MAX_DEPTH = 16          # nested form XObjects followed (pdfminer follows all)


@dataclass(slots=True)
class Edge:
    x0: float
    top: float
    x1: float
    bottom: float
    vertical: bool

    @property
    def length(self) -> float:
        return self.bottom - self.top if self.vertical else self.x1 - self.x0

    def box(self) -> tuple:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    doubt: str = ""     # why pdfminer may read this char otherwise (only matters in a table)
    index: int = 0      # in the page's char list (pdfminer's order: the content stream's)


def loose_box_function():
    """FPDFText_GetLooseCharBox(text page, index, FS_RECTF*) taking plain ints:
    with pypdfium2's typed prototype each call converts its arguments first,
    which costs more than pdfium's work for one box."""
    return _plain("FPDFText_GetLooseCharBox", ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)


_PLAIN: dict = {}


def _plain(name: str, restype, *argtypes):
    """pdfium function ``name`` with a prototype of plain ints / addresses."""
    if name not in _PLAIN:
        import pypdfium2.raw as pdfium_c
        address = ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value
        assert address is not None, name             # (a function pdfium exports)
        _PLAIN[name] = ctypes.CFUNCTYPE(restype, *argtypes)(address)
    return _PLAIN[name]


class Unsure(Exception):
    """The page holds something this module does not read as pdfplumber would."""


@dataclass
class Table:
    bbox: tuple                  # (x0, top, x1, bottom)
    rows: list                   # list[(row bbox, list[str | None] cell texts)]


def find_tables(page, textpage, height: float, boxes: list, text: str | None = None):
    """The ruled tables of an unrotated page, top to bottom; None when unsure.

    ``boxes``: pdfium's loose box of each char (left, bottom, right, top in PDF
    space, None where there is none), already read for the page's lines;
    ``text``: pdfium's text of the page.  When it has one char per box, the
    boxes of its spaces were not read (zeros) and are asked for here."""
    try:
        edges = _merged_edges(_page_edges(page, height))
        tables = [cells for cells in _group_cells(_cells(_intersections(edges))) if len(cells) > 1]
        if not tables:
            return []
        tables.sort(key=lambda cells: min((c[1], c[0]) for c in cells))
        areas = [_bbox(cells) for cells in tables]
        chars = _chars(textpage, height, boxes, areas, text if text is not None and len(text) == len(boxes) else None)
        return [_read_table(cells, area, chars) for cells, area in zip(tables, areas)]
    except Unsure:
        return None


def _bbox(boxes: list[tuple]) -> tuple:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


# ---------------------------------------------------------------- edges from paths

def _page_edges(page, height: float) -> list[Edge]:
    import pypdfium2.raw as pdfium_c
    c_int, c_void_p = ctypes.c_int, ctypes.c_void_p
    get_type = _plain("FPDFPageObj_GetType", c_int, c_void_p)
    count_in_form = _plain("FPDFFormObj_CountObjects", c_int, c_void_p)
    get_in_form = _plain("FPDFFormObj_GetObject", c_void_p, c_void_p, ctypes.c_ulong)
    get_on_page = _plain("FPDFPage_GetObject", c_void_p, c_void_p, c_int)
    count_on_page = _plain("FPDFPage_CountObjects", c_int, c_void_p)
    edges: list[Edge] = []

    def walk(count, get, matrix, depth):
        if count < 0:
            raise Unsure("object list")
        for k in range(count):
            obj = get(k)
            if not obj:
                raise Unsure("page object")
            kind = get_type(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                _path_edges(obj, _times(_matrix(obj), matrix), height, edges)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_DEPTH:
                walk(count_in_form(obj), lambda j, o=obj: get_in_form(o, j),
                     _times(_matrix(obj), matrix), depth + 1)

    raw = ctypes.cast(page.raw, c_void_p).value
    walk(count_on_page(raw), lambda j: get_on_page(raw, j), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0)
    return [e for e in edges if e.length >= EDGE_MIN_RAW]


def _matrix(obj: int) -> tuple:
    import pypdfium2.raw as pdfium_c
    m = pdfium_c.FS_MATRIX()
    if not _plain("FPDFPageObj_GetMatrix", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(obj, ctypes.addressof(m)):
        raise Unsure("object matrix")
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _times(m: tuple, n: tuple) -> tuple:
    """m then n (PDF row-vector convention: a point is p·m·n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _path_edges(obj: int, matrix: tuple, height: float, out: list[Edge]) -> None:
    """Edges of one path object, subpath by subpath, as pdfminer sees them."""
    import pypdfium2.raw as pdfium_c
    c_int, c_void_p = ctypes.c_int, ctypes.c_void_p
    count = _plain("FPDFPath_CountSegments", c_int, c_void_p)
    segment = _plain("FPDFPath_GetPathSegment", c_void_p, c_void_p, c_int)
    get_point = _plain("FPDFPathSegment_GetPoint", c_int, c_void_p, c_void_p, c_void_p)
    get_type = _plain("FPDFPathSegment_GetType", c_int, c_void_p)
    get_close = _plain("FPDFPathSegment_GetClose", c_int, c_void_p)
    move, curve = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
    subpaths: list[list] = []          # per subpath: ops "m" / "l" / "c" / "h" with points
    bezier = 0
    n = count(obj)
    if n < 0:
        raise Unsure("path")
    for k in range(n):
        seg = segment(obj, k)
        if not seg or not get_point(seg, x_at, y_at):
            raise Unsure("path point")
        kind = get_type(seg)
        px, py = x.value, y.value
        point = (a * px + c * py + e, height - (b * px + d * py + f))
        if kind == move:
            subpaths.append([("m", point)])
            bezier = 0
        elif not subpaths:
            raise Unsure("path without a start")
        elif kind == curve:
            bezier += 1                # pdfium gives both control points and the end
            if bezier % 3 == 0:
                subpaths[-1].append(("c", point))
        else:
            subpaths[-1].append(("l", point))
        if kind != move and get_close(seg):
            subpaths[-1].append(("h", subpaths[-1][0][1]))
    for ops in subpaths:
        _subpath_edges(ops, out)


def _subpath_edges(ops: list, out: list[Edge]) -> None:
    if len(ops) < 2:
        return                          # a lone move paints nothing
    shape = "".join(op for op, _ in ops)
    points = [p for _, p in ops]
    if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
        shape = shape[:-2] + "h"        # a closing line back to the start, then h: one segment
        del points[-2]
    if shape in ("ml", "mlh"):          # a single rule: horizontal or (even if slanted) vertical
        (ax, ay), (bx, by) = points[0], points[1]
        out.append(Edge(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), ay != by))
        return
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        if ax == bx:
            out.append(Edge(ax, min(ay, by), bx, max(ay, by), True))
        elif ay == by:
            out.append(Edge(min(ax, bx), ay, max(ax, bx), by, False))


def _clusters(values: list[float], tolerance: float) -> dict:
    """Distinct values chained into clusters (each within ``tolerance`` of the
    previous one): value -> cluster number."""
    number: dict = {}
    last = None
    n = -1
    for v in sorted(set(values)):
        if last is None or v > last + tolerance:
            n += 1
        number[v] = n
        last = v
    return number


def _snap(edges: list[Edge], vertical: bool) -> list[Edge]:
    """Edges whose x (vertical) / top (horizontal) are close moved to the mean."""
    pos = (lambda e: e.x0) if vertical else (lambda e: e.top)
    number = _clusters([pos(e) for e in edges], SNAP)
    groups: dict = {}
    for e in edges:
        groups.setdefault(number[pos(e)], []).append(e)
    snapped = []
    for n in sorted(groups):
        group = groups[n]
        mean = sum(pos(e) for e in group) / len(group)
        for e in group:
            shift = mean - pos(e)
            if vertical:
                snapped.append(Edge(e.x0 + shift, e.top, e.x1 + shift, e.bottom, True))
            else:
                snapped.append(Edge(e.x0, e.top + shift, e.x1, e.bottom + shift, False))
    return snapped


def _join(line: list[Edge], vertical: bool) -> list[Edge]:
    """Collinear edges that overlap or nearly touch become one."""
    start = (lambda e: e.top) if vertical else (lambda e: e.x0)
    end = (lambda e: e.bottom) if vertical else (lambda e: e.x1)
    line = sorted(line, key=start)
    joined = [line[0]]
    for e in line[1:]:
        last = joined[-1]
        if start(e) <= end(last) + JOIN:
            if end(e) > end(last):
                joined[-1] = (Edge(last.x0, last.top, last.x1, e.bottom, True) if vertical
                              else Edge(last.x0, last.top, e.x1, last.bottom, False))
        else:
            joined.append(e)
    return joined


def _merged_edges(edges: list[Edge]) -> list[Edge]:
    vertical = _snap([e for e in edges if e.vertical], True)
    horizontal = _snap([e for e in edges if not e.vertical], False)
    merged: list[Edge] = []
    for group, is_vertical, pos in ((horizontal, False, lambda e: e.top), (vertical, True, lambda e: e.x0)):
        lines: dict = {}
        for e in group:
            lines.setdefault(pos(e), []).append(e)
        for key in sorted(lines):
            merged.extend(_join(lines[key], is_vertical))
    return [e for e in merged if e.length >= EDGE_MIN]


# ---------------------------------------------------------------- cells and tables

def _intersections(edges: list[Edge]) -> dict:
    """(x, top) -> (boxes of the vertical edges, boxes of the horizontal edges) through it."""
    vertical = sorted((e for e in edges if e.vertical), key=lambda e: (e.x0, e.top))
    horizontal = sorted((e for e in edges if not e.vertical), key=lambda e: (e.top, e.x0))
    points: dict = {}
    for v in vertical:
        for h in horizontal:
            if v.top <= h.top + CROSS and v.bottom >= h.top - CROSS \
                    and h.x0 - CROSS <= v.x0 <= h.x1 + CROSS:
                through = points.setdefault((v.x0, h.top), (set(), set()))
                through[0].add(v.box())
                through[1].add(h.box())
    return points


def _cells(points: dict) -> list[tuple]:
    """For each intersection (left to right, top to bottom), the smallest cell
    with it as the top-left corner: (x0, top, x1, bottom)."""
    ordered = sorted(points)
    column: dict = {}                   # x -> intersections on it, top to bottom
    row: dict = {}                      # top -> intersections on it, left to right
    for k, pt in enumerate(ordered):
        column.setdefault(pt[0], []).append(k)
        row.setdefault(pt[1], []).append(k)

    def joined_vertically(p, q) -> bool:
        return bool(points[p][0] & points[q][0])

    def joined_horizontally(p, q) -> bool:
        return bool(points[p][1] & points[q][1])

    cells = []
    for k, pt in enumerate(ordered):
        below = [ordered[j] for j in column[pt[0]] if j > k]
        right = [ordered[j] for j in row[pt[1]] if j > k]
        cell = None
        for b in below:
            if not joined_vertically(pt, b):
                continue
            for r in right:
                if not joined_horizontally(pt, r):
                    continue
                corner = (r[0], b[1])
                if corner in points and joined_vertically(corner, r) and joined_horizontally(corner, b):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


def _corners(cell: tuple) -> tuple:
    x0, top, x1, bottom = cell
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))


def _group_cells(cells: list[tuple]) -> list[list[tuple]]:
    """Cells that touch at a corner, directly or through others, form one table
    (grown in passes over the cells in order, as pdfplumber does)."""
    remaining = list(cells)
    tables = []
    current: list = []
    corners: set = set()
    while remaining:
        before = len(current)
        for cell in list(remaining):
            own = _corners(cell)
            if not current or any(c in corners for c in own):
                corners.update(own)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(current)
            current, corners = [], set()
    if current:
        tables.append(current)
    return tables


# ---------------------------------------------------------------- text in cells

def _chars(textpage, height: float, boxes: list, areas: list[tuple], text: str | None) -> list[Char]:
    """The chars that may lie in a table, as pdfminer would list them: no
    generated spaces or line breaks, boxes from the baseline's descent up one
    font size, x from the origin over the advance width.

    Only chars whose loose box comes near a table are looked at closely (a few
    more pdfium calls each; font, size and angle once per text object); the
    margins are wide enough for any char whose centre can fall inside.
    ``text``: pdfium's text of the page when it has one char per index (saves
    asking for each char's code)."""
    import pypdfium2.raw as pdfium_c
    x_lo = min(a[0] for a in areas)
    top_lo = min(a[1] for a in areas)
    bottom_hi = max(a[3] for a in areas)
    width = ctypes.c_float()
    runs: dict = {}                     # text object -> (font, font size, upright?): shared by its chars
    advances: dict = {}                 # (font, code, size) -> advance width
    chars = []
    page = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    text_object = _plain("FPDFText_GetTextObject", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
    map_error = _plain("FPDFText_HasUnicodeMapError", ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
    generated = _plain("FPDFText_IsGenerated", ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
    get_box = loose_box_function()
    rect = pdfium_c.FS_RECTF()
    for i, box in enumerate(boxes):
        if text is not None and text[i].isspace():
            # the page's lines needed no box for a space; a cell does (it splits words)
            if not get_box(page, i, ctypes.addressof(rect)):
                raise Unsure("char box")
            box = (rect.left, rect.bottom, rect.right, rect.top)
        if box is None:
            raise Unsure("char box")
        left, low, right, high = box
        bottom = height - low           # pdfplumber's "bottom": down from the top of the page
        if bottom < top_lo:
            continue                    # above every table (the common case: a quick test first)
        reach = 2 * (high - low) + 20   # the centre sits at most half a font size above bottom
        if right + reach < x_lo or bottom >= bottom_hi + reach or not any(
                bottom >= a_top and bottom < a_bottom + reach and left < a_x1 and right + reach >= a_x0
                for a_x0, a_top, a_x1, a_bottom in areas):
            continue
        code = ord(text[i]) if text is not None else pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code in _SPACES and generated(page, i) == 1:
            continue                    # pdfium's own word gap or line break: not in the content
        key = text_object(page, i)
        run = runs.get(key)
        if run is None:
            font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(textpage, i))
            run = runs[key] = (font, pdfium_c.FPDFText_GetFontSize(textpage, i),
                               abs(pdfium_c.FPDFText_GetCharAngle(textpage, i)) <= 1e-6)
        font, size, upright = run
        doubt = ""
        if map_error(page, i) == 1:
            doubt = "a font without a Unicode map"     # pdfminer writes "(cid:N)"
        elif not upright:
            doubt = "rotated text"                      # pdfplumber reads it in another direction
        if code == 0xFFFE:              # pdfium's mark on a line-end hyphen: the hyphen itself
            code = 0x2D
        if size > reach:
            raise Unsure("a font size beyond the margins")
        # pdfminer's box ends at the advance; pdfium's loose box at the glyph's ink
        # (an accent or a horn can reach past the advance and close a word gap)
        glyph = (key, code)
        advance = advances.get(glyph)
        if advance is None:
            ok = font and pdfium_c.FPDFFont_GetGlyphWidth(font, code, size, width)
            advance = advances[glyph] = width.value if ok else None
        x1 = left + advance if advance is not None else right
        if advance is not None and advance > right - left + reach:
            raise Unsure("an advance beyond the margins")
        chars.append(Char(chr(code) if code else "", left, bottom - size, x1, bottom, doubt, i))
    chars.sort(key=_v_mid)
    return chars


_SPACES = {0x20, 0x0D, 0x0A}          # the chars pdfium generates (between words, at line ends)


def _v_mid(ch: Char) -> float:
    return (ch.top + ch.bottom) / 2


def _center_in(ch: Char, box: tuple) -> bool:
    x0, top, x1, bottom = box
    h_mid = (ch.x0 + ch.x1) / 2
    v_mid = (ch.top + ch.bottom) / 2
    return x0 <= h_mid < x1 and top <= v_mid < bottom


def _read_table(cells: list[tuple], bbox: tuple, chars: list[Char]) -> Table:
    """Rows of cell texts; ``chars`` sorted by their vertical centre."""
    xs = sorted({c[0] for c in cells})
    by_top: dict = {}
    for cell in sorted(cells, key=lambda c: (c[1], c[0])):
        by_top.setdefault(cell[1], {})[cell[0]] = cell
    mids = [_v_mid(ch) for ch in chars]
    rows = []
    for top in sorted(by_top):
        row_cells = [by_top[top].get(x) for x in xs]
        row_box = _bbox([c for c in row_cells if c is not None])
        # the chars whose centre is in the row's band, in page order
        band = chars[bisect.bisect_left(mids, row_box[1]):bisect.bisect_left(mids, row_box[3])]
        row_chars = [ch for ch in sorted(band, key=lambda ch: ch.index) if _center_in(ch, row_box)]
        texts: list[str | None] = []
        for cell in row_cells:
            if cell is None:
                texts.append(None)
            else:
                texts.append(_text([ch for ch in row_chars if _center_in(ch, cell)]))
        rows.append((row_box, texts))
    return Table(bbox, rows)


def _by_line(items: list, top) -> list[list]:
    """Items grouped into lines by their top (chained within TEXT_Y), top to bottom,
    each line keeping the items' order."""
    number = _clusters([top(it) for it in items], TEXT_Y)
    lines: dict = {}
    for it in items:
        lines.setdefault(number[top(it)], []).append(it)
    return [lines[k] for k in sorted(lines)]


LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def _text(chars: list[Char]) -> str:
    """A cell's text: words in lines, "\\n" between lines."""
    for ch in chars:
        if ch.doubt:
            raise Unsure(ch.doubt)
    words = []                          # (text, top)
    for line in _by_line(chars, lambda ch: ch.top):
        line = sorted(line, key=lambda ch: ch.x0)
        word: list[Char] = []
        for ch in line:
            if ch.text.isspace():
                starts, keep = True, False
            elif word:
                prev = word[-1]
                starts = ch.x0 < prev.x0 or ch.x0 > prev.x1 + TEXT_X or abs(ch.top - prev.top) > TEXT_Y
                keep = True
            else:
                starts, keep = False, True
            if starts and word:
                words.append(word)
                word = []
            if keep:
                word.append(ch)
        if word:
            words.append(word)
    merged = [("".join(LIGATURES.get(ch.text, ch.text) for ch in w), min(ch.top for ch in w))
              for w in words]
    return "\n".join(" ".join(text for text, _ in line) for line in _by_line(merged, lambda w: w[1]))
