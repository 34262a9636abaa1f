"""The legal catalog and the 2025 reorganisation of provinces, as data a
records officer can trust (rules/legal_catalog.yaml, rules/reorganisation_2025.yaml).

- :func:`catalog_entry` finds the catalog's entry for a cited document. A
  number is read with the citations' own number pattern and keyed the way the
  registry keys citations (:func:`pipeline.resolve.normalize_code`: `Đ`/`D`,
  case, spacing and dash styles folded; the serial without leading zeros; the
  year from the number, else from the date), so `91/2017/ND-CP` finds
  `91/2017/NĐ-CP`. A Party number (`34-CT/TW`) has no year and numbering
  restarts each Party term: it is found only with its year.
- :func:`province_at` / :func:`province_now` read a province's name as it was
  on a date and as it is now: a document dated before the new provinces'
  governments took office (2025-07-01) belongs to its old province (they live
  in :mod:`pipeline.reorganisation`, which the resolver reads too).

The catalog is loaded and compiled once per process, on first use (no
extractor reads it, so rules.prepare() need not compile it).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from . import rules
from .kinds import key_kind
from .models import Citation
from .reorganisation import (  # noqa: F401  (re-exported: the catalog's lookups)
    Merger,
    Reorganisation,
    district_level_exists,
    province_at,
    province_now,
    reorganisation,
)
from .resolve import document_key

CATALOG = "legal_catalog"
LEADING_DIGITS = regex.compile(r"\d+")


@dataclass(frozen=True)
class Entry:
    """One document of the catalog (the fields of rules/legal_catalog.yaml)."""
    kind: str
    number: str
    issuer: str
    title: str = ""
    issued: str = ""
    effective: str = ""
    replaces: tuple[str, ...] = ()
    amends: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    continues: tuple[str, ...] = ()
    note: str = ""
    source: tuple[str, ...] = ()
    key: str = ""                  # the registry key: `ND-CP|91|2017`, `CT-TW|34|2014`


@dataclass(frozen=True)
class NumberParts:
    """A document number read by the citations' number pattern."""
    serial: int
    code: str
    year: int | None


# -- the catalog ----------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _number_pattern() -> regex.Pattern:
    return regex.compile(rules.load("citations")["number_pattern"], regex.VERBOSE)


def split_number(number: str) -> NumberParts | None:
    """Serial, code and year of a number as the citations extractor reads
    them (`91/2017/NĐ-CP` -> 91, `NĐ-CP`, 2017; `34-CT/TW` -> 34, `CT/TW`, None)."""
    m = _number_pattern().search(number or "")
    if not m:
        return None
    serial = int(LEADING_DIGITS.findall(m.group("serial"))[0])    # `30a` -> 30, as the extractor reads it
    return NumberParts(serial, m.group("code"), int(m.group("year")) if m.group("year") else None)


def catalog_key(code: str, serial: int, year: int | None, kind: str = "") -> str:
    """The registry key of a central document (resolve.citation_key without a jurisdiction)."""
    return document_key(code, str(serial), year, key_kind(kind, code, year))


def _year_of(date: str) -> int | None:
    return int(date[:4]) if date[:4].isdigit() else None


def _entry(raw: dict) -> Entry:
    parts = split_number(raw["number"])
    if parts is None:
        raise ValueError(f"not a document number: {raw['number']!r}")
    year = parts.year or _year_of(str(raw.get("issued", "")))
    lists = {k: tuple(raw.get(k) or ()) for k in ("replaces", "amends", "details", "continues", "source")}
    return Entry(kind=raw["kind"], number=raw["number"], issuer=raw["issuer"], title=raw.get("title", ""),
                 issued=str(raw.get("issued", "")), effective=str(raw.get("effective", "")),
                 note=raw.get("note", ""), key=catalog_key(parts.code, parts.serial, year, raw["kind"]), **lists)


@functools.lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    """Every entry of the catalog, in the file's order."""
    return tuple(_entry(raw) for raw in rules.load(CATALOG)["documents"])


@functools.lru_cache(maxsize=1)
def _by_key() -> dict[str, Entry]:
    return {e.key: e for e in entries()}


def catalog_entry(doc_type: str, number: str, year: int | None = None) -> Entry | None:
    """The catalog's entry for a document cited as `doc_type number`, or None.
    `year`: the year of the citation's date, needed when the number has none
    (a Party number). A kind that disagrees with the entry's finds nothing
    (`Quyết định số 91/2017/NĐ-CP`): the registry claims no document for it."""
    parts = split_number(number)
    if parts is None:
        return None
    found = _by_key().get(catalog_key(parts.code, parts.serial, parts.year or year, doc_type))
    if found is None or (doc_type and doc_type != found.kind):
        return None
    return found


def catalog_entry_for(citation: Citation) -> Entry | None:
    """The catalog's entry for an extracted citation (its year from the number, else its date)."""
    return catalog_entry(citation.doc_type, citation.number, _year_of(citation.issued_date or ""))


# -- the reorganisation of provinces: pipeline/reorganisation.py (which the
# resolver reads too), its lookups re-exported here
