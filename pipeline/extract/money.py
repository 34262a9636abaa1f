"""Money amounts (table: money), as integer đồng with qualifier and purpose.

An amount is a number with a currency word or a multiplier (`14 triệu đồng`,
`2,5 tỷ`: rules/money.yaml, the multipliers of rules/numbers.yaml); with a
multiplier alone it counts only in a sentence about money, and not before a
count noun or a foreign currency (`2 triệu lượt khách`, `5 triệu USD`). Also
read: ranges (`từ 10 đến 15 triệu đồng`), amounts per unit (`đồng/người`,
`cho mỗi tập thể`), a part and its whole (`11,7/12,7 nghìn tỷ đồng`) and table
cells whose unit stands in a cell or a column header of its own. The qualifier
(`trên`, `khoảng`, `trở lên`) is part of the mention's text; the purpose is the
phrase the money belongs to.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import regex

from .. import rules
from ..models import Money
from .base import ExtractorSpec, ParsedDoc
from .common import Spans
from .parts import cells as cell_parts
from .parts import numbers, structure
from .parts.numbers import AMOUNT as NUM
from .parts.numbers import read_number
from .parts.text import clean_phrase


@dataclass(frozen=True)
class Grammar:
    amount: regex.Pattern
    each: regex.Pattern              # `cho mỗi tập thể`: the amount is per tập thể
    amount_trigger: re.Pattern       # a digit then a multiplier or currency word: amount runs there only
    part_of_whole: regex.Pattern
    qualifier: regex.Pattern
    qualifier_kind: dict
    multipliers: dict
    currency: frozenset
    context: regex.Pattern
    count_noun: regex.Pattern
    foreign: regex.Pattern
    trigger: regex.Pattern
    linker_tail: regex.Pattern
    qualifier_after: regex.Pattern
    comma_names: regex.Pattern
    means_lead: regex.Pattern
    unit_cell: regex.Pattern
    unit_in_header: regex.Pattern
    qualifier_after_kind: dict
    letter_currency: frozenset        # `đ`: no currency with a letter after it
    compound: regex.Pattern           # `đồng chí`: a word that opens with a currency word
    compound_reach: int               # characters the longest such word takes
    qualifier_after_lead: regex.Pattern   # `từ ` before an amount `... trở lên`
    qualifier_after_reach: int        # characters before the amount it is looked for in
    purpose_mark: regex.Pattern       # `để ` (in order to) before a purpose
    purpose_after_leads: tuple
    given_count: regex.Pattern        # ` được 20`: a purpose ends before it
    loose_number: regex.Pattern       # a number a purpose drops (not a year)
    date_word_tail: regex.Pattern     # `năm`, `số` left at a purpose's end
    not_money_header: regex.Pattern   # a table column so headed holds no money (`STT`, `Số lượng`)
    part_row: regex.Pattern           # `Trong đó: `, `- `: a table row that is part of the row above
    unit_header_word: regex.Pattern   # `Đơn vị tính`, `ĐVT`: the header of a unit column
    caption_unit: regex.Pattern       # `Đơn vị: đồng` on a line of its own over a table
    dong_floor: int                   # in a table in đồng, smaller numbers are no amounts
    total_row: regex.Pattern          # `Tổng cộng`, `Tổng giai đoạn ...`: a total row (rules/tables.yaml)
    note_words: int                   # a longer bracketed note is left out of a row label as a purpose
    plan_words: regex.Pattern         # `kế hoạch`: a pair `X/Y` in their clause is actual against plan
    estimate: regex.Pattern           # `ước thực hiện cả năm là ` ending just before an amount
    estimate_reach: int               # characters before an amount the estimate word is looked for in
    estimate_not_after: regex.Pattern  # `vượt ` before `dự kiến`: no estimate
    says_nothing: regex.Pattern       # a purpose of these words alone (`Mức`) names nothing
    context_tail: regex.Pattern       # `như sau` ending a lead or heading taken as a purpose
    context_max_words: int            # a longer lead or heading is no purpose


def _not_currency(g: Grammar, text: str, m) -> bool:
    """The currency word is part of another word: `50đa` (a letter after a
    one-letter currency), `12 đồng chí` (a word that opens with `đồng`)."""
    one_letter = m.group("currency").casefold() in g.letter_currency
    if one_letter and m.group("per") is None and text[m.end():m.end() + 1].isalpha():
        return True
    at = m.start("currency")
    return g.compound.match(text, at, at + g.compound_reach) is not None


@rules.compiled("money", "numbers", "tables")
def grammar() -> Grammar:
    cfg = rules.load("money")
    mult = numbers.multipliers()
    mult_alt = rules.alternation(mult.keys(), boundary=False)
    cur_alt = rules.alternation(cfg["currency_words"], boundary=False)
    unit = rf"(?:{mult_alt})(?:[ ](?:{mult_alt}))?(?:[ ]?(?:{cur_alt}))?|(?:{cur_alt})"    # `tỷ đồng`, `triệu`, `đồng`
    # one number-with-multiplier piece; pieces chain: `2 tỷ 500 triệu đồng`
    piece = rf"(?:{NUM})[ ]?(?:{mult_alt})(?:[ ](?:{mult_alt}))?"
    amount = (rf"(?<![\p{{L}}\p{{N}}.,/])"
              rf"(?:(?P<lowword>{rules.as_written(cfg['range_low_words'])})[ ]+(?P<low>{NUM})"
              rf"(?:[ ]?(?P<lowmult>{mult_alt}))?"
              rf"[ ]*(?:{rules.as_written(cfg['range_links'])}|-|–)[ ]*)?"
              rf"(?P<value>(?:{piece})(?:[ ]+(?:{piece}))*|{NUM})"
              rf"(?:[ ]?(?P<currency>{cur_alt}))?"
              rf"(?![\p{{L}}\p{{N}}])"
              rf"(?:[ ]?/[ ]?(?P<per>[\p{{L}}\d²³]+(?:/[\p{{L}}\d²³]+)?))?")
    quals = {}
    for kind, words in cfg["qualifiers"].items():
        for w in words:
            quals[w.casefold()] = kind
    after_kind = {w.casefold(): kind for kind, words in (cfg.get("qualifiers_after") or {}).items()
                  for w in words}
    return Grammar(
        unit_in_header=regex.compile(rf"\([ ]*(?:{rules.as_written(cfg['unit_note_leads'])}[ ]*:[ ]*)?"
                                     rf"(?:(?P<mult>{mult_alt})[ ]?)?(?:{cur_alt})"
                                     # a rate per unit (`Mức lương tối thiểu tháng (Đơn vị: đồng/tháng)`)
                                     rf"(?:[ ]?/[ ]?(?P<per>[\p{{L}}\d²³ ]+(?:/[\p{{L}}\d²³ ]+)?))?[ ]*\)",
                                     regex.IGNORECASE),
        unit_cell=regex.compile(rf"(?:(?P<mult>{mult_alt})[ ]?)?(?:{cur_alt})"
                                rf"(?:[ ]?/[ ]?(?P<per>[\p{{L}}\d²³ ]+(?:/[\p{{L}}\d²³ ]+)?))?",
                                regex.IGNORECASE),
        means_lead=regex.compile(
            rf"^[\s\-–+•*]*(?P<lead>{rules.alternation(cfg['purpose_means_leads'], boundary=False)})[ ]+"
            rf"(?P<means>(?:{rules.alternation(cfg['purpose_means'], boundary=False)})"
            rf"(?:[ ]*(?:,|và)[ ]*(?:{rules.alternation(cfg['purpose_means'], boundary=False)}))*)[ ,]*$",
            regex.IGNORECASE),
        comma_names=regex.compile(rules.alternation(cfg.get("names_with_commas") or ["(?!)"]), regex.IGNORECASE),
        qualifier_after=regex.compile(r"[ ]+(" + rules.alternation(after_kind.keys(), boundary=False)
                                      + r")(?![\p{L}])", regex.IGNORECASE),
        qualifier_after_kind=after_kind,
        letter_currency=frozenset(w.casefold() for w in cfg["letter_currency_words"]),
        compound=regex.compile(rules.alternation(cfg["currency_compounds"]), regex.IGNORECASE),
        compound_reach=2 * max(map(len, cfg["currency_compounds"])),
        qualifier_after_lead=regex.compile(rf"(?<![\p{{L}}]){rules.as_written(cfg['qualifier_after_leads'])}[ ]+$",
                                           regex.IGNORECASE),
        qualifier_after_reach=max(map(len, cfg["qualifier_after_leads"])) + 4,
        purpose_mark=regex.compile(rf"(?<![\p{{L}}]){rules.as_written(cfg['purpose_marks'])}\s+"),
        purpose_after_leads=tuple(cfg["purpose_after_leads"]),
        given_count=regex.compile(rf"\s+{rules.as_written(cfg['purpose_count_words'])}\s+\d"),
        # counts go (`mua 20 thẻ BHYT`), a year stays (`Quỹ thi đua, khen thưởng năm 2023`),
        # a number glued to its unit (`1.000m`, `500m2`) is a measure and stays whole
        loose_number=regex.compile(rf"(?<![\p{{L}}\d.,])(?<!(?i:{rules.as_written(cfg['purpose_year_words'])})[ ]+)"
                                   r"\d+(?:[.,]\d+)*(?![\p{L}\d]|[.,]\d)"),
        date_word_tail=regex.compile(rf"(?:\s+{rules.as_written(cfg['purpose_tail_words'])})+$"),
        part_row=regex.compile(rf"^[ *_]*(?:{rules.alternation(cfg['table_part_row_leads'], boundary=False)})",
                               regex.IGNORECASE),
        note_words=int(cfg["table_note_words"]),
        unit_header_word=regex.compile(rules.as_written(cfg["unit_note_leads"]), regex.IGNORECASE),
        caption_unit=regex.compile(rf"[ *_]*(?:{rules.as_written(cfg['unit_note_leads'])})[ ]*:[ ]*"
                                   rf"(?P<unit>(?:(?P<mult>{mult_alt})[ ]?)?(?:{cur_alt}))[ *_.]*", regex.IGNORECASE),
        dong_floor=int(cfg["table_dong_floor"]),
        total_row=regex.compile(rf"^(?:{rules.alternation(rules.load('tables')['total_labels'])})", regex.IGNORECASE),
        not_money_header=regex.compile(rf"^(?:{rules.alternation(cfg['table_not_money_headers'], boundary=False)})"
                                       r"(?![\p{L}])", regex.IGNORECASE),
        amount=regex.compile(amount, regex.IGNORECASE),
        # (a multiplier run into the currency, `5 triệuđồng`, is one word)
        # the unit after a per-unit lead: one or two words, not running into `và`
        each=regex.compile(r"[ ]+" + rules.alternation(cfg["per_unit_leads"], boundary=False)
                           + r"[ ]+(?P<unit>\p{L}+(?:[ ](?!và(?![\p{L}]))\p{L}+)?)", regex.IGNORECASE),
        amount_trigger=rules.literal_trigger(
            list(mult) + list(cfg["currency_words"]) + [m + c for m in mult for c in cfg["currency_words"]],
            before=r"\d[ ]?", after=r"(?![^\W_])"),
        # `đã phân bổ 11,7/12,7 nghìn tỷ đồng`: a part and its whole sharing one unit, or each
        # with its own (`4.105,72 tỷ đồng/4.300,5 tỷ đồng`)
        part_of_whole=regex.compile(rf"(?<![\p{{L}}\p{{N}}.,/])(?P<part>{NUM})(?:[ ]?(?P<part_unit>{unit}))?"
                                    rf"[ ]?/[ ]?(?P<whole>{NUM})[ ]?(?P<unit>{unit})"
                                    rf"(?![\p{{L}}\p{{N}}])", regex.IGNORECASE),
        plan_words=rules.compile_words(cfg["plan_words"]),
        estimate=regex.compile(rf"(?<![\p{{L}}])(?P<word>{rules.alternation(cfg['estimate_words'], boundary=False)})"
                               rf"(?![\p{{L}}])[ ]*:?(?:[ ]+(?:\p{{L}}+|\d{{4}})){{0,{int(cfg['estimate_reach'])}}}"
                               r"[ ]+$", regex.IGNORECASE),
        estimate_reach=12 * (int(cfg["estimate_reach"]) + 3),
        estimate_not_after=regex.compile(
            rf"(?<![\p{{L}}]){rules.alternation(cfg['estimate_not_after'], boundary=False)}[ ]+$", regex.IGNORECASE),
        says_nothing=regex.compile(rf"(?:[ ]*{rules.alternation(cfg['purpose_empty_words'])})*[ ]*",
                                   regex.IGNORECASE),
        context_max_words=int(cfg["context_max_words"]),
        context_tail=regex.compile(rf"(?:[ ,:]+{rules.alternation(cfg['context_tail_words'], boundary=False)})+"
                                   r"[ ,:]*$", regex.IGNORECASE),
        qualifier=regex.compile(r"(?:^|(?<=[\s(]))(" + rules.alternation(quals.keys(), boundary=False)
                                + r")[ ]+$", regex.IGNORECASE),
        qualifier_kind=quals,
        multipliers=mult,
        currency=frozenset(c.casefold() for c in cfg["currency_words"]),
        context=rules.compile_words(cfg["money_context"]),
        count_noun=regex.compile(r"[ ]+" + rules.alternation(cfg["count_nouns_after"]), regex.IGNORECASE),
        foreign=regex.compile(r"[ ]?(?:" + rules.alternation(cfg["foreign_currencies"], boundary=False)
                              + r")(?![\p{L}])", regex.IGNORECASE),
        trigger=rules.compile_words(cfg["purpose_triggers"]),
        linker_tail=regex.compile(r"(?:[ ,]+(?:" + rules.alternation(cfg["purpose_linkers"], boundary=False)
                                  + r"))+[ ,:]*$", regex.IGNORECASE),
    )




def _is_money(m, g: Grammar) -> bool:
    """An amount match with a currency word or a multiplier, not a bare number."""
    return bool(m.group("currency")) or any(w in g.multipliers for w in m.group("value").casefold().split())


CELL_NUMBER = regex.compile(rf"[ ]*(?P<n>{NUM})[ ]*")
CAPTION_MAX = 60           # a caption unit line is short (`*Đơn vị tính: triệu đồng*`)
HAS_LETTER = regex.compile(r"\p{L}")


def _table_cells(doc: ParsedDoc, g: Grammar) -> list[Money]:
    """Amounts in a table row whose unit stands in a cell of its own, the
    number cells after it being in that unit (`1 | Hành khách | đồng/người |
    1.000 | 1.500`): one amount a cell, the row's label as the purpose, with
    the column header over it when the row's amounts stand under several. A
    row that is part of the row above (`- Cấp giấy chứng nhận ... | 100.000 |
    50.000`, its serial and unit cells lost) is in the unit of the row above."""
    out = []
    money_columns: dict[int, tuple[int, str]] = {}     # column -> (factor, its header) from a header row
    heads: list[str] = []                             # the cells of the header row, as written
    above: tuple | None = None                        # (unit match, label) of the unit row above
    in_tables = Spans((t.start, t.end) for t in doc.tables)   # the table model's rows: read from its cells
    caption = None                                    # the factor a caption line's unit (`Đơn vị: đồng`) gives
    for par in doc.seg.paragraphs:
        if " | " not in par.text or in_tables.overlaps(par.start, par.end):
            money_columns, heads, above = {}, [], None      # the table ended
            cm = g.caption_unit.fullmatch(par.text.strip()) if len(par.text) <= CAPTION_MAX else None
            caption = g.multipliers.get((cm.group("mult") or "").casefold(), 1) if cm else None
            continue
        cells, pos = [], par.start
        for cell in par.text.split("|"):
            cells.append((pos, cell))
            pos += len(cell) + 1
        unit_at = next((i for i, (_, c) in enumerate(cells) if g.unit_cell.fullmatch(c.strip())), None)
        if unit_at is None:
            if not any(CELL_NUMBER.fullmatch(c) for _, c in cells):
                heads = _trimmed([c for _, c in cells])
            part = _part_row(cells, above, heads, g) if above is not None else []
            if part and above is not None:
                out += [_unit_cell_money(doc, g, above[0], start, nm, purpose) for start, nm, purpose in part]
                continue
            above = None
            header = {j: hm for j, (_, c) in enumerate(cells) if (hm := g.unit_in_header.search(c))}
            if header and not any(CELL_NUMBER.fullmatch(c) for _, c in cells):
                # `STT | Nội dung | Kinh phí (triệu đồng)`: the rows below hold amounts in that unit
                money_columns = {j: (g.multipliers.get((hm.group("mult") or "").casefold(), 1),
                                     clean_phrase(cells[j][1][:hm.start()])) for j, hm in header.items()}
                continue
            labels = [c.strip(" -–+•*") for _, c in cells if HAS_LETTER.search(c)]
            if caption is not None and not money_columns:
                out += _caption_unit_cells(doc, g, cells, caption, labels[0] if labels else "")
                continue
            for j, (factor, head) in money_columns.items():
                if j >= len(cells):
                    continue
                nm = CELL_NUMBER.fullmatch(cells[j][1])
                if not nm:
                    continue
                s, e = cells[j][0] + nm.start("n"), cells[j][0] + nm.end("n")
                out.append(Money(**doc.provenance(s, e), rule="money.table_unit_header",
                                 amount_vnd=round(read_number(nm.group("n"), factor == 1) * factor),
                                 qualifier="exact", purpose=" ".join(x for x in (labels[:1] + [head]) if x)))
            continue
        um = g.unit_cell.fullmatch(cells[unit_at][1].strip())
        assert um is not None  # unit_at is the cell this same fullmatch found
        labels = [c.strip(" -–+•*") for _, c in cells[:unit_at] if regex.search(r"\p{L}", c)]
        label = labels[-1] if labels else ""
        numbers = [(start, nm, j) for j, (start, cell) in enumerate(cells) if j > unit_at
                   and (nm := CELL_NUMBER.fullmatch(cell))]
        hu = next((k for k, h in enumerate(heads) if g.unit_header_word.fullmatch(h.strip())), None)
        over = [heads[j - unit_at + hu].strip() if hu is not None and 0 <= j - unit_at + hu < len(heads) else ""
                for _, _, j in numbers]
        several = len({h for h in over if h}) > 1
        for (start, nm, _), head in zip(numbers, over):
            purpose_text = " - ".join(x for x in (label, head if several else "") if x)
            out.append(_unit_cell_money(doc, g, um, start, nm, purpose_text))
        above = (um, label)
    return out


def _caption_unit_cells(doc: ParsedDoc, g: Grammar, cells: list, factor: int, label: str) -> list[Money]:
    """The numbers of a row under a caption line's unit (`Đơn vị: đồng`) that
    no header names: each cell after the first holding a number alone, not one
    below the floor of a table in đồng (a coefficient, a count). Only a row
    of one label (several are rows run together, their serials no amounts),
    and not a total row (`Tổng giai đoạn 2026-2030`: the figures keep totals)."""
    out: list[Money] = []
    if sum(1 for _, c in cells if HAS_LETTER.search(c)) != 1 or g.total_row.match(label):
        return out
    for start, cell in cells[1:]:
        nm = CELL_NUMBER.fullmatch(cell)
        if not nm:
            continue
        value = read_number(nm.group("n"), factor == 1) * factor
        if factor == 1 and value < g.dong_floor:
            continue
        s, e = start + nm.start("n"), start + nm.end("n")
        out.append(Money(**doc.provenance(s, e), rule="money.table_cell", amount_vnd=round(value),
                         qualifier="exact", purpose=_unquoted(label)))
    return out


def _unquoted(label: str) -> str:
    """A label without the quotes around the titles it names (`"Chiến sĩ thi đua cơ sở"`)."""
    return " ".join(regex.sub(r"[\"“”]", "", label).split())


def _trimmed(cells: list[str]) -> list[str]:
    """A row's cells without the empty ones its outer bars make."""
    while cells and not cells[0].strip():
        cells = cells[1:]
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _part_row(cells: list, above, heads: list[str], g: Grammar) -> list:
    """A row of a label that is part of the row above (`- Cấp giấy chứng
    nhận ...`) and numbers only, under a unit row: (start, number match,
    purpose) of each number, the numbers under the last headers."""
    if above is None:
        return []
    texts = [(start, c) for start, c in cells if c.strip()]
    if len(texts) < 2 or not HAS_LETTER.search(texts[0][1]) or not g.part_row.match(texts[0][1].strip()):
        return []
    numbers = [(start, CELL_NUMBER.fullmatch(c)) for start, c in texts[1:]]
    if not all(nm for _, nm in numbers):
        return []
    label = " - ".join(x for x in (above[1], texts[0][1].strip(" -–+•*")) if x)
    named = [h.strip() for h in heads if h.strip()]
    over = named[-len(numbers):] if len(named) >= len(numbers) else [""] * len(numbers)
    several = len(set(h for h in over if h)) > 1
    return [(start, nm, " - ".join(x for x in (label, head if several else "") if x))
            for (start, nm), head in zip(numbers, over)]


