"""Typed records passed between the stages.

ingest -> SourceText -> normalize -> NormalizedText -> segment -> paragraphs and
sentences (pipeline.segment.Segmented) -> extract -> an ExtractionResult (the
DocumentInfo row, the mention records, the errors) -> resolve -> store -> export.

Every mention record carries its provenance: doc_id, character span into the
document's normalized text (``text == normalized[start:end]``), page (PDF and
scanned images), the sentence it came from and the named rule that made it
(``rule``). The mention tables are those the extractors register
(:data:`MENTION_TYPES`, filled from their specs); the derived tables
(:data:`DERIVED_TABLE_TYPES`) are built from the whole store.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass
class SourceText:
    """What ingest read from one file, before normalization."""
    doc_id: str
    source_path: str
    format: str
    text: str = ""
    # offset in ``text`` where each page starts (page 1 first); empty when not paged
    page_starts: list[int] = field(default_factory=list)
    status: str = "ok"            # ok | needs_ocr | error
    error: str = ""
    encoding: str = ""            # what the bytes were decoded from
    ocr_confidence: float | None = None
    ocr_repaired: int | None = None    # OCR'd words whose tone marks were repaired
    # the tables the reader found (spans into ``text``; extract_source maps them
    # into the normalized text for the extractors)
    tables: list[Table] = field(default_factory=list)


@dataclass
class TableCell:
    """One cell of a table, where it sits in the grid and in the text.

    ``row``/``col`` are grid positions (a merged cell sits at its top-left
    corner and spans ``row_span`` x ``col_span``); ``start``/``end`` are its
    text's span (``text == document_text[start:end]``). The header paths are
    outermost first: ``col_header`` the column headers above it (`Khen thưởng`,
    `Tập thể`), ``row_header`` the labels of its row left of it (the group row
    it sits under first, `I. Khối huyện`, then `Phòng Nội vụ`)."""
    row: int
    col: int
    text: str
    start: int
    end: int
    row_span: int = 1
    col_span: int = 1
    header: bool = False          # a cell of the header rows
    total: bool = False           # a cell of a total row (`Tổng cộng`, `Cộng`)
    row_header: tuple[str, ...] = ()
    col_header: tuple[str, ...] = ()
    unit: str = ""                 # its column header's unit (`triệu đồng`), else the table's
    prose: bool = False           # it holds a sentence of the report, not a label or a value (rules/tables.yaml)

    @property
    def header_path(self) -> str:
        """The row and column header paths joined, as the cell_header column shows them."""
        return " / ".join(h.replace("\n", " ") for h in self.row_header + self.col_header)


@dataclass
class Table:
    """A table a reader found: its cells, caption and unit, its span in the text.

    ``caption``: the lines just above it (a title, `Đơn vị tính: triệu đồng`)
    and its own title rows; ``unit``: the unit its caption or title rows state
    (`triệu đồng`); ``header_rows``: how many rows at its top are headers;
    ``layout``: it only lays out the report's paragraphs (`TT | Nội dung |
    Ghi chú`, no values, its cells of text mostly prose): segment reads its
    cells as paragraphs."""
    index: int
    start: int
    end: int
    cells: list[TableCell] = field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0
    header_rows: int = 0
    caption: str = ""
    unit: str = ""
    page: int | None = None
    layout: bool = False

    def rows(self) -> list[list[TableCell]]:
        """The cells row by row (each row's cells left to right)."""
        out: list[list[TableCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        return out


@dataclass
class NormalizedText:
    """Normalized text plus the map back to the source text.

    ``to_source[i]`` is the offset in the source text of normalized char i
    (one extra entry at the end for the end offset); a numpy int array."""
    text: str
    to_source: np.ndarray
    page_starts: list[int] = field(default_factory=list)  # in normalized offsets

    def page_of(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))   # (page starts ascend)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return int(self.to_source[start]), int(self.to_source[end])


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    # the heading or bullet lead-in the sentence sits under ("Kết quả khen thưởng năm 2021:")
    context: str = ""


@dataclass
class Mention:
    doc_id: str
    start: int
    end: int
    text: str
    page: int | None
    sentence: str
    # the id of the named rule in rules/ that made the row (`citations.numbered`)
    rule: str = ""
    # for a row read from a table cell: the table (0-based, in document order),
    # the cell's row and column in its grid, and its row and column headers
    table_index: int | None = None
    table_row: int | None = None
    table_col: int | None = None
    cell_header: str = ""


@dataclass
class Citation(Mention):
    doc_type: str = ""
    number: str = ""
    serial: int | None = None
    code: str = ""
    number_year: int | None = None
    issued_date: str = ""
    effective_date: str = ""      # the date the sentence says it takes effect (`có hiệu lực từ ngày ...`)
    issuer: str = ""
    issuer_resolved: str = ""
    issuer_canonical: str = ""    # the body issuer_resolved names, by its name in rules/issuers.yaml (bodies)
    subject: str = ""
    key: str = ""
    resolved_from: int | None = None
    jurisdiction: str = ""        # a local code's province at the cited document's time
    jurisdiction_now: str = ""    # the province it is part of now (after the 2025 reorganisation)
    date_written: str = ""        # the date as the text writes it (kept when it is impossible)
    self_reference: bool = False  # the citing document's own number: no citation by another document


@dataclass
class Movement(Mention):
    name: str = ""
    canonical: str = ""
    kind: str = ""
    period: str = ""


@dataclass
class Money(Mention):
    amount_vnd: int | None = None
    qualifier: str = "exact"
    purpose: str = ""
    amount_max_vnd: int | None = None   # upper end of a range `từ 10 đến 15 triệu đồng`
    per_unit: str = ""                     # `suất` in `15 triệu đồng/suất`
    # the exact digits of an amount beyond a 64-bit integer (amount_vnd is then empty)
    amount_exact: str = ""
    amount_max_exact: str = ""
    # one of a pair written `X/Y`: actual | plan (`4.105/4.300 tỷ đồng, đạt 95% kế hoạch`) or part | whole
    role: str = ""
    pair_start: int | None = None          # the start of the pair's first row (both rows carry it)


@dataclass
class Award(Mention):
    award: str = ""
    conferrer: str = ""
    recipient_type: str = ""
    count: int | None = None
    year: int | None = None
    status: str = "awarded"
    recipients: str = ""
    # the total a breakdown row is part of (`trao 15 Bằng khen cho 10 tập thể và 5 cá nhân`: 15)
    total_count: int | None = None


@dataclass
class Figure(Mention):
    """Another quantitative claim: a count, ratio, percentage or area."""
    kind: str = ""                 # count | ratio | percent | area | ...
    value: float | None = None
    denominator: float | None = None
    unit: str = ""
    of_what: str = ""
    # the exact digits of a value beyond a 64-bit integer (value holds it rounded)
    value_exact: str = ""


@dataclass
class DocumentInfo:
    doc_id: str
    source_path: str
    format: str
    status: str = "ok"
    error: str = ""
    n_chars: int = 0
    n_pages: int | None = None
    doc_kind: str = ""
    number: str = ""
    issuer: str = ""
    province: str = ""
    place: str = ""
    issued_date: str = ""
    period: str = ""
    title: str = ""
    district: str = ""            # `huyện Trùng Khánh`, from the issuer or place line
    encoding: str = ""
    ocr_confidence: float | None = None
    ocr_repaired: int | None = None    # OCR'd words whose tone marks were repaired
    also_at: str = ""             # other files of the batch with the same bytes, `; `-separated


@dataclass
class ErrorRow:
    source_path: str
    doc_id: str
    stage: str
    error: str


# the mention tables, table name -> record type, in the order the extractors
# are listed; pipeline.extract.base fills it as it registers each extractor
MENTION_TYPES: dict[str, type] = {}


def register_table(name: str, record_type: type) -> None:
    MENTION_TYPES[name] = record_type


def unregister_table(name: str) -> None:
    MENTION_TYPES.pop(name, None)


@dataclass(init=False, repr=False)
class ExtractionResult:
    """Everything extracted from one file: the document's row, each mention
    table's rows (``result.mentions["citations"]``, also read as
    ``result.citations``), the errors rows and the normalized text."""
    document: DocumentInfo
    errors: list
    normalized_text: str
    text_zlib: bytes
    mentions: dict

    def __init__(self, document: DocumentInfo, errors: list | None = None, normalized_text: str = "",
                 text_zlib: bytes = b"", mentions: dict | None = None, **tables: list):
        self.document = document
        self.errors: list[ErrorRow] = errors if errors is not None else []
        self.normalized_text = normalized_text
        # the normalized text, zlib-compressed, as a worker sends it to the store
        self.text_zlib = text_zlib
        self.mentions: dict[str, list] = {**(mentions or {}), **tables}

    def __getattr__(self, name: str) -> list:
        # only for what __init__ did not set: a mention table by its name
        mentions = self.__dict__.get("mentions")
        if mentions is not None and (name in mentions or name in MENTION_TYPES):
            return mentions.setdefault(name, [])
        raise AttributeError(f"{type(self).__name__} has no attribute or table {name!r}")

    def __setattr__(self, name: str, value) -> None:
        # a name that is not one of the fields above is a mention table's (an
        # extractor's table may be set before the extractors are registered)
        if name in self.__dataclass_fields__:
            object.__setattr__(self, name, value)
        else:
            self.mentions[name] = value

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={len(v)}" for k, v in self.mentions.items() if v)
        return f"ExtractionResult({self.document.doc_id!r}, {counts or 'no mentions'}, errors={len(self.errors)})"

    def tables(self) -> dict[str, list]:
        """Every per-document table's rows: documents, each mention table (in
        the extractors' order, an empty list for one that did not run), errors."""
        names = list(MENTION_TYPES) + [n for n in self.mentions if n not in MENTION_TYPES]
        return {"documents": [self.document], **{n: self.mentions.get(n, []) for n in names},
                "errors": self.errors}


# --- derived tables: the registry, the auditor's toolkit -------------------

@dataclass
class Directive:
    """One real cited document in the registry (one row per key)."""
    key: str
    doc_type: str = ""
    number: str = ""
    issued_date: str = ""
    issuer_resolved: str = ""
    subject: str = ""
    n_citations: int = 0
    n_documents: int = 0
    first_cited: str = ""
    last_cited: str = ""
    variants: str = ""
    jurisdiction: str = ""
    jurisdiction_now: str = ""
    title: str = ""               # the cited document's own title, when it is in the store
    in_store_doc_id: str = ""     # the document of the store that is the cited document


@dataclass
class Conflict:
    """Two citations of one key that disagree on a field."""
    key: str
    field: str
    value_a: str = ""
    value_b: str = ""
    doc_id_a: str = ""
    start_a: int | None = None
    sentence_a: str = ""
    doc_id_b: str = ""
    start_b: int | None = None
    sentence_b: str = ""


@dataclass
class Check:
    """A finding of `tdkt check`."""
    rule_id: str
    severity: str = "warning"      # error | warning | info
    message: str = ""
    basis: str = ""
    values: str = ""
    doc_id: str = ""
    start: int | None = None
    end: int | None = None
    sentence: str = ""
    spans: str = ""                # further spans, `doc_id:start-end; ...`


# tables derived from the whole store (registry, check)
DERIVED_TABLE_TYPES = {
    "directives": Directive,
    "conflicts": Conflict,
    "checks": Check,
}
