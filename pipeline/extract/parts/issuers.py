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

import difflib
import functools
import unicodedata
from dataclasses import dataclass

import regex

from ... import rules, underthesea_files
from .text import TOKEN, WORD, collapse_spaces, fold, fold_code, new_tone, phrases_pattern


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
    task_open: regex.Pattern       # a body named by its task, the task still open at the end (`Ban Chỉ đạo về ...`)
    places: frozenset              # unit words (`phường`), casefolded: a comma goes into one only after a place
    after_comma: frozenset         # other lower-case words a name goes on into after a comma (`khen thưởng`)
    stop_caps: regex.Pattern       # in a heading's capitals: what ends an issuer (`VỀ`, `BAN HÀNH`), any case
    verb_stop: regex.Pattern       # a capitalised verb opening the subject (`Thành lập`), any case, whole words
    bare_heads: frozenset          # words that name no body alone (`Bộ`, `Văn phòng`), folded
    verbs: frozenset               # verbs that end an issuer (`quy định`, `ban hành`), casefolded, new tone
    # the header's reading (agency_run)
    header_lower: tuple            # lower-case institution words folded (dashes too), longest first
    header_stop: regex.Pattern
    agency_start: regex.Pattern    # the words an agency name starts with (rules/document.yaml agency_starts)


@rules.compiled("issuers", "citations", "document")
def grammar() -> Grammar:
    iss = rules.load("issuers")
    subject_verbs = rules.load("citations").get("subject_verbs") or []
    # the verbs that open a subject end an issuer written in capitals or capitalised
    # (`CỦA UBND TỈNH BÃI BỎ ...`, `của UBND tỉnh Bình Phước Thành lập ...`), but not
    # those an institution's name starts with (`giao` of `Bộ Giao thông vận tải`)
    institution = [fold(w) for w in iss["lowercase_words"]]
    verbs = [v for v in subject_verbs if not any(w == fold(v) or w.startswith(fold(v) + " ") for w in institution)]
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
                                rf"(?:[ ]+(?P<national>"
                                rf"{rules.alternation(iss['task_named_national'], boundary=False)}))?$",
                                regex.IGNORECASE),
        task_lead=regex.compile(rf"[ ]+{rules.alternation(iss['task_leads'], boundary=False)}[ ]+"
                                rf"(?!{rules.alternation(iss['task_lead_not_before'], boundary=False)}(?![\p{{L}}]))"
                                r"(?=\p{L})"),
        task_stop=regex.compile(r"[;:(\n]|\.(?:\s|$)|[ ]+(?:(?P<subject>"
                                + rules.alternation(list(iss["task_leads"]) + list(subject_verbs), boundary=False)
                                + r")|" + rules.alternation(iss["task_name_stops"], boundary=False) + r")(?![\p{L}])"),
        task_place_end=regex.compile(rf"(?<![\p{{L}}]){rules.alternation(iss['place_words'], boundary=False)}"
                                     r"(?:[ ]+\p{Lu}[\p{L}\d]*)*[ ,]*$"),
        task_open=regex.compile(rf"(?<![\p{{L}}])(?i:{rules.alternation(iss['task_named_heads'], boundary=False)})"
                                r"(?:[ ]+\p{Lu}[\p{L}]*)*"
                                rf"[ ]+{rules.alternation(iss['task_leads'], boundary=False)}[ ][^;:.()\n]*$"),
        places=frozenset(w.casefold() for w in iss["place_words"]),
        after_comma=frozenset(w.casefold() for w in iss["after_comma_words"]),
        stop_caps=regex.compile(rules.alternation(iss["stop_words"] + verbs), regex.IGNORECASE),
        verb_stop=regex.compile(rules.alternation(verbs), regex.IGNORECASE),
        bare_heads=frozenset(fold(w) for w in iss["bare_heads"]),
        verbs=frozenset(fold(w) for w in subject_verbs + iss["not_institution_words"]),
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
    # (in the new tone placement, as the words are looked up: Viet74K writes `cộng hoà`)
    return frozenset(new_tone(w).casefold() for w in underthesea_files.dictionary_words()
                     if " " in w and len(w.split()) <= 4)


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
                if _looked_up(folded, pos, group) in vocab and not _tail_opens(toks, i, n, k, folded, pos, g):
                    n = _shorter_for_institution_word(toks, i, n, k, folded, pos, g)
                    e = toks[i + n - 1][1]
                    i += n - 1
                    break
        yield s, e
        i += 1


