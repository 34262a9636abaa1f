"""Stage 2: normalize the source text, keeping a map back to it.

Each pass is a list of edits on the current text; applying a pass yields the
new text and, for every new character, the offset of the old character it came
from. Maps compose, so the final text always knows its source offsets, and a
record's ``text`` is always ``normalized[start:end]``.

Passes, in order: line endings, odd spaces, invisible characters (zero-width
and bidi controls, listed in rules/normalize.yaml: removed, so that a zero-width
space inside ``12`` leaves ``12``; a span over the place one stood still maps back
over it in the source) and look-alike letters (Latin ETH for ``Đ``); Unicode
NFC; markdown residue
(``**``, ``|`` lines); hard line breaks inside paragraphs; paragraph breaks that
split a sentence (page breaks); runs of spaces.
"""
from __future__ import annotations

import bisect
import re
import unicodedata

import numpy as np
import regex

from . import rules
from .models import NormalizedText, SourceText

Edit = tuple[int, int, str]  # replace text[start:end] with the string


def _index_type(n: int):
    """int32 offsets while they fit (half the memory of int64 on long texts)."""
    return np.int32 if n < 2**31 - 1 else np.int64


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, np.ndarray]:
    """Apply sorted, non-overlapping edits. Returns the new text and, for each
    new char (plus one end entry), the offset in ``text`` it came from."""
    dt = _index_type(len(text))
    if not edits:
        return text, np.arange(len(text) + 1, dtype=dt)
    # the new text as pieces, each a run of the old text (its offsets count up
    # from ``base``) or a replacement of another length (every char maps to its
    # edit's start): the map is built from the pieces in a few array operations
    out_parts: list[str] = []
    lengths: list[int] = []
    bases: list[int] = []
    counts_up: list[bool] = []
    pos = 0
    for start, end, repl in edits:
        if start > pos:
            out_parts.append(text[pos:start])
            lengths.append(start - pos)
            bases.append(pos)
            counts_up.append(True)
        if repl:
            out_parts.append(repl)
            lengths.append(len(repl))
            bases.append(start)
            counts_up.append(len(repl) == end - start)
        pos = end
    if pos < len(text):
        out_parts.append(text[pos:])
        lengths.append(len(text) - pos)
        bases.append(pos)
        counts_up.append(True)
    lengths.append(1)                     # the end entry
    bases.append(len(text))
    counts_up.append(False)
    n = np.array(lengths, dtype=np.int64)
    step = np.array(counts_up, dtype=np.int64)
    first = np.cumsum(n) - n              # where each piece starts in the new text
    # one array of the text's length in the offsets' own type, added to in place
    # (int64 temporaries of every char took ~35 bytes a char: 3.5 GB for 100 MB)
    total = int(n.sum())
    it = _index_type(max(total, len(text)))
    offsets = np.repeat((np.array(bases, dtype=np.int64) - step * first).astype(it), n)
    np.add(offsets, np.arange(total, dtype=it), out=offsets, where=np.repeat(step.astype(bool), n))
    return "".join(out_parts), offsets.astype(dt, copy=False)


@rules.compiled("normalize")
def _compiled():
    cfg = rules.load("normalize")
    item = regex.compile("|".join(f"(?:{p})" for p in cfg["item_starts"]))
    # dangling entries may be one or two words; compare against the paragraph's tail
    dangling = {w.casefold() for w in cfg["dangling_words"]}
    terminal = set(cfg["terminal_punctuation"])
    return item, dangling, terminal


# plain character classes: the standard engine scans them several times faster
SPACE_LIKE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
COMBINING_RUN = regex.compile(r"\P{M}\p{M}+")
MARKDOWN_EMPHASIS = regex.compile(r"(?<!\S)[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?!\S)|(?<=\S)\*{2,3}(?=\S)")
RULE_LINE = regex.compile(r"(?m)^[ \t]*+[|\-_=*~]*+[ \t]*+$")   # "|", "-------", "** **" (possessive: linear)
MULTISPACE = re.compile(r"  +")          # (a literal first: several times faster than [ ]{2,})
CARRIAGE_RETURN = re.compile(r"\r\n?")
TRAILING_SPACE = regex.compile(r"(?m)(?<![ ])[ ]++$|^[ ]++")   # from the run's start only: linear
WORD = regex.compile(r"[\p{L}\p{N}]+")


