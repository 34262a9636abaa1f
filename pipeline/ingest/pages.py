"""A page as its lines with their boxes (PDF points), what both the PDF
reader's text layer and Tesseract's OCR give: the running heads and the
paragraphs are found on them alike (``pdf_reader.remove_running_lines``,
``pdf_reader.assemble``)."""
from __future__ import annotations

from dataclasses import dataclass, field


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
    tables_unsure: bool = False  # pdf_tables could not read the tables as pdfplumber would
    tables: list = field(default_factory=list)  # the ruled tables put in as rows (ingest.tables.RawTable)
