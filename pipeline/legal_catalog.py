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
  governments took office (2025-07-01) belongs to its old province.

Both files are loaded and compiled once per process (on first use: no
extractor reads them, so rules.prepare() need not compile them).
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import regex

from . import rules
from .extract.parts.text import fold
from .models import Citation
from .resolve import normalize_code

CATALOG = "legal_catalog"
REORGANISATION = "reorganisation_2025"
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


@dataclass(frozen=True)
class Merger:
    """A province formed by the 2025 reorganisation and those it was formed from."""
    name: str
    merged: tuple[str, ...]
    source: tuple[str, ...]


@dataclass(frozen=True)
class Reorganisation:
    """The reorganisation compiled for lookups: every name (folded) -> its
    name as written, and each old province -> the province it became."""
    takes_office: dt.date                 # the new provinces' governments took office
    district_level_ends: dt.date
    written: dict                         # folded name -> name as the file writes it
    became: dict                          # old name as written -> new name as written
    mergers: tuple[Merger, ...]


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


def catalog_key(code: str, serial: int, year: int | None) -> str:
    """The registry key of a central document (resolve.citation_key without a jurisdiction)."""
    return f"{normalize_code(code)}|{serial}|{year or ''}"


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
                 note=raw.get("note", ""), key=catalog_key(parts.code, parts.serial, year), **lists)


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
    found = _by_key().get(catalog_key(parts.code, parts.serial, parts.year or year))
    if found is None or (doc_type and doc_type != found.kind):
        return None
    return found


def catalog_entry_for(citation: Citation) -> Entry | None:
    """The catalog's entry for an extracted citation (its year from the number, else its date)."""
    return catalog_entry(citation.doc_type, citation.number, _year_of(citation.issued_date or ""))


# -- the reorganisation of provinces --------------------------------------------

@functools.lru_cache(maxsize=1)
def _unit_words() -> regex.Pattern:
    words = sorted((fold(w) for w in rules.load(REORGANISATION)["unit_words"]), key=len, reverse=True)
    return regex.compile(r"^(?:" + "|".join(regex.escape(w) for w in words) + r")(?:\s+|(?<=\.))")


def _folded(name: str) -> str:
    """A province's name as compared: folded, without a unit word before it."""
    return _unit_words().sub("", fold(name), count=1).strip()


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


@functools.lru_cache(maxsize=1)
def reorganisation() -> Reorganisation:
    cfg = rules.load(REORGANISATION)
    mergers = tuple(Merger(m["name"], tuple(m["from"]), tuple(m["source"])) for m in cfg["mergers"])
    names = [n for m in mergers for n in (m.name, *m.merged)] + list(cfg["unchanged"])
    written = {_folded(n): n for n in names}
    for other, name in cfg["name_forms"].items():
        written[_folded(other)] = written[_folded(name)]
    became = {old: m.name for m in mergers for old in m.merged}
    return Reorganisation(takes_office=_date(cfg["resolution"]["new_governments_from"]),
                          district_level_ends=_date(cfg["district_level_ends"]["date"]),
                          written=written, became=became, mergers=mergers)


def province_at(name: str, on_date) -> str:
    """The province `name` (any spelling, `tỉnh ...` or not) was on a date (an
    ISO string or a date): its own name before the new provinces took office
    (2025-07-01), the province it became from then on. A name the file does
    not know is returned as given."""
    reorg = reorganisation()
    written = reorg.written.get(_folded(name))
    if written is None:
        return name
    if _date(on_date) < reorg.takes_office:
        return written
    return reorg.became.get(written, written)


def province_now(name: str) -> str:
    """The province `name` is part of today (`Hải Dương` -> `Hải Phòng`)."""
    return province_at(name, dt.date.max)


def district_level_exists(on_date) -> bool:
    """Whether districts (huyện, quận, thị xã) still existed on a date."""
    return _date(on_date) < reorganisation().district_level_ends
