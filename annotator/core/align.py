"""Carry span offsets from one copy of a text to another that differs only in white space or form.

Two copies of an article match when their ``normalized_for_matching`` forms are equal (white space
runs collapsed, newlines and Unicode composition normalised), yet their offsets differ: a span at
40-52 in a colleague's copy may be at 41-53 in ours. ``OffsetMap`` translates offsets through the
shared normalised form, so imported spans land on the same words instead of being silently shifted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from annotator.core.text import normalized_for_matching


@dataclass(frozen=True, slots=True)
class _Units:
    """A text cut into units, each emitting a piece of the normalised form."""

    normalized: str
    norm_start: list[int]  # per raw position: where its unit starts in the normalised form
    norm_end: list[int]  # per raw position: where its unit ends in the normalised form
    raw_start: list[int]  # per normalised position: where its unit starts in the raw text
    raw_end: list[int]  # per normalised position: where its unit ends in the raw text


def _units(text: str) -> _Units | None:
    pieces: list[str] = []
    norm_start = [0] * len(text)
    norm_end = [0] * len(text)
    raw_start: list[int] = []
    raw_end: list[int] = []
    length = 0
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        if text[i].isspace():
            while j < n and text[j].isspace():
                j += 1
            # Leading and trailing white space vanish; inner runs become one space.
            piece = " " if (pieces and j < n) else ""
        else:
            while j < n and unicodedata.combining(text[j]):
                j += 1
            piece = unicodedata.normalize("NFC", text[i:j])
        for k in range(i, j):
            norm_start[k] = length
            norm_end[k] = length + len(piece)
        raw_start += [i] * len(piece)
        raw_end += [j] * len(piece)
        pieces.append(piece)
        length += len(piece)
        i = j
    normalized = "".join(pieces)
    if normalized != normalized_for_matching(text):
        return None  # a composition across units: too rare to handle, report instead
    return _Units(normalized, norm_start, norm_end, raw_start, raw_end)


class OffsetMap:
    """Offsets of ``source`` mapped onto ``target``; both normalise to the same string."""

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        src = _units(source)
        dst = _units(target)
        if src is None or dst is None or src.normalized != dst.normalized:
            raise ValueError("the texts do not have the same normalised form")
        self._src = src
        self._dst = dst

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The target offsets of ``source[start:end]``, or None if it cannot be carried over.

        White space at either end of the span is left out; a span inside a composed character
        grows to the whole character.
        """
        text = self.source
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        n_start = self._src.norm_start[start]
        n_end = self._src.norm_end[end - 1]
        if n_end <= n_start:
            return None
        new_start = self._dst.raw_start[n_start]
        new_end = self._dst.raw_end[n_end - 1]
        if normalized_for_matching(self.target[new_start:new_end]) != normalized_for_matching(
            text[start:end]
        ):
            return None
        return new_start, new_end
