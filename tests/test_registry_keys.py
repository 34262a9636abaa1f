"""Registry keys and dates (issue 14): what makes one cited document, which
date is its issue date, and which kind words contradict a number's code.

- a code naming only its issuer carries the kind in the key where its number
  does not tell documents apart (the National Assembly's laws and resolutions;
  `17-CP` without a year), everyday names being one kind (`Luật`, `Bộ luật`);
- leading zeros are kept only in a numbering zero-padded on purpose
  (`001/2025/TT-BNV` is not `01/2025/TT-BNV`; `060/SL` is `60/SL`);
- the effective date (`có hiệu lực từ ngày`) is no issue date; a year run on
  into a fifth digit is read as the number says, else not at all; a date on a
  line of its own is a page's;
- kinds conflict only where one contradicts the code (finding
  ``kind_contradicts_code``); a document naming its own number is flagged and
  left out of the registry.
"""
from __future__ import annotations

import pytest

from pipeline import extract_text, registry, store
from pipeline.api import check_text
from pipeline.kinds import kind_fits_code, kinds_conflict


def keys(text: str) -> list[str]:
    return [c.key for c in extract_text(text).citations]


def registry_of(tmp_path, **documents) -> dict:
    """The registry's tables built from a few texts, one document each (named by its keyword)."""
    con = store.connect(tmp_path)
    for name, text in documents.items():
        store.store_document(con, extract_text(text, doc_id=name, source_path=f"{name}.txt"), "test")
    registry.rebuild(con)
    tables = {t: store.read_table(con, t) for t in ("citations", "directives", "conflicts")}
    con.close()
    return tables


# --- keys -----------------------------------------------------------------------

def test_laws_and_resolutions_of_the_national_assembly_are_numbered_apart():
    got = keys("Căn cứ Luật Khám bệnh, chữa bệnh số 40/2009/QH12 ngày 23/11/2009 và Nghị quyết số 40/2009/QH12 "
               "ngày 15/5/2009; Bộ luật Hình sự số 100/2015/QH13 và Luật số 100/2015/QH13; Pháp lệnh số "
               "02/2022/UBTVQH15 và Nghị quyết số 02/2022/UBTVQH15.")
    assert got == ["QH12(Luật)|40|2009", "QH12(Nghị quyết)|40|2009", "QH13(Luật)|100|2015", "QH13(Luật)|100|2015",
                   "UBTVQH15(Pháp lệnh)|2|2022", "UBTVQH15(Nghị quyết)|2|2022"]


def test_a_code_without_a_year_keys_with_its_kind():
    # the 1979 decision 104-CP and the 1994 decree 104-CP, cited by two documents
    # (within one document, one yearless number is one document: see below)
    assert keys("Hội đồng Chính phủ ban hành Quyết định số 104-CP về việc điều chỉnh địa giới.") + keys(
        "Chính phủ ban hành Nghị định 104-CP.") == ["CP(Quyết định)|104|", "CP(Nghị định)|104|"]
    # with a year the number and year are the document, whatever kind it is called
    assert keys("Quyết định 26/CP ngày 21/1/1981 và Nghị định số 26-CP.") == ["CP|26|1981", "CP|26|1981"]
    # `năm 1994` after a number without a year is its year
    c = extract_text("Nghị định 51-CP năm 1994 về việc điều chỉnh địa giới huyện, xã thuộc tỉnh Đồng Nai.").citations[0]
    assert (c.issued_date, c.key, c.text) == ("1994", "CP|51|1994", "Nghị định 51-CP năm 1994")
    # a code naming its kind keys as before
    assert keys("Nghị quyết số 43/NQ-CP và Chỉ thị số 05-CT/TW ngày 15/5/2016.") == ["NQ-CP|43|", "CT-TW|5|2016"]


def test_a_code_numbered_through_a_term_needs_no_year():
    # the Standing Committee's serials run through its term: dated or not, one document
    assert keys("Nghị quyết 673/NQ-UBTVQH14 năm 2019; Nghị định số 673/NQ-UBTVQH14; Nghị quyết số "
                "1111/NQ-UBTVQH14 ngày 9/12/2020.") == ["NQ-UBTVQH14|673|", "NQ-UBTVQH14|673|", "NQ-UBTVQH14|1111|"]


