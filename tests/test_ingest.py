"""Tests for pipeline.ingest.read_source (txt / docx / pdf reading)."""
from __future__ import annotations

import codecs
import hashlib
import io
import itertools
import os
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest

from conftest import SHARED
from pipeline.ingest import read_source

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
RENDERED = ROOT / "corpus" / "rendered"
REAL = ROOT / "corpus" / "real"

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))
RENDERED_DOCX = sorted(p for p in RENDERED.glob("*.docx") if not p.stem.endswith("_table"))
RENDERED_PDF = sorted(RENDERED.glob("*.pdf"))
SCANNED = sorted(REAL.glob("S01_*.pdf"))

SENTENCE = ("Thực hiện Quyết định số 1137/QĐ-UBND ngày 17/5/2022 của Ủy ban nhân dân huyện, "
            "Hội đồng Thi đua - Khen thưởng được kiện toàn; tặng Bằng khen cho 08 tập thể "
            "và 05 cá nhân, mỗi suất 1.500.000 đồng.\n\n"
            "Trường Mầm non Quang Trung được tặng Cờ thi đua của Ủy ban nhân dân tỉnh.")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def seed_paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def sha16(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def assert_error(result, *fragments):
    assert result.status == "error", (result.status, result.error)
    assert result.error and "\n" not in result.error and len(result.error) <= 300
    low = result.error.lower()
    for fragment in fragments:
        assert fragment.lower() in low, result.error


# ------------------------------------------------------------------ txt

def encode_cp1258(text: str) -> bytes:
    """Encode Vietnamese text as Windows-1258 would: precomposed where the code
    page has the letter, else base letter + combining tone mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
        out += base.encode("cp1258")
        out += "".join(c for c in nfd if c in tones).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize("label,data,encoding", [
    ("utf8", SENTENCE.encode("utf-8"), "utf-8"),
    ("utf8bom", codecs.BOM_UTF8 + SENTENCE.encode("utf-8"), "utf-8-sig"),
    ("utf16le_bom", codecs.BOM_UTF16_LE + SENTENCE.encode("utf-16-le"), "utf-16"),
    ("utf16be_bom", codecs.BOM_UTF16_BE + SENTENCE.encode("utf-16-be"), "utf-16"),
    ("utf16le", SENTENCE.encode("utf-16-le"), "utf-16-le"),
    ("utf16be", SENTENCE.encode("utf-16-be"), "utf-16-be"),
])
def test_txt_encodings_round_trip(tmp_path, label, data, encoding):
    path = write(tmp_path, f"{label}.txt", data)
    result = read_source(path)
    assert result.status == "ok", result.error
    assert result.text == SENTENCE
    assert result.encoding == encoding
    assert result.format == "txt"
    assert result.page_starts == []
    assert result.doc_id == sha16(data)


def test_txt_cp1258_round_trip(tmp_path):
    data = encode_cp1258(SENTENCE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = read_source(write(tmp_path, "legacy.txt", data))
    assert result.status == "ok", result.error
    assert result.encoding == "cp1258"
    # cp1258 writes tone marks as combining characters: equal after NFC
    assert any(unicodedata.combining(c) for c in result.text)
    assert unicodedata.normalize("NFC", result.text) == SENTENCE


def test_txt_crlf_becomes_lf(tmp_path):
    data = SENTENCE.replace("\n", "\r\n").encode("utf-8")
    result = read_source(write(tmp_path, "crlf.txt", data))
    assert result.text == SENTENCE
    assert "\r" not in result.text


def test_txt_damaged_utf8_is_replaced_not_cp1258(tmp_path):
    data = SENTENCE.encode("utf-8")
    data = data[:40] + b"\xff" + data[40:]
    result = read_source(write(tmp_path, "damaged.txt", data))
    assert result.status == "ok"
    assert result.encoding == "utf-8"
    assert result.text.count("\ufffd") == 1
    assert result.text.replace("\ufffd", "") == SENTENCE
    assert "replaced" in result.error


def test_txt_md_and_text_extensions_are_txt(tmp_path):
    for name in ("note.md", "note.text", "NOTE.TXT"):
        result = read_source(write(tmp_path, name, SENTENCE.encode("utf-8")))
        assert result.format == "txt" and result.text == SENTENCE


def test_seed_txt_reads_back_exactly():
    for stem in SEED_IDS:
        path = SEEDS / f"{stem}.txt"
        result = read_source(str(path))
        assert result.status == "ok"
        assert result.text == path.read_text(encoding="utf-8")
        assert result.encoding == "utf-8"


# ------------------------------------------------------------------ docx

def make_docx(path: Path) -> None:
    import docx
    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "RUNNING HEADER TEXT"
    doc.sections[0].footer.paragraphs[0].text = "RUNNING FOOTER TEXT"
    doc.add_paragraph("Đoạn mở đầu trước bảng.")
    doc.add_paragraph().add_run("Dòng một\nDòng hai")         # soft line break
    doc.add_paragraph("")                                   # empty spacing paragraph
    table = doc.add_table(rows=3, cols=2)
    cells = [["Nội dung", "Kết quả"],
             ["Bằng khen của Chủ tịch UBND tỉnh", "08 tập thể và 05 cá nhân"],
             ["Cờ thi đua của Chính phủ", "01 tập thể"]]
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 1).add_paragraph("(Trường TH&THCS Cao Chương)")
    inner = table.cell(1, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "lồng 1"
    inner.cell(0, 1).text = "lồng 2"
    doc.add_paragraph("Đoạn kết sau bảng.")
    doc.save(str(path))


def test_docx_table_cells_in_reading_order(tmp_path):
    path = tmp_path / "table.docx"
    make_docx(path)
    result = read_source(str(path))
    assert result.status == "ok", result.error
    assert result.format == "docx"
    assert result.text == (
        "Đoạn mở đầu trước bảng.\n\n"
        "Dòng một\nDòng hai\n\n"
        "Nội dung | Kết quả\n\n"
        "Bằng khen của Chủ tịch UBND tỉnh\nlồng 1 | lồng 2 | 08 tập thể và 05 cá nhân\n\n"
        "Cờ thi đua của Chính phủ | 01 tập thể\n(Trường TH&THCS Cao Chương)\n\n"
        "Đoạn kết sau bảng.\n\n"
        # headers and footers come after the body, never inside it
        "RUNNING HEADER TEXT\n\n"
        "RUNNING FOOTER TEXT")
    assert result.page_starts == []
    assert result.doc_id == sha16(path.read_bytes())


def _docx_with_body(tmp_path: Path, body_xml: str) -> str:
    """A python-docx document whose body is replaced by ``body_xml``."""
    import docx
    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    xml = src.read("word/document.xml").decode("utf-8")
    start = xml.index("<w:body>") + len("<w:body>")
    end = xml.index("<w:sectPr")
    xml = xml[:start] + body_xml + xml[end:]
    if "xmlns:mc=" not in xml[:2000]:
        xml = xml.replace("<w:document ", '<w:document xmlns:mc="http://schemas.openxmlformats.org/'
                          'markup-compatibility/2006" ', 1)
    out = tmp_path / "crafted.docx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = xml.encode("utf-8") if info.filename == "word/document.xml" \
                else src.read(info.filename)
            dst.writestr(info.filename, data)
    return str(out)


def test_docx_content_controls_text_boxes_and_tracked_changes(tmp_path):
    def p(inner):
        return f"<w:p>{inner}</w:p>"

    def r(text):
        return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'

    textbox = ('<w:txbxContent>' + p(r("Chữ trong hộp")) + '</w:txbxContent>')
    body = (
        p(r("Một ") + '<w:del w:id="1" w:author="a"><w:r><w:delText>đã xóa </w:delText></w:r></w:del>'
          + '<w:ins w:id="2" w:author="a">' + r("thêm ") + '</w:ins>' + r("hai"))
        + '<w:sdt><w:sdtPr/><w:sdtContent>' + p(r("Trong điều khiển nội dung"))
        + '</w:sdtContent></w:sdt>'
        + p(r("Neo") + '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            + textbox + '</w:drawing></mc:Choice><mc:Fallback><w:pict>' + textbox
            + '</w:pict></mc:Fallback></mc:AlternateContent></w:r>')
        + p(r("Tab") + '<w:r><w:tab/></w:r>' + r("và") + '<w:r><w:br/></w:r>' + r("ngắt")
            + '<w:r><w:instrText> PAGE </w:instrText></w:r>')
    )
    result = read_source(_docx_with_body(tmp_path, body))
    assert result.status == "ok", result.error
    assert result.text == ("Một thêm hai\n\nTrong điều khiển nội dung\n\nNeo\n\n"
                           "Chữ trong hộp\n\nTab\tvà\nngắt")


@pytest.mark.parametrize("path", RENDERED_DOCX, ids=lambda p: p.name)
def test_rendered_docx_matches_seed(path):
    seed = (SEEDS / f"{path.stem}.txt").read_text(encoding="utf-8")
    result = read_source(str(path))
    assert result.status == "ok", result.error
    assert squash(result.text) == squash(seed)
    # and paragraph for paragraph, soft line breaks included
    assert result.text.split("\n\n") == seed_paragraphs(seed)


def test_rendered_table_docx_reads_table_in_place():
    path = RENDERED / "002_03026f8b928707b4_table.docx"
    result = read_source(str(path))
    assert result.status == "ok", result.error
    paras = result.text.split("\n\n")
    header = paras.index("Nội dung | Kết quả")
    rows = paras[header + 1: header + 3]
    assert rows[0].startswith("Kết quả khen thưởng năm 2021 | 01 tập thể được tặng Huân chương")
    assert rows[1].startswith("Kết quả khen thưởng năm 2022 | tặng và truy tặng 01 Bà mẹ")
    assert "21 tập thể và 25 cá nhân được tặng Bằng khen" in rows[0]
    # the table sits where the award paragraphs were: after the paragraph before them
    assert paras[header - 1].startswith("- Công tác khen thưởng trên địa bàn huyện")
    assert paras[header + 3] == "II. ĐÁNH GIÁ CHUNG"


@pytest.mark.parametrize("path", sorted(REAL.glob("*.docx")), ids=lambda p: p.name)
def test_real_docx_reads(path):
    result = read_source(str(path))
    assert result.status == "ok", result.error
    assert len(result.text) > 5000
    assert "\n\n\n\n" not in result.text


def test_real_docx_header_table_and_number():
    path = next(REAL.glob("016_*.docx"))
    text = read_source(str(path)).text
    assert text.startswith("UBND TỈNH KHÁNH HÒA | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Số: 1424/BC-STC |" in text


# ------------------------------------------------------------------ pdf

def pdf_pages(result) -> list[str]:
    starts = result.page_starts + [len(result.text)]
    return [result.text[a:b] for a, b in itertools.pairwise(starts)]


def paragraph_ends(paragraphs) -> set[int]:
    ends, pos = set(), 0
    for p in paragraphs:
        pos += len(squash(p))
        ends.add(pos)
    return ends


@pytest.mark.parametrize("path", RENDERED_PDF, ids=lambda p: p.name)
def test_rendered_pdf_matches_seed(path):
    import pypdfium2 as pdfium
    seed = (SEEDS / f"{path.stem}.txt").read_text(encoding="utf-8")
    result = read_source(str(path))
    assert result.status == "ok", result.error
    assert result.format == "pdf"
    # running header and "Trang 3/5", "- 3 -", "3" footers are gone: the text is the seed's
    assert squash(result.text) == squash(seed)
    n_pages = len(pdfium.PdfDocument(str(path)))
    assert len(result.page_starts) == n_pages
    assert result.page_starts[0] == 0
    assert all(a < b for a, b in zip(result.page_starts, result.page_starts[1:]))
    for start in result.page_starts[1:]:
        assert result.text[start - 2:start] == "\n\n"
    # paragraph breaks: every seed paragraph end is a break, and there are no others
    # (a page end counts as a paragraph end only where the seed has one)
    seed_ends = paragraph_ends(seed_paragraphs(seed))
    found, page_ends, pos = set(), set(), 0
    for page in pdf_pages(result):
        paras = [p for p in page.split("\n\n") if p.strip()]
        for p in paras:
            pos += len(squash(p))
            found.add(pos)
        page_ends.add(pos)
    found = (found - page_ends) | (page_ends & seed_ends)
    assert found == seed_ends


def test_long_rendered_pdf_has_many_pages_and_no_page_numbers():
    result = read_source(str(RENDERED / "002_03026f8b928707b4.pdf"))
    assert len(result.page_starts) > 10
    lines = [ln.strip() for ln in result.text.split("\n")]
    assert not any(re.fullmatch(r"-?\s*\d+\s*-?", ln) for ln in lines)
    assert "UBND huyện Trùng Khánh - Báo cáo" not in result.text     # running header
    # a paragraph broken across pages stays one line per visual line, no footer inside
    result0 = read_source(str(RENDERED / "000_749e481ad73445fb.pdf"))
    assert "Trang " not in result0.text


@pytest.mark.parametrize("path", sorted(p for p in REAL.glob("*.pdf") if not p.name.startswith("S")),
                         ids=lambda p: p.name)
def test_real_text_pdfs(path):
    import pypdfium2 as pdfium
    result = read_source(str(path))
    assert result.status == "ok", result.error
    assert len(result.page_starts) == len(pdfium.PdfDocument(str(path)))
    assert "\ufffe" not in result.text
    for page in pdf_pages(result)[1:]:
        first = page.strip().split("\n", 1)[0].strip()
        assert not re.fullmatch(r"\d{1,3}", first), f"page number left: {first!r}"


def test_pdf_line_end_hyphen_is_kept_with_its_line_break():
    result = read_source(str(next(REAL.glob("014_*.pdf"))))
    assert "22/2024/QĐ-\nUBND" in result.text


def test_pdf_first_line_indent_starts_a_paragraph():
    # 015 has paragraphs with no space between them, only a first-line indent
    result = read_source(str(next(REAL.glob("015_*.pdf"))))
    assert "trên địa bàn tỉnh Hậu \nGiang.\n\nThực hiện Công văn số 204/VP.UBND-NCTH" in result.text


def _rotated_copy(src_path: Path, out_path: Path, rotation: int) -> None:
    """Same pages shown upright, but stored with /Rotate and content drawn turned
    the other way (as scanners and some printers write landscape/portrait pages)."""
    import pypdfium2 as pdfium
    src = pdfium.PdfDocument(str(src_path))
    dst = pdfium.PdfDocument.new()
    for i in range(len(src)):
        w, h = src[i].get_size()
        obj = src.page_as_xobject(i, dst).as_pageobject()
        if rotation == 90:
            matrix, size = pdfium.PdfMatrix(0, 1, -1, 0, h, 0), (h, w)
        elif rotation == 270:
            matrix, size = pdfium.PdfMatrix(0, -1, 1, 0, 0, w), (h, w)
        else:
            matrix, size = pdfium.PdfMatrix(-1, 0, 0, -1, w, h), (w, h)
        obj.transform(matrix)
        page = dst.new_page(*size)
        page.insert_obj(obj)
        page.gen_content()
        page.set_rotation(rotation)
    dst.save(str(out_path))


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_pages_read_like_upright_ones(tmp_path, rotation):
    src = RENDERED / "000_749e481ad73445fb.pdf"
    out = tmp_path / f"rot{rotation}.pdf"
    _rotated_copy(src, out, rotation)
    upright = read_source(str(src))
    rotated = read_source(str(out))
    assert rotated.status == "ok", rotated.error
    assert rotated.text == upright.text
    assert rotated.page_starts == upright.page_starts


def test_scanned_pdf_needs_ocr():
    paths = SCANNED or sorted((SHARED / "corpus-real" / "files").glob("S01_*.pdf"))
    assert paths, "no scanned sample PDF"
    result = read_source(str(paths[0]))
    assert result.status == "needs_ocr"
    assert result.error == "no text layer (scanned PDF); run with --ocr"
    assert result.doc_id == sha16(paths[0].read_bytes())


def test_encrypted_pdf_is_an_error(tmp_path):
    import fpdf  # fpdf2, in the test extras: this case is never skipped
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "secret text")
    pdf.set_encryption(owner_password="owner", user_password="user")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    assert_error(read_source(str(path)), "encrypted", "password")


def test_blank_pdf_needs_ocr(tmp_path):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.new_page(595, 842)
    path = tmp_path / "blank.pdf"
    pdf.save(str(path))
    result = read_source(str(path))
    assert result.status == "needs_ocr"
    assert len(result.page_starts) == 2


# ------------------------------------------------------------------ bad files

RANDOM = bytes((i * 7919 + 13) % 256 for i in range(5000))


@pytest.mark.parametrize("name,fragments", [
    ("random.pdf", ["not a valid pdf"]),
    ("random.docx", ["not a valid .docx"]),
])
def test_random_bytes_are_errors(tmp_path, name, fragments):
    path = write(tmp_path, name, RANDOM)
    result = read_source(path)
    assert_error(result, *fragments)
    assert result.doc_id == sha16(RANDOM)
    assert result.source_path == path


@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty.docx"])
def test_empty_file_is_an_error(tmp_path, name):
    result = read_source(write(tmp_path, name, b""))
    assert_error(result, "empty file")
    assert result.doc_id == sha16(b"")


def test_whitespace_only_txt_is_an_error(tmp_path):
    assert_error(read_source(write(tmp_path, "blank.txt", b" \r\n\r\n  ")), "empty")


def test_truncated_docx_is_an_error(tmp_path):
    data = (RENDERED / "000_749e481ad73445fb.docx").read_bytes()
    result = read_source(write(tmp_path, "truncated.docx", data[: len(data) // 2]))
    assert_error(result, "not a valid .docx", "corrupt")


def test_docx_that_is_a_pdf_says_so(tmp_path):
    data = (RENDERED / "004_dd0f9f899c7339c2.pdf").read_bytes()
    assert_error(read_source(write(tmp_path, "renamed.docx", data)), "is a pdf file")


def test_binary_named_txt_is_an_error(tmp_path):
    data = (RENDERED / "004_dd0f9f899c7339c2.docx").read_bytes()
    assert_error(read_source(write(tmp_path, "binary.txt", data)), "not a text file", "zip")


def test_zip_without_word_document_is_an_error(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    assert_error(read_source(write(tmp_path, "notword.docx", buf.getvalue())), "not a valid .docx")


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    from pipeline.ingest import docx_reader
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED", 10_000)
    path = str(RENDERED / "000_749e481ad73445fb.docx")
    assert_error(read_source(path), "refused", "uncompress")


def test_truncated_pdf_never_raises(tmp_path):
    data = (RENDERED / "002_03026f8b928707b4.pdf").read_bytes()
    for cut in (len(data) // 10, len(data) // 2, len(data) - 200):
        result = read_source(write(tmp_path, f"cut{cut}.pdf", data[:cut]))
        assert result.status in {"ok", "error", "needs_ocr"}
        if result.status == "error":
            assert result.error and "\n" not in result.error


def test_missing_file_uses_path_hash(tmp_path):
    path = str(tmp_path / "does-not-exist.pdf")
    result = read_source(path)
    assert_error(result, "cannot open file")
    assert result.doc_id == sha16(path.encode("utf-8"))
    assert result.source_path == path
    assert result.format == "pdf"


def test_directory_is_an_error(tmp_path):
    d = tmp_path / "folder.txt"
    d.mkdir()
    assert_error(read_source(str(d)), "cannot open file")


@pytest.mark.parametrize("name", ["sheet.numbers", "slides.pptx", "noext"])
def test_unsupported_formats(tmp_path, name):
    result = read_source(write(tmp_path, name, b"some bytes"))
    ext = os.path.splitext(name)[1]
    assert_error(result, f"unsupported format: {ext}" if ext else "no extension")
    assert result.format == ext.lstrip(".")
    assert result.doc_id == sha16(b"some bytes")


@pytest.mark.parametrize("name", ["old.doc", "x.odt", "x.rtf"])
def test_office_formats_check_their_bytes(tmp_path, name):
    # LibreOffice would import any bytes as plain text: the reader refuses first
    result = read_source(write(tmp_path, name, b"some bytes"))
    assert_error(result, f"not a valid .{name.split('.')[-1]} file")
    assert result.format == name.split(".")[-1]


def test_doc_id_is_sha256_prefix_and_path_is_kept():
    for path in [SEEDS / f"{SEED_IDS[0]}.txt", RENDERED_DOCX[0], RENDERED_PDF[0]]:
        given = os.path.relpath(path, ROOT) if Path.cwd() == ROOT else str(path)
        result = read_source(given)
        assert result.doc_id == sha16(path.read_bytes())
        assert len(result.doc_id) == 16
        assert result.source_path == given


def test_never_raises_on_arbitrary_bytes(tmp_path):
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    @hypothesis.settings(max_examples=60, deadline=None)
    @hypothesis.given(data=st.binary(max_size=3000),
                      ext=st.sampled_from([".txt", ".docx", ".pdf", ".md"]))
    def check(data, ext):
        path = tmp_path / f"fuzz{ext}"
        path.write_bytes(data)
        result = read_source(str(path))
        assert result.status in {"ok", "error", "needs_ocr"}
        assert "\n" not in result.error
        assert result.doc_id == sha16(data)

    check()
