"""Every archive form of a seed gives the rows of its clean .txt.

corpus/forms/ holds the seeds as an archive has them (scripts/render_corpus.py
makes them): TCVN3 and VNI text files, VNI and TCVN3 Word files (legacy fonts),
NFD and "Unicode tổ hợp" text, a Word file whose list numbers, header, footer
and footnote are Word's own, a PDF with a ruled table, a scanned PDF, .doc /
.odt / .rtf through LibreOffice, and a news page.  Rows are compared like
tests/test_renderings.py does: citations (doc_type, serial, code), movement
names, money (amount, qualifier), awards (award, recipient_type, count).

The scanned forms need Tesseract with its Vietnamese data and the .doc/.odt/.rtf
forms LibreOffice: `make test-deps` installs both (CI machines are fresh).
"""
from __future__ import annotations

import functools
import shutil
from collections import Counter
from pathlib import Path

import pytest

from pipeline import extract_file
from pipeline.api import extract_source
from pipeline.extract.parts.text import new_tone, old_tone
from pipeline.ingest import read_source
from rowkeys import row_keys

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
FORMS_DIR = ROOT / "corpus" / "forms"
RENDERED = ROOT / "corpus" / "rendered"
REAL = ROOT / "corpus" / "real"
FORMS = sorted(p for p in FORMS_DIR.iterdir() if p.is_file())

OFFICE = {".doc", ".odt", ".rtf"}
# forms that must give exactly the rows of the text
EXACT = [p for p in FORMS if not p.name.endswith((".scanned.pdf", ".oldtone.txt"))]
SCANNED = [p for p in FORMS if p.name.endswith(".scanned.pdf")]
OLD_TONE = [p for p in FORMS if p.name.endswith(".oldtone.txt")]
FORM_SEEDS = ["000_749e481ad73445fb", "002_03026f8b928707b4"]
EVERY_FORM = ["tcvn3.txt", "vni.txt", "nfd.txt", "composite.txt", "oldtone.txt", "html",
              "vni.docx", "tcvn3.docx", "structured.docx", "scanned.pdf", "doc"]


def keys(result):
    # awards are compared on award, recipient type and count
    return row_keys(result, with_year=False)


def seed_of(path: Path) -> str:
    return path.name.split(".")[0]


@functools.cache
def text_rows(stem: str):
    return keys(extract_file(str(SEEDS / f"{stem}.txt")))


def has_tesseract() -> bool:
    from pipeline.ingest import ocr
    return not ocr.check()


def has_office() -> bool:
    from pipeline.ingest.office_reader import soffice_path
    return soffice_path() is not None


needs_tesseract = pytest.mark.skipif(
    not has_tesseract(), reason="Tesseract with Vietnamese data is not installed: run `make test-deps` "
                                "(or `make ocr-deps`)")
needs_office = pytest.mark.skipif(
    not has_office(), reason="LibreOffice (soffice) is not installed: run `make test-deps` "
                             "(or `make office-deps`)")


def _marks(path: Path):
    return [needs_office, pytest.mark.slow] if path.suffix in OFFICE else []     # (a LibreOffice conversion)


# ------------------------------------------------------------------ the forms

def test_every_form_seed_has_every_form():
    names = {p.name for p in FORMS}
    for stem in FORM_SEEDS:
        for form in EVERY_FORM:
            assert f"{stem}.{form}" in names, f"corpus/forms/{stem}.{form} missing: run scripts/render_corpus.py"
    assert "002_03026f8b928707b4.table.pdf" in names


def test_no_form_is_a_copy_of_its_seed():
    # a byte-identical copy has the seed's doc_id: the batch keeps one of the two
    # and the seed's own row goes missing from the scoring
    seeds = {p.stem: p.read_bytes() for p in SEEDS.glob("*.txt")}
    copies = [p.name for p in FORMS if p.read_bytes() == seeds.get(seed_of(p))]
    assert copies == []


def test_forms_are_modest_in_size():
    total = sum(p.stat().st_size for p in FORMS)
    assert total < 5 * 1024 * 1024, f"corpus/forms is {total / 1e6:.1f} MB"


@pytest.mark.parametrize("path", [pytest.param(p, marks=_marks(p), id=p.name) for p in EXACT])
def test_form_gives_the_rows_of_the_text(path):
    result = extract_file(str(path))
    assert result.document.status == "ok", result.document.error
    assert keys(result) == text_rows(seed_of(path))


@pytest.mark.parametrize("path,encoding", [
    ("000_749e481ad73445fb.tcvn3.txt", "tcvn3"), ("000_749e481ad73445fb.vni.txt", "vni"),
    ("002_03026f8b928707b4.tcvn3.docx", "tcvn3"), ("002_03026f8b928707b4.vni.docx", "vni"),
    ("000_749e481ad73445fb.nfd.txt", "utf-8"), ("000_749e481ad73445fb.html", "utf-8"),
    ("000_749e481ad73445fb.docx", ""),
])
def test_legacy_forms_say_their_encoding(path, encoding):
    full = FORMS_DIR / path if (FORMS_DIR / path).exists() else RENDERED / path
    assert read_source(str(full)).encoding == encoding


