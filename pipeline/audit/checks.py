"""`tdkt check`: where the claims contradict themselves, each other or the legal quotas.

The rules are data (rules/checks.yaml); this module reads the store's tables
(figures, money, awards, citations, documents and the registry's conflicts)
and returns :class:`~pipeline.models.Check` rows. Families:

- arithmetic inside one sentence: a stated percentage against its own ratio
  (``03/19 xã ..., chiếm 15,8%``) or against the amounts before it
  (``hơn 71.5 tỷ ...; đã thu hồi trên 64.2 tỷ (đạt 89,72% ...)``); a total
  against its parts (``17 thành viên, gồm 01 ..., 02 ... và 14 ...``); a count
  against the names listed after it (``02 xã (An Thạnh và Long Giang)``);
- tables and lists: a table's total row against its column's cells; a
  decision's or report's stated award counts against its list of named
  recipients (in the document, or in a file of the batch that goes with it);
- award quotas per unit (the document's issuer) and achievement year;
- claims of one unit and year that differ between documents;
- a cited document dated after the document citing it; registry conflicts.

Every finding carries the values involved, the basis (legal text or the
arithmetic) and the span(s) it is about. Its message and basis are written
from the rule's templates (rules/checks.yaml) in Vietnamese, the language the
checks table stores; :func:`message` and :func:`basis` give them in another
language (``tdkt check --lang en``), :func:`format_findings` the listing.
"""
from __future__ import annotations

import functools
import os
from collections import defaultdict
from dataclasses import dataclass, field

import regex

from .. import messages as msg
from .. import rules
from ..models import Check
from . import numbers as num

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Config:
    rules: dict
    percent: dict
    totals: dict
    names: dict
    quotas: list
    share_gap: regex.Pattern
    reference: regex.Pattern
    rate: regex.Pattern
    partition: regex.Pattern
    subset: regex.Pattern
    part_sep: regex.Pattern
    list_lead: regex.Pattern
    detail_row: regex.Pattern


@functools.lru_cache(maxsize=1)
def config() -> Config:
    cfg = rules.load("checks")
    pc, tc, nc = cfg["percent"], cfg["totals"], cfg["names"]
    verbs = rules.alternation(pc["share_verbs"])
    seps = "|".join(regex.escape(s).replace(r"\ ", r"\s+") if not s.isalpha() else rf"\s{regex.escape(s)}\s"
                    for s in sorted(tc["part_separators"], key=len, reverse=True))
    return Config(
        rules=cfg["rules"], percent=pc, totals=tc, names=nc, quotas=cfg["quotas"],
        # `, chiếm `, ` (đạt `, or a short phrase closing the clause before a parenthesis:
        # `321 đơn thuộc thẩm quyền (đạt 88,4%)`
        share_gap=regex.compile(rf"^(?:[^\d;,.()]{{0,40}}\()?[\s,:(]*(?:{verbs}[\s(]*)?$", regex.IGNORECASE),
        reference=rules.compile_words(pc["reference_words"]),
        rate=regex.compile(r"^" + rules.alternation(pc["rate_words"]), regex.IGNORECASE),
        partition=regex.compile(r"^[\s,]*" + rules.alternation(tc["partition_words"]) + r"[\s:]*$", regex.IGNORECASE),
        subset=regex.compile(r"^[\s,]*" + rules.alternation(tc["subset_words"]) + r"[\s:,]*$", regex.IGNORECASE),
        part_sep=regex.compile(rf"^\s*(?:{seps})\s*$", regex.IGNORECASE),
        detail_row=regex.compile(r"^\s*(?:" + rules.alternation(tc["table_detail_leads"], boundary=False)
                                 + r")", regex.IGNORECASE),
        list_lead=regex.compile(r"^\s*(?:" + rules.alternation(nc["list_leads"]) + r"\s*:?\s*)?(?:"
                                + rules.alternation(nc["list_determiners"]) + r"\s+)?", regex.IGNORECASE),
    )


def _enabled(rule_id: str) -> bool:
    return config().rules.get(rule_id, {}).get("enabled", True)


# --------------------------------------------------------------------------- messages
# A finding's fields are filled into its rule's templates per language: a
# number, a range, a date or an amount is written the language's way when
# the message is written; text (a unit's name, an award) is shown as it is.
def _qualifier(qualifier: str, written: str, lang: str) -> str:
    """The word before a number: in Vietnamese as the document wrote it (``hơn``), else translated."""
    if qualifier not in ("over", "under", "approx"):
        return ""
    return (written if written and lang == msg.VI else msg.t(f"qualifier_{qualifier}", lang)) + " "


@dataclass(frozen=True)
class Num:
    """A number a person reads: ``1.015``, ``15,79%``, ``trên 64,2``; ``unit`` after it."""
    value: float
    decimals: int = 2
    suffix: str = ""
    unit: str = ""
    qualifier: str = ""
    written: str = ""           # the qualifier's word in the document (`hơn`)

    def render(self, lang: str) -> str:
        return (_qualifier(self.qualifier, self.written, lang) + msg.number(self.value, lang, self.decimals)
                + self.suffix + (f" {self.unit}" if self.unit else ""))


@dataclass(frozen=True)
class Range:
    """A computed value that rounding leaves as a range: ``15,79%``, ``89,66–89,93%``."""
    bounds: tuple[float, float]
    decimals: int = 2
    suffix: str = ""

    def render(self, lang: str) -> str:
        return msg.number_range(self.bounds[0], self.bounds[1], lang, self.decimals, self.suffix)


@dataclass(frozen=True)
class Date:
    """An ISO date: vi ``29/12/2021`` (``word``: ``ngày 29/12/2021``, ``tháng 4/2022``), en as it is."""
    iso: str
    word: bool = False

    def render(self, lang: str) -> str:
        return msg.date(self.iso, lang, self.word)


@dataclass(frozen=True)
class Money:
    """An amount of đồng with its qualifier: ``trên 64,2 tỷ đồng``."""
    amount: float
    qualifier: str = ""
    written: str = ""

    def render(self, lang: str) -> str:
        return _qualifier(self.qualifier, self.written, lang) + msg.money(self.amount, lang)


class Lazy:
    """Any other text that depends on the language: ``Lazy(lambda lang: ...)``."""
    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def render(self, lang: str) -> str:
        return self.fn(lang)


def _render(v, lang: str) -> str:
    if hasattr(v, "render"):
        return v.render(lang)
    if isinstance(v, bool) or v is None:
        return "" if v is None else str(v)
    if isinstance(v, (int, float)):
        return msg.number(v, lang, 0 if isinstance(v, int) else 2)
    return str(v)


class _Fields(dict):
    """The fields of a template in one language; a name not given is empty."""

    def __init__(self, fields: dict, lang: str):
        super().__init__()
        self.fields, self.lang = fields, lang

    def __missing__(self, key):
        return _render(self.fields[key], self.lang) if key in self.fields else ""


def _text(entry, lang: str) -> str:
    """One language of a text given per language (``{vi: ..., en: ...}``; a plain string is Vietnamese)."""
    if isinstance(entry, dict):
        return str(entry.get(lang) or entry.get(msg.DEFAULT) or "")
    return "" if entry is None else str(entry)


def _phrase(name: str, lang: str, **fields) -> str:
    text = _text((rules.load("checks").get("phrases") or {}).get(name), lang)
    return text.format(**fields) if fields else text


def _templates(rule_id: str, variant: str = "") -> dict:
    rc = config().rules.get(rule_id, {})
    return (rc.get("variants") or {}).get(variant) or rc if variant else rc


def _fill(rule_id: str, what: str, fields: dict, lang: str, variant: str = "") -> str:
    entry = _templates(rule_id, variant).get(what)
    if entry is None and variant:
        entry = config().rules.get(rule_id, {}).get(what)
    template = _text(entry, lang) or (rule_id if what == "message" else "")
    return template.format_map(_Fields(fields, lang))


def _finding(rule_id: str, values: dict, fields: dict, spans: list[tuple[str, int, int]], sentence: str = "",
             severity: str | None = None, variant: str = "") -> Check:
    """A finding: ``values`` (text) is the values column as stored; ``fields``
    fill the rule's message and basis templates (stored in Vietnamese; kept on
    the finding so that :func:`message` can write them in another language)."""
    rc = config().rules.get(rule_id, {})
    first = spans[0] if spans else ("", None, None)
    rest = "; ".join(f"{d}:{s}-{e}" for d, s, e in spans[1:])
    check = Check(rule_id=rule_id, severity=severity or rc.get("severity", "warning"),
                  message=_fill(rule_id, "message", fields, msg.DEFAULT, variant),
                  basis=_fill(rule_id, "basis", fields, msg.DEFAULT, variant),
                  values="; ".join(f"{k}={v}" for k, v in values.items()), doc_id=first[0], start=first[1],
                  end=first[2], sentence=sentence, spans=rest)
    # the message in other languages; not a column, so no dataclass field of Check (store.columns lists those)
    vars(check)["_fields"] = (fields, variant)
    return check


