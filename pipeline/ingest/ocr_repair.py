"""Tone-mark repair of OCR'd text (scanned PDF pages only; rules/ocr_repair.yaml).

Tesseract's Vietnamese model drops or confuses tone marks and sometimes hats
and breves (``Băng khen``, ``Luật Thì đua``, ``bồ sung``), and the extractors'
vocabularies then miss the award or document kind.  :func:`repair` puts the
marks back where the text itself says what they must be:

* A *syllable* is a run of letters between spaces (a token with a digit, a
  hyphen or a slash, ``QĐ-UBND``, ``1849/TTr``, is none and is never changed;
  punctuation ends a window).  A syllable is *supported* when it forms a word
  of the vocabulary with a neighbour as written: supported syllables are kept.
* Windows of 2+ consecutive syllables that are no word as written, longest
  first, are looked up by their letters without tone marks: when exactly one
  vocabulary word has those letters, the window's unsupported syllables take
  its marks.  A domain word (rules/*.yaml) wins over Viet74K look-alikes;
  hats, breves and horns are ignored only when tone marks alone find nothing.
* A Viet74K word alone is weak evidence (`trong đó` is no dictionary word,
  `tròng đỏ` is): it must change one syllable, not one that often stands
  alone (``chỉ``, ``về``), and the document must write it elsewhere (or the
  syllable as written be no Vietnamese syllable); a kept syllable must not
  already make a word with one outside the window.
* Case is kept letter by letter (``QUYÊT`` -> ``QUYẾT``).  A window holding a
  capitalised syllable that does not start a sentence is a name: it is
  repaired only to a domain word or a name Viet74K writes with capitals.
* Old tone placement (``hoà``, ``thuỷ``) is a spelling, not an error: words
  are compared in the new placement.

The repair keeps every character count (NFC Vietnamese letters are single
code points whatever their marks), so line boxes and offsets stay valid.

:func:`fix_forms` runs before it: look-alike letters (``QÐ``), a doubled
``Đ`` in a code (``QĐÐ-UBND``) and a closing quote read as an opening one.
"""
from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import regex

from .. import rules, underthesea_files
from ..extract.parts.text import MODIFIERS, TONES, new_tone

_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:[-/.&][\p{L}\p{M}\p{N}]+)*")
_LETTERS = regex.compile(r"[\p{L}\p{M}]+")
_SPACE = regex.compile(r"\s+")
_PIECE_SPLIT = regex.compile(r"\s*(?:,|;|\s[-–]\s)\s*")
_SENTENCE_START = set(".:;!?(“\"'-–*•\n")


def _strip(text: str, marks) -> str:
    nfd = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in marks))


def tone_key(text: str) -> str:
    """Lower-case letters without tone marks (hats, breves and horns kept)."""
    return _strip(text.casefold(), TONES)


def mark_key(text: str) -> str:
    """Lower-case letters without tone marks, hats, breves or horns (đ kept)."""
    return _strip(text.casefold(), TONES + MODIFIERS)


def _form(text: str) -> str:
    return new_tone(unicodedata.normalize("NFC", text)).casefold()


@dataclass
class Vocabulary:
    words: frozenset          # every written form, casefolded, new tone placement
    domain: frozenset         # domain phrases (rules/), same form
    names: frozenset          # Viet74K entries written with a capital (places, names)
    by_tone: dict             # tone_key -> forms (2+ syllables)
    by_mark: dict             # mark_key -> forms (2+ syllables)
    syllables: frozenset      # every syllable of a vocabulary word
    cfg: Mapping


def _viet74k() -> list[str]:
    """underthesea's Viet74K word list (as pipeline/extract/citations.py reads
    it); hyphenated loan words (``a-ba-giua``) are no syllable sequences."""
    return [w for w in underthesea_files.dictionary_words() if "-" not in w]


