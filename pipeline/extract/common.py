"""Small parsers shared by the extractors: dates, integers, word runs."""
from __future__ import annotations

import bisect
import calendar
import functools
import itertools

import regex

from .. import rules

DATE_SLASH = regex.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?!\d)")
DATE_WORDS = regex.compile(r"(?i)(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})(?!\d)")
# `ngày    tháng 01 năm 2022` in an unsigned draft: month and year only
DATE_PARTIAL = regex.compile(r"(?i)ngày\s*(?:\.{2,}|…+)?\s*tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})")
WORD = regex.compile(r"[\p{L}\p{N}]+(?:[-–][\p{L}\p{N}]+)*")


def lowered(text: str) -> str:
    """The text lower-cased, offset for offset (what rules.literal_trigger
    patterns run over); a letter whose lower case is longer stays as it is."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def finditer_at_triggers(pattern, trigger, text: str, lower: str | None = None):
    """pattern.finditer(text), for a pattern each of whose matches starts where
    ``trigger`` (rules.literal_trigger, run over the lower-cased text) has a hit:
    the pattern is tried at those places only."""
    end = -1
    for hit in trigger.finditer(lowered(text) if lower is None else lower):
        if hit.start() >= end:
            m = pattern.match(text, hit.start())
            if m:
                end = m.end() if m.end() > m.start() else m.end() + 1
                yield m


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


def parse_date(text: str) -> str:
    """The first full date written in text, as ISO; empty if none."""
    m = DATE_SLASH.search(text) or DATE_WORDS.search(text)
    if m:
        return iso_date(m.group(1), m.group(2), m.group(3))
    return ""


def parse_int(digits: str):
    """`01` -> 1, `1.015` -> 1015 (a count has no decimals), empty -> None."""
    s = regex.sub(r"[.,\s]", "", digits or "")
    return int(s) if s.isdigit() else None


@functools.lru_cache(maxsize=None)
def words_pattern(rule_file: str, key: str, flags=regex.IGNORECASE):
    return rules.compile_words(rules.load(rule_file)[key], flags)


SPACES = regex.compile(r"\s+")
LEADING_BULLETS = regex.compile(r"^(?:[-–+•*][ ]+)+")


CODE_DASHES = regex.compile(r"[–—‐/]")


def fold_code(code: str) -> str:
    """A number's code as compared: spacing, case, `Đ`/`D`, dash styles and `/`
    folded (`QĐ - UBND`, `QD-UBND`, `CT/TW` -> `QD-UBND`, `CT-TW`)."""
    c = SPACES.sub("", code or "").upper()
    return CODE_DASHES.sub("-", c).replace("Đ", "D")


def clean_phrase(s: str) -> str:
    """Trim spaces, dangling punctuation and a list bullet (`+ Đối với ...`) around a phrase."""
    s = " ".join(s.split())
    if s[:1] in "-–+•*":
        s = LEADING_BULLETS.sub("", s)
    return s.strip(" ,;:-–")


class Spans:
    """A set of (start, end) spans asked whether one of them overlaps or
    contains a span, by bisection: a check against every span, once per
    candidate, was quadratic on a document of thousands of mentions."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.max_end = list(itertools.accumulate((e for _, e in spans), max))   # of the spans up to each

    def overlaps(self, start: int, end: int) -> bool:
        """Some span has s < end and start < e."""
        k = bisect.bisect_left(self.starts, end)            # the spans with s < end
        return k > 0 and self.max_end[k - 1] > start

    def contains(self, start: int, end: int) -> bool:
        """Some span has s <= start and end <= e."""
        k = bisect.bisect_right(self.starts, start)         # the spans with s <= start
        return k > 0 and self.max_end[k - 1] >= end
