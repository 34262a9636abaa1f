"""DOCX: body paragraphs and tables in reading order.

The body XML is walked in document order: ``w:p`` is one paragraph, ``w:tbl``
gives one paragraph per row with the cells joined by " | " (paragraphs inside a
cell, and nested tables, are joined by "\\n" inside the cell).  Content controls
(``w:sdt``) and ``w:customXml`` wrappers are looked through.  Soft line breaks
(``w:br``, ``w:cr``) become "\\n", tabs "\\t".  Deleted text (tracked changes),
field codes, headers, footers, footnotes and comments are left out.  Text boxes
anchored in a paragraph are emitted as their own paragraphs right after it (the
VML fallback copy of a text box is skipped so it is not read twice).
Automatic list numbering is not rendered (python-docx does not compute it).
"""
from __future__ import annotations

import io
import zipfile

from ..models import SourceText
from .common import failed, sniff_kind

MAX_UNCOMPRESSED = 200 * 1024 * 1024   # zip-bomb guard: total of all entries
MAX_RATIO = 200                        # and a suspicious compression ratio per entry

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_P = f"{{{W}}}p"
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
_SYM = f"{{{W}}}sym"
_TXBX = f"{{{W}}}txbxContent"
_PPR = f"{{{W}}}pPr"
_RPR = f"{{{W}}}rPr"
_DEL = f"{{{W}}}del"
_MOVE_FROM = f"{{{W}}}moveFrom"
_FALLBACK = f"{{{MC}}}Fallback"
_W_CHAR = f"{{{W}}}char"
# subtrees whose text is not body text
_SKIP = {_TXBX, _PPR, _RPR, _DEL, _MOVE_FROM, _FALLBACK}


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
    body = document.element.body
    paragraphs: list[str] = []
    _read_blocks(body, paragraphs)
    text = "\n\n".join(paragraphs)
    if not text.strip():
        # an empty document is a readable file with no text; say so but keep status ok
        return SourceText(doc_id="", source_path="", format="", text=text,
                          error="document has no text")
    return SourceText(doc_id="", source_path="", format="", text=text)


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


def _read_blocks(container, out: list[str]) -> None:
    """Append the paragraphs of a block container (body, cell, sdtContent, text box)."""
    for child in container:
        tag = child.tag
        if tag == _P:
            text, boxes = _paragraph_text(child)
            if text.strip():              # empty spacing paragraphs are dropped
                out.append(text)
            for box in boxes:
                _read_blocks(box, out)
        elif tag == _TBL:
            out.extend(_table_rows(child))
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _read_blocks(content, out)
        elif tag == _CUSTOM_XML:
            _read_blocks(child, out)
        # w:sectPr, w:bookmarkStart, ... carry no text


def _paragraph_text(p) -> tuple[str, list]:
    """Text of one w:p and the text boxes anchored in it."""
    parts: list[str] = []
    boxes: list = []

    def walk(el):
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):      # comments, processing instructions
                continue
            if tag == _TXBX:
                boxes.append(child)
                continue
            if tag in _SKIP:
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                parts.append("\n")
            elif tag == _NB_HYPHEN:
                parts.append("-")
            elif tag == _SYM:
                code = child.get(_W_CHAR)
                if code:
                    try:
                        cp = int(code, 16)
                        # symbol fonts use the private-use F0xx range for ASCII codes
                        parts.append(chr(cp - 0xF000) if 0xF020 <= cp <= 0xF07E else chr(cp))
                    except ValueError:
                        pass
            else:
                walk(child)

    walk(p)
    return "".join(parts), boxes


def _table_rows(tbl) -> list[str]:
    rows: list[str] = []
    for tr in _children(tbl, _TR):
        cells = [_cell_text(tc) for tc in _children(tr, _TC)]
        if any(c.strip() for c in cells):
            rows.append(" | ".join(cells))
    return rows


def _cell_text(tc) -> str:
    parts: list[str] = []
    _read_blocks(tc, parts)
    return "\n".join(parts)


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
