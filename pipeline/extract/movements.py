"""Named emulation movements and campaigns (table: movements).

A movement mention is the inside of a pair of quotes (“...” or "...") that
names a movement, a campaign, a theme or a contest. Which quotes count, and
their kind, is decided from the words before them (rules/movements.yaml):

1. a head word (`phong trào thi đua`, `cuộc vận động`, `chủ đề`, `hội thi`
   ...) before the quote in its sentence with only modifier words between:
   the head word gives the kind;
2. a quote that continues a list headed by one, through connectors (`, ` `; `
   ` và `) or through a short stretch that holds a head word: the kind is the
   catalog entry's when the catalog knows the name, else the nearest head's;
3. a quote with no head word whose name is close to a catalog entry, unless it
   directly follows a title marker (`về`, `V/v`: it is then the subject of a
   cited document) or a noun naming another kind of thing (`nền tảng`, `quỹ`).

A document's title line in capitals names a movement without quotes when one
of the launch verbs (`PHÁT ĐỘNG`, `TRIỂN KHAI`, ...) comes before a head word:
the name is the rest of the line. A period (`giai đoạn 2021-2025`) is read
inside the name or just after it, its years from rules/dates.yaml.

The canonical name is the catalog entry with the highest Jaccard similarity of
word sets, after place names, scope words and periods are dropped from both.
"""
from __future__ import annotations

import bisect
import functools
import unicodedata
from dataclasses import dataclass

import regex

from .. import rules
from ..models import Movement
from .base import ExtractorSpec, ParsedDoc
from .parts import dates
from .parts.text import fold, new_tone

DASH = r"[-‐-―−]"
# a sentence ends inside a gap (not an ellipsis, not a decimal point)
SENTENCE_END = regex.compile(r"(?<![.\d])[.!?](?![.\d])(?:\s|$)")
NAME_MAX_CHARS = 400
LETTER = regex.compile(r"\p{L}")
LIST_GAP_END = regex.compile(r"(?:[,;:…]|\.\.\.)\s*\**\s*$")   # a gap between list items ends so


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    kind: str
    keys: tuple          # word sets of the name and its aliases


@dataclass(frozen=True)
class Grammar:
    head: regex.Pattern
    head_kind: dict
    modifier_gap: regex.Pattern
    modifier_max_words: int
    connector_gap: regex.Pattern
    stretch_max_words: int
    title_before: regex.Pattern
    pairs: dict                    # opening mark -> closing mark
    straight: frozenset
    curly_marks: regex.Pattern
    straight_marks: regex.Pattern
    unclosed_stop: regex.Pattern
    period_after: regex.Pattern
    period_inside: regex.Pattern
    period_strip: regex.Pattern
    places: regex.Pattern
    scope: regex.Pattern
    catalog: tuple
    threshold: float
    catalog_only_threshold: float
    title_movement: regex.Pattern
    place_spelling: dict
    title_max_chars: int


def _words_or_marks(items) -> str:
    """Alternation of words (with word boundaries) and punctuation marks."""
    words = [w for w in items if regex.search(r"[\p{L}\p{N}]", w)]
    marks = [w for w in items if w not in words]
    parts = []
    if words:
        parts.append(rules.alternation(words))
    if marks:
        parts.append(rules.alternation(marks, boundary=False))
    return "(?:" + "|".join(parts) + ")"