def test_leading_zeros_are_kept_only_in_a_numbering_padded_on_purpose():
    got = keys("Thông tư số 001/2025/TT-BNV ngày 17/3/2025; Thông tư số 01/2025/TT-BNV ngày 17/1/2025; "
               "Thông tư 1/2025/TT-BNV; Thông tư số 004/2025/TT-BNV; Thông tư số 05/2025/TT-BNV; "
               "Thông tư số 001/2024/TT-BNV.")
    assert got == ["TT-BNV|001|2025", "TT-BNV|1|2025", "TT-BNV|1|2025", "TT-BNV|004|2025", "TT-BNV|5|2025",
                   "TT-BNV|1|2024"]
    # elsewhere a zero is a writer's habit: Sắc lệnh 060/SL is 60/SL of 10/4/1958
    assert len(set(keys("Sắc lệnh số 060/SL ngày 10/4/1958 và Sắc lệnh 60/SL ngày 10 tháng 4 năm 1958."))) == 1


# --- dates ----------------------------------------------------------------------

@pytest.mark.parametrize("text,issued,effective", [
    ("Nghị định số 175/2025/NĐ-CP ngày 30/6/2025 của Chính phủ có hiệu lực từ ngày 01/7/2025.", "2025-06-30",
     "2025-07-01"),
    ("Căn cứ Luật số 06/2022/QH15 ngày 15/6/2022, có hiệu lực thi hành kể từ ngày 01/01/2024;", "2022-06-15",
     "2024-01-01"),
    ("Thông tư 001/2025/TT-BNV có hiệu lực từ 1/4/2025.", "", "2025-04-01"),
    ("Nghị định 13/2023/NĐ-CP về Bảo vệ dữ liệu cá nhân (hiệu lực từ ngày 01/07/2023) yêu cầu xác nhận.", "",
     "2023-07-01"),
    ("Ủy ban Thường vụ Quốc hội ban hành Nghị quyết 1111/NQ-UBTVQH14 (nghị quyết có hiệu lực từ ngày 1 tháng 1 "
     "năm 2021).", "", "2021-01-01"),
    ("Thông tư 53/2025/TT-BCA áp dụng từ ngày 01/07/2025, có dạng như sau.", "", "2025-07-01"),
    ("Luật Bảo hiểm xã hội 2024 có hiệu lực từ 1/7/2025.", "2024", "2025-07-01"),
    # not said of the cited document
    ("Nghị quyết 42/2017/QH14 hết hiệu lực từ ngày 01/01/2024.", "", ""),
    ("Căn cứ Nghị định số 12/2019/NĐ-CP của Chính phủ; Thông tư này có hiệu lực từ ngày 01/7/2025.", "", ""),
    ("Căn cứ Nghị định số 12/2019/NĐ-CP của Chính phủ về việc A, Quyết định số 5/QĐ-UBND có hiệu lực từ "
     "ngày 01/7/2025.", "", ""),
])
def test_the_effective_date_is_no_issue_date(text, issued, effective):
    c = extract_text(text).citations[0]
    assert (c.issued_date, c.effective_date) == (issued, effective), c


@pytest.mark.parametrize("text,issued,written", [
    ("Căn cứ Nghị định 32/2019/NĐ-CP ngày 10/4/20219 của Chính phủ.", "2019-04-10", "10/4/20219"),
    ("Luật Nhà ở số 27/2023/QH15 ngày 27 tháng 11 năm 20238 thì", "2023-11-27", "27 tháng 11 năm 20238"),
    ("Nghị định số 05/2021/NĐ-CP ngày 25/1/20221; được sửa đổi", "2021-01-25", "25/1/20221"),
    # nothing says which year is meant: never a five-digit year as real
    ("Quyết định số 1505/QĐ-UBND ngày 20/11/20225 của Chủ tịch UBND tỉnh.", "", "20/11/20225"),
    # two more digits: another number runs on (a table's cells), as before
    ("Quyết định số 101/GP-UB ngày 14/11/200310/GP-UBND", "2003-11-14", "14/11/2003"),
])
def test_a_year_with_a_fifth_digit_is_read_as_meant_or_not_at_all(text, issued, written):
    c = extract_text(text).citations[0]
    assert (c.issued_date, c.date_written) == (issued, written)
    assert text[c.start:c.end] == c.text and written in c.text


def test_a_date_on_a_line_of_its_own_is_not_the_cited_documents():
    got = extract_text("NÓNG: Điểm mới Nghị định 245/2025/NĐ-CP về chứng khoán sửa đổi Nghị định 155/2020/NĐ-CP\n\n"
                       "Ngày 11/9/2025, Chính phủ ban hành Nghị định 245/2025/NĐ-CP.\n"
                       "Căn cứ Quyết định số 12/QĐ-UBND\nngày 5/3/2022 của UBND tỉnh.").citations
    assert [(c.number, c.issued_date) for c in got] == [("245/2025/NĐ-CP", ""), ("155/2020/NĐ-CP", ""),
                                                        ("245/2025/NĐ-CP", ""), ("12/QĐ-UBND", "2022-03-05")]


