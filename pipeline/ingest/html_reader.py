"""HTML pages (.html, .htm): the article text without the site around it.

Decoding: a byte order mark, else the ``<meta charset>`` (or ``http-equiv``
content type) in the first 4 KB, else the .txt detection (UTF-8, TCVN3 / VNI,
Windows-1258).  Legacy TCVN3 / VNI text is converted like a .txt file's.  Bytes
that decode to no text (control characters, invalid sequences: an image, an
archive, random data named .html) are an error: ``not an HTML or text file
(binary data)``.

The page is parsed by the standard library's ``html.parser`` (no network, no
DTD, no entity but HTML's own: nothing to expand) into a tree
(:mod:`.html_tree`), and :mod:`.html_content` tells the article from the site
around it: scripts, styles, hidden elements and the like are never text; the
article is the block with the most text outside links, and it is kept with
every element around it (an ASP.NET ``<form>`` wrapping the whole page, a
layout table, a wrapper named like a sidebar); anywhere else, menus,
breadcrumbs, side columns, related and other news, share and comment boxes,
ads, header and footer are dropped, recognised by tag, role, the class and id
words of ``rules/html.yaml`` (Vietnamese ones too: ``cot-phai``, ``tin-khac``,
``tin-lien-quan``, ``binh-luan``...), blocks of links, or the heading that
opens a box (``Tin liên quan``, ``Các tin khác:``).  A page where that leaves
no text but which has visible text is read whole (``error`` notes it, status
stays ok); ``web page has no text`` only when it has none.

Kept as paragraphs (blank line between): headings, paragraphs, list items
(``1. `` in an ordered list, ``- `` in a bulleted one), block quotes, captions
and every other block; ``<br>`` is a line break inside a paragraph; a table row
is one paragraph with its cells joined by " | " (as in DOCX), except in a
layout table (one that holds the article in a cell, or another table), whose
cells are blocks.  Whitespace inside a block collapses to single spaces
(``<pre>`` keeps its lines).
"""
from __future__ import annotations

import codecs
import re

from ..models import SourceText
from . import html_content, html_tree
from .common import failed, sniff_kind

_BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
          "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption",
          "caption", "table", "thead", "tbody", "tfoot", "address", "center", "hr", "body",
          "html", "header", "footer", "fieldset", "legend", "details", "summary",
          "form", "nav", "aside"}
