"""The progress of `tdkt extract` (pipeline/progress.py): a line that fits the
terminal and names the current file, no time left before the warm-up and a
right one after, plain lines in a log, nothing when quiet. A fake clock: no
sleeping."""
from __future__ import annotations

import io
import random
import re
import unicodedata

import pytest

from pipeline.models import Citation, DocumentInfo, ErrorRow, ExtractionResult
from pipeline.progress import Progress, RateEstimator, display_name, shorten_middle

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MB = 1_000_000


class Tty(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self, t: float = 0.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def _result(rows: int = 0, errors: int = 0) -> ExtractionResult:
    r = ExtractionResult(document=DocumentInfo(doc_id="d", source_path="x", format="txt"))
    r.citations = [Citation(doc_id="d", start=0, end=1, text="x", page=None, sentence="x")] * rows
    r.errors = [ErrorRow("x", "d", "ingest", "bad")] * errors
    return r


def _columns(text: str) -> int:
    """Display width, as a terminal shows it."""
    text = ANSI.sub("", text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "FW" else 1
               for c in text)


def _screens(shown: str) -> list[str]:
    """Every state of the line: what was written between two carriage returns or newlines."""
    return [s for s in re.split(r"[\r\n]", shown) if s.strip()]


def _path(i: int) -> str:
    return (f"/srv/lưu trữ/2023/Sở Nội vụ/Phòng Thi đua - Khen thưởng/báo cáo tổng kết công tác "
            f"thi đua, khen thưởng năm 2023 của Ủy ban nhân dân huyện Trùng Khánh - tệp {i:03d}.docx")


def _eta(line: str) -> float | None:
    m = re.search(r"còn lại (?:(\d+):)?(\d+):(\d\d)", line)
    if not m:
        return None
    h, mi, s = (int(g) if g else 0 for g in m.groups())
    return h * 3600 + mi * 60 + s


# ------------------------------------------------------------------ a terminal

@pytest.mark.parametrize("columns", [80, 40, 132])
def test_terminal_lines_fit_the_width_and_name_the_file(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    stream, clock = Tty(), Clock()
    p = Progress(n_files=120, n_bytes=120 * MB, stream=stream, clock=clock, every=0)
    names = []
    for i in range(120):
        clock.t += 1
        before = len(stream.getvalue())
        p.update(_result(rows=i % 7, errors=i % 11 == 0), MB, _path(i))
        shown = _screens(stream.getvalue()[before:])
        assert len(shown) == 1, shown             # one redraw, in place: no newline
        line = shown[-1].rstrip()
        assert _columns(shown[-1]) <= columns, (columns, shown[-1])
        if columns >= 80:
            assert f"{i:03d}.docx" in line and "…" in line, line   # the file, shortened in the middle
            names.append(line)
            for part in (f"{i + 1}/120 tệp", " MB", " dòng", " lỗi"):
                assert part in line, (part, line)
    p.close()
    shown = stream.getvalue()
    assert shown.endswith("\n") and shown.count("\n") == 1
    assert all(_columns(s) <= columns for s in _screens(shown))
    last = _screens(shown)[-1]
    assert "120/120 tệp" in last and "còn lại 0:00" in last
    if columns >= 80:
        assert "120,0/120,0 MB" in last and "357 dòng" in last and "11 lỗi" in last
    if columns >= 132:
        assert "MB/s" in last and "100%|" in last       # room for the rate and a bar


def test_terminal_names_odd_files_safely(monkeypatch):
    """Wide characters count two columns; control characters in a name do not
    reach the terminal; a name that is not UTF-8 is read as cp1258."""
    monkeypatch.setenv("COLUMNS", "80")
    stream, clock = Tty(), Clock()
    p = Progress(n_files=3, n_bytes=3 * MB, stream=stream, clock=clock, every=0)
    wide = "/kho/報告書/年度報告書/表彰と表彰状の年次報告書_二〇二三年度_最終版.docx"
    for path in [wide, "/kho/evil\r\x1b[2Jname.txt", "/kho/b\udce1o c\udce1o.txt"]:
        clock.t += 1
        p.update(_result(), MB, path)
    p.close()
    screens = _screens(stream.getvalue())
    assert all(_columns(s) <= 80 for s in screens), screens
    assert "\x1b" not in stream.getvalue() and "?[2Jname.txt" in stream.getvalue()
    assert screens[-1].rstrip().endswith("báo cáo.txt")


def test_width_follows_a_resized_terminal(monkeypatch):
    stream, clock = Tty(), Clock()
    monkeypatch.setenv("COLUMNS", "120")
    p = Progress(n_files=3, n_bytes=3 * MB, stream=stream, clock=clock, every=0)
    clock.t = 1
    p.update(_result(), MB, _path(1))
    monkeypatch.setenv("COLUMNS", "60")
    clock.t = 2
    before = len(stream.getvalue())
    p.update(_result(), MB, _path(2))
    assert _columns(_screens(stream.getvalue()[before:])[-1]) <= 60


def test_terminal_redraws_at_most_every_so_often(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    stream, clock = Tty(), Clock()
    p = Progress(n_files=100, n_bytes=100 * MB, stream=stream, clock=clock, every=0.25)
    for _ in range(100):
        clock.t += 0.0625
        p.update(_result(), MB, _path(1))
    p.close()
    # the first draw, one every 0.25 s (4 files, the last one among them), close
    assert stream.getvalue().count("\r") == 1 + 25 + 1


# ------------------------------------------------------------------ time left

def test_no_time_left_before_the_warm_up_then_right_at_a_constant_rate():
    """Workers take 3 s to start, then 1 MB/s: no time left before 5 % of the
    bytes or 10 s; from then on within 20 % of the truth (counting from the
    start would give 0.8 MB/s at 10 s: 25 % too long, worse the longer the start)."""
    stream, clock = io.StringIO(), Clock()
    p = Progress(n_files=200, n_bytes=200 * MB, stream=stream, clock=clock, every=0)
    clock.t = 3.0
    for i in range(200):
        p.update(_result(), MB, _path(i))
        line = stream.getvalue().splitlines()[-1]
        left = _eta(line)
        warm = (i + 1) >= 10 or clock.t >= 10     # 5 % of the bytes or 10 s
        if not warm:
            assert left is None and "MB/s" not in line, line
        else:
            assert left is not None, line
            truth = 200 - (i + 1)
            assert abs(left - truth) <= 0.2 * truth + 1, (left, truth, line)
        clock.t += 1.0


def test_time_left_with_two_workers_and_uneven_files():
    """Two workers, 0.5 MB/s each, files of 10 kB to 3 MB finishing at uneven
    times: while more than a fifth is left, the time left is within 20 % of
    when the batch really ends."""
    rng = random.Random(15)
    sizes = [int(rng.choice([0.01, 0.05, 0.2, 0.5, 1, 3]) * MB) for _ in range(400)]
    finish, free = [], [2.0, 2.0]                 # both workers ready after 2 s
    for size in sizes:
        w = free.index(min(free))
        free[w] += size / (0.5 * MB)
        finish.append((free[w], size))
    finish.sort()
    end = finish[-1][0]
    stream, clock = io.StringIO(), Clock()
    p = Progress(n_files=len(sizes), n_bytes=sum(sizes), stream=stream, clock=clock, every=0)
    done = checked = 0
    for t, size in finish:
        clock.t = t
        p.update(_result(), size, _path(1))
        done += size
        left = _eta(stream.getvalue().splitlines()[-1])
        if left is not None and done < 0.8 * sum(sizes):
            truth = end - t
            assert abs(left - truth) <= 0.2 * truth, (t, left, truth)
            checked += 1
    assert checked > 200


def test_rate_follows_a_change_smoothly():
    est = RateEstimator(total=10_000 * MB, start=0.0)
    done, t = 0, 0.0
    for _ in range(60):                           # 1 MB/s for a minute
        t += 1
        done += MB
        est.add(t, done)
    assert est.rate == pytest.approx(MB, rel=0.01)
    t += 1
    done += 10 * MB                               # one big file does not swing it
    est.add(t, done)
    assert est.rate < 1.5 * MB
    for _ in range(120):                          # then 2 MB/s: followed within a few time constants
        t += 1
        done += 2 * MB
        est.add(t, done)
    assert est.rate == pytest.approx(2 * MB, rel=0.05)


# ------------------------------------------------------------------ a log, quiet

def test_in_a_log_plain_lines_every_so_often(monkeypatch):
    monkeypatch.setenv("TDKT_PROGRESS_SECONDS", "5")
    stream, clock = io.StringIO(), Clock()
    p = Progress(n_files=20, n_bytes=20 * MB, stream=stream, clock=clock)
    for i in range(20):
        clock.t += 1
        p.update(_result(rows=2), MB, _path(i))
    p.close()
    shown = stream.getvalue()
    assert "\r" not in shown and not ANSI.search(shown)
    lines = shown.splitlines()
    assert len(lines) == 4                        # at 5, 10, 15 and 20 s (the last file)
    assert all(ln.startswith("[tdkt] ") for ln in lines)
    assert lines[-1].startswith("[tdkt] 100% 20/20 tệp 20,0/20,0 MB 40 dòng 0 lỗi 1,00 MB/s còn lại 0:00  ")
    assert lines[-1].endswith("tệp 019.docx") and "…" in lines[-1]


@pytest.mark.parametrize("stream", [io.StringIO(), Tty()])
def test_quiet_prints_nothing(stream):
    clock = Clock()
    p = Progress(n_files=3, n_bytes=3 * MB, quiet=True, stream=stream, clock=clock, every=0)
    for i in range(3):
        clock.t += 1
        p.update(_result(1, 1), MB, _path(i))
    p.close()
    assert stream.getvalue() == ""


def test_nothing_to_do_draws_nothing():
    stream = Tty()
    p = Progress(n_files=0, n_bytes=0, stream=stream, clock=Clock())
    p.close()
    assert stream.getvalue() == ""


# ------------------------------------------------------------------ names

def test_shorten_middle_keeps_the_file_name():
    path = "corpus/rendered/tây ninh/2023/001_0aa874c50ecccc5d.docx"
    assert shorten_middle(path, 100) == path
    short = shorten_middle(path, 40)
    assert _columns(short) == 40 and short.endswith("/001_0aa874c50ecccc5d.docx") and short.startswith("corpus/")
    assert "…" in short
    tiny = shorten_middle(path, 16)             # the name itself cut: its beginning and its end
    assert _columns(tiny) <= 16 and tiny.startswith("001_") and tiny.endswith(".docx")
    assert _columns(shorten_middle("報告書報告書報告書報告書.txt", 11)) <= 11


def test_display_name_is_relative_to_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_name(str(tmp_path / "a" / "Báo cáo.txt")) == "a/Báo cáo.txt"
    assert display_name("/elsewhere/x.txt") == "/elsewhere/x.txt"
    assert display_name("Ba\u0301o ca\u0301o.txt") == "Báo cáo.txt"   # NFD (macOS) shown composed
