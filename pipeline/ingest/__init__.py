"""Stage 1: read one source file into a :class:`SourceText`.

Formats: .txt/.text/.md (any common encoding, TCVN3 and VNI included), .docx,
.pdf (text layer; ``ocr=True`` reads scanned pages with Tesseract), .doc/.odt/.rtf
(through LibreOffice), .html/.htm (article text without the site around it),
scanned images .jpg/.jpeg/.png/.tif/.tiff (``ocr=True``: Tesseract, a TIFF's
frames as pages; ``needs_ocr`` without), spreadsheets .xlsx/.xlsm/.xls/.ods
(python-calamine: each sheet's rows as table rows).  A ``.zip`` is no document: the batch
reads the files inside it (``zip_reader``; ``read_source`` of a ``.zip`` says so).

``read_source(path, ocr=False)`` never raises for a bad file: a file that cannot
be read comes back with ``status="error"`` and a one-line human-readable
``error``; a PDF without a text layer, or an image, comes back with ``status="needs_ocr"``
(or, with ``ocr=True``, is read by OCR and records ``ocr_confidence``).  A
format whose program is missing (LibreOffice, Tesseract) is an error that names
the program and the make target that installs it.

Text conventions (the normalize stage relies on them):
  * paragraphs are separated by a blank line ("\\n\\n");
  * inside a paragraph, line breaks are kept as the source has them (PDF: one
    "\\n" per visual line; DOCX: a soft line break w:br);
  * no Unicode normalization and no whitespace cleanup, except that CRLF / CR line
    endings of text files become "\\n";
  * PDF pages are joined with "\\n\\n" and ``page_starts`` gives where each page's
    text begins; running headers/footers and page numbers are removed;
  * a table row is one paragraph, its cells joined by " | " (DOCX, PDF ruled
    tables, HTML, spreadsheets); the tables are also in ``tables``, the table
    model (cells with their spans, header paths, caption, unit: ``.tables``),
    markdown pipe tables of text files too;
  * DOCX headers, footers and notes come after the body, never inside it;
  * legacy TCVN3 / VNI text is converted to Unicode (``encoding`` says so).
"""
from __future__ import annotations

import os

from ..models import SourceText
from .common import FORMATS as SUPPORTED_EXTENSIONS
from .common import doc_id_of, format_of, one_line, sniff_kind

__all__ = ["read_source", "SUPPORTED_EXTENSIONS", "unsupported_message"]


def read_source(path: str, ocr: bool = False) -> SourceText:
    """Read ``path`` into a SourceText. Never raises for a bad or unreadable file.
    ``ocr``: read PDF pages without a text layer, and images, with Tesseract."""
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
        elif fmt == "pdf":
            from .pdf_reader import read_pdf
            result = read_pdf(data, ocr=ocr)
        elif fmt == "image":
            from .image_reader import read_image
            result = read_image(data, ocr=ocr)
        elif fmt == "spreadsheet":
            from .spreadsheet_reader import read_spreadsheet
            result = read_spreadsheet(data)
        elif fmt == "html" or sniff_kind(data) == "an HTML page":
            # old sites saved web pages as .doc too
            from .html_reader import read_html
            result = read_html(data)
        else:
            from .office_reader import read_office
            result = read_office(data, ext)
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


def unsupported_message(name: str) -> str:
    """The errors-row message of a file (its name or path) of a kind that is not read."""
    return _unsupported_message(os.path.splitext(name)[1].lower())


def _unsupported_message(ext: str) -> str:
    if not ext:
        return "unsupported format: file has no extension"
    hints = {
        ".numbers": "an Apple Numbers spreadsheet; save it as .xlsx or .ods",
        ".ppt": "a presentation",
        ".pptx": "a presentation",
        ".docm": "a macro-enabled Word document; save it as .docx",
        ".dot": "a Word template; save it as .doc or .docx",
        ".dotx": "a Word template; save it as .docx",
        ".zip": "a zip archive: `tdkt extract` reads the files inside it",
        ".rar": "an archive: only .zip archives are read; unpack it",
        ".7z": "an archive: only .zip archives are read; unpack it",
        ".gif": "an image: scans are read from .jpg, .png and .tif",
        ".bmp": "an image: scans are read from .jpg, .png and .tif",
    }
    hint = hints.get(ext)
    return f"unsupported format: {ext}" + (f" ({hint})" if hint else "")
