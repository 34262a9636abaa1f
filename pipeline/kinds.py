"""Document kinds against the codes of their numbers (rules/citations.yaml).

A number's code may say which kind of document it is: its leading kind
abbreviation when an issuer part follows (`835/NQ-UBTVQH14`: a Nghị quyết,
`05-CT/TW`: a Chỉ thị), or, for a code naming only its issuer, the series
that issuer numbers (`06/2022/QH15`: a Luật or a Nghị quyết). Used by

- the registry key (pipeline/resolve.py): a code naming only its issuer is
  shared by several kinds, so the key carries the kind where the number and
  year cannot tell the documents apart (:func:`key_kind`); leading zeros are
  kept where a numbering is zero-padded on purpose (:func:`key_serial`); a
  code numbered through its issuer's term needs no year (:func:`key_year`);
- the registry's kind conflicts (pipeline/registry.py) and the check
  ``kind_contradicts_code`` (pipeline/audit/checks.py): a kind word
  contradicts the code only when the code names other kinds and no everyday
  name joins them (`Luật` for a `Bộ luật`: :func:`kind_fits_code`).

Codes are compared as written but for case (`QĐ` and `QD` are both listed
abbreviations; `HĐ`, a council, is not `HD`, a guidance).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from . import rules
from .extract.parts.text import fold_code

CODE_PARTS = regex.compile(r"\s*[-–/]\s*")
TERM_NUMBER = regex.compile(r"\d+$")          # `QH15`: the National Assembly of the 15th term


@dataclass(frozen=True)
class Kinds:
    """What rules/citations.yaml says of kinds and codes, compiled."""
    of_abbreviation: dict            # `NQ` -> {Nghị quyết}; `L-CTN` -> {Lệnh}
    joined: tuple                    # the abbreviations written with a dash (`L-CTN`), longest first
    groups: tuple                    # frozensets of kinds naming one another (everyday names)
    series: dict                     # issuer code without its term (`QH`) -> its kinds numbered apart
    padded: dict                     # (folded code, year) -> the digits of its zero-padded serials
    term_numbered: frozenset         # issuer codes numbered through a term (`UBTVQH`, of `NQ-UBTVQH14`)
    letters: frozenset               # kinds numbered with their issuer's letters alone (`Công văn`)
    consolidating: frozenset         # kinds cited by the kind of the document they hold (`Văn bản hợp nhất`)
    two_series: frozenset            # kinds numbered with the year in the number and without (`Quyết định`)


@rules.compiled("citations")
def _kinds() -> Kinds:
    cfg = rules.load("citations")
    of_abbreviation: dict[str, set] = {}
    for kind in cfg["doc_kinds"]:
        for abbr in kind.get("abbr") or []:
            of_abbreviation.setdefault(abbr.upper(), set()).add(kind["name"])
    return Kinds(
        of_abbreviation={a: frozenset(k) for a, k in of_abbreviation.items()},
        joined=tuple(sorted((a for a in of_abbreviation if "-" in a), key=len, reverse=True)),
        groups=tuple(frozenset(g) for g in cfg["everyday_kind_names"]),
        series={code.upper(): tuple(kinds) for code, kinds in cfg["series_of_issuer_codes"].items()},
        padded={(fold_code(p["code"]), int(p["year"])): int(p["digits"]) for p in cfg["zero_padded_series"]},
        term_numbered=frozenset(c.upper() for c in cfg["term_numbered_codes"]),
        letters=frozenset(cfg["letter_kinds"]),
        consolidating=frozenset(cfg["consolidating_kinds"]),
        two_series=frozenset(cfg["two_series_kinds"]),
    )


def _parts(code: str) -> list[str]:
    return [p for p in CODE_PARTS.split((code or "").strip().upper()) if p]


def _series(code: str) -> tuple:
    """The kinds a code naming only its issuer numbers apart (`QH15`: Luật, Nghị quyết), or ()."""
    parts = _parts(code)
    return _kinds().series.get(TERM_NUMBER.sub("", parts[0]), ()) if len(parts) == 1 else ()


@functools.lru_cache(maxsize=4096)           # a few codes, cited many times
def kinds_of_code(code: str) -> frozenset | None:
    """The kinds a code names: those of its leading kind abbreviation when an
    issuer part follows (`NQ-UBTVQH14`, `CT/TW`, `L-CTN`), the series of a
    code naming only its issuer (`QH15`); None when it does not say (`CP`,
    `UBND`, `BNV-CQĐP`, and a lone abbreviation: `118/CT` is of the Chủ tịch)."""
    k = _kinds()
    written = "-".join(_parts(code))
    for joined in k.joined:
        if written.startswith(joined + "-") or written == joined:
            return k.of_abbreviation[joined]
    parts = written.split("-") if written else []
    if len(parts) >= 2 and parts[0] in k.of_abbreviation:
        return k.of_abbreviation[parts[0]]
    series = _series(code)
    return frozenset(series) if series else None


def same_document_kinds(a: str, b: str) -> bool:
    """May the kind words a and b name one document (equal, or everyday names of each other)?"""
    return a == b or any(a in g and b in g for g in _kinds().groups)


def kind_fits_code(kind: str, code: str) -> bool | None:
    """Does the kind word agree with the kinds the code names (itself or by an
    everyday name)? None when the code names none, or no kind is said."""
    kinds = kinds_of_code(code)
    if kinds is None or not kind:
        return None
    if kinds & _kinds().consolidating:
        return True                 # `Nghị định 01/VBHN-BYT`: the consolidated text of a decree
    return any(same_document_kinds(kind, named) for named in kinds)


def is_letter_kind(kind: str) -> bool:
    """Is it a kind numbered with its issuer's letters alone (a công văn:
    `58042/CT-TTHT`, CT the Cục Thuế), whose number's letters may look like
    any kind's abbreviation? Its kind word never contradicts a code alone."""
    return kind in _kinds().letters


