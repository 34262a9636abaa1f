"""The workbook an auditor opens as it is: tables.xlsx (and compare.xlsx) after
a batch and the audit commands, read back with openpyxl. A summary sheet first;
then one sheet per table with its Vietnamese name, bold frozen header of
Vietnamese labels (rules/labels.yaml), a filter, dates as dates, amounts as
numbers with thousands separators, enumerated values in Vietnamese; text as
string cells with no apostrophe (the CSV keeps it) and no formula anywhere."""
import datetime
import inspect
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import batch, export, labels, processes, registry, rules, store
from pipeline.audit import checks, compare
from pipeline.cli import main
from pipeline.extract import awards, extractors
from pipeline.models import Citation, DocumentInfo, ExtractionResult, Money

ROOT = Path(__file__).resolve().parent.parent
REPORT = """ỦY BAN NHÂN DÂN
HUYỆN TRÙNG KHÁNH

Số: 12/BC-UBND

Trùng Khánh, ngày 15 tháng 11 năm 2022

BÁO CÁO
Kết quả công tác thi đua, khen thưởng năm 2022

- Thực hiện Kế hoạch số 05/KH-UBND ngày 10/01/2022 của UBND huyện về công tác thi đua, \
khen thưởng năm 2022, các cơ quan đã phát động phong trào thi đua “Chung sức xây dựng nông thôn mới”.
Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh, \
năm 2022 có 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh, kinh phí trên 14 triệu đồng.
Thu ngân sách đạt 41,288 tỷ đồng.
Toàn huyện có 03/19 xã đạt chuẩn nông thôn mới, chiếm 18,5%.
"""
SECOND = REPORT.replace("Số: 12/BC-UBND", "Số: 30/BC-UBND").replace("21 tập thể", "20 tập thể")
SENTENCE = "- Thực hiện Kế hoạch số 05/KH-UBND"
TABLES = list(store.table_types())
COMPARE_LONG = compare.LABEL_COLUMNS + ["unit", "province", "period", "value", "n_documents", "doc_ids", "note"]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """Two reports through extract, check and compare."""
    src, out = tmp_path_factory.mktemp("in"), tmp_path_factory.mktemp("out")
    (src / "bao_cao_12.txt").write_text(REPORT, encoding="utf-8")
    (src / "bao_cao_30.txt").write_text(SECOND, encoding="utf-8")
    batch.run([str(src)], str(out), workers=1, quiet=True)
    assert main(["check", "--out", str(out), "--quiet"]) == 0
    assert main(["compare", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def book(out):
    return openpyxl.load_workbook(out / "tables.xlsx")


def column(ws, table: str, name: str) -> list:
    """The cells of one column below the header, found by its label."""
    at = [c.value for c in ws[1]].index(labels.header(table, name))
    return [row[at] for row in ws.iter_rows(min_row=2)]


def csv(out: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{table}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


# ------------------------------------------------------------------ the sheets

def test_the_summary_sheet_comes_first(out, book):
    assert book.sheetnames[0] == labels.summary("sheet") == "Tổng hợp"
    ws = book.worksheets[0]
    rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r and r[0] is not None}
    assert rows[labels.summary("files_read")][0] == 2
    assert rows[labels.summary("files_failed")][0] == 0
    for table in TABLES:                       # rows per table, as the CSV files hold them
        assert rows[labels.sheet_name(table)][0] == len(csv(out, table)), table
    found = csv(out, "checks")
    assert set(found.severity) == {"error", "warning"}     # a percent_vs_ratio in each report, counts that differ
    for level in ("error", "warning", "info"):
        assert rows[labels.value("checks", "severity", level)][0] == (found.severity == level).sum()
    # each table's name links to its sheet
    links = {c.value: c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink}
    assert links[labels.sheet_name("money")] == f"'{labels.sheet_name('money')}'!A1"


def test_one_sheet_per_table_named_in_vietnamese(book):
    assert book.sheetnames[1:] == [labels.sheet_name(t) for t in TABLES]
    for table in TABLES:
        name = labels.sheet_name(table)
        assert name != table and len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
    assert book.sheetnames[2] == "Trích dẫn văn bản"


def test_header_bold_frozen_with_labels_and_a_filter(book):
    for table in TABLES:
        ws = book[labels.sheet_name(table)]
        header = ws[1]
        names = store.columns(store.table_types()[table])
        assert [c.value for c in header] == [labels.header(table, c) for c in names]
        assert all(c.font.b for c in header), table
        assert ws.freeze_panes == "A2", table
        last = openpyxl.utils.get_column_letter(len(header))
        assert ws.auto_filter.ref == f"A1:{last}{max(ws.max_row, 1)}", table
        # every header's description shows when the header is selected
        prompts = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation}
        assert prompts["A1"] == labels.description(table, names[0])
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, len(header) + 1)]
        assert all(6 <= w <= 60 for w in widths), (table, widths)