def _unit_cell_money(doc: ParsedDoc, g: Grammar, um, start: int, nm, purpose_text: str) -> Money:
    factor = g.multipliers.get((um.group("mult") or "").casefold(), 1)
    s, e = start + nm.start("n"), start + nm.end("n")
    return Money(**doc.provenance(s, e), rule="money.table_unit_cell",
                 amount_vnd=round(read_number(nm.group("n"), factor == 1) * factor),
                 qualifier="exact", per_unit=um.group("per") or "", purpose=purpose_text)


def _parts_of_wholes(doc: ParsedDoc, g: Grammar) -> list[Money]:
    """`11,7/12,7 nghìn tỷ đồng`, `4.105,72 tỷ đồng/4.300,5 tỷ đồng`: the two
    amounts of a pair, the unit written after it applying to both. Against a
    plan (money.actual_plan: a plan word in the clause, or the first above the
    second) they are the actual and the plan, else a part and its whole; both
    rows carry the pair's start. A qualifier or estimate before the pair is the
    first amount's."""
    out = []
    text = doc.text
    for m in _money_matches(doc, g, g.part_of_whole):
        unit = m.group("unit")
        words = unit.casefold().split()
        if not any(w in g.multipliers for w in words) and not any(w in g.currency for w in words):
            continue
        sentence = doc.seg.sentence_at(m.start())
        if not any(w in g.currency for w in words) and not g.context.search(sentence.text):
            continue
        qualifier, first = _qualifier_before(text, m.start(), sentence, g)
        shared = purpose(text, first, m.end(), sentence, g, _leads_over(doc, first))
        own_unit = m.group("part_unit") or unit
        values = [numbers.read_amount(f"{m.group('part')} {own_unit}"),
                  numbers.read_amount(f"{m.group('whole')} {unit}")]
        plan = values[0] > values[1] or _against_plan(text, m, sentence, g)
        rule, roles = ("money.actual_plan", ("actual", "plan")) if plan else ("money.part_of_whole", ("part", "whole"))
        spans = [(first, m.end("part_unit") if m.group("part_unit") else m.end("part")), (m.start("whole"), m.end())]
        for (start, end), value, role, q in zip(spans, values, roles, (qualifier, "exact")):
            out.append(Money(**doc.provenance(start, end), rule=rule, amount_vnd=round(value), qualifier=q,
                             purpose=shared, role=role, pair_start=first))
    return out


