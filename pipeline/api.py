"""The pipeline for one document: ingest -> normalize -> segment -> extract (the
document's metadata, then each registered extractor's table) -> resolve.

The public functions (re-exported by ``pipeline``): :func:`extract_text`,
:func:`extract_file`, :func:`extract_source` and :func:`check_text`;
``pipeline.annotate`` marks the mentions in the text.
"""
from __future__ import annotations

import hashlib
import logging
import os

from . import normalize as normalize_stage
from . import segment as segment_stage
from .extract import Deadline, ParsedDoc, TimeLimitExceeded, extractors
from .extract.parts.cells import mark_cells
from .ingest.tables import in_normalized, text_tables
from .models import Check, DocumentInfo, ErrorRow, ExtractionResult, SourceText

log = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT = 120.0       # seconds the stages after reading may take, per document
TIME_LIMIT_ENV = "TDKT_TIME_LIMIT"


def time_limit_seconds(time_limit="env") -> float | None:
    """The time limit in seconds, or None for none. ``"env"``: the
    TDKT_TIME_LIMIT environment variable when it is set, else 120 s; a number
    of seconds; None or 0 (or less): no limit."""
    if isinstance(time_limit, str):
        if time_limit != "env":
            raise ValueError(f"time_limit: a number of seconds, None or 'env', not {time_limit!r}")
        raw = os.environ.get(TIME_LIMIT_ENV, "").strip()
        if not raw:
            return DEFAULT_TIME_LIMIT
        try:
            time_limit = float(raw)
        except ValueError:      # a typo in the environment never stops extraction
            log.warning("%s=%r is not a number of seconds: %g s", TIME_LIMIT_ENV, raw, DEFAULT_TIME_LIMIT)
            return DEFAULT_TIME_LIMIT
    return float(time_limit) if time_limit and time_limit > 0 else None


def extract_source(source: SourceText, tables=None, time_limit="env") -> ExtractionResult:
    """Run every stage after ingest on one document's text.

    ``time_limit`` (see :func:`time_limit_seconds`; default TDKT_TIME_LIMIT or
    120 s): past it the document is abandoned, with status "error" and an
    errors row, keeping the records of the extractors that had finished."""
    doc = DocumentInfo(doc_id=source.doc_id, source_path=source.source_path, format=source.format,
                       status=source.status, error=source.error, encoding=source.encoding,
                       ocr_confidence=source.ocr_confidence, ocr_repaired=source.ocr_repaired,
                       n_pages=len(source.page_starts) or None)
    result = ExtractionResult(document=doc)
    if source.status == "error":
        result.errors.append(ErrorRow(source.source_path, source.doc_id, "ingest", source.error))
        return result
    if source.status == "needs_ocr":
        result.errors.append(ErrorRow(source.source_path, source.doc_id, "ingest", source.error))
    seconds = time_limit_seconds(time_limit)
    deadline = Deadline.after(seconds) if seconds else None
    stage = "normalize"
    try:
        norm = normalize_stage.normalize(source)
        doc.n_chars = len(norm.text)
        result.normalized_text = norm.text
        stage = "segment"
        found_tables = in_normalized(source.tables, norm)
        parsed = ParsedDoc(doc_id=source.doc_id, norm=norm, seg=segment_stage.segment(norm, found_tables),
                           deadline=deadline, tables=found_tables)
        parsed.check_time()
        stage = "extract"
        from .extract import document as document_meta
        document_meta.fill(doc, parsed)
        for name, find in extractors().items():
            if tables is None or name in tables:
                stage = f"extract:{name}"
                parsed.check_time()
                setattr(result, name, find(parsed))
        for rows in result.mentions.values():          # rows read from a table cell say which
            mark_cells(rows, parsed.tables)
        stage = "resolve"
        parsed.check_time()
        _resolve(result)
    except TimeLimitExceeded as exc:
        _abandon(result, stage, exc.seconds)
        if stage.startswith("extract:"):
            _resolve_kept(result)
    except Exception as exc:  # one bad document never stops a batch
        doc.status = "error"
        doc.error = f"{stage} failed: {type(exc).__name__}: {exc}".splitlines()[0]
        result.errors.append(ErrorRow(source.source_path, source.doc_id, stage, doc.error))
    return result


