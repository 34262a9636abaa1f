"""Plain text: decode by detection, not by extension.

Order: BOM (UTF-8, UTF-16 LE/BE) -> UTF-16 without BOM (NULs in alternate
bytes) -> strict UTF-8 -> TCVN3 (ABC) or VNI-Windows bytes when their words read
as Vietnamese (see :mod:`.legacy`) -> Windows-1258 when the result reads as
Vietnamese -> UTF-8 with replacement characters (noted in ``error``, status
stays ok).

Text that decoded as Unicode but holds TCVN3 / VNI code points (a legacy Word
document saved as "Unicode text": ``Bé Tµi chÝnh``) is converted too; its
``encoding`` says both (``utf-8+tcvn3``).  TCVN3 has no capitals with tone
marks (documents set them in .VnTimeH): they are restored in words whose other
letters are capitals, in headings and at the start of a sentence.

cp1258 writes most tone marks as combining characters (U+0300 U+0301 U+0303
U+0309 U+0323), so its text is NFD-like; normalize does NFC.  The only change
made to the decoded text is CRLF / CR -> LF.
"""
from __future__ import annotations

import codecs
import unicodedata

from ..models import SourceText
from . import legacy
from .common import failed, sniff_kind

# Vietnamese letters (precomposed, both cases) and the tone marks cp1258 writes
# as combining characters.
_VOWELS = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
VIET_LETTERS = frozenset(
    unicodedata.normalize("NFC", v + t)
    for base in _VOWELS for v in (base, base.upper()) for t in _TONES
) | frozenset("đĐ")
VIET_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# punctuation and spaces that Vietnamese Windows text commonly carries
COMMON_PUNCT = frozenset("“”‘’–—…•·«»°±×\u00a0\u2022\u00b7")


def read_txt(data: bytes) -> SourceText:
    kind = sniff_kind(data)
    if kind and kind != "an HTML page":
        return failed(f"not a text file (the file is {kind})")
    text, encoding, note = decode_bytes(data)
    if text is None:
        return failed(note)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return SourceText(doc_id="", source_path="", format="", text=text, status="error",
                          error="empty file (only whitespace)", encoding=encoding)
    from .tables import text_tables
    return SourceText(doc_id="", source_path="", format="", text=text,
                      encoding=encoding, error=note, tables=text_tables(text))


def decode_bytes(data: bytes) -> tuple[str | None, str, str]:
    """Return (text, encoding, note). ``text`` is None when nothing decodes
    (``note`` then says why).  Legacy Vietnamese (TCVN3, VNI) is converted."""
    text, encoding, note = _decode_unicode_or_8bit(data)
    if text is not None and encoding not in ("tcvn3", "vni") and not note:
        found = legacy.detect(text).encoding
        if found:
            return legacy.to_unicode(text, found, restore_case=True), f"{encoding}+{found}", ""
    return text, encoding, note


def _decode_unicode_or_8bit(data: bytes) -> tuple[str | None, str, str]:
    # 1. byte order marks
    if data.startswith(codecs.BOM_UTF8):
        text, note = _utf8(data[3:])
        return text, "utf-8-sig", note
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) and len(data) % 4 == 0:
        try:
            return data.decode("utf-32"), "utf-32", ""
        except UnicodeDecodeError:
            pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", ""
        except UnicodeDecodeError:
            text = data.decode("utf-16", errors="replace")
            return text, "utf-16", _replaced_note(text, "utf-16")
    # 2. UTF-16 without a BOM: NUL high (or low) bytes in alternate positions
    guess = _utf16_without_bom(data)
    if guess:
        try:
            return data.decode(guess), guess, ""
        except UnicodeDecodeError:
            pass
    # 3. strict UTF-8
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError:
        pass
    # 4. TCVN3 / VNI bytes, when their words read as Vietnamese
    codepoints = legacy.bytes_to_codepoints(data)
    found = legacy.detect(codepoints).encoding
    if found:
        return legacy.to_unicode(codepoints, found, restore_case=True), found, ""
    # 5. Windows-1258, when what it gives reads as Vietnamese
    try:
        cp = data.decode("cp1258")
    except UnicodeDecodeError:
        cp = None
    if cp is not None and looks_vietnamese(cp) and not _mostly_utf8(data):
        return cp, "cp1258", ""
    # 6. UTF-8 with replacement characters
    text, note = _utf8(data)
    return text, "utf-8", note


def _utf8(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        return text, _replaced_note(text, "utf-8")


def _replaced_note(text: str, codec: str) -> str:
    n = text.count("\ufffd")
    return f"decoded as {codec} with {n} invalid byte sequence(s) replaced by U+FFFD"


def _utf16_without_bom(data: bytes) -> str:
    sample = data[:20000]
    if len(sample) < 4:
        return ""
    sample = sample[: len(sample) - len(sample) % 2]
    even = sample[0::2]
    odd = sample[1::2]
    n = len(odd)
    nul_even = even.count(0) / n
    nul_odd = odd.count(0) / n
    # Vietnamese UTF-16 has many non-ASCII code units (no NUL byte), so the bar is
    # lower than for English; the other position must be nearly NUL-free.
    if nul_odd >= 0.2 and nul_even <= 0.02:
        return "utf-16-le"
    if nul_even >= 0.2 and nul_odd <= 0.02:
        return "utf-16-be"
    return ""


def _mostly_utf8(data: bytes) -> bool:
    """True when the bytes are UTF-8 with a few broken sequences (a damaged UTF-8
    file rather than a legacy one): valid multi-byte sequences far outnumber the
    invalid ones."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return good > 0 and bad <= 0.1 * (good + bad)


def looks_vietnamese(text: str) -> bool:
    """Most non-ASCII characters are Vietnamese letters, tone marks or common
    punctuation (cp1258 mojibake of UTF-8 or of TCVN3 is not)."""
    non_ascii = 0
    viet = 0
    for ch in text:
        if ord(ch) < 128:
            continue
        non_ascii += 1
        if ch in VIET_LETTERS or ch in VIET_MARKS or ch in COMMON_PUNCT:
            viet += 1
    if non_ascii == 0:
        return True
    return viet / non_ascii >= 0.85
