"""Award and title counts (table: awards).

For every award or title named in a clause (rules/awards.yaml), the counts
that belong to it are read from just before it (`21 tập thể và 25 cá nhân được
tặng Bằng khen`, `74 Tập thể lao động tiên tiến`) or just after it (`Giấy khen
... tặng cho 154 tập thể và 372 cá nhân`, `không quá 05 cá nhân`), or are the
recipients named after it (`cho ông Nguyễn Văn An`); a title given or proposed
without a count, in a year, is one for the unit itself. The conferrer comes
from `của X` after the award or from the subject of `X tặng`; the year from the
clause or the lead-in it sits under (rules/dates.yaml); the status (awarded,
proposed, pending, quota) from the clause's words. The recipients are the names
in brackets after the counts, in the list under the sentence or in the annex
the sentence points to. Tables are read by row: a list of recipients with
their award, or a summary with a column of counts per recipient type.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import regex

from .. import rules
from ..models import Award
from . import document
from .base import ExtractorSpec, ParsedDoc
from .common import Spans
from .parts import cells as cell_parts
from .parts import dates, issuers, numbers, structure
from .parts.numbers import WHOLE as COUNT
from .parts.text import clean_phrase


@dataclass(frozen=True)
class Grammar:
    award: regex.Pattern
    award_trigger: re.Pattern            # where an award name may be: the award pattern runs there only
    title_of: dict
    recipient_of_title: dict
    order_class: dict
    recipient_of_word: dict
    count_rt: regex.Pattern
    pre: regex.Pattern
    post: regex.Pattern
    post_quota: regex.Pattern
    status: dict
    verbs: str
    list_lead_in: regex.Pattern
    list_lead_in_reach: int       # characters a match of list_lead_in spans at most (normalized text)
    annex_pointer: regex.Pattern
    annex_heading: regex.Pattern
    not_names: regex.Pattern
    annex_section: regex.Pattern
    giving_verb: regex.Pattern
    bare_conferrer: regex.Pattern
    threshold_before: regex.Pattern
    threshold_after: regex.Pattern
    sentence_year: regex.Pattern
    year: regex.Pattern            # `năm 2023`, not a year of a list or period (`năm 2020, 2021`)
    years_listed: regex.Pattern    # `năm 2020, ...`, `năm 2019-2025`
    post_named: regex.Pattern
    named_first: regex.Pattern
    # the words of rules/awards.yaml set into small patterns, as written
    threshold_range: regex.Pattern      # `từ` before a count that is a threshold
    conferrer_subject_lead: regex.Pattern
    conferrer_aux: regex.Pattern        # `đang xem xét` ending a conferrer subject
    conferrer_of: regex.Pattern         # ` của ` after an award
    conferred_by_end: regex.Pattern     # `được ` before a conferrer subject
    conferral_opener: regex.Pattern
    not_proposed_after: regex.Pattern
    proposal_context: regex.Pattern
    count_column: regex.Pattern         # `Số ` of a header cell `Số tập thể`
    breakdown: regex.Pattern            # `(10 tập thể, 5 cá nhân)` after `15 Bằng khen`
    item_counts: regex.Pattern          # `không quá 04 cá nhân;` ending a list item
    either_type: regex.Pattern          # `(tập thể hoặc cá nhân)` after a count: no recipient type
    any_year: regex.Pattern             # any year written (a stated year of any kind blocks the report's)
    report_kinds: frozenset             # document kinds whose one-year period is the year of their counts


@rules.compiled("awards", "numbers", "dates")
def grammar() -> Grammar:
    cfg = rules.load("awards")
    title_of, recipient_of_title = {}, {}
    for t in cfg["titles"]:
        for f in t["forms"]:
            title_of[f.casefold()] = t["name"]
        recipient_of_title[t["name"]] = t.get("recipient") or ""
    orders = rules.alternation(cfg["orders"], boundary=False)
    classes = "|".join(regex.escape(str(k)) for k in cfg["order_classes"])
    order_word, class_word = rules.as_written([cfg["order_word"]]), rules.as_written([cfg["order_class_word"]])
    award = (rf"(?<![\p{{L}}])(?:{order_word}[ ]+(?P<order>{orders})"
             rf"(?:[ ]+{class_word}[ ]+(?P<cls>{classes}))?(?![\p{{L}}])"
             rf"|(?P<title>{rules.alternation(title_of.keys(), boundary=False)})(?![\p{{L}}]))")
    recipient_of_word = {k.casefold(): v for k, v in cfg["recipient_words"].items()}
    rt = rules.alternation(recipient_of_word.keys(), boundary=False)
    # a count in digits, maybe glossed in words (`05 (năm) tập thể`), or in words (`hai tập thể`)
    words = rules.alternation(numbers.number_words().keys(), boundary=False)
    spoken = rf"(?<![\p{{L}}])(?:{words})(?:[ ]+(?:{words})){{0,2}}(?![\p{{L}}])"
    counted = rf"(?:(?:{COUNT})(?:[ ]*\([ ]*\p{{L}}[\p{{L}} ]{{0,40}}\))?|{spoken})"
    count_rt = rf"(?P<n>{counted})[ ]+(?P<rt>{rt})(?![\p{{L}}])"
    group = rf"(?:{counted})[ ]+(?:{rt})(?:[ ]*(?:,|và)[ ]*(?:{counted})[ ]+(?:{rt}))*(?![\p{{L}}])"
    verbs = rules.alternation(cfg["conferral_verbs"], boundary=False)
    nouns = rules.alternation(cfg["award_nouns"], boundary=False)
    quota = rules.alternation(cfg["status_words"]["quota"], boundary=False)
    # `03 tập thể được Thủ tướng Chính phủ tặng Bằng khen`: the conferrer between count and verb
    by_words = rules.as_written(cfg["conferred_by_words"])
    by = rf"(?:{by_words}[ ]+(?P<by>(?-i:\p{{Lu}})[\p{{L}}\- –]{{1,60}}?)[ ]+)?"      # capitalised: a name
    pre = regex.compile(
        rf"(?:(?P<counts>{group})[ ]+{by}(?:(?:{verbs})[ ]+)?(?:(?:{nouns})[ ]+)?"
        rf"|(?:(?P<verb>{verbs})[ ]+)?(?P<bare>{COUNT})[ ]+(?:(?:{nouns})[ ]+)?)[“\"«]?$", regex.IGNORECASE)
    # between the award and what follows it: a closing quote, the year or round
    # (`danh hiệu “Tập thể lao động xuất sắc” năm 2023 cho 15 tập thể`)
    ds = dates.sources()
    year_of = rf"{ds.year_word}[ ]+({ds.year})"          # `năm 2023`, the year its group
    rounds, count_leads = rules.as_written(cfg["round_words"]), rules.as_written(cfg["count_recipient_leads"])
    between = rf"[”\"»’]?(?:[ ]*,?[ ]*(?:{ds.year_word}[ ]+{ds.year}|{rounds}[ ]+[\p{{L}}\d]+))*"
    post = regex.compile(rf"{between}[ ]*:?[ ]*(?:(?:{verbs})[ ]+)?(?:{count_leads}[ ]+)?"
                         rf"(?:(?P<quota>{quota})[ ]+)?(?P<counts>{group})",
                         regex.IGNORECASE)
    post_quota = regex.compile(rf"[^;.:]{{0,80}}?(?P<quota>{quota})[ ]+(?P<counts>{group})", regex.IGNORECASE)
    # one named recipient, or a few joined by `và` / `,`: `Tặng Bằng khen ... cho
    # ông Nguyễn Văn An, Trưởng phòng ...`, `cho Phòng Tư pháp huyện Lệ Thủy`
    named_first = rules.alternation(list(cfg["recipient_person_titles"]) + list(cfg["recipient_unit_starts"]),
                                    boundary=False)
    named_leads = rules.as_written(cfg["named_recipient_leads"])
    name_ends = rules.alternation(cfg["recipient_name_ends"], boundary=False)
    post_named = regex.compile(rf"{between}[ ]*{named_leads}[ ]+(?P<names>(?:{named_first})(?![\p{{L}}])"
                               rf"[^;.()]*?)(?=,?[ ]+(?:{name_ends})"
                               rf"(?![\p{{L}}])|[;.(]|$)")
    status = {k: regex.compile(rules.alternation(v), regex.IGNORECASE) for k, v in cfg["status_words"].items()}
    breakdown_leads = rules.alternation(cfg["breakdown_leads"], boundary=False)
    threshold_after_words = rules.alternation(cfg["threshold_after_words"], boundary=False)
    sentence_year_leads = rules.alternation(cfg["sentence_year_leads"], boundary=False)
    conferrers_without_cua = rules.alternation(cfg["conferrers_without_cua"], boundary=False)
    return Grammar(award=regex.compile(award, regex.IGNORECASE), title_of=title_of,
                   award_trigger=rules.literal_trigger([cfg["order_word"]] + list(title_of)),
                   recipient_of_title=recipient_of_title,
                   order_class={str(k).casefold(): v for k, v in cfg["order_classes"].items()},
                   recipient_of_word=recipient_of_word, count_rt=regex.compile(count_rt, regex.IGNORECASE),
                   pre=pre, post=post, post_quota=post_quota, status=status, verbs=verbs,
                   post_named=post_named,
                   # `I. Tập thể`, `II. Cá nhân` (OCR: `IL.`), maybe with the first item run on
                   annex_section=regex.compile(rf"^\s*(?:[IVXLl1]{{1,4}}|[A-D])[.)]?\s*(?P<rt>{rt})(?![\p{{L}}])"
                                               r"\s*[-–:]?\s*(?P<rest>.*)$", regex.IGNORECASE),
                   annex_pointer=regex.compile(rules.alternation(cfg["annex_pointers"], boundary=False),
                                               regex.IGNORECASE),
                   annex_heading=regex.compile(r"(?:^|\s)" + rules.alternation(cfg["annex_headings"], boundary=False)
                                               + r"(?:\s|$)"),
                   not_names=regex.compile(rules.alternation(cfg["parenthesis_not_names"], boundary=False),
                                           regex.IGNORECASE),
                   threshold_before=regex.compile(rf"(?:{rules.alternation(cfg['threshold_words'], boundary=False)})"
                                                  r"[ ]+$", regex.IGNORECASE),
                   threshold_after=regex.compile(rf"[”\"»’]?[ ]+(?:{threshold_after_words})"
                                                 r"(?![\p{L}])", regex.IGNORECASE),
                   # `Năm 2023, ...` opening a sentence
                   sentence_year=regex.compile(rf"^[-–+•*\s]*(?:(?:{sentence_year_leads})"
                                               rf"[ ]+)?{year_of}[ ]*,", regex.IGNORECASE),
                   year=regex.compile(rf"(?i){year_of}(?![ ]*[,–-][ ]*{ds.year})(?!\d)"),
                   years_listed=regex.compile(rf"(?i){ds.year_word}[ ]+{ds.year}[ ]*[,–-]"),
                   bare_conferrer=regex.compile(rf"[ ]+(?=(?:{conferrers_without_cua})"
                                                rf"(?![\p{{L}}]))"),
                   giving_verb=regex.compile(rules.alternation(cfg["giving_verbs"]), regex.IGNORECASE),
                   named_first=regex.compile(rf"^(?:{named_first})(?![\p{{L}}])"),
                   list_lead_in=regex.compile(rf"(?:{rules.alternation(cfg['list_lead_ins'], boundary=False)})"
                                              r"[ ]*:[ ]*$", regex.IGNORECASE),
                   # the words, `:` and a space either side (no runs of white space)
                   list_lead_in_reach=max(map(len, cfg["list_lead_ins"])) + 3,
                   threshold_range=regex.compile(
                       rf"(?i)(?<![\p{{L}}]){rules.as_written(cfg['threshold_range_words'])}[ ]+$"),
                   conferrer_subject_lead=regex.compile(
                       rf"(?i)(?:^|[ ,(]){rules.as_written(cfg['conferrer_subject_leads'])}[ ]+"),
                   conferrer_aux=regex.compile(rf"(?i)(?:[ ]+{rules.as_written(cfg['conferrer_aux_words'])})+$"),
                   conferrer_of=regex.compile(rf"[ ]+{rules.as_written(cfg['conferrer_leads'])}[ ]+"),
                   conferred_by_end=regex.compile(rf"(?i){by_words}[ ]+$"),
                   conferral_opener=regex.compile(rf"[\s\-–+•*]*{rules.as_written(cfg['conferral_openers'])}",
                                                  regex.IGNORECASE),
                   not_proposed_after=regex.compile(rf"(?i){rules.as_written(cfg['not_proposed_after'])}[ ]+$"),
                   proposal_context=regex.compile(rf"(?i){rules.as_written(cfg['proposal_context_words'])}"),
                   count_column=regex.compile(rf"(?i)^{rules.as_written(cfg['count_column_words'])}[ ]+"),
                   breakdown=regex.compile(rf"[ ]*(?:\([ ]*|,[ ]*(?={breakdown_leads}))(?:{breakdown_leads}[ ]*:?[ ]*)?"
                                           rf"(?P<counts>{group})(?:[ ]*\))?", regex.IGNORECASE),
                   item_counts=regex.compile(rf"(?:(?P<quota>{quota})[ ]+)?(?P<counts>{group})"
                                             r"(?P<note>[ ]*\([^()]{0,80}\))?[ ]*[;.,]?[ ]*$", regex.IGNORECASE),
                   either_type=regex.compile(rf"[ ]*\([ ]*{rules.alternation(cfg['either_type_notes'], boundary=False)}"
                                             r"[ ]*\)", regex.IGNORECASE),
                   any_year=regex.compile(rf"(?<!\d){ds.year}(?!\d)"),
                   report_kinds=frozenset(cfg["report_kinds"]))


def _counts(counts: str, g: Grammar) -> list[tuple[int | None, str]]:
    """(count, recipient type) of each `N tập thể` / `N cá nhân` of a written group of counts."""
    return [(numbers.read_spoken(m.group("n")), g.recipient_of_word[m.group("rt").casefold()])
            for m in g.count_rt.finditer(counts)]


def _breakdown(text: str, after: int, c_end: int, g: Grammar) -> tuple[list, int] | None:
    """The breakdown right after a count (`, gồm 10 tập thể và 5 cá nhân`,
    `(08 tập thể, 04 cá nhân)`): its counts by recipient type and where it ends."""
    parts = g.breakdown.match(text, after, min(c_end, after + NEAR))
    if not parts:
        return None
    counts = _counts(parts.group("counts"), g)
    return (counts, parts.end()) if len(counts) > 1 else None


def _is_condition(text: str, count_start: int, award_end: int, g: Grammar) -> bool:
    """A count that states a threshold of a rule (`từ 02 cá nhân ... trở lên`,
    `ít nhất 01 tập thể`), not how many were awarded."""
    before = text[max(0, count_start - 20):count_start]
    if g.threshold_before.search(before):
        return True
    return bool(g.threshold_range.search(before)
                and g.threshold_after.match(text, award_end))


def _award_name(m, g: Grammar) -> str:
    if m.group("order"):
        cfg = rules.load("awards")
        name = cfg["order_word"] + " " + regex.sub(r"\s+", " ", m.group("order"))
        # capitalise as the law writes it: `Huân chương Lao động hạng Ba`
        for canon in cfg["orders"]:
            if canon.casefold() == m.group("order").casefold():
                name = cfg["order_word"] + " " + canon
        if m.group("cls"):
            name += f" {cfg['order_class_word']} " + g.order_class[m.group("cls").casefold()]
        return name
    return g.title_of[regex.sub(r"\s+", " ", m.group("title")).casefold()]


def _clauses(sentence_text: str, base: int, g: Grammar):
    """Clauses of a sentence: split at `;` and after a lead-in colon, except a
    colon after an award name (`Chiến sĩ thi đua cơ sở: 25 cá nhân`)."""
    start = 0
    for m in regex.finditer(r";|:(?=\s)", sentence_text):
        if m.group() == ":" and g.award.search(sentence_text, start, m.start()):
            continue
        yield base + start, base + m.start()
        start = m.end()
    yield base + start, base + len(sentence_text)


def _subject_conferrer(text: str, clause_start: int, pos: int) -> tuple[str, int]:
    """`Chánh Thanh tra tỉnh tặng ...`, `Được Tổng Thanh tra Chính phủ tặng ...`:
    the capitalised subject of the last conferral verb before pos."""
    g = grammar()
    verbs = list(g.giving_verb.finditer(text, clause_start, pos))
    if not verbs:
        return "", -1
    v = verbs[-1]
    head = text[clause_start:v.start()]
    head = g.conferrer_subject_lead.split(head)[-1]
    head = head.rstrip(" ,").split(", ")[-1]      # `Năm 2023, Chủ tịch UBND huyện tặng ...`
    head = g.conferrer_aux.sub("", head.rstrip())
    head = regex.sub(r"^[\s\-–+•*]+", "", head)
    if not head or not head[0].isupper() or regex.search(r"\d", head) or len(head.split()) > 9:
        return "", -1
    return clean_phrase(head), text.find(head, clause_start)


RECIPIENTS = regex.compile(r"[ ]*\(([^()]{2,400})\)")
# how far a match of a short pattern after an award is let run: the regex engine
# looks for the pattern's required characters (`(`, `)`) as far as the end it is
# given, so without an end each award scanned the rest of the document
NEAR = 1024


def _recipients(text: str, pos: int, count, g: Grammar) -> str:
    m = RECIPIENTS.match(text, pos, min(len(text), pos + NEAR))   # (not text[pos:]: a copy of the rest)
    if not m:
        return ""
    inner = m.group(1).strip()
    if g.not_names.match(inner) \
            or "%" in inner:
        return ""
    if count == 1:
        return inner
    parts = [p.strip() for p in regex.split(r"[;,]", inner) if p.strip()]
    if count is not None and len(parts) != count:
        return inner
    return "; ".join(parts)


def _named_recipients(names: str, g: Grammar) -> list[str]:
    """`Sở Nội vụ và Sở Tư pháp` -> two names, when each part starts like a
    name; else the whole phrase is one (`ông A, Trưởng phòng B`)."""
    parts = [p.strip() for p in regex.split(r",[ ]*|[ ]+và[ ]+", names) if p.strip()]
    if len(parts) > 1 and all(g.named_first.match(p) for p in parts):
        return parts
    return [names.strip()]


def _recipient_type(person: bool) -> str:
    """A person's recipient type or a unit's, as the table writes it (rules/awards.yaml recipient_types)."""
    return rules.load("awards")["recipient_types"]["person" if person else "unit"]


def _recipient_kind(name: str) -> str:
    return _recipient_type(bool(_person().match(name)))


LIST_ITEM = regex.compile(r"^[ \t]*(?:\d{1,3}[.)]|[a-zđ]\)|[-–+•*])[ \t]+(?P<item>\S.*?)[ \t]*[;.,]?[ \t]*$")


def _listed_recipients(doc: ParsedDoc, g: Grammar, sent_end: int) -> str:
    """The names in the list a sentence ending `gồm:` introduces, one per line."""
    k = doc.seg.paragraph_index(sent_end - 1)
    par = doc.seg.paragraphs[k]
    # the lead-in ends the paragraph (`$`), and normalized text has no runs of
    # white space: it lies in the paragraph's last list_lead_in_reach characters
    # (searching the paragraph's rest, per award, was quadratic on a long line)
    if not g.list_lead_in.search(doc.text, max(par.start, sent_end - 40, par.end - g.list_lead_in_reach), par.end):
        return ""
    names = []
    paragraphs = doc.seg.paragraphs
    for i in range(k + 1, len(paragraphs)):         # (no copy of the paragraphs after it)
        nxt = paragraphs[i]
        m = LIST_ITEM.match(nxt.text)
        if not m or " | " in nxt.text:
            break
        names.append(m.group("item").rstrip(" ;.,"))
    return "; ".join(names)


TABLE_ROW = regex.compile(r"^\s*(\d{1,4})\.?\s*\|(.+)$")


@rules.compiled("awards")
def _person() -> regex.Pattern:
    """A name that starts with a person's title (`ông`, `bà`, `đồng chí`: rules/awards.yaml)."""
    titles = rules.alternation(rules.load("awards")["recipient_person_titles"], boundary=False)
    return regex.compile(rf"^(?:{titles})\s", regex.IGNORECASE)


