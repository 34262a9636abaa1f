"""Citation extractor on tricky forms seen in real reports and legal texts.

The rules file's own examples run in test_rules_examples.py; these tests pin
down single forms of the language: broken or mistyped numbers, Party numbers,
laws cited by name (and by name then number), lists sharing one kind word,
bare back-references, and texts that must yield no citation at all.
"""
from __future__ import annotations

import pytest

from pipeline import extract_text


def cites(text: str):
    result = extract_text(text)
    assert not result.errors, result.errors
    for c in result.citations:
        assert c.text == result.normalized_text[c.start:c.end]
    return result.citations


def one(text: str):
    rows = cites(text)
    assert len(rows) == 1, [(c.text, c.number) for c in rows]
    return rows[0]


# --- numbers as written in real reports ---------------------------------------

def test_number_broken_by_a_space():
    c = one("Thực hiện Chỉ thị số 12 /CT-UBND ngày 28/1/2022 của UBND tỉnh.")
    assert (c.doc_type, c.number, c.serial, c.code) == ("Chỉ thị", "12/CT-UBND", 12, "CT-UBND")
    assert c.issued_date == "2022-01-28"          # single-digit month
    assert c.issuer == "UBND tỉnh"


def test_decision_with_date():
    c = one("Hội đồng được kiện toàn theo Quyết định số 1137/QĐ-UBND ngày 17/5/2022. Hội đồng họp định kỳ.")
    assert (c.doc_type, c.number, c.serial, c.issued_date) == ("Quyết định", "1137/QĐ-UBND", 1137, "2022-05-17")
    assert c.text == "Quyết định số 1137/QĐ-UBND ngày 17/5/2022"


def test_single_digit_day_and_month():
    c = one("Kế hoạch số 01/KH-HĐTĐKT ngày 8/1/2022 của Hội đồng Thi đua, khen thưởng tỉnh Cao Bằng")
    assert c.issued_date == "2022-01-08"
    assert c.issuer == "Hội đồng Thi đua, khen thưởng tỉnh Cao Bằng"


def test_qd_typed_without_the_stroke():
    c = one("Quyết định số 35/2019/QD-UBND của UBND tỉnh")
    assert (c.number, c.code, c.number_year) == ("35/2019/QD-UBND", "QD-UBND", 2019)


def test_space_typo_inside_the_code():
    c = one("Thực hiện Kế hoạch số 15/KH -UBND ngày 3/2/2022 của UBND huyện.")
    assert (c.doc_type, c.number, c.code, c.issued_date) == ("Kế hoạch", "15/KH-UBND", "KH-UBND", "2022-02-03")


def test_number_on_the_next_line():
    c = one("Thực hiện Thông báo số\n552/TB-VPCP ngày 13 tháng 10 năm 2025 của Văn phòng Chính phủ.")
    assert (c.number, c.issued_date, c.issuer) == ("552/TB-VPCP", "2025-10-13", "Văn phòng Chính phủ")


@pytest.mark.parametrize("text,number", [
    ("Quyết định số: 2920/QĐ-UBND ngày 24/11/2025", "2920/QĐ-UBND"),
    ("Quyết định số : 151/2005/QĐ-TTg của Thủ tướng", "151/2005/QĐ-TTg"),
    ("Điều 26 của Nghị định sô 37/2010/NĐ-CP .", "37/2010/NĐ-CP"),
    ("ban hành kèm Thông tư số 08 a/2010/TT-BTP .", "08a/2010/TT-BTP"),
    ("theo Nghị định số 30a/2008/NQ-CP", "30a/2008/NQ-CP"),
])
def test_number_lead_variants(text, number):
    assert one(text).number == number


def test_long_joint_code_is_kept_whole():
    c = one("thay thế Thông tư Liên tịch số 2462/2007/TTLT-TTCP-VKSNDTC-TANDTC-KTNN-BQP-BCA ngày 19/11/2007")
    assert c.doc_type == "Thông tư liên tịch"
    assert c.code == "TTLT-TTCP-VKSNDTC-TANDTC-KTNN-BQP-BCA"


