"""The table model: every reader fills it, and money, award counts and totals
are read from its cells alike.

One small table (award counts by recipient type, money in a column, a total
row, the year and the unit in the caption) is written as DOCX, HTML, a
markdown pipe table in a .txt, a PDF with ruled lines and an .xlsx; each gives
the same money and award rows. A spreadsheet inside a folder is read by a
batch, and the real nomination list (X01) reads with sane rows: its nine
proposals, one a row (awards.table_list)."""
from __future__ import annotations

import html
from pathlib import Path

import pytest

from builders import docx_with_table, vietnamese_pdf, xlsx_with_table
from pipeline.api import extract_file, extract_text
from pipeline.ingest import read_source
from pipeline.ingest.tables import bar_tables, build_tables, text_tables

ROOT = Path(__file__).resolve().parent.parent
REAL_SPREADSHEETS = sorted((ROOT.parent / "shared" / "corpus-real" / "files").glob("X01_*.xlsx"))

CAPTION = ["Kết quả khen thưởng năm 2022", "Đơn vị tính: triệu đồng"]
HEADER = ["TT", "Hình thức khen thưởng", "Tập thể", "Cá nhân", "Kinh phí"]
ROWS = [["1", "Bằng khen của Chủ tịch UBND tỉnh", "21", "25", "52,5"],
        ["2", "Giấy khen của Chủ tịch UBND huyện", "154", "372", "91,6"],
        ["", "Tổng cộng", "175", "397", "144,1"]]
AFTER = "Các đơn vị tiếp tục thực hiện tốt công tác thi đua, khen thưởng."

MONEY = [(52_500_000, "Bằng khen của Chủ tịch UBND tỉnh"), (91_600_000, "Giấy khen của Chủ tịch UBND huyện")]
AWARDS = [("Bằng khen", "Chủ tịch UBND tỉnh", "tập thể", 21, 2022), ("Bằng khen", "Chủ tịch UBND tỉnh", "cá nhân", 25, 2022),
          ("Giấy khen", "Chủ tịch UBND huyện", "tập thể", 154, 2022),
          ("Giấy khen", "Chủ tịch UBND huyện", "cá nhân", 372, 2022)]
TOTALS = [175, 397, 144.1]


# ---------------------------------------------------------------- the table in each format

def write_docx(path: Path) -> None:
    docx_with_table(path, CAPTION, [HEADER] + ROWS, AFTER)


def write_html(path: Path) -> None:
    def row(cells, tag="td"):
        return "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>"
    body = "".join(f"<p>{line}</p>" for line in CAPTION)
    body += "<table>" + row(HEADER, "th") + "".join(row(r) for r in ROWS) + "</table>" + f"<p>{AFTER}</p>"
    path.write_text(f"<html><head><meta charset='utf-8'></head><body><article>{body}</article></body></html>",
                    encoding="utf-8")


