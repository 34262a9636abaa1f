"""The legal catalog (rules/legal_catalog.yaml) and the 2025 reorganisation of
provinces (rules/reorganisation_2025.yaml): every entry loads with checked,
consistent facts and public sources, citations extracted from report text
find their entries, and the examples of both files hold."""
import datetime as dt
import re

import pytest

from pipeline import rules
from pipeline.api import extract_text
from pipeline.legal_catalog import (
    Entry,
    catalog_entry,
    catalog_entry_for,
    district_level_exists,
    entries,
    province_at,
    province_now,
    reorganisation,
    split_number,
)
from pipeline.resolve import is_central

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CATALOG_EXAMPLES = rules.load("legal_catalog")["examples"]
PROVINCE_EXAMPLES = rules.load("reorganisation_2025")["examples"]


def _by_number() -> dict[str, Entry]:
    return {e.number: e for e in entries()}


def _references(e: Entry) -> tuple[str, ...]:
    return e.replaces + e.amends + e.details + e.continues


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


# -- the catalog ----------------------------------------------------------------

def test_every_entry_loads_with_its_fields():
    kinds = {k["name"] for k in rules.load("citations")["doc_kinds"]}
    loaded = entries()
    assert len(loaded) >= 15
    for e in loaded:
        assert e.kind in kinds, (e.number, e.kind)
        assert e.number and e.issuer and e.source, e.number
        assert split_number(e.number) is not None, e.number
        assert is_central(split_number(e.number).code), f"{e.number}: the catalog holds central documents only"


def test_every_source_is_an_https_address():
    cfg = rules.load("reorganisation_2025")
    sources = [s for e in entries() for s in e.source]
    sources += list(cfg["resolution"]["source"]) + list(cfg["district_level_ends"]["source"])
    sources += list(cfg["new_units_source"]) + [s for m in cfg["mergers"] for s in m["source"]]
    for s in sources:
        assert re.match(r"^https://[^\s/]+\.[^\s/]+/\S*$", s), s


def test_dates_are_iso_and_a_document_takes_effect_after_it_is_issued():
    for e in entries():
        for value in (e.issued, e.effective):
            assert value == "" or ISO.match(value), (e.number, value)
        if e.issued and e.effective:
            assert _date(e.effective) >= _date(e.issued), e.number


def test_a_document_is_newer_than_those_it_replaces_amends_details_or_continues():
    by_number = _by_number()
    for e in entries():
        for ref in _references(e):
            assert ref in by_number, f"{e.number} names {ref}, which the catalog does not hold"
            older = by_number[ref]
            if e.issued and older.issued:
                assert _date(older.issued) < _date(e.issued), (e.number, ref)
            else:              # no checked date: the years of the keys still order them
                assert older.key.rsplit("|", 1)[1] <= e.key.rsplit("|", 1)[1], (e.number, ref)
        if e.replaces:
            assert all(by_number[r].effective == "" or e.effective == ""
                       or _date(by_number[r].effective) < _date(e.effective) for r in e.replaces), e.number


def test_keys_are_unique_and_years_agree_with_the_dates():
    keys = [e.key for e in entries()]
    assert len(keys) == len(set(keys))
    for e in entries():
        year = split_number(e.number).year
        if year and e.issued:
            assert int(e.issued[:4]) == year, e.number
        assert e.key.rsplit("|", 1)[1], f"{e.number}: no year in the number and no issue date"


def test_an_entry_is_the_key_the_registry_gives_its_citation():
    """Cited as a report cites it, each entry gets the registry key the catalog holds."""
    for e in entries():
        date = f" ngày {int(e.issued[8:])}/{int(e.issued[5:7])}/{e.issued[:4]}" if e.issued else ""
        result = extract_text(f"Thực hiện {e.kind} số {e.number}{date} của {e.issuer}.")
        cited = [c for c in result.citations if c.number == e.number]
        assert len(cited) == 1, (e.number, [(c.doc_type, c.number) for c in result.citations])
        assert cited[0].key == e.key, (e.number, cited[0].key, e.key)
        assert catalog_entry_for(cited[0]) == e


