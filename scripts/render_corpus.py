"""Render the seed texts in corpus/seeds/ into DOCX and PDF files in corpus/rendered/,
and into every archive form in corpus/forms/.

Usage:  python scripts/render_corpus.py [--seeds corpus/seeds] [--out corpus/rendered]
                                        [--forms corpus/forms] [--only rendered|forms] [--no-office]

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

Forms (``--forms``, default corpus/forms; ``--only rendered|forms``): every seed
in the forms an archive holds it in, ``<seed>.<form>.<ext>`` (docs/corpus.md
lists them): TCVN3 / VNI .txt, NFD and "Unicode tổ hợp" .txt, old tone
placement .txt, a news page .html; for seeds 000 and 002 also VNI and TCVN3
Word files (legacy fonts), a Word file with Word's own list numbering, header,
footer and footnote, a scanned (image-only) PDF, a ruled-table PDF (002), and
.doc / .odt / .rtf made by LibreOffice (``soffice``; skipped with a warning when
it is not installed, or with ``--no-office``).

Dev dependencies: python-docx, fpdf2, pypdfium2, Pillow; LibreOffice for the
.doc / .odt / .rtf forms (``make office-deps``).
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


def _new_docx(font: str = "Times New Roman"):
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = font
    style.font.size = Pt(13)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), font)
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
        f"DejaVu Serif not found (looked in: {', '.join(str(d) for d in FONT_DIRS)}); "
        "install Debian's fonts-dejavu-core")


def render_pdf(text: str, path: Path, seed_id: str, font_dir: Path, table: bool = False) -> None:
    """``table``: the award-result paragraphs of the seed as rows of a ruled
    2-column table ``Nội dung | Kết quả`` (as in the table DOCX)."""
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
    paras = paragraphs(text)
    k = 0
    while k < len(paras):
        rows = []
        while table and k < len(paras) and TABLE_PARA.match(paras[k]):
            rows.append(TABLE_PARA.match(paras[k]).groups())
            k += 1
        if rows:
            with pdf.table(col_widths=(45, 120), text_align="LEFT", line_height=line_h,
                           first_row_as_headings=False) as tbl:
                for row in [("Nội dung", "Kết quả")] + rows:
                    cells = tbl.row()
                    for value in row:
                        cells.cell(value)
            pdf.ln(para_gap)
            continue
        pdf.multi_cell(0, line_h, paras[k], align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(para_gap)
        k += 1
    pdf.output(str(path))


# ---------------------------------------------------------------- forms (corpus/forms)
#
# Every seed in the forms an archive holds it in; tests/test_forms.py checks that
# each form gives the rows of the clean .txt.  Names: <seed>.<form>.<ext>.

FORM_SEEDS = ("000_749e481ad73445fb", "002_03026f8b928707b4")   # every form
OFFICE_FORMS = {                                                 # LibreOffice conversions
    "000_749e481ad73445fb": [("", "doc"), ("", "odt"), ("", "rtf"), (".tcvn3", "doc")],
    "002_03026f8b928707b4": [("", "doc")],
}
SCAN_DPI = 200


def _legacy():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pipeline.ingest import legacy
    return legacy


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def composite_form(text: str) -> str:
    """Unikey's "Unicode tổ hợp" (see pipeline/ingest/unicode_forms.py)."""
    _legacy()
    from pipeline.ingest.unicode_forms import composite
    return composite(text)


def old_tone_form(text: str) -> str:
    """Old tone placement: hòa -> hoà, khỏe -> khoẻ, thủy -> thuỷ, Ủy -> Uỷ."""
    _legacy()
    from pipeline.ingest.unicode_forms import old_tone
    return old_tone(text)


def _write_text_form(path: Path, data: bytes, source: bytes) -> bool:
    """Write a text form unless it is byte-identical to its seed (e.g. a seed with
    no oa/oe/uy tone has no old-tone form): the batch would deduplicate the copy by
    doc_id and the seed's own row would go missing.  A stale identical file is removed."""
    if data == source:
        path.unlink(missing_ok=True)
        return False
    path.write_bytes(data)
    return True


def render_text_forms(text: str, stem: str, out: Path) -> list[str]:
    import unicodedata
    legacy = _legacy()
    source = text.encode("utf-8")
    forms = {f"{encoding}.txt": legacy.codepoints_to_bytes(legacy.from_unicode(_crlf(text), encoding))
             for encoding in legacy.ENCODINGS}
    forms["nfd.txt"] = unicodedata.normalize("NFD", text).encode("utf-8")
    forms["composite.txt"] = composite_form(text).encode("utf-8")
    forms["oldtone.txt"] = old_tone_form(text).encode("utf-8")
    return [form for form, data in forms.items()
            if _write_text_form(out / f"{stem}.{form}", data, source)]