def test_dates_are_dates_shown_day_month_year(book):
    ws = book[labels.sheet_name("citations")]
    dates = [c for c in column(ws, "citations", "issued_date") if c.value is not None]
    assert datetime.datetime(2021, 12, 29) in [c.value for c in dates]
    assert all(isinstance(c.value, datetime.datetime) and c.number_format == "dd/mm/yyyy" for c in dates)
    docs = book[labels.sheet_name("documents")]
    assert {c.value for c in column(docs, "documents", "issued_date")} == {datetime.datetime(2022, 11, 15)}


def test_amounts_are_integers_with_thousands_separators(book):
    ws = book[labels.sheet_name("money")]
    amounts = column(ws, "money", "amount_vnd")
    assert [c.value for c in amounts][:2] == [14_000_000, 41_288_000_000]
    assert all(type(c.value) is int and c.number_format == "#,##0" for c in amounts)
    counts = column(book[labels.sheet_name("awards")], "awards", "count")
    assert {c.value for c in counts} >= {21, 25} and all(c.number_format == "#,##0" for c in counts)
    years = column(book[labels.sheet_name("awards")], "awards", "year")
    assert all(c.number_format == "0" for c in years if c.value is not None)     # 2022, not 2.022


def test_enumerated_values_in_vietnamese(book):
    money = book[labels.sheet_name("money")]
    assert [c.value for c in column(money, "money", "qualifier")][:2] == ["trên", "đúng bằng"]
    aw = book[labels.sheet_name("awards")]
    assert {c.value for c in column(aw, "awards", "status")} == {"Đã khen thưởng"}
    assert {c.value for c in column(aw, "awards", "recipient_type")} == {"tập thể", "cá nhân"}
    figures = book[labels.sheet_name("figures")]
    assert {"tỷ lệ phần trăm", "tỷ số"} <= {c.value for c in column(figures, "figures", "kind")}
    docs = book[labels.sheet_name("documents")]
    assert {c.value for c in column(docs, "documents", "status")} == {"Đọc được"}
    found = book[labels.sheet_name("checks")]
    assert {c.value for c in column(found, "checks", "severity")} == {"Lỗi", "Cảnh báo"}
    assert {c.value for c in column(found, "checks", "rule_id")} == {"Tỷ lệ % không khớp tỷ số",
                                                                      "Các văn bản nêu số liệu khác nhau"}


def test_text_cells_are_strings_without_the_apostrophe_of_the_csv(out, book):
    ws = book[labels.sheet_name("citations")]
    sentences = [c for c in column(ws, "citations", "sentence") if SENTENCE in (c.value or "")]
    assert sentences and all(c.value.startswith("- Thực hiện") and c.data_type == "s" for c in sentences)
    assert not any(isinstance(c.value, str) and c.value.startswith("'")
                   for ws in book for row in ws.iter_rows() for c in row)
    assert "'" + csv(out, "citations").sentence.iloc[0].lstrip("'") == csv(out, "citations").sentence.iloc[0]


def test_no_formula_cell_in_any_workbook(out):
    for path in (out / "tables.xlsx", out / "compare.xlsx"):
        wb = openpyxl.load_workbook(path)
        cells = [c for ws in wb for row in ws.iter_rows() for c in row]
        assert cells and not [c.coordinate for c in cells if c.data_type == "f"], path


def test_the_checks_sheet_written_by_check_is_formatted_as_the_others(out, book):
    ws = book[labels.sheet_name("checks")]
    n = len(csv(out, "checks")) + 1
    assert ws.max_row == n and ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:J{n}"
    assert all(c.font.b for c in ws[1])
    assert column(ws, "checks", "message")[0].alignment.wrap_text


def test_compare_xlsx_is_formatted_as_tables_xlsx(out):
    wb = openpyxl.load_workbook(out / "compare.xlsx")
    assert wb.sheetnames == [labels.sheet_name("compare"), labels.sheet_name("compare_long")]
    wide, long = wb.worksheets
    assert [c.value for c in wide[1]][:5] == [labels.header("compare", c) for c in compare.LABEL_COLUMNS]
    assert wide.freeze_panes == "F2" and long.freeze_panes == "A2"      # the label columns stay in view
    assert all(c.font.b for ws in wb for c in ws[1]) and wide.auto_filter.ref and long.auto_filter.ref
    units = [c for c in wide[1] if " | " in (c.value or "")]
    assert units, "a column per unit and period"
    values = [row[units[0].column - 1] for row in wide.iter_rows(min_row=2) if row[units[0].column - 1].value]
    assert 25 in {v.value for v in values}
    assert all(v.number_format == "#,##0" for v in values if float(v.value).is_integer())


