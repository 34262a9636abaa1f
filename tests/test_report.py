"""`tdkt report`: the HTML review page, checked in headless Chromium.

The browser test opens DIR/report.html in Debian's chromium (driven over the
DevTools pipe, nothing downloaded), takes screenshots (kept when
TDKT_SCREENSHOTS names a folder) and checks the DOM: highlighted spans of every
kind, row links that land on their span, check links, and a document holding
`<script>` shown as text with nothing run.
"""
import importlib.util
import os
import shutil
from pathlib import Path

import pytest
import regex

from pipeline.cli import main
from pipeline.report.browser import Chromium, find_chromium
from pipeline.report.render import Span, render_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"

HOSTILE = """BÁO CÁO
Kết quả công tác thi đua năm 2022 <script>window.__pwned = 1; document.title = "PWNED";</script>

- Kết quả khen thưởng năm 2022: 05 tập thể được tặng Giấy khen của Chủ tịch UBND huyện.
- Có 02/10 xã đạt chuẩn, chiếm 20% <img src=x onerror="window.__pwned = 2">; tổng kinh phí 15 triệu đồng.
- Ghi chú: "</mark></div><b id=injected>đậm</b>" & <iframe src="http://example.invalid/"></iframe>
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    src = base / "in"
    src.mkdir()
    for name in ("000_749e481ad73445fb.txt", "002_03026f8b928707b4.txt", "003_98235f30ad968d9c.txt"):
        shutil.copy(SEEDS / name, src / name)
    # an altered copy, so that the page has a finding to link to
    text = (SEEDS / "002_03026f8b928707b4.txt").read_text(encoding="utf-8")
    (src / "002_altered.txt").write_text(text.replace("chiếm 15,8%", "chiếm 18,5%"), encoding="utf-8")
    (src / "zz_hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = base / "out"
    cwd = os.getcwd()
    os.chdir(base)                      # source paths in the store are relative, as with `make run`
    try:
        assert main(["extract", "in", "--out", "out", "--quiet", "--workers", "1"]) == 0
        assert main(["check", "--out", "out", "--quiet"]) == 0
        shutil.rmtree(src)              # the page comes from the store alone: texts included
        assert main(["report", "--out", "out", "--lang", "vi", "--quiet"]) == 0
    finally:
        os.chdir(cwd)
    return out / "report.html"


@pytest.mark.slow
def test_page_is_self_contained_and_escaped(report):
    html = report.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html
    # nothing is fetched: no element has a src, every link stays on the page
    tags = _tags(html)
    assert not [t for t in tags if "src" in t[1]]
    assert all(a.get("href", "#").startswith("#") for _, a in tags)
    assert {t for t, _ in tags} <= {"html", "head", "meta", "title", "style", "body", "nav", "h1", "h2", "h3", "ul",
                                   "li", "a", "label", "input", "mark", "span", "p", "main", "section", "table",
                                   "colgroup", "col", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "div",
                                   "details", "summary", "code", "br", "small", "figure", "svg", "rect", "text",
                                   "select", "option", "button", "script"}
    assert "<script>window.__pwned" not in html and "&lt;script&gt;window.__pwned" in html
    assert "<iframe" not in html and "<b id=injected>" not in html
    assert html.count("<script>") == 1                 # the page's own


@pytest.mark.slow
def test_a_page_for_some_documents_only(report):
    out = report.parent
    one = out / "one.html"
    assert main(["report", "--out", str(out), "--doc", "002_altered", "--html", str(one), "--quiet"]) == 0
    html = one.read_text(encoding="utf-8")
    assert "002_altered.txt" in html and "000_749e481ad73445fb.txt" not in html
    assert html.count('id="doc-') == 1


def _tags(html: str) -> list[tuple[str, dict]]:
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))
    p = P()
    p.feed(html)
    return p.tags


def test_render_text_overlaps_and_escaping():
    text = "a <b> 21 tập thể và 25 cá nhân & c"
    spans = [Span(2, 5, "figure", "s0-2-5", 'x"<y>'), Span(6, 31, "award", "s0-6-31", "award"),
             Span(6, 16, "figure", "s0-6-16", "fig")]
    html = render_text(text, spans)
    assert "&lt;b&gt;" in html and "<b>" not in html and "&amp; c" in html
    assert 'title="x&quot;&lt;y&gt;"' in html
    assert html.count('class="anchor"') == 3
    assert regex.search(r'<mark class="hl p-figure k-award k-figure" data-spans="s0-6-31 s0-6-16"', html)


JS_CHECKS = r"""
(() => {
  const kinds = ['citation', 'movement', 'money', 'award', 'figure', 'check'];
  const perKind = {};
  kinds.forEach(k => perKind[k] = document.querySelectorAll('section.doc mark.k-' + k).length);
  const spanText = id => Array.from(document.querySelectorAll('mark[data-spans]'))
      .filter(m => (' ' + m.getAttribute('data-spans') + ' ').includes(' ' + id + ' '))
      .map(m => m.textContent).join('');
  const rows = Array.from(document.querySelectorAll('section.doc table.data tbody tr'));
  const bad = [];
  rows.forEach(tr => {
    const a = tr.querySelector('a.go');
    const id = a.getAttribute('href').slice(1);
    if (!document.getElementById(id)) { bad.push('no anchor ' + id); return; }
    const want = tr.children[1].textContent;
    if (spanText(id) !== want) bad.push(id + ': ' + spanText(id) + ' != ' + want);
  });
  const checkLinks = Array.from(document.querySelectorAll('#checks a.go'));
  const badChecks = checkLinks.filter(a => !document.getElementById(a.getAttribute('href').slice(1))).length;
  const hostile = Array.from(document.querySelectorAll('section.doc')).find(s => s.querySelector('.path').textContent.includes('zz_hostile'));
  const textBox = hostile.querySelector('.text');
  return {perKind, rows: rows.length, bad: bad.slice(0, 5), nBad: bad.length, checkLinks: checkLinks.length, badChecks,
          pwned: window.__pwned === undefined ? null : window.__pwned, title: document.title,
          scripts: document.scripts.length, injected: !!document.getElementById('injected'),
          iframes: document.querySelectorAll('iframe').length, imgs: document.querySelectorAll('section.doc img').length,
          hostileText: textBox.textContent, charts: document.querySelectorAll('#charts svg rect').length};
})()
"""

CLICK = r"""
(async () => {
  const tr = Array.from(document.querySelectorAll('section.doc table.t-figure tbody tr'))
      .find(r => r.children[1].textContent === '03/19 xã');
  tr.querySelector('a.go').click();
  await new Promise(r => setTimeout(r, 300));
  const flashed = Array.from(document.querySelectorAll('mark.flash'));
  const box = flashed[0].getBoundingClientRect();
  return {hash: location.hash, text: flashed.map(m => m.textContent).join(''),
          visible: box.top >= 0 && box.bottom <= window.innerHeight, title: flashed[0].getAttribute('title')};
})()
"""

CLICK_CHECK = r"""
(async () => {
  // the altered copy's finding (the seed's own miscitation of Chỉ thị 05-CT/TW is listed too)
  const row = Array.from(document.querySelectorAll('#checks tbody tr'))
    .find(r => r.querySelector('td[data-rule="percent_vs_ratio"]'));
  row.querySelector('a.go').click();
  await new Promise(r => setTimeout(r, 300));
  const flashed = Array.from(document.querySelectorAll('mark.flash'));
  return {text: flashed.map(m => m.textContent).join(''),
          rule: row.querySelector('td[data-rule]').getAttribute('data-rule')};
})()
"""


@pytest.mark.slow
def test_report_in_chromium(report, tmp_path):
    if not find_chromium():
        pytest.fail("Chromium is not installed: run `make browser-deps` (Debian package chromium) "
                    "to install it for the browser test")
    shots = Path(os.environ.get("TDKT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with Chromium(width=1400, height=1000) as browser:
        page = browser.open(report.resolve().as_uri())
        browser.screenshot(page, shots / "report-top.png")
        got = browser.eval(page, JS_CHECKS)
        for kind, n in got["perKind"].items():
            assert n > 0, f"no highlighted {kind} span"
        assert got["rows"] > 50 and got["nBad"] == 0, got["bad"]
        assert got["checkLinks"] >= 1 and got["badChecks"] == 0
        # the hostile document is shown as text and runs nothing
        assert got["pwned"] is None and got["title"] != "PWNED"
        assert got["scripts"] == 1 and not got["injected"] and got["iframes"] == 0 and got["imgs"] == 0
        assert '<script>window.__pwned = 1; document.title = "PWNED";</script>' in got["hostileText"]
        assert '<img src=x onerror="window.__pwned = 2">' in got["hostileText"]
        assert got["charts"] > 10
        clicked = browser.eval(page, CLICK)
        assert clicked["text"] == "03/19 xã" and clicked["visible"], clicked
        # the hover tip names the values in Vietnamese (rules/labels.yaml's headers, when pipeline.labels is there)
        names = ("Mẫu số: 19", "Chỉ tiêu: đạt 19 tiêu chí") if importlib.util.find_spec("pipeline.labels") \
            else ("denominator: 19", "of_what: đạt 19 tiêu chí")
        assert all(n in clicked["title"] for n in names), clicked["title"]
        browser.screenshot(page, shots / "report-span.png")
        chk = browser.eval(page, CLICK_CHECK)
        assert chk["rule"] == "percent_vs_ratio" and chk["text"].startswith("03/19 xã") and "18,5%" in chk["text"]
        browser.screenshot(page, shots / "report-check.png")
    for name in ("report-top.png", "report-span.png", "report-check.png"):
        data = (shots / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
