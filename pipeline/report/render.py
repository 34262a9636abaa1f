"""Building report.html from the store (see the package docstring)."""
from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import re
import shutil
import sqlite3
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from ..audit import compare as compare_mod
from ..audit import numbers as num
from ..audit import store
from ..extract import spec, specs
from ..models import Check
from . import charts
from .assets import CSS, JS, PAGE_HEAD, PAGE_TAIL, kind_css
from .i18n import DEFAULT, JS_KEYS, STRINGS, Names, strings
from .limits import (
    MAX_BARS,
    MAX_CHARS,
    MAX_CHARTS,
    MAX_CHECKS,
    MAX_FAILED,
    MAX_ROWS,
    ONE_PAGE,
    PAGE_CHARS,
    PER_PAGE,
    ROW_CHARS,
)


def _kinds() -> dict[str, str]:
    """The mention tables shown (table -> kind: ``citations`` -> ``citation``),
    in the order of precedence for a highlight's colour (the innermost span
    colours the text; every kind covering it is in its classes): the
    extractors' specs."""
    return {name: s.kind for name, s in specs().items()}


def _value_columns(table: str) -> list[str]:
    """The normalized values shown on hover and in the tables (its extractor's
    display columns), then the named rule that made the row."""
    return [*spec(table).columns, "rule"]


# columns left out of the printed page (machine keys an official does not read on paper)
NOT_PRINTED = {("citations", "key")}
DOC_FIELDS = ["doc_kind", "number", "issuer", "province", "place", "issued_date", "period", "format", "status",
              "error"]
# the status of a file: read, a scan awaiting OCR, not read
UNREAD = ("needs_ocr", "error")
STATUSES = ("ok", "needs_ocr", "error")
BOX_ROWS = 30             # a table of more rows scrolls in its own box (the page stays short)
OPEN_CHARTS = 3           # up to this many units' charts are shown open

NO_TEXT = STRINGS[DEFAULT]["no_text"]


class ReportError(RuntimeError):
    """The report cannot be written where it was asked for."""


def _e(value) -> str:
    """HTML-escape anything (attributes too)."""
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    if isinstance(value, float):
        value = num.vn(value, 6)
    return escape(str(value), quote=True)


@dataclass
class Span:
    start: int
    end: int
    kind: str
    key: str
    tip: str


@dataclass
class Limits:
    max_chars: int = MAX_CHARS
    max_rows: int = MAX_ROWS
    per_page: int = PER_PAGE
    one_page: int = ONE_PAGE
    page_chars: int = PAGE_CHARS
    max_checks: int = MAX_CHECKS
    max_failed: int = MAX_FAILED
    max_charts: int = MAX_CHARTS