def _table_rows(doc: ParsedDoc, g: Grammar) -> tuple[list[Award], set[int]]:
    """Award lists in tables (`TT | Tên tập thể/cá nhân | Hình thức khen thưởng`):
    each numbered row is one award to the recipient named in its other cell."""
    out, rows_at = [], set()
    header, caption = "", ""
    count_columns: dict[int, str] = {}
    in_tables = Spans((t.start, t.end) for t in doc.tables)   # a summary of counts there is read from its cells
    for k, par in enumerate(doc.seg.paragraphs):
        doc.check_time()
        m = TABLE_ROW.match(par.text)
        if m and count_columns and in_tables.overlaps(par.start, par.end):
            continue
        if not m:
            if " | " in par.text:
                header = par.text
                count_columns = _count_columns(par.text, g)
                caption = doc.seg.paragraphs[k - 1].text if k and " | " not in doc.seg.paragraphs[k - 1].text else ""
            else:
                count_columns = {}
            continue
        cells = [c.strip() for c in m.group(2).split("|")]
        award_cells = [(i, am) for i, c in enumerate(cells) if (am := g.award.search(c))]
        if not award_cells:
            continue
        i, am = award_cells[0]
        if count_columns:
            # a summary table: `STT | Hình thức khen thưởng | Tập thể | Cá nhân` with counts in the columns
            row_cells = [c.strip() for c in par.text.split("|")]
            found = _table_counts(doc, g, par, row_cells, count_columns, am, cells[i], caption)
            if found:
                out.extend(found)
                rows_at.add(par.start)
                continue
            # no counts under those columns: a list of names (`STT | Tập thể | Hình thức`)
        names = [c for j, c in enumerate(cells) if j != i and c and not regex.fullmatch(r"[\d.,\s]+", c)]
        if not names:
            continue
        name = max(names, key=len)
        cell = cells[i]
        conferrer = ""
        cm = g.conferrer_of.match(cell[am.end():])
        if cm:
            conferrer = clean_phrase(cell[am.end() + cm.end():issuers.extent(cell, am.end() + cm.end(), False)])
        kind = g.recipient_of_title.get(_award_name(am, g), "")
        if not kind:
            person, unit = _recipient_type(True), _recipient_type(False)
            only_people = person in header.casefold() and unit not in header.casefold()
            kind = person if _person().match(name) or only_people else unit
        start = par.start + len(par.text) - len(par.text.lstrip())
        out.append(Award(**doc.provenance(start, par.end), rule="awards.table_row", award=_award_name(am, g),
                         conferrer=conferrer, recipient_type=kind, count=1,
                         year=_year(par.text, 0, 0, len(par.text), doc.seg.sentence_at(par.start)),
                         status=_status(g, par.text, 0, 0, len(par.text), doc.seg.sentence_at(par.start), False),
                         recipients=name))
        rows_at.add(par.start)
    return out, rows_at


