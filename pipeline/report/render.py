"""Building report.html from the store (see the package docstring)."""
from __future__ import annotations

import datetime as _dt
import os
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..audit import checks as checks_mod
from ..audit import compare as compare_mod
from ..audit import numbers as num
from ..audit import store
from . import charts

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


def _e(value) -> str:
    """HTML-escape anything (attributes too)."""
    if value is None:
        return ""
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


def _read_text(doc: dict, out_dir: Path) -> tuple[str | None, str]:
    """The document's normalized text, recomputed from its source file."""
    from ..ingest import read_source
    from ..normalize import normalize
    path = doc.get("source_path") or ""
    candidates = [Path(path)]
    if not Path(path).is_absolute():
        candidates.append(out_dir.resolve().parent / path)
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        return None, f"source file not found: {path}"
    source = read_source(str(found))
    if source.status == "error":
        return None, f"cannot read the source again: {source.error}"
    note = "" if source.doc_id == doc["doc_id"] else "the file changed since it was extracted: spans may be off"
    try:
        return normalize(source).text, note
    except Exception as exc:  # a report never fails for one document
        return None, f"cannot normalize the source: {type(exc).__name__}: {exc}"


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


def build_report(out_dir: str | os.PathLike, path: str | os.PathLike | None = None,
                 only: list[str] | None = None) -> Path:
    """Write report.html into the output folder (or ``path``); returns its path.
    ``only``: the documents whose source path contains one of these texts (an
    archive's page would be too large to open at once)."""
    out_dir = Path(out_dir)
    con = store.open_store(out_dir)
    try:
        tables = store.read_tables(con)
    finally:
        con.close()
    if only:
        keep = {d["doc_id"] for d in tables.get("documents", [])
                if any(t in (d.get("source_path") or "") for t in only)}
        tables = {name: [r for r in rows if "doc_id" not in r or r["doc_id"] in keep]
                  for name, rows in tables.items()}
    html = render(tables, out_dir)
    target = Path(path) if path else out_dir / "report.html"
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target


def render(tables: dict, out_dir: Path) -> str:
    docs = sorted(tables.get("documents", []), key=lambda d: (d.get("source_path") or "", d["doc_id"]))
    index = {d["doc_id"]: i for i, d in enumerate(docs)}
    findings = checks_mod.run_checks(tables)

    def key(doc_id: str, start: int, end: int) -> str:
        return f"s{index.get(doc_id, 'x')}-{start}-{end}"

    rows_by_doc: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for table in KINDS:
        for r in tables.get(table, []):
            rows_by_doc[r["doc_id"]][table].append(r)
    checks_by_doc: dict[str, list] = defaultdict(list)
    for f in findings:
        for d, s, e in _spans_of_check(f)[:1]:
            checks_by_doc[d].append(f)

    body: list[str] = []
    body.append(_summary(docs, rows_by_doc, checks_by_doc, out_dir))
    body.append(_checks_section(findings, docs, index, key))
    body.append(_charts_section(tables))
    for i, doc in enumerate(docs):
        body.append(_doc_section(i, doc, rows_by_doc[doc["doc_id"]], checks_by_doc.get(doc["doc_id"], []),
                                 findings, out_dir, key))
    nav = "".join(f'<li><a href="#doc-{i}" title="{_e(d.get("source_path"))}">{_e(Path(d.get("source_path") or d["doc_id"]).name)}'
                  f'</a>{_badge(len(checks_by_doc.get(d["doc_id"], [])))}</li>' for i, d in enumerate(docs))
    legend = "".join(f'<label class="legend-item"><input type="checkbox" checked data-kind="{k}"> '
                     f'<mark class="hl p-{k} k-{k}">{_e(k)}</mark> {_e(LABELS[k])}</label>'
                     for k in list(KINDS.values()) + ["check"])
    generated = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return PAGE.format(css=CSS, js=JS, nav=nav, legend=legend, body="\n".join(body),
                       title=_e(f"tdkt — {out_dir}"), generated=_e(generated))


def _badge(n: int) -> str:
    return f' <span class="badge">{n}</span>' if n else ""


