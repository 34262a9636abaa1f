"""Other Unicode spellings of the same Vietnamese text (for tests and renderings).

* :func:`composite` - Unikey's "Unicode tổ hợp": a letter with a hat, breve or
  horn precomposed, the tone mark combining after it (``ê`` + U+0323).
* :func:`old_tone` / :func:`new_tone` - tone placement in open ``oa``, ``oe``,
  ``uy`` syllables: old style on the second vowel (``hoà``, ``khoẻ``, ``thuỷ``,
  ``Uỷ``), new style on the first (``hòa``, ``khỏe``, ``thủy``, ``Ủy``).  Both
  are correct Vietnamese; a document keeps its own (normalize only does NFC),
  so vocabulary matching has to accept both.
"""
from __future__ import annotations

import re
import unicodedata

TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
MODIFIERS = ("\u0302", "\u0306", "\u031b")      # circumflex, breve, horn
_WORD = re.compile(r"\w+")


def composite(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        nfd = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in nfd if c in TONES)
        if not tones:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
        out.append(base + tones)
    return "".join(out)


def _units(word: str) -> list[str]:
    units: list[str] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and units:
            units[-1] += ch
        else:
            units.append(ch)
    return units


def _move_tone(word: str, to_second: bool) -> str:
    units = _units(word)
    toned = [i for i, u in enumerate(units) if any(c in TONES for c in u[1:])]
    if len(toned) != 1:
        return word
    i = toned[0] if to_second else toned[0] - 1     # i: first vowel of the pair
    if i < 0 or i + 2 != len(units):                 # the pair must end the word (open syllable)
        return word
    pair = (units[i][0] + units[i + 1][0]).lower()
    if pair not in ("oa", "oe", "uy"):
        return word
    if pair == "uy" and i > 0 and units[i - 1][0].lower() == "q":
        return word                                  # quý: the tone is on y either way
    src, dst = (i, i + 1) if to_second else (i + 1, i)
    if any(c in MODIFIERS for c in units[i] + units[i + 1]) or len(units[dst]) != 1:
        return word
    tone = next(c for c in units[src][1:] if c in TONES)
    units[src] = units[src].replace(tone, "")
    units[dst] += tone
    return unicodedata.normalize("NFC", "".join(units))


def old_tone(text: str) -> str:
    """New-style tone placement -> old style (hòa -> hoà, Ủy -> Uỷ)."""
    return _WORD.sub(lambda m: _move_tone(m.group(), True), text)


# an open syllable ending in `oa`, `oe` or `uy` with the tone on its last vowel:
# only such words change (a cheap test before the word-by-word pass)
_OLD_TONE_END = re.compile(r"[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ](?![^\W\d_])")


# a whole word ending so (only such words can change)
_OLD_TONE_WORD = re.compile(r"(?<!\w)\w*" + _OLD_TONE_END.pattern.replace("(?![^\\W\\d_])", "(?!\\w)"))


def new_tone(text: str) -> str:
    """Old-style tone placement -> new style (hoà -> hòa, Uỷ -> Ủy)."""
    if not _OLD_TONE_END.search(unicodedata.normalize("NFC", text)):
        return text
    return _OLD_TONE_WORD.sub(lambda m: _move_tone(m.group(), False), text)
