"""Text forms archives hold: a name wrapped before a dash inside its quotes (PDF,
hard-wrapped text), OCR's look-alike letters and quotes, and TCVN3 text files
that lost their capitals with tone marks."""
from pathlib import Path

import pytest

from pipeline import extract_file, extract_text, rules
from pipeline.ingest import legacy, read_source
from pipeline.ingest.ocr import repair_pages
from pipeline.ingest.ocr_repair import fix_forms
from pipeline.ingest.pages import Line, Page
from pipeline.normalize import normalize_text

# ------------------------------------------------------------------ a dash line inside a quotation

NAME = "Vì người nghèo - Không để ai bị bỏ lại phía sau"
ONE_LINE = (f"Năm 2022, tỉnh tiếp tục hưởng ứng phong trào thi đua “{NAME}” trong toàn tỉnh.\n"
            "- Đẩy mạnh các phong trào thi đua yêu nước.")
# a PDF's text layer: one line per visual line, most breaks mid-sentence
WRAPPED = ("Năm 2022, tỉnh tiếp tục hưởng ứng phong trào thi đua “Vì người nghèo\n"
           "- Không để ai bị bỏ lại phía sau” trong toàn tỉnh, các cơ quan, đơn vị\n"
           "đã tổ chức nhiều hoạt động thiết thực, huy động các nguồn lực xã hội\n"
           "giúp đỡ hộ nghèo, hộ cận nghèo trên địa bàn tỉnh vươn lên thoát nghèo\n"
           "bền vững, góp phần hoàn thành các chỉ tiêu kinh tế - xã hội của tỉnh.\n"
           "- Đẩy mạnh các phong trào thi đua yêu nước.")


def _movements(text):
    result = extract_text(text)
    for m in result.movements:
        assert m.text == result.normalized_text[m.start:m.end]
    return [m.name for m in result.movements]


def test_one_line_name_is_the_reference():
    assert _movements(ONE_LINE) == [NAME]


