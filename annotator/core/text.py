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
    # str.split's white space is re's \s (both Unicode's, str.isspace), several times faster
    # than re.sub: a long article's suggestions are each checked against the rejections.
    return " ".join(text.split())


def form_starts(text: str, form: str) -> list[int]:
    """Every offset of ``text`` where a span whose ``text_form`` is ``form`` can start, in
    order: each place where the form's words begin (any run of white space between them, as
    ``text_form`` reads it; overlapping places too), and the white space just before it (a
    span may begin with some). A reject finds the places of its form with this instead of
    looking at every span of a long document."""
    words = form.split(" ")
    if not form or "" in words:
        return []
    first = words[0]
    if any(first[:k] == first[-k:] for k in range(1, len(first))):  # "aa": may overlap itself
        places = []
        p = text.find(first)
        while p != -1:
            places.append(p)
            p = text.find(first, p + 1)
    else:
        places = [m.start() for m in re.finditer(re.escape(first), text)]
    if len(words) > 1:
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        places = [p for p in places if pattern.match(text, p)]
    out = set(places)
    for p in places:
        while p > 0 and text[p - 1].isspace():
            p -= 1
            out.add(p)
    return sorted(out)


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
