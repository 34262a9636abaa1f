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
    out_parts: list[str] = []
    map_parts: list[np.ndarray] = []
    pos = 0
    for start, end, repl in edits:
        if start > pos:
            out_parts.append(text[pos:start])
            map_parts.append(np.arange(pos, start, dtype=dt))
        if repl:
            out_parts.append(repl)
            if len(repl) == end - start:
                map_parts.append(np.arange(start, end, dtype=dt))
            else:
                map_parts.append(np.full(len(repl), start, dtype=dt))
        pos = end
    if pos < len(text):
        out_parts.append(text[pos:])
        map_parts.append(np.arange(pos, len(text), dtype=dt))
    map_parts.append(np.array([len(text)], dtype=dt))
    return "".join(out_parts), np.concatenate(map_parts)


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
MULTISPACE = re.compile(r"[ ]{2,}")
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


def _ends_dangling(line: str) -> bool:
    _, dangling, _ = _compiled()
    words = WORD.findall(line)
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
    if _ends_terminal(prev) and (first.isupper() or not first):
        return False
    return True


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


LINE_BREAK = regex.compile(r"[ ]*\n[ ]*")
PARAGRAPH_BREAK = regex.compile(r"[ ]*\n(?:[ ]*\n)+[ ]*")


def _is_hard_wrapped(text: str) -> bool:
    """Text whose single line breaks fall mid-sentence (a lower-case word starts
    the next line) more than now and then."""
    singles = lowercase_next = 0
    for m in regex.finditer(r"(?<=\S[ ]*)\n[ ]*(?=(\S))", text):
        singles += 1
        lowercase_next += m.group(1).islower()
    return singles >= 3 and lowercase_next / singles >= 0.15


def _pass_breaks(text: str, to_source=None, page_starts=()) -> list[Edit]:
    edits: list[Edit] = []
    wrapped = _is_hard_wrapped(text)
    page_set = sorted(page_starts[1:]) if page_starts else []
    for m in regex.finditer(r"\n(?:[ ]*\n)*", text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        prev = text[line_start:m.start()]
        next_end = text.find("\n", m.end())
        nxt = text[m.end(): next_end if next_end >= 0 else len(text)]
        blank = m.group().count("\n") > 1
        if prev.endswith("-") and not prev.endswith(" -") and nxt[:1].isalnum():
            edits.append((m.start(), m.end(), ""))     # `QĐ-\nUBND`: a hyphen the PDF line broke after
            continue
        at_page_break = False
        if page_set and to_source is not None:
            lo, hi = int(to_source[m.start()]), int(to_source[m.end()])
            at_page_break = any(lo <= p <= hi for p in page_set)
        if at_page_break and not _ends_terminal(prev) and not _is_heading(prev) and not _starts_new(nxt):
            edits.append((m.start(), m.end(), " "))    # a sentence running over the page break
            continue
        if blank:
            # the paragraph before may span several lines: judge on its last line
            join = _join_paragraphs(prev, nxt)
            repl = " " if join else "\n\n"
        else:
            join = _join_lines(prev, nxt, wrapped) or _inside_quotation(text, m.start(), m.end())
            repl = " " if join else "\n"
        if repl != m.group():
            edits.append((m.start(), m.end(), repl))
    return edits


def _edge_spaces(text: str) -> list[tuple[int, int]]:
    """The spans TRAILING_SPACE finds, in order (the spaces that start or end a
    line), read line by line with str methods: the pattern tries every offset."""
    out = []
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
