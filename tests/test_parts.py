"""The shared parts every extractor reads with (pipeline/extract/parts/):
Vietnamese text, dates, numbers and issuers, each a table of cases, wrong
forms and negatives included."""
from __future__ import annotations

import time

import pytest

from pipeline import extract_text, rules
from pipeline.extract.parts import dates, issuers, numbers, text

# --- text -----------------------------------------------------------------------------

@pytest.mark.parametrize("a,b", [
    ("Hoà Bình", "hòa bình"),                       # old and new tone placement
    ("UỶ BAN NHÂN DÂN", "Ủy ban nhân dân"),
    ("khoẻ  mạnh", "khỏe mạnh"),                    # a run of spaces
    ("Lao động–Thương binh", "lao động - thương binh"),   # dash styles
    ("Sở Lao động -Thương binh", "sở lao động - thương binh"),
    ("Ho\u0300a", "hòa"),                            # NFD
])
def test_fold_makes_spellings_of_one_phrase_equal(a, b):
    assert text.fold(a) == text.fold(b)


@pytest.mark.parametrize("a,b", [("Hòa", "Hoa"), ("quý", "qúy"), ("tỉnh", "tính"), ("đồng", "dong")])
def test_fold_keeps_different_words_apart(a, b):
    assert text.fold(a) != text.fold(b)