# ------------------------------------------------------------------ html

HTML_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title} - Cổng thông tin điện tử</title>
<style>body {{ font-family: serif; }} .menu li {{ display: inline; }}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag() {{ dataLayer.push(arguments); }}</script>
</head>
<body>
<header class="site-header">
  <div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ THANH TRA TỈNH</div>
  <nav class="menu"><ul>
    <li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
    <li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/van-ban">Văn bản theo Quyết định số 35/2019/QĐ-UBND</a></li>
  </ul></nav>
  <form class="search" action="/tim-kiem"><input name="q" placeholder="Tìm kiếm"><button>Tìm</button></form>
</header>
<div class="breadcrumb"><a href="/">Trang chủ</a> &raquo; <a href="/tin-tuc">Thi đua - Khen thưởng</a></div>
<main>
<article>
{body}
</article>
</main>
<aside class="sidebar">
  <h3>Tin liên quan</h3>
  <ul>
    <li><a href="/tin/1">15 tập thể và 30 cá nhân được tặng Bằng khen của Thủ tướng Chính phủ</a></li>
    <li><a href="/tin/2">Phát động phong trào thi đua “Chung tay vì người nghèo” năm 2023</a></li>
    <li><a href="/tin/3">Hỗ trợ 500 triệu đồng xây nhà đại đoàn kết</a></li>
  </ul>
</aside>
<div class="share-buttons" style="display:none">Chia sẻ: Facebook Zalo</div>
<footer class="site-footer">
  <p>Bản quyền thuộc Thanh tra tỉnh. Giấy phép số 12/GP-TTĐT ngày 01/01/2020 của Sở Thông tin và Truyền thông.</p>
  <p>Địa chỉ: 01 đường Trần Phú. Điện thoại: 0123 456 789.</p>
</footer>
<script src="/static/app.js"></script>
</body>
</html>
"""


def render_html(text: str, path: Path) -> None:
    """The seed as a news page: each paragraph a <p> (a soft line break a <br>),
    runs of "- " paragraphs a bulleted list, inside a site with header, menu,
    breadcrumb, sidebar of related news, hidden share box, footer and scripts."""
    import html
    paras = paragraphs(text)
    body: list[str] = []
    k = 0
    while k < len(paras):
        if paras[k].startswith("- "):
            items = []
            while k < len(paras) and paras[k].startswith("- "):
                items.append("  <li>" + html.escape(paras[k][2:]).replace("\n", "<br>\n") + "</li>")
                k += 1
            body.append("<ul>\n" + "\n".join(items) + "\n</ul>")
            continue
        body.append("<p>" + html.escape(paras[k]).replace("\n", "<br>\n") + "</p>")
        k += 1
    title = html.escape(paras[0].split("\n")[0]) if paras else ""
    path.write_bytes(HTML_PAGE.format(title=title, body="\n".join(body)).encode("utf-8"))


# ------------------------------------------------------------------ legacy-font DOCX

def _set_run_font(run, font: str) -> None:
    from docx.oxml.ns import qn
    rpr = run._r.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), font)


def _add_legacy_run(paragraph, text: str, font: str | None, soft_hyphen: bool = False):
    """A run of legacy code points; ``soft_hyphen``: write U+00AD (TCVN3 "ư") as
    w:softHyphen, as Word may store it."""
    from docx.oxml.ns import qn
    run = paragraph.add_run()
    if font:
        _set_run_font(run, font)
    pieces = text.split("\u00ad") if soft_hyphen else [text]
    for n, piece in enumerate(pieces):
        if n:
            run._r.append(run._r.makeelement(qn("w:softHyphen"), {}))
        if piece:
            run._r.add_t(piece) if "\n" not in piece else _add_text_with_breaks(run, piece)
    return run


def _add_text_with_breaks(run, text: str) -> None:
    from docx.oxml.ns import qn
    for n, line in enumerate(text.split("\n")):
        if n:
            run._r.append(run._r.makeelement(qn("w:br"), {}))
        if line:
            run._r.add_t(line)


def render_vni_docx(text: str, path: Path) -> None:
    """VNI-Times as the document's font (runs inherit it from the Normal style)."""
    legacy = _legacy()
    doc = _new_docx("VNI-Times")
    for para in paragraphs(text):
        _add_legacy_run(doc.add_paragraph(), legacy.from_unicode(para, "vni"), None)
    _save_docx(doc, path)


