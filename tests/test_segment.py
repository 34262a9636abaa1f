"""Segmenting: the sentence splitter walked mark to mark gives underthesea's
sentences exactly; sentences are split only when asked, with the same result."""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import normalize, segment
from pipeline.ingest import read_source

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"

TRICKY = [
    "Theo Tp. Hồ Chí Minh... Sau đó. Tiếp theo!",
    "Giá 1.500.000 đồng. Ngày 15.12.2025 là hạn.",
    "Ông Nguyễn V. An, TS. Lê B. được khen... và tiếp",
    "Hết?! Thật sao... không. A",
    "...",
    "   ",
    "Câu một.\tCâu hai.  Câu ba…  Câu bốn",
]


def _lines():
    for path in sorted(SEEDS.glob("*.txt")):
        text = normalize.normalize(read_source(str(path))).text
        yield from (line for line in text.split("\n") if line.strip())


def test_the_splitter_is_underthesea_on_the_seeds_and_tricky_lines():
    lines = list(_lines()) + TRICKY
    assert len(lines) > 100
    if segment._split is segment._spans_of_pieces:
        pytest.skip("this underthesea's splitter cannot be walked mark to mark")
    for line in lines:
        assert segment._split(line) == segment._spans_of_pieces(line), line


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(". ?!\t\rAaĐđ1 2…\u00a0") + ["Tp.", "...", "1.5", "TS."]), max_size=40)
       .map("".join))
def test_the_splitter_is_underthesea_on_any_text(text):
    assert segment._split(text) == segment._spans_of_pieces(text)


def test_lazy_sentences_are_the_eager_ones():
    text = normalize.normalize(read_source(str(sorted(SEEDS.glob("*.txt"))[0]))).text
    lazy = segment.segment(type("N", (), {"text": text})())
    eager = segment.segment(type("N", (), {"text": text})())
    everything = eager.sentences                    # splits every paragraph
    assert len(everything) > 20
    for sent in everything[::3]:
        assert lazy.sentence_at(sent.start + 1) == sent
    assert lazy.sentences == everything
