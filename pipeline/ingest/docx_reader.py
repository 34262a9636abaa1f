"""DOCX: body paragraphs and tables in reading order, then headers, footers and notes.

The body XML is walked in document order: ``w:p`` is one paragraph, ``w:tbl``
gives one paragraph per row with the cells joined by " | " (paragraphs inside a
cell, and nested tables, are joined by "\\n" inside the cell).  Content controls
(``w:sdt``) and ``w:customXml`` wrappers are looked through.  Soft line breaks
(``w:br``, ``w:cr``) become "\\n", tabs "\\t".  Deleted text (tracked changes),
field codes and comments are left out.  Text boxes anchored in a paragraph are
emitted as their own paragraphs right after it (the VML fallback copy of a text
box is skipped so it is not read twice).

* Numbered lists keep their numbers: a paragraph with numbering (``w:numPr``, its
  own or its style's) starts with the label Word shows, computed from
  numbering.xml with counters per list (``1.``, ``1.2.``, ``a)``, ``II.``, a
  bullet as ``-``), then a space.
* Legacy fonts: runs set in a TCVN3 font (``.VnTime``; ``.VnTimeH`` is upper-case)
  or a VNI font (``VNI-Times``) hold the legacy code points; they are converted
  to Unicode (:mod:`.legacy`), unless the document's text in that font is
  plainly Unicode already (Unicode typed with an old font selected).
* Headers, footers, footnotes and endnotes are kept out of the body, so that a
  running head never splits a sentence: after the body come the headers and
  footers (each distinct paragraph once, in section order, bare page numbers
  dropped), then the footnotes and endnotes in reference order, each starting
  with its number (``1 Theo Quyết định ...``).  The reference marks in the body
  are left out.
"""
from __future__ import annotations

import io
import re
import zipfile

from ..models import SourceText
from . import legacy
from .common import failed, sniff_kind

MAX_UNCOMPRESSED = 200 * 1024 * 1024   # zip-bomb guard: total of all entries
MAX_RATIO = 200                        # and a suspicious compression ratio per entry
# the XML parts are what costs memory (a parsed tree takes about 12 times its
# text): 48 MB of XML, some 25 million characters of text, far beyond any real
# report, keeps a worker under about 700 MB
MAX_XML = 48 * 1024 * 1024

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_P = f"{{{W}}}p"
_R = f"{{{W}}}r"
_TBL = f"{{{W}}}tbl"
_TR = f"{{{W}}}tr"
_TC = f"{{{W}}}tc"
_SDT = f"{{{W}}}sdt"
_SDT_CONTENT = f"{{{W}}}sdtContent"
_CUSTOM_XML = f"{{{W}}}customXml"
_T = f"{{{W}}}t"
_TAB = f"{{{W}}}tab"
_BR = f"{{{W}}}br"
_CR = f"{{{W}}}cr"
_NB_HYPHEN = f"{{{W}}}noBreakHyphen"
_SOFT_HYPHEN = f"{{{W}}}softHyphen"
_SYM = f"{{{W}}}sym"
_TXBX = f"{{{W}}}txbxContent"
_PPR = f"{{{W}}}pPr"
_RPR = f"{{{W}}}rPr"
_DEL = f"{{{W}}}del"
_MOVE_FROM = f"{{{W}}}moveFrom"
_FALLBACK = f"{{{MC}}}Fallback"
_FOOTNOTE_REF = f"{{{W}}}footnoteRef"
_ENDNOTE_REF = f"{{{W}}}endnoteRef"
_W_CHAR = f"{{{W}}}char"
_VAL = f"{{{W}}}val"
# subtrees whose text is not body text
_SKIP = {_TXBX, _PPR, _RPR, _DEL, _MOVE_FROM, _FALLBACK}