def test_only_issue_dates_conflict(tmp_path):
    t = registry_of(tmp_path,
                    a="Căn cứ Nghị định số 175/2025/NĐ-CP ngày 30/6/2025 của Chính phủ, có hiệu lực từ ngày 01/7/2025.",
                    b="Thực hiện Nghị định số 175/2025/NĐ-CP ngày 30/6/2025 của Chính phủ.",
                    c="Nghị định 175/2025/NĐ-CP có hiệu lực từ ngày 15/8/2025.")
    assert t["conflicts"].empty, t["conflicts"]
    (d,) = t["directives"].itertuples()
    assert (d.issued_date, d.n_documents) == ("2025-06-30", 3)


# --- kinds against codes ------------------------------------------------------------

def test_what_a_code_says_of_the_kind():
    assert kind_fits_code("Nghị định", "NQ-UBTVQH14") is False
    assert kind_fits_code("Thông tư", "TTLT-BCT-BTC") is True          # a joint circular's short name
    assert kind_fits_code("Bộ luật", "QH13") is True
    assert kind_fits_code("Quyết định", "QH15") is False               # laws and resolutions only
    assert kind_fits_code("Quy định", "QĐ/TW") is True                 # the Party's QĐ
    assert kind_fits_code("Công văn", "HĐBH") is None                  # HĐ, a council, is no HD
    assert kind_fits_code("Quyết định", "CP") is None                  # the code does not say
    assert kind_fits_code("Quyết định", "CT") is None                  # 118/CT: of the Chủ tịch
    assert kind_fits_code("Nghị định", "VBHN-BYT") is True             # a decree's consolidated text
    assert kinds_conflict("Hướng dẫn", "Công văn", "HD-SGDĐT")
    assert not kinds_conflict("Luật", "Bộ luật", "QH13")
    assert kinds_conflict("Quyết định", "Nghị định", "CP")             # one number of 1981, two kinds
    assert not kinds_conflict("Hướng dẫn", "Công văn", "BNV-CQĐP")     # a công văn that guides


def test_kinds_conflict_only_where_one_contradicts_the_code(tmp_path):
    t = registry_of(tmp_path,
                    a="Thành phố Gia Nghĩa lập theo Nghị định số 835/NQ-UBTVQH14; căn cứ Thông tư số "
                      "39/2014/TTLT-BCT-BTC; Bộ luật Hình sự số 100/2015/QH13; Hướng dẫn 1072/HD-SGDĐT năm 2025.",
                    b="Căn cứ Nghị quyết 835/NQ-UBTVQH14; Thông tư liên tịch số 39/2014/TTLT-BCT-BTC ngày "
                      "29/10/2014; Luật số 100/2015/QH13; Công văn 1072/HD-SGDĐT năm 2025.")
    kinds = t["conflicts"][t["conflicts"].field == "doc_type"]
    assert sorted(zip(kinds.key, kinds.value_a, kinds.value_b)) == [
        ("HD-SGDDT|1072|2025|?", "Hướng dẫn", "Công văn"), ("NQ-UBTVQH14|835|", "Nghị định", "Nghị quyết")]


def test_kind_contradicts_code_is_a_finding():
    found = check_text("Thành phố Gia Nghĩa: lập theo Nghị định số 835/NQ-UBTVQH14, Nghị định số 835/NQ-UBTVQH14 "
                       "và Thông tư số 118/2020/NĐ-CP; căn cứ Thông tư số 39/2014/TTLT-BCT-BTC, Luật số "
                       "100/2015/QH13, Công văn 58042/CT-TTHT.")
    assert [(f.rule_id, f.values) for f in found] == [
        ("kind_contradicts_code", "cited=835/NQ-UBTVQH14; kind=Nghị định; code_kind=Nghị quyết"),
        ("kind_contradicts_code", "cited=118/2020/NĐ-CP; kind=Thông tư; code_kind=Nghị định")]
    assert found[0].spans                      # the second time it is so cited
    assert "Nghị quyết" in found[0].message


# --- self-references ---------------------------------------------------------------