def _count_columns(header: str, g: Grammar) -> dict[int, str]:
    """Column index -> recipient type, for a header row whose cells are recipient
    words (`Tập thể`, `Cá nhân`, `Số tập thể`); empty when it has none."""
    cols = {}
    for j, cell in enumerate(header.split("|")):
        word = g.count_column.sub("", cell.strip()).casefold()     # `Số tập thể`: the count's own word
        if word in g.recipient_of_word:
            cols[j] = g.recipient_of_word[word]
    return cols


def _table_counts(doc, g, par, row_cells, count_columns, am, award_cell, caption) -> list[Award]:
    award = _award_name(am, g)
    conferrer = ""
    cm = g.conferrer_of.match(award_cell[am.end():])
    if cm:
        conferrer = clean_phrase(award_cell[am.end() + cm.end():issuers.extent(award_cell, am.end() + cm.end(), False)])
    sent = doc.seg.sentence_at(par.start)
    ym = g.year.search(caption) if caption else None
    year = int(ym.group(1)) if ym else _year(par.text, 0, 0, len(par.text), sent)
    status = _status(g, caption + " " + par.text, 0, 0, len(caption) + 1 + len(par.text), sent, False)
    start = par.start + len(par.text) - len(par.text.lstrip())
    out = []
    for j, rt in sorted(count_columns.items()):
        if j >= len(row_cells) or not regex.fullmatch(COUNT, row_cells[j]):
            continue
        out.append(Award(**doc.provenance(start, par.end), rule="awards.table_counts", award=award,
                         conferrer=conferrer, recipient_type=rt, count=numbers.read_spoken(row_cells[j]), year=year,
                         status=status, recipients=""))
    return out