@rules.compiled("movements", "dates")
def grammar() -> Grammar:
    cfg = rules.load("movements")
    ds = dates.sources()
    year = ds.year
    head_kind = {}
    for kind, words in cfg["heads"].items():
        for w in words:
            head_kind[fold(w)] = kind
    head_alt = rules.alternation(head_kind.keys())
    mods = rules.alternation(cfg["modifiers"])
    clauses = "|".join(f"(?:{c})" for c in cfg.get("modifier_clauses") or [])
    gap_item = rf"(?:{mods}|{year}" + (rf"|(?<![\p{{L}}])(?:{clauses})(?![\p{{L}}])" if clauses else "") + ")"
    conn = _words_or_marks(cfg["connectors"])
    titles = rules.alternation(list(cfg["title_markers"]) + list(cfg.get("other_names_before") or []))
    stop_conn = _words_or_marks(cfg["unclosed_stop_connectors"])
    period_words = rules.alternation(cfg["period_words"])
    determiner = rf"(?:{rules.as_written(cfg['head_determiners'])}\s+)?"      # `các`, `những`
    period = rf"{period_words}\s+({year})\s*{DASH}\s*({year})"
    dated = rf"(?:{period_words}\s+{year}\s*{DASH}\s*{year}|(?<![\p{{L}}]){ds.year_word}\s+{year})"
    gap_words = int(cfg.get("period_max_gap_words", 5))
    prefixes = rules.alternation(cfg["place_prefixes"], boundary=False)
    places = rules.alternation(cfg["places"], boundary=False)
    g = Grammar(
        head=regex.compile(head_alt, regex.IGNORECASE),
        head_kind=head_kind,
        modifier_gap=regex.compile(rf"[\s:*]*(?:{gap_item}[\s:*]*)*", regex.IGNORECASE),
        modifier_max_words=int(cfg.get("modifier_max_words", 6)),
        connector_gap=regex.compile(rf"[\s*]*(?:(?:{conn}|{dated})[\s*]*)*", regex.IGNORECASE),
        stretch_max_words=int(cfg.get("list_stretch_max_words", 15)),
        title_before=regex.compile(rf"{titles}[\s*]*$", regex.IGNORECASE),
        pairs={o: c for o, c in cfg["quote_pairs"]},
        straight=frozenset(cfg["straight_quotes"]),
        curly_marks=regex.compile("|".join(regex.escape(m) for pair in cfg["quote_pairs"] for m in pair)),
        straight_marks=regex.compile("|".join(regex.escape(m) for m in cfg["straight_quotes"])),
        # tried only where a run of blanks and marks starts (or where the search starts):
        # the same leftmost match as a bare `[\s,;]*`, linear on a long run of `;` or `,`
        unclosed_stop=regex.compile(rf"(?:(?<![\s,;])|\G)[\s,;]*{stop_conn}\s+{determiner}{head_alt}",
                                    regex.IGNORECASE),
        period_after=regex.compile(rf"[\s*]*(?:[\p{{L}}\p{{N}}]+\s+){{0,{gap_words}}}?{period}",
                                   regex.IGNORECASE),
        period_inside=regex.compile(rf"[\s,;(–-]*{period}[\s.)]*$", regex.IGNORECASE),
        period_strip=regex.compile(rf"(?:{period_words}\s+)?{year}(?:\s*{DASH}\s*{year})?",
                                   regex.IGNORECASE),
        places=regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{prefixes}\s+)?({places})(?![\p{{L}}\p{{N}}])",
                             regex.IGNORECASE),
        scope=regex.compile(rules.alternation([fold(w) for w in cfg["scope_words"]])),
        catalog=(),
        threshold=float(cfg.get("canonical_threshold", 0.75)),
        catalog_only_threshold=float(cfg.get("catalog_only_threshold", 0.85)),
        title_movement=regex.compile(
            rf"(?<![\p{{L}}])(?:{rules.alternation(cfg['title_launch_verbs'])})\s+{determiner}"
            # atomic: the longest head and its modifiers, never a shorter head with the
            # rest read as the name (`TỔ CHỨC PHONG TRÀO THI ĐUA, CÁC DANH HIỆU ...` has no name)
            rf"(?>(?P<head>{head_alt})(?P<mods>(?:\s+(?:{mods}))*))\s+(?P<name>\p{{L}}.*?)[\s.*]*$",
            regex.IGNORECASE),
        title_max_chars=int(cfg.get("title_max_chars", 400)),
        place_spelling={fold(p): p for p in cfg["places"]},
    )
    entries = []
    for item in cfg["catalog"]:
        names = [item["name"]] + list(item.get("aliases") or [])
        keys = tuple(k for k in (_key(n, g) for n in names) if k)
        entries.append(CatalogEntry(name=item["name"], kind=item.get("kind", cfg["catalog_default_kind"]),
                                    keys=keys))
    object.__setattr__(g, "catalog", tuple(entries))
    return g