def render_tcvn3_docx(text: str, path: Path) -> None:
    """.VnTime as the document's font; a paragraph in capitals set in .VnTimeH as
    typed (lower-case codes), a capital with a tone mark elsewhere in a .VnTimeH
    run of its own; "ư" (0xAD) written as Word's optional hyphen."""
    legacy = _legacy()
    doc = _new_docx(".VnTime")
    for para in paragraphs(text):
        p = doc.add_paragraph()
        letters = [c for c in para if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            _add_legacy_run(p, legacy.from_unicode(para.lower(), "tcvn3"), ".VnTimeH", True)
            continue
        for run_text, upper in legacy.tcvn3_runs(para):
            _add_legacy_run(p, run_text, ".VnTimeH" if upper else None, True)
    _save_docx(doc, path)


# ------------------------------------------------------------------ structured DOCX

ROMAN_ITEM = re.compile(r"^([IVX]+)\. (.*)$", re.S)
NUMBER_ITEM = re.compile(r"^(\d{1,2})\. (.*)$", re.S)
LETTER_ITEM = re.compile(r"^([a-z])\) (.*)$", re.S)
BULLET_ITEM = re.compile(r"^- (.*)$", re.S)
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

NUMBERING_XML = (
    '<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/>'
    '<w:lvlJc w:val="left"/><w:suff w:val="space"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/>'
    '<w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/>'
    '<w:lvlJc w:val="left"/><w:suff w:val="space"/></w:lvl>'
    '</w:abstractNum>',
    '<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'w:abstractNumId="91"><w:multiLevelType w:val="singleLevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0a7"/>'
    '<w:lvlJc w:val="left"/><w:suff w:val="space"/></w:lvl></w:abstractNum>',
)

FOOTNOTES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    '</w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
    '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
    '<w:r><w:t xml:space="preserve"> Số liệu do bộ phận văn thư tổng hợp.</w:t></w:r></w:p></w:footnote>'
    '</w:footnotes>')


def render_structured_docx(text: str, path: Path) -> None:
    """The seed with its list numbers made by Word: "I." / "1." / "a)" items as a
    3-level list (upper roman, decimal, letter; deeper levels restart) and "- "
    items as a bulleted list, with w:numPr instead of the literal numbers; plus a
    running header, a PAGE field footer and one footnote (their text is neutral:
    it must add no row)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    doc = _new_docx()
    numbering = doc.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for xml in NUMBERING_XML:
        node = parse_xml(xml)
        if first_num is not None:
            first_num.addprevious(node)
        else:
            numbering.append(node)
    for num_id, abstract in (("90", "90"), ("91", "91")):
        numbering.append(parse_xml(
            '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            f'w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/></w:num>'))

    def numbered(paragraph, num_id: str, ilvl: int) -> None:
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(parse_xml(
            '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))

    counters = [0, 0, 0]
    footnote_done = False
    for para in paragraphs(text):
        body, num = para, None
        m = ROMAN_ITEM.match(para)
        if m and m.group(1) in _ROMAN and _ROMAN.index(m.group(1)) == counters[0]:
            counters = [counters[0] + 1, 0, 0]
            body, num = m.group(2), ("90", 0)
        elif (m := NUMBER_ITEM.match(para)) and int(m.group(1)) == counters[1] + 1:
            counters = [counters[0], counters[1] + 1, 0]
            body, num = m.group(2), ("90", 1)
        elif (m := LETTER_ITEM.match(para)) and ord(m.group(1)) - ord("a") == counters[2]:
            counters[2] += 1
            body, num = m.group(2), ("90", 2)
        elif (m := BULLET_ITEM.match(para)):
            body, num = m.group(1), ("91", 0)
        p = doc.add_paragraph()
        p.add_run(body)
        if num:
            numbered(p, *num)
        if not footnote_done and len(body) > 200 and body.rstrip().endswith("."):
            run = p.add_run()
            run._r.append(parse_xml(
                '<w:footnoteReference xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                '2006/main" w:id="1"/>'))
            footnote_done = True
    section = doc.sections[0]
    section.header.paragraphs[0].text = "Lưu hành nội bộ"
    footer = section.footer.paragraphs[0]
    footer._p.append(parse_xml(
        '<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                FOOTNOTES_XML.encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    _save_docx(doc, path)


# ------------------------------------------------------------------ scanned PDF

def render_scanned_pdf(pdf_path: Path, path: Path, dpi: int = SCAN_DPI) -> None:
    """Pages of a text PDF as a scan: rendered to grey images at ``dpi``, turned a
    little (as paper on a scanner glass), made black and white (1 bit, as an
    office scanner's text mode) and wrapped in an image-only PDF."""
    import pypdfium2 as pdfium
    from fpdf import FPDF
    from PIL import Image

    src = pdfium.PdfDocument(str(pdf_path))
    pdf = FPDF(unit="pt")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_creator("render_corpus")
    pdf.set_producer("render_corpus")
    pdf.set_auto_page_break(False)
    for i in range(len(src)):
        width, height = src[i].get_size()
        image = src[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        angle = (0.35, -0.25, 0.15, -0.4)[i % 4]
        image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
        image = image.point(lambda v: 255 if v > 160 else 0).convert("1")
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=True)
        pdf.add_page(format=(width, height))
        pdf.image(io.BytesIO(buf.getvalue()), x=0, y=0, w=width, h=height)
    src.close()
    pdf.output(str(path))


# ------------------------------------------------------------------ LibreOffice

def soffice() -> str | None:
    import shutil
    return shutil.which("soffice") or shutil.which("libreoffice")


def render_office(src_docx: Path, target: str, path: Path) -> bool:
    """Convert a DOCX with LibreOffice (headless, a private profile); .odt files get
    fixed zip timestamps and dates so the output is the same on every run."""
    import subprocess
    import tempfile
    program = soffice()
    if not program:
        return False
    filters = {"doc": "doc:MS Word 97", "odt": "odt", "rtf": "rtf:Rich Text Format"}
    with tempfile.TemporaryDirectory(prefix="render-lo-") as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--norestore", "--convert-to", filters[target], "--outdir", tmp,
                        str(src_docx)], check=True, capture_output=True, timeout=300,
                       stdin=subprocess.DEVNULL)
        data = (Path(tmp) / f"{src_docx.stem}.{target}").read_bytes()
    if target == "odt":
        data = _fixed_odt(data)
    path.write_bytes(data)
    return True