def _sentences_naming_awards(doc: ParsedDoc, g, table_rows):
    """The sentences that name an award, outside the table rows read above; the
    award pattern runs only on the paragraphs where the award names' trigger
    is, and only those are split into sentences."""
    for k in doc.seg.paragraphs_hit(g.award_trigger, doc.lower):
        par = doc.seg.paragraphs[k]
        if par.start in table_rows or not g.award.search(doc.text, par.start, par.end):
            continue
        for sent in doc.seg.sentences_of(k):
            if g.award.search(sent.text):
                yield sent


def find(doc: ParsedDoc) -> list[Award]:
    g = grammar()
    text = doc.text
    out, table_rows = _table_rows(doc, g)
    from_cells = _table_model_cells(doc, g, out, table_rows)
    for sent in _sentences_naming_awards(doc, g, table_rows):
        doc.check_time()
        last_conferrer, last_status = "", ""
        for c_start, c_end in _clauses(sent.text, sent.start, g):
            clause = text[c_start:c_end]
            for am in g.award.finditer(text, c_start, c_end):
                award = _award_name(am, g)
                span_start, span_end = am.start(), am.end()
                conferrer = ""
                after = am.end()
                cm = g.conferrer_of.match(text[after:c_end]) or g.bare_conferrer.match(text[after:c_end])
                if cm:
                    iend = issuers.extent(text, after + cm.end(), allow_note=False)
                    if iend > after + cm.end():
                        conferrer = clean_phrase(text[after + cm.end():iend])
                        after = iend
                        span_end = iend
                counts: list[tuple[int | None, str]] = []   # no count: a title for the unit itself
                named_recipients = ""
                quota = False
                pm = g.pre.search(text[max(c_start, am.start() - 160):am.start()])
                window_base = max(c_start, am.start() - 160)
                if pm and pm.group("counts") and _is_condition(text, window_base + pm.start("counts"), am.end(), g):
                    continue        # `từ 02 cá nhân đạt danh hiệu ... trở lên`: a rule's threshold, no count
                rule, total = "", None
                if pm and pm.group("counts"):
                    rule = "awards.count_before"
                    counts = _counts(pm.group("counts"), g)
                    span_start = window_base + pm.start("counts")
                    if pm.group("by") and not conferrer:
                        conferrer = clean_phrase(pm.group("by"))
                elif pm and pm.group("bare"):
                    rule = "awards.bare_count_before"
                    rt = g.recipient_of_title.get(award, "") or _recipient_type(False)
                    counts = [(numbers.read_int(pm.group("bare")), rt)]
                    span_start = window_base + (pm.start("verb") if pm.group("verb") else pm.start("bare"))
                    parts = g.post.match(text, after, c_end) or g.breakdown.match(text, after, c_end)
                    if parts:   # `trao 15 Bằng khen cho 10 tập thể và 5 cá nhân`: the parts' rows, the total kept
                        rule, total = "awards.total_breakdown", counts[0][0]
                        counts = _counts(parts.group("counts"), g)
                        quota = bool(parts.groupdict().get("quota"))
                        span_end = after = parts.end()
                else:
                    qm = g.post.match(text, after, c_end) or g.post_quota.match(text, after, c_end)
                    if qm:
                        rule = "awards.count_after"
                        counts = _counts(qm.group("counts"), g)
                        quota = bool(qm.group("quota"))
                        span_end = qm.end()
                        after = qm.end()
                        either = (g.either_type.match(text, after, min(len(text), after + NEAR))
                                  if len(counts) == 1 else None)
                        if either:      # `05 trường hợp (tập thể hoặc cá nhân)`: either type
                            counts = [(counts[0][0], "")]
                            span_end = after = either.end()
                        parts = _breakdown(text, after, c_end, g) if len(counts) == 1 and not either else None
                        if parts:       # `cho 15 trường hợp, gồm 10 tập thể và 5 cá nhân`: the parts, the total kept
                            rule, total = "awards.total_breakdown", counts[0][0]
                            counts, span_end = parts
                            after = span_end
                    else:
                        nm = g.post_named.match(text, after, c_end)
                        if nm:
                            rule = "awards.named_after"
                            named = _named_recipients(nm.group("names"), g)
                            counts = [(len(named), _recipient_kind(named[0]))]
                            named_recipients = "; ".join(named)
                            span_end = nm.end()
                subj, subj_pos = _subject_conferrer(text, c_start, am.start())
                if not conferrer and subj:
                    conferrer = subj
                    if subj_pos >= 0:
                        span_start = min(span_start, subj_pos)
                        lead = g.conferred_by_end.search(text[c_start:span_start])
                        if lead:
                            span_start = c_start + lead.start()
                if not conferrer and g.conferral_opener.match(clause):
                    conferrer = last_conferrer
                if conferrer:
                    last_conferrer = conferrer
                stated_year = _year(text, am.start(), c_start, c_end, sent)
                year = stated_year or _year_from_structure(doc, g, sent.start, (sent.text, sent.context))
                status = _status(g, text, c_start, am.start(), c_end, sent, quota)
                # a clause that is only an award and its counts continues the one before:
                # `Đề nghị tặng Cờ thi đua cho 01 đơn vị; Bằng khen cho 04 tập thể`
                if status == "awarded" and last_status in ("proposed", "pending") \
                        and not text[c_start:am.start()].strip(" ,;-–+•*\t"):
                    status = last_status
                last_status = status
                if not counts:
                    # a title stated without a count, for the unit itself:
                    # `Chính phủ đang xem xét tặng Cờ thi đua năm 2021`
                    if not (stated_year and (subj or status == "pending")
                            and g.giving_verb.search(text, c_start, am.start())):
                        continue
                    ym = g.year.search(text, am.end(), c_end)
                    span_end = max(span_end, ym.end()) if ym else span_end
                    counts = [(None, g.recipient_of_title.get(award, "") or _recipient_type(False))]
                    rule = "awards.without_count"
                recip = _recipients(text, after, counts[0][0] if len(counts) == 1 else None, g) \
                    if len(counts) == 1 else ""
                recip = recip or named_recipients
                if not recip and len(counts) == 1 and counts[0][0] and c_end == sent.end:
                    recip = _listed_recipients(doc, g, sent.end)
                for n, rt in counts:
                    out.append(Award(**doc.provenance(span_start, span_end), rule=rule, award=award,
                                     conferrer=conferrer, recipient_type=rt, count=n, year=year, status=status,
                                     recipients=recip, total_count=total))
    out += _list_items(doc, g, table_rows)
    _recipients_from_annex(doc, g, out)
    out += from_cells
    out.sort(key=lambda a: a.start)
    return out


