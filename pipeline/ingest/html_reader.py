"""HTML pages (.html, .htm): the article text without the site around it.

Decoding: a byte order mark, else the ``<meta charset>`` (or ``http-equiv``
content type) in the first 4 KB, else the .txt detection (UTF-8, TCVN3 / VNI,
Windows-1258).  Legacy TCVN3 / VNI text is converted like a .txt file's.

Dropped with everything inside them: ``script style noscript template svg
canvas iframe object head nav aside form button select`` and ``header footer``
(except inside ``article`` / ``main``, where they hold the article's own title
and byline); elements that are ``hidden``, ``display:none``, or whose role is
navigation / banner / contentinfo / complementary / search; and, outside
``article`` / ``main``, elements whose class or id names site furniture (menu,
breadcrumb, sidebar, share, related, comment, ...).

Kept as paragraphs (blank line between): headings, paragraphs, list items
(``1. `` in an ordered list, ``- `` in a bulleted one), block quotes, captions
and every other block; ``<br>`` is a line break inside a paragraph; a table row
is one paragraph with its cells joined by " | " (as in DOCX).  Whitespace inside
a block collapses to single spaces (``<pre>`` keeps its lines).
"""
from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from ..models import SourceText
from .common import failed, sniff_kind

_DROP = {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object",
         "head", "nav", "aside", "form", "button", "select", "textarea", "map", "dialog"}
_DROP_OUTSIDE_ARTICLE = {"header", "footer"}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
_FURNITURE = {"menu", "nav", "navbar", "navigation", "breadcrumb", "breadcrumbs", "sidebar",
              "share", "sharing", "social", "related", "comment", "comments", "advert",
              "advertisement", "ads", "banner", "cookie", "cookies", "footer", "header",
              "topbar", "toolbar", "pagination", "pager", "widget", "newsletter", "login"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
         "param", "source", "track", "wbr"}
_BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
          "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption",
          "caption", "table", "thead", "tbody", "tfoot", "address", "center", "hr", "body",
          "html", "header", "footer", "fieldset", "legend", "details", "summary"}
_WS = re.compile(r"[ \t\r\n\f\v\u200b]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def read_html(data: bytes) -> SourceText:
    kind = sniff_kind(data)
    if kind and kind != "an HTML page":
        return failed(f"not a web page (the file is {kind})")
    text, encoding, note = decode_html(data)
    if text is None:
        return failed(note)
    parser = _Parser()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is lenient; be safe anyway
        return failed(f"cannot parse the web page ({exc.__class__.__name__}: {exc})")
    body = "\n\n".join(parser.paragraphs)
    if not body.strip():
        return SourceText(doc_id="", source_path="", format="", text=body, encoding=encoding,
                          error="web page has no text")
    return SourceText(doc_id="", source_path="", format="", text=body, encoding=encoding,
                      error=note)


def decode_html(data: bytes) -> tuple[str | None, str, str]:
    from . import legacy
    from .txt_reader import decode_bytes
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
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


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.buf: list[str] = []
        self.stack: list[str] = []          # open elements (for implied end tags)
        self.skip_depth = 0                 # > 0 while inside a dropped element
        self.skip_tag_stack: list[int] = [] # stack indexes where a drop started
        self.article = 0
        self.pre = 0
        self.lists: list[list] = []         # [ordered, counter]
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    # ------------------------------------------------------------ helpers
    def _dropped(self, tag: str, attrs: dict) -> bool:
        if tag in _DROP:
            return True
        if tag in _DROP_OUTSIDE_ARTICLE and not self.article:
            return True
        if "hidden" in attrs or attrs.get("aria-hidden") == "true":
            return True
        style = (attrs.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
        if (attrs.get("role") or "").lower() in _DROP_ROLES:
            return True
        if not self.article and tag not in ("body", "html", "main", "article"):
            names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
            words = set(re.split(r"[\s_\-]+", names))
            if words & _FURNITURE:
                return True
        return False

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

    # ------------------------------------------------------------ events
    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): (v or "") for k, v in attrs}
        if tag in _VOID:
            if self.skip_depth:
                return
            if tag == "br":
                self._add("\n")
            elif tag == "hr":
                self._flush()
            return
        self.stack.append(tag)
        if self.skip_depth:
            self.skip_depth += 1
            return
        if self._dropped(tag, attrs):
            self.skip_depth = 1
            return
        if tag in ("article", "main"):
            self.article += 1
        if tag == "pre":
            self.pre += 1
        if tag in ("ul", "ol"):
            start = attrs.get("start", "1")
            self.lists.append([tag == "ol", (int(start) - 1) if start.isdigit() else 0])
        if tag == "tr":
            self._flush()
            self.row = []
            return
        if tag in ("td", "th"):
            if self.row is None:
                self._flush()
                self.row = []
            self.cell = []
            return
        if tag in _BLOCK or tag == "li":
            self._flush()
        if tag == "li":
            if self.lists:
                ordered = self.lists[-1]
                if ordered[0]:
                    ordered[1] += 1
                    self._add(f"{ordered[1]}. ")
                else:
                    self._add("- ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _VOID or tag not in self.stack:
            return
        # close implied elements up to this one
        while self.stack:
            open_tag = self.stack.pop()
            self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag in ("article", "main"):
            self.article = max(0, self.article - 1)
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
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
        if tag in _BLOCK or tag == "li":
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
            self.row = None

    def handle_data(self, data):
        if self.skip_depth:
            return
        self._add(data)

    def close(self):
        super().close()
        while self.stack:
            self._close(self.stack.pop())
        self._end_row()
        self._flush()