def _fixed_odt(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "meta.xml":
                text = body.decode("utf-8")
                text = re.sub(r"<dc:date>[^<]*</dc:date>", "<dc:date>2024-01-01T00:00:00</dc:date>", text)
                text = re.sub(r"<meta:editing-duration>[^<]*</meta:editing-duration>", "", text)
                text = re.sub(r"<meta:generator>[^<]*</meta:generator>", "", text)
                body = text.encode("utf-8")
            if info.filename == "settings.xml":      # random revision-save ids
                body = re.sub(rb'(config:name="Rsid(?:Root)?" config:type="int">)\d+', rb"\g<1>1", body)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def render_forms(seeds: list[Path], out: Path, rendered: Path, font_dir: Path,
                 office: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        stem = seed.stem
        made = render_text_forms(text, stem, out)
        render_html(text, out / f"{stem}.html")
        made.append("html")
        if stem in FORM_SEEDS:
            render_vni_docx(text, out / f"{stem}.vni.docx")
            render_tcvn3_docx(text, out / f"{stem}.tcvn3.docx")
            render_structured_docx(text, out / f"{stem}.structured.docx")
            render_scanned_pdf(rendered / f"{stem}.pdf", out / f"{stem}.scanned.pdf")
            made += ["vni.docx", "tcvn3.docx", "structured.docx", "scanned.pdf"]
            if stem == TABLE_SEED:
                render_pdf(text, out / f"{stem}.table.pdf", stem.split("_")[0], font_dir, table=True)
                made.append("table.pdf")
        for variant, target in OFFICE_FORMS.get(stem, []) if office else []:
            src = out / f"{stem}{variant}.docx" if variant else rendered / f"{stem}.docx"
            if render_office(src, target, out / f"{stem}{variant}.{target}"):
                made.append(f"{variant.lstrip('.')}{'.' if variant else ''}{target}")
            else:
                print(f"{stem}: LibreOffice (soffice) not found: no .{target} "
                      "(install it with `make office-deps`)", file=sys.stderr)
        print(f"{stem}: forms " + ", ".join(made))


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default=str(ROOT / "corpus" / "seeds"))
    ap.add_argument("--out", default=str(ROOT / "corpus" / "rendered"))
    ap.add_argument("--forms", default=str(ROOT / "corpus" / "forms"),
                    help="folder for the other forms (legacy encodings, HTML, scans, .doc ...)")
    ap.add_argument("--only", choices=["rendered", "forms"], help="make only one of the two sets")
    ap.add_argument("--no-office", action="store_true",
                    help="skip the forms that need LibreOffice (.doc, .odt, .rtf)")
    args = ap.parse_args(argv)
    seeds = sorted(Path(args.seeds).glob("*.txt"))
    if not seeds:
        print(f"no seeds in {args.seeds}", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    font_dir = find_font_dir()
    if args.only != "forms":
        for seed in seeds:
            text = seed.read_text(encoding="utf-8")
            stem = seed.stem
            render_docx(text, out / f"{stem}.docx")
            render_pdf(text, out / f"{stem}.pdf", stem.split("_")[0], font_dir)
            print(f"{stem}: docx, pdf")
            if stem == TABLE_SEED:
                render_table_docx(text, out / f"{stem}_table.docx")
                print(f"{stem}: table docx")
    if args.only != "rendered":
        render_forms(seeds, Path(args.forms), out, font_dir, office=not args.no_office)
    return 0


if __name__ == "__main__":
    sys.exit(main())
