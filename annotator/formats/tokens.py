"""Tokenisation for formats that need tokens (spaCy DocBin, Prodigy): blank spaCy tokenizers.

A blank pipeline per language gives the same tokens ``spacy train`` will see, without loading a
trained model. Languages spaCy does not know fall back to the multi-language tokenizer ``xx``.
"""

from __future__ import annotations

import threading
from typing import Any

FALLBACK_LANG = "xx"
_cache: dict[str, Any] = {}
_lock = threading.Lock()


def blank_nlp(lang: str) -> Any:
    """A blank spaCy pipeline for ``lang`` (``xx`` when empty or unknown), created once."""
    import spacy

    lang = (lang or "").strip().lower() or FALLBACK_LANG
    with _lock:
        nlp = _cache.get(lang)
        if nlp is None:
            try:
                nlp = spacy.blank(lang)
            except (ImportError, KeyError, ValueError):
                nlp = _cache.get(FALLBACK_LANG) or spacy.blank(FALLBACK_LANG)
            _cache[lang] = nlp
        return nlp


def make_doc(text: str, lang: str) -> Any:
    """The tokenised spaCy ``Doc`` of ``text``."""
    return blank_nlp(lang).make_doc(text)
