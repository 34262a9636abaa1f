"""Literal triggers (rules.literal_trigger over the lower-cased text) find what
the full `regex` patterns built from the same words find: exactly, with
boundaries; a superset, without."""
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import normalize, rules
from pipeline.extract import ParsedDoc, citations
from pipeline.extract.common import finditer_at_triggers
from pipeline.extract.parts.text import lowered
from pipeline.ingest import read_source

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

SYLLABLES = ["quyết", "định", "Quyết", "ĐỊNH", "kế", "hoạch", "luật", "Luật", "thông", "tư", "TƯ", "đ"]


def _texts():
    for path in sorted(CORPUS.rglob("*.txt"))[:40]:
        yield normalize.normalize(read_source(str(path))).text


def test_kind_words_are_the_full_patterns_matches_on_the_corpus():
    g = citations.grammar()
    n = 0
    for text in _texts():
        doc = ParsedDoc("t", type("N", (), {"text": text})(), None)
        fast = [(m.start(), m.end(), m.group()) for m in citations._kind_words(doc, g)]
        full = [(m.start(), m.end(), m.group()) for m in g.kind_word.finditer(text)]
        assert fast == full
        n += len(full)
    assert n > 500


words = st.lists(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3).map(" ".join),
                 min_size=1, max_size=6)
texts = st.lists(st.sampled_from(SYLLABLES + [" ", "  ", "\n", ", ", "số", "12", "x"]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(words, texts)
def test_a_bounded_trigger_finds_exactly_the_alternations_matches(ws, text):
    full = regex.compile(rules.alternation(ws), regex.IGNORECASE)
    fast = rules.literal_trigger(ws, boundary=True, cross_lines=True)
    assert [m.span() for m in fast.finditer(lowered(text))] == [m.span() for m in full.finditer(text)]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(words, texts)
def test_a_pattern_tried_at_its_triggers_matches_as_over_the_whole_text(ws, text):
    pattern = regex.compile(rules.alternation(ws) + r"(?:[ ]+số)?", regex.IGNORECASE)
    trigger = rules.literal_trigger(ws, boundary=True, cross_lines=True)
    assert [m.span() for m in finditer_at_triggers(pattern, trigger, text)] == \
        [m.span() for m in pattern.finditer(text)]
