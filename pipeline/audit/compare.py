"""`tdkt compare`: what each unit claims, side by side.

Rows are the claims: award counts by (award, conferrer, recipient type) and
figures by (kind, unit noun, what they are of). Columns are units × periods,
then the change between a unit's consecutive periods. The unit of a claim is
the issuer of the document it comes from (with the province when the issuer
does not name it); the period of an award count is its achievement year (the
row's ``year``; rows without one cannot be placed and are left out), the period
of a figure is the document's period.

Several documents may state the same claim (a report and its renderings, two
reports on the same year): when they agree the cell holds the value; when they
disagree it holds the value most of them state (ties: the latest document) and
the row's ``note`` says who said what (``tdkt check`` reports it as
``claims_disagree``).
"""
from __future__ import annotations

import functools
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pandas as pd
import regex

from ..extract.parts import dates
from ..extract.parts.text import new_tone
from . import numbers as num
from .checks import _unit

LABEL_COLUMNS = ["section", "item", "recipient_type", "conferrer", "unit_noun"]
SECTION_AWARDS = "khen thưởng"
SECTION_FIGURES = "số liệu"


@dataclass
class Claim:
    section: str
    item: str
    recipient_type: str
    conferrer: str
    unit_noun: str
    unit: str
    province: str
    period: str
    value: float
    doc_id: str
    source: str
    order: tuple = ()


@dataclass
class Comparison:
    wide: pd.DataFrame
    long: pd.DataFrame
    columns: list[tuple[str, str]] = field(default_factory=list)     # (unit, period) value columns
    skipped_awards: int = 0


def _matches(value: str, wanted) -> bool:
    if not wanted:
        return True
    v = (value or "").casefold()
    return any(w.casefold() in v for w in wanted)


def _period_matches(period: str, wanted) -> bool:
    if not wanted:
        return True
    return any(period == w or period.startswith(w + "-") for w in wanted)


def claims(tables: dict, figures: bool = True) -> tuple[list[Claim], int]:
    docs = {d["doc_id"]: d for d in tables.get("documents", [])}
    out: list[Claim] = []
    skipped = 0
    per_doc: dict[tuple, float] = defaultdict(float)
    first: dict[tuple, Claim] = {}
    for r in tables.get("awards", []):
        if r.get("status") != "awarded" or r.get("count") is None:
            continue
        if r.get("year") is None:
            skipped += 1
            continue
        d = docs.get(r["doc_id"], {})
        unit = _unit(d)
        if not unit:
            skipped += 1
            continue
        key = (SECTION_AWARDS, r["award"], r.get("recipient_type") or "", r.get("conferrer") or "", "",
               unit, str(int(r["year"])), r["doc_id"])
        per_doc[key] += float(r["count"])
        if key not in first:
            first[key] = Claim(SECTION_AWARDS, r["award"], r.get("recipient_type") or "", r.get("conferrer") or "",
                               "", unit, d.get("province") or "", str(int(r["year"])), 0.0, r["doc_id"],
                               d.get("source_path") or "", (0, r["start"]))
    for key, claim in first.items():
        claim.value = per_doc[key]
        out.append(claim)
    if figures:
        award_years: dict[tuple, set] = defaultdict(set)
        awards_at: dict[str, list[dict]] = defaultdict(list)
        for r in tables.get("awards", []):
            award_years[(r["doc_id"], r.get("sentence"))].add(int(r["year"]) if r.get("year") is not None else None)
            awards_at[r["doc_id"]].append(r)
        seen: Counter = Counter()
        for r in tables.get("figures", []):
            d = docs.get(r["doc_id"], {})
            unit, period = _unit(d), _figure_period(r, d, award_years)
            if period is None:
                continue                   # beside award counts whose year is unknown: no period
            if not unit or not period or r.get("value") is None:
                continue
            if r["kind"] == "percent" and not r.get("of_what"):
                continue                   # a bare percentage has no name to compare by
            # one row per thing however it is spelled: `uỷ viên` (old tone placement) = `ủy viên`
            label = new_tone(_figure_label(r, _award_before(r, awards_at[r["doc_id"]])))
            seen[(r["doc_id"], period, label.casefold())] += 1
            n = seen[(r["doc_id"], period, label.casefold())]
            item = label if n == 1 else f"{label} ({n})"
            out.append(Claim(SECTION_FIGURES, item, "", "", new_tone(r.get("unit") or ""), unit,
                             d.get("province") or "", period, float(r["value"]), r["doc_id"],
                             d.get("source_path") or "", (1, r["start"])))
    return out, skipped