def render_text(text: str, spans: list[Span]) -> str:
    """The text with each span highlighted: elementary segments between span
    boundaries become one <mark> listing every span covering them (overlaps
    need no nesting); an empty anchor marks where each span starts."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    bounds = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    starting = defaultdict(list)
    for s in spans:
        starting[s.start].append(s)
    order = {"check": 0, "award": 1, "money": 2, "figure": 3, "movement": 4, "citation": 5}
    active: list[Span] = []
    out: list[str] = []
    anchored: set[str] = set()
    for a, b in itertools.pairwise(bounds):
        active = [s for s in active if s.end > a] + starting.get(a, [])
        for s in starting.get(a, []):
            if s.key not in anchored:
                anchored.add(s.key)
                out.append(f'<span class="anchor" id="{_e(s.key)}"></span>')
        seg = escape(text[a:b], quote=False)
        if not active:
            out.append(seg)
            continue
        kinds = sorted({s.kind for s in active}, key=lambda k: order.get(k, 9))
        inner = min((s for s in active if s.kind != "check"), key=lambda s: (s.end - s.start, order.get(s.kind, 9)),
                    default=None)
        primary = inner.kind if inner else "check"
        classes = ["hl", f"p-{primary}"] + [f"k-{k}" for k in kinds]
        keys = " ".join(dict.fromkeys(s.key for s in active))
        tips = "\n".join(dict.fromkeys(s.tip for s in sorted(active, key=lambda s: order.get(s.kind, 9))))
        out.append(f'<mark class="{" ".join(classes)}" data-spans="{_e(keys)}" title="{_e(tips)}">{seg}</mark>')
    return "".join(out)


def _spans_of_check(f) -> list[tuple[str, int, int]]:
    out = []
    if f.doc_id and f.start is not None and f.end is not None:
        out.append((f.doc_id, int(f.start), int(f.end)))
    for part in (f.spans or "").split(";"):
        part = part.strip()
        if not part or ":" not in part:
            continue
        d, rng = part.rsplit(":", 1)
        s, _, e = rng.partition("-")
        if s.isdigit() and e.isdigit():
            out.append((d, int(s), int(e)))
    return out


PAGE_NAME = re.compile(r"\d{4}\.html")


def pages_folder(target: Path) -> Path:
    """Where the pages of a split report go: ``report/`` beside ``report.html``."""
    return target.with_suffix("") if target.suffix else target.with_name(target.name + "_pages")


def _ours(folder: Path) -> bool:
    """A folder of pages an earlier report wrote (and nothing else)."""
    return folder.is_dir() and all(PAGE_NAME.fullmatch(p.name) for p in folder.iterdir())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:                    # another user's process, or no way to tell
        return True
    return True


def _remove_stale(parent: Path, names: list[str]) -> None:
    """What a killed report left (``.report.html.tmp123``, ``.report.tmp123/``,
    ``.report.old123/``), when process 123 is gone."""
    pattern = re.compile("|".join(re.escape(f".{n}.") + r"(?:tmp|old)(\d+)" for n in names))
    for p in parent.glob(".*"):
        m = pattern.fullmatch(p.name)
        if not m:
            continue
        pid = int(next(g for g in m.groups() if g))
        if pid == os.getpid() or _alive(pid):
            continue
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def build_report(out_dir: str | os.PathLike, path: str | os.PathLike | None = None,
                 only: list[str] | None = None, *, max_chars: int = MAX_CHARS, per_page: int = PER_PAGE,
                 one_page: int = ONE_PAGE, max_rows: int = MAX_ROWS, page_chars: int = PAGE_CHARS,
                 lang: str = DEFAULT) -> Path:
    """Write report.html into the output folder (or ``path``); returns its path.
    ``only``: the documents whose source path contains one of these texts;
    ``lang``: the language of the page's words (``vi``, the default, or ``en``).

    Everything comes from the store that `tdkt extract` filled (each
    document's normalized text, its rows, the checks table): no source file
    is read. Documents are rendered one at a time and written out as they
    go; above ``one_page`` documents (or ``page_chars`` of text and rows) the
    sections go to pages ``report/0001.html`` ... of ``per_page`` documents
    each, linked from the main page's summary."""
    strings(lang)                                   # an unknown language fails before anything is read
    out_dir = Path(out_dir)
    target = Path(path) if path else out_dir / "report.html"
    limits = Limits(max_chars=max(1, max_chars), max_rows=max(1, max_rows), per_page=max(1, per_page),
                    one_page=max(0, one_page), page_chars=max(1, page_chars))
    con = store.open_store(out_dir)
    try:
        _Report(con, out_dir, only, limits, pages_folder(target).name, lang).write(target)
    finally:
        con.close()
    return target


def _status(doc: dict) -> str:
    s = doc.get("status") or "ok"
    return s if s in STATUSES else "ok"


def _th(label: str, cls: str = "", title: str = "") -> str:
    attrs = (f' class="{cls}"' if cls else "") + (f' title="{_e(title)}"' if title else "")
    return f"<th{attrs}>{_e(label)}</th>"


def _cols(widths: list[str]) -> str:
    return "<colgroup>" + "".join(f'<col style="width:{w}">' for w in widths) + "</colgroup>"


def _boxed(table: str, n_rows: int) -> str:
    """A long table scrolls in a box of its own (its header stays in view)."""
    return f'<div class="tablebox">{table}</div>' if n_rows > BOX_ROWS else table


class _Report:
    def __init__(self, con: sqlite3.Connection, out_dir: Path, only, limits: Limits, folder: str, lang: str):
        self.con, self.out_dir, self.limits, self.folder = con, out_dir, limits, folder
        self.lang, self.t, self.names = lang, strings(lang), Names(lang)
        # the extractors' tables this store has (one registered after it was written has none)
        stored = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.kinds = {t: k for t, k in _kinds().items() if t in stored}
        docs = store.select_rows(con, "documents")
        docs.sort(key=lambda d: (d.get("source_path") or "", d["doc_id"]))
        if only:
            docs = [d for d in docs if any(t in (d.get("source_path") or "") for t in only)]
        self.by_id = {d["doc_id"]: d for d in docs}
        self.all_docs = docs
        # a file not read (an error, a scan awaiting OCR) is listed with its status and reason: no section
        self.unread = [d for d in docs if _status(d) in UNREAD]
        self.unread_index = {d["doc_id"]: k for k, d in enumerate(self.unread)}
        self.docs = [d for d in docs if _status(d) not in UNREAD]
        self.index = {d["doc_id"]: i for i, d in enumerate(self.docs)}
        self.counts = {t: store.counts_by_doc(con, t) for t in self.kinds}
        self.columns = {t: store.table_columns(con, t) for t in self.kinds}
        self.with_text = store.stored_text_ids(con)
        # the findings of `tdkt check`, as its last run stored them
        findings = [Check(**r) for r in store.select_rows(con, "checks", order="rowid")]
        if only:
            findings = [f for f in findings if any(d in self.by_id for d, _, _ in _spans_of_check(f))]
        self.findings = findings
        self.checks_by_doc: dict[str, list] = defaultdict(list)      # under the document of its first span
        self.check_spans: dict[str, list] = defaultdict(list)        # every span, per document
        for f in findings:
            spans = _spans_of_check(f)
            if spans:
                self.checks_by_doc[spans[0][0]].append(f)
            for d, s, e in spans:
                self.check_spans[d].append((s, e, f))
        self.pages = self._paginate()
        self.page_of = [0] * len(self.docs)
        for p, (a, b) in enumerate(self.pages or [], 1):
            for i in range(a, b):
                self.page_of[i] = p
        self.common = _common_folder([d.get("source_path") or "" for d in docs])
        self.generated = _dt.datetime.now().strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M")

    # --- words -------------------------------------------------------------------
    def w(self, key: str, **fields) -> str:
        """A message of the page in its language, fields filled, HTML-escaped."""
        text = self.t[key]
        return _e(text.format(**fields) if fields else text)

    def n(self, x) -> str:
        """A count written the page's way (1.234 or 1,234)."""
        return _e(self.names.number(x, 0))

    def kind_label(self, kind: str) -> str:
        """The name of a kind of mention in the page's language; an extractor
        the page's strings do not name shows its label (``DEADLINE`` -> Deadline)."""
        return self.t.get(f"k_{kind}") or kind.capitalize()

    def status_cell(self, doc: dict) -> str:
        s = _status(doc)
        return (f'<td data-sort="{STATUSES.index(s)}"><span class="st st-{s}" title="{self.w("st_" + s + "_long")}">'
                f'{self.w("st_" + s)}</span></td>')

    def cell(self, table: str, column: str, v, cls: str = "") -> str:
        shown, key = self.names.value(table, column, v)
        if key is not None and isinstance(v, str):         # a date: never cut in two
            cls = f"{cls} nw".strip()
        attrs = (f' class="{cls}"' if cls else "") + (f' data-sort="{_e(key)}"' if key is not None else "")
        return f"<td{attrs}>{_e(shown)}</td>"

    def tip(self, kind: str, table: str, row: dict) -> str:
        parts = []
        for c in _value_columns(table):
            if row.get(c) in (None, ""):
                continue
            parts.append(f"{self.names.header(table, c)}: {self.names.value(table, c, row[c])[0]}")
        return f"[{self.kind_label(kind)}] " + " · ".join(parts)

    def rule_label(self, rule_id: str) -> str:
        return self.names.value("checks", "rule_id", rule_id)[0] if rule_id else ""

    # --- where things are ------------------------------------------------------
    def _paginate(self) -> list[tuple[int, int]] | None:
        """None: one page. Else each page's [first, end) documents: at most
        ``per_page`` documents and about ``page_chars`` of text and rows."""
        lim = self.limits
        weights = [min(d.get("n_chars") or 0, lim.max_chars) +
                   ROW_CHARS * sum(min(self.counts[t].get(d["doc_id"], 0), lim.max_rows) for t in self.kinds)
                   for d in self.docs]
        if len(self.docs) <= lim.one_page and sum(weights) <= lim.page_chars:
            return None
        pages, first, size = [], 0, 0
        for i, w in enumerate(weights):
            if i > first and (i - first >= lim.per_page or size + w > lim.page_chars):
                pages.append((first, i))
                first, size = i, 0
            size += w
        pages.append((first, len(self.docs)))
        return pages

    def key(self, doc_id: str, start, end) -> str:
        return f"s{self.index.get(doc_id, 'x')}-{start}-{end}"

    def _page_link(self, p: int, here: int) -> str:
        """Page p as a link from page ``here`` (0: the main page)."""
        if p == here:
            return ""
        if p == 0:
            return f"../{quote(self.main_name)}"
        name = f"{p:04d}.html"
        return f"{quote(self.folder)}/{name}" if here == 0 else name

    def doc_href(self, i: int, here: int) -> str:
        return (self._page_link(self.page_of[i], here) if self.pages else "") + f"#doc-{i}"

    def href(self, doc_id: str, start, end, here: int) -> str | None:
        """A span's link from page ``here``; None when its document is not in the report."""
        i = self.index.get(doc_id)
        if i is None or start is None or end is None:
            return None
        return (self._page_link(self.page_of[i], here) if self.pages else "") + "#" + self.key(doc_id, start, end)

    def shown_path(self, doc: dict) -> str:
        """A source path below the folder every source lies in."""
        path = doc.get("source_path") or doc["doc_id"]
        return os.path.relpath(path, self.common) if self.common else path

    def name(self, doc_id: str) -> str:
        d = self.by_id.get(doc_id)
        return Path((d.get("source_path") if d else doc_id) or doc_id).name

    # --- writing -------------------------------------------------------------
    def write(self, target: Path) -> None:
        """The main page to a temporary file, the pages to a temporary folder,
        each document's section written as soon as it is rendered; then both
        renamed into place."""
        self.main_name = target.name
        folder = target.parent / self.folder
        if self.pages and folder.exists() and not _ours(folder):
            raise ReportError(f"{folder} exists and holds other files than report pages: "
                              f"cannot write the report's pages there (choose another --html)")
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(target.parent, [target.name, self.folder])
        pid = os.getpid()
        tmp = target.with_name(f".{target.name}.tmp{pid}")
        tmpdir = target.with_name(f".{self.folder}.tmp{pid}")
        old = target.with_name(f".{self.folder}.old{pid}")
        try:
            if self.pages:
                tmpdir.mkdir()
                for p, (a, b) in enumerate(self.pages, 1):
                    with open(tmpdir / f"{p:04d}.html", "w", encoding="utf-8", newline="\n") as f:
                        self._write_page(f, p, a, b)
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                self._write_main(f)
            moved = False
            if folder.exists() and _ours(folder):         # the pages of an earlier report go
                os.rename(folder, old)
                moved = True
            if self.pages:
                os.rename(tmpdir, folder)
            os.replace(tmp, target)
            if moved:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            if tmp.exists():
                tmp.unlink()
            if tmpdir.exists():
                shutil.rmtree(tmpdir, ignore_errors=True)

    # --- the frame of a page ---------------------------------------------------
    def _head(self, f, title: str, nav_top: str, nav_list_title: str, nav_list: str, sections: bool) -> None:
        legend = "".join(f'<label class="legend-item"><input type="checkbox" checked data-kind="{k}"> '
                         f'<mark class="hl p-{k} k-{k}">{_e(self.kind_label(k))}</mark></label>'
                         for k in list(self.kinds.values()) + ["check"])
        css = CSS + kind_css({k: spec(t).color for t, k in self.kinds.items()})
        f.write(PAGE_HEAD.format(lang=self.t["html_lang"], css=css, title=_e(title), nav_head=self.w("nav_head"),
                                 nav_top=nav_top, nav_highlights=self.w("nav_highlights"), legend=legend,
                                 nav_list_title=_e(nav_list_title), nav=nav_list,
                                 generated=self.w("generated", when=self.generated),
                                 toolbar=self._toolbar(sections)))

    def _toolbar(self, sections: bool) -> str:
        """Search (every table on the page), open/close every document, print."""
        out = [f'<div class="toolbar" role="search"><label for="q">{self.w("search")}</label>'
               f'<input type="search" id="q" name="q" placeholder="{self.w("search_ph")}" autocomplete="off">'
               f'<span class="count" id="q-count" aria-live="polite"></span>']
        if sections:
            out.append(f'<button type="button" data-act="expand">{self.w("expand_all")}</button>'
                       f'<button type="button" data-act="collapse">{self.w("collapse_all")}</button>')
        out.append(f'<button type="button" data-act="print">{self.w("print")}</button>')
        modes = ["tables", "summary"] + (["texts"] if sections else [])
        opts = "".join(f'<option value="{m}">{self.w("print_" + m)}</option>' for m in modes)
        out.append(f'<label>{self.w("print_what")} <select id="print-mode" name="print">{opts}</select></label>')
        out.append(f'</div><p id="q-none" class="note" hidden>{self.w("no_match")}</p>')
        return "".join(out)

    def _tail(self, f) -> None:
        words = {k: self.t[k] for k in JS_KEYS}
        f.write(PAGE_TAIL.format(js=JS.replace("__STRINGS__", json.dumps(words, ensure_ascii=False)
                                               .replace("</", "<\\/"))))

    def _nav_docs(self, a: int, b: int, here: int) -> str:
        return "".join(f'<li><a href="{self.doc_href(i, here)}" title="{_e(d.get("source_path"))}">'
                       f'{_e(Path(d.get("source_path") or d["doc_id"]).name)}</a>'
                       f'{_badge(len(self.checks_by_doc.get(d["doc_id"], [])))}</li>'
                       for i, d in zip(range(a, b), self.docs[a:b]))

    def _write_main(self, f) -> None:
        title = self.t["title"].format(out=self.out_dir)
        top = f'<li><a href="#summary">{self.w("summary")}</a></li>'
        if self.unread:
            top += f'<li><a href="#failed">{self.w("unread_n", n=len(self.unread))}</a></li>'
        top += (f'<li><a href="#checks">{self.w("checks")}</a></li>'
                f'<li><a href="#charts">{self.w("charts")}</a></li>')
        if self.pages:
            nav = "".join(f'<li><a href="{self._page_link(p, 0)}">{a + 1}–{b}: '
                          f'{_e(self.name(self.docs[a]["doc_id"]))}</a></li>'
                          for p, (a, b) in enumerate(self.pages, 1))
            self._head(f, title, top, self.t["nav_pages"].format(n=len(self.pages)), nav, sections=False)
        else:
            top += f'<li><a href="#docs">{self.w("documents_n", n=len(self.docs))}</a></li>'
            self._head(f, title, top, self.t["nav_documents"], self._nav_docs(0, len(self.docs), 0),
                       sections=bool(self.docs))
        f.write(self._summary())
        f.write("\n")
        f.write(self._checks_section())
        f.write("\n")
        f.write(self._charts_section())
        f.write("\n")
        if not self.pages and self.docs:
            f.write(f'<h2 class="group" id="docs">{self.w("documents_n", n=len(self.docs))}</h2>\n')
            for i, doc in enumerate(self.docs):
                f.write(self._doc_section(i, doc, 0))
                f.write("\n")
        self._tail(f)

    def _write_page(self, f, p: int, a: int, b: int) -> None:
        n = len(self.pages or [])
        top = (f'<li><a href="{self._page_link(0, p)}">← {self.w("main_page")}</a></li>'
               f'<li><a href="#summary">{self.w("summary")}</a></li>')
        if p > 1:
            top += f'<li><a href="{self._page_link(p - 1, p)}">{self.w("prev_page", p=p - 1)}</a></li>'
        if p < n:
            top += f'<li><a href="{self._page_link(p + 1, p)}">{self.w("next_page", p=p + 1)}</a></li>'
        top += f'<li><a href="#docs">{self.w("documents_n", n=b - a)}</a></li>'
        self._head(f, self.t["title_page"].format(out=self.out_dir, p=p, n=n), top, self.t["nav_documents"],
                   self._nav_docs(a, b, p), sections=True)
        entries = self.docs[a:b]
        f.write(f'<section id="summary"><h1>{self.w("summary_page", p=p, n=n)}</h1>'
                f'<p class="path">{self.w("folder", out=self.out_dir)}</p>'
                f'<p>{self.w("intro_page", a=a + 1, b=b, n=len(self.docs))} '
                f'<a href="{self._page_link(0, p)}">{self.w("main_page")}</a>. {self.w("intro")} '
                f'{self.w("intro_docs")}</p>'
                f'{self._doc_filters(entries, "docs-table")}{self._docs_table(entries, p)}</section>\n')
        f.write(f'<h2 class="group" id="docs">{self.w("documents_n", n=b - a)}</h2>\n')
        for i in range(a, b):
            f.write(self._doc_section(i, self.docs[i], p))
            f.write("\n")
        self._tail(f)

    # --- the summary -----------------------------------------------------------
    def _sources(self) -> str:
        return f' · {self.w("sources", folder=self.common)}' if self.common not in ("", ".") else ""

    def _totals(self) -> str:
        by_status = Counter(_status(d) for d in self.all_docs)
        items = [(self.t["t_files"], self.n(len(self.all_docs)), "")]
        items += [(self.t["t_" + s], self.n(by_status.get(s, 0)), "") for s in STATUSES]
        if self.pages:
            items.append((self.t["t_pages"], self.n(len(self.pages)), ""))
        rows = {t: sum(self.counts[t].get(d["doc_id"], 0) for d in self.docs) for t in self.kinds}
        parts = " · ".join(f"{_e(self.kind_label(k))} {self.n(rows[t])}" for t, k in self.kinds.items())
        items.append((self.t["t_rows"], self.n(sum(rows.values())), parts))
        sev = Counter(f.severity for f in self.findings)
        parts = " · ".join(f"{_e(self.names.value('checks', 'severity', s)[0])} {self.n(c)}"
                           for s, c in sorted(sev.items(), key=lambda x: _severity_rank(x[0])))
        items.append((self.t["t_findings"], self.n(len(self.findings)), parts))
        return '<dl class="totals">' + "".join(
            f'<div><dt>{_e(label)}</dt><dd>{value}{f" <small>{more}</small>" if more else ""}</dd></div>'
            for label, value, more in items) + "</dl>"

    def _doc_filters(self, entries: list[dict], table: str) -> str:
        """The status and kind selects over the table of documents."""
        statuses = Counter(_status(d) for d in entries)
        kinds = Counter(d.get("doc_kind") or "-" for d in entries)
        opts = "".join(f'<option value="{s}">{self.w("st_" + s)} ({statuses[s]})</option>'
                       for s in STATUSES if statuses.get(s))
        status = (f'<label>{self.w("filter_status")} <select class="filter" name="status" data-table="{table}" '
                  f'data-attr="status"><option value="">{self.w("filter_status_all")}</option>{opts}</select></label>')
        opts = "".join(f'<option value="{_e(k)}">{_e(k) if k != "-" else self.w("filter_kind_none")} ({c})</option>'
                       for k, c in sorted(kinds.items(), key=lambda x: (x[0] == "-", x[0])))
        kind = (f'<label>{self.w("filter_kind")} <select class="filter" name="kind" data-table="{table}" '
                f'data-attr="kind"><option value="">{self.w("filter_kind_all")}</option>{opts}</select></label>')
        return f'<div class="filters noprint">{status} {kind}</div>'

    def _docs_table(self, entries: list[dict], here: int) -> str:
        """One row per file: its status, what it is, its rows per kind, its
        findings; a file not read says so (its counts are not zeros)."""
        nm = self.names
        head = (_th(self.t["col_document"]) + _th(self.t["col_status"]) +
                "".join(_th(nm.header("documents", c)) for c in ("doc_kind", "issuer", "issued_date", "period")) +
                "".join(_th(self.kind_label(k), "num") for k in self.kinds.values()) +
                _th(self.kind_label("check"), "num"))
        rows = []
        for d in entries:
            doc_id, path = d["doc_id"], d.get("source_path") or d["doc_id"]
            s = _status(d)
            i = self.index.get(doc_id)
            href = self.doc_href(i, here) if i is not None else f"#unread-{self.unread_index.get(doc_id, 0)}"
            folder = _relative(str(Path(path).parent), self.common)
            where = f'<div class="small">{_e(folder)}</div>' if folder else ""
            doc_attr = f' data-doc="{i}"' if i is not None else ""
            cells = [f'<td data-sort="{_e(Path(path).name)}"><a href="{href}" title="{_e(path)}">'
                     f'{_e(Path(path).name)}</a>{where}</td>', self.status_cell(d)]
            cells += [self.cell("documents", c, d.get(c), "nw" if c == "period" and len(d.get(c) or "") <= 9 else "")
                      for c in ("doc_kind", "issuer", "issued_date", "period")]
            if i is None:
                na = f'<td class="na" data-sort="" title="{self.w("not_counted")}">—</td>'
                cells += [na] * (len(self.kinds) + 1)
            else:
                cells += [f'<td class="num" data-sort="{c}">{self.n(c)}</td>'
                          for c in (self.counts[t].get(doc_id, 0) for t in self.kinds)]
                c = len(self.checks_by_doc.get(doc_id, []))
                cells.append(f'<td class="num" data-sort="{c}">{self.n(c)}</td>')
            rows.append(f'<tr{doc_attr} data-status="{s}" data-kind="{_e(d.get("doc_kind") or "-")}">'
                        f'{"".join(cells)}</tr>')
        table = (f'<table class="data fixed docs" id="docs-table">'
                 f'{_cols(["21%", "8%", "8%", "13%", "8.5%", "8.5%"] + ["5.5%"] * (len(self.kinds) + 1))}'
                 f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
        return _boxed(table, len(rows))

    def _pages_table(self) -> str:
        head = (_th(self.t["col_page"]) + _th(self.t["col_documents"]) + _th(self.t["col_from"]) +
                _th(self.t["col_to"]) + "".join(_th(self.kind_label(k), "num") for k in self.kinds.values()) +
                _th(self.kind_label("check"), "num"))
        rows = []
        for p, (a, b) in enumerate(self.pages or [], 1):
            ids = [d["doc_id"] for d in self.docs[a:b]]
            counts = "".join(f'<td class="num" data-sort="{c}">{self.n(c)}</td>'
                             for c in (sum(self.counts[t].get(x, 0) for x in ids) for t in self.kinds))
            n_checks = sum(len(self.checks_by_doc.get(x, [])) for x in ids)
            rows.append(f'<tr><td class="nw" data-sort="{p}"><a href="{self._page_link(p, 0)}">'
                        f'{self.w("page_n", p=p)}</a></td><td class="num nw" data-sort="{a + 1}">{a + 1}–{b}</td>'
                        f'<td>{_e(self.shown_path(self.docs[a]))}</td><td>{_e(self.shown_path(self.docs[b - 1]))}'
                        f'</td>{counts}<td class="num" data-sort="{n_checks}">{self.n(n_checks)}</td></tr>')
        table = (f'<table class="data" id="pages-table"><thead><tr>{head}</tr></thead>'
                 f'<tbody>{"".join(rows)}</tbody></table>')
        return _boxed(table, len(rows))

    def _unread_table(self) -> str:
        if not self.unread:
            return ""
        lim = self.limits.max_failed
        nm = self.names
        rows = []
        for k, d in enumerate(self.unread[:lim]):
            s = _status(d)
            error = d.get("error") or ""
            if not error and s == "error":
                first = store.select_rows(self.con, "errors", "doc_id = ?", (d["doc_id"],), "rowid", 1)
                error = first[0]["error"] if first else ""
            reason = (f'<td title="{_e(error)}">{self.w("needs_ocr_reason")}</td>' if s == "needs_ocr"
                      else f'<td>{_e(error)}</td>')
            rows.append(f'<tr id="unread-{k}" class="sev-{"error" if s == "error" else "warning"}" data-status="{s}">'
                        f'<td>{_e(d.get("source_path"))}</td>{self.status_cell(d)}'
                        f'<td>{_e(d.get("format"))}</td><td><code>{_e(d["doc_id"])}</code></td>{reason}</tr>')
        more = (f'<p class="note">{self.w("unread_more", n=len(self.unread) - lim)}</p>'
                if len(self.unread) > lim else "")
        head = (_th(self.t["col_document"]) + _th(self.t["col_status"]) + _th(nm.header("documents", "format")) +
                _th(nm.header("documents", "doc_id")) + _th(self.t["col_reason"]))
        table = (f'<table class="data fixed failed" id="unread-table">{_cols(["34%", "10%", "8%", "15%", "33%"])}'
                 f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
        return (f'<h2 id="failed">{self.w("unread_n", n=len(self.unread))}</h2>'
                f'<p class="small">{self.w("unread_intro")}</p>{_boxed(table, len(rows))}{more}')

    def _summary(self) -> str:
        n = len(self.docs)
        said = self.w("intro")
        if not self.pages:
            said += " " + self.w("intro_docs")
        else:
            said += " " + self.w("intro_pages", n=n, pages=len(self.pages), per=self.limits.per_page,
                                 folder=self.folder)
        missing = sum(1 for d in self.docs if d["doc_id"] not in self.with_text)
        notes = f'<p class="note">{self.w("missing_texts", n=missing)}</p>' if missing else ""
        if self.pages:
            table = self._pages_table()
        else:
            table = self._doc_filters(self.all_docs, "docs-table") + self._docs_table(self.all_docs, 0)
        return (f'<section id="summary"><h1>{self.w("summary")}</h1>'
                f'<p class="path">{self.w("folder", out=self.out_dir)}{self._sources()} · '
                f'{self.w("generated", when=self.generated)}</p>{self._totals()}<p>{said}</p>{notes}{table}'
                f'{self._unread_table()}</section>')

    # --- the checks and the charts -----------------------------------------------
    def _checks_section(self) -> str:
        title = f'<h2>{self.w("checks")} ({self.n(len(self.findings))})</h2>'
        basis = f'<p class="small">{self.w("findings_from")}</p>'
        if not self.findings:
            return f'<section id="checks">{title}<p class="ok">{self.w("no_findings")}</p>{basis}</section>'
        nm = self.names
        lim = self.limits.max_checks
        rows = []
        for n, f in enumerate(self.findings[:lim]):
            links = []
            for d, s, e in _spans_of_check(f):
                href = self.href(d, s, e, 0)
                label = f"{_e(self.name(d))} @{s}–{e}"
                links.append(f'<a class="go" href="{_e(href)}">↗ {label}</a>' if href else
                             f'<span class="small">{label}</span>')
            values = "<br>".join(_e(v) for v in self.names.check_values(f.values))
            rows.append(f'<tr id="check-{n}" class="sev-{_e(f.severity)}" data-severity="{_e(f.severity)}">'
                        f'<td data-sort="{_severity_rank(f.severity)}">'
                        f'{_e(nm.value("checks", "severity", f.severity)[0])}'
                        f'</td><td data-rule="{_e(f.rule_id)}" title="{_e(f.rule_id)}">{_e(self.rule_label(f.rule_id))}'
                        f'</td><td>{_e(f.message)}</td><td>{_e(f.basis)}</td>'
                        f'<td class="small">{values}</td><td>{"<br>".join(links)}</td></tr>')
        more = (f'<p class="note">{self.w("findings_more", lim=lim, n=len(self.findings))}</p>'
                if len(self.findings) > lim else "")
        sev = Counter(f.severity for f in self.findings[:lim])
        opts = "".join(f'<option value="{_e(s)}">{_e(nm.value("checks", "severity", s)[0])} ({c})</option>'
                       for s, c in sorted(sev.items(), key=lambda x: _severity_rank(x[0])))
        filters = (f'<div class="filters noprint"><label>{self.w("filter_severity")} <select class="filter" '
                   f'name="severity" data-table="checks-table" data-attr="severity"><option value="">'
                   f'{self.w("filter_severity_all")}</option>{opts}</select></label></div>')
        head = "".join(_th(nm.header("checks", c)) for c in ("severity", "rule_id", "message", "basis", "values"))
        head += _th(self.t["col_where"])
        table = (f'<table class="data fixed checks" id="checks-table">'
                 f'{_cols(["8%", "15%", "29%", "15%", "16%", "17%"])}<thead><tr>{head}</tr></thead>'
                 f'<tbody>{"".join(rows)}</tbody></table>')
        return f'<section id="checks">{title}{basis}{filters}{_boxed(table, len(rows))}{more}</section>'

    def _award_counts(self) -> dict[str, list[tuple[str, dict[str, float]]]]:
        """Per unit, its chart's rows (label -> period -> count): what `tdkt
        compare --no-figures` gives for award counts, read from the awards
        table one document at a time."""
        cells: dict[tuple, dict[str, float]] = defaultdict(dict)     # (row, unit, period) -> doc_id -> value
        shown: dict[tuple, tuple] = {}
        row_order: dict[tuple, tuple] = {}

        def add(doc_id: str, rows: list[dict]) -> None:
            claims, _ = compare_mod.claims({"documents": [self.by_id[doc_id]], "awards": rows}, figures=False)
            for c in claims:
                rk = (c.section, c.item.casefold(), c.recipient_type, c.conferrer, c.unit_noun.casefold())
                shown.setdefault(rk, (c.item, c.recipient_type, c.conferrer))
                cells[rk, c.unit, c.period].setdefault(c.doc_id, c.value)
                row_order[rk] = min(row_order.get(rk, (9, 10 ** 12)), c.order)

        doc: str | None = None
        rows: list[dict] = []
        for r in store.iter_rows(self.con, "awards", "status = 'awarded' AND \"count\" IS NOT NULL "
                                 "AND year IS NOT NULL", (), "doc_id, start, rowid"):
            if r["doc_id"] != doc:
                if rows and doc is not None and doc in self.index:
                    add(doc, rows)
                doc, rows = r["doc_id"], []
            rows.append(r)
        if rows and doc is not None and doc in self.index:
            add(doc, rows)
        per_unit: dict[str, dict[tuple, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
        for (rk, unit, period), by_doc in cells.items():
            value, _ = compare_mod.agree(by_doc, self.by_id)
            per_unit[unit][rk][period] = value
        out = {}
        for unit, by_row in per_unit.items():
            groups: dict[str, dict[str, float]] = defaultdict(dict)
            periods = sorted({p for vals in by_row.values() for p in vals})
            for rk in sorted(by_row, key=lambda k: (k[0] != compare_mod.SECTION_AWARDS, row_order[k], k)):
                item, recipient_type, conferrer = shown[rk]
                label = item + (f" ({recipient_type})" if recipient_type else "")
                if conferrer:
                    label += f" – {conferrer}"
                for p in periods:
                    if p in by_row[rk]:
                        groups[label][p] = float(by_row[rk][p])
            out[unit] = list(groups.items())
        return out

    def _charts_section(self) -> str:
        title = f'<h2>{self.w("charts_title")}</h2>'
        units = self._award_counts()
        if not units:
            return f'<section id="charts">{title}<p>{self.w("no_charts")}</p></section>'
        picked = sorted(units)
        notes = ""
        if len(picked) > self.limits.max_charts:
            most = sorted(picked, key=lambda u: -sum(len(v) for _, v in units[u]))[:self.limits.max_charts]
            picked = sorted(most)
            notes = f'<p class="note">{self.w("charts_some", k=len(picked), n=len(units))}</p>'
        is_open = " open" if len(picked) <= OPEN_CHARTS else ""
        svgs = []
        for unit in picked:
            groups = units[unit]
            periods = sorted({p for _, vals in groups for p in vals})
            more = (f'<p class="small">{self.w("chart_more", unit=unit, k=MAX_BARS, n=len(groups))}</p>'
                    if len(groups) > MAX_BARS else "")
            svgs.append(f'<details class="chart"{is_open}><summary>{_e(unit)} <span class="small">'
                        f'({self.w("chart_rows", n=len(groups))})</span></summary>'
                        f'<figure>{charts.bars(unit, groups[:MAX_BARS], periods)}</figure>{more}</details>')
        return f'<section id="charts">{title}{notes}{"".join(svgs)}</section>'

    # --- one document ----------------------------------------------------------
    def _doc_section(self, i: int, doc: dict, here: int) -> str:
        """The document's section, collapsed: a line saying what it is; open,
        its text (the first ``max_chars``) with every span highlighted, its
        checks and its rows. Read, rendered and returned for writing;
        nothing of it is kept."""
        lim = self.limits
        nm = self.names
        doc_id = doc["doc_id"]
        notes = []
        try:
            text, cut = store.read_text_head(self.con, doc_id, lim.max_chars)
            if text is None:
                notes.append(self.t["no_text"])
        except (zlib.error, UnicodeDecodeError, sqlite3.Error) as exc:
            text, cut = None, False
            notes.append(self.t["text_unreadable"].format(error=f"{type(exc).__name__}: {exc}"))
        rows = {t: store.doc_rows(self.con, t, doc_id, lim.max_rows, self.columns[t]) if self.counts[t].get(doc_id)
                else [] for t in self.kinds}
        n = len(text) if text is not None else 0
        spans: list[Span] = []
        lit: set[int] = set()          # id() of the rows highlighted
        bad = beyond = 0
        for table, kind in self.kinds.items():
            for r in rows[table]:
                s, e = r.get("start"), r.get("end")
                if text is None or s is None or e is None:
                    continue
                if cut and e > n:
                    beyond += 1
                elif text[s:e] != r["text"]:
                    bad += 1
                else:
                    spans.append(Span(s, e, kind, self.key(doc_id, s, e), self.tip(kind, table, r)))
                    lit.add(id(r))
        if text is not None:
            for s, e, f in self.check_spans.get(doc_id, []):
                if e <= n:
                    spans.append(Span(s, e, "check", self.key(doc_id, s, e),
                                      f"[{self.kind_label('check')}] {self.rule_label(f.rule_id)}: {f.message}"))
        if cut:
            total = doc.get("n_chars")
            notes.append(self.t["text_cut_of"].format(shown=self.names.number(lim.max_chars, 0),
                                                      total=self.names.number(total, 0)) if total else
                         self.t["text_cut"].format(shown=self.names.number(lim.max_chars, 0)))
            if beyond:
                notes[-1] += self.t["beyond_cut"].format(n=beyond)
            notes[-1] += "."
        if bad:
            notes.append(self.t["not_matching"].format(n=bad))
        for table in self.kinds:
            total = self.counts[table].get(doc_id, 0)
            if total > lim.max_rows:
                notes.append(self.t["rows_capped"].format(table=nm.table(table), shown=nm.number(lim.max_rows, 0),
                                                          total=nm.number(total, 0), file=f"{table}.csv"))
        meta = "".join(f"<dt>{_e(nm.header('documents', f))}</dt><dd>{_e(nm.value('documents', f, doc.get(f))[0])}</dd>"
                       for f in DOC_FIELDS if doc.get(f) not in (None, ""))
        name = Path(doc.get("source_path") or doc_id).name
        title = doc.get("title") or name
        sub = " · ".join(_e(x) for x in [name if title != name else "", doc.get("doc_kind"), doc.get("issuer"),
                                         nm.value("documents", "issued_date", doc.get("issued_date"))[0]] if x)
        doc_checks = self.checks_by_doc.get(doc_id, [])
        parts = [f'<section class="doc" id="doc-{i}">'
                 f'<details data-status="{_status(doc)}" data-kind="{_e(doc.get("doc_kind") or "-")}">'
                 f'<summary class="dochead"><h2>{_e(title)}</h2><span class="sub">{sub}</span>'
                 f'{_badge(len(doc_checks))}<span class="hits"></span></summary>',
                 f'<p class="path">{_e(doc.get("source_path"))} · <code>{_e(doc_id)}</code></p>',
                 f'<dl class="meta">{meta}</dl>']
        parts += [f'<p class="note">{_e(x)}</p>' for x in notes]
        if text is not None:
            parts.append(f'<div class="text" id="text-{i}">{render_text(text, spans)}</div>')
        del text, spans
        if doc_checks:
            items = []
            for f in doc_checks:
                if f.start is None:
                    continue
                href = self.href(f.doc_id, f.start, f.end, here)
                go = f'<a class="go" href="{_e(href)}">↗</a>' if href else "↗"
                items.append(f'<li class="sev-{_e(f.severity)}">{go} <span class="rule" title="{_e(f.rule_id)}">'
                             f'{_e(self.rule_label(f.rule_id))}</span>: {_e(f.message)} '
                             f'<span class="small">({_e(f.basis)})</span></li>')
            parts.append(f'<h3>{self.w("doc_checks")}</h3><ul class="checks">{"".join(items)}</ul>')
        for table, kind in self.kinds.items():
            trs = rows[table]
            if not trs:
                continue
            cols = _value_columns(table)
            head = (_th(self.t["col_position"], "c-go") + _th(nm.header(table, "text")) +
                    "".join(_th(nm.header(table, c), "noprint" if (table, c) in NOT_PRINTED else "") for c in cols))
            body = []
            for k, r in enumerate(trs):
                if id(r) in lit:
                    link = (f'<a class="go pos" href="#{_e(self.key(doc_id, r["start"], r["end"]))}" '
                            f'title="{self.w("show_in_text")}">↗ {r["start"]}</a>')
                else:
                    link = f'<span class="small" title="{self.w("not_highlighted")}">{_e(r.get("start"))}</span>'
                cells = "".join(self.cell(table, c, r.get(c), "noprint" if (table, c) in NOT_PRINTED else "")
                                for c in cols)
                body.append(f'<tr id="r-{kind}-{i}-{k}" data-kind="{kind}">'
                            f'<td class="c-go" data-sort="{_e(r.get("start"))}">{link}</td>'
                            f'<td>{_e(r["text"])}</td>{cells}</tr>')
            shown = len(trs)
            total = self.counts[table].get(doc_id, shown)
            count = self.n(shown) if total <= shown else self.w("rows_of", shown=nm.number(shown, 0),
                                                                 total=nm.number(total, 0))
            parts.append(f'<details open><summary>{_e(nm.table(table))} ({count})</summary>'
                         f'<table class="data t-{kind}">'
                         f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></details>')
        parts.append("</details></section>")
        return "".join(parts)


def _common_folder(paths: list[str]) -> str:
    """The folder every source lies in ("" when none is common)."""
    parents = [os.path.dirname(p) for p in paths if p]
    if not parents:
        return ""
    try:
        return os.path.commonpath(parents)
    except ValueError:                  # absolute and relative paths mixed
        return ""


def _relative(folder: str, common: str) -> str:
    """``folder`` below ``common`` ("" when it is ``common`` itself)."""
    if not common:
        return "" if folder in ("", ".") else folder
    rel = os.path.relpath(folder, common) if folder else "."
    return "" if rel == "." else rel


def _severity_rank(severity: str) -> int:
    return {"error": 0, "warning": 1, "info": 2}.get(severity, 3)


def _badge(n: int) -> str:
    return f' <span class="badge">{n}</span>' if n else ""
