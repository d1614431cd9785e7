"""Details given beside an article file: a sidecar ``NAME.meta.json``, or a folder manifest.

A plain ``.txt`` article has no place for its outlet, date or author; the analyst (or the tool
that saved it) writes them beside it, and the text stays byte for byte as it was:

- ``NAME.meta.json`` (or ``NAME.txt.meta.json``) next to ``NAME.txt``: a JSON object such as
  ``{"source": "Islam Times", "date": "2023-05-12", "author": "…", "url": "…"}``;
- ``manifest.json`` in the folder: an object mapping file names to such objects;
- ``manifest.csv`` in the folder: a header row with ``filename`` and any of the fields, then one
  row per file (the form a spreadsheet exports).

Fields: ``title``, ``source`` (or ``outlet``), ``date`` (YYYY-MM-DD), ``lang``, ``url``,
``author``. A field given here wins over what the file itself says; an empty one is ignored. A
bad sidecar or manifest is an error naming it, and nothing of the import is stored.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from functools import lru_cache
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import DocumentMeta
from annotator.formats.lines import check_string, decode_text, parse_json, read_bounded

FIELDS = ("title", "source", "date", "lang", "url", "author")
ALIASES = {"outlet": "source"}
SIDECAR_SUFFIX = ".meta.json"
MANIFESTS = ("manifest.json", "manifest.csv")
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def is_details_file(path: Path) -> bool:
    """Whether the file holds details for others (never imported as an article itself)."""
    return path.name.endswith(SIDECAR_SUFFIX) or path.name in MANIFESTS


def _fields(value: object, file: str, line: int | None = None) -> dict[str, str]:
    if not isinstance(value, dict):
        raise InputError("expected an object of details (title, source, date, …)", file, line)
    out: dict[str, str] = {}
    for key, item in value.items():
        name = ALIASES.get(str(key).strip().lower(), str(key).strip().lower())
        if name == "filename":
            continue
        if name not in FIELDS:
            raise InputError(
                f"unknown field {str(key)[:40]!r} (known: {', '.join(FIELDS)}, outlet)", file, line
            )
        if item is None or item == "":
            continue
        if not isinstance(item, str):
            raise InputError(f"{name} must be a string", file, line)
        try:
            out[name] = check_string(item.strip(), name)
        except InputError as exc:
            raise exc.located(file, line) from None
    if out.get("date"):
        try:
            date.fromisoformat(out["date"])
        except ValueError:
            raise InputError(f"date {out['date']!r} is not a date (YYYY-MM-DD)", file, line) from None
    return out


def _read_text(path: Path) -> str:
    return decode_text(read_bounded(path, MAX_MANIFEST_BYTES), str(path))


@lru_cache(maxsize=64)
def _manifest(path: Path, _stamp: tuple[int, int]) -> dict[str, dict[str, str]]:
    """File name -> details of one manifest (cached while the file is unchanged)."""
    file = str(path)
    text = _read_text(path)
    out: dict[str, dict[str, str]] = {}
    if path.suffix == ".json":
        data = parse_json(text, file)
        if not isinstance(data, dict):
            raise InputError("expected an object mapping file names to their details", file)
        for name, value in data.items():
            out[str(name)] = _fields(value, f"{file} ({name})")
        return out
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "filename" not in [f.strip().lower() for f in reader.fieldnames]:
        raise InputError("the first row must name the columns, one of them 'filename'", file, 1)
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InputError("more values than column names", file, line)
        values = {str(k).strip().lower(): (v or "") for k, v in row.items()}
        name = values.pop("filename").strip()
        if name:
            out[name] = _fields(values, file, line)
    return out


def details_for(path: Path) -> dict[str, str]:
    """The details given for ``path`` by its folder's manifests and its own sidecar (which wins)."""
    found: dict[str, str] = {}
    for manifest in MANIFESTS:
        candidate = path.parent / manifest
        if candidate.is_file():
            stat = candidate.stat()
            found.update(_manifest(candidate, (stat.st_mtime_ns, stat.st_size)).get(path.name, {}))
    for sidecar in (path.with_name(path.stem + SIDECAR_SUFFIX), path.with_name(path.name + SIDECAR_SUFFIX)):
        if sidecar.is_file():
            found.update(_fields(parse_json(_read_text(sidecar), str(sidecar)), str(sidecar)))
            break
    return found


def with_details(meta: DocumentMeta, path: Path) -> DocumentMeta:
    details = details_for(path)
    return meta.with_(**details) if details else meta
