"""Issuers: where the name of an issuing body or office holder ends, read one
way for citations (`... của Chủ tịch UBND tỉnh`), award conferrers (`Bằng khen
của Ban Thường vụ Tỉnh ủy`) and a document's own header or closing (`Trên đây
là báo cáo của Sở Nội vụ`), from rules/issuers.yaml.

- :func:`extent`: the issuer after `của` in running text: capitalised words,
  abbreviations and the lower-case words of institution names, a comma only
  into such a word, a known name (with its comma or line break) whole, a body
  named by its task (`Ban Chỉ đạo về ...`) to the task's end.
- :func:`agency_run`: the agency name at a place in a header or closing line.
- :func:`district_pattern`: `huyện Đức Hòa` in an issuer or header.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from ... import rules, underthesea_files
from .text import TOKEN, WORD, collapse_spaces, fold, new_tone, phrases_pattern


@dataclass(frozen=True)
class Grammar:
    lower: frozenset               # lower-case words of institution names, casefolded
    vocab: frozenset               # where a lower-case word ends: the dictionary's and the rules' words
    vocab_max: int                 # words in the longest vocabulary entry looked up
    stop: regex.Pattern            # a capitalised word that starts something else (`Kết luận`)
    names: regex.Pattern           # known names holding a comma or dash (`Bộ Văn hóa, Thể thao và Du lịch`)
    task_head: regex.Pattern       # `Ban Chỉ đạo [Trung ương]` ending an issuer
    task_lead: regex.Pattern       # `về` then the task
    task_stop: regex.Pattern       # where the task's words stop
    task_place_end: regex.Pattern  # a task ending with a place (`... tỉnh`)
    # the header's reading (agency_run)
    header_lower: tuple            # lower-case institution words folded (dashes too), longest first
    header_stop: regex.Pattern
    agency_start: regex.Pattern    # the words an agency name starts with (rules/document.yaml agency_starts)


@rules.compiled("issuers", "citations", "document")
def grammar() -> Grammar:
    iss = rules.load("issuers")
    subject_verbs = rules.load("citations").get("subject_verbs") or []
    return Grammar(
        lower=frozenset(w.casefold() for w in iss["lowercase_words"]),
        # the words that tell where a lower-case word ends: the institution words
        # and the words that start like one but are none (`ban hành`)
        vocab=_dictionary() | frozenset(new_tone(w).casefold() for w in iss["lowercase_words"]
                                        + iss["not_institution_words"]),
        vocab_max=4,
        stop=regex.compile(rules.alternation(iss["stop_words"])),
        names=regex.compile(rules.alternation(iss["names"]).replace(r"\s+\-\s+", r"\s*[-–]\s*")
                            .replace(",", r"\s*,"), regex.IGNORECASE),
        task_head=regex.compile(rf"(?<![\p{{L}}]){rules.alternation(iss['task_named_heads'], boundary=False)}"
                                rf"(?:[ ]+(?P<national>{rules.alternation(iss['task_named_national'], boundary=False)}))?$",
                                regex.IGNORECASE),
        task_lead=regex.compile(rf"[ ]+{rules.alternation(iss['task_leads'], boundary=False)}[ ]+"
                                rf"(?!{rules.alternation(iss['task_lead_not_before'], boundary=False)}(?![\p{{L}}]))(?=\p{{L}})"),
        task_stop=regex.compile(r"[;:(\n]|\.(?:\s|$)|[ ]+(?:(?P<subject>"
                                + rules.alternation(list(iss["task_leads"]) + list(subject_verbs), boundary=False)
                                + r")|" + rules.alternation(iss["task_name_stops"], boundary=False) + r")(?![\p{L}])"),
        task_place_end=regex.compile(rf"(?<![\p{{L}}]){rules.alternation(iss['place_words'], boundary=False)}"
                                     r"(?:[ ]+\p{Lu}[\p{L}\d]*)*[ ,]*$"),
        header_lower=tuple(sorted({fold(w) for w in iss["lowercase_words"]}, key=len, reverse=True)),
        header_stop=regex.compile(r"^" + phrases_pattern(iss["stop_words"])),
        agency_start=regex.compile(r"^" + phrases_pattern(rules.load("document")["agency_starts"])),
    )


ABBR_WITH_DOT = frozenset({"TP", "Tp", "TX", "Tx", "TT", "Q", "P"})   # `UBND TP. Hồ Chí Minh`
PAREN_NOTE = regex.compile(r"[ ]*\(\s*[\p{Lu}\d][^()\n]{0,40}\)")


@functools.lru_cache(maxsize=1)
def _dictionary() -> frozenset:
    """The words of underthesea's Vietnamese dictionary (Viet74K, shipped with
    the package), casefolded: where a word ends, for reading issuers by
    longest match instead of a statistical segmenter per citation."""
    # (an underthesea without it: the rules' words alone)
    return frozenset(w.casefold() for w in underthesea_files.dictionary_words() if " " in w and len(w.split()) <= 4)


# an abbreviation with its joints (`HĐTĐ-KT`, `TP.HCM`), a syllable, or a mark
SYLLABLE = regex.compile(r"[\p{Lu}\p{N}]+(?:[./&-][\p{Lu}\p{N}]+)+\.?|[\p{L}\p{N}]+\.?|[^\s\p{L}\p{N}]")


def _issuer_tokens(text: str, pos: int, limit: int):
    for m in SYLLABLE.finditer(text, pos, limit):
        s, e = m.span()
        if e - s > 1 and text[e - 1] == "." and text[s:e - 1] not in ABBR_WITH_DOT:
            yield s, e - 1                     # `tỉnh.`: the sentence ends
            yield e - 1, e
        else:
            yield s, e


def _issuer_words(text: str, pos: int, limit: int, g: Grammar):
    """Words of text[pos:limit] for reading an issuer, with their offsets: each
    capitalised syllable or abbreviation alone, lower-case syllables grouped
    into the longest institution word of rules/issuers.yaml (`ban nhân dân`,
    `thi đua`), punctuation alone. The vocabulary decides where lower-case
    words end, so no statistical word segmentation is needed (it cost most of
    the extraction time: one call per citation).

    A generator: an issuer usually ends after a few words, so the window is
    read only as far as the reader asks."""
    # the words looked up in the new tone placement, casefolded once for the
    # window (new_tone keeps every offset)
    folded = new_tone(text[pos:limit]).casefold()
    if len(folded) != limit - pos:
        folded = text[pos:limit].casefold()
    vmax = g.vocab_max
    vocab = g.vocab
    src = _issuer_tokens(text, pos, limit)
    toks: list[tuple[int, int]] = []
    i = 0
    while True:
        while len(toks) < i + vmax:
            t = next(src, None)
            if t is None:
                break
            toks.append(t)
        if i >= len(toks):
            return
        s, e = toks[i]
        if text[s].isalpha():
            # the rest of a word is written in lower case (`Chính phủ`, `Hội đồng`):
            # how many tokens after this one could continue it
            top = min(vmax, len(toks) - i)
            k = 1
            while k < top and text[toks[i + k][0]].isalpha() and text[toks[i + k][0]].islower():
                k += 1
            for n in range(k, 1, -1):
                group = toks[i:i + n]
                key = folded[group[0][0] - pos:group[-1][1] - pos]
                if key.count(" ") != n - 1:     # a gap other than one space
                    key = " ".join(folded[a - pos:b - pos] for a, b in group)
                if key in vocab:
                    e = group[-1][1]
                    i += n - 1
                    break
        yield s, e
        i += 1


class _Lazy:
    """The items of an iterator, read as far as asked."""
    __slots__ = ("items", "src")

    def __init__(self, src):
        self.items: list = []
        self.src = src

    def has(self, k: int) -> bool:
        items = self.items
        while len(items) <= k:
            t = next(self.src, None)
            if t is None:
                return False
            items.append(t)
        return True


ISSUER_TAIL = regex.compile(r"(?:[ ]*(?:và|-|–|&|,|\.))+$")


def extent(text: str, pos: int, allow_note: bool = True) -> int:
    """End offset of the issuer that starts at pos (after `của`), or pos if none.

    An issuer is a run of words (:func:`_issuer_words`) that are
    capitalised, abbreviations, or lower-case words of institution names from
    rules/issuers.yaml; a comma continues it only into such a lower-case word
    (`Hội đồng Thi đua, khen thưởng tỉnh`). A short parenthetical note
    (`Bộ Chính trị (Khóa XII)`) belongs to it when ``allow_note``."""
    g = grammar()
    line_end = text.find("\n", pos, pos + 160)        # (not beyond: a long line was read to its end)
    limit = min(len(text), pos + 160, line_end if line_end >= 0 else len(text))
    end = pos
    pending_comma = False
    lazy = _Lazy(_issuer_words(text, pos, limit, g))
    words = lazy.items
    has = lazy.has
    i = 0
    while has(i):
        s, e = words[i]
        w = text[s:e]
        if w == "(" and end > pos:
            pm = PAREN_NOTE.match(text, end) if allow_note else None
            if not pm:
                break
            end = pm.end()
            while has(i) and words[i][0] < end:
                i += 1
            continue
        if w in ("-", "–", "&"):
            i += 1
            continue
        if w == ",":
            pending_comma = True
            i += 1
            continue
        lower_ok = w != "và" and (w.casefold() in g.lower or (" " in w and all(
            p[0].isupper() or p.casefold() in g.lower for p in w.split())))   # `ban Thường vụ Quốc hội`
        if end == pos:
            if not w[0].isupper():
                break
        elif g.stop.match(text, s) or w[0].isdigit():
            break
        elif pending_comma and not (w[0].islower() and lower_ok):
            break
        elif not (w[0].isupper() or lower_ok or (w == "và" and has(i + 1)
                                                  and text[words[i + 1][0]].isupper())):
            break
        pending_comma = False
        end = e
        i += 1
        if len(w) > 1 and w.endswith(".") and w[:-1] not in ABBR_WITH_DOT:
            end = e - 1                        # `của UBND. Tiếp theo ...`: the sentence ends
            break
    # a known name runs over what the words above miss: a comma or a line break
    # inside it (`Bộ Văn hóa, Thể thao và Du lịch`, `Bộ Lao động\n- Thương binh và Xã hội`)
    j = 0
    while has(j):
        s = words[j][0]
        j += 1
        if s >= end:
            break
        km = g.names.match(text, s)
        if km and km.end() > end:
            end = km.end()
            break
    tail = ISSUER_TAIL.search(text[pos:end])
    if tail:
        end = pos + tail.start()
    return _task_name_end(text, pos, end, g)


def _task_name_end(text: str, pos: int, end: int, g: Grammar) -> int:
    """The end of an issuer named by its task (rules/issuers.yaml,
    task_named_heads): `Ban Chỉ đạo` + `về phòng, chống tham nhũng tỉnh`, when
    the document's subject is shown to be elsewhere; else ``end``."""
    head = g.task_head.search(text, pos, end)
    if not head:
        return end
    lead = g.task_lead.match(text, end)
    if not lead:
        return end
    stop = g.task_stop.search(text, lead.end(), min(len(text), lead.end() + 200))
    if not stop:
        return end
    words = text[lead.end():stop.start()].rstrip(" ,")
    if not words or not (g.task_place_end.search(words) or stop.group("subject") or head.group("national")):
        return end
    return lead.end() + len(words)


