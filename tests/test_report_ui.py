"""`tdkt report` as an official reads it: in Vietnamese, summary first with
each file's status, a page that stays short (documents collapsed), search,
sort and filters that work, a checks table that fits a 1280 px screen, and a
print layout of a reasonable number of pages.

Built from the seed corpus (corpus/seeds/*.txt through pipeline.batch.run),
seed 000 saved as another unit's report (corpus/made/, a registry conflict),
an altered copy of seed 002 (a percentage that does not match its ratio), the
real scanned PDF of corpus/real/ (no text layer: needs OCR) and one finding
whose evidence is long and unbroken. Checked in headless Chromium (Debian's
chromium, driven over the DevTools pipe as tests/test_report.py does) and by
``chromium --headless --print-to-pdf`` with the pages counted by pypdfium2.
"""
import importlib.util
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline import batch
from pipeline import store as db  # the store itself; `store` is the audit commands' view of it
from pipeline.audit import store
from pipeline.cli import main
from pipeline.models import Check
from pipeline.report.browser import Chromium, find_chromium
from pipeline.report.i18n import STRINGS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
SCAN = ROOT / "corpus" / "real" / "S01_quangbinh_qd2871-2022_tang-bang-khen-ct-ubnd_scanned.pdf"
MADE = ROOT / "corpus" / "made" / "005_another_unit_date_changed.txt"
WIDTH = 1280

# every test here drives Chromium over a built review page (`make test-fast` leaves them out)
pytestmark = pytest.mark.slow

# the names of tables, columns and values come from pipeline.labels (rules/labels.yaml)
needs_labels = pytest.mark.skipif(importlib.util.find_spec("pipeline.labels") is None,
                                  reason="pipeline.labels (rules/labels.yaml) is not in this tree")

# a finding whose evidence has no place to break: the checks table must still fit
LONG_VALUES = "parts=" + "+".join(str(700 + k) for k in range(60)) + "; total=" + "9" * 120


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("report-ui")
    src = base / "in"
    src.mkdir()
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, src / p.name)
    shutil.copy(MADE, src / MADE.name)
    shutil.copy(SCAN, src / SCAN.name)
    text = (SEEDS / "002_03026f8b928707b4.txt").read_text(encoding="utf-8")
    (src / "002_altered.txt").write_text(text.replace("chiếm 15,8%", "chiếm 18,5%"), encoding="utf-8")
    out = base / "out"
    batch.run([str(src)], str(out), workers=1, quiet=True)
    assert main(["check", "--out", str(out), "--quiet"]) == 0
    con = db.connect(out)
    findings = [Check(**r) for r in store.select_rows(con, "checks", order="rowid")]
    assert {f.rule_id for f in findings} >= {"percent_vs_ratio", "registry_conflict"}, findings
    first = findings[0]
    others = ";".join(f"{first.doc_id}:{first.start + k}-{first.end}" for k in range(1, 4))
    findings.append(Check("total_vs_parts", "error", "Tổng " + "9" * 120 + " khác tổng các thành phần " +
                          LONG_VALUES, basis="Điều 1, Điều 2, Điều 3 của một căn cứ rất dài " * 3,
                          values=LONG_VALUES, doc_id=first.doc_id, start=first.start, end=first.end,
                          spans=others))
    db.replace_table(con, "checks", findings)
    con.close()
    assert main(["report", "--out", str(out), "--lang", "vi", "--quiet"]) == 0
    assert main(["report", "--out", str(out), "--lang", "en", "--html", str(out / "en.html"), "--quiet"]) == 0
    return out


def _chromium():
    if not find_chromium():
        pytest.fail("Chromium is not installed: run `make browser-deps` (Debian package chromium)")
    return Chromium(width=WIDTH, height=900)


VOID = {"meta", "input", "br", "col", "img", "hr", "link", "rect"}
UI_TAGS = {"h1", "h2", "h3", "th", "button", "label", "option", "summary", "dt", "title"}


