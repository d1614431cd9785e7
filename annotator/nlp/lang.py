"""Language detection per document: CLD2 first, py3langid when CLD2 is not sure.

Both ship their models inside their packages. CLD2 (``pycld2``, C++) takes some 30 µs for a
short text where py3langid's pure-Python feature walk takes ten times more, which dominated an
import of 100,000 short texts (see bench/, "import"); py3langid still decides whenever CLD2 does
not call its answer reliable (very short or mixed texts), as it did alone before.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
# CLD2 speaks some old or regional codes; the project stores ISO 639-1 (two letters).
_CLD2_CODES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "zh-Hant": "zh", "mo": "ro"}


def _cld2(sample: str) -> str:
    """CLD2's language of ``sample`` when it says the answer is reliable, else ''."""
    try:
        import pycld2
    except ImportError:  # pragma: no cover - an installation without the wheel
        return ""
    try:
        reliable, _bytes, details = pycld2.detect(sample)
    except pycld2.error:
        return ""
    code = str(details[0][1]) if details else "un"
    if not reliable or code in ("un", "xxx"):
        return ""
    code = _CLD2_CODES.get(code, code)
    return code if code.isalpha() and 2 <= len(code) <= 3 else ""


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or '' when the text has no letters."""
    sample = text[:5000]
    if not any(ch.isalpha() for ch in sample):
        return ""
    code = _cld2(sample)
    if code:
        return code
    import py3langid

    with _lock:  # the identifier keeps state between calls
        code, _score = py3langid.classify(sample)
    return str(code)