def _against_plan(text: str, m, sentence, g: Grammar) -> bool:
    """A plan word (`kế hoạch`, `dự toán`) in the clause of the pair: `thu ngân
    sách 4.105,72/4.300,5 tỷ đồng, đạt 95,47% kế hoạch`."""
    before = text[sentence.start:m.start()]
    clause_start = sentence.start + before.rfind(";") + 1
    clause_end = text.find(";", m.end(), sentence.end)
    return bool(g.plan_words.search(text, clause_start, clause_end if clause_end >= 0 else sentence.end))


def _qualifier_before(text: str, start: int, sentence, g: Grammar) -> tuple[str, int]:
    """The qualifier of an amount starting at start and where its mention then
    starts: a qualifier word right before it (`trên`, `khoảng`, `ước đạt`), else
    an estimate word a few words before it in its clause (`Ước thực hiện cả năm
    là 9.420 tỷ đồng`, not `vượt dự kiến 450 tỷ đồng`); else exact."""
    qm = g.qualifier.search(text, max(0, start - 25), start)
    if qm:
        return g.qualifier_kind[regex.sub(r"\s+", " ", qm.group(1)).casefold()], qm.start(1)
    window = max(sentence.start, start - g.estimate_reach)
    em = g.estimate.search(text, window, start)
    if em and not g.estimate_not_after.search(text, max(sentence.start, em.start() - 20), em.start()):
        return "approx", em.start()
    return "exact", start


