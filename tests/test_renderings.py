"""DOCX and PDF renderings of the seeds give the same rows as the .txt originals."""
from pathlib import Path

import pytest

from pipeline import extract_file
from rowkeys import row_keys

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
RENDERED = sorted((ROOT / "corpus" / "rendered").glob("*.*"))


def keys(result):
    return row_keys(result, with_year=True)


@pytest.mark.parametrize("path", RENDERED, ids=lambda p: p.name)
def test_rendering_gives_the_rows_of_the_text(path):
    original = SEEDS / (path.stem.removesuffix("_table") + ".txt")
    want = keys(extract_file(str(original)))
    result = extract_file(str(path))
    assert result.document.status == "ok", result.document.error
    assert keys(result) == want


def test_renderings_exist_for_at_least_two_seeds_in_each_format():
    stems = lambda ext: {p.stem for p in RENDERED if p.suffix == ext}
    assert len(stems(".docx")) >= 2 and len(stems(".pdf")) >= 2


def test_pdf_rows_carry_page_numbers():
    result = extract_file(str(ROOT / "corpus" / "rendered" / "002_03026f8b928707b4.pdf"))
    pages = {a.page for a in result.awards}
    assert None not in pages and max(pages) > 1
