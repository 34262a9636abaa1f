"""Tables that lay out the report's own paragraphs (`TT | Nội dung | Ghi chú`,
a row number, a paragraph, a notes cell mostly empty) are read like
paragraphs: a sentence starts at its cell, not at the row number; a heading
or lead in a cell (`2. Việc tổ chức...`, `- Kết quả khen thưởng năm 2021:`)
is one; a row the page broke is one cell again. Each seed is laid out so, as
docx (python-docx) and, with LibreOffice, as .odt, .doc, .rtf and .pdf made
from it: its awards, citations and money equal the plain seed's. Data
tables keep their rows (tests/test_tables.py).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.api import extract_file, extract_text
from pipeline.ingest.tables import text_tables
from pipeline.normalize import normalize_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
HEAD_LINES = 6          # the header lines stay paragraphs above the table, as in a real report


def _award(a):
    return (a.award, a.recipient_type, a.count, a.year, a.conferrer)


def _citation(c):
    return (c.doc_type, c.number, c.issued_date, c.issuer)


def _money(m):
    return (m.amount_vnd, m.qualifier, m.purpose)


def _records(result) -> dict[str, list]:
    return {"awards": sorted(map(_award, result.awards)), "citations": sorted(map(_citation, result.citations)),
            "money": sorted(map(_money, result.money))}


@pytest.fixture(scope="module")
def plain() -> dict[str, object]:
    return {seed.stem: extract_file(str(seed), time_limit=None) for seed in SEEDS}


def _layout_docx(paragraphs: list[str], path: Path) -> Path:
    """The report's paragraphs, its body in a ruled `TT | Nội dung | Ghi chú` table, one paragraph a row."""
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    for text in paragraphs[:HEAD_LINES]:
        doc.add_paragraph(text)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"          # ruled, so that the PDF made from it has a table too
    for cell, head in zip(table.rows[0].cells, ("TT", "Nội dung", "Ghi chú")):
        cell.text = head
    for i, text in enumerate(paragraphs[HEAD_LINES:], 1):
        row = table.add_row().cells
        row[0].text, row[1].text = str(i), text
    doc.save(path)
    return path


@pytest.fixture(scope="module")
def layouts(plain, tmp_path_factory) -> dict[str, Path]:
    """Each seed laid out as a docx, its rows the paragraphs the plain seed is read as."""
    out = tmp_path_factory.mktemp("layout")
    return {stem: _layout_docx([p for p in r.normalized_text.split("\n") if p.strip()], out / f"{stem}.docx")
            for stem, r in plain.items()}


def _agreement(plain, read) -> dict[str, tuple[int, int]]:
    want, got = _records(plain), _records(read)
    return {name: (sum(1 for row in rows if row in got[name]), len(rows)) for name, rows in want.items()}


@pytest.mark.parametrize("stem", [s.stem for s in SEEDS])
def test_docx_layout_reads_as_the_plain_seed(stem, plain, layouts):
    read = extract_file(str(layouts[stem]), time_limit=None)
    assert read.document.status == "ok", read.document.error
    assert _records(read) == _records(plain[stem]), _agreement(plain[stem], read)


def test_the_seeds_with_awards_are_tested():
    # the measure of the issue: seeds 000 (4 awards) and 002 (22) in a layout table
    counts = {s.stem[:3]: len(extract_file(str(s), time_limit=None).awards) for s in SEEDS}
    assert counts["000"] == 4 and counts["002"] == 22


def _has_office() -> bool:
    from pipeline.ingest.office_reader import soffice_path
    return soffice_path() is not None


needs_office = pytest.mark.skipif(not _has_office(), reason="LibreOffice (soffice) is not installed: "
                                                            "run `make test-deps`")