def _money_matches(doc: ParsedDoc, g: Grammar, pattern):
    """The matches of pattern (g.amount, g.part_of_whole) that may be money, in
    text order: the pattern runs only on the paragraphs (lines: no amount runs
    over one) where a digit is followed by a multiplier or currency word that
    ends there, as in every amount that is not a bare number."""
    for k in doc.seg.paragraphs_hit(g.amount_trigger, doc.lower):
        par = doc.seg.paragraphs[k]
        for m in pattern.finditer(doc.text, par.start, par.end):
            doc.check_time()
            yield m


def find(doc: ParsedDoc) -> list[Money]:
    g = grammar()
    text = doc.text
    pairs = _parts_of_wholes(doc, g)
    out: list[Money] = _table_cells(doc, g) + pairs
    # an amount inside a pair (`4.105,72 tỷ đồng` of `4.105,72 tỷ đồng/4.300,5 tỷ đồng`) is the pair's
    paired = sorted((r.pair_start, r.end) for r in pairs if r.role in ("plan", "whole"))
    pair_starts = [s for s, _ in paired]
    for m in _money_matches(doc, g, g.amount):
        k = bisect.bisect_right(pair_starts, m.start()) - 1
        if k >= 0 and m.start() < paired[k][1]:
            continue
        value_text = m.group("value")
        has_mult = any(w in g.multipliers for w in value_text.casefold().split())
        if not has_mult and not m.group("currency"):
            continue                     # a bare number
        sentence = doc.seg.sentence_at(m.start())
        if not m.group("currency"):
            if g.foreign.match(text, m.end("value")):
                continue                 # `5 triệu USD`
            if g.count_noun.match(text, m.end("value")):
                continue                 # `2 triệu lượt khách`
            if not g.context.search(sentence.text):
                continue
        if m.group("currency") and _not_currency(g, text, m):
            continue
        start, end = m.start(), m.end()
        if m.group("per"):
            per = m.group("per")
        else:
            per = ""
        amount = numbers.read_amount(value_text)
        qualifier = "exact"
        amount_max = None
        if m.group("low"):
            low_text = m.group("low") + (" " + m.group("lowmult") if m.group("lowmult") else "")
            if not m.group("lowmult"):
                # `từ 10 đến 15 triệu`: the low end shares the high end's multiplier
                mult_words = [w for w in value_text.casefold().split() if w in g.multipliers]
                low_text += (" " + mult_words[-1]) if mult_words else ""
            amount_max = amount
            amount = numbers.read_amount(low_text)
            # `từ 500 - 1.500.000 đồng`: the low end leaves out the thousands the high end writes
            if (not m.group("lowmult") and not regex.search(r"[.,]", m.group("low"))
                    and regex.search(r"\.\d{3}$", value_text.split()[0])):
                while amount and amount * 1000 <= amount_max:
                    amount *= 1000
            qualifier = "range"
        if qualifier == "exact":
            qualifier, start = _qualifier_before(text, start, sentence, g)
        if per and regex.match(r"\d", per):
            per = ""
        each = None if per else g.each.match(text, m.end())
        if each:          # `3.000.000đ cho mỗi tập thể`: per tập thể, the span stays the amount
            per = each.group("unit")
        if m.group("per") and per:
            end = m.end("per")
        else:
            end = m.end("currency") if m.group("currency") else m.end("value")
        if qualifier == "exact":
            am = g.qualifier_after.match(text, end)
            reach = g.qualifier_after_reach
            tu = g.qualifier_after_lead.search(text[max(0, start - reach):start])
            if am and tu:       # `từ 6.600.000 đồng/m² trở lên`
                qualifier = g.qualifier_after_kind[am.group(1).casefold()]
                start, end = start - (len(text[max(0, start - reach):start]) - tu.start()), am.end()
        rule = "money.range" if m.group("low") else "money.per_unit" if per else "money.amount"
        rec = Money(**doc.provenance(start, end), rule=rule, amount_vnd=round(amount), qualifier=qualifier,
                    amount_max_vnd=round(amount_max) if amount_max is not None else None,
                    per_unit=per, purpose=purpose(text, start, end, sentence, g, _leads_over(doc, start)))
        out.append(rec)
    out += _table_model_cells(doc, g, out)
    out.sort(key=lambda r: r.start)
    return out


