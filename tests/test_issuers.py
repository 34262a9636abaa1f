"""Issuers: where a cited document's issuer ends, which body is the cited
document's issuer at all, and the one canonical name of a body that the
registry compares (issue 14). The cases are the archive's (real sentences,
shortened); rules/issuers.yaml and rules/citations.yaml hold the words and
more examples (tests/test_rules_examples.py runs them)."""
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import extract_text
from pipeline.extract.parts.issuers import agrees_with_code, canonical, contradicts_code, identity

ROOT = Path(__file__).resolve().parent.parent


def issuers_of(text: str) -> list[str]:
    return [c.issuer for c in extract_text(text).citations]


# --- where an issuer ends ---------------------------------------------------------

@pytest.mark.parametrize("text,issuer", [
    # a comma goes on into a unit only after a place
    ("Công văn số 2896/BNV-CQĐP ngày 27 tháng 5 năm 2025 của Bộ Nội vụ, phường Mũi Né sau sắp xếp có diện tích "
     "30 km2.", "Bộ Nội vụ"),
    ("Quyết định số 12/QĐ-UBND của UBND xã Đức Hòa, huyện Đức Huệ, tỉnh Long An.",
     "UBND xã Đức Hòa, huyện Đức Huệ, tỉnh Long An"),
    # a verb opening the subject, run into the name by the dictionary (`Nội quy`, `tỉnh thành`)
    ("Nghị quyết số 38/2024/NQ-HĐND của Hội đồng nhân dân thành phố Hà Nội quy định một số nội dung.",
     "Hội đồng nhân dân thành phố Hà Nội"),
    ("Quyết định số 5/QĐ-UBND của Chủ tịch UBND tỉnh thành lập Ban chỉ đạo.", "Chủ tịch UBND tỉnh"),
    ("Thông tư số 116/2018/TT-BTC của Bộ Tài chính quy định chế độ báo cáo.", "Bộ Tài chính"),
    # capitalised or in a heading's capitals
    ("Quyết định số 15/QĐ-UBND của Ủy ban nhân dân tỉnh Bình Phước Thành lập Trung tâm Y tế.",
     "Ủy ban nhân dân tỉnh Bình Phước"),
    ("BÃI BỎ QUYẾT ĐỊNH SỐ 14/2022/QĐ-UBND NGÀY 15/6/2022 CỦA ỦY BAN NHÂN DÂN TỈNH VỀ SỬA ĐỔI, BỔ SUNG.",
     "ỦY BAN NHÂN DÂN TỈNH"),
    ("QUYẾT ĐỊNH SỐ 1899/QĐ-TTG NGÀY 04/9/2025 CỦA THỦ TƯỚNG CHÍNH PHỦ BAN HÀNH KẾ HOẠCH TRIỂN KHAI.",
     "THỦ TƯỚNG CHÍNH PHỦ"),
    ("THÔNG TƯ SỐ 35/2024/TT-BGTVT CỦA BỘ GIAO THÔNG VẬN TẢI QUY ĐỊNH VỀ ĐÀO TẠO.", "BỘ GIAO THÔNG VẬN TẢI"),
    # not cut short
    ("Quyết định số 1431/QĐ-CTN của Chủ tịch nước về việc phong tặng.", "Chủ tịch nước"),
    ("Kế hoạch số 3/KH-TCT của Tổ công tác về triển khai Đề án.", "Tổ công tác"),
    ("Kế hoạch số 4/KH-TGV của Tổ giúp việc Ban Chỉ đạo tỉnh.", "Tổ giúp việc Ban Chỉ đạo tỉnh"),
    ("Quyết định số 4347/QĐ-BVHTTDL ngày 14/11/2025 của Bộ VH,TT&DL công bố thủ tục.", "Bộ VH,TT&DL"),
    ("Thông tư số 02/2017/TT-VPCP của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ hướng dẫn về nghiệp vụ.",
     "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ"),
    ("Sắc lệnh số 234/SL ngày 20/8/1948 của Chính phủ Việt Nam Dân chủ cộng hòa về thi đua.",
     "Chính phủ Việt Nam Dân chủ cộng hòa"),
    # a national body's task is its name only as rules/issuers.yaml names it: the rest is the plan's subject
    ("Căn cứ Kế hoạch số 02-KH/BCĐTW ngày 19 tháng 6 năm 2025 của Ban Chỉ đạo Trung ương về thúc đẩy chuyển đổi số "
     "liên thông, đồng bộ gắn với sắp xếp tổ chức bộ máy;", "Ban Chỉ đạo Trung ương"),
    ("tại Kế hoạch số 02-KH/BCĐTW ngày 19 tháng 6 năm 2025 của Ban Chỉ đạo Trung ương về phát triển khoa học, công "
     "nghệ, đổi mới sáng tạo và chuyển đổi số, bảo đảm chất lượng.",
     "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"),
    # a head alone (a misspelt `Bộ trưởng`) is no issuer
    ("Thông tư số 79/2024/TT-BCA ngày 15/11/2024 của Bộ trưỏng Bộ Công an quy định.", ""),
])
def test_an_issuer_ends_where_the_next_clause_begins(text, issuer):
    assert issuers_of(text)[0] == issuer


