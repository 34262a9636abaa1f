"""Dates, one grammar for every extractor (rules/dates.yaml).

The parts of a date are pattern sources with fixed group names (``day``,
``month``, ``year``, and the form's own: ``numeric``, ``words``,
``month_year``, ``draft``) that an extractor puts into its own patterns
(after `ngày`, after a document's number, on a header's place line);
:func:`date_of` reads any match of them as a :class:`Date`. The sources hold
no literal space (`[ ]`, `\\s`), so they work in verbose patterns too, and no
two adjacent repeats of one class but the draft's blanks, as before
(linear: tests/test_backtracking.py).

:func:`find_dates` and :func:`read_date` read dates in a text of their own.
"""
from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from ... import rules
from .text import collapse_spaces

FORMS = ("numeric", "words", "month_year", "draft")


@dataclass(frozen=True)
class Date:
    """A date as written: its parts (None where the text leaves them out or
    blank), where it is, and which form it was written in."""
    year: int | None
    month: int | None
    day: int | None
    written: str                   # the date's text, white space collapsed
    start: int
    end: int
    form: str                      # one of FORMS

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    @property
    def partial(self) -> bool:
        """Only a month or a year: a month named without a day, or a draft's blanks."""
        return self.day is None or self.month is None

    @property
    def iso(self) -> str:
        """ISO `YYYY-MM-DD`, `YYYY-MM` (no day) or `YYYY` (no month); empty when the
        parts make no real date (`31/02/2022`). A draft's date keeps what of it is
        real: `ngày 31 tháng 02 năm 2022` -> `2022-02` (its day was never checked)."""
        if self.year is None:
            return ""
        if self.form == "draft":
            return (iso_date(self.day, self.month, self.year) if self.day is not None else "") \
                or _month_iso(self.month, self.year) or f"{self.year:04d}"
        if self.day is not None:
            return iso_date(self.day, self.month, self.year)
        if self.month is not None:
            return _month_iso(self.month, self.year)
        return f"{self.year:04d}"


def iso_date(day, month, year) -> str:
    """ISO date, or empty when the parts do not make a real date."""
    try:
        d, m, y = int(day), int(month), int(year)
    except (TypeError, ValueError):
        return ""
    if not (1 <= m <= 12 and 1900 <= y <= 2100):
        return ""
    if not (1 <= d <= calendar.monthrange(y, m)[1]):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"


def _month_iso(month, year) -> str:
    return f"{year:04d}-{month:02d}" if month is not None and 1 <= month <= 12 else ""


@dataclass(frozen=True)
class Sources:
    """The pattern sources of the date forms, from rules/dates.yaml."""
    year: str                      # a year, no group (`(?:19|20)\d{2}`)
    day_word: str
    month_word: str                # the month word or a typo for it (before a month, `năm` and a year)
    month_word_alone: str          # the month word, no typo for it
    year_word: str
    year_word_or_capital: str      # the year word as written or capitalised (`năm`, `Năm 2021, ...`)
    numeric: str
    words: str
    month_year: str
    draft: str                     # what follows `ngày` in a draft (every part optional)
    draft_with_year: str           # the same with the year required


@rules.compiled("dates")
def sources() -> Sources:
    cfg = rules.load("dates")
    day, month, year = cfg["day"], cfg["month"], cfg["year"]
    marks = cfg["numeric_marks"]
    year_word = regex.escape(cfg["year_word"])
    written = cfg["year_word"]
    year_word_or_capital = rules.as_written(dict.fromkeys([written, written[:1].upper() + written[1:]]))
    month_word_alone = regex.escape(cfg["month_word"])
    typos = "|".join(regex.escape(w) for w in cfg.get("month_word_typos") or [])
    # a typo counts only where the month, `năm` and the year follow it
    month_word = month_word_alone + (
        rf"|(?:{typos})(?=[ ]+{month}[ ]+{year_word}[ ]+{year})" if typos else "")
    month_word = f"(?:{month_word})"
    blank = cfg["draft_blank"]
    year_after_month = rf"\s*(?:\s{year_word}\s+|/\s*)(?P<year>{year})"

    def draft(required: bool) -> str:
        return (rf"(?P<draft>(?P<day>{day})?{blank}(?:{month_word}{blank}(?P<month>{month})?{blank})?"
                rf"(?:{year_word}[ ]*(?P<year>{year})){'' if required else '?'})")

    return Sources(
        year=year, day_word=regex.escape(cfg["day_word"]), month_word=month_word,
        month_word_alone=month_word_alone, year_word=year_word, year_word_or_capital=year_word_or_capital,
        numeric=rf"(?P<numeric>(?P<day>{day})\s*{marks}\s*(?P<month>{month})\s*{marks}\s*(?P<year>{year}))",
        words=rf"(?P<words>(?P<day>{day})\s+{month_word}\s+(?P<month>{month}){year_after_month})",
        month_year=rf"(?P<month_year>{month_word_alone}\s+(?P<month>{month}){year_after_month}"
                   r"(?![\d/]))",
        draft=draft(False), draft_with_year=draft(True))


def date_of(m) -> Date | None:
    """The date a match of a pattern built from :func:`sources` holds (None when
    the match holds none: the date was optional)."""
    groups = m.groupdict()
    form = next((f for f in FORMS if groups.get(f) is not None), None)
    if form is None:
        return None
    start, end = m.span(form)
    return Date(year=_int(groups.get("year")), month=_int(groups.get("month")), day=_int(groups.get("day")),
                written=collapse_spaces(m.group(form)).strip(), start=start, end=end, form=form)


def _int(digits):
    return int(digits) if digits else None


@rules.compiled("dates")
def _year_alone() -> regex.Pattern:
    return regex.compile(sources().year)


def year_as_meant(digits: str, expected: int | None) -> int | None:
    """A year written with one digit too many (`20219`: a slip, or a footnote's
    mark run into it) read as meant: the year that leaving one digit out gives
    and the rest of the citation states (its number's year: `Nghị định
    32/2019/NĐ-CP ngày 10/4/20219` is of 2019); None when nothing says which,
    for a five-digit year is never a real one."""
    left_out = {digits[:i] + digits[i + 1:] for i in range(len(digits))}
    years = {int(y) for y in left_out if _year_alone().fullmatch(y)}
    return expected if expected in years else None


def with_year_digit(date: Date, digit: str, expected: int | None) -> Date:
    """The date whose year runs on into one more digit (`ngày 10/4/20219`):
    its year as meant (:func:`year_as_meant`, None when nothing says which),
    the digit taken into what it writes and where it ends."""
    return dataclasses.replace(date, year=year_as_meant(f"{date.year}{digit}", expected),
                               written=date.written + digit, end=date.end + 1)


@rules.compiled("dates")
def _any_date() -> regex.Pattern:
    s = sources()
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{s.day_word}[ ]*(?:{s.numeric}|{s.words}|{s.draft_with_year})"
                         rf"|(?<![.,/-]){s.numeric}|{s.month_year})(?![\p{{N}}])", regex.IGNORECASE)


def find_dates(text: str) -> Iterator[Date]:
    """Every date written in text: a numeric date, or a date after `ngày` (in
    words, or a draft's with its year), or a month and year."""
    for m in _any_date().finditer(text):
        d = date_of(m)
        if d is not None:
            yield d


def read_date(text: str) -> Date | None:
    """The first date written in text, or None."""
    return next(find_dates(text), None)