_LAYOUT_PARTS = {"thead", "tbody", "tfoot", "tr", "td", "th"}
_WS = re.compile(r"[ \t\r\n\f\v\u200b]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# characters no text has: C0 controls but tab and line ends, DEL, U+FFFD (C1 controls
# are left out: a page labelled ISO-8859-1 writes Windows-1252 quotes as them)
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_BINARY_SHARE = 0.1
_MAGIC = ((b"\x1f\x8b", "gzip-compressed"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF8", "a GIF image"), (b"BM", "a BMP image"), (b"7z\xbc\xaf", "a 7-Zip archive"),
          (b"Rar!", "a RAR archive"))


def read_html(data: bytes) -> SourceText:
    kind = sniff_kind(data)
    if kind and kind != "an HTML page":
        return failed(f"not a web page (the file is {kind})")
    text, encoding, note = decode_html(data)
    if text is None:
        return failed(note)
    if _binary(text):
        what = next((f": {name}" for magic, name in _MAGIC if data.startswith(magic)), "")
        return failed(f"not an HTML or text file (binary data{what})")
    try:
        root = html_tree.parse(text)
        html_content.analyse(root)
        body, raw_tables = _render(root)
        if not body.strip() and root.chars:
            # no article found, but the page has visible text: read all of it
            html_content.analyse(root, furniture=False)
            body, raw_tables = _render(root)
            note = note or "no article found on the web page: all its visible text was read"
    except Exception as exc:  # html.parser is lenient and every walk iterative; be safe anyway
        return failed(f"cannot parse the web page ({exc.__class__.__name__}: {exc})")
    if not body.strip():
        return SourceText(doc_id="", source_path="", format="", text=body, encoding=encoding,
                          status="error", error="web page has no text")
    from .tables import build_tables
    return SourceText(doc_id="", source_path="", format="", text=body, encoding=encoding,
                      error=note, tables=build_tables(body, raw_tables))


def _binary(text: str) -> bool:
    """Mostly characters no text has (the first 64 K characters are enough)."""
    sample = text[:65536]
    return bool(sample) and len(_NOT_TEXT.findall(sample)) > _BINARY_SHARE * len(sample)


def decode_html(data: bytes) -> tuple[str | None, str, str]:
    from . import legacy
    from .txt_reader import decode_bytes
    for bom, _codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return decode_bytes(data)
    m = _META_CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "replace").lower()
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            codec = ""
        if codec and codec not in ("utf-16", "utf-32"):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                text = None
            if text is not None:
                found = legacy.detect(_visible_sample(text)).encoding
                if found:
                    return legacy.to_unicode(text, found, restore_case=True), f"{codec}+{found}", ""
                return text, codec, ""
    return decode_bytes(data)


def _visible_sample(text: str) -> str:
    """Rough visible text of a page (for encoding detection): tags dropped."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text[:400_000])
    return re.sub(r"(?s)<[^>]*>", " ", text)


def _render(root: html_tree.Node) -> tuple[str, list]:
    """The text of the kept elements (``drop`` and ``hard`` ones left out),
    and its data tables' rows for the table model."""
    out = _Renderer()
    stack: list = [(root, 0)]
    while stack:
        node, i = stack[-1]
        if i == 0 and node is not root:
            out.start(node)
        if i < len(node.children):
            stack[-1] = (node, i + 1)
            child = node.children[i]
            if isinstance(child, str):
                out.data(child)
            elif child.tag in html_tree.VOID:
                out.void(child.tag)
            elif not (child.hard or child.drop):
                stack.append((child, 0))
            continue
        stack.pop()
        if node is not root:
            out.end(node)
    return out.finish(), out.raw_tables


class _Renderer:
    def __init__(self):
        self.paragraphs: list[str] = []
        self.buf: list[str] = []
        self.pre = 0
        self.lists: list[list] = []         # [ordered, counter]
        self.tables: list[bool] = []        # open tables: layout or not
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        # the data tables' rows (a data table inside another's cell is read as its text)
        self.raw_tables: list = []
        self.row_shape: list = []           # the open row's cells: (colspan, rowspan, <th>)

    # ------------------------------------------------------------ helpers
    def _flush(self) -> None:
        if self.cell is not None:           # a block inside a table cell: a line break in the cell
            self.cell.append("\n")
            return
        text = "".join(self.buf)
        self.buf = []
        text = self._clean(text)
        if text:
            self.paragraphs.append(text)

    def _clean(self, text: str) -> str:
        if self.pre:
            return text.strip("\n")
        lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
        return "\n".join(line for line in lines if line)

    def _add(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        else:
            self.buf.append(text)

    def _layout(self, tag: str) -> bool:
        return tag in _LAYOUT_PARTS and bool(self.tables) and self.tables[-1]

    # ------------------------------------------------------------ events
    def void(self, tag: str) -> None:
        if tag == "br":
            self._add("\n")
        elif tag == "hr":
            self._flush()

    def start(self, node: html_tree.Node) -> None:
        tag, attrs = node.tag, node.attrs
        if tag == "pre":
            self.pre += 1
        if tag in ("ul", "ol"):
            start = attrs.get("start", "1")
            self.lists.append([tag == "ol", (int(start) - 1) if start.isdigit() else 0])
        if tag == "table":
            self.tables.append(node.layout)
            if node.layout:                 # a layout table: its cells are blocks
                self._flush()
                return
            if self.tables.count(False) == 1:
                self._start_raw_table()
        if self._layout(tag):
            self._flush()
            return
        if tag == "tr":
            self._flush()
            self.row = []
            return
        if tag in ("td", "th"):
            if self.row is None:
                self._flush()
                self.row = []
            self.cell = []
            self.row_shape.append((_span(attrs.get("colspan")), _span(attrs.get("rowspan")), tag == "th"))
            return
        if tag in _BLOCK:
            self._flush()
        if tag == "li" and self.lists:
            ordered = self.lists[-1]
            if ordered[0]:
                ordered[1] += 1
                self._add(f"{ordered[1]}. ")
            else:
                self._add("- ")

    def end(self, node: html_tree.Node) -> None:
        tag = node.tag
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag == "table" and self.tables:
            if self.tables.pop():
                self._flush()
                return
        elif self._layout(tag):
            self._flush()
            return
        if tag in ("td", "th"):
            if self.cell is not None and self.row is not None:
                cell_text = self._clean_cell("".join(self.cell))
                self.row.append(cell_text)
            self.cell = None
            return
        if tag == "tr":
            self._end_row()
            return
        if tag == "table":
            self._end_row()
        if tag in _BLOCK:
            self._flush()

    def _clean_cell(self, text: str) -> str:
        lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
        return "\n".join(line for line in lines if line)

    def _end_row(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append(self._clean_cell("".join(self.cell)))
            self.cell = None
        if self.row is not None:
            if any(c.strip() for c in self.row):
                self.paragraphs.append(" | ".join(self.row))
                self._raw_row(self.row)
            self.row = None
        self.row_shape = []

    def _start_raw_table(self) -> None:
        from .tables import RawTable
        self.raw_tables.append(RawTable())

    def _raw_row(self, texts: list[str]) -> None:
        """The row for the table model, when it belongs to the data table being read."""
        from .tables import RawCell
        if not self.raw_tables or self.tables.count(False) != 1:
            return
        shape = self.row_shape + [(1, 1, False)] * (len(texts) - len(self.row_shape))
        self.raw_tables[-1].rows.append([RawCell(text=t, col_span=c, row_span=r, header=th)
                                         for t, (c, r, th) in zip(texts, shape)])

    def data(self, data: str) -> None:
        self._add(data)

    def finish(self) -> str:  # the text; raw_tables holds the tables' rows
        self._end_row()
        self._flush()
        return "\n\n".join(self.paragraphs)


def _span(value: str | None) -> int:
    """A colspan / rowspan attribute as a count (1 when missing or odd; at most 1000)."""
    try:
        return min(1000, max(1, int((value or "1").strip())))
    except ValueError:
        return 1
