"""Stage 3: split normalized text into paragraphs and sentences.

Sentences come from underthesea's sentence tokenizer, run one paragraph (one
line of normalized text) at a time and mapped back to offsets. No word
segmentation runs here: the one extractor that needs word boundaries (where an
issuer's name ends) reads them from underthesea's dictionary, on the few words
after each `của` (pipeline/extract/citations.py).
"""
from __future__ import annotations

import bisect
import re

import regex

from . import underthesea_files
from .models import NormalizedText, Sentence

# the label a paragraph's content sits under: `- Kết quả khen thưởng năm 2021: ...`,
# or the first cell of a table row `Kết quả khen thưởng năm 2021 | ...`
LEAD_IN = regex.compile(r"^[-–+•*\s]*([^:;.|]{3,100})(?::\s| \| )")


class Paragraph:
    """One line of the normalized text that holds something.

    ``lead_in``: the label its content sits under (`Kết quả khen thưởng năm
    2021` in `- Kết quả khen thưởng năm 2021: ...`); ``heading``: the nearest
    heading paragraph above it; ``context``: what its sentences sit under, the
    lead-in, else the heading (itself, if it is one). The lead-in is found the
    first time it is asked for: most paragraphs are never split into sentences,
    and its pattern was most of the time segmenting took."""

    __slots__ = ("start", "end", "text", "heading", "_under", "_lead_in")

    def __init__(self, start: int, end: int, text: str, heading: str = "", under: str | None = None):
        self.start = start
        self.end = end
        self.text = text
        self.heading = heading
        self._under = heading if under is None else under     # the heading its context falls back to
        self._lead_in: str | None = None

    @property
    def lead_in(self) -> str:
        if self._lead_in is None:
            lead = LEAD_IN.match(self.text)
            self._lead_in = lead.group(1).strip() if lead else ""
        return self._lead_in

    @property
    def context(self) -> str:
        return self.lead_in or self._under

    def __repr__(self) -> str:
        return f"Paragraph(start={self.start}, end={self.end}, text={self.text[:40]!r})"


class Segmented:
    """Paragraphs, split into sentences only when asked.

    Splitting into sentences (underthesea) is the costly part; an extractor's
    trigger words fall in a few paragraphs, so a paragraph is split the first
    time a record's sentence or its list of sentences is asked for, once."""

    def __init__(self, text: str, paragraphs: list[Paragraph]):
        self.text = text
        self._split: list[list[Sentence] | None] = [None] * len(paragraphs)
        if not paragraphs:   # an empty or blank document: one empty paragraph and sentence, so lookups never fail
            paragraphs = [Paragraph(start=0, end=len(text), text=text)]
            self._split = [[Sentence(start=0, end=len(text), text=text)]]
        self.paragraphs = paragraphs
        self._par_starts = [p.start for p in paragraphs]
        self._sent_starts: list[list[int] | None] = [None] * len(paragraphs)
        self._all: list[Sentence] | None = None
        self._hits: dict = {}           # (trigger, over the text) -> the paragraphs it hits

    def sentences_of(self, index: int) -> list[Sentence]:
        """The sentences of paragraph ``index``."""
        sents = self._split[index]
        if sents is None:
            par = self.paragraphs[index]
            sents = [Sentence(start=s, end=e, text=self.text[s:e], context=par.context)
                     for s, e in _sentence_spans(par.text, par.start)]
            self._split[index] = sents
        return sents

    @property
    def sentences(self) -> list[Sentence]:
        if self._all is None:
            self._all = [s for i in range(len(self.paragraphs)) for s in self.sentences_of(i)]
        return self._all

    def sentence_at(self, offset: int) -> Sentence:
        """The last sentence starting at or before offset (the first one if none does).

        Looked up by bisection in the paragraph's sentence starts (in order):
        a walk over them was quadratic on a one-line file of many short
        sentences, each with a record (160,000 characters: 11 s)."""
        i = bisect.bisect_right(self._par_starts, offset) - 1
        while i >= 0:
            k = bisect.bisect_right(self._sentence_starts(i), offset)
            if k:
                return self.sentences_of(i)[k - 1]
            i -= 1
        return self.sentences[0]

    def _sentence_starts(self, index: int) -> list[int]:
        starts = self._sent_starts[index]
        if starts is None:
            starts = self._sent_starts[index] = [s.start for s in self.sentences_of(index)]
        return starts

    def paragraph_at(self, offset: int) -> Paragraph:
        return self.paragraphs[self.paragraph_index(offset)]

    def paragraph_index(self, offset: int) -> int:
        return max(bisect.bisect_right(self._par_starts, offset) - 1, 0)

    def paragraphs_hit(self, trigger, lower: str) -> list[int]:
        """The indices of the paragraphs where ``trigger`` (a pattern over the
        lower-cased text, ParsedDoc.lower) has a hit, each once, in order;
        found once per trigger (awards and money ask twice)."""
        key = (trigger, lower is self.text)        # (over the text itself or its lower-cased copy)
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = list(self._paragraphs_hit(trigger, lower))
        return hits

    def _paragraphs_hit(self, trigger, lower: str):
        starts = self._par_starts
        next_start = -1                 # where the paragraph after the last one yielded starts
        for hit in trigger.finditer(lower):
            at = hit.start()
            if at < next_start:
                continue                # (the hits come in order: the same paragraph, no lookup)
            k = self.paragraph_index(at)
            next_start = starts[k + 1] if k + 1 < len(starts) else len(lower) + 1
            yield k


