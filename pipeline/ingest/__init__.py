"""Stage 1: read one source file (txt, docx, pdf) into a :class:`SourceText`.

``read_source(path)`` never raises for a bad file: a file that cannot be read
comes back with ``status="error"`` and a one-line human-readable ``error``; a PDF
without a text layer comes back with ``status="needs_ocr"``.

Text conventions (the normalize stage relies on them):
  * paragraphs are separated by a blank line ("\\n\\n");
  * inside a paragraph, line breaks are kept as the source has them (PDF: one
    "\\n" per visual line; DOCX: a soft line break w:br);
  * no Unicode normalization and no whitespace cleanup, except that CRLF / CR line
    endings of text files become "\\n";
  * PDF pages are joined with "\\n\\n" and ``page_starts`` gives where each page's
    text begins; running headers/footers and page numbers are removed.
"""
from __future__ import annotations

import os

from ..models import SourceText
from .common import FORMATS as SUPPORTED_EXTENSIONS
from .common import doc_id_of, format_of, one_line

__all__ = ["read_source", "SUPPORTED_EXTENSIONS"]


def read_source(path: str) -> SourceText:
    """Read ``path`` into a SourceText. Never raises for a bad or unreadable file."""
    path_str = os.fspath(path)
    fmt = format_of(path_str)
    try:
        with open(path_str, "rb") as fh:
            data = fh.read()
    except IsADirectoryError:
        return _error(path_str, fmt, doc_id_of(path_str.encode("utf-8", "surrogateescape")),
                      "cannot open file: it is a directory")
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return _error(path_str, fmt, doc_id_of(path_str.encode("utf-8", "surrogateescape")),
                      f"cannot open file: {reason}")
    doc_id = doc_id_of(data)
    ext = os.path.splitext(path_str)[1].lower()
    if ext not in SUPPORTED_EXTENSIONS:
        return _error(path_str, fmt, doc_id, _unsupported_message(ext))
    if not data:
        return _error(path_str, fmt, doc_id, "empty file")
    try:
        if fmt == "txt":
            from .txt_reader import read_txt
            result = read_txt(data)
        elif fmt == "docx":
            from .docx_reader import read_docx
            result = read_docx(data)
        else:
            from .pdf_reader import read_pdf
            result = read_pdf(data)
    except MemoryError:
        return _error(path_str, fmt, doc_id, "out of memory while reading the file")
    except Exception as exc:  # a reader bug or an unforeseen library error: never raise
        return _error(path_str, fmt, doc_id,
                      one_line(f"could not read {fmt}: {exc.__class__.__name__}: {exc}"))
    result.doc_id = doc_id
    result.source_path = path_str
    result.format = fmt
    return result


def _error(path: str, fmt: str, doc_id: str, message: str) -> SourceText:
    return SourceText(doc_id=doc_id, source_path=path, format=fmt, status="error",
                      error=one_line(message))


def _unsupported_message(ext: str) -> str:
    if not ext:
        return "unsupported format: file has no extension"
    hints = {
        ".doc": "old binary Word .doc; save it as .docx",
        ".odt": "OpenDocument text; save it as .docx",
        ".rtf": "rich text; save it as .docx",
        ".html": "web page; save its text as .txt",
        ".htm": "web page; save its text as .txt",
    }
    hint = hints.get(ext)
    return f"unsupported format: {ext}" + (f" ({hint})" if hint else "")
