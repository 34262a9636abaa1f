"""Numbers as written: the range a stated value stands for, and Vietnamese formatting.

A report rounds (`41,288 tỷ đồng`, `15,8%`) and qualifies (`trên 64.2 tỷ`,
`hơn 71.5 tỷ`); a check must not flag what rounding or a qualifier allows. A
stated value therefore stands for an interval:

- exact, with decimals written: +- half a unit of the last written digit;
- exact, a whole count (or đồng written in full): the value itself;
- over (`trên`, `hơn`, `vượt`): from the value up to one unit of its last
  written non-zero digit (`trên 64.2 tỷ` -> [64.2; 64.3] tỷ);
- under (`dưới`, `gần`, ...): the mirror image;
- approx (`khoảng`, `ước`): one unit either way.
"""
from __future__ import annotations

import functools
import math

import regex

from .. import rules
from ..extract.parts.numbers import multiplier_after, read_number

TOKEN = regex.compile(r"\d[\d.,]*\d|\d")


@functools.lru_cache(maxsize=1)
def _qualifiers() -> dict:
    out = {}
    for kind, words in rules.load("figures")["qualifiers"].items():
        for w in words:
            out[w.casefold()] = kind
    for kind, words in rules.load("money")["qualifiers"].items():
        for w in words:
            out.setdefault(w.casefold(), kind)
    return out


def qualifier_of(text: str) -> str:
    """`trên 7.539 cá nhân` -> over; `1.902 cuộc` -> exact (longest word first)."""
    first = TOKEN.search(text)
    head = text[:first.start()] if first else ""
    head = regex.sub(r"\s+", " ", head).strip().casefold()
    if not head:
        return "exact"
    quals = _qualifiers()
    for w in sorted(quals, key=len, reverse=True):
        if head.endswith(w):
            return quals[w]
    return "exact"


def _decimals(tok: str, whole_units: bool) -> int:
    """How many decimals the writer gave (`64.2` -> 1, `41,288` -> 3, `1.500` -> 0)."""
    plain = float(regex.sub(r"[.,]", "", tok))
    value = read_number(tok, whole_units=whole_units)
    if value == plain:
        return 0
    last = max(tok.rfind("."), tok.rfind(","))
    return len(tok) - last - 1


def _last_nonzero_place(tok: str) -> int:
    digits = regex.sub(r"\D", "", tok).rstrip("0")
    return len(regex.sub(r"\D", "", tok)) - len(digits)


def interval(value: float, text: str, qualifier: str | None = None, *, whole: bool = False) -> tuple[float, float]:
    """The range a value written as ``text`` stands for. ``whole`` marks a
    count (an exact whole number); money and measures are rounded."""
    if value is None:
        return (math.nan, math.nan)
    qualifier = qualifier or qualifier_of(text)
    toks = list(TOKEN.finditer(text))
    if not toks:
        return (value, value)
    tok = toks[-1]
    factor = float(multiplier_after(text[tok.end():]))
    dec = _decimals(tok.group(), whole_units=factor == 1.0)
    if dec:
        ulp = 10.0 ** -dec * factor
        rounded = True
    else:
        ulp = 10.0 ** _last_nonzero_place(tok.group()) * factor
        rounded = factor != 1.0 and not whole
    if qualifier == "over":
        return (value, value + ulp)
    if qualifier == "under":
        return (value - ulp, value)
    if qualifier in ("approx",):
        return (value - ulp, value + ulp)
    if rounded:
        unit = 10.0 ** -dec * factor if dec else factor
        return (value - unit / 2, value + unit / 2)
    return (value, value)


def percent_interval(value: float, text: str, rounding_ulp: float, approx_points: float) -> tuple[float, float]:
    """`15,8%` -> [15.75; 15.85]; `trên 90%` -> [89.5; inf)."""
    tok = list(TOKEN.finditer(text))[-1].group()
    dec = len(tok) - max(tok.rfind("."), tok.rfind(",")) - 1 if regex.search(r"[.,]", tok) else 0
    half = rounding_ulp * 10.0 ** -dec
    q = qualifier_of(text)
    if q == "over":
        return (value - half, math.inf)
    if q == "under":
        return (-math.inf, value + half)
    if q == "approx":
        return (value - approx_points - half, value + approx_points + half)
    return (value - half, value + half)


def ratio_interval(part: tuple[float, float], whole: tuple[float, float]) -> tuple[float, float]:
    lo = part[0] / whole[1] * 100 if whole[1] else math.inf
    hi = part[1] / whole[0] * 100 if whole[0] else math.inf
    return (lo, hi)


def gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two intervals (0 when they meet)."""
    if a[1] < b[0]:
        return b[0] - a[1]
    if b[1] < a[0]:
        return a[0] - b[1]
    return 0.0


def vn(x: float, decimals: int = 2) -> str:
    """Vietnamese number: `.` groups thousands, `,` marks decimals; trailing zeros dropped."""
    from ..messages import VI, number
    return number(x, VI, decimals)


def vn_range(r: tuple[float, float], decimals: int = 2, suffix: str = "") -> str:
    lo, hi = vn(r[0], decimals), vn(r[1], decimals)
    return f"{lo}{suffix}" if lo == hi else f"{lo}–{hi}{suffix}"
