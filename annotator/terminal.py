"""Text from files, made safe to print on a terminal.

File names, titles, labels and annotator names come from files someone else made. Printed raw,
an escape sequence in them can recolour, retitle or clear the terminal, a newline in a file name
can forge an extra "imported ..." line, right-to-left overrides can reorder what the analyst
reads, and an unpaired surrogate (from a file name that is not UTF-8) makes ``print`` fail.
``printable`` writes each of those as a visible escape (``\\x1b``, ``\\n``, ``\\u202e``,
``\\udce9``); everything else, including non-Latin scripts and joiners, is kept as it is.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; the line and paragraph separators; bidirectional embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069); and unpaired surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` with every character that could act on a terminal written as an escape."""
    return _UNSAFE.sub(_escape, text)


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable_json(text: str) -> str:
    """JSON text (as ``json.dumps`` writes it, which escapes C0 controls inside strings) with the
    other unsafe characters written as ``\\uXXXX`` escapes: still the same JSON value."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