def _summary(docs, rows_by_doc, checks_by_doc, out_dir) -> str:
    head = "".join(f"<th>{_e(t)}</th>" for t in ["document", "kind", "issuer", "date", "period"] + list(KINDS) +
                   ["checks"])
    rows = []
    for i, d in enumerate(docs):
        counts = "".join(f'<td class="num">{len(rows_by_doc[d["doc_id"]][t])}</td>' for t in KINDS)
        rows.append(f'<tr><td><a href="#doc-{i}">{_e(d.get("source_path"))}</a></td><td>{_e(d.get("doc_kind"))}</td>'
                    f'<td>{_e(d.get("issuer"))}</td><td>{_e(d.get("issued_date"))}</td><td>{_e(d.get("period"))}</td>'
                    f'{counts}<td class="num">{len(checks_by_doc.get(d["doc_id"], []))}</td></tr>')
    return (f'<section id="summary"><h1>Review: {_e(out_dir)}</h1>'
            f'<p>{len(docs)} document(s). Click a row link (↗) to see a value in its sentence; hover a highlight '
            f'for its normalized values.</p><table class="data"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _checks_section(findings, docs, index, key) -> str:
    if not findings:
        return '<section id="checks"><h2>Checks</h2><p class="ok">No findings.</p></section>'
    rows = []
    for n, f in enumerate(findings):
        links = []
        for d, s, e in _spans_of_check(f):
            name = Path((docs[index[d]].get("source_path") if d in index else d) or d).name
            links.append(f'<a class="go" href="#{_e(key(d, s, e))}">↗ {_e(name)} @{s}–{e}</a>')
        rows.append(f'<tr id="check-{n}" class="sev-{_e(f.severity)}"><td>{_e(f.severity)}</td><td><code>{_e(f.rule_id)}'
                    f'</code></td><td>{_e(f.message)}</td><td>{_e(f.basis)}</td><td class="small">{_e(f.values)}</td>'
                    f'<td>{"<br>".join(links)}</td></tr>')
    return ('<section id="checks"><h2>Checks</h2><table class="data"><thead><tr><th>severity</th><th>rule</th>'
            '<th>message</th><th>basis</th><th>values</th><th>where</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _charts_section(tables) -> str:
    comp = compare_mod.compare(tables, figures=False)
    long = comp.long
    if long.empty:
        return '<section id="charts"><h2>Award counts per unit and year</h2><p>No award counts with a year.</p></section>'
    svgs = []
    for unit in sorted(long["unit"].unique()):
        part = long[long["unit"] == unit]
        periods = sorted(part["period"].unique())
        groups: dict[str, dict[str, float]] = defaultdict(dict)
        for _, r in part.iterrows():
            label = r["item"] + (f" ({r['recipient_type']})" if r["recipient_type"] else "")
            if r["conferrer"]:
                label += f" – {r['conferrer']}"
            groups[label][r["period"]] = float(r["value"])
        svgs.append(f'<figure>{charts.bars(unit, list(groups.items()), periods)}</figure>')
    return f'<section id="charts"><h2>Award counts per unit and year</h2>{"".join(svgs)}</section>'


def _doc_section(i, doc, rows, doc_checks, findings, out_dir, key) -> str:
    text, note = _read_text(doc, out_dir)
    meta = "".join(f"<dt>{_e(f)}</dt><dd>{_e(doc.get(f))}</dd>" for f in DOC_FIELDS if doc.get(f) not in (None, ""))
    spans: list[Span] = []
    bad = 0
    for table, kind in KINDS.items():
        for r in rows.get(table, []):
            if text is None or text[r["start"]:r["end"]] != r["text"]:
                bad += 1
                continue
            spans.append(Span(r["start"], r["end"], kind, key(doc["doc_id"], r["start"], r["end"]),
                              _tip(kind, r, VALUE_COLUMNS[table])))
    for f in findings:
        for d, s, e in _spans_of_check(f):
            if d == doc["doc_id"] and text is not None and e <= len(text):
                spans.append(Span(s, e, "check", key(d, s, e), f"[{LABELS['check']}] {f.rule_id}: {f.message}"))
    notes = []
    if note:
        notes.append(note)
    if bad and text is not None:
        notes.append(f"{bad} row(s) whose text no longer matches the source were not highlighted")
    parts = [f'<section class="doc" id="doc-{i}"><h2>{_e(doc.get("title") or Path(doc.get("source_path") or "").name)}</h2>',
             f'<p class="path">{_e(doc.get("source_path"))} · <code>{_e(doc["doc_id"])}</code></p>',
             f'<dl class="meta">{meta}</dl>']
    parts += [f'<p class="note">{_e(n)}</p>' for n in notes]
    if text is not None:
        parts.append(f'<div class="text" id="text-{i}">{render_text(text, spans)}</div>')
    if doc_checks:
        items = "".join(f'<li class="sev-{_e(f.severity)}"><a class="go" href="#{_e(key(f.doc_id, f.start, f.end))}">↗</a> '
                        f'<code>{_e(f.rule_id)}</code> {_e(f.message)} <span class="small">({_e(f.basis)})</span></li>'
                        for f in doc_checks if f.start is not None)
        parts.append(f'<h3>Checks</h3><ul class="checks">{items}</ul>')
    for table, kind in KINDS.items():
        trs = rows.get(table, [])
        if not trs:
            continue
        cols = VALUE_COLUMNS[table]
        head = "".join(f"<th>{_e(c)}</th>" for c in ["", "text"] + cols)
        body = []
        for n, r in enumerate(trs):
            link = f'<a class="go" href="#{_e(key(doc["doc_id"], r["start"], r["end"]))}" title="show in the text">↗ {r["start"]}</a>'
            cells = "".join(f"<td>{_e(r.get(c))}</td>" for c in cols)
            body.append(f'<tr id="r-{kind}-{i}-{n}" data-kind="{kind}"><td>{link}</td><td>{_e(r["text"])}</td>{cells}</tr>')
        parts.append(f'<details open><summary>{_e(table)} ({len(trs)})</summary><table class="data t-{kind}">'
                     f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></details>')
    parts.append("</section>")
    return "".join(parts)


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
td.num{text-align:right}.small{font-size:11.5px;color:#4b5563}
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

PAGE = """<!DOCTYPE html>
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
<ul><li><a href="#summary">Summary</a></li><li><a href="#checks">Checks</a></li><li><a href="#charts">Charts</a></li></ul>
<h2>Highlights</h2>
{legend}
<h2>Documents</h2>
<ul>{nav}</ul>
<p class="small">generated {generated}</p>
</nav>
<main>
{body}
</main>
<script>{js}</script>
</body>
</html>
"""
