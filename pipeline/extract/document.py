"""Document metadata (table: documents): kind, number, issuer, province, place,
issued date, period and title, read from the document's own header, title and
body.

An administrative document opens with a header block: the issuing agency left
of the national motto, `Số: ...`, `<Place>, ngày ... tháng ... năm ...`, then a
kind heading in capitals (`KẾ HOẠCH`) and the title under it. Converted and
crawled copies merge the two header columns into one line or spread them over
several, so each header line is read with the motto, number and date taken out.
A letter (công văn) has no heading but `Số:` and `V/v ...`; a news page has
none of this, only a headline, a date line and a footer.

Vocabulary and patterns live in rules/document.yaml (the dates' words and
years in rules/dates.yaml, the issuers' in rules/issuers.yaml, read by the
shared parts). :func:`fill` never raises: a field it cannot tell is left empty.
"""
from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass, field

import regex

from .. import rules
from ..models import DocumentInfo
from .common import finditer_at_triggers
from .parts import dates, issuers
from .parts.text import SPACES as _SPACES
from .parts.text import TOKEN, WORD, fold, phrase_pattern, phrases_pattern, unmarked

log = logging.getLogger(__name__)

DASH = "-–—"


def _is_caps(s: str) -> bool:
    """At least two letters, all of them capitals."""
    letters = 0
    for c in s:
        if c.isalpha():
            if not c.isupper():
                return False        # most lines are not in capitals: this is seen early
            letters += 1
    return letters >= 2


# patterns of one step each, compiled once (the module-level regex functions look each up in a cache)
_NOT_LETTER_OR_SPACE = regex.compile(r"[^\p{L} ]")
_LETTER = regex.compile(r"\p{L}")
_DIGIT = regex.compile(r"\d")
_SECTION_NUMBER = regex.compile(r"(?:[IVXLC]{1,5}|\d{1,2})\.\s")
_MARKUP_RUN = regex.compile(r"[_*#|]{2,}|\s[_*]+$")
_MARKUP = regex.compile(r"[_*#|]+")
_BREADCRUMB = regex.compile(r"\s[>»/|]\s")
_NAME_DASH = regex.compile(r"\s*[–—]\s*|\s+-\s*|\s*-\s+")
_SENTENCE_END = regex.compile(r"\./\.|\.\s+(?=\p{Lu})|\.$")
_CLAUSE_CUT = regex.compile(r"[,;:.]\s*")


@dataclass(frozen=True)
class Grammar:
    kinds: dict                    # folded heading -> canonical kind
    kinds_unmarked: dict           # heading without marks (`BIEN BAN`) -> canonical kind
    kind_heading: regex.Pattern
    letter_kind: str
    news_kind: str
    motto: regex.Pattern
    header_lines: int
    number: regex.Pattern          # `Số: ...` with the number
    number_alone: regex.Pattern    # a line that is only a number
    subject_lead: regex.Pattern
    body_start: regex.Pattern
    authority: regex.Pattern
    authority_reach: int           # characters an authority match reads (with the one after it)
    place_date: regex.Pattern
    news_date: regex.Pattern
    news_date_prefix: regex.Pattern
    news_marks: tuple
    chrome: frozenset
    news_footer: regex.Pattern
    closing_lead: regex.Pattern
    subject_verbs: regex.Pattern
    agency_start: regex.Pattern
    agency_start_caps: regex.Pattern   # the same, for a header line in capitals
    central: tuple
    casing: dict                   # folded phrase -> (category, canonical)
    casing_max: int
    upper: frozenset
    split_always: tuple
    split_after_place: tuple
    no_split_after: frozenset
    noise: regex.Pattern
    periods: tuple
    provinces: dict                # folded name -> canonical
    province_in_body: regex.Pattern
    province_in_body_trigger: re.Pattern
    after_2025: frozenset
    merged: dict
    places: dict                   # folded place -> province (before July 2025)
    place_pattern: regex.Pattern
    body_min: int
    body_share: float
    # the words of rules/document.yaml set into small patterns, as written
    subject_line: regex.Pattern        # `V/v ...` anywhere on a header line
    subject: regex.Pattern             # the same, to the end of the line (group 1)
    not_a_title: regex.Pattern
    section_in_title: regex.Pattern    # a section heading or the salutation run into the title
    salutations: tuple
    closing_issuer_lead: regex.Pattern   # `của ` in the closing line
    citing_lead: regex.Pattern
    province_lead: regex.Pattern
    city_words: frozenset
    place_unit_words: frozenset        # `tỉnh`, `huyện`, ...: a header's place name follows (one word)
    place_unit_pairs: frozenset        # `thành phố`, `thị xã`, `thị trấn` (two words)
    field_joiners: frozenset           # `và`: the casing's lower word after which a field starts
    # years and dates, read with the words and years of rules/dates.yaml
    year: regex.Pattern                # a year standing alone (group 1)
    year_named: regex.Pattern          # `năm 2021`, `Năm 2021` (the year: group 1)
    trailing_years: regex.Pattern      # a year or two ending a name (`© Báo Tây Ninh 2019-2024`)
    cited_date: regex.Pattern          # a date or a number with a year, taken out before a period is read