# ------------------------------------------------------------------ the labels

def test_every_column_of_every_table_has_a_label():
    shown = {**{t: store.columns(tp) for t, tp in store.table_types().items()},
             "compare": compare.LABEL_COLUMNS + ["note"], "compare_long": COMPARE_LONG}
    missing = [f"{t}.{c}" for t, cols in shown.items() for c in cols
               if not labels.has_label(t, c) or not labels.description(t, c)]
    assert missing == [], "columns without a header or description in rules/labels.yaml"
    for t in shown:
        assert labels.description(t), t
        assert all(labels.display_format(t, c) in (None,) + labels.FORMATS for c in shown[t])
    data = rules.load("labels")
    unknown = [f"{t}.{c}" for t, spec in data["tables"].items() for c in spec["columns"] if c not in shown.get(t, [])]
    assert unknown == [], "labels of columns no table has"
    every = [col for spec in data["tables"].values() for col in spec["columns"].values()]
    for col in every + list(data["common"].values()):
        assert set(col) <= {"header", "description", "format"} and col.get("format") in (None,) + labels.FORMATS, col


def test_sheet_names_are_names_excel_takes():
    names = [labels.sheet_name(t) for t in labels.tables()] + [labels.summary("sheet")]
    data = rules.load("labels")
    raw = [data["tables"][t]["sheet"] for t in labels.tables()] + [data["summary"]["sheet"]]
    assert names == raw, "as written in rules/labels.yaml: at most 31 characters, none of []:*?/\\"
    assert len({n.casefold() for n in names}) == len(names)


def _literals(pattern: str, *sources) -> set[str]:
    return {m for src in sources for m in re.findall(pattern, src if isinstance(src, str) else inspect.getsource(src))}


def enumerated_values() -> dict[tuple[str, str], set[str]]:
    """Every value the extractors and rules/ can write into an enumerated column."""
    money_rules, award_rules = rules.load("money"), rules.load("awards")
    money_src = (ROOT / "pipeline" / "extract" / "money.py").read_text(encoding="utf-8")
    figures_src = (ROOT / "pipeline" / "extract" / "figures.py").read_text(encoding="utf-8")
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "pipeline").rglob("*.py")]
    batch_src = (ROOT / "pipeline" / "batch.py").read_text(encoding="utf-8")
    api_src = (ROOT / "pipeline" / "api.py").read_text(encoding="utf-8")
    return {
        ("documents", "status"): _literals(r'\bstatus ?= ?"(\w+)"', *sources) - set(awards_status()) | {"ok"},
        ("money", "qualifier"): set(money_rules["qualifiers"]) | set(money_rules.get("qualifiers_after") or {})
        | _literals(r'qualifier ?= ?"(\w+)"', money_src),
        ("awards", "status"): set(awards_status()) | set(award_rules["status_words"]),
        ("awards", "recipient_type"): set(award_rules["recipient_words"].values())
        | {a["recipient"] for a in award_rules["titles"] if a.get("recipient")},
        ("movements", "kind"): set(rules.load("movements")["heads"])
        | {e.get("kind") for e in rules.load("movements")["catalog"] if e.get("kind")},
        ("figures", "kind"): set(rules.load("figures")["measures"]) | _literals(r'kind="(\w+)"', figures_src),
        ("errors", "stage"): _literals(r'stage="(\w+)"', batch_src) | _literals(r'stage = "(\w+)"', api_src)
        | _literals(r'ErrorRow\([^()]*?, "(\w+)"', batch_src, api_src) | _literals(r'return "(\w+)", \(?f"', batch_src)
        | _literals(r'stage: str = "(\w+)"', batch_src)
        | {f"extract:{name}" for name in extractors()},
        ("conflicts", "field"): set(registry.COMPARED_FIELDS) | _literals(r'_conflict\([^,]+, "(\w+)"',
                                                                          registry.build),
        ("checks", "severity"): set(checks.SEVERITY_ORDER),
        ("checks", "rule_id"): set(rules.load("checks")["rules"]),
    }


def awards_status() -> set[str]:
    return _literals(r'return "(\w+)"', awards._status)