_PLAIN = None   # segment key of text in a Unicode font


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def read_docx(data: bytes) -> SourceText:
    problem = check_zip(data)
    if problem:
        return failed(problem)
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - dependency missing
        return failed("python-docx is not installed")
    try:
        document = docx.Document(io.BytesIO(data))
    except PackageNotFoundError:
        return failed("not a valid .docx (no Word document inside the zip archive)")
    except KeyError as exc:
        return failed(f"not a valid .docx (missing part {exc})")
    except ValueError as exc:
        # python-docx: "file '...' is not a Word file, content type is '...'"
        msg = str(exc)
        if "content type" in msg:
            return failed("not a Word .docx document (" + msg.split("content type is", 1)[-1]
                          .strip(" '\"") + ")")
        return failed(f"not a valid .docx ({msg})")
    except Exception as exc:  # lxml.etree.XMLSyntaxError, zipfile errors...
        return failed(f"not a valid .docx ({exc.__class__.__name__}: {exc})")
    ctx = _Context(document)
    body = document.element.body
    paragraphs: list[list] = []
    ctx.tables = []
    _read_blocks(body, paragraphs, ctx)
    body_tables, ctx.tables = ctx.tables, None
    extra = _headers_and_footers(body, ctx) + _notes(body, ctx)
    pieces = _finish_segments(paragraphs + extra)
    texts = ["".join(p) for p in pieces]
    body_texts = texts[:len(paragraphs)]
    extra_texts = _dedupe([t for t in texts[len(paragraphs):] if t.strip()])
    text = "\n\n".join(t for t in body_texts + extra_texts if t.strip())
    if not text.strip():
        # an empty document is a readable file with no text; say so but keep status ok
        return SourceText(doc_id="", source_path="", format="", text=text,
                          error="document has no text")
    encodings = sorted({k[0] for p in paragraphs + extra for k, _ in p if k})
    return SourceText(doc_id="", source_path="", format="", text=text,
                      encoding="+".join(encodings), tables=_tables(text, body_tables, paragraphs, pieces))


