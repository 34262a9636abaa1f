"""Building report.html from the store (see the package docstring)."""
from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import sqlite3
import zlib
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

from ..audit import compare as compare_mod
from ..audit import numbers as num
from ..audit import store
from ..models import Check
from . import charts
from .limits import (MAX_BARS, MAX_CHARS, MAX_CHARTS, MAX_CHECKS, MAX_FAILED, MAX_ROWS, ONE_PAGE, PAGE_CHARS,
                     PER_PAGE, ROW_CHARS)

# the mention tables shown, in the order of precedence for a highlight's colour
# (the innermost span colours the text; every kind covering it is in its classes)
KINDS = {
    "citations": "citation",
    "movements": "movement",
    "money": "money",
    "awards": "award",
    "figures": "figure",
}
LABELS = {"citation": "trích dẫn văn bản", "movement": "phong trào", "money": "tiền", "award": "khen thưởng",
          "figure": "số liệu", "check": "kiểm tra"}
# the normalized values shown on hover and in the tables
VALUE_COLUMNS = {
    "citations": ["doc_type", "number", "issued_date", "issuer", "issuer_resolved", "subject", "key"],
    "movements": ["name", "canonical", "kind", "period"],
    "money": ["amount_vnd", "qualifier", "purpose", "per_unit", "amount_max_vnd"],
    "awards": ["award", "conferrer", "recipient_type", "count", "year", "status", "recipients"],
    "figures": ["kind", "value", "denominator", "unit", "of_what"],
}
DOC_FIELDS = ["doc_kind", "number", "issuer", "province", "place", "issued_date", "period", "format", "status",
              "error"]

NO_TEXT = ("text not stored (the store was written by an older tdkt): run `tdkt extract --fresh` "
           "to see it with its highlights")


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


def _tip(kind: str, row: dict, cols: list[str]) -> str:
    parts = [f"{c}: {num.vn(row[c], 6) if isinstance(row[c], float) else row[c]}" for c in cols
             if row.get(c) not in (None, "")]
    return f"[{LABELS.get(kind, kind)}] " + " · ".join(parts)


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
    for a, b in zip(bounds, bounds[1:]):
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
                 one_page: int = ONE_PAGE, max_rows: int = MAX_ROWS, page_chars: int = PAGE_CHARS) -> Path:
    """Write report.html into the output folder (or ``path``); returns its path.
    ``only``: the documents whose source path contains one of these texts.

    Everything comes from the store that `tdkt extract` filled (each
    document's normalized text, its rows, the checks table): no source file
    is read. Documents are rendered one at a time and written out as they
    go; above ``one_page`` documents (or ``page_chars`` of text and rows) the
    sections go to pages ``report/0001.html`` ... of ``per_page`` documents
    each, linked from the main page's summary."""
    out_dir = Path(out_dir)
    target = Path(path) if path else out_dir / "report.html"
    limits = Limits(max_chars=max(1, max_chars), max_rows=max(1, max_rows), per_page=max(1, per_page),
                    one_page=max(0, one_page), page_chars=max(1, page_chars))
    con = store.open_store(out_dir)
    try:
        _Report(con, out_dir, only, limits, pages_folder(target).name).write(target)
    finally:
        con.close()
    return target