# --- whose document it is -----------------------------------------------------------

@pytest.mark.parametrize("text,issuer", [
    # `do X thực hiện`: who exercises a power under the decree
    ("Thẩm quyền tại khoản 2 Điều 21 Nghị định số 125/2024/NĐ-CP do Chủ tịch Ủy ban nhân dân cấp xã thực hiện.", ""),
    ("Điều 76 Nghị định 100/2024/NĐ-CP do Ủy ban nhân dân cấp xã thực hiện.", ""),
    ("Khoản 11 Điều 17 Luật Quản lý thuế số 38/2019/QH14 do Bộ trưởng Bộ Tài chính hướng dẫn.", ""),
    # `do X ban hành`: the issuer, unless the number's code names another body (the citing page's own issuer)
    ("Nghị định 168/2024/NĐ-CP do Chính phủ ban hành theo đề nghị của Bộ trưởng Bộ Công an.", "Chính phủ"),
    ("Thông tư 17/2024/TT-NHNN do Ngân hàng Nhà nước ban hành, người đại diện phải xác thực.", "Ngân hàng Nhà nước"),
    ("Công văn 5615/CT-CS năm 2025 về tờ khai thực hiện Nghị quyết 98/2023/QH15 do Cục Thuế ban hành.", ""),
    # `ý kiến chỉ đạo của X tại ...`, `nhiệm vụ của X tại ...`: X's, only when the code says so
    ("Căn cứ ý kiến chỉ đạo của Bộ Chính trị tại văn bản số 17129-CV/VPTW, phối hợp chặt chẽ.", ""),
    ("## Nhiệm vụ của Bộ Quốc phòng tại Nghị quyết 124/NQ-CP", ""),
    ("Thực hiện ý kiến chỉ đạo của Chủ tịch Ủy ban nhân dân tỉnh tại Công văn số 2769/UBND-NCKSTTHC, Sở Nội vụ "
     "báo cáo.", "Chủ tịch Ủy ban nhân dân tỉnh"),
    ("Theo đề nghị của Sở Tài chính tại Công văn số 11033/STC-CSTH ngày 29 tháng 10 năm 2025.", "Sở Tài chính"),
    ("Cụ thể hóa chủ trương, định hướng của Đảng và Quốc hội tại Nghị quyết 68-NQ/TW năm 2025.", ""),
    # a list's last issuer is not its items' across a `;`
    ("Thay thế Quyết định số 23/2016/QĐ-UBND ngày 05 tháng 8 năm 2016; số 48/2023/QĐ-UBND ngày 08/12/2023 của Ủy ban "
     "nhân dân thành phố Hải Phòng.", "Ủy ban nhân dân thành phố Hải Phòng"),
])
def test_the_issuer_is_the_cited_documents_own(text, issuer):
    assert issuers_of(text)[-1] == issuer