@rules.compiled("normalize")
def _odd_characters() -> tuple[re.Pattern, dict]:
    """One character class for the invisible characters of rules/normalize.yaml
    (``U+200B`` or a range ``U+202A-U+202E`` each: removed) and its look-alike
    letters (replaced), with what each becomes."""
    cfg = rules.load("normalize")
    out: dict[str, str] = {}
    for entry in cfg.get("invisible_characters") or []:
        bounds = [int(cp.strip()[2:], 16) for cp in str(entry).split("-")]
        out.update((chr(c), "") for c in range(bounds[0], bounds[-1] + 1))
    out.update(cfg.get("look_alike_letters") or {})
    # one character per match: a `+` makes the scan of a long text twice as slow
    return re.compile(f"[{''.join(map(re.escape, out))}]" if out else "(?!)"), out


def fold_look_alikes(text: str) -> str:
    """The look-alike letters of rules/normalize.yaml read as the letters meant
    (``QÐ`` with a Latin ETH -> ``QĐ``); one character for one."""
    folds = rules.load("normalize").get("look_alike_letters") or {}
    return text.translate(str.maketrans(folds)) if folds else text


def _pass_spaces(text: str) -> list[Edit]:
    edits = [(m.start(), m.end(), " ") for m in SPACE_LIKE.finditer(text)]
    pattern, becomes = _odd_characters()
    edits += [(m.start(), m.end(), becomes[m.group()]) for m in pattern.finditer(text)]
    edits += [(m.start(), m.end(), "\n") for m in CARRIAGE_RETURN.finditer(text)]
    edits.sort()
    return edits


def _pass_nfc(text: str) -> list[Edit]:
    if unicodedata.is_normalized("NFC", text):
        return []
    edits = []
    for m in COMBINING_RUN.finditer(text):
        composed = unicodedata.normalize("NFC", m.group())
        if composed != m.group():
            edits.append((m.start(), m.end(), composed))
    return edits


def _pass_markdown(text: str) -> list[Edit]:
    edits = [(m.start(), m.end(), "") for m in MARKDOWN_EMPHASIS.finditer(text)]
    for m in RULE_LINE.finditer(text):
        if m.end() > m.start():
            edits.append((m.start(), m.end(), ""))
    return _merge(edits)


def _merge(edits: list[Edit]) -> list[Edit]:
    """Sort and drop edits that overlap an earlier one."""
    out: list[Edit] = []
    for e in sorted(edits):
        if out and e[0] < out[-1][1]:
            continue
        out.append(e)
    return out


def _is_caps_line(line: str) -> bool:
    # str.isupper is false for nearly every line, and then so is this test: one C
    # call instead of a loop over the characters (a tenth of the time on real text)
    if not line.isupper():
        return False
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _starts_item(line: str) -> bool:
    item, _, _ = _compiled()
    return bool(item.match(line))


@rules.compiled("normalize")
def _sentence_opener() -> regex.Pattern:
    patterns = rules.load("normalize").get("sentence_openers") or ["(?!)"]
    return regex.compile("|".join(f"(?:{p})" for p in patterns))


def _starts_new(line: str) -> bool:
    """Does this line begin an item or a body sentence (never joined to the line before)?"""
    return _starts_item(line) or bool(_sentence_opener().match(line))


def _ends_terminal(line: str) -> bool:
    _, _, terminal = _compiled()
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in terminal


DANGLING_TAIL = 120       # characters at a line's end that hold its last two words, as a rule


def _last_words(line: str) -> list[str]:
    """The line's words, or at least its last two whole ones: read from its
    tail when the tail holds three (the first may be cut), else from all of it."""
    tail = line[-DANGLING_TAIL:]
    words = WORD.findall(tail)
    if len(words) < 3 and len(tail) < len(line):
        words = WORD.findall(line)
    return words


def _ends_dangling(line: str) -> bool:
    _, dangling, _ = _compiled()
    words = _last_words(line)
    if not words:
        return False
    tail1 = words[-1].casefold()
    tail2 = " ".join(words[-2:]).casefold()
    return tail1 in dangling or tail2 in dangling


