"""Numbers read from a document's structure rather than from one sentence
(issue 13): award counts listed under a lead that names the award, a total
with its breakdown, an amount against its plan, estimates, the purpose and the
award year from the lead or heading over a sentence, the issuer of a plain
header block. The texts are modelled on real agency documents (an election
plan's reward quotas, a province's budget report, a price report's bullets, a
decree's list of fines)."""
import time
from pathlib import Path

import pytest

from pipeline import check_text, extract_text
from pipeline.api import extract_file
from pipeline.extract.parts import structure

ROOT = Path(__file__).resolve().parent.parent


def result(text):
    res = extract_text(text)
    assert not res.errors, res.errors
    return res


def awards(text):
    return [(a.award, a.conferrer, a.recipient_type, a.count, a.year, a.status, a.rule) for a in result(text).awards]


# --------------------------------------------------------------------------- lists under a lead
ELECTION_PLAN = (
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH\n\nKẾ HOẠCH\n\nKhen thưởng trong công tác bầu cử năm 2026\n\n"
    "III. HÌNH THỨC VÀ SỐ LƯỢNG KHEN THƯỞNG\n"
    "1. Bằng khen của Chủ tịch UBND tỉnh\n"
    "a) Đối tượng: tập thể, cá nhân có thành tích xuất sắc trong tổ chức bầu cử.\n"
    "b) Số lượng khen thưởng:\n"
    "- Ban Chỉ đạo bầu cử của tỉnh: không quá 05 cá nhân;\n"
    "- Ủy ban bầu cử tỉnh: không quá 04 cá nhân;\n"
    "- Mỗi huyện, thị xã, thành phố: không quá 02 tập thể và 03 cá nhân;\n"
    "- Các sở, ban, ngành: không quá 05 trường hợp (tập thể hoặc cá nhân).\n"
    "2. Giấy khen của Chủ tịch UBND cấp huyện\n"
    "- Mỗi xã, phường, thị trấn: không quá 01 tập thể.\n"
    "Kinh phí khen thưởng thực hiện theo quy định hiện hành.\n"
)


def test_each_item_under_a_lead_is_an_entry_with_the_leads_fields():
    got = awards(ELECTION_PLAN)
    assert got == [
        ("Bằng khen", "Chủ tịch UBND tỉnh", "cá nhân", 5, None, "quota", "awards.list_item"),
        ("Bằng khen", "Chủ tịch UBND tỉnh", "cá nhân", 4, None, "quota", "awards.list_item"),
        ("Bằng khen", "Chủ tịch UBND tỉnh", "tập thể", 2, None, "quota", "awards.list_item"),
        ("Bằng khen", "Chủ tịch UBND tỉnh", "cá nhân", 3, None, "quota", "awards.list_item"),
        ("Bằng khen", "Chủ tịch UBND tỉnh", "", 5, None, "quota", "awards.list_item"),
        ("Giấy khen", "Chủ tịch UBND cấp huyện", "tập thể", 1, None, "quota", "awards.list_item"),
    ]
    res = result(ELECTION_PLAN)
    for a in res.awards:
        assert a.text == res.normalized_text[a.start:a.end] and not a.text.startswith("-")
    assert res.awards[0].text == "Ban Chỉ đạo bầu cử của tỉnh: không quá 05 cá nhân"


def test_a_lead_sentence_ending_in_a_colon():
    text = ("Tặng Bằng khen của Chủ tịch UBND tỉnh:\n- Ban Tổ chức Hội thi: không quá 04 cá nhân;\n"
            "- Tổ thư ký giúp việc: không quá 02 cá nhân.\nCác đơn vị tổ chức thực hiện.")
    assert [(a[2], a[3], a[5]) for a in awards(text)] == [("cá nhân", 4, "quota"), ("cá nhân", 2, "quota")]


def test_the_list_ends_at_prose_or_at_another_award():
    text = ("Tặng Bằng khen của Chủ tịch UBND tỉnh:\n- Ban Tổ chức: không quá 04 cá nhân.\n"
            "Năm nay toàn tỉnh có nhiều gương điển hình tiên tiến.\n- Phòng Tư pháp: 03 cá nhân.")
    assert [a[3] for a in awards(text)] == [4]


