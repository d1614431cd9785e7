"""Language detection per document (py3langid: a small model shipped inside the package)."""

from __future__ import annotations

import threading

_lock = threading.Lock()


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or '' when the text has no letters."""
    sample = text[:5000]
    if not any(ch.isalpha() for ch in sample):
        return ""
    import py3langid

    with _lock:  # the identifier keeps state between calls
        code, _score = py3langid.classify(sample)
    return str(code)
