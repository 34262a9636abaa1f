"""The extractor as a spaCy component: ``nlp.add_pipe("tdkt")``.

>>> import pipeline.spacy_component as sc      # registers the factory "tdkt"
>>> nlp = sc.blank_vietnamese()                 # spacy.blank("vi") that splits punctuation off
>>> _ = nlp.add_pipe("tdkt")
>>> doc = nlp("Kinh phí khen thưởng là 45,5 triệu đồng.")
>>> [(span.label_, span.text) for span in doc.spans["tdkt"]]
[('MONEY', '45,5 triệu đồng')]
>>> span = doc.spans["tdkt"][0]
>>> span._.tdkt["amount_vnd"], span._.tdkt["text"], span._.tdkt["table"]
(45500000, '45,5 triệu đồng', 'money')
>>> doc._.tdkt["money"][0]["purpose"], doc._.tdkt["document"]["status"]
('Kinh phí khen thưởng', 'ok')

    spacy.displacy.render(doc, style="span", options={"spans_key": "tdkt"})
    # or, in the review page's colours: options=pipeline.spacy_component.displacy_options()

The component runs the whole pipeline (normalize, segment, extract, resolve)
on ``doc.text`` and puts every mention in ``doc.spans[spans_key]``, labelled
by its extractor (CITATION, MOVEMENT, MONEY, AWARD, FIGURE), with the record's normalized values
as ``span._.tdkt`` (a dict: the record's fields but its provenance, with
``table``, ``start_char`` and ``end_char`` of the exact mention in
``doc.text``). ``doc._.tdkt`` holds the whole result as plain data: a dict
with ``document`` (a dict) and each table (``citations``, ``movements``,
``money``, ``awards``, ``figures``, ``errors``) as a list of dicts, the rows
``tdkt extract`` writes (``start``/``end`` into the normalized text);
:func:`extraction_result` turns it back into typed records. Being plain
data, it is saved with the doc (``DocBin(store_user_data=True)``,
``doc.to_bytes()``) and crosses processes (``nlp.pipe(texts, n_process=2)``).

A document past the time limit (``config={"time_limit": ...}``: seconds,
``null`` or 0 for none, ``"env"`` by default: TDKT_TIME_LIMIT or 120 s) gets
the mentions found before it, and ``doc._.tdkt["document"]["status"] == "error"``.

Offsets map back from the normalized text to ``doc.text``. A span is the
mention's exact tokens (``alignment_mode="strict"``) when the tokenizer splits
there, else widened to whole tokens (``"expand"``); ``span._.tdkt["text"]``
always keeps the exact mention. :func:`blank_vietnamese` builds a tokenizer
that splits punctuation off words (``đồng.`` -> ``đồng`` ``.``, ``“Dân vận
khéo”,``, ``12/CT-UBND``), so that every mention of the sample corpus and the
real agency texts is its exact tokens; spaCy's own ``spacy.blank("vi")``
(whitespace tokens, or pyvi's words) would glue ``.``/``,``/``;``/``”`` to a
span's last word.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import cast

from spacy.language import Language
from spacy.tokens import Doc, Span

from .annotate import record_values, source_span


def _specs() -> dict:
    from .extract import specs
    return specs()


def colors() -> dict:
    """Each label's colour: the review page's (tdkt report), from the extractors' specs."""
    return {s.label: s.color for s in _specs().values()}


def displacy_options(spans_key: str = "tdkt") -> dict:
    """``displacy.render(doc, style="span", options=displacy_options())``."""
    return {"spans_key": spans_key, "colors": colors()}


def _span_key(span: Span) -> str:
    # spaCy keys span extension values by character offsets only, and two
    # records can share a span (`21 tập thể và 25 cá nhân ...` is two award
    # rows), so the values live in the doc, under the span's offsets, label
    # and id; a string, so the dict stays JSON-able and survives msgpack
    return f"{span.start_char}:{span.end_char}:{span.label_}:{span.id}"


def _span_values(span: Span) -> dict | None:
    """The record behind a span (a dict), or None for a span tdkt did not make."""
    index = span.doc._.tdkt_values or {}
    values = index.get(_span_key(span))
    return dict(values) if values is not None else None