def _leads_over(doc: ParsedDoc, offset: int):
    """What the paragraph at offset sits under, nearest first: its own lead-in
    (`- Mặt hàng gà: ...`; a table row's first cell is none), then the leads and
    headings over it (read only when a purpose is asked of them)."""
    paragraphs = doc.seg.paragraphs
    k = doc.seg.paragraph_index(offset)
    if " | " not in paragraphs[k].text:
        yield paragraphs[k].lead_in
    for up in structure.outline(doc).leads_over(k):
        yield paragraphs[up].text


def purpose(text: str, start: int, end: int, sentence, g: Grammar, leads=()) -> str:
    """The phrase the money belongs to.

    Walking back over the comma-separated chunks of the clause before the
    amount, the first chunk holding a money word (a trigger in rules/money.yaml)
    gives the phrase: from its first trigger (or from after `để`, "in order
    to") up to the amount. When that leaves only the verb (`Hỗ trợ 05 triệu
    đồng cho 01 hộ`), the clause after the amount completes it. A phrase that
    names nothing (empty, a list marker, `Mức`) is taken from the structure:
    the lead-in the sentence sits under, else the heading over it."""
    # parentheses are asides: blank them, keeping offsets
    span = regex.sub(r"\([^()]*\)", lambda m: " " * len(m.group()), text[sentence.start:start])
    cut, label_cut = 0, None
    for m in regex.finditer(r"[;:(]|\.\s", span):
        cut = m.end()
        label_cut = m if m.group() == ":" else None
    if label_cut and not span[cut:].strip():
        # `Tổng kinh phí: 150.000.000đ`: the label before the colon names it
        cut = max([0] + [m.end() for m in regex.finditer(r"[;(]|\.\s", span[:label_cut.start()])])
        span = span[:label_cut.start()]
    # an earlier amount whose clause holds no money word of its own shares its
    # purpose: `Tặng thưởng 3.000.000đ cho mỗi tập thể và 1.500.000đ cho mỗi cá nhân`
    earlier = g.amount.search(span, cut)
    while earlier and not _is_money(earlier, g):
        earlier = g.amount.search(span, earlier.end())
    if (earlier and regex.search(r"[\p{L}]", span[cut:earlier.start()])
            and not g.trigger.search(span, earlier.end())):
        span = span[:earlier.start()]
    # a comma inside a name is not a clause boundary (`Quỹ thi đua, khen thưởng`)
    before = _without_linker(span[cut:], g, keep_space=True)
    before = g.comma_names.sub(lambda m: m.group().replace(",", "\u201a"), before)
    chunks = [c for c in DECIMAL_SAFE_CHUNK.finditer(before)]      # `1,0 lần`: a decimal comma splits nothing
    phrase, found = "", False
    for c in reversed(chunks[-3:]):
        # a capitalised trigger inside a chunk is a proper noun (`Chi đoàn`, `Ngân sách nhà nước`)
        triggers = [t for t in g.trigger.finditer(before, c.start(), c.end())
                    if t.group()[0].islower() or not before[c.start():t.start()].strip()]
        if triggers:
            begin = triggers[0].start()
            purpose_mark = list(g.purpose_mark.finditer(before[begin:c.end()]))
            if purpose_mark:
                begin += purpose_mark[-1].end()
            phrase, found = before[begin:], True
            # `Qua thanh tra, kiểm tra phát hiện vi phạm ...`: the means opening the
            # clause goes with the purpose (`phát hiện vi phạm qua thanh tra, kiểm tra`)
            means = g.means_lead.match(before[:begin])
            if means and means.group("means").strip(" ,"):
                phrase += " " + means.group("lead").casefold() + " " + means.group("means").strip(" ,")
            break
    if not found and chunks:
        phrase = chunks[-1].group()
    phrase = _tidy(phrase.replace("\u201a", ","), g)
    if not phrase or (found and len(phrase.split()) <= 2):
        each = g.each.match(text, end)        # `cho mỗi tập thể` is the per-unit, not the purpose
        tail_start = each.end() if each else end
        clause_stop = regex.search(r"[,;.()]|$", text[tail_start:sentence.end])
        assert clause_stop is not None  # `$` always matches
        clause_end = clause_stop.start()
        after = _tidy(text[tail_start:tail_start + clause_end], g)
        after = regex.sub(r"^và(?![\p{L}]).*", "", after)
        if after.startswith(g.purpose_after_leads) or not phrase:
            phrase = (phrase + " " + after).strip()
    return _from_structure(phrase, leads, g)


