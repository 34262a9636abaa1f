"""`tdkt serve`: the registry in Datasette, over HTTP and in headless Chromium.

Three small reports are extracted into a store; `tdkt serve` runs as a
subprocess on a free localhost port; the JSON API and Chromium (driven over the
DevTools pipe, as tests/test_report.py does) check full-text search, the links
from a citation to its registry entry and back, and take a screenshot (kept
when TDKT_SCREENSHOTS names a folder). Datasette is in the `test` extra; the
tests that need it are skipped when it is not installed.
"""
import importlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import types
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from pipeline import batch
from pipeline import serve_metadata as sm
from pipeline.cli import build_parser, main
from pipeline.commands import serve as serve_cmd
from pipeline.report.browser import Chromium, find_chromium


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """These tests read the English messages (TDKT_LANG=en); Vietnamese is the
    default, tested in tests/test_cli_exit.py and tests/test_messages.py."""
    monkeypatch.setenv("TDKT_LANG", "en")


try:
    importlib.import_module("datasette.app")
    HAVE_DATASETTE = True
except ImportError:
    HAVE_DATASETTE = False
needs_datasette = pytest.mark.skipif(not HAVE_DATASETTE, reason="Datasette is not installed (pip install -e '.[serve]')")

REPORTS = {
    "a_tay_ninh_2022.txt": """ỦY BAN NHÂN DÂN
TỈNH TÂY NINH
Số: 15/BC-UBND
Tây Ninh, ngày 10 tháng 01 năm 2023

BÁO CÁO
Kết quả công tác thi đua, khen thưởng năm 2022

Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh, năm 2022 có 21 tập thể và 25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.
Các huyện đã đẩy mạnh phong trào khuyến học, khuyến tài theo Kế hoạch số 45/KH-UBND ngày 10/3/2022 của UBND tỉnh.
Tổng kinh phí khen thưởng năm 2022 là 150 triệu đồng.
""",
    "b_tay_ninh_2023.txt": """ỦY BAN NHÂN DÂN
TỈNH TÂY NINH
Số: 20/BC-UBND
Tây Ninh, ngày 12 tháng 01 năm 2024

BÁO CÁO
Kết quả công tác thi đua, khen thưởng năm 2023

Tiếp tục thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh, năm 2023 có 18 tập thể và 30 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh.
""",
    "c_cao_bang_2022.txt": """ỦY BAN NHÂN DÂN
TỈNH CAO BẰNG
Số: 07/BC-UBND
Cao Bằng, ngày 15 tháng 01 năm 2023

BÁO CÁO
Tổng kết công tác thi đua, khen thưởng năm 2022

Quán triệt Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị, năm 2022 có 12 tập thể được tặng Cờ thi đua của Ủy ban nhân dân tỉnh.
""",
}
KEY_12 = "CT-UBND|12|2021|Tây Ninh"
NEEDS_LINE = ("tdkt serve needs Datasette: pip install 'tdkt[serve]' (from a checkout: pip install -e '.[serve]')")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    base = tmp_path_factory.mktemp("serve")
    src = base / "in"
    src.mkdir()
    for name, text in REPORTS.items():
        (src / name).write_text(text, encoding="utf-8")
    out = base / "out"
    summary = batch.run([str(src)], str(out), engine="serial", quiet=True)
    assert summary.documents == 3 and summary.errors == 0
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.read()


def _json(url: str):
    return json.loads(_get(url)[1])