def _strings(value):
    """Every string under a rules value (lists, mappings' values, nested)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _phrases(text: str):
    """The comma-free pieces of a rules phrase that are letters and spaces only."""
    for piece in _PIECE_SPLIT.split(text):
        piece = " ".join(piece.split())
        if piece and all(_LETTERS.fullmatch(s) for s in piece.split(" ")):
            yield piece


@functools.lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    cfg = rules.load("ocr_repair")
    domain: set[str] = set()
    for name, keys in (cfg.get("domain_sources") or {}).items():
        data = rules.load(name)
        for key in keys:
            for s in _strings(data.get(key)):
                domain.update(_form(p) for p in _phrases(s))
    for s in cfg.get("domain_words") or []:
        domain.update(_form(p) for p in _phrases(s))
    max_dict, max_domain = cfg["max_dictionary_syllables"], cfg["max_domain_syllables"]
    domain = {w for w in domain if w.count(" ") + 1 <= max_domain}

    # phrases right as written that Viet74K lacks while a look-alike is in it
    protected = {_form(w) for w in cfg.get("protected") or [] if " " in w.strip()}
    words, names = set(domain) | protected, set()
    lower_forms = set()
    entries = _viet74k()
    for w in entries:
        if w.count(" ") + 1 <= max_dict:
            words.add(_form(w))
            if w == w.lower():
                lower_forms.add(_form(w))
    for w in entries:
        if w[0].isupper() and w.count(" ") and _form(w) not in lower_forms:
            names.add(_form(w))
    by_tone: dict = {}
    by_mark: dict = {}
    for w in words - protected:
        if " " in w:
            by_tone.setdefault(tone_key(w), set()).add(w)
            by_mark.setdefault(mark_key(w), set()).add(w)
    syllables = frozenset(s for w in words for s in w.split(" "))
    return Vocabulary(frozenset(words), frozenset(domain), frozenset(names), by_tone, by_mark,
                      syllables, cfg)


@dataclass
class _Syllable:
    start: int
    end: int
    text: str            # as written (NFC), updated when repaired
    joined: bool         # only spaces between this and the previous syllable


def _syllables(text: str) -> list:
    """Letter-only tokens; ``joined`` says the previous token is a syllable with
    nothing but whitespace between (a window may span them)."""
    out: list = []
    prev_end, prev_ok = None, False
    for m in _TOKEN.finditer(text):
        ok = bool(_LETTERS.fullmatch(m.group()))
        joined = prev_ok and ok and prev_end is not None and \
            _SPACE.fullmatch(text[prev_end:m.start()]) is not None
        out.append(_Syllable(m.start(), m.end(), m.group(), joined) if ok else None)
        prev_end, prev_ok = m.end(), ok
    return out


def _runs(tokens: list) -> list:
    """Maximal runs of joined syllables (a window never leaves one)."""
    runs: list[list] = []
    current: list = []
    for t in tokens:
        if t is not None and t.joined and current:
            current.append(t)
        else:
            if current:
                runs.append(current)
            current = [t] if t is not None else []
    if current:
        runs.append(current)
    return runs


def _recase(model: str, written: str) -> str:
    """``model``'s letters with ``written``'s case, letter by letter."""
    return "".join(m.upper() if w.isupper() else m for m, w in zip(model, written))


def _is_title(s: str) -> bool:
    return s[:1].isupper() and not s.isupper()


class _Repairer:
    def __init__(self, text: str, vocab: Vocabulary):
        self.text = text
        self.v = vocab
        self.max_n = max(vocab.cfg["max_dictionary_syllables"], vocab.cfg["max_domain_syllables"])
        self.protected = frozenset(_form(w) for w in vocab.cfg.get("protected") or [] if " " not in w.strip())
        self.standalone = frozenset(_form(w) for w in vocab.cfg.get("standalone_words") or [])
        self.doc_phrases: dict = {}

    def count_phrases(self, runs) -> None:
        """Every 2..max_n syllable phrase the document writes, with its count."""
        for run in runs:
            for n in range(2, self.max_n + 1):
                for i in range(0, len(run) - n + 1):
                    p = self.phrase(run, i, n)
                    self.doc_phrases[p] = self.doc_phrases.get(p, 0) + 1

    def phrase(self, run, i, n) -> str:
        return " ".join(_form(s.text) for s in run[i:i + n])

    def words_over(self, run, k):
        """(start, length) of every vocabulary word (2+ syllables) the run
        writes over syllable k."""
        for n in range(2, min(self.max_n, len(run)) + 1):
            for i in range(max(0, k - n + 1), min(k, len(run) - n) + 1):
                if self.phrase(run, i, n) in self.v.words:
                    yield i, n

    def sentence_start(self, syllable) -> bool:
        before = self.text[:syllable.start].rstrip(" \t")
        return not before or before[-1] in _SENTENCE_START or before[-1].isdigit()

    def candidate(self, run, i, n):
        """The one word window run[i:i+n] should read, or None."""
        written = self.phrase(run, i, n)
        if written in self.v.words:
            return None
        tiers = [tone_key]
        if self.v.cfg.get("repair_hats"):
            tiers.append(mark_key)
        for key in tiers:
            index = self.v.by_tone if key is tone_key else self.v.by_mark
            found = index.get(key(written), set())
            if not found:
                continue
            # tone marks alone matched some words: hats are not guessed on top
            domain = found & self.v.domain
            pool = domain or found
            if len(pool) != 1:
                return None
            word = next(iter(pool))
            if domain or self.evidence(run, i, n, word):
                return word
            return None
        return None

    def evidence(self, run, i, n, word) -> bool:
        """A Viet74K word (no domain word) needs more than its letters: many
        correct phrases are no dictionary word while a look-alike is (`qua đó`:
        quá độ, `trong đó`: tròng đỏ).  It is taken when it changes one syllable
        and either the document writes it elsewhere (an OCR error is sporadic,
        the word it hides is not) or the syllable as written is no Vietnamese
        syllable at all; a phrase the document writes as it stands several
        times is meant."""
        model = word.split(" ")
        changed = [k for k in range(n) if _form(run[i + k].text) != model[k]]
        if len(changed) > self.v.cfg["max_dictionary_changes"]:
            return False
        if any(_form(run[i + k].text) in self.standalone for k in changed):
            return False          # `các cấp chỉ trả kết quả`: chỉ (only), not chi trả
        if self.doc_phrases.get(self.phrase(run, i, n), 0) >= self.v.cfg["kept_when_written"]:
            return False          # written so again and again: meant (`khoá học`, `tại khoản`)
        if self.doc_phrases.get(word, 0) > 0:
            return True
        return all(_form(run[i + k].text) not in self.v.syllables for k in changed)

    def acceptable(self, run, i, n, word) -> bool:
        model = word.split(" ")
        changed = [k for k in range(n) if _form(run[i + k].text) != model[k]]
        if not changed:
            return False
        name_like = any(_is_title(run[i + k].text) and (k > 0 or not self.sentence_start(run[i]))
                        for k in range(n))
        if name_like and word not in self.v.domain and word not in self.v.names:
            return False
        for k in range(n):
            s = run[i + k]
            if k in changed:
                # a syllable that is part of a word as written is read right
                if len(s.text) != len(model[k]) or _form(s.text) in self.protected \
                        or any(self.words_over(run, i + k)):
                    return False
            elif any(a < i or a + m > i + n for a, m in self.words_over(run, i + k)):
                # a kept syllable already makes a word with a syllable outside
                # the window (`công tác phòng,` is no `tác phong`)
                return False
        return True

    def run(self) -> tuple[str, int]:
        tokens = _syllables(self.text)
        chars = list(self.text)
        changed = 0

        def put(s, new):
            nonlocal changed
            new = _recase(new, s.text)
            if new != s.text:
                chars[s.start:s.end] = list(new)
                s.text = new
                changed += 1

        runs = _runs(tokens)
        self.count_phrases(runs)
        for run in runs:
            for n in range(min(self.max_n, len(run)), 1, -1):
                for i in range(0, len(run) - n + 1):
                    word = self.candidate(run, i, n)
                    if word and self.acceptable(run, i, n, word):
                        for s, m in zip(run[i:i + n], word.split(" ")):
                            if _form(s.text) != m:
                                put(s, m)
        self._before_numbers(tokens, put)
        return "".join(chars), changed

    def _before_numbers(self, tokens, put):
        fixes = {_form(k): v for k, v in (self.v.cfg.get("before_number") or {}).items()}
        for s in tokens:
            if s is None or _form(s.text) not in fixes:
                continue
            after = self.text[s.end:s.end + 4].lstrip(" :")
            if after[:1].isdigit():
                put(s, fixes[_form(s.text)])


@functools.lru_cache(maxsize=1)
def _doubled_in_codes():
    """(pattern, doubled -> abbreviation) for a kind abbreviation of
    rules/citations.yaml (``QĐ``, ``NĐ``) written with one of the
    ``doubled_in_codes`` letters twice, standing alone or as a part of a code;
    None when there is none."""
    letters = rules.load("ocr_repair").get("doubled_in_codes") or []
    variants = {}
    for kind in rules.load("citations")["doc_kinds"]:
        for abbr in kind.get("abbr") or []:
            for i, ch in enumerate(abbr):
                if ch in letters:
                    variants[abbr[:i] + ch + abbr[i:]] = abbr
    if not variants:
        return None
    return regex.compile(r"(?<![\p{L}])(" + "|".join(map(regex.escape, variants)) + r")(?![\p{L}])"), variants


def fix_forms(text: str) -> str:
    """Letters and marks Tesseract writes in place of the ones meant (OCR'd
    text only), before the tone-mark repair:

    * look-alike letters (Latin ETH ``Ð`` for ``Đ``; rules/normalize.yaml);
    * a kind abbreviation with its ``Đ`` doubled in a code: ``QĐÐ-UBND`` ->
      ``QĐ-UBND`` (only known abbreviations: ``ĐĐBQH`` is a real one);
    * a second opening quote while one is open, where a quote closes (after a
      word, or between spaces: ``normalize.quote_role``): the closing one
      (``“Dân vận khéo“`` -> ``“Dân vận khéo”``).

    Line breaks are kept (the OCR path splits the text back into its lines)."""
    from ..normalize import fold_look_alikes
    text = fold_look_alikes(text)
    doubled = _doubled_in_codes()
    if doubled:
        pattern, variants = doubled
        text = pattern.sub(lambda m: variants[m.group(1)], text)
    return _pair_quotes(text)


def _pair_quotes(text: str) -> str:
    from ..normalize import quote_role
    cfg = rules.load("ocr_repair")
    opening, closing = cfg["paired_quotes"]
    straight, window = '"', int(cfg["quote_window"])
    chars = list(text)
    open_mark, open_at = "", -1
    for m in regex.finditer(f"[{regex.escape(opening + closing + straight)}]", text):
        i, ch = m.start(), m.group()
        is_open = bool(open_mark) and i - open_at <= window
        if ch == opening and is_open and quote_role(text, i) != "open":
            chars[i] = closing if open_mark == opening else straight
            open_mark = ""
        elif ch == opening or (ch == straight and not is_open):
            open_mark, open_at = ch, i
        else:
            open_mark = ""
    return "".join(chars)


def repair(text: str) -> tuple[str, int]:
    """(text with tone marks repaired, number of syllables changed).  The text
    keeps its length; only letters' marks change."""
    if not text:
        return text, 0
    return _Repairer(text, vocabulary()).run()