def test_a_lead_that_counts_itself_lists_names_not_counts():
    text = ("Tặng Bằng khen của Chủ tịch UBND tỉnh cho 02 tập thể, gồm:\n1. Công an tỉnh;\n2. Sở Tư pháp.")
    (a,) = result(text).awards
    assert (a.count, a.rule, a.recipients) == (2, "awards.count_after", "Công an tỉnh; Sở Tư pháp")


def test_a_threshold_in_an_item_is_no_count():
    assert awards("Tiêu chuẩn xét tặng Giấy khen:\n- Tập thể có ít nhất 05 cá nhân.\n- Không có cá nhân bị kỷ luật.") == []


# --------------------------------------------------------------------------- a total and its breakdown
@pytest.mark.parametrize("text", [
    "Năm 2023, UBND tỉnh trao 15 Bằng khen cho 10 tập thể và 5 cá nhân.",
    "Năm 2023, UBND tỉnh trao 15 Bằng khen (10 tập thể, 5 cá nhân).",
    "Năm 2023, UBND tỉnh trao 15 Bằng khen, trong đó 10 tập thể và 5 cá nhân.",
])
def test_a_total_with_its_breakdown_gives_the_parts(text):
    rows = result(text).awards
    assert [(a.recipient_type, a.count, a.total_count, a.rule) for a in rows] == [
        ("tập thể", 10, 15, "awards.total_breakdown"), ("cá nhân", 5, 15, "awards.total_breakdown")]
    assert {a.year for a in rows} == {2023}
    assert check_text(text) == []


def test_check_adds_the_parts_up_against_the_total():
    (f,) = check_text("Năm 2023, UBND tỉnh trao 15 Bằng khen cho 10 tập thể và 4 cá nhân.")
    assert f.rule_id == "total_vs_parts" and "10 + 4 = 14" in f.basis and "15" in f.message


def test_a_bare_count_without_breakdown_stays_one_row():
    (a,) = result("Năm 2022, Sở được tặng 01 Cờ thi đua của UBND tỉnh.").awards
    assert (a.count, a.total_count, a.rule) == (1, None, "awards.bare_count_before")


# --------------------------------------------------------------------------- actual against plan
def money(text):
    return [(m.text, m.amount_vnd, m.qualifier, m.role, m.rule) for m in result(text).money]


def test_amounts_against_their_plan_each_with_its_unit():
    got = money("Thu ngân sách nhà nước trên địa bàn 4.105,72 tỷ đồng/4.300,5 tỷ đồng, đạt 95,47% kế hoạch.")
    assert got == [("4.105,72 tỷ đồng", 4_105_720_000_000, "exact", "actual", "money.actual_plan"),
                   ("4.300,5 tỷ đồng", 4_300_500_000_000, "exact", "plan", "money.actual_plan")]


def test_the_unit_after_the_pair_applies_to_both():
    res = result("Thu từ khu vực ngoài quốc doanh đạt 8.640,2/8.000 triệu đồng.")
    assert [(m.text, m.amount_vnd, m.role) for m in res.money] == [
        ("8.640,2", 8_640_200_000, "actual"), ("8.000 triệu đồng", 8_000_000_000, "plan")]
    assert res.money[0].pair_start == res.money[1].pair_start == res.money[0].start
    assert res.money[0].purpose == res.money[1].purpose == "Thu từ khu vực ngoài quốc doanh"


def test_a_part_of_its_whole_is_no_plan():
    got = money("Bộ Tài chính mới phân bổ 11,7/12,7 nghìn tỷ đồng cho các địa phương.")
    assert [(t, r, rule) for t, _, _, r, rule in got] == [("11,7", "part", "money.part_of_whole"),
                                                          ("12,7 nghìn tỷ đồng", "whole", "money.part_of_whole")]


def test_the_percentage_of_the_plan_is_checked_against_the_pair():
    assert check_text("Thu ngân sách 4.105,72 tỷ đồng/4.300,5 tỷ đồng, đạt 95,47% kế hoạch.") == []
    (f,) = check_text("Thu ngân sách 4.105,72 tỷ đồng/4.300,5 tỷ đồng, đạt 97,5% kế hoạch.")
    assert f.rule_id == "percent_vs_ratio" and "95,47%" in f.message
    assert check_text("Thu ngân sách 12.375,3/10.200 triệu đồng, đạt 121,3% dự toán.") == []