SPACES = regex.compile(r"\s+")
DASH_SPACED = regex.compile(r"\s*[–—‒―]\s*")
HYPHEN_SPACED = regex.compile(r"\s+-\s*|\s*-\s+")
WORDS = regex.compile(r"[\p{L}\p{N}]+")


def clean_name(s: str) -> str:
    """NFC, quotes and surrounding space removed, whitespace collapsed, dashes
    unified to ` - `."""
    s = unicodedata.normalize("NFC", s)
    s = SPACES.sub(" ", s).strip(" *_\"'“”«»‘’")
    s = DASH_SPACED.sub(" - ", s)
    s = HYPHEN_SPACED.sub(" - ", s)
    return SPACES.sub(" ", s).strip()


def _key(name: str, g: Grammar) -> frozenset:
    """The word set a name is compared by: casefolded, without punctuation,
    places (with their `tỉnh`/`huyện` prefix), scope words and periods."""
    s = new_tone(unicodedata.normalize("NFC", name))
    s = g.period_strip.sub(" ", s)
    # a place is written with capitals; `hòa bình` (peace) is not `Hòa Bình`
    s = g.places.sub(lambda m: " " if m.group(1)[:1].isupper() else m.group(), s)
    s = fold(s)
    s = g.scope.sub(" ", s)
    return frozenset(WORDS.findall(s))


@functools.lru_cache(maxsize=8192)     # a report names its movements again and again
def canonical(name: str) -> tuple[CatalogEntry | None, float]:
    """The closest catalog entry and its similarity."""
    g = grammar()
    key = _key(name, g)
    if not key:
        return None, 0.0
    best, best_sim = None, 0.0
    by_word = _catalog_keys_by_word()
    # only the keys that share a word can be similar at all; in catalog order, so the first best wins
    sharing = sorted({at: hit for w in key for at, *hit in by_word.get(w, ())}.items())
    for _, (entry, k) in sharing:
        sim = len(key & k) / len(key | k)
        if sim > best_sim:
            best, best_sim = entry, sim
    return best, best_sim


@rules.compiled("movements")
def _catalog_keys_by_word() -> dict[str, list[tuple[int, CatalogEntry, frozenset]]]:
    """Each word of the catalog's keys: the keys that hold it, each with its place in the catalog."""
    by_word: dict[str, list] = {}
    keys = [(entry, k) for entry in grammar().catalog for k in entry.keys]
    for at, (entry, k) in enumerate(keys):
        for w in k:
            by_word.setdefault(w, []).append((at, entry, k))
    return by_word


@dataclass
class Quote:
    open: int            # offset of the opening mark
    start: int           # name span (inside the marks)
    end: int
    close_end: int       # offset after the closing mark (== end when unclosed)


