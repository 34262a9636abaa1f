"""`tdkt check`: the seeds, altered copies of seed sentences, dates, conflicts (each check's
own examples, in rules/checks.yaml, run in test_rules_examples.py)."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import batch, messages
from pipeline.api import check_text
from pipeline.audit import checks, store
from pipeline.audit import numbers as num
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
TRUNG_KHANH = SEEDS / "002_03026f8b928707b4.txt"
CUM_IV = SEEDS / "003_98235f30ad968d9c.txt"


def _extract(paths, out: Path):
    batch.run([str(p) for p in paths], str(out), workers=1, quiet=True)
    con = store.open_store(out)
    try:
        return checks.run_checks(store.read_tables(con)), store.read_tables(con)
    finally:
        con.close()


def _seed_miscitation(f) -> bool:
    """The Trùng Khánh seed's own miscitation (`Chỉ thị số 05-CT/TW ngày 14/5/2011`), in every copy of it."""
    return f.rule_id == "contradicts_catalog" and "cited=05-CT/TW; cited_date=2011-05-14" in f.values


def _besides_the_seed(findings):
    return [f for f in findings if not _seed_miscitation(f)]


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    findings, tables = _extract(sorted(SEEDS.glob("*.txt")), out)
    return out, findings, tables


def test_seeds_hold(seeds_store):
    """The seeds' one miscitation, against the legal catalog: the number of the
    2016 directive (05-CT/TW, 15/5/2016) with the date of the 2011 one (03-CT/TW)."""
    _, findings, _ = seeds_store
    assert [f.rule_id for f in findings] == ["contradicts_catalog"], checks.format_findings(findings, {})
    f = findings[0]
    assert _seed_miscitation(f) and "Chỉ thị số 05-CT/TW ngày 14/5/2011" in f.sentence
    assert "ngày 15/05/2016" in f.message and "Chỉ thị số 03-CT/TW" in f.message
    assert f.basis.startswith("Danh mục văn bản") and "nguồn: https://" in f.basis


def test_seed_quotas_are_evaluated_and_pass(seeds_store, monkeypatch):
    _, _, tables = seeds_store
    got = {}
    for r in tables["awards"]:
        if r["award"] in ("Chiến sĩ thi đua cơ sở", "Lao động tiên tiến") and r["recipient_type"] == "cá nhân":
            got[(r["award"], r["year"])] = r["count"]
    assert got == {("Chiến sĩ thi đua cơ sở", 2021): 73, ("Lao động tiên tiến", 2021): 1015,
                   ("Chiến sĩ thi đua cơ sở", 2022): 44, ("Lao động tiên tiến", 2022): 950}
    # 73/1015 = 7,19% and 44/950 = 4,63%: both under 15%. With a 5% ceiling only 2021 fails:
    cfg = checks.config()
    strict = [dict(q, max_share=0.05) if q["id"] == "quota_cstdcs_15pct" else q for q in cfg.quotas]
    monkeypatch.setattr(checks, "config", lambda: cfg.__class__(**{**cfg.__dict__, "quotas": strict}))
    found = [f for f in checks.run_checks(tables) if f.rule_id == "quota_cstdcs_15pct"]
    assert [(f.values.split("year=")[1].split(";")[0]) for f in found] == ["2021"]
    assert "73/1.015 = 7,19%" in found[0].basis and "Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3" in found[0].basis


QUOTA_SENTENCE = ("- Kết quả khen thưởng năm {year}: 74 Tập thể lao động tiên tiến, {cstdcs} Chiến sĩ thi đua cơ sở, "
                  "{ldtt} cá nhân Lao động tiên tiến.")


