"""The CLI on the sample corpus, checked against the hand-made gold."""
import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import labels


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """These tests read the English messages (TDKT_LANG=en); Vietnamese is the
    default, tested in tests/test_cli_exit.py and tests/test_messages.py."""
    monkeypatch.setenv("TDKT_LANG", "en")


ROOT = Path(__file__).resolve().parent.parent
TABLES = ["documents", "citations", "movements", "money", "awards", "errors"]


def run_cli(*args, check=True):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, check=check)


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds_out")
    run_cli("extract", str(ROOT / "corpus" / "seeds"), "--out", str(out), "--workers", "2")
    return out


@pytest.mark.slow
def test_cli_writes_every_table_in_every_format(seeds_out):
    for t in TABLES:
        raw = (seeds_out / f"{t}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{t}.csv has no BOM"
        pd.read_parquet(seeds_out / f"{t}.parquet")
    sheets = pd.read_excel(seeds_out / "tables.xlsx", sheet_name=None)
    assert next(iter(sheets)) == labels.summary("sheet")             # the summary first
    assert {labels.sheet_name(t) for t in TABLES} <= set(sheets)
    con = sqlite3.connect(seeds_out / "registry.sqlite")
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(TABLES) <= names
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5


@pytest.mark.slow
def test_scores_against_gold(seeds_out, shared):
    res = subprocess.run([sys.executable, str(shared / "tools" / "score.py"), "--gold", str(shared / "gold"),
                          "--pred", str(seeds_out), "--json"], capture_output=True, text=True, check=True)
    report = json.loads(res.stdout.splitlines()[0])
    for table in ["citations", "movements", "money", "awards"]:
        assert report[table]["f1"] >= 0.98, (table, report[table])
        for field, agreement in report[table]["fields"].items():
            assert agreement >= 0.9, (table, field, agreement)
    for field, agreement in report["documents"]["fields"].items():
        assert agreement >= 0.9, ("documents", field, agreement)


@pytest.mark.slow
def test_every_record_points_back_to_its_text(seeds_out):
    from pipeline import extract_file
    for path in sorted((ROOT / "corpus" / "seeds").glob("*.txt")):
        result = extract_file(str(path))
        for table in ("citations", "movements", "money", "awards"):
            for row in getattr(result, table):
                assert result.normalized_text[row.start:row.end] == row.text
                assert row.text in row.sentence or row.sentence in result.normalized_text


@pytest.mark.slow
def test_rerun_adds_no_duplicate_rows(seeds_out):
    before = {t: len(pd.read_csv(seeds_out / f"{t}.csv", encoding="utf-8-sig")) for t in TABLES}
    run_cli("extract", str(ROOT / "corpus" / "seeds"), "--out", str(seeds_out), "--workers", "1")
    after = {t: len(pd.read_csv(seeds_out / f"{t}.csv", encoding="utf-8-sig")) for t in TABLES}
    assert before == after
    con = sqlite3.connect(seeds_out / "registry.sqlite")
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5


@pytest.mark.slow
def test_every_row_names_the_rule_that_made_it(seeds_out):
    """The `rule` column, in every table file: the id of the named rule of
    rules/ that made the row (the Tây Ninh seeds' Chỉ thị 12/CT-UBND is a
    numbered citation; `Chỉ thị 12` in the Cao Bằng seed, a back-reference)."""
    cites = pd.read_csv(seeds_out / "citations.csv", encoding="utf-8-sig", dtype=str).fillna("")
    assert set(cites[cites.number == "12/CT-UBND"].rule) == {"citations.numbered"}
    assert set(cites[cites.number == "12"].rule) == {"citations.back_reference"}
    for table in ("citations", "movements", "money", "awards", "figures"):
        rules_made = pd.read_parquet(seeds_out / f"{table}.parquet").rule
        assert len(rules_made) and rules_made.str.startswith(f"{table}.").all(), (table, set(rules_made))
    con = sqlite3.connect(seeds_out / "registry.sqlite")
    assert ("citations.numbered",) in con.execute("SELECT DISTINCT rule FROM citations").fetchall()


@pytest.mark.slow
def test_money_amounts_are_integers(seeds_out):
    with open(seeds_out / "money.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert {r["text"]: int(r["amount_vnd"]) for r in rows}["41,288 tỷ đồng"] == 41_288_000_000


@pytest.mark.slow
def test_bad_input_gets_an_error_row_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh.", encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    res = run_cli("extract", str(tmp_path), str(tmp_path / "missing.txt"), "--out", str(out), check=False)
    assert res.returncode == 1, res.stderr            # some inputs failed: listed on stderr
    assert "4 file(s) could not be read in this run" in res.stderr
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
    status = dict(zip(docs.source_path.map(lambda p: Path(p).name), docs.status))
    assert status["good.txt"] == "ok"
    assert status["broken.pdf"] == status["broken.docx"] == status["empty.txt"] == "error"
    assert len(errors) == 4
    assert all("\n" not in e for e in errors.error)
    cites = pd.read_csv(out / "citations.csv", encoding="utf-8-sig")
    assert list(cites.number) == ["12/CT-UBND"]


def test_help_is_clear():
    res = run_cli("extract", "--help")
    assert "--out" in res.stdout and "Parquet" in res.stdout
