"""The spaCy component: mentions in doc.spans with their normalized values; displaCy renders them."""
from pathlib import Path

import pytest
import spacy
from spacy import displacy

import pipeline.spacy_component as sc  # noqa: F401  (registers the "tdkt" factory)

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "corpus" / "seeds" / "002_03026f8b928707b4.txt").read_text(encoding="utf-8")


def test_blank_vi_needs_pyvi_by_default():
    """spaCy's Vietnamese tokenizer asks for pyvi unless told not to use it; the
    component works on either, and on any other tokenizer."""
    try:
        spacy.blank("vi")
    except ImportError as exc:
        assert "pyvi" in str(exc).lower()
    nlp = sc.blank_vietnamese()
    assert nlp.lang in ("vi", "xx")


@pytest.fixture(scope="module", params=["vi", "xx"])
def doc(request):
    nlp = sc.blank_vietnamese() if request.param == "vi" else spacy.blank("xx")
    nlp.add_pipe("tdkt")
    return nlp(TEXT)


def test_mentions_in_doc_spans(doc):
    spans = list(doc.spans["tdkt"])
    labels = {s.label_ for s in spans}
    assert {"CITATION", "MOVEMENT", "MONEY", "AWARD", "FIGURE"} <= labels
    for s in spans:
        values = s._.tdkt
        assert values is not None
        # the exact mention lies inside the token-aligned span
        assert values["text"] in s.text or values["table"] == "movements"
        assert doc.text[values["start_char"]:values["end_char"]] in s.text
    by_text = {}
    for s in spans:
        by_text.setdefault((s.label_, s._.tdkt["text"]), []).append(s._.tdkt)
    money = by_text[("MONEY", "41,288 tỷ đồng")][0]
    assert money["amount_vnd"] == 41_288_000_000 and money["purpose"] == "thu ngân sách"
    ratio = by_text[("FIGURE", "03/19 xã")][0]
    assert (ratio["value"], ratio["denominator"], ratio["of_what"]) == (3, 19, "đạt 19 tiêu chí")
    cit = by_text[("CITATION", "Chỉ thị số 02/CT-UBND ngày 28/01/2022 của Ủy ban nhân dân tỉnh")][0]
    assert cit["number"] == "02/CT-UBND" and cit["issued_date"] == "2022-01-28"
    # one span, two records: each keeps its own values
    pair = by_text[("AWARD", "21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh")]
    assert sorted((v["recipient_type"], v["count"]) for v in pair) == [("cá nhân", 25), ("tập thể", 21)]
    assert doc._.tdkt.document.issuer == "UBND huyện Trùng Khánh"


def test_displacy_renders_the_spans(doc):
    html = displacy.render(doc, style="span", options={"spans_key": "tdkt"}, page=True, jupyter=False)
    assert html.startswith("<!DOCTYPE html>") or "<html" in html
    for label in ("CITATION", "MOVEMENT", "MONEY", "AWARD", "FIGURE"):
        assert label in html
    assert "41,288" in html and "66,9" in html
    coloured = displacy.render(doc, style="span", options=sc.displacy_options(), jupyter=False)
    assert sc.COLORS["AWARD"] in coloured


def test_config_chooses_tables_and_key():
    nlp = spacy.blank("xx")
    nlp.add_pipe("tdkt", config={"spans_key": "sc", "tables": ["money", "awards"]})
    doc = nlp(TEXT)
    assert {s.label_ for s in doc.spans["sc"]} == {"MONEY", "AWARD"}
    with pytest.raises(ValueError):
        spacy.blank("xx").add_pipe("tdkt", config={"tables": ["nonsense"]})
