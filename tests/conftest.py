import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TDKT_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "gold").is_dir():
        # a checkout on its own (a fresh clone, an installed copy) has no gold set: skip, never fail
        pytest.skip(f"the shared folder with the gold set is absent: {SHARED} (set TDKT_SHARED)")
    return SHARED
