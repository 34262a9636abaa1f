"""Legacy Vietnamese encodings (TCVN3/ABC, VNI-Windows): tables, round trips,
detection, and their use by the .txt and .docx readers."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from conftest import SHARED
from pipeline.ingest import legacy, read_source
from pipeline.ingest.unicode_forms import composite

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
REAL = ROOT / "corpus" / "real"
SHARED_TEXT = SHARED / "corpus-real" / "text"          # (TDKT_SHARED, else ../shared; absent: no cases)

VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
ALL_LETTERS = sorted({unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} | {"đ"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def seed_text(path: Path) -> str:
    return nfc(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ tables

@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_tables_cover_every_vietnamese_letter(encoding):
    table = legacy.table(encoding)
    for letter in ALL_LETTERS:
        if letter.isascii():
            assert letter not in table.encode     # plain letters are themselves
            continue
        assert letter in table.encode, (encoding, letter)
        # TCVN3 (VN3) has only the seven toneless capitals; VNI has them all
        if encoding == "vni" or letter in "ăâêôơưđ":
            assert letter.upper() in table.encode, (encoding, letter.upper())
    values = list(table.encode.values())
    assert len(values) == len(set(values))


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_every_letter_round_trips(encoding):
    letters = ALL_LETTERS + [c.upper() for c in ALL_LETTERS]
    for letter in letters:
        if encoding == "tcvn3":
            runs = legacy.tcvn3_runs(letter)
            back = "".join(legacy.to_unicode(t, "tcvn3", uppercase=u) for t, u in runs)
        else:
            back = legacy.to_unicode(legacy.from_unicode(letter, encoding), encoding)
        assert back == letter, (encoding, letter, back)


def test_known_legacy_spellings():
    # as these words look in old documents opened with a Unicode font
    assert legacy.to_unicode("Bé Tµi chÝnh", "tcvn3") == "Bộ Tài chính"
    assert legacy.to_unicode("thi ®ua, khen th­ëng", "tcvn3") == "thi đua, khen thưởng"
    assert legacy.to_unicode("Boä Taøi chính", "vni") == "Bộ Tài chính"
    assert legacy.to_unicode("thi ñua, khen thöôûng", "vni") == "thi đua, khen thưởng"
    assert legacy.to_unicode("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "vni") == \
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert legacy.to_unicode("céng hoµ x· héi chñ nghÜa viÖt nam", "tcvn3", uppercase=True) == \
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    # VNI: a mark byte in the other case than its base letter still belongs to it
    assert legacy.to_unicode("AÙ aÙ", "vni") == "Á á"


def test_font_names():
    assert legacy.font_encoding(".VnTime") == ("tcvn3", False)
    assert legacy.font_encoding(".VnTimeH") == ("tcvn3", True)
    assert legacy.font_encoding(".VnArial NarrowH") == ("tcvn3", True)
    assert legacy.font_encoding(".VnTime;Courier New") == ("tcvn3", False)   # LibreOffice's fallback list
    assert legacy.font_encoding("VNI-Times") == ("vni", False)
    assert legacy.font_encoding("VNI-Helve-Condense") == ("vni", False)
    assert legacy.font_encoding("Times New Roman") == ("", False)
    assert legacy.font_encoding(None) == ("", False)


# ------------------------------------------------------------------ seeds round trip

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_vni_round_trip_of_every_seed(path):
    text = seed_text(path)
    data = legacy.codepoints_to_bytes(legacy.from_unicode(text, "vni"))
    back = legacy.to_unicode(legacy.bytes_to_codepoints(data), "vni")
    assert back == text


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_tcvn3_round_trip_of_every_seed(path):
    text = seed_text(path)
    # with the fonts (a .docx: capitals with tone marks in .VnTimeH runs): exact
    runs = legacy.tcvn3_runs(text)
    assert "".join(legacy.to_unicode(t, "tcvn3", uppercase=u) for t, u in runs) == text
    # bytes alone (a .txt): TCVN3 cannot write a capital with a tone mark; the
    # capitals come back in capital words, headings and at a sentence start, and
    # only there is a difference allowed: a toned capital opening a word in
    # mid-sentence ("của Ủy ban") comes back lower-case
    data = legacy.codepoints_to_bytes(legacy.from_unicode(text, "tcvn3"))
    back = legacy.to_unicode(legacy.bytes_to_codepoints(data), "tcvn3", restore_case=True)
    assert len(back) == len(text)
    for a, b in zip(text.split(), back.split()):
        if a != b:
            assert b == a[0].lower() + a[1:], (a, b)
            assert a[0] not in legacy.table("tcvn3").encode


# ------------------------------------------------------------------ detection

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_detection_fires_on_legacy_seeds_and_never_on_unicode_ones(path):
    text = seed_text(path)
    for form in (text, unicodedata.normalize("NFD", text), composite(text)):
        assert legacy.detect(form).encoding == ""
    for encoding in legacy.ENCODINGS:
        assert legacy.detect(legacy.from_unicode(text, encoding)).encoding == encoding


def _real_texts():
    for path in sorted(REAL.iterdir()):
        if path.suffix in (".pdf", ".docx") and not path.name.startswith("S"):
            yield pytest.param(path, id=path.name)
    if SHARED_TEXT.is_dir():
        for path in sorted(SHARED_TEXT.glob("*.txt")):
            yield pytest.param(path, id=f"shared:{path.name}")


@pytest.mark.parametrize("path", list(_real_texts()))
def test_detection_never_fires_on_real_unicode_documents(path):
    text = read_source(str(path)).text
    assert text
    assert legacy.detect(text).encoding == ""
    assert legacy.detect(unicodedata.normalize("NFD", text)).encoding == ""


def test_detection_needs_a_few_words_and_ignores_plain_ascii():
    assert legacy.detect("").encoding == ""
    assert legacy.detect("Report 2021: 15 units, 30 people.").encoding == ""
    assert legacy.detect("Bé").encoding == ""                       # one word says nothing
    assert legacy.detect("Café, naïve, résumé, Zürich").encoding == ""  # Latin-1 that is not Vietnamese


def test_is_syllable():
    for word in ("người", "Nghiêng", "QUYẾT", "khuya", "giữa", "Đảng", "thuở"):
        assert legacy.is_syllable(word), word
    for word in ("chÝnh", "t¹i", "Vieät", "ñaït", "cafés", "Hồồ"):
        assert not legacy.is_syllable(word), word


# ------------------------------------------------------------------ .txt reader

SENTENCE = ("Thực hiện Quyết định số 1137/QĐ-UBND ngày 17/5/2022 của Ủy ban nhân dân huyện, "
            "Hội đồng Thi đua - Khen thưởng được kiện toàn; tặng Bằng khen cho 08 tập thể và 05 cá nhân.\n\n"
            "KẾT QUẢ KHEN THƯỞNG NĂM 2022\n\n"
            "Ủy ban nhân dân tỉnh tặng Cờ thi đua cho Trường Mầm non Quang Trung.")


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_txt_legacy_bytes(tmp_path, encoding):
    data = legacy.codepoints_to_bytes(legacy.from_unicode(SENTENCE.replace("\n", "\r\n"), encoding))
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(data)
    result = read_source(str(path))
    assert result.status == "ok", result.error
    assert result.encoding == encoding
    # TCVN3 has no capital Ủ: the names of bodies get their capitals back (rules/legacy_encodings.yaml)
    assert result.text == SENTENCE


def test_txt_unicode_file_holding_legacy_code_points(tmp_path):
    # a .VnTime document saved as "Unicode text": UTF-8 of the TCVN3 code points
    path = tmp_path / "pasted.txt"
    path.write_bytes(legacy.from_unicode(SENTENCE, "vni").encode("utf-8"))
    result = read_source(str(path))
    assert result.encoding == "utf-8+vni"
    assert result.text == SENTENCE


def encode_cp1258(text: str) -> bytes:
    """Windows-1258: precomposed where the code page has the letter, else base
    letter + combining tone mark."""
    out = bytearray()
    for ch in nfc(text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            base = nfc("".join(c for c in nfd if c not in TONES[1:]))
            out += base.encode("cp1258") + "".join(c for c in nfd if c in TONES[1:]).encode("cp1258")
    return bytes(out)


def test_txt_cp1258_is_not_mistaken_for_legacy(tmp_path):
    path = tmp_path / "cp1258.txt"
    path.write_bytes(encode_cp1258(SENTENCE))
    result = read_source(str(path))
    assert result.encoding == "cp1258"
    assert nfc(result.text) == SENTENCE


# ------------------------------------------------------------------ .docx reader

def _docx(tmp_path, paragraphs, default_font="Times New Roman", name="legacy.docx"):
    """paragraphs: list of lists of (text, font or None)."""
    import docx
    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = default_font
    for runs in paragraphs:
        p = doc.add_paragraph()
        for text, font in runs:
            run = p.add_run(text)
            if font:
                run.font.name = font
    path = tmp_path / name
    doc.save(str(path))
    return str(path)


def test_docx_legacy_runs_are_converted(tmp_path):
    path = _docx(tmp_path, [
        [("Bé Tµi chÝnh", ".VnTime"), (" and ", None), ("Boä Taøi chính", "VNI-Times")],
        [("b¸o c¸o", ".VnTimeH")],
        [("Unicode đã đúng.", None)],
    ])
    result = read_source(path)
    assert result.status == "ok", result.error
    assert result.text == "Bộ Tài chính and Bộ Tài chính\n\nBÁO CÁO\n\nUnicode đã đúng."
    assert result.encoding == "tcvn3+vni"


def test_docx_legacy_font_inherited_from_the_style(tmp_path):
    path = _docx(tmp_path, [[("Thanh tra tØnh b¸o c¸o kÕt qu¶ nh­ sau:", None)]], default_font=".VnTime")
    assert read_source(path).text == "Thanh tra tỉnh báo cáo kết quả như sau:"


def test_docx_unicode_typed_in_a_legacy_font_is_left_alone(tmp_path):
    # Unicode text with .VnTime still selected (common after a conversion)
    text = "Thanh tra tỉnh báo cáo kết quả thực hiện công tác thi đua, khen thưởng như sau."
    path = _docx(tmp_path, [[(text, ".VnTime")]])
    assert read_source(path).text == text


def test_docx_soft_hyphen_in_tcvn3_run_is_u_horn(tmp_path):
    import docx
    from docx.oxml.ns import qn
    doc = docx.Document()
    p = doc.add_paragraph()
    run = p.add_run("th")
    run.font.name = ".VnTime"
    run._r.append(run._r.makeelement(qn("w:softHyphen"), {}))
    run._r.add_t("ëng")
    plain = doc.add_paragraph().add_run("co")
    plain._r.append(plain._r.makeelement(qn("w:softHyphen"), {}))
    plain._r.add_t("operation")
    path = tmp_path / "soft.docx"
    doc.save(str(path))
    assert read_source(str(path)).text == "thưởng\n\ncooperation"