def message(f: Check, lang: str = msg.DEFAULT) -> str:
    """The finding's message in ``lang`` (as stored when it was read back from a table)."""
    kept = getattr(f, "_fields", None)
    if lang == msg.DEFAULT or kept is None:
        return f.message
    return _fill(f.rule_id, "message", kept[0], lang, kept[1])


def basis(f: Check, lang: str = msg.DEFAULT) -> str:
    """The finding's basis in ``lang`` (as stored when it was read back from a table)."""
    kept = getattr(f, "_fields", None)
    if lang == msg.DEFAULT or kept is None:
        return f.basis
    return _fill(f.rule_id, "basis", kept[0], lang, kept[1])


def _quantity(q: Quantity):
    """A quantity of a sentence as a message writes it: ``trên 64,2 tỷ đồng``, ``3/19 xã``, ``17 thành viên``."""
    first = num.TOKEN.search(q.text)
    written = " ".join(q.text[:first.start()].split()) if first and q.qualifier != "exact" else ""
    if q.kind == "money":
        return Money(q.value, q.qualifier, written)
    if q.kind == "percent":
        return Num(q.value, 3, "%", qualifier=q.qualifier, written=written)
    if q.kind == "ratio" and q.denominator:
        return Lazy(lambda lang: f"{msg.number(q.value, lang, 0)}/{msg.number(q.denominator, lang, 0)}"
                                 + (f" {q.unit}" if q.unit else ""))
    return Num(q.value, 3, unit=q.unit, qualifier=q.qualifier, written=written)


def _document(doc_type: str, number: str, key: str = ""):
    """A cited document by its kind and number: ``Kế hoạch số 99/KH-UBND``."""
    def name(lang):
        if number:
            return _phrase("document", lang, doc_type=doc_type or _phrase("document_kind", lang), number=number)
        return _phrase("document_by_key", lang, key=key)
    return Lazy(name)


# --------------------------------------------------------------------------- sentences
@dataclass
class Quantity:
    table: str              # figures | money
    kind: str               # count ratio percent area ... | money
    doc_id: str
    start: int
    end: int
    text: str
    value: float
    denominator: float | None = None
    unit: str = ""
    of_what: str = ""
    qualifier: str = "exact"
    rel: tuple[int, int] = (0, 0)      # offsets inside the sentence
    role: str = ""                     # of an amount of a pair `X/Y`: actual | plan | part | whole
    pair_start: int | None = None      # ... and the pair's start, which both its amounts carry

    @property
    def head(self) -> str:
        return (self.unit.split() or [""])[0].casefold()

    def range(self) -> tuple[float, float]:
        return num.interval(self.value, self.text, self.qualifier, whole=self.kind in ("count", "ratio"))


@dataclass
class SentenceView:
    doc_id: str
    text: str
    base: int
    items: list[Quantity] = field(default_factory=list)

    def between(self, a: Quantity | int, b: Quantity | int) -> str:
        s = a.rel[1] if isinstance(a, Quantity) else a
        e = b.rel[0] if isinstance(b, Quantity) else b
        return self.text[s:e]


def _locate(sentence: str, rows: list[dict]) -> int | None:
    """The offset of the sentence in its document, from its mentions' spans."""
    first = rows[0]
    at = sentence.find(first["text"])
    while at >= 0:
        base = first["start"] - at
        if all(0 <= r["start"] - base and sentence[r["start"] - base:r["end"] - base] == r["text"] for r in rows):
            return base
        at = sentence.find(first["text"], at + 1)
    return None


def sentences(tables: dict) -> list[SentenceView]:
    groups: dict[tuple[str, str], list[Quantity]] = defaultdict(list)
    for r in tables.get("figures", []):
        if r.get("value") is None or not r.get("sentence"):
            continue
        groups[(r["doc_id"], r["sentence"])].append(Quantity(
            "figures", r["kind"], r["doc_id"], r["start"], r["end"], r["text"], float(r["value"]),
            r.get("denominator"), r.get("unit") or "", r.get("of_what") or "", num.qualifier_of(r["text"])))
    for r in tables.get("money", []):
        if r.get("amount_vnd") is None or not r.get("sentence") or r.get("qualifier") == "range":
            continue
        groups[(r["doc_id"], r["sentence"])].append(Quantity(
            "money", "money", r["doc_id"], r["start"], r["end"], r["text"], float(r["amount_vnd"]),
            unit="đồng", qualifier=r.get("qualifier") or "exact", role=r.get("role") or "",
            pair_start=_whole_number(r.get("pair_start"))))
    out = []
    for (doc_id, sentence), items in groups.items():
        items.sort(key=lambda q: (q.start, q.end))
        base = _locate(sentence, [dict(text=q.text, start=q.start, end=q.end) for q in items])
        if base is None:
            continue
        for q in items:
            q.rel = (q.start - base, q.end - base)
        out.append(SentenceView(doc_id, sentence, base, items))
    out.sort(key=lambda s: (s.doc_id, s.base))
    return out