def test_every_enumerated_value_has_a_label():
    found = enumerated_values()
    assert found[("documents", "status")] == {"ok", "error", "needs_ocr"}
    assert {"over", "under", "approx", "exact", "range"} <= found[("money", "qualifier")]
    assert {"awarded", "pending", "proposed", "quota"} <= found[("awards", "status")]
    assert {"count", "percent", "ratio", "area"} <= found[("figures", "kind")]
    assert {"ingest", "timeout", "memory", "crash", "store", "extract:money"} <= found[("errors", "stage")]
    missing = [f"{t}.{c} = {v}" for (t, c), vs in found.items() for v in sorted(vs) if v not in labels.values(t, c)]
    assert missing == [], "values without a label in rules/labels.yaml"


def test_english_is_the_machine_names():
    assert labels.sheet_name("citations", lang="en") == "citations"
    assert labels.header("money", "amount_vnd", lang="en") == "amount_vnd"
    assert labels.value("money", "qualifier", "over", lang="en") == "over"
    assert labels.value("money", "qualifier", "over") == "trên"
    assert labels.value("money", "qualifier", "not-a-value") == "not-a-value"
    assert labels.header("compare", "UBND huyện A | 2022") == "UBND huyện A | 2022"


def test_a_workbook_in_english(tmp_path):
    con = _store(tmp_path, [("2021-12-29", "over")])
    export._write_xlsx(con, TABLES, tmp_path / "en.xlsx", lang="en")
    wb = openpyxl.load_workbook(tmp_path / "en.xlsx")
    assert wb.sheetnames[1:] == TABLES
    ws = wb["money"]
    assert [c.value for c in ws[1]] == store.columns(store.table_types()["money"])
    assert column_by_name(ws, "qualifier") == ["over"]


def column_by_name(ws, name):
    at = [c.value for c in ws[1]].index(name)
    return [row[at].value for row in ws.iter_rows(min_row=2)]


# ------------------------------------------------------------------ the writer

def _store(tmp_path: Path, rows: list[tuple[str, str]], sentence: str = "- câu"):
    """A store of one document with a citation and an amount per (date, qualifier)."""
    con = store.connect(tmp_path)
    cites = [Citation(doc_id="d", start=i, end=i + 1, text="x", page=None, sentence=sentence, issued_date=date)
             for i, (date, _) in enumerate(rows)]
    money = [Money(doc_id="d", start=i, end=i + 1, text="x", page=None, sentence=sentence, amount_vnd=1000 * i,
                   qualifier=q) for i, (_, q) in enumerate(rows)]
    doc = DocumentInfo(doc_id="d", source_path="/x/d.txt", format="txt", issued_date=rows[0][0])
    store.store_document(con, ExtractionResult(document=doc, citations=cites, money=money), "v")
    return con


AWKWARD = [("2021-12-29", "over"), ("2021-02-30", "under"), ("2025", "approx"), ("1899-12-31", "range"),
           ("", "exact"), ("29/12/2021", "made_up"), ("1900-03-01", "over"), ("9999-12-31", "over")]


def test_arrow_and_python_write_the_same_cells():
    """The chunk path (Arrow) and the cell-by-cell path give the same XML, for
    dates that are not (30 February, a year alone, before 1900), values without
    a label, text that needs care."""
    texts = ["plain", "", "a & b <c>", "line\nbreak\r\nand\x01control", "_x0041_ stays", "=1+1", "\ufffe",
             "x" * (export.EXCEL_MAX_CELL + 5), "- Thực hiện", "\tTab", "một câu dài " * 8]
    cols = export._columns_shown("citations", ["sentence", "issued_date", "serial"], ["TEXT", "TEXT", "INTEGER"],
                                 "vi")
    rows = [(t, AWKWARD[i % len(AWKWARD)][0], i) for i, t in enumerate(texts)]
    rows_bytes = [(t.encode("utf-8", "surrogatepass"), d.encode(), n) for t, d, n in rows]
    widths = export._widths(cols, rows)
    python = "".join(export._row_xml(cols, 2 + j, r, widths) for j, r in enumerate(rows))
    assert bytes(export._rows_arrow(cols, rows_bytes, 2, widths)).decode("utf-8") == python
    assert 'ht="75" customHeight="1"' in python and 'ht="30" customHeight="1"' in python
    money = export._columns_shown("money", ["qualifier", "amount_vnd"], ["TEXT", "INTEGER"], "vi")
    rows = [(q, 10 ** 12) for _, q in AWKWARD]
    assert bytes(export._rows_arrow(money, rows, 2, [10, 10])).decode() == "".join(
        export._row_xml(money, 2 + j, r, [10, 10]) for j, r in enumerate(rows))


