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
import re
from collections.abc import Callable, Iterator
from datetime import date as _date
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from annotator.core.errors import InputError, InputErrors

T = TypeVar("T")

MIB = 1024 * 1024
MAX_LINE_BYTES = 16 * MIB
"""The longest line a line-based reader accepts (a long article is well under 1 MiB)."""

MAX_FILE_BYTES = 64 * MIB
"""The largest file read whole (an article ``.txt``, a JSON document, a brat ``.ann``)."""


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB and limit % MIB == 0 else f"{limit} bytes"


def decode_text(data: bytes, file: str, line: int | None = None) -> str:
    """UTF-8 (with or without BOM) to str, with a clear error naming the first bad byte.

    ``line`` is the line ``data`` comes from; when None (a whole file), the error names the line
    of the bad byte.
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: same start
        raise InputError("UTF-32 text, not UTF-8: save the file as UTF-8", file, line or 1)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("UTF-16 text, not UTF-8: save the file as UTF-8", file, line or 1)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"binary data (NUL byte at offset {nul}), not a text file",
            file,
            _line_of(data, nul, line),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            file,
            _line_of(data, exc.start, line),
        ) from None
    return text


def _line_of(data: bytes, offset: int, line: int | None) -> int:
    return line if line is not None else data.count(b"\n", 0, offset) + 1


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


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members as a dict, refusing a key given twice (``json`` keeps the last one
    silently: a second ``"spans": []`` would drop every span of the record)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {short(key, 40)} appears twice in one object")
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


# One decoder for every line: ``json.loads`` with options builds a new one per call (a tenth of
# the time of a short line).
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def parse_json(text: str | bytes, file: str | None = None, line: int | None = None) -> object:
    """``json.loads`` whose only failure is an InputError; a key given twice in one object and
    ``NaN``/``Infinity`` are refused too (checking keys costs about a fifth of reading time)."""
    try:
        if not isinstance(text, str):  # as json.loads takes bytes
            text = text.decode(json.detect_encoding(text), "surrogatepass")
        if text.startswith("\ufeff"):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except RecursionError:
        raise InputError("invalid JSON (nested too deeply)", file, line) from None
    except ValueError as exc:  # JSONDecodeError, and integers too long to convert
        reason = str(exc)
        if len(reason) > 120:
            reason = reason[:117] + "..."
        raise InputError(f"invalid JSON ({reason})", file, line) from None


def short(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to about ``limit`` characters: a label or value from a file, as a
    message shows it (a 10,000-character label must not make a 10,000-character message)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "…" + text[-1]


_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})([T ][0-9:.+Z-]*)?)?)?", re.ASCII)


def date_part(value: str) -> str | None:
    """The date a metadata value names (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a time after
    it dropped), or None if the value is anything else (``2024-01-01<script>``, ``2023-13-45``)."""
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, _time = match.groups()
    try:
        _date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(part for part in (year, month, day) if part)


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


def read_json_lines(
    path: Path, convert: Callable[[object, int], T | None], max_errors: int = 100
) -> list[T]:
    """``convert(object, line number)`` of every non-blank line of a JSON-lines file.

    ``convert`` returns the item (None to skip it) or raises InputError. Every bad line is
    collected, up to ``max_errors``, and raised together as InputErrors naming file and line:
    all of the file or nothing. A line over the size cap stops the reading there.
    """
    file = str(path)
    items: list[T] = []
    errors: list[InputError] = []
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", file) from None
    with handle:
        try:
            for number, raw in iter_lines(handle, file):
                try:
                    line = decode_text(raw, file, number).strip()
                    item = convert(parse_json(line), number) if line else None
                except InputError as exc:
                    errors.append(exc.located(file, number))
                    if len(errors) >= max_errors:
                        break
                    continue
                if item is not None:
                    items.append(item)
        except InputError as exc:  # a line over the size cap
            errors.append(exc)
    if errors:
        raise InputErrors(errors)
    return items
