"""Stage 5: resolve citations inside a document.

- ``key``: the registry key of the cited document: normalized code (case,
  spacing, `Đ`/`D`, dash styles), serial without leading zeros, the year (from
  the number, else the date) and, for local codes, the jurisdiction (the
  province of the citing report): a `12/CT-UBND` of Tây Ninh is not the
  `12/CT-UBND` of Cao Bằng. Which codes are central is data (rules/issuers.yaml).
- ``issuer_resolved``: the issuer made explicit from the document's context
  (`Chủ tịch UBND tỉnh` in a Tây Ninh report -> `Chủ tịch UBND tỉnh Tây Ninh`,
  `UBND huyện` in a Trùng Khánh report -> `UBND huyện Trùng Khánh`).
- ``resolved_from``: a bare back-reference (`Chỉ thị 12`) points to the full
  citation of the same kind and serial in the same document.
"""
from __future__ import annotations

import functools

import regex

from . import rules
from .models import Citation, DocumentInfo, ExtractionResult


@functools.lru_cache(maxsize=1)
def _central() -> frozenset:
    return frozenset(normalize_code(c) for c in rules.load("issuers")["central_issuers"])


@functools.lru_cache(maxsize=1)
def _abbreviations() -> list[tuple[regex.Pattern, str]]:
    table = rules.load("issuers")["abbreviations"]
    return [(regex.compile(rf"(?<![\p{{L}}]){regex.escape(k)}(?![\p{{L}}])"), v)
            for k, v in sorted(table.items(), key=lambda kv: -len(kv[0]))]


@functools.lru_cache(maxsize=1)
def _run_together() -> regex.Pattern:
    """A kind abbreviation written against an issuer abbreviation with the
    hyphen left out (`QĐUBND` for `QĐ-UBND`): both parts must be known."""
    kinds = {a for k in rules.load("citations")["doc_kinds"] for a in k.get("abbr") or []}
    cfg = rules.load("issuers")
    issuers = set(cfg["abbreviations"]) | set(cfg["central_issuers"])
    fold = lambda xs: sorted({_fold_code(x) for x in xs}, key=len, reverse=True)
    return regex.compile(rf"^({'|'.join(map(regex.escape, fold(kinds)))})({'|'.join(map(regex.escape, fold(issuers)))})$")


def _fold_code(c: str) -> str:
    c = regex.sub(r"\s+", "", c or "").upper()
    return regex.sub(r"[–—‐]", "-", c).replace("Đ", "D")


@functools.lru_cache(maxsize=1 << 14)      # a few codes, cited thousands of times
def normalize_code(code: str) -> str:
    """Case, spacing, `Đ`/`D`, dash styles and a left-out hyphen folded:
    `QĐ-UBND`, `QD - UBND`, `QĐUBND` -> `QD-UBND`."""
    c = _fold_code(code)
    m = _run_together().match(c) if "-" not in c and "/" not in c else None
    return f"{m.group(1)}-{m.group(2)}" if m else c


def is_central(code: str) -> bool:
    """A code whose issuer part is central (`CT/TW`, `NĐ-CP`, `QĐ-TTg`, `TT-BNV`, `QH15`)."""
    parts = [p for p in regex.split(r"[-/]", normalize_code(code)) if p]
    if not parts:
        return False
    issuer = regex.sub(r"\d+$", "", parts[-1])
    return issuer in _central() or issuer.startswith("UBTVQH") or issuer == "QH"


def citation_key(c: Citation, jurisdiction: str) -> str:
    if not c.code:
        return ""
    year = c.number_year or (int(c.issued_date[:4]) if c.issued_date[:4].isdigit() else None)
    parts = [normalize_code(c.code), str(c.serial), str(year or "")]
    if not is_central(c.code):
        parts.append(jurisdiction or "?")
    return "|".join(parts)


UNIT_TAIL = regex.compile(r"(?i)(?:^|\s)(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)$")
DISTRICT = regex.compile(r"(?i)(?<![\p{L}])(huyện|quận|thị xã|thành phố)\s+((?:\p{Lu}[\p{L}]*)(?:\s+\p{Lu}[\p{L}]*){0,3})")


def district_of(doc: DocumentInfo) -> str:
    """`huyện Trùng Khánh` from the issuer (`UBND huyện Trùng Khánh`), else none."""
    for source in (doc.issuer, doc.title):
        m = DISTRICT.search(source or "")
        if m and m.group(2) != doc.province:
            return f"{m.group(1).lower()} {m.group(2)}"
    return ""


def resolve_issuer(issuer: str, doc: DocumentInfo) -> str:
    """Name the unit a bare `tỉnh`/`huyện` at the end of an issuer refers to,
    from the citing report's province and district."""
    if not issuer:
        return ""
    m = UNIT_TAIL.search(issuer)
    if not m:
        return issuer
    level = m.group(1).lower()
    if level in ("tỉnh",) and doc.province:
        return f"{issuer} {doc.province}"
    if level == "thành phố" and doc.province and not doc.district.startswith("thành phố"):
        return f"{issuer} {doc.province}"
    if level in ("huyện", "quận", "thị xã", "thành phố") and doc.district.startswith(level):
        return f"{issuer} {doc.district[len(level) + 1:]}"
    return issuer


def _fold(s: str) -> str:
    s = s.replace("Uỷ", "Ủy").replace("uỷ", "ủy")
    return regex.sub(r"[\s,–—-]+", " ", s).strip().casefold()


@functools.lru_cache(maxsize=1)
def _office_holders() -> list[tuple[str, str]]:
    """(title words, body words), folded, longest title first."""
    table = rules.load("issuers").get("office_holders") or {}
    return sorted(((_fold(k), _fold(v)) for k, v in table.items()), key=lambda kv: -len(kv[0]))


def issuer_identity(issuer: str) -> str:
    """A comparison form: abbreviations spelled out, parentheses dropped, an
    office holder read as the body it signs for, case and spacing folded
    (`UBND tỉnh Tây Ninh` == `Ủy ban nhân dân tỉnh Tây Ninh`,
    `Bộ trưởng Bộ Tài chính` == `Bộ Tài chính`)."""
    s = regex.sub(r"\([^)]*\)", " ", issuer or "")
    for pattern, full in _abbreviations():
        s = pattern.sub(full, s)
    s = _fold(s)
    for title, body in _office_holders():
        if s == title or s.startswith(title + " "):
            return body + s[len(title):]
    return s


def resolve_document(result: ExtractionResult, parsed=None) -> None:
    doc = result.document
    if not doc.district:
        doc.district = district_of(doc)
    # a district report whose province is not told still keeps its local codes apart
    jurisdiction = doc.province or doc.district
    full: dict[tuple[str, int], list[Citation]] = {}
    for c in result.citations:
        # a bare back-reference (`Chỉ thị 12`) is read as local to the citing report
        c.jurisdiction = "" if c.code and is_central(c.code) else jurisdiction
        c.issuer_resolved = resolve_issuer(c.issuer, doc)
        c.key = citation_key(c, jurisdiction)
        if c.code and c.serial is not None:
            full.setdefault((c.doc_type, c.serial), []).append(c)
    for c in result.citations:
        if c.code or c.serial is None:
            continue
        candidates = full.get((c.doc_type, c.serial), [])
        if candidates and len({x.key for x in candidates}) == 1:
            target = candidates[0]
            c.resolved_from = target.start
            c.key = target.key
            c.issuer_resolved = c.issuer_resolved or target.issuer_resolved
            c.jurisdiction = target.jurisdiction
