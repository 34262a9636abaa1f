"""Unit tests on tricky real forms, and on text that must yield nothing."""
import pytest

from pipeline import extract_text
from pipeline.extract.parts.numbers import read_number as parse_number


def rows(text, table):
    result = extract_text(text)
    assert not result.errors, result.errors
    return getattr(result, table)


@pytest.mark.parametrize("text,number,date", [
    ("Thực hiện Chỉ thị số 12 /CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh.", "12/CT-UBND", "2021-12-29"),
    ("Hội đồng được kiện toàn theo Quyết định số 1137/QĐ-UBND ngày 17/5/2022.", "1137/QĐ-UBND", "2022-05-17"),
    ("Thực hiện Kế hoạch số 01/KH-HĐTĐKT ngày 28/1/2022 của Hội đồng.", "01/KH-HĐTĐKT", "2022-01-28"),
    ("Căn cứ Chỉ thị 34-CT/TW ngày 07/4/2014 của Bộ Chính trị.", "34-CT/TW", "2014-04-07"),
    ("Căn cứ Nghị định 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ.", "91/2017/NĐ-CP", "2017-07-31"),
    ("Theo Công văn 82/HĐTĐ ngày 11 tháng 5 năm 2022.", "82/HĐTĐ", "2022-05-11"),
    ("Theo Kế hoạch số 15/KH -UBND ngày 3/2/2022.", "15/KH-UBND", "2022-02-03"),
])
def test_citation_number_and_date(text, number, date):
    (c,) = rows(text, "citations")
    assert (c.number, c.issued_date) == (number, date)


def test_impossible_date_is_not_recorded():
    (c,) = rows("Theo Quyết định số 5/QĐ-UBND ngày 31/02/2022.", "citations")
    assert c.number == "5/QĐ-UBND" and c.issued_date == ""


@pytest.mark.parametrize("text,amount,qualifier", [
    ("đã thu hồi trên 64.2 tỷ (đạt 89,72% tỷ lệ thu hồi) từ các khoản tiền sai phạm", 64_200_000_000, "over"),
    ("thu ngân sách đạt 41,288 tỷ đồng", 41_288_000_000, "exact"),
    ("tổng kinh phí 1.500.000 đồng", 1_500_000, "exact"),
    ("hỗ trợ khoảng 2,5 triệu đồng", 2_500_000, "approx"),
    ("chưa đến 900 nghìn đồng", 900_000, "under"),
])
def test_money(text, amount, qualifier):
    (m,) = rows(text, "money")
    assert (m.amount_vnd, m.qualifier) == (amount, qualifier)


def test_decimal_and_thousands_are_decided_from_the_digits():
    assert parse_number("41,288") == 41.288
    assert parse_number("71.5") == 71.5
    assert parse_number("1.015") == 1015
    assert parse_number("1.500.000") == 1_500_000
    assert parse_number("2,500", whole_units=True) == 2500
    assert parse_number("1.234,5") == 1234.5


@pytest.mark.parametrize("text", [
    "Tỷ lệ hộ nghèo giảm còn 33,59%, đạt 100% kế hoạch.",
    "Thu hồi 9.895 m2 đất; diện tích 49.424 m2.",
    "Liên hệ số điện thoại 0276.3822.123 hoặc 0912 345 678.",
    "Đã triển khai 1.902 cuộc thanh tra, kiểm tra với 7.539 cá nhân, tổ chức.",
    "Có 03/19 xã đạt 19 tiêu chí, chiếm 15,8%.",
])
def test_not_money_not_citations_not_awards(text):
    result = extract_text(text)
    assert result.money == [] and result.citations == [] and result.awards == []


def test_money_versus_count_in_one_sentence():
    result = extract_text("Thanh tra 1.902 cuộc; kiến nghị thu hồi hơn 71.5 tỷ đồng, đã thu hồi trên 64.2 tỷ.")
    assert [m.amount_vnd for m in result.money] == [71_500_000_000, 64_200_000_000]


def test_award_counts_with_thousands():
    (a,) = rows("Năm 2021 có 1.015 cá nhân đạt danh hiệu Lao động tiên tiến.", "awards")
    assert (a.award, a.count, a.recipient_type) == ("Lao động tiên tiến", 1015, "cá nhân")
    (b,) = rows("Kết quả năm 2021: 1015 cá nhân Lao động tiên tiến.", "awards")
    assert b.count == 1015 and b.year == 2021


def test_split_pair_is_two_rows_with_the_whole_phrase():
    a, b = rows("Năm 2021: 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.", "awards")
    assert (a.recipient_type, a.count, b.recipient_type, b.count) == ("tập thể", 21, "cá nhân", 25)
    assert a.text == b.text == "21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh"
    assert a.conferrer == "Chủ tịch UBND tỉnh" and a.year == 2021


def test_quota_and_proposal_statuses():
    (q,) = rows("Mỗi năm tặng Giấy khen không quá 05 cá nhân.", "awards")
    assert (q.status, q.count) == ("quota", 5)
    p1, p2 = rows("Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen cho 05 tập thể và 04 cá nhân.", "awards")
    assert p1.status == p2.status == "proposed"


def test_page_break_inside_a_citation_is_rejoined():
    text = "- Tiếp tục thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ\n\nChính trị về việc đổi mới."
    result = extract_text(text)
    (c,) = result.citations
    assert c.issuer == "Bộ Chính trị"
    assert result.normalized_text[c.start:c.end] == c.text


def test_hard_line_breaks_from_crawled_text():
    text = ("Thực hiện Thông báo số\n552/TB-VPCP ngày 13 tháng 10 năm 2025 của Văn phòng\nChính phủ về việc\n"
            "triển khai.\nThời gian qua hệ thống chính\nsách an sinh xã hội nói chung đã được bảo đảm.")
    (c,) = rows(text, "citations")
    assert (c.number, c.issued_date, c.issuer) == ("552/TB-VPCP", "2025-10-13", "Văn phòng Chính phủ")


def test_markdown_residue_does_not_break_offsets():
    result = extract_text("|\n**Số: 157/KH-UBND**\n|\n\nThực hiện **Chỉ thị số 21/CT-TTg** ngày 25/11/2022.")
    (c,) = result.citations
    assert c.number == "21/CT-TTg" and result.normalized_text[c.start:c.end] == c.text


def test_summary_table_of_awards_in_a_docx(tmp_path):
    import docx

    from pipeline import extract_file
    d = docx.Document()
    d.add_paragraph("BÁO CÁO")
    d.add_paragraph("Tổng kết công tác thi đua, khen thưởng năm 2023")
    d.add_paragraph("Bảng 1. Kết quả khen thưởng năm 2023")
    rows = [["STT", "Hình thức khen thưởng", "Tập thể", "Cá nhân"],
            ["1", "Bằng khen của Chủ tịch UBND tỉnh", "21", "25"],
            ["2", "Danh hiệu Chiến sĩ thi đua cơ sở", "", "73"]]
    table = d.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.save(tmp_path / "summary.docx")
    result = extract_file(tmp_path / "summary.docx")
    got = [(a.award, a.conferrer, a.recipient_type, a.count, a.year) for a in result.awards]
    assert got == [("Bằng khen", "Chủ tịch UBND tỉnh", "tập thể", 21, 2023),
                   ("Bằng khen", "Chủ tịch UBND tỉnh", "cá nhân", 25, 2023),
                   ("Chiến sĩ thi đua cơ sở", "", "cá nhân", 73, 2023)]
    assert all(a.text == result.normalized_text[a.start:a.end] for a in result.awards)