def _recipients_from_annex(doc: ParsedDoc, g: Grammar, awards: list[Award]) -> None:
    """Counts whose sentence sends the reader to the list attached (`cho 05 tập
    thể và 04 cá nhân (có Danh sách kèm theo)`) take the names under that list's
    `I. Tập thể` / `II. Cá nhân` headings, when the document has one such list."""
    waiting = [a for a in awards if not a.recipients and a.count and g.annex_pointer.search(a.sentence)]
    if not waiting:
        return
    pars = doc.seg.paragraphs
    heads = [i for i, p in enumerate(pars) if g.annex_heading.search(p.text) and len(p.text) < 200]
    if len(heads) != 1:
        return
    names: dict[str | None, list[str]] = {}   # under a section of no known recipient type: None
    kind = None
    for p in pars[heads[0] + 1:]:
        sm = g.annex_section.match(p.text)
        if sm:
            kind = g.recipient_of_word.get(sm.group("rt").casefold())
            names.setdefault(kind, [])
            rest = sm.group("rest")
            im = LIST_ITEM.match(rest) if rest else None
            if im:
                names[kind].append(im.group("item").rstrip(" ;.,/"))
            continue
        im = LIST_ITEM.match(p.text)
        if kind and im:
            names[kind].append(im.group("item").rstrip(" ;.,/"))
        elif kind and names[kind]:
            kind = None                       # the list ends
    for a in waiting:
        if names.get(a.recipient_type):
            a.recipients = "; ".join(names[a.recipient_type])


