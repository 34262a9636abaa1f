"""Nothing lost on a real archive: whatever one document's rows hold, storing
them either succeeds or turns that document into an errors row, and the batch
goes on; inputs that are no files, or lie outside what was given, are accounted
for without being read; an output folder is never read back in; a full disk or
a read-only folder is one line and exit code 2."""
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import batch, store
from pipeline.ingest.common import readable_path, table_path
from pipeline.models import Award, DocumentInfo, ExtractionResult

ROOT = Path(__file__).resolve().parent.parent
GOOD = ("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh, năm 2022 có 21 tập thể "
        "và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.\n")
HUGE = ("Khối lượng của Trái Đất khoảng 5.980.000.000.000.000.000.000 tấn, theo Quyết định số "
        "15/QĐ-UBND ngày 02/01/2023 của Ủy ban nhân dân tỉnh.\n")


def read(out: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{table}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.mark.slow
def test_a_figure_beyond_64_bits_is_stored_exactly_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_huge.txt").write_text(HUGE, encoding="utf-8")
    (src / "b_good.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    batch.run([str(src)], str(out), workers=1, quiet=True)
    docs = read(out, "documents")
    assert sorted(docs.status) == ["ok", "ok"]
    figures = read(out, "figures")
    huge = figures[figures.value_exact != ""]
    assert list(huge.value_exact) == ["5980000000000000000000"]
    assert float(huge.value.iloc[0]) == pytest.approx(5.98e21)
    # compared correctly: the stored number orders as the exact one does
    con = sqlite3.connect(out / store.DB_NAME)
    assert con.execute("SELECT value > 9.2e18 FROM figures WHERE value_exact != ''").fetchone() == (1,)
    con.close()
    assert len(read(out, "citations")) == 2          # both documents' rows are there
    assert len(read(out, "awards")) == 2


def _serial_with(monkeypatch, results: dict):
    """batch.process_file answering ``results[name]`` for the files named so."""
    real = batch.process_file

    def fake(path, data=None, ocr=None):
        make = results.get(Path(path).name)
        return make(path) if make else real(path, data, ocr)
    monkeypatch.setattr(batch, "process_file", fake)


def _rows(path: str, **award) -> ExtractionResult:
    doc_id = batch._doc_id_of(path)
    doc = DocumentInfo(doc_id=doc_id, source_path=path, format="txt")
    return ExtractionResult(document=doc, awards=[Award(doc_id=doc_id, start=0, end=3, text="abc", page=None,
                                                         sentence="abc", **award)])


@pytest.mark.slow
def test_rows_the_store_refuses_become_an_errors_row_and_the_batch_goes_on(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a_any_number.txt", "b_unbindable.txt", "c_good.txt"):
        (src / name).write_text(name + "\n" + GOOD, encoding="utf-8")
    _serial_with(monkeypatch, {
        # any number, any text: stored (the count beyond 64 bits has no exact column: empty)
        "a_any_number.txt": lambda p: _rows(p, count=10 ** 30, recipients="x\udce1y"),
        # a value no table can hold (a reader bug): the document becomes an errors row
        "b_unbindable.txt": lambda p: _rows(p, recipients=["not", "text"]),
    })
    out = tmp_path / "out"
    summary = batch.run([str(src)], str(out), engine="serial", quiet=True)
    assert summary.documents == 3
    docs = read(out, "documents").set_index(read(out, "documents").source_path.map(lambda s: Path(s).name))
    assert docs.loc["a_any_number.txt", "status"] == "ok"
    assert docs.loc["b_unbindable.txt", "status"] == "error"
    assert "could not be stored" in docs.loc["b_unbindable.txt", "error"]
    assert docs.loc["c_good.txt", "status"] == "ok"
    errors = read(out, "errors")
    assert list(errors.stage) == ["store"]
    awards = read(out, "awards")
    assert "x\\xe1y" in set(awards.recipients)          # the stray byte kept, escaped
    assert len(read(out, "citations")) == 1             # the good document's citation


@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_is_kept_losslessly_and_shown_readably(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    name = os.fsdecode(b"b\xe1o c\xe1o.txt")              # cp1258 bytes, as copied from Windows
    (src / name).write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    batch.run([str(src)], str(out), workers=1, quiet=True)
    docs = read(out, "documents")
    stored = docs.source_path.iloc[0]
    assert stored.endswith("b\\xe1o c\\xe1o.txt") and docs.status.iloc[0] == "ok"
    assert os.fsencode(str(src / name)).decode("utf-8", "backslashreplace") == stored     # lossless
    assert readable_path(stored).endswith("báo cáo.txt")
    assert len(read(out, "citations")) == 1


def test_control_characters_in_a_name_stay_on_one_line():
    assert table_path("a\r=HYPERLINK(1).txt") == "a\\x0d=HYPERLINK(1).txt"
    assert table_path("/x/Báo cáo.txt") == "/x/Báo cáo.txt"


@pytest.mark.slow
def test_an_output_folder_inside_the_input_is_never_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "report.txt").write_text(GOOD, encoding="utf-8")
    out = src / "out"
    for _ in range(2):
        batch.run([str(src)], str(out), workers=1, quiet=True)
    (out / "report.html").write_text("<html><body>Chỉ thị số 99/CT-UBND</body></html>", encoding="utf-8")
    # another tdkt output folder inside the input is left alone too
    other = src / "old-run"
    shutil.copytree(out, other)
    batch.run([str(src)], str(out), workers=1, quiet=True)
    docs = read(out, "documents")
    assert [Path(p).name for p in docs.source_path] == ["report.txt"]
    assert read(out, "errors").empty


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
@pytest.mark.slow
def test_fifos_devices_and_links_get_an_errors_row_and_are_not_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(src / "pipe.txt")                          # reading it would block forever
    os.symlink("/dev/zero", src / "zero.txt")            # reading it would never end
    os.symlink(src / "loop_b.txt", src / "loop_a.txt")
    os.symlink(src / "loop_a.txt", src / "loop_b.txt")
    outside = tmp_path / "secret"                        # a file that is no report (as /etc/passwd)
    outside.write_text(GOOD.replace("12/CT-UBND", "77/CT-UBND"), encoding="utf-8")
    os.symlink(outside, src / "leak.txt")                # named as a report: still not read
    out = tmp_path / "out"
    batch.run([str(src)], str(out), workers=1, quiet=True, timeout=30)
    errors = read(out, "errors").set_index(read(out, "errors").source_path.map(lambda s: Path(s).name))
    assert "fifo" in errors.loc["pipe.txt", "error"].lower()
    assert "out of the folder" in errors.loc["zero.txt", "error"]
    assert "loop" in errors.loc["loop_a.txt", "error"].lower()
    assert "out of the folder" in errors.loc["leak.txt", "error"]
    numbers = set(read(out, "citations").number)
    assert numbers == {"12/CT-UBND"}                     # the secret was not read
    batch.run([str(src)], str(out), workers=1, quiet=True, timeout=30, follow_links=True)
    assert "77/CT-UBND" in set(read(out, "citations").number)
    errors = read(out, "errors").set_index(read(out, "errors").source_path.map(lambda s: Path(s).name))
    assert "device" in errors.loc["zero.txt", "error"]   # followed, and still not read


def test_a_folder_of_links_to_reports_kept_elsewhere_is_read(tmp_path):
    """How an archive stages a selection: links to the reports, not copies."""
    kept = tmp_path / "archive"
    kept.mkdir()
    (kept / "a.md").write_text(GOOD, encoding="utf-8")
    (kept / "sub").mkdir()
    (kept / "sub" / "b.txt").write_text(GOOD.replace("12/CT-UBND", "13/CT-UBND"), encoding="utf-8")
    src = tmp_path / "selection"
    src.mkdir()
    os.symlink(kept / "a.md", src / "a.md")
    os.symlink(kept / "sub", src / "sub")                # a folder out of the selection: not walked
    out = tmp_path / "out"
    batch.run([str(src)], str(out), workers=1, quiet=True)
    docs = read(out, "documents")
    assert [Path(p).name for p in docs.source_path] == ["a.md"] and list(docs.status) == ["ok"]
    assert set(read(out, "citations").number) == {"12/CT-UBND"}
    errors = read(out, "errors")
    assert [Path(p).name for p in errors.source_path] == ["sub"]
    assert "out of the folder" in errors.error.iloc[0]


def _unshare_ok() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null || "
                           "mount -t tmpfs -o size=64k tmpfs \"$TMPDIR\""], capture_output=True,
                          env={**os.environ, "TMPDIR": "/tmp"}).returncode == 0


def _tdkt_in_namespace(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """``script`` in a private mount namespace (as root there: mounts allowed,
    nothing seen outside), with $TDKT running the CLI of this checkout."""
    env = {**os.environ, "TDKT": f"{sys.executable} -m pipeline.cli", "PYTHONPATH": str(ROOT)}
    return subprocess.run(["unshare", "-rm", "sh", "-ec", script], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)


@pytest.mark.skipif(not _unshare_ok(), reason="needs `unshare -rm` (user and mount namespaces)")
def test_a_full_disk_is_one_line_and_exit_code_2(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(30):
        (src / f"r{i:02}.txt").write_text(GOOD * 40 + f"Báo cáo số {i}.\n", encoding="utf-8")
    (tmp_path / "full").mkdir()
    proc = _tdkt_in_namespace("mount -t tmpfs -o size=96k tmpfs full; "
                              "$TDKT extract in --out full/out --workers 1 --quiet", tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "cannot write" in lines[0] and "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.skipif(not _unshare_ok(), reason="needs `unshare -rm` (user and mount namespaces)")
@pytest.mark.slow
def test_a_read_only_output_folder_is_one_line_and_the_audit_commands_still_read_it(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "r.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    batch.run([str(src)], str(out), workers=1, quiet=True)
    proc = _tdkt_in_namespace(
        "mount --bind out out; mount -o remount,bind,ro out; "
        "set +e; $TDKT extract in --out out --fresh --quiet; echo \"extract=$?\"; "
        "$TDKT registry --out out; echo \"registry=$?\"; "
        "$TDKT check --out out; echo \"check=$?\"; "
        "$TDKT compare --out out --quiet; echo \"compare=$?\"", tmp_path)
    assert "extract=2" in proc.stdout, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "12/CT-UBND" in proc.stdout                   # the registry was read and listed
    for command in ("registry", "check", "compare"):
        assert f"{command}=2" in proc.stdout or f"{command}=0" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.slow
def test_a_docx_whose_xml_would_take_gigabytes_is_refused_at_once(tmp_path):
    """Under the zip-bomb limits (a plausible ratio, 200 MB in all) but 60 MB of
    XML: parsed, it took a worker to 3.6 GB; now an errors row, in seconds."""
    import random
    import zipfile

    from pipeline.api import extract_file
    rng = random.Random(1)
    words = "Ủy ban nhân dân tỉnh Chỉ thị số 12/CT-UBND thi đua khen thưởng tập thể cá nhân".split()
    path = tmp_path / "huge.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            paragraph = "".join(f"<w:p><w:r><w:t>{' '.join(rng.choices(words, k=12))}</w:t></w:r></w:p>"
                                for _ in range(2000)).encode()
            for _ in range(60 * 1024 * 1024 // len(paragraph) + 1):
                f.write(paragraph)
    result = extract_file(str(path))
    assert result.document.status == "error"
    assert "XML would uncompress to" in result.document.error     # refused before parsing


def test_the_failed_file_list_shows_a_name_that_is_not_utf8_readably(tmp_path, capsys):
    from pipeline.commands import list_failures
    stored = table_path(os.fsdecode(b"/in/b\xe1o c\xe1o.pdf"))
    list_failures([(stored, "not a valid PDF")], "out")
    assert "  /in/báo cáo.pdf: not a valid PDF" in capsys.readouterr().err
