"""registry, check and compare out of core (pipeline/audit/stream.py, pipeline/registry.py):
the same tables as the whole store read into memory gives, on the seeds and two
altered copies (a count two documents disagree on, a citation's date); and a store
that grows is checked again only where it grew, into the tables of one run over all."""
import shutil
from dataclasses import astuple
from pathlib import Path

import pytest

from pipeline import batch, registry
from pipeline.audit import checks, compare, stream
from pipeline.audit import store as audit_store
from pipeline.models import Check

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
TAY_NINH = ROOT / "corpus" / "seeds" / "000_749e481ad73445fb.txt"
TRUNG_KHANH = ROOT / "corpus" / "seeds" / "002_03026f8b928707b4.txt"


def _inputs(folder: Path) -> list[Path]:
    """The seeds, and two copies that make findings between documents."""
    folder.mkdir(parents=True)
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    text = TRUNG_KHANH.read_text(encoding="utf-8")
    (folder / "z_trung_khanh_1020.txt").write_text(
        text.replace("1015 cá nhân Lao động tiên tiến", "1020 cá nhân Lao động tiên tiến"), encoding="utf-8")
    text = TAY_NINH.read_text(encoding="utf-8")
    (folder / "z_tay_ninh_30_12.txt").write_text(
        text.replace("Chỉ thị số 12/CT-UBND ngày 29/12/2021", "Chỉ thị số 12/CT-UBND ngày 30/12/2021"), encoding="utf-8")
    return sorted(folder.iterdir())


def _rows(con, table: str) -> list[tuple]:
    return [tuple(r) for r in con.execute(f'SELECT * FROM "{table}" ORDER BY rowid')]


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """One extract over every input, then check and compare out of core."""
    base = tmp_path_factory.mktemp("whole")
    files = _inputs(base / "in")
    batch.run([str(p) for p in files], str(base / "out"), workers=1, quiet=True)
    con = audit_store.open_store(base / "out")
    run = stream.check_store(con)
    yield base, files, con, run
    con.close()


def test_check_gives_run_checks_findings_in_its_order(whole):
    _, files, con, run = whole
    assert run.checked == len(files) and run.kept == 0
    in_memory = checks.run_checks(audit_store.read_tables(con))
    assert _rows(con, "checks") == [astuple(f) for f in in_memory]
    rules = [f.rule_id for f in in_memory]
    # the Trùng Khánh seed's miscitation (in it and its copy), the count the two Trùng Khánh files
    # disagree on, the citation's date the two Tây Ninh files disagree on
    assert sorted(set(rules)) == ["claims_disagree", "contradicts_catalog", "registry_conflict"]
    disagree = next(f for f in in_memory if f.rule_id == "claims_disagree")
    assert "1015 (" in disagree.values and "1020 (" in disagree.values
    conflict = next(f for f in in_memory if f.rule_id == "registry_conflict")
    assert "key=CT-UBND|12|2021|Tây Ninh" in conflict.values and "value_b=2021-12-30" in conflict.values


def test_findings_read_back_in_english(whole):
    _, _, con, _ = whole
    found = {f.rule_id: (f, path) for f, path in stream.findings(con, "en")}
    f, path = found["registry_conflict"]
    assert f.message.startswith("Document 12/CT-UBND is cited with different issue dates")
    assert path.endswith(".txt")


def test_compare_gives_the_comparison_of_the_whole_store(whole):
    _, _, con, _ = whole
    tables = audit_store.read_tables(con)
    expected = compare.compare(tables)
    got = stream.compare_store(con)
    assert got.columns == expected.columns and got.skipped_awards == expected.skipped_awards
    assert got.wide.equals(expected.wide) and got.long.equals(expected.long)
    # the Trùng Khánh count the two files disagree on: the value most state, and a note naming both
    ldtt = got.long[got.long["note"].str.contains("1.015") & got.long["note"].str.contains("1.020")]
    assert len(ldtt) == 1 and ldtt.iloc[0]["n_documents"] == 2
    filtered = stream.compare_store(con, periods=["2021"])
    assert filtered.long.equals(compare.compare(tables, periods=["2021"]).long)


def test_registry_written_in_parts_is_the_registry_built_whole(whole, monkeypatch):
    _, _, con, _ = whole
    directives, conflicts = registry.build(con)           # the lists, held whole
    monkeypatch.setattr(registry, "WRITE_EVERY", 3)        # many parts
    assert registry.rebuild(con) == (len(directives), len(conflicts))
    assert _rows(con, "directives") == [astuple(d) for d in directives]
    assert _rows(con, "conflicts") == [astuple(c) for c in conflicts]
    by_key = {d.key: d for d in directives}
    assert by_key["CT-UBND|12|2021|Tây Ninh"].n_documents >= 3
    assert [(c.field, c.value_a, c.value_b) for c in conflicts if c.key == "CT-UBND|12|2021|Tây Ninh"] == \
        [("issued_date", "2021-12-29", "2021-12-30")]


def test_a_growing_store_is_checked_where_it_grew(whole, tmp_path):
    _, files, con, _ = whole
    first, rest = files[:3], files[3:]
    out = tmp_path / "out"
    batch.run([str(p) for p in first], str(out), workers=1, quiet=True)
    grown = audit_store.open_store(out)
    try:
        assert stream.check_store(grown).checked == len(first)
        batch.run([str(p) for p in files], str(out), workers=1, quiet=True)     # the rest added
        run = stream.check_store(grown)
        assert (run.checked, run.kept) == (len(rest), len(first))
        assert stream.check_store(grown).checked == 0                          # nothing new: nothing checked
        for table in ("checks", "directives", "conflicts"):
            assert _rows(grown, table) == _rows(con, table), table
        assert [Check(*r).rule_id for r in _rows(grown, "checks")].count("claims_disagree") == 1
    finally:
        grown.close()
