"""A few hundred files of the real archive (../shared/archive) through the batch
and the audit commands: every file ends as rows or as an errors row, and no
command fails. The whole archive is `make soak`; this is its sample in the suite.
Skipped when ../shared/archive is absent (it is test data, never copied here)."""
import sqlite3
import sys
from pathlib import Path

import pytest

from pipeline import batch, cli, store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import archive  # noqa: E402

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not archive.available(), reason="../shared/archive is absent")]
N_FILES = 300


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    files = archive.sample(n_files=N_FILES)
    src = tmp_path_factory.mktemp("archive_sample")
    for f in files:                                   # links: the sample is read where it lies
        (src / f.name).symlink_to(f)
    out = tmp_path_factory.mktemp("archive_out")
    summary = batch.run([str(src)], str(out), workers=2, quiet=True)      # links to reports are read
    return files, src, out, summary


def test_every_archive_file_is_a_document_or_an_errors_row(sample_out):
    files, src, out, summary = sample_out
    con = sqlite3.connect(out / store.DB_NAME)
    docs = con.execute("SELECT source_path, also_at, status FROM documents").fetchall()
    error_paths = {r[0] for r in con.execute("SELECT source_path FROM errors")}
    texts = con.execute(f"SELECT count(*) FROM {store.TEXTS_TABLE}").fetchone()[0]
    con.close()
    seen = {p for p, _, _ in docs} | {q for _, a, _ in docs for q in (a or "").split("; ") if q} | error_paths
    assert {str(src / f.name) for f in files} <= seen
    assert len(files) == N_FILES and summary.documents + summary.duplicates == N_FILES
    ok = sum(s == "ok" for _, _, s in docs)
    assert ok >= 0.95 * len(docs)                     # crawled text: nearly all read whole
    assert texts == ok                                # the report's texts are stored


def test_the_audit_commands_run_on_the_sample(sample_out, capsys):
    _, _, out, _ = sample_out
    for argv in (["registry", "--out", str(out), "--conflicts"], ["check", "--out", str(out), "--quiet"],
                 ["compare", "--out", str(out), "--quiet"], ["report", "--out", str(out), "--quiet"]):
        assert cli.main(argv) == 0, argv
    assert (out / "report.html").stat().st_size > 0
    con = sqlite3.connect(out / store.DB_NAME)
    n_citations, n_directives = (con.execute("SELECT count(*) FROM citations").fetchone()[0],
                                 con.execute("SELECT count(*) FROM directives").fetchone()[0])
    con.close()
    # legal Q&A pages cite heavily: hundreds of citations of hundreds of documents in 300 files
    assert n_citations > 500 and n_directives > 200