def _from_structure(phrase: str, leads, g: Grammar) -> str:
    """`a) Mức 1: 5.000.000 đồng` under `2. Mức tiền thưởng như sau:`: a
    purpose that names nothing is the first of leads (the sentence's lead-in,
    the leads and headings over it) that names something, without `như sau`,
    its list marker and numbers, when that is short and not in capitals (a
    section title) and holds no amount of its own (a sibling item)."""
    if not g.says_nothing.fullmatch(phrase):
        return phrase
    for lead in leads:
        if any(_is_money(m, g) for m in g.amount.finditer(lead or "")):
            continue                # a line with an amount of its own is an item, not a heading
        named = _tidy(g.context_tail.sub("", _without_marker(lead or "")), g)
        if (named and not g.says_nothing.fullmatch(named) and not named.isupper()
                and len(named.split()) <= g.context_max_words):
            return named
    return phrase


# a list item's marker: `a)`, `1.`, `1.2.`, `II.`, `(3)`, a bullet
LIST_MARKER = regex.compile(r"^[ ]*(?:[a-zđA-Z]\)|\(?\d{1,3}\)|\d{1,3}(?:\.\d{1,3})*\.|[IVXLC]{1,6}\.|[-–+•*]+)"
                            r"(?=[ ]|$)[ ]*")