def _shorter_for_institution_word(toks, i: int, n: int, k: int, folded: str, pos: int, g: Grammar) -> int:
    """The group of ``n`` words at ``i`` (a dictionary word), or a shorter one
    when the words after that make an institution word of rules/issuers.yaml
    reaching further: `Công đoàn` + `viên chức tỉnh`, not the dictionary's
    `công đoàn viên` (a union member) + `chức`."""
    for short in range(n - 1, 0, -1):
        if short > 1 and _looked_up(folded, pos, toks[i:i + short]) not in g.vocab:
            continue
        for m in range(min(k - short, g.vocab_max), 1, -1):
            if short + m > n and _looked_up(folded, pos, toks[i + short:i + short + m]) in g.lower:
                return short
    return n


def _lower_words(phrase: str, g: Grammar) -> bool:
    """Is a group of words (`lực lượng vũ trang`) institution words of
    rules/issuers.yaml one after another (`lực lượng` + `vũ trang`), or
    capitalised words among them (`ban Thường vụ Quốc hội`)?"""
    parts = phrase.split()
    reach = [True] + [False] * len(parts)       # reach[j]: the first j words are such words
    for j in range(len(parts)):
        if not reach[j]:
            continue
        if parts[j][0].isupper():
            reach[j + 1] = True
        for m in range(1, min(g.vocab_max, len(parts) - j) + 1):
            if " ".join(parts[j:j + m]).casefold() in g.lower:
                reach[j + m] = True
    return reach[-1]


def _looked_up(folded: str, pos: int, group) -> str:
    """The words of ``group`` (token offsets) as the vocabulary holds them."""
    key = folded[group[0][0] - pos:group[-1][1] - pos]
    if key.count(" ") != len(group) - 1:     # a gap other than one space
        key = " ".join(folded[a - pos:b - pos] for a, b in group)
    return key


def _tail_opens(toks, i: int, n: int, k: int, folded: str, pos: int, g: Grammar) -> bool:
    """Do the words after the first of a group of ``n`` make, with the words
    after the group (of the ``k`` that may join), a verb that ends an issuer?
    Then the group is no word here: `Hà Nội quy định` is `Nội` + `quy định`,
    not `Nội quy`; `UBND tỉnh thành lập` is `tỉnh` + `thành lập`, not `tỉnh
    thành` (while `Bộ Tài chính quy định` keeps `Tài chính`)."""
    return any(_looked_up(folded, pos, toks[i + 1:i + 1 + m]) in g.verbs for m in range(k - 1, n - 1, -1))


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
    pending_comma = has_place = False
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
        lower_ok = w != "và" and (w.casefold() in g.lower or (" " in w and _lower_words(w, g)))
        if end == pos:
            if not w[0].isupper():
                break
        elif _starts_other(text, s, e, w, g) or w[0].isdigit():
            break
        elif pending_comma and not (w[0].islower() and lower_ok and (w.casefold() in g.after_comma or (
                has_place and w.casefold() in g.places))):
            # (a unit after a comma continues a place, `UBND xã A, huyện B`, not a body
            # without one: `Bộ Nội vụ, phường Mũi Né sau sắp xếp ...`, `Chính phủ, tổ chức ...`
            # are another clause)
            break
        elif not (w[0].isupper() or lower_ok or (w == "và" and has(i + 1)
                                                  and text[words[i + 1][0]].isupper())):
            break
        pending_comma = False
        has_place = has_place or w.casefold() in g.places
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
    name = text[pos:end]
    if fold(name) in g.bare_heads or (WORD.fullmatch(name) and name[1:].islower()):
        return pos           # a head alone (`của Bộ trưởng Bộ ...` misspelt), one syllable (`của Chinh phủ`): no body
    return _task_name_end(text, pos, end, g)


def _starts_other(text: str, s: int, e: int, w: str, g: Grammar) -> bool:
    """Does the word w (text[s:e]) start something other than the issuer: a
    stop word (`Kết luận`); in a heading's capitals, a stop word or a verb
    opening the subject (`VỀ`, `BÃI BỎ`); a capitalised verb, whole (`Thành lập`)."""
    if g.stop.match(text, s):
        return True
    if w.isupper():
        return bool(g.stop_caps.match(text, s))
    if w[0].isupper():
        verb = g.verb_stop.match(text, s)
        return verb is not None and verb.end() == e
    return False


TASK_REACH = 150       # characters back from a citation to the body whose task it may be in