@rules.compiled("document", "issuers", "dates")
def grammar() -> Grammar:
    cfg = rules.load("document")
    iss = rules.load("issuers")
    kinds = {fold(k): v for k, v in cfg["doc_kinds"].items()}
    cas = cfg["casing"]
    casing = {}
    for cat in ("plain", "agency", "committee", "admin_units", "lower", "fixed"):
        for w in cas.get(cat) or []:
            casing[fold(w)] = (cat, w)
    prov = cfg["provinces"]
    provinces = {}
    for name in list(prov["before_2025"]) + list(prov["after_2025"]):
        provinces[fold(name)] = name
    for variant, name in (prov.get("variants") or {}).items():
        provinces[fold(variant)] = name
    names = set(prov["before_2025"]) | set(prov["after_2025"]) | set(prov.get("variants") or {})
    places = {fold(k): v for k, v in (prov.get("places") or {}).items()}
    ds = dates.sources()
    word = r"\p{Lu}\p{Ll}*"
    place = (rf"(?<![\p{{L}}\p{{N}}/\-.])(?P<place>{cfg['place_prefix']}{word}"
             rf"(?:(?:[ ]+|[ ]*[-–][ ]*){word}){{0,4}})[ ]*,[ ]*{ds.day_word}[ ]*"
             rf"(?:{ds.numeric}|{ds.draft})")
    periods = tuple((regex.compile(p["pattern"], regex.IGNORECASE), p["value"]) for p in cfg["periods"])
    subject = rules.as_written(cfg["subject_words"])          # `V/v`, `Về việc`
    return Grammar(
        kinds=kinds,
        kinds_unmarked={unmarked(k).upper(): v for k, v in cfg["doc_kinds"].items()},
        kind_heading=regex.compile(r"^[#>*\s]*(" + phrases_pattern(cfg["doc_kinds"].keys(), boundary=False)
                                   + r")(?![\p{L}\p{N}])\s*(?P<rest>.*)$", regex.IGNORECASE),
        letter_kind=cfg["letter_kind"],
        news_kind=cfg["news_kind"],
        motto=regex.compile(phrases_pattern(cfg["motto"])),
        header_lines=int(cfg.get("header_lines", 16)),
        number=regex.compile(rf"{cfg['number_lead']}(?P<num>{cfg['number']})?"),
        number_alone=regex.compile(rf"^\s*(?P<num>{cfg['number']})\s*$"),
        subject_lead=regex.compile(cfg["subject_lead"]),
        body_start=regex.compile("^(?:" + "|".join(f"(?:{p})" for p in cfg["body_starts"]) + ")"),
        authority=regex.compile(r"^\s*" + phrases_pattern(cfg["authority_starts"])),
        # a spaced dash (`\s*-\s*`) may triple a character of a phrase
        authority_reach=3 * max(map(len, cfg["authority_starts"])) + 1,
        place_date=regex.compile(place),
        news_date=regex.compile(cfg["news_date_line"]),
        news_date_prefix=regex.compile(cfg["news_date_prefix"]),
        # searched one by one: each has a literal the engine scans for, an alternation of them has none
        news_marks=tuple(regex.compile(p, regex.MULTILINE) for p in cfg["news_marks"]),
        chrome=frozenset(fold(c) for c in cfg["news_chrome"]),
        news_footer=regex.compile(cfg["news_footer"]),
        closing_lead=regex.compile(cfg["closing_lead"]),
        subject_verbs=regex.compile("|".join(f"(?:{p})" for p in cfg["subject_verbs"])),
        agency_start=issuers.grammar().agency_start,
        agency_start_caps=regex.compile(r"^" + phrases_pattern(list(cfg["agency_starts"]) + list(cas["agency"])
                                                    + list(cas["committee"])
                                                    + list(cfg["header_split_before"])), regex.IGNORECASE),
        central=tuple(fold(c) for c in cfg["central_issuers"]),
        casing=casing,
        casing_max=max(len(k.split()) for k in casing),
        upper=frozenset(w.upper() for w in list(cas.get("upper") or []) + list(iss.get("abbreviations") or {})),
        split_always=tuple(tuple(fold(p).split()) for p in cfg["header_split_before"]),
        split_after_place=tuple(tuple(fold(p).split()) for p in cfg["header_split_after_place"]),
        no_split_after=frozenset(fold(p) for p in cfg["header_no_split_after"]),
        noise=regex.compile(phrases_pattern(cfg["header_noise"])),
        periods=periods,
        provinces=provinces,
        # where province_in_body can start: the place nouns it opens with. Without the
        # boundary lookbehind the trigger opens with a letter, which the engine skips to
        # (ten times faster); province_in_body checks the boundary, and as no noun holds
        # a second `t`, no hit inside a word hides one at a word's start.
        province_in_body_trigger=rules.literal_trigger(cfg["body_province_words"], cross_lines=True),
        province_in_body=regex.compile(r"(?<![\p{L}\p{N}])" + cfg["body_province_lead"] + r"\s+(?P<p>"
                                       + phrases_pattern(names, boundary=False) + r")(?![\p{L}\p{N}])",
                                       regex.IGNORECASE),
        after_2025=frozenset(prov["after_2025"]),
        merged=dict(prov.get("merged_2025") or {}),
        places=places,
        place_pattern=regex.compile(phrases_pattern((prov.get("places") or {}).keys()), regex.IGNORECASE),
        body_min=int(cfg["body_province"]["min"]),
        body_share=float(cfg["body_province"]["share"]),
        subject_line=regex.compile(rf"(?:^|\s)({subject})\s+\S"),
        subject=regex.compile(rf"(?:^|\s)({subject}\s.*)$"),
        not_a_title=regex.compile("(?:" + "|".join(cfg["not_title_starts"]) + ")"),
        section_in_title=regex.compile(rf"(?<=\S{{2}})\s+(?:[IVX]{{1,4}}\.|{rules.as_written(cfg['salutation_words'])}\s*:)"
                                       r"\s*\p{Lu}"),
        salutations=tuple(cfg["salutation_words"]),
        closing_issuer_lead=regex.compile(rf"(?<![\p{{L}}]){rules.as_written(cfg['closing_issuer_leads'])}\s+"),
        citing_lead=regex.compile(rf"(?:[-–+•]\s*)?{rules.as_written(cfg['citing_leads'])}\b"),
        province_lead=regex.compile(cfg["province_lead"]),
        city_words=frozenset(iss["city_words"]),
        place_unit_words=frozenset(fold(w) for w in iss["place_words"] if " " not in w),
        place_unit_pairs=frozenset(fold(w) for w in iss["place_words"] if w.count(" ") == 1),
        field_joiners=frozenset(fold(w) for w in cas["field_joiners"]),
        year=regex.compile(rf"(?<!\d)({ds.year})(?!\d)"),
        year_named=regex.compile(rf"(?<![\p{{L}}]){ds.year_word_or_capital}\s+({ds.year})(?!\d)"),
        trailing_years=regex.compile(rf"\s*[-–,]?\s*{ds.year}(?:\s*[-–]\s*{ds.year})?$"),
        cited_date=_cited_date(ds),
    )


