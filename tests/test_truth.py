"""Citations checked against the truth: the legal catalog (rules/legal_catalog.yaml),
the cited documents themselves when they are in the store, and the province a
local document belonged to at its time (rules/reorganisation_2025.yaml).

- `contradicts_catalog`: the Trùng Khánh seed's `Chỉ thị số 05-CT/TW ngày 14/5/2011`;
- `superseded_basis`: a constructed plan `Căn cứ` a decree replaced by its date;
- `contradicts_cited_document`: a plan and a report citing it with another date;
- jurisdiction at the time: a Hải Dương document cited in a Hải Phòng report of 2025;
- `tdkt registry --conflicts`: one block per key, each value with its sentences.
"""
from pathlib import Path

import pandas as pd
import pytest

from pipeline import batch, extract_text
from pipeline.api import check_text
from pipeline.audit import checks
from pipeline.audit import store as audit_store
from pipeline.cli import main
from pipeline.commands.registry import trimmed
from pipeline.reorganisation import jurisdiction_at, jurisdiction_now, province_named

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
TRUNG_KHANH = SEEDS / "002_03026f8b928707b4.txt"


def _extract(folder: Path, out: Path) -> dict:
    batch.run([str(folder)], str(out), workers=1, quiet=True)
    return {t: pd.read_csv(out / f"{t}.csv", encoding="utf-8-sig", dtype=str).fillna("")
            for t in ("documents", "citations", "directives", "conflicts")}