def test_lower_case_kind_word():
    c = one("Bãi bỏ nghị định số 138/HĐBT ngày 8 tháng 5 năm 1990 của Hội đồng Bộ trưởng về chức năng.")
    assert (c.doc_type, c.number, c.issued_date, c.issuer) == ("Nghị định", "138/HĐBT", "1990-05-08",
                                                               "Hội đồng Bộ trưởng")


def test_all_caps_heading():
    c = one("BAN HÀNH KÈM THEO QUYẾT ĐỊNH SỐ 37/2019/QĐ-UBND NGÀY 20 THÁNG 12 NĂM 2019 CỦA "
            "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG ỦY BAN NHÂN DÂN TỈNH VĨNH LONG")
    assert (c.number, c.issued_date) == ("37/2019/QĐ-UBND", "2019-12-20")
    assert c.issuer == "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG"     # the repeated heading line is not part of it


# --- Party documents -----------------------------------------------------------

def test_party_directive():
    c = one("Tiếp tục thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị về việc tiếp tục "
            "đổi mới công tác thi đua, khen thưởng.")
    assert (c.number, c.serial, c.code, c.number_year) == ("34-CT/TW", 34, "CT/TW", None)
    assert (c.issued_date, c.issuer) == ("2014-04-07", "Bộ Chính trị")
    assert c.subject == "tiếp tục đổi mới công tác thi đua, khen thưởng"


def test_party_list_and_conclusion():
    rows = cites("Căn cứ Chỉ thị số 34-CT/TW, Chỉ thị 05-CT/TW và Kết luận số 01-KL/TW của Bộ Chính trị")
    assert [(c.doc_type, c.number) for c in rows] == [
        ("Chỉ thị", "34-CT/TW"), ("Chỉ thị", "05-CT/TW"), ("Kết luận", "01-KL/TW")]
    assert rows[-1].issuer == "Bộ Chính trị"


# --- words between the kind and the number --------------------------------------

@pytest.mark.parametrize("text,doc_type,number", [
    ("Căn cứ Luật đấu thầu số 43/2013/QH13 ngày 26 tháng 11 năm 2013 .", "Luật", "43/2013/QH13"),
    ("Căn cứ Pháp lệnh Bảo vệ và Kiểm dịch thực vật số 36/2001/PL-UBTVQH10 ngày 25/7/2001 .",
     "Pháp lệnh", "36/2001/PL-UBTVQH10"),
    ("Căn cứ Luật Khám bệnh , chữa bệnh số 40/2009/QH12 .", "Luật", "40/2009/QH12"),
    ("quy định tại Điều 22 Bộ Luật Lao động số 10/2012/QH13 với tổ chức", "Bộ luật", "10/2012/QH13"),
    ("Căn cứ Luật Luật sư số 65/2006/QH11 ngày 29 tháng 6 năm 2006 .", "Luật", "65/2006/QH11"),
    ("Nghị định của Chính phủ số 132/2008/NĐ-CP ngày 31/12/2008", "Nghị định", "132/2008/NĐ-CP"),
    ("thay thế Thông tư liên bộ số 12/TT-LB ngày 26/7/1995", "Thông tư", "12/TT-LB"),
    ("Báo cáo thẩm tra số 165/BC-KTNS ngày 24 tháng 11 năm 2025 của Ban Kinh tế", "Báo cáo", "165/BC-KTNS"),
    ("(Kèm theo Thông báo kết luận số 624/TB-VPCP ngày 16 tháng 11 năm 2025)", "Thông báo", "624/TB-VPCP"),
    ("theo Quy chế phối hợp 49/QCPH-UBND-UBMT-HCTĐ và quy định hiện hành", "Quy chế", "49/QCPH-UBND-UBMT-HCTĐ"),
    ("Kế hoạch công tác năm 2022 số 15/KH-UBND của UBND huyện", "Kế hoạch", "15/KH-UBND"),
])
def test_name_between_kind_and_number(text, doc_type, number):
    c = one(text)
    assert (c.doc_type, c.number) == (doc_type, number)
    assert c.text.startswith(doc_type.split()[0])