def _cited_date(ds: dates.Sources) -> regex.Pattern:
    r"""A date (`ngày 5/3/2021`, `5/3/2021`) or a number with a year in it
    (`12/2021/NĐ-CP`). That number takes its whole token: tried only where a
    token starts (or where the last match ended), its digits only where a run of
    digits starts, and looked for by a lazy look-ahead: the same matches as a
    bare `\S*\d+/<year>/\S*`, in linear time on a long token without spaces (the
    greedy `\S*` backtracking into `/<year>` was quadratic in the regex engine
    even at one position: `12/` repeated, 160,000 characters took 2 s)."""
    return regex.compile(rf"(?i){ds.day_word}\s*\d{{1,2}}\s*"
                         rf"(?:{ds.month_word_alone}\s*\d{{1,2}}\s*{ds.year_word}\s*\d{{4}}|/\s*\d{{1,2}}\s*/\s*\d{{4}})"
                         r"|\b\d{1,2}/\d{1,2}/\d{4}\b"
                         rf"|(?:(?<!\S)|\G)(?=\S*?(?<!\d)\d+/{ds.year}/)\S+")


# --------------------------------------------------------------------------- lines

@dataclass
class Layout:
    """Where things are in the first lines of the document (indexes into ``lines``)."""
    lines: list
    top: list                          # indexes of the first non-empty lines
    heading: int | None = None         # kind heading line
    kind: str = ""
    heading_rest: str = ""             # text after the kind word on the heading line
    body: int | None = None            # first body line
    motto: list = field(default_factory=list)
    number_line: int | None = None
    number: str = ""
    place_line: int | None = None
    place: str = ""
    date: str = ""
    subject_line: int | None = None    # `V/v ...`
    news_date_line: int | None = None
    news_date: str = ""
    news_lead: str = ""                # what follows the date on its line, if anything