def _plain(value):
    """msgpack reads the doc's user data back with tuples for lists
    (DocBin): lists again, so a saved doc's values equal the fresh doc's."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _doc_result(doc: Doc) -> dict | None:
    data = doc._.tdkt_data
    if data is not None and any(isinstance(v, tuple) for v in data.values()):
        data = doc._.tdkt_data = _plain(data)
    return data


def _set_doc_result(doc: Doc, value: dict | None) -> None:
    doc._.tdkt_data = value


if not Span.has_extension("tdkt"):
    Span.set_extension("tdkt", getter=_span_values)
# doc._.tdkt reads doc._.tdkt_data (where spaCy saves it) with lists as lists
if not Doc.has_extension("tdkt_data"):
    Doc.set_extension("tdkt_data", default=None)
if not Doc.has_extension("tdkt"):
    Doc.set_extension("tdkt", getter=_doc_result, setter=_set_doc_result)
if not Doc.has_extension("tdkt_values"):
    Doc.set_extension("tdkt_values", default=None)


def result_data(result) -> dict:
    """An ExtractionResult as plain data: ``document`` a dict, each table a list
    of dicts (the normalized text left out: the doc has the text)."""
    out: dict = {"document": asdict(result.document)}
    for table in [*_specs(), "errors"]:
        out[table] = [asdict(rec) for rec in getattr(result, table)]
    return out


def extraction_result(doc_or_data):
    """The ExtractionResult (typed records) behind ``doc._.tdkt``; a doc or
    that dict. Its ``normalized_text`` is left empty."""
    from . import models
    data = doc_or_data._.tdkt if isinstance(doc_or_data, Doc) else doc_or_data
    data = _plain(data)
    result = models.ExtractionResult(document=models.DocumentInfo(**data["document"]))
    result.errors = [models.ErrorRow(**row) for row in data.get("errors", [])]
    for table, extractor in _specs().items():
        result.mentions[table] = [extractor.record(**row) for row in data.get(table, [])]
    return result


class TdktComponent:
    def __init__(self, spans_key: str = "tdkt", tables: list | None = None, time_limit="env"):
        known = _specs()
        tables = list(known) if tables is None else tables
        unknown = set(tables) - set(known)
        if unknown:
            raise ValueError(f"tdkt: unknown tables {sorted(unknown)}; choose from {sorted(known)}")
        from .api import time_limit_seconds
        time_limit_seconds(time_limit)          # a bad setting fails when the pipeline is built
        self.spans_key = spans_key
        self.tables = list(tables)
        self.time_limit = time_limit

    def __call__(self, doc: Doc) -> Doc:
        from .api import extract_source
        from .models import SourceText
        from .normalize import normalize
        doc_id = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]
        source = SourceText(doc_id=doc_id, source_path="<spacy>", format="txt", text=doc.text)
        result = extract_source(source, tables=self.tables, time_limit=self.time_limit)
        to_source = normalize(source).to_source
        spans: list[Span] = []
        values_by_span: dict[str, dict] = {}
        labels = {name: s.label for name, s in _specs().items()}
        for table in self.tables:
            for rec in getattr(result, table):
                if rec.end <= rec.start:
                    continue
                start, end = source_span(to_source, doc.text, rec.start, rec.end)
                span = _char_span(doc, start, end, labels[table], len(spans) + 1)
                if span is None:
                    continue
                values = record_values(rec)
                values.update(table=table, start_char=start, end_char=end)
                values_by_span[_span_key(span)] = values
                spans.append(span)
        spans.sort(key=lambda s: (s.start_char, -s.end_char))
        doc.spans[self.spans_key] = spans
        doc._.tdkt_values = values_by_span
        doc._.tdkt = result_data(result)
        return doc


def _char_span(doc: Doc, start: int, end: int, label: str, span_id: int) -> Span | None:
    """The mention's own tokens when the tokenizer split at its ends, else the
    tokens that hold it."""
    for mode in ("strict", "expand"):
        span = doc.char_span(start, end, label=label, alignment_mode=mode, span_id=span_id)
        if span is not None:
            return span
    return None


# tables: null for every extractor's (pipeline.extract.specs), or a list of names
@Language.factory("tdkt", default_config={"spans_key": "tdkt", "tables": None, "time_limit": "env"})
def make_tdkt(nlp: Language, name: str, spans_key: str, tables: list[str] | None,
              time_limit: float | str | None) -> TdktComponent:
    return TdktComponent(spans_key=spans_key, tables=tables, time_limit=time_limit)


# what blank_vietnamese() splits off besides spaCy's own rules: signs before a
# number (`-120.000đ/kg`), markdown emphasis; and inside a word: `/` (`12/CT-UBND`,
# `11,7/12,7`), `&` (`KH-BCA-BNN&MT`), brackets (`110.000đ/kg(giảm`, footnote
# marks `tỉnh[1]`), a dash between numbers (`1%-1,5%`), a dot between capitals
# (`VP.UBND`). The letter-and-dot exceptions (`m.`, `a.`) are dropped: `100 m.`
# ends a sentence in these reports.
EXTRA_PREFIXES = (r"[-+−–](?=[0-9])", r"\*")
EXTRA_SUFFIXES = (r"\*",)
EXTRA_INFIXES = (r"/", r"&", r"[\(\)\[\]]", r"(?<=[0-9%])[-–](?=[0-9])", r"(?<=[A-ZĐ0-9])\.(?=[A-ZĐ])")


def blank_vietnamese() -> Language:
    """A blank Vietnamese pipeline (``spacy.blank("vi")``, no pyvi) whose
    tokenizer is spaCy's rule-based one: whitespace, then punctuation split
    off, so a mention's span is its exact tokens. The rules are saved with
    ``nlp.to_disk``. Falls back to ``spacy.blank("xx")`` if "vi" cannot be built.

    >>> nlp = blank_vietnamese()
    >>> [t.text for t in nlp("Chi 45,5 triệu đồng; theo “Dân vận khéo”, Chỉ thị 12/CT-UBND.")]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['Chi', '45,5', 'triệu', 'đồng', ';', 'theo', '“', 'Dân', 'vận', 'khéo', '”', ',',
     'Chỉ', 'thị', '12', '/', 'CT', '-', 'UBND', '.']
    """
    import spacy
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
    try:
        nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})
    except Exception:  # an older spaCy, another registry
        nlp = spacy.blank("xx")
    defaults = nlp.Defaults
    tokenizer = cast(Tokenizer, nlp.tokenizer)   # (any callable in a pipeline; a blank one's is a Tokenizer)
    tokenizer.prefix_search = compile_prefix_regex(tuple(defaults.prefixes or ()) + EXTRA_PREFIXES).search
    tokenizer.suffix_search = compile_suffix_regex(tuple(defaults.suffixes or ()) + EXTRA_SUFFIXES).search
    tokenizer.infix_finditer = compile_infix_regex(tuple(defaults.infixes or ()) + EXTRA_INFIXES).finditer
    tokenizer.rules = {k: v for k, v in (tokenizer.rules or {}).items() if not k.endswith(".")}
    return nlp
