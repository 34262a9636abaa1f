"""No table any command writes holds a live formula: every .csv and .xlsx of an
output folder, after `extract`, `registry`, `check` and `compare`, over
documents whose text and file names carry formulas.

A CSV field is *live* when the field, or a line inside it (the text after a
CR, LF or CRLF), starts, after any spaces and tabs, with ``=``, ``+``, ``-`` or
``@``, unless the whole field is a plain decimal number (``-29.0``, a change
in compare.csv, which a spreadsheet reads as the number). A neutralized line
starts with an apostrophe instead. An XLSX cell is live when its data type is
``f`` (a formula); a string cell is never run, so the workbooks carry no
apostrophe."""
import csv
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import batch, export, labels, store
from pipeline.audit import compare
from pipeline.cli import main
from pipeline.models import Award, DocumentInfo, ExtractionResult, Figure

HYPERLINK = '=HYPERLINK("http://127.0.0.1/x","bấm vào")'
FOOTERS = [HYPERLINK, "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
REPORT = """ỦY BAN NHÂN DÂN
HUYỆN TRÙNG KHÁNH

Số: 12/BC-UBND

Trùng Khánh, ngày 15 tháng 11 năm 2022

BÁO CÁO
Kết quả công tác thi đua, khen thưởng năm 2022

Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh về {h}.
Huyện phát động phong trào thi đua “{h}” trong toàn huyện.
Năm 2022, {n} tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.
Tỷ lệ hộ gia đình văn hóa đạt 85%.
Chi trên 14 triệu đồng để {h}.
{footers}
"""
# file names (POSIX allows a CR, an LF and a leading formula character in them)
NAMES = ["a.txt", "b.txt", 'c\r=HYPERLINK("x").txt', "d\r@SUM(1+1).txt", "e\n+1+2.txt", "-2+3.txt"]

FORMULA_START = re.compile(r"[ \t]*[=+\-@]")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def live_lines(field: str) -> list[str]:
    """The lines of a CSV field (the field's start and the text after each CR,
    LF or CRLF in it) a spreadsheet would run as a formula."""
    if NUMBER.fullmatch(field):
        return []
    return [line for line in re.split(r"\r\n|\r|\n", field) if FORMULA_START.match(line)]


def test_the_definition():
    assert live_lines(HYPERLINK) == [HYPERLINK]
    assert live_lines("'" + HYPERLINK) == []
    assert live_lines("a\r=1+1") == ["=1+1"] and live_lines("a\n @x") == [" @x"] and live_lines("a\r\n-1+x")
    assert live_lines("a\r'=1+1") == [] and live_lines("a = b") == [] and live_lines("") == []
    assert live_lines("-29.0") == [] and live_lines("-2+3") == ["-2+3"] and live_lines("\t=1") == ["\t=1"]


def csv_problems(path: Path) -> list[str]:
    """Live fields and split rows of one CSV file (the row count against its
    Parquet twin, which holds one row per record)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    problems = [f"{path.name} row {i} column {j}: {field!r}"
                for i, row in enumerate(rows) for j, field in enumerate(row) if live_lines(field)]
    twin = path.with_suffix(".parquet")
    assert twin.exists(), twin
    records = len(pd.read_parquet(twin))
    if len(rows) - 1 != records:
        problems.append(f"{path.name}: {len(rows) - 1} CSV rows for {records} records")
    width = {len(row) for row in rows}
    if len(width) > 1:
        problems.append(f"{path.name}: rows of {sorted(width)} fields")
    return problems


def xlsx_problems(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [f"{path.name}!{ws.title}!{cell.coordinate}: {cell.value!r}"
            for ws in wb for row in ws.iter_rows() for cell in row if cell.data_type == "f"]


def every_file(out: Path) -> list[str]:
    found = sorted(out.glob("*.csv")), sorted(out.glob("*.xlsx"))
    assert found[0] and found[1]
    return [p for path in found[0] for p in csv_problems(path)] + [p for path in found[1] for p in xlsx_problems(path)]


def run_commands(out: Path) -> None:
    assert main(["registry", "--out", str(out)]) == 0
    assert main(["check", "--out", str(out), "--quiet"]) == 0
    assert main(["compare", "--out", str(out), "--quiet"]) == 0


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """A folder of reports with formulas in their text and in their names,
    through `extract`, `registry`, `check` and `compare`."""
    src, out = tmp_path_factory.mktemp("in"), tmp_path_factory.mktemp("out")
    for i, name in enumerate(NAMES):
        # a different count each: documents of one unit and year disagree, and
        # compare's note names every file
        (src / name).write_text(REPORT.format(h=HYPERLINK, n=21 + i, footers="\n".join(FOOTERS)) + f"\n{i}\n",
                                encoding="utf-8")
    batch.run([str(src)], str(out), workers=1, quiet=True)
    run_commands(out)
    return out


@pytest.mark.slow
def test_no_live_formula_in_any_file_of_a_batch(extracted):
    assert every_file(extracted) == []
    # the hostile text did reach the tables (neutralized), and every file is a document
    movements = pd.read_csv(extracted / "movements.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert "'" + HYPERLINK in set(movements.name)
    documents = pd.read_csv(extracted / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(documents) == len(NAMES)
    assert set(pd.read_parquet(extracted / "compare.parquet").columns) > set(compare.LABEL_COLUMNS)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store holding what extraction does not write today but a store may
    hold: formulas at the start of an issuer (compare's column names), of a
    conferrer and a unit noun (compare's labels, str columns in pandas 3), line
    breaks before formulas in any text."""
    out = tmp_path_factory.mktemp("store")
    con = store.connect(out)
    for i, (issuer, conferrer, path) in enumerate([
            (HYPERLINK, "+cmd|' /C calc'!A0", "/in/a\r=HYPERLINK(\"x\").txt"),
            (HYPERLINK, "+cmd|' /C calc'!A0", "/in/b\n@SUM(1+1).txt"),
            ("UBND huyện A\r\n-2+3", "@SUM(1+1)", "/in/c.txt")]):
        doc_id = f"d{i}"
        doc = DocumentInfo(doc_id=doc_id, source_path=path, format="txt", issuer=issuer, province="Cao Bằng",
                           period="2022", title=f"Báo cáo\n{HYPERLINK}", issued_date="2022-11-15")
        sentence = f"Năm 2022, {20 + i} tập thể được tặng Bằng khen.\r=1+1"
        award = Award(doc_id=doc_id, start=0, end=10, text=sentence, page=None, sentence=sentence,
                      award="Bằng khen", conferrer=conferrer, recipient_type="tập thể", count=20 + i, year=2022)
        figure = Figure(doc_id=doc_id, start=20, end=25, text="12 xã", page=None, sentence=sentence, kind="count",
                        value=12.0 + i, unit=" =xã", of_what="")
        store.store_document(con, ExtractionResult(document=doc, awards=[award], figures=[figure]), "v")
    con.close()
    run_commands(out)
    return out


def test_no_live_formula_whatever_the_store_holds(stored):
    assert every_file(stored) == []


def test_line_breaks_become_spaces_in_csv_and_stay_in_parquet(stored):
    """The choice for a CR or LF inside a field: a space in CSV (and XLSX), so
    that a CSV record is one line for any reader; the raw value stays in
    Parquet and SQLite."""
    with open(stored / "documents.csv", newline="", encoding="utf-8-sig") as f:
        text = f.read()
    assert "\r" not in text and text.count("\n") == 1 + 3
    docs = pd.read_csv(stored / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(docs.source_path) == ['/in/a =HYPERLINK("x").txt', "/in/b @SUM(1+1).txt", "/in/c.txt"]
    assert docs.title.iloc[0] == "Báo cáo " + HYPERLINK
    assert docs.issuer.iloc[0] == "'" + HYPERLINK
    raw = pd.read_parquet(stored / "documents.parquet")
    assert list(raw.source_path) == ["/in/a\r=HYPERLINK(\"x\").txt", "/in/b\n@SUM(1+1).txt", "/in/c.txt"]


def test_xlsx_text_cells_are_strings(stored):
    """In every workbook a text cell is a string cell (openpyxl makes a formula
    of text starting with `=` unless told otherwise), which a spreadsheet
    never runs: the apostrophe of the CSV would only show there, so the
    workbook has none (line breaks are still spaces)."""
    for path in (stored / "compare.xlsx", stored / "tables.xlsx"):
        wb = openpyxl.load_workbook(path)
        texts = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert texts and all(c.data_type == "s" for c in texts), path
        assert not [c.value for c in texts if c.value.startswith("'")], path
    wb = openpyxl.load_workbook(stored / "compare.xlsx")
    header = [c.value for c in wb[labels.sheet_name("compare")][1]]
    assert f"{HYPERLINK} (Cao Bằng) | 2022" in header
    wb = openpyxl.load_workbook(stored / "tables.xlsx")
    ws = wb[labels.sheet_name("documents")]
    at = [c.value for c in ws[1]].index(labels.header("documents", "issuer"))
    issuers = [row[at] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in issuers] == [HYPERLINK, HYPERLINK, "UBND huyện A -2+3"]
    assert all(c.data_type == "s" for c in issuers)


@pytest.mark.parametrize("dtype", ["object", "str", "string", "category"])
def test_safe_for_spreadsheet_tests_values_not_dtypes(dtype):
    df = pd.DataFrame({"text": pd.Series([HYPERLINK, "plain", None, "a\r@x", "-2+3"], dtype=dtype),
                       "n": [-1, 2, 3, 4, 5], HYPERLINK: [1.5, None, -2.0, 0.0, 1.0]})
    safe = export._safe_for_spreadsheet(df)
    assert list(safe.columns) == ["text", "n", "'" + HYPERLINK]
    assert [None if pd.isna(v) else v for v in safe["text"]] == ["'" + HYPERLINK, "plain", None, "a @x", "'-2+3"]
    assert list(safe["n"]) == [-1, 2, 3, 4, 5] and safe["n"].dtype == df["n"].dtype
    assert df["text"].iloc[0] == HYPERLINK                       # the frame given is left as it was


def test_mixed_object_columns():
    df = pd.DataFrame({"x": pd.Series([-3, "=1+1", 2.5, None, b"=raw"], dtype=object)})
    assert list(export._safe_for_spreadsheet(df)["x"])[:3] == [-3, "'=1+1", 2.5]