@pytest.mark.parametrize("year,cstdcs,ldtt,want", [
    # the seeds' own counts hold: 73/1015 = 7,19%, 44/950 = 4,63%
    (2021, 73, 1015, []),
    (2022, 44, 950, []),
    (2022, 142, 950, []),                                   # 14,95%: not over 15%
    (2022, 143, 950, [("quota_cstdcs_15pct", "error", "Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3")]),
    (2023, 173, 1015, [("quota_cstdcs_15pct", "error", "Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3")]),
    # from 2024 the 2022 law's decrees, whose article is not verified: a warning that says so
    (2024, 173, 1015, [("quota_cstdcs_15pct", "warning", "Nghị định 98/2023/NĐ-CP")]),
    (2025, 173, 1015, [("quota_cstdcs_15pct", "warning", "Nghị định 152/2025/NĐ-CP")]),
    # more CSTĐCS than Lao động tiên tiến: that rule alone, in any year
    (2022, 951, 950, [("cstdcs_exceeds_ldtt", "error", "Luật Thi đua, khen thưởng")]),
    (2024, 951, 950, [("cstdcs_exceeds_ldtt", "error", "Luật Thi đua, khen thưởng")]),
])
def test_cstdcs_quota_by_year(year, cstdcs, ldtt, want):
    found = check_text(QUOTA_SENTENCE.format(year=year, cstdcs=cstdcs, ldtt=ldtt))
    assert [(f.rule_id, f.severity) for f in found] == [(r, s) for r, s, _ in want]
    for f, (_, _, basis) in zip(found, want):
        # Vietnamese numbers in what people read (`173/1.015`); the values column keeps the digits
        assert basis in f.basis and f"{num.vn(cstdcs, 0)}/{num.vn(ldtt, 0)}" in f.basis
        assert f"year={year}" in f.values and f"cstdcs={cstdcs}" in f.values and f"ldtt={ldtt}" in f.values
        if f.severity == "warning":
            assert "chưa được xác minh" in f.basis


ALTERATIONS = [
    # (seed, original, altered, rule that must fire, a fragment of its basis)
    (TRUNG_KHANH, "chiếm 15,8%", "chiếm 18,5%", "percent_vs_ratio", "3/19 = 15,79%"),
    (TRUNG_KHANH, "10/19 xã đạt từ 10 - 14 tiêu chí chiếm 52,6%", "10/19 xã đạt từ 10 - 14 tiêu chí chiếm 62,5%",
     "percent_vs_ratio", "10/19 = 52,63%"),
    (TRUNG_KHANH, "đạt 9,1%", "đạt 19,1%", "percent_vs_ratio", "2/22 = 9,09%"),
    (TRUNG_KHANH, "02 Phó Chủ tịch và 14 ủy viên", "02 Phó Chủ tịch và 15 ủy viên", "total_vs_parts", "= 18 ≠ 17"),
    (TRUNG_KHANH, "73 Chiến sĩ thi đua cơ sở", "173 Chiến sĩ thi đua cơ sở", "quota_cstdcs_15pct",
     "173/1.015 = 17,04% > 15%"),
    (TRUNG_KHANH, "44 Chiến sĩ thi đua cơ sở", "150 Chiến sĩ thi đua cơ sở", "quota_cstdcs_15pct",
     "150/950 = 15,79% > 15%"),
    (TRUNG_KHANH, "44 Chiến sĩ thi đua cơ sở", "960 Chiến sĩ thi đua cơ sở", "cstdcs_exceeds_ldtt", "960/950"),
    (TRUNG_KHANH, "gồm các xã Phong Châu, Cao Chương, Ngọc Côn", "gồm các xã Phong Châu, Cao Chương",
     "count_vs_names", "3 ≠ 2 tên"),
    (CUM_IV, "(đạt 88,4%)", "(đạt 98,4%)", "percent_vs_amounts", "321 đơn / 363 đơn KNTC = 88,43%"),
    (CUM_IV, "(đạt 89,72% tỷ lệ thu hồi)", "(đạt 95,5% tỷ lệ thu hồi)", "percent_vs_amounts",
     "trên 64,2 tỷ đồng / hơn 71,5 tỷ đồng = 89,66–89,93%"),
]


@pytest.mark.parametrize("seed,original,altered,rule,basis", ALTERATIONS,
                         ids=[a[3] + "-" + a[2][:14] for a in ALTERATIONS])
def test_altered_copy_raises_the_right_finding_only(tmp_path, seed, original, altered, rule, basis):
    text = seed.read_text(encoding="utf-8")
    assert text.count(original) == 1
    copy = tmp_path / "in" / seed.name.replace(".txt", "_altered.txt")
    copy.parent.mkdir()
    copy.write_text(text.replace(original, altered), encoding="utf-8")
    findings, tables = _extract([copy], tmp_path / "out")
    findings = _besides_the_seed(findings)
    assert [f.rule_id for f in findings] == [rule], checks.format_findings(findings, {})
    f = findings[0]
    assert basis in f.basis
    # the finding points at the altered words
    doc_text = copy.read_text(encoding="utf-8")
    assert f.doc_id == tables["documents"][0]["doc_id"] and f.start is not None and f.end > f.start
    assert altered.split()[-1].strip("()%") in f.sentence or altered[:6] in f.sentence
    assert f.values and f.message and f.severity in ("error", "warning")
    assert doc_text  # the source is untouched by the check