def test_a_lower_case_kind_in_between_keeps_its_own_number():
    rows = cites("Thực hiện Kế hoạch triển khai kết luận số 12-KL/TU của Tỉnh ủy.")
    assert [(c.doc_type, c.number) for c in rows] == [("Kết luận", "12-KL/TU")]


def test_law_named_then_numbered_and_amendment():
    rows = cites("Căn cứ Luật thuế thu nhập doanh nghiệp số 14/2008/QH12 và Luật số 32/2013/QH13 sửa đổi , "
                 "bổ sung một số điều của Luật thuế thu nhập doanh nghiệp .")
    assert [(c.doc_type, c.number) for c in rows] == [
        ("Luật", "14/2008/QH12"), ("Luật", "32/2013/QH13"), ("Luật", "")]
    assert rows[2].text == "Luật thuế thu nhập doanh nghiệp"


# --- laws cited by name -------------------------------------------------------------

@pytest.mark.parametrize("text,doc_type,name", [
    ("Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;", "Luật", "Luật Đất đai ngày 29 tháng 11 năm 2013"),
    ("theo Bộ luật Lao động và các văn bản hướng dẫn", "Bộ luật", "Bộ luật Lao động"),
    ("Điều 13 của Pháp lệnh Thi hành án dân sự làm Chấp hành viên", "Pháp lệnh", "Pháp lệnh Thi hành án dân sự"),
    ("theo quy định của Luật các tổ chức tín dụng , trừ tổ chức tín dụng", "Luật", "Luật các tổ chức tín dụng"),
    ("Khoản 2 Điều 4 Luật Hóa chất .", "Luật", "Luật Hóa chất"),
    ("Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;", "Hiến pháp",
     "Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Căn cứ Luật Thi đua, khen thưởng năm 2022;", "Luật", "Luật Thi đua, khen thưởng năm 2022"),
    ("Căn cứ Pháp lệnh phí và lệ phí .", "Pháp lệnh", "Pháp lệnh phí và lệ phí"),
    ("Điều 10 Pháp lệnh Pháp điển .", "Pháp lệnh", "Pháp lệnh Pháp điển"),
])
def test_law_by_name(text, doc_type, name):
    c = one(text)
    assert (c.doc_type, c.number, c.serial) == (doc_type, "", None)
    assert c.text == name


def test_law_name_ends_before_a_clause():
    rows = cites("áp dụng Luật Thương mại và pháp luật có liên quan; hoàn thành Luật Trí tuệ nhân tạo, trình Chính phủ")
    assert [c.text for c in rows] == ["Luật Thương mại", "Luật Trí tuệ nhân tạo"]


def test_amending_law_is_one_citation():
    c = one("Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013;")
    assert c.doc_type == "Luật"
    assert c.issued_date == "2013-11-16"
    assert c.text.startswith("Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng")


def test_list_of_laws_by_name():
    rows = cites("theo quy định của Bộ Luật Lao động , Luật Công đoàn , Luật Thanh tra , Luật Bảo hiểm xã hội .")
    assert [(c.doc_type, c.text) for c in rows] == [
        ("Bộ luật", "Bộ Luật Lao động"), ("Luật", "Luật Công đoàn"), ("Luật", "Luật Thanh tra"),
        ("Luật", "Luật Bảo hiểm xã hội")]


# --- lists sharing one kind word ---------------------------------------------------

def test_list_sharing_one_kind_word():
    rows = cites("Căn cứ các Nghị định số 91/2017/NĐ-CP, 98/2023/NĐ-CP của Chính phủ;")
    assert [(c.doc_type, c.number, c.number_year) for c in rows] == [
        ("Nghị định", "91/2017/NĐ-CP", 2017), ("Nghị định", "98/2023/NĐ-CP", 2023)]
    assert rows[1].issuer == "Chính phủ"
    assert rows[1].text == "98/2023/NĐ-CP của Chính phủ"


