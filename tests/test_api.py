"""The public API (pipeline/__init__.py): extract, annotate, check, the record types;
its documented examples run."""
import doctest
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser

import pytest

import pipeline
from pipeline import api
from pipeline.models import DocumentInfo, ExtractionResult, Figure, Money

SENTENCE = ("Thực hiện Kế hoạch số 15/KH-UBND ngày 10/3/2022 của UBND tỉnh về phong trào thi đua “Dân vận khéo” "
            "<script>alert(1)</script> năm 2022, 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh; "
            "đã ban hành 04 Quyết định số 171/QĐ-UBND ngày 29/02/2024, chi 45,5 triệu đồng & hơn thế.")


class Marks(HTMLParser):
    """Reads annotate's HTML: fails on a tag closed out of order; collects the
    text (unescaped) and each mark with its attributes and the text inside."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.marks, self.depth = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        assert tag == "mark", tag
        self.stack.append((dict(attrs), len("".join(self.text))))
        self.depth = max(self.depth, len(self.stack))

    def handle_endtag(self, tag):
        assert tag == "mark" and self.stack, f"unbalanced </{tag}>"
        attrs, start = self.stack.pop()
        self.marks.append((attrs, "".join(self.text)[start:]))

    def handle_data(self, data):
        self.text.append(data)


def parse(html):
    p = Marks()
    p.feed(html)
    p.close()
    assert not p.stack, "a mark left open"
    return p


def test_annotate_marks_every_mention_and_escapes_the_text():
    html = pipeline.annotate(SENTENCE)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; hơn thế" in html
    p = parse(html)
    assert "".join(p.text) == SENTENCE           # the text, whole and unchanged
    by_class = {}
    for attrs, inner in p.marks:
        by_class.setdefault(attrs["class"], []).append((inner, attrs))
    assert {"tdkt-citation", "tdkt-movement", "tdkt-money", "tdkt-award", "tdkt-figure"} <= set(by_class)
    (money, attrs), = by_class["tdkt-money"]
    assert money == "45,5 triệu đồng" and attrs["data-amount-vnd"] == "45500000"
    assert "amount_vnd: 45500000" in attrs["title"]
    movement = by_class["tdkt-movement"][0]
    assert movement[0] == "Dân vận khéo"
    plan = next(a for inner, a in by_class["tdkt-citation"] if inner.startswith("Kế hoạch"))
    assert (plan["data-number"], plan["data-issued-date"], plan["data-doc-type"]) == ("15/KH-UBND", "2022-03-10",
                                                                                      "Kế hoạch")
    # two award rows on one span: one mark, the values they differ in joined
    (award, attrs), = by_class["tdkt-award"]
    assert award == "21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh"
    assert attrs["data-count"] == "21 | 25" and attrs["data-award"] == "Bằng khen"
    assert attrs["data-recipient-type"] == "tập thể | cá nhân"


def test_crossing_mentions_stay_well_formed():
    """`04 Quyết định` (a figure) and `Quyết định số 171/...` (a citation)
    cross: the citation is closed with the figure and opened again."""
    html = pipeline.annotate(SENTENCE)
    p = parse(html)
    pieces = [inner for attrs, inner in p.marks if attrs.get("data-number") == "171/QĐ-UBND"]
    assert "".join(pieces) == "Quyết định số 171/QĐ-UBND ngày 29/02/2024" and len(pieces) == 2
    figure = [inner for attrs, inner in p.marks if attrs["class"] == "tdkt-figure"]
    assert "04 Quyết định" in figure


def _result(text, *records):
    doc = DocumentInfo(doc_id="d", source_path="<t>", format="txt")
    result = ExtractionResult(document=doc, normalized_text=text)
    for rec in records:
        getattr(result, {Money: "money", Figure: "figures"}[type(rec)]).append(rec)
    return result


def test_nested_marks_from_a_result():
    text = "Chi 45,5 triệu đồng <b>."
    result = _result(text, Money("d", 4, 19, "45,5 triệu đồng", None, text, amount_vnd=45_500_000),
                     Figure("d", 4, 8, "45,5", None, text, kind="count", value=45.5))
    html = pipeline.annotate(result)
    assert html == ('Chi <mark class="tdkt-money" data-amount-vnd="45500000" data-qualifier="exact" '
                    'title="MONEY\namount_vnd: 45500000\nqualifier: exact">'
                    '<mark class="tdkt-figure" data-kind="count" data-value="45.5" '
                    'title="FIGURE\nkind: count\nvalue: 45.5">45,5</mark> triệu đồng</mark> &lt;b&gt;.')
    p = parse(html)
    assert p.depth == 2 and "".join(p.text) == text
    # custom markup, text not escaped
    plain = pipeline.annotate(result, before=lambda m: "{" + m.label + ":", after=lambda m: "}", escape=False)
    assert plain == "Chi {MONEY:{FIGURE:45,5} triệu đồng} <b>."
    # one table only
    assert pipeline.annotate(result, tables=["figures"], before=lambda m: "[", after=lambda m: "]") == \
        "Chi [45,5] triệu đồng &lt;b&gt;."
    with pytest.raises(ValueError):
        pipeline.annotate(result, tables=["nonsense"])


def test_annotate_a_result_against_its_source_text():
    """A result's offsets point into the normalized text; given the string it
    came from, the marks go into that string (here NFD: `ỷ` is two code
    points, and the doubled space is normalized away)."""
    nfd = lambda s: unicodedata.normalize("NFD", s)
    source = nfd("Kinh phí  khen thưởng là 45,5 triệu đồng, đã thu hồi trên 64.2 tỷ.")
    result = pipeline.extract_text(source)
    assert result.normalized_text != source
    assert [m.text for m in result.money] == ["45,5 triệu đồng", "trên 64.2 tỷ"]
    brackets = dict(before=lambda m: "[", after=lambda m: "]", escape=False)
    got = pipeline.annotate(result, text=source, **brackets)
    # the last letter's combining mark inside the mark
    assert got == nfd("Kinh phí  khen thưởng là [45,5 triệu đồng], đã thu hồi [trên 64.2 tỷ].")
    assert pipeline.annotate(source, **brackets) == got
    assert pipeline.annotate(result, **brackets) == ("Kinh phí khen thưởng là [45,5 triệu đồng], "
                                                     "đã thu hồi [trên 64.2 tỷ].")
    with pytest.raises(ValueError):
        pipeline.annotate(result, text="another text")


def test_check_text_finds_a_wrong_percentage():
    found = pipeline.check_text("Có 03/19 xã đạt 19 tiêu chí, chiếm 18,5% (gồm các xã Phong Châu, Cao Chương, "
                                "Ngọc Côn).")
    assert [(c.rule_id, c.severity) for c in found] == [("percent_vs_ratio", "error")]
    check = found[0]
    assert isinstance(check, pipeline.Check)
    assert "18,5%" in check.message and "15,79%" in check.basis
    assert check.sentence.startswith("Có 03/19 xã")
    assert pipeline.check_text("Có 03/19 xã đạt 19 tiêu chí, chiếm 15,8%.") == []
    # amounts: stated 95,5% of 71,5 billion, recovered 64,2 (89,79%)
    amounts = pipeline.check_text("kiến nghị thu hồi vào Ngân sách nhà nước hơn 71.5 tỷ đồng, 9.895 m2 đất; "
                                  "đã thu hồi trên 64.2 tỷ (đạt 95,5% tỷ lệ thu hồi).")
    assert [c.rule_id for c in amounts] == ["percent_vs_amounts"]


def test_public_names():
    assert set(pipeline.__all__) >= {"extract_text", "extract_file", "annotate", "check_text", "Citation",
                                     "Movement", "Money", "Award", "Figure", "ExtractionResult", "Check", "Mark"}
    for name in pipeline.__all__:
        assert getattr(pipeline, name) is not None, name
    from pipeline import Award, Check, Citation, ExtractionResult, Figure, Mark, Money, Movement, models
    assert (Citation, Movement, Money, Award, Figure, ExtractionResult, Check) == (
        models.Citation, models.Movement, models.Money, models.Award, models.Figure, models.ExtractionResult,
        models.Check)
    assert Mark._fields == ("start", "end", "table", "text", "records")
    assert set(pipeline.__all__) <= set(dir(pipeline))
    with pytest.raises(AttributeError):
        pipeline.no_such_name  # noqa: B018


def test_annotate_is_the_function_whatever_was_imported():
    """pipeline/annotate.py is also the name of the function: the package binds
    the function, so `from pipeline import annotate` never gives the module."""
    import importlib
    importlib.import_module("pipeline.annotate")
    from pipeline import annotate
    assert callable(annotate) and annotate.__name__ == "annotate"
    assert sys.modules["pipeline.annotate"].annotate is annotate


def test_import_stays_cheap():
    """`import pipeline` loads no NLP stack: the CLI's parent and the writers need none."""
    code = ("import sys, pipeline; "
            "heavy = [m for m in ('numpy', 'pandas', 'spacy', 'underthesea', 'regex', 'yaml', 'pipeline.api', "
            "'pipeline.models') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("module", ["pipeline", "pipeline.api", "pipeline.annotate"])
def test_documented_examples_run(module):
    mod = sys.modules[module]       # (pipeline.annotate: the module; the package's attribute is the function)
    failed, tried = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert tried and not failed


def test_api_module_is_the_one_documented():
    assert pipeline.extract_text is api.extract_text and pipeline.check_text is api.check_text