def _figure_period(r: dict, doc: dict, award_years: dict) -> str | None:
    """A figure's period: the year of the award counts in its sentence (`73 Chiến
    sĩ thi đua cơ sở (trong đó ... đạt 82%)` under `Kết quả khen thưởng năm
    2021`), else the one year its sentence names, else the document's period;
    None beside award counts whose year is unknown."""
    years = set(award_years.get((r["doc_id"], r.get("sentence")), ()))
    if years == {None}:
        return None
    years.discard(None)
    if len(years) == 1:
        return str(next(iter(years)))
    named = set(_year_named().findall(r.get("sentence") or ""))
    if len(named) == 1 and not years:
        return next(iter(named))
    return doc.get("period") or ""


@functools.cache
def _year_named() -> regex.Pattern:
    """`năm 2021` (the year: group 1), with the words and years of rules/dates.yaml
    (not a batch's: `tdkt compare` compiles it on first use; a batch has checked
    rules/dates.yaml when it compiled the date grammar)."""
    ds = dates.sources()
    return regex.compile(rf"(?<![\d/.-]){ds.year_word}\s+({ds.year})(?![\d/-])")


def _award_before(fig: dict, awards: list[dict]) -> str:
    """The award count a figure qualifies in parentheses: `73 Chiến sĩ thi đua cơ
    sở (trong đó Người lao động trực tiếp đạt 82%)` -> `Chiến sĩ thi đua cơ sở`,
    so that the share compares with the same award's share in another year."""
    best = None
    for a in awards:
        if a.get("end") is None or a["end"] > fig["start"] or fig["start"] - a["end"] > 80:
            continue
        if best is None or a["end"] > best["end"]:
            best = a
    if best is None:
        return ""
    types = {a.get("recipient_type") for a in awards if a.get("end") == best["end"] and a["award"] == best["award"]}
    # what lies between the award and the figure, read from the sentence both are in
    sent = fig.get("sentence") or ""
    at = sent.find(fig["text"])
    award_text = best.get("text") or ""
    a_at = sent.rfind(award_text, 0, at) if at >= 0 and award_text else -1
    if a_at < 0:
        return ""
    between = sent[a_at + len(award_text):at]
    if not regex.match(r"^\s*\((?:[^()]*)$", between):
        return ""                          # not inside a parenthesis right after the award
    return best["award"] + (f", {best['recipient_type']}" if best.get("recipient_type") and len(types) == 1 else "")


def _figure_label(r: dict, award: str = "") -> str:
    kind, unit, of_what = r["kind"], r.get("unit") or "", r.get("of_what") or ""
    if kind == "percent":
        return f"% {of_what}" + (f" ({award})" if award else "")
    if kind == "ratio":
        den = num.vn(r["denominator"], 0) if r.get("denominator") is not None else "?"
        return f"{unit} {of_what} (trên {den})".replace("  ", " ").strip()
    if kind == "count":
        return unit
    return f"{kind}: {unit} {of_what}".strip()