def _layout(text: str, g: Grammar) -> Layout:
    lines = text.split("\n")
    # the first non-empty lines, without stripping every line of a long text
    non_empty = (i for i, ln in enumerate(lines) if ln.strip())
    top = list(itertools.islice(non_empty, g.header_lines))
    lay = Layout(lines=lines, top=top)
    for i in top:
        ln = lines[i]
        if g.motto.search(ln):
            lay.motto.append(i)
        if lay.body is None and g.body_start.match(ln.strip()) and not _is_caps(ln):
            lay.body = i
    start = (max(lay.motto) + 1) if lay.motto else 0
    for i in top:
        if i < start or (lay.body is not None and i >= lay.body):
            continue
        stripped = lines[i].strip()
        if not _is_caps(stripped) or stripped.endswith(":"):
            continue
        m = g.kind_heading.match(stripped)
        if m:
            lay.heading, lay.kind = i, g.kinds.get(fold(m.group(1)), "")
            lay.heading_rest = m.group("rest").strip(" :.-–")
            break
        # a scan's OCR may misread a tone mark (`BIẾN BẢN` for `BIÊN BẢN`): a
        # heading line that is a kind but for its marks is that kind
        bare = unmarked(_NOT_LETTER_OR_SPACE.sub("", stripped)).upper().strip()
        if bare in g.kinds_unmarked:
            lay.heading, lay.kind, lay.heading_rest = i, g.kinds_unmarked[bare], ""
            break
    limit = lay.heading if lay.heading is not None else (lay.body if lay.body is not None else 10 ** 9)
    head = [i for i in top if i < limit]
    for i in head:
        ln = lines[i]
        if lay.number_line is None:
            m = g.number.search(ln)
            if m:
                lay.number_line = i
                num = m.group("num")
                if not num:       # `Số:` with the number on a later line
                    for j in head:
                        if j > i:
                            alone = g.number_alone.match(lines[j])
                            if alone:
                                num = alone.group("num")
                                break
                lay.number = _clean_number(num or "")
        if lay.place_line is None:
            m = g.place_date.search(ln)
            if m:
                lay.place_line = i
                lay.place = _clean_place(m.group("place"))
                date = dates.date_of(m)
                lay.date = date.iso if date else ""
        if lay.subject_line is None:
            m = g.subject_line.search(ln)
            if m and (m.start(1) == 0 or g.number.search(ln[: m.start(1)])):
                lay.subject_line = i
    for i in itertools.islice((j for j, ln in enumerate(lines) if ln.strip()), 25):
        s = lines[i].strip()
        m = g.news_date.match(s)
        if m:
            lay.news_date_line = i
            lay.news_date = dates.iso_date(m.group("d"), m.group("m"), m.group("y"))
            break
        m = g.news_date_prefix.match(s)
        if m:
            lay.news_date_line = i
            lay.news_date = (dates.iso_date(m.group("d"), m.group("m"), m.group("y"))
                             or dates.iso_date(m.group("d2"), m.group("m2"), m.group("y2")))
            lay.news_lead = s[m.end():].strip()
            break
    return lay


def _clean_number(num: str) -> str:
    num = _SPACES.sub("", num).strip(".,;:")
    return num if _LETTER.search(num) else ""


def _clean_place(place: str) -> str:
    return _SPACES.sub(" ", place).strip()


# --------------------------------------------------------------------------- kind and title

def _is_news(text: str, lay: Layout, g: Grammar) -> bool:
    if lay.heading is not None or lay.motto or lay.number_line is not None or lay.place_line is not None:
        return False
    return lay.news_date_line is not None or any(p.search(text) for p in g.news_marks)


def _doc_kind(text: str, lay: Layout, g: Grammar) -> str:
    if lay.kind:
        return lay.kind
    if lay.number_line is not None and (lay.subject_line is not None
                                        or any(lay.lines[i].lstrip().startswith(g.salutations) for i in lay.top)):
        return g.letter_kind
    if _is_news(text, lay, g):
        return g.news_kind
    return ""


def _title_lines(lay: Layout, g: Grammar, first: int, first_text: str = "") -> str:
    """The title starting at line ``first`` (or the text already taken from the
    heading line) and the lines that continue it without a blank line."""
    lines = lay.lines
    parts = [first_text] if first_text else []
    i = first
    if not parts:
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i >= len(lines):
            return ""
        ln = lines[i].strip()
        if (g.not_a_title.match(ln) or g.motto.search(ln)
                or _SECTION_NUMBER.match(ln) or g.authority.match(ln)
                or g.place_date.search(ln)):
            return ""
        parts.append(ln)
        i += 1
    caps = _is_caps(parts[0])
    while i < len(lines) and len(parts) < 4:
        ln = lines[i].strip()
        if (not ln or g.body_start.match(ln) or g.authority.match(ln) or _is_caps(ln) != caps
                or g.motto.search(ln) or g.kind_heading.match(ln) or g.news_date.match(ln)
                or g.place_date.search(ln)):
            break
        parts.append(ln)
        i += 1
    return _clean_title(_drop_repeated_authority(" ".join(parts), g), g)


