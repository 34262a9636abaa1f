"""Citations of official documents (table: citations).

The eyecite way: a cheap pattern finds every document-kind word; at each one a
small parser reads what follows (number, date, issuer, subject) with patterns
assembled from rules/citations.yaml and rules/issuers.yaml.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex
from underthesea import word_tokenize

from .. import rules
from ..models import Citation
from . import ParsedDoc
from .common import clean_phrase, iso_date

V = regex.VERBOSE


@dataclass(frozen=True)
class Grammar:
    kind_word: regex.Pattern
    kind_of_word: dict
    kind_of_abbr: dict
    named_kinds: frozenset
    lead_number: regex.Pattern
    list_number: regex.Pattern
    date: regex.Pattern
    issuer_lead: regex.Pattern
    subject_lead: regex.Pattern
    issuer_lower: frozenset
    issuer_stop: regex.Pattern
    subject_stop_comma: regex.Pattern
    subject_stops: tuple
    law_name: regex.Pattern
    law_stop: frozenset
    bare_serial: regex.Pattern


@functools.lru_cache(maxsize=1)
def grammar() -> Grammar:
    cfg = rules.load("citations")
    iss = rules.load("issuers")
    kind_of_word, kind_of_abbr = {}, {}
    for k in cfg["doc_kinds"]:
        for w in k["words"]:
            kind_of_word[w.casefold()] = k["name"]
        for a in k.get("abbr") or []:
            kind_of_abbr[a.upper()] = k["name"]
    number = cfg["number_pattern"]
    lead = rules.alternation(cfg["number_lead"], boundary=False)
    date = cfg["date_pattern"]
    return Grammar(
        kind_word=regex.compile(rules.alternation(kind_of_word.keys()), regex.IGNORECASE),
        kind_of_word=kind_of_word,
        kind_of_abbr=kind_of_abbr,
        named_kinds=frozenset(cfg["named_kinds"]),
        lead_number=regex.compile(rf"[ \t\n]*(?:{lead}[ \t\n]*)?(?:{number})", V),
        list_number=regex.compile(rf"(?:[ ]*,[ ]*|[ ]+và[ ]+|[ ]*;[ ]*)(?:{lead}[ ]*)?(?:{number})", V),
        date=regex.compile(rf"[ ]*,?[ \n]*(?:ban[ ]hành[ ]+)?ngày[ \n]+(?:{date})", V | regex.IGNORECASE),
        issuer_lead=regex.compile(r"[ ,]*(?:của|do)[ \n]+"),
        subject_lead=regex.compile(r"[ ,]*(?:" + rules.alternation(cfg["subject_leads"], boundary=False)
                                   + r")[ :\n]+"),
        issuer_lower=frozenset(w.casefold() for w in iss["lowercase_words"]),
        issuer_stop=regex.compile(rules.alternation(iss["stop_words"])),
        subject_stop_comma=regex.compile(r",[ ]+(?:" + rules.alternation(cfg["subject_stops_after_comma"])
                                         + r"|(?:Thanh tra|Sở|UBND|Ủy ban|Uỷ ban|Ban|Phòng|Hội đồng|Trung tâm|"
                                           r"Bộ|Cục|Chi cục|Văn phòng|Đảng ủy|Công an|Huyện|Tỉnh|Thành phố|Các|"
                                           r"Chúng tôi|Trường|Công ty|Đoàn|Hội|Liên đoàn|Mặt trận)\b)"),
        subject_stops=tuple(cfg["subject_stops"]),
        law_name=regex.compile(r"[ ]+(?:" + rules.alternation(cfg["law_names"], boundary=False)
                               + r")(?![\p{L}\p{N}])", regex.IGNORECASE),
        law_stop=frozenset(w.casefold() for w in cfg["law_name_stops"]),
        bare_serial=regex.compile(r"[ ]+(?:số[ ]+)?(?P<serial>\d{1,4})(?![\p{L}\p{N}]|[ ]?[/-][ ]?[\p{L}\p{N}]|[.,]\d)"),
    )


def _clean_number(raw: str) -> str:
    return regex.sub(r"\s+", "", raw).replace("–", "-")


def _date_from(m) -> str:
    if m.group("day"):
        return iso_date(m.group("day"), m.group("month"), m.group("year"))
    return iso_date(m.group("day2"), m.group("month2"), m.group("year2"))


PAREN_NOTE = regex.compile(r"[ ]*\(\s*[\p{Lu}\d][^()\n]{0,40}\)")


def _word_spans(text: str, pos: int, limit: int) -> list[tuple[int, int]]:
    """Words (underthesea segmentation) of text[pos:limit] with their offsets."""
    window = text[pos:limit]
    spans, cursor = [], 0
    for w in word_tokenize(window):
        at = window.find(w, cursor)
        if at < 0:
            break
        spans.append((pos + at, pos + at + len(w)))
        cursor = at + len(w)
    return spans


def issuer_extent(text: str, pos: int, g: Grammar, allow_note: bool = True) -> int:
    """End offset of the issuer that starts at pos (after `của`), or pos if none.

    An issuer is a run of words (underthesea word segmentation) that are
    capitalised, abbreviations, or lower-case words of institution names from
    rules/issuers.yaml; a comma continues it only into such a lower-case word
    (`Hội đồng Thi đua, khen thưởng tỉnh`). A short parenthetical note
    (`Bộ Chính trị (Khóa XII)`) belongs to it when ``allow_note``."""
    line_end = text.find("\n", pos)
    limit = min(len(text), pos + 160, line_end if line_end >= 0 else len(text))
    end = pos
    pending_comma = False
    words = _word_spans(text, pos, limit)
    i = 0
    while i < len(words):
        s, e = words[i]
        w = text[s:e]
        if w == "(" and end > pos:
            pm = PAREN_NOTE.match(text, end) if allow_note else None
            if not pm:
                break
            end = pm.end()
            while i < len(words) and words[i][0] < end:
                i += 1
            continue
        if w in ("-", "–", "&"):
            i += 1
            continue
        if w == ",":
            pending_comma = True
            i += 1
            continue
        lower_ok = w.casefold() in g.issuer_lower and w != "và"
        if end == pos:
            if not w[0].isupper():
                break
        elif g.issuer_stop.match(w) or w[0].isdigit():
            break
        elif pending_comma and not (w[0].islower() and lower_ok):
            break
        elif not (w[0].isupper() or lower_ok or (w == "và" and i + 1 < len(words)
                                                  and text[words[i + 1][0]].isupper())):
            break
        pending_comma = False
        end = e
        i += 1
    tail = regex.search(r"(?:[ ]*(?:và|-|–|&|,))+$", text[pos:end])
    if tail:
        end = pos + tail.start()
    return end


def subject_extent(text: str, pos: int, limit: int, g: Grammar, next_citation: int) -> int:
    """End offset of the subject that starts at pos."""
    end = min(limit, next_citation if next_citation > pos else limit)
    m = regex.compile(r"[;\n]|\.(?:\s|$)").search(text, pos, end)
    if m:
        end = m.start()
    m = g.subject_stop_comma.search(text, pos, end)
    if m:
        end = m.start()
    # a closing quote followed by a comma closes the subject
    m = regex.compile(r"[”\"],").search(text, pos, end)
    if m:
        end = m.start() + 1
    seg = text[pos:end]
    for stop in g.subject_stops:
        i = seg.find(stop)
        if i >= 0:
            seg = seg[:i]
    end = pos + len(seg.rstrip(" ,:"))
    return min(end, pos + 400)


def _law_name_end(text: str, pos: int, g: Grammar) -> int:
    """End of a law's name starting at pos (just after the kind word), or pos."""
    m = g.law_name.match(text, pos)
    if m:
        return m.end()
    words = list(regex.finditer(r"[ ]+([^\s,;.:()“”\"]+)", text[pos:pos + 200]))
    end = pos
    for n, w in enumerate(words):
        if pos + w.start() != end:
            break                                  # punctuation in between
        word = w.group(1)
        if n == 0 and not word[0].isupper():
            return pos
        pair = f"{word} {words[n + 1].group(1)}" if n + 1 < len(words) else word
        if word.casefold() in g.law_stop or pair.casefold() in g.law_stop or word[0].isdigit():
            break
        end = pos + w.end()
        if n >= 9:
            break
    return end


