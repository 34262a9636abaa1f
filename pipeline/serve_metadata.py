"""The registry in a browser (`tdkt serve`): the serve copy of the store and
Datasette's metadata for it.

The store (``registry.sqlite``) declares no keys, and Datasette shows a value
as a link only when the SQLite schema declares a foreign key; full-text search
needs FTS tables the store must not carry. So `tdkt serve` builds, once per
change of the store, a **serve copy**: the same rows (each keeping its store
rowid, so row URLs name the store's rows), the tables declared with their keys
(``documents.doc_id`` and ``directives.key`` primary keys; every ``doc_id`` a
foreign key to documents, every ``key`` to directives; an empty reference is
NULL there, so no link leads nowhere), indexes on those columns and on the
facet columns, and FTS5 tables over the sentences and document titles. The
compressed ``texts`` are left out. The copy is written beside the store as
``serve.sqlite`` when the folder can be written (rebuilt only when the store's
size or modification time changed), else in a temporary folder; Datasette opens
it immutable, under the name ``registry``.

Search ignores tones and case (``unicode61 remove_diacritics 2``: ``bang khen``
finds ``Bằng khen``, and text typed in decomposed Unicode matches too); each
FTS table also indexes the text with ``đ`` written ``d``, so ``thi dua`` finds
``thi đua``.

Labels (Vietnamese table names, column headers and descriptions, the labels
of enumerated values) come from ``pipeline.labels`` when it is there; machine
names otherwise. Two templates (TABLE_TEMPLATE, FACETS_TEMPLATE) show them.
"""
from __future__ import annotations

import html
import json
import os
import sqlite3
import time
from pathlib import Path

from . import processes, store
from .extract import specs

SERVE_DB = "serve.sqlite"           # the serve copy's file in the output folder
DB_NAME = "registry"                # its name in Datasette: /registry/citations
STAMP_TABLE = "tdkt_serve"          # what the copy was built from (hidden)
BUILD_VERSION = "1"                 # bump when the copy's schema changes: old copies are rebuilt
# compressed texts, and what check keeps for its next run: no use in a browser
SKIP_TABLES = {store.TEXTS_TABLE, store.CHECK_CACHE, store.CHECK_CACHE_DOCS}

# primary keys: the row a link leads to
PRIMARY_KEYS = {"documents": "doc_id", "directives": "key"}
# foreign keys: column -> (table, column); declared only when both ends exist.
# A column not listed here named doc_id points to documents.
FOREIGN_KEYS = {
    "citations": {"key": ("directives", "key")},
    "conflicts": {"key": ("directives", "key"), "doc_id_a": ("documents", "doc_id"),
                  "doc_id_b": ("documents", "doc_id")},
}
# full-text search: table -> columns (a `_d` column with đ written d is added for each);
# every extractor's table is searched by its sentences (fts_tables())
FTS_OTHER = {
    "documents": ("title", "source_path"),
    "checks": ("message", "sentence"),
}
FTS_TOKENIZE = "unicode61 remove_diacritics 2"
# the columns offered as facets; an extractor's table: its spec's facets, then the rule
FACETS_OTHER = {
    "documents": ("province", "doc_kind", "status"),
    "checks": ("rule_id", "severity"),
    "directives": ("doc_type", "jurisdiction"),
    "conflicts": ("field",),
    "errors": ("stage",),
}


def fts_tables() -> dict[str, tuple]:
    return {**FTS_OTHER, **{name: ("sentence",) for name in specs()}}


def facet_columns() -> dict[str, tuple]:
    return {**FACETS_OTHER, **{name: (*s.facets, "rule") for name, s in specs().items()}}
# what a link to a row shows instead of its key
LABEL_COLUMNS = {"documents": "source_path", "directives": "number"}
SORT = {"documents": "source_path", "directives": "key"}
TABLE_ORDER = ("documents", "citations", "directives", "conflicts", "awards", "money", "movements", "figures",
               "checks", "errors")


