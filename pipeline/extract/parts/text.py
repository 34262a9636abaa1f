"""Vietnamese text helpers: the comparison form of a phrase (folding), the
tone-mark placement (old `hoà` / new `hòa`), the lower-cased text the
literal triggers run over, and the cleaning of a phrase's ends.

Tone placement in open ``oa``, ``oe``, ``uy`` syllables: old style on the
second vowel (``hoà``, ``khoẻ``, ``thuỷ``, ``Uỷ``), new style on the first
(``hòa``, ``khỏe``, ``thủy``, ``Ủy``). Both are correct Vietnamese; a document
keeps its own (normalize only does NFC), so every comparison reads both alike
(:func:`fold`).
"""
from __future__ import annotations

import re
import unicodedata

import regex

TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
MODIFIERS = ("\u0302", "\u0306", "\u031b")      # circumflex, breve, horn
_WORD = re.compile(r"\w+")

SPACES = regex.compile(r"\s+")
WORD = regex.compile(r"[\p{L}\p{N}]+")                       # a word: letters and digits
TOKEN = regex.compile(r"[\p{L}\p{N}]+|[^\s\p{L}\p{N}]")      # a word, or one mark
LEADING_BULLETS = regex.compile(r"^(?:[-–+•*][ ]+)+")
CODE_DASHES = regex.compile(r"[–—‐/]")
DASH_SPACED = regex.compile(r"\s*[-–—]\s*")


# --------------------------------------------------------------------------- tone placement

def _units(word: str) -> list[str]:
    """The word's letters, each with its combining marks (NFD)."""
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
    """Old-style tone placement -> new style (hoà -> hòa, Uỷ -> Ủy); every
    offset is kept (a precomposed letter stays one character)."""
    if not _OLD_TONE_END.search(unicodedata.normalize("NFC", text)):
        return text
    return _OLD_TONE_WORD.sub(lambda m: _move_tone(m.group(), False), text)


# --------------------------------------------------------------------------- folding

def fold(text: str) -> str:
    """The form two spellings of one phrase share: NFC, new tone placement,
    case-folded, every dash written ` - `, white space collapsed and trimmed
    (`Hoà  Bình` == `hòa bình`, `Lao động–Thương binh` == `lao động - thương binh`)."""
    text = DASH_SPACED.sub(" - ", text)
    return SPACES.sub(" ", new_tone(unicodedata.normalize("NFC", text)).casefold()).strip()


def unmarked(text: str) -> str:
    """The letters without their tone and vowel marks, `đ` as `d` (`Biên bản` -> `Bien ban`)."""
    d = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in d if not unicodedata.combining(ch))


def lowered(text: str) -> str:
    """The text lower-cased, offset for offset (what rules.literal_trigger
    patterns run over); a letter whose lower case is longer stays as it is."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def fold_code(code: str) -> str:
    """A number's code as compared: spacing, case, `Đ`/`D`, dash styles and `/`
    folded (`QĐ - UBND`, `QD-UBND`, `CT/TW` -> `QD-UBND`, `CT-TW`)."""
    c = SPACES.sub("", code or "").upper()
    return CODE_DASHES.sub("-", c).replace("Đ", "D")


# --------------------------------------------------------------------------- phrases

def collapse_spaces(text: str) -> str:
    """Every run of white space as one space."""
    return SPACES.sub(" ", text)


def clean_phrase(s: str) -> str:
    """Trim spaces, dangling punctuation and a list bullet (`+ Đối với ...`) around a phrase."""
    s = " ".join(s.split())
    if s[:1] in "-–+•*":
        s = LEADING_BULLETS.sub("", s)
    return s.strip(" ,;:-–")


def phrase_pattern(phrase: str) -> str:
    """Regex for a literal phrase: any run of spaces between words, any dash
    with or without spaces around it."""
    pieces = DASH_SPACED.split(phrase.strip())
    return r"\s*[-–—]\s*".join(r"\s+".join(regex.escape(w) for w in p.split()) for p in pieces)


def phrases_pattern(phrases, boundary: bool = True) -> str:
    """Regex for any of the phrases (:func:`phrase_pattern`), longest first; with
    ``boundary`` no letter or digit on either side."""
    body = "|".join(phrase_pattern(p) for p in sorted(set(phrases), key=len, reverse=True) if p)
    if boundary:
        return rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])"
    return f"(?:{body})"
