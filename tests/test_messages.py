"""What the audit commands print is Vietnamese (one language per message), and
English with --lang en / TDKT_LANG=en: pipeline/messages.py, the check
templates in rules/checks.yaml, and `tdkt registry`, `check`, `compare` run on
a small store of the seeds."""
import re
import string
from pathlib import Path

import pytest

from pipeline import batch, messages, rules
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
TAY_NINH = SEEDS / "000_749e481ad73445fb.txt"
TAY_NINH_2 = SEEDS / "001_0aa874c50ecccc5d.txt"
TRUNG_KHANH = SEEDS / "002_03026f8b928707b4.txt"

# English a Vietnamese reader must not meet: machine names of columns and
# rules, and the words of the English output
ENGLISH = re.compile(r"(?<![\w/])(issued_date|issuer_resolved|recipient_type|doc_type|n_citations|n_documents|"
                     r"rule_id|percent_vs_ratio|claims_disagree|registry_conflict|conflicts?|findings?|finding\(s\)|"
                     r"Wrote|basis|values|claim|dates differ|cited documents|No findings|No conflicts|"
                     r"left out|documents disagree|error|warning)(?!\w)", re.IGNORECASE)
FILE_NAME = re.compile(r"\S+\.(?:csv|parquet|xlsx|sqlite|txt)\b")


def english_in(printed: str) -> list[str]:
    """The English words in what was printed, file names aside (they are names)."""
    return ENGLISH.findall(FILE_NAME.sub(" ", printed))


# --------------------------------------------------------------------------- the string table
def test_every_string_in_both_languages_with_the_same_fields():
    vi, en = messages.STRINGS["vi"], messages.STRINGS["en"]
    assert set(vi) == set(en)
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}
    for key in vi:
        assert fields(vi[key]) == fields(en[key]), key


def test_numbers_and_dates_the_readers_way():
    assert messages.number(4105.72, "vi") == "4.105,72" and messages.number(4105.72, "en") == "4,105.72"
    assert messages.number(1015, "vi", 0) == "1.015" and messages.number(95.5, "vi") == "95,5"
    assert messages.number_range(89.66, 89.93, "vi", 2, "%") == "89,66–89,93%"
    assert messages.money(64.2e9, "vi") == "64,2 tỷ đồng" and messages.money(14e6, "vi") == "14 triệu đồng"
    assert messages.date("2021-12-29", "vi") == "29/12/2021" and messages.date("2021-12-29", "en") == "2021-12-29"
    assert messages.date("2022-04", "vi", word=True) == "tháng 04/2022"
    assert messages.date("2021-12-29", "vi", word=True) == "ngày 29/12/2021"
    assert messages.date("31/02/2021", "vi") == "31/02/2021"          # not a date: as written


def test_language_from_option_then_environment(monkeypatch):
    monkeypatch.delenv("TDKT_LANG", raising=False)
    assert messages.lang_of(None) == "vi"
    monkeypatch.setenv("TDKT_LANG", "en")
    assert messages.lang_of(None) == "en" and messages.lang_of("vi") == "vi"
    monkeypatch.setenv("TDKT_LANG", "fr")
    assert messages.lang_of(None) == "vi"


def test_labels_name_the_columns_in_vietnamese():
    assert messages.field_name("issued_date", "vi") == "ngày ban hành"
    assert messages.field_name("issued_date", "en") == "issue dates"
    assert messages.conflict_kind("issued_date", "vi") == "ngày ban hành khác nhau"
    assert messages.severity("warning", "vi") == "Cảnh báo"


# --------------------------------------------------------------------------- the check templates
def _template_fields(text):
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_check_rule_has_a_vietnamese_and_an_english_message():
    cfg = rules.load("checks")
    for rule_id, rc in cfg["rules"].items():
        for entry in [rc] + list((rc.get("variants") or {}).values()):
            msg = entry["message"]
            assert set(msg) == {"vi", "en"}, rule_id
            assert _template_fields(msg["vi"]) == _template_fields(msg["en"]), rule_id
            assert not ENGLISH.search(re.sub(r"\{\w+\}", " ", msg["vi"])), (rule_id, msg["vi"])