@pytest.mark.parametrize("text", [
    pytest.param(WRAPPED, id="hard-wrapped"),
    pytest.param(ONE_LINE.replace("nghèo - Không", "nghèo\n- Không"), id="one-paragraph-per-line"),
])
def test_dash_line_inside_an_open_quotation_continues_the_name(text):
    assert _movements(text) == _movements(ONE_LINE) == [NAME]
    out, _ = normalize_text(text)
    assert f"“{NAME}”" in out
    assert out.endswith("\n- Đẩy mạnh các phong trào thi đua yêu nước.")   # a real item stays one


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Serif not installed (Debian fonts-dejavu-core)")
def test_pdf_line_break_before_a_dash_inside_a_quotation(tmp_path):
    import fpdf
    pdf = fpdf.FPDF(format="A4", unit="mm")
    pdf.add_page()
    pdf.add_font("DejaVuSerif", "", str(DEJAVU))
    pdf.set_font("DejaVuSerif", "", 12)
    first, rest = WRAPPED.replace("\n", " ").rsplit(" - Đẩy mạnh", 1)
    # the visual line ends before the dash, as where a PDF wraps the name
    pdf.multi_cell(0, 6, first.replace("nghèo - Không", "nghèo\n- Không"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(0, 6, "- Đẩy mạnh" + rest, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "wrapped.pdf"
    pdf.output(str(path))
    result = extract_file(str(path))
    assert "nghèo\n- Không" in read_source(str(path)).text
    assert [m.name for m in result.movements] == [NAME]


def test_dash_lines_outside_a_quotation_stay_items():
    text = ("- Phong trào thi đua “Dân vận khéo”\n- Phong trào “Vì người nghèo”\n"
            "- Phong trào “Tây Ninh chung sức\n- Đẩy mạnh cải cách hành chính")   # never closed
    out, _ = normalize_text(text)
    assert out == text


def test_quotation_window_is_bounded():
    far = "phong trào “Vì người nghèo " + "x " * rules.load("normalize")["quotation_window"]
    out, _ = normalize_text(far + "\n- Không để ai” bị bỏ lại")
    assert "\n- Không" in out


# ------------------------------------------------------------------ OCR forms
# (the forms' examples, rule ocr_repair.forms of rules/ocr_repair.yaml, run in test_rules_examples.py)

OCR_TEXT = ("Năm 2022, tỉnh tiếp tục đẩy mạnh phong trào thi đua “Dân vận khéo“ trong toàn tỉnh, "
            "thực hiện Quyết định số 2871/QĐÐ-UBND ngày 24/10/2022 của Chủ tịch UBND tỉnh.")
CLEAN_TEXT = OCR_TEXT.replace("khéo“", "khéo”").replace("QĐÐ", "QĐ")


def test_ocr_forms_give_the_rows_of_the_clean_text():
    fixed = fix_forms(OCR_TEXT)
    assert fixed == CLEAN_TEXT
    got, want = extract_text(fixed), extract_text(CLEAN_TEXT)
    assert [m.name for m in got.movements] == [m.name for m in want.movements] == ["Dân vận khéo"]
    assert [(c.number, c.key) for c in got.citations] == [(c.number, c.key) for c in want.citations]
    assert got.citations[0].number == "2871/QĐ-UBND"


def test_ocr_path_fixes_forms_across_lines_and_pages():
    def page(*texts):
        lines = [Line(t, 50, 700 - 20 * k, 500, 712 - 20 * k) for k, t in enumerate(texts)]
        return Page(lines, 595, 842, sum(len(t) for t in texts))

    pages = [page("Năm 2022, tỉnh tiếp tục đẩy mạnh phong trào thi đua “Dân vận",
                  "khéo“ trong toàn tỉnh, thực hiện Quyết định số 2871/QĐÐ-UBND"),
             page("ngày 24/10/2022 của Chủ tịch UBND tỉnh. QUYẾT ÐỊNH")]
    repair_pages(pages)
    assert [ln.text for p in pages for ln in p.lines] == [
        "Năm 2022, tỉnh tiếp tục đẩy mạnh phong trào thi đua “Dân vận",
        "khéo” trong toàn tỉnh, thực hiện Quyết định số 2871/QĐ-UBND",
        "ngày 24/10/2022 của Chủ tịch UBND tỉnh. QUYẾT ĐỊNH"]


def test_latin_eth_reads_as_d_with_stroke_in_every_text():
    # not only OCR: fonts, PDF text layers and input methods write it too
    result = extract_text("Căn cứ Quyết định số 12/QÐ-UBND ngày 10/01/2023 của UBND huyện.")
    assert [c.number for c in result.citations] == ["12/QĐ-UBND"]
    out, to_source = normalize_text("QÐ ðã")
    assert out == "QĐ đã" and len(to_source) == len(out) + 1


# ------------------------------------------------------------------ TCVN3 capitals

TCVN3_SEED = ("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Ủy ban nhân dân tỉnh Tây Ninh về việc "
              "phát động phong trào thi đua năm 2022, các cơ quan, đơn vị, ủy ban nhân dân các xã đã triển khai "
              "thực hiện. Năm 2022, 21 tập thể được tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh; "
              "hồ sơ gửi Ủy ban Thường vụ Quốc hội và Ban quản lý của ấp Bình Hòa.")


def _tcvn3_file(tmp_path, text):
    path = tmp_path / "tcvn3.txt"
    path.write_bytes(legacy.codepoints_to_bytes(legacy.from_unicode(text, "tcvn3")))
    return path


def test_tcvn3_txt_gets_back_the_capitals_of_names(tmp_path):
    path = _tcvn3_file(tmp_path, TCVN3_SEED)
    source = read_source(str(path))
    assert source.encoding == "tcvn3"
    # `của Ủy ban`, `Chủ tịch Ủy ban`, `Ủy ban Thường vụ Quốc hội` come back; the
    # lower-case `ủy ban nhân dân các xã` and `của ấp` stay lower-case
    assert source.text == TCVN3_SEED


def test_tcvn3_txt_citation_issuer_as_in_unicode(tmp_path):
    text = ("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Ủy ban nhân dân tỉnh Tây Ninh về phát "
            "động phong trào thi đua năm 2022, các đơn vị đã tổ chức thực hiện.")
    got = extract_file(str(_tcvn3_file(tmp_path, text)))
    want = extract_text(text)
    fields = lambda r: [(c.number, c.issuer, c.issuer_resolved, c.subject, c.key) for c in r.citations]
    assert fields(got) == fields(want)
    assert got.citations[0].issuer == "Ủy ban nhân dân tỉnh Tây Ninh"


def test_tcvn3_case_restoration_only_raises_letters_tcvn3_cannot_write(tmp_path):
    # a name written in lower case with letters TCVN3 has in both cases is the
    # writer's: `của hội đồng` stays; nothing is ever lowered
    text = "Thực hiện Kế hoạch số 5/KH-UBND của hội đồng nhân dân xã và của ủy ban nhân dân huyện."
    back = legacy.to_unicode(legacy.from_unicode(text, "tcvn3"), "tcvn3", restore_case=True)
    assert back == text.replace("của ủy ban", "của Ủy ban")
