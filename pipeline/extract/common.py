"""Small helpers shared by the extractors: a pattern run only where its
literal trigger hits, and a set of spans asked about overlaps. (Text, dates,
numbers and issuers are read by the shared parts: :mod:`.parts`.)"""
from __future__ import annotations

import bisect
import itertools

from .parts.text import lowered


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
