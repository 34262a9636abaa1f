"""The pipeline for one document: ingest -> normalize -> segment -> extract -> resolve."""
from __future__ import annotations

import hashlib

from . import normalize as normalize_stage
from . import segment as segment_stage
from .extract import ParsedDoc, extractors
from .models import DocumentInfo, ErrorRow, ExtractionResult, SourceText


def extract_source(source: SourceText, tables=None) -> ExtractionResult:
    """Run every stage after ingest on one document's text."""
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
    stage = "normalize"
    try:
        norm = normalize_stage.normalize(source)
        doc.n_chars = len(norm.text)
        result.normalized_text = norm.text
        stage = "segment"
        parsed = ParsedDoc(doc_id=source.doc_id, norm=norm, seg=segment_stage.segment(norm))
        stage = "extract"
        from .extract import document as document_meta
        document_meta.fill(doc, parsed)
        for name, find in extractors().items():
            if tables is None or name in tables:
                stage = f"extract:{name}"
                setattr(result, name, find(parsed))
        stage = "resolve"
        from . import resolve
        resolve.resolve_document(result, parsed)
    except Exception as exc:  # one bad document never stops a batch
        doc.status = "error"
        doc.error = f"{stage} failed: {type(exc).__name__}: {exc}".splitlines()[0]
        result.errors.append(ErrorRow(source.source_path, source.doc_id, stage, doc.error))
    return result


def extract_text(text: str, doc_id: str = "", source_path: str = "<text>", tables=None) -> ExtractionResult:
    """Extract from a string (tests, notebooks)."""
    doc_id = doc_id or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return extract_source(SourceText(doc_id=doc_id, source_path=source_path, format="txt", text=text), tables)


def extract_file(path: str, tables=None, ocr: bool = False) -> ExtractionResult:
    """Read one file and extract its records. Never raises for a bad file.
    ``ocr``: read scanned PDF pages with Tesseract."""
    from .ingest import read_source
    return extract_source(read_source(str(path), ocr=ocr), tables)