def _quotes(doc: ParsedDoc, g: Grammar, pars: _Paragraphs) -> list[Quote]:
    """Every quoted span, in document order. Curly marks pair within a
    paragraph; straight marks pair in order within a sentence; an opening mark
    with no partner is unclosed."""
    text = doc.text
    out: list[Quote] = []
    pending: int | None = None          # an opening mark of paragraph `inside` waiting for its closing one
    closing, inside = "", -1
    for m in g.curly_marks.finditer(text):      # (one pass over the text, the marks taken paragraph by paragraph)
        i, ch = m.start(), m.group()
        k = doc.seg.paragraph_index(i)
        if k != inside:
            if pending is not None:
                out.append(_unclosed(doc, pending, g, pars))
            pending, inside = None, k
        if ch in g.pairs:
            if pending is not None:          # a new quote opens: the last one ends before it
                out.append(_unclosed(doc, pending, g, pars, before=i))
            pending, closing = i, g.pairs[ch]
        elif pending is not None and ch == closing:
            out.append(Quote(pending, pending + 1, i, i + 1))
            pending = None
    if pending is not None:
        out.append(_unclosed(doc, pending, g, pars))
    # (only the paragraphs with a straight mark are split into sentences)
    for k in doc.seg.paragraphs_hit(g.straight_marks, text):
        for sent in doc.seg.sentences_of(k):
            marks = [m.start() for m in g.straight_marks.finditer(text, sent.start, sent.end)]
            for a, b in zip(marks[0::2], marks[1::2]):
                out.append(Quote(a, a + 1, b, b + 1))
            if len(marks) % 2:
                out.append(_unclosed(doc, marks[-1], g, pars))
    out.sort(key=lambda q: q.open)
    # drop quotes nested in another (a straight pair inside a curly one)
    kept: list[Quote] = []
    for q in out:
        if kept and q.open < kept[-1].close_end:
            continue
        kept.append(q)
    return kept


class _Paragraphs:
    """Paragraph lookup by offset (the starts computed once per document)."""

    def __init__(self, doc: ParsedDoc):
        self.paragraphs = doc.seg.paragraphs
        self.starts = [p.start for p in self.paragraphs]

    def at(self, offset: int):
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.paragraphs[max(i, 0)]


def _unclosed(doc: ParsedDoc, at: int, g: Grammar, pars: _Paragraphs, before: int | None = None) -> Quote:
    """An opening mark with no closing one: the name runs to a connector
    followed by a head word (` và phong trào ...`), else to the end of the
    clause (`;`) or sentence."""
    text = doc.text
    sent = doc.seg.sentence_at(at)
    par = pars.at(at)
    limit = max(sent.end, at + 1)
    limit = min(limit, par.end) if par.start <= at < par.end else limit
    if before is not None:
        limit = min(limit, before)
    stop = g.unclosed_stop.search(text, at + 1, limit)
    end = stop.start() if stop else limit
    semi = text.find(";", at + 1, end)
    if semi >= 0:
        end = semi
    while end > at + 1 and text[end - 1] in " .,:;*…":
        end -= 1
    return Quote(at, at + 1, end, end)


def _word_count(s: str) -> int:
    return len(WORDS.findall(s))


def _direct_head(window: str, g: Grammar) -> str | None:
    """The kind of the head word that ends the window (only modifiers after it)."""
    last = None
    for m in g.head.finditer(window):
        last = m
    if last is None:
        return None
    gap = window[last.end():]
    if _word_count(gap) > g.modifier_max_words or not g.modifier_gap.fullmatch(gap):
        return None
    return g.head_kind[fold(last.group())]


def _stretch_head(gap: str, g: Grammar) -> str | None:
    """The kind of the nearest head word in a short stretch between two list items."""
    if SENTENCE_END.search(gap) or _word_count(gap) > g.stretch_max_words:
        return None
    if not LIST_GAP_END.search(gap):
        return None
    heads = list(g.head.finditer(gap))
    if not heads:
        return None
    return g.head_kind[fold(heads[-1].group())]


def _period(text: str, q: Quote, name: str, g: Grammar, limit: int) -> str:
    m = g.period_inside.search(name)
    if not m:
        after = text[q.close_end:limit]
        m = g.period_after.match(after)
    return f"{m.group(1)}-{m.group(2)}" if m else ""


def _sentence_case(caps: str, g: Grammar) -> str:
    """A name written in capitals as a sentence: `VẬN ĐỘNG ... THÀNH PHỐ CẦN THƠ`
    -> `Vận động ... thành phố Cần Thơ` (place names from the rules keep capitals)."""
    low = caps[:1] + caps[1:].lower()

    def place(m):
        written = m.group(1)
        canon = g.place_spelling.get(fold(written), written)
        return m.group()[: m.start(1) - m.start()] + canon
    return g.places.sub(place, low)


