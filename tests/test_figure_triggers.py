"""The figures extractor tries its four patterns only where its number trigger
has a hit: it must find what each pattern's finditer over the whole text finds."""
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import normalize
from pipeline.extract import ParsedDoc, figures
from pipeline.ingest import read_source
from rule_examples import example_texts

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PIECES = ["5", "12", "1.902", "1,2", "03", "2021", "_", " ", "  ", "\n", "%", " %", "/", " / ", ".", ",", "-", "–",
          "m2", "M2", "ha", "m", "mét vuông", "Người", "người", "NGƯỜI", "triệu", "cuộc", "thanh", "tra", "kiểm",
          "cuộc\nthanh tra", "xã", "hộ", "đơn KNTC", "năm", "Đề án", "x", "٣", "Đ", "tiêu chí"]


def _doc(text: str) -> ParsedDoc:
    return ParsedDoc("t", type("N", (), {"text": text})(), None)


def _full_scans(text: str, g) -> list:
    return [[m.span() for m in p.finditer(text)] for p in (g.percent, g.ratio, g.measure, g.count)]


def _at_triggers(text: str, g) -> list:
    return [[m.span() for m in found] for found in figures._figure_matches(_doc(text), g)]


def test_the_trigger_finds_the_full_scans_matches_on_the_corpus():
    g = figures.grammar()
    n = 0
    for path in sorted(CORPUS.rglob("*.txt")):
        text = normalize.normalize(read_source(str(path))).text
        assert _at_triggers(text, g) == _full_scans(text, g), path
        n += sum(map(len, _full_scans(text, g)))
    assert n > 200


def test_the_trigger_finds_the_full_scans_matches_in_the_rule_examples():
    g = figures.grammar()
    for text in example_texts("figures"):
        assert _at_triggers(text, g) == _full_scans(text, g)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24).map("".join))
def test_the_trigger_finds_the_full_scans_matches_in_any_text(text):
    g = figures.grammar()
    assert _at_triggers(text, g) == _full_scans(text, g)