@pytest.mark.parametrize("old,new", [
    ("hoà", "hòa"), ("Hoà Bình", "Hòa Bình"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("Uỷ ban", "Ủy ban"),
    ("quý", "quý"),                                 # the tone sits on y either way
    ("hoàn thành", "hoàn thành"),                   # a closed syllable: no choice
    ("toà án", "tòa án"),
])
def test_tone_placement(old, new):
    assert text.new_tone(old) == new
    assert len(text.new_tone(old)) == len(old)      # offset for offset
    assert text.new_tone(text.old_tone(new)) == new


@pytest.mark.parametrize("s,want", [
    ("ĐỒNG Ý", "đồng ý"), ("Quyết định", "quyết định"), ("İ", "İ"),   # a letter whose lower case is longer stays
])
def test_lowered_keeps_every_offset(s, want):
    assert text.lowered(s) == want and len(text.lowered(s)) == len(s)


@pytest.mark.parametrize("s,want", [
    ("BIÊN BẢN", "BIEN BAN"), ("Đức Hòa", "Duc Hoa"), ("đường", "duong"),
])
def test_unmarked(s, want):
    assert text.unmarked(s) == want


@pytest.mark.parametrize("s,want", [
    ("  + Đối với cá nhân, ", "Đối với cá nhân"), ("- – Sở Nội vụ;", "Sở Nội vụ"), ("a  b", "a b"), ("", ""),
])
def test_clean_phrase(s, want):
    assert text.clean_phrase(s) == want


@pytest.mark.parametrize("a,b", [("QĐ - UBND", "QD-UBND"), ("CT/TW", "CT-TW"), ("qđ–ubnd", "QD-UBND")])
def test_fold_code(a, b):
    assert text.fold_code(a) == text.fold_code(b)


def test_phrase_pattern_takes_any_spacing_and_dash():
    import regex
    p = regex.compile(text.phrases_pattern(["Lao động - Thương binh", "Sở"]))
    assert p.search("Bộ Lao động– Thương binh và Xã hội").group() == "Lao động– Thương binh"
    assert not p.search("Sởi")


# --- dates ----------------------------------------------------------------------------

@pytest.mark.parametrize("written,iso,partial", [
    ("29/12/2021", "2021-12-29", False),
    ("29-12-2021", "2021-12-29", False),
    ("29.12.2021", "2021-12-29", False),
    ("29 / 12 / 2021", "2021-12-29", False),
    ("ngày 29 tháng 12 năm 2021", "2021-12-29", False),
    ("Ngày 5 Tháng 3 Năm 2020", "2020-03-05", False),
    ("ngày 29 tháng 12/2021", "2021-12-29", False),
    ("tháng 12/2021", "2021-12", True),
    ("tháng 12 năm 2021", "2021-12", True),
    # the forms documents get wrong
    ("ngày 27 năm 12 năm 2019", "2019-12-27", False),          # `năm` typed for `tháng`
    ("ngày  tháng  năm 2024", "2024", True),                   # a draft's blanks
    ("ngày ... tháng ... năm 2024", "2024", True),
    ("ngày …… tháng …… năm 2024", "2024", True),
    ("ngày ___ tháng 3 năm 2024", "2024-03", True),            # the month filled in
    ("ngày 27 năm 2019", "2019", True),                        # no month: the year alone
    # an impossible date is read, not made up
    ("31/02/2022", "", False),
    ("ngày 31 tháng 02 năm 2022", "", False),
])
def test_date_forms(written, iso, partial):
    d = dates.read_date(f"Văn bản {written} của UBND")
    assert d is not None, written
    assert (d.iso, d.partial) == (iso, partial), d
    assert d.written == " ".join(d.written.split())


@pytest.mark.parametrize("s", [
    "12/2021/NĐ-CP",                  # a document number
    "1/2/3",
    "29/12/1850",                     # no year of these documents
    "trong 5 năm 2019-2023",
    "tháng 13 năm",
    "0276.3822.123",                  # a telephone number
    "ngày ký",
])
def test_not_dates(s):
    assert dates.read_date(s) is None, dates.read_date(s)


def test_date_fields_and_span():
    s = "Theo Kế hoạch ngày 30 tháng 8 năm 2019 của tỉnh"
    d = dates.read_date(s)
    assert (d.day, d.month, d.year, d.form) == (30, 8, 2019, "words")
    assert s[d.start:d.end] == "30 tháng 8 năm 2019" and d.span == (d.start, d.end)
    assert [x.iso for x in dates.find_dates("từ 12/5/2022 đến 15/6/2022")] == ["2022-05-12", "2022-06-15"]


@pytest.mark.parametrize("day,month,year,iso", [
    (29, 2, 2024, "2024-02-29"), (29, 2, 2023, ""), ("05", "01", "2022", "2022-01-05"), (1, 13, 2020, ""),
    (None, 1, 2020, ""), (1, 1, 1800, ""),
])
def test_iso_date(day, month, year, iso):
    assert dates.iso_date(day, month, year) == iso


def test_a_citation_reads_the_wrong_date_form():
    c = extract_text("Thực hiện Quyết định số 5/QĐ-UBND ngày 27 năm 12 năm 2019 của UBND tỉnh.").citations[0]
    assert (c.issued_date, c.date_written, c.issuer) == ("2019-12-27", "27 năm 12 năm 2019", "UBND tỉnh")


@pytest.mark.parametrize("line,date", [
    ("Tây Ninh, ngày 27 năm 12 năm 2019", "2019-12-27"),
    ("Tây Ninh, ngày    tháng   năm 2024", "2024"),
    ("Tây Ninh, ngày ... tháng 01 năm 2022", "2022-01"),
    ("Tây Ninh, ngày 05 tháng 3 năm 2024", "2024-03-05"),
    ("Tây Ninh, ngày 05/3/2024", "2024-03-05"),
    ("Tây Ninh, ngày 05 năm 2024", "2024"),                     # no month: the year
])
def test_a_header_reads_a_draft_date(line, date):
    text_ = f"ỦY BAN NHÂN DÂN\nTỈNH TÂY NINH\nSố: /KH-UBND\n{line}\nKẾ HOẠCH\nThi đua năm 2024\n"
    assert extract_text(text_).document.issued_date == date


def _linear(fn, unit: str, n: int = 2000) -> None:
    def best(s):
        t = min(_timed(fn, s) for _ in range(3))
        return t
    t1, t8 = best(unit * n), best(unit * 8 * n)
    assert t8 <= max(0.05, 24 * t1), (unit, t1, t8)


def _timed(fn, s):
    t = time.perf_counter()
    fn(s)
    return time.perf_counter() - t


@pytest.mark.parametrize("unit", ["ngày ", "ngày ...", "ngày 1 ", "1/", "1.1.", "tháng 1 ", "ngày 1 năm 1 ",
                                  ". . . ", "năm 12 ", "ngày 12 tháng "])
def test_the_date_grammar_is_linear(unit):
    _linear(lambda s: list(dates.find_dates(s)), unit)


# --- numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("s,whole,value", [
    ("41,288", False, 41.288),       # the Vietnamese decimal comma
    ("71.5", False, 71.5),           # a decimal point some write
    ("1.015", False, 1015),          # `.` then three digits groups thousands
    ("1.500.000", False, 1_500_000),
    ("2,500", True, 2500),           # `,` groups only where the unit has no fractions
    ("2,500", False, 2.5),
    ("4.105,72", False, 4105.72),
    ("1,234.5", False, 1234.5),
    ("7", False, 7),
])
def test_read_number(s, whole, value):
    assert numbers.read_number(s, whole_units=whole) == pytest.approx(value)