def _first_letter(line: str) -> str:
    for c in line:
        if c.isalnum():
            return c
    return ""


def _join_lines(prev: str, nxt: str, wrapped: bool) -> bool:
    """Is a single hard line break between these lines inside one sentence?

    In hard-wrapped text (PDF, crawled pages) most single breaks are; in text
    written one paragraph per line a break is joined only where the next line
    plainly continues the sentence."""
    if not prev.strip() or not nxt.strip():
        return False
    if not wrapped:
        return _join_paragraphs(prev, nxt)
    if _starts_new(nxt):
        return False
    if _is_caps_line(prev) != _is_caps_line(nxt):
        return False
    first = _first_letter(nxt)
    return not (_ends_terminal(prev) and (first.isupper() or not first))


@rules.compiled("normalize")
def _quotation() -> tuple[re.Pattern, int]:
    cfg = rules.load("normalize")
    return re.compile(f"[{re.escape(cfg['quotation_marks'])}]"), int(cfg["quotation_window"])


def quote_role(text: str, i: int) -> str:
    """"open" or "close" for the quotation mark at ``i``, by what touches it, not
    by its shape (OCR and typists write `khéo“` for `khéo”`): after a word it
    closes, before one it opens; "" between spaces."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if not (before.isspace() or before in "([{:/-–—"):
        return "close"
    return "open" if not after.isspace() else ""


_ROLE_BY_SHAPE = {"“": "open", "„": "open", "«": "open", "”": "close", "»": "close"}


def _role(text: str, i: int) -> str:
    return quote_role(text, i) or _ROLE_BY_SHAPE.get(text[i], "")


def _inside_quotation(text: str, start: int, end: int) -> bool:
    """Does the line break ``text[start:end]`` fall inside a quotation: opened
    within the window before it (no mark since), closed within the window after
    it, in the same paragraph?  (`“Vì người nghèo` / `- Không để ai bị bỏ lại
    phía sau”`: a name wrapped before its dash, not a new item.)"""
    marks, window = _quotation()
    lo = max(0, start - window)
    lo = max(lo, text.rfind("\n\n", lo, start) + 2)
    roles = [_role(text, m.start()) for m in marks.finditer(text, lo, start)]
    roles = [r for r in roles if r]
    if not roles or roles[-1] != "open":
        return False
    hi = min(len(text), end + window)
    blank = text.find("\n\n", end, hi)
    for m in marks.finditer(text, end, blank if blank >= 0 else hi):
        role = _role(text, m.start())
        if role:
            return role == "close"
    return False


def _is_heading(par: str) -> bool:
    return _is_caps_line(par) or (_starts_item(par) and not par.lstrip().startswith(("-", "+", "•"))
                                  and len(par) <= 120)


def _join_paragraphs(prev: str, nxt: str) -> bool:
    """Is a blank-line break between these paragraphs a page break inside a sentence?"""
    if not prev.strip() or not nxt.strip():
        return False
    if _ends_terminal(prev) or _starts_new(nxt):
        return False
    first = _first_letter(nxt)
    if _is_heading(prev) and not first.islower():
        return False
    if _ends_dangling(prev):
        return True
    if _is_caps_line(prev) or _is_caps_line(nxt):
        return False
    return first.islower()


# a single line break between two lines with text; the group: the next line's first character
SINGLE_BREAK = regex.compile(r"(?<=\S[ ]*)\n[ ]*(?=(\S))")


def _is_hard_wrapped(text: str) -> bool:
    """Text whose single line breaks fall mid-sentence (a lower-case word starts
    the next line) more than now and then."""
    firsts = SINGLE_BREAK.findall(text)
    singles = len(firsts)
    lowercase_next = sum(1 for c in firsts if c.islower())
    return singles >= 3 and lowercase_next / singles >= 0.15


class _Lines:
    """The lines of a text and what the break rules ask of each, each answer
    worked out once: a line is the one after a break, then the one before the
    next (the rules are those of _join_lines and _join_paragraphs, whose
    answers these give; normalize's tests hold the two to the same results)."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.item, self.dangling, self.terminal = _compiled()
        self.opener = _sentence_opener()
        self._item: list[bool | None] = [None] * len(lines)       # (None: not asked yet)
        self._new: list[bool | None] = [None] * len(lines)

    def starts_item(self, k: int) -> bool:
        hit = self._item[k]
        if hit is None:
            hit = self._item[k] = bool(self.item.match(self.lines[k]))
        return hit

    def starts_new(self, k: int) -> bool:
        hit = self._new[k]
        if hit is None:
            hit = self._new[k] = self.starts_item(k) or bool(self.opener.match(self.lines[k]))
        return hit

    def ends_terminal(self, k: int) -> bool:
        stripped = self.lines[k].rstrip()
        return bool(stripped) and stripped[-1] in self.terminal

    def is_heading(self, k: int) -> bool:
        par = self.lines[k]
        return _is_caps_line(par) or (self.starts_item(k) and not par.lstrip().startswith(("-", "+", "•"))
                                      and len(par) <= 120)

    def join_paragraphs(self, p: int, n: int) -> bool:
        """_join_paragraphs(lines[p], lines[n]), its tests in order of cost."""
        prev, nxt = self.lines[p], self.lines[n]
        if not prev.strip() or not nxt.strip() or self.ends_terminal(p) or self.starts_new(n):
            return False
        if _first_letter(nxt).islower():
            # (a line with a lower-case letter is never a line of capitals)
            return not _is_caps_line(prev) or _ends_dangling(prev)
        return not self.is_heading(p) and _ends_dangling(prev)

    def join_lines(self, p: int, n: int, wrapped: bool) -> bool:
        """_join_lines(lines[p], lines[n], wrapped)."""
        if not wrapped:
            return self.join_paragraphs(p, n)
        prev, nxt = self.lines[p], self.lines[n]
        if not prev.strip() or not nxt.strip() or self.starts_new(n):
            return False
        if _is_caps_line(prev) != _is_caps_line(nxt):
            return False
        first = _first_letter(nxt)
        return not (self.ends_terminal(p) and (first.isupper() or not first))


class _QuotationMarks:
    """The quotation marks of a text that open or close (by _role), found once:
    _inside_quotation by bisection instead of a scan of its windows."""

    def __init__(self, text: str):
        marks, self.window = _quotation()
        found = [(m.start(), _role(text, m.start())) for m in marks.finditer(text)]
        found = [(at, role) for at, role in found if role]
        self.at = [at for at, _ in found]
        self.role = [role for _, role in found]

    def inside(self, text: str, start: int, end: int) -> bool:
        """_inside_quotation(text, start, end)."""
        if not self.at:
            return False
        lo = max(0, start - self.window)
        lo = max(lo, text.rfind("\n\n", lo, start) + 2)
        k = bisect.bisect_left(self.at, start) - 1          # the last mark before the break
        if k < 0 or self.at[k] < lo or self.role[k] != "open":
            return False
        hi = min(len(text), end + self.window)
        blank = text.find("\n\n", end, hi)
        limit = blank if blank >= 0 else hi
        k = bisect.bisect_left(self.at, end)                # the first mark after it
        return k < len(self.at) and self.at[k] < limit and self.role[k] == "close"


def _pass_breaks(text: str, to_source=None, page_starts=()) -> list[Edit]:
    """Each run of line breaks (a break and the blank lines after it) joined or
    kept: walked line by line, the rules asked once per line (a regex walk
    over the breaks asking them of both lines was most of normalize)."""
    edits: list[Edit] = []
    lines = text.split("\n")
    last = len(lines) - 1
    if not last:
        return edits
    wrapped = _is_hard_wrapped(text)
    page_set = sorted(page_starts[1:]) if page_starts else []
    rules_of = _Lines(lines)
    quotes = None
    n, pos = 0, 0                       # the line after the last break, and where it starts
    while n < last:
        p = n                           # the line before this break
        prev = lines[p]
        start = pos + len(prev)         # the break: text[start:end], the lines between p and n blank
        end = start + 1
        n = p + 1
        while n < last and not lines[n].strip(" "):
            end += len(lines[n]) + 1
            n += 1
        pos = end
        nxt = lines[n]
        blank = n > p + 1
        if prev.endswith("-") and not prev.endswith(" -") and nxt[:1].isalnum():
            edits.append((start, end, ""))     # `QĐ-\nUBND`: a hyphen the PDF line broke after
            continue
        if page_set and to_source is not None:
            lo, hi = int(to_source[start]), int(to_source[end])
            if (any(lo <= s <= hi for s in page_set) and not rules_of.ends_terminal(p)
                    and not rules_of.is_heading(p) and not rules_of.starts_new(n)):
                edits.append(_over_page_break(text, start, end))    # a sentence running over the page break
                continue
        if blank:
            # the paragraph before may span several lines: judge on its last line
            repl = " " if rules_of.join_paragraphs(p, n) else "\n\n"
            kept = n == p + 2 and not lines[p + 1]       # the break is "\n\n" already
        else:
            join = rules_of.join_lines(p, n, wrapped)
            if not join:
                if quotes is None:
                    quotes = _QuotationMarks(text)
                join = quotes.inside(text, start, end)
            repl = " " if join else "\n"
            kept = True
        if repl == " " or not kept:
            edits.append((start, end, repl))
    return edits


def _over_page_break(text: str, start: int, end: int) -> Edit:
    """The edit joining a sentence the page broke: the break, and the bars
    around it when a table row broke there (`... ngày |` over `| 30/10/2016
    ...`: the row's cell goes on past the page, one cell again; a row the
    reader found on one of the two pages only has bars on that side). Only
    after a word: a cell ending with a number or a full stop is a cell of its own."""
    before, after = start, end
    while before > 0 and text[before - 1] in " |":
        before -= 1
    while after < len(text) and text[after] in " |":
        after += 1
    if not (before and text[before - 1].isalpha()):
        return start, end, " "          # a cell ending with a number or a full stop ends there
    if "|" not in text[before:start]:
        before = start
    if "|" not in text[end:after]:
        after = end
    return before, after, " "


def _edge_spaces(text: str) -> list[tuple[int, int]]:
    """The spans TRAILING_SPACE finds, in order (the spaces that start or end a
    line), read line by line with str methods: the pattern tries every offset."""
    out: list[tuple[int, int]] = []
    if " \n" not in text and "\n " not in text and text[:1] != " " and text[-1:] != " ":
        return out                      # (most texts, and all of them the second time)
    pos = 0
    for line in text.split("\n"):
        n = len(line)
        if n and (line[0] == " " or line[-1] == " "):
            lead = n - len(line.lstrip(" "))
            if lead == n:
                out.append((pos, pos + n))
            else:
                if lead:
                    out.append((pos, pos + lead))
                trail = n - len(line.rstrip(" "))
                if trail:
                    out.append((pos + n - trail, pos + n))
        pos += n + 1
    return out


def _pass_tidy(text: str) -> list[Edit]:
    edits = [(m.start(), m.end(), " ") for m in MULTISPACE.finditer(text)]
    edits += [(s, e, "") for s, e in _edge_spaces(text)]
    return _merge(edits)


PASSES = (_pass_spaces, _pass_nfc, _pass_markdown, _pass_tidy, _pass_breaks, _pass_tidy)


def normalize_text(text: str, page_starts=()) -> tuple[str, np.ndarray]:
    to_source = np.arange(len(text) + 1, dtype=_index_type(len(text)))
    for step in PASSES:
        edits = step(text, to_source, page_starts) if step is _pass_breaks else step(text)
        if edits:
            text, step_map = apply_edits(text, edits)
            to_source = to_source[step_map]
    # leading/trailing blank space of the whole document
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    if lead or trail < len(text):
        to_source = np.concatenate([to_source[lead:trail], to_source[trail:trail + 1]])
        text = text[lead:trail]
    return text, to_source


def normalize(source: SourceText) -> NormalizedText:
    text, to_source = normalize_text(source.text, source.page_starts)
    page_starts: list[int] = []
    if source.page_starts:
        # first normalized char whose source offset is at or after the page start
        page_starts = [int(np.searchsorted(to_source[:-1], s, side="left")) for s in source.page_starts]
        page_starts[0] = 0
    return NormalizedText(text=text, to_source=to_source, page_starts=page_starts)
