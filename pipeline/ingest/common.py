"""Helpers shared by the ingest readers."""
from __future__ import annotations

import hashlib
import os

from ..models import SourceText

FORMATS = {".txt": "txt", ".text": "txt", ".md": "txt", ".docx": "docx", ".pdf": "pdf",
           ".doc": "doc", ".odt": "odt", ".rtf": "rtf", ".html": "html", ".htm": "html"}


def doc_id_of(data: bytes) -> str:
    """First 16 hex chars of the SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()[:16]


def format_of(path: str) -> str:
    """Format family from the extension: txt, docx, pdf, doc, odt, rtf, html; else
    the bare lowercase extension (``xlsx``...) or "" when there is none."""
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
    if data[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    return ""
