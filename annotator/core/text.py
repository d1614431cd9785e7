"""Canonical text: newline normalisation, hashing, a loose form for matching, word snapping.

Newlines are normalised (CRLF and lone CR to LF) at import, before any offset exists, so every
offset in the database refers to the same canonical string. Plain strings in and out: this module
sits below the annotation model (``core.model`` hashes a document's text with it).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata


def normalize_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_form(text: str) -> str:
    """A span's text as a rejected suggestion is remembered and looked up: runs of white space
    made one space; case and accents kept ("US" and "us" are different forms)."""
    return re.sub(r"\s+", " ", text).strip()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalized_for_matching(text: str) -> str:
    """A loose form of a text used to match slightly different copies of one document."""
    text = unicodedata.normalize("NFC", normalize_newlines(text))
    return " ".join(text.split())


def _in_word(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a selection to whole words and trim surrounding white space and punctuation.

    A drag that starts or stops in the middle of a word takes the whole word, as analysts expect
    (brat and INCEpTION do the same). Returns ``(start, end)``; ``start == end`` if nothing is left.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    while start < end and not _in_word(text[start]):
        start += 1
    while end > start and not _in_word(text[end - 1]):
        end -= 1
    if start == end:
        return start, start
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and _in_word(text[end]):
        end += 1
    return start, end
