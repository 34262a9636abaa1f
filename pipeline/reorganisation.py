"""The 2025 reorganisation of provinces (rules/reorganisation_2025.yaml): a
province's name as it was on a date and as it is now.

A document dated before the new provinces' governments took office
(2025-07-01) belongs to its old province: `Hải Dương` is Hải Dương on
2025-06-30 and Hải Phòng from 2025-07-01 on. The registry keys a local code
with its province at the cited document's time (:func:`jurisdiction_at`), and
shows the province it is part of now (:func:`jurisdiction_now`).

Kept apart from :mod:`pipeline.legal_catalog` (which re-exports these) so that
:mod:`pipeline.resolve` reads it without an import cycle.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import regex

from . import rules
from .extract.parts.text import fold

REORGANISATION = "reorganisation_2025"


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
    named_tail: regex.Pattern             # a unit word and a known province ending a name (group `name`)


@rules.compiled(REORGANISATION)
def _unit_words() -> regex.Pattern:
    words = sorted((fold(w) for w in rules.load(REORGANISATION)["unit_words"]), key=len, reverse=True)
    return regex.compile(r"^(?:" + "|".join(regex.escape(w) for w in words) + r")(?:\s+|(?<=\.))")


def _folded(name: str) -> str:
    """A province's name as compared: folded, without a unit word before it."""
    return _unit_words().sub("", fold(name), count=1).strip()


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _named_tail(units: list[str], folded_names) -> regex.Pattern:
    """A unit word (`tỉnh`, `thành phố`) then a known province at the end of a folded name."""
    unit = "|".join(regex.escape(fold(w)) for w in sorted(units, key=len, reverse=True))
    names = "|".join(regex.escape(n) for n in sorted(folded_names, key=len, reverse=True))
    return regex.compile(rf"(?:^|\s)(?:{unit})(?:\s+|(?<=\.))(?P<name>{names})$")


@rules.compiled(REORGANISATION)
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
                          written=written, became=became, mergers=mergers,
                          named_tail=_named_tail(cfg["unit_words"], written))


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


# -- a local code's jurisdiction ------------------------------------------------
# A jurisdiction is written the way headers give a province (`Hồ Chí Minh`,
# `Hải Dương`: the file's name without its unit word), so that one province
# keys alike however a citation or a header spells it; a name the file does
# not know (a district: `huyện Trùng Khánh`) is kept as given.

def _bare(written: str) -> str:
    """A name as the file writes it, without a unit word before it (`TP. Hồ Chí Minh` -> `Hồ Chí Minh`)."""
    folded = fold(written)
    m = _unit_words().match(folded)
    return written[m.end():] if m and len(folded) == len(written) else written


def province_named(issuer: str) -> str:
    """The province an issuer ends in (`Ủy ban nhân dân tỉnh Hải Dương` ->
    `Hải Dương`), else ""; a unit word must stand before it, so `UBND huyện
    Long An` or a bare `Sở Xây dựng` name none."""
    reorg = reorganisation()
    m = reorg.named_tail.search(fold(issuer or ""))
    return _bare(reorg.written[m.group("name")]) if m else ""


def _time_of(date: str) -> dt.date | None:
    """An ISO date or a part of one (`2024`, `2024-03`) at its earliest day."""
    parts = (date or "").split("-")
    if len(parts[0]) != 4 or not all(p.isdigit() for p in parts):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return None


def jurisdiction_at(name: str, date: str) -> str:
    """A jurisdiction as it was on a date (ISO, possibly partial): the
    province `name` was then or had become by then (`Hải Dương` in 2024:
    `Hải Dương`; in August 2025: `Hải Phòng`); without a date, the province
    it names. A name the file does not know is given back as it is."""
    if not name or reorganisation().written.get(_folded(name)) is None:
        return name
    when = _time_of(date)
    return _bare(province_at(name, when if when is not None else dt.date.min))


def jurisdiction_now(name: str) -> str:
    """The province a jurisdiction is part of today (`Hải Dương` -> `Hải Phòng`); else the name as given."""
    if not name or reorganisation().written.get(_folded(name)) is None:
        return name
    return _bare(province_now(name))