def find(doc: ParsedDoc) -> list[Citation]:
    g = grammar()
    text = doc.text
    found: list[tuple[int, int, dict]] = []       # (start, end, fields)
    kind_matches = list(g.kind_word.finditer(text))
    starts = [m.start() for m in kind_matches]
    consumed_to = 0
    for i, km in enumerate(kind_matches):
        if km.start() < consumed_to:
            continue
        written = km.group()
        kind = g.kind_of_word[regex.sub(r"\s+", " ", written).casefold()]
        next_kind = starts[i + 1] if i + 1 < len(starts) else len(text)
        nm = g.lead_number.match(text, km.end())
        if nm:
            items = [(km.start(), nm)]
            pos = nm.end()
            # a list of numbers sharing one kind word: `Nghị định số 91/2017/NĐ-CP và 98/2023/NĐ-CP`
            while True:
                lm = g.list_number.match(text, _after_date(text, pos, g))
                if not lm:
                    break
                items.append((lm.start() + len(lm.group()) - len(lm.group().lstrip(" ,;và")), lm))
                pos = lm.end()
            for j, (start, m) in enumerate(items):
                nxt = items[j + 1][0] if j + 1 < len(items) else next_kind
                rec, end = _parse_tail(text, start if j else km.start(), m, kind, written, g, nxt)
                found.append((start if j else km.start(), end, rec))
                consumed_to = max(consumed_to, end)
            continue
        if kind in g.named_kinds and written[0].isupper():
            name_end = _law_name_end(text, km.end(), g)
            if name_end > km.end():
                # `Luật Thi đua, khen thưởng số 06/2022/QH15 ngày ...`
                nm = g.lead_number.match(text, name_end)
                if nm and regex.match(r"[ ]*(?:số|Số)", text[name_end:nm.start() + 5]):
                    rec, end = _parse_tail(text, km.start(), nm, kind, written, g, next_kind)
                else:
                    rec = dict(doc_type=kind)
                    end = name_end
                    dm = g.date.match(text, end)
                    if dm:
                        rec["issued_date"] = _date_from(dm)
                found.append((km.start(), end, rec))
                consumed_to = end
                continue
        if written[0].isupper():
            bm = g.bare_serial.match(text, km.end())
            if bm and not (1900 <= int(bm.group("serial")) <= 2100):
                end = bm.end()
                found.append((km.start(), end, dict(doc_type=kind, number=bm.group("serial"),
                                                     serial=int(bm.group("serial")))))
                consumed_to = end
    return [Citation(**doc.provenance(s, e), **f) for s, e, f in found]