def test_documents_that_disagree(tmp_path):
    text = TRUNG_KHANH.read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    shutil.copy(TRUNG_KHANH, tmp_path / "in" / TRUNG_KHANH.name)
    (tmp_path / "in" / "copy.txt").write_text(text.replace("1015 cá nhân Lao động tiên tiến",
                                                           "1020 cá nhân Lao động tiên tiến"), encoding="utf-8")
    findings, _ = _extract([tmp_path / "in"], tmp_path / "out")
    findings = _besides_the_seed(findings)
    assert [f.rule_id for f in findings] == ["claims_disagree"]
    assert "1015" in findings[0].values and "1020" in findings[0].values and findings[0].spans


def _tables(**kw):
    base = {name: [] for name in store.audit_tables()}
    base.update(kw)
    return base


def _citation(doc_id, start, issued, number="45/KH-UBND"):
    return dict(doc_id=doc_id, start=start, end=start + 20, text=f"Kế hoạch số {number}", number=number,
                issued_date=issued, key="KH-UBND|45|2022|X", sentence="...")


@pytest.mark.parametrize("doc_date,cited,fires", [
    ("2022-03-10", "2022-05-20", True),
    ("2022-05", "2022-05-20", False),      # same month: cannot tell
    ("2022-04", "2022-05-20", True),
    ("2022", "2022-05-20", False),
    ("2022-06-01", "2022-05-20", False),
    ("", "2022-05-20", False),
])
def test_cited_after_report(doc_date, cited, fires):
    t = _tables(documents=[dict(doc_id="d1", source_path="a.txt", issued_date=doc_date)],
                citations=[_citation("d1", 100, cited), _citation("d1", 300, cited)])
    found = checks.run_checks(t)
    assert [f.rule_id for f in found] == (["cited_after_report"] if fires else [])
    if fires:
        assert found[0].start == 100 and found[0].spans == "d1:300-320"


def test_registry_conflicts_become_findings():
    t = _tables(documents=[dict(doc_id="d1", source_path="a.txt"), dict(doc_id="d2", source_path="b.txt")],
                citations=[_citation("d1", 10, "2022-01-27"), _citation("d2", 50, "2022-01-28")],
                conflicts=[dict(key="KH-UBND|45|2022|X", field="issued_date", value_a="2022-01-27",
                                value_b="2022-01-28", doc_id_a="d1", start_a=10, sentence_a="...", doc_id_b="d2",
                                start_b=50, sentence_b="...")])
    found = checks.run_checks(t)
    assert [f.rule_id for f in found] == ["registry_conflict"]
    f = found[0]
    assert (f.doc_id, f.start, f.end, f.spans) == ("d1", 10, 30, "d2:50-70")
    # the checks table holds the Vietnamese message: the column by its label, dates dd/mm/yyyy
    assert f.message == "Văn bản số 45/KH-UBND được trích dẫn với ngày ban hành khác nhau: 27/01/2022 và 28/01/2022."
    assert "issued_date" not in f.message and "issued_date" in f.values            # the values keep the data
    assert checks.message(f, "en") == ("Document 45/KH-UBND is cited with different issue dates: "
                                       "2022-01-27 and 2022-01-28.")


def test_check_command_writes_every_format(tmp_path, capsys):
    text = TRUNG_KHANH.read_text(encoding="utf-8").replace("chiếm 15,8%", "chiếm 18,5%")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "tk.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    assert main(["check", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Tỷ lệ nêu 18,5% không khớp với 3/19 xã = 15,79%." in printed and "Căn cứ: 3/19 = 15,79%" in printed
    assert "2 phát hiện: 1 lỗi, 1 cảnh báo" in printed and "percent_vs_ratio" not in printed
    df = pd.read_csv(out / "checks.csv", encoding="utf-8-sig")
    assert list(df["rule_id"]) == ["percent_vs_ratio", "contradicts_catalog"]     # and the seed's own
    for col in ("rule_id", "severity", "message", "basis", "values", "doc_id", "start", "end", "sentence", "spans"):
        assert col in df.columns
    assert len(pd.read_parquet(out / "checks.parquet")) == 2
    # the workbook's sheet by its name there (Vietnamese when pipeline.labels names it)
    assert len(pd.read_excel(out / "tables.xlsx", sheet_name=messages.sheet_name("checks"))) == 2
    assert main(["check", "--out", str(out), "--fail-on", "error", "--quiet"]) == 1
    assert main(["check", "--out", str(tmp_path / "nothing-here")]) == 2