def _year(text: str, pos: int, clause_start: int, clause_end: int, sent) -> int | None:
    """The achievement year: `năm YYYY` in the clause after the award, else in
    the lead-in or heading the sentence sits under. Two years (`năm 2020,
    2021`) or a period (`giai đoạn 2019-2025`) give none."""
    g = grammar()
    m = g.year.search(text, pos, clause_end)
    if m:
        return int(m.group(1))
    if g.years_listed.search(text[pos:clause_end]):
        return None
    # `Năm 2021, có 45 tập thể đạt danh hiệu ...`
    before = list(g.year.finditer(text, clause_start, pos))
    if len(before) == 1:
        return int(before[0].group(1))
    # a year opening the sentence holds for all its clauses:
    # `Năm 2023, toàn tỉnh có ... ; 45 tập thể được tặng Cờ thi đua`
    m = g.sentence_year.match(sent.text)
    if m:
        return int(m.group(1))
    m = g.year.search(sent.context or "")
    return int(m.group(1)) if m else None


def _year_from_structure(doc: ParsedDoc, g: Grammar, offset: int, stated: tuple) -> int | None:
    """The year of a count whose own words (`stated`: its sentence, the lead-in
    it sits under) give none: the year of the lead or heading over its
    paragraph (`Kết quả khen thưởng năm 2021:`), else the report's year when
    the document reports on one year. None when any of them writes a year of
    another kind (`năm 2020, 2021`, `giai đoạn 2016-2020`)."""
    if any(g.any_year.search(t or "") for t in stated):
        return None
    paragraphs = doc.seg.paragraphs
    for k in structure.outline(doc).leads_over(doc.seg.paragraph_index(offset)):
        over = paragraphs[k].text
        ym = g.year.search(over)
        if ym:
            return int(ym.group(1))
        if g.any_year.search(over):
            return None
    return _report_year(doc, g)


def _report_year(doc: ParsedDoc, g: Grammar) -> int | None:
    """The year a report on one year's results is about (its period `2023`);
    None for plans, other kinds and periods of several years or part of one."""
    meta = document.meta_of(doc)
    period = meta.get("period") or ""
    if meta.get("doc_kind") in g.report_kinds and len(period) == 4 and period.isdigit():
        return int(period)
    return None


# ---------------------------------------------------------------- lists under a lead

