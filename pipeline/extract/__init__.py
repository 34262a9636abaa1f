"""Stage 4: extractors, one module per table.

Each extractor is a function ``find(doc: ParsedDoc) -> list[record]`` that
compiles its rules from ``rules/`` once and reads the normalized text and its
sentences. Extractors are looked up by name (``EXTRACTORS``), so a pipeline
configuration can choose which to run.
"""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Optional

from ..models import NormalizedText
from ..segment import Segmented


class TimeLimitExceeded(BaseException):
    """A document's time limit has passed. A BaseException, like
    KeyboardInterrupt: the guards that keep one failing field from costing
    the others (``except Exception``) must not swallow it."""

    def __init__(self, seconds: float):
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


@dataclass(frozen=True)
class Deadline:
    """When a document's extraction must stop. Checked between the stages and
    in the extractors' loops, by the code itself: no signal and no thread, so
    it works the same in any thread, on any platform, in a library or spaCy."""
    seconds: float
    end: float                     # on time.monotonic()'s clock

    @classmethod
    def after(cls, seconds: float) -> "Deadline":
        return cls(seconds, time.monotonic() + seconds)

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise TimeLimitExceeded(self.seconds)


@dataclass
class ParsedDoc:
    doc_id: str
    norm: NormalizedText
    seg: Segmented
    found: dict = field(default_factory=dict, repr=False)   # extractor name -> its records
    deadline: Optional[Deadline] = field(default=None, repr=False)

    def check_time(self) -> None:
        """Raise TimeLimitExceeded once the document's time limit has passed
        (cheap: the extractors call it once per candidate)."""
        if self.deadline is not None:
            self.deadline.check()

    def once(self, name: str, find):
        """The records of one extractor, found once per document (the figures
        extractor reads the money and award spans the pipeline found already)."""
        if name not in self.found:
            self.found[name] = find(self)
        return self.found[name]

    @property
    def text(self) -> str:
        return self.norm.text

    @functools.cached_property
    def lower(self) -> str:
        """The text lower-cased, offset for offset (parts.text.lowered)."""
        from .parts.text import lowered
        return lowered(self.norm.text)

    def provenance(self, start: int, end: int) -> dict:
        """The provenance fields every mention record carries."""
        return dict(doc_id=self.doc_id, start=start, end=end, text=self.norm.text[start:end],
                    page=self.norm.page_of(start), sentence=self.seg.sentence_at(start).text)


def extractors():
    """Each table's extractor, by name, each run once per document."""
    from . import awards, citations, figures, money, movements
    finds = {"citations": citations.find, "movements": movements.find,
             "money": money.find, "awards": awards.find, "figures": figures.find}
    return {name: (lambda doc, name=name, find=find: doc.once(name, find)) for name, find in finds.items()}