def _whole_number(value) -> int | None:
    """An integer column as stored (an int, a float of pandas, empty or NaN: None)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number == number else None


# --------------------------------------------------------------------------- arithmetic
def _percent_checks(sv: SentenceView) -> list[Check]:
    c = config()
    pc = c.percent
    out = []
    items = sv.items
    for i, p in enumerate(items):
        if p.kind != "percent" or i == 0:
            continue
        pair = _pair_before(sv, i)
        if pair is not None:            # `4.105,72/4.300,5 tỷ đồng, đạt 95,47% kế hoạch`: of the plan, as written
            finding = _percent_vs_pair(sv, *pair, p)
            out += [finding] if finding else []
            continue
        if p.of_what and (not c.rate.match(p.of_what) or c.reference.search(p.of_what)):
            continue                      # a share of a plan, another period, or of something named
        q = items[i - 1]
        if q.kind == "percent":
            continue
        gap = sv.between(q, p)
        if q.kind == "ratio" and q.of_what:
            gap = gap.replace(q.of_what, " ", 1)
        if len(gap) > pc["max_gap_chars"] or not c.share_gap.match(gap):
            continue
        stated = num.percent_interval(p.value, p.text, pc["rounding_ulp"], pc["approx_points"])
        if q.kind == "ratio":
            if not q.denominator:
                continue
            computed = num.ratio_interval((q.value, q.value), (q.denominator, q.denominator))
            rule = "percent_vs_ratio"
            ratio_txt = f"{num.vn(q.value, 0)}/{num.vn(q.denominator, 0)}"
            values = dict(stated=p.text, ratio=ratio_txt, unit=q.unit, computed=num.vn_range(computed, 2, "%"))
            fields = dict(stated=_quantity(p), unit=q.unit, computed=Range(computed, 2, "%"),
                          ratio=Lazy(lambda lang, q=q: f"{msg.number(q.value, lang, 0)}/"
                                                       f"{msg.number(q.denominator, lang, 0)}"))
            spans = [(sv.doc_id, q.start, p.end), (sv.doc_id, q.start, q.end), (sv.doc_id, p.start, p.end)]
        else:
            whole = _whole_of(sv, i - 1)
            if whole is None:
                continue
            computed = num.ratio_interval(q.range(), whole.range())
            rule = "percent_vs_amounts"
            values = dict(stated=p.text, part=q.text, whole=whole.text, computed=num.vn_range(computed, 2, "%"))
            fields = dict(stated=_quantity(p), part=_quantity(q), whole=_quantity(whole),
                          computed=Range(computed, 2, "%"))
            spans = [(sv.doc_id, q.start, p.end), (sv.doc_id, whole.start, whole.end), (sv.doc_id, p.start, p.end)]
        off = num.gap(stated, computed)
        if off <= 1e-9 or not _enabled(rule):
            continue
        severity = "warning" if off < pc["minor_points"] else None
        out.append(_finding(rule, values, fields, spans, sv.text, severity))
    return out


def _pair_before(sv: SentenceView, i: int) -> tuple[Quantity, Quantity] | None:
    """The pair of amounts `X/Y` (actual and plan, or part and whole) that the
    percentage items[i] follows, with only a share verb between (`, đạt `)."""
    if i < 2:
        return None
    first, second, p = sv.items[i - 2], sv.items[i - 1], sv.items[i]
    if (first.kind != "money" or second.kind != "money" or first.pair_start is None
            or first.pair_start != second.pair_start or second.role not in ("plan", "whole")):
        return None
    gap = sv.between(second, p)
    if len(gap) > config().percent["max_gap_chars"] or not config().share_gap.match(gap):
        return None
    return first, second


def _percent_vs_pair(sv: SentenceView, first: Quantity, second: Quantity, p: Quantity) -> Check | None:
    """percent_vs_ratio for a pair: the stated percentage against first / second."""
    pc = config().percent
    stated = num.percent_interval(p.value, p.text, pc["rounding_ulp"], pc["approx_points"])
    computed = num.ratio_interval(first.range(), second.range())
    off = num.gap(stated, computed)
    if off <= 1e-9 or not _enabled("percent_vs_ratio"):
        return None
    values = dict(stated=p.text, ratio=f"{first.text}/{second.text}", unit="", computed=num.vn_range(computed, 2, "%"))
    # in Vietnamese the amounts as written (`8.640,2/8.000 triệu đồng`: a rounded `8,64 tỷ đồng` hides digits)
    fields = dict(stated=_quantity(p), computed=Range(computed, 2, "%"),
                  ratio=Lazy(lambda lang: f"{first.text}/{second.text}" if lang == msg.VI
                             else f"{_quantity(first).render(lang)}/{_quantity(second).render(lang)}"))
    spans = [(sv.doc_id, first.start, p.end), (sv.doc_id, first.start, second.end), (sv.doc_id, p.start, p.end)]
    return _finding("percent_vs_ratio", values, fields, spans, sv.text,
                    "warning" if off < pc["minor_points"] else None, variant="pair")


def _whole_of(sv: SentenceView, i: int) -> Quantity | None:
    """The whole a part (items[i]) is a share of: the nearest earlier quantity of
    the same family, with no percentage between them, itself not followed by a
    percentage (parallel items `5.858 hộ, tỷ lệ 33,59%; 2.596 hộ, tỷ lệ 14,88%`)."""
    part = sv.items[i]
    for j in range(i - 1, -1, -1):
        cand = sv.items[j]
        if cand.kind == "percent":
            return None
        same = (cand.kind == part.kind == "money") or (
            cand.kind == part.kind and cand.kind != "ratio" and cand.head == part.head and cand.unit.split()[:1]
            == part.unit.split()[:1])
        if not same:
            continue
        if j + 1 < len(sv.items) and sv.items[j + 1].kind == "percent":
            return None
        if cand.value < part.value:
            return None
        return cand
    return None


def _total_checks(sv: SentenceView) -> list[Check]:
    c = config()
    out = []
    items = sv.items
    for i, total in enumerate(items[:-2]):
        if total.kind != "count":
            continue
        lead = sv.between(total, items[i + 1])
        partition = bool(c.partition.match(lead))
        if not partition and not c.subset.match(lead):
            continue
        parts = [items[i + 1]]
        for q in items[i + 2:]:
            if not c.part_sep.match(sv.between(parts[-1], q)):
                break
            parts.append(q)
        if len(parts) < 2 or any(p.kind != "count" for p in parts):
            continue
        finding = _total_finding(sv.doc_id, sv.text, total, parts, partition)
        out += [finding] if finding else []
    return out


def _total_finding(doc_id: str, sentence: str, total: Quantity, parts: list[Quantity], partition: bool) -> Check | None:
    """total_vs_parts (the parts make up the total) or parts_exceed_total (they are some of it)."""
    ranges = [p.range() for p in parts]
    s = (sum(r[0] for r in ranges), sum(r[1] for r in ranges))
    t = total.range()
    parts_txt = " + ".join(num.vn(p.value) for p in parts)
    values = dict(total=total.text, parts=parts_txt, sum=num.vn_range(s))
    fields = dict(total=_quantity(total), total_number=Range(t), sum=Range(s),
                  parts=Lazy(lambda lang, parts=parts: " + ".join(msg.number(p.value, lang) for p in parts)))
    spans = [(doc_id, total.start, parts[-1].end)] + [(doc_id, p.start, p.end) for p in [total] + parts]
    if partition and num.gap(s, t) > 0 and _enabled("total_vs_parts"):
        return _finding("total_vs_parts", values, fields, spans, sentence)
    if not partition and s[0] > t[1] and _enabled("parts_exceed_total"):
        return _finding("parts_exceed_total", values, fields, spans, sentence)
    return None


def _award_total_checks(tables: dict) -> list[Check]:
    """total_vs_parts for the awards a total was broken down into (`trao 15 Bằng
    khen cho 10 tập thể và 5 cá nhân`: the rows of one mention with its total_count)."""
    groups: dict[tuple, list[tuple[dict, int]]] = defaultdict(list)
    for r in tables.get("awards", []):
        total, count = _whole_number(r.get("total_count")), _whole_number(r.get("count"))
        if total is not None and count is not None:
            groups[(r["doc_id"], r["start"], r["end"], total)].append((r, count))
    out = []
    for (doc_id, start, end, total), rows in groups.items():
        first = rows[0][0]
        whole = Quantity("awards", "count", doc_id, start, end, str(total), float(total), unit=first.get("award") or "")
        parts = [Quantity("awards", "count", doc_id, start, end, str(count), float(count),
                          unit=r.get("recipient_type") or "") for r, count in rows]
        finding = _total_finding(doc_id, first.get("sentence") or "", whole, parts, True)
        out += [finding] if finding else []
    return out


def _names_checks(sv: SentenceView) -> list[Check]:
    """`02 xã (An Thạnh và Long Giang ...)`: the count against the names listed."""
    c = config()
    out = []
    for i, q in enumerate(sv.items):
        if q.kind not in ("count", "ratio") or q.qualifier != "exact":
            continue
        open_at = sv.text.find("(", q.rel[1])
        if open_at < 0:
            continue
        nxt = next((x for x in sv.items[i + 1:] if x.kind != "percent"), None)
        if nxt is not None and nxt.rel[0] < open_at:
            continue
        gap = sv.text[q.rel[1]:open_at]
        if q.of_what:
            gap = gap.replace(q.of_what, " ", 1)
        for p in sv.items[i + 1:]:
            if p.kind == "percent" and p.rel[1] <= open_at:
                gap = gap.replace(p.text, " ", 1)
        if not c.share_gap.match(gap):
            continue
        close = sv.text.find(")", open_at)
        if close < 0:
            continue
        content = sv.text[open_at + 1:close]
        lead = c.list_lead.match(content)
        body = content[lead.end():] if lead else content
        had_lead = bool(lead and lead.group().strip())
        if q.head and body.casefold().startswith(q.head + " "):
            body = body[len(q.head) + 1:]
            had_lead = True
        names = _split_names(body)
        if not names or (len(names) < 2 and not had_lead):
            continue
        if len(names) != int(q.value) and _enabled("count_vs_names"):
            values = dict(count=q.text, n_names=len(names), names=", ".join(names))
            fields = dict(count=_quantity(q), count_number=int(q.value), n_names=len(names), names=values["names"])
            out.append(_finding("count_vs_names", values, fields,
                                [(sv.doc_id, q.start, sv.base + close + 1), (sv.doc_id, q.start, q.end)], sv.text))
    return out


def _split_names(body: str) -> list[str]:
    if regex.search(r"[\d:;]", body) or not body.strip():
        return []
    items = [x.strip() for x in body.split(",") if x.strip()]
    if items:
        last = regex.split(r"\s+và\s+", items[-1])
        if len(last) > 1 and all(x[:1].isupper() for x in last):
            items = items[:-1] + last
    if not all(x[:1].isupper() for x in items):
        return []
    return items


def _recipient_checks(tables: dict) -> list[Check]:
    out = []
    for r in tables.get("awards", []):
        if not r.get("recipients") or r.get("count") is None or not _enabled("count_vs_names"):
            continue
        names = [x for x in r["recipients"].split("; ") if x]
        if len(names) != int(r["count"]):
            values = dict(count=f"{r['count']} {r.get('recipient_type') or ''} ({r['award']})".strip(),
                          n_names=len(names), names=", ".join(names))
            fields = dict(count=Lazy(lambda lang, r=r: f"{msg.number(int(r['count']), lang, 0)} "
                                                       f"{r.get('recipient_type') or ''} ({r['award']})"
                                                       .replace("  ", " ")),
                          count_number=int(r["count"]), n_names=len(names), names=values["names"])
            out.append(_finding("count_vs_names", values, fields,
                                [(r["doc_id"], r["start"], r["end"])], r.get("sentence") or ""))
    return out


# --------------------------------------------------------------------------- lists of named recipients
# A nomination or award list (a table or spreadsheet of collectives and
# individuals, one a row: awards.table_list, awards.table_row) is counted apart
# from the counts a text states; a decision's or report's statement (`Tặng
# Bằng khen ... cho 05 tập thể và 04 cá nhân (có Danh sách kèm theo)`) is
# compared with the list that goes with it: a list in the same document, a
# list whose caption cites the document by its number (`Kèm theo Quyết định
# số 2871/QĐ-UBND`), a list in the same folder that names most of the
# recipients the statement names, or the folder's only list of the award when
# the statement is the folder's only one that says a list is attached.
@dataclass(frozen=True)
class ListConfig:
    list_rules: frozenset
    name_overlap: float
    shared_names: float
    min_name_words: int
    attached: regex.Pattern
    min_rows: int


@functools.lru_cache(maxsize=1)
def list_config() -> ListConfig:
    lc = rules.load("checks")["lists"]
    return ListConfig(list_rules=frozenset(lc["list_rules"]), name_overlap=float(lc["name_overlap"]),
                      shared_names=float(lc["shared_names"]), min_name_words=int(lc["min_name_words"]),
                      attached=rules.compile_words(lc["attached_list_words"]), min_rows=int(lc["min_list_rows"]))


def _is_listed(r: dict) -> bool:
    """A row of a list of named recipients (one row each), not a count a text or a count table states."""
    return (r.get("rule") or "") in list_config().list_rules


def _statements(tables: dict) -> dict[tuple[str, str], list[dict]]:
    """The award counts each document states, by (document, award): the rows of
    its one statement of that award (a document that states an award's counts
    in several places is not compared: which of them the list is of is not known)."""
    by_award: dict[tuple[str, str], dict[tuple, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in tables.get("awards", []):
        if _is_listed(r) or _whole_number(r.get("count")) is None or not r.get("award"):
            continue
        by_award[(r["doc_id"], r["award"])][(r["start"], r["end"])].append(r)
    return {key: next(iter(spans.values())) for key, spans in by_award.items() if len(spans) == 1}


def _lists(tables: dict) -> dict[tuple[str, int], list[dict]]:
    """The lists of named recipients, by (document, table): tables of at least
    min_list_rows rows (a single row is more often a label and its value,
    `Tặng thưởng | Anh hùng Lực lượng vũ trang nhân dân`, than a list)."""
    out: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in tables.get("awards", []):
        table = _whole_number(r.get("table_index"))
        if _is_listed(r) and table is not None and _whole_number(r.get("count")) is not None:
            out[(r["doc_id"], table)].append(r)
    return {k: rows for k, rows in out.items() if len(rows) >= list_config().min_rows}


@functools.lru_cache(maxsize=65536)
def _name_words(name: str) -> frozenset:
    """A name's words as compared: folded, without tone marks (an OCR'd `Tình` is `Tỉnh`)."""
    from ..extract.parts.text import fold, unmarked
    return frozenset(WORD.findall(unmarked(fold(name))))


def _same_name(a: frozenset, b: frozenset) -> bool:
    """Two names of one recipient: most words of the shorter are in the other
    (`Công an tỉnh` and `Công an tỉnh Quảng Bình`; `Ông Trương Quang Sáng, Phó
    Giám đốc Sở Tư pháp` and `Ông Trương Quang Sáng`)."""
    lc = list_config()
    shorter = min(len(a), len(b))
    return shorter >= lc.min_name_words and len(a & b) >= lc.name_overlap * shorter


def _names(rows: list[dict]) -> list[frozenset]:
    return [_name_words(n) for r in rows for n in (r.get("recipients") or "").split("; ") if n.strip()]


def _claims(tables: dict) -> list[dict]:
    """The award rows a document claims: a list's rows count only where the
    document states no count of that award otherwise (a decision's `05 tập thể`
    and its attached list of five are one claim, not ten)."""
    rows = tables.get("awards", [])
    stated = {(r["doc_id"], r.get("award")) for r in rows
              if not _is_listed(r) and _whole_number(r.get("count")) is not None}
    return [r for r in rows if not _is_listed(r) or (r["doc_id"], r.get("award")) not in stated]


def _folder(doc_id: str, docs: dict) -> str | None:
    path = (docs.get(doc_id) or {}).get("source_path") or ""
    return os.path.dirname(path) if path else None


def _list_match(stated: list[dict], listed: list[dict], docs: dict, cited: dict,
                sole: bool = False) -> tuple[str, dict] | None:
    """How a list goes with a statement, or None: (the phrase's name, its fields).
    ``sole``: the list is the folder's only list of the award and the statement
    its only statement of it that says a list is attached."""
    doc_id, list_doc = stated[0]["doc_id"], listed[0]["doc_id"]
    if list_doc == doc_id:
        return "list_same_document", {}
    doc = docs.get(doc_id) or {}
    number, kind = doc.get("number") or "", doc.get("doc_kind") or ""
    if number and any(n == number for _, n in cited.get(list_doc, ())):
        return "list_cites_document", dict(number=number)
    # a list that says it goes with another document of the kind is that one's
    cites_other = bool(kind) and any(k == kind for k, _ in cited.get(list_doc, ()))
    folder = _folder(doc_id, docs)
    if folder is None or folder != _folder(list_doc, docs):
        return None
    named, on_list = _names(stated), _names(listed)
    shared = sum(1 for n in on_list if any(_same_name(n, m) for m in named))
    if on_list and shared >= list_config().shared_names * len(on_list):
        return "list_same_folder", dict(shared=shared, n=len(on_list))
    if sole and not cites_other:
        return "list_sole_in_folder", {}
    return None


def _says_attached(rows: list[dict]) -> bool:
    """Does the statement say a list goes with it (`(có Danh sách kèm theo)`)?"""
    return bool(list_config().attached.search(rows[0].get("sentence") or ""))


def _same_conferrer(rows: list[dict]) -> bool:
    """Do the rows name one conferrer, as far as they name one (`Chủ tịch UBND tỉnh`
    and `Chủ tịch Ủy ban nhân dân tỉnh` are one)?"""
    named = list({_name_words(r["conferrer"]) for r in rows if r.get("conferrer")})
    return all(_same_name(named[0], other) for other in named[1:])


def _list_checks(tables: dict, docs: dict) -> list[Check]:
    """count_vs_list: a statement's count per recipient type against its list's rows of that type."""
    if not _enabled("count_vs_list"):
        return []
    lists = _lists(tables)
    if not lists:
        return []
    cited: dict[str, set[tuple[str, str]]] = defaultdict(set)      # (kind, number) each document cites
    for r in tables.get("citations", []):
        if r.get("number"):
            cited[r["doc_id"]].add((r.get("doc_type") or "", r["number"]))
    statements = _statements(tables)
    # per folder and award: its lists, and its statements that say a list is attached
    in_folder: dict[tuple, int] = defaultdict(int)
    for (doc_id, _), listed in lists.items():
        in_folder[("list", _folder(doc_id, docs), listed[0]["award"])] += 1
    for (doc_id, award), stated in statements.items():
        if _says_attached(stated):
            in_folder[("statement", _folder(doc_id, docs), award)] += 1
    by_award: dict[str, list[tuple[int, list[dict]]]] = defaultdict(list)
    for (_, table), listed in sorted(lists.items()):
        if len({r["award"] for r in listed}) == 1:
            by_award[listed[0]["award"]].append((table, listed))
    out: list[Check] = []
    for (doc_id, award), stated in sorted(statements.items()):
        folder = _folder(doc_id, docs)
        sole = (_says_attached(stated) and in_folder[("list", folder, award)] == 1
                and in_folder[("statement", folder, award)] == 1)
        for table, listed in by_award.get(award, ()):
            match = _list_match(stated, listed, docs, cited, sole)
            if match is not None and _same_conferrer(stated + listed):
                out += _list_findings(stated, listed, table, docs, match)
    return out


def _list_findings(stated: list[dict], listed: list[dict], table: int, docs: dict,
                   match: tuple[str, dict]) -> list[Check]:
    out = []
    for r in stated:
        rt = r.get("recipient_type") or ""
        rows = [x for x in listed if not rt or (x.get("recipient_type") or "") == rt]
        listed_count = sum(_whole_number(x.get("count")) or 0 for x in rows)
        count = _whole_number(r["count"]) or 0
        if listed_count == count:
            continue
        list_doc = listed[0]["doc_id"]
        path = (docs.get(list_doc) or {}).get("source_path") or list_doc
        where = [_whole_number(x.get("table_row")) for x in rows]
        values = dict(count=count, listed=listed_count, award=r["award"], recipient_type=rt,
                      list=path, table_index=table, table_rows=", ".join(str(w) for w in where if w is not None),
                      match=_phrase(match[0], msg.VI, **match[1]))
        same = list_doc == r["doc_id"]
        fields = dict(stated=count, listed=listed_count, award=r["award"],
                      recipient_type=Lazy(lambda lang, rt=rt: str(msg.value("awards", "recipient_type", rt, lang))
                                          if rt else _phrase("any_recipient", lang)),
                      list=Lazy(lambda lang, p=path, t=table, s=same: _phrase(
                          "list_in_document" if s else "list_in_file", lang, table=t + 1, path=os.path.basename(p))),
                      names=", ".join(x.get("recipients") or "" for x in rows),
                      match=Lazy(lambda lang, m=match: _phrase(m[0], lang, **m[1])))
        spans = [(r["doc_id"], r["start"], r["end"])] + [(x["doc_id"], x["start"], x["end"]) for x in rows]
        out.append(_finding("count_vs_list", values, fields, spans, r.get("sentence") or ""))
    return out


# --------------------------------------------------------------------------- table totals
# A table's total row (`Tổng cộng`, `Cộng`: figures.table_total) against the
# entry cells of its column (money and award counts read from the table). A
# total closes the rows since the previous total (a group's `Cộng`); a last
# `Tổng cộng` may add all the rows above, a total at the top the rows below.
# A row whose value is the sum of the rows right under it is their group's
# subtotal (`I | Khối huyện | 150` over `1 | Phòng Nội vụ | 100`, `2 | ... | 50`):
# counted once, not with its parts.
@dataclass
class TableCellValue:
    row: int
    value: float
    bounds: tuple[float, float]
    text: str
    source: dict


def _written(r: dict, count: bool) -> TableCellValue | None:
    """An entry or total cell's number as written (in the table's unit); ``count``: an award count."""
    from ..extract.parts.numbers import read_number
    toks = list(num.TOKEN.finditer(r.get("text") or ""))
    row = _whole_number(r.get("table_row"))
    if not toks or row is None:
        return None
    if count:
        n = _whole_number(r.get("count"))
        return None if n is None else TableCellValue(row, float(n), (n, n), r["text"], r)
    value = read_number(toks[-1].group(), whole_units=True)
    return TableCellValue(row, value, num.interval(value, toks[-1].group(), "exact"), r["text"], r)


def _table_columns(tables: dict) -> dict[tuple, tuple[list[TableCellValue], list[TableCellValue]]]:
    """(entries, totals) of each table column that has both, by (document, table, column)."""
    entry_rules = set(config().totals["table_entry_rules"])
    columns: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    skip: set[tuple] = set()
    scale: dict[tuple, float] = {}
    for table in ("money", "awards", "figures"):
        for r in tables.get(table, []):
            where = (r["doc_id"], _whole_number(r.get("table_index")), _whole_number(r.get("table_col")))
            if None in where:
                continue
            is_total = table == "figures" and r.get("rule") == "figures.table_total"
            if r.get("per_unit"):
                skip.add(where)           # prices per person or item: no sum
            if not is_total and r.get("rule") not in entry_rules:
                continue
            cell = _written(r, table == "awards")
            if cell is None:
                continue
            if table == "money":
                # one unit for the whole column: the amount per written unit is the same in every cell
                if not cell.value or r.get("amount_vnd") is None:
                    skip.add(where)
                    continue
                factor = float(r["amount_vnd"]) / cell.value
                if abs(scale.setdefault(where, factor) - factor) > 1e-6 * factor:
                    skip.add(where)
            columns[where][1 if is_total else 0].append(cell)
    return {k: (sorted(e, key=lambda c: c.row), sorted(t, key=lambda c: c.row))
            for k, (e, t) in columns.items() if e and t and k not in skip}


def _sum(cells: list[TableCellValue]) -> tuple[float, float]:
    return (sum(c.bounds[0] for c in cells), sum(c.bounds[1] for c in cells))


def _subtotal_of(cells: list[TableCellValue], i: int) -> int:
    """How many rows right under cells[i] add up to it (0: none)."""
    lo = hi = 0.0
    for j in range(i + 1, len(cells)):
        lo, hi = lo + cells[j].bounds[0], hi + cells[j].bounds[1]
        if num.gap((lo, hi), cells[i].bounds) == 0:
            return j - i
        if lo > cells[i].bounds[1]:
            break
    return 0


def _without_subtotals(cells: list[TableCellValue]) -> list[TableCellValue]:
    """The rows a total adds up: a row that is the sum of the rows right under it
    stands for them (its group's subtotal), so they are left out."""
    out, i = [], 0
    while i < len(cells):
        out.append(cells[i])
        i += 1 + _subtotal_of(cells, i)
    return out


def _total_parts(total: TableCellValue, entries: list[TableCellValue],
                 totals: list[TableCellValue]) -> list[list[TableCellValue]]:
    """The rows a total may add up, the likeliest first: those since the previous
    total (its group), all those above it, those below it (a total at the top)."""
    before = max((t.row for t in totals if t.row < total.row), default=-1)
    after = min((t.row for t in totals if t.row > total.row), default=1 << 30)
    groups = [[e for e in entries if before < e.row < total.row], [e for e in entries if e.row < total.row],
              [e for e in entries if total.row < e.row < after], [e for e in entries if e.row > total.row]]
    out: list[list[TableCellValue]] = []
    for g in groups:
        if g and g not in out:
            out.append(g)
    return out


def _readings(cells: list[TableCellValue], column: str) -> list[list[TableCellValue]]:
    """The ways a total may add up rows: all of them; a group's subtotal for its
    rows; the rows without their details (`Trong đó: ...`, `- ...` under a row)."""
    details = config().detail_row
    kept = [c for c in cells if not any(details.match(part) for part in _row_label(c, column).split(" / "))]
    return [cells, _without_subtotals(cells), kept if len(kept) < len(cells) else []]


def _row_label(cell: TableCellValue, column: str) -> str:
    """The row's header path of a cell (its cell_header without the column's)."""
    header = cell.source.get("cell_header") or ""
    return header[:len(header) - len(column)].strip(" /") if column and header.endswith(column) else header


def _table_total_checks(tables: dict) -> list[Check]:
    """table_total_vs_entries: a total row's cell against the sum of its column's entries."""
    if not _enabled("table_total_vs_entries"):
        return []
    out = []
    for (doc_id, table, col), (entries, totals) in sorted(_table_columns(tables).items()):
        for total in totals:
            candidates = _total_parts(total, entries, totals)
            if not candidates:
                continue
            column = _common_tail(total.source.get("cell_header") or "", entries[0].source.get("cell_header") or "")
            sums = [(g, _sum(g)) for c in candidates for g in _readings(c, column) if g]
            if any(num.gap(s, total.bounds) == 0 for _, s in sums):
                continue
            # the rows shown: the likeliest group, as read, whichever reading comes nearest
            parts, _ = min(sums[:3], key=lambda gs: num.gap(gs[1], total.bounds))
            out.append(_table_total_finding(doc_id, table, col, total, parts))
    return out


def _table_total_finding(doc_id: str, table: int, col: int, total: TableCellValue,
                         parts: list[TableCellValue]) -> Check:
    column = _common_tail(total.source.get("cell_header") or "", parts[0].source.get("cell_header") or "")
    label = _row_label(total, column)
    shown = parts if len(parts) <= MAX_PARTS_SHOWN else parts[:MAX_PARTS_SHOWN]
    more = "" if shown is parts else " + …"
    added = round(sum(p.value for p in parts), 6)     # as written, not the rounding range
    values = dict(total=total.text, sum=num.vn(added, 3), table_index=table, table_row=total.row, table_col=col,
                  rows=", ".join(str(p.row) for p in parts))
    fields = dict(table=table + 1, label=label or total.text, column=column, total=Num(total.value, 3),
                  total_number=Num(total.value, 3), sum=Num(added, 3), n=len(parts),
                  parts=Lazy(lambda lang: " + ".join(msg.number(p.value, lang) for p in shown) + more))
    spans = [(doc_id, total.source["start"], total.source["end"])] + [
        (doc_id, p.source["start"], p.source["end"]) for p in parts]
    return _finding("table_total_vs_entries", values, fields, spans, total.source.get("sentence") or "")


MAX_PARTS_SHOWN = 12      # a message adds up at most this many rows, then `+ …`


def _common_tail(a: str, b: str) -> str:
    """The column header path two cells' header paths end with (`Số tiền` of
    `Tổng cộng / Số tiền` and `Phòng Nội vụ / Số tiền`)."""
    x, y = a.split(" / "), b.split(" / ")
    n = 0
    while n < min(len(x), len(y)) and x[-1 - n] == y[-1 - n]:
        n += 1
    return " / ".join(x[len(x) - n:]) if n else ""


# --------------------------------------------------------------------------- awards
def _unit(doc: dict | None) -> str:
    if not doc:
        return ""
    issuer = doc.get("issuer") or ""
    province = doc.get("province") or ""
    if issuer and province and province.casefold() not in issuer.casefold():
        return f"{issuer} ({province})"
    return issuer


def _basis_for(quota: dict, year: int | None) -> dict | None:
    for b in quota.get("bases", []):
        lo, hi = b.get("from"), b.get("to")
        if year is None:
            if lo is None and hi is None:
                return b
            continue
        if (lo is None or year >= lo) and (hi is None or year <= hi):
            return b
    return None


def _quota_checks(tables: dict, docs: dict) -> list[Check]:
    quotas = config().quotas
    counted: dict[tuple[str, int, str, str], list[dict]] = defaultdict(list)
    for r in _claims(tables):
        if r.get("status") != "awarded" or r.get("count") is None or r.get("year") is None:
            continue
        counted[(r["doc_id"], int(r["year"]), r["award"], r.get("recipient_type") or "")].append(r)
    out = []
    keys = sorted({(d, y) for d, y, *_ in counted})
    for doc_id, year in keys:
        fired: set[str] = set()
        for quota in sorted(quotas, key=lambda q: -len(q.get("supersedes", []))):
            qid = quota["id"]
            if qid in fired or not _enabled(qid):
                continue
            rt = quota.get("recipient_type", "")
            a_rows = counted.get((doc_id, year, quota["award"], rt), [])
            b_rows = counted.get((doc_id, year, quota["of"], rt), [])
            if not a_rows or not b_rows:
                continue
            a = sum(int(r["count"]) for r in a_rows)
            b = sum(int(r["count"]) for r in b_rows)
            basis = _basis_for(quota, year)
            if basis is None or b == 0:
                continue
            share = a / b
            if share <= quota["max_share"] + 1e-12:
                continue
            known = _unit(docs.get(doc_id))
            unit = known or _phrase("unknown_unit", msg.VI)
            values = dict(unit=unit, year=year, cstdcs=a, ldtt=b, share=f"{num.vn(share * 100)}%",
                          limit=f"{num.vn(quota['max_share'] * 100)}%")
            verified = basis.get("verified", False)
            fields = dict(unit=Lazy(lambda lang, u=known: u or _phrase("unknown_unit", lang)), year=str(year),
                          cstdcs=a, ldtt=b, cstdcs_number=a, ldtt_number=b,
                          share=Num(share * 100, 2, "%"), limit=Num(quota["max_share"] * 100, 2, "%"),
                          legal=Lazy(lambda lang, b=basis: _text(b["basis"], lang)),
                          unverified=Lazy(lambda lang, v=verified: "" if v else _phrase("unverified", lang)))
            spans = [(r["doc_id"], r["start"], r["end"]) for r in a_rows + b_rows]
            out.append(_finding(qid, values, fields, spans, a_rows[0].get("sentence") or "",
                                None if verified else "warning"))
            fired.add(qid)
            fired.update(quota.get("supersedes", []))
    return out


def disagreement_checks(tables: dict, docs: dict) -> list[Check]:
    """Claims of one unit and year that differ between documents."""
    if not _enabled("claims_disagree"):
        return []
    per: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in _claims(tables):
        if r.get("status") != "awarded" or r.get("count") is None or r.get("year") is None:
            continue
        unit = _unit(docs.get(r["doc_id"]))
        if not unit:
            continue
        key = (unit, int(r["year"]), r["award"], r.get("conferrer") or "", r.get("recipient_type") or "")
        per[key][r["doc_id"]].append(r)
    out = []
    for (unit, year, award, conferrer, rt), by_doc in sorted(per.items()):
        totals = {d: sum(int(r["count"]) for r in rows) for d, rows in by_doc.items()}
        if len(set(totals.values())) < 2:
            continue
        order = sorted(by_doc, key=lambda d: (docs.get(d, {}).get("source_path") or d))
        counts = "; ".join(f"{totals[d]} ({docs.get(d, {}).get('source_path') or d})" for d in order)
        name = award + (f" của {conferrer}" if conferrer else "")
        values = dict(unit=unit, year=year, award=name, recipient_type=rt, counts=counts)
        fields = dict(unit=unit, year=str(year),
                      award=Lazy(lambda lang, a=award, c=conferrer:
                                 _phrase("award_of", lang, award=a, conferrer=c) if c else a),
                      recipient_type=Lazy(lambda lang, rt=rt: str(msg.value("awards", "recipient_type", rt, lang))),
                      counts=Lazy(lambda lang, order=order, totals=totals: "; ".join(
                          f"{msg.number(totals[d], lang, 0)} ({docs.get(d, {}).get('source_path') or d})"
                          for d in order)))
        spans = [(d, by_doc[d][0]["start"], by_doc[d][0]["end"]) for d in order]
        out.append(_finding("claims_disagree", values, fields, spans, by_doc[order[0]][0].get("sentence") or ""))
    return out


# --------------------------------------------------------------------------- citations
def _after(cited: str, citing: str) -> bool:
    """Is a (partial) ISO date after another, comparing only what both state?"""
    n = min(len(cited), len(citing))
    return n >= 4 and cited[:n] > citing[:n]


def _citation_checks(tables: dict, docs: dict) -> list[Check]:
    return _cited_after_checks(tables, docs) + conflict_checks(tables, docs)


def _cited_after_checks(tables: dict, docs: dict) -> list[Check]:
    """A cited document dated after the document citing it (one document's rows suffice)."""
    out: list[Check] = []
    if _enabled("cited_after_report"):
        seen: dict[tuple, Check] = {}
        for r in tables.get("citations", []):
            doc = docs.get(r["doc_id"]) or {}
            cited, citing = r.get("issued_date") or "", doc.get("issued_date") or ""
            if not cited or not citing or not _after(cited, citing):
                continue
            key = (r["doc_id"], r.get("key") or r.get("number") or r["text"], cited)
            if key in seen:
                f = seen[key]
                f.spans = "; ".join(x for x in (f.spans, f"{r['doc_id']}:{r['start']}-{r['end']}") if x)
                continue
            values = dict(cited=r.get("number") or r["text"], cited_date=cited, doc_date=citing)
            document = _document(r.get("doc_type") or "", r.get("number") or "") if r.get("number") else r["text"]
            fields = dict(document=document, cited_date=Date(cited, True), doc_date=Date(citing, True),
                          cited_date_short=Date(cited), doc_date_short=Date(citing))
            f = _finding("cited_after_report", values, fields, [(r["doc_id"], r["start"], r["end"])],
                         r.get("sentence") or "")
            seen[key] = f
            out.append(f)
    return out


def conflict_checks(tables: dict, docs: dict) -> list[Check]:
    """The registry's conflicts as findings: a citation against the cited
    document's own header (the conflicts whose field is a variant of
    contradicts_cited_document), the others between citations. Reads the
    conflicts given, the citations at their positions and the cited documents
    (:mod:`pipeline.audit.stream` gives it a few conflicts at a time)."""
    out: list[Check] = []
    against_header = set(_templates("contradicts_cited_document").get("variants") or ())
    cited_at = {(r["doc_id"], r["start"]): r for r in tables.get("citations", [])}
    for r in tables.get("conflicts", []):
        rule = "contradicts_cited_document" if r["field"] in against_header else "registry_conflict"
        if not _enabled(rule):
            continue
        header = (docs.get(r.get("doc_id_b")) or {}) if rule == "contradicts_cited_document" else {}
        spans = []
        for side in ("a", "b"):
            d, s = r.get(f"doc_id_{side}"), r.get(f"start_{side}")
            if d and s is not None:
                end = int(s) + len(header.get("number") or "") if side == "b" and header else int(s)
                spans.append((d, int(s), (cited_at.get((d, int(s))) or {}).get("end", end)))
        values = dict(key=r["key"], field=r["field"], value_a=r.get("value_a") or "", value_b=r.get("value_b") or "")
        cited = cited_at.get((r.get("doc_id_a"), int(r["start_a"]) if r.get("start_a") is not None else None)) or {}
        kind = (cited.get("doc_type") or "") if header else ""      # a registry conflict may be of the kind
        fields = dict(document=_document(kind, cited.get("number") or "", r["key"] or ""),
                      field=Lazy(lambda lang, c=r["field"]: msg.field_name(c, lang)),
                      value_a=Date(values["value_a"]), value_b=Date(values["value_b"]),
                      date_a=Date(values["value_a"], True), date_b=Date(values["value_b"], True),
                      cited_path=header.get("source_path") or r.get("doc_id_b") or "",
                      header=" ".join((r.get("sentence_b") or "").split()))
        if header:
            values["cited_doc"] = header.get("source_path") or r.get("doc_id_b") or ""
        out.append(_finding(rule, values, fields, spans, r.get("sentence_a") or "", variant=r["field"]))
    return out


# --------------------------------------------------------------------------- the legal catalog
# A cited central document against its entry in rules/legal_catalog.yaml
# (pipeline.legal_catalog): a date or issuer the catalog contradicts, a legal
# basis (`Căn cứ ...`) replaced by the citing document's date.
WORD = regex.compile(r"[\p{L}\p{N}]+")


@dataclass(frozen=True)
class CatalogConfig:
    title_overlap: float
    min_title_words: int
    basis_lead: regex.Pattern


@functools.lru_cache(maxsize=1)
def catalog_config() -> CatalogConfig:
    cc = rules.load("checks")["catalog"]
    return CatalogConfig(title_overlap=float(cc["title_overlap"]), min_title_words=int(cc["min_title_words"]),
                         basis_lead=regex.compile(r"^[\W\d]*" + rules.alternation(cc["basis_leads"]),
                                                  regex.IGNORECASE))


def _words(text: str) -> set[str]:
    from ..extract.parts.text import fold
    return set(WORD.findall(fold(text or "")))


def _same_subject(subject: str, title: str) -> bool:
    """Does a citation's subject name the catalog title (most words of the shorter in the other)?"""
    a, b = _words(subject), _words(title)
    shorter = min(len(a), len(b))
    return shorter >= catalog_config().min_title_words and len(a & b) >= catalog_config().title_overlap * shorter


def _same_issuer(cited: str, entry_issuer: str) -> bool:
    """Can the cited issuer be the entry's? Only a central body of the issuers'
    table (rules/issuers.yaml bodies: `Ban Bí thư`, `Bộ Nội vụ`) other than the
    entry's contradicts it; an issuer cut short or run on (`Hội nghị`,
    `Trung ương, tổ chức`) is no body of the table and says nothing."""
    from ..extract.parts.issuers import canonical
    from ..registry import _identity  # the registry's comparison form of issuers
    if canonical(cited) not in _central_bodies():
        return True
    return _identity("issuer_resolved", cited) == _identity("issuer_resolved", entry_issuer)


@functools.lru_cache(maxsize=1)
def _central_bodies() -> frozenset:
    return frozenset(body["name"] for body in rules.load("issuers")["bodies"])


def _states(cited: str, full: str) -> bool:
    """Does a (partial) date agree with a full one, by what it states?"""
    return full.startswith(cited)


def _entry_name(e) -> Lazy:
    return _document(e.kind, e.number)


def _source(e) -> str:
    return e.source[0] if e.source else ""


def _borrowed_from(cited_date: str, entry, entries):
    """Another catalog entry of the kind and issuer whose issue date the citation gives."""
    return next((o for o in entries if o is not entry and o.kind == entry.kind and o.issued == cited_date
                 and o.issuer == entry.issuer), None)


def _catalog_contradiction(r: dict):
    """(entry, field) of the catalog entry a citation contradicts, else None:
    its number's entry when the key finds one; for a number without a year
    (a Party number), the entry of that number in another year when the
    citation's issuer is the entry's and its date is another entry's or its
    subject is the entry's title (numbering restarts each Party term: a
    number alone is no contradiction)."""
    from .. import legal_catalog as lc
    number, cited_date = r.get("number") or "", r.get("issued_date") or ""
    issuer = r.get("issuer_resolved") or ""
    parts = lc.split_number(number)
    if parts is None or not r.get("code"):
        return None
    entry = lc.catalog_entry(r.get("doc_type") or "", number, int(cited_date[:4]) if cited_date[:4].isdigit() else None)
    if entry is not None:
        if cited_date and entry.issued and not _states(cited_date, entry.issued) and cited_date != entry.effective:
            return entry, "issued_date"
        if issuer and not _same_issuer(issuer, entry.issuer):
            return entry, "issuer"
        return None
    if parts.year is not None or len(cited_date) != len("2011-05-14"):
        return None
    key = lc.catalog_key(parts.code, parts.serial, None).rstrip("|")
    for e in lc.entries():
        if not e.key.startswith(key + "|") or e.kind != (r.get("doc_type") or e.kind) or not e.issued:
            continue
        if issuer and not _same_issuer(issuer, e.issuer):
            continue
        if _borrowed_from(cited_date, e, lc.entries()) or _same_subject(r.get("subject") or "", e.title):
            return e, "issued_date"
    return None


def _catalog_finding(r: dict, entry, field: str) -> Check:
    from .. import legal_catalog as lc
    cited_date, issuer = r.get("issued_date") or "", r.get("issuer_resolved") or ""
    other = _borrowed_from(cited_date, entry, lc.entries()) if field == "issued_date" else None
    values = dict(cited=r.get("number") or "", cited_date=cited_date, cited_issuer=issuer,
                  catalog=entry.number, catalog_date=entry.issued, catalog_issuer=entry.issuer,
                  borrowed=other.number if other else "", source=_source(entry))
    fields = dict(document=_document(r.get("doc_type") or entry.kind, r.get("number") or entry.number),
                  entry=_entry_name(entry), cited_date=Date(cited_date, True), catalog_date=Date(entry.issued, True),
                  cited_issuer=issuer, issuer=entry.issuer, source=_source(entry),
                  borrowed=Lazy(lambda lang, o=other, d=cited_date: _phrase(
                      "date_of_other", lang, date=Date(d, True).render(lang), other=_entry_name(o).render(lang),
                      title=o.title) if o else ""))
    return _finding("contradicts_catalog", values, fields, [(r["doc_id"], r["start"], r["end"])],
                    r.get("sentence") or "", variant=field)


def _later(doc_date: str, effective: str) -> bool:
    """Is a (partial) date of a document on or after a full date, by what it states?"""
    n = min(len(doc_date), len(effective))
    return bool(doc_date) and (doc_date[:n] > effective[:n] or (len(doc_date) >= len(effective)
                                                                 and doc_date >= effective))


def _cited_entry(r: dict):
    """The catalog entry a citation names: by its number, else (a law cited by
    its name and date) the one entry of its kind issued that day."""
    from .. import legal_catalog as lc
    cited_date = r.get("issued_date") or ""
    if r.get("number"):
        return lc.catalog_entry(r.get("doc_type") or "", r["number"],
                                int(cited_date[:4]) if cited_date[:4].isdigit() else None)
    # several laws pass on one day (`Luật Thương mại ngày 14 tháng 6 năm 2005`): the name must be the entry's
    named = " ".join((r.get("text") or "", r.get("subject") or ""))
    same_day = [e for e in lc.entries() if cited_date and e.issued == cited_date and e.kind == r.get("doc_type")
                and _same_subject(named, e.title)]
    return same_day[0] if len(same_day) == 1 else None


def _replacement(entry, doc_date: str):
    """(the entry that replaced ``entry``, or the one it amends, by the
    document's date; the replaced entry), else None."""
    from .. import legal_catalog as lc
    by_number = {e.number: e for e in lc.entries()}
    for replaced in (entry, *(by_number[n] for n in entry.amends if n in by_number)):
        for e in lc.entries():
            if replaced.number in e.replaces and e.effective and _later(doc_date, e.effective):
                return e, replaced
    return None


def _superseded_finding(r: dict, doc_date: str, entry, replacement, replaced) -> Check:
    variant = "" if replaced is entry else "amends"
    values = dict(cited=entry.number, doc_date=doc_date, replaced_by=replacement.number,
                  effective=replacement.effective, amended=replaced.number if variant else "",
                  source=_source(replacement))
    fields = dict(document=_document(r.get("doc_type") or entry.kind, r.get("number") or entry.number),
                  entry=_entry_name(entry), replacement=_entry_name(replacement), amended=_entry_name(replaced),
                  doc_date=Date(doc_date, True), effective=Date(replacement.effective, True),
                  title=replacement.title, source=_source(replacement))
    return _finding("superseded_basis", values, fields, [(r["doc_id"], r["start"], r["end"])],
                    r.get("sentence") or "", variant=variant)


def _is_basis(r: dict) -> bool:
    """Is the citation in a sentence that opens with `Căn cứ` (the document's legal basis)?"""
    return bool(catalog_config().basis_lead.match(r.get("sentence") or ""))


def _catalog_checks(tables: dict, docs: dict) -> list[Check]:
    contradicts, superseded = _enabled("contradicts_catalog"), _enabled("superseded_basis")
    out: list[Check] = []
    contradicted: set[tuple] = set()        # (document, entry, field, date): one finding each
    superseded_in: set[tuple] = set()       # (document, entry)
    for r in tables.get("citations", []):
        if r.get("resolved_from") is not None:
            continue                  # a back-reference says nothing of its own
        if contradicts and r.get("number"):
            found = _catalog_contradiction(r)
            if found and (r["doc_id"], found[0].number, found[1], r.get("issued_date")) not in contradicted:
                contradicted.add((r["doc_id"], found[0].number, found[1], r.get("issued_date")))
                out.append(_catalog_finding(r, *found))
        doc_date = (docs.get(r["doc_id"]) or {}).get("issued_date") or ""
        if superseded and doc_date and _is_basis(r):
            entry = _cited_entry(r)
            replaced = _replacement(entry, doc_date) if entry else None
            if replaced and (r["doc_id"], entry.number) not in superseded_in:
                superseded_in.add((r["doc_id"], entry.number))
                out.append(_superseded_finding(r, doc_date, entry, *replaced))
    return out


# --------------------------------------------------------------------------- kinds against codes
def _flag(value) -> bool:
    """A flag column as stored (a bool, or SQLite's 1 / '1')."""
    return str(value).strip().lower() in ("1", "true")


def _kind_checks(tables: dict) -> list[Check]:
    """A document cited with a kind its number's code contradicts
    (`Nghị định số 835/NQ-UBTVQH14`): one finding per citing document, kind
    and number, with the spans of each time it is so cited."""
    if not _enabled("kind_contradicts_code"):
        return []
    from ..kinds import is_letter_kind, kind_fits_code, kinds_of_code
    out: list[Check] = []
    seen: dict[tuple, Check] = {}        # (citing document, number, kind) -> its finding
    for r in tables.get("citations", []):
        kind, code = r.get("doc_type") or "", r.get("code") or ""
        if not code or is_letter_kind(kind) or _flag(r.get("self_reference")):
            continue
        if kind_fits_code(kind, code) is not False:
            continue
        key = (r["doc_id"], r.get("number"), kind)
        if key in seen:
            f = seen[key]
            f.spans = "; ".join(x for x in (f.spans, f"{r['doc_id']}:{r['start']}-{r['end']}") if x)
            continue
        code_kind = "/".join(sorted(kinds_of_code(code) or ()))
        values = dict(cited=r.get("number") or "", kind=kind, code_kind=code_kind)
        fields = dict(number=r.get("number") or "", kind=kind, code=code, code_kind=code_kind)
        seen[key] = f = _finding("kind_contradicts_code", values, fields, [(r["doc_id"], r["start"], r["end"])],
                                 r.get("sentence") or "")
        out.append(f)
    return out


# --------------------------------------------------------------------------- entry points
def run_checks(tables: dict) -> list[Check]:
    """Every finding over the given tables (lists of row dicts, see store.read_tables)."""
    docs = {d["doc_id"]: d for d in tables.get("documents", [])}
    out: list[Check] = []
    for sv in sentences(tables):
        out += _percent_checks(sv)
        out += _total_checks(sv)
        out += _names_checks(sv)
    out += _award_total_checks(tables)
    out += _table_total_checks(tables)
    out += _recipient_checks(tables)
    out += _list_checks(tables, docs)
    out += _quota_checks(tables, docs)
    out += disagreement_checks(tables, docs)
    out += _citation_checks(tables, docs)
    out += _kind_checks(tables)
    out += _catalog_checks(tables, docs)
    order = {d: i for i, d in enumerate(sorted(docs, key=lambda d: docs[d].get("source_path") or d))}
    out.sort(key=lambda c: (order.get(c.doc_id, len(order)), c.start if c.start is not None else -1,
                            SEVERITY_ORDER.get(c.severity, 3), c.rule_id))
    return out


def _excerpt(f: Check, width: int = 200) -> str:
    """The finding's sentence, or the part of a long one around the first value
    it names (`stated=18,5%`, `cstdcs=173`), so the reader sees the words at issue."""
    s = " ".join(f.sentence.split())
    if len(s) <= width:
        return s
    at = -1
    for pair in (f.values or "").split("; "):
        value = pair.partition("=")[2]
        if len(value) >= 2:
            m = regex.search(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(value)}(?![\p{{L}}\p{{N}}])", s)
            if m:
                at = m.start()
                break
    start = 0 if at < width // 2 else min(at - width // 2, len(s) - width)
    return ("…" if start else "") + s[start:start + width] + ("…" if start + width < len(s) else "")


_VALUE_KEY = regex.compile(r"(?:^|(?<=; ))([a-z_]+)=")


def _value_pairs(values: str) -> list[tuple[str, str]]:
    """The values column (``stated=18,5%; ratio=3/19; counts=1015 (a.txt); 1020 (b.txt)``) as pairs."""
    marks = list(_VALUE_KEY.finditer(values or ""))
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() - 2 if i + 1 < len(marks) else len(values)
        out.append((m.group(1), values[m.end():end]))
    return out


def _values_line(f: Check, lang: str) -> str:
    """The finding's values as a person of ``lang`` reads them: Vietnamese names and dates."""
    names = rules.load("checks").get("value_names") or {}
    pairs = []
    for key, v in _value_pairs(f.values):
        if not v:
            continue
        name = _text(names.get(key), lang) or key
        if lang == msg.VI and key in ("cited_date", "doc_date", "value_a", "value_b"):
            v = msg.date(v, lang)
        elif key != "year" and v.isdigit():
            v = msg.number(int(v), lang, 0)
        if key == "field":
            v = msg.field_name(v, lang) if v in ("issued_date", "issuer_resolved", "doc_type") \
                else msg.conflict_kind(v, lang)
        pairs.append(msg.t("check_value", lang, name=name, value=v))
    return "; ".join(pairs)


def _rule_title(rule_id: str, lang: str) -> str:
    """A rule as a person reads it: vi its label (rules/labels.yaml), en its id."""
    if lang == msg.VI:
        return str(msg.value("checks", "rule_id", rule_id, lang))
    return rule_id


def format_findings(findings: list[Check], docs: dict, lang: str = msg.DEFAULT) -> str:
    """The readable list `tdkt check` prints, in ``lang`` (Vietnamese by default)."""
    return "\n".join(finding_lines(findings, lambda d: docs.get(d, {}).get("source_path"), lang)).lstrip("\n")


def finding_lines(findings, source_of, lang: str = msg.DEFAULT):
    """The lines of :func:`format_findings`, one finding at a time (``findings``
    may be a stream read from the store; ``source_of(doc_id)``: the document's
    file, or None)."""
    counts: defaultdict[str, int] = defaultdict(int)
    width = max(len(msg.severity(s, lang)) for s in SEVERITY_ORDER)
    current = None
    for f in findings:
        counts[f.severity] += 1
        if f.doc_id != current:
            current = f.doc_id
            yield ""
            yield f"== {source_of(f.doc_id) or f.doc_id or msg.t('check_no_document', lang)}"
        where = msg.t("check_where", lang, start=f.start, end=f.end) if f.start is not None else ""
        level = msg.severity(f.severity, lang)
        level = level.upper() if lang == msg.EN else level
        yield f"[{level:{width}}] {_rule_title(f.rule_id, lang)} {where}".rstrip()
        yield f"    {message(f, lang)}"
        yield "    " + msg.t("check_basis", lang, basis=basis(f, lang))
        yield "    " + msg.t("check_values", lang, values=_values_line(f, lang) if lang == msg.VI else f.values)
        if f.sentence:
            yield f"    «{_excerpt(f)}»"
    if not counts:
        yield msg.t("check_no_findings", lang)
        return
    by_level = ", ".join(msg.t("check_count", lang, n=counts[s], severity=msg.severity(s, lang).lower()
                               if lang == msg.VI else s) for s in SEVERITY_ORDER if counts[s])
    yield ""
    yield msg.t("check_total", lang, n=sum(counts.values()), counts=by_level)