def _title_movements(doc: ParsedDoc, g: Grammar) -> list[Movement]:
    """Movements a capitalised title line launches without quotes."""
    out = []
    for par in doc.seg.paragraphs:
        line = par.text
        if len(line) > g.title_max_chars or line != line.upper() or "“" in line or '"' in line:
            continue
        m = g.title_movement.search(line)
        if not m or len(m.group("name").split()) < 2:
            continue
        start, end = par.start + m.start("name"), par.start + m.end("name")
        name = _sentence_case(clean_name(doc.text[start:end]), g)
        entry, sim = canonical(name)
        out.append(Movement(**doc.provenance(start, end), rule="movements.title_line", name=name,
                            canonical=entry.name if entry and sim >= g.threshold else "",
                            kind=g.head_kind[fold(m.group("head"))],
                            period=_period(name, Quote(0, 0, 0, 0), name, g, 0)))
    return out


def find(doc: ParsedDoc) -> list[Movement]:
    g = grammar()
    text = doc.text
    out: list[Movement] = _title_movements(doc, g)
    pars = _Paragraphs(doc)
    quotes = _quotes(doc, g, pars)
    prev: Quote | None = None
    prev_state = None          # (accepted, chain_kind, title_excluded)
    for idx, q in enumerate(quotes):
        doc.check_time()
        sent = doc.seg.sentence_at(q.open)
        par = pars.at(q.open)
        prev_end = prev.close_end if prev is not None else -1       # (-1: no quote before this one)
        same_par = prev_end > par.start
        win_start = sent.start
        if same_par and prev_end > win_start:
            win_start = prev_end
        window = text[win_start:q.open]
        gap = text[prev_end:q.open] if same_par and prev_end <= q.open else None

        raw = text[q.start:q.end]
        name = clean_name(raw)
        state: tuple[bool, str | None, bool] = (False, None, False)
        if name and len(raw) <= NAME_MAX_CHARS and LETTER.search(name):
            entry, sim = canonical(name)
            if sim < g.threshold:
                entry = None
            kind = None
            chain = None
            head = _direct_head(window, g)
            if head:
                kind = chain = head
            elif prev_state and prev_state[0] and prev_state[1] and gap is not None:
                if g.connector_gap.fullmatch(gap) and not SENTENCE_END.search(gap.replace("...", "")):
                    chain = prev_state[1]
                else:
                    chain = _stretch_head(gap, g)
                if chain:
                    kind = entry.kind if entry else chain
            title = False
            if kind is None:
                title = bool(g.title_before.search(text, max(0, q.open - 40), q.open))
                if (not title and prev_state and prev_state[2] and gap is not None
                        and g.connector_gap.fullmatch(gap)):
                    title = True      # `về “A”, “B”`: the whole list is the subject
                if entry and sim >= g.catalog_only_threshold and not title:
                    kind = entry.kind
            if kind:
                start, end = q.start, q.end
                limit = min(sent.end if sent.end > q.close_end else par.end,
                            quotes[idx + 1].open if idx + 1 < len(quotes) else len(text))
                rule = ("movements.quoted_after_head" if head else "movements.quoted_in_list" if chain
                        else "movements.catalog_name")
                out.append(Movement(**doc.provenance(start, end), rule=rule, name=name,
                                    canonical=entry.name if entry else "", kind=kind,
                                    period=_period(text, q, name, g, limit)))
                state = (True, chain, False)
            else:
                state = (False, None, title)
        prev, prev_state = q, state
    out.sort(key=lambda m: m.start)
    return out


SPEC = ExtractorSpec(
    name="movements", record=Movement, find=find, rules_file="movements", label="MOVEMENT", color="#e9d7fe",
    columns=("name", "canonical", "kind", "period"),
    facets=("kind",),
    about="emulation movements by name, linked to the nationwide movement they localize")
