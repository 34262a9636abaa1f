"""Other Unicode spellings of the same Vietnamese text (for tests and renderings).

* :func:`composite` - Unikey's "Unicode tổ hợp": a letter with a hat, breve or
  horn precomposed, the tone mark combining after it (``ê`` + U+0323).

The tone placement (old ``hoà`` / new ``hòa``) is read and written by
:mod:`pipeline.extract.parts.text` (``old_tone``, ``new_tone``).
"""
from __future__ import annotations

import unicodedata

from ..extract.parts.text import TONES


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
