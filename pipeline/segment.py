"""Stage 3: split normalized text into paragraphs and sentences.

Sentences come from underthesea's sentence tokenizer, run one paragraph (one
line of normalized text) at a time and mapped back to offsets. No word
segmentation runs here: the one extractor that needs word boundaries (where an
issuer's name ends) reads them from underthesea's dictionary, on the few words
after each `của` (pipeline/extract/citations.py).
"""
from __future__ import annotations

import bisect
import itertools
import re

import regex

from . import underthesea_files
from .models import NormalizedText, Sentence, Table

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

    def __init__(self, text: str, paragraphs: list[Paragraph], cuts: list[tuple[int, int]] | None = None):
        self.text = text
        # the prose cells of tables that do not lay out paragraphs: each is a sentence apart
        self._cuts = cuts or []
        self._cut_starts = [s for s, _ in self._cuts]
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
                     for s, e in self._spans_of(par)]
            self._split[index] = sents
        return sents

    def _spans_of(self, par: Paragraph) -> list[tuple[int, int]]:
        """The sentence spans of a paragraph: a prose cell of a table row
        (and the text between such cells) split on its own."""
        k = bisect.bisect_left(self._cut_starts, par.start)
        if k == len(self._cuts) or self._cuts[k][0] >= par.end:
            return _sentence_spans(par.text, par.start)
        spans, pos = [], par.start
        for s, e in self._cuts[k:]:
            if s >= par.end:
                break
            spans += self._between(pos, s) + _sentence_spans(self.text[s:e], s)
            pos = e
        return spans + self._between(pos, par.end)

    def _between(self, start: int, end: int) -> list[tuple[int, int]]:
        """The sentences of the cells between two prose cells (their bars left out)."""
        piece = self.text[start:end]
        core = piece.strip(CELL_EDGE)
        if not core:
            return []
        at = start + piece.index(core)
        return _sentence_spans(core, at)

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


CELL_EDGE = " |\t"      # what stands between a table row's cells


def segment(norm: NormalizedText, tables: list[Table] | tuple = ()) -> Segmented:
    """The paragraphs (one a line) and, lazily, their sentences. ``tables``
    (models.Table, in normalized offsets): a table that lays out the report's
    paragraphs (Table.layout) is read like them, each line of its cells a
    paragraph, without the row number and the bars; a prose cell of another
    table is a sentence apart."""
    text = norm.text
    pieces, rows, cuts, labels = _table_prose(text, tables)
    row_starts = [s for s, _ in rows]
    row_ends = list(itertools.accumulate((e for _, e in rows), max))
    piece_starts = [s for s, _, _ in pieces]
    paragraphs = []
    heading = ""
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        if row_ends and _overlaps(row_starts, row_ends, start, end):
            found = pieces[bisect.bisect_left(piece_starts, start):bisect.bisect_left(piece_starts, end)]
            lines = _continued(text, _outside_rows(text, rows, row_starts, start, end) + found)
        else:
            lines = [(start, end)]
        for s, e in lines:
            par_text = text[s:e]
            above = heading
            if len(par_text) <= 200 and HEADING.match(par_text):     # (the length first: a long line is no heading)
                heading = par_text
            paragraphs.append(Paragraph(s, e, par_text, above, labels.get(s) or heading))
    return Segmented(text, paragraphs, cuts)


def _overlaps(starts: list[int], max_ends: list[int], start: int, end: int) -> bool:
    k = bisect.bisect_left(starts, end)            # the spans starting before end
    return k > 0 and max_ends[k - 1] > start


def _table_prose(text: str, tables) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]],
                                             list[tuple[int, int]], dict[int, str]]:
    """(the lines of the layout tables' cells with their row's key, the spans
    of their rows, the prose cells of the other tables), each in order, and
    the label a prose cell's lines sit under by their start: the row's label
    cell left of it (`Kết quả khen thưởng năm 2021 | 01 tập thể được tặng
    ...`), as a lead-in."""
    pieces: list[tuple[int, int, int]] = []
    labels: dict[int, str] = {}
    row_spans: list[tuple[int, int]] = []
    cuts: list[tuple[int, int]] = []
    n_rows = 0
    for table in tables:
        if not table.layout:
            cuts += [(c.start, c.end) for c in table.cells if c.prose]
            continue
        for row in table.rows():
            n_rows += 1                 # which row a piece is of
            read = [c for c in row if c.text.strip() and (c.prose or not c.header) and not _row_number(c)]
            if not read:
                continue
            row_spans.append((min(c.start for c in row), max(c.end for c in row)))
            label = ""
            for cell in read:
                lines = _lines_of(text, cell.start, cell.end)
                pieces += [(s, e, n_rows) for s, e in lines]
                if cell.prose and label:
                    labels.update((s, label) for s, _ in lines)
                elif not cell.prose:
                    label = " ".join(cell.text.split())
    pieces.sort()
    row_spans.sort()
    cuts.sort()
    return pieces, row_spans, cuts, labels


def _outside_rows(text: str, rows: list[tuple[int, int]], row_starts: list[int],
                  start: int, end: int) -> list[tuple[int, int, int]]:
    """The text of a line outside the layout rows on it (a sentence whose
    part on one page the reader found in no table, joined over the page
    break to the row that goes on), as pieces of no row (-1)."""
    first = max(0, bisect.bisect_right(row_starts, start) - 1)
    out = []
    cursor = start
    for s, e in rows[first:bisect.bisect_left(row_starts, end)] + [(end, end)]:
        if e <= start:
            continue
        piece = text[cursor:s] if cursor < s else ""
        core = piece.strip(CELL_EDGE)
        if core:
            at = cursor + piece.index(core)
            out.append((at, at + len(core), -1))
        cursor = max(cursor, e)
    return out


def _continued(text: str, pieces: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The paragraphs of one line of a layout table: its cells' pieces, a
    piece of another row joined to the one before when only bars stand
    between them (a row the page broke, its two parts joined into one line by
    normalize: `... được tặng danh` on one page, `hiệu Cờ thi đua ...` in the
    next page's table)."""
    out: list[tuple[int, int]] = []
    row = None
    for s, e, r in sorted(pieces):
        if out and r != row and not text[out[-1][1]:s].strip(CELL_EDGE):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
        row = r
    return out


def _row_number(cell) -> bool:
    """The row's number in its first column (`18`, `2.`, `II`): read as no paragraph."""
    return cell.col == 0 and bool(ROW_NUMBER.fullmatch(cell.text.strip()))


ROW_NUMBER = regex.compile(r"(?:\d{1,5}(?:\.\d{1,3})*|[IVXLC]{1,6}|[a-zđ])[.)]?", regex.IGNORECASE)


def _lines_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The lines of text[start:end] that hold something, stripped."""
    out = []
    pos = start
    for line in text[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        stripped = line.strip()
        if stripped:
            s += len(line) - len(line.lstrip())
            out.append((s, s + len(stripped)))
    return out
