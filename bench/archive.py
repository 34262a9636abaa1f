"""The real archive in ../shared/archive (13,967 crawled documents), unpacked
once outside the project, and samples of it.

Test data only: nothing of it is copied into the project. The soak
(`make soak`), the benchmark (`make bench`) and the suite's archive test
(tests/test_archive_sample.py) read it from here and skip when it is absent.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TDKT_SHARED", ROOT.parent / "shared"))
UNPACK = SHARED / "archive" / "unpack.sh"


def available() -> bool:
    return UNPACK.is_file()


def folder() -> Path:
    """The unpacked archive (unpacked on first use into the system temp folder,
    where the archive's own script puts it; later calls reuse it)."""
    if not available():
        raise FileNotFoundError(f"no archive at {UNPACK.parent}")
    dest = Path(tempfile.gettempdir()) / "tdkt-archive"
    done = subprocess.run(["bash", str(UNPACK), str(dest)], check=True, capture_output=True, text=True)
    return Path(done.stdout.strip().splitlines()[-1])


def files() -> list[Path]:
    return sorted(p for p in folder().rglob("*") if p.is_file())


def sample(n_files: int | None = None, mb: float | None = None) -> list[Path]:
    """An even spread over the archive in name order (names are hashes, so any
    stride is a fair mix): ``n_files`` files, or as many as make ``mb`` MB."""
    every = files()
    if n_files is not None:
        step = max(1, len(every) // n_files)
        return every[::step][:n_files]
    total = sum(p.stat().st_size for p in every)
    share = min(1.0, (mb or 0) * 1e6 / total)
    step = max(1, round(1 / share)) if share else len(every)
    return every[::step]
