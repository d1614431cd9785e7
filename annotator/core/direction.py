"""Which way a document reads: right to left (Arabic, Persian, Hebrew, Urdu...) or left to right.

The reading pane lays a right-to-left document out right-aligned with a right-to-left paragraph
direction, so that Latin names and numbers inside it stay where an Arabic or Persian reader expects
them. The document's language decides when it is known; otherwise the letters do (Unicode bidi
classes: R and AL against L).
"""

from __future__ import annotations

import unicodedata

# ISO 639-1 codes of languages written right to left.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ug", "ckb", "sd"})
SAMPLE = 5000


def is_rtl(text: str, lang: str = "") -> bool:
    """Whether ``text`` reads right to left: by its language if given, else by its letters."""
    code = lang.strip().lower().split("-")[0].split("_")[0]
    if code:
        return code in RTL_LANGUAGES
    rtl = ltr = 0
    for ch in text[:SAMPLE]:
        if ch.isascii():
            ltr += ch.isalpha()
            continue
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L":
            ltr += 1
    return rtl > ltr
