"""annotate: the text with its mentions marked, as HTML (eyecite's
``annotate_citations`` for tdkt's tables).

>>> from pipeline import annotate
>>> annotate("Tổng kinh phí 45,5 triệu đồng.")  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
'Tổng kinh phí <mark class="tdkt-money" data-amount-vnd="45500000" data-qualifier="exact"
data-purpose="Tổng kinh phí" data-rule="money.amount" title="MONEY\\namount_vnd: 45500000...">45,5 triệu đồng</mark>.'

Every mention is a ``<mark class="tdkt-citation">`` (``tdkt-movement``,
``tdkt-money``, ``tdkt-award``, ``tdkt-figure``) carrying its record's
normalized values as ``data-*`` attributes (``issued_date`` ->
``data-issued-date``; empty values left out; ``data-rule``: the named rule
that made it) and, for a tooltip, as ``title``.
The text between marks is HTML-escaped. Mentions that overlap:

- records of one table on the same span (``21 tập thể và 25 cá nhân được tặng
  Bằng khen``: two award rows) are one mark; a value they differ in is
  written ``21 | 25``;
- a mention inside another is a mark inside the other's mark;
- two mentions that cross (neither holds the other) cannot nest: the later one
  is closed where the earlier one ends and opened again after it, so the HTML
  stays well-formed (the two pieces carry the same attributes).

``before`` and ``after`` (callables taking a :class:`Mark`, returning the
string to insert) replace the ``<mark>`` tags with markup of your own; given
either, the other defaults to nothing. ``escape=False`` leaves the text as it is
(markup that is not HTML).

>>> annotate("Tổng kinh phí 45,5 triệu đồng.", tables=["money"],
...          before=lambda m: "[", after=lambda m: f"]{{{m.values['amount_vnd']}}}")
'Tổng kinh phí [45,5 triệu đồng]{45500000}.'

The module imports nothing heavy: the extraction stack loads when a string is
extracted.
"""
from __future__ import annotations

import html
import unicodedata
from collections import namedtuple


def mention_tables() -> tuple:
    """The mention tables, in the order their marks open when they share a span
    (the extractors' order: pipeline.extract.specs)."""
    from .extract import specs
    return tuple(specs())


def label_of(table: str) -> str:
    """A table's label: ``CITATION`` for citations (its extractor's spec)."""
    from .extract import spec
    return spec(table).label


# where a row came from, not what it says: left out of a mention's values
PROVENANCE = ("doc_id", "start", "end", "page", "sentence")
MERGED = " | "       # between the differing values of records that share a span

TYPE_CHECKING = False   # (checkers read the block below; importing typing costs the package's import time)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from .models import ExtractionResult
    Markup = Callable[["Mark"], str]


# (a named tuple, not a dataclass: `import pipeline` loads this module, and
# dataclasses with inspect would triple the package's import time)
class Mark(namedtuple("Mark", "start end table text records")):
    """One mark: a span of the annotated text and the records found there.

    ``start``, ``end``: offsets into the annotated text; ``table``: a mention
    table (``"citations"``, ``"money"``, ...: :func:`mention_tables`); ``text``:
    the exact mention (``text[start:end]`` of the annotated text); ``records``:
    a tuple of each record's normalized values
    (dicts, see :func:`record_values`), more than one when records of the table
    share the span."""
    __slots__ = ()

    @property
    def label(self) -> str:
        """``CITATION``, ``MOVEMENT``, ``MONEY``, ``AWARD``, ``FIGURE``: its
        extractor's label."""
        return label_of(self.table)

    @property
    def css_class(self) -> str:
        """``tdkt-citation``, ``tdkt-movement``, ... (the mark's class)."""
        return "tdkt-" + self.label.lower()

    @property
    def values(self) -> dict:
        """The values of the mark's one record; of several, each value they
        share, and the values they differ in joined with `` | ``."""
        if len(self.records) == 1:
            return dict(self.records[0])
        out: dict = {}
        for key in self.records[0]:
            seen = []
            for rec in self.records:
                if rec.get(key) not in seen:
                    seen.append(rec.get(key))
            out[key] = seen[0] if len(seen) == 1 else MERGED.join("" if v is None else _plain(v) for v in seen)
        return out


def record_values(record) -> dict:
    """A record's normalized values as plain data (its provenance left out;
    the named rule that made it last).

    >>> from pipeline.models import Money
    >>> record_values(Money("d1", 0, 8, "14 triệu", None, "…", amount_vnd=14_000_000))["amount_vnd"]
    14000000
    """
    values = {name: getattr(record, name) for name in record.__dataclass_fields__ if name not in PROVENANCE}
    if "rule" in values:
        values["rule"] = values.pop("rule")
    return values


def source_span(to_source, source_text: str, start: int, end: int) -> tuple[int, int]:
    """The span of ``source_text`` that normalized ``[start, end)`` came from
    (``to_source``: NormalizedText.to_source). A letter composed from a base and
    combining marks (NFD text) is taken whole."""
    src_start = int(to_source[start])
    src_end = int(to_source[end - 1]) + 1 if end > start else src_start
    while src_end < len(source_text) and unicodedata.combining(source_text[src_end]):
        src_end += 1
    return src_start, src_end


