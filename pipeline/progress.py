"""Progress of ``tdkt extract``: files, MB, rows, errors, MB/s, time left and
the file just read, in Vietnamese (``tệp``, ``dòng``, ``lỗi``, ``còn lại``).

- On a terminal, one line redrawn in place that always fits the terminal's
  width (read again at every redraw, so a resized window is followed): the
  counts and the time left come first, then the current file (its path
  shortened in the middle, the file name kept), then MB/s, the percentage and
  a bar when there is room. The drawing (``\\r`` and padding, the bar, trimming
  by display width, an ASCII bar where the stream cannot take block characters)
  is tqdm's.
- Otherwise (a log, a pipe), one plain line every ``TDKT_PROGRESS_SECONDS``
  seconds (default 10) and one at the end.
- Nothing with ``quiet``.

The time left is estimated from bytes, not files (file sizes differ by a
thousand times), and only after a warm-up: the first 5 % of the bytes or
10 s, and at least 1 s after the first file came back, measured from then
(an estimate from the first files, with the workers' start in it and files
that finish together, was off by 10-50x). From then on the rate is an
exponentially smoothed bytes/s (time constant 30 s).
"""
from __future__ import annotations

import math
import os
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import ExtractionResult

WARM_FRACTION = 0.05       # no time left shown before this share of the bytes is read ...
WARM_SECONDS = 10.0        # ... or this many seconds have passed
MIN_SPAN = 1.0             # seconds between the first file back and the first estimate
SMOOTHING_SECONDS = 30.0   # time constant of the smoothed rate
MIN_NAME = 16              # columns the current file gets before MB/s, percentage and bar
NAME_BEFORE_BAR = 40       # columns the file name may take before the bar gets the rest
MIN_BAR = 10               # a bar narrower than this is left out
WIDE_BAR = 20              # a bar this wide is worth a shortened file name
LOG_NAME = 100             # columns of the file name in a log line
ELLIPSIS = "…"


class RateEstimator:
    """Bytes per second, ``None`` during the warm-up; then smoothed
    exponentially over time (a continuous-time EMA of the bytes read, so files
    finishing in bursts or at uneven intervals weigh by the time they took)."""

    def __init__(self, total: int, start: float, warm_fraction: float = WARM_FRACTION,
                 warm_seconds: float = WARM_SECONDS, min_span: float = MIN_SPAN,
                 tau: float = SMOOTHING_SECONDS):
        self.total, self.start = total, start
        self.warm_fraction, self.warm_seconds, self.min_span, self.tau = warm_fraction, warm_seconds, min_span, tau
        self.first: tuple[float, int] | None = None   # (time, bytes) when the first file came back
        self.last: tuple[float, int] | None = None    # the last sample taken into the rate
        self.rate: float | None = None

    def add(self, now: float, done: int) -> None:
        """``done`` bytes read in all at time ``now``."""
        if self.first is None:
            self.first = (now, done)
            return
        if self.rate is None:
            t1, b1 = self.first
            warm = done >= self.warm_fraction * self.total or now - self.start >= self.warm_seconds
            if warm and now - t1 >= self.min_span and done > b1:
                # measured from the first file back: the workers' start-up is not in it
                self.rate = (done - b1) / (now - t1)
                self.last = (now, done)
            return
        assert self.last is not None          # (taken with the first rate)
        t, b = self.last
        dt = now - t
        if dt <= 0:
            return                     # same instant: these bytes count in the next sample
        keep = math.exp(-dt / self.tau)
        self.rate = keep * self.rate + (1 - keep) * (done - b) / dt
        self.last = (now, done)

    def seconds_left(self, done: int) -> float | None:
        if not self.rate:
            return None
        return max(self.total - done, 0) / self.rate