def _without_marker(phrase: str) -> str:
    """The phrase without the list markers it opens with (`a) Mức`, `- + Kinh phí`)."""
    phrase = " ".join(phrase.split())
    for _ in range(3):
        bare = LIST_MARKER.sub("", phrase, count=1)
        if bare == phrase:
            break
        phrase = bare
    return phrase


def _without_linker(phrase: str, g: Grammar, keep_space: bool = False) -> str:
    """The phrase without the linking words at its end (`với tổng kinh phí`),
    unless they are all there is (`Tổng kinh phí: 150.000.000đ`)."""
    stripped = g.linker_tail.sub("", " " + phrase)[1:]
    if not regex.search(r"\p{L}", stripped):
        stripped = phrase
    return stripped if keep_space else stripped.strip()


DECIMAL_SAFE_CHUNK = regex.compile(r"(?:[^,]|(?<=\d),(?=\d))+")
PARENTHESIS = regex.compile(r"\([^()]*\)")
PERCENTAGE = regex.compile(r"(?<![\p{L}\d])\d+(?:[.,]\d+)*[ ]?%")


def _tidy(phrase: str, g: Grammar) -> str:
    phrase = _without_marker(phrase)
    phrase = PARENTHESIS.sub(" ", phrase)
    phrase = g.given_count.split(phrase)[0]
    phrase = PERCENTAGE.sub(" ", phrase)
    phrase = g.loose_number.sub(" ", phrase)
    phrase = clean_phrase(phrase)
    phrase = _without_linker(phrase, g)
    phrase = g.date_word_tail.sub("", phrase)
    return clean_phrase(phrase)


# ---------------------------------------------------------------- table cells (the table model)

def _table_model_cells(doc: ParsedDoc, g: Grammar, found: list[Money]) -> list[Money]:
    """The numbers alone in the cells of the tables the reader found whose
    unit is money, by where the unit is written: in a cell of the row
    (money.table_unit_cell, the row's label as the purpose), in the column
    header (money.table_unit_header, the label and the header), or in the
    caption (money.table_cell: `Đơn vị tính: triệu đồng`, the label, with the
    column header when the table has several money columns). Not a cell
    another rule read, nor one of a total row (`Tổng cộng`: the figures table
    keeps it), nor a serial or count column."""
    out: list[Money] = []
    claimed = Spans((r.start, r.end) for r in found)
    for table in doc.tables:
        doc.check_time()
        units = _cell_units(table, g)
        money_cols = {c.col for c in cell_parts.body_cells(table) if c.col in units[1] and cell_parts.number_span(c)}
        leaves = _row_leaves(table, units[0])
        for cell in cell_parts.body_cells(table):
            unit = units[0].get(id(cell)) or units[1].get(cell.col)
            if not unit or cell.total:
                continue
            number = cell_parts.number_span(cell)
            if number is None or claimed.overlaps(number[0], number[1]):
                continue
            rule, factor, per, purpose_text = unit
            if rule == "money.table_cell" and factor == 1 and read_number(number[2], True) < g.dong_floor:
                continue                    # a coefficient or count in a table in đồng
            if rule == "money.table_unit_cell" and len(leaves.get(cell.row, ())) > 1:
                # several amounts in the row, each under its own header (`Cự ly dưới 500m`)
                purpose_text = " - ".join(x for x in (purpose_text, cell_parts.header_leaf(cell)) if x)
            if rule == "money.table_cell":
                label, head = cell_parts.row_label(cell), cell_parts.header_leaf(cell)
                purpose_text = label if label and len(money_cols) == 1 else (
                    f"{label} ({head})" if label and head else label or head)
            elif rule == "money.table_unit_header":     # the label, the header, the lower header under it
                leaf = cell_parts.header_leaf(cell)
                purpose_text = " ".join(x for x in (cell_parts.row_label(cell), purpose_text,
                                                    leaf if leaf != purpose_text else "") if x)
            out.append(Money(**doc.provenance(number[0], number[1]), rule=rule,
                             amount_vnd=round(read_number(number[2], factor == 1) * factor),
                             qualifier="exact", per_unit=per, purpose=purpose_text,
                             **cell_parts.provenance(table, cell)))
    return out


