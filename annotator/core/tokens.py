"""The tokens that agreement figures are counted on (token labels, Cohen's kappa, alpha).

One rule for every language, written as one regular expression so that anyone can reproduce a
report's token count with a line of Python (``docs/AGREEMENT.md``, "Tokens"):

- a maximal run of word characters (``\\w``: letters, digits, underscore) and combining marks,
  CJK ideographs excepted, is a token;
- a maximal run of other characters that are not white space (punctuation, symbols) is a token;
- each CJK ideograph is a token of its own (Chinese and Japanese put no spaces between words; as
  BERT's basic tokenizer does);
- white space is never part of a token.

On text without combining marks and ideographs this is NLTK's ``wordpunct_tokenize``
(``\\w+|[^\\w\\s]+``). Combining marks belong to words so that vowel signs (Devanagari,
Bengali…) and vocalised Arabic or Hebrew do not break words apart.

Because no token holds white space, tokenizing from any position that follows white space gives
the same tokens as tokenizing from the start of the text. ``tokens_touching`` relies on that to
tokenize only around spans, and ``count_tokens`` only counts.

The report itself takes ``TextTokens``: the same tokens found from a table of every code point's
class under the pattern (word or mark, ideograph, other, white space), read in numpy, since a
token starts wherever the class changes. Over 10,000 articles the pattern's matches were the
largest single cost of the report (about 150 µs per article against 20); the table is built from
the pattern's own classes (``\\w``, ``\\s``, the mark and ideograph ranges), and the tests hold the
two to each other on every code point and on generated text.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np

Token = tuple[int, int]

# CJK Unified Ideographs and their extensions, and the compatibility ideographs.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\U00030000-\U0003134f"


@cache
def _mark_ranges() -> tuple[tuple[int, int], ...]:
    """Every combining mark (categories Mn, Mc, Me) of this Python's Unicode, as ranges."""
    ranges: list[tuple[int, int]] = []
    # Marks live in planes 0 and 1 and in plane 14 (variation selectors); plane 2 and 3 hold
    # ideographs only, 4 to 13 nothing, 15 and 16 private use: a fifth of the loop, same ranges.
    for cp in (*range(0x20000), *range(0xE0000, sys.maxunicode + 1)):
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return tuple(ranges)


