"""`tdkt compare`: units' claims side by side (Trùng Khánh 2021 against 2022)."""
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import batch
from pipeline.audit import compare, store
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
TK = "UBND huyện Trùng Khánh (Cao Bằng)"

# award, recipient type, conferrer -> (2021, 2022), as the report states them
EXPECTED = {
    ("Chiến sĩ thi đua cơ sở", "cá nhân", ""): (73, 44),
    ("Lao động tiên tiến", "cá nhân", ""): (1015, 950),
    ("Tập thể lao động tiên tiến", "tập thể", ""): (74, 46),
    ("Tập thể lao động xuất sắc", "tập thể", ""): (11, 8),
    ("Bằng khen", "tập thể", "Chủ tịch UBND tỉnh"): (21, 8),
    ("Bằng khen", "cá nhân", "Chủ tịch UBND tỉnh"): (25, 5),
    ("Giấy khen", "tập thể", "Chủ tịch UBND huyện"): (154, 40),
    ("Giấy khen", "cá nhân", "Chủ tịch UBND huyện"): (372, 88),
    ("Cờ thi đua", "tập thể", "Chính phủ"): (1, 1),
    ("Cờ thi đua", "tập thể", "UBND tỉnh"): (3, 2),
    ("Huân chương Lao động hạng Ba", "tập thể", ""): (1, None),
    ("Bà mẹ Việt Nam anh hùng", "cá nhân", ""): (None, 1),
}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp")
    batch.run([str(SEEDS)], str(out), workers=1, quiet=True)
    return out


@pytest.fixture(scope="module")
def tables(out):
    con = store.open_store(out)
    try:
        return store.read_tables(con)
    finally:
        con.close()


def _value(v):
    return None if pd.isna(v) else int(v)


def test_trung_khanh_2021_against_2022(tables):
    comp = compare.compare(tables, units=["Trùng Khánh"], figures=False)
    w = comp.wide
    assert [c for c in w.columns if " | " in c] == [f"{TK} | 2021", f"{TK} | 2022", f"{TK} | Δ 2021→2022"]
    got = {(r["item"], r["recipient_type"], r["conferrer"]): (_value(r[f"{TK} | 2021"]), _value(r[f"{TK} | 2022"]),
                                                               _value(r[f"{TK} | Δ 2021→2022"]))
           for _, r in w.iterrows()}
    want = {k: (a, b, (b - a) if a is not None and b is not None else None) for k, (a, b) in EXPECTED.items()}
    assert got == want
    assert (w["note"] == "").all()


def test_filters(tables):
    by_province = compare.compare(tables, provinces=["Tây Ninh"], figures=False)
    assert {c.split(" | ")[0] for c in by_province.wide.columns if " | " in c} == {"Thanh tra tỉnh (Tây Ninh)"}
    by_period = compare.compare(tables, units=["Trùng Khánh"], periods=["2021"], figures=False)
    assert [c for c in by_period.wide.columns if " | " in c] == [f"{TK} | 2021"]
    assert compare.compare(tables, units=["no such unit"]).wide.empty


def test_figures_are_rows_too(tables):
    w = compare.compare(tables, units=["Trùng Khánh"]).wide
    figs = w[w["section"] == compare.SECTION_FIGURES]
    row = figs[figs["item"] == "thành viên"].iloc[0]
    assert _value(row[f"{TK} | 2022"]) == 17
    # the share of direct workers among the CSTĐCS is placed in its award year
    share = figs[figs["item"] == "% Người lao động trực tiếp"].iloc[0]
    assert (share[f"{TK} | 2021"], share[f"{TK} | 2022"]) == (82, 95)


def test_disagreeing_documents_are_noted(tmp_path):
    src = SEEDS / "002_03026f8b928707b4.txt"
    (tmp_path / "in").mkdir()
    for name, count in (("a.txt", "1015"), ("b.txt", "1015"), ("c.txt", "1016")):
        # a different last line each, so that the three files are three documents
        (tmp_path / "in" / name).write_text(src.read_text(encoding="utf-8").replace(
            "1015 cá nhân Lao động tiên tiến", f"{count} cá nhân Lao động tiên tiến") + f"\n{name}\n",
            encoding="utf-8")
    batch.run([str(tmp_path / "in")], str(tmp_path / "out"), workers=1, quiet=True)
    con = store.open_store(tmp_path / "out")
    t = store.read_tables(con)
    con.close()
    w = compare.compare(t, figures=False).wide
    row = w[w["item"] == "Lao động tiên tiến"].iloc[0]
    assert row[f"{TK} | 2021"] == 1015                   # what most documents say
    assert "1.016" in row["note"] and "c.txt" in row["note"]


def test_compare_command(out, capsys):
    assert main(["compare", "--out", str(out), "--unit", "Trùng Khánh", "--period", "2021,2022"]) == 0
    printed = capsys.readouterr().out
    assert "Chiến sĩ thi đua cơ sở (cá nhân)" in printed and "-29" in printed and TK in printed
    csv = pd.read_csv(out / "compare.csv", encoding="utf-8-sig")
    assert f"{TK} | Δ 2021→2022" in csv.columns
    assert len(pd.read_parquet(out / "compare.parquet")) == len(csv)
    wb = openpyxl.load_workbook(out / "compare.xlsx")
    assert wb["compare"].freeze_panes == "F2" and wb["compare_long"].freeze_panes == "A2"
    con = store.open_store(out)
    n = con.execute("SELECT COUNT(*) FROM compare WHERE period = '2021'").fetchone()[0]
    con.close()
    assert n > 0
