"""The batch at archive scale: engines that agree row for row, a batch killed
and run again, two runs into one folder, time and memory limits per document,
a worker that dies, progress, spreadsheet-safe exports and no network."""
import io
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import batch, export, labels, processes, store
from pipeline.models import Citation, DocumentInfo, ErrorRow, ExtractionResult


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """These tests read the English messages (TDKT_LANG=en); Vietnamese is the
    default, tested in tests/test_cli_exit.py and tests/test_messages.py."""
    monkeypatch.setenv("TDKT_LANG", "en")


ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
TABLES = ["documents", "citations", "movements", "money", "awards", "figures", "errors", "directives",
          "conflicts"]
SENTENCE = ("Ủy ban nhân dân tỉnh đã tổ chức hội nghị tổng kết công tác thi đua, khen thưởng năm 2023. "
            "Các đơn vị đã quán triệt tinh thần của phong trào thi đua và triển khai thực hiện nghiêm túc. ")


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, **kw)


def tables(out: Path) -> dict:
    return {t: pd.read_csv(out / f"{t}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
            for t in TABLES}


def assert_same_tables(a: Path, b: Path):
    ta, tb = tables(a), tables(b)
    for t in TABLES:
        pd.testing.assert_frame_equal(ta[t], tb[t], obj=t)


def n_documents(out: Path) -> int:
    db = out / store.DB_NAME
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """24 distinct reports: the seeds, each with a different closing line."""
    d = tmp_path_factory.mktemp("corpus")
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(24):
        src = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (d / f"{i:02d}_{seeds[i % len(seeds)].stem}.txt").write_text(
            src + f"\n\nNơi nhận: bản số {i}.\n", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """The tables of one uninterrupted run (serial engine)."""
    out = tmp_path_factory.mktemp("reference")
    s = batch.run([str(corpus)], str(out), engine="serial", quiet=True)
    assert s.documents == 24 and s.errors == 0
    return out


@pytest.mark.slow
def test_local_pool_gives_the_serial_tables(corpus, reference, tmp_path):
    s = batch.run([str(corpus)], str(tmp_path / "out"), workers=2, quiet=True)
    assert s.documents == 24
    assert_same_tables(reference, tmp_path / "out")


def _kill_when(cmd_out: Path, corpus: Path, condition, workers: int):
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "--out", str(cmd_out),
                             "--workers", str(workers), "--quiet"], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    try:
        while time.time() < deadline and proc.poll() is None:
            if condition(n_documents(cmd_out)):
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the batch ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)         # the parent and its workers, no warning
    finally:
        proc.wait(timeout=30)
    return n_documents(cmd_out)


@pytest.mark.parametrize("when", ["after the first documents", "after the last document"])
@pytest.mark.slow
def test_batch_killed_and_run_again_gives_the_tables_of_an_uninterrupted_run(corpus, reference, tmp_path, when):
    out = tmp_path / "out"
    if when == "after the first documents":
        stored = _kill_when(out, corpus, lambda n: n >= 3, workers=2)
        assert 3 <= stored < 24, stored               # killed mid-batch, whole documents kept
    else:
        stored = _kill_when(out, corpus, lambda n: n >= 24, workers=2)   # in the registry / file writing
        assert stored == 24
    res = cli("extract", corpus, "--out", out, "--workers", "1")
    assert res.returncode == 0, res.stderr
    assert f"({stored} unchanged, skipped)" in res.stdout
    assert_same_tables(reference, out)
    assert not list(out.glob(".*.tmp*")), "a half-written file of the killed run was left behind"


@pytest.mark.slow
def test_two_runs_into_one_folder_at_once(corpus, reference, tmp_path):
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "--out", str(out),
                              "--workers", "1", "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while n_documents(out) < 1 and first.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert first.poll() is None, "the first run ended too soon"
    second = cli("extract", corpus, "--out", out, "--workers", "1")
    assert second.returncode == 3
    assert "being written by another tdkt run" in second.stderr and "pid" in second.stderr
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert_same_tables(reference, out)
    again = cli("extract", corpus, "--out", out, "--workers", "1")   # the lock is free again
    assert again.returncode == 0 and "(24 unchanged, skipped)" in again.stdout
    assert_same_tables(reference, out)