def kinds_conflict(a: str, b: str, code: str) -> bool:
    """Do two kind words given to one document (one key) contradict each other?
    Not when they are everyday names of each other; when the code names its
    kind, only when one of them contradicts it (`Nghị định` for
    `835/NQ-UBTVQH14`, `Công văn` for `1072/HD-SGDĐT`); when it names none
    (`26-CP` of 1981 called a Quyết định and a Nghị định), whenever they
    differ but for a letter's kind: a code naming no kind is a công văn's, which
    another word may describe (`hướng dẫn số 4168/BNV-CQĐP`)."""
    if not a or not b or same_document_kinds(a, b):
        return False
    if kinds_of_code(code) is None:
        return not (is_letter_kind(a) or is_letter_kind(b))
    return not (kind_fits_code(a, code) and kind_fits_code(b, code))


@rules.compiled("citations")
def _ordered_groups() -> tuple:
    return tuple(tuple(g) for g in rules.load("citations")["everyday_kind_names"])


def _group_head(kind: str) -> str:
    """The first kind of the first everyday group holding kind (`Bộ luật` -> `Luật`), else kind."""
    return next((g[0] for g in _ordered_groups() if kind in g), kind)


def other_series(year_a: int | None, year_b: int | None, code: str) -> bool:
    """Are two numbers of one code, serial and year of its two series: one with
    the year in the number (`38/2025/QĐ-TTg`, a norm), one without (`38/QĐ-TTg`),
    for a code naming a kind numbered so (rules two_series_kinds)? Then they
    are two documents."""
    if bool(year_a) == bool(year_b):
        return False
    kinds = kinds_of_code(code)
    return bool(kinds and kinds & _kinds().two_series)


def key_kind(kind: str, code: str, year: int | None) -> str:
    """The kind a registry key carries: for a code naming only its issuer whose
    kinds are numbered apart (`QH15`), the series the kind word belongs to
    (`Bộ luật` -> `Luật`), else the kind word itself (it contradicts the code:
    alone under its key); for any other code naming only its issuer and
    without a year (`17-CP`, `54/CP`), the kind word (its everyday group's
    first kind), the only thing telling its documents apart; else none: the
    number and year are the document."""
    if not kind:
        return ""
    parts = _parts(code)
    if len(parts) != 1:
        return ""
    series = _series(code)
    if series:
        return next((s for s in series if same_document_kinds(kind, s)), kind)
    if year or parts[0] in _kinds().of_abbreviation:
        return ""
    return _group_head(kind)


KINDED_KEY = regex.compile(r"^(?P<code>[^|(]+)\((?P<kind>[^)|]*)\)(?P<rest>\|.*)$")


def series_keys(key: str, kind: str, code: str) -> tuple[str, tuple[str, ...]]:
    """For a citation whose kind word is in no series of its code (`Quyết định
    202/2025/QH15`), the key it has of its own (`QH15(Quyết định)|202|2025`)
    and the keys of its number in each of its code's series (`QH15(Luật)|...`,
    `QH15(Nghị quyết)|202|2025`), whatever key it has now; ("", ()) when its
    key carries no kind or its kind word fits the code."""
    m = KINDED_KEY.match(key or "")
    series = _series(code)
    if not m or not series or not kind or any(same_document_kinds(kind, s) for s in series):
        return "", ()
    return f"{m['code']}({kind}){m['rest']}", tuple(f"{m['code']}({s}){m['rest']}" for s in series)


def key_year(code: str, number_year: int | None, date_year: int | None) -> int | None:
    """The year a registry key carries: the number's, else the date's; none
    for a number without a year whose code carries its issuer's term
    (`673/NQ-UBTVQH14`: the Standing Committee's serials run through its
    term, so the date's year would part one document's dated citations
    from its undated ones)."""
    if number_year:
        return number_year
    term = _kinds().term_numbered
    if any(TERM_NUMBER.search(p) and TERM_NUMBER.sub("", p) in term for p in _parts(code)):
        return None
    return date_year


def key_serial(number: str, serial: int | None, code: str, year: int | None) -> str:
    """The serial as the key writes it: without leading zeros, but as written
    (`001`) in a numbering zero-padded on purpose (rules zero_padded_series)."""
    digits = _kinds().padded.get((fold_code(code), year or 0))
    if digits:
        written = regex.match(r"\s*(\d+)", number or "")
        if written and len(written.group(1)) == digits and written.group(1).startswith("0"):
            return written.group(1)
    return str(serial)