def test_a_list_item_before_a_semicolon_keeps_no_issuer():
    first, second = extract_text("Thay thế Quyết định số 23/2016/QĐ-UBND ngày 05 tháng 8 năm 2016; số 48/2023/QĐ-UBND "
                                 "ngày 08/12/2023 của Ủy ban nhân dân thành phố Hải Phòng.").citations
    assert (first.issuer, second.issuer) == ("", "Ủy ban nhân dân thành phố Hải Phòng")


def test_a_code_names_its_bodies():
    assert contradicts_code("Văn phòng Chính phủ", "NĐ-CP") and not contradicts_code("Chính phủ", "NĐ-CP")
    assert contradicts_code("Văn phòng Chính phủ", "NQ/TW") and not contradicts_code("Bộ Chính trị", "NQ/TW")
    assert not contradicts_code("Phó Thủ tướng Chính phủ", "QĐ-TTg")
    assert not contradicts_code("Trung tướng Phạm Thanh Ngân", "BTL")      # a code no table names: no say
    assert not contradicts_code("Bộ Khoa học và Công nghiệp", "TT-BKHCN")    # misspelt: a miscitation to show
    assert agrees_with_code("Chủ tịch UBND tỉnh", "UBND-NCKSTTHC") and not agrees_with_code("Sở Nội vụ", "QĐ-UBND")
    assert not agrees_with_code("Sở Nội vụ", "BTL")


# --- one body, one name -----------------------------------------------------------------

@pytest.mark.parametrize("written,name", [
    ("Bộ GD&ĐT", "Bộ Giáo dục và Đào tạo"),
    ("Bộ trưởng Bộ GDĐT", "Bộ Giáo dục và Đào tạo"),
    ("BGDĐT", "Bộ Giáo dục và Đào tạo"),
    ("Bộ trưởng Bộ Giáo dục và Đào tạo", "Bộ Giáo dục và Đào tạo"),
    ("Thủ tướng", "Thủ tướng Chính phủ"),
    ("Phó Thủ tướng Chính phủ", "Thủ tướng Chính phủ"),
    ("Chính phủ Việt Nam", "Chính phủ"),
    ("Sở Xây dựng thành phố Đà Nẵng", "Sở Xây dựng Đà Nẵng"),
    ("Ủy ban nhân dân Tỉnh Đồng Tháp", "Ủy ban nhân dân tỉnh Đồng Tháp"),
    ("Ủy ban nhân dân tỉnh tỉnh Hà Tĩnh", "Ủy ban nhân dân tỉnh Hà Tĩnh"),
    ("Chủ tịch UBND tỉnh Tây Ninh", "Ủy ban nhân dân tỉnh Tây Ninh"),
    ("Ban Chấp hành Trung ương khoá XII", "Ban Chấp hành Trung ương Đảng khóa XII"),
    ("Bộ trưởng Bộ Văn hoá, Thể thao và Du lịch", "Bộ Văn hóa, Thể thao và Du lịch"),
    ("Bộ VH,TT&DL", "Bộ Văn hóa, Thể thao và Du lịch"),
    ("Ban chấp hành Đảng bộ tỉnh Nghệ An", "Tỉnh ủy Nghệ An"),
    ("Uỷ ban nhân dân tỉnh (Tây Ninh)", "Ủy ban nhân dân tỉnh"),
    ("Ban Chấp hành Trung ương Hội Nông dân Việt Nam", "Ban Chấp hành Trung ương Hội Nông dân Việt Nam"),
])
def test_the_canonical_name(written, name):
    assert canonical(written) == name


