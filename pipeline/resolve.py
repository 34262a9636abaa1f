"""Stage 5: resolve citations inside a document.

- ``key``: the registry key of the cited document: normalized code, serial,
  year, and for local codes the jurisdiction (province of the citing report).
- ``issuer_resolved``: the issuer made explicit from the document's context
  (`Chủ tịch UBND tỉnh` in a Tây Ninh report -> `Chủ tịch UBND tỉnh Tây Ninh`).
- ``resolved_from``: a bare back-reference (`Chỉ thị 12`) points to the full
  citation of the same kind and serial in the same document.
"""
from __future__ import annotations

import functools

import regex

from . import rules
from .models import Citation, ExtractionResult


@functools.lru_cache(maxsize=1)
def _central() -> frozenset:
    return frozenset(c.upper().replace("Đ", "D") for c in rules.load("issuers")["central_issuers"])


def normalize_code(code: str) -> str:
    """Case, spacing, `Đ`/`D` and dash styles folded: `QĐ-UBND`, `QD - UBND` -> `QD-UBND`."""
    c = regex.sub(r"\s+", "", code or "").upper()
    c = regex.sub(r"[–—‐]", "-", c).replace("Đ", "D")
    return c


def is_central(code: str) -> bool:
    parts = [p for p in regex.split(r"[-/]", normalize_code(code)) if p]
    if not parts:
        return False
    issuer = parts[-1]
    return issuer in _central() or issuer.startswith(("QH", "UBTVQH")) or issuer.startswith("B") and len(parts) >= 2 \
        and parts[0] in ("TT", "TTLT", "QD", "CT", "HD") and issuer in _central()


def citation_key(c: Citation, province: str) -> str:
    if not c.code:
        return ""
    year = c.number_year or (int(c.issued_date[:4]) if c.issued_date[:4].isdigit() else None)
    parts = [normalize_code(c.code), str(c.serial), str(year or "")]
    if not is_central(c.code):
        parts.append(province or "?")
    return "|".join(parts)


SCOPE_TAIL = regex.compile(r"(?i)(?:^|\s)(tỉnh|thành phố)$")


def resolve_issuer(issuer: str, province: str) -> str:
    """`Chủ tịch UBND tỉnh` -> `Chủ tịch UBND tỉnh Tây Ninh` when the report's province is known."""
    if not issuer:
        return ""
    if province and SCOPE_TAIL.search(issuer):
        return f"{issuer} {province}"
    return issuer


def resolve_document(result: ExtractionResult, parsed=None) -> None:
    province = result.document.province
    full: dict[tuple[str, int], Citation] = {}
    for c in result.citations:
        c.jurisdiction = "" if not c.code or is_central(c.code) else province
        c.issuer_resolved = resolve_issuer(c.issuer, province)
        c.key = citation_key(c, province)
        if c.code and c.serial is not None:
            full.setdefault((c.doc_type, c.serial), c)
    for c in result.citations:
        if not c.code and c.serial is not None:
            target = full.get((c.doc_type, c.serial))
            candidates = [x for x in result.citations if x.code and x.doc_type == c.doc_type and x.serial == c.serial]
            if target is not None and len({x.key for x in candidates}) == 1:
                c.resolved_from = target.start
                c.key = target.key
                c.issuer_resolved = target.issuer_resolved
