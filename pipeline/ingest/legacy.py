"""Legacy Vietnamese 8-bit encodings (TCVN3/ABC, VNI-Windows) <-> Unicode.

The tables are data: ``rules/legacy_encodings.yaml``.  Legacy text is handled as
a ``str`` of Windows-1252 code points (what Word stores in a .docx run set in
.VnTime or VNI-Times, and what a legacy .txt file's bytes decode to with
:func:`bytes_to_codepoints`).

* :func:`to_unicode` converts such text to Unicode (NFC).
* :func:`from_unicode` converts Unicode back (used to render test forms; the
  tests check ``to_unicode(from_unicode(t)) == t``).
* :func:`detect` says whether a text whose font is unknown (a .txt file) is in a
  legacy encoding; it never fires on Unicode Vietnamese: legacy text cannot hold
  ă ơ ư đ or any precomposed letter of U+1EA0-U+1EF9, and words read as legacy
  must be Vietnamese syllables far more often than read as they are.
* :func:`font_encoding` maps a font name (``.VnTime``, ``.VnTimeH``,
  ``VNI-Times``) to its encoding.

TCVN3 has no capital letters with tone marks: documents set capitals in an
upper-case font (``.VnTimeH``), whose text :func:`to_unicode` upper-cases when
``uppercase=True``.  In a .txt the font is lost; ``restore_case=True`` upper-cases
a toned letter inside a word whose other letters are capitals (``KÕT`` -> ``KẾT``),
at the start of a sentence, and in the names of bodies the rules list
(``Chủ tịch Ủy ban nhân dân``; a name with no other capital, ``của Ủy ban nhân
dân``, only after ``của``: see ``case_names`` in rules/legacy_encodings.yaml);
a capital toned letter elsewhere comes back lower-case.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import regex

ENCODINGS = ("tcvn3", "vni")

# letters that Unicode Vietnamese has and Windows-1252 has not: a text holding
# them is Unicode, never legacy code points
_VIET_ONLY = re.compile("[ăĂđĐơƠưƯĩĨũŨ\u1ea0-\u1ef9\u0300\u0301\u0303\u0309\u0323]")
# punctuation stripped from the ends of a word before judging it (none of these
# is a letter code in TCVN3 or VNI)
_EDGE_PUNCT = "\"'()[]{}<>.,;:!?/\\|*&^%$#@~`+=_-“”‘’„…–—•"
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|nh|ng|[cmnpt])?")


@dataclass
class Table:
    name: str
    decode: dict          # legacy sequence -> Unicode letter
    encode: dict          # Unicode letter -> legacy sequence
    pattern: re.Pattern  # alternation of the legacy sequences, longest first


@functools.lru_cache(maxsize=1)
def _config() -> Mapping:
    from .. import rules
    return rules.load("legacy_encodings")


@functools.cache
def table(encoding: str) -> Table:
    cfg = _config()[encoding]
    encode: dict[str, str] = {}
    for letter, value in cfg["chars"].items():
        letter = unicodedata.normalize("NFC", str(letter))
        if encoding == "tcvn3":
            seq = bytes([int(str(value), 16)]).decode("latin-1")
        else:
            seq = str(value)
        encode[letter] = seq
    decode = {seq: letter for letter, seq in encode.items()}
    if len(decode) != len(encode):
        raise ValueError(f"rules/legacy_encodings.yaml: {encoding} has duplicate legacy values")
    if encoding == "vni":
        # documents also mix the case of a base letter and its mark byte
        # ("Aù", "aÙ"): the base letter decides the case
        for seq, letter in list(decode.items()):
            if len(seq) == 2:
                for mark in {seq[1].lower(), seq[1].upper()}:
                    decode.setdefault(seq[0] + mark, letter)
        # ỵ written as y + dot below (ï) by some fonts' keyboards
        decode.setdefault("yï", "ỵ")
        decode.setdefault("YÏ", "Ỵ")
        decode.setdefault("Yï", "Ỵ")
    seqs = sorted(decode, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(s) for s in seqs))
    return Table(cfg.get("name", encoding), decode, encode, pattern)


# ------------------------------------------------------------------ fonts

def font_encoding(font: str | None) -> tuple[str, bool]:
    """(encoding, uppercase_font) for a font name; ("", False) for a Unicode font."""
    if not font:
        return "", False
    cfg = _config()["fonts"]
    name = font.split(";")[0].strip()        # LibreOffice writes "Font;Fallback"
    low = name.lower()
    for encoding in ENCODINGS:
        for prefix in cfg.get(encoding) or []:
            if low.startswith(prefix.lower()):
                upper = False
                if encoding == "tcvn3":
                    suffix = cfg.get("tcvn3_uppercase_suffix") or ""
                    upper = bool(suffix) and name.replace(" ", "").endswith(suffix)
                return encoding, upper
    return "", False


# ------------------------------------------------------------------ bytes

def bytes_to_codepoints(data: bytes) -> str:
    """Bytes as Windows shows them in an 8-bit font: Windows-1252, with the five
    bytes it leaves undefined kept as U+0081 ... (as Windows does)."""
    return data.decode("cp1252", errors="surrogateescape").translate(_UNDEFINED_1252)


_UNDEFINED_1252 = {0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def codepoints_to_bytes(text: str) -> bytes:
    """Inverse of :func:`bytes_to_codepoints` (for rendering legacy .txt files)."""
    out = bytearray()
    for ch in text:
        if ord(ch) in (0x81, 0x8D, 0x8F, 0x90, 0x9D):
            out.append(ord(ch))
        else:
            out += ch.encode("cp1252")
    return bytes(out)


# ------------------------------------------------------------------ convert

def to_unicode(text: str, encoding: str, uppercase: bool = False,
               restore_case: bool = False) -> str:
    """Legacy code points -> Unicode NFC.  ``uppercase``: the text was set in an
    upper-case TCVN3 font (.VnTimeH).  ``restore_case``: guess the capitals TCVN3
    could not write (see the module doc)."""
    tb = table(encoding)
    out = tb.pattern.sub(lambda m: tb.decode[m.group()], text)
    if uppercase:
        out = out.upper()
    elif restore_case and encoding == "tcvn3":
        out = _restore_case(out, text)
    return unicodedata.normalize("NFC", out)


def from_unicode(text: str, encoding: str, errors: str = "strict") -> str:
    """Unicode -> legacy code points.  TCVN3 capitals with tone marks have no code:
    they are written with the lower-case code (as in an upper-case font).  A
    character that the encoding cannot hold raises ``ValueError`` (``errors=
    "replace"`` writes "?")."""
    tb = table(encoding)
    out = []
    for ch in unicodedata.normalize("NFC", text):
        seq = tb.encode.get(ch)
        if seq is None and encoding == "tcvn3" and ch.lower() in tb.encode and ch != ch.lower():
            seq = tb.encode[ch.lower()]
        if seq is None and ch not in tb.decode and _encodable_1252(ch):
            seq = ch        # as itself, unless the font uses it as a letter code (« is ô in TCVN3)
        if seq is None:
            if errors == "replace":
                seq = "?"
            else:
                raise ValueError(f"{encoding}: cannot encode {ch!r} (U+{ord(ch):04X})")
        out.append(seq)
    return "".join(out)


def tcvn3_runs(text: str) -> list[tuple[str, bool]]:
    """Unicode -> TCVN3 runs ``(legacy_text, uppercase_font)``: letters that need a
    capital TCVN3 has not got go in an upper-case-font run (.VnTimeH), so that
    ``"".join(to_unicode(t, "tcvn3", uppercase=u) for t, u in runs) == text``."""
    tb = table("tcvn3")
    runs: list[tuple[str, bool]] = []
    for ch in unicodedata.normalize("NFC", text):
        upper = ch != ch.lower() and ch not in tb.encode and ch.lower() in tb.encode
        seq = from_unicode(ch, "tcvn3")
        if runs and runs[-1][1] == upper:
            runs[-1] = (runs[-1][0] + seq, upper)
        else:
            runs.append((seq, upper))
    return runs


def _encodable_1252(ch: str) -> bool:
    if ord(ch) in (0x81, 0x8D, 0x8F, 0x90, 0x9D):
        return True
    try:
        ch.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


_WORD = re.compile(r"\w+")


def _restore_case(out: str, legacy: str) -> str:
    """Upper-case the TCVN3 toned letters that stood for capitals (see module doc).
    ``out`` is the decoded text before NFC (as long as ``legacy``: one code, one letter).

    * in a word whose other letters are capitals (2+): ``KÕT`` -> ``KẾT``;
    * in a short word (``Tæ``, ``Ë``) on a line whose words are mostly capitals
      with Vietnamese letters (a heading), ignoring ASCII abbreviations;
    * the first letter of a sentence or paragraph;
    * the names of bodies of rules/legacy_encodings.yaml ``case_names``."""
    tb = table("tcvn3")
    if len(out) != len(legacy):
        return out
    lower_only = {i for i, ch in enumerate(legacy) if ch in tb.decode and tb.decode[ch].islower()
                  and tb.decode[ch].upper() not in tb.encode}
    if not lower_only:
        return out
    chars = list(out)
    line_start = 0
    for line in out.split("\n"):
        words = []
        evidence = lowercase = 0
        for m in _WORD.finditer(line):
            start = line_start + m.start()
            letters = [(i, c) for i, c in enumerate(m.group(), start) if c.isalpha()]
            toned = [i for i, _ in letters if i in lower_only]
            fixed = [c for i, c in letters if i not in lower_only]
            caps = len(fixed) >= 2 and all(c.isupper() for c in fixed)
            if caps and (toned or not m.group().isascii()):
                evidence += 1
            elif any(c.islower() for c in fixed) and len(letters) >= 2:
                lowercase += 1
            words.append((start, toned, fixed, caps))
        heading = evidence >= 1 and evidence >= 0.6 * (evidence + lowercase)
        for start, toned, fixed, caps in words:
            if not toned:
                continue
            if caps or (heading and len(fixed) <= 1 and all(c.isupper() for c in fixed)):
                for i in toned:
                    chars[i] = chars[i].upper()
            elif start in lower_only and _sentence_start(out, start):
                chars[start] = chars[start].upper()
        line_start += len(line) + 1
    _restore_names(chars, lower_only)
    return "".join(chars)


def _strings(value):
    """Every string under a rules value (keys and values of mappings, lists)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