@pytest.mark.parametrize("text,stated,ratio", [
    # the first amount without its unit: the unit after the pair applies to both
    ("Thu ngân sách nhà nước trên địa bàn 4.105,72/4.300,5 tỷ đồng, bằng 97% kế hoạch.", "97%",
     "4.105,72/4.300,5 tỷ đồng = 95,47%"),
    ("Thu ngân sách đạt 4.105,72/4.300,5 tỷ đồng (đạt 97% dự toán).", "97%", "4.105,72/4.300,5 tỷ đồng = 95,47%"),
    ("Thu ngân sách 4.105,72 tỷ đồng/4.300,5 tỷ đồng, đạt 97% so với kế hoạch.", "97%",
     "4.105,72 tỷ đồng/4.300,5 tỷ đồng = 95,47%"),
    # the amounts as written, not rounded into another unit (`8,64 tỷ đồng`)
    ("Thu từ khu vực ngoài quốc doanh 8.640,2/8.000 triệu đồng, đạt 110% kế hoạch năm.", "110%",
     "8.640,2/8.000 triệu đồng = 108–108,01%"),
])
def test_a_percentage_of_the_plan_that_the_pair_contradicts(text, stated, ratio):
    (f,) = check_text(text)
    assert (f.rule_id, f.message) == ("percent_vs_ratio", f"Tỷ lệ nêu {stated} không khớp với {ratio}.")
    right = text.replace(f"{stated} ", "95,47% " if "4.105" in text else "108% ")
    assert check_text(right) == []


@pytest.mark.parametrize("text", [
    "Năm 2023, UBND tỉnh trao 15 Bằng khen (10 tập thể, 4 cá nhân).",
    "Năm 2023, UBND tỉnh trao 15 Bằng khen, trong đó 10 tập thể và 4 cá nhân.",
])
def test_every_form_of_a_breakdown_is_added_up(text):
    (f,) = check_text(text)
    assert f.rule_id == "total_vs_parts" and f.basis == "10 + 4 = 14 ≠ 15"


# --------------------------------------------------------------------------- estimates
@pytest.mark.parametrize("text,written", [
    ("Tổng thu ngân sách trên địa bàn ước thực hiện cả năm là 9.420 tỷ đồng.", "ước thực hiện cả năm là 9.420 tỷ đồng"),
    ("Vốn đầu tư toàn xã hội trong quý ước thực hiện được 912,1 tỷ đồng.", "ước thực hiện được 912,1 tỷ đồng"),
    ("Tổng giá trị sản xuất ước đạt 142,812 tỷ đồng.", "ước đạt 142,812 tỷ đồng"),
    ("Thành phố dự kiến chi 230 tỷ đồng tu bổ di tích.", "dự kiến chi 230 tỷ đồng"),
    ("Tổng mức đầu tư dự kiến: 347 tỷ đồng.", "dự kiến: 347 tỷ đồng"),
])
def test_an_estimate_starts_at_its_word(text, written):
    (m,) = result(text).money
    assert (m.text, m.qualifier) == (written, "approx")


def test_above_the_estimate_is_no_estimate():
    (m,) = result("Năm 2023, ngân sách thu vượt dự kiến 450 tỷ đồng.").money
    assert (m.text, m.qualifier) == ("450 tỷ đồng", "exact")


# --------------------------------------------------------------------------- purpose from structure
def test_a_purpose_is_never_a_list_marker():
    res = result("2. Mức tiền thưởng đối với tập thể như sau:\na) Mức 1: 5.000.000 đồng;\nb) Mức 2: 3.000.000 đồng.\n"
                 "c) Phạt tiền từ 5 đến 10 triệu đồng đối với hành vi vi phạm.\n"
                 "- Mặt hàng gà: giá gà ta giảm (-5.625 đồng/kg) so với tháng trước.")
    assert [m.purpose for m in res.money] == ["Mức tiền thưởng đối với tập thể", "Mức tiền thưởng đối với tập thể",
                                              "Phạt tiền", "Mặt hàng gà"]


