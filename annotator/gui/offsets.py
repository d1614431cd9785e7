"""The one place where Qt's UTF-16 positions and the project's code-point offsets meet.

Qt counts UTF-16 code units: a character outside the Basic Multilingual Plane (most emoji, some
CJK) is two units. Everything else in the project counts Python code points. Newlines are already
normalised to LF at import, and each LF is one position in both systems.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Converts between code-point offsets and UTF-16 positions for one text."""

    __slots__ = ("_astral", "_astral_u16", "length", "length_u16")

    def __init__(self, text: str) -> None:
        # Indices (code points) of characters that take two UTF-16 units. A regular expression
        # scans in C: a 1 MB article costs a millisecond, not a Python loop over every character.
        if text.isascii():
            astral: list[int] = []
        else:
            astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral = astral
        # Position (UTF-16) of the first unit of each astral character.
        self._astral_u16 = [cp + k for k, cp in enumerate(astral)]
        self.length = len(text)
        self.length_u16 = len(text) + len(astral)

    @property
    def identity(self) -> bool:
        return not self._astral

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code-point offset ``cp`` (0 <= cp <= len(text))."""
        if not self._astral:
            return cp
        return cp + bisect_left(self._astral, cp)

    def to_codepoint(self, pos: int) -> int:
        """Code-point offset of UTF-16 position ``pos``.

        A position inside a surrogate pair (between its two units) snaps to the start of that
        character, so a selection never splits an emoji.
        """
        if not self._astral:
            return pos
        # Astral characters that start before pos.
        k = bisect_right(self._astral_u16, pos - 1)
        if k and self._astral_u16[k - 1] == pos - 1:
            # pos is the second unit of astral character k-1: snap back to its start.
            return self._astral[k - 1]
        return pos - k