def check_zip(data: bytes) -> str:
    """Return an error message when ``data`` is not a sane zip archive, else ""."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        kind = sniff_kind(data)
        if kind and kind != "a zip archive":
            return f"not a valid .docx (the file is {kind})"
        return "not a valid .docx (zip archive is corrupt or truncated)"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                return (f"refused: zip entries would uncompress to {total // (1024 * 1024)} MB "
                        f"(limit {MAX_UNCOMPRESSED // (1024 * 1024)} MB)")
            xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
            if xml > MAX_XML:
                return (f"refused: the document's XML would uncompress to {xml // (1024 * 1024)} MB "
                        f"(limit {MAX_XML // (1024 * 1024)} MB)")
            for info in infos:
                if info.compress_size and info.file_size > 1024 * 1024 and \
                        info.file_size / info.compress_size > MAX_RATIO * 5:
                    return (f"refused: zip entry {info.filename} has a compression ratio of "
                            f"{info.file_size // info.compress_size}:1 (zip bomb?)")
            names = {i.filename for i in infos}
            if "word/document.xml" not in names and "[Content_Types].xml" not in names:
                return "not a valid .docx (zip archive has no Word document inside)"
            bad = zf.testzip()
            if bad is not None:
                return f"not a valid .docx (zip entry {bad} is corrupt)"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        return f"not a valid .docx (zip archive is corrupt: {exc})"
    except NotImplementedError as exc:  # unsupported compression method
        return f"not a valid .docx (unsupported zip feature: {exc})"
    return ""


# ---------------------------------------------------------------- parts, styles

def _xml(part):
    """The XML root of a package part (parsed safely when python-docx did not)."""
    element = getattr(part, "element", None)
    if element is not None:
        return element
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(part.blob, parser)
    except Exception:
        return None


def _related(document, kind: str) -> list:
    """Parts the main document relates to with a relationship type ending in ``/kind``."""
    out = []
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype.rsplit("/", 1)[-1] == kind:
            try:
                out.append(rel.target_part)
            except Exception:
                continue
    return out


class _Style:
    __slots__ = ("font", "based_on", "num_id", "ilvl")

    def __init__(self, font, based_on, num_id, ilvl):
        self.font, self.based_on, self.num_id, self.ilvl = font, based_on, num_id, ilvl


def _rfonts_name(rpr) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        return None
    return fonts.get(_w("hAnsi")) or fonts.get(_w("ascii"))


def _num_pr(ppr):
    """(numId, ilvl) of a w:pPr's w:numPr, each None when absent."""
    if ppr is None:
        return None, None
    num_pr = ppr.find(_w("numPr"))
    if num_pr is None:
        return None, None
    num_id = num_pr.find(_w("numId"))
    ilvl = num_pr.find(_w("ilvl"))
    return (num_id.get(_VAL) if num_id is not None else None,
            _int(ilvl.get(_VAL)) if ilvl is not None else None)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class _Context:
    """What reading a part needs from the rest of the package: styles (run fonts,
    paragraph numbering), the list counters, legacy font encodings."""

    def __init__(self, document):
        self.document = document
        self.styles: dict[str, _Style] = {}
        self.default_font = None
        self.default_pstyle = None
        self.default_cstyle = None
        self.note_label = ""
        self._font_cache: dict = {}
        # the body's tables as they are read: (row paragraphs' indices, each row's cells);
        # None while reading what is not the body (headers, notes) or inside a cell
        self.tables: list | None = None
        root = None
        for part in _related(document, "styles"):
            root = _xml(part)
        if root is not None:
            self._read_styles(root)
        numbering = None
        for part in _related(document, "numbering"):
            numbering = _xml(part)
        self.numbering = _Numbering(numbering, self)

    def _read_styles(self, root) -> None:
        defaults = root.find(_w("docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{_w('rPrDefault')}/{_RPR}")
            self.default_font = _rfonts_name(rpr)
        for style in root.iter(_w("style")):
            sid = style.get(_w("styleId"))
            if not sid:
                continue
            kind = style.get(_w("type"))
            based = style.find(_w("basedOn"))
            num_id, ilvl = _num_pr(style.find(_PPR))
            self.styles[sid] = _Style(_rfonts_name(style.find(_RPR)),
                                      based.get(_VAL) if based is not None else None, num_id, ilvl)
            if style.get(_w("default")) in ("1", "true", "on"):
                if kind == "paragraph":
                    self.default_pstyle = sid
                elif kind == "character":
                    self.default_cstyle = sid

    def _style_chain(self, sid):
        seen = set()
        while sid and sid not in seen and sid in self.styles:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid].based_on

    def style_font(self, sid) -> str | None:
        for style in self._style_chain(sid):
            if style.font:
                return style.font
        return None

    def style_numbering(self, sid):
        """(numId, ilvl) a paragraph style gives its paragraphs."""
        num_id = ilvl = None
        for style in self._style_chain(sid):
            if num_id is None and style.num_id is not None:
                num_id = style.num_id
            if ilvl is None and style.ilvl is not None:
                ilvl = style.ilvl
        return num_id, ilvl

    def paragraph_style(self, p) -> str | None:
        ppr = p.find(_PPR)
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            if ps is not None and ps.get(_VAL):
                return ps.get(_VAL)
        return self.default_pstyle

    def run_key(self, run, pstyle):
        """Segment key of a run's text: (encoding, uppercase_font) or None."""
        rpr = run.find(_RPR)
        font = _rfonts_name(rpr)
        if font is None and rpr is not None:
            rs = rpr.find(_w("rStyle"))
            if rs is not None:
                font = self.style_font(rs.get(_VAL))
        if font is None:
            font = self.style_font(pstyle) or self.style_font(self.default_cstyle) or self.default_font
        if font not in self._font_cache:
            encoding, upper = legacy.font_encoding(font)
            self._font_cache[font] = (encoding, upper) if encoding else _PLAIN
        return self._font_cache[font]


