"""Where a line sits in a document's outline: its list marker's level and the
lead or heading it sits under.

Real reports put numbers in lists (`- Ban Tổ chức: không quá 04 cá nhân`)
under a lead that says what they count (`Tặng Bằng khen của Chủ tịch UBND
tỉnh:`), or under a heading (`2. Mức tiền thưởng như sau:`). A marker's level
orders the outline: `I.` over `1.` over `1.1.` over `a)` over `-` over `+`
over `•`; a line without a marker is prose. The parent of a line is the
nearest line above it of a higher level that heads others (a lead ending
with `:`, or a short section heading), or, for the first level of a list,
the lead line the list follows.
"""
from __future__ import annotations

import regex

# a list marker at a line's start and its level (lower is higher in the outline)
MARKERS = (
    (0, regex.compile(r"[IVXLC]{1,6}\.(?=\s)")),
    (2, regex.compile(r"\d{1,2}\.\d{1,2}(?:\.\d{1,2})*\.?(?=\s)")),
    (1, regex.compile(r"\d{1,2}[.)](?=\s)")),
    (3, regex.compile(r"[a-zđ]\)(?=\s)")),
    (4, regex.compile(r"[-–](?=\s)")),
    (5, regex.compile(r"\+(?=\s)")),
    (6, regex.compile(r"[•*](?=\s)")),
)
PROSE = 99          # a line without a marker: below every marked level
MAX_ABOVE = 40      # lines looked back over for a parent, past the list items it shares with the line above
PROSE_ABOVE = 3     # ... for a paragraph of prose: its lead is right above it, not pages away
HEADING_LEVEL = 3   # `I.`, `1.`, `1.1.`, `a)` may head a section; a bullet heads only as a lead (`- Số lượng:`)
HEADING_CHARS = 120  # a marked line longer than this is an item of content, not a heading


def level(line: str) -> int:
    """The outline level of a line by its marker (PROSE when it has none)."""
    at = len(line) - len(line.lstrip())
    for rank, marker in MARKERS:
        if marker.match(line, at):
            return rank
    return PROSE


def is_lead(line: str) -> bool:
    """A line that introduces what follows it (`Tặng Bằng khen ...:`)."""
    return line.rstrip().endswith(":")


def heads(line: str, rank: int | None = None) -> bool:
    """A line (of level rank, when known) that may have others under it: a
    lead (`...:`), or a short section heading (`2. Kết quả khen thưởng năm
    2021`), not an item of content (`- Tháng 7 năm 2014, Thủ tướng ...`)."""
    stripped = line.strip()
    if is_lead(stripped):
        return True
    rank = level(stripped) if rank is None else rank
    return rank <= HEADING_LEVEL and len(stripped) <= HEADING_CHARS and not stripped.endswith(";")


class Outline:
    """The outline of one document's paragraphs (pipeline.segment.Paragraph),
    each paragraph's level and parent found once, when first asked for."""

    def __init__(self, paragraphs):
        self.paragraphs = paragraphs
        self._levels: dict[int, int] = {}
        self._parents: dict[int, int | None] = {}

    def level(self, k: int) -> int:
        if k not in self._levels:
            self._levels[k] = level(self.paragraphs[k].text)
        return self._levels[k]

    def parent(self, k: int) -> int | None:
        """The index of the paragraph paragraphs[k] sits under: the nearest
        one above of a higher level that heads (a lead or a short section
        heading), or a lead line (ending `:`) right above the first items of
        its list; the parent of a list item above it of its own level, when
        that was found already (a long list keeps its lead). A paragraph of
        prose sits under a heading or lead at most PROSE_ABOVE lines of prose
        above it; a bulleted item has none past a paragraph of prose (the list
        ended there), a section heading looks past prose. Nothing sits under
        an item of content (a bullet that is no lead). None when there is none."""
        if k not in self._parents:
            self._parents[k] = self._find_parent(k)
        return self._parents[k]

    def _find_parent(self, k: int) -> int | None:
        own = self.level(k)
        reach = PROSE_ABOVE if own == PROSE else MAX_ABOVE
        for j in range(k - 1, max(-1, k - 1 - reach), -1):
            text = self.paragraphs[j].text
            if " | " in text:
                return None                 # a table between: no outline across it
            above = self.level(j)
            if above == own < PROSE and j in self._parents:
                return self._parents[j]     # a sibling item's parent, found already
            if (above < own or above == PROSE) and heads(text, above):
                return j
            if own == PROSE and above < PROSE:
                return None                 # prose after a list item: under no heading of its own
            if own < PROSE and (above < own or (above == PROSE and own > HEADING_LEVEL)):
                return None                 # its line above is content, not a heading; or the list ended
        return None

    def leads_over(self, k: int, depth: int = 3):
        """The paragraphs over paragraphs[k], nearest first: its parent, the
        parent's parent, ... (at most depth of them)."""
        for _ in range(depth):
            up = self.parent(k)
            if up is None:
                return
            yield up
            k = up


def outline(doc) -> Outline:
    """The outline of a parsed document (pipeline.extract.base.ParsedDoc), made
    once and kept in its cache for every extractor that reads it."""
    found = doc.cache.get("outline")
    if found is None:
        found = doc.cache["outline"] = Outline(doc.seg.paragraphs)
    return found