PLAN = ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ\nSố: 157/KH-UBND\nCần Thơ, ngày 18 tháng 11 năm 2025\n"
        "KẾ HOẠCH\nPhát động phong trào thi đua\nThực hiện Chỉ thị số 21/CT-TTg ngày 25 tháng 11 năm 2022 "
        "của Thủ tướng Chính phủ.\nPHỤ LỤC\n(Kèm theo Kế hoạch số 157/KH-UBND ngày 18 tháng 11 năm 2025 "
        "của Ủy ban nhân dân thành phố)\n(Kèm theo Kế hoạch số 157/KH-UBND ngày 18/11/2025 của UBND quận)\n")


def test_a_self_reference_is_flagged_and_left_out_of_the_registry(tmp_path):
    cited = extract_text(PLAN).citations
    assert [(c.number, c.self_reference) for c in cited] == [("21/CT-TTg", False), ("157/KH-UBND", True),
                                                             ("157/KH-UBND", True)]
    t = registry_of(tmp_path, plan=PLAN,
                    report="THÀNH PHỐ CẦN THƠ\nThực hiện Kế hoạch số 157/KH-UBND ngày 18/11/2025 của UBND thành phố.")
    d = t["directives"].set_index("number")
    # cited by the report alone; the plan's two names of itself (two issuers) make no conflict
    assert d.loc["157/KH-UBND", "n_documents"] == 1 and d.loc["157/KH-UBND", "n_citations"] == 1
    assert t["conflicts"].empty, t["conflicts"]


# --- two documents under one key, and findings read as meant ------------------------

def test_numbers_of_a_kinds_two_series_are_two_documents(tmp_path):
    # a norm carries its year in its number, an appointment does not: one key, two documents
    t = registry_of(tmp_path,
                    a="Quyết định số 38/2025/QĐ-TTg ngày 13 tháng 10 năm 2025 của Thủ tướng Chính phủ sửa đổi, bổ "
                      "sung một số điều của Quy chế quản lý hoạt động Cảng quốc tế Cam Ranh.",
                    b="Tại Quyết định số 38/QĐ-TTg ngày 6 tháng 1 năm 2025, Thủ tướng Chính phủ bổ nhiệm Phó Tổng "
                      "Tham mưu trưởng.",
                    c="Căn cứ Quyết định số 15/2025/QĐ-TTg ngày 14/6/2025 của Thủ tướng Chính phủ.",
                    d="Căn cứ Quyết định số 15/2025/QĐ-TTg ngày 16/6/2025 của Thủ tướng Chính phủ.")
    assert set(t["citations"].key) == {"QD-TTG|38|2025", "QD-TTG|15|2025"}
    # the same series miscited stays a conflict
    assert list(zip(t["conflicts"].key, t["conflicts"].field)) == [("QD-TTG|15|2025", "issued_date")]


def test_citations_about_different_things_are_two_documents(tmp_path):
    t = registry_of(tmp_path,
                    a="Căn cứ Nghị định số 03/2025/NĐ-CP ngày 28 tháng 02 năm 2025 của Chính phủ quy định chức năng, "
                      "nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Quốc phòng;",
                    b="- Nghị định số 03/2025/NĐ-CP ngày 01/01/2025 của Chính phủ quy định việc sắp xếp lại, xử lý "
                      "tài sản công là nhà, đất.",
                    c="Căn cứ Nghị định số 39/2022/NĐ-CP ngày 18 tháng 06 năm 2022 của Chính phủ ban hành Quy chế "
                      "làm việc của Chính phủ;",
                    d="Căn cứ Nghị định số 39/2022/NĐ-CP ngày 16 tháng 8 năm 2022 của Chính phủ ban hành Quy chế làm "
                      "việc của Chính phủ;")
    # one subject twice: a miscited date; two subjects: two documents under one number
    assert list(zip(t["conflicts"].key, t["conflicts"].field)) == [("ND-CP|39|2022", "issued_date")]


def test_a_cited_date_decades_after_the_report_is_the_reports_date_misread(tmp_path):
    t = registry_of(tmp_path,
                    a="Hà Nội, ngày 26 tháng 02 năm 1947\n\nBÁO CÁO\n\nBộ Quốc phòng đã ban hành Quyết định số "
                      "757/QĐ-BQP ngày 5/3/2025 sáp nhập Bảo hiểm xã hội Bộ Quốc phòng.",
                    b="Tây Ninh, ngày 05 tháng 01 năm 2022\n\nBÁO CÁO\n\nThực hiện Kế hoạch số 99/KH-UBND ngày "
                      "10/3/2022 của UBND tỉnh Tây Ninh về việc thi đua.")
    assert list(t["conflicts"].field) == ["dated_after_citing_report"]
    assert t["conflicts"].doc_id_a.iloc[0] == "b"


