"""The extractor as a spaCy component: ``nlp.add_pipe("tdkt")``.

    import spacy
    import pipeline.spacy_component          # registers the factory "tdkt"

    # spaCy's Vietnamese tokenizer needs pyvi by default; without it, tell it not to use it:
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("tdkt")
    doc = nlp(text)
    for span in doc.spans["tdkt"]:
        print(span.label_, span.text, span._.tdkt)        # normalized values
    spacy.displacy.render(doc, style="span", options={"spans_key": "tdkt"})
    # or, in the review page's colours: options=pipeline.spacy_component.displacy_options()

The component runs the whole pipeline (normalize, segment, extract, resolve)
on ``doc.text`` and puts every mention in ``doc.spans[spans_key]``, labelled
CITATION, MOVEMENT, MONEY, AWARD or FIGURE, with the record's normalized values
as ``span._.tdkt`` (a dict, read-only) and the whole ExtractionResult as
``doc._.tdkt``.
A document past the time limit (``config={"time_limit": ...}``: seconds,
``null`` or 0 for none, ``"env"`` by default: TDKT_TIME_LIMIT or 120 s) gets
the mentions found before it, and ``doc._.tdkt.document.status == "error"``.
Offsets map back from the normalized text to ``doc.text``; a span is widened
to whole tokens (``alignment_mode="expand"``), so with a whitespace tokenizer
(``vi`` without pyvi) punctuation glued to a word comes with it, while
``span._.tdkt["text"]`` keeps the exact mention. Any tokenizer works
(``spacy.blank("xx")`` splits punctuation off).
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Optional, Union

from spacy.language import Language
from spacy.tokens import Doc, Span

LABELS = {"citations": "CITATION", "movements": "MOVEMENT", "money": "MONEY", "awards": "AWARD",
          "figures": "FIGURE"}
PROVENANCE = ("doc_id", "start", "end", "page", "sentence")
# the review page's colours (tdkt report), for displaCy
COLORS = {"CITATION": "#cfe2ff", "MOVEMENT": "#e9d7fe", "MONEY": "#c9f2d0", "AWARD": "#ffe0b3", "FIGURE": "#b9ece8"}


def displacy_options(spans_key: str = "tdkt") -> dict:
    """``displacy.render(doc, style="span", options=displacy_options())``."""
    return {"spans_key": spans_key, "colors": dict(COLORS)}



def _span_values(span: Span):
    """The record behind a span. spaCy keys span extension values by character
    offsets only, and two records can share a span (`21 tập thể và 25 cá nhân
    ...` is two award rows), so the values live in the doc, keyed by span id."""
    index = span.doc._.tdkt_values or {}
    return index.get((span.start_char, span.end_char, span.label_, span.id))


if not Span.has_extension("tdkt"):
    Span.set_extension("tdkt", getter=_span_values)
if not Doc.has_extension("tdkt"):
    Doc.set_extension("tdkt", default=None)
if not Doc.has_extension("tdkt_values"):
    Doc.set_extension("tdkt_values", default=None)


class TdktComponent:
    def __init__(self, spans_key: str = "tdkt", tables=tuple(LABELS), time_limit="env"):
        unknown = set(tables) - set(LABELS)
        if unknown:
            raise ValueError(f"tdkt: unknown tables {sorted(unknown)}; choose from {sorted(LABELS)}")
        from .api import time_limit_seconds
        time_limit_seconds(time_limit)          # a bad setting fails when the pipeline is built
        self.spans_key = spans_key
        self.tables = list(tables)
        self.time_limit = time_limit

    def __call__(self, doc: Doc) -> Doc:
        from . import normalize as normalize_stage
        from .api import extract_source
        from .models import SourceText
        doc_id = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]
        source = SourceText(doc_id=doc_id, source_path="<spacy>", format="txt", text=doc.text)
        result = extract_source(source, tables=self.tables, time_limit=self.time_limit)
        to_source = normalize_stage.normalize(source).to_source
        spans, values_by_span = [], {}
        for table in self.tables:
            for i, rec in enumerate(getattr(result, table)):
                if rec.end <= rec.start:
                    continue
                start, end = int(to_source[rec.start]), int(to_source[rec.end - 1]) + 1
                span = doc.char_span(start, end, label=LABELS[table], alignment_mode="expand",
                                     span_id=len(spans) + 1)
                if span is None:
                    continue
                values = {k: v for k, v in asdict(rec).items() if k not in PROVENANCE}
                values.update(table=table, start_char=start, end_char=end)
                values_by_span[(span.start_char, span.end_char, span.label_, span.id)] = values
                spans.append(span)
        spans.sort(key=lambda s: (s.start_char, -s.end_char))
        doc.spans[self.spans_key] = spans
        doc._.tdkt_values = values_by_span
        doc._.tdkt = result
        return doc


@Language.factory("tdkt", default_config={"spans_key": "tdkt",
                                          "tables": ["citations", "movements", "money", "awards", "figures"],
                                          "time_limit": "env"})
def make_tdkt(nlp: Language, name: str, spans_key: str, tables: list[str],
              time_limit: Optional[Union[float, str]]) -> TdktComponent:
    return TdktComponent(spans_key=spans_key, tables=tables, time_limit=time_limit)


def blank_vietnamese() -> Language:
    """spaCy's Vietnamese pipeline without pyvi (whitespace tokens); falls back
    to the multi-language blank pipeline if that cannot be built."""
    import spacy
    try:
        return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    except Exception:  # an older spaCy without the option
        return spacy.blank("xx")