def compare(tables: dict, units=None, periods=None, provinces=None, figures: bool = True) -> Comparison:
    docs = {d["doc_id"]: d for d in tables.get("documents", [])}
    all_claims, skipped = claims(tables, figures=figures)
    picked = [c for c in all_claims if _matches(c.unit, units) and _period_matches(c.period, periods)
              and _matches(c.province, provinces)]
    cells: dict[tuple, dict[tuple, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    row_order: dict[tuple, tuple] = {}
    shown: dict[tuple, tuple] = {}                 # a row's labels as first written
    for c in picked:
        rk = (c.section, c.item.casefold(), c.recipient_type, c.conferrer, c.unit_noun.casefold())
        shown.setdefault(rk, (c.section, c.item, c.recipient_type, c.conferrer, c.unit_noun))
        cells[rk][(c.unit, c.period)].append(c)
        row_order[rk] = min(row_order.get(rk, (9, 10 ** 12)), c.order)
    columns = sorted({col for row in cells.values() for col in row}, key=lambda uc: (uc[0], uc[1]))
    ordered = sorted(cells, key=lambda k: (k[0] != SECTION_AWARDS, row_order[k], k))
    return assemble(((shown[rk], cells[rk], docs) for rk in ordered), columns, skipped)


def assemble(rows, columns: list[tuple[str, str]], skipped: int = 0) -> Comparison:
    """The comparison from its rows in order: each (its labels, its cells
    ``{(unit, period): [Claim]}``, the documents of its claims by doc_id),
    and every (unit, period) column in order (``pipeline.audit.stream`` gives
    them from SQL, a row at a time)."""
    by_unit: dict[str, list[str]] = defaultdict(list)
    for u, p in columns:
        by_unit[u].append(p)

    steps = {u: _steps(ps) for u, ps in by_unit.items()}
    wide_rows, long_rows = [], []
    for labels, row_cells, docs in rows:
        row = dict(zip(LABEL_COLUMNS, labels))
        notes = []
        values = {}
        for col in columns:
            group = row_cells.get(col)
            if not group:
                continue
            value, note = _agree(group, docs)
            values[col] = value
            if note:
                notes.append(f"{col[0]} {col[1]}: {note}")
            long_rows.append(dict(row, unit=col[0], province=group[0].province, period=col[1], value=value,
                                  n_documents=len({c.doc_id for c in group}),
                                  doc_ids="; ".join(sorted({c.doc_id for c in group})), note=note))
        # only the cells the row has (the others are empty in the table): a row is
        # as large as its values, not as the number of units
        for unit, p in values:
            row[f"{unit} | {p}"] = values[(unit, p)]
        for unit in dict.fromkeys(u for u, _ in values):
            for p1, p2 in steps[unit]:
                a, b = values.get((unit, p1)), values.get((unit, p2))
                if a is not None and b is not None:
                    row[f"{unit} | Δ {p1}→{p2}"] = b - a
        row["note"] = "; ".join(notes)
        wide_rows.append(row)
    value_cols = [f"{u} | {p}" for u, ps in by_unit.items() for p in ps] + \
                 [f"{u} | Δ {p1}→{p2}" for u, ps in by_unit.items() for p1, p2 in _steps(ps)]
    value_set = set(value_cols)
    # keep each unit's periods and changes together
    ordered = []
    for u, ps in by_unit.items():
        ordered += [f"{u} | {p}" for p in ps] + [f"{u} | Δ {p1}→{p2}" for p1, p2 in _steps(ps)]
    # built a column at a time from the rows' cells (no rows x columns matrix of objects)
    wide = pd.DataFrame({name: pd.array([_num(row.get(name)) for row in wide_rows], dtype="Float64")
                         if name in value_set else [row.get(name) for row in wide_rows]
                         for name in LABEL_COLUMNS + ordered + ["note"]},
                        columns=LABEL_COLUMNS + ordered + ["note"])
    long = pd.DataFrame(long_rows, columns=LABEL_COLUMNS + ["unit", "province", "period", "value", "n_documents",
                                                            "doc_ids", "note"])
    return Comparison(wide=wide, long=long, columns=columns, skipped_awards=skipped)


def _grain(period: str) -> str:
    """`2022` -> Y, `2022-07` -> M, `2022-H1` -> H, `2022-Q3` -> Q, `2021-2025` -> YY."""
    return regex.sub(r"\d", "9", period)


def _steps(periods: list[str]) -> list[tuple[str, str]]:
    """Consecutive periods of the same grain: the changes worth showing."""
    out = []
    for grain in dict.fromkeys(_grain(p) for p in periods):
        same = [p for p in periods if _grain(p) == grain]
        out += list(itertools.pairwise(same))
    return out


def _num(v):
    return None if v is None else float(v)


def _agree(group: list[Claim], docs: dict) -> tuple[float, str]:
    """One value for a cell that several documents state; a note when they differ."""
    by_doc: dict[str, float] = {}
    for c in group:
        by_doc.setdefault(c.doc_id, c.value)
    return agree(by_doc, docs)


def agree(by_doc: dict[str, float], docs: dict) -> tuple[float, str]:
    """One value for a cell from each document's value (doc_id -> value); a
    note when they differ."""
    counts = Counter(by_doc.values())
    if len(counts) == 1:
        return next(iter(counts)), ""

    def latest(value):
        return max((docs.get(d, {}).get("issued_date") or "", docs.get(d, {}).get("source_path") or "")
                   for d, v in by_doc.items() if v == value)
    value = max(counts, key=lambda v: (counts[v], latest(v)))
    note = "; ".join(f"{num.vn(v)} ({docs.get(d, {}).get('source_path') or d})" for d, v in sorted(by_doc.items()))
    return value, f"các văn bản khác nhau: {note}"


def write(comp: Comparison, out_dir, con=None) -> list[str]:
    """compare.csv (UTF-8 with BOM), compare.parquet, compare.xlsx (sheets
    `So sánh` and `So sánh (dạng dọc)`, formatted as tables.xlsx) and, given
    the store, its `compare` table (long form)."""
    import os
    from pathlib import Path

    from .. import export
    from ..store import DB_NAME
    out = Path(out_dir)
    wide = comp.wide
    written = []

    def atomic(name, fn):
        path = out / name
        tmp = path.with_name(f".{name}.tmp{os.getpid()}")
        fn(tmp)
        os.replace(tmp, path)
        written.append(str(path))

    atomic("compare.csv", lambda p: export._safe_for_spreadsheet(wide).to_csv(p, index=False, encoding="utf-8-sig"))
    atomic("compare.parquet", lambda p: wide.to_parquet(p, index=False))

    def xlsx(p):
        # by the writer of tables.xlsx (one for every workbook): Vietnamese sheet
        # names, headers and labels, the header bold and frozen (the label columns
        # too), filter, widths, numbers formatted, every text cell a string cell
        export.write_frames_workbook(p, [("compare", wide, len(LABEL_COLUMNS)), ("compare_long", comp.long, 0)])
    atomic("compare.xlsx", xlsx)
    if con is not None:
        with con:
            comp.long.to_sql("compare", con, if_exists="replace", index=False)
        written.append(str(out / DB_NAME) + " (table compare)")
    return written


_FIGURE_KIND = regex.compile(r"^(area|length|weight|volume|count|ratio|percent|[a-z_]+): ")


def _item_label(item: str, lang: str) -> str:
    """A claim's name as printed: a figure's kind (`area: m2 đất`) by its Vietnamese label in Vietnamese."""
    from .. import messages as msg
    m = _FIGURE_KIND.match(item)
    if m and lang == msg.VI:
        kind = msg.value("figures", "kind", m.group(1), lang)
        if kind != m.group(1):
            return f"{kind}: {item[m.end():]}"
    return item


def format_table(comp: Comparison, max_label: int = 46, lang: str = "vi") -> str:
    """The table `tdkt compare` prints, in ``lang`` (Vietnamese by default):
    one line per claim, one column per unit × period."""
    from .. import messages as msg
    wide = comp.wide
    if wide.empty:
        return msg.t("compare_nothing", lang)
    value_cols = [c for c in wide.columns if " | " in c]
    lines = []
    units = []
    for c in value_cols:
        u = c.split(" | ")[0]
        if u not in units:
            units.append(u)
    for i, u in enumerate(units, 1):
        lines.append(msg.t("compare_unit", lang, i=i, unit=u))
    short = {c: msg.t("compare_column", lang, i=units.index(c.split(" | ")[0]) + 1, period=c.split(" | ")[1])
             for c in value_cols}
    widths = {c: max(len(short[c]), 7) for c in value_cols}
    header = f"{msg.t('compare_claim', lang):<{max_label}}  " + "  ".join(f"{short[c]:>{widths[c]}}"
                                                                         for c in value_cols)
    lines += ["", header, "-" * len(header)]
    sections = {SECTION_AWARDS: msg.t("compare_section_awards", lang),
                SECTION_FIGURES: msg.t("compare_section_figures", lang)}
    section = None
    for _, r in wide.iterrows():
        if r["section"] != section:
            section = r["section"]
            lines.append(f"[{sections.get(section, section)}]")
        label = _item_label(r["item"], lang)
        extra = ", ".join(x for x in (r["recipient_type"], r["conferrer"]) if x)
        if extra:
            label += f" ({extra})"
        if len(label) > max_label:
            label = label[:max_label - 1] + "…"
        cells = []
        for c in value_cols:
            v = r[c]
            s = "" if pd.isna(v) else (("+" if "Δ" in c and v > 0 else "") + msg.number(float(v), lang))
            cells.append(f"{s:>{widths[c]}}")
        lines.append(f"{label:<{max_label}}  " + "  ".join(cells) + ("  *" if r["note"] else ""))
    if (wide["note"] != "").any():
        lines.append("")
        lines.append(msg.t("compare_disagree", lang))
    if comp.skipped_awards:
        lines.append(msg.t("compare_skipped", lang, n=msg.number(comp.skipped_awards, lang, 0)))
    return "\n".join(lines)
