"""pdf_tables finds the ruled tables pdfplumber finds, with the same cell texts.

The reader stopped asking pdfplumber for tables (it re-parses a page in Python,
~0.1 s a page); these tests hold the replacement to pdfplumber's answers on
every page of the corpus drawn with enough lines, and on a table with merged
cells made here."""
from __future__ import annotations

from pathlib import Path

import pytest

from builders import vietnamese_pdf
from pipeline.ingest import pdf_tables
from pipeline.ingest.pdf_reader import TABLE_MIN_PATHS, _count_paths, _loose_boxes

ROOT = Path(__file__).resolve().parent.parent
CORPUS_PDFS = sorted((ROOT / "corpus").rglob("*.pdf"))


def _close(a, b, tolerance=0.05) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def _ruled_pages(path: Path):
    """(page number, ours, pdfplumber's) for each upright page drawn with lines."""
    import pdfplumber
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(path))
    with pdfplumber.open(str(path)) as plumber:
        for i in range(len(doc)):
            page = doc[i]
            if page.get_rotation() % 360 or _count_paths(page) < TABLE_MIN_PATHS:
                continue
            textpage = page.get_textpage()
            n = textpage.count_chars()
            text = textpage.get_text_range() if n else ""
            ours = pdf_tables.find_tables(page, textpage, page.get_size()[1],
                                          _loose_boxes(textpage, n, None, text), text)
            theirs = [(tuple(map(float, t.bbox)),
                       [(tuple(map(float, r.bbox)), texts) for r, texts in zip(t.rows, t.extract())])
                      for t in plumber.pages[i].find_tables()]
            yield i, ours, theirs


def _assert_same(ours, theirs, where: str) -> None:
    assert ours is not None, f"{where}: pdf_tables was unsure"
    assert len(ours) == len(theirs), where
    for table, (bbox, rows) in zip(ours, theirs):
        assert _close(table.bbox, bbox), where
        assert len(table.rows) == len(rows), where
        for (row_box, texts), (their_box, their_texts) in zip(table.rows, rows):
            assert _close(row_box, their_box), where
            assert texts == their_texts, where


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.name)
def test_corpus_tables_match_pdfplumber(path):
    for i, ours, theirs in _ruled_pages(path):
        _assert_same(ours, theirs, f"{path.name} page {i + 1}")


def test_merged_cells_and_vietnamese_text_match_pdfplumber(tmp_path):
    pdf = vietnamese_pdf()
    pdf.multi_cell(0, 6, "Căn cứ Quyết định số 12/QĐ-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh.")
    with pdf.table(col_widths=(10, 50, 30, 30)) as table:
        for cells in (["TT", "Tập thể, cá nhân", "Hình thức", "Số tiền"],
                      ["1", "Phòng Nội vụ huyện", "Bằng khen", "1.000.000 đồng"],
                      ["2", "Ông Nguyễn Văn A, Trưởng phòng Tài chính - Kế hoạch", "Giấy khen", ""]):
            row = table.row()
            for text in cells:
                row.cell(text)
        row = table.row()
        row.cell("Cộng", colspan=3)
        row.cell("1.000.000 đồng")
    path = tmp_path / "table.pdf"
    pdf.output(str(path))
    pages = list(_ruled_pages(path))
    assert pages and pages[0][1], "no table found"
    for i, ours, theirs in pages:
        _assert_same(ours, theirs, f"page {i + 1}")
