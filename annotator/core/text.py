"""Canonical text: newline normalisation, hashing, span validation and word snapping.

Newlines are normalised (CRLF and lone CR to LF) at import, before any offset exists, so every
offset in the database refers to the same canonical string.
"""

from __future__ import annotations

import hashlib
import unicodedata

from annotator.core.errors import InputError
from annotator.core.model import Span


def normalize_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalized_for_matching(text: str) -> str:
    """A loose form of a text used to match slightly different copies of one document."""
    text = unicodedata.normalize("NFC", normalize_newlines(text))
    return " ".join(text.split())


def validate_span(text: str, span: Span, expected_text: str | None = None) -> None:
    """Raise InputError unless ``span`` lies inside ``text`` (and covers ``expected_text``)."""
    if span.end > len(text):
        raise InputError(
            f"span {span.start}-{span.end} ({span.label}) ends after the text ({len(text)} characters)"
        )
    if expected_text is not None and text[span.start : span.end] != expected_text:
        found = text[span.start : span.end]
        raise InputError(
            f"span {span.start}-{span.end} ({span.label}) covers {found!r}, not {expected_text!r}"
        )


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