def _write(folder: Path, files: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _findings(out: Path):
    con = audit_store.open_store(out)
    try:
        tables = audit_store.read_tables(con)
    finally:
        con.close()
    return checks.run_checks(tables), tables


# --------------------------------------------------------------------------- the legal catalog
def test_check_on_the_seeds_reports_the_05_ct_tw_miscitation(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(SEEDS), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    assert main(["check", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert ("Chỉ thị số 05-CT/TW được trích dẫn là ban hành ngày 14/05/2011, nhưng theo danh mục văn bản, "
            "Chỉ thị số 05-CT/TW của Bộ Chính trị ban hành ngày 15/05/2016; ngày 14/05/2011 là ngày ban hành "
            "Chỉ thị số 03-CT/TW") in printed
    found = pd.read_csv(out / "checks.csv", encoding="utf-8-sig", dtype=str).fillna("")
    assert list(found.rule_id) == ["contradicts_catalog"]          # the seeds' other citations are right
    row = found.iloc[0]
    assert "Chỉ thị số 05-CT/TW ngày 14/5/2011 của Bộ Chính trị" in row.sentence
    # the basis is the catalog entry's public source
    from pipeline.legal_catalog import catalog_entry
    source = catalog_entry("Chỉ thị", "05-CT/TW", 2016).source[0]
    assert row.basis.endswith(f"nguồn: {source}") and "Chỉ thị số 05-CT/TW, ngày 15/05/2016" in row.basis
    assert "borrowed=03-CT/TW" in row["values"]


def test_the_catalog_finding_in_english():
    (f,) = check_text("Thực hiện Chỉ thị số 05-CT/TW ngày 14/5/2011 của Bộ Chính trị về “Đẩy mạnh học tập và làm "
                      "theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”.")
    assert checks.message(f, "en") == (
        "Chỉ thị 05-CT/TW is cited as issued on 2011-05-14, but by the legal catalog Chỉ thị 05-CT/TW of Bộ Chính "
        "trị was issued on 2016-05-15; 2011-05-14 is the date of Chỉ thị 03-CT/TW (Về tiếp tục đẩy mạnh việc học "
        "tập và làm theo tấm gương đạo đức Hồ Chí Minh).")
    assert checks.basis(f, "en").startswith("Legal catalog (rules/legal_catalog.yaml): Chỉ thị 05-CT/TW")


@pytest.mark.parametrize("text,fires", [
    # another year's date without anything tying it to the 2016 directive: another term's number
    ("Thực hiện Chỉ thị số 05-CT/TW ngày 12/01/2012 của Bộ Chính trị về công tác phòng, chống tham nhũng.", False),
    # the subject is the 2016 directive's title: its date is wrong
    ("Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2017 của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, "
     "đạo đức, phong cách Hồ Chí Minh.", True),
    ("Thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị.", False),
    ("Thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 của Ban Bí thư.", True),        # the issuer contradicts it
    ("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022 của Quốc hội.", False),
])
def test_contradicts_catalog_cases(text, fires):
    assert [f.rule_id for f in check_text(text)] == (["contradicts_catalog"] if fires else [])


PLAN = ("ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nSố: 21/KH-UBND\nTây Ninh, ngày {day} tháng {month} năm {year}\n"
        "KẾ HOẠCH\nTổ chức phong trào thi đua năm {year}\n"
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
        "một số điều của Luật Thi đua, khen thưởng;\n"
        "Ủy ban nhân dân tỉnh ban hành Kế hoạch tổ chức phong trào thi đua như sau.")


def test_a_basis_replaced_by_the_documents_date():
    """Nghị định 98/2023/NĐ-CP was replaced by Nghị định 152/2025/NĐ-CP from 1/7/2025 (the catalog's `replaces`)."""
    (f,) = check_text(PLAN.format(day=15, month=8, year=2025))
    assert f.rule_id == "superseded_basis" and f.severity == "warning"
    assert f.message == ("Văn bản ban hành ngày 15/08/2025 lấy Nghị định số 98/2023/NĐ-CP làm căn cứ, nhưng từ "
                         "ngày 01/07/2025 văn bản này đã được thay thế bằng Nghị định số 152/2025/NĐ-CP.")
    assert "Nghị định số 152/2025/NĐ-CP" in f.basis and "nguồn: https://" in f.basis
    assert f.sentence.startswith("Căn cứ Nghị định số 98/2023/NĐ-CP")
    assert checks.message(f, "en").startswith("The document issued on 2025-08-15 cites Nghị định 98/2023/NĐ-CP as its "
                                              "legal basis, but from 2025-07-01 it had been replaced by")
    # in force on the plan's date: no finding
    assert check_text(PLAN.format(day=30, month=6, year=2025)) == []


# --------------------------------------------------------------------------- the archive as its own catalog
CITED_PLAN = ("ỦY BAN NHÂN DÂN\nTỈNH TÂY NINH\nSố: 45/KH-UBND\nTây Ninh, ngày 10 tháng 3 năm 2022\n"
              "KẾ HOẠCH\nTổ chức phong trào thi đua chuyển đổi số năm 2022\n\n"
              "Ủy ban nhân dân tỉnh ban hành Kế hoạch tổ chức phong trào thi đua như sau.\n")
CITING_REPORT = ("ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH\nSố: 88/BC-UBND\nChâu Thành, ngày 20 tháng 12 năm 2022\n"
                 "BÁO CÁO\nKết quả phong trào thi đua năm 2022 của tỉnh Tây Ninh\n"
                 "Thực hiện Kế hoạch số 45/KH-UBND ngày {date} của UBND tỉnh Tây Ninh về tổ chức phong trào thi đua "
                 "chuyển đổi số, UBND huyện đã triển khai đến các xã.\n")


def test_a_cited_document_in_the_store_is_the_truth(tmp_path):
    folder = _write(tmp_path / "in", {"plan.txt": CITED_PLAN,
                                      "report.txt": CITING_REPORT.format(date="12/3/2022"),
                                      "right.txt": CITING_REPORT.format(date="10/3/2022").replace("88/BC", "89/BC")})
    t = _extract(folder, tmp_path / "out")
    plan_id = t["documents"][t["documents"].source_path.str.endswith("plan.txt")].doc_id.iloc[0]
    report_id = t["documents"][t["documents"].source_path.str.endswith("report.txt")].doc_id.iloc[0]
    (row,) = t["directives"][t["directives"].number == "45/KH-UBND"].itertuples()
    assert (row.title, row.in_store_doc_id) == ("Tổ chức phong trào thi đua chuyển đổi số năm 2022", plan_id)
    assert row.issued_date == "2022-03-10" and row.key == "KH-UBND|45|2022|Tây Ninh"
    against = t["conflicts"][t["conflicts"].field == "document_issued_date"]
    assert len(against) == 1                                     # the right citation agrees with the header
    c = against.iloc[0]
    assert (c.value_a, c.value_b, c.doc_id_a, c.doc_id_b) == ("2022-03-12", "2022-03-10", report_id, plan_id)
    assert "Kế hoạch số 45/KH-UBND ngày 12/3/2022" in c.sentence_a and c.sentence_b.startswith("Số: 45/KH-UBND")
    assert CITED_PLAN[int(c.start_b):].startswith("45/KH-UBND")
    # tdkt check: the finding cites both places
    findings, _ = _findings(tmp_path / "out")
    (f,) = [f for f in findings if f.rule_id == "contradicts_cited_document"]
    assert f.message == ("Kế hoạch số 45/KH-UBND được trích dẫn là ban hành ngày 12/03/2022, nhưng chính văn bản "
                         f"({folder / 'plan.txt'}) ghi ngày 10/03/2022.")
    assert f.basis.startswith(f"Phần đầu của chính văn bản ({folder / 'plan.txt'}): «Số: 45/KH-UBND")
    assert (f.doc_id, f.start) == (report_id, int(c.start_a)) and "12/3/2022" in f.sentence
    assert f.spans == f"{plan_id}:{int(c.start_b)}-{int(c.start_b) + len('45/KH-UBND')}"
    assert checks.message(f, "en").endswith(f"but the document itself ({folder / 'plan.txt'}) is dated 2022-03-10.")


def test_an_issuer_other_than_the_headers(tmp_path):
    folder = _write(tmp_path / "in", {"plan.txt": CITED_PLAN, "report.txt": CITING_REPORT.format(
        date="10/3/2022").replace("của UBND tỉnh Tây Ninh", "của Sở Nội vụ tỉnh Tây Ninh")})
    t = _extract(folder, tmp_path / "out")
    assert list(t["conflicts"].field) == ["document_issuer"]
    c = t["conflicts"].iloc[0]
    assert (c.value_a, c.value_b) == ("Sở Nội vụ tỉnh Tây Ninh", "Ủy ban nhân dân tỉnh Tây Ninh")


# --------------------------------------------------------------------------- jurisdiction at the time
HAI_PHONG = ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\nSố: 310/BC-UBND\nHải Phòng, ngày 20 tháng 8 năm 2025\n"
             "BÁO CÁO\nKết quả công tác thi đua, khen thưởng\n"
             "Thực hiện Quyết định số 12/QĐ-UBND ngày 05/3/2024 của UBND tỉnh Hải Dương về khen thưởng; "
             "Quyết định số 12/QĐ-UBND ngày 07/3/2024 của UBND thành phố về thi đua.\n")


def test_a_hai_duong_document_cited_in_hai_phong_stays_hai_duongs():
    hai_duong, hai_phong = extract_text(HAI_PHONG).citations
    assert (hai_duong.jurisdiction, hai_duong.jurisdiction_now) == ("Hải Dương", "Hải Phòng")
    assert (hai_phong.jurisdiction, hai_phong.jurisdiction_now) == ("Hải Phòng", "Hải Phòng")
    assert hai_duong.key == "QD-UBND|12|2024|Hải Dương" and hai_phong.key == "QD-UBND|12|2024|Hải Phòng"


def test_two_documents_of_one_number_are_no_conflict(tmp_path):
    t = _extract(_write(tmp_path / "in", {"hp.txt": HAI_PHONG}), tmp_path / "out")
    d = t["directives"].set_index("key")
    assert d.loc["QD-UBND|12|2024|Hải Dương", ["jurisdiction", "jurisdiction_now"]].tolist() == ["Hải Dương",
                                                                                                "Hải Phòng"]
    assert d.loc["QD-UBND|12|2024|Hải Phòng", "jurisdiction_now"] == "Hải Phòng"
    assert t["conflicts"].empty
    assert set(t["citations"].jurisdiction_now) == {"Hải Phòng"}


def test_jurisdiction_lookups():
    assert province_named("Ủy ban nhân dân tỉnh Hải Dương") == "Hải Dương"
    assert province_named("UBND Thành phố Hồ Chí Minh") == "Hồ Chí Minh"
    assert province_named("UBND huyện Long An") == province_named("Sở Xây dựng") == ""
    assert jurisdiction_at("Hải Dương", "2025-06-30") == "Hải Dương"
    assert jurisdiction_at("Hải Dương", "2025-07-01") == "Hải Phòng"
    assert jurisdiction_at("Hải Dương", "2024") == "Hải Dương"            # a year: its first day
    assert jurisdiction_at("huyện Trùng Khánh", "2022-01-01") == "huyện Trùng Khánh"    # no province: as given
    assert jurisdiction_now("Bình Dương") == "Hồ Chí Minh" and jurisdiction_now("Cao Bằng") == "Cao Bằng"
    assert jurisdiction_now("") == ""


# --------------------------------------------------------------------------- tdkt registry --conflicts
def test_conflicts_grouped_by_key_with_their_sentences(tmp_path, capsys):
    report = CITING_REPORT.replace("UBND huyện đã triển khai đến các xã.",
                                   "UBND huyện đã triển khai đến các xã. " + "Các xã đã hưởng ứng tích cực. " * 6)
    folder = _write(tmp_path / "in", {
        "a.txt": report.format(date="12/3/2022"),
        "b.txt": report.format(date="14/3/2022").replace("88/BC", "90/BC"),
        "c.txt": report.format(date="14/3/2022").replace("88/BC", "91/BC").replace("HUYỆN CHÂU THÀNH", "HUYỆN GÒ DẦU"),
    })
    out = tmp_path / "out"
    _extract(folder, out)
    assert main(["registry", "--out", str(out), "--conflicts"]) == 0
    listing = capsys.readouterr().out
    lines = listing.splitlines()
    assert lines[0] == "1 văn bản được trích dẫn có mâu thuẫn (2 giá trị khác nhau):"
    assert "KH-UBND|45|2022|Tây Ninh — Kế hoạch số 45/KH-UBND" in lines
    assert "  ngày ban hành khác nhau: 12/03/2022 và 14/03/2022" in lines
    at_12 = [x for x in lines if x.startswith("    12/03/2022: ")]
    at_14 = [x for x in lines if x.startswith("    14/03/2022: ")]
    assert len(at_12) == 1 and len(at_14) == 2                  # each citing sentence once
    assert "a.txt (vị trí " in at_12[0] and "«Thực hiện Kế hoạch số 45/KH-UBND ngày 12/3/2022" in at_12[0]
    assert at_12[0].endswith("…»")                              # cut after the citation


def test_trimmed_around_the_citation():
    sentence = "Mở đầu dài " * 20 + "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/3/2022" + " phần sau dài" * 20
    cut = trimmed(sentence, "Kế hoạch số 45/KH-UBND ngày 12/3/2022", around=20)
    assert cut.startswith("…") and cut.endswith("…") and "Kế hoạch số 45/KH-UBND ngày 12/3/2022" in cut
    assert len(cut) <= len("Kế hoạch số 45/KH-UBND ngày 12/3/2022") + 2 * 20 + 2
    assert trimmed("Câu ngắn.", "không có") == "Câu ngắn."


def test_a_header_split_by_its_layout_is_the_same_issuer():
    from pipeline.registry import InStore, _identity
    assert not InStore._disagree("issuer_resolved", "Bộ trưởng Bộ Công Thương", "Bộ C ông Thương", _identity)
    assert not InStore._disagree("issued_date", "2025-11", "2025-11-21", _identity)      # a month of that day
    assert InStore._disagree("issuer_resolved", "Bộ Tài chính", "Bộ Công Thương", _identity)
