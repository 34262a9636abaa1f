"""`tdkt extract` exit statuses (0 all read, 1 some inputs failed, 2 usage or
unusable output, 3 output locked), the closing list of the files that failed,
`--quiet`, a subcommand's own usage on a wrong option, and the install hints."""
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import batch, commands
from pipeline.cli import main


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """These tests read the English messages (TDKT_LANG=en); Vietnamese is the
    default, tested in tests/test_cli_exit.py and tests/test_messages.py."""
    monkeypatch.setenv("TDKT_LANG", "en")


ROOT = Path(__file__).resolve().parent.parent
GOOD = "Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh.\n"


def extract(capsys, *args):
    """`tdkt extract` in this process (serial engine: no worker to start)."""
    code = main(["extract", *map(str, args), "--engine", "serial"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def reports(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    return src


def test_every_file_read_is_0(reports, tmp_path, capsys):
    code, out, err = extract(capsys, reports, "--out", tmp_path / "out")
    assert code == commands.EXIT_OK == 0
    assert "errors in this run: 0" in out and "could not be read" not in err


def test_failed_inputs_are_1_and_listed_even_with_fail_on_none(reports, tmp_path, capsys):
    (reports / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (reports / "empty.txt").write_bytes(b"")
    code, _, err = extract(capsys, reports, tmp_path / "missing.txt", "--out", tmp_path / "out")
    assert code == commands.EXIT_INPUTS_FAILED == 1
    lines = [ln for ln in err.splitlines() if not ln.startswith("[tdkt]")]
    assert lines[0] == f"tdkt extract: 3 file(s) could not be read in this run (errors.csv in {tmp_path / 'out'} " \
                       f"lists every reason):"
    listed = {ln.split(": ", 1)[0].strip(): ln.split(": ", 1)[1] for ln in lines[1:]}
    assert set(listed) == {str(reports / "broken.pdf"), str(reports / "empty.txt"), str(tmp_path / "missing.txt")}
    assert "no such file or folder" in listed[str(tmp_path / "missing.txt")]
    # the same inputs again (files that failed are read again): listed, and status 0 with --fail-on none
    code, _, err = extract(capsys, reports, tmp_path / "missing.txt", "--out", tmp_path / "out", "--fail-on", "none")
    assert code == 0 and "3 file(s) could not be read in this run" in err and "missing.txt" in err


def test_the_list_shows_the_first_20_and_counts_the_rest(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(25):
        (src / f"broken_{i:02}.pdf").write_bytes(b"%PDF-1.4 not really a pdf " + bytes([65 + i]))   # other bytes each
    code, _, err = extract(capsys, src, "--out", tmp_path / "out", "--quiet")
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("tdkt extract: 25 file(s) could not be read in this run")
    assert [ln.split(": ")[0].strip() for ln in lines[1:21]] == [str(src / f"broken_{i:02}.pdf") for i in range(20)]
    assert all("PDF" in ln.split(": ", 1)[1] for ln in lines[1:21])
    assert lines[21:] == ["  ... and 5 more"]


def test_list_failures_groups_reasons_by_file_on_one_line():
    stream = io.StringIO()
    commands.list_failures([("b.pdf", "not a valid PDF\n(damaged)"), ("a.txt", "empty file"),
                            ("b.pdf", "second reason"), ("b.pdf", "second reason")], "OUT", stream=stream)
    assert stream.getvalue().splitlines() == [
        "tdkt extract: 2 file(s) could not be read in this run (errors.csv in OUT lists every reason):",
        "  a.txt: empty file",
        "  b.pdf: not a valid PDF (damaged); second reason"]
    quiet = io.StringIO()
    commands.list_failures([], "OUT", stream=quiet)
    assert quiet.getvalue() == ""


def test_quiet_prints_only_the_errors(reports, tmp_path, capsys):
    code, out, err = extract(capsys, reports, "--out", tmp_path / "ok", "--quiet")
    assert (code, out, err) == (0, "", "")
    (reports / "empty.txt").write_bytes(b"")
    code, out, err = extract(capsys, reports, "--out", tmp_path / "bad", "--quiet")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"tdkt extract: 1 file(s) could not be read in this run (errors.csv in {tmp_path / 'bad'} lists every reason):",
        f"  {reports / 'empty.txt'}: empty file"]


def test_nothing_to_read_is_2_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "X"
    code, stdout, err = extract(capsys, "/no/such/path", "--out", out)
    assert code == commands.EXIT_USAGE == 2
    assert stdout == "" and err == "tdkt extract: nothing found to read (no such file or folder: /no/such/path)\n"
    assert not out.exists()
    empty = tmp_path / "empty"
    (empty / ".hidden").mkdir(parents=True)
    (empty / ".hidden" / "r.txt").write_text(GOOD, encoding="utf-8")
    (empty / "tdkt-out").mkdir()                      # another run's output folder is never read
    (empty / "tdkt-out" / "registry.sqlite").write_bytes(b"")
    (empty / "tdkt-out" / "citations.csv").write_text("text\n", encoding="utf-8")
    code, _, err = extract(capsys, empty, "/no/such/path", "--out", out)
    assert code == 2 and err == (f"tdkt extract: nothing found to read (no file in {empty}; "
                                 f"no such file or folder: /no/such/path)\n")
    assert not out.exists()


def test_any_file_goes_to_the_batch_which_accounts_for_it(tmp_path, capsys):
    odd = tmp_path / "in" / "notes.xyz"
    odd.parent.mkdir()
    odd.write_text(GOOD, encoding="utf-8")
    for given in (odd, odd.parent):
        code, _, err = extract(capsys, given, "--out", tmp_path / "out")
        assert code in (0, 1) and "nothing found" not in err      # the batch decides, not the pre-check
        assert (tmp_path / "out" / "documents.csv").exists()


def test_an_output_that_is_a_file_is_2(reports, tmp_path, capsys):
    (tmp_path / "out.txt").write_text("x", encoding="utf-8")
    code, _, err = extract(capsys, reports, "--out", tmp_path / "out.txt")
    assert code == 2 and err == f"tdkt extract: the output folder {tmp_path / 'out.txt'} is a file, not a folder\n"
    code, _, err = extract(capsys, reports, "--out", tmp_path / "out.txt" / "sub")
    assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err


def test_a_locked_output_is_3(reports, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with batch._Lock(out):
        code, _, err = extract(capsys, reports, "--out", out)
    assert code == commands.EXIT_LOCKED == 3 and "being written by another tdkt run" in err


def test_a_wrong_option_prints_the_subcommand_usage(capsys):
    for argv, prog in ((["extract", "--bogus", "x", "--out", "y"], "tdkt extract"),
                       (["check", "--out", "y", "--nope"], "tdkt check")):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        err = capsys.readouterr().err
        assert exit_.value.code == 2
        assert err.startswith(f"usage: {prog} ") and f"{prog}: error: unrecognized arguments: {argv[-1] if prog == 'tdkt check' else '--bogus'}" in err


def test_help_lists_the_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        main(["extract", "--help"])
    text = capsys.readouterr().out
    assert "exit status:" in text and "--fail-on {error,none}" in text
    for line in ("  0  every file was read", "  1  some files could not be read", "  2  usage error",
                 "  3  another tdkt run is writing to the output folder"):
        assert line in text, line


def test_an_unreachable_scheduler_is_one_line_and_2(reports, tmp_path):
    pytest.importorskip("distributed")
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    for address in ("tcp://127.0.0.1:1", "nonsense://here"):
        res = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(reports), "--out",
                              str(tmp_path / "out"), "--engine", "dask", "--scheduler", address],
                             cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
        assert res.returncode == 2, res.stderr
        assert res.stderr.startswith(f"tdkt extract: cannot use the Dask scheduler {address}: ")
        assert len(res.stderr.splitlines()) == 1 and not (tmp_path / "out").exists()


def test_install_hints_from_a_checkout_and_from_a_package(monkeypatch):
    from pipeline import rules
    python = os.path.abspath(sys.executable)
    assert rules.checkout_root() == ROOT
    assert commands.install_hint("dask") == f'{python} -m pip install -e "{ROOT}[dask]"'
    assert commands.program_hint("ocr-deps") == f"`make ocr-deps` in {ROOT} (Debian packages tesseract-ocr tesseract-ocr-vie)"
    monkeypatch.setattr(rules, "checkout_root", lambda: None)
    assert commands.install_hint("dask") == f'{python} -m pip install "dask[distributed]>=2024.1"  (the dask extra of tdkt)'
    assert commands.program_hint("office-deps") == "`sudo apt-get install libreoffice-writer-nogui` (Debian)"


def test_the_dask_engine_without_dask_says_how_to_install_it(monkeypatch):
    from pipeline.commands import extract as extract_command
    monkeypatch.setitem(sys.modules, "distributed", None)           # `import distributed` fails
    said = extract_command._connect("tcp://127.0.0.1:8786")
    assert said == f"the dask engine needs dask.distributed, which is not installed: {commands.install_hint('dask')}"


def test_messages_are_vietnamese_by_default(reports, tmp_path, capsys, monkeypatch):
    """What an official reads is Vietnamese unless TDKT_LANG says otherwise."""
    monkeypatch.delenv("TDKT_LANG")
    code, out, err = extract(capsys, "/no/such/path", "--out", tmp_path / "none")
    assert code == 2 and err == ("tdkt extract: không tìm thấy tệp nào để đọc "
                                 "(không có tệp hoặc thư mục: /no/such/path)\n")
    (reports / "empty.txt").write_bytes(b"")
    code, out, err = extract(capsys, reports, "--out", tmp_path / "vi")
    assert code == 1
    assert out.startswith("Đã đọc ") and "Trích dẫn văn bản" in out and "lỗi trong lần chạy này: 1" in out
    assert any(line.startswith("tdkt extract: 1 tệp không đọc được trong lần chạy này") for line in err.splitlines())