def _drop_repeated_authority(title: str, g: Grammar) -> str:
    """`... CỦA ỦY BAN NHÂN DÂN TỈNH VĨNH LONG ỦY BAN NHÂN DÂN TỈNH VĨNH LONG`: the
    authority line under the title was run into it; drop the repeat: the longest
    run of the last words that the words before it end with and that starts
    with an authority.

    Linear in the title's length (a title line can be a whole one-line file):
    where the last m words repeat is read off one Z-array, and the authority is
    matched on a few characters, not on the rest of the title."""
    words = title.split()
    n = len(words)
    joined = " ".join(words)
    starts = list(itertools.accumulate((len(w) + 1 for w in words), initial=0))   # of each word in joined
    repeats = _z_array(words[::-1])
    for m in range((n + 1) // 2, 1, -1):      # the longest repeat first
        k = n - m
        if k > m and repeats[m] >= m and g.authority.match(joined[starts[k]:starts[k] + g.authority_reach]):
            return joined[:starts[k] - 1]
    return title


def _z_array(items: list) -> list[int]:
    """z[i]: how many items from i on equal those from 0 on (z[0] = len(items))."""
    n = len(items)
    z = [0] * n
    if n:
        z[0] = n
    left = right = 0
    for i in range(1, n):
        if i < right:
            z[i] = min(right - i, z[i - left])
        while i + z[i] < n and items[z[i]] == items[i + z[i]]:
            z[i] += 1
        if i + z[i] > right:
            left, right = i, i + z[i]
    return z


def _clean_title(title: str, g: Grammar) -> str:
    title = _MARKUP_RUN.sub(" ", title)
    # a section heading run into the title line by the conversion (`... tỉnh Hậu Giang I.Tổng quan ...`)
    cut = g.section_in_title.search(title)
    if cut and cut.start() >= 20:
        title = title[: cut.start()]
    return _SPACES.sub(" ", title).strip(" .,;:-–*_")


def _headline(lay: Layout, g: Grammar) -> str:
    lines = lay.lines
    content: list[str] = []
    stop = lay.news_date_line if lay.news_date_line is not None else len(lines)
    for i, ln in enumerate(lines):
        if i >= stop or len(content) >= 8:
            break
        s = ln.strip()
        if not s or fold(s) in g.chrome or _is_caps(s) or _is_english(s) or _BREADCRUMB.search(s):
            continue
        content.append(s)
    if not content:
        return ""
    if lay.news_date_line is not None and len(content) <= 3 and sum(map(len, content)) <= 300:
        return _clean_title(" ".join(content), g)
    title = content[0]
    if title.endswith(":") and len(content) > 1:
        title += " " + content[1]
    return _clean_title(title, g)


def _is_english(s: str) -> bool:
    words = WORD.findall(s)
    return len(words) >= 3 and all(w.isascii() for w in words) and not _DIGIT.search(s)


def _title(lay: Layout, kind: str, g: Grammar) -> str:
    if lay.heading is not None:
        if lay.heading_rest:
            return _title_lines(lay, g, lay.heading + 1, lay.heading_rest)
        return _title_lines(lay, g, lay.heading + 1)
    if kind == g.letter_kind and lay.subject_line is not None:
        ln = lay.lines[lay.subject_line]
        m = g.subject.search(ln)
        return _clean_title(m.group(1), g) if m else ""
    if kind == g.news_kind:
        return _headline(lay, g)
    if lay.motto or lay.number_line is not None:
        # a header but no kind heading: the first lines in capitals under it
        after = max([lay.place_line or 0, lay.number_line or 0] + lay.motto)
        for i in lay.top:
            if i > after and (lay.body is None or i < lay.body) and _is_caps(lay.lines[i]):
                return _title_lines(lay, g, i)
    return ""


# --------------------------------------------------------------------------- casing

def _vowel(word: str) -> bool:
    return any(c in "aeiouy" for c in unmarked(word).casefold())


def proper_case(caps: str, g: Grammar | None = None) -> str:
    """Case an agency name written in capitals the way Vietnamese writes it:
    `ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ` -> `Ủy ban nhân dân thành phố Cần Thơ`,
    `SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI` -> `Sở Lao động - Thương binh và Xã hội`."""
    g = g or grammar()
    toks = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(caps)]
    out = []
    mode = "field"          # field: next word starts a field; rest: lower case; place: capitalised
    i = 0
    while i < len(toks):
        s, e, t = toks[i]
        if not WORD.fullmatch(t):
            if t in DASH + "&/":
                if mode != "place":       # a dash inside a place name (`BÀ RỊA - VŨNG TÀU`) keeps it one
                    mode = "field"
            elif t in ",;(":
                mode = "field"
            out.append((s, e, t))
            i += 1
            continue
        hit = None
        for n in range(min(g.casing_max, len(toks) - i), 0, -1):
            span = toks[i:i + n]
            if not all(WORD.fullmatch(x[2]) for x in span):
                continue
            key = fold(" ".join(x[2] for x in span))
            if key in g.casing:
                hit = (n, *g.casing[key])
                break
        if hit and hit[1] == "agency" and hit[0] == 1 and mode == "rest":
            hit = None      # `NỘI VỤ`: an agency word inside a name is a plain word
        if hit and not (hit[1] == "plain" and mode == "place"):
            n, cat, canon = hit
            caps_of = [w[:1].isupper() for w in canon.split()]
            if cat == "plain":
                caps_of = [mode == "field" and k == 0 for k in range(n)]
            for k in range(n):
                s, e, t = toks[i + k]
                # the written spelling (`UỶ`/`ỦY`), cased like the vocabulary entry
                out.append((s, e, _case_word(t, caps_of[k] if k < len(caps_of) else False)))
            i += n
            mode = {"agency": "field", "committee": "place", "admin_units": "place",
                    "lower": "field" if fold(canon) in g.field_joiners else "rest"}.get(cat, "rest")
            continue
        if t.upper() in g.upper or not _vowel(t) or t.isdigit():
            out.append((s, e, t if t.isdigit() else t.upper()))
            mode = "place"          # after an abbreviation or a number the words are capitalised, as in a name
            i += 1
            continue
        out.append((s, e, _case_word(t, mode in ("field", "place"))))
        if mode == "field":
            mode = "rest"
        i += 1
    res, pos = [], 0
    for s, e, t in out:
        res.append(caps[pos:s])
        res.append(t)
        pos = e
    res.append(caps[pos:])
    name = _NAME_DASH.sub(" - ", "".join(res))   # `LAO ĐỘNG – THƯƠNG BINH`
    return _SPACES.sub(" ", name).strip()