def within_task_name(text: str, pos: int) -> bool:
    """Is pos within the task of a body named by it, in the same clause (`Ban
    Chỉ đạo về tổng kết việc thực hiện |Nghị quyết 18-NQ/TW của Chính phủ`)?"""
    return bool(grammar().task_open.search(text, max(0, pos - TASK_REACH), pos))


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
    if not words or head.group("national") or not (g.task_place_end.search(words) or stop.group("subject")):
        return end                             # (a national body's task is its name as `names` lists it)
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
        if comma or not (t[0].isupper() or (t[0].isdigit() and end > pos)):
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


# --------------------------------------------------------------------------- canonical issuers

# where a body's name starts: the issuer's start, or after a joint of a joint
# issuer (`Bộ trưởng Bộ Y tế - Bộ trưởng Bộ Quốc phòng`, `... và Bộ Công an`)
BODY_START = r"(?:^|(?<=\s[-–—]\s|\svà\s|,\s|;\s))"
NAME_END = r"(?![\p{L}\p{N}])"
PARENTHESES = regex.compile(r"\s*\([^()]*\)")
REPEATED_WORD = regex.compile(r"(?<![\p{L}])(\p{L}+)(?:\s+\1)+(?![\p{L}])", regex.IGNORECASE)
JOINERS = regex.compile(r"[\s,–—&-]+")


@dataclass(frozen=True)
class Bodies:
    """rules/issuers.yaml's names of bodies, compiled (:func:`canonical`)."""
    abbreviations: tuple           # (pattern, full form): `UBND` -> `Ủy ban nhân dân`, longest first
    holders: regex.Pattern         # an office holder's title where a body starts (`Bộ trưởng Bộ`)
    holder_body: dict              # the title's key -> the words of the body they sign for
    aliases: regex.Pattern         # any name of a body, where a body starts
    name_of: dict                  # a name's key -> the body's canonical name
    province_body: regex.Pattern   # a province's department, up to the unit before its province's name
    unit_capitalised: regex.Pattern    # a unit word capitalised before a name (`Tỉnh Đồng Tháp`)
    code_bodies: dict              # a number code part (`CP`, `UBND`) -> the compared names of its bodies


def _key(name: str) -> str:
    """How a name is looked up: folded, its joints (spaces, commas, dashes, `&`) as one space."""
    return JOINERS.sub(" ", fold(name)).strip()


def _names_pattern(names, not_before=()) -> str:
    """Any of the names, longest first, where a body starts: case, tone placement,
    spacing and the joints (comma, dash) as any other; not followed by one of
    ``not_before`` (written as they are)."""
    def one(name: str) -> str:
        parts = regex.split(r"(\s*[,–—-]\s*|\s+)", new_tone(name.strip()))
        return "".join(r"(?:\s*[,–—-]\s*|\s+)" if i % 2 else regex.escape(p) for i, p in enumerate(parts))
    body = "|".join(one(n) for n in sorted(set(names), key=len, reverse=True))
    other = rf"(?!\s+(?-i:{rules.as_written(not_before)}){NAME_END})" if not_before else ""
    return rf"{BODY_START}(?:{body}){NAME_END}{other}"


@rules.compiled("issuers")
def bodies() -> Bodies:
    iss = rules.load("issuers")
    holders = iss.get("office_holders") or {}
    name_of: dict[str, str] = {}
    code_bodies: dict[str, set] = {}
    names = []
    for body in iss["bodies"]:
        for name in [body["name"], *(body.get("also") or [])]:
            name_of[_key(name)] = body["name"]
            names.append(name)
        for code in body.get("codes") or []:
            code_bodies.setdefault(fold_code(code), set()).add(compared(body["name"]))
    for abbreviation, full in (iss.get("abbreviations") or {}).items():    # `UBND` in `QĐ-UBND`
        code_bodies.setdefault(fold_code(abbreviation), set()).add(compared(full))
    units = iss["place_words"]
    capitalised = {w[:1].upper() + w[1:] for w in units} | {w.title() for w in units}
    return Bodies(
        abbreviations=tuple((regex.compile(rf"(?<![\p{{L}}]){regex.escape(k)}(?![\p{{L}}])"), v)
                            for k, v in sorted((iss.get("abbreviations") or {}).items(), key=lambda kv: -len(kv[0]))),
        holders=regex.compile(_names_pattern(holders), regex.IGNORECASE) if holders else regex.compile("(?!)"),
        holder_body={_key(k): v for k, v in holders.items()},
        aliases=(regex.compile(_names_pattern(names, iss["other_body_words"]), regex.IGNORECASE) if names
                 else regex.compile("(?!)")),
        name_of=name_of,
        province_body=regex.compile(rf"^(?:{rules.as_written(iss['province_bodies'])})\s.*?\K\s"
                                    rf"(?:{rules.as_written(iss['province_words'] + iss['city_words'])})"
                                    r"(?=\s\p{Lu})"),
        unit_capitalised=regex.compile(rf"(?<=\S\s+){rules.as_written(sorted(capitalised, key=len, reverse=True))}"
                                       r"(?=\s+\p{Lu})"),
        code_bodies={code: frozenset(names) for code, names in code_bodies.items()},
    )


