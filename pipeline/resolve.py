"""Stage 5: resolve citations inside a document.

- ``key``: the registry key of the cited document: normalized code (case,
  spacing, `Đ`/`D`, dash styles), serial without leading zeros, the year (from
  the number, else the date) and, for local codes, the jurisdiction: a
  `12/CT-UBND` of Tây Ninh is not the `12/CT-UBND` of Cao Bằng. Which codes
  are central is data (rules/issuers.yaml).
- the key's kind and zeros (pipeline/kinds.py, from rules/citations.yaml): a
  code naming only its issuer carries the kind where its number does not tell
  the documents apart (the National Assembly's laws and resolutions, numbered
  apart; `17-CP` without a year); a numbering zero-padded on purpose keeps its
  zeros (`TT-BNV|001|2025`).
- ``self_reference``: the citing document's own number (its header's), named
  in it: flagged, never counted by the registry as cited by another document.
- ``jurisdiction``: the province of a local code at the cited document's
  time (the province its issuer names, else the citing report's), so that a
  2024 document of UBND tỉnh Hải Dương cited in a Hải Phòng report of August
  2025 stays Hải Dương's; ``jurisdiction_now``: the province that is now
  (Hải Phòng), from the 2025 reorganisation (rules/reorganisation_2025.yaml).
- ``issuer_resolved``: the issuer made explicit from the document's context
  (`Chủ tịch UBND tỉnh` in a Tây Ninh report -> `Chủ tịch UBND tỉnh Tây Ninh`,
  `UBND huyện` in a Trùng Khánh report -> `UBND huyện Trùng Khánh`);
  ``issuer_canonical``: the body it names, by its one name in
  rules/issuers.yaml (`Bộ trưởng Bộ GDĐT` -> `Bộ Giáo dục và Đào tạo`), what
  the registry compares.
- ``resolved_from``: a bare back-reference (`Chỉ thị 12`) points to the full
  citation of the same kind and serial in the same document.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from . import kinds, rules
from .extract.document import proper_case
from .extract.parts.issuers import canonical, district_pattern
from .extract.parts.text import fold_code
from .models import Citation, DocumentInfo, ExtractionResult
from .reorganisation import jurisdiction_at, jurisdiction_now, province_named


@rules.compiled("issuers")
def _central() -> frozenset:
    return frozenset(fold_code(c) for c in rules.load("issuers")["central_issuers"])


@rules.compiled("issuers", "citations")
def _leading_abbreviation() -> regex.Pattern:
    """The known abbreviation a code written without hyphens starts with: a
    kind (`QĐUBND` = `QĐ-UBND`) or an issuer (`UBNDNCKSTTHC` = `UBND-NCKSTTHC`,
    `SNVTCCC` = `SNV-TCCC`)."""
    kinds = {a for k in rules.load("citations")["doc_kinds"] for a in k.get("abbr") or []}
    cfg = rules.load("issuers")
    known = kinds | set(cfg["abbreviations"]) | set(cfg["central_issuers"])
    alt = "|".join(map(regex.escape, sorted({fold_code(x) for x in known}, key=len, reverse=True)))
    return regex.compile(rf"^({alt})(?=[A-Z]{{2}})")


@rules.compiled("issuers")
def _whole_abbreviations() -> frozenset:
    """Codes that are one known abbreviation (`BCĐTW`, `HĐTĐKT`): never split."""
    cfg = rules.load("issuers")
    return frozenset(fold_code(x) for x in set(cfg["abbreviations"]) | set(cfg["central_issuers"]))


@rules.compiled("citations")
def _kind_abbreviations() -> frozenset:
    return frozenset(fold_code(a) for k in rules.load("citations")["doc_kinds"] for a in k.get("abbr") or [])




@functools.lru_cache(maxsize=1 << 14)      # a few codes, cited thousands of times
def normalize_code(code: str) -> str:
    """The code as the registry compares it: case, spacing, `Đ`/`D`, `/` and
    dash styles folded, a left-out hyphen put back after a known leading
    abbreviation: `QĐ-UBND`, `QD - UBND`, `QĐUBND` -> `QD-UBND`; `CT/TW` -> `CT-TW`."""
    c = fold_code(code)
    if "-" not in c and c not in _whole_abbreviations():
        m = _leading_abbreviation().match(c)
        if m:
            c = f"{m.group(1)}-{c[m.end():]}"
    return c


TRAILING_DIGITS = regex.compile(r"\d+$")
NUMBER_SERIAL = regex.compile(r"\s*0*(\d+)\s*(.*)$")       # `05/QĐ-UBND`: 5, `/QĐ-UBND`
LEADING_MARK = regex.compile(r"^[/-]")


@functools.lru_cache(maxsize=4096)      # a document cites a few codes many times
def is_central(code: str) -> bool:
    """A code with a central issuer part (`CT/TW`, `NĐ-CP`, `QĐ-TTg`, `TT-BNV`,
    `QH15`, and `BTP-PBGDPL`: a ministry's letter names it first)."""
    parts = [TRAILING_DIGITS.sub("", p) for p in normalize_code(code).split("-") if p]
    issuers = [p for p in parts if p not in _kind_abbreviations()] or parts[-1:]
    return any(p in _central() or p.startswith("UBTVQH") or p == "QH" for p in issuers)


def _number_form(number: str) -> str:
    """A document number as compared for identity; empty when it has no serial
    (a draft's `/QĐ-UBND`)."""
    m = NUMBER_SERIAL.match(number or "")
    return f"{m.group(1)}|{normalize_code(LEADING_MARK.sub('', m.group(2)))}" if m and m.group(2) else ""


def _same_day_or_unsaid(a: str, b: str) -> bool:
    return not a or not b or a[:len(b)] == b[:len(a)]


def _year_of(c: Citation):
    return c.number_year or (int(c.issued_date[:4]) if c.issued_date[:4].isdigit() else None)


def document_key(code: str, serial: str, year: int | None, kind: str = "", jurisdiction: str | None = None) -> str:
    """The registry key of a document: its normalized code (with the kind it
    carries, :func:`pipeline.kinds.key_kind`), serial (:func:`pipeline.kinds.key_serial`),
    year and, for a local code (``jurisdiction`` not None), its jurisdiction:
    `QD-UBND|12|2021|Tây Ninh`, `ND-CP|91|2017`, `QH15(Luật)|6|2022`, `CP(Quyết định)|104|`."""
    parts = [normalize_code(code) + (f"({kind})" if kind else ""), serial, str(year or "")]
    if jurisdiction is not None:
        parts.append(jurisdiction or "?")
    return "|".join(parts)


def citation_key(c: Citation, jurisdiction: str) -> str:
    if not c.code:
        return ""
    year = kinds.key_year(c.code, c.number_year, _year_of(c))
    return document_key(c.code, kinds.key_serial(c.number, c.serial, c.code, year), year,
                        kinds.key_kind(c.doc_type, c.code, year), None if is_central(c.code) else jurisdiction)


@dataclass(frozen=True)
class Units:
    """The unit words of rules/issuers.yaml an issuer may end in (`UBND tỉnh`)."""
    tail: regex.Pattern            # a unit word ending the issuer (group 1)
    doubled: regex.Pattern         # the unit word ending it written twice (`UBND tỉnh tỉnh`)
    province: frozenset            # `tỉnh`
    city: tuple                    # `thành phố`: a province, or a district
    district: frozenset            # `huyện`, `quận`, `thị xã`, `thành phố`


@rules.compiled("issuers")
def _units() -> Units:
    iss = rules.load("issuers")
    return Units(tail=regex.compile(rf"(?i)(?:^|\s)({rules.as_written(iss['place_words'])})$"),
                 doubled=regex.compile(rf"(?i)(?<![\p{{L}}])({rules.as_written(iss['place_words'])})(?:\s+\1)+$"),
                 province=frozenset(iss["province_words"]), city=tuple(iss["city_words"]),
                 district=frozenset(iss["district_words"]))


def district_of(doc: DocumentInfo) -> str:
    """`huyện Trùng Khánh` from the issuer (`UBND huyện Trùng Khánh`) or else the title; none."""
    for source in (doc.issuer, doc.title):
        m = district_pattern(any_case=True).search(source or "")
        if m and m.group(2) != doc.province:
            return f"{m.group(1).lower()} {m.group(2)}"
    return ""


def resolve_issuer(issuer: str, doc: DocumentInfo) -> str:
    """Name the unit a bare `tỉnh`/`huyện` at the end of an issuer refers to,
    from the citing report's province and district."""
    if not issuer:
        return ""
    letters = [ch for ch in issuer if ch.isalpha()]
    if len(letters) > 3 and all(ch.isupper() for ch in letters):
        # a heading's capitals (`ỦY BAN NHÂN DÂN TỈNH VĨNH LONG`) written the usual way
        issuer = proper_case(issuer)
    units = _units()
    m = units.tail.search(issuer)
    if not m:
        return issuer
    issuer = units.doubled.sub(r"\1", issuer)
    level = m.group(1).lower()
    if level in units.province and doc.province:
        return f"{issuer} {doc.province}"
    if level in units.city and doc.province and not doc.district.startswith(units.city):
        return f"{issuer} {doc.province}"
    if level in units.district and doc.district.startswith(level):
        return f"{issuer} {doc.district[len(level) + 1:]}"
    return issuer


def jurisdiction_of(c: Citation, doc: DocumentInfo, named: str = "") -> str:
    """A local code's jurisdiction: the province its issuer names (else
    ``named``, the one another citation of its number names), else the citing
    report's (its province, else its district), as it was at the cited
    document's time (its date, else its number's year, else the report's date)."""
    province = province_named(c.issuer_resolved) or named
    when = c.issued_date or (str(c.number_year) if c.number_year else "") or doc.issued_date
    return jurisdiction_at(province or doc.province or doc.district, when)


def _set_jurisdictions(citations: list[Citation], doc: DocumentInfo) -> None:
    """Each citation's jurisdiction (none for a central code) and the province
    it is part of now. Citations of one number are of one document: one that
    names no province takes the one the others name (`Quyết định số 22/2024/QĐ-UBND
    ... của UBND tỉnh Hậu Giang`, then `Quyết định số 22/2024/QĐUBND`)."""
    def number_of(c: Citation) -> tuple:
        return normalize_code(c.code), c.serial, _year_of(c)
    named: dict[tuple, set] = {}
    for c in citations:
        if c.code and province_named(c.issuer_resolved):
            named.setdefault(number_of(c), set()).add(province_named(c.issuer_resolved))
    for c in citations:
        if c.code and is_central(c.code):
            c.jurisdiction = ""
            continue
        provinces = named.get(number_of(c), ()) if c.code else ()
        c.jurisdiction = jurisdiction_of(c, doc, next(iter(provinces)) if len(provinces) == 1 else "")
        c.jurisdiction_now = jurisdiction_now(c.jurisdiction)


def resolve_document(result: ExtractionResult) -> None:
    """One document's citations resolved in place (the module's doc); the
    document's district is read from its issuer or title when its header gave none."""
    doc = result.document
    if not doc.district:
        doc.district = district_of(doc)
    # the document naming itself (`(Kèm theo Kế hoạch số 157/KH-UBND ngày ...)` under
    # an annex of Kế hoạch 157/KH-UBND) is no citation by another document: flagged,
    # the registry leaves it out
    own = _number_form(doc.number)
    if own:
        for c in result.citations:
            c.self_reference = _number_form(c.number) == own and _same_day_or_unsaid(c.issued_date, doc.issued_date)
    full: dict[tuple[str, int], list[Citation]] = {}
    for c in result.citations:
        c.issuer_resolved = resolve_issuer(c.issuer, doc)
        c.issuer_canonical = canonical(c.issuer_resolved)
    # a bare back-reference (`Chỉ thị 12`) is read as local to the citing report;
    # a district report whose province is not told still keeps its local codes apart
    _set_jurisdictions(result.citations, doc)
    for c in result.citations:
        c.key = citation_key(c, c.jurisdiction)
    # a repeat that states no year (`Công văn số 2769/UBND-NC` after `Công văn số
    # 2769/UBND-NC ngày 24/7/2024`) is the dated citation of its code and serial;
    # without one, the first citation of its code and serial: one document
    # speaks of one `25-CP`, whatever kind a sentence calls it (`Quyết định
    # 25/CP`, then `Nghị định số 25 - CP`), so a kind it miscites conflicts
    dated: dict[tuple[str, int], set] = {}
    for c in result.citations:
        if c.code and _year_of(c):
            dated.setdefault((normalize_code(c.code), c.serial), set()).add(c.key)
    first_yearless: dict[tuple, str] = {}
    for c in result.citations:
        if c.code and not _year_of(c):
            keys = dated.get((normalize_code(c.code), c.serial), set())
            if len(keys) == 1:
                c.key = next(iter(keys))
            elif not keys:
                c.key = first_yearless.setdefault((normalize_code(c.code), c.serial, c.jurisdiction), c.key)
        if c.code and c.serial is not None:
            full.setdefault((c.doc_type, c.serial), []).append(c)
    # the one document a kind and serial name, where it names one (computed once
    # per kind and serial: a document of many bare references stays linear)
    only = {ks: cands[0] for ks, cands in full.items() if len({x.key for x in cands}) == 1}
    for c in result.citations:
        if c.code or c.serial is None:
            continue
        target = only.get((c.doc_type, c.serial))
        if target is not None:
            c.resolved_from = target.start
            c.key = target.key
            c.issuer_resolved = c.issuer_resolved or target.issuer_resolved
            c.issuer_canonical = c.issuer_canonical or target.issuer_canonical
            c.jurisdiction, c.jurisdiction_now = target.jurisdiction, target.jurisdiction_now