# --------------------------------------------------------------------------- a header's agency

DASHES = "-–—"
TRAILING_JOINERS = regex.compile(r"(?:\s*(?:và|[-–,&]))+$")


def agency_run(text: str, pos: int) -> str:
    """The agency name starting at pos: capitalised words, abbreviations and the
    lower-case words of institution names (rules/issuers.yaml); a comma
    continues it only into such a lower-case word."""
    g = grammar()
    toks = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text, pos, min(len(text), pos + 200))]
    end = pos
    i = 0
    comma = False
    prev_agency = False
    while i < len(toks):
        s, e, t = toks[i]
        if t in DASHES or t == "&":
            i += 1
            continue
        if t == ",":
            comma = True
            i += 1
            continue
        if not WORD.fullmatch(t):
            break
        # a lower-case phrase of institution names, several words long
        n = _lower_phrase(toks, i, g)
        if end > pos and not prev_agency and g.header_stop.match(text[s:]) and t[0].isupper():
            break
        if n and (t[0].islower() or not comma):
            if t[0].isupper() and end == pos and n and not g.agency_start.match(text[s:]):
                break
            end = toks[i + n - 1][1]
            prev_agency = bool(g.agency_start.match(text[s:]))
            i += n
            comma = False
            continue
        if comma or not (t[0].isupper() or t[0].isdigit() and end > pos):
            break
        prev_agency = bool(g.agency_start.match(text[s:]))
        end = e
        i += 1
    name = text[pos:end]
    name = TRAILING_JOINERS.sub("", name)
    return collapse_spaces(name).strip()


def _lower_phrase(toks, i, g: Grammar) -> int:
    words = []
    for k in range(i, min(len(toks), i + 6)):
        if not WORD.fullmatch(toks[k][2]):
            break
        words.append(toks[k][2])
    for n in range(len(words), 0, -1):
        if fold(" ".join(words[:n])) in g.header_lower and words[0] != "và":
            return n
    return 0


# --------------------------------------------------------------------------- a district

@functools.lru_cache(maxsize=2)
def district_pattern(any_case: bool = False) -> regex.Pattern:
    """`huyện Đức Hòa`: a district unit word (rules/issuers.yaml district_words)
    and up to four capitalised words; ``any_case``: the unit word in any case
    (and then, the regex engine's way, the name's words too)."""
    units = "|".join(regex.escape(w) for w in rules.load("issuers")["district_words"])   # spaces as written
    return regex.compile(rf"(?<![\p{{L}}])({units})\s+((?:\p{{Lu}}[\p{{L}}]*)(?:\s+\p{{Lu}}[\p{{L}}]*){{0,3}})",
                         regex.IGNORECASE if any_case else 0)