@functools.lru_cache(maxsize=1)
def _case_names():
    """The names of rules/legacy_encodings.yaml ``case_names`` that hold a
    capital TCVN3 cannot write, as TCVN3 text reads them (``ủy ban nhân dân``):
    (pattern of those with a capital left, pattern of a ``case_name_leads``
    word and one of the others, {as read: name})."""
    from .. import rules
    cfg = _config()["tcvn3"]
    tb = table("tcvn3")
    names = {}
    for rules_name, keys in (cfg.get("case_names") or {}).items():
        data = rules.load(rules_name)
        for key in keys:
            for name in _strings(data.get(key)):
                name = unicodedata.normalize("NFC", name)
                lossy = "".join(c.lower() if c.isupper() and c not in tb.encode and c.lower() in tb.encode
                                else c for c in name)
                if lossy != name:
                    names[lossy] = name
    with_caps = [w for w in names if any(c.isupper() for c in w)]
    bare = [w for w in names if w not in with_caps]
    leads = rules.alternation(cfg.get("case_name_leads") or [])
    anywhere = regex.compile(rules.alternation(with_caps)) if with_caps else None
    after_lead = regex.compile(rf"(?i:{leads})\s+({rules.alternation(bare)})") if bare and leads else None
    return anywhere, after_lead, names