# ---------------------------------------------------------------- numbering

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letter(n: int) -> str:
    """Word's letters: a..z, then aa..zz, aaa..."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt == "bullet":
        return "-"
    if fmt == "none":
        return ""
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)          # decimal and every other format


class _Level:
    __slots__ = ("start", "fmt", "text", "suffix", "legal", "restart")

    def __init__(self, lvl):
        start = lvl.find(_w("start"))
        fmt = lvl.find(_w("numFmt"))
        text = lvl.find(_w("lvlText"))
        suff = lvl.find(_w("suff"))
        restart = lvl.find(_w("lvlRestart"))
        self.start = _int(start.get(_VAL), 0) if start is not None else 0
        self.fmt = (fmt.get(_VAL) if fmt is not None else None) or "decimal"
        self.text = text.get(_VAL) if text is not None else None
        self.suffix = {"nothing": "", "space": " "}.get(
            suff.get(_VAL) if suff is not None else "tab", " ")
        self.legal = lvl.find(_w("isLgl")) is not None
        self.restart = _int(restart.get(_VAL)) if restart is not None else None


class _Numbering:
    """numbering.xml: list definitions and the running counters of each list."""

    def __init__(self, root, ctx: _Context):
        self.ctx = ctx
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}      # abstractNum using numStyleLink -> style id
        self.nums: dict[str, tuple[str, dict]] = {}
        self.counters: dict[str, list] = {}
        self.started: set[str] = set()
        if root is None:
            return
        for an in root.iter(_w("abstractNum")):
            aid = an.get(_w("abstractNumId"))
            self.abstract[aid] = {_int(lvl.get(_w("ilvl")), 0): _Level(lvl) for lvl in an.iter(_w("lvl"))}
            link = an.find(_w("numStyleLink"))
            if link is not None and link.get(_VAL):
                self.style_link[aid] = link.get(_VAL)
        for num in root.iter(_w("num")):
            nid = num.get(_w("numId"))
            ref = num.find(_w("abstractNumId"))
            if nid is None or ref is None:
                continue
            overrides = {}
            for ov in num.iter(_w("lvlOverride")):
                ilvl = _int(ov.get(_w("ilvl")), 0)
                start = ov.find(_w("startOverride"))
                lvl = ov.find(_w("lvl"))
                overrides[ilvl] = (_int(start.get(_VAL)) if start is not None else None,
                                   _Level(lvl) if lvl is not None else None)
            self.nums[nid] = (ref.get(_VAL), overrides)

    def _abstract_of(self, num_id: str):
        aid, _ = self.nums[num_id]
        seen = set()
        while aid in self.style_link and aid not in seen:   # a list style: follow it
            seen.add(aid)
            link_num, _ = self.ctx.style_numbering(self.style_link[aid])
            if link_num is None or link_num not in self.nums:
                break
            aid = self.nums[link_num][0]
        return aid

    def label(self, p, pstyle) -> str:
        """The number label of paragraph ``p`` ("" when not numbered); advances the counters."""
        num_id, ilvl = _num_pr(p.find(_PPR))
        if num_id is None or ilvl is None:
            s_num, s_ilvl = self.ctx.style_numbering(pstyle)
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_ilvl
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        ilvl = min(max(ilvl or 0, 0), 8)
        aid = self._abstract_of(num_id)
        _, overrides = self.nums[num_id]
        levels = dict(self.abstract.get(aid, {}))
        for k, (_, lvl) in overrides.items():
            if lvl is not None:
                levels[k] = lvl
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for k, (start, _) in overrides.items():
                if start is not None and 0 <= k < 9:
                    counters[k] = start - 1
        counters[ilvl] = level.start if counters[ilvl] is None else counters[ilvl] + 1
        for k in range(ilvl + 1, 9):           # deeper levels start again
            deeper = levels.get(k)
            if deeper is None or deeper.restart != 0:
                counters[k] = None
        if level.fmt == "bullet":
            return "-" + level.suffix
        if level.text is None:
            text = f"%{ilvl + 1}."
        else:
            text = level.text

        def number(m):
            k = int(m.group(1)) - 1
            lv = levels.get(k)
            if lv is None:
                return ""
            value = counters[k] if counters[k] is not None else lv.start
            return format_number(value, "decimal" if level.legal and lv.fmt != "none" else lv.fmt)

        label = re.sub(r"%([1-9])", number, text)
        return label + level.suffix if label.strip() else ""


# ---------------------------------------------------------------- body

def _read_blocks(container, out: list, ctx: _Context) -> None:
    """Append the paragraphs (segment lists) of a block container (body, cell,
    sdtContent, text box, header, note)."""
    for child in container:
        tag = child.tag
        if tag == _P:
            pstyle = ctx.paragraph_style(child)
            label = ctx.numbering.label(child, pstyle)
            segments, boxes = _paragraph_segments(child, ctx, pstyle)
            if any(t.strip() for _, t in segments):   # empty spacing paragraphs are dropped
                if label:
                    segments.insert(0, (_PLAIN, label))
                out.append(segments)
            for box in boxes:
                _read_blocks(box, out, ctx)
        elif tag == _TBL:
            _read_table(child, out, ctx)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _read_blocks(content, out, ctx)
        elif tag == _CUSTOM_XML:
            _read_blocks(child, out, ctx)
        # w:sectPr, w:bookmarkStart, ... carry no text


def _paragraph_segments(p, ctx: _Context, pstyle) -> tuple[list, list]:
    """Text segments ``(key, text)`` of one w:p and the text boxes anchored in it;
    ``key`` is the legacy encoding of the run's font, or None."""
    segments: list = []
    boxes: list = []

    def add(key, text):
        if not text:
            return
        if segments and segments[-1][0] == key:
            segments[-1] = (key, segments[-1][1] + text)
        else:
            segments.append((key, text))

    def walk(el, key):
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):      # comments, processing instructions
                continue
            if tag == _TXBX:
                boxes.append(child)
                continue
            if tag in _SKIP:
                continue
            if tag == _R:
                walk(child, ctx.run_key(child, pstyle))
            elif tag == _T:
                add(key, child.text or "")
            elif tag == _TAB:
                add(_PLAIN, "\t")
            elif tag in (_BR, _CR):
                add(_PLAIN, "\n")
            elif tag == _NB_HYPHEN:
                add(_PLAIN, "-")
            elif tag == _SOFT_HYPHEN:
                if key:                       # TCVN3 "ư" is 0xAD, which Word may store as an optional hyphen
                    add(key, "\u00ad")
            elif tag in (_FOOTNOTE_REF, _ENDNOTE_REF):
                add(_PLAIN, ctx.note_label)
            elif tag == _SYM:
                code = child.get(_W_CHAR)
                if code:
                    try:
                        cp = int(code, 16)
                        # symbol fonts use the private-use F0xx range for ASCII codes
                        add(_PLAIN, chr(cp - 0xF000) if 0xF020 <= cp <= 0xF07E else chr(cp))
                    except ValueError:
                        pass
            else:
                walk(child, key)

    walk(p, _PLAIN)
    return segments, boxes