def _row_leaves(table, by_cell: dict) -> dict[int, set[str]]:
    """Per row, the distinct column headers over its amounts in a row's own unit."""
    leaves: dict[int, set[str]] = {}
    for cell in cell_parts.body_cells(table):
        if id(cell) in by_cell and cell_parts.number_span(cell):
            leaves.setdefault(cell.row, set()).add(cell_parts.header_leaf(cell))
    return {r: {x for x in ls if x} for r, ls in leaves.items() if len(ls) > 1}


def _cell_units(table, g: Grammar) -> tuple[dict, dict]:
    """The money units of a table's body cells: by cell, those after a unit
    cell of their row (`Hành khách | đồng/người | 1.000`), or, in a row that
    is part of the row above with its unit cell blank (`Trong đó: chi khác
    tối thiểu | | 2.300.000`), the unit of the row above; by column, those its
    header or the caption gives. Each is (rule, factor, per unit, purpose or head)."""
    by_cell: dict[int, tuple] = {}
    above: tuple | None = None            # the unit and label path of the row above
    for row in table.rows():
        at = next((k for k, c in enumerate(row)
                   if c.col > 0 and not c.header and g.unit_cell.fullmatch(_plain_cell(c.text))), None)
        if at is None:
            above = _part_row_unit(row, above, g, by_cell)
            continue
        um = g.unit_cell.fullmatch(_plain_cell(row[at].text))
        assert um is not None  # `at` is the cell this same fullmatch found
        path = _label_path(row[at], g)
        unit = ("money.table_unit_cell", g.multipliers.get((um.group("mult") or "").casefold(), 1),
                um.group("per") or "", " - ".join(path))
        by_cell.update({id(c): unit for c in row[at + 1:]})
        above = (unit, path)
    by_column: dict[int, tuple | None] = {}
    for cell in cell_parts.body_cells(table):
        if cell.col in by_column or any(g.not_money_header.match(h) for h in cell.col_header):
            continue
        by_column[cell.col] = _column_unit(cell, table, g)
    return by_cell, {col: unit for col, unit in by_column.items() if unit}


def _plain_cell(text: str) -> str:
    return cell_parts.plain(text).strip()


def _part_row_unit(row, above: tuple | None, g: Grammar, by_cell: dict) -> tuple | None:
    """A row without a unit cell: when it is a part of the row above (its label
    opens with `Trong đó`, `-`) and holds numbers, the numbers are in the unit
    of the row above, and its purpose is the label above with its own. Returns
    what the next row may continue from (None when the table goes on otherwise)."""
    if above is None or not row:
        return None
    label_cell = next((c for c in row if not c.header and HAS_LETTER.search(c.text)), None)
    if label_cell is None or not g.part_row.match(label_cell.text):
        return None
    numbers = [c for c in row if c.col > label_cell.col and cell_parts.number_span(c)]
    if not numbers:
        return None
    (rule, factor, per, _), path = above
    own = _tidy_label(label_cell.text, g)
    unit = (rule, factor, per, " - ".join(path[-1:] + (own,)))
    by_cell.update({id(c): unit for c in numbers})
    return above


def _label_path(cell, g: Grammar) -> tuple[str, ...]:
    """The row's labels as a purpose: the group row over it, then its own label."""
    return tuple(label for label in (_tidy_label(x, g) for x in cell.row_header) if label)


def _tidy_label(label: str, g: Grammar) -> str:
    """A row label as a purpose: without markdown emphasis, list dashes, a
    leading `Trong đó:`'s colon, or a long explanatory note in brackets."""
    text = cell_parts.plain(" ".join(label.split())).strip(" -–+•*:")
    for note in regex.findall(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", text):
        if len(note.split()) > g.note_words:
            text = text.replace(note, " ")
    return " ".join(text.split()).strip(" ,;:")


def _column_unit(cell, table, g: Grammar) -> tuple | None:
    for head in reversed(cell.col_header):
        hm = g.unit_in_header.search(head)
        if hm:          # `Kinh phí (triệu đồng)`: the header before its note goes with the purpose
            return ("money.table_unit_header", g.multipliers.get((hm.group("mult") or "").casefold(), 1),
                    (hm.group("per") or "").strip(), clean_phrase(head[:hm.start()]))
    if cell.col_header and cell.unit != table.unit:
        return None                       # the column states another unit (`Số lượng (người)`)
    um = g.unit_cell.fullmatch(table.unit.strip(" .")) if table.unit else None
    if um is None or (not cell.col_header and cell.col == 0):
        return None
    return ("money.table_cell", g.multipliers.get((um.group("mult") or "").casefold(), 1),
            (um.group("per") or "").strip(), "")


SPEC = ExtractorSpec(
    name="money", record=Money, find=find, rules_file="money", label="MONEY", color="#c9f2d0",
    columns=("amount_vnd", "qualifier", "purpose", "per_unit", "amount_max_vnd", "role", "pair_start"),
    claims_numbers=True,
    facets=("qualifier",),
    about="amounts of money in đồng as integers, as trên 14 triệu đồng")
