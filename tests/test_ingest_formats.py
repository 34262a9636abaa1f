"""DOCX depth (numbering, headers, footers, notes), HTML pages, .doc/.odt/.rtf
through LibreOffice, PDF ruled tables and OCR plumbing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.ingest import read_source

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpus" / "real"
FORMS = ROOT / "corpus" / "forms"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# ------------------------------------------------------------------ DOCX numbering

def _numbered_docx(tmp_path, abstract_xml: str, items, num_xml: str = "") -> str:
    """items: (text, numId or None, ilvl) paragraphs; numbering.xml gets the
    abstractNum(s) and a w:num 1 -> abstract 1 (plus ``num_xml``)."""
    import docx
    from docx.oxml import parse_xml
    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for xml in abstract_xml if isinstance(abstract_xml, list) else [abstract_xml]:
        numbering.append(parse_xml(xml))
    numbering.append(parse_xml(f'<w:num {W} w:numId="1"><w:abstractNumId w:val="1"/></w:num>'))
    if num_xml:
        numbering.append(parse_xml(num_xml))
    for text, num_id, ilvl in items:
        p = doc.add_paragraph(text)
        if num_id is not None:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {W}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    path = tmp_path / "numbered.docx"
    doc.save(str(path))
    return str(path)


def _lvl(ilvl, fmt, text, start=1, extra=""):
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


MULTI = (f'<w:abstractNum {W} w:abstractNumId="1">' + _lvl(0, "upperRoman", "%1.")
         + _lvl(1, "decimal", "%2.") + _lvl(2, "lowerLetter", "%3)")
         + _lvl(3, "decimal", "%2.%4.", extra='<w:isLgl/>') + '</w:abstractNum>')


def test_docx_multilevel_numbering(tmp_path):
    path = _numbered_docx(tmp_path, MULTI, [
        ("KẾT QUẢ", 1, 0), ("Công tác chỉ đạo", 1, 1), ("Tuyên truyền", 1, 2), ("Khen thưởng", 1, 2),
        ("Chi tiết", 1, 3), ("Phong trào", 1, 1), ("Văn bản thường", None, 0),
        ("PHƯƠNG HƯỚNG", 1, 0), ("Nhiệm vụ", 1, 1), ("Giải pháp", 1, 2)])
    assert read_source(path).text.split("\n\n") == [
        "I. KẾT QUẢ", "1. Công tác chỉ đạo", "a) Tuyên truyền", "b) Khen thưởng", "1.1. Chi tiết",
        "2. Phong trào", "Văn bản thường", "II. PHƯƠNG HƯỚNG", "1. Nhiệm vụ", "a) Giải pháp"]


def test_docx_bullets_are_dashes_and_suffix_nothing(tmp_path):
    bullets = (f'<w:abstractNum {W} w:abstractNumId="1">'
               + _lvl(0, "bullet", "\uf0b7") + _lvl(1, "decimal", "(%2)", extra='<w:suff w:val="nothing"/>')
               + '</w:abstractNum>')
    path = _numbered_docx(tmp_path, bullets, [("Một", 1, 0), ("Hai", 1, 1), ("Ba", 1, 0)])
    assert read_source(path).text.split("\n\n") == ["- Một", "(1)Hai", "- Ba"]


def test_docx_numbering_restart_and_continue(tmp_path):
    # num 2 shares abstract 1 with a start override: a new list from 5;
    # num 1 again continues the shared counter (Word's behaviour)
    simple = f'<w:abstractNum {W} w:abstractNumId="1">' + _lvl(0, "decimal", "%1.") + '</w:abstractNum>'
    restart = (f'<w:num {W} w:numId="2"><w:abstractNumId w:val="1"/>'
               '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>')
    path = _numbered_docx(tmp_path, simple, [("a", 1, 0), ("b", 1, 0), ("c", 2, 0), ("d", 2, 0),
                                             ("e", 0, 0)], num_xml=restart)
    assert read_source(path).text.split("\n\n") == ["1. a", "2. b", "5. c", "6. d", "e"]


def test_docx_numbering_from_the_paragraph_style(tmp_path):
    import docx
    from docx.oxml import parse_xml
    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="77">'
                               + _lvl(0, "lowerRoman", "%1.") + '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    style = doc.styles.add_style("Muc", 1)
    style.element.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {W}><w:numId w:val="77"/></w:numPr>'))
    for text in ("Thứ nhất", "Thứ hai", "Thứ ba", "Thứ tư"):
        doc.add_paragraph(text, style="Muc")
    path = tmp_path / "style.docx"
    doc.save(str(path))
    assert read_source(str(path)).text.split("\n\n") == ["i. Thứ nhất", "ii. Thứ hai", "iii. Thứ ba",
                                                           "iv. Thứ tư"]


def test_docx_number_formats():
    from pipeline.ingest.docx_reader import format_number
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14, 40, 1999)] == \
        ["I", "IV", "IX", "XIV", "XL", "MCMXCIX"]
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27, 28)] == ["a", "z", "aa", "bb"]
    assert format_number(3, "decimalZero") == "03"
    assert format_number(3, "bullet") == "-"
    assert format_number(3, "ordinalText") == "3"


# ------------------------------------------------------------------ DOCX headers, footers, notes

def test_docx_headers_footers_and_notes_come_after_the_body(tmp_path):
    import docx
    doc = docx.Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "UBND TỈNH - BÁO CÁO NĂM 2022"
    section.footer.paragraphs[0].text = "Trang 1"           # a page number: dropped
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "UBND TỈNH - BÁO CÁO NĂM 2022"   # same text: once
    doc.add_paragraph("Thân văn bản một.")
    doc.add_paragraph("Thân văn bản hai.")
    path = tmp_path / "heads.docx"
    doc.save(str(path))
    assert read_source(str(path)).text == "Thân văn bản một.\n\nThân văn bản hai.\n\nUBND TỈNH - BÁO CÁO NĂM 2022"


def test_structured_form_has_a_footnote_numbered_and_no_reference_mark_in_the_body():
    text = read_source(str(FORMS / "000_749e481ad73445fb.structured.docx")).text
    body, _, tail = text.rpartition("\n\nLưu hành nội bộ\n\n")
    assert tail == "1 Số liệu do bộ phận văn thư tổng hợp."
    assert "Số liệu do bộ phận" not in body


def test_real_docx_footer_code_is_kept_out_of_the_body():
    text = read_source(str(next(REAL.glob("016_*.docx")))).text
    assert text.endswith("\n\nstckhh-24")            # the file code in the footer, after the body
    assert text.count("stckhh-24") == 1


# ------------------------------------------------------------------ HTML

PAGE = """<!doctype html><html><head><meta charset="windows-1258"><title>Tin tức</title>
<style>p {color: red}</style><script>var x = "<p>không phải văn bản</p>";</script></head>
<body><header><nav><a href="/">Trang chủ</a></nav></header>
<div class="menu-top">Giới thiệu | Liên hệ</div>
<main><article><header><h1>Tổng kết thi đua</h1></header>
<p>Đoạn &amp; một<br>dòng hai</p>
<p hidden>ẩn</p>
<ol start="3"><li>Ba</li><li>Bốn</li></ol>
<ul><li>Chấm</li></ul>
<table><tr><th>Nội dung</th><th>Kết quả</th></tr>
<tr><td><p>Năm 2021</p></td><td>21 tập thể</td></tr></table>
<div>Khối <b>đậm</b>   nhiều    khoảng</div>
</article></main>
<aside>Tin liên quan</aside><footer>Bản quyền</footer><form>Tìm</form>
</body></html>"""


def test_html_reader(tmp_path):
    data = PAGE.encode("utf-8").replace(b"windows-1258", b"utf-8")
    result = read_source(write(tmp_path, "page.html", data))
    assert result.status == "ok", result.error
    assert result.format == "html"
    assert result.text.split("\n\n") == [
        "Tổng kết thi đua", "Đoạn & một\ndòng hai", "3. Ba", "4. Bốn", "- Chấm",
        "Nội dung | Kết quả", "Năm 2021 | 21 tập thể", "Khối đậm nhiều khoảng"]


def test_html_meta_charset_and_legacy(tmp_path):
    from pipeline.ingest import legacy
    cp = PAGE.replace("windows-1258", "windows-1252")
    body = legacy.from_unicode(cp, "vni", errors="replace")
    result = read_source(write(tmp_path, "vni.htm", legacy.codepoints_to_bytes(body)))
    assert result.encoding == "cp1252+vni"
    assert result.text.split("\n\n")[0] == "Tổng kết thi đua"


def test_doc_that_is_a_web_page_is_read_as_html(tmp_path):
    result = read_source(write(tmp_path, "old.doc", PAGE.replace("windows-1258", "utf-8").encode("utf-8")))
    assert result.status == "ok", result.error
    assert result.text.startswith("Tổng kết thi đua")


# ------------------------------------------------------------------ LibreOffice

def _has_office():
    from pipeline.ingest.office_reader import soffice_path
    return soffice_path() is not None


needs_office = pytest.mark.skipif(not _has_office(), reason="LibreOffice (soffice) is not installed: "
                                                            "run `make test-deps`")


@needs_office
def test_real_doc_reads():
    result = read_source(str(next(REAL.glob("008_*.doc"))))
    assert result.status == "ok", result.error
    assert result.format == "doc"
    assert "Tặng Bằng khen của Chủ tịch UBND tỉnh cho 05 tập thể" in result.text


@needs_office
def test_office_conversion_timeout_is_an_error(monkeypatch):
    monkeypatch.setenv("TDKT_OFFICE_TIMEOUT", "0.01")
    result = read_source(str(FORMS / "000_749e481ad73445fb.rtf"))
    assert result.status == "error"
    assert "TDKT_OFFICE_TIMEOUT" in result.error


def test_office_profile_is_private_to_the_process():
    from pipeline.ingest import office_reader
    profile = office_reader._profile_dir()
    assert str(os.getpid()) in profile.name


# ------------------------------------------------------------------ PDF

def test_pdf_without_ruled_table_never_opens_pdfplumber(monkeypatch):
    import pdfplumber
    calls = []
    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: calls.append(a) or (_ for _ in ()).throw(
        AssertionError("pdfplumber opened")))
    result = read_source(str(ROOT / "corpus" / "rendered" / "002_03026f8b928707b4.pdf"))
    assert result.status == "ok"
    assert calls == []


def test_real_pdf_tables_become_rows():
    text = read_source(str(next(REAL.glob("018_*.pdf")))).text
    assert "1 | Hành khách | đồng/người | 1.000 | 1.500 | 2.000 | 3.000" in text


def test_ocr_tsv_parsing():
    from pipeline.ingest.ocr import parse_tsv
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "4\t1\t1\t1\t1\t0\t10\t10\t100\t20\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t95.5\tBằng\n"
           "5\t1\t1\t1\t1\t2\t60\t10\t50\t20\t88\tkhen\n"
           "5\t1\t1\t1\t1\t3\t60\t10\t50\t20\t0\t \n")
    words = parse_tsv(tsv)
    assert [w["text"] for w in words] == ["Bằng", "khen"]
    assert words[0]["conf"] == 95.5


def _word(text, left, top, width=40, height=20, conf=95.0, block=1, par=1, line=1):
    return {"block": block, "par": par, "line": line, "left": left, "top": top,
            "width": width, "height": height, "conf": conf, "text": text}


def test_ocr_two_column_header_reads_left_column_then_right():
    from pipeline.ingest.ocr import page_lines
    # a scan's header as Tesseract gives it: one line per row across both columns
    words = [_word("UBND", 10, 10), _word("TỈNH", 60, 10), _word("CỘNG", 300, 10), _word("HÒA", 350, 10),
             _word("SỞ", 10, 40, line=2), _word("TƯ", 60, 40, line=2),
             _word("Độc", 300, 40, line=2), _word("lập", 350, 40, line=2),
             _word("Căn", 10, 90, par=2), _word("cứ", 60, 90, par=2), _word("Luật", 110, 90, par=2)]
    lines = page_lines(words, page_height=842)
    assert [ln.text for ln in lines] == ["UBND TỈNH", "SỞ TƯ", "CỘNG HÒA", "Độc lập", "Căn cứ Luật"]
    paras = [ln.para for ln in lines]
    assert paras[0] == paras[1] != paras[2] == paras[3] != paras[4]


def test_ocr_single_wide_gap_line_is_not_reordered():
    from pipeline.ingest.ocr import page_lines
    words = [_word("Nơi", 10, 10), _word("nhận:", 60, 10), _word("CHỦ", 400, 10), _word("TỊCH", 450, 10),
             _word("-", 10, 40, line=2), _word("Như", 30, 40, line=2), _word("trên;", 80, 40, line=2)]
    assert [ln.text for ln in page_lines(words, 842)] == ["Nơi nhận: CHỦ TỊCH", "- Như trên;"]


def test_ocr_drops_stamp_residue_and_restores_the_circumflex():
    from pipeline.ingest.ocr import _noise, restore_circumflex
    assert _noise(_word("ự4", 0, 0, conf=25)) and _noise(_word("yP", 0, 0, conf=0)) \
        and _noise(_word(":", 0, 0, conf=25))
    assert not _noise(_word("CHỦ", 0, 0, conf=25)) and not _noise(_word("8", 0, 0, conf=90))
    assert [restore_circumflex(w) for w in ("QUYÉT", "tiép", "kiẹm", "Viettel", "biên", "quý")] == \
        ["QUYẾT", "tiếp", "kiệm", "Viettel", "biên", "quý"]


def _words(text):
    return " ".join(text.split()).split()


@pytest.mark.parametrize("path", sorted((ROOT / "corpus" / "rendered").glob("*.pdf")), ids=lambda p: p.name)
def test_pdfium_text_is_pdfplumbers_text_without_the_running_heads(path):
    """The fast reader gives the words pdfplumber gives, in the same order; what
    it leaves out is only the running heads and page numbers of each page."""
    import pdfplumber
    ours = _words(read_source(str(path)).text)
    with pdfplumber.open(str(path)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    theirs = _words("\n".join(pages))
    it = iter(theirs)
    assert all(w in it for w in ours), "a word of ours is not in pdfplumber's text, in order"
    left_out = len(theirs) - len(ours)
    heads = sum(len(_words(ln)) for p in pages for ln in (p.split("\n")[:1] + p.split("\n")[-1:]))
    assert 0 <= left_out <= heads
