"""Small builders of test files (hostile files, PDFs with Vietnamese text), shared by the tests that need them."""
import zipfile
from pathlib import Path


def zip_bomb(path: Path, megabytes: int = 300) -> None:
    """A docx whose document.xml unpacks to ``megabytes`` MB (about 1/1000 of that on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                f.write(block)


def vietnamese_pdf():
    """An fpdf2 document on its first page, in DejaVu Sans (regular as `dv`, bold
    as `dv` B) so Vietnamese letters are real text; skips when fpdf2 or the font
    is missing."""
    import pytest
    fpdf = pytest.importorskip("fpdf")
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("DejaVu Sans is not installed")
    pdf = fpdf.FPDF()
    pdf.add_font("dv", fname=str(font))
    pdf.add_font("dv", style="B", fname=str(font.with_name("DejaVuSans-Bold.ttf")))
    pdf.set_font("dv", size=10)
    pdf.add_page()
    return pdf


def docx_with_table(path: Path, caption: list[str], rows: list[list[str]], after: str) -> None:
    """A docx of the ``caption`` lines, one table of ``rows`` (the header row
    first) and a closing paragraph ``after``."""
    import docx
    document = docx.Document()
    for line in caption:
        document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph(after)
    document.save(str(path))


def xlsx_with_table(path: Path, caption: list[str], rows: list[list]) -> None:
    """A spreadsheet of the ``caption`` lines, one a row, over ``rows`` (the
    header row first; numbers as numbers)."""
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in caption:
        sheet.append([line])
    for row in rows:
        sheet.append(row)
    workbook.save(str(path))