def _after_date(text: str, pos: int, g: Grammar) -> int:
    dm = g.date.match(text, pos)
    return dm.end() if dm else pos


def _parse_tail(text, start, nm, kind, written, g: Grammar, next_citation: int):
    """Fields of a numbered citation and the end of its text span."""
    number = _clean_number(nm.group("serial") + (f"/{nm.group('year')}" if nm.group("year") else "")
                           + nm.group("sep") + nm.group("code"))
    code = _clean_number(nm.group("code"))
    serial = int(regex.match(r"\d+", nm.group("serial")).group())
    doc_type = kind
    if written.casefold() == "văn bản":
        doc_type = g.kind_of_abbr.get(regex.split(r"[-/]", code)[0].upper(), kind)
    rec = dict(doc_type=doc_type, number=number, serial=serial, code=code,
               number_year=int(nm.group("year")) if nm.group("year") else None)
    end = nm.end()
    dm = g.date.match(text, end)
    if dm:
        rec["issued_date"] = _date_from(dm)
        end = dm.end()
    im = g.issuer_lead.match(text, end)
    if im:
        iend = issuer_extent(text, im.end(), g)
        if iend > im.end():
            rec["issuer"] = clean_phrase(text[im.end():iend])
            end = iend
            if not dm:                     # `... của UBND tỉnh ngày 5/3/2022`
                dm = g.date.match(text, end)
                if dm:
                    rec["issued_date"] = _date_from(dm)
                    end = dm.end()
    sm = g.subject_lead.match(text, end)
    if sm:
        send = subject_extent(text, sm.end(), len(text), g, _next_full_citation(text, sm.end(), g))
        if send > sm.end():
            rec["subject"] = clean_phrase(text[sm.end():send])
    return rec, end


def _next_full_citation(text: str, pos: int, g: Grammar) -> int:
    """Start of the next numbered citation after pos (with its joining `, ` / `và`)."""
    for km in g.kind_word.finditer(text, pos, min(len(text), pos + 500)):
        if g.lead_number.match(text, km.end()) or (
                g.kind_of_word.get(km.group().casefold()) in g.named_kinds and km.group()[0].isupper()
                and _law_name_end(text, km.end(), g) > km.end()):
            cut = regex.search(r"(?:[ ]*,[ ]*|[ ]+và[ ]+|[ ]+)$", text[pos:km.start()])
            return pos + cut.start() if cut else km.start()
    return len(text)