def _case_word(w: str, capital: bool) -> str:
    w = w.lower()
    return w[:1].upper() + w[1:] if capital else w


# --------------------------------------------------------------------------- issuer

def _is_agency(name: str, g: Grammar) -> bool:
    return bool(name) and bool(g.agency_start.match(name)) and len(name) <= 120


CITATION_BEFORE = regex.compile(r"\d+\s*/\s*[\p{Lu}\d]|(?i:số)\s+\d|ngày\s+\d|\d{1,2}/\d{1,2}/\d{4}")


def _issuer_from_closing(lines: list, g: Grammar) -> str:
    for ln in reversed(lines):
        s = ln.strip()
        if not g.closing_lead.match(s):
            continue
        first = _SENTENCE_END.split(s, maxsplit=1)[0]
        for m in g.closing_issuer_lead.finditer(first):
            if CITATION_BEFORE.search(first[max(0, m.start() - 60):m.start()]):
                continue    # `Chỉ thị số 12/CT-UBND ngày ... của Chủ tịch UBND tỉnh`: a cited document's issuer
            name = issuers.agency_run(first, m.end())
            if _is_agency(name, g):
                return name
        return ""
    return ""


def _header_agencies(lay: Layout, g: Grammar) -> list:
    """The agency names left of the motto, top (parent) first; or, with no
    motto and no number line, those of a plain header block."""
    if not lay.motto and lay.number_line is None and not _plain_header(lay, g):
        return []
    ends = [x for x in (lay.heading, lay.body, lay.place_line) if x is not None]
    stop = min(ends) if ends else 10 ** 9
    frags = []
    for i in lay.top:
        if i > stop or (i == stop and i != lay.place_line):
            break
        s = lay.lines[i]
        s = g.motto.sub(" ", s)
        s = g.place_date.sub(" ", s)
        s = g.subject.sub(" ", s)
        s = g.number.sub(" ", s)
        if g.number_alone.match(s):
            continue
        s = g.noise.sub(" ", s)
        s = _MARKUP.sub(" ", s)
        s = _SPACES.sub(" ", s).strip(" -–:,.")
        if _is_caps(s):
            frags.append(s)
    agencies: list[str] = []
    for frag in frags:
        # a line that does not start an agency continues the one above
        # (`ỦY BAN NHÂN DÂN` / `TỈNH HÀ TĨNH`, `BAN THI ĐUA - KHEN THƯỞNG` / `TRUNG ƯƠNG`)
        if agencies and not g.agency_start_caps.match(frag):
            agencies[-1] = agencies[-1] + " " + frag
            continue
        agencies.extend(_split_header(frag, g))
    return agencies


def _plain_header(lay: Layout, g: Grammar) -> bool:
    """A header of agency lines alone (`ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC` /
    `SỞ NỘI VỤ`, no motto, `Số:` or date line): the document's first lines, in
    capitals, the first starting an agency, up to the kind heading."""
    if lay.heading is None or not lay.top or lay.top[0] >= lay.heading:
        return False
    lines = [lay.lines[i].strip() for i in lay.top if i < lay.heading]
    return all(_is_caps(s) for s in lines) and bool(g.agency_start_caps.match(lines[0]))