def test_a_year_read_as_meant_is_an_impossible_date(tmp_path):
    t = registry_of(tmp_path, a="Căn cứ Nghị định số 118/2025/NĐ-CP ngày 09/6/20205 của Chính phủ về thực hiện thủ "
                                "tục hành chính theo cơ chế một cửa, một cửa liên thông;")
    (c,) = t["conflicts"].itertuples()
    assert (c.key, c.field, c.value_a, c.value_b) == ("ND-CP|118|2025", "impossible_date", "09/6/20205", "2025-06-09")


def test_a_kind_in_no_series_of_its_code_conflicts_with_the_series_cited(tmp_path):
    t = registry_of(tmp_path,
                    a="Căn cứ Nghị quyết số 202/2025/QH15 ngày 12 tháng 6 năm 2025 của Quốc hội về sắp xếp đơn vị "
                      "hành chính cấp tỉnh;",
                    b="Thực hiện Quyết định số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về sắp xếp đơn vị hành "
                      "chính cấp tỉnh.")
    assert set(t["citations"].key) == {"QH15(Nghị quyết)|202|2025"}
    kinds = t["conflicts"][t["conflicts"].field == "doc_type"]
    assert sorted(zip(kinds.value_a, kinds.value_b)) == [("Nghị quyết", "Quyết định")]
    # alone, it keeps its own key: nothing says which series it miscites
    alone = registry_of(tmp_path / "alone", b="Thực hiện Quyết định số 202/2025/QH15 ngày 12/6/2025 của Quốc hội.")
    assert list(alone["citations"].key) == ["QH15(Quyết định)|202|2025"]


def test_one_document_speaks_of_one_yearless_number(tmp_path):
    text = ("Hội đồng Chính phủ đã ban hành Quyết định 25/CP về một số chủ trương và biện pháp nhằm phát huy quyền "
            "chủ động sản xuất kinh doanh. Đó là thực hiện Nghị định số 25 - CP và Nghị định số 26 - CP của Chính phủ.")
    assert keys(text) == ["CP(Quyết định)|25|", "CP(Quyết định)|25|", "CP(Nghị định)|26|"]
    t = registry_of(tmp_path, a=text)
    assert list(zip(t["conflicts"].key, t["conflicts"].field)) == [("CP(Quyết định)|25|", "doc_type")]


def test_an_issuer_cut_short_says_less_whatever_its_marks(tmp_path):
    t = registry_of(tmp_path,
                    a="Điều 3 Thông tư số 10/2020/TT-BLĐTBXH ngày 12 tháng 11 năm 2020 của Bộ Lạo động - Thương binh "
                      "và Xã hội quy định chi tiết.",
                    b="Khoản 5 Điều 3 của Thông tư số 10/2020/TT-BLĐTBXH ngày 12 tháng 11 năm 2020 của Bộ Lao động - "
                      "Thương binh và Xã hội quy định chi tiết.",
                    c="Căn cứ Thông tư số 10/2020/TT-BLĐTBXH ngày 12 tháng 11 năm 2020 của Bộ Tài chính.")
    issuers = t["conflicts"][t["conflicts"].field == "issuer_resolved"]
    # `Bộ Lạo` is the ministry's name cut (misspelt): only Bộ Tài chính disagrees
    assert sorted(v for pair in zip(issuers.value_a, issuers.value_b) for v in pair) == [
        "Bộ Lao động - Thương binh và Xã hội", "Bộ Tài chính"], issuers


def test_a_yearless_number_is_tied_by_its_issuers_years(tmp_path):
    t = registry_of(tmp_path,
                    a="Tại Huế, các trường tôn giáo được tổ chức lại theo nghị quyết 297/CP của Hội đồng Chính phủ.",
                    b="Nghị định 297-CP năm 1977 yêu cầu mọi hoạt động tôn giáo phải có sự cho phép của Nhà nước.",
                    c="Nghị định 56-CP năm 1994 về việc điều chỉnh địa giới.",
                    d="Theo Quyết định số 56-CP của Hội đồng Chính phủ.")
    keys = dict(zip(t["citations"].doc_id, t["citations"].key))
    # the Hội đồng Chính phủ issued between 1960 and 1981 (rules/issuers.yaml body_years): its
    # 297/CP is the one of 1977, whose kind it miscites; its 56-CP is no decree of 1994
    assert (keys["a"], keys["d"]) == ("CP|297|1977", "CP(Quyết định)|56|")
    assert list(zip(t["conflicts"].key, t["conflicts"].field)) == [("CP|297|1977", "doc_type")]