class _Report:
    def __init__(self, con: sqlite3.Connection, out_dir: Path, only, limits: Limits, folder: str):
        self.con, self.out_dir, self.limits, self.folder = con, out_dir, limits, folder
        docs = store.select_rows(con, "documents")
        docs.sort(key=lambda d: (d.get("source_path") or "", d["doc_id"]))
        if only:
            docs = [d for d in docs if any(t in (d.get("source_path") or "") for t in only)]
        self.by_id = {d["doc_id"]: d for d in docs}
        # a document that could not be read is listed with its error: no section, nothing read
        self.failed = [d for d in docs if d.get("status") == "error"]
        self.docs = [d for d in docs if d.get("status") != "error"]
        self.index = {d["doc_id"]: i for i, d in enumerate(self.docs)}
        self.counts = {t: store.counts_by_doc(con, t) for t in KINDS}
        self.columns = {t: store.table_columns(con, t) for t in KINDS}
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
        self.generated = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")

    # --- where things are ------------------------------------------------------
    def _paginate(self) -> list[tuple[int, int]] | None:
        """None: one page. Else each page's [first, end) documents: at most
        ``per_page`` documents and about ``page_chars`` of text and rows."""
        lim = self.limits
        weights = [min(d.get("n_chars") or 0, lim.max_chars) +
                   ROW_CHARS * sum(min(self.counts[t].get(d["doc_id"], 0), lim.max_rows) for t in KINDS)
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

    def _head(self, f, title: str, nav_top: str, nav_list_title: str, nav_list: str) -> None:
        legend = "".join(f'<label class="legend-item"><input type="checkbox" checked data-kind="{k}"> '
                         f'<mark class="hl p-{k} k-{k}">{_e(k)}</mark> {_e(LABELS[k])}</label>'
                         for k in list(KINDS.values()) + ["check"])
        f.write(PAGE_HEAD.format(css=CSS, title=_e(title), nav_top=nav_top, legend=legend,
                                 nav_list_title=_e(nav_list_title), nav=nav_list, generated=_e(self.generated)))

    def _nav_docs(self, a: int, b: int, here: int) -> str:
        return "".join(f'<li><a href="{self.doc_href(i, here)}" title="{_e(d.get("source_path"))}">'
                       f'{_e(Path(d.get("source_path") or d["doc_id"]).name)}</a>'
                       f'{_badge(len(self.checks_by_doc.get(d["doc_id"], [])))}</li>'
                       for i, d in zip(range(a, b), self.docs[a:b]))

    def _write_main(self, f) -> None:
        title = f"tdkt — {self.out_dir}"
        top = '<li><a href="#summary">Summary</a></li><li><a href="#checks">Checks</a></li>' \
              '<li><a href="#charts">Charts</a></li>'
        if self.pages:
            nav = "".join(f'<li><a href="{self._page_link(p, 0)}">{a + 1}–{b}: '
                          f'{_e(self.name(self.docs[a]["doc_id"]))}</a></li>'
                          for p, (a, b) in enumerate(self.pages, 1))
            self._head(f, title, top, f"Pages ({len(self.pages)})", nav)
        else:
            self._head(f, title, top, "Documents", self._nav_docs(0, len(self.docs), 0))
        f.write(self._summary())
        f.write("\n")
        f.write(self._checks_section())
        f.write("\n")
        f.write(self._charts_section())
        f.write("\n")
        if not self.pages:
            for i, doc in enumerate(self.docs):
                f.write(self._doc_section(i, doc, 0))
                f.write("\n")
        f.write(PAGE_TAIL.format(js=JS))

    def _write_page(self, f, p: int, a: int, b: int) -> None:
        n = len(self.pages)
        top = f'<li><a href="{self._page_link(0, p)}">← main report</a></li><li><a href="#summary">Summary</a></li>'
        if p > 1:
            top += f'<li><a href="{self._page_link(p - 1, p)}">← page {p - 1}</a></li>'
        if p < n:
            top += f'<li><a href="{self._page_link(p + 1, p)}">page {p + 1} →</a></li>'
        self._head(f, f"tdkt — {self.out_dir} — page {p} of {n}", top, "Documents", self._nav_docs(a, b, p))
        f.write(f'<section id="summary"><h1>Review: {_e(self.out_dir)} — page {p} of {n}</h1>'
                f'<p>Documents {a + 1}–{b} of {len(self.docs)}. <a href="{self._page_link(0, p)}">The main report</a> '
                f'has the summary of every page, the checks and the charts. Click a row link (↗) to see a value in '
                f'its sentence; hover a highlight for its normalized values.</p>'
                f'{self._docs_table(a, b, p)}</section>\n')
        for i in range(a, b):
            f.write(self._doc_section(i, self.docs[i], p))
            f.write("\n")
        f.write(PAGE_TAIL.format(js=JS))

    # --- the main page's sections -------------------------------------------
    def _docs_table(self, a: int, b: int, here: int) -> str:
        head = "".join(f"<th>{_e(t)}</th>" for t in ["document", "kind", "issuer", "date", "period"] + list(KINDS) +
                       ["checks"])
        rows = []
        for i, d in zip(range(a, b), self.docs[a:b]):
            counts = "".join(f'<td class="num">{self.counts[t].get(d["doc_id"], 0)}</td>' for t in KINDS)
            rows.append(f'<tr><td><a href="{self.doc_href(i, here)}">{_e(d.get("source_path"))}</a></td>'
                        f'<td>{_e(d.get("doc_kind"))}</td><td>{_e(d.get("issuer"))}</td>'
                        f'<td>{_e(d.get("issued_date"))}</td><td>{_e(d.get("period"))}</td>'
                        f'{counts}<td class="num">{len(self.checks_by_doc.get(d["doc_id"], []))}</td></tr>')
        return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'

    def _pages_table(self) -> str:
        head = "".join(f"<th>{_e(t)}</th>" for t in ["page", "documents", "from", "to"] + list(KINDS) + ["checks"])
        rows = []
        for p, (a, b) in enumerate(self.pages, 1):
            ids = [d["doc_id"] for d in self.docs[a:b]]
            counts = "".join(f'<td class="num">{sum(self.counts[t].get(x, 0) for x in ids)}</td>' for t in KINDS)
            n_checks = sum(len(self.checks_by_doc.get(x, [])) for x in ids)
            rows.append(f'<tr><td class="nw"><a href="{self._page_link(p, 0)}">page {p}</a></td>'
                        f'<td class="num nw">{a + 1}–{b}</td><td>{_e(self.docs[a].get("source_path"))}</td><td>{_e(self.docs[b - 1].get("source_path"))}'
                        f'</td>{counts}<td class="num">{n_checks}</td></tr>')
        return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'

    def _failed_table(self) -> str:
        if not self.failed:
            return ""
        lim = self.limits.max_failed
        rows = []
        for d in self.failed[:lim]:
            error = d.get("error") or ""
            if not error:
                first = store.select_rows(self.con, "errors", "doc_id = ?", (d["doc_id"],), "rowid", 1)
                error = first[0]["error"] if first else ""
            rows.append(f'<tr class="sev-error"><td>{_e(d.get("source_path"))}</td><td>{_e(d.get("format"))}</td>'
                        f'<td><code>{_e(d["doc_id"])}</code></td><td>{_e(error)}</td></tr>')
        more = (f'<p class="note">… and {len(self.failed) - lim} more: errors.csv lists every one.</p>'
                if len(self.failed) > lim else "")
        return (f'<h2 id="failed">Not read ({len(self.failed)})</h2><p class="small">Documents '
                f'<code>tdkt extract</code> could not read (status error): listed with their error, nothing else shown.</p><table class="data failed">'
                f'<thead><tr><th>document</th><th>format</th><th>doc_id</th><th>error</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>{more}')

    def _summary(self) -> str:
        n, nf = len(self.docs), len(self.failed)
        said = f"{n + nf} document(s)" + (f", {nf} not read (status error)" if nf else "")
        if self.pages:
            said += (f". The sections of the {n} document(s) read are on {len(self.pages)} pages of up to "
                     f"{self.limits.per_page} documents, in the folder {_e(self.folder)}/ beside this page")
        missing = sum(1 for d in self.docs if d["doc_id"] not in self.with_text)
        notes = (f'<p class="note">{missing} document(s) without their text in the store (it was written by an '
                 f'older tdkt): run <code>tdkt extract --fresh</code> to see their texts with highlights.</p>'
                 if missing else "")
        table = self._pages_table() if self.pages else self._docs_table(0, n, 0)
        return (f'<section id="summary"><h1>Review: {_e(self.out_dir)}</h1>'
                f'<p>{said}. Click a row link (↗) to see a value in its sentence; hover a highlight '
                f'for its normalized values.</p>{notes}{table}{self._failed_table()}</section>')

    def _checks_section(self) -> str:
        if not self.findings:
            return ('<section id="checks"><h2>Checks</h2><p class="ok">No findings.</p><p class="small">'
                    'The findings are those <code>tdkt check --out DIR</code> stored at its last run.</p></section>')
        lim = self.limits.max_checks
        rows = []
        for n, f in enumerate(self.findings[:lim]):
            links = []
            for d, s, e in _spans_of_check(f):
                href = self.href(d, s, e, 0)
                label = f"{_e(self.name(d))} @{s}–{e}"
                links.append(f'<a class="go" href="{_e(href)}">↗ {label}</a>' if href else
                             f'<span class="small">{label}</span>')
            rows.append(f'<tr id="check-{n}" class="sev-{_e(f.severity)}"><td>{_e(f.severity)}</td><td><code>'
                        f'{_e(f.rule_id)}</code></td><td>{_e(f.message)}</td><td>{_e(f.basis)}</td>'
                        f'<td class="small">{_e(f.values)}</td><td>{"<br>".join(links)}</td></tr>')
        more = (f'<p class="note">The first {lim} of {len(self.findings)} findings; checks.csv lists every one, and '
                f'each document\'s section its own.</p>' if len(self.findings) > lim else "")
        return ('<section id="checks"><h2>Checks</h2><table class="data"><thead><tr><th>severity</th><th>rule</th>'
                '<th>message</th><th>basis</th><th>values</th><th>where</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>{more}</section>')

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

        doc, rows = None, []
        for r in store.iter_rows(self.con, "awards", "status = 'awarded' AND \"count\" IS NOT NULL "
                                 "AND year IS NOT NULL", (), "doc_id, start, rowid"):
            if r["doc_id"] != doc:
                if rows and doc in self.index:
                    add(doc, rows)
                doc, rows = r["doc_id"], []
            rows.append(r)
        if rows and doc in self.index:
            add(doc, rows)
        per_unit: dict[str, dict[tuple, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
        for (rk, unit, period), by_doc in cells.items():
            value, _ = compare_mod._agree([SimpleNamespace(doc_id=d, value=v) for d, v in by_doc.items()], self.by_id)
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
        title = "<h2>Award counts per unit and year</h2>"
        units = self._award_counts()
        if not units:
            return f'<section id="charts">{title}<p>No award counts with a year.</p></section>'
        picked = sorted(units)
        notes = ""
        if len(picked) > self.limits.max_charts:
            most = sorted(picked, key=lambda u: -sum(len(v) for _, v in units[u]))[:self.limits.max_charts]
            picked = sorted(most)
            notes = (f'<p class="note">The {len(picked)} units of {len(units)} with the most award counts; '
                     f'<code>tdkt compare --no-figures</code> gives every unit.</p>')
        svgs = []
        for unit in picked:
            groups = units[unit]
            periods = sorted({p for _, vals in groups for p in vals})
            more = (f'<p class="small">{_e(unit)}: the first {MAX_BARS} of {len(groups)} rows.</p>'
                    if len(groups) > MAX_BARS else "")
            svgs.append(f'<figure>{charts.bars(unit, groups[:MAX_BARS], periods)}</figure>{more}')
        return f'<section id="charts">{title}{notes}{"".join(svgs)}</section>'

    # --- one document ----------------------------------------------------------
    def _doc_section(self, i: int, doc: dict, here: int) -> str:
        """The document's section: its text (the first ``max_chars``) with
        every span highlighted, its checks and its rows. Read, rendered and
        returned for writing; nothing of it is kept."""
        lim = self.limits
        doc_id = doc["doc_id"]
        notes = []
        try:
            text, cut = store.read_text_head(self.con, doc_id, lim.max_chars)
            if text is None:
                notes.append(NO_TEXT)
        except (zlib.error, UnicodeDecodeError, sqlite3.Error) as exc:
            text, cut = None, False
            notes.append(f"the stored text cannot be read: {type(exc).__name__}: {exc}")
        rows = {t: store.doc_rows(self.con, t, doc_id, lim.max_rows, self.columns[t]) if self.counts[t].get(doc_id)
                else [] for t in KINDS}
        n = len(text) if text is not None else 0
        spans: list[Span] = []
        lit: set[int] = set()          # id() of the rows highlighted
        bad = beyond = 0
        for table, kind in KINDS.items():
            for r in rows[table]:
                s, e = r.get("start"), r.get("end")
                if text is None or s is None or e is None:
                    continue
                if cut and e > n:
                    beyond += 1
                elif text[s:e] != r["text"]:
                    bad += 1
                else:
                    spans.append(Span(s, e, kind, self.key(doc_id, s, e), _tip(kind, r, VALUE_COLUMNS[table])))
                    lit.add(id(r))
        if text is not None:
            for s, e, f in self.check_spans.get(doc_id, []):
                if e <= n:
                    spans.append(Span(s, e, "check", self.key(doc_id, s, e),
                                      f"[{LABELS['check']}] {f.rule_id}: {f.message}"))
        if cut:
            total = doc.get("n_chars")
            notes.append(f"text cut at {lim.max_chars:,} of {total:,} characters" if total else
                         f"text cut at {lim.max_chars:,} characters")
            if beyond:
                notes[-1] += f": {beyond} row(s) beyond the cut are listed but not highlighted"
        if bad:
            notes.append(f"{bad} row(s) whose text does not match the stored text were not highlighted")
        for table in KINDS:
            total = self.counts[table].get(doc_id, 0)
            if total > lim.max_rows:
                notes.append(f"{table}: the first {lim.max_rows:,} of {total:,} rows are listed "
                             f"({table}.csv has every one)")
        meta = "".join(f"<dt>{_e(f)}</dt><dd>{_e(doc.get(f))}</dd>" for f in DOC_FIELDS
                       if doc.get(f) not in (None, ""))
        parts = [f'<section class="doc" id="doc-{i}"><h2>'
                 f'{_e(doc.get("title") or Path(doc.get("source_path") or "").name)}</h2>',
                 f'<p class="path">{_e(doc.get("source_path"))} · <code>{_e(doc_id)}</code></p>',
                 f'<dl class="meta">{meta}</dl>']
        parts += [f'<p class="note">{_e(x)}</p>' for x in notes]
        if text is not None:
            parts.append(f'<div class="text" id="text-{i}">{render_text(text, spans)}</div>')
        del text, spans
        doc_checks = self.checks_by_doc.get(doc_id, [])
        if doc_checks:
            items = []
            for f in doc_checks:
                if f.start is None:
                    continue
                href = self.href(f.doc_id, f.start, f.end, here)
                go = f'<a class="go" href="{_e(href)}">↗</a>' if href else "↗"
                items.append(f'<li class="sev-{_e(f.severity)}">{go} <code>{_e(f.rule_id)}</code> {_e(f.message)} '
                             f'<span class="small">({_e(f.basis)})</span></li>')
            parts.append(f'<h3>Checks</h3><ul class="checks">{"".join(items)}</ul>')
        for table, kind in KINDS.items():
            trs = rows[table]
            if not trs:
                continue
            cols = VALUE_COLUMNS[table]
            head = "".join(f"<th>{_e(c)}</th>" for c in ["", "text"] + cols)
            body = []
            for k, r in enumerate(trs):
                if id(r) in lit:
                    link = (f'<a class="go" href="#{_e(self.key(doc_id, r["start"], r["end"]))}" '
                            f'title="show in the text">↗ {r["start"]}</a>')
                else:
                    link = f'<span class="small" title="not highlighted in the text shown">{_e(r.get("start"))}</span>'
                cells = "".join(f"<td>{_e(r.get(c))}</td>" for c in cols)
                body.append(f'<tr id="r-{kind}-{i}-{k}" data-kind="{kind}"><td>{link}</td><td>{_e(r["text"])}</td>'
                            f'{cells}</tr>')
            shown = len(trs)
            total = self.counts[table].get(doc_id, shown)
            count = f"{shown}" if total <= shown else f"{shown} of {total}"
            parts.append(f'<details open><summary>{_e(table)} ({count})</summary><table class="data t-{kind}">'
                         f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></details>')
        parts.append("</section>")
        return "".join(parts)


def _badge(n: int) -> str:
    return f' <span class="badge">{n}</span>' if n else ""


CSS = """
:root{--citation:#cfe2ff;--movement:#e9d7fe;--money:#c9f2d0;--award:#ffe0b3;--figure:#b9ece8;--check:#d93025}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:#1d1d1f;background:#f6f7f9}
nav{position:fixed;top:0;left:0;bottom:0;width:250px;overflow:auto;background:#1f2937;color:#e5e7eb;padding:12px}
nav a{color:#e5e7eb;text-decoration:none}nav a:hover{text-decoration:underline}
nav ul{list-style:none;padding:0;margin:4px 0 12px}nav li{padding:2px 0;font-size:13px;word-break:break-all}
nav h2{font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:#9ca3af;margin:12px 0 4px}
main{margin-left:250px;padding:16px 24px;max-width:1500px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 18px;margin:0 0 18px}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:4px 0 6px}h3{font-size:15px;margin:12px 0 4px}
.path{color:#6b7280;margin:0 0 6px;font-size:12px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:0 12px;margin:4px 0 8px;font-size:13px}
dl.meta dt{color:#6b7280}dl.meta dd{margin:0}
.text{white-space:pre-wrap;font:14px/1.65 Georgia,"Noto Serif","DejaVu Serif",serif;max-height:30em;overflow:auto;
 border:1px solid #e5e7eb;border-radius:6px;padding:10px 14px;background:#fcfcfd}
mark.hl{border-radius:3px;padding:0 1px;color:#111;cursor:help}
mark.p-citation{background:var(--citation)}mark.p-movement{background:var(--movement)}
mark.p-money{background:var(--money)}mark.p-award{background:var(--award)}mark.p-figure{background:var(--figure)}
mark.p-check{background:#fde2e1}
mark.k-check{text-decoration:underline wavy var(--check);text-underline-offset:3px}
mark.flash{outline:2px solid #d93025;background:#fff176!important}
body.hide-citation mark.p-citation,body.hide-movement mark.p-movement,body.hide-money mark.p-money,
body.hide-award mark.p-award,body.hide-figure mark.p-figure,body.hide-check mark.p-check{background:none}
body.hide-check mark.k-check{text-decoration:none}
.legend-item{display:block;font-size:13px;margin:2px 0}.legend-item mark{font-size:12px}
table.data{border-collapse:collapse;width:100%;font-size:12.5px;margin:4px 0 8px}
table.data th,table.data td{border-bottom:1px solid #eef0f3;padding:3px 6px;text-align:left;vertical-align:top}
table.data th{background:#f3f4f6;position:sticky;top:0}
td.num{text-align:right}.nw{white-space:nowrap}.small{font-size:11.5px;color:#4b5563}
tr.sev-error td:first-child,li.sev-error code{color:#b91c1c;font-weight:600}
tr.sev-warning td:first-child,li.sev-warning code{color:#b45309;font-weight:600}
a.go{white-space:nowrap;text-decoration:none;color:#2563eb}
details>summary{cursor:pointer;font-weight:600;margin:8px 0 2px}
.badge{background:#d93025;color:#fff;border-radius:9px;padding:0 6px;font-size:11px}
.note{color:#b45309}.ok{color:#15803d}
figure{margin:6px 0 14px}svg.chart{max-width:100%;height:auto;font:12px system-ui,"DejaVu Sans",sans-serif}
.chart-title{font-weight:600;font-size:13px}.chart-label,.chart-value,.chart-legend{font-size:11.5px;fill:#374151}
.anchor{scroll-margin-top:30vh}
"""

JS = """
(function(){
  function flash(){
    document.querySelectorAll('mark.flash').forEach(function(m){m.classList.remove('flash');});
    var id = decodeURIComponent(location.hash.slice(1));
    if(!id || id.charAt(0) !== 's') return;
    var first = null;
    document.querySelectorAll('mark[data-spans]').forEach(function(m){
      if((' '+m.getAttribute('data-spans')+' ').indexOf(' '+id+' ') >= 0){ m.classList.add('flash'); first = first || m; }
    });
    if(first && first.scrollIntoView) first.scrollIntoView({block: 'center'});
  }
  window.addEventListener('hashchange', flash);
  flash();
  document.querySelectorAll('input[data-kind]').forEach(function(cb){
    cb.addEventListener('change', function(){ document.body.classList.toggle('hide-'+cb.getAttribute('data-kind'), !cb.checked); });
  });
})();
"""

PAGE_HEAD = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<nav>
<h2>tdkt review</h2>
<ul>{nav_top}</ul>
<h2>Highlights</h2>
{legend}
<h2>{nav_list_title}</h2>
<ul>{nav}</ul>
<p class="small">generated {generated}</p>
</nav>
<main>
"""

PAGE_TAIL = """</main>
<script>{js}</script>
</body>
</html>
"""