def _read_table(tbl, out: list, ctx: _Context) -> None:
    """Append the table's rows as paragraphs; a table of the body (not one
    inside a cell) is also noted for the table model."""
    recording, ctx.tables = ctx.tables, None          # tables inside its cells are read as text
    try:
        rows, shapes = _table_rows(tbl, ctx)
    finally:
        ctx.tables = recording
    if recording is not None and rows:
        recording.append((list(range(len(out), len(out) + len(rows))), shapes))
    out.extend(rows)


def _table_rows(tbl, ctx: _Context) -> tuple[list[list], list[list]]:
    """The rows with text, each one paragraph of segments (cells split by
    _CELL_SEP), and each row's cells' (column span, whether it continues a
    vertically merged cell)."""
    rows: list[list] = []
    shapes: list[list] = []
    for tr in _children(tbl, _TR):
        row: list = []
        shape: list = []
        any_text = False
        for n, tc in enumerate(_children(tr, _TC)):
            if n:
                row.append(_CELL_SEP)
            shape.append(_cell_shape(tc))
            cell: list[list] = []
            _read_blocks(tc, cell, ctx)
            for k, para in enumerate(cell):
                if k:
                    row.append((_PLAIN, "\n"))
                row.extend(para)
                any_text = any_text or any(t.strip() for _, t in para)
        if any_text:
            rows.append(row)
            shapes.append(shape)
    return rows, shapes


_CELL_SEP = (_PLAIN, " | ")     # one object: the table model tells the cells apart by it
_TC_PR = f"{{{W}}}tcPr"


def _cell_shape(tc) -> tuple[int, bool]:
    """(grid columns the cell spans, whether it continues the merged cell above)."""
    props = tc.find(_TC_PR)
    if props is None:
        return 1, False
    span = props.find(_w("gridSpan"))
    merge = props.find(_w("vMerge"))
    return (_int(span.get(_VAL), 1) if span is not None else 1,
            merge is not None and merge.get(_VAL, "continue") == "continue")