def test_list_with_so_dates_and_semicolons():
    rows = cites("Các Công điện: số 007/CĐ-UBND ngày 17/11/2025, số 008/CĐ-UBND và số 009/CĐ-UBND "
                 "ngày 19/11/2025; số 010/CĐ-UBND ngày 20/11/2025 của UBND tỉnh.")
    assert [(c.doc_type, c.number, c.issued_date) for c in rows] == [
        ("Công điện", "007/CĐ-UBND", "2025-11-17"), ("Công điện", "008/CĐ-UBND", ""),
        ("Công điện", "009/CĐ-UBND", "2025-11-19"), ("Công điện", "010/CĐ-UBND", "2025-11-20")]
    assert rows[-1].issuer == "UBND tỉnh"


def test_generic_word_takes_the_kind_from_the_number():
    rows = cites("theo văn bản số 12/CT-UBND và VB số 10781/VPCP-CN")
    assert [(c.doc_type, c.number) for c in rows] == [("Chỉ thị", "12/CT-UBND"), ("Công văn", "10781/VPCP-CN")]


# --- bare back-references ------------------------------------------------------------

def test_bare_back_reference():
    rows = cites("về kiểm tra việc thực hiện các nhiệm vụ cải cách hành chính, Chỉ thị 12 và văn hóa công vụ.")
    assert [(c.doc_type, c.number, c.serial, c.code) for c in rows] == [("Chỉ thị", "12", 12, "")]


def test_bare_year_is_no_serial():
    assert cites("Kế hoạch năm 2022 và Nghị quyết 2022 của Hội đồng.") == []


# --- issuers -------------------------------------------------------------------------

@pytest.mark.parametrize("text,issuer", [
    ("Căn cứ Thông tư số 11/2022/TT-BLĐTBXH ngày 30/6/2022 của Bộ Lao động\n- Thương binh và Xã hội Hướng dẫn",
     "Bộ Lao động - Thương binh và Xã hội"),
    ("Nghị quyết số 70/2025/UBTVQH15 của Ủy ban Thường vụ Quốc hội về nguyên tắc", "Ủy ban Thường vụ Quốc hội"),
    ("Quyết định số 15/2017/QĐ-UBND ngày 21/6/2017 của UBND tỉnh Vĩnh Long Ban hành Bảng giá đất",
     "UBND tỉnh Vĩnh Long"),
    ("Nghị định số 286/2025/NĐ-CP ngày 03 tháng 11 năm 2025 của Chính phủ Sửa đổi, bổ sung", "Chính phủ"),
    ("Báo cáo số 507/UBND-KT ngày 26 tháng 11 năm 2025 của UBND. Tiếp theo", "UBND"),
])
def test_issuer_extent(text, issuer):
    assert one(text).issuer == issuer


# --- not citations -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Tỷ lệ hộ nghèo giảm còn 3,5%; có 98,7% hộ dùng điện.",
    "Có 03/19 xã đạt chuẩn nông thôn mới, 12/15 trường đạt chuẩn.",
    "Điện thoại: 0276.3822.123, fax 0276 3822 124; hotline 1900-1234.",
    "Từ ngày 12/5/2022 đến ngày 15/6/2022, ngày 30 tháng 8 năm 2019.",
    "Căn cứ vào Kế hoạch này tổ chức triển khai thực hiện; Quyết định này có hiệu lực từ ngày ký.",
    "Luật này có hiệu lực; kỷ luật lao động theo pháp luật; Luật sư Nguyễn Văn A tham dự.",
    "hoàn thiện dự thảo Luật Trí tuệ nhân tạo; theo quy định của Luật.",
    "Đã ban hành Quyết định kiện toàn Hội đồng Thi đua - Khen thưởng; Kế hoạch công tác thi đua năm 2022.",
    "Quyết định khen thưởng cho 15 tập thể; Kế hoạch phối hợp 12 đơn vị.",
    "Số: 25/KH-UBND",
])
def test_not_citations(text):
    assert cites(text) == [], [c.text for c in cites(text)]
