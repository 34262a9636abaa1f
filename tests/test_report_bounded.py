"""`tdkt report` reads what `extract` stored, never the sources, and stays
bounded: the texts come from the store (they survive the source files), a
document extract could not read is listed with its error and not read again,
a long text is cut, and an archive's sections go to pages of bounded size,
rendered one document at a time in bounded memory."""
import dataclasses
import os
import re
import sqlite3
import tracemalloc
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builders import zip_bomb
from pipeline import batch
from pipeline import store as db  # the store itself; `store` is the audit commands' view of it
from pipeline.api import extract_text
from pipeline.audit import store
from pipeline.cli import main
from pipeline.models import Check
from pipeline.report import build_report
from pipeline.report.render import NO_TEXT

SENTENCE = ("Thực hiện Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh, năm 2022 có 21 tập thể và "
            "25 cá nhân được tặng Bằng khen của Chủ tịch UBND tỉnh, kinh phí trên 14 triệu đồng.")


def report_text(n: int) -> str:
    return (f"UBND TỈNH TÂY NINH\nBÁO CÁO SỐ {n}\nKết quả công tác thi đua, khen thưởng năm 2022\n\n"
            f"- {SENTENCE}\n- Đơn vị số {n} đã tổ chức hội nghị tổng kết phong trào.\n")


def no_source_reading(monkeypatch):
    """Reading a source file again fails the test."""
    import pipeline.ingest
    import pipeline.normalize

    def refuse(*args, **kwargs):
        raise AssertionError("the report read a source file")
    monkeypatch.setattr(pipeline.ingest, "read_source", refuse)
    monkeypatch.setattr(pipeline.normalize, "normalize", refuse)


def sections(html: str) -> dict[str, str]:
    """source path -> its document section."""
    out = {}
    for sec in re.findall(r'<section class="doc" id="doc-\d+">.*?</section>', html, re.S):
        out[re.search(r'<p class="path">([^<]*) · ', sec).group(1)] = sec
    return out