def _resolve(result: ExtractionResult) -> None:
    from . import resolve
    resolve.resolve_document(result)


def _resolve_kept(result: ExtractionResult) -> None:
    """After a time-out, the records of the extractors that had finished are
    resolved like any others (keys, jurisdiction: one pass over them)."""
    try:
        _resolve(result)
    except Exception:  # the document's errors row is written already
        log.warning("resolving the records kept of %s failed", result.document.doc_id, exc_info=True)


def _abandon(result: ExtractionResult, stage: str, seconds: float) -> None:
    """The document ran past its time limit during ``stage``."""
    doc = result.document
    doc.status = "error"
    doc.error = f"abandoned: took longer than {seconds:g} s (time limit)"
    result.errors.append(ErrorRow(doc.source_path, doc.doc_id, stage, doc.error))


def extract_text(text: str, doc_id: str = "", source_path: str = "<text>", tables=None,
                 time_limit="env") -> ExtractionResult:
    """Extract from a string (tests, notebooks). ``tables``: the names of the
    tables to fill (all by default); ``time_limit``: as for extract_source.
    Offsets (``start``, ``end``) point into ``result.normalized_text``.

    >>> result = extract_text("Năm 2021, 21 tập thể được tặng Bằng khen của Chủ tịch UBND tỉnh.")
    >>> [(a.award, a.recipient_type, a.count, a.conferrer) for a in result.awards]
    [('Bằng khen', 'tập thể', 21, 'Chủ tịch UBND tỉnh')]
    >>> money = extract_text("Đã chi trên 14 triệu đồng mua thẻ BHYT.").money[0]
    >>> money.text, money.amount_vnd, money.qualifier
    ('trên 14 triệu đồng', 14000000, 'over')
    """
    doc_id = doc_id or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    source = SourceText(doc_id=doc_id, source_path=source_path, format="txt", text=text,
                        tables=text_tables(text))       # as the text reader reads them
    return extract_source(source, tables, time_limit=time_limit)


def extract_file(path: str, tables=None, ocr: bool = False, time_limit="env") -> ExtractionResult:
    """Read one file and extract its records. Never raises for a bad file: it
    comes back with ``result.document.status == "error"`` and an errors row.
    ``ocr``: read scanned PDF pages with Tesseract. ``time_limit``: as for
    extract_source; it counts from when the text has been read.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "bao_cao.txt"
    ...     _ = path.write_text("Căn cứ Luật Thi đua, khen thưởng năm 2022.", encoding="utf-8")
    ...     result = extract_file(path)
    ...     missing = extract_file(pathlib.Path(folder) / "missing.txt")
    >>> result.document.status, [c.doc_type for c in result.citations]
    ('ok', ['Luật'])
    >>> missing.document.status, missing.errors[0].stage
    ('error', 'ingest')
    """
    from .ingest import read_source
    return extract_source(read_source(str(path), ocr=ocr), tables, time_limit=time_limit)


def check_text(text: str, time_limit="env") -> list[Check]:
    """Extract a string and run the auditor's checks on it (those of ``tdkt
    check``, rules/checks.yaml): the findings, as Check records whose
    ``start``/``end`` point into the normalized text.

    >>> found = check_text("Có 03/19 xã đạt 19 tiêu chí, chiếm 18,5% (gồm các xã Phong Châu, Cao Chương, Ngọc Côn).")
    >>> [(c.rule_id, c.severity) for c in found]
    [('percent_vs_ratio', 'error')]
    >>> found[0].message
    'Tỷ lệ nêu 18,5% không khớp với 3/19 xã = 15,79%.'
    >>> check_text("Có 03/19 xã đạt 19 tiêu chí, chiếm 15,8%.")
    []

    The string is one document: the checks that compare documents (claims of
    one unit and year that differ between reports, the registry's conflicts)
    need them all, ``tdkt check --out DIR``.
    """
    from .audit.checks import run_checks
    from .audit.store import tables_of_results
    return run_checks(tables_of_results([extract_text(text, time_limit=time_limit)]))
