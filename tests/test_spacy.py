"""The spaCy component: mentions in doc.spans with their normalized values; displaCy renders them;
the results are plain data that a DocBin saves and nlp.pipe(n_process=2) carries."""
import doctest
import json
from pathlib import Path

import pytest
import spacy
from spacy import displacy
from spacy.tokens import DocBin

import pipeline.spacy_component as sc  # (registers the "tdkt" factory)

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


@pytest.mark.slow
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
        if doc.lang_ == "vi":          # blank_vietnamese() splits punctuation off: the exact tokens
            assert s.text == doc.text[values["start_char"]:values["end_char"]]
            assert (s.start_char, s.end_char) == (values["start_char"], values["end_char"])
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
    assert doc._.tdkt["document"]["issuer"] == "UBND huyện Trùng Khánh"
    # plain data: the tables as lists of dicts, the typed records one call away
    assert isinstance(doc._.tdkt["money"], list) and isinstance(doc._.tdkt["money"][0], dict)
    result = sc.extraction_result(doc)
    assert result.document.issuer == "UBND huyện Trùng Khánh"
    assert [m.amount_vnd for m in result.money] == [m["amount_vnd"] for m in doc._.tdkt["money"]]


@pytest.mark.slow
def test_displacy_renders_the_spans(doc):
    html = displacy.render(doc, style="span", options={"spans_key": "tdkt"}, page=True, jupyter=False)
    assert html.startswith("<!DOCTYPE html>") or "<html" in html
    for label in ("CITATION", "MOVEMENT", "MONEY", "AWARD", "FIGURE"):
        assert label in html
    assert "41,288" in html and "66,9" in html
    coloured = displacy.render(doc, style="span", options=sc.displacy_options(), jupyter=False)
    assert sc.colors()["AWARD"] in coloured


def test_config_chooses_tables_and_key():
    nlp = spacy.blank("xx")
    nlp.add_pipe("tdkt", config={"spans_key": "sc", "tables": ["money", "awards"]})
    doc = nlp(TEXT)
    assert {s.label_ for s in doc.spans["sc"]} == {"MONEY", "AWARD"}
    with pytest.raises(ValueError):
        spacy.blank("xx").add_pipe("tdkt", config={"tables": ["nonsense"]})


# --- plain data: saved, sent across processes; spans without their punctuation

SMALL = [
    "Kinh phí khen thưởng là 45,5 triệu đồng.",
    "Năm 2021, 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh; Có 03/19 xã đạt 19 tiêu chí, chiếm 15,8%.",
    "Căn cứ Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh, phong trào “Dân vận khéo”.",
]


@pytest.fixture(scope="module")
def nlp_vi():
    nlp = sc.blank_vietnamese()
    nlp.add_pipe("tdkt")
    return nlp


def _spans(doc):
    return [(s.start_char, s.end_char, s.label_, s.text, s._.tdkt) for s in doc.spans["tdkt"]]


def test_spans_leave_punctuation_out(nlp_vi):
    doc = nlp_vi(SMALL[0])
    (span,) = doc.spans["tdkt"]
    assert span.text == "45,5 triệu đồng" == span._.tdkt["text"]
    assert doc[span.end].text == "."
    doc = nlp_vi(SMALL[2])
    got = {s.label_: s.text for s in doc.spans["tdkt"]}
    assert got["CITATION"] == "Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh"
    assert got["MOVEMENT"] == "Dân vận khéo"           # the quotation marks are tokens of their own


def test_a_whitespace_tokenizer_widens_the_span_and_keeps_the_mention():
    """spaCy's "vi" without pyvi glues `.` to `đồng.`: the span takes the whole
    token; span._.tdkt["text"] is still the exact mention."""
    try:
        nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    except Exception:
        pytest.skip("this spaCy has no use_pyvi option")
    nlp.add_pipe("tdkt", config={"tables": ["money"]})
    doc = nlp(SMALL[0])
    (span,) = doc.spans["tdkt"]
    assert span.text == "45,5 triệu đồng." and span._.tdkt["text"] == "45,5 triệu đồng"


def test_docbin_round_trip(nlp_vi):
    docs = list(nlp_vi.pipe(SMALL))
    for doc in docs:                            # plain data: JSON takes it as it is
        assert json.loads(json.dumps(doc._.tdkt)) == doc._.tdkt
        assert json.loads(json.dumps(doc._.tdkt_values)) == doc._.tdkt_values
    db = DocBin(store_user_data=True)
    for doc in docs:
        db.add(doc)
    data = db.to_bytes()
    fresh = sc.blank_vietnamese()               # a fresh vocab: labels come from the DocBin's strings
    back = list(DocBin(store_user_data=True).from_bytes(data).get_docs(fresh.vocab))
    assert len(back) == len(docs)
    for doc, loaded in zip(docs, back):
        assert loaded.text == doc.text
        assert _spans(loaded) == _spans(doc) and _spans(doc)
        assert loaded._.tdkt == doc._.tdkt
        assert isinstance(loaded._.tdkt["awards"], list)
        assert sc.extraction_result(loaded) == sc.extraction_result(doc)
    # doc.to_bytes() too (what nlp.pipe's worker processes send)
    again = spacy.tokens.Doc(fresh.vocab).from_bytes(docs[1].to_bytes())
    assert _spans(again) == _spans(docs[1]) and again._.tdkt == docs[1]._.tdkt


def test_pipe_with_two_processes(nlp_vi):
    one = list(nlp_vi.pipe(SMALL))
    two = list(nlp_vi.pipe(SMALL, n_process=2, batch_size=1))
    assert [d.text for d in two] == SMALL
    assert [_spans(d) for d in two] == [_spans(d) for d in one]
    assert [d._.tdkt for d in two] == [d._.tdkt for d in one]
    awards = [s._.tdkt for s in two[1].spans["tdkt"] if s.label_ == "AWARD"]
    assert sorted((v["recipient_type"], v["count"]) for v in awards) == [("cá nhân", 25), ("tập thể", 21)]


def test_saved_pipeline_keeps_its_tokenizer_and_config(nlp_vi, tmp_path):
    nlp = sc.blank_vietnamese()
    nlp.add_pipe("tdkt", config={"time_limit": 30, "tables": ["money", "citations"]})
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    text = "Chi -120.000đ/kg tại VP.UBND (giảm) 100 m. Kinh phí 45,5 triệu đồng."
    assert [t.text for t in loaded(text)] == [t.text for t in nlp(text)]
    assert loaded.get_pipe("tdkt").time_limit == 30
    doc = loaded(SMALL[0])
    assert [s.text for s in doc.spans["tdkt"]] == ["45,5 triệu đồng"]


def test_time_limit_config():
    nlp = sc.blank_vietnamese()
    nlp.add_pipe("tdkt", config={"time_limit": 1e-9})
    doc = nlp(SMALL[0])
    assert doc._.tdkt["document"]["status"] == "error"
    assert "time limit" in doc._.tdkt["errors"][0]["error"]
    with pytest.raises(ValueError):
        sc.blank_vietnamese().add_pipe("tdkt", config={"time_limit": "soon"})


def test_documented_examples_run():
    failed, tried = doctest.testmod(sc)
    assert tried and not failed