@needs_office
def test_tcvn3_doc_is_converted_after_libreoffice():
    result = read_source(str(FORMS_DIR / "000_749e481ad73445fb.tcvn3.doc"))
    assert result.status == "ok", result.error
    assert result.encoding == "tcvn3"
    assert "Hội đồng Thi đua - Khen thưởng tỉnh" in result.text


def test_unicode_forms_read_as_the_text_after_nfc():
    import unicodedata
    for stem in FORM_SEEDS:
        seed = unicodedata.normalize("NFC", (SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
        for form in ("nfd.txt", "composite.txt", "vni.txt"):
            text = read_source(str(FORMS_DIR / f"{stem}.{form}")).text
            assert unicodedata.normalize("NFC", text) == seed, form


def test_structured_docx_renders_word_numbering_as_the_text_has_it():
    """Word's own list numbers (w:numPr) come back as the seed's literal ones;
    the header and footnote come after the body, the PAGE footer is dropped."""
    stem = "002_03026f8b928707b4"
    seed = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
    paras = read_source(str(FORMS_DIR / f"{stem}.structured.docx")).text.split("\n\n")
    seed_paras = [p.strip("\n") for p in seed.split("\n\n") if p.strip()]
    assert paras[:len(seed_paras)] == seed_paras
    assert paras[len(seed_paras):] == ["Lưu hành nội bộ", "1 Số liệu do bộ phận văn thư tổng hợp."]


def test_table_docx_counts_the_award_rows_of_the_text():
    # the award paragraphs of 002 as rows of a Word table: the same award rows
    result = extract_file(str(RENDERED / "002_03026f8b928707b4_table.docx"))
    assert keys(result) == text_rows("002_03026f8b928707b4")


def test_ruled_pdf_table_is_read_as_rows():
    text = read_source(str(FORMS_DIR / "002_03026f8b928707b4.table.pdf")).text
    # one paragraph per row, cells " | ", a cell's wrapped lines kept as lines
    rows = [" ".join(p.split()) for p in text.split("\n\n") if " | " in p]
    assert rows[0] == "Nội dung | Kết quả"
    assert rows[1].startswith("Kết quả khen thưởng năm 2021 | 01 tập thể được tặng Huân chương")
    assert rows[2].startswith("Kết quả khen thưởng năm 2022 | tặng và truy tặng")
    assert len(rows) == 3


def test_html_page_drops_the_site_around_the_article():
    for stem in ("000_749e481ad73445fb", "003_98235f30ad968d9c"):
        text = read_source(str(FORMS_DIR / f"{stem}.html")).text
        seed = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
        lines = lambda p: [ln.strip() for ln in p.split("\n")]       # HTML collapses spaces
        assert [lines(p) for p in text.split("\n\n")] == \
            [lines(p.strip("\n")) for p in seed.split("\n\n") if p.strip()]
        for boilerplate in ("Trang chủ", "Tin liên quan", "Bản quyền thuộc Thanh tra tỉnh",
                            "Tìm kiếm", "dataLayer", "Chia sẻ", "Thủ tướng Chính phủ</a>"):
            assert boilerplate not in text


# ------------------------------------------------------------------ old tone placement

@pytest.mark.parametrize("path", OLD_TONE, ids=lambda p: p.name)
def test_old_tone_placement_gives_the_same_rows(path):
    """hoà / hòa, thuỷ / thủy: the names keep the document's spelling, the rows
    are the same once the names are compared in one spelling."""
    result = extract_file(str(path))
    got = keys(result)
    got["movements"] = sorted(new_tone(n) for n in got["movements"])
    want = dict(text_rows(seed_of(path)))
    want["movements"] = sorted(new_tone(n) for n in want["movements"])
    assert got == want
    original = extract_file(str(SEEDS / f"{seed_of(path)}.txt"))
    assert sorted(m.canonical for m in result.movements) == sorted(m.canonical for m in original.movements)


OLD_TONE_PROBES = [
    pytest.param("Thực hiện Quyết định số 1137/QĐ-UBND ngày 17/5/2022 của Ủy ban nhân dân tỉnh "
                 "Khánh Hòa về công tác thi đua.", id="issuer"),
    pytest.param("Năm 2021, 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh.",
                 id="conferrer"),
    pytest.param("Căn cứ Kế hoạch số 45/KH-UBND của Ủy ban nhân dân huyện Thủy Nguyên.",
                 id="issuer-place"),
    pytest.param("Trường Mầm non Quang Trung được tặng Cờ thi đua của Ủy ban nhân dân tỉnh Thanh Hóa.",
                 id="flag"),
    pytest.param("Hưởng ứng phong trào thi đua “Toàn dân đoàn kết xây dựng đời sống văn hóa”, "
                 "các đơn vị đã tổ chức nhiều hoạt động.", id="movement-catalog"),
    pytest.param("ỦY BAN NHÂN DÂN\nTỈNH KHÁNH HÒA\n\nSố: 12/BC-UBND\n\nKhánh Hòa, ngày 05 tháng 01 năm 2022"
                 "\n\nBÁO CÁO\n\nTổng kết công tác thi đua, khen thưởng năm 2021", id="document-header"),
]


@pytest.mark.parametrize("text", OLD_TONE_PROBES)
def test_old_tone_placement_matches_the_same_rules(text):
    from pipeline import extract_text

    def fields(res):
        d = res.document
        return {
            "citations": [(c.doc_type, c.number, new_tone(c.issuer_resolved or "")) for c in res.citations],
            "movements": [(new_tone(m.name), m.canonical) for m in res.movements],
            "money": [(m.amount_vnd, m.qualifier) for m in res.money],
            "awards": [(a.award, a.recipient_type, a.count, new_tone(a.conferrer or "")) for a in res.awards],
            "document": (d.doc_kind, d.number, new_tone(d.issuer or ""), new_tone(d.province or ""),
                         new_tone(d.place or ""), d.issued_date),
        }

    assert old_tone(text) != text
    assert fields(extract_text(old_tone(text))) == fields(extract_text(text))


# ------------------------------------------------------------------ scanned (OCR)

def f1(got: dict, want: dict) -> float:
    g = Counter((t, repr(k)) for t, rows in got.items() for k in rows)
    w = Counter((t, repr(k)) for t, rows in want.items() for k in rows)
    tp = sum((g & w).values())
    if not g and not w:
        return 1.0
    precision = tp / sum(g.values()) if g else 0.0
    recall = tp / sum(w.values()) if w else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
def test_scanned_form_without_ocr_needs_ocr(path):
    result = read_source(str(path))
    assert result.status == "needs_ocr"
    assert result.ocr_confidence is None


@needs_tesseract
@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
@pytest.mark.slow
def test_scanned_form_with_ocr_gives_the_rows(path):
    source = read_source(str(path), ocr=True)
    assert source.status == "ok", source.error
    assert 0 <= source.ocr_confidence <= 100 and source.ocr_confidence > 80
    result = extract_source(source)
    score = f1(keys(result), text_rows(seed_of(path)))
    assert score >= 0.9, (score, keys(result), text_rows(seed_of(path)))


@needs_tesseract
@pytest.mark.slow
def test_real_scanned_decision_awards_05_tap_the_and_04_ca_nhan():
    path = next(REAL.glob("S01_*.pdf"))
    result = extract_file(str(path), ocr=True)
    doc = result.document
    assert doc.status == "ok", doc.error
    assert doc.ocr_confidence is not None and 50 < doc.ocr_confidence <= 100
    awards = {(a.award, a.recipient_type, a.count) for a in result.awards}
    assert ("Bằng khen", "tập thể", 5) in awards
    assert ("Bằng khen", "cá nhân", 4) in awards
    # the names come from the attached list (I. Tập thể / II. Cá nhân), one per count
    named = {a.recipient_type: a.recipients.split("; ") for a in result.awards if a.award == "Bằng khen"}
    assert len(named["tập thể"]) == 5 and named["tập thể"][1] == "Công an tỉnh", named
    assert len(named["cá nhân"]) == 4 and named["cá nhân"][0].startswith("Ông Trương Quang Sáng"), named
    assert doc.n_pages == 2
    # what a reader of the scan sees: the header's two columns one after the other,
    # the heading with its circumflex (QUYẾT, not QUYÉT), the list under the red seal
    assert doc.doc_kind == "Quyết định"
    text = read_source(str(path), ocr=True).text
    assert "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in text
    assert "QUYÉT" not in text and text.count("QUYẾT ĐỊNH") == 2
    assert "DANH SÁCH" in text and "I. Tập thể" in text
    assert not text.rstrip().endswith("yP")      # signature residue (confidence 0)


def test_ocr_without_tesseract_names_the_program_and_target(monkeypatch):
    monkeypatch.setenv("TDKT_TESSERACT", "tesseract-that-is-not-installed")
    result = read_source(str(next(REAL.glob("S01_*.pdf"))), ocr=True)
    assert result.status == "error"
    assert "tesseract" in result.error and "make ocr-deps" in result.error


def test_ocr_without_vietnamese_data_says_so(monkeypatch):
    from pipeline.ingest import ocr
    if not shutil.which("tesseract"):
        pytest.skip("tesseract not installed")
    monkeypatch.setattr(ocr, "_languages", lambda program: ("eng", "osd"))
    result = read_source(str(next(REAL.glob("S01_*.pdf"))), ocr=True)
    assert result.status == "error"
    assert "vie" in result.error and "make ocr-deps" in result.error


def test_office_without_libreoffice_names_the_program_and_target(monkeypatch):
    monkeypatch.setenv("TDKT_SOFFICE", "soffice-that-is-not-installed")
    result = read_source(str(FORMS_DIR / "000_749e481ad73445fb.doc"))
    assert result.status == "error"
    assert "soffice" in result.error and "make office-deps" in result.error