@functools.lru_cache(maxsize=1 << 14)      # the same few issuers come back all the time
def canonical(issuer: str) -> str:
    """The body an issuer names, by its name in rules/issuers.yaml (bodies):
    abbreviations spelled out (`UBND`), an office holder read as the body they
    sign for (`Bộ trưởng Bộ Tài chính` -> `Bộ Tài chính`), a body's other names
    as its name (`Bộ GD&ĐT`, `Thủ tướng`), the new tone placement, a unit's
    word in lower case (`Tỉnh Đồng Tháp`), a word written twice once (`tỉnh
    tỉnh`), a parenthesis dropped, a province's department without the unit
    before its province (`Sở Xây dựng thành phố Đà Nẵng` -> `Sở Xây dựng Đà
    Nẵng`); what else the issuer says stays (`khóa XII`, a province)."""
    b = bodies()
    s = collapse_spaces(PARENTHESES.sub("", new_tone(unicodedata.normalize("NFC", issuer or "")))).strip(" ,;-–")
    s = REPEATED_WORD.sub(r"\1", s)
    for pattern, full in b.abbreviations:
        s = pattern.sub(full, s)
    s = b.holders.sub(lambda m: b.holder_body.get(_key(m.group()), m.group()), s)
    s = b.aliases.sub(lambda m: b.name_of.get(_key(m.group()), m.group()), s)
    s = b.unit_capitalised.sub(lambda m: m.group().lower(), s)
    s = b.province_body.sub("", s)
    return collapse_spaces(s).strip()


def compared(name: str) -> str:
    """The form in which two canonical issuers are the same body: folded, the
    joints and `và` as nothing (`Bộ Quốc phòng - Bộ Công an` = `Bộ Quốc phòng
    và Bộ Công an`)."""
    return " ".join(w for w in _key(name).split() if w != "và")


def identity(issuer: str) -> str:
    """The comparison form of an issuer: :func:`compared` of its :func:`canonical` name."""
    return compared(canonical(issuer))


TRAILING_DIGITS = regex.compile(r"\d+$")


def _code_bodies(code: str) -> set:
    """The bodies a number's code names (`NĐ-CP`: Chính phủ; `QĐ-UBND`: Ủy ban
    nhân dân), compared: rules/issuers.yaml bodies' codes and abbreviations."""
    table = bodies().code_bodies
    named: set = set()
    for part in fold_code(code).split("-"):
        named |= table.get(TRAILING_DIGITS.sub("", part), frozenset())
    return named


def _is_one_of(issuer: str, named: set) -> bool:
    who = identity(issuer)
    return any(who == body or who.startswith(body + " ") for body in named)


def contradicts_code(issuer: str, code: str) -> bool:
    """Does the number's code name bodies none of which the issuer is, nor a
    misspelling of one? (`Nghị định 136/2025/NĐ-CP do Văn phòng Chính phủ ban
    hành` does; `18/2011/TT-BKHCN do Bộ Khoa học và Công nghiệp ban hành`, one
    word off, does not: that source miscites the issuer.)"""
    named = _code_bodies(code)
    return bool(named) and not _is_one_of(issuer, named) and not any(
        _one_word_off(identity(issuer), body) for body in named)


def _one_word_off(a: str, b: str) -> bool:
    """Two names of the same head word that differ in one word at most (of three or more)."""
    x, y = a.split(), b.split()
    if not x or not y or x[0] != y[0] or min(len(x), len(y)) < 3:
        return False
    ops = difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal") <= 1


def agrees_with_code(issuer: str, code: str) -> bool:
    """Does the number's code name the issuer's body? (`ý kiến chỉ đạo của Chủ
    tịch UBND tỉnh tại Công văn số 2769/UBND-NCKSTTHC`: yes; `... của Bộ Chính
    trị tại văn bản số 17129-CV/VPTW`: no.)"""
    named = _code_bodies(code)
    return bool(named) and _is_one_of(issuer, named)
