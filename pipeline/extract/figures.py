"""Other quantitative claims (table: figures): counts with their unit noun,
ratios, percentages with what they are of, areas and other measures.

Candidates come from four patterns compiled once from rules/figures.yaml, each
tried only where one trigger over the lower-cased text finds a number that
pattern can start:

- percent  ``[qualifier] N%``                      (`đạt 89,72% tỷ lệ thu hồi`)
- ratio    ``a/b <unit>``                          (`03/19 xã đạt 19 tiêu chí`)
- measure  ``N <m2|ha|km|tấn|...> [noun]``         (`49.424 m2 đất`)
- count    ``[qualifier] N [multiplier] <unit>[/<per>]`` (`1.902 cuộc thanh tra, kiểm tra`)

A bare ``a/b`` is a ratio only when a percentage follows it (`03/19, chiếm
15,8%`). A number inside a money or award mention (an extractor whose spec
claims its numbers) is not a figure (those tables hold it), nor is a number
after a word that makes it a year, day or article, or after a document kind
(`Đề án 06 tỉnh Lâm Đồng`: the kinds of rules/citations.yaml). A count inside
a ratio's or percentage's ``of_what`` phrase (`đạt 19 tiêu chí`) belongs to
that phrase; of other overlapping candidates the earlier (or longer) one is
kept. The qualifier (`trên`, `hơn`, `khoảng`, ...) is part of the mention's
text, as in the money table, so checks can widen tolerances.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from .. import rules
from ..models import Figure
from .base import ExtractorSpec, ParsedDoc, specs
from .common import Spans
from .parts import cells, numbers
from .parts.numbers import COUNT as NUM
from .parts.numbers import PERCENT as PNUM
from .parts.numbers import read_count, read_percent
from .parts.text import clean_phrase

BEFORE = r"(?<![\p{L}\p{N}.,/\-–])"
AFTER = r"(?![\p{L}\p{N}])"

# patterns used per candidate, compiled once (the module-level regex functions look each up in a cache)
LEAD_SPACE = regex.compile(r"[ ]*")
PHRASE_CUT = regex.compile(r"[,;:.()\[\]…\"“”]|$")
NONSPACE = regex.compile(r"\S+")
CAPITALISED = regex.compile(r"\p{Lu}\p{Ll}")
NUMBER_OR_CAPITAL = regex.compile(r"\d|\p{Lu}\p{Ll}")
DIGIT = regex.compile(r"\d")
CLAUSE_MARK = regex.compile(r"[;()]")
LETTER = regex.compile(r"\p{L}")
RANGE_BEFORE = regex.compile(r"\d[ ]*[-–][ ]*$")


@dataclass(frozen=True)
class Grammar:
    count: regex.Pattern
    ratio: regex.Pattern
    percent: regex.Pattern
    measure: regex.Pattern
    measure_kind: dict
    multipliers: dict
    qualifier_tail: regex.Pattern
    not_after: regex.Pattern
    of_what_lead: regex.Pattern
    of_what_stop: regex.Pattern
    of_what_not_first: regex.Pattern
    percent_subject: regex.Pattern
    clause_lead: regex.Pattern
    subject_tail: regex.Pattern
    verb_compound: regex.Pattern
    max_words: int
    number_trigger: re.Pattern
    percent_next: regex.Pattern      # what makes a bare ratio one: a percentage next (`03/19, chiếm 15,8%`)


@rules.compiled("figures", "citations", "numbers")
def grammar() -> Grammar:
    cfg = rules.load("figures")
    units = rules.alternation(cfg["units"], boundary=False)
    mult = numbers.multipliers()
    mult_alt = rules.alternation(mult, boundary=False)
    kinds = {}
    for kind, words in cfg["measures"].items():
        for w in words:
            kinds[w.casefold()] = kind
    measure_alt = rules.alternation(kinds, boundary=False)
    nouns = rules.alternation(cfg["measure_nouns"], boundary=False)
    quals = [w for words in cfg["qualifiers"].values() for w in words]
    # a number right after a document kind is the document's number (`Đề án 06`, `Chỉ thị 12`)
    kind_words = [w for k in rules.load("citations")["doc_kinds"] for w in k["words"]]
    return Grammar(
        number_trigger=_number_trigger(units=cfg["units"], multipliers=mult, measures=kinds),
        count=regex.compile(
            rf"{BEFORE}(?P<num>{NUM})(?:[ ](?P<mult>{mult_alt}))?[ ]+(?P<unit>{units}){AFTER}"
            rf"(?:[ ]?/[ ]?(?P<per>\p{{L}}+){AFTER})?", regex.IGNORECASE),
        ratio=regex.compile(
            rf"{BEFORE}(?P<num>\d{{1,6}})[ ]?/[ ]?(?P<den>\d{{1,6}})(?![\d/\p{{L}}])"
            rf"(?:[ ]+(?P<unit>{units}){AFTER})?", regex.IGNORECASE),
        percent=regex.compile(rf"{BEFORE}(?P<num>{PNUM})[ ]?%"),
        measure=regex.compile(
            rf"{BEFORE}(?P<num>{NUM})[ ]?(?P<unit>{measure_alt}){AFTER}(?:[ ]+(?P<noun>{nouns}){AFTER})?",
            regex.IGNORECASE),
        measure_kind=kinds,
        multipliers=mult,
        qualifier_tail=regex.compile(r"(?:^|(?<=[\s(]))(" + rules.alternation(quals, boundary=False) + r")[ ]+$",
                                     regex.IGNORECASE),
        not_after=regex.compile(r"(?:^|(?<=[^\p{L}]))(?:" + rules.alternation(cfg["not_after"] + kind_words,
                                                                             boundary=False)
                                + rf")[ ]*(?:{rules.as_written(cfg['not_after_number_words'])}[ ]*)?:?[ ]*$"),
        of_what_lead=regex.compile(r"^(?:" + rules.alternation(cfg["of_what_lead"], boundary=False) + r")[ ]+",
                                   regex.IGNORECASE),
        of_what_stop=regex.compile(r"[ ]+" + rules.alternation(cfg["of_what_stop"]), regex.IGNORECASE),
        of_what_not_first=regex.compile(r"^" + rules.alternation(cfg["of_what_not_first"]), regex.IGNORECASE),
        percent_subject=regex.compile(r"(?:[ ]+|^)(?:" + rules.alternation(cfg["percent_verbs"], boundary=False)
                                      + r")[ ]*$", regex.IGNORECASE),
        clause_lead=regex.compile(r"^(?:" + rules.alternation(cfg["clause_leads"], boundary=False) + r")[ ,:]+",
                                  regex.IGNORECASE),
        verb_compound=regex.compile(r"(?:^|(?<=[^\p{L}]))(?:" + rules.alternation(cfg["verb_compounds"],
                                                                                 boundary=False) + r")[ ]*$",
                                    regex.IGNORECASE),
        subject_tail=regex.compile(r"(?:[ ]+(?:" + rules.alternation(cfg["subject_adverbs"], boundary=False)
                                   + r"))+$", regex.IGNORECASE),
        max_words=int(cfg.get("of_what_max_words", 8)),
        percent_next=regex.compile(rf"[ ,]*(?:\(|{rules.as_written(cfg['ratio_percent_verbs'])}[ ]+)?{PNUM}[ ]?%"),
    )


def _number_trigger(*, units, multipliers, measures) -> re.Pattern:
    """Where a figure can start, as one standard-``re`` pattern over the
    lower-cased text (``ParsedDoc.lower``): a digit that BEFORE lets start a
    number, followed by what one of the four patterns needs after its number,
    each a superset of that pattern's own continuation.  The named group says
    which patterns to try there: after the run of digits, `.` and `,` comes
    `/` (ratio), `%` (percent) or a letter (measure, count), so at most one
    alternative holds."""
    def words(ws) -> str:
        # the entries' spaces match any whitespace, as alternation's do
        return rules.literal_trigger(ws, cross_lines=True).pattern

    # `[^\W_]`: a letter or digit (`re` has no \p{L}); checked after the digit, so the scan starts at digits only
    start = r"\d(?<![^\W_]\d)(?<![.,/\-–]\d)"
    return re.compile(
        start + r"(?="
        r"(?P<ratio>\d*[ ]?/[ ]?\d+(?![\d/]))"
        r"|(?P<percent>[\d.,]*[ ]?%)"
        r"|(?P<unit>[\d.,]*(?:[ ]?" + words(measures) + r"|(?:[ ]" + words(multipliers) + r")?[ ]+"
        + words(units) + r")))")


def _figure_matches(doc: ParsedDoc, g: Grammar) -> tuple[list, list, list, list]:
    """What ``finditer`` of the percent, ratio, measure and count patterns over
    the whole text finds, with each pattern tried only where the number trigger
    says it may match (four full-text scans with a lookbehind at every
    character cost several times one ``re`` scan that stops at digits)."""
    text = doc.text
    tries = {"percent": ((g.percent, 0),), "ratio": ((g.ratio, 1),), "unit": ((g.measure, 2), (g.count, 3))}
    found: tuple[list, list, list, list] = ([], [], [], [])
    ends = [-1, -1, -1, -1]             # each pattern's matches do not overlap, as finditer's
    for hit in g.number_trigger.finditer(doc.lower):
        doc.check_time()
        pos = hit.start()
        assert hit.lastgroup is not None  # each alternative of the trigger is a named group
        for pattern, k in tries[hit.lastgroup]:
            if pos >= ends[k]:
                m = pattern.match(text, pos)
                if m:
                    ends[k] = m.end()
                    found[k].append(m)
    return found


def _number(value: float):
    return int(value) if float(value).is_integer() else round(value, 6)


def _phrase_after(text: str, pos: int, limit: int, g: Grammar, allow_lead_stop: bool) -> tuple[str, int, int]:
    """The phrase right after ``pos``: up to punctuation or a stop word, at most
    ``max_words`` words. Returns (phrase, start, end) in text offsets."""
    m = LEAD_SPACE.match(text[pos:limit])
    assert m is not None  # `[ ]*` matches, if only the empty string
    start = pos + m.end()
    seg = text[start:limit]
    phrase_stop = PHRASE_CUT.search(seg)
    assert phrase_stop is not None  # `$` always matches
    cut = phrase_stop.start()
    seg = seg[:cut]
    lead = g.of_what_lead.match(seg)
    if lead:
        start += lead.end()
        seg = seg[lead.end():]
    for sm in g.of_what_stop.finditer(" " + seg):
        if sm.start() == 0 and allow_lead_stop:
            continue
        seg = seg[:max(0, sm.start())]
        break
    words = list(NONSPACE.finditer(seg))[:g.max_words]
    for i in range(1, len(words)):
        # a table cell or sentence with no full stop: `... vị trí 1 Áp dụng cho thửa đất`
        if CAPITALISED.match(words[i].group()) and words[i - 1].group()[-1:].isdigit():
            words = words[:i]
            break
    if not words:
        return "", start, start
    end = start + words[-1].end()
    return clean_phrase(text[start:end]), start, end


def _percent_of_what(text: str, m, clause_start: int, clause_end: int, g: Grammar) -> tuple[str, int, int]:
    phrase, s, e = _phrase_after(text, m.end(), clause_end, g, allow_lead_stop=False)
    # not another number (`65%, 50% và 35%`), nor the next sentence when its full
    # stop is missing (`chiếm 7,76% Những hoạt động ...`: a capitalised word)
    if (phrase and not NUMBER_OR_CAPITAL.match(phrase) and "%" not in phrase
            and not g.of_what_not_first.match(phrase)):
        return phrase, s, e
    # `trong đó Người lao động trực tiếp đạt 82%`: the subject before the verb
    before = text[clause_start:m.start()]
    vm = g.percent_subject.search(before)
    if not vm or g.verb_compound.search(before):
        return "", m.end(), m.end()
    subject = g.subject_tail.sub("", before[:vm.start()].rstrip())     # `(đến nay mới đạt 39,5%)`
    subject = subject.strip() + " "
    lead = g.clause_lead.match(subject)
    subject = subject[lead.end():] if lead else subject
    subject = clean_phrase(subject)
    if not subject or DIGIT.search(subject) or len(subject.split()) > g.max_words:
        return "", m.end(), m.end()
    s = text.rfind(subject, clause_start, m.start())
    return subject, s, s + len(subject)


def _clause(text: str, sent_start: int, sent_end: int, pos: int) -> tuple[int, int]:
    """The clause around pos: between `;`, `(`, `)` (and the sentence ends)."""
    start = sent_start
    for m in CLAUSE_MARK.finditer(text[sent_start:pos]):
        start = sent_start + m.end()
    em = CLAUSE_MARK.search(text[pos:sent_end])
    end = pos + em.start() if em else sent_end
    return start, end


def _qualified_start(text: str, start: int, g: Grammar) -> int:
    qm = g.qualifier_tail.search(text, max(0, start - 20), start)
    return qm.start(1) if qm else start


def _blocked(text: str, start: int, g: Grammar) -> bool:
    return bool(g.not_after.search(text[max(0, start - 20):start]))


def find(doc: ParsedDoc) -> list[Figure]:
    g = grammar()
    text = doc.text
    taken = Spans([(r.start, r.end) for s in specs().values() if s.claims_numbers for r in doc.once(s.name, s.find)])
    cands: list[tuple[int, int, dict, tuple[int, int] | None]] = []   # start, end, fields, inner phrase span
    percents, ratios, measures, counts = _figure_matches(doc, g)

    for m in percents:
        sent = doc.seg.sentence_at(m.start())
        cs, ce = _clause(text, sent.start, sent.end, m.start())
        of_what, ws, we = _percent_of_what(text, m, cs, ce, g)
        start = _qualified_start(text, m.start(), g)
        end = m.end()
        cands.append((start, end, dict(rule="figures.percent", kind="percent",
                                       value=_number(read_percent(m.group("num"))),
                                       of_what=of_what), (ws, we) if of_what else None))

    for m in ratios:
        if _blocked(text, m.start(), g):
            continue
        num, den = int(m.group("num")), int(m.group("den"))
        if den == 0:
            continue
        unit = m.group("unit") or ""
        sent = doc.seg.sentence_at(m.start())
        end = m.end() if unit else m.end("den")
        # a bare `a/b` is a ratio only when a percentage follows it in the clause
        if not unit and not g.percent_next.match(text[end:sent.end]):
            continue
        of_what, ws, we = ("", end, end)
        if unit:
            of_what, ws, we = _phrase_after(text, end, sent.end, g, allow_lead_stop=True)
            if of_what and not LETTER.match(of_what):
                of_what = ""
        cands.append((m.start(), end, dict(rule="figures.ratio", kind="ratio", value=num, denominator=den,
                                           unit=clean_phrase(unit), of_what=of_what), (ws, we) if of_what else None))

    for m in measures:
        if _blocked(text, m.start(), g):
            continue
        unit = m.group("unit")
        end = m.end("noun") if m.group("noun") else m.end("unit")
        cands.append((_qualified_start(text, m.start(), g), end,
                      dict(rule="figures.measure", kind=g.measure_kind[unit.casefold()],
                           value=_number(read_count(m.group("num"))),
                           unit=unit, of_what=m.group("noun") or ""), None))

    for m in counts:
        if _blocked(text, m.start(), g):
            continue
        if RANGE_BEFORE.search(text[max(0, m.start() - 8):m.start()]):
            continue                         # the upper end of a range `50 - 100 lượt`
        value = read_count(m.group("num"))
        if m.group("mult"):
            value *= g.multipliers[m.group("mult").casefold()]
        elif not value.is_integer():
            continue                         # a count has no decimals
        unit = clean_phrase(m.group("unit"))
        end = m.end("unit")
        if m.group("per"):
            unit += "/" + m.group("per")
            end = m.end("per")
        cands.append((_qualified_start(text, m.start(), g), end,
                      dict(rule="figures.count", kind="count", value=_number(value), unit=unit), None))

    # a count inside a ratio's or percentage's phrase belongs to that phrase
    inner = Spans(span for *_, span in cands if span)
    cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    out: list[Figure] = []
    last_end = -1
    for start, end, fields, _ in cands:
        doc.check_time()
        if taken.overlaps(start, end):
            continue
        if fields["kind"] == "count" and inner.contains(start, end):
            continue
        if start < last_end:
            continue                         # overlaps a longer or earlier figure
        out.append(Figure(**doc.provenance(start, end), **fields))
        last_end = end
    totals = _table_totals(doc, out)
    return sorted(out + totals, key=lambda f: f.start) if totals else out


def _table_totals(doc: ParsedDoc, found: list[Figure]) -> list[Figure]:
    """figures.table_total: the numbers of a table's total row (`Tổng cộng`,
    `Cộng`), kept so that a check can add up the rows above against them: the
    value as written, the unit the cell's column or table states (else its
    column header), of_what the cell's headers."""
    out: list[Figure] = []
    taken = Spans((f.start, f.end) for f in found)
    for table in doc.tables:
        for cell in cells.body_cells(table):
            number = cells.number_span(cell) if cell.total else None
            if number is None or taken.overlaps(number[0], number[1]):
                continue
            whole_units = not cell.unit or "%" not in cell.unit
            out.append(Figure(**doc.provenance(number[0], number[1]), rule="figures.table_total", kind="total",
                              value=_number(numbers.read_number(number[2], whole_units)),
                              unit=cell.unit or cells.header_leaf(cell), of_what=cell.header_path,
                              **cells.provenance(table, cell)))
    return out


SPEC = ExtractorSpec(
    name="figures", record=Figure, find=find, rules_file="figures", label="FIGURE", color="#b9ece8",
    columns=("kind", "value", "denominator", "unit", "of_what"),
    needs=("money", "awards"),
    facets=("kind",),
    about="other quantitative claims: counts, ratios, percentages, areas")