def _restore_names(chars: list, lower_only: set) -> None:
    """Upper-case, in place, the letters of the rules' names of bodies that
    TCVN3 could not write as capitals (see ``_case_names``)."""
    text = "".join(chars)
    if not any(c.isspace() for c in text):
        return                          # a single word (detection) holds no name
    anywhere, after_lead, names = _case_names()
    spans = []
    if anywhere:
        spans += [m.span() for m in anywhere.finditer(text)]
    if after_lead:
        spans += [m.span(1) for m in after_lead.finditer(text)]
    for start, end in spans:
        written = regex.sub(r"\s+", " ", text[start:end])
        name = names.get(written)
        if name is None:
            continue
        words = [(m.start(), m.group()) for m in regex.finditer(r"\S+", text[start:end])]
        for (offset, word), model in zip(words, name.split(" ")):
            for k, (c, want) in enumerate(zip(word, model)):
                if c != want and start + offset + k in lower_only:
                    chars[start + offset + k] = want


def _sentence_start(text: str, pos: int) -> bool:
    """Does a sentence (or a paragraph) start at ``pos``?"""
    i = pos
    while i > 0 and text[i - 1] in " \t\u00a0“\"'(":
        i -= 1
    return i == 0 or text[i - 1] in "\n.!?"


# ------------------------------------------------------------------ detect

