"""Helpers shared by the ingest readers."""
from __future__ import annotations

import hashlib
import os

from ..models import SourceText

# the one list of what is read as a document: extension -> format family (the
# batch's discovery takes these; any other kind inside a folder is an errors row)
FORMATS = {".txt": "txt", ".text": "txt", ".md": "txt", ".docx": "docx", ".pdf": "pdf",
           ".doc": "doc", ".odt": "odt", ".rtf": "rtf", ".html": "html", ".htm": "html",
           # scanned pages (OCR with --ocr; needs_ocr without)
           ".jpg": "image", ".jpeg": "image", ".png": "image", ".tif": "image", ".tiff": "image",
           # spreadsheets: each sheet's rows as text and as a table (python-calamine)
           ".xlsx": "spreadsheet", ".xlsm": "spreadsheet", ".xls": "spreadsheet", ".ods": "spreadsheet"}
# read as folders: each file inside is a document of its own (``zip_reader``)
ARCHIVES = {".zip": "zip"}


def doc_id_of(data: bytes) -> str:
    """First 16 hex chars of the SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()[:16]


def format_of(path: str) -> str:
    """Format family from the extension: txt, docx, pdf, doc, odt, rtf, html,
    image; else the bare lowercase extension (``xlsx``, ``zip``...) or "" when
    there is none."""
    ext = os.path.splitext(path)[1].lower()
    return FORMATS.get(ext, ext.lstrip("."))


def one_line(message: str, limit: int = 300) -> str:
    """Collapse a message to a single line of at most ``limit`` characters."""
    text = " ".join(str(message).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def failed(message: str) -> SourceText:
    """An error result; read_source fills in doc_id, source_path and format."""
    return SourceText(doc_id="", source_path="", format="", status="error",
                      error=one_line(message))


def sniff_kind(data: bytes) -> str:
    """What the first bytes say the file really is (for clearer error messages)."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "a PDF file"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return ("an OLE2 container: an old binary Word .doc, "
                "or a password-protected .docx")
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive"
    if head.startswith(b"{\\rtf"):
        return "an RTF file"
    if head.startswith(b"\xff\xd8\xff"):
        return "a JPEG image"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "a PNG image"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "a TIFF image"
    if data[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    return ""


# a file name's characters a table must not hold as they are: stray bytes of a
# name that is not UTF-8 (surrogate escapes) and control characters (a CR or LF
# would split a CSV row)
_UNSAFE_IN_NAME = "".join(map(chr, range(0x20))) + "\x7f"


def table_path(path: str) -> str:
    """``path`` as the tables keep it: lossless, valid UTF-8 and on one line.
    Stray bytes and control characters are written ``\\xNN`` (a backslash
    already in the name stays as it is: names with a literal ``\\x`` followed
    by two hex digits are the one ambiguity)."""
    if path.isprintable() and path.isascii():
        return path
    raw = path.encode("utf-8", "surrogateescape")
    text = raw.decode("utf-8", "backslashreplace")
    if any(c in _UNSAFE_IN_NAME for c in text):
        text = "".join(f"\\x{ord(c):02x}" if c in _UNSAFE_IN_NAME else c for c in text)
    return text


def readable_path(path: str) -> str:
    """A stored path for people: the ``\\xNN`` bytes of a name that is not
    UTF-8 decoded as the Vietnamese Windows code page (cp1258), which is what
    archives copied from Windows hold (``b\\xe1o c\\xe1o.txt`` -> ``báo cáo.txt``)."""
    import re
    if "\\x" not in path:
        return path

    def decode(m: re.Match) -> str:
        raw = bytes(int(h, 16) for h in re.findall(r"\\x([0-9a-f]{2})", m.group(0)))
        if any(b < 0x20 or b == 0x7f for b in raw):
            return m.group(0)                  # control characters stay visible as escapes
        for codec in ("utf-8", "cp1258"):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                continue
        return m.group(0)
    return re.sub(r"(?:\\x[0-9a-f]{2})+", decode, path)