def _list_items(doc: ParsedDoc, g: Grammar, table_rows) -> list[Award]:
    """awards.list_item: the items of a list under a lead that names the award
    and gives no count itself (`Tặng Bằng khen của Chủ tịch UBND tỉnh:` over
    `- Ban Tổ chức ...: không quá 04 cá nhân;`). Each item with a count is an
    entry: the lead's award, conferrer, status and year, the item's count and
    recipient type (its own quota word or year first). The list runs while its
    items sit under the lead (pipeline.extract.parts.structure) and name no
    award of their own."""
    out: list[Award] = []
    paragraphs, outline = doc.seg.paragraphs, structure.outline(doc)
    for k in doc.seg.paragraphs_hit(g.award_trigger, doc.lower):
        lead = paragraphs[k]
        if lead.start in table_rows or " | " in lead.text or g.count_rt.search(lead.text) \
                or not (structure.is_lead(lead.text) or outline.level(k) < structure.PROSE):
            continue
        am = g.award.search(doc.text, lead.start, lead.end)
        if not am:
            continue
        fields = _lead_fields(doc, g, k, am)
        for j in range(k + 1, len(paragraphs)):         # (each item is under one award's lead: linear)
            doc.check_time()
            item = paragraphs[j]
            chain = list(outline.leads_over(j))
            if k not in chain or (g.award_trigger.search(doc.lower, item.start, item.end)
                                  and g.award.search(doc.text, item.start, item.end)):
                break
            # the leads between the award's and the item (`b) Số lượng khen thưởng năm 2024:`)
            under = [paragraphs[i].text for i in chain[:chain.index(k)]]
            out.extend(_item_entries(doc, g, item, fields, under))
    return out


def _lead_fields(doc: ParsedDoc, g: Grammar, k: int, am) -> dict:
    """What a lead says of the counts listed under it: award, conferrer, quota, status and year."""
    text, lead = doc.text, doc.seg.paragraphs[k]
    conferrer = ""
    cm = g.conferrer_of.match(text, am.end(), lead.end) or g.bare_conferrer.match(text, am.end(), lead.end)
    if cm:
        conferrer = clean_phrase(text[cm.end():issuers.extent(text, cm.end(), allow_note=False)])
    if not conferrer:
        conferrer = _subject_conferrer(text, lead.start, am.start())[0]
    sent = doc.seg.sentence_at(am.start())
    quota = bool(g.status["quota"].search(lead.text))
    year = _year(text, am.start(), lead.start, lead.end, sent) \
        or _year_from_structure(doc, g, lead.start, (lead.text, sent.context))
    return dict(award=_award_name(am, g), conferrer=conferrer, quota=quota, year=year,
                status=_status(g, text, lead.start, am.start(), lead.end, sent, quota))


def _item_entries(doc: ParsedDoc, g: Grammar, item, lead: dict, under: list[str]) -> list[Award]:
    """The entries of one list item: `- Ban Chỉ đạo bầu cử của tỉnh: Không quá
    05 cá nhân` (a marked item, or a line with a label, ending in its counts).
    Its year and quota word are its own, else those of the leads it sits under
    (`under`, nearest first), else the award lead's."""
    text = doc.text
    if structure.level(item.text) == structure.PROSE and not item.lead_in:
        return []
    m = g.item_counts.search(text, item.start, item.end)
    if not m or g.threshold_before.search(text, max(item.start, m.start() - 20), m.start()):
        return []
    counts = _counts(m.group("counts"), g)
    end = m.end("counts")
    if len(counts) == 1 and m.group("note") and g.either_type.fullmatch(m.group("note")):
        counts, end = [(counts[0][0], "")], m.end("note")
    marker = LIST_ITEM.match(item.text)
    start = item.start + (marker.start("item") if marker else len(item.text) - len(item.text.lstrip()))
    years = [ym for ym in [g.year.search(text, item.start, m.start())] + [g.year.search(t) for t in under] if ym]
    quota = lead["quota"] or bool(m.group("quota")) or any(g.status["quota"].search(t) for t in under)
    return [Award(**doc.provenance(start, end), rule="awards.list_item", award=lead["award"],
                  conferrer=lead["conferrer"], recipient_type=rt, count=n,
                  year=int(years[0].group(1)) if years else lead["year"], status="quota" if quota else lead["status"],
                  recipients="")
            for n, rt in counts]


def _status(g: Grammar, text: str, c_start: int, pos: int, c_end: int, sent, quota: bool) -> str:
    if quota:
        return "quota"
    clause = text[c_start:c_end]
    # a parenthesis right after the clause (`(chưa có kết quả)`) belongs to it
    tail = regex.match(r"[ ]*\([^()]{0,80}\)", text[c_end:c_end + 90])
    if g.status["pending"].search(clause) or (tail and g.status["pending"].search(tail.group())):
        return "pending"
    before = text[c_start:pos]
    for m in g.status["proposed"].finditer(before):
        if not g.not_proposed_after.search(before[:m.start()]):
            return "proposed"
    if g.status["proposed"].search(sent.context or "") and g.proposal_context.search(sent.context or ""):
        return "proposed"
    return "awarded"


# ---------------------------------------------------------------- table cells (the table model)

def _table_model_cells(doc: ParsedDoc, g: Grammar, found: list[Award], rows_at: set[int]) -> list[Award]:
    """awards.table_cell: a count alone in a cell of a table of award counts
    the reader found, one entry per cell: the award named by the row's label,
    a column header or the caption; the recipient type by a column header
    (`Tập thể`, `Cá nhân`) or the award itself; conferrer, year and status
    from where the award is named, the headers and the caption. A cell another
    rule read (a row of awards.table_row, money) and a total row's cell
    (`Tổng cộng`: the figures table keeps it) are no entries. The rows it
    reads go into ``rows_at`` (their paragraphs' starts), which the sentence
    rules then leave alone."""
    out: list[Award] = []
    claimed = Spans((r.start, r.end) for r in found + doc.found.get("money", []))
    for table in doc.tables:
        doc.check_time()
        for cell in cell_parts.body_cells(table):
            number = cell_parts.number_span(cell)
            if (number is None or cell.total or not regex.fullmatch(COUNT, number[2]) or "%" in cell.unit
                    or g.any_year.fullmatch(number[2]) or claimed.overlaps(number[0], number[1])):
                continue
            award = _cell_award(cell, table, g)
            if award is None:
                continue
            out.append(_cell_entry(doc, g, table, cell, number, award))
            rows_at.update(doc.seg.paragraphs[_paragraph_at(doc, c.start)].start for c in table.cells
                           if c.row == cell.row)
        out += _list_rows(doc, g, table, claimed, rows_at)
    return out


