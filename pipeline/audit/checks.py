"""`tdkt check`: where the claims contradict themselves, each other or the legal quotas.

The rules are data (rules/checks.yaml); this module reads the store's tables
(figures, money, awards, citations, documents and the registry's conflicts)
and returns :class:`~pipeline.models.Check` rows. Families:

- arithmetic inside one sentence: a stated percentage against its own ratio
  (``03/19 xã ..., chiếm 15,8%``) or against the amounts before it
  (``hơn 71.5 tỷ ...; đã thu hồi trên 64.2 tỷ (đạt 89,72% ...)``); a total
  against its parts (``17 thành viên, gồm 01 ..., 02 ... và 14 ...``); a count
  against the names listed after it (``02 xã (An Thạnh và Long Giang)``);
- award quotas per unit (the document's issuer) and achievement year;
- claims of one unit and year that differ between documents;
- a cited document dated after the document citing it; registry conflicts.

Every finding carries the values involved, the basis (legal text or the
arithmetic) and the span(s) it is about.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

import regex

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
        list_lead=regex.compile(r"^\s*(?:" + rules.alternation(nc["list_leads"]) + r"\s*:?\s*)?(?:"
                                + rules.alternation(nc["list_determiners"]) + r"\s+)?", regex.IGNORECASE),
    )


def _enabled(rule_id: str) -> bool:
    return config().rules.get(rule_id, {}).get("enabled", True)


def _finding(rule_id: str, values: dict, basis: str, spans: list[tuple[str, int, int]], sentence: str = "",
             severity: str | None = None) -> Check:
    rc = config().rules.get(rule_id, {})
    message = rc.get("message", rule_id).format_map(defaultdict(str, {k: v for k, v in values.items()}))
    first = spans[0] if spans else ("", None, None)
    rest = "; ".join(f"{d}:{s}-{e}" for d, s, e in spans[1:])
    return Check(rule_id=rule_id, severity=severity or rc.get("severity", "warning"), message=message, basis=basis,
                 values="; ".join(f"{k}={v}" for k, v in values.items()), doc_id=first[0], start=first[1],
                 end=first[2], sentence=sentence, spans=rest)


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
            unit="đồng", qualifier=r.get("qualifier") or "exact"))
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


# --------------------------------------------------------------------------- arithmetic
def _percent_checks(sv: SentenceView) -> list[Check]:
    c = config()
    pc = c.percent
    out = []
    items = sv.items
    for i, p in enumerate(items):
        if p.kind != "percent" or i == 0:
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
            basis = f"{ratio_txt} = {num.vn_range(computed, 2, '%')}"
            spans = [(sv.doc_id, q.start, p.end), (sv.doc_id, q.start, q.end), (sv.doc_id, p.start, p.end)]
        else:
            whole = _whole_of(sv, i - 1)
            if whole is None:
                continue
            computed = num.ratio_interval(q.range(), whole.range())
            rule = "percent_vs_amounts"
            values = dict(stated=p.text, part=q.text, whole=whole.text, computed=num.vn_range(computed, 2, "%"))
            basis = f"{q.text} / {whole.text} = {num.vn_range(computed, 2, '%')}"
            spans = [(sv.doc_id, q.start, p.end), (sv.doc_id, whole.start, whole.end), (sv.doc_id, p.start, p.end)]
        off = num.gap(stated, computed)
        if off <= 1e-9 or not _enabled(rule):
            continue
        severity = "warning" if off < pc["minor_points"] else None
        out.append(_finding(rule, values, basis, spans, sv.text, severity))
    return out


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
        ranges = [p.range() for p in parts]
        s = (sum(r[0] for r in ranges), sum(r[1] for r in ranges))
        t = total.range()
        parts_txt = " + ".join(num.vn(p.value) for p in parts)
        values = dict(total=total.text, parts=parts_txt, sum=num.vn_range(s))
        spans = [(sv.doc_id, total.start, parts[-1].end)] + [(sv.doc_id, p.start, p.end) for p in [total] + parts]
        if partition and num.gap(s, t) > 0 and _enabled("total_vs_parts"):
            out.append(_finding("total_vs_parts", values, f"{parts_txt} = {num.vn_range(s)} ≠ {num.vn_range(t)}",
                                spans, sv.text))
        elif not partition and s[0] > t[1] and _enabled("parts_exceed_total"):
            out.append(_finding("parts_exceed_total", values, f"{parts_txt} = {num.vn_range(s)} > {num.vn_range(t)}",
                                spans, sv.text))
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
            out.append(_finding("count_vs_names", values, f"{int(q.value)} ≠ {len(names)} tên",
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
            out.append(_finding("count_vs_names", values, f"{r['count']} ≠ {len(names)} tên",
                                [(r["doc_id"], r["start"], r["end"])], r.get("sentence") or ""))
    return out


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
    for r in tables.get("awards", []):
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
            unit = _unit(docs.get(doc_id)) or "(đơn vị không rõ)"
            values = dict(unit=unit, year=year, cstdcs=a, ldtt=b, share=f"{num.vn(share * 100)}%",
                          limit=f"{num.vn(quota['max_share'] * 100)}%")
            text = basis["basis"] + ("" if basis.get("verified", False) else " (điều khoản chưa được xác minh)")
            arith = f"{a}/{b} = {num.vn(share * 100)}% > {num.vn(quota['max_share'] * 100)}%"
            spans = [(r["doc_id"], r["start"], r["end"]) for r in a_rows + b_rows]
            out.append(_finding(qid, values, f"{text}; {arith}", spans, a_rows[0].get("sentence") or "",
                                None if basis.get("verified", False) else "warning"))
            fired.add(qid)
            fired.update(quota.get("supersedes", []))
    return out


def _disagreement_checks(tables: dict, docs: dict) -> list[Check]:
    if not _enabled("claims_disagree"):
        return []
    per: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in tables.get("awards", []):
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
        spans = [(d, by_doc[d][0]["start"], by_doc[d][0]["end"]) for d in order]
        out.append(_finding("claims_disagree", values, "cùng đơn vị, cùng năm, cùng danh hiệu: số liệu phải bằng nhau",
                            spans, by_doc[order[0]][0].get("sentence") or ""))
    return out


# --------------------------------------------------------------------------- citations
def _after(cited: str, citing: str) -> bool:
    """Is a (partial) ISO date after another, comparing only what both state?"""
    n = min(len(cited), len(citing))
    return n >= 4 and cited[:n] > citing[:n]


def _citation_checks(tables: dict, docs: dict) -> list[Check]:
    out = []
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
            f = _finding("cited_after_report", values, f"{cited} > {citing}", [(r["doc_id"], r["start"], r["end"])],
                         r.get("sentence") or "")
            seen[key] = f
            out.append(f)
    if _enabled("registry_conflict"):
        ends = {(r["doc_id"], r["start"]): r["end"] for r in tables.get("citations", [])}
        for r in tables.get("conflicts", []):
            spans = []
            for side in ("a", "b"):
                d, s = r.get(f"doc_id_{side}"), r.get(f"start_{side}")
                if d and s is not None:
                    spans.append((d, int(s), ends.get((d, int(s)), int(s))))
            values = dict(key=r["key"], field=r["field"], value_a=r.get("value_a") or "", value_b=r.get("value_b") or "")
            out.append(_finding("registry_conflict", values, "một khóa đăng ký, hai giá trị", spans,
                                r.get("sentence_a") or ""))
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
    out += _recipient_checks(tables)
    out += _quota_checks(tables, docs)
    out += _disagreement_checks(tables, docs)
    out += _citation_checks(tables, docs)
    order = {d: i for i, d in enumerate(sorted(docs, key=lambda d: docs[d].get("source_path") or d))}
    out.sort(key=lambda c: (order.get(c.doc_id, len(order)), c.start if c.start is not None else -1,
                            SEVERITY_ORDER.get(c.severity, 3), c.rule_id))
    return out


def check_text(text: str) -> list[Check]:
    """Extract one string and check it (rule examples, notebooks)."""
    from ..api import extract_text
    from .store import tables_of_results
    return run_checks(tables_of_results([extract_text(text)]))


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


def format_findings(findings: list[Check], docs: dict) -> str:
    """The readable list `tdkt check` prints."""
    if not findings:
        return "No findings."
    lines = []
    current = None
    for f in findings:
        if f.doc_id != current:
            current = f.doc_id
            lines.append("")
            lines.append(f"== {docs.get(f.doc_id, {}).get('source_path') or f.doc_id or '(registry)'}")
        where = f"@{f.start}-{f.end}" if f.start is not None else ""
        lines.append(f"[{f.severity.upper():7}] {f.rule_id} {where}")
        lines.append(f"    {f.message}")
        lines.append(f"    basis:  {f.basis}")
        lines.append(f"    values: {f.values}")
        if f.sentence:
            lines.append(f"    «{_excerpt(f)}»")
    counts = defaultdict(int)
    for f in findings:
        counts[f.severity] += 1
    lines.append("")
    lines.append(f"{len(findings)} finding(s): " + ", ".join(f"{counts[s]} {s}" for s in SEVERITY_ORDER if counts[s]))
    return "\n".join(lines).lstrip("\n")
