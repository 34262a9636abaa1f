"""An extractor joins every table from its spec alone.

A small extractor of deadlines (`trước ngày 15/12/2025`), written as a user
would write one outside the package (a module with a record type, a find
function and its SPEC), is named in TDKT_EXTRACTORS; nothing else is edited.
Its rows must then be in every table file (CSV, Parquet, SQLite), the
workbook, the review page and the spaCy spans.
"""
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from pipeline import extract, models

ROOT = Path(__file__).resolve().parent.parent

DEADLINES_MODULE = textwrap.dedent('''
    """Deadlines a plan sets: `trước ngày 15/12/2025`."""
    from dataclasses import dataclass

    import regex

    from pipeline.extract.base import ExtractorSpec, ParsedDoc
    from pipeline.extract.parts.dates import iso_date
    from pipeline.models import Mention

    BEFORE_DATE = regex.compile(r"(?i)(?:trước|chậm nhất)\\s+ngày\\s+(\\d{1,2})/(\\d{1,2})/(\\d{4})")


    @dataclass
    class Deadline(Mention):
        due_date: str = ""


    def find(doc: ParsedDoc) -> list:
        return [Deadline(**doc.provenance(m.start(), m.end()), due_date=iso_date(*m.groups()),
                         rule="deadlines.before_date")
                for m in BEFORE_DATE.finditer(doc.text)]


    SPEC = ExtractorSpec(name="deadlines", record=Deadline, find=find, label="DEADLINE", color="#ffd6e7",
                         columns=("due_date",), about="deadlines a plan sets")
''')

REPORT = ("KẾ HOẠCH\nTổ chức phong trào thi đua năm 2025\n"
          "Các đơn vị gửi báo cáo tổng kết về Ban Thi đua - Khen thưởng trước ngày 15/12/2025. "
          "Hồ sơ đề nghị khen thưởng gửi chậm nhất ngày 05/01/2026; kinh phí khen thưởng 45,5 triệu đồng.\n")
DUE = ["2025-12-15", "2026-01-05"]


@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plugin")
    (folder / "tdkt_deadlines.py").write_text(DEADLINES_MODULE, encoding="utf-8")
    return folder


def _env(plugin: Path) -> dict:
    import os
    return {**os.environ, "TDKT_EXTRACTORS": "tdkt_deadlines", "TDKT_LANG": "en",
            "PYTHONPATH": os.pathsep.join([str(plugin), str(ROOT), os.environ.get("PYTHONPATH", "")])}


@pytest.fixture(scope="module")
def out(plugin, tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    (src / "ke_hoach.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    for args in (["extract", str(src), "--out", str(out), "--workers", "2"], ["report", "--out", str(out)]):
        done = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=_env(plugin),
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    return out


def test_its_rows_are_in_every_table_file(out):
    for frame in (pd.read_csv(out / "deadlines.csv", encoding="utf-8-sig"), pd.read_parquet(out / "deadlines.parquet")):
        assert list(frame["due_date"]) == DUE
        assert set(frame["rule"]) == {"deadlines.before_date"}
        assert list(frame["text"]) == ["trước ngày 15/12/2025", "chậm nhất ngày 05/01/2026"]
    con = sqlite3.connect(out / "registry.sqlite")
    assert [r[0] for r in con.execute("SELECT due_date FROM deadlines ORDER BY start")] == DUE
    # the built-in tables are filled as before, beside it
    assert con.execute("SELECT amount_vnd FROM money").fetchall() == [(45_500_000,)]


def test_its_rows_are_in_the_workbook(out):
    sheets = pd.read_excel(out / "tables.xlsx", sheet_name=None)
    assert "deadlines" in sheets
    assert list(sheets["deadlines"]["due_date"]) == DUE


def test_its_rows_are_marked_in_the_review_page(out):
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "mark.p-deadline{background:#ffd6e7}" in page
    assert page.count("p-deadline") >= 3              # its colour, its legend, its two marks
    assert "2025-12-15" in page or "15/12/2025" in page


def test_its_spans_are_in_spacy(plugin, monkeypatch):
    monkeypatch.syspath_prepend(str(plugin))
    monkeypatch.setenv("TDKT_EXTRACTORS", "tdkt_deadlines")
    try:
        import pipeline.spacy_component as sc
        nlp = sc.blank_vietnamese()
        nlp.add_pipe("tdkt")
        doc = nlp(REPORT)
        spans = [(s.label_, s.text) for s in doc.spans["tdkt"] if s.label_ == "DEADLINE"]
        assert spans == [("DEADLINE", "trước ngày 15/12/2025"), ("DEADLINE", "chậm nhất ngày 05/01/2026")]
        assert [r["due_date"] for r in doc._.tdkt["deadlines"]] == DUE
        assert sc.colors()["DEADLINE"] == "#ffd6e7"
    finally:
        models.unregister_table("deadlines")


def test_a_registered_extractor_runs_in_process_and_leaves_with_unregister():
    from pipeline.api import extract_text
    from pipeline.extract.base import ExtractorSpec

    def find(doc):
        return [models.Figure(**doc.provenance(0, 3), kind="probe", rule="probe.first_word")]

    extract.register(ExtractorSpec(name="probes", record=models.Figure, find=find, label="PROBE"))
    try:
        assert [r.kind for r in extract_text("Năm 2025 tốt.").probes] == ["probe"]
        assert "probes" in extract.table_types()
    finally:
        extract.unregister("probes")
    assert "probes" not in extract.table_types()
    assert "probes" not in extract_text("Năm 2025 tốt.").tables()


def test_a_spec_needing_an_unknown_extractor_says_which():
    from pipeline.extract.base import ExtractorSpec
    extract.register(ExtractorSpec(name="orphans", record=models.Figure, find=lambda doc: [], needs=("nowhere",)))
    try:
        with pytest.raises(ValueError, match="'orphans' needs 'nowhere'"):
            extract.specs()
    finally:
        extract.unregister("orphans")
