"""The figures extractor: other quantitative claims, with provenance."""
from pathlib import Path

import pandas as pd
import pytest
import regex

from pipeline import batch, extract_file, extract_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
TRUNG_KHANH = SEEDS / "002_03026f8b928707b4.txt"
CUM_IV = SEEDS / "003_98235f30ad968d9c.txt"


def _by_text(result):
    return {f.text: f for f in result.figures}


@pytest.fixture(scope="module")
def trung_khanh():
    return extract_file(str(TRUNG_KHANH))


@pytest.fixture(scope="module")
def cum_iv():
    return extract_file(str(CUM_IV))


def test_seed_counts_ratios_percentages_areas(trung_khanh, cum_iv):
    tk, c4 = _by_text(trung_khanh), _by_text(cum_iv)
    f = c4["1.902 cuộc thanh tra, kiểm tra"]
    assert (f.kind, f.value, f.unit) == ("count", 1902, "cuộc thanh tra, kiểm tra")
    assert (c4["363 đơn KNTC"].value, c4["363 đơn KNTC"].unit) == (363, "đơn KNTC")
    area = c4["49.424 m2 đất"]
    assert (area.kind, area.value, area.unit, area.of_what) == ("area", 49424, "m2", "đất")
    pct = c4["89,72%"]
    assert (pct.kind, pct.value, pct.of_what) == ("percent", 89.72, "tỷ lệ thu hồi")
    assert c4["trên 7.539 cá nhân, tổ chức"].value == 7539          # the qualifier is part of the text
    r = tk["03/19 xã"]
    assert (r.kind, r.value, r.denominator, r.unit, r.of_what) == ("ratio", 3, 19, "xã", "đạt 19 tiêu chí")
    assert tk["66,9%"].of_what == "dự toán tỉnh giao"
    assert tk["17 thành viên"].value == 17
    assert [tk[t].value for t in ("01 Chủ tịch", "02 Phó Chủ tịch", "14 ủy viên")] == [1, 2, 14]


def test_provenance_and_exclusions(trung_khanh, cum_iv):
    for result in (trung_khanh, cum_iv):
        text = result.normalized_text
        taken = [(m.start, m.end) for m in result.money] + [(a.start, a.end) for a in result.awards]
        for f in result.figures:
            assert text[f.start:f.end] == f.text
            assert f.sentence and f.text in f.sentence
            assert f.doc_id == result.document.doc_id
            # never money or award counts (their own tables hold them)
            assert not any(s < f.end and f.start < e for s, e in taken), f.text
            # never dates, document numbers or years
            assert not regex.search(r"\d+/\d+/\d{4}|\d/[\p{Lu}Đ]|^(?:19|20)\d\d$", f.text), f.text
    texts = {f.text for f in trung_khanh.figures}
    assert "73 Chiến sĩ thi đua cơ sở" not in texts and not any("Chiến sĩ" in t for t in texts)


def test_not_figures():
    text = ("Căn cứ Chỉ thị số 12/CT-UBND ngày 29/12/2021, Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3; "
            "ngày 02/12, giai đoạn 2021-2025, COVID-19, trị giá 199,6 triệu đồng; điện thoại 0276.3822.123.")
    assert extract_text(text).figures == []


def test_extract_writes_the_figures_table(tmp_path):
    out = tmp_path / "out"
    batch.run([str(CUM_IV)], str(out), workers=1, quiet=True)
    df = pd.read_csv(out / "figures.csv", encoding="utf-8-sig")
    for col in ("doc_id", "start", "end", "page", "sentence", "text", "kind", "value", "denominator", "unit",
                "of_what"):
        assert col in df.columns
    assert (out / "figures.parquet").exists()
    assert "1.902 cuộc thanh tra, kiểm tra" in set(df["text"])