@pytest.mark.parametrize("s,value", [
    ("2 tỷ 500 triệu", 2.5e9), ("41,288 tỷ", 4.1288e10), ("1.500.000", 1.5e6), ("5 trăm nghìn", 5e5),
    ("2,5 tỉ", 2.5e9), ("3 nghìn", 3000), ("3 ngàn", 3000),
])
def test_read_amount(s, value):
    assert numbers.read_amount(s) == pytest.approx(value)


@pytest.mark.parametrize("s,count,percent", [("1.902", 1902, 1.902), ("1,2", 1.2, 1.2), ("03", 3, 3),
                                             ("89.72", 8972, 89.72), ("15,8", 15.8, 15.8)])
def test_read_count_and_percent(s, count, percent):
    assert numbers.read_count(s) == pytest.approx(count)
    assert numbers.read_percent(s) == pytest.approx(percent)


@pytest.mark.parametrize("s,value", [
    ("05", 5), ("1.015", 1015), ("05 (năm)", 5), ("hai", 2), ("mười", 10), ("mười hai", 12), ("hai mươi", 20),
    ("hai mươi lăm", 25), ("ba mươi mốt", 31), ("Hai", 2),
    ("nhiều", None), ("hai cái", None), ("", None),
])
def test_read_spoken(s, value):
    assert numbers.read_spoken(s) == value


@pytest.mark.parametrize("s,value", [("01", 1), ("1.015", 1015), ("1 015", 1015), ("", None), ("a", None)])
def test_read_int(s, value):
    assert numbers.read_int(s) == value


@pytest.mark.parametrize("after,factor", [(" tỷ đồng", 10 ** 9), ("triệu", 10 ** 6), (" Nghìn", 1000),
                                          (" đồng", 1), (" tỷlệ", 1), ("", 1)])
def test_multiplier_after(after, factor):
    assert numbers.multiplier_after(after) == factor


def test_money_figures_and_the_auditor_read_one_multiplier_table():
    from pipeline.extract import figures, money
    table = numbers.multipliers()
    assert money.grammar().multipliers == table == figures.grammar().multipliers
    assert table == {k: int(v) for k, v in rules.load("numbers")["multipliers"].items()}


def test_the_auditor_reads_the_same_numbers():
    from pipeline.audit import numbers as audit_numbers
    assert audit_numbers.interval(41.288e9, "41,288 tỷ") == pytest.approx((41.2875e9, 41.2885e9))
    assert audit_numbers.interval(1015, "1.015 người", whole=True) == (1015, 1015)


# --- issuers --------------------------------------------------------------------------

