"""Bounded reading of input files: line by line with a size cap, JSON parsing, string checks.

Every reader of untrusted files goes through these few functions so that a hostile file fails the
same clear way everywhere: a 100 MB single line is refused after reading at most
``MAX_LINE_BYTES`` of it (memory stays bounded), JSON nested too deeply or holding an integer too
long to convert is an :class:`InputError` and not a ``RecursionError`` or ``ValueError``, and
strings that SQLite or UTF-8 cannot hold faithfully (NUL characters, unpaired surrogates written
as ``\\ud800`` escapes) are refused before they reach the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from annotator.core.errors import InputError

MIB = 1024 * 1024
MAX_LINE_BYTES = 16 * MIB
"""The longest line a line-based reader accepts (a long article is well under 1 MiB)."""

MAX_FILE_BYTES = 64 * MIB
"""The largest file read whole (an article ``.txt``, a JSON document, a brat ``.ann``)."""


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB and limit % MIB == 0 else f"{limit} bytes"


def iter_lines(
    handle: BinaryIO, file: str, limit: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, raw line)``; raise InputError at the first line over ``limit`` bytes.

    At most ``limit + 1`` bytes are held at once, whatever the file holds.
    """
    number = 0
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            raise InputError(
                f"line longer than {_size(limit)}; a record that long is not supported",
                file,
                number,
            )
        yield number, raw


def read_bounded(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a file read whole, refusing (without reading it all) one over ``limit``.

    ``limit`` defaults to ``MAX_FILE_BYTES``.
    """
    file = str(path)
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", file) from None
    if len(data) > limit:
        raise InputError(f"file larger than {_size(limit)}; not supported", file)
    return data


def parse_json(text: str | bytes, file: str | None = None, line: int | None = None) -> object:
    """``json.loads`` whose only failure is an InputError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError("invalid JSON (nested too deeply)", file, line) from None
    except ValueError as exc:  # JSONDecodeError, and integers too long to convert
        reason = str(exc)
        if len(reason) > 120:
            reason = reason[:117] + "..."
        raise InputError(f"invalid JSON ({reason})", file, line) from None


def check_string(value: str, what: str) -> str:
    """``value`` unchanged, or InputError if it holds a NUL or an unpaired surrogate."""
    nul = value.find("\x00")
    if nul >= 0:
        raise InputError(f"{what} contains a NUL character (at position {nul})")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{what} contains an unpaired surrogate U+{ord(value[exc.start]):04X} "
            f"(at position {exc.start}), not valid Unicode text"
        ) from None
    return value