@pytest.fixture(scope="module")
def converted(layouts, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """The layouts as .odt, .doc, .rtf and .pdf, converted by LibreOffice. The
    .doc is made from the .odt: LibreOffice's Word 97 export drops a table
    python-docx wrote (the .doc it writes from the .odt keeps it)."""
    from pipeline.ingest.office_reader import convert
    out = tmp_path_factory.mktemp("converted")
    made: dict[tuple[str, str], Path] = {}
    for stem, docx_path in layouts.items():
        for fmt, source in (("odt", docx_path), ("doc", None), ("rtf", docx_path), ("pdf", docx_path)):
            source = source or made[(stem, "odt")]
            data, problem = convert(source.read_bytes(), source.suffix, fmt)
            assert data is not None, problem
            made[(stem, fmt)] = out / f"{stem}.{fmt}"
            made[(stem, fmt)].write_bytes(data)
    return made


@pytest.mark.slow
@needs_office
@pytest.mark.parametrize("fmt", ["odt", "doc", "rtf", "pdf"])
def test_converted_layouts_read_as_the_plain_seeds(fmt, plain, converted):
    for stem in plain:
        read = extract_file(str(converted[(stem, fmt)]), time_limit=None)
        assert read.document.status == "ok", read.document.error
        assert _records(read) == _records(plain[stem]), (stem, _agreement(plain[stem], read))


# ------------------------------------------------------------------ the table model and the reading

LAYOUT = """BÁO CÁO KẾT QUẢ CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM 2022

| TT | Nội dung | Ghi chú |
|---|---|---|
| 1 | 1. Công tác khen thưởng năm 2021 | |
| 2 | Chính phủ đang xem xét tặng Cờ thi đua năm 2021 cho đơn vị (chưa có kết quả). | |
| 3 | - Kết quả khen thưởng năm 2021: 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh. | |
| 4 | Chánh Thanh tra tỉnh tặng Giấy khen cho 03 cá nhân có thành tích tốt trong phong trào thi đua của ngành. | |
"""


def test_a_layout_table_is_read_like_paragraphs():
    tables = text_tables(LAYOUT)
    assert [t.layout for t in tables] == [True]
    result = extract_text(LAYOUT)
    awards = [(a.award, a.recipient_type, a.count, a.year, a.conferrer, a.status) for a in result.awards]
    assert awards == [
        ("Cờ thi đua", "tập thể", None, 2021, "Chính phủ", "pending"),
        ("Bằng khen", "tập thể", 21, 2021, "Chủ tịch UBND tỉnh", "awarded"),
        ("Bằng khen", "cá nhân", 25, 2021, "Chủ tịch UBND tỉnh", "awarded"),
        ("Giấy khen", "cá nhân", 3, 2021, "Chánh Thanh tra tỉnh", "awarded"),     # the year of the heading cell
    ]
    # no sentence starts at the row number or a bar; the rows keep their table columns
    assert all(not a.sentence.startswith(("2 |", "3 |", "4 |", "|")) for a in result.awards)
    assert [a.table_row for a in result.awards] == [2, 3, 3, 4]


def test_data_tables_are_no_layout():
    money = ("| TT | Đơn vị | Số tiền (triệu đồng) |\n|---|---|---|\n"
             "| 1 | Phòng Nội vụ huyện | 45,5 |\n| 2 | Trường THCS thị trấn | 12 |\n")
    names = ("| TT | Tên tập thể, cá nhân | Hình thức khen thưởng |\n|---|---|---|\n"
             "| 1 | Ông Nguyễn Văn An, Trưởng phòng Nội vụ | Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh |\n"
             "| 2 | Trường Mầm non Quang Vinh | Giấy khen của Chủ tịch UBND huyện |\n")
    header = ("| ỦY BAN NHÂN DÂN TỈNH CAO BẰNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |\n"
              "|---|---|\n| Số: 12/BC-UBND | Cao Bằng, ngày 15 tháng 11 năm 2022 |\n")
    for text in (money, names, header):
        assert [t.layout for t in text_tables(text)] == [False], text
    money_rows = extract_text(money).money
    assert [(m.amount_vnd, m.table_row, m.rule) for m in money_rows] == [
        (45500000, 1, "money.table_unit_header"), (12000000, 2, "money.table_unit_header")]


def test_a_prose_cell_of_a_data_table_is_a_sentence_apart():
    text = ("| TT | Nội dung | Kết quả | Thời gian |\n|---|---|---|---|\n"
            "| 1 | Khen thưởng đột xuất | Chủ tịch UBND tỉnh tặng Bằng khen cho 05 tập thể có thành tích xuất sắc "
            "trong phòng chống dịch bệnh năm 2021. | Tháng 3/2022 |\n")
    table, = text_tables(text)
    assert not table.layout and [c.prose for c in table.rows()[1]] == [False, False, True, False]
    award, = extract_text(text).awards
    assert (award.count, award.conferrer, award.year) == (5, "Chủ tịch UBND tỉnh", 2021)
    assert award.sentence.startswith("Chủ tịch UBND tỉnh tặng Bằng khen")


def test_a_row_the_page_broke_is_one_cell_again():
    # a PDF table row over two pages: `... Nghị quyết số 04-NQ/TW ngày |` / `| 30/10/2016, ...`
    text = "18 | Theo tinh thần Nghị quyết số 04-NQ/TW ngày |\n\n| 30/10/2016 của BCH Trung ương Đảng. |"
    normalized, _ = normalize_text(text, page_starts=[0, text.index("\n\n") + 2])
    assert normalized == "18 | Theo tinh thần Nghị quyết số 04-NQ/TW ngày 30/10/2016 của BCH Trung ương Đảng. |"
    # a row of numbers the page broke keeps its bars (its cells are cells of their own)
    text = "1 | Phòng Nội vụ | 45,5 |\n\n| 2 | Trường THCS | 12 |"
    kept, _ = normalize_text(text, page_starts=[0, text.index("\n\n") + 2])
    assert "45,5 | | 2" in kept


def test_a_row_label_is_the_lead_in_of_the_prose_beside_it():
    # `Nội dung | Kết quả`: the label cell says the year the prose beside it counts
    text = ("BÁO CÁO Kết quả công tác thi đua, khen thưởng năm 2022\n\n"
            "| Nội dung | Kết quả |\n|---|---|\n"
            "| Kết quả khen thưởng năm 2021 | 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh "
            "vì có thành tích xuất sắc trong phong trào thi đua. |\n"
            "| Kết quả khen thưởng năm 2022 | 08 tập thể được tặng Bằng khen của Chủ tịch UBND tỉnh vì có thành tích "
            "xuất sắc trong phong trào thi đua. |\n")
    assert [t.layout for t in text_tables(text)] == [True]
    awards = extract_text(text).awards
    assert [(a.count, a.recipient_type, a.year) for a in awards] == [
        (21, "tập thể", 2021), (25, "cá nhân", 2021), (8, "tập thể", 2022)]
    assert awards[0].sentence.startswith("21 tập thể và 25 cá nhân")