def _list_rows(doc: ParsedDoc, g: Grammar, table, claimed: Spans, rows_at: set[int]) -> list[Award]:
    """awards.table_list: a table listing recipients, one a row: the name
    under a column headed as names (`Tên tập thể/cá nhân`: list_name_headers),
    the award named in another cell of the row. The recipient type is the
    award's own, or a cell of the row that names it (`Tập thể`, `TAPTHE`), or
    a person's title before the name; status and year from the caption and
    headers (`DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG`: proposed)."""
    header = _list_name_header()
    names = {c.col for c in table.cells if c.header and header.match(cell_parts.plain(c.text))}
    out: list[Award] = []
    for row in table.rows()[table.header_rows:]:
        name = next((c for c in row if c.col in names and HAS_LETTER.search(c.text)), None)
        award_cell = next((c for c in row if c is not name and g.award.search(c.text)), None)
        if name is None or award_cell is None or name.total:
            continue
        start, end = min(c.start for c in row if c.text), max(c.end for c in row if c.text)
        if claimed.overlaps(start, end):
            continue
        am = g.award.search(award_cell.text)
        award = _award_name(am, g)
        recipient = " ".join(cell_parts.plain(name.text).split())
        kind = g.recipient_of_title.get(award, "") or _named_kind(row, g) or _recipient_kind(recipient)
        out.append(_list_entry(doc, g, table, award_cell, am, (start, end), award, kind, recipient))
        rows_at.update(doc.seg.paragraphs[_paragraph_at(doc, c.start)].start for c in row)
    return out


HAS_LETTER = regex.compile(r"\p{L}")


@rules.compiled("awards")
def _list_name_header() -> regex.Pattern:
    words = rules.load("awards")["list_name_headers"]
    return regex.compile(rf"^(?:{rules.alternation(words, boundary=False)})(?![\p{{L}}])", regex.IGNORECASE)


def _named_kind(row, g: Grammar) -> str:
    """The recipient type a cell of the row names, however written (`Tập thể`, `TAPTHE`)."""
    words = {cell_parts.folded(w): kind for w, kind in g.recipient_of_word.items()}
    return next((words[f] for c in row if (f := cell_parts.folded(c.text)) in words), "")


def _list_entry(doc: ParsedDoc, g: Grammar, table, award_cell, am, span, award, kind, recipient) -> Award:
    conferrer = ""
    cm = g.conferrer_of.match(award_cell.text[am.end():])
    if cm:
        at = am.end() + cm.end()
        conferrer = clean_phrase(award_cell.text[at:issuers.extent(award_cell.text, at, False)])
    context = " ".join(award_cell.col_header + (table.caption,))
    sent = doc.seg.sentence_at(span[0])
    ym = g.year.search(context)
    year = int(ym.group(1)) if ym else _year(doc.text, span[0], span[0], span[1], sent)
    return Award(**doc.provenance(*span), rule="awards.table_list", award=award, conferrer=conferrer,
                 recipient_type=kind, count=1, year=year,
                 status=_status(g, context, 0, len(context), len(context), sent, False), recipients=recipient,
                 **cell_parts.provenance(table, award_cell))


def _paragraph_at(doc: ParsedDoc, offset: int) -> int:
    starts = doc.cache.setdefault("awards.paragraph_starts", [p.start for p in doc.seg.paragraphs])
    return max(0, bisect.bisect_right(starts, offset) - 1)


def _cell_award(cell, table, g: Grammar):
    """(award match, the text it is in, its recipient type) for a count cell:
    the award in the row's labels or the column headers, or (with a recipient
    type column) in the caption; None when the cell counts no award."""
    by_column = _column_recipient(cell, g)
    places = list(reversed(cell.col_header)) + list(reversed(cell.row_header))
    if by_column:
        places.append(table.caption)
    for place in places:
        am = g.award.search(place)
        if am:
            name = _award_name(am, g)
            return am, place, by_column or g.recipient_of_title.get(name, "")
    return None


def _column_recipient(cell, g: Grammar) -> str:
    """The recipient type a column header names (`Tập thể`, `Số cá nhân`), nearest first."""
    for head in reversed(cell.col_header):
        word = g.count_column.sub("", cell_parts.BRACKETED.sub(" ", head).strip()).casefold()
        if word in g.recipient_of_word:
            return g.recipient_of_word[word]
    return ""


def _cell_entry(doc: ParsedDoc, g: Grammar, table, cell, number, award) -> Award:
    am, place, kind = award
    conferrer = ""
    cm = g.conferrer_of.match(place[am.end():])
    if cm:
        at = am.end() + cm.end()
        conferrer = clean_phrase(place[at:issuers.extent(place, at, False)])
    context = " ".join(cell.col_header + cell.row_header + (table.caption,))
    sent = doc.seg.sentence_at(number[0])
    ym = g.year.search(context)
    year = int(ym.group(1)) if ym else _year(doc.text, number[0], number[0], number[1], sent)
    return Award(**doc.provenance(number[0], number[1]), rule="awards.table_cell", award=_award_name(am, g),
                 conferrer=conferrer, recipient_type=kind, count=numbers.read_spoken(number[2]), year=year,
                 status=_status(g, context, 0, len(context), len(context), sent, False), recipients="",
                 **cell_parts.provenance(table, cell))


SPEC = ExtractorSpec(
    name="awards", record=Award, find=find, rules_file="awards", label="AWARD", color="#ffe0b3",
    columns=("award", "conferrer", "recipient_type", "count", "year", "status", "recipients"),
    claims_numbers=True,
    facets=("award", "recipient_type", "year", "status"),
    about="award counts by award, conferrer, recipient type and year")