class ServeError(RuntimeError):
    """The serve copy cannot be built (one line for the user)."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------- the copy

def store_stamp(out_dir: str | os.PathLike) -> str:
    """Size and modification time of the store and its WAL: a copy built from
    another stamp is stale."""
    db = Path(out_dir) / store.DB_NAME
    parts: dict[str, object] = {"build": BUILD_VERSION}
    for suffix in ("", "-wal"):
        p = Path(str(db) + suffix)
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        if suffix and not st.st_size:
            continue        # an empty WAL (a reader opened the store) changes nothing
        parts[suffix or "db"] = [st.st_size, st.st_mtime_ns]
    return json.dumps(parts, sort_keys=True)


def copy_stamp(path: str | os.PathLike) -> str | None:
    """The stamp a serve copy was built from (None: no copy, or not one of ours)."""
    try:
        con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = con.execute(f"SELECT value FROM {STAMP_TABLE} WHERE name = 'stamp'").fetchone()
        return row[0] if row else None
    except sqlite3.Error:
        return None
    finally:
        con.close()


def _attach_store(con: sqlite3.Connection, out_dir: Path) -> None:
    uri = (out_dir.resolve() / store.DB_NAME).as_uri()
    writable = os.access(out_dir, os.W_OK) and os.access(out_dir / store.DB_NAME, os.W_OK)
    # a folder no one can write to: nobody is writing the store, read it as it is
    # (SQLite cannot open a WAL store read-only without writing its -shm file)
    modes = ("?mode=ro", "?mode=ro&immutable=1") if writable else ("?mode=ro&immutable=1",)
    last = None
    for mode in modes:
        try:
            con.execute("ATTACH DATABASE ? AS src", (uri + mode,))
            con.execute("SELECT count(*) FROM src.sqlite_master").fetchone()
            return
        except sqlite3.Error as exc:
            last = exc
            try:
                con.execute("DETACH DATABASE src")
            except sqlite3.Error:
                pass
    raise ServeError(f"cannot read {out_dir / store.DB_NAME}: {last}")


def _fold_d(expr: str) -> str:
    """SQL: the text with đ/Đ written d/D, NULL when it has neither (nothing more to index)."""
    return f"nullif(replace(replace({expr}, 'đ', 'd'), 'Đ', 'D'), {expr})"


def build_copy(out_dir: str | os.PathLike, dest: str | os.PathLike) -> dict:
    """Write the serve copy of ``out_dir``'s store to ``dest`` (replaced
    atomically); returns counts and seconds."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    dest = Path(dest)
    stamp = store_stamp(out_dir)
    tmp = dest.with_name(f".{dest.stem}-building-{os.getpid()}.sqlite")
    for p in dest.parent.glob(f".{dest.stem}-building-*.sqlite"):
        # a build killed midway (its process is gone)
        try:
            pid = int(p.stem.rsplit("-", 1)[1])
        except (ValueError, IndexError):
            continue
        if not processes.alive(pid):
            p.unlink(missing_ok=True)
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, isolation_level=None)
    counts: dict[str, int] = {}
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        _attach_store(con, out_dir)
        con.execute("BEGIN")                 # one read snapshot of the store for every table
        tables = [r[0] for r in con.execute(
            "SELECT name FROM src.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = [t for t in tables if t not in SKIP_TABLES]
        cols = {t: [(r[1], r[2] or "") for r in con.execute(f"PRAGMA src.table_info({_q(t)})")] for t in tables}
        pks = {}
        for t, c in PRIMARY_KEYS.items():
            if t in cols and c in dict(cols[t]):
                dup = con.execute(f"SELECT count({_q(c)}) - count(DISTINCT {_q(c)}) FROM src.{_q(t)}").fetchone()[0]
                if dup == 0:                 # a key the store repeats cannot address one row
                    pks[t] = c
        fks = {}
        for t in tables:
            in_table = dict(cols[t])
            wanted = dict(FOREIGN_KEYS.get(t, {}))
            if "doc_id" in in_table and t != "documents":
                wanted.setdefault("doc_id", ("documents", "doc_id"))
            fks[t] = {c: ref for c, ref in wanted.items() if c in in_table and pks.get(ref[0]) == ref[1]}
        for t in tables:
            defs = [f"{_q(c)} {tp}{' PRIMARY KEY' if pks.get(t) == c else ''}" for c, tp in cols[t]]
            defs += [f"FOREIGN KEY ({_q(c)}) REFERENCES {_q(ot)} ({_q(oc)})" for c, (ot, oc) in fks[t].items()]
            con.execute(f"CREATE TABLE {_q(t)} ({', '.join(defs)})")
            names = [c for c, _ in cols[t]]
            # an empty reference is no reference: NULL, so no link leads nowhere
            select = [f"nullif({_q(c)}, '')" if c in fks[t] else _q(c) for c in names]
            con.execute(f"INSERT INTO {_q(t)} (rowid, {', '.join(map(_q, names))}) "
                        f"SELECT rowid, {', '.join(select)} FROM src.{_q(t)} ORDER BY rowid")
            counts[t] = con.execute(f"SELECT count(*) FROM {_q(t)}").fetchone()[0]
            # links back (a directive's citations), facets and the default sort read indexes
            indexed = [c for c in [*fks[t], *facet_columns().get(t, ()), SORT.get(t)] if c in names and c != pks.get(t)]
            for c in dict.fromkeys(indexed):
                con.execute(f"CREATE INDEX {_q(f'{t}_{c}')} ON {_q(t)} ({_q(c)})")
        con.execute("COMMIT")
        con.execute("DETACH DATABASE src")
        t_copy = time.perf_counter() - t0
        con.execute("BEGIN")
        for t, searched in fts_tables().items():
            have = dict(cols.get(t, []))
            fcols = [c for c in searched if c in have]
            if not fcols:
                continue
            every = fcols + [f"{c}_d" for c in fcols]
            # contentless: the index only (the text is the table's); Datasette
            # searches with `rowid in (select rowid from t_fts where t_fts match ...)`
            con.execute(f"CREATE VIRTUAL TABLE {_q(t + '_fts')} USING fts5({', '.join(map(_q, every))}, "
                        f"content='', tokenize='{FTS_TOKENIZE}')")
            con.execute(f"INSERT INTO {_q(t + '_fts')} (rowid, {', '.join(map(_q, every))}) "
                        f"SELECT rowid, {', '.join(map(_q, fcols))}, {', '.join(_fold_d(_q(c)) for c in fcols)} "
                        f"FROM {_q(t)}")
        con.execute(f"CREATE TABLE {STAMP_TABLE} (name TEXT PRIMARY KEY, value TEXT)")
        seconds = time.perf_counter() - t0
        con.executemany(f"INSERT INTO {STAMP_TABLE} VALUES (?, ?)", [
            ("stamp", stamp), ("store", str((out_dir / store.DB_NAME).resolve())),
            ("built", time.strftime("%Y-%m-%d %H:%M:%S")), ("seconds", f"{seconds:.2f}"),
            ("fts_tokenize", FTS_TOKENIZE)])
        con.execute("COMMIT")
        con.execute("ANALYZE")               # facet and filter queries plan with the tables' sizes
        con.close()
        os.replace(tmp, dest)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    return {"tables": counts, "seconds": time.perf_counter() - t0, "seconds_copy": t_copy,
            "primary_keys": pks, "foreign_keys": {t: v for t, v in fks.items() if v}}


def ensure_copy(out_dir: str | os.PathLike, scratch: str | os.PathLike | None = None) -> tuple[Path, dict | None]:
    """The serve copy of ``out_dir``'s store, built when missing or stale.
    Returns its path and the build's report (None when the copy was up to
    date). In a folder that cannot be written the copy goes to ``scratch``."""
    out_dir = Path(out_dir)
    if not (out_dir / store.DB_NAME).exists():
        raise ServeError(f"{out_dir}: no {store.DB_NAME} here; run `tdkt extract PATH... --out {out_dir}` first")
    if os.access(out_dir, os.W_OK):
        dest = out_dir / SERVE_DB
    else:
        if scratch is None:
            raise ServeError(f"{out_dir} cannot be written: give a folder for the serve copy")
        dest = Path(scratch) / SERVE_DB
    if dest.exists() and copy_stamp(dest) == store_stamp(out_dir):
        return dest, None
    return dest, build_copy(out_dir, dest)


# --------------------------------------------------------------------- labels

def _labels_module():
    try:
        from . import labels
    except ImportError:
        return None
    return labels


def _call(fn, *args):
    if fn is None:
        return None
    try:
        value = fn(*args)
    except (LookupError, TypeError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value.strip() else None


class Labels:
    """Vietnamese names from ``pipeline.labels`` (``sheet_name(table)``,
    ``header(table, column)``, ``description(table, column)``, and when it has
    them ``description(table)``, ``values(table, column)``); the machine names
    when the module or an entry is missing."""

    def __init__(self, module=None):
        self.module = _labels_module() if module is None else module

    def _fn(self, name):
        return getattr(self.module, name, None) if self.module is not None else None

    def sheet_name(self, table: str) -> str:
        return _call(self._fn("sheet_name"), table) or table

    def header(self, table: str, column: str) -> str:
        return _call(self._fn("header"), table, column) or column

    def description(self, table: str, column: str) -> str | None:
        return _call(self._fn("description"), table, column)

    def values(self, table: str, column: str) -> dict[str, str]:
        """Labels of the column's enumerated values ({} when none)."""
        fn = self._fn("values")
        try:
            got = fn(table, column) if fn is not None else {}
        except (LookupError, TypeError, ValueError, AttributeError):
            return {}
        return {str(k): str(v) for k, v in (got or {}).items() if v is not None and str(v).strip()}

    def table_description(self, table: str) -> str | None:
        return _call(self._fn("description"), table)


# --------------------------------------------------------------------- metadata

SEARCH_HELP = ("Tìm kiếm không phân biệt dấu và chữ hoa: gõ “bang khen” hay “thi dua” cũng tìm thấy "
               "“Bằng khen”, “thi đua”. Gõ nhiều từ: tìm các dòng có đủ các từ đó; đặt cụm từ trong dấu ngoặc "
               "kép, ví dụ \"Chủ tịch UBND\", để tìm đúng cụm từ đó.")


def table_columns(path: str | os.PathLike) -> dict[str, list[str]]:
    """The serve copy's tables (no FTS, no stamp) and their columns."""
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
        out = {}
        for t in names:
            if t == STAMP_TABLE or any(t.startswith(f + "_fts") for f in fts_tables()):
                continue
            out[t] = [r[1] for r in con.execute(f"PRAGMA table_info({_q(t)})")]
        return out
    finally:
        con.close()


def _ordered(tables) -> list[str]:
    rank = {t: i for i, t in enumerate(TABLE_ORDER)}
    return sorted(tables, key=lambda t: (rank.get(t, len(rank)), t))


def build_metadata(tables: dict[str, list[str]], out_dir: str | os.PathLike | None = None,
                   labels: Labels | None = None) -> dict:
    """Datasette's metadata for the serve copy: Vietnamese titles, column
    headers (``tdkt_headers``, shown by the table template) and descriptions,
    facets, full-text search, label columns and default sorts."""
    labels = labels or Labels()
    meta_tables: dict[str, dict] = {}
    for t in _ordered(tables):
        names = tables[t]
        m: dict = {"title": labels.sheet_name(t)}
        desc = labels.table_description(t)
        if desc:
            m["description"] = desc
        headers = {c: labels.header(t, c) for c in names}
        m["tdkt_headers"] = {c: h for c, h in headers.items() if h != c}
        described = {c: labels.description(t, c) or headers[c] for c in names}
        described = {c: d for c, d in described.items() if d != c}
        if described:
            m["columns"] = described
        values = {c: {v: lab for v, lab in labels.values(t, c).items() if lab != v} for c in names}
        m["tdkt_values"] = {c: v for c, v in values.items() if v}
        facets = [c for c in facet_columns().get(t, ()) if c in names]
        if facets:
            m["facets"] = facets
        if any(c in names for c in fts_tables().get(t, ())):
            m["fts_table"] = f"{t}_fts"
            m["fts_pk"] = "rowid"
        if LABEL_COLUMNS.get(t) in names:
            m["label_column"] = LABEL_COLUMNS[t]
        if SORT.get(t) in names:
            m["sort"] = SORT[t]
        meta_tables[t] = m
    meta_tables[STAMP_TABLE] = {"hidden": True}
    where = f" trong thư mục {out_dir}" if out_dir is not None else ""
    items = "".join(
        f'<li><a href="/{DB_NAME}/{html.escape(t)}">{html.escape(meta_tables[t]["title"])}</a>'
        + (f" <code>{html.escape(t)}</code>" if meta_tables[t]["title"] != t else "")
        + (f" — {html.escape(meta_tables[t]['description'])}" if meta_tables[t].get("description") else "")
        + "</li>" for t in _ordered(tables))
    return {
        "title": "Sổ đăng ký văn bản được trích dẫn (thi đua, khen thưởng)",
        "description_html": (f"<p>Các bảng <code>tdkt extract</code> đã trích xuất{html.escape(where)}. "
                             f"{html.escape(SEARCH_HELP)}</p><ul>{items}</ul>"),
        "databases": {DB_NAME: {
            "title": "Sổ đăng ký",
            "description_html": f"<p>{html.escape(SEARCH_HELP)}</p><ul>{items}</ul>",
            "tables": meta_tables,
        }},
    }


# --------------------------------------------------------------------- templates

# Datasette 0.65's _table.html and _facet_results.html, showing what the
# metadata adds: the Vietnamese header with the machine name (what filters and
# the JSON API use) under it (`tdkt_headers`), the column's description as the
# header's tooltip, the label of an enumerated value beside it (`tdkt_values`),
# and the column descriptions folded away (Datasette lists them above the
# table, a screen of text before the first row).
TABLE_TEMPLATE = """\
{% set tdkt_headers = (metadata or {}).get("tdkt_headers") or {} %}
{% set tdkt_values = (metadata or {}).get("tdkt_values") or {} %}
{% macro tdkt_header(column) -%}
{%- if tdkt_headers.get(column.name) -%}
<span class="tdkt-label">{{ tdkt_headers[column.name] }}</span><br><code class="tdkt-column">{{ column.name }}</code>
{%- else -%}{{ column.name }}{%- endif -%}
{%- endmacro %}
<style>
dl.column-descriptions { display: none; }
details.tdkt-columns { margin: 0.5em 0 1em 0; }
details.tdkt-columns dt { font-weight: bold; margin-top: 0.3em; }
details.tdkt-columns dd { margin-left: 1.5em; color: #444; }
.rows-and-columns th code.tdkt-column, .rows-and-columns td code.tdkt-value,
details.tdkt-columns code { font-weight: normal; font-size: 0.8em; color: #666; }
.rows-and-columns td.col-sentence, .rows-and-columns td.col-title, .rows-and-columns td.col-message,
.rows-and-columns td.col-subject { min-width: 24em; }
</style>
{% if (metadata or {}).get("columns") %}
<details class="tdkt-columns"><summary>Giải thích các cột</summary><dl>
{% for name, text in metadata.columns.items() %}
<dt>{{ tdkt_headers.get(name) or name }}{% if tdkt_headers.get(name) %} <code>{{ name }}</code>{% endif %}</dt><dd>{{ text }}</dd>
{% endfor %}
</dl></details>
{% endif %}
{% if display_rows %}
<div class="table-wrapper">
    <table class="rows-and-columns">
        <thead>
            <tr>
                {% for column in display_columns %}
                    <th {% if column.description %}data-column-description="{{ column.description }}" title="{{ column.description }}" {% endif %}class="col-{{ column.name|to_css_class }}" scope="col" data-column="{{ column.name }}" data-column-type="{{ column.type.lower() }}" data-column-not-null="{{ column.notnull }}" data-is-pk="{% if column.is_pk %}1{% else %}0{% endif %}">
                        {% if not column.sortable %}
                            {{ tdkt_header(column) }}
                        {% else %}
                            {% if column.name == sort %}
                                <a href="{{ fix_path(path_with_replaced_args(request, {'_sort_desc': column.name, '_sort': None, '_next': None})) }}" rel="nofollow">{{ tdkt_header(column) }}&nbsp;▼</a>
                            {% else %}
                                <a href="{{ fix_path(path_with_replaced_args(request, {'_sort': column.name, '_sort_desc': None, '_next': None})) }}" rel="nofollow">{{ tdkt_header(column) }}{% if column.name == sort_desc %}&nbsp;▲{% endif %}</a>
                            {% endif %}
                        {% endif %}
                    </th>
                {% endfor %}
            </tr>
        </thead>
        <tbody>
        {% for row in display_rows %}
            <tr>
                {% for cell in row %}
                    {% set label = (tdkt_values.get(cell.column) or {}).get(cell.raw|string) if cell.raw is not none else none %}
                    <td class="col-{{ cell.column|to_css_class }} type-{{ cell.value_type }}">{% if label %}{{ label }} <code class="tdkt-value">{{ cell.raw }}</code>{% else %}{{ cell.value }}{% endif %}</td>
                {% endfor %}
            </tr>
        {% endfor %}
        </tbody>
    </table>
</div>
{% else %}
    <p class="zero-results">0 records</p>
{% endif %}
"""

FACETS_TEMPLATE = """\
{% set tdkt_headers = (metadata or {}).get("tdkt_headers") or {} %}
{% set tdkt_values = (metadata or {}).get("tdkt_values") or {} %}
<div class="facet-results">
    {% for facet_info in sorted_facet_results %}
        {% set value_labels = tdkt_values.get(facet_info.name) or {} %}
        <div class="facet-info facet-{{ database|to_css_class }}-{{ table|to_css_class }}-{{ facet_info.name|to_css_class }}" id="facet-{{ facet_info.name|to_css_class }}" data-column="{{ facet_info.name }}">
            <p class="facet-info-name">
                <strong>{{ tdkt_headers.get(facet_info.name) or facet_info.name }}{% if facet_info.type != "column" %} ({{ facet_info.type }}){% endif %}
                    <span class="facet-info-total">{% if facet_info.truncated %}&gt;{% endif %}{{ facet_info.results|length }}</span>
                </strong>
                {% if facet_info.hideable %}
                    <a href="{{ facet_info.toggle_url }}" class="cross">&#x2716;</a>
                {% endif %}
            </p>
            <ul class="tight-bullets">
                {% for facet_value in facet_info.results %}
                    {% set shown = value_labels.get(facet_value.value|string) or (facet_value.label | string()) or "-" %}
                    {% if not facet_value.selected %}
                        <li><a href="{{ facet_value.toggle_url }}">{{ shown }}</a> {{ "{:,}".format(facet_value.count) }}</li>
                    {% else %}
                        <li>{{ shown }} &middot; {{ "{:,}".format(facet_value.count) }} <a href="{{ facet_value.toggle_url }}" class="cross">&#x2716;</a></li>
                    {% endif %}
                {% endfor %}
                {% if facet_info.truncated %}
                    <li class="facet-truncated">{% if request.args._facet_size != "max" -%}
                        <a href="{{ path_with_replaced_args(request, {"_facet_size": "max"}) }}">…</a>{% else -%}…{% endif %}
                    </li>
                {% endif %}
            </ul>
        </div>
    {% endfor %}
</div>
"""


def write_templates(folder: str | os.PathLike) -> Path:
    """The templates above, in a folder for Datasette's --template-dir."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_table.html").write_text(TABLE_TEMPLATE, encoding="utf-8")
    (folder / "_facet_results.html").write_text(FACETS_TEMPLATE, encoding="utf-8")
    return folder