def _class_body(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


@cache
def token_pattern() -> re.Pattern[str]:
    """The definition: words (with their marks), runs of other non-space characters, ideographs."""
    marks = _class_body(_mark_ranges())
    return re.compile(rf"(?:[^\W{_CJK}]+|[{marks}]+)+|[^\w\s{marks}]+|[{_CJK}]")


# The same tokens on text without combining marks, several times faster: with no mark to join,
# the first alternative of ``token_pattern`` is one run of word characters.
_PLAIN = re.compile(rf"[^\W{_CJK}]+|[^\w\s]+|[{_CJK}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@cache
def _mark_finders() -> tuple[re.Pattern[str], frozenset[str]]:
    """A pattern for the marks below U+10000, and the set of the others. (A character class
    with the astral ranges in it is checked range by range: ten times slower on every text.)"""
    ranges = _mark_ranges()
    bmp = [(a, min(b, 0xFFFF)) for a, b in ranges if a <= 0xFFFF]
    astral = frozenset(
        chr(cp) for a, b in ranges if b > 0xFFFF for cp in range(max(a, 0x10000), b + 1)
    )
    return re.compile(f"[{_class_body(bmp)}]"), astral


def has_marks(text: str) -> bool:
    """Whether ``text`` holds a combining mark."""
    bmp, astral = _mark_finders()
    if bmp.search(text):
        return True
    return any(c in astral for c in _ASTRAL.findall(text))


def pattern_for(text: str) -> re.Pattern[str]:
    """The pattern that tokenizes ``text`` (the fast one when ``text`` has no combining mark); a
    caller that reads one text several times asks once and passes it on."""
    return token_pattern() if has_marks(text) else _PLAIN


def tokenize(text: str, pattern: re.Pattern[str] | None = None) -> list[Token]:
    """Every token of ``text``, as (start, end) code-point offsets, end exclusive."""
    return [m.span() for m in (pattern or pattern_for(text)).finditer(text)]


def count_tokens(text: str, pattern: re.Pattern[str] | None = None) -> int:
    """How many tokens ``text`` has (``len(tokenize(text))`` without building the list)."""
    # subn counts the matches in C and builds only the (short) remainder of the text.
    return (pattern or pattern_for(text)).subn("", text)[1]


def _restart(text: str, position: int, floor: int) -> int:
    """A position at or before ``position`` (and not before ``floor``) where tokenizing can start
    and give the text's own tokens: the start of the text or a character after white space."""
    # Any white space will do; the last space or line break is one, found in C.
    return max(floor, text.rfind(" ", floor, position) + 1, text.rfind("\n", floor, position) + 1)


def tokens_touching(
    text: str, intervals: Iterable[tuple[int, int]], pattern: re.Pattern[str] | None = None
) -> list[Token]:
    """The tokens of ``text`` that share at least one character with one of ``intervals``
    ((start, end) pairs, end exclusive), in text order, each once.

    Equal to ``[t for t in tokenize(text) if any(t[0] < e and s < t[1] for s, e in intervals)]``
    but reads only the neighbourhood of the intervals.
    """
    pattern = pattern or pattern_for(text)
    out: list[Token] = []
    resume = 0  # tokenizing may start here: the start of the text or the end of a token found
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and out[-1][1] > start:  # the last token found reaches into this interval
            start = out[-1][1]
            if start >= end:
                continue
        position = _restart(text, start, resume) if start > resume else resume
        for match in pattern.finditer(text, position):
            t_start, t_end = match.span()
            if t_start >= end:
                resume = t_start
                break
            if t_end > start:
                out.append((t_start, t_end))
            resume = t_end
        else:
            resume = len(text)
    return out


# -- the same tokens from a table of code point classes --------------------------------------------

SPACE, WORD, OTHER, IDEOGRAPH = 0, 1, 2, 3  # how ``token_pattern`` treats a character


@cache
def code_point_classes() -> np.ndarray:
    """The class of every code point (index) under ``token_pattern``: ``WORD`` for a word
    character (``\\w``) or a combining mark, ``IDEOGRAPH`` for a word character in the ideograph
    ranges (a token on its own), ``SPACE`` for white space (``\\s``), ``OTHER`` for the rest. Read
    from the pattern's own character classes (about 0.1 s, once)."""
    every = np.arange(sys.maxunicode + 1, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    table = np.full(len(every), OTHER, dtype=np.uint8)
    for match in re.finditer(r"\s+", every):
        table[match.start() : match.end()] = SPACE
    for match in re.finditer(r"\w+", every):
        table[match.start() : match.end()] = WORD
    for match in re.finditer(rf"[{_CJK}]+", every):
        part = table[match.start() : match.end()]
        part[part == WORD] = IDEOGRAPH
    for a, b in _mark_ranges():
        table[a : b + 1] = WORD
    return table


class TextTokens:
    """The tokens of one text as two arrays (starts, ends), equal to ``tokenize(text)``: counted
    and looked up around spans without a Python object per token."""

    __slots__ = ("ends", "starts")

    def __init__(self, text: str) -> None:
        if not text:
            self.starts = self.ends = np.zeros(0, dtype=np.intp)
            return
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        kind = code_point_classes()[points]
        # A token starts where a character that is not white space follows one of another class
        # (or the start of the text), and ends likewise; an ideograph is a token on its own.
        single = kind == IDEOGRAPH
        not_space = kind != SPACE
        changes = kind[1:] != kind[:-1]  # between character i and i + 1
        first = np.empty(len(kind), dtype=bool)
        first[0] = True
        first[1:] = changes
        last = np.empty(len(kind), dtype=bool)
        last[-1] = True
        last[:-1] = changes
        self.starts = np.flatnonzero((first | single) & not_space)
        self.ends = np.flatnonzero((last | single) & not_space) + 1

    def __len__(self) -> int:
        return len(self.starts)

    def ranges(self, starts: Sequence[int], ends: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """For each interval (``starts[k]``, ``ends[k]``), end exclusive, the tokens sharing a
        character with it: indices from ``first`` up to (not including) ``stop`` (none when
        ``stop <= first``; an empty interval touches nothing)."""
        starts_a = np.asarray(starts, dtype=np.intp)
        ends_a = np.asarray(ends, dtype=np.intp)
        # Token i touches [s, e) when it ends after s and starts before e: tokens from the first
        # ending after s up to the first starting at e or later.
        first = np.searchsorted(self.ends, starts_a, side="right")
        stop = np.searchsorted(self.starts, ends_a, side="left")
        stop[ends_a <= starts_a] = 0
        return first, stop

    def covered(self, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """The indices of the tokens in one of the ranges [``first[k]``, ``stop[k]``), in text
        order, each once."""
        n = len(self.starts)
        keep = stop > first
        depth = np.bincount(first[keep], minlength=n + 1) - np.bincount(stop[keep], minlength=n + 1)
        return np.flatnonzero(np.cumsum(depth[:n]) > 0)

    def touching(self, intervals: Sequence[tuple[int, int]]) -> np.ndarray:
        """The indices of the tokens that share a character with one of ``intervals`` ((start,
        end), end exclusive; empty ones touch nothing), in text order, each once."""
        if not len(self.starts) or not intervals:
            return np.zeros(0, dtype=np.intp)
        return self.covered(*self.ranges([s for s, _ in intervals], [e for _, e in intervals]))

    def pairs(self, indices: np.ndarray) -> list[Token]:
        """The tokens at ``indices`` as (start, end) pairs."""
        return list(zip(self.starts[indices].tolist(), self.ends[indices].tolist(), strict=True))