def test_check_messages_are_vietnamese_with_vietnamese_numbers():
    from pipeline.api import check_text
    from pipeline.audit import checks
    f, = check_text("kiến nghị thu hồi vào Ngân sách nhà nước hơn 71.5 tỷ đồng, 9.895 m2 đất; "
                    "đã thu hồi trên 64.2 tỷ (đạt 95,5% tỷ lệ thu hồi).")
    assert f.message == ("Tỷ lệ nêu 95,5% không khớp với trên 64,2 tỷ đồng / hơn 71,5 tỷ đồng "
                         "= 89,66–89,93%.")
    assert checks.message(f, "en") == ("The stated percentage 95.5% does not match over 64.2 billion VND / "
                                       "over 71.5 billion VND = 89.66–89.93%.")
    f, = check_text("- Kết quả khen thưởng năm 2021: 74 Tập thể lao động tiên tiến, 173 Chiến sĩ thi đua "
                    "cơ sở, 1015 cá nhân Lao động tiên tiến.")
    assert "số Chiến sĩ thi đua cơ sở (173) bằng 17,04% số Lao động tiên tiến (1.015)" in f.message
    assert f.basis == "Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3; 173/1.015 = 17,04% > 15%"
    assert "cstdcs=173; ldtt=1015" in f.values                      # the values column is data


