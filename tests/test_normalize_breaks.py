"""normalize's break pass walks the lines and asks each line's rules once
(normalize._Lines, _QuotationMarks); the rules themselves are written per pair
of lines (_join_lines, _join_paragraphs, _inside_quotation). Both must give the
same edits: here against the plain walk over every break, on random texts made
of the pieces the rules look at."""
from __future__ import annotations

import random

import regex

from pipeline import normalize as n


def breaks_by_pairs(text: str, to_source=None, page_starts=()) -> list:
    """The break pass as the rules read: each break, both of its lines."""
    edits = []
    singles = lowercase_next = 0        # hard-wrapped text: lower-case words start many next lines
    for m in regex.finditer(r"(?<=\S[ ]*)\n[ ]*(?=(\S))", text):
        singles += 1
        lowercase_next += m.group(1).islower()
    wrapped = singles >= 3 and lowercase_next / singles >= 0.15
    assert wrapped == n._is_hard_wrapped(text)
    page_set = sorted(page_starts[1:]) if page_starts else []
    for m in regex.finditer(r"\n(?:[ ]*\n)*", text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        prev = text[line_start:m.start()]
        next_end = text.find("\n", m.end())
        nxt = text[m.end(): next_end if next_end >= 0 else len(text)]
        if prev.endswith("-") and not prev.endswith(" -") and nxt[:1].isalnum():
            edits.append((m.start(), m.end(), ""))
            continue
        if page_set and to_source is not None:
            lo, hi = int(to_source[m.start()]), int(to_source[m.end()])
            if (any(lo <= p <= hi for p in page_set) and not n._ends_terminal(prev) and not n._is_heading(prev)
                    and not n._starts_new(nxt)):
                edits.append((m.start(), m.end(), " "))
                continue
        if m.group().count("\n") > 1:
            repl = " " if n._join_paragraphs(prev, nxt) else "\n\n"
        else:
            join = n._join_lines(prev, nxt, wrapped) or n._inside_quotation(text, m.start(), m.end())
            repl = " " if join else "\n"
        if repl != m.group():
            edits.append((m.start(), m.end(), repl))
    return edits


PIECES = (list("aAbBxX  \n\n\n-*|.:;,“”\"«»'1234567890")
          + ["và", "của", "các", "Điều", "I.", "1.", "a)", "- ", "+ ", "TỈNH", "QĐ-", "• ", "...", " - ", "   \n",
             "đơn vị", "Quyết định", "x" * 130, "theo", "“Vì", "người”"])


def test_break_pass_gives_the_edits_of_its_rules():
    import numpy as np
    rnd = random.Random(11)
    words = PIECES + sorted(n._compiled()[1])[:20]          # dangling words end some lines
    for k in range(3000):
        sep = "" if k % 2 else " "
        text = sep.join(rnd.choice(words) for _ in range(rnd.randint(0, 60)))
        to_source = np.arange(len(text) + 1)
        pages = [0] + sorted(rnd.sample(range(len(text) + 1), min(len(text) + 1, 2))) if k % 3 == 0 else ()
        assert n._pass_breaks(text, to_source, pages) == breaks_by_pairs(text, to_source, pages), repr(text)



def test_a_line_ends_dangling_by_its_whole_last_words():
    """Only the tail of a long line is read for its last two words, unless the
    tail cuts one of them: `Qcủa ... đơn` does not end in `của đơn`."""
    _, dangling, _ = n._compiled()

    def by_all_words(line: str) -> bool:
        words = n.WORD.findall(line)
        return bool(words) and (words[-1].casefold() in dangling or " ".join(words[-2:]).casefold() in dangling)
    pairs = sorted(w for w in dangling if len(w.split()) == 2)
    assert pairs
    for pair in pairs:
        first, second = pair.split()
        gap = " " * (n.DANGLING_TAIL - len(first) - len(second))     # the tail starts with `first`
        for line in (f"Q{first}{gap}{second}", f"Q {first}{gap}{second}", f"{first}{gap}{second}"):
            assert n._ends_dangling(line) == by_all_words(line), repr(line)