@pytest.mark.parametrize("example", CATALOG_EXAMPLES, ids=lambda x: x["text"][:48])
def test_catalog_examples(example):
    want = example["finds"]
    want = [want] if isinstance(want, str) else list(want)
    want = [w for w in want if w]
    citations = extract_text(example["text"]).citations
    assert citations, example["text"]
    found = [e.number for e in map(catalog_entry_for, citations) if e is not None]
    assert found == want


def test_lookup_from_a_real_citation():
    result = extract_text("Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập "
                          "và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.")
    (c,) = result.citations
    entry = catalog_entry_for(c)
    assert entry is not None and entry.number == "05-CT/TW" and entry.issued == "2016-05-15"
    assert entry.continues == ("03-CT/TW",)
    assert catalog_entry(c.doc_type, c.number, 2016) == entry


def test_lookup_by_number():
    assert catalog_entry("Nghị định", "91/2017/NĐ-CP").effective == "2017-10-01"
    assert catalog_entry("Nghị định", "91/2017/ND-CP").number == "91/2017/NĐ-CP"
    assert catalog_entry("", "152/2025/NĐ-CP").replaces == ("98/2023/NĐ-CP", "28/2024/NĐ-CP")
    assert catalog_entry("Luật", "06/2022/QH15").replaces == ("15/2003/QH11",)
    assert catalog_entry("Chỉ thị", "34-CT/TW", 2014).issued == "2014-04-07"
    assert catalog_entry("Chỉ thị", "34-CT/TW") is None            # which term's Chỉ thị 34?
    assert catalog_entry("Chỉ thị", "39-CT/TW", 1998) is None      # 39-CT/TW is of 2004
    assert catalog_entry("Quyết định", "91/2017/NĐ-CP") is None
    assert catalog_entry("Nghị định", "không số") is None


# -- the reorganisation -----------------------------------------------------------

def test_the_reorganisation_counts_add_up():
    cfg = rules.load("reorganisation_2025")
    reorg = reorganisation()
    old = [p for m in reorg.mergers for p in m.merged]
    assert len(reorg.mergers) == 23 and len(old) == 52 and len(set(old)) == 52
    assert len(cfg["unchanged"]) == 11 and not set(cfg["unchanged"]) & set(old)
    assert len(reorg.mergers) + len(cfg["unchanged"]) == 34
    for m in reorg.mergers:
        assert m.name in m.merged, f"{m.name}: every new province keeps the name of one it was formed from"
        assert m.source, m.name
    assert reorg.takes_office == dt.date(2025, 7, 1)
    assert cfg["resolution"]["number"] in _by_number()


def test_every_spelling_leads_to_a_known_province():
    cfg = rules.load("reorganisation_2025")
    known = {n for m in reorganisation().mergers for n in (m.name, *m.merged)} | set(cfg["unchanged"])
    for other, name in cfg["name_forms"].items():
        assert name in known, other
        assert province_at(other, "2025-01-01") == name


@pytest.mark.parametrize("example", PROVINCE_EXAMPLES, ids=lambda x: f"{x['name']}-{x.get('date', 'now')}")
def test_province_examples(example):
    if example.get("now"):
        assert province_now(example["name"]) == example["is"]
    else:
        assert province_at(example["name"], example["date"]) == example["is"]


def test_province_lookups():
    assert province_now("Hải Dương") == "Hải Phòng"
    assert province_at("Hải Dương", "2025-06-30") == "Hải Dương"
    assert province_at("Hải Dương", dt.date(2025, 7, 1)) == "Hải Phòng"
    assert province_at("tỉnh Bình Dương", "2026-01-01") == "TP. Hồ Chí Minh"
    assert province_now("Hà Nội") == "Hà Nội"
    assert province_now("Atlantis") == "Atlantis"          # not a province the file knows
    for m in reorganisation().mergers:
        for old in m.merged:
            assert province_now(old) == m.name
            assert province_at(old, "2025-06-30") == old


def test_the_district_level_ends_on_1_july_2025():
    assert district_level_exists("2025-06-30")
    assert not district_level_exists("2025-07-01")
