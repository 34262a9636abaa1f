"""Stage 4: extractors, one module per table.

Each extractor is a function ``find(doc: ParsedDoc) -> list[record]`` that
compiles its rules from ``rules/`` once and reads the normalized text and its
sentences. Extractors are looked up by name (``EXTRACTORS``), so a pipeline
configuration can choose which to run.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..models import NormalizedText
from ..segment import Segmented


@dataclass
class ParsedDoc:
    doc_id: str
    norm: NormalizedText
    seg: Segmented

    @property
    def text(self) -> str:
        return self.norm.text

    def provenance(self, start: int, end: int) -> dict:
        """The provenance fields every mention record carries."""
        return dict(doc_id=self.doc_id, start=start, end=end, text=self.norm.text[start:end],
                    page=self.norm.page_of(start), sentence=self.seg.sentence_at(start).text)


def extractors():
    from . import awards, citations, figures, money, movements
    return {"citations": citations.find, "movements": movements.find,
            "money": money.find, "awards": awards.find, "figures": figures.find}
