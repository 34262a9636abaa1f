"""The simulated national archive of `make bench-scale` (bench/national.py):
copy 0 is the archive unchanged, a copy k is the same every time, and its
documents still read as documents, with the serials, years, amounts and
provinces of copy k. Reads a handful of files of ../shared/archive; skipped
when it is absent."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import archive  # noqa: E402

pytestmark = pytest.mark.skipif(not archive.available(), reason="no archive in ../shared/archive")


@pytest.fixture(scope="module")
def national():
    import national
    return national


@pytest.fixture(scope="module")
def sample() -> tuple[Path, list[Path]]:
    """The first few documents (in name order) that cite a provincial
    document with its year and name a province in a heading's capitals."""
    import national
    folder = archive.folder()
    chosen = []
    for path in archive.files():
        text = path.read_text(encoding="utf-8", errors="replace")
        if ("/QĐ-UBND" in text and "ỦY BAN NHÂN DÂN TỈNH" in text and "đồng" in text
                and any(m.group("name") for m in national.province_token().finditer(text))):
            chosen.append(path)
            if len(chosen) == 4:
                break
    assert chosen, "no document of the archive cites a provincial decision"
    return folder, chosen


def citations(text: str) -> set[tuple[int, int, str]]:
    from pipeline.api import extract_text
    return {(c.serial, c.number_year, c.code) for c in extract_text(text).citations
            if c.serial is not None and c.number_year}


def test_copy_zero_is_the_archive_unchanged(national, sample, tmp_path):
    folder, files = sample
    built = national.build_copy(0, files=files, source=folder, cache=tmp_path) / "docs"
    for f in files:
        assert (built / f.relative_to(folder)).read_bytes() == f.read_bytes()


def test_a_copy_is_the_same_bytes_every_time_and_differs_from_the_others(national, sample, tmp_path):
    folder, files = sample
    first = national.build_copy(1, files=files, source=folder, cache=tmp_path / "a") / "docs"
    again = national.build_copy(1, files=files, source=folder, cache=tmp_path / "b") / "docs"
    second = national.build_copy(2, files=files, source=folder, cache=tmp_path / "a") / "docs"
    for f in files:
        name = f.relative_to(folder)
        assert (first / name).read_bytes() == (again / name).read_bytes()
        assert len({f.read_bytes(), (first / name).read_bytes(), (second / name).read_bytes()}) == 3


def test_a_copy_cites_the_shifted_serials_and_years(national, sample):
    """Every citation with a serial and a year reads, in copy k, as serial +
    1000·k of year − k with the same code: the registry sees new keys."""
    _, files = sample
    for f in files[:2]:
        text = f.read_text(encoding="utf-8")
        original = citations(text)
        assert original
        for k in (1, 2):
            v = national.variation(k)
            shifted = {(s + v.serial_offset, national._year(y, v), code) for s, y, code in original}
            assert citations(national.vary(text, v)) == shifted


def test_a_copy_swaps_provinces_keeping_the_reorganisation(national, sample):
    """Provinces move as the permutation says, a merged province with one of
    the same shape; a name kept by a merged province with such a name."""
    _, files = sample
    text = files[0].read_text(encoding="utf-8")
    forms = national.province_forms()
    named = {forms[" ".join(m.group("name").split())] for m in national.province_token().finditer(text)
             if m.group("name")}
    groups = {p: g for g in national.province_groups() for p in g}
    for k in (1, 2, 3):
        v = national.variation(k)
        copy = national.vary(text, v)
        now = {forms[" ".join(m.group("name").split())] for m in national.province_token().finditer(copy)
               if m.group("name")}
        assert now == {v.provinces[p] for p in named if p in v.provinces} | (named - set(v.provinces))
        for p, q in v.provinces.items():
            assert len(groups[p]) == len(groups[q]) and groups[p].index(p) == groups[q].index(q)
    assert any(national.variation(k).provinces[p] != p for k in (1, 2, 3) for p in named)


def test_dates_amounts_and_counts_in_a_copy(national):
    v = national.variation(1)          # years - 1, serials + 1000, amounts and counts x 2
    assert v.factor == 2
    text = ("Quyết định số 123/QĐ-UBND ngày 29/02/2024 của UBND tỉnh Hải Dương tặng Bằng khen cho 21 tập thể, "
            "05 cá nhân, mỗi tập thể 1.500.000 đồng, tổng 2,5 tỷ đồng; tỷ lệ 50%; Thông tư 98; "
            "giai đoạn 2021-2025; Chủ tịch Hồ Chí Minh; COVID-19.")
    out = national.vary(text, v)
    assert "Quyết định số 1123/QĐ-UBND ngày 28/02/2023" in out          # 2023 has no 29 February
    assert "42 tập thể, 10 cá nhân, mỗi tập thể 3.000.000 đồng, tổng 5,0 tỷ đồng; tỷ lệ 50%" in out
    assert "Thông tư 1098;" in out and "giai đoạn 2020-2024" in out
    assert "Chủ tịch Hồ Chí Minh" in out and "COVID-19" in out
    assert f"UBND tỉnh {v.provinces['Hải Dương']} " in out
    assert national.vary(text, national.variation(0)) == text