# A "sentence" longer than this (a table flattened into one line, a file with no
# punctuation or line breaks) is cut at the last space before the limit, so that
# the ``sentence`` field of a record stays readable and no record carries megabytes.
MAX_SENTENCE = 3000


def _capped(spans: list[tuple[int, int]], par_text: str, base: int) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        while e - s > MAX_SENTENCE:
            lo, hi = s - base + MAX_SENTENCE // 2, s - base + MAX_SENTENCE
            cut = par_text.rfind(" ", lo, hi)
            if cut < 0:
                out.append((s, s + MAX_SENTENCE))
                s += MAX_SENTENCE
            else:
                out.append((s, base + cut))
                s = base + cut + 1
        if e > s:
            out.append((s, e))
    return out


# `(?:\.\d{1,2})*+` possessive: giving back a `.1` can never let `\.?\s+` match (a digit
# or a `.`+digit would follow), and backtracking it was quadratic on a line of `1.1.1...`
HEADING = regex.compile(r"^(?:[IVXLC]{1,6}\.|\d{1,2}(?:\.\d{1,2})*+\.?|[a-zđ]\))\s+\S")


def _sentence_spans(par_text: str, base: int) -> list[tuple[int, int]]:
    spans = []
    cursor = 0
    for s, e in _split(par_text):
        spans.append((base + s, base + e))
        cursor = e
    if cursor < len(par_text) and par_text[cursor:].strip():
        rest = len(par_text) - len(par_text[cursor:].lstrip())
        spans.append((base + rest, base + len(par_text)))
    # sentences cover the paragraph: extend each to the next start, so no span falls between
    return _capped(spans, par_text, base) if any(e - s > MAX_SENTENCE for s, e in spans) else spans


def _spans_of_pieces(par_text: str) -> list[tuple[int, int]]:
    """underthesea's sentences, found again in the paragraph."""
    spans = []
    cursor = 0
    for piece in underthesea_files.sentence_splitter().sent_tokenize(par_text):
        piece = piece.strip()
        if not piece:
            continue
        at = par_text.find(piece, cursor)
        if at < 0:          # the tokenizer changed the text: the rest is one sentence
            break
        spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    return spans


SENTENCE_MARK = re.compile(r"[.?!]")       # (the standard engine finds a plain character class faster)


def _punkt_spans(text: str, is_boundary) -> list[tuple[int, int]]:
    """The sentences of underthesea's Punkt-style splitter as offsets, the same
    ones: its walk over the text, taken from one sentence mark to the next
    instead of one character at a time (the walk was most of the segmenting)."""
    if not text or not text.strip():
        return []
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = i = 0

    def add(a: int, b: int) -> None:
        piece = text[a:b]
        core = piece.strip()
        if core:
            s = a + len(piece) - len(piece.lstrip())
            spans.append((s, s + len(core)))

    while True:
        m = SENTENCE_MARK.search(text, i)
        if m is None:
            break
        i = m.start()
        if text[i] == ".":
            dot_end = i
            while dot_end < n and text[dot_end] == ".":
                dot_end += 1
            if dot_end - i >= 3:                  # an ellipsis ends a sentence before a capital
                after = dot_end
                while after < n and text[after] in " \t":
                    after += 1
                if after >= n or text[after].isupper():
                    add(start, dot_end)
                    while dot_end < n and text[dot_end] in " \t\n\r":
                        dot_end += 1
                    start = dot_end
                i = dot_end
                continue
        if is_boundary(text, i):
            end = i + 1
            while end < n and text[end] in ".?!":
                end += 1
            add(start, end)
            while end < n and text[end] in " \t\n\r":
                end += 1
            start = i = end
            continue
        i += 1
    add(start, n)
    return spans


def _splitter():
    """The function from a paragraph to its sentence offsets: underthesea's
    splitter walked mark to mark when its boundary test can be reached, else
    its sentences found again in the text."""
    try:
        punkt = underthesea_files.sentence_splitter()
        punkt._load_model()
        is_boundary = punkt.sentence_tokenizer._is_sentence_boundary
        if punkt.PunktSentenceTokenizer.SENT_END_CHARS != frozenset(".?!"):
            raise AttributeError("another splitter")
    except (ImportError, AttributeError):
        return _spans_of_pieces
    return lambda text: _punkt_spans(text, is_boundary)


_split = _splitter()


def segment(norm: NormalizedText) -> Segmented:
    text = norm.text
    paragraphs = []
    heading = ""
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        above = heading
        if len(line) <= 200 and HEADING.match(line):     # (the length first: a long line is no heading)
            heading = line
        paragraphs.append(Paragraph(start, end, line, above, heading))
    return Segmented(text, paragraphs)
