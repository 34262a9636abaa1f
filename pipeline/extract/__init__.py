"""Stage 4: extractors, one module per table.

Each extractor is a function ``find(doc: ParsedDoc) -> list[record]`` that
compiles its rules from ``rules/`` once and reads the normalized text and its
sentences. Extractors are looked up by name (``EXTRACTORS``), so a pipeline
configuration can choose which to run.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ..models import NormalizedText
from ..segment import Segmented


@dataclass
class ParsedDoc:
    doc_id: str
    norm: NormalizedText
    seg: Segmented
    found: dict = field(default_factory=dict, repr=False)   # extractor name -> its records

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
        """The text lower-cased, offset for offset (common.lowered)."""
        from .common import lowered
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