def write_markdown(path: Path) -> None:
    lines = CAPTION[:1] + [CAPTION[1], "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in ROWS] + ["", AFTER]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_pdf(path: Path) -> None:
    pdf = vietnamese_pdf()
    for line in CAPTION:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    with pdf.table(col_widths=(10, 70, 25, 25, 25)) as table:
        for cells in [HEADER] + ROWS:
            row = table.row()
            for text in cells:
                row.cell(text)
    pdf.ln(3)
    pdf.multi_cell(0, 6, AFTER)
    pdf.output(str(path))


def write_xlsx(path: Path) -> None:
    pytest.importorskip("openpyxl")
    xlsx_with_table(path, CAPTION, [HEADER] + [[_number(v) for v in row] for row in ROWS])


def _number(text: str):
    """A cell's value as a spreadsheet stores it (`52,5` -> 52.5)."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return text or None


FORMATS = {"docx": write_docx, "html": write_html, "txt": write_markdown, "pdf": write_pdf, "xlsx": write_xlsx}


@pytest.fixture(scope="module", params=sorted(FORMATS))
def written(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("tables") / f"bang.{request.param}"
    FORMATS[request.param](path)
    return path


def test_every_reader_fills_the_table_model(written):
    source = read_source(str(written))
    assert source.status == "ok", source.error
    assert len(source.tables) == 1
    table = source.tables[0]
    assert (table.n_rows, table.n_cols, table.header_rows) == (4, 5, 1)
    assert table.unit == "triệu đồng" and "năm 2022" in table.caption
    for cell in table.cells:
        assert source.text[cell.start:cell.end] == cell.text
    money = next(c for c in table.cells if c.text == "52,5")
    assert (money.row, money.col) == (1, 4)
    assert money.row_header == ("Bằng khen của Chủ tịch UBND tỉnh",) and money.col_header == ("Kinh phí",)
    assert money.unit == "triệu đồng" and not money.total
    assert all(c.total for c in table.cells if c.row == 3)
    if written.suffix == ".pdf":
        assert table.page == 1


def test_every_format_gives_the_same_rows(written):
    result = extract_file(str(written), time_limit=None)
    assert result.document.status == "ok", result.document.error
    text = result.normalized_text
    money = [m for m in result.money if m.table_index is not None]
    assert [(m.amount_vnd, m.purpose) for m in money] == MONEY
    awards = [(a.award, a.conferrer, a.recipient_type, a.count, a.year) for a in result.awards]
    assert awards == AWARDS
    totals = [f.value for f in result.figures if f.kind == "total"]
    assert totals == TOTALS
    for row in money + [f for f in result.figures if f.kind == "total"]:
        assert text[row.start:row.end] == row.text              # the spans survive normalization
        assert row.table_index == 0 and row.table_row is not None and row.table_col is not None
    assert money[0].cell_header == "Bằng khen của Chủ tịch UBND tỉnh / Kinh phí"


# ---------------------------------------------------------------- the model's parts

def test_merged_header_cells_give_header_paths():
    page = ("<html><body><article><p>Đơn vị tính: đồng</p><table>"
            "<tr><th rowspan=2>TT</th><th rowspan=2>Nội dung</th><th colspan=2>Kinh phí</th></tr>"
            "<tr><th>Kế hoạch</th><th>Thực hiện</th></tr>"
            "<tr><td>1</td><td>Hỗ trợ luyện tập</td><td>5.000.000</td><td>4.500.000</td></tr>"
            "</table></article></body></html>")
    result = extract_text_of_html(page)
    assert [(m.amount_vnd, m.purpose) for m in result.money] == [
        (5_000_000, "Hỗ trợ luyện tập (Kế hoạch)"), (4_500_000, "Hỗ trợ luyện tập (Thực hiện)")]
    assert result.money[0].cell_header == "Hỗ trợ luyện tập / Kinh phí / Kế hoạch"


def extract_text_of_html(page: str):
    from pipeline.api import extract_source
    from pipeline.ingest.html_reader import read_html
    source = read_html(page.encode("utf-8"))
    source.doc_id, source.source_path, source.format = "html1", "<html>", "html"
    return extract_source(source, time_limit=None)


def test_a_unit_column_gives_each_row_its_unit():
    text = ("| STT | Nội dung | ĐVT | Mức thu |\n|---|---|---|---|\n"
            "| 1 | Hành khách | đồng/người | 1.000 |\n| 2 | Xe đạp | đồng/xe | 1.500 |\n")
    rows = [(m.amount_vnd, m.per_unit, m.purpose, m.rule) for m in extract_text(text).money]
    assert rows == [(1000, "người", "Hành khách", "money.table_unit_cell"),
                    (1500, "xe", "Xe đạp", "money.table_unit_cell")]


def test_a_group_row_heads_the_rows_under_it():
    text = ("ĐVT: đồng\n\n| TT | Nội dung | Định mức |\n|---|---|---|\n| I | Khối huyện | |\n"
            "| 1 | Phòng Nội vụ | 20.000.000 |\n")
    table = text_tables(text)[0]
    cell = next(c for c in table.cells if c.text == "20.000.000")
    assert cell.row_header == ("Khối huyện", "Phòng Nội vụ") and cell.col_header == ("Định mức",)


def test_a_table_written_one_cell_a_line_is_read():
    text = ("Đơn vị tính: đồng\n\n|\n**TT**\n|\n**Nội dung**\n|\n**Định mức**\n|\n|\n*1*\n|\nDưới 30 biên chế\n|\n"
            "95.000.000\n|\n|\n2\n|\nTừ 30 biên chế trở lên\n|\n92.000.000\n|\n")
    tables = build_tables(text, bar_tables(text))
    assert len(tables) == 1 and tables[0].n_rows == 3 and tables[0].n_cols == 3
    money = extract_text(text).money
    assert [(m.amount_vnd, m.purpose, m.rule) for m in money] == [
        (95_000_000, "Dưới 30 biên chế", "money.table_cell"), (92_000_000, "Từ 30 biên chế trở lên", "money.table_cell")]


def test_a_text_without_a_table_model_keeps_the_row_rules():
    # plain " | " rows (no markdown bars): the text rules read them as before
    text = "STT | Nội dung | Số lượng | Kinh phí (triệu đồng)\n1 | Khen thưởng tập thể | 21 | 52,5"
    assert [(m.amount_vnd, m.rule) for m in extract_text(text).money] == [(52_500_000, "money.table_unit_header")]


# ---------------------------------------------------------------- spreadsheets

def test_a_spreadsheet_in_a_folder_is_read_by_a_batch(tmp_path):
    from pipeline import batch
    source = tmp_path / "in"
    source.mkdir()
    write_xlsx(source / "bang.xlsx")
    out = tmp_path / "out"
    batch.run([str(source)], str(out), workers=1, quiet=True)
    import pandas as pd
    documents = pd.read_csv(out / "documents.csv")
    assert list(documents.format) == ["spreadsheet"] and list(documents.status) == ["ok"]
    awards = pd.read_csv(out / "awards.csv")
    assert sorted(awards["count"]) == [21, 25, 154, 372]
    assert set(awards.table_index) == {0}
    errors = pd.read_csv(out / "errors.csv")
    assert errors.empty


@pytest.mark.skipif(not REAL_SPREADSHEETS, reason="shared/corpus-real is not here")
def test_the_real_nomination_list_reads():
    source = read_source(str(REAL_SPREADSHEETS[0]))
    assert source.status == "ok" and source.format == "spreadsheet"
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in source.text
    assert "1650360491" not in source.text          # the award kind's code is written as its name
    assert "DANHMUC" not in source.text             # the lookup sheet is vocabulary, not the text
    (table,) = source.tables
    assert (table.n_rows, table.header_rows) == (10, 1)
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in table.caption
    names = [c.text for c in table.cells if not c.header and c.col_header == ("Tên tập thể/cá nhân/hộ gia đình",)]
    assert len(names) == 9 and names[0] == "Phòng Phổ biến, giáo dục pháp luật Sở Tư pháp"
    kinds = {c.text for c in table.cells if not c.header and c.col == 5}
    assert kinds == {"Bằng khen"}
    for cell in table.cells:
        assert source.text[cell.start:cell.end] == cell.text
    result = extract_file(str(REAL_SPREADSHEETS[0]), time_limit=None)
    assert result.document.status == "ok" and not result.money
    # the nomination list: 5 collectives and 4 individuals proposed for a Bằng khen, one a row
    rows = [(a.award, a.recipient_type, a.count, a.status, a.rule) for a in result.awards]
    assert rows == [("Bằng khen", "tập thể", 1, "proposed", "awards.table_list")] * 5 + [
        ("Bằng khen", "cá nhân", 1, "proposed", "awards.table_list")] * 4
    assert result.awards[6].recipients == "Đại tá Lê Văn Tiến"