def test_awkward_dates_and_values(tmp_path):
    con = _store(tmp_path, AWKWARD)
    export.write_files(con, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    dates = [c.value for c in column(wb[labels.sheet_name("citations")], "citations", "issued_date")]
    assert dates == [datetime.datetime(2021, 12, 29), "2021-02-30", "2025", "1899-12-31", None, "29/12/2021",
                     datetime.datetime(1900, 3, 1), datetime.datetime(9999, 12, 31)]
    shown = [c.value for c in column(wb[labels.sheet_name("money")], "money", "qualifier")]
    assert shown == ["trên", "dưới", "khoảng", "từ ... đến ...", "đúng bằng", "made_up", "trên",
                     "trên"]
    # the CSV and Parquet files keep the machine values
    assert list(csv(tmp_path, "money").qualifier) == [q for _, q in AWKWARD]
    assert list(pd.read_parquet(tmp_path / "citations.parquet").issued_date) == [d for d, _ in AWKWARD]


def test_long_text_is_cut_to_what_a_cell_holds_and_wrapped(tmp_path):
    con = _store(tmp_path, [("2021-12-29", "over")], sentence="- " + "rất dài " * 5000)
    export.write_files(con, tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "tables.xlsx")[labels.sheet_name("citations")]
    cell = column(ws, "citations", "sentence")[0]
    assert len(cell.value) == export.EXCEL_MAX_CELL and cell.value.endswith("…") and cell.value.startswith("- rất")
    assert cell.alignment.wrap_text and cell.data_type == "s"


def test_a_table_past_the_row_limit_goes_on_in_another_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 4)          # 3 rows and the header a sheet
    monkeypatch.setattr(export, "CHUNK_ROWS", 2)
    con = _store(tmp_path, [(f"2021-12-{d:02d}", "over") for d in range(1, 8)])
    export.write_files(con, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    name = labels.sheet_name("citations")
    i = wb.sheetnames.index(name)
    assert wb.sheetnames[i:i + 4] == [name, f"{name} (2)", f"{name} (3)", labels.sheet_name("movements")]
    got = []
    for ws in wb.worksheets[i:i + 3]:
        assert ws[1][0].value == labels.header("citations", "doc_id") and ws.freeze_panes == "A2"
        got += [c.value.day for c in column(ws, "citations", "issued_date")]
    assert got == list(range(1, 8))
    summary = {r[0]: r[1] for r in wb.worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert summary[name] == 7


def test_helper_processes_write_the_workbook(tmp_path, monkeypatch):
    """With more than one core the workbook is written by a helper process
    (`python -m pipeline.export --helper`): the same workbook."""
    con = _store(tmp_path / "alone", AWKWARD)
    export.write_files(con, tmp_path / "alone")
    (tmp_path / "apart").mkdir()
    monkeypatch.setattr(processes, "available_cores", lambda: 3)
    monkeypatch.setattr(export, "HELPER_START", 0.0)
    started = []
    start = export._start_helper
    monkeypatch.setattr(export, "_start_helper", lambda *a: started.append(start(*a)) or started[-1])
    export.write_files(con, tmp_path / "apart", rebuild=lambda: registry.rebuild(con))
    assert started and all(p.returncode == 0 for p in started)
    a = openpyxl.load_workbook(tmp_path / "alone" / "tables.xlsx")
    b = openpyxl.load_workbook(tmp_path / "apart" / "tables.xlsx")
    assert a.sheetnames == b.sheetnames
    for ws in a:
        assert [[c.value for c in r] for r in ws.iter_rows()] == [[c.value for c in r] for r in b[ws.title].iter_rows()]


def test_frames_of_any_dtype(tmp_path):
    df = pd.DataFrame({"section": pd.Series(["khen thưởng", None], dtype="string"), "item": ["=1+1", "b\nc"],
                       "recipient_type": pd.Categorical(["tập thể", "cá nhân"]),
                       "conferrer": [1, "x"], "unit_noun": [b"m2", None],
                       "A | 2022": pd.array([1.0, None], dtype="Float64"), "A | Δ 2021→2022": [2.5, -1.0],
                       "note": [pd.Timestamp("2022-01-02"), None]})
    path = tmp_path / "f.xlsx"
    export.write_frames_workbook(path, [("compare", df, 5)])
    ws = openpyxl.load_workbook(path)["So sánh"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("khen thưởng", "=1+1", "tập thể", 1, "b'm2'", 1, 2.5, "2022-01-02T00:00:00")
    assert rows[2][:4] == (None, "b c", "cá nhân", "x") and rows[2][5:7] == (None, -1)
    assert ws["B2"].data_type == "s" and ws["G2"].number_format == "#,##0.0###"
