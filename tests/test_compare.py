"""`tdkt compare`: units' claims side by side (Trùng Khánh 2021 against 2022)."""
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import batch, messages
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
    # the share of direct workers among each award's recipients is placed in its award
    # year and named by the award it qualifies, so that 2021 and 2022 line up
    shares = {r["item"]: (r[f"{TK} | 2021"], r[f"{TK} | 2022"]) for _, r in figs.iterrows()
              if r["item"].startswith("% Người lao động trực tiếp")}
    assert shares == {"% Người lao động trực tiếp (Chiến sĩ thi đua cơ sở, cá nhân)": (82, 95),
                      "% Người lao động trực tiếp (Lao động tiên tiến, cá nhân)": (92, 92.1),
                      "% Người lao động trực tiếp (Giấy khen)": (81, 81)}


def test_old_tone_spelling_is_the_same_row(tmp_path):
    """`uỷ viên` (old tone placement) and `ủy viên` are one row."""
    src = SEEDS / "002_03026f8b928707b4.txt"
    text = src.read_text(encoding="utf-8")
    assert "14 ủy viên" in text
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "new.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "old.txt").write_text(text.replace("14 ủy viên", "14 uỷ viên") + "\nold\n", encoding="utf-8")
    batch.run([str(tmp_path / "in")], str(tmp_path / "out"), workers=1, quiet=True)
    con = store.open_store(tmp_path / "out")
    t = store.read_tables(con)
    con.close()
    w = compare.compare(t, units=["Trùng Khánh"]).wide
    rows = w[w["item"].str.casefold().isin(["ủy viên", "uỷ viên"])]
    assert len(rows) == 1 and rows.iloc[0][f"{TK} | 2022"] == 14 and rows.iloc[0]["note"] == ""


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
    assert main(["compare", "--out", str(out), "--quiet"]) == 0       # as `make run` calls it: the files only
    quiet = capsys.readouterr().out.strip().splitlines()
    assert len(quiet) == 1 and quiet[0].startswith("Đã ghi ") and "compare.xlsx" in quiet[0]
    csv = pd.read_csv(out / "compare.csv", encoding="utf-8-sig")
    assert f"{TK} | Δ 2021→2022" in csv.columns
    assert len(pd.read_parquet(out / "compare.parquet")) == len(csv)
    wb = openpyxl.load_workbook(out / "compare.xlsx")
    # the sheets by their names in the workbook (Vietnamese when pipeline.labels names them)
    wide, long = wb[messages.sheet_name("compare")], wb[messages.sheet_name("compare_long")]
    assert wide.freeze_panes == "F2" and long.freeze_panes == "A2"
    con = store.open_store(out)
    n = con.execute("SELECT COUNT(*) FROM compare WHERE period = '2021'").fetchone()[0]
    con.close()
    assert n > 0


def test_closed_stdout_ends_quietly(out):
    """`tdkt compare --out DIR | head -1`: no traceback, the files are written."""
    import subprocess
    import sys
    for reader, lines in (("head -1", 1), ("true", 0)):      # `true` reads nothing: the first write fails
        (out / "compare.csv").unlink(missing_ok=True)
        cmd = f"'{sys.executable}' -m pipeline.cli compare --out '{out}' | {reader}"
        done = subprocess.run(["bash", "-c", "set -o pipefail; " + cmd], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.stdout.count("\n") == lines
        assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
        assert done.returncode in (0, 141)
        assert (out / "compare.csv").exists()