def hrefs(html: str) -> list[str]:
    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if "href" in a:
                self.links.append(a["href"])
            assert "src" not in a, (tag, a)
    p = P()
    p.feed(html)
    return p.links


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Three reports and two files extract cannot read, extracted; then the
    sources are deleted."""
    base = tmp_path_factory.mktemp("bounded")
    src = base / "in"
    src.mkdir()
    for n in range(3):
        (src / f"report_{n}.txt").write_text(report_text(n), encoding="utf-8")
    (src / "random.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(20_000))
    zip_bomb(src / "bomb.docx", megabytes=20)
    out = base / "out"
    batch.run([str(src)], str(out), workers=1, quiet=True)
    for p in src.iterdir():
        p.unlink()
    src.rmdir()
    return out


@pytest.mark.slow
def test_texts_and_highlights_come_from_the_store(extracted, monkeypatch):
    no_source_reading(monkeypatch)
    html = build_report(extracted, extracted / "r1.html").read_text(encoding="utf-8")
    secs = sections(html)
    assert len(secs) == 3
    for path, sec in secs.items():
        assert "report_" in path
        assert NO_TEXT not in sec and 'class="note"' not in sec
        text = re.search(r'<div class="text" id="text-\d+">(.*?)</div>', sec, re.S).group(1)
        plain = re.sub(r"<[^>]+>", "", text)
        assert SENTENCE in plain
        # every kind of span in the sentence is highlighted, and each row links to its mark
        marked = re.findall(r'<mark class="hl p-(\w+)[^"]*" data-spans="([^"]+)"[^>]*>([^<]*)</mark>', text)
        kinds = {k for k, _, _ in marked}
        assert {"citation", "award", "money"} <= kinds, kinds
        assert any("12/CT-UBND" in seg for _, _, seg in marked)
        assert "trên 14 triệu đồng" in "".join(seg for k, _, seg in marked if k == "money")
        for target in re.findall(r'<a class="go" href="#(s\d+-\d+-\d+)"', sec):
            assert f'id="{target}"' in sec


@pytest.mark.slow
def test_a_store_without_texts_shows_the_rows_and_says_so(extracted, tmp_path, monkeypatch):
    no_source_reading(monkeypatch)
    old = tmp_path / "old"
    old.mkdir()
    # a store as an older tdkt wrote it: no texts table at all
    with sqlite3.connect(extracted / db.DB_NAME) as src, sqlite3.connect(old / db.DB_NAME) as dst:
        src.backup(dst)
        dst.execute(f'DROP TABLE "{db.TEXTS_TABLE}"')
    html = build_report(old).read_text(encoding="utf-8")
    secs = sections(html)
    assert len(secs) == 3
    for sec in secs.values():
        assert NO_TEXT.replace("`", "&#x27;") in sec or NO_TEXT in sec
        assert 'class="text"' not in sec
        assert "12/CT-UBND" in sec and "trên 14 triệu đồng" in sec            # the rows are listed
    assert "3 văn bản không có nội dung trong cơ sở dữ liệu" in html


@pytest.mark.slow
def test_failed_documents_are_listed_not_read(extracted, monkeypatch):
    no_source_reading(monkeypatch)
    con = db.connect(extracted)
    failed = {r[0]: r[1] for r in con.execute("SELECT source_path, error FROM documents WHERE status = 'error'")}
    con.close()
    assert sorted(Path(p).name for p in failed) == ["bomb.docx", "random.pdf"], failed
    html = build_report(extracted, extracted / "r2.html").read_text(encoding="utf-8")     # nothing re-read
    assert len(sections(html)) == 3                       # no section for a failed document
    listed = re.search(r'<h2 id="failed">Không đọc được \(2\)</h2>.*?</table>', html, re.S).group(0)
    for path, error in failed.items():
        assert error and path in listed and error.replace("'", "&#x27;").replace('"', "&quot;") in listed


@pytest.mark.slow
def test_a_long_text_is_cut(extracted, monkeypatch):
    no_source_reading(monkeypatch)
    html = build_report(extracted, extracted / "r3.html", max_chars=120).read_text(encoding="utf-8")
    for sec in sections(html).values():
        text = re.search(r'<div class="text" id="text-\d+">(.*?)</div>', sec, re.S).group(1)
        assert len(re.sub(r"<[^>]+>", "", text)) == 120
        assert "Nội dung chỉ hiển thị 120 trên" in sec and "nằm sau chỗ cắt được liệt kê nhưng không tô sáng" in sec
        # the award and money rows lie beyond the cut: listed, not linked
        assert "trên 14 triệu đồng</td>" in sec
        assert re.search(r'<span class="small" title="[^"]*">\d+</span></td><td>trên 14 triệu đồng',
                         sec)


def test_read_text_head_is_the_stored_text_cut(tmp_path):
    con = db.connect(tmp_path)
    text = "".join(f"Dòng {i}: Bằng khen 𝔘 của Chủ tịch UBND tỉnh — {i * 7919 % 1000}\n" for i in range(40_000))
    con.execute(f'INSERT INTO "{db.TEXTS_TABLE}" VALUES (?, ?)', ("d", zlib.compress(text.encode(), 1)))
    con.commit()
    assert db.read_text(con, "d") == text
    for n in (1, 7, 1000, 65_536, 300_001, len(text) - 1, len(text), len(text) + 5):
        head, more = store.read_text_head(con, "d", n)
        assert head == text[:n] and more == (len(text) > n), n
    assert store.read_text_head(con, "missing", 10) == (None, False)
    con.close()


def _many(out: Path, n: int, filler_lines: int) -> str:
    """n documents stored directly (one extraction, copied under n doc_ids)."""
    filler = "".join(f"Đoạn {k}: các đơn vị tiếp tục quán triệt, triển khai nhiệm vụ được giao một cách nghiêm túc.\n"
                     for k in range(filler_lines))
    text = report_text(0) + filler
    template = extract_text(text, source_path="template.txt")
    zipped = zlib.compress(template.normalized_text.encode("utf-8"), 1)
    version = batch.rules_version()
    con = db.connect(out)
    for i in range(n):
        doc_id = f"{i:016x}"

        def moved(rows):
            return [dataclasses.replace(r, doc_id=doc_id) for r in rows]  # noqa: B023 - called in this iteration
        result = dataclasses.replace(
            template, document=dataclasses.replace(template.document, doc_id=doc_id, source_path=f"in/doc_{i:04d}.txt"),
            citations=moved(template.citations), movements=moved(template.movements), money=moved(template.money),
            awards=moved(template.awards), figures=moved(template.figures), errors=[], text_zlib=zipped)
        db.store_document(con, result, version)
    # a finding spanning the first and the last document (on different pages)
    money = template.money[0]
    db.replace_table(con, "checks", [Check("claims_disagree", "warning", "differ", doc_id=f"{0:016x}",
                                               start=money.start, end=money.end,
                                               spans=f"{n - 1:016x}:{money.start}-{money.end}")])
    con.close()
    return template.normalized_text


@pytest.mark.slow
def test_an_archive_is_split_into_pages_in_bounded_memory(tmp_path, monkeypatch):
    out = tmp_path / "out"
    n = 600
    text = _many(out, n, filler_lines=300)            # ~30,000 characters each: 18 million in all
    no_source_reading(monkeypatch)
    assert len(text) > 25_000
    tracemalloc.start()
    try:
        target = build_report(out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # far below the texts (18 million characters, 36 MB as Python strings) or one page's HTML
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    main_html = target.read_text(encoding="utf-8")
    assert target.stat().st_size < 2 * 1024 * 1024
    assert 'id="doc-' not in main_html                    # the sections are on the pages
    folder = out / "report"
    pages = sorted(folder.iterdir())
    assert [p.name for p in pages] == [f"{k:04d}.html" for k in range(1, len(pages) + 1)]
    assert 6 <= len(pages) <= 8
    seen, read = [], {}

    def html_of(path: Path) -> str:
        if path not in read:
            read[path] = path.read_text(encoding="utf-8")
        return read[path]
    for p in pages:
        html = p.read_text(encoding="utf-8")
        ids = re.findall(r'<section class="doc" id="doc-(\d+)">', html)
        assert 0 < len(ids) <= 100
        seen += [int(i) for i in ids]
        assert html.count("<script>") == 1 and "Content-Security-Policy" in html
        assert p.stat().st_size < 8 * 1024 * 1024
        for link in hrefs(html):                            # every link stays offline, on these pages
            page, _, anchor = link.partition("#")
            assert page in ("", "../report.html") or re.fullmatch(r"\d{4}\.html", page), link
            if anchor:
                there = html if not page else html_of(out / "report.html" if page.startswith("..") else folder / page)
                assert f'id="{anchor}"' in there, link
    assert seen == list(range(n))
    # the main page links to every page, and its finding to both spans, on their pages
    links = hrefs(main_html)
    assert {f"report/{p.name}" for p in pages} <= set(links)
    span_links = [x for x in links if re.search(r"#s\d", x)]
    assert len(span_links) == 2
    for link in span_links:
        page, _, anchor = link.partition("#")
        assert f'id="{anchor}"' in html_of(out / page)
    assert "report/0001.html#s0-" in span_links[0] and f"report/{pages[-1].name}#s{n - 1}-" in span_links[1]


def test_pages_of_an_earlier_report_are_replaced(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _many(out, 12, filler_lines=2)
    no_source_reading(monkeypatch)
    assert main(["report", "--out", str(out), "--one-page", "5", "--per-page", "4", "--quiet"]) == 0
    assert sorted(p.name for p in (out / "report").iterdir()) == ["0001.html", "0002.html", "0003.html"]
    assert main(["report", "--out", str(out), "--one-page", "5", "--per-page", "6", "--quiet"]) == 0
    assert sorted(p.name for p in (out / "report").iterdir()) == ["0001.html", "0002.html"]
    # one page again: the folder of pages goes, and what a killed report left
    (out / ".report.tmp999999999").mkdir()
    (out / ".report.tmp999999999" / "0001.html").write_text("half")
    (out / ".report.html.tmp999999999").write_text("half")
    assert main(["report", "--out", str(out), "--quiet"]) == 0
    assert not (out / "report").exists()
    assert (out / "report.html").read_text(encoding="utf-8").count('<section class="doc"') == 12
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    # a folder of someone else's files is never taken over
    (out / "report").mkdir()
    (out / "report" / "notes.txt").write_text("mine")
    assert main(["report", "--out", str(out), "--one-page", "5", "--quiet"]) == 2
    assert (out / "report" / "notes.txt").read_text() == "mine"
