"""Inputs archives hold: every file inside a folder is accounted for (a kind
that is not read is an errors row, unread); scanned images are read by OCR
(a TIFF's frames as pages) or are ``needs_ocr``; a .zip is read as a folder,
its members named ``archive.zip/inner/path``, with the zip-bomb limits, unsafe
names, encrypted members and deep nesting as errors rows."""
import hashlib
import io
import os
import random
import struct
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline import batch
from pipeline.ingest import read_source, zip_reader
from pipeline.ingest.common import readable_path

ROOT = Path(__file__).resolve().parent.parent
RENDERED = ROOT / "corpus" / "rendered"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
GOOD = ("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh, năm 2022 có 21 tập thể "
        "và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.\n")
PAGE_1 = ("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh về phát động phong "
          "trào thi đua năm 2022, Ủy ban nhân dân huyện báo cáo kết quả như sau.")
PAGE_2 = ("Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ, năm 2022 có 21 tập thể và "
          "25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.")


def read(out: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{table}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def sha16(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def accounted(out: Path) -> set[str]:
    docs, errors = read(out, "documents"), read(out, "errors")
    also = {p for a in docs.also_at for p in a.split("; ") if p}
    return set(docs.source_path) | also | set(errors.source_path)


# ---------------------------------------------------------------- every file in a folder

def test_every_file_inside_a_folder_is_a_document_or_an_errors_row(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "report.txt").write_text(GOOD, encoding="utf-8")
    (src / "sheet.numbers").write_bytes(b"PK\x03\x04 a spreadsheet")
    (src / "scan.png").write_bytes(random.Random(3).randbytes(4000))     # random bytes named .png
    (src / "slides.pptx").write_bytes(b"PK\x03\x04 slides")
    (src / "sub" / "README").write_text("no extension", encoding="utf-8")
    (src / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")                      # hidden: OS junk
    (src / ".hidden").mkdir()
    (src / ".hidden" / "old.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    summary = batch.run([str(src)], str(out), workers=1, quiet=True)
    visible = {str(src / n) for n in ("report.txt", "sheet.numbers", "scan.png", "slides.pptx", "sub/README")}
    assert accounted(out) == visible                                      # hidden files: no row
    errors = read(out, "errors").set_index("source_path").error
    assert errors[str(src / "sheet.numbers")] == "unsupported format: .numbers (an Apple Numbers spreadsheet; save it as .xlsx or .ods)"
    assert errors[str(src / "slides.pptx")] == "unsupported format: .pptx (a presentation)"
    assert errors[str(src / "sub/README")] == "unsupported format: file has no extension"
    assert "not a valid image" in errors[str(src / "scan.png")]
    docs = read(out, "documents").set_index("source_path")
    assert docs.status[str(src / "report.txt")] == "ok"
    assert docs.status[str(src / "scan.png")] == "error"                 # read: it is a kind that is
    assert str(src / "sheet.numbers") not in docs.index                      # the others are not read
    assert summary.errors == 4
    assert list(read(out, "citations").number) == ["12/CT-UBND"]


def test_unsupported_kinds_are_named_without_being_read(tmp_path, monkeypatch):
    (tmp_path / "a.numbers").write_bytes(b"x")
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    opened = []
    real_open = open

    def spy(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr("builtins.open", spy)
    files, errors = batch.discover([str(tmp_path)])
    monkeypatch.undo()
    assert files == [str(tmp_path / "b.txt")]
    assert [(e.source_path, e.error) for e in errors] == [
        (str(tmp_path / "a.numbers"), "unsupported format: .numbers (an Apple Numbers spreadsheet; save it as .xlsx or .ods)")]
    assert not opened


# ---------------------------------------------------------------- scanned images

def _ocr_ready() -> str:
    from pipeline.ingest import ocr
    if not FONT.exists():
        return f"no font with Vietnamese glyphs ({FONT})"
    return ocr.check()


def _page(text: str):
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.truetype(str(FONT), 40)           # about 12 pt at 300 dpi
    image = Image.new("L", (2480, 900), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(textwrap.wrap(text, 70)):
        draw.text((150, 120 + 60 * i), line, font=font, fill=0)
    return image


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    why = _ocr_ready()
    if why:
        pytest.skip(why)
    d = tmp_path_factory.mktemp("scans")
    one, two = _page(PAGE_1), _page(PAGE_2)
    one.convert("RGB").save(d / "scan.jpg", quality=90, dpi=(300, 300))
    one.save(d / "two pages.tif", save_all=True, append_images=[two], dpi=(300, 300),
             compression="tiff_lzw")
    return d


@pytest.mark.slow
def test_scanned_images_need_ocr_and_are_read_with_it(scans, tmp_path):
    out = tmp_path / "out"
    batch.run([str(scans)], str(out), workers=1, quiet=True)
    docs = read(out, "documents").set_index(read(out, "documents").source_path.map(lambda p: Path(p).name))
    assert set(docs.status) == {"needs_ocr"}
    assert docs.n_pages["two pages.tif"] == "2" and docs.format["scan.jpg"] == "image"
    errors = read(out, "errors")
    assert len(errors) == 2 and all("run with --ocr" in e for e in errors.error)
    assert read(out, "citations").empty

    # the same store, now with --ocr: the documents stored as needs_ocr are read again
    summary = batch.run([str(scans)], str(out), workers=1, quiet=True, ocr=True)
    assert summary.errors == 0
    docs = read(out, "documents").set_index(read(out, "documents").source_path.map(lambda p: Path(p).name))
    assert set(docs.status) == {"ok"}
    assert float(docs.ocr_confidence["two pages.tif"]) > 80
    assert docs.n_pages["two pages.tif"] == "2" and docs.n_pages["scan.jpg"] == "1"
    cites = read(out, "citations")
    tif = cites[cites.doc_id == docs.doc_id["two pages.tif"]]
    assert dict(zip(tif.number, tif.page)) == {"12/CT-UBND": "1", "91/2017/NĐ-CP": "2"}
    jpg = cites[cites.doc_id == docs.doc_id["scan.jpg"]]
    assert list(jpg.number) == ["12/CT-UBND"] and list(jpg.page) == ["1"]
    awards = read(out, "awards")
    tif_awards = awards[awards.doc_id == docs.doc_id["two pages.tif"]]
    assert sorted(tif_awards["count"]) == ["21", "25"] and set(tif_awards.page) == {"2"}
    assert read(out, "errors").empty


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded(tmp_path):
    from PIL import Image
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(bomb)          # 400 megapixels in about 50 KB
    assert bomb.stat().st_size < 100_000
    for ocr in (False, True):
        result = read_source(str(bomb), ocr=ocr)
        assert result.status == "error"
        assert "refused" in result.error and "megapixels" in result.error and "decompression bomb" in result.error


def test_a_photo_taken_sideways_is_turned_upright_as_its_exif_says(tmp_path):
    from PIL import Image

    from pipeline.ingest.image_reader import _upright
    exif = Image.Exif()
    exif[0x0112] = 6                                   # "turn 90 degrees clockwise to show"
    Image.new("L", (300, 200), 255).save(tmp_path / "photo.jpg", exif=exif)
    with Image.open(tmp_path / "photo.jpg") as photo:
        assert _upright(photo).size == (200, 300)
    Image.new("L", (300, 200), 255).save(tmp_path / "plain.jpg")
    with Image.open(tmp_path / "plain.jpg") as plain:
        assert _upright(plain) is plain


def test_a_file_that_is_no_image_says_what_it_is(tmp_path):
    (tmp_path / "scan.jpg").write_bytes(b"%PDF-1.4\n" + b"x" * 100)
    result = read_source(str(tmp_path / "scan.jpg"))
    assert result.status == "error" and result.error == "not a valid image (the file is a PDF file)"


# ---------------------------------------------------------------- zip archives

def _flag_encrypted(data: bytes, name: str) -> bytes:
    """Set the 'encrypted' bit of member ``name`` (local header and central directory)."""
    data = bytearray(data)
    for sig, flag_at, name_len_at, header in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
        i = data.find(sig)
        while i >= 0:
            n = struct.unpack_from("<H", data, i + name_len_at)[0]
            if bytes(data[i + header:i + header + n]) == name.encode():
                struct.pack_into("<H", data, i + flag_at, struct.unpack_from("<H", data, i + flag_at)[0] | 1)
            i = data.find(sig, i + 4)
    return bytes(data)


def _zip_bytes(members: dict, method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    d = tmp_path_factory.mktemp("zipped")
    docx = (RENDERED / "000_749e481ad73445fb.docx").read_bytes()
    report = GOOD.replace("12/CT-UBND", "13/CT-UBND").encode()
    inner = _zip_bytes({"deep.txt": GOOD.replace("12/CT-UBND", "15/CT-UBND").encode(),
                        "deeper.zip": _zip_bytes({"x.txt": b"x"})})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("báo cáo.txt", report)
        z.writestr("Năm 2022/quyết định.docx", docx)
        z.writestr("same as outside.txt", GOOD.encode())
        z.writestr("data.numbers", b"PK\x03\x04")
        z.writestr("../evil.txt", GOOD.replace("12/CT-UBND", "66/CT-UBND").encode())
        z.writestr("/etc/evil.txt", GOOD.replace("12/CT-UBND", "67/CT-UBND").encode())
        z.writestr("secret.txt", GOOD.replace("12/CT-UBND", "68/CT-UBND").encode())
        z.writestr("inner.zip", inner)
        z.writestr("__MACOSX/._báo cáo.txt", b"\0\5\26\7")                  # OS junk
        z.writestr(".DS_Store", b"junk")
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = 0o120777 << 16                                 # a symbolic link
        z.writestr(link, "/etc/passwd")
        z.writestr("cXng vXn.txt", GOOD.replace("12/CT-UBND", "14/CT-UBND").encode())
    data = _flag_encrypted(buf.getvalue(), "secret.txt")
    # a name in cp1258 bytes, not flagged UTF-8 (as old Windows zip tools write it)
    data = data.replace(b"cXng vXn.txt", b"c\xf4ng v\xe3n.txt")
    (d / "x.zip").write_bytes(data)
    (d / "outside.txt").write_text(GOOD, encoding="utf-8")
    (d / "broken.zip").write_bytes(random.Random(5).randbytes(3000))
    (d / "empty.zip").write_bytes(_zip_bytes({".DS_Store": b"x"}))
    return d, docx, report


@pytest.fixture(scope="module")
def archive_out(archive, tmp_path_factory):
    d, _, _ = archive
    out = tmp_path_factory.mktemp("zipped_out")
    summary = batch.run([str(d)], str(out), workers=1, quiet=True)
    return out, summary


def test_a_zip_is_read_as_a_folder(archive, archive_out):
    d, docx, report = archive
    out, _ = archive_out
    z = str(d / "x.zip")
    docs = read(out, "documents").set_index("source_path")
    assert docs.status[f"{z}/báo cáo.txt"] == "ok"
    assert docs.status[f"{z}/Năm 2022/quyết định.docx"] == "ok"            # in a subfolder of the zip
    assert docs.doc_id[f"{z}/báo cáo.txt"] == sha16(report)                 # its own bytes' doc_id
    assert docs.doc_id[f"{z}/Năm 2022/quyết định.docx"] == sha16(docx)
    assert docs.status[f"{z}/inner.zip/deep.txt"] == "ok"                  # a zip in the zip: read
    cites = read(out, "citations")
    by_doc = cites.groupby("doc_id").number.apply(set)
    assert by_doc[sha16(report)] == {"13/CT-UBND"}
    assert len(by_doc[sha16(docx)]) > 5
    assert by_doc[docs.doc_id[f"{z}/inner.zip/deep.txt"]] == {"15/CT-UBND"}
    # the same bytes inside and outside the archive: one document, the other path in also_at
    same = docs.loc[[p for p in docs.index if p.endswith("outside.txt")]]
    assert len(same) == 1 and same.also_at.iloc[0] in (f"{z}/same as outside.txt", str(d / "outside.txt"))
    # a name that is not UTF-8 is kept losslessly and shown as cp1258
    odd = [p for p in docs.index if "ng v" in p]
    assert odd == [f"{z}/c\\xf4ng v\\xe3n.txt"] and readable_path(odd[0]).endswith("x.zip/công văn.txt")
    assert {"66/CT-UBND", "67/CT-UBND", "68/CT-UBND"}.isdisjoint(set(cites.number))   # never read


def test_what_a_zip_holds_and_is_not_read_gets_an_errors_row(archive, archive_out):
    d, _, _ = archive
    out, summary = archive_out
    z = str(d / "x.zip")
    errors = read(out, "errors").set_index("source_path").error
    assert errors[f"{z}/data.numbers"] == "unsupported format: .numbers (an Apple Numbers spreadsheet; save it as .xlsx or .ods)"
    assert "unsafe name" in errors[f"{z}/../evil.txt"]
    assert "unsafe name" in errors[f"{z}//etc/evil.txt"]
    assert "encrypted" in errors[f"{z}/secret.txt"]
    assert "symbolic link" in errors[f"{z}/link.txt"]
    assert "one level of nesting" in errors[f"{z}/inner.zip/deeper.zip"]
    assert "not a valid zip archive" in errors[str(d / "broken.zip")]
    assert "holds no files" in errors[str(d / "empty.zip")]
    assert len(errors) == 8 and summary.errors == 8                        # junk members: no row
    assert not any("MACOSX" in p or "DS_Store" in p for p in accounted(out))


def test_a_rerun_skips_zip_members_already_stored(archive, archive_out):
    d, _, _ = archive
    out, first = archive_out
    again = batch.run([str(d)], str(out), workers=1, quiet=True)
    assert again.documents == 0 and again.skipped == first.documents + first.duplicates
    assert len(read(out, "errors")) == 8                                   # not duplicated


def test_zip_bombs_are_refused_and_the_good_members_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    with zipfile.ZipFile(src / "bombs.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("report.txt", GOOD, compress_type=zipfile.ZIP_DEFLATED)
        with z.open("huge.txt", "w", force_zip64=True) as f:          # 300 MB of spaces, 0.3 MB stored
            block = b" " * (1 << 20)
            for _ in range(300):
                f.write(block)
        z.writestr("dense.txt", b"\0" * (20 << 20), compress_type=zipfile.ZIP_BZIP2)   # ratio > 10,000:1
    assert (src / "bombs.zip").stat().st_size < 1_000_000
    files, errors = batch.discover([str(src)])
    z = str(src / "bombs.zip")
    assert files == [f"{z}/report.txt"]
    why = {e.source_path: e.error for e in errors}
    assert "refused" in why[f"{z}/huge.txt"] and "300 MB" in why[f"{z}/huge.txt"]
    assert "zip bomb" in why[f"{z}/dense.txt"]
    # reading a refused member by its path is refused too (a worker never trusts the listing)
    result = batch.process_file(f"{z}/dense.txt")
    assert result.document.status == "error" and "zip bomb" in result.errors[0].error


def test_an_archive_over_the_total_limit_is_one_errors_row(tmp_path, monkeypatch):
    (tmp_path / "a.zip").write_bytes(_zip_bytes({"one.txt": GOOD.encode(), "two.txt": GOOD.encode() * 2}))
    monkeypatch.setattr(zip_reader, "MAX_TOTAL", 300)
    files, errors = batch.discover([str(tmp_path)])
    assert files == [] and len(errors) == 1
    assert errors[0].source_path == str(tmp_path / "a.zip") and "refused" in errors[0].error


def test_process_file_reads_a_member_as_the_cluster_ships_bytes(tmp_path):
    report = GOOD.replace("12/CT-UBND", "13/CT-UBND").encode()
    (tmp_path / "a.zip").write_bytes(_zip_bytes({"sub/r.txt": report}))
    path = str(tmp_path / "a.zip" / "sub" / "r.txt")
    assert not os.path.exists(path) and zip_reader.is_member(path)
    assert zip_reader.read_input(path) == report and zip_reader.size_of(path) == len(report)
    from_path = batch.process_file(path)
    from_bytes = batch.process_file(path, data=zip_reader.read_input(path))
    for result in (from_path, from_bytes):
        assert result.document.source_path == path and result.document.status == "ok"
        assert result.document.doc_id == sha16(report)
        assert [c.number for c in result.citations] == ["13/CT-UBND"]
    missing = batch.process_file(str(tmp_path / "a.zip" / "sub" / "gone.txt"))
    assert missing.document.status == "error" and "no file sub/gone.txt" in missing.errors[0].error