@pytest.fixture(scope="module")
def server(store, tmp_path_factory):
    if not HAVE_DATASETTE:
        pytest.skip("Datasette is not installed")
    port = _free_port()
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--out", str(store),
                                 "--port", str(port), "--no-open"], stdout=f, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.time() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"tdkt serve exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if _get(base + "/-/versions.json")[0] == 200:
                    break
            except (TimeoutError, urllib.error.URLError, ConnectionError):
                pass
            if time.time() > end:
                pytest.fail(f"tdkt serve did not answer in 120 s:\n{log.read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    text = log.read_text(encoding="utf-8")
    assert f"Registry at {base}/registry" in text, text
    assert "Built the serve copy" in text, text


# ------------------------------------------------------------------ without a server

def test_without_datasette_one_line(monkeypatch, capsys, tmp_path):
    for name in ("datasette", "datasette.app", "datasette.database", "datasette.version"):
        monkeypatch.setitem(sys.modules, name, None)      # `import datasette` raises ImportError
    assert main(["serve", "--out", str(tmp_path), "--no-open"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == NEEDS_LINE


def test_defaults_to_this_machine_only():
    args = build_parser().parse_args(["serve", "--out", "DIR"])
    assert args.host == "127.0.0.1" and args.port == serve_cmd.DEFAULT_PORT and not args.no_open


@needs_datasette
def test_no_store_and_busy_port(store, tmp_path, capsys):
    assert main(["serve", "--out", str(tmp_path), "--port", str(_free_port()), "--no-open"]) == 2
    assert "no registry.sqlite here; run `tdkt extract" in capsys.readouterr().err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        assert main(["serve", "--out", str(store), "--port", str(s.getsockname()[1]), "--no-open"]) == 2
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err


def test_serve_copy_keys_search_and_staleness(store, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(store, out, ignore=shutil.ignore_patterns(sm.SERVE_DB))
    path, built = sm.ensure_copy(out)
    assert path == out / sm.SERVE_DB and built is not None
    con = sqlite3.connect(path)
    src = sqlite3.connect(out / "registry.sqlite")
    # the same rows under the same rowids; no texts
    for t in ("documents", "citations", "awards", "money", "directives"):
        assert con.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall() == \
            src.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall(), t
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "texts" not in tables and "citations_fts" in tables
    # declared keys: Datasette's links
    fks = {(r[3], r[2], r[4]) for r in con.execute("PRAGMA foreign_key_list(citations)")}
    assert fks == {("key", "directives", "key"), ("doc_id", "documents", "doc_id")}
    assert {(r[3], r[2]) for r in con.execute("PRAGMA foreign_key_list(conflicts)")} >= {("key", "directives")}
    assert [r[1] for r in con.execute("PRAGMA table_info(documents)") if r[5]] == ["doc_id"]
    assert [r[1] for r in con.execute("PRAGMA table_info(directives)") if r[5]] == ["key"]

    def search(table, query):
        return [r[0] for r in con.execute(
            f"SELECT sentence FROM {table} WHERE rowid IN "
            f"(SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?) ORDER BY rowid", (query,))]

    # tones and case ignored, đ found as d
    hit = search("citations", '"khuyen" "hoc"')
    assert len(hit) == 1 and "phong trào khuyến học" in hit[0]
    assert search("citations", '"KHUYẾN HỌC"') == hit
    assert len(search("citations", '"thi dua"')) == 1                 # Cờ thi đua
    assert len(search("citations", '"12/CT-UBND"')) == 2
    assert len(search("awards", '"bang khen"')) == 4
    con.close()
    # up to date: not built again; the store changed: built again
    assert sm.ensure_copy(out) == (path, None)
    st = (out / "registry.sqlite").stat()
    os.utime(out / "registry.sqlite", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert sm.ensure_copy(out)[1] is not None
    assert not list(out.glob(".serve-building-*"))


def test_serve_copy_of_a_folder_that_cannot_be_written(store, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(store, out, ignore=shutil.ignore_patterns(sm.SERVE_DB))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(sm.ServeError, match="cannot be written"):
        sm.ensure_copy(out)
    path, built = sm.ensure_copy(out, scratch)          # the store read immutable, the copy in scratch
    assert path == scratch / sm.SERVE_DB and built["tables"]["citations"] == 4
    assert not (out / sm.SERVE_DB).exists()


def test_metadata_labels_or_machine_names(store, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(store, out, ignore=shutil.ignore_patterns(sm.SERVE_DB))
    path, _ = sm.ensure_copy(out)
    tables = sm.table_columns(path)
    assert "texts" not in tables and sm.STAMP_TABLE not in tables and "citations_fts" not in tables
    fake = types.SimpleNamespace(
        sheet_name=lambda t: {"citations": "Trích dẫn"}[t],
        header=lambda t, c: {("citations", "key"): "Khóa sổ đăng ký"}[(t, c)],
        description=lambda t, c: {("citations", "key"): "văn bản được trích dẫn trong sổ đăng ký"}[(t, c)],
        values=lambda t, c: {("money", "qualifier"): {"over": "trên", "exact": "đúng bằng"}}.get((t, c), {}))
    meta = sm.build_metadata(tables, out_dir=out, labels=sm.Labels(fake))
    cit = meta["databases"]["registry"]["tables"]["citations"]
    assert cit["title"] == "Trích dẫn"
    assert cit["tdkt_headers"] == {"key": "Khóa sổ đăng ký"}
    assert cit["columns"] == {"key": "văn bản được trích dẫn trong sổ đăng ký"}
    assert meta["databases"]["registry"]["tables"]["money"]["tdkt_values"] == {
        "qualifier": {"over": "trên", "exact": "đúng bằng"}}
    assert cit["facets"] == ["doc_type", "number_year", "jurisdiction", "rule"] and cit["fts_table"] == "citations_fts"
    docs = meta["databases"]["registry"]["tables"]["documents"]
    assert docs["title"] == "documents" and docs["tdkt_headers"] == {}       # no label: the machine name
    assert docs["facets"] == ["province", "doc_kind", "status"] and docs["label_column"] == "source_path"
    assert meta["databases"]["registry"]["tables"]["awards"]["facets"] == ["award", "recipient_type", "year",
                                                                           "status", "rule"]
    assert meta["databases"]["registry"]["tables"][sm.STAMP_TABLE] == {"hidden": True}
    bare = sm.build_metadata(tables, labels=sm.Labels(types.SimpleNamespace()))
    assert bare["databases"]["registry"]["tables"]["citations"]["title"] == "citations"


# ------------------------------------------------------------------ the server

def test_json_api(server, store):
    def rows(table, **params):
        return _json(f"{server}/registry/{table}.json?" + urllib.parse.urlencode({**params, "_shape": "array"}))

    found = rows("citations", _search="khuyen hoc")
    assert [r["key"] for r in found] == ["KH-UBND|45|2022|Tây Ninh"]
    assert "phong trào khuyến học" in found[0]["sentence"]
    assert rows("citations", _search="khuyến học") == found
    assert len(rows("citations", _search="Bằng khen")) == 2
    assert [r["doc_type"] for r in rows("citations", _search="thi dua")] == ["Chỉ thị"]      # Cờ thi đua
    labelled = rows("citations", _search="khuyen hoc", _labels="on")[0]
    assert labelled["key"] == {"value": "KH-UBND|45|2022|Tây Ninh", "label": "45/KH-UBND"}
    assert labelled["doc_id"]["label"].endswith("a_tay_ninh_2022.txt")
    docs = _json(f"{server}/registry/documents.json")
    provinces = {f["value"]: f["count"] for f in docs["facet_results"]["province"]["results"]}
    assert provinces == {"Tây Ninh": 2, "Cao Bằng": 1}
    assert _json(f"{server}/registry/directives.json?_shape=array&key=" + urllib.parse.quote(KEY_12))[0][
        "n_citations"] == 2
    with pytest.raises(urllib.error.HTTPError) as exc:
        _get(f"{server}/registry/texts.json")
    assert exc.value.code == 404
    served = _json(f"{server}/-/metadata.json")["databases"]["registry"]["tables"]
    assert served["citations"]["fts_table"] == "citations_fts" and "texts" not in served


SEARCH_PAGE = """
(() => {
  const rows = [...document.querySelectorAll('table.rows-and-columns tbody tr')];
  return {
    title: document.title,
    h1: document.querySelector('h1').textContent.trim(),
    search: document.querySelector('input[name=_search]').value,
    sentences: rows.map(r => r.querySelector('td.col-sentence').textContent.trim()),
    keyLinks: rows.map(r => { const a = r.querySelector('td.col-key a'); return a ? a.getAttribute('href') : null; }),
    headers: Object.fromEntries([...document.querySelectorAll('th[data-column]')].map(
        th => [th.dataset.column, (th.querySelector('.tdkt-label') || th).textContent.replace(/[▼▲]/g, '').trim()])),
    facets: [...document.querySelectorAll('.facet-info')].map(f => f.getAttribute('data-column')),
  };
})()
"""

DIRECTIVE_PAGE = """
(() => {
  const h2 = [...document.querySelectorAll('h2')].find(h => h.textContent.includes('Links from other tables'));
  const links = h2 ? [...h2.nextElementSibling.querySelectorAll('li')].map(li => ({
      text: li.textContent.replace(/\\s+/g, ' ').trim(), href: li.querySelector('a').getAttribute('href')})) : [];
  return {h1: document.querySelector('h1').textContent.trim(), links: links,
          cells: [...document.querySelectorAll('table.rows-and-columns td')].map(td => td.textContent.trim())};
})()
"""


def _png_is_not_blank(path: Path) -> None:
    from PIL import Image
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as im:
        im = im.convert("RGB")
        assert im.size == (1400, 1000)
        colours = im.getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 20          # text, links, facets: not one colour
        lo, hi = zip(*im.getextrema())
        assert max(hi) - min(lo) > 100


@pytest.mark.slow
def test_in_chromium(server, tmp_path):
    if not find_chromium():
        pytest.fail("Chromium is not installed: run `make browser-deps` (Debian package chromium) "
                    "to install it for the browser test")
    shots = Path(os.environ.get("TDKT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with Chromium(width=1400, height=1000) as browser:
        # full-text search finds the sentence (without tones, as typed on a keyboard without Vietnamese)
        page = browser.open(f"{server}/registry/citations?_search=khuyen+hoc")
        got = browser.eval(page, SEARCH_PAGE)
        assert got["search"] == "khuyen hoc"
        assert len(got["sentences"]) == 1 and "phong trào khuyến học, khuyến tài" in got["sentences"][0], got
        assert {"doc_type", "number_year", "jurisdiction"} <= set(got["facets"]), got["facets"]
        # headers as the metadata labels them (Vietnamese from pipeline.labels; machine names without it)
        served = _json(f"{server}/-/metadata.json")["databases"]["registry"]["tables"]["citations"]
        for column in ("sentence", "key", "doc_type"):
            assert got["headers"][column] == served["tdkt_headers"].get(column, column)

        # the table page, searched: its screenshot
        page = browser.open(f"{server}/registry/citations?_search=" + urllib.parse.quote("Bằng khen"))
        browser.screenshot(page, shots / "serve-citations.png")
        got = browser.eval(page, SEARCH_PAGE)
        assert len(got["sentences"]) == 2 and all("Chỉ thị số 12/CT-UBND" in s for s in got["sentences"])
        assert all(got["keyLinks"]), got

        # the key is a link: clicking it opens the directive's row
        browser.eval(page, "document.querySelector('table.rows-and-columns tbody tr td.col-key a').click()")
        browser.wait_event("Page.loadEventFired", page)
        directive = browser.eval(page, DIRECTIVE_PAGE)
        assert KEY_12 in directive["h1"], directive
        assert "12/CT-UBND" in directive["cells"] and "Chủ tịch UBND tỉnh Tây Ninh" in directive["cells"]
        browser.screenshot(page, shots / "serve-directive.png")
        # ... which links back to its citations
        back = [x for x in directive["links"] if x["text"].endswith("from key in citations")]
        assert back and back[0]["text"].startswith("2 rows"), directive["links"]
        browser.eval(page, "[...document.querySelectorAll('li a')].find(a => "
                           "a.parentElement.textContent.includes('from key in citations')).click()")
        browser.wait_event("Page.loadEventFired", page)
        cited = browser.eval(page, SEARCH_PAGE)
        assert len(cited["sentences"]) == 2 and all("Chỉ thị số 12/CT-UBND" in s for s in cited["sentences"])
        assert "2 rows" in cited["title"]
    _png_is_not_blank(shots / "serve-citations.png")
    _png_is_not_blank(shots / "serve-directive.png")