class Progress:
    """Files, MB, rows, errors, MB/s, time left and the current file: a line
    redrawn in place on a terminal, a log line every ``every`` seconds
    otherwise, nothing when quiet. ``clock`` (seconds, monotonic) is for tests."""

    def __init__(self, n_files: int, n_bytes: int, quiet: bool = False, stream=None, every: float | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = every if every is not None else float(os.environ.get("TDKT_PROGRESS_SECONDS",
                                                                          0.2 if self.tty else 10))
        self.n_files, self.n_bytes = n_files, n_bytes
        self.files = self.bytes = self.rows = self.errors = 0
        self.current = ""
        self.clock = clock
        self.t0 = clock()
        self.last = self.t0
        self.estimator = RateEstimator(n_bytes, self.t0)
        self._bar = None
        if self.tty and not quiet and n_files:
            self._bar = _terminal_bar(self.stream, *self._layout(self.t0))

    # ---------------------------------------------------------------- counting

    def update(self, result: ExtractionResult, nbytes: int, path: str | None = None) -> None:
        """One file read (``path``; else the result's ``source_path``)."""
        self.files += 1
        self.bytes += nbytes
        self.rows += sum(len(v) for k, v in result.tables().items() if k not in ("documents", "errors"))
        self.errors += len(result.errors)
        name = path if path is not None else getattr(result.document, "source_path", "")
        self.current = display_name(name) if name else ""
        now = self.clock()
        self.estimator.add(now, self.bytes)
        if not self.quiet and (now - self.last >= self.every or self.files == self.n_files):
            self.last = now
            self._show(now)

    def close(self) -> None:
        if self._bar is not None:
            self._draw(self.clock(), refresh=False)
            self._bar.close()                # draws the last state and ends the line
            self._bar = None

    # ---------------------------------------------------------------- text

    def fields(self, now: float | None = None) -> dict[str, str]:
        """The parts of the line, in order: what is not known yet is left out."""
        now = self.clock() if now is None else now
        decimals = 0 if self.n_bytes >= 1e9 else 1
        out = {"percent": f"{self._fraction():4.0%}",
               "files": f"{self.files}/{self.n_files} tệp",
               "bytes": f"{_number(self.bytes / 1e6, decimals)}/{_number(self.n_bytes / 1e6, decimals)} MB",
               "rows": f"{self.rows} dòng",
               "errors": f"{self.errors} lỗi"}
        done = self.files >= self.n_files
        rate = self.bytes / max(now - self.t0, 1e-9) if done else self.estimator.rate
        if rate:
            mbs = rate / 1e6
            out["rate"] = f"{_number(mbs, 2 if mbs < 10 else 1 if mbs < 100 else 0)} MB/s"
        left = 0.0 if done else self.estimator.seconds_left(self.bytes)
        if left is not None:
            out["eta"] = f"còn lại {_clock(left)}"
        return out

    def line(self, now: float | None = None) -> str:
        """The log line (without the ``[tdkt]`` in front)."""
        f = self.fields(now)
        text = " ".join(f.values())
        if self.current:
            text += "  " + shorten_middle(self.current, LOG_NAME)
        return text.lstrip()    # " 42%" aligned on a terminal only

    def _fraction(self) -> float:
        if self.n_bytes:
            return min(self.bytes / self.n_bytes, 1.0)
        return self.files / self.n_files if self.n_files else 1.0

    def _layout(self, now: float) -> tuple[str, int, int, int]:
        """(tqdm bar format, width, total, n) for the terminal: the line fits
        ``columns - 1`` (the last column left free: some terminals wrap there)."""
        width = max(terminal_columns(self.stream) - 1, 1)
        f = self.fields(now)
        pct, rate = f.pop("percent"), f.pop("rate", None)
        for narrow in ("rows", "bytes"):                 # a very narrow terminal: fewer counts, not cut words
            if _width(" ".join(f.values())) <= width:
                break
            f.pop(narrow)
        room = width - _width(" ".join(f.values()))      # the counts and the time left always
        name, name_w = self.current, 0
        if name and room >= 2 + 4:                       # then the file, at least a few columns
            name_w = min(_width(name), MIN_NAME, room - 2)
            room -= 2 + name_w
        if rate and room >= _width(rate) + 1:            # then MB/s, before the time left
            room -= _width(rate) + 1
            eta = f.pop("eta", None)
            f["rate"] = rate
            if eta:
                f["eta"] = eta
        with_pct = room >= len(pct) + 1                  # then the percentage
        if with_pct:
            room -= len(pct) + 1
        # the file grows to NAME_BEFORE_BAR columns, or whole while a wide bar remains
        grow = min(_width(name) - name_w, max(NAME_BEFORE_BAR - name_w, room - WIDE_BAR - 2, 0), room) if name_w else 0
        name_w, room = name_w + grow, room - grow
        with_bar = with_pct and room >= MIN_BAR + 2      # "42%|bar| " for "42% "
        if name_w and not with_bar:                      # no bar: the file gets the rest
            grow = min(_width(name) - name_w, room)
            name_w, room = name_w + grow, room - grow
        text = " ".join(f.values())
        if name_w:
            text += "  " + shorten_middle(name, name_w)
        if with_bar:
            fmt = _literal(pct) + "|{bar}| " + _literal(text)
        else:
            fmt = _literal((pct + " " if with_pct else "") + text)
        total = self.n_bytes or max(self.n_files, 1)
        n = min(self.bytes if self.n_bytes else self.files, total)
        return fmt, width, total, n

    # ---------------------------------------------------------------- output

    def _show(self, now: float) -> None:
        if self._bar is not None:
            self._draw(now)
        elif not self.tty:
            self.stream.write(f"[tdkt] {self.line(now)}\n")
            self.stream.flush()

    def _draw(self, now: float, refresh: bool = True) -> None:
        fmt, width, total, n = self._layout(now)
        bar = self._bar
        assert bar is not None                # (drawn only while there is a bar)
        if width < bar.ncols:
            # a narrower terminal: tqdm would pad to the last, wider line; start afresh
            bar.fp.write("\r" + " " * width)
            bar.sp = bar.status_printer(bar.fp)
        bar.bar_format, bar.ncols, bar.total, bar.n = fmt, width, total, n
        if refresh:
            bar.refresh()


def _terminal_bar(stream, fmt: str, width: int, total: int, n: int):
    """A tqdm bar driven by hand (``n``, ``bar_format``, ``refresh()``): the
    timing, rate and ETA are ours, the drawing is tqdm's."""
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0                   # no monitor thread: we redraw ourselves

    # nrows: one line at the top, whatever the terminal reports (a pty of 0 rows would hide it)
    return Bar(total=total, initial=n, file=stream, ncols=width, nrows=24, bar_format=fmt, position=0, leave=True,
               mininterval=0, miniters=0, maxinterval=0, smoothing=0, dynamic_ncols=False)


# -------------------------------------------------------------------- helpers

def terminal_columns(stream) -> int:
    """Columns of the terminal ``stream`` writes to: ``$COLUMNS`` when set (as
    :func:`shutil.get_terminal_size`), else the stream's own terminal, else
    stdout's, else 80."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):
        return shutil.get_terminal_size((80, 24)).columns


def display_name(path: str) -> str:
    """A path for the progress line: relative to the working folder when
    inside it, a non-UTF-8 name as the Vietnamese Windows code page reads it,
    control characters as ``?`` (a CR or ESC in a name would break the line)."""
    from .ingest.common import readable_path
    here = os.getcwd() + os.sep
    if path.startswith(here):
        path = path[len(here):]
    text = readable_path(path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
    text = "".join("?" if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return unicodedata.normalize("NFC", text)


def shorten_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, cut in the middle with ``…``:
    the file name kept whole when it fits with a few columns of its folders,
    else its beginning and end."""
    if _width(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS if width == 1 else ""
    budget = width - 1
    cut = max(text.rfind("/"), text.rfind(os.sep))
    base = text[cut + 1:]
    if cut >= 0 and _width(base) + 1 <= budget:
        tail_w = _width(base) + 1                        # "/name.docx" whole, the folders' beginning before it
    elif _width(base) > budget and cut >= 0:
        text, tail_w = base, budget - budget // 3         # the folders dropped: begin and end of the name
    else:
        tail_w = budget - budget // 3
    head_w = budget - tail_w
    return _take(text, head_w) + ELLIPSIS + _take(text[::-1], tail_w)[::-1]


def _take(text: str, width: int) -> str:
    out, used = [], 0
    for ch in text:
        w = _char_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "FW" else 1


def _width(text: str) -> int:
    return sum(_char_width(ch) for ch in text)


def _literal(text: str) -> str:
    """Text put in a tqdm ``bar_format`` as is."""
    return text.replace("{", "{{").replace("}", "}}")


def _number(x: float, decimals: int) -> str:
    """Vietnamese decimal comma: 2,5."""
    return f"{x:.{decimals}f}".replace(".", ",")


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