def marks(result, text: str | None = None, tables: Iterable[str] | None = None) -> list[Mark]:
    """The marks of an ExtractionResult's mentions, in order (start, longer
    first). Offsets are into ``text`` when given (the string the result was
    extracted from; normalization's offsets mapped back), else into the
    result's normalized text. ``tables``: which tables (all by default).

    >>> from pipeline import extract_text
    >>> [(m.label, m.text) for m in marks(extract_text("Chi trên 14 triệu đồng."))]
    [('MONEY', 'trên 14 triệu đồng')]
    """
    tables = _tables(tables)
    to_source = None
    if text is not None:
        to_source = _to_source(result, text)
    grouped: dict[tuple[int, int, str], list] = {}
    for table in tables:
        for rec in getattr(result, table):
            if rec.end <= rec.start:
                continue
            span = source_span(to_source, text, rec.start, rec.end) if text is not None else (rec.start, rec.end)
            grouped.setdefault((*span, table), []).append(record_values(rec))
    base = text if text is not None else annotated_text(result)
    order = {t: i for i, t in enumerate(mention_tables())}
    out = [Mark(s, e, table, base[s:e], tuple(recs)) for (s, e, table), recs in grouped.items()]
    out.sort(key=lambda m: (m.start, -m.end, order[m.table]))
    return out


def annotated_text(result) -> str:
    """The text a result's offsets point into: its normalized text (the batch
    ships it compressed: unpacked)."""
    if result.normalized_text or not result.text_zlib:
        return result.normalized_text
    import zlib
    return zlib.decompress(result.text_zlib).decode("utf-8")


def _to_source(result, text: str):
    from .normalize import normalize_text
    normalized, to_source = normalize_text(text)
    known = annotated_text(result)
    if known and known != normalized:
        raise ValueError("annotate: the text given is not the one the result was extracted from")
    return to_source


def _tables(tables: Iterable[str] | None) -> list[str]:
    known = mention_tables()
    if tables is None:
        return list(known)
    tables = [tables] if isinstance(tables, str) else list(tables)
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise ValueError(f"unknown tables {unknown}; choose from {list(known)}")
    return tables


# --------------------------------------------------------------------------- HTML
def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _attributes(mark: Mark) -> list[tuple[str, str]]:
    return [(key, _plain(value)) for key, value in mark.values.items()
            if key != "text" and value is not None and value != ""]


def html_open(mark: Mark) -> str:
    """The default ``before``: ``<mark class="tdkt-money" data-amount-vnd="45500000" ... title="...">``."""
    pairs = _attributes(mark)
    attrs = "".join(f' data-{key.replace("_", "-")}="{html.escape(value)}"' for key, value in pairs)
    title = "\n\n".join(_title(mark.label, rec) for rec in mark.records)
    return f'<mark class="{mark.css_class}"{attrs} title="{html.escape(title)}">'


def _title(label: str, record: dict) -> str:
    lines = [label] + [f"{k}: {_plain(v)}" for k, v in record.items() if k != "text" and v is not None and v != ""]
    return "\n".join(lines)


def html_close(mark: Mark) -> str:
    """The default ``after``: ``</mark>``."""
    return "</mark>"


def annotate(text_or_result: str | ExtractionResult, *, text: str | None = None,
             tables: Iterable[str] | None = None, before: Markup | None = None, after: Markup | None = None,
             escape: bool = True, time_limit="env") -> str:
    """The text with every mention marked (HTML by default; see the module's doc).

    ``text_or_result``: a string (extracted here; its marks are placed in it as
    given) or an ExtractionResult (marks in its normalized text, or in ``text``,
    the string it was extracted from). ``tables``: which tables to mark.
    ``before``/``after``: the markup around each mark (callables of a
    :class:`Mark`). ``escape``: HTML-escape the text. ``time_limit``: as for
    extract_text.

    >>> out = annotate("Theo Chỉ thị số 12/CT-UBND ngày 29/12/2021 của Chủ tịch UBND tỉnh <b>.")
    >>> out.startswith('Theo <mark class="tdkt-citation" data-doc-type="Chỉ thị" data-number="12/CT-UBND"')
    True
    >>> out.endswith('Chủ tịch UBND tỉnh</mark> &lt;b&gt;.')
    True
    """
    if isinstance(text_or_result, str):
        if text is not None:
            raise TypeError("annotate: give the text once (as the first argument)")
        from .api import extract_text
        text = text_or_result
        result = extract_text(text, tables=_tables(tables), time_limit=time_limit)
    else:
        result = text_or_result
    found = marks(result, text, tables)
    base = text if text is not None else annotated_text(result)
    if before is None and after is None:
        before, after = html_open, html_close
    return render(base, found, before or _nothing, after or _nothing, escape)


def _nothing(mark: Mark) -> str:
    return ""


def render(text: str, found: list[Mark], before: Markup, after: Markup, escape: bool = True) -> str:
    """``text`` with ``before(mark)`` and ``after(mark)`` around each mark;
    marks that cross are split so that every one closes inside its parent."""
    quote = (lambda s: html.escape(s, quote=False)) if escape else (lambda s: s)
    found = [m for m in found if 0 <= m.start < m.end <= len(text)]
    bounds = sorted({0, len(text)} | {m.start for m in found} | {m.end for m in found})
    starting: dict[int, list[Mark]] = {}
    for m in found:                       # (in order: longer first at one start)
        starting.setdefault(m.start, []).append(m)
    out: list[str] = []
    stack: list[Mark] = []
    for i, pos in enumerate(bounds):
        ending = [k for k, m in enumerate(stack) if m.end == pos]
        if ending:
            cut = ending[0]
            out.extend(after(m) for m in reversed(stack[cut:]))
            reopen = [m for m in stack[cut:] if m.end != pos]
            del stack[cut:]
            for m in reopen:              # crossed a mark that ended here: opened again
                out.append(before(m))
                stack.append(m)
        for m in starting.get(pos, ()):
            out.append(before(m))
            stack.append(m)
        if i + 1 < len(bounds):
            out.append(quote(text[pos:bounds[i + 1]]))
    return "".join(out)