class _UI(HTMLParser):
    """The page's own words: the text of its headings, headers, buttons,
    labels and options, each apart; a document's title (its section's
    heading), a chart's unit and the SVG are data, left out."""

    def __init__(self):
        super().__init__()
        self.stack, self.found = [], []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        data = "dochead" in (attrs.get("class") or "") or tag == "svg" or (
            tag == "summary" and self.stack and "chart" in (self.stack[-1][1].get("class") or ""))
        self.stack.append([tag, attrs, "", data])

    def handle_endtag(self, tag):
        if tag in VOID or not self.stack:
            return
        while self.stack:
            item = self.stack.pop()
            if item[0] in UI_TAGS and not any(x[3] for x in self.stack) and not item[3]:
                self.found.append(" ".join(item[2].split()))
            if item[0] == tag:
                break

    def handle_data(self, data):
        for item in self.stack:
            if item[0] in UI_TAGS:
                item[2] += data


def _ui_texts(html: str) -> list[str]:
    p = _UI()
    p.feed(html)
    return p.found


# --- the page as written -------------------------------------------------------
def test_summary_comes_first_with_each_files_status(built):
    html = (built / "report.html").read_text(encoding="utf-8")
    main_part = html[html.index("<main>"):]
    assert main_part.index('<section id="summary">') < main_part.index('<section id="checks">') \
        < main_part.index('<section id="charts">') < main_part.index('<section class="doc"')
    summary = re.search(r'<section id="summary">.*?</section>', html, re.S).group(0)
    rows = re.findall(r'<tr[^>]*data-status="(\w+)"[^>]*>(.*?)</tr>', summary.split('id="failed"')[0], re.S)
    assert len(rows) == 8                                        # every file, read or not
    status = {re.search(r'title="([^"]+)"', r).group(1).rsplit("/", 1)[-1]: (s, r) for s, r in rows}
    s, row = status[SCAN.name]
    assert s == "needs_ocr"
    assert ">Cần OCR</span>" in row                               # its status, not rows of zeros
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row)[-6:] == ["—"] * 6
    assert '<td class="num" data-sort="0">0</td>' not in row
    s, row = status["000_749e481ad73445fb.txt"]
    assert s == "ok" and ">Đọc được</span>" in row and '<td class="num"' in row
    # the totals, and the scan listed with why it was not read
    totals = re.search(r'<dl class="totals">.*?</dl>', summary, re.S).group(0)
    assert re.search(r"<dt>Tổng số tệp</dt><dd>8</dd>", totals) and re.search(r"<dt>Cần OCR</dt><dd>1</dd>", totals)
    assert re.search(r"<dt>Đọc được</dt><dd>7</dd>", totals)
    unread = re.search(r'<h2 id="failed">Không đọc được \(1\)</h2>.*?</table>', summary, re.S).group(0)
    assert SCAN.name in unread and "tdkt extract --ocr" in unread