def _split_header(frag: str, g: Grammar) -> list:
    words = frag.split()
    folded = [fold(w) for w in words]
    cuts = [0]
    k = 1
    after_place = False
    while k < len(words):
        prev1 = folded[k - 1]
        prev2 = " ".join(folded[max(0, k - 2):k])
        blocked = prev1 in g.no_split_after or prev2 in g.no_split_after
        hit = None
        for group, need_place in ((g.split_always, False), (g.split_after_place, True)):
            for p in group:
                if tuple(folded[k:k + len(p)]) == p:
                    hit = (p, need_place)
                    break
            if hit:
                break
        if hit and not blocked and (not hit[1] or after_place):
            cuts.append(k)
            k += len(hit[0])
            after_place = False
            continue
        if prev1 in g.place_unit_words or prev2 in g.place_unit_pairs:
            after_place = True
        k += 1
    cuts.append(len(words))
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(cuts) if b > a]


def _issuer_from_subject(lay: Layout, g: Grammar, after: int) -> str:
    seen = 0
    for i in range(after, len(lay.lines)):
        s = lay.lines[i].strip()
        if not s:
            continue
        seen += 1
        if seen > 6:
            break
        for m in g.subject_verbs.finditer(s):
            before = s[: m.start()].rstrip()
            cut = [x.end() for x in _CLAUSE_CUT.finditer(before)]
            for start in reversed([0] + cut[-3:]):
                cand = before[start:].strip()
                name = issuers.agency_run(cand, 0)
                if name and name == cand and _is_agency(name, g):
                    return name
    return ""


def _issuer_from_news(lay: Layout, g: Grammar) -> str:
    tail = "\n".join(lay.lines[-40:])
    m = None
    for m in g.news_footer.finditer(tail):  # noqa: B007 - the last match is the one wanted
        pass
    if m:
        who = _SPACES.sub(" ", m.group("who")).strip(" .,;:-–©")
        who = g.trailing_years.sub("", who).strip()
        if who:
            return who
    for i in lay.top[:6]:
        s = lay.lines[i].strip()
        if _is_caps(s) and not g.kind_heading.match(s) and g.agency_start.match(proper_case(s, g)):
            return proper_case(s, g)
    return ""


def _body_spelling(name: str, text: str) -> str:
    """The body's own spelling of a name cased from capitals, when the body
    writes it (`Tổ giúp việc về Cải cách hành chính`, not `... về cải cách ...`)."""
    try:
        pattern = regex.compile(r"(?<![\p{L}\p{N}])" + phrase_pattern(name) + r"(?![\p{L}\p{N}])", regex.IGNORECASE)
    except regex.error:
        return name
    for m in pattern.finditer(text):
        if not _is_caps(m.group()) and m.group()[:1].isupper():
            return _SPACES.sub(" ", m.group())
    return name


def _issuer(text: str, lay: Layout, kind: str, g: Grammar) -> str:
    if kind == g.news_kind:
        return _issuer_from_news(lay, g)
    name = _issuer_from_closing(lay.lines, g)
    if name:
        return name
    agencies = _header_agencies(lay, g)
    if agencies:
        return _body_spelling(proper_case(agencies[-1], g), text)
    after = lay.heading + 1 if lay.heading is not None else 0
    return _issuer_from_subject(lay, g, after)


# --------------------------------------------------------------------------- province

def _canonical_province(name: str, g: Grammar) -> str:
    name = g.province_lead.sub("", name or "").strip()
    return g.provinces.get(fold(name), "")


def _province_named(text: str, g: Grammar) -> str:
    """A province named in an issuer or header (`... tỉnh Tây Ninh`, `UBND TỈNH HẬU GIANG`)."""
    m = g.province_in_body.search(text)
    if m:
        return _canonical_province(m.group("p"), g)
    return ""


def _place_province(text: str, g: Grammar, date: str) -> str:
    """The province of a known place below province level named in text."""
    for m in g.place_pattern.finditer(text or ""):
        prov = g.places.get(fold(m.group()))
        if prov:
            return _as_of(prov, date, g)
    return ""


def _as_of(prov: str, date: str, g: Grammar) -> str:
    if date and date[:7] >= "2025-07" and prov not in g.after_2025:
        return g.merged.get(prov, prov)
    return prov


def _is_central(issuer: str, g: Grammar) -> bool:
    f = fold(issuer)
    return any(f == c or f.startswith(c + " ") for c in g.central)


def _body_province(text: str, g: Grammar) -> str:
    counts: dict = {}
    for m in finditer_at_triggers(g.province_in_body, g.province_in_body_trigger, text):
        p = _canonical_province(m.group("p"), g)
        if p:
            counts[p] = counts.get(p, 0) + 1
    if not counts:
        return ""
    best, n = max(counts.items(), key=lambda kv: kv[1])
    if n >= g.body_min and n / sum(counts.values()) > g.body_share:
        return best
    return ""


