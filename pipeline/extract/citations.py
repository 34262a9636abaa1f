"""Citations of official documents (table: citations).

The eyecite way: a cheap pattern (a literal trigger over the lower-cased
text) finds every document-kind word; at each one a small parser reads what
follows: a number (`Chỉ thị số 12/CT-UBND`, also after a few words naming the
document, or a list of numbers sharing the kind word), a law's name (`Luật
Đất đai năm 2013`) or a bare serial referring back (`Chỉ thị 12`); then the
date, the issuer and the subject. Patterns are assembled from
rules/citations.yaml, the dates from rules/dates.yaml and the issuers from
rules/issuers.yaml (the shared parts). find() reads each document with a
reader of its own (:class:`_Reader`): no state outlives the document.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import regex

from .. import rules
from ..models import Citation
from .base import ExtractorSpec, ParsedDoc
from .parts import dates, issuers
from .parts.text import clean_phrase, fold_code

V = regex.VERBOSE


@dataclass(frozen=True)
class Grammar:
    kind_word: regex.Pattern
    kind_trigger: re.Pattern        # kind_word's matches, over the lower-cased text
    kind_breakers: frozenset        # characters no kind word holds
    kind_of_word: dict
    kind_of_abbr: dict
    abbrs_of_kind: dict
    named_kinds: frozenset
    generic_words: frozenset
    lead_number: regex.Pattern
    list_number: regex.Pattern
    date: regex.Pattern
    issuer_lead: regex.Pattern
    issuer_in_name: regex.Pattern       # `Nghị định của Chính phủ: số ...`
    issuer_before: regex.Pattern        # `đề nghị của X tại ...`: X
    issuer_before_link: regex.Pattern
    issuer_before_not_after: regex.Pattern    # `ý kiến chỉ đạo của X tại ...`: X is not the issuer
    leads_needing_verb: frozenset       # `do`: the body after it issued the document only if a verb says so
    issuing_verb: regex.Pattern         # `ban hành`, `ký`
    subject_lead: regex.Pattern
    subject_verb: regex.Pattern
    subject_stop_comma: regex.Pattern
    subject_stops: tuple
    embedding: regex.Pattern
    embedding_reach: int
    law_name: regex.Pattern
    law_stop: frozenset
    law_hard_end: frozenset
    law_first_reject: frozenset
    law_compounds: frozenset
    law_first_ok: frozenset
    law_amend: regex.Pattern
    named_bare: frozenset
    named_not_after: regex.Pattern
    number_words: frozenset
    number_word: regex.Pattern
    self_reference: frozenset
    bare_serial: regex.Pattern
    law_word: str                    # `luật` (casefolded), which law_compounds join (`Luật sư`)
    amended_lead: regex.Pattern      # `về` opening the name of the law amended
    before_number: regex.Pattern     # `: số ` between an issuer and its number
    year_after: regex.Pattern        # the year after a law's name (`Luật Đất đai năm 2013`)
    year_said: regex.Pattern         # `năm 1994` after a number without a year (`Nghị định 51-CP năm 1994`)
    effective: regex.Pattern         # `có hiệu lực từ ngày 01/7/2025` after a cited document
    effective_trigger: re.Pattern    # its lead words, over lower-cased text: where `effective` may match


@rules.compiled("citations", "issuers", "dates")
def grammar() -> Grammar:
    cfg = rules.load("citations")
    kind_of_word: dict[str, str] = {}
    kind_of_abbr: dict[str, str] = {}
    abbrs_of_kind: dict[str, frozenset[str]] = {}
    for k in cfg["doc_kinds"]:
        for w in k["words"]:
            kind_of_word[w.casefold()] = k["name"]
        for a in k.get("abbr") or []:
            kind_of_abbr.setdefault(a.upper(), k["name"])
        abbrs_of_kind[k["name"]] = frozenset(a.upper() for a in k.get("abbr") or [])
    number = cfg["number_pattern"]
    lead = rules.alternation(cfg["number_lead"], boundary=False)
    leads = rules.alternation(cfg["issuer_leads"], boundary=False)
    links = rules.alternation(cfg["issuer_before_links"], boundary=False)
    serial = rules.as_written(cfg["serial_words"])       # `số`
    ds = dates.sources()
    return Grammar(
        kind_word=regex.compile(rules.alternation(kind_of_word.keys()), regex.IGNORECASE),
        kind_trigger=rules.literal_trigger(kind_of_word.keys(), boundary=True, cross_lines=True),
        kind_breakers=_kind_breakers(kind_of_word),
        kind_of_word=kind_of_word,
        kind_of_abbr=kind_of_abbr,
        abbrs_of_kind=abbrs_of_kind,
        named_kinds=frozenset(cfg["named_kinds"]),
        generic_words=frozenset(w.casefold() for w in cfg["generic_kind_words"]),
        lead_number=regex.compile(rf"[ \t\n]*(?:{lead}[ \t\n]*)?(?:{number})", V),
        list_number=regex.compile(rf"(?:[ ]*,[ ]*|[ ]+và[ ]+|[ ]*;[ ]*)(?:{lead}[ ]*)?(?:{number})", V),
        # `ngày` may be left out before a full numeric date (`Tờ trình số 2753/TTr-STP 28/9/2022`)
        date=regex.compile(rf"[ ]*,?[ \n]*(?:(?:{rules.as_written(cfg['date_leads'])}[ ]+)?{ds.day_word}[ \n]+"
                           rf"|(?=\d{{1,2}}/\d{{1,2}}/{ds.year}(?!\d)))"
                           rf"(?:{ds.numeric}|{ds.words})|[ ]*,?[ \n]*{ds.month_year}", V | regex.IGNORECASE),
        issuer_lead=regex.compile(rf"[ ,]*(?:{leads}[ \n]+)+", regex.IGNORECASE),     # (`CỦA CỦA`: written twice)
        issuer_in_name=regex.compile(rf"[ ]+{leads}[ ]+", regex.IGNORECASE),
        issuer_before=regex.compile(rf"(?:^|(?<=[\s,(])){leads}[ ]+(?=[^,;:.]{{2,160}}?[ ]+{links}[ ]+$)",
                                    regex.IGNORECASE),
        issuer_before_link=regex.compile(rf"[ ]+{links}[ ]+", regex.IGNORECASE),
        issuer_before_not_after=regex.compile(
            rf"(?<![\p{{L}}]){rules.alternation(cfg['issuer_before_not_after'], boundary=False)}[ ]+$",
            regex.IGNORECASE),
        leads_needing_verb=frozenset(w.casefold() for w in cfg["issuer_leads_needing_verb"]),
        issuing_verb=regex.compile(rf"[ ]+{rules.alternation(cfg['issuing_verbs'], boundary=False)}(?![\p{{L}}])"),
        subject_verb=regex.compile(r"[ ]+(?=" + rules.alternation(cfg.get("subject_verbs") or ["(?!)"])
                                   + ")", regex.IGNORECASE),
        subject_lead=regex.compile(r"[ ,]*(?:" + rules.alternation(cfg["subject_leads"], boundary=False)
                                   + r")[ :\n]+", regex.IGNORECASE),
        subject_stop_comma=regex.compile(r",[ ]+(?:" + rules.alternation(cfg["subject_stops_after_comma"])
                                         + "|(?:" + "|".join(map(regex.escape, cfg["subject_stop_starts"]))
                                         + r")\b)"),
        subject_stops=tuple(cfg["subject_stops"]),
        embedding=regex.compile(rf"(?<![\p{{L}}])"
                                rf"(?:{rules.alternation(cfg['cited_inside_subject_after'], boundary=False)})"
                                r"[ ]+$", regex.IGNORECASE),
        embedding_reach=max(len(w) for w in cfg["cited_inside_subject_after"]) + 4,
        law_name=regex.compile(r"[ ]+(?:" + rules.alternation(cfg["law_names"], boundary=False)
                               .replace(",", "[ ]*,") + r")(?![\p{L}\p{N}])", regex.IGNORECASE),
        law_stop=frozenset(w.casefold() for w in cfg["law_name_stops"] + cfg["law_name_ends"]),
        law_hard_end=frozenset(w.casefold() for w in cfg["law_name_ends"]),
        law_first_reject=frozenset(w.casefold() for w in cfg["law_name_never_first"] + cfg["law_word_compounds"]),
        law_compounds=frozenset(w.casefold() for w in cfg["law_word_compounds"]),
        law_first_ok=frozenset(w.casefold() for w in cfg["law_name_may_start_with"]),
        law_amend=regex.compile(r"[ ]+" + cfg["law_amendment_pattern"], V),
        named_bare=frozenset(cfg["named_without_name"]),
        named_not_after=regex.compile(rules.alternation(cfg["named_not_after"]) + r"[ ]+$", regex.IGNORECASE),
        number_words=frozenset(w.rstrip(" :").casefold() for w in cfg["number_lead"]),
        number_word=regex.compile(rules.alternation({w.rstrip(" :") for w in cfg["number_lead"]}), regex.IGNORECASE),
        self_reference=frozenset(w.casefold() for w in cfg.get("self_reference_words") or []),
        bare_serial=regex.compile(rf"[ ]+(?:{serial}[ ]+)?(?P<serial>\d{{1,4}})"
                                  r"(?![\p{L}\p{N}]|[ ]?[/-][ ]?[\p{L}\p{N}]|[.,]\d)"),
        law_word=cfg["law_word"].casefold(),
        amended_lead=regex.compile(rf"[ ]+{rules.as_written(cfg['amended_law_leads'])}(?=[ ])"),
        before_number=regex.compile(rf"[ ]*:?[ ]*(?:(?i:{serial})[ ]*:?[ ]*)?"),
        year_after=regex.compile(rf"[ ]+(?:{ds.year_word}[ ]+)?(?P<year>{ds.year})(?![\p{{L}}\p{{N}}/]|[.,-]\d)"),
        year_said=regex.compile(rf"[ ]+{ds.year_word}[ ]+(?P<year>{ds.year})(?![\p{{L}}\p{{N}}/]|[.,-]\d)"),
        effective=regex.compile(
            rf"[ ]*,?[ ]*\(?[ ]*(?:(?P<kind>{rules.alternation(kind_of_word.keys(), boundary=False)})[ ]+)?"
            rf"(?:{rules.alternation(cfg['effective_lead_adverbs'], boundary=False)}[ ]+)?"
            rf"{rules.alternation(cfg['effective_leads'], boundary=False)}[ ]+(?:{ds.day_word}[ ]+)?"
            rf"(?:{ds.numeric}|{ds.words})(?!\d)", regex.IGNORECASE),
        effective_trigger=rules.literal_trigger(cfg["effective_leads"], cross_lines=True),
    )


WHITESPACE = regex.compile(r"\s+")


def _clean_number(raw: str) -> str:
    return "".join(raw.split()).replace("–", "-")


def _set_date(rec: dict, date: dates.Date) -> None:
    """The ISO date, and the date as written from its day on (kept so that an
    impossible date, `31/02/2022`, can be reported rather than lost)."""
    rec["issued_date"] = date.iso
    rec["date_written"] = date.written if date.day is not None else ""


def _date_at(text: str, pos: int, g: Grammar, rec: dict) -> int | None:
    """The cited document's date at pos set into rec; where it ends, or None.
    A date on a line of its own (`... Nghị định 155/2020/NĐ-CP` and, on the
    next line, `Ngày 11/9/2025`: a page's date) is none of its; a year run on
    into one more digit (`ngày 10/4/20219`) is read as the number's year says
    (dates.with_year_digit), else not at all."""
    dm = g.date.match(text, pos)
    if not dm or _on_a_new_line(dm.group()):
        return None
    date = dates.date_of(dm)
    assert date is not None  # g.date requires a numeric, worded or month-year date
    if date.year is not None and text[date.end:date.end + 1].isdigit() \
            and not text[date.end + 1:date.end + 2].isdigit():
        date = dates.with_year_digit(date, text[date.end], rec.get("number_year"))
    _set_date(rec, date)
    return date.end


def _on_a_new_line(matched: str) -> bool:
    """Does a date match start a new line with a capital (`\\nNgày 11/9/2025`)?"""
    body = matched.lstrip(" ,\n")
    return "\n" in matched[:len(matched) - len(body)] and body[:1].isupper()


def _year_said(text: str, pos: int, g: Grammar, rec: dict) -> int:
    """`năm 1994` after a number without a year: the year it was issued
    (`Nghị định 51-CP năm 1994`, `Nghị quyết 33/NQ-CP năm 2023`), as a law's
    year after its name; where it ends (pos when there is none)."""
    ym = g.year_said.match(text, pos)
    if not ym:
        return pos
    rec["issued_date"] = ym.group("year")
    return ym.end()


EFFECTIVE_REACH = 120      # characters an effective clause (lead and date) may take


def _set_effective_date(rec: dict, text: str, pos: int, after_subject: int, kind: str, g: Grammar) -> None:
    """The date the sentence says the cited document takes effect from, set
    as its effective_date: a clause right after the citation (at pos), after
    its subject, or in parentheses within it (`Nghị định 13/2023/NĐ-CP về Bảo
    vệ dữ liệu cá nhân (hiệu lực từ ngày 01/07/2023)`, `(nghị quyết có hiệu
    lực từ ngày 1 tháng 1 năm 2021)`). Never its issued_date."""
    end = min(len(text), after_subject + EFFECTIVE_REACH)
    if not g.effective_trigger.search(text[pos:end].lower()):
        return                              # no lead word: the full pattern would try every offset
    for m in g.effective.finditer(text, pos, end):
        if m.start() > after_subject:
            break
        if m.start() not in (pos, after_subject) and not m.group().lstrip(" ,").startswith("("):
            continue
        said = m.group("kind")
        if said and g.kind_of_word.get(" ".join(said.split()).casefold()) != kind:
            continue                        # another document's clause
        date = dates.date_of(m)
        assert date is not None  # g.effective requires a numeric or worded date
        rec["effective_date"] = date.iso
        return


QUOTE_COMMA = regex.compile(r"[”\"],")
SUBJECT_END = regex.compile(r"[;\n]|\.(?:\s|$)|:(?=[ ]+\p{Lu})")


SUBJECT_MAX = 400          # characters of a subject
SUBJECT_READ = 500         # characters read to find where it ends: its marks lie within
                           # SUBJECT_MAX plus the length of one (a subject stop, `, hiện nay`)


def subject_extent(text: str, pos: int, limit: int, g: Grammar, next_citation: int) -> int:
    """End offset of the subject that starts at pos: at its first end mark,
    at most SUBJECT_MAX characters on. Only SUBJECT_READ characters are
    read (reading on to the next mark or citation, however far, was
    quadratic on a long line of citations with subjects)."""
    end = min(limit, next_citation if next_citation > pos else limit, pos + SUBJECT_READ)
    m = SUBJECT_END.search(text, pos, end)
    if m:
        end = m.start()
    m = g.subject_stop_comma.search(text, pos, end)
    if m:
        end = m.start()
    # a closing quote followed by a comma closes the subject
    m = QUOTE_COMMA.search(text, pos, end)
    if m:
        end = m.start() + 1
    seg = text[pos:end]
    for stop in g.subject_stops:
        i = seg.find(stop)
        if i >= 0:
            seg = seg[:i]
    end = pos + len(seg.rstrip(" ,:"))
    return min(end, pos + SUBJECT_MAX)


# A word of a name and what separates it from the previous one (a space or a comma).
NAME_WORD = regex.compile(r"(?P<sep>[ ]*,[ ]*|[ ]+)(?P<w>[^\s,;.:()\[\]“”\"<>!?…]+)")
QUOTED_NAME = regex.compile(r"[ ]*[\"“][ ]*\p{Lu}[^\"“”\n]{2,300}[\"”]")
NUMBER_NEXT = regex.compile(r"[ ]*:?[ ]*\d")


def _kind_starts(r: _Reader, pos: int) -> bool:
    """A capitalised kind word that starts a new document name at pos (`Luật sư` does not)."""
    km = r.kind_word_at(pos)
    if not km or not km.group()[0].isupper():
        return False
    nxt = NAME_WORD.match(r.text, km.end())
    return not (nxt and nxt.group("w").casefold() in r.g.law_compounds)


def _law_name_end(r: _Reader, pos: int, first_free: bool = False) -> int:
    """End of a law's name starting at pos (just after the kind word), or pos.

    The name runs over words up to a stop word (rules: law_name_stops,
    law_name_ends), punctuation or a new kind word. A comma or `và` inside
    it is kept only when the name then ends cleanly (punctuation, `số`,
    `ngày`, a new document ...: law_name_ends) and the part after it is
    short: `Luật Khám bệnh, chữa bệnh số 40/2009/QH12`,
    `Pháp lệnh Phí và lệ phí.`, but `Luật Thương mại` in `Luật Thương mại
    và pháp luật có liên quan`."""
    text, g = r.text, r.g
    m = g.law_name.match(text, pos) or QUOTED_NAME.match(text, pos)
    if m:
        return m.end()
    am = g.law_amend.match(text, pos)
    if am:
        return _amendment_end(r, am)
    segs: list[list[tuple[int, int]]] = [[]]     # words, per comma / `và` segment
    hard, n = False, 0
    m = NAME_WORD.match(text, pos)
    while True:
        if not m or n >= 25:
            hard = not m                         # punctuation, line end or end of text
            break
        w = m.group("w")
        lw = w.casefold()
        nxt = NAME_WORD.match(text, m.end())
        pair = f"{lw} {nxt.group('w').casefold()}" if nxt and "," not in nxt.group("sep") else lw
        if n == 0 and not first_free:
            if not w[0].isalpha() or ("," in m.group("sep")) \
                    or (lw in g.law_compounds and text[max(0, pos - len(g.law_word)):pos].casefold() == g.law_word) \
                    or pair in g.law_hard_end or _kind_starts(r, m.start("w")):
                return pos
            third = NAME_WORD.match(text, nxt.end()) if nxt else None
            triple = f"{pair} {third.group('w').casefold()}" if third else pair
            if not (w[0].isupper() or lw in g.law_first_ok or pair in g.law_first_ok
                    or triple in g.law_first_ok) and (lw in g.law_first_reject or pair in g.law_first_reject
                                                      or lw in g.law_stop or pair in g.law_stop):
                return pos
        elif n and (_kind_starts(r, m.start("w")) or not w[0].isalnum()):
            hard = True
            break
        elif n and (lw in g.law_stop or pair in g.law_stop) and not (
                lw in g.number_words and not NUMBER_NEXT.match(text[m.end():m.end() + 4])):
            # (`số` ends a name only before a number: `Pháp lệnh Dân số`)
            hard = lw in g.law_hard_end or pair in g.law_hard_end
            break
        if n and w[0].isdigit():
            break
        if "," in m.group("sep") and segs[-1]:
            segs.append([])
        if lw == "và" and n:
            if segs[-1]:
                segs.append([])
        else:
            segs[-1].append((m.start("w"), m.end()))
        n += 1
        m = nxt                                  # the word at m.end()
    if len(segs) > 1 and not segs[-1]:          # `Luật X, Nghị định ...`, `Luật X và các ...`
        segs.pop()
        hard = True
    keep = segs[:1]
    if hard:
        for seg in segs[1:]:
            if len(seg) > 8 or _clause_like(text, seg):
                break
            keep.append(seg)
    return keep[-1][-1][1] if keep[-1] else pos


def _clause_like(text: str, seg: list[tuple[int, int]]) -> bool:
    """A part after a comma that starts in lower case and goes on in capitals
    (`Luật Trí tuệ nhân tạo, trình Chính phủ`) is a new clause, not a name."""
    return text[seg[0][0]].islower() and any(text[s].isupper() for s, _ in seg[1:])


def _amendment_end(r: _Reader, am) -> int:
    """End of an amending law's name: `sửa đổi, bổ sung một số điều của Luật X
    (và Luật Y)`; the start of the match when no amended law is named."""
    text, g = r.text, r.g
    pos, end = am.end(), None
    while True:
        inner = g.kind_word.match(text, pos + len(text[pos:pos + 3]) - len(text[pos:pos + 3].lstrip(" ")))
        if not inner or r.kind_of(inner.group()) not in g.named_kinds:
            break
        lead = g.amended_lead.match(text, inner.end())
        start = lead.end() if lead else inner.end()
        name_end = _law_name_end(r, start, first_free=bool(lead))
        if name_end == start:
            break
        end = name_end
        more = AMENDED_JOIN.match(text, end)
        if not more:
            break
        pos = more.end()
    return end if end else am.start()


AMENDED_JOIN = regex.compile(r"[ ]*(?:,|và)[ ]*")


CODE_JOINT = regex.compile(r"[-/–]")


def _code_head(code: str, g: Grammar) -> str:
    """The kind abbreviation of a number's code: `PL-UBTVQH10` → PL, `QH13` → QH."""
    head = CODE_JOINT.split(code)[0].upper()
    return head if head in g.kind_of_abbr else head.rstrip("0123456789")


def _agrees(kind: str, code: str, g: Grammar) -> bool:
    """The code names no kind, or the kind written (`Bộ luật ... số 10/2012/QH13`)."""
    head = _code_head(code, g)
    return head not in g.kind_of_abbr or head in g.abbrs_of_kind.get(kind, ()) or \
        g.kind_of_abbr[head].startswith(kind) or kind.startswith(g.kind_of_abbr[head])


def _names_kind(code: str, kind: str, g: Grammar) -> bool:
    """The code's kind abbreviation is one of the kind's (`QCPH` for Quy chế)."""
    head = CODE_JOINT.split(code)[0].upper()
    return any(head.startswith(a) for a in g.abbrs_of_kind.get(kind, ()))


GAP_WORD = regex.compile(r"(?P<sep>[ ]*[,:][ ]*|[ ]+)(?P<w>[^\s,;.:()\[\]“”\"<>!?…]+)")


# What the word walk of _number_after_name cannot cross: white space but a plain
# space, and the marks GAP_WORD's words and separators exclude
WALK_BARRIER = regex.compile(r"[^\S ]|[;.()\[\]“”\"<>!?…]")
DIGIT = regex.compile(r"\d")
WALK_REACH = 400             # characters: beyond what the 25 words of a walk usually span
AFTER_LINE_BREAK = regex.compile(r"[ \t\n]*")


def _number_within_reach(text: str, pos: int, g: Grammar) -> bool:
    """Could the walk from pos find a number?  A number starts with a digit,
    before the walk's first barrier or, after a `số` that ends a line, just
    after the line break (`số\n12/QĐ-UBND`); the walk takes it after a number
    word (`số`), or as one of its first four words.  Most capitalised kind
    words with no number after them fail this: the walk is skipped.

    Only WALK_REACH characters are looked at: with no barrier in them (a
    line of thousands of words) the walk itself decides, as it stops after
    25 words; scanning to a far barrier at every kind word was quadratic
    (`Chỉ thị số ` repeated on one line: 80,000 characters took 8 s)."""
    reach = min(len(text), pos + WALK_REACH)
    b = WALK_BARRIER.search(text, pos, reach)
    if b is None and reach < len(text):
        return True
    end = len(text) if b is None else b.start()
    if end < len(text) and text[end] in "\t\n":
        line_break = AFTER_LINE_BREAK.match(text, end)
        assert line_break is not None  # `[ \t\n]*` matches, if only the empty string
        end = line_break.end() + 1
    if DIGIT.search(text, pos, end) is None:
        return False
    if g.number_word.search(text, pos, end):
        return True
    return any(w[:1].isdigit() for w in WALK_SEPARATOR.split(text[pos:end].strip(" ,:"), maxsplit=4)[:4])


WALK_SEPARATOR = regex.compile(r"[ ,:]+")


def _number_after_name(r: _Reader, pos: int, kind: str, written: str, named: bool):
    """A number after a few words naming the document, introduced by `số`:
    `Luật Đấu thầu số 43/2013/QH13`, `Nghị định của Chính phủ số 132/2008/NĐ-CP`,
    `Thông tư liên bộ số 12/TT-LB`, `Báo cáo tiếp thu, giải trình số 507/UBND-KT`,
    `các Công điện: số 007/CĐ-UBND`; or without `số` when the number's kind
    abbreviation is the kind's own (`Quy chế phối hợp 49/QCPH-UBND`).
    The words in between hold no punctuation but commas (and a colon before
    `số`) and no new capitalised document kind. A lower-case kind word in
    between (`Thông báo kết luận số 624/TB-VPCP`) is allowed when the
    number's kind abbreviation names the first kind."""
    text, g = r.text, r.g
    if not _number_within_reach(text, pos, g):
        return None
    cur = pos
    inner = False
    caps = written.isupper()
    for n in range(25 if named else 16):
        m = GAP_WORD.match(text, cur)
        if not m:
            return None
        w = m.group("w")
        wf = w.casefold()
        ws = m.start("w")
        if n == 0 and wf in g.self_reference:
            return None        # `Thông tư này, thay thế ... mẫu số 09/KK-TNCN`: the document itself
        is_number_word = wf in g.number_words
        if not is_number_word and ":" in m.group("sep"):
            return None
        if is_number_word:
            nm = g.lead_number.match(text, ws)
            if nm and _agrees(kind, nm.group("code"), g) and not (
                    inner and _code_head(nm.group("code"), g) not in g.kind_of_abbr):
                return nm
            if inner:
                return None
        elif w[0].isdigit():
            nm = g.lead_number.match(text, ws)
            if nm:
                return nm if n < 4 and _names_kind(nm.group("code"), kind, g) else None
        km = r.kind_word_at(ws)
        if km:
            if _kind_starts(r, ws) and not (caps and km.group().isupper()):
                return None
            if km.group()[0].isupper() and not km.group().isupper():   # `Luật sư`: no kind
                cur = m.end()
                continue
            if not named:
                if inner:
                    return None
                inner = True
        cur = m.end()
    return None


class _KindWord:
    """A kind word found by the fast scan, read like a match of g.kind_word."""
    __slots__ = ("string", "_start", "_end")

    def __init__(self, text: str, start: int, end: int):
        self.string, self._start, self._end = text, start, end

    def group(self) -> str:
        return self.string[self._start:self._end]

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def _kind_words(doc: ParsedDoc, g: Grammar) -> list:
    """Every match of g.kind_word in the text, found by its literal trigger over
    the lower-cased text (the same matches, two to three times faster)."""
    text = doc.text
    return [_KindWord(text, m.start(), m.end()) for m in g.kind_trigger.finditer(doc.lower)]


def find(doc: ParsedDoc) -> list[Citation]:
    g = grammar()
    text = doc.text
    found: list[tuple[int, int, str, dict]] = []       # (start, end, rule id, fields)
    r = _Reader(doc, g)
    consumed_to = 0
    for km in r.matches:
        doc.check_time()
        if km.start() < consumed_to:
            continue
        written = km.group()
        kind = r.kind_of(written)
        capital = written[0].isupper()
        named = kind in g.named_kinds
        nm = r.number_at(km.end())
        rule = "citations.numbered"
        if not nm and capital:
            nm = _number_after_name(r, km.end(), kind, written, named)
            rule = "citations.number_after_name"
        if nm:
            for start, end, item_rule, rec in _numbered(r, km, nm, kind, written, rule):
                found.append((start, end, item_rule, rec))
                consumed_to = max(consumed_to, end)
            continue
        if named and capital and not g.named_not_after.search(text, max(0, km.start() - 12), km.start()):
            name_end = r.name_end_at(km.end())
            if name_end > km.end() or kind in g.named_bare:
                rec = dict(doc_type=kind)
                end = name_end
                ym = g.year_after.match(text, end)
                if ym:
                    rec["issued_date"] = ym.group("year")
                    end = ym.end()
                end = _date_at(text, end, g, rec) or end
                _set_effective_date(rec, text, end, end, kind, g)
                found.append((km.start(), end, "citations.named_law", rec))
                consumed_to = end
                continue
        if capital:
            bm = g.bare_serial.match(text, km.end())
            if bm and not (1900 <= int(bm.group("serial")) <= 2100):
                end = bm.end()
                found.append((km.start(), end, "citations.back_reference",
                              dict(doc_type=kind, number=bm.group("serial"), serial=int(bm.group("serial")))))
                consumed_to = end
    return [Citation(**doc.provenance(s, e), rule=rule, **f) for s, e, rule, f in found]


def _numbered(r: _Reader, km, nm, kind, written, rule: str):
    """The citation at km with its number nm (made by ``rule``), and those of a
    list of numbers sharing its kind word: `Nghị định số 91/2017/NĐ-CP và 98/2023/NĐ-CP`."""
    text, g = r.text, r.g
    items = [(km.start(), nm)]
    pos = nm.end()
    while True:
        lm = g.list_number.match(text, _after_date(text, pos, g))
        if not lm:
            break
        items.append((lm.start() + len(lm.group()) - len(lm.group().lstrip(" ,;và")), lm))
        pos = lm.end()
    out = []
    for j, (start, m) in enumerate(items):
        rec, end = _parse_tail(r, start, m, kind, written)
        out.append((start, end, rule if j == 0 else "citations.number_list", rec))
    # `Quyết định số 12/QĐ-UBND, 13/QĐ-UBND và 14/QĐ-UBND ... của UBND huyện`: the
    # issuer after the last number is that of the numbers of the same code before it
    # (their dates are not shared: each may have its own), back to a `;`, after which
    # each item names its own (`...; số 48/2023/QĐ-UBND ... của UBND thành phố Hải Phòng`)
    last = out[-1][3] if len(out) > 1 else {}
    shared_from = max((j for j, (start, m) in enumerate(items) if j and ";" in text[m.start():start]), default=0)
    if last.get("issuer"):
        for _, _, _, rec in out[shared_from:-1]:
            if not rec.get("issuer") and fold_code(rec["code"]) == fold_code(last["code"]):
                rec["issuer"] = last["issuer"]
    return out


def _after_date(text: str, pos: int, g: Grammar) -> int:
    dm = g.date.match(text, pos)
    return dm.end() if dm else pos


def _parse_tail(r: _Reader, start, nm, kind, written):
    """Fields of a numbered citation and the end of its text span."""
    text, g = r.text, r.g
    number = _clean_number(nm.group("serial") + (f"/{nm.group('year')}" if nm.group("year") else "")
                           + nm.group("sep") + nm.group("code"))
    code = _clean_number(nm.group("code"))
    serial_digits = DIGITS.match(nm.group("serial"))
    assert serial_digits is not None  # number_pattern's serial starts with digits (rules/citations.yaml)
    serial = int(serial_digits.group())
    doc_type = kind
    if written.casefold() in g.generic_words:
        doc_type = g.kind_of_abbr.get(_code_head(code, g), kind)
    rec = dict(doc_type=doc_type, number=number, serial=serial, code=code,
               number_year=int(nm.group("year")) if nm.group("year") else None)
    end = nm.end()
    dm = _date_at(text, end, g, rec)
    if dm:
        end = dm
    elif not rec["number_year"]:
        end = _year_said(text, end, g, rec)     # `Nghị định 51-CP năm 1994`
    im = g.issuer_lead.match(text, end)
    if im:
        iend = _no_repeat(text, im.end(), issuers.extent(text, im.end()))
        if iend > im.end() and _issued_by(text, start, im, iend, code, g):
            rec["issuer"] = clean_phrase(text[im.end():iend])
            end = iend
            if not dm:                     # `... của UBND tỉnh ngày 5/3/2022`
                dm = _date_at(text, end, g, rec)
                if dm:
                    end = dm
    if not rec.get("issuer"):
        who = _issuer_in_name(text, start + len(written), nm.start(), g) or _issuer_before(text, start, code, g)
        if who:
            rec["issuer"] = who
    sm = g.subject_lead.match(text, end)
    if not sm and (im or dm):
        sm = g.subject_verb.match(text, end)      # `... của Chính phủ quy định chi tiết ...`
    if sm:
        # the next citation matters only before the subject's first end mark:
        # look for it no further than just past that
        bound = SUBJECT_END.search(text, sm.end(), min(len(text), sm.end() + 500))
        reach = bound.start() + KIND_WORD_REACH if bound else sm.end() + 500
        send = subject_extent(text, sm.end(), len(text), g, _next_full_citation(r, sm.end(), reach))
        if send > sm.end():
            rec["subject"] = clean_phrase(text[sm.end():send])
    _set_effective_date(rec, text, end, send if sm else end, doc_type, g)
    return rec, end


DIGITS = regex.compile(r"\d+")


def _issued_by(text: str, start: int, im, iend: int, code: str, g: Grammar) -> bool:
    """Is the body read after the lead ``im`` (up to iend) the issuer of the
    document cited at start? After `do` (rules/citations.yaml
    issuer_leads_needing_verb) only when an issuing verb follows and the
    number's code names no other body: `Nghị định 125/2024/NĐ-CP do Chủ tịch
    UBND cấp xã thực hiện` names who exercises a power under the decree;
    `Nghị định 136/2025/NĐ-CP do Văn phòng Chính phủ ban hành`, the citing
    document's own issuer. Within the task of a body (`Ban Chỉ đạo về tổng kết
    Nghị quyết 18-NQ/TW của Chính phủ`) the body after it may be that one's
    owner: the issuer only when the code does not say otherwise."""
    who = text[im.end():iend]
    if issuers.within_task_name(text, start) and issuers.contradicts_code(who, code):
        return False
    if " ".join(im.group().split()).strip(" ,").casefold() not in g.leads_needing_verb:
        return True
    return bool(g.issuing_verb.match(text, iend)) and not issuers.contradicts_code(who, code)


def _issuer_in_name(text: str, kind_end: int, number_start: int, g: Grammar) -> str:
    """The issuer between the kind and its number: `Nghị định của Chính phủ: số 20/2021/NĐ-CP`."""
    m = g.issuer_in_name.match(text[kind_end:number_start])
    if not m:
        return ""
    pos = kind_end + m.end()
    iend = issuers.extent(text, pos, allow_note=False)
    if iend > pos and g.before_number.fullmatch(text[iend:number_start]):
        return clean_phrase(text[pos:iend])
    return ""


def _issuer_before(text: str, start: int, code: str, g: Grammar) -> str:
    """The issuer written before the document: `Theo đề nghị của Giám đốc Sở Tư
    pháp tại Tờ trình số 2753/TTr-STP ...`."""
    base = max(0, start - 200)
    m = g.issuer_before.search(text, base, start)
    if not m:
        return ""
    iend = issuers.extent(text, m.end(), allow_note=False)
    if iend > m.end() and g.issuer_before_link.fullmatch(text[iend:start]):
        who = clean_phrase(text[m.end():iend])
        # `ý kiến chỉ đạo của X tại ...`: X's direction, in a document of X only when its code says so
        directs = g.issuer_before_not_after.search(text, max(0, m.start() - 40), m.start())
        return who if not directs or issuers.agrees_with_code(who, code) else ""
    return ""


def _no_repeat(text: str, pos: int, end: int) -> int:
    """An issuer written twice in a row is a heading run into the next line
    (`CỦA ỦY BAN NHÂN DÂN TỈNH VĨNH LONG ỦY BAN NHÂN DÂN TỈNH VĨNH LONG`): keep one."""
    s = text[pos:end]
    for m in WHITESPACE.finditer(s):
        if s[m.end():].startswith(s[:m.start()]) and m.start() >= 6:
            return pos + m.start()
    return end


class _Reader:
    """One document as find() reads it: its text, the grammar, and the kind
    words of the text, found once (a window of the text need not be scanned
    again); what follows each of them (its number; where a law's name after it
    ends) is read once too: a subject's end looks ahead at the kind words that
    the main loop reads again when it gets there. find() makes one per
    document and hands it to the helpers."""

    def __init__(self, doc: ParsedDoc, g: Grammar):
        self.text, self.g = doc.text, g
        self.matches = _kind_words(doc, g)
        self.starts = [m.start() for m in self.matches]
        self.ends = [m.end() for m in self.matches]
        self._after: dict = {}       # (what, offset) -> what follows there
        self._kinds: dict = {}       # a kind word as written -> its kind (few distinct spellings)

    def kind_of(self, written: str) -> str:
        """The document kind a kind word names (`Quyết  định` → Quyết định)."""
        kind = self._kinds.get(written)
        if kind is None:
            kind = self._kinds[written] = self.g.kind_of_word[" ".join(written.split()).casefold()]
        return kind

    def kind_word_at(self, pos: int):
        """g.kind_word.match(text, pos), from the scan of the whole text: a match
        starting at pos is in it unless an earlier match of the scan runs over pos."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.starts[i] == pos:
            return self.matches[i]
        if i >= 0 and self.ends[i] > pos:
            return self.g.kind_word.match(self.text, pos)
        return None

    def number_at(self, pos: int):
        """g.lead_number.match(text, pos), read once per offset."""
        return self._once("number", pos, lambda p: self.g.lead_number.match(self.text, p))

    def name_end_at(self, pos: int) -> int:
        """Where a law's name starting at pos ends (_law_name_end), read once per offset."""
        return self._once("name", pos, lambda p: _law_name_end(self, p))

    def _once(self, what: str, pos: int, read):
        key = (what, pos)
        if key not in self._after:
            self._after[key] = read(pos)
        return self._after[key]

    def kind_words_in(self, pos: int, endpos: int):
        """The matches of g.kind_word.finditer(text, pos, endpos), taken from the
        scan of the whole text where the window cannot change them: the window's
        scan is in step with the whole one when no match of that runs over pos, and
        a match of the window alone must end at endpos, so it lies in the run of
        letters and spaces before endpos; before that run the matches are those of
        the whole text."""
        text, g = self.text, self.g
        starts, ends, matches, breakers = self.starts, self.ends, self.matches, g.kind_breakers
        i = bisect.bisect_left(starts, pos)
        if i > 0 and ends[i - 1] > pos:
            yield from g.kind_word.finditer(text, pos, endpos)
            return
        q = endpos
        while q > pos and text[q - 1] not in breakers:
            q -= 1
        resume = pos
        while i < len(matches) and ends[i] < q:
            yield matches[i]
            resume = ends[i]
            i += 1
        yield from g.kind_word.finditer(text, resume, endpos)


# characters no kind word (letters and white space) holds
KIND_BREAKERS = frozenset('0123456789.,;:!?()[]/"\'-–%“”…')


def _kind_breakers(words) -> frozenset:
    """KIND_BREAKERS but any character of a kind word (should the rules ever have one)."""
    held = {c for w in words for c in w + w.upper() + w.lower()}
    return KIND_BREAKERS - held


# past a mark, as far as a kind word that starts before it may run (`Quyết\nđịnh`)
KIND_WORD_REACH = 64


def _next_full_citation(r: _Reader, pos: int, reach: int | None = None) -> int:
    """Start of the next numbered citation after pos (with its joining `, ` /
    `và`), looked for up to ``reach`` (at most 500 characters on)."""
    text, g = r.text, r.g
    for km in r.kind_words_in(pos, min(len(text), pos + 500, reach or pos + 500)):
        if r.number_at(km.end()) or (
                g.kind_of_word.get(km.group().casefold()) in g.named_kinds and km.group()[0].isupper()
                and r.name_end_at(km.end()) > km.end()):
            if g.embedding.search(text, max(pos, km.start() - g.embedding_reach), km.start()):
                continue     # `quy định chi tiết một số điều của Luật ...`: inside the subject
            # (the join is a few characters: normalized text has no runs of spaces)
            at = max(pos, km.start() - 16)
            cut = CITATION_JOIN.search(text[at:km.start()])
            return at + cut.start() if cut else km.start()
    return len(text)


CITATION_JOIN = regex.compile(r"(?:[ ]*,[ ]*|[ ]+và[ ]+|[ ]+)$")


SPEC = ExtractorSpec(
    name="citations", record=Citation, find=find, rules_file="citations", label="CITATION", color="#cfe2ff",
    columns=("doc_type", "number", "issued_date", "issuer", "issuer_resolved", "subject", "key"),
    facets=("doc_type", "number_year", "jurisdiction"),
    about="documents cited by kind, number, date and issuer, as Chỉ thị số 12/CT-UBND ngày 29/12/2021")