@pytest.mark.slow
def test_a_document_past_the_time_limit_is_abandoned(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_small.txt").write_text("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh.",
                                     encoding="utf-8")
    (src / "b_long.txt").write_text(SENTENCE * 60000, encoding="utf-8")       # ~11 MB: seconds of work
    (src / "c_small.txt").write_text("Nghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ.", encoding="utf-8")
    out = tmp_path / "out"
    s = batch.run([str(src)], str(out), workers=1, timeout=1.0, quiet=True)
    assert s.documents == 3
    t = tables(out)
    status = dict(zip(t["documents"].source_path.map(lambda p: Path(p).name), t["documents"].status))
    assert status == {"a_small.txt": "ok", "b_long.txt": "error", "c_small.txt": "ok"}
    err = t["errors"].set_index(t["errors"].source_path.map(lambda p: Path(p).name)).loc["b_long.txt"]
    assert err.stage == "timeout" and "took longer than 1 s" in err.error
    assert sorted(t["citations"].number) == ["12/CT-UBND", "91/2017/NĐ-CP"]


@pytest.mark.slow
def test_a_worker_that_dies_costs_one_errors_row(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_long.txt").write_text(SENTENCE * 60000, encoding="utf-8")
    (src / "b_small.txt").write_text("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh.",
                                     encoding="utf-8")

    def kill_soon(pid, path):
        if path.endswith("a_long.txt"):
            threading.Timer(0.5, os.kill, (pid, signal.SIGKILL)).start()
    monkeypatch.setattr(batch, "_on_submit", kill_soon)
    s = batch.run([str(src)], str(tmp_path / "out"), workers=1, quiet=True)
    assert s.documents == 2
    t = tables(tmp_path / "out")
    err = t["errors"].iloc[0]
    assert len(t["errors"]) == 1 and err.source_path.endswith("a_long.txt")
    assert err.stage == "crash" and "worker process died" in err.error and "SIGKILL" in err.error
    assert list(t["citations"].number) == ["12/CT-UBND"]


@pytest.mark.slow
def test_a_worker_past_the_memory_limit_is_replaced(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    # big enough to take several of the parent's memory readings (batch.MEMORY_POLL)
    (src / "big.txt").write_text(SENTENCE * 20000, encoding="utf-8")
    s = batch.run([str(src)], str(tmp_path / "out"), workers=1, max_memory_mb=1, quiet=True)
    assert s.documents == 1 and s.errors == 1
    err = tables(tmp_path / "out")["errors"].iloc[0]
    assert err.stage == "memory" and "more than 1 MB" in err.error


@pytest.mark.slow
def test_duplicate_files_are_one_document(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = "Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh."
    for name in ("a.txt", "b copy.txt"):
        (src / name).write_text(text, encoding="utf-8")
    s = batch.run([str(src)], str(tmp_path / "out"), workers=2, quiet=True)
    assert (s.documents, s.duplicates) == (1, 1)
    t = tables(tmp_path / "out")
    assert list(t["documents"].source_path.map(lambda p: Path(p).name)) == ["a.txt"]
    assert [Path(p).name for p in t["documents"].also_at] == ["b copy.txt"]      # every file accounted for
    assert len(t["citations"]) == 1
    # a later batch meets the same bytes under a third name: recorded, not read again
    (src / "c.txt").write_text(text, encoding="utf-8")
    s = batch.run([str(src / "c.txt")], str(tmp_path / "out"), workers=1, quiet=True)
    assert (s.documents, s.skipped) == (0, 1)
    also = tables(tmp_path / "out")["documents"].also_at.iloc[0]
    assert sorted(Path(p).name for p in also.split("; ")) == ["b copy.txt", "c.txt"]


@pytest.mark.slow
def test_a_store_of_an_earlier_version_gains_new_columns(tmp_path):
    import sqlite3
    out = tmp_path / "out"
    out.mkdir()
    con = sqlite3.connect(out / "registry.sqlite")
    con.execute('CREATE TABLE documents (doc_id TEXT, source_path TEXT, status TEXT, rules_version TEXT)')
    con.commit()
    con.close()
    src = tmp_path / "a.txt"
    src.write_text("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh.", encoding="utf-8")
    s = batch.run([str(src)], str(out), workers=1, quiet=True)
    assert s.documents == 1 and len(tables(out)["citations"]) == 1


@pytest.mark.slow
def test_dask_cluster_gives_the_serial_tables(tmp_path):
    import distributed  # dask[distributed] is in the test extras: never skipped
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(SEEDS.glob("*.txt")):
        (src / p.name).write_bytes(p.read_bytes())
    for p in sorted((ROOT / "corpus" / "rendered").glob("000_*")):
        (src / p.name).write_bytes(p.read_bytes())
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    batch.run([str(src)], str(tmp_path / "serial"), engine="serial", quiet=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        s = batch.run([str(src)], str(tmp_path / "dask"), engine="dask", scheduler=cluster.scheduler_address,
                      quiet=True)
        assert s.documents == 8
        assert_same_tables(tmp_path / "serial", tmp_path / "dask")
        batch.run([str(src)], str(tmp_path / "dask_shared"), engine="dask", scheduler=cluster.scheduler_address,
                  shared_fs=True, quiet=True)
        assert_same_tables(tmp_path / "serial", tmp_path / "dask_shared")
    assert len(tables(tmp_path / "dask")["citations"]) > 50


def test_cli_dask_needs_a_scheduler(tmp_path):
    res = cli("extract", SEEDS, "--out", tmp_path / "out", "--engine", "dask")
    assert res.returncode == 2 and "--scheduler" in res.stderr


# ------------------------------------------------------------------ progress

def _result(rows: int, errors: int = 0) -> ExtractionResult:
    r = ExtractionResult(document=DocumentInfo(doc_id="d", source_path="x", format="txt"))
    r.citations = [Citation(doc_id="d", start=0, end=1, text="x", page=None, sentence="x")] * rows
    r.errors = [ErrorRow("x", "d", "ingest", "bad")] * errors
    return r


def test_progress_on_a_terminal_is_a_bar(monkeypatch):
    """More in tests/test_progress.py."""
    class Tty(io.StringIO):
        def isatty(self):
            return True
    monkeypatch.setenv("COLUMNS", "120")
    stream, now = Tty(), [0.0]
    p = batch.Progress(n_files=2, n_bytes=2_000_000, stream=stream, clock=lambda: now[0])
    now[0] = 1.0
    p.update(_result(3), 1_000_000, "corpus/a.txt")
    now[0] = 2.0
    p.update(_result(4, errors=1), 1_000_000, "corpus/b.txt")
    p.close()
    shown = stream.getvalue()
    assert shown.startswith("\r  0%|") and "100%|" in shown and shown.endswith("\n") and shown.count("\n") == 1
    last = shown.rstrip("\n").split("\r")[-1]
    for part in ("2/2 tệp", "2,0/2,0 MB", "7 dòng", "1 lỗi", "1,00 MB/s", "còn lại 0:00", "corpus/b.txt"):
        assert part in last, (part, last)
    assert len(last) <= 120


@pytest.mark.slow
def test_progress_in_a_log_is_lines(corpus, tmp_path):
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "--out",
                          str(tmp_path / "out"), "--workers", "2"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "TDKT_PROGRESS_SECONDS": "0"})
    assert res.returncode == 0
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("[tdkt] ")]
    assert len(lines) == 24 and "\r" not in res.stderr
    assert lines[-1].startswith("[tdkt] 100% 24/24 tệp ") and " dòng 0 lỗi " in lines[-1]
    assert "MB/s còn lại 0:00  " in lines[-1] and lines[-1].endswith(".txt")   # and the file just read
    quiet = cli("extract", *sorted(corpus.glob("*.txt"))[:2], "--out", tmp_path / "q", "--workers", "2", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""


# ------------------------------------------------------------------ safe exports

def test_formulas_are_neutralized_in_csv_and_excel_only(tmp_path):
    import openpyxl
    hostile = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "plain"]
    con = store.connect(tmp_path)
    for i, value in enumerate(hostile):
        doc = DocumentInfo(doc_id=f"d{i}", source_path=f"/x/{i}.txt", format="txt", title=value)
        cite = Citation(doc_id=f"d{i}", start=0, end=len(value), text=value, page=None, sentence=value,
                        subject=value)
        store.store_document(con, ExtractionResult(document=doc, citations=[cite]), "v")
    export.write_files(con, tmp_path)
    csv = pd.read_csv(tmp_path / "citations.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(csv.text) == ["'" + v for v in hostile[:5]] + ["plain"]
    ws = openpyxl.load_workbook(tmp_path / "tables.xlsx")[labels.sheet_name("citations")]
    header = [c.value for c in ws[1]]
    col = header.index(labels.header("citations", "subject"))
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)                 # text, never a formula
    assert [c.value for c in cells] == hostile                     # as it is: a string cell is never run
    raw = pd.read_parquet(tmp_path / "citations.parquet")
    assert list(raw.text) == hostile                             # the raw value stays in Parquet
    assert [r[0] for r in con.execute("SELECT text FROM citations ORDER BY doc_id")] == hostile
    docs = pd.read_csv(tmp_path / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert docs.title.iloc[0] == "'=cmd|' /C calc'!A0"


def test_excel_cells_are_cut_to_what_excel_holds(tmp_path):
    import openpyxl
    con = store.connect(tmp_path)
    long = "x " * 40000
    doc = DocumentInfo(doc_id="d", source_path="/x/long.txt", format="txt", title=long)
    store.store_document(con, ExtractionResult(document=doc), "v")
    export.write_files(con, tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "tables.xlsx")[labels.sheet_name("documents")]
    col = [c.value for c in ws[1]].index(labels.header("documents", "title"))
    assert len(ws[2][col].value) == export.EXCEL_MAX_CELL
    assert pd.read_parquet(tmp_path / "documents.parquet").title.iloc[0] == long


# ------------------------------------------------------------------ no network

SITECUSTOMIZE = '''
import os, socket

_log = os.environ["TDKT_NET_LOG"]
def _refuse(*args, **kwargs):
    with open(_log, "a") as f:
        f.write(f"{os.getpid()} {args[1:] if args else kwargs}\\n")
    raise OSError("network access refused by the test")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
'''


@pytest.mark.slow
def test_no_network_at_run_time(tmp_path, monkeypatch):
    from pipeline import extract_file
    log = tmp_path / "net.log"
    log.touch()

    def refuse(*args, **kwargs):
        log.write_text(log.read_text() + "in-process\n")
        raise OSError("network access refused by the test")
    import socket
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    files = sorted(SEEDS.glob("*.txt"))[:2] + sorted((ROOT / "corpus" / "rendered").glob("000_*"))
    for f in files:
        assert extract_file(str(f)).document.status == "ok"
    # the CLI and its worker processes, every socket refused from interpreter start
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {**os.environ, "TDKT_NET_LOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(site), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", *map(str, files), "--out",
                          str(tmp_path / "out"), "--workers", "2"], cwd=ROOT, env=env, capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr
    assert "errors in this run: 0" in res.stdout
    assert log.read_text() == "", "something tried to open a network connection"


@pytest.mark.slow
def test_files_written_by_helper_processes_are_the_same(corpus, reference, tmp_path, monkeypatch):
    """With more than one core, helper processes (`python -m pipeline.export`)
    write some of the files while this process writes the others: the same
    bytes, cells and Parquet tables as one process writes alone."""
    import openpyxl
    import pyarrow.parquet as pq
    out = tmp_path / "out"
    out.mkdir()
    con = store.connect(reference)
    try:
        monkeypatch.setattr(processes, "available_cores", lambda: 3)
        monkeypatch.setattr(export, "HELPER_START", 0.0)
        started = []
        start = export._start_helper
        monkeypatch.setattr(export, "_start_helper", lambda *a: started.append(start(*a)) or started[-1])
        export.write_files(con, out)
    finally:
        con.close()
    assert len(started) == 2 and all(p is not None and p.returncode == 0 for p in started)
    assert not list(out.glob(".*.tmp*"))
    for name in store.table_types():
        assert (out / f"{name}.csv").read_bytes() == (reference / f"{name}.csv").read_bytes(), name
        assert pq.read_table(out / f"{name}.parquet").equals(pq.read_table(reference / f"{name}.parquet")), name
    apart, alone = openpyxl.load_workbook(out / "tables.xlsx"), openpyxl.load_workbook(reference / "tables.xlsx")
    assert apart.sheetnames == alone.sheetnames
    for name in alone.sheetnames:
        assert ([[c.value for c in row] for row in apart[name].iter_rows()]
                == [[c.value for c in row] for row in alone[name].iter_rows()]), name


def test_csv_and_parquet_are_what_pandas_writes(tmp_path):
    """The CSV files are the bytes pandas' to_csv wrote (of the neutralized
    table) and the Parquet files the tables pandas gave pyarrow, for awkward
    text, numbers and empty cells."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.models import Figure
    texts = ["plain", "", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "tab\there", "=1+1", "-3", "@x",
             "\x01ctl", "  spaced  ", "Ủy ban, \"nhân\" dân\r\n", "é" * 50, ",", '"', "\n"]
    values = [0.1, 3.0, 1e16, 1e-07, 123456789.123, -0.0, 2.5e-300, float("inf"), None, 66.9, 1 / 3]
    con = store.connect(tmp_path)
    for i, t in enumerate(texts):
        doc = DocumentInfo(doc_id=f"d{i:02d}", source_path=f"/x/{i}.txt", format="txt", title=t)
        figures = [Figure(doc_id=f"d{i:02d}", start=j, end=j + 1, text=t, page=None if j % 2 else j,
                          sentence=t, kind="count", value=v, denominator=values[-1 - j] if j < len(values) else None,
                          unit=t, of_what="")
                   for j, v in enumerate(values)]
        store.store_document(con, ExtractionResult(document=doc, figures=figures), "v")
    export.write_files(con, tmp_path)
    for name in ("documents", "figures"):
        df = store.read_table(con, name)
        for c, kind in zip(df.columns, store.column_kinds(name)):
            if kind == "REAL":            # as the files were written from pandas
                df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        expected = export._safe_for_spreadsheet(df).to_csv(index=False).encode("utf-8-sig")
        assert (tmp_path / f"{name}.csv").read_bytes() == expected, name
        written = pq.read_table(tmp_path / f"{name}.parquet")
        assert written.equals(pa.Table.from_pandas(df, preserve_index=False)), name
        assert written.schema.metadata == pa.Table.from_pandas(df, preserve_index=False).schema.metadata, name


def test_a_change_of_code_reads_the_documents_again(tmp_path, monkeypatch):
    """A store extracted by another build of the package is not kept as is:
    the version documents are stored under covers the package's code."""
    import shutil

    package = Path(batch.__file__).resolve().parent
    copy = tmp_path / "pipeline"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(batch, "__file__", str(copy / "batch.py"))
    before = batch.rules_version()
    assert batch.rules_version() == before              # stable while nothing changes
    extractor = copy / "extract" / "money.py"
    extractor.write_text(extractor.read_text(encoding="utf-8") + "\n# another build\n", encoding="utf-8")
    assert batch.rules_version() != before