def test_no_purpose_of_the_real_price_report_is_a_marker():
    res = extract_file(str(ROOT / "corpus" / "real" / "016_khanhhoa_stc_bc1424-2024_gia-ca-quy1.docx"), time_limit=None)
    purposes = [m.purpose for m in res.money]
    assert purposes and not [p for p in purposes if structure.level(p + " ") != structure.PROSE or p in "+-"]


# --------------------------------------------------------------------------- award year
REPORT = ("ỦY BAN NHÂN DÂN HUYỆN TRÙNG KHÁNH\n\nBÁO CÁO\n\nKết quả công tác thi đua, khen thưởng năm 2022\n\n"
          "1. Kết quả khen thưởng\nToàn huyện có 21 tập thể được tặng Giấy khen của Chủ tịch UBND huyện.\n"
          "Có 05 cá nhân được tặng Bằng khen trong 02 năm 2020, 2021.\n"
          "2. Kết quả khen thưởng năm 2021\n- Có 12 tập thể được tặng Giấy khen của Giám đốc Sở.\n")


def test_award_year_from_the_sentence_the_heading_or_the_one_year_report():
    assert [(a[3], a[4]) for a in awards(REPORT)] == [(21, 2022), (5, None), (12, 2021)]


@pytest.mark.parametrize("head", ["KẾ HOẠCH\n\nTổ chức phong trào thi đua năm 2022",
                                  "BÁO CÁO\n\nTổng kết công tác thi đua, khen thưởng giai đoạn 2016-2020"])
def test_no_report_year_in_a_plan_or_a_period_of_years(head):
    text = f"ỦY BAN NHÂN DÂN HUYỆN TRÙNG KHÁNH\n\n{head}\n\nCó 21 tập thể được tặng Giấy khen của Chủ tịch UBND huyện."
    assert [a[4] for a in awards(text)] == [None]


# --------------------------------------------------------------------------- the issuer of a plain header
def test_a_plain_header_block_gives_the_issuer():
    doc = result("ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC\nSỞ NỘI VỤ\n\nBÁO CÁO\n"
                 "Kết quả công tác thi đua, khen thưởng năm 2023\n\n"
                 "Năm 2023, Sở đã tham mưu tặng Giấy khen cho 10 tập thể.").document
    assert (doc.issuer, doc.province, doc.doc_kind, doc.period) == ("Sở Nội vụ", "Bình Phước", "Báo cáo", "2023")


def test_capitals_that_are_no_agency_open_no_header():
    assert result("TIN TỨC SỰ KIỆN\n\nBÁO CÁO\n\nKết quả công tác năm 2023").document.issuer == ""


# --------------------------------------------------------------------------- the outline, and its cost
def test_levels_and_parents():
    lines = ["III. KHEN THƯỞNG", "1. Bằng khen", "a) Số lượng:", "- Ban A: 01 cá nhân", "- Ban B, gồm:",
             "+ Tổ C: 01 cá nhân", "Đoạn văn xuôi.", "- Ban D: 03 cá nhân", "+ Tổ E: 01 cá nhân",
             "2. Kết quả khen thưởng năm 2021", "Văn xuôi dưới đề mục.", "Văn xuôi nữa."]
    assert [structure.level(s) for s in lines] == [0, 1, 3, 4, 4, 5, structure.PROSE, 4, 5, 1,
                                                   structure.PROSE, structure.PROSE]

    class Par:
        def __init__(self, text):
            self.text = text
    outline = structure.Outline([Par(s) for s in lines])
    # a bullet of content (`- Ban D: ...`) heads nothing; prose sits under a heading right above it
    assert [outline.parent(k) for k in range(len(lines))] == [None, 0, 1, 2, 2, 4, None, None, None, 0, 9, 9]
    assert list(outline.leads_over(5)) == [4, 2, 1]


def test_a_long_list_under_one_lead_is_read_in_linear_time():
    def run(n):
        text = "Tặng Bằng khen của Chủ tịch UBND tỉnh:\n" + "".join(f"- Ban {i}: không quá 02 cá nhân;\n" for i in range(n))
        start = time.perf_counter()
        rows = result(text).awards
        assert len(rows) == n and rows[-1].status == "quota"
        return time.perf_counter() - start
    small, large = run(500), run(4000)
    assert large < max(1.0, 24 * small)
