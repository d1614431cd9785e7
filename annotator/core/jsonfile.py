"""Reading one small JSON file given by the user (a label set, a schema, an actor file) safely.

``json.loads(path.read_text())`` blocks forever on a named pipe, reads a file of any size whole,
ends in a ``RecursionError`` on deeply nested arrays, keeps the last of two equal keys silently
and accepts ``NaN``. This reads only regular files up to ``MAX_BYTES`` and turns every failure
into the caller's error type with the file, the line and the reason. (The annotation readers in
``formats/lines.py`` do the same for streamed files; core cannot import them.)
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

MAX_BYTES = 64 * 1024 * 1024

_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            shown = key if len(key) <= 40 else key[:40] + "…"
            raise _DuplicateKey(f"the key {shown!r} appears twice in one object")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def encoding_problem(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when ``data`` starts with that byte-order mark, else None."""
    for bom, name in _BOMS:  # UTF-32 first: its little-endian BOM starts like UTF-16's
        if data.startswith(bom):
            return name
    return None


def read_json_file(path: Path, error: type[Exception], what: str = "file") -> Any:
    """The JSON value in ``path``; ``error(message)`` naming the file (and line) otherwise."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        raise error(f"{path}: not a regular file (a folder, a pipe or a device)")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise error(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB; not a {what}")
    encoding = encoding_problem(data)
    if encoding:
        raise error(f"{path}: {encoding} text, not UTF-8: save the file as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except RecursionError:
        raise error(f"{path}: invalid JSON (nested too deeply)") from None
    except json.JSONDecodeError as exc:
        raise error(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    except ValueError as exc:  # a duplicate key, NaN/Infinity, an integer too long to convert
        reason = str(exc)
        reason = reason if len(reason) <= 120 else reason[:117] + "..."
        raise error(f"{path}: invalid JSON ({reason})") from None