def _tables(text: str, body_tables: list, paragraphs: list[list], pieces: list[list[str]]) -> list:
    """The body's tables in the table model: each row's cell texts as written."""
    from .tables import RawCell, RawTable, build_tables
    raw = []
    for indices, shapes in body_tables:
        rows = []
        for k, shape in zip(indices, shapes):
            cells: list[str] = []
            current: list[str] = []
            for segment, written in zip(paragraphs[k], pieces[k]):
                if segment is _CELL_SEP:
                    cells.append("".join(current))
                    current = []
                else:
                    current.append(written)
            cells.append("".join(current))
            rows.append([RawCell(text=t, col_span=span, covered=continues)
                         for t, (span, continues) in zip(cells, shape)])
        raw.append(RawTable(rows))
    return build_tables(text, raw)


def _children(el, tag):
    """Direct children with ``tag``, looking through w:sdt / w:customXml wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == _CUSTOM_XML:
            yield from _children(child, tag)


# ---------------------------------------------------------------- headers, notes

def _headers_and_footers(body, ctx: _Context) -> list[list]:
    """Paragraphs of the headers, then of the footers, in section order (each part once)."""
    out: list[list] = []
    part = ctx.document.part
    for kind in ("headerReference", "footerReference"):
        seen = set()
        for sect in body.iter(_w("sectPr")):
            for ref in sect.findall(_w(kind)):
                rid = ref.get(f"{{{R}}}id")
                if not rid or rid in seen:
                    continue
                seen.add(rid)
                try:
                    root = _xml(part.related_parts[rid])
                except Exception:
                    continue
                if root is None:
                    continue
                paras: list[list] = []
                _read_blocks(root, paras, ctx)
                out.extend(p for p in paras if not _is_page_number(_plain_text(p)))
    return out


def _notes(body, ctx: _Context) -> list[list]:
    """Footnotes, then endnotes, in the order the body refers to them, numbered 1, 2, ..."""
    out: list[list] = []
    for kind in ("footnote", "endnote"):
        parts = _related(ctx.document, kind + "s")
        if not parts:
            continue
        root = _xml(parts[0])
        if root is None:
            continue
        notes = {}
        for note in root.findall(_w(kind)):
            if note.get(_w("type")) in (None, "normal"):
                notes[note.get(_w("id"))] = note
        order = []
        for ref in body.iter(_w(kind + "Reference")):
            nid = ref.get(_w("id"))
            if nid in notes and nid not in order:
                order.append(nid)
        for number, nid in enumerate(order, 1):
            ctx.note_label = str(number)
            paras: list[list] = []
            _read_blocks(notes[nid], paras, ctx)
            if paras and not any(t.startswith(str(number)) for _, t in paras[0][:1]):
                paras[0].insert(0, (_PLAIN, f"{number} "))
            out.extend(paras)
        ctx.note_label = ""
    return out


def _plain_text(segments) -> str:
    return "".join(t for _, t in segments)


def _is_page_number(text: str) -> bool:
    from .pdf_reader import _page_number
    s = " ".join(text.split())
    return not s or _page_number(s) is not None


def _dedupe(texts: list[str]) -> list[str]:
    seen = set()
    out = []
    for t in texts:
        key = " ".join(t.split())
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


# ---------------------------------------------------------------- legacy fonts

_SYMBOL_AREA = {0xF000 + b: b for b in range(0x20, 0x100)}


def _finish_segments(paragraphs: list[list]) -> list[list[str]]:
    """Each paragraph's segments' texts, legacy-font text converted to Unicode."""
    by_encoding: dict[str, list[str]] = {}
    for para in paragraphs:
        for key, text in para:
            if key:
                by_encoding.setdefault(key[0], []).append(text)
    convert = {enc: legacy.judge_font_text(" ".join(texts), enc)
               for enc, texts in by_encoding.items()}
    out = []
    for para in paragraphs:
        parts = []
        for key, text in para:
            if key and convert.get(key[0]) and not legacy.has_unicode_letters(text):
                # a legacy font declared as a symbol font comes through as U+F0xx
                text = text.translate(_SYMBOL_AREA)
                text = legacy.to_unicode(text, key[0], uppercase=key[1])
            parts.append(text)
        out.append(parts)
    return out