# --------------------------------------------------------------------------- the commands
@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The seeds of two Tây Ninh reports and the Trùng Khánh report, with a
    third Tây Ninh report dating Chỉ thị 12 otherwise (a registry conflict), the
    Trùng Khánh report with 15,8% altered (a check error) and a copy of it with
    another count (documents that disagree)."""
    base = tmp_path_factory.mktemp("messages")
    src = base / "in"
    src.mkdir()
    tay_ninh = TAY_NINH.read_text(encoding="utf-8")
    (src / TAY_NINH.name).write_text(tay_ninh, encoding="utf-8")
    (src / TAY_NINH_2.name).write_text(TAY_NINH_2.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "005_another_unit.txt").write_text(
        tay_ninh.replace("12/CT-UBND ngày 29/12/2021", "12/CT-UBND ngày 30/12/2021")
        .replace("Thanh tra tỉnh", "Sở Tư pháp"), encoding="utf-8")
    trung_khanh = TRUNG_KHANH.read_text(encoding="utf-8")
    (src / "tk_altered.txt").write_text(trung_khanh.replace("chiếm 15,8%", "chiếm 18,5%"), encoding="utf-8")
    (src / "tk_copy.txt").write_text(trung_khanh.replace("1015 cá nhân Lao động tiên tiến",
                                                         "1020 cá nhân Lao động tiên tiến"), encoding="utf-8")
    out = base / "out"
    batch.run([str(src)], str(out), workers=1, quiet=True)
    return out


def _run(capsys, *argv) -> str:
    main(list(argv))
    return capsys.readouterr().out


@pytest.fixture(autouse=True)
def no_language_set(monkeypatch):
    monkeypatch.delenv("TDKT_LANG", raising=False)


def test_check_prints_vietnamese(store, capsys):
    printed = _run(capsys, "check", "--out", str(store))
    assert english_in(printed) == [], printed
    for words in ("Tỷ lệ nêu 18,5% không khớp với 3/19 xã = 15,79%.", "Căn cứ: 3/19 = 15,79%",
                  "Số liệu đối chiếu: tỷ lệ nêu: 18,5%", "[Lỗi      ] Tỷ lệ % không khớp tỷ số (vị trí",
                  "các văn bản nêu số Lao động tiên tiến (cá nhân) khác nhau: 1.015",
                  "Văn bản số 12/CT-UBND được trích dẫn với ngày ban hành khác nhau: 29/12/2021 và 30/12/2021.",
                  "5 phát hiện: 1 lỗi, 4 cảnh báo", "Đã ghi "):
        assert words in printed, (words, printed)


def test_check_in_english(store, capsys):
    printed = _run(capsys, "check", "--out", str(store), "--lang", "en")
    for words in ("[ERROR  ] percent_vs_ratio @", "The stated percentage 18.5% does not match 3/19 xã = 15.79%.",
                  "basis:  3/19 = 15.79%", "values: stated=18,5%",
                  "Document 12/CT-UBND is cited with different issue dates: 2021-12-29 and 2021-12-30.",
                  "5 finding(s): 1 error, 4 warning", "Wrote "):
        assert words in printed, (words, printed)
    assert "Tỷ lệ nêu" not in printed and "Căn cứ" not in printed


def test_the_checks_table_stores_vietnamese_messages_whatever_is_printed(store, capsys):
    import pandas as pd
    _run(capsys, "check", "--out", str(store), "--lang", "en")
    df = pd.read_csv(store / "checks.csv", encoding="utf-8-sig")
    # data (and the Trùng Khánh copies' own miscitation of Chỉ thị 05-CT/TW, against the legal catalog)
    assert set(df["rule_id"]) == {"percent_vs_ratio", "claims_disagree", "registry_conflict", "contradicts_catalog"}
    assert all(english_in(m) == [] for m in df["message"]), list(df["message"])
    assert "Tỷ lệ nêu 18,5% không khớp với 3/19 xã = 15,79%." in set(df["message"])


def test_registry_prints_vietnamese(store, capsys):
    printed = _run(capsys, "registry", "--out", str(store))
    assert english_in(printed) == [], printed
    assert "văn bản được trích dẫn, 1 trường hợp trích dẫn mâu thuẫn" in printed
    assert "Ngày ban hành" in printed and "Cơ quan ban hành" in printed and "29/12/2021" in printed
    listing = _run(capsys, "registry", "--out", str(store), "--conflicts")
    assert english_in(listing) == [], listing
    assert "CT-UBND|12|2021|Tây Ninh — Chỉ thị số 12/CT-UBND\n  ngày ban hành khác nhau: 29/12/2021 và 30/12/2021" \
        in listing
    assert "    30/12/2021: " in listing and "005_another_unit.txt (vị trí " in listing
    assert listing.rstrip().splitlines()[-1].startswith("Đã ghi ")


def test_registry_in_english(store, capsys, monkeypatch):
    printed = _run(capsys, "registry", "--out", str(store), "--lang", "en")
    assert "cited documents, 1 conflict(s)" in printed and "issued_date" in printed and "2021-12-29" in printed
    monkeypatch.setenv("TDKT_LANG", "en")             # the environment instead of the option
    listing = _run(capsys, "registry", "--out", str(store), "--conflicts")
    assert "CT-UBND|12|2021|Tây Ninh — Chỉ thị 12/CT-UBND\n  dates differ: 2021-12-29 vs 2021-12-30" in listing
    assert listing.rstrip().splitlines()[-1].startswith("Wrote ")
    # and the option wins over the environment
    assert "ngày ban hành khác nhau" in _run(capsys, "registry", "--out", str(store), "--conflicts", "--lang", "vi")


def test_compare_prints_vietnamese(store, capsys):
    printed = _run(capsys, "compare", "--out", str(store), "--unit", "Trùng Khánh")
    assert english_in(printed) == [], printed
    for words in ("ĐV1 = UBND huyện Trùng Khánh (Cao Bằng)", "Nội dung", "ĐV1 Δ 2021→2022", "[khen thưởng]",
                  "[số liệu]", "* các văn bản nêu số liệu này khác nhau: xem cột Ghi chú của compare.xlsx",
                  "(bảng compare)", "Đã ghi "):
        assert words in printed, (words, printed)
    assert re.search(r"Lao động tiên tiến \(cá nhân\)\s+1\.020\s+950\s+-70  \*", printed)    # `.` groups thousands
    quiet = _run(capsys, "compare", "--out", str(store), "--quiet").strip().splitlines()
    assert len(quiet) == 1 and quiet[0].startswith("Đã ghi ")


def test_compare_in_english(store, capsys):
    printed = _run(capsys, "compare", "--out", str(store), "--unit", "Trùng Khánh", "--lang", "en")
    for words in ("U1 = UBND huyện Trùng Khánh (Cao Bằng)", "claim", "[awards]", "[figures]",
                  "* documents disagree on this claim", "(table compare)", "Wrote "):
        assert words in printed, (words, printed)
    assert re.search(r"Lao động tiên tiến \(cá nhân\)\s+1,020\s+950\s+-70  \*", printed)
    nothing = _run(capsys, "compare", "--out", str(store), "--unit", "no such unit")
    assert nothing.startswith("Không có gì để so sánh")


def test_help_of_the_audit_commands(capsys, monkeypatch):
    for command, words in (("check", "Kiểm tra các số liệu"), ("compare", "Đặt cạnh nhau các số liệu"),
                           ("registry", "Lập lại bảng văn bản được trích dẫn")):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        shown = " ".join(capsys.readouterr().out.split())
        assert words in shown and "--lang {vi,en}" in shown, shown
    monkeypatch.setenv("TDKT_LANG", "en")
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "Check the claims" in " ".join(capsys.readouterr().out.split())
