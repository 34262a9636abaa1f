"""Render the seed texts in corpus/seeds/ into DOCX and PDF files in corpus/rendered/.

Usage:  python scripts/render_corpus.py [--seeds corpus/seeds] [--out corpus/rendered]

The output is deterministic (fixed document dates, fixed zip timestamps), so
re-running the script on the same seeds gives byte-identical files.  The files
are committed; tests read them and never regenerate them.

What is made:
  * ``<seed>.docx`` for every seed: one Word paragraph per text paragraph
    (paragraphs in the seeds are separated by blank lines); a single line break
    inside a paragraph becomes a soft line break (w:br).  Font Times New Roman.
  * ``<seed>.pdf`` for every seed: A4, DejaVu Serif (has Vietnamese glyphs),
    paragraphs flow and break naturally across pages, a gap between paragraphs
    larger than the line spacing, a page-number footer on every page and, for
    some seeds, a running header from page 2 on (exercises header/footer removal).
  * ``002_03026f8b928707b4_table.docx``: seed 002 with its two award-result
    paragraphs ("- Kết quả khen thưởng năm 2021: ...") put in a 2-column table
    ``Nội dung | Kết quả`` (exercises table reading).

Dev dependencies: python-docx, fpdf2.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXED_DATE = dt.datetime(2024, 1, 1, 0, 0, 0, tzinfo=dt.timezone.utc)
ZIP_DATE = (2024, 1, 1, 0, 0, 0)

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
]
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf"}

# Per-seed page decoration of the PDF: footer style and an optional running header
# printed from page 2 on.  Footer styles: "trang" -> "Trang 3/12", "dash" -> "- 3 -",
# "bare" -> "3".
PDF_STYLE = {
    "000": ("trang", None),
    "001": ("bare", "Sở Tài chính - Kế hoạch thi đua, khen thưởng năm 2022"),
    "002": ("dash", "UBND huyện Trùng Khánh - Báo cáo công tác thi đua, khen thưởng năm 2022"),
}
DEFAULT_PDF_STYLE = ("trang", None)

TABLE_SEED = "002_03026f8b928707b4"
TABLE_PARA = re.compile(r"^- (Kết quả khen thưởng năm \d{4}): (.*)$", re.S)


def paragraphs(text: str) -> list[str]:
    """Text paragraphs of a seed: blocks separated by one or more blank lines."""
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


# ---------------------------------------------------------------- DOCX

def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and a stable entry order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def _new_docx():
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), "Times New Roman")
    cp = doc.core_properties
    cp.author = "render_corpus"
    cp.last_modified_by = "render_corpus"
    cp.created = FIXED_DATE.replace(tzinfo=None)
    cp.modified = FIXED_DATE.replace(tzinfo=None)
    cp.revision = 1
    return doc


def _save_docx(doc, path: Path) -> None:
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(_fixed_zip(buf.getvalue()))


def render_docx(text: str, path: Path) -> None:
    doc = _new_docx()
    for para in paragraphs(text):
        # python-docx turns "\n" in run text into <w:br/> (a soft line break)
        doc.add_paragraph().add_run(para)
    _save_docx(doc, path)


def render_table_docx(text: str, path: Path) -> None:
    """Seed text with the award-result paragraphs as rows of a 2-column table."""
    doc = _new_docx()
    paras = paragraphs(text)
    table = None
    n_rows = 0
    for para in paras:
        m = TABLE_PARA.match(para)
        if m:
            if table is None:
                table = doc.add_table(rows=1, cols=2)
                table.style = "Table Grid"
                table.rows[0].cells[0].text = "Nội dung"
                table.rows[0].cells[1].text = "Kết quả"
            row = table.add_row()
            row.cells[0].text = m.group(1)
            row.cells[1].text = m.group(2)
            n_rows += 1
            continue
        table = None          # a text paragraph ends the table
        doc.add_paragraph().add_run(para)
    if n_rows == 0:
        raise SystemExit(f"{path.name}: no award paragraph matched {TABLE_PARA.pattern}")
    _save_docx(doc, path)


# ---------------------------------------------------------------- PDF

def find_font_dir() -> Path:
    for d in FONT_DIRS:
        if all((d / f).is_file() for f in FONT_FILES.values()):
            return d
    raise SystemExit(
        "DejaVu Serif not found (looked in: %s); install Debian's fonts-dejavu-core"
        % ", ".join(str(d) for d in FONT_DIRS))


def render_pdf(text: str, path: Path, seed_id: str, font_dir: Path) -> None:
    from fpdf import FPDF

    footer_style, header_text = PDF_STYLE.get(seed_id, DEFAULT_PDF_STYLE)

    class Doc(FPDF):
        def header(self):
            if header_text and self.page_no() > 1:
                self.set_font("DejaVuSerif", "", 9)
                self.set_y(10)
                self.cell(0, 5, header_text, align="C")
                self.set_y(self.t_margin)
            self.set_font("DejaVuSerif", "", 12)

        def footer(self):
            self.set_y(-15)
            self.set_font("DejaVuSerif", "", 9)
            n = self.page_no()
            label = {"trang": f"Trang {n}/{{nb}}", "dash": f"- {n} -", "bare": str(n)}[footer_style]
            self.cell(0, 5, label, align="C")
            self.set_font("DejaVuSerif", "", 12)

    pdf = Doc(format="A4", unit="mm")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_creator("render_corpus")
    pdf.set_producer("render_corpus")
    pdf.set_margins(left=25, top=20, right=20)
    pdf.set_auto_page_break(auto=True, margin=22)
    for style, name in FONT_FILES.items():
        pdf.add_font("DejaVuSerif", style, str(font_dir / name))
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVuSerif", "", 12)
    line_h = 6.0          # 12 pt type on 6 mm leading
    para_gap = 4.0        # extra space between paragraphs
    for para in paragraphs(text):
        pdf.multi_cell(0, line_h, para, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(para_gap)
    pdf.output(str(path))


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default=str(ROOT / "corpus" / "seeds"))
    ap.add_argument("--out", default=str(ROOT / "corpus" / "rendered"))
    args = ap.parse_args(argv)
    seeds = sorted(Path(args.seeds).glob("*.txt"))
    if not seeds:
        print(f"no seeds in {args.seeds}", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    font_dir = find_font_dir()
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        stem = seed.stem
        render_docx(text, out / f"{stem}.docx")
        render_pdf(text, out / f"{stem}.pdf", stem.split("_")[0], font_dir)
        print(f"{stem}: docx, pdf")
        if stem == TABLE_SEED:
            render_table_docx(text, out / f"{stem}_table.docx")
            print(f"{stem}: table docx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