def test_headings_labels_and_buttons_are_vietnamese(built):
    html = (built / "report.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in html
    ui = _ui_texts(html)
    for word in ("Tổng hợp", "Kiểm tra (5)", "Không đọc được (1)", "Tìm kiếm", "Mở tất cả", "Thu gọn tất cả", "In",
                 "Trích dẫn", "Phong trào", "Tiền", "Khen thưởng", "Số liệu", "Trạng thái", "Văn bản",
                 "Biểu đồ: số khen thưởng theo đơn vị và năm", "Vị trí", "Lý do"):
        assert word in ui, word
    assert "Văn bản (7)" in ui
    # no English word of the UI
    english = {v for k, v in STRINGS["en"].items() if v != STRINGS["vi"][k] and "{" not in v and len(v) > 3}
    leaked = [t for t in ui if t in english]
    assert not leaked, leaked
    for phrase in ("Summary", "Not read", "Documents", "Search the tables", "Click a row link"):
        assert phrase not in " ".join(ui)


@needs_labels
def test_headers_and_values_are_the_workbooks(built):
    """The tables' headers and values read as the workbook's (rules/labels.yaml):
    no header is a machine name (doc_type, severity, amount_vnd ...)."""
    html = (built / "report.html").read_text(encoding="utf-8")
    ui = _ui_texts(html)
    machine = [t for t in ui if re.fullmatch(r"[a-z_]+", t)]
    assert not machine, machine
    for word in ("Mức độ", "Nội dung kiểm tra", "Phát hiện", "Căn cứ", "Loại văn bản", "Cơ quan ban hành",
                 "Trích dẫn văn bản (10)", "Khen thưởng (4)"):
        assert word in ui, word
    assert re.search(r'<td data-rule="percent_vs_ratio"[^>]*>Tỷ lệ % không khớp tỷ số</td>', html)
    assert "<th>Loại số liệu</th>" in html and "<th>Số tiền (đồng)</th>" in html
    assert ">tỷ lệ phần trăm</td>" in html and ">trên</td>" in html          # figures.kind, money.qualifier
    assert re.search(r'<td class="nw" data-sort="2021-12-29">29/12/2021</td>', html)   # a date, the Vietnamese way


def test_english_page_on_request(built):
    html = (built / "en.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    ui = _ui_texts(html)
    for word in ("Summary", "Checks (5)", "Not read (1)", "Search", "Print", "Citation", "Money", "Status"):
        assert word in ui, word
    assert "Văn bản (7)" not in ui and "Tổng hợp" not in ui and "Tìm kiếm" not in ui
    assert ">Needs OCR</span>" in html and "<th>doc_type</th>" in html


# --- in the browser --------------------------------------------------------------
HEIGHT = "document.documentElement.scrollHeight"


def test_the_page_stays_short(built):
    """Every section collapsed: the page is the summary (totals, one row per
    file), the checks, the charts and one line per document. The bound:
    1,500 px for the frame, totals, intro and filters, 60 px per summary row
    (a file name on two lines), 150 px per finding, 450 px per chart shown open
    and 70 px per collapsed document: 4,570 px for these 8 files, 5 findings, 3
    charts and 7 documents (the report before this layout: 27,900 px), where
    the page with every section open is several times that."""
    with _chromium() as browser:
        page = browser.open((built / "report.html").resolve().as_uri())
        n = browser.eval(page, "({docs: document.querySelectorAll('section.doc').length, "
                               "rows: document.querySelectorAll('#docs-table tbody tr').length, "
                               "charts: document.querySelectorAll('#charts details[open]').length, "
                               "checks: document.querySelectorAll('#checks-table tbody tr').length})")
        bound = 1500 + 60 * n["rows"] + 150 * n["checks"] + 450 * n["charts"] + 70 * n["docs"]
        collapsed = browser.eval(page, HEIGHT)
        assert n["docs"] == 7 and n["rows"] == 8
        assert collapsed < bound, (collapsed, bound)
        opened = browser.eval(page, "(() => { document.querySelector('button[data-act=expand]').click(); "
                                    f"return {HEIGHT}; }})()")
        assert opened > 4 * collapsed, (opened, collapsed)
        closed = browser.eval(page, "(() => { document.querySelector('button[data-act=collapse]').click(); "
                                    f"return {HEIGHT}; }})()")
        assert closed == collapsed


SEARCH = r"""
(async (q) => {
  const box = document.getElementById('q');
  box.focus(); box.value = q; box.dispatchEvent(new Event('input', {bubbles: true}));
  await new Promise(r => setTimeout(r, 250));
  const fold = s => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd');
  const rows = Array.from(document.querySelectorAll('section.doc table.data tbody tr'));
  const shown = rows.filter(r => !r.hidden && !r.closest('[hidden]'));
  const sections = Array.from(document.querySelectorAll('section.doc'));
  const summaryShown = Array.from(document.querySelectorAll('#docs-table tbody tr')).filter(r => !r.hidden);
  return {total: rows.length, shown: shown.length,
          allMatch: shown.every(r => fold(r.textContent).includes(fold(q))),
          texts: shown.map(r => r.id),
          sectionsShown: sections.filter(s => !s.hidden).map(s => s.id),
          hits: sections.filter(s => !s.hidden).map(s => s.querySelector('.hits').textContent),
          summaryShown: summaryShown.map(r => r.getAttribute('data-doc')),
          count: document.getElementById('q-count').textContent,
          checksShown: Array.from(document.querySelectorAll('#checks-table tbody tr')).filter(r => !r.hidden).length};
})
"""


def test_search_filters_the_rows(built):
    with _chromium() as browser:
        page = browser.open((built / "report.html").resolve().as_uri())
        got = browser.eval(page, f"({SEARCH})('Bằng khen')")
        assert 0 < got["shown"] < got["total"] and got["allMatch"], got
        # a document without the words is hidden, with them it says how many rows match
        assert 0 < len(got["sectionsShown"]) < 7
        assert all(re.fullmatch(r"\d+ dòng khớp", h) for h in got["hits"]), got["hits"]
        assert sorted(got["summaryShown"]) == sorted(s.split("-")[1] for s in got["sectionsShown"])
        assert re.fullmatch(r"\d+/\d+ dòng", got["count"])
        # typed without diacritics: the same rows
        plain = browser.eval(page, f"({SEARCH})('bang khen')")
        assert plain["texts"] == got["texts"]
        # a file name finds its document (its heading matches: all its rows stay)
        one = browser.eval(page, f"({SEARCH})('002_altered')")
        assert len(one["sectionsShown"]) == 1 and one["summaryShown"] == [one["sectionsShown"][0].split("-")[1]]
        # the checks table is searched too
        assert browser.eval(page, f"({SEARCH})('percent')")["checksShown"] == 0
        assert browser.eval(page, f"({SEARCH})('Tỷ lệ')")["checksShown"] >= 1
        cleared = browser.eval(page, f"({SEARCH})('')")
        assert cleared["shown"] == cleared["total"] and len(cleared["sectionsShown"]) == 7 and cleared["count"] == ""
        # ?q= in the address fills the box
        page2 = browser.open((built / "report.html").resolve().as_uri() + "?q=Bằng%20khen")
        again = browser.eval(page2, "document.getElementById('q').value")
        assert again == "Bằng khen"
        assert browser.eval(page2, "document.querySelectorAll('section.doc:not([hidden])').length") == \
            len(got["sectionsShown"])


FILTER = r"""
(async (name, value) => {
  const sel = document.querySelector('select.filter[name=' + name + ']');
  sel.value = value; sel.dispatchEvent(new Event('change'));
  await new Promise(r => setTimeout(r, 50));
  const rows = Array.from(document.querySelectorAll('#docs-table tbody tr')).filter(r => !r.hidden);
  return {rows: rows.map(r => [r.getAttribute('data-status'), r.getAttribute('data-kind'),
                               r.querySelector('a').textContent, r.cells[1].textContent]),
          sections: Array.from(document.querySelectorAll('section.doc')).filter(s => !s.hidden).length};
})
"""


def test_status_and_kind_filters(built):
    with _chromium() as browser:
        page = browser.open((built / "report.html").resolve().as_uri())
        got = browser.eval(page, f"({FILTER})('status', 'needs_ocr')")
        assert got["rows"] == [["needs_ocr", "-", SCAN.name, "Cần OCR"]] and got["sections"] == 0
        got = browser.eval(page, f"({FILTER})('status', '')")
        assert len(got["rows"]) == 8 and got["sections"] == 7
        got = browser.eval(page, f"({FILTER})('kind', 'Báo cáo')")
        assert got["rows"] and all(r[1] == "Báo cáo" for r in got["rows"]) and len(got["rows"]) < 8
        assert got["sections"] == len(got["rows"])
        # the checks by severity
        sev = browser.eval(page, "(() => { const s = document.querySelector('select.filter[name=severity]'); "
                                 "s.value = 'error'; s.dispatchEvent(new Event('change')); "
                                 "return Array.from(document.querySelectorAll('#checks-table tbody tr'))"
                                 ".filter(r => !r.hidden).map(r => r.getAttribute('data-severity')); })()")
        errors = browser.eval(page, "document.querySelectorAll('#checks-table tr[data-severity=error]').length")
        assert sev == ["error"] * errors and 0 < errors < 3
        # ?status= in the address sets the filter
        page2 = browser.open((built / "report.html").resolve().as_uri() + "?status=needs_ocr")
        assert browser.eval(page2, "Array.from(document.querySelectorAll('#docs-table tbody tr'))"
                                   ".filter(r => !r.hidden).length") == 1


SORT = r"""
(async (table, header) => {
  const th = Array.from(document.querySelectorAll('#' + table + ' thead th')).find(h => h.textContent.trim() === header);
  const idx = Array.from(th.parentNode.children).indexOf(th);
  th.click();
  const col = () => Array.from(document.querySelectorAll('#' + table + ' tbody tr')).map(r => {
      const td = r.cells[idx]; const k = td.getAttribute('data-sort'); return k === null ? td.textContent.trim() : k; });
  const up = col(), upState = th.getAttribute('aria-sort');
  th.click();
  return {up, down: col(), upState, downState: th.getAttribute('aria-sort')};
})
"""


def test_sorting_by_a_header(built):
    with _chromium() as browser:
        page = browser.open((built / "report.html").resolve().as_uri())
        got = browser.eval(page, f"({SORT})('docs-table', 'Tiền')")
        assert got["upState"] == "ascending" and got["downState"] == "descending"
        numbers = [int(x) for x in got["up"] if x != ""]
        assert numbers == sorted(numbers) and len(set(numbers)) > 1
        assert got["up"][-1] == ""                                   # the unread scan: no count, last
        down = [int(x) for x in got["down"] if x != ""]
        assert down == sorted(down, reverse=True) and got["down"][-1] == ""
        names = browser.eval(page, f"({SORT})('docs-table', 'Văn bản')")["up"]
        assert names == sorted(names, key=str.casefold)
        severity = browser.eval(page, "document.querySelector('#checks-table th').textContent")
        sev = browser.eval(page, f"({SORT})('checks-table', {severity!r})")["up"]
        assert sev == sorted(sev) and sev[0] == "0"                  # errors first
        # a document's table sorts too: its position column
        pos = browser.eval(page, "(() => { const th = document.querySelector('section.doc table.t-money thead th'); "
                                 "th.click(); th.click(); return Array.from(th.closest('table').tBodies[0].rows)"
                                 ".map(r => Number(r.cells[0].getAttribute('data-sort'))); })()")
        assert pos == sorted(pos, reverse=True) and len(pos) > 1


FIT = r"""
(() => {
  const t = document.getElementById('checks-table');
  const box = t.parentElement;
  const cells = Array.from(t.querySelectorAll('td')).filter(td => td.scrollWidth > td.clientWidth + 1).length;
  const r = t.getBoundingClientRect();
  return {scroll: t.scrollWidth, width: box.clientWidth, right: r.right, inner: window.innerWidth,
          over: cells, doc: document.documentElement.scrollWidth};
})()
"""


def test_the_checks_table_fits_at_1280(built, tmp_path):
    with _chromium() as browser:
        page = browser.open((built / "report.html").resolve().as_uri() + "#checks")
        got = browser.eval(page, FIT)
        assert got["scroll"] <= got["width"], got                    # no column falls off its box
        assert got["right"] <= got["inner"] and got["over"] == 0, got
        assert got["doc"] <= WIDTH, got                               # nor off the screen
        shots = Path(os.environ.get("TDKT_SCREENSHOTS") or tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        browser.screenshot(page, shots / "report-checks-1280.png")


def _print(url: str, pdf: Path) -> int:
    """``chromium --headless --print-to-pdf`` of url; the number of pages."""
    import pypdfium2
    binary = find_chromium()
    profile = pdf.parent / (pdf.stem + "-profile")
    subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
                    f"--print-to-pdf={pdf}", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=180, check=False)
    shutil.rmtree(profile, ignore_errors=True)
    assert pdf.exists() and pdf.stat().st_size > 1000, "no PDF printed"
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def _pdf_text(pdf: Path) -> str:
    import pypdfium2
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def test_print(built, tmp_path):
    """Printed: no sidebar, no toolbar, every document open with its tables
    (its text left out unless asked for). These files printed 27 pages before
    (the sidebar on every page, each text cut in its scrolling box) and 15
    now; the bound, 20, is two pages per document read and six for the
    summary, the checks and the charts."""
    if not find_chromium():
        pytest.fail("Chromium is not installed: run `make browser-deps` (Debian package chromium)")
    url = (built / "report.html").resolve().as_uri()
    pages = _print(url, tmp_path / "tables.pdf")
    assert pages <= 20, pages
    text = _pdf_text(tmp_path / "tables.pdf")
    assert "Tổng hợp" in text and "Cần OCR" in text
    assert "Rà soát tdkt" not in text and "Tìm kiếm" not in text       # no sidebar, no toolbar
    # every document opened, its tables printed
    con = db.connect(built)
    ids = [r[0] for r in con.execute("SELECT doc_id FROM documents WHERE status = 'ok'")]
    con.close()
    assert len(ids) == 7 and all(i in text for i in ids)
    assert text.count("Trích dẫn văn bản (") == 6 and "Lao động tiên tiến" in text
    summary = _print(url + "?print=summary", tmp_path / "summary.pdf")
    full = _print(url + "?print=texts", tmp_path / "texts.pdf")
    assert summary < pages < full, (summary, pages, full)
    assert summary <= 4
