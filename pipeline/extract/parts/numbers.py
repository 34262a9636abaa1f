"""Numbers as Vietnamese documents write them, one reader for money, figures,
award counts and the auditor (multipliers and number words: rules/numbers.yaml).

`.` groups thousands and `,` marks decimals, but `71.5 tỷ` also occurs;
:func:`read_number` settles the ambiguous `41,288` / `1.015`. The shapes below
are the numbers each table's patterns look for.
"""
from __future__ import annotations

import regex

from ... import rules

# an amount: either mark groups or divides (`1.500.000`, `41,288`, `4.105,72`, `71.5`)
AMOUNT = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
# a count or measure: `.` groups, `,` divides (`1.902`, `49.424`, `1,2`, `03`)
COUNT = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
# a percentage: `15,8`, `89.72` (some documents write a decimal point), `100`
PERCENT = r"\d{1,3}(?:[.,]\d{1,3})?|\d{4,}"
# a whole count of awards: `1.015`, `05`
WHOLE = r"\d{1,3}(?:\.\d{3})+|\d{1,5}"

DIGIT_RUN = regex.compile(r"[\d.]+")
NOT_DIGIT = regex.compile(r"[.,\s]")
# a number and the words after it (`2 tỷ`, `500 triệu đồng`): the pieces of an amount
AMOUNT_PIECE = regex.compile(rf"({AMOUNT})[ ]?([\p{{L}}]+(?:[ ][\p{{L}}]+)?)?")


@rules.compiled("numbers")
def multipliers() -> dict:
    """Multiplier word (case-folded) -> factor."""
    return {k.casefold(): int(v) for k, v in rules.load("numbers")["multipliers"].items()}


def multiplier_words() -> str:
    """The multipliers as a pattern alternation (no boundaries)."""
    return rules.alternation(multipliers().keys(), boundary=False)


@rules.compiled("numbers")
def number_words() -> dict:
    """A number in words (case-folded) -> its value (10: ten or tens)."""
    return {k.casefold(): int(v) for k, v in rules.load("numbers")["number_words"].items()}


@rules.compiled("numbers")
def _multiplier_after() -> regex.Pattern:
    return regex.compile(rf"(?i)^[ ]?({multiplier_words()})\b")


def read_number(s: str, whole_units: bool = False) -> float:
    """Digits with `.`/`,` separators.

    Both present: the last one is the decimal mark. One kind, repeated: it groups
    thousands. One kind, once: followed by exactly three digits it groups
    thousands (`1.015`, and `2,500 đồng` when the unit has no fractions), else it
    is a decimal mark (`41,288 tỷ` is the Vietnamese decimal comma; `71.5 tỷ`)."""
    if "." in s and "," in s:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        grp = "," if dec == "." else "."
        return float(s.replace(grp, "").replace(dec, "."))
    for sep in ".,":
        if sep in s:
            parts = s.split(sep)
            if len(parts) > 2:
                return float(s.replace(sep, ""))
            if len(parts[1]) == 3 and (sep == "." or whole_units):
                return float(s.replace(sep, ""))
            return float(s.replace(sep, "."))
    return float(s)


def read_amount(text: str) -> float:
    """An amount with its multipliers: `2 tỷ 500 triệu` -> 2.5e9; `41,288 tỷ` ->
    4.1288e10; `1.500.000` -> 1.5e6 (a number with no multiplier is in whole units)."""
    total = 0.0
    mult = multipliers()
    for m in AMOUNT_PIECE.finditer(text):
        factor = 1
        for w in (m.group(2) or "").casefold().split():
            factor *= mult.get(w, 1)
        total += read_number(m.group(1), whole_units=factor == 1) * factor
    return total


def multiplier_after(text: str) -> int:
    """The factor of a multiplier word opening text (`' tỷ đồng'` -> 1e9), else 1."""
    m = _multiplier_after().match(text)
    return multipliers()[m.group(1).casefold()] if m else 1


def read_count(s: str) -> float:
    """`1.902` -> 1902, `1,2` -> 1.2 (a decimal comma), `03` -> 3."""
    s = s.replace(".", "")
    return float(s.replace(",", "."))


def read_percent(s: str) -> float:
    """`15,8` -> 15.8, `89.72` -> 89.72 (a percentage's separator is a decimal mark)."""
    return float(s.replace(",", "."))


def read_int(digits: str):
    """`01` -> 1, `1.015` -> 1015 (a count has no decimals), empty -> None."""
    s = NOT_DIGIT.sub("", digits or "")
    return int(s) if s.isdigit() else None


def read_spoken(written: str):
    """A count in digits or words: `05` -> 5, `1.015` -> 1015, `05 (năm)` -> 5,
    `hai` -> 2, `mười hai` -> 12, `hai mươi lăm` -> 25; None when not a number."""
    digits = DIGIT_RUN.match(written)
    if digits:
        return read_int(digits.group())
    value = number_words()
    total, unit = 0, 0
    for w in written.casefold().split():
        n = value.get(w)
        if n is None:
            return None
        if n == 10:                      # `mười` (ten) or `mươi` (tens): what came before counts tens
            total += (unit or 1) * 10
            unit = 0
        else:
            unit = n
    return total + unit or None