@dataclass
class Detection:
    encoding: str          # "tcvn3" | "vni" | "" (not legacy)
    words: int             # words with a non-ASCII character
    as_is: float | None    # share of them that read as Vietnamese syllables as they are
                           # (None: not measured, the text holds letters only Unicode has)
    legacy: float          # ... once converted from ``encoding`` (best legacy candidate)


def _words(text: str) -> list[str]:
    out = []
    for token in text.split():
        token = token.strip(_EDGE_PUNCT)
        if token and not token.isascii():
            out.append(token)
    return out


@functools.lru_cache(maxsize=1 << 16)      # words repeat: detection runs it over 60,000 characters per file
def is_syllable(word: str) -> bool:
    """A Vietnamese syllable (lower, Title or UPPER case, at most one tone mark)?"""
    if not word.isalpha():
        return False
    if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in _TONES)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return bool(_SYLLABLE.fullmatch(bare))


def detect(text: str, sample: int = 60_000, min_words: int = 3) -> Detection:
    """Is ``text`` (Unicode code points) legacy-encoded Vietnamese?  Returns the
    encoding when the words with non-ASCII characters read as Vietnamese when
    converted (>= 75%) far more often than as they are (+25 points), and the
    text holds (almost) no letter that only Unicode has."""
    head = text[:sample]
    # Unicode Vietnamese (nearly every file) is told before any syllable is
    # judged: the tokens holding a letter only Unicode has against the non-ASCII
    # tokens (an upper bound of the words below: a token non-ASCII only by its
    # punctuation counts too), so the exact test below would say the same
    tokens = head.split()
    unicode_only = 0
    for at in range(0, len(tokens), 256):
        unicode_only += sum(1 for t in tokens[at:at + 256] if _VIET_ONLY.search(t))
        if unicode_only > 0.05 * len(tokens):      # more than the test below needs, whatever follows
            return Detection("", len(tokens), None, 0.0)
    non_ascii = sum(1 for t in tokens if not t.isascii())
    if unicode_only > 0.05 * non_ascii:
        return Detection("", non_ascii, None, 0.0)
    words = _words(head)
    if not words:
        return Detection("", 0, 1.0, 0.0)
    unicode_only = sum(1 for w in words if _VIET_ONLY.search(w))
    as_is = sum(map(is_syllable, words)) / len(words)
    if unicode_only > 0.05 * len(words):
        return Detection("", len(words), as_is, 0.0)
    best, best_score = "", 0.0
    for encoding in ENCODINGS:
        converted = [to_unicode(w, encoding, restore_case=True) for w in words]
        score = sum(map(is_syllable, converted)) / len(words)
        if score > best_score:
            best, best_score = encoding, score
    fires = len(words) >= min_words and best_score >= 0.75 and best_score >= as_is + 0.25
    return Detection(best if fires else "", len(words), as_is, best_score)


def judge_font_text(text: str, encoding: str) -> bool:
    """Text set in a legacy font: is it really in that encoding (and not Unicode
    typed in an old font)?  True unless the text says it is Unicode."""
    words = _words(text)
    if not words:
        return True
    unicode_only = sum(1 for w in words if _VIET_ONLY.search(w))
    if unicode_only > 0.05 * len(words):
        return False
    as_is = sum(map(is_syllable, words)) / len(words)
    converted = sum(is_syllable(to_unicode(w, encoding, restore_case=True)) for w in words) / len(words)
    return not (as_is >= 0.9 and as_is > converted + 0.2)


def has_unicode_letters(text: str) -> bool:
    """Does ``text`` hold a letter that only Unicode Vietnamese has (ă ơ ư đ ạ ...)?"""
    return bool(_VIET_ONLY.search(text))