def _province(text: str, lay: Layout, issuer: str, header: list, g: Grammar, date: str) -> str:
    named = _province_named(issuer, g)
    if named:
        return named
    if _is_central(issuer, g):
        return ""
    prov = _canonical_province(lay.place, g)
    if prov:
        return prov
    for agency in reversed(header):
        named = _province_named(agency, g)
        if named:
            return named
    for source in [lay.place, issuer] + list(reversed(header)):
        prov = _place_province(source, g, date)
        if prov:
            return prov
    return _body_province(text, g)


# --------------------------------------------------------------------------- period

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _period_of(text: str, g: Grammar) -> str:
    text = g.cited_date.sub(" ", text or "")
    for pattern, value in g.periods:
        m = pattern.search(text)
        if not m:
            continue
        parts = {k: v for k, v in m.groupdict().items() if v}
        if "{y}" in value and "y" not in parts:
            later = g.year.search(text[m.end():])
            if not later:
                continue
            parts["y"] = later.group(1)
        if "q" in parts:
            parts["q"] = str(ROMAN.get(parts["q"].upper(), parts["q"]))
        if "m" in parts:
            parts["m"] = f"{int(parts['m']):02d}"
        try:
            return value.format(**parts)
        except (KeyError, IndexError):
            continue
    return ""


def _lead_paragraph(lay: Layout, after: int, g: Grammar) -> str:
    for i in range(after, len(lay.lines)):
        s = lay.lines[i].strip()
        if s and not s.startswith(g.salutations):
            return s
    return ""


def _period(lay: Layout, title: str, issued: str, g: Grammar) -> str:
    p = _period_of(title, g)
    if p:
        return p
    after = max([x for x in (lay.heading, lay.news_date_line, lay.subject_line, lay.place_line) if x is not None],
                default=-1) + 1
    lead = lay.news_lead if lay.news_lead and after == (lay.news_date_line or 0) + 1 else _lead_paragraph(lay, after, g)
    if lead and not g.citing_lead.match(lead):
        m = g.year_named.search(g.cited_date.sub(" ", lead))
        if m:
            return m.group(1)
    return issued[:4] if issued else ""


# --------------------------------------------------------------------------- fill

def read_meta(text: str) -> dict:
    """The metadata fields of a document's normalized text (empty when unsure)."""
    g = grammar()
    out = dict.fromkeys(("doc_kind", "number", "issuer", "province", "place", "issued_date", "period", "title"), "")
    if not text or not text.strip():
        return out
    lay = _layout(text, g)
    kind = _doc_kind(text, lay, g)
    out["doc_kind"] = kind
    out["number"] = lay.number
    out["place"] = lay.place
    out["issued_date"] = lay.date or (lay.news_date if kind == g.news_kind else "")
    out["title"] = _guard(_title, lay, kind, g)
    out["issuer"] = _guard(_issuer, text, lay, kind, g)
    header = _guard(_header_agencies, lay, g) or []
    out["province"] = _guard(_province, text, lay, out["issuer"], header, g, out["issued_date"])
    out["district"] = _guard(_district, header, out["issuer"], g)
    out["period"] = _guard(_period, lay, out["title"], out["issued_date"], g)
    return out




def _district(header: list, issuer: str, g: Grammar) -> str:
    """`huyện Đức Hòa` from the header's authority lines (`ỦY BAN NHÂN DÂN /
    HUYỆN ĐỨC HÒA / PHÒNG NỘI VỤ`) or the issuer; a `thành phố` that is a
    province (Cần Thơ) is no district."""
    for name in [issuer] + [proper_case(h, g) for h in reversed(header)]:
        m = issuers.district_pattern().search(name or "")
        if m and not (m.group(1) in g.city_words and _canonical_province(m.group(2), g)):
            return f"{m.group(1)} {m.group(2)}"
    return ""


def _guard(step, *args):
    try:
        return step(*args)
    except Exception:  # one field never costs the others
        log.warning("document metadata: %s failed", step.__name__, exc_info=True)
        return ""


def meta_of(parsed) -> dict:
    """The metadata of a parsed document (pipeline.extract.base.ParsedDoc),
    read once: fill and the extractors that read it (the awards' report year)
    share it."""
    meta = parsed.cache.get("document")
    if meta is None:
        meta = parsed.cache["document"] = read_meta(parsed.text)
    return meta


def fill(doc: DocumentInfo, parsed) -> None:
    """Set doc_kind, number, issuer, province, place, issued_date, period and
    title from the document's header, title and body. Never raises."""
    try:
        meta = meta_of(parsed)
    except Exception:
        log.warning("document metadata failed for %s", getattr(doc, "doc_id", "?"), exc_info=True)
        return
    for key, value in meta.items():
        setattr(doc, key, value or "")
