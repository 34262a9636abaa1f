"""Hostile input: each bad file gives an errors row with a clear reason, never a
crash, a hang or a lost batch; the good files around them keep their rows."""
import random
from pathlib import Path

import pandas as pd
import pytest

from builders import zip_bomb
from pipeline import batch

ROOT = Path(__file__).resolve().parent.parent
RENDERED = ROOT / "corpus" / "rendered"
GOOD = "Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh về phát động thi đua.\n"
SENTENCE = ("Ủy ban nhân dân tỉnh đã tổ chức hội nghị tổng kết công tác thi đua, khen thưởng năm 2023 với sự "
            "tham gia của các sở, ban, ngành. Các đơn vị đã quán triệt tinh thần của phong trào thi đua. ")


def read(out: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{table}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def encrypted_pdf(path: Path) -> None:
    """A PDF that needs a password to open (fpdf2 is in the test extras: never skipped)."""
    import fpdf
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "secret text")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(path))


# file name -> fragments one of which the errors row must contain (lower case)
EXPECTED = {
    "empty.txt": ["empty"],
    "random bytes.pdf": ["not a valid pdf"],
    "random bytes.docx": ["not a valid .docx", "not a word"],
    "truncated.docx": ["corrupt or truncated", "not a valid .docx"],
    "truncated.pdf": ["damaged or truncated", "not a valid pdf"],
    "encrypted.pdf": ["encrypted", "password"],
    "zip bomb.docx": ["limit", "too large", "uncompressed"],
    "invalid utf-8.txt": ["invalid byte sequence"],
    "deleted while running.txt": ["cannot open file", "no such file"],
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    rnd = random.Random(7)
    (d / "empty.txt").write_bytes(b"")
    (d / "random bytes.pdf").write_bytes(rnd.randbytes(20000))
    (d / "random bytes.docx").write_bytes(rnd.randbytes(20000))
    docx = (RENDERED / "002_03026f8b928707b4.docx").read_bytes()
    (d / "truncated.docx").write_bytes(docx[: len(docx) // 2])
    pdf = (RENDERED / "002_03026f8b928707b4.pdf").read_bytes()
    (d / "truncated.pdf").write_bytes(pdf[: len(pdf) * 3 // 4])
    encrypted_pdf(d / "encrypted.pdf")
    zip_bomb(d / "zip bomb.docx")
    (d / "invalid utf-8.txt").write_bytes(GOOD.encode() + b"\xff\xfe\xc3\x28 \xa0\xa1 " +
                                          "Nghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ.".encode())
    (d / "deleted while running.txt").write_text(GOOD.replace("12/CT", "13/CT"), encoding="utf-8")
    viet = d / "Báo cáo tổng kết năm 2023" / "Quyết định khen thưởng đợt 1.txt"
    viet.parent.mkdir()
    viet.write_text(GOOD + "Có 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.\n",
                    encoding="utf-8")
    (d / "good.docx").write_bytes((RENDERED / "000_749e481ad73445fb.docx").read_bytes())
    return d, dict(EXPECTED)


@pytest.fixture(scope="module")
def hostile_out(hostile, tmp_path_factory):
    d, _ = hostile
    out = tmp_path_factory.mktemp("hostile_out")
    discover = batch.discover

    def discover_then_delete(paths, **options):
        found = discover(paths, **options)
        (d / "deleted while running.txt").unlink()       # gone after it was listed
        return found
    mp = pytest.MonkeyPatch()
    mp.setattr(batch, "discover", discover_then_delete)
    try:
        summary = batch.run([str(d)], str(out), workers=2, timeout=60, quiet=True)
    finally:
        mp.undo()
    return out, summary


@pytest.mark.slow
def test_every_hostile_file_has_an_errors_row_with_a_clear_reason(hostile, hostile_out):
    _, expected = hostile
    out, summary = hostile_out
    errors = read(out, "errors")
    by_name = {Path(p).name: e for p, e in zip(errors.source_path, errors.error)}
    for name, fragments in expected.items():
        assert name in by_name, f"{name}: no errors row"
        reason = by_name[name]
        assert reason and "\n" not in reason and len(reason) <= 300
        assert any(f in reason.lower() for f in fragments), (name, reason)
    assert set(by_name) == set(expected), set(by_name) ^ set(expected)
    assert summary.errors == len(expected)


@pytest.mark.slow
def test_the_good_files_keep_their_rows(hostile_out):
    out, _ = hostile_out
    docs = read(out, "documents")
    status = {Path(p).name: s for p, s in zip(docs.source_path, docs.status)}
    assert status["Quyết định khen thưởng đợt 1.txt"] == "ok"
    assert status["good.docx"] == "ok"
    assert status["invalid utf-8.txt"] == "ok"               # read, with the bad bytes replaced
    cites = read(out, "citations")
    viet = docs[docs.source_path.str.endswith("đợt 1.txt")].doc_id.iloc[0]
    assert "Báo cáo tổng kết năm 2023" in docs[docs.doc_id == viet].source_path.iloc[0]
    assert list(cites[cites.doc_id == viet].number) == ["12/CT-UBND"]
    awards = read(out, "awards")
    assert sorted(awards[awards.doc_id == viet]["count"]) == ["21", "25"]
    bad_utf8 = docs[docs.source_path.str.endswith("invalid utf-8.txt")].doc_id.iloc[0]
    assert sorted(cites[cites.doc_id == bad_utf8].number) == ["12/CT-UBND", "91/2017/NĐ-CP"]
    assert len(cites[cites.doc_id == docs[docs.source_path.str.endswith("good.docx")].doc_id.iloc[0]]) > 5


@pytest.mark.slow
def test_a_rerun_retries_only_what_failed(hostile, hostile_out):
    d, expected = hostile
    out, _ = hostile_out
    again = batch.run([str(d)], str(out), workers=2, timeout=60, quiet=True)
    # the readable files are skipped (invalid utf-8.txt too: read, with a warning); those in
    # error are read again (and fail again);
    # the deleted file is no longer listed, its rows of the first run stay
    assert (again.skipped, again.documents, again.errors) == (3, len(expected) - 2, len(expected) - 2)
    errors = read(out, "errors")
    assert sorted(Path(p).name for p in errors.source_path) == sorted(expected)


@pytest.mark.slow
def test_a_100_mb_text_without_line_breaks(tmp_path):
    """Finishes in reasonable time and memory: sentences are capped (segment.MAX_SENTENCE)."""
    import time
    d = tmp_path / "in"
    d.mkdir()
    big = d / "one line.txt"
    unit = SENTENCE.encode("utf-8")
    with open(big, "wb") as f:
        f.write(GOOD.strip().encode("utf-8") + b" ")
        f.write(unit * (100_000_000 // len(unit)))
    (d / "small.txt").write_text(GOOD, encoding="utf-8")
    assert big.stat().st_size >= 99_000_000
    t0 = time.time()
    summary = batch.run([str(d)], str(tmp_path / "out"), workers=2, timeout=600, quiet=True)
    seconds = time.time() - t0
    assert summary.documents == 2 and summary.errors == 0
    assert seconds < 400, seconds
    docs = read(tmp_path / "out", "documents")
    assert list(docs.status) == ["ok", "ok"]
    cites = read(tmp_path / "out", "citations")
    assert list(cites.number) == ["12/CT-UBND", "12/CT-UBND"]
    assert cites.sentence.str.len().max() <= 3000