@pytest.mark.parametrize("after,issuer", [
    ("Chủ tịch UBND tỉnh về việc khen thưởng", "Chủ tịch UBND tỉnh"),
    ("Ban Thường vụ Tỉnh ủy, Chủ tịch UBND tỉnh", "Ban Thường vụ Tỉnh ủy"),
    ("Thủ tướng Chính phủ phê duyệt", "Thủ tướng Chính phủ"),
    ("Hội đồng Thi đua, khen thưởng tỉnh Cao Bằng đã", "Hội đồng Thi đua, khen thưởng tỉnh Cao Bằng"),
    ("Bộ Văn hóa, Thể thao và Du lịch hướng dẫn", "Bộ Văn hóa, Thể thao và Du lịch"),
    ("Bộ Chính trị (Khóa XII) về", "Bộ Chính trị (Khóa XII)"),
    ("UBND. Tiếp theo", "UBND"),
    ("Ủy ban nhân dân tỉnh Vĩnh Long Ban hành Bảng giá", "Ủy ban nhân dân tỉnh Vĩnh Long"),
    ("Ban Chỉ đạo về phòng, chống tham nhũng tỉnh; ...", "Ban Chỉ đạo về phòng, chống tham nhũng tỉnh"),
    # negatives: no issuer
    ("các cơ quan, đơn vị", ""),
    ("12 đơn vị", ""),
    ("", ""),
])
def test_issuer_extent(after, issuer):
    s = "Quyết định số 12/QĐ-UBND của " + after
    pos = s.index("của ") + 4
    assert s[pos:issuers.extent(s, pos)] == issuer


def test_issuer_note_only_when_allowed():
    s = "của Bộ Chính trị (Khóa XII) về"
    assert s[4:issuers.extent(s, 4, allow_note=False)] == "Bộ Chính trị"


@pytest.mark.parametrize("s,agency", [
    ("Sở Nội vụ tỉnh Tây Ninh báo cáo", "Sở Nội vụ tỉnh Tây Ninh"),
    ("Ủy ban nhân dân huyện Đức Hòa, Phòng Nội vụ", "Ủy ban nhân dân huyện Đức Hòa"),
    ("UBND tỉnh Kết luận", "UBND tỉnh"),
    ("các đơn vị", ""),
])
def test_agency_run(s, agency):
    assert issuers.agency_run(s, 0) == agency


@pytest.mark.parametrize("s,any_case,district", [
    ("UBND huyện Trùng Khánh", False, ("huyện", "Trùng Khánh")),
    ("Ủy ban nhân dân thị xã Hòa Thành", False, ("thị xã", "Hòa Thành")),
    ("HUYỆN ĐỨC HÒA", True, ("HUYỆN", "ĐỨC HÒA")),
    ("HUYỆN ĐỨC HÒA", False, None),
    ("huyện đã triển khai", False, None),
])
def test_district_pattern(s, any_case, district):
    m = issuers.district_pattern(any_case).search(s)
    assert (m.groups() if m else None) == district


@pytest.mark.parametrize("conferrer,after", [
    ("Ban Thường vụ Tỉnh ủy", "Bằng khen của Ban Thường vụ Tỉnh ủy cho 05 tập thể"),
    ("Chủ tịch UBND tỉnh", "Bằng khen của Chủ tịch UBND tỉnh cho 12 cá nhân"),
])
def test_awards_read_issuers_with_the_same_reader(conferrer, after):
    assert extract_text(after).awards[0].conferrer == conferrer


def test_parts_import_no_extractor():
    """The parts read rules, text and the typed records only: any extractor may import them."""
    import ast
    import pathlib
    folder = pathlib.Path(text.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1 or node.module in ("rules", "underthesea_files", None) or \
                    (node.level == 3 and node.module in ("rules", "underthesea_files", "models")), \
                    (path.name, node.module)
                if node.level == 2:
                    pytest.fail(f"{path.name} imports from pipeline.extract: {node.module}")