@pytest.mark.parametrize("a,b", [
    ("Thủ tướng Chính phủ", "Chính phủ"),           # the Prime Minister issues QĐ-TTg; the Government is another body
    ("Bộ Chính trị", "Ban Chấp hành Trung ương Đảng"),
    ("Sở Giáo dục và Đào tạo", "Bộ GD&ĐT"),
    ("Sở Xây dựng thành phố Đà Nẵng", "Sở Xây dựng tỉnh Quảng Nam"),
    ("Ủy ban nhân dân thị xã Ba Đồn", "Ủy ban nhân dân xã Ba Đồn"),
    ("Ban Thường vụ Tỉnh ủy", "Tỉnh ủy"),           # a standing committee is not the committee
])
def test_other_bodies_stay_apart(a, b):
    assert identity(a) != identity(b)


def test_joint_issuers_compare_body_by_body():
    assert identity("Bộ trưởng Bộ Quốc phòng - Bộ trưởng Bộ Công an") == identity("Bộ Quốc phòng và Bộ Công an")


def test_the_citation_carries_its_canonical_issuer():
    r = extract_text("ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 84/2025/QĐ-UBND\nHà Tĩnh, ngày 20 tháng 11 năm 2025\n"
                     "QUYẾT ĐỊNH\nBãi bỏ quyết định\nỦy ban nhân dân tỉnh ban hành Quyết định bãi bỏ toàn bộ Quyết định "
                     "số 10/2016/QĐ-UBND ngày 21/3/2016 của Ủy ban nhân dân tỉnh tỉnh ban hành Quy định chức năng; "
                     "Thông tư số 15/2017/TT-BGDĐT của Bộ trưởng Bộ GD&ĐT; kết quả thực hiện Quyết định 10.")
    full, ministry, bare = r.citations
    assert (full.issuer_resolved, full.issuer_canonical) == ("Ủy ban nhân dân tỉnh Hà Tĩnh",
                                                             "Ủy ban nhân dân tỉnh Hà Tĩnh")
    assert ministry.issuer_canonical == "Bộ Giáo dục và Đào tạo"
    assert bare.resolved_from == full.start and bare.issuer_canonical == full.issuer_canonical


# --- the registry compares canonical issuers ----------------------------------------------

def test_the_registry_compares_canonical_issuers(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a.txt").write_text("Thực hiện Thông tư số 32/2018/TT-BGDĐT ngày 26/12/2018 của Bộ trưởng Bộ GDĐT; "
                                 "Công điện số 124/CĐ-TTg ngày 30/7/2025 của Thủ tướng.\n", encoding="utf-8")
    (batch / "b.txt").write_text("Căn cứ Thông tư số 32/2018/TT-BGDĐT ngày 26/12/2018 của Bộ Giáo dục và Đào tạo; "
                                 "Công điện số 124/CĐ-TTg ngày 30/7/2025 của Thủ tướng Chính phủ.\n", encoding="utf-8")
    (batch / "c.txt").write_text("Theo Công điện số 124/CĐ-TTg ngày 30/7/2025 của Văn phòng Chính phủ.\n",
                                 encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(batch), "--out", str(tmp_path / "out"),
                    "--quiet", "--workers", "1"], cwd=ROOT, check=True)
    conflicts = pd.read_csv(tmp_path / "out" / "conflicts.csv", encoding="utf-8-sig", dtype=str).fillna("")
    issuers = conflicts[conflicts.field == "issuer_resolved"]
    # the ministry and its minister, the Prime Minister by either name: one body each; another body: one conflict
    assert len(issuers) == 1, issuers[["key", "value_a", "value_b"]]
    row = issuers.iloc[0]
    # (the fullest name of one body stands for its names)
    assert (row.key, row.value_a, row.value_b) == ("CD-TTG|124|2025", "Thủ tướng Chính phủ", "Văn phòng Chính phủ")
    citations = pd.read_csv(tmp_path / "out" / "citations.csv", encoding="utf-8-sig", dtype=str).fillna("")
    assert "issuer_canonical" in citations.columns
