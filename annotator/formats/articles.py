"""Article readers: plain ``.txt`` files, ``.jsonl`` files of ``{"text", "meta"}``, and folders.

Text is decoded as UTF-8 (a BOM is dropped), newlines are normalised before anything else, and a
first line `` date YYYY-MM-DD`` (as in the sample corpus) becomes the document's date and is
removed from the text. The first non-empty line is the title unless the metadata gives one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date as _date
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import META_FIELDS, Document, DocumentMeta
from annotator.core.text import normalize_newlines
from annotator.formats.folders import walk_files
from annotator.formats.lines import (
    check_string,
    date_part,
    decode_text,
    read_bounded,
    read_json_lines,
    short,
)

ARTICLE_SUFFIXES = (".txt", ".jsonl")
TITLE_MAX = 120
_DATE_LINE = re.compile(r"^[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|$)")


def _valid_date(value: str) -> bool:
    try:
        _date.fromisoformat(value)
    except ValueError:
        return False
    return True


def make_title(text: str) -> str:
    for line in text.split("\n"):
        line = line.strip()
        if line:
            if len(line) <= TITLE_MAX:
                return line
            cut = line[:TITLE_MAX].rsplit(" ", 1)[0]
            return cut + "…"
    return ""


def article_from_text(text: str, filename: str, meta: DocumentMeta | None = None) -> Document:
    """Build a document from raw text: newline normalisation, date line, title."""
    text = normalize_newlines(text)
    meta = meta or DocumentMeta()
    match = _DATE_LINE.match(text)
    if match and _valid_date(match.group(1)):
        text = text[match.end() :]
        if not meta.date:
            meta = meta.with_(date=match.group(1))
    if not text.strip():
        raise InputError("the article is empty", filename)
    if not meta.title:
        meta = meta.with_(title=make_title(text))
    if not meta.filename:
        meta = meta.with_(filename=filename)
    return Document(text=text, meta=meta)


def read_txt(path: Path) -> Document:
    data = read_bounded(path)
    return article_from_text(decode_text(data, str(path)), path.name)


def _meta_from_json(value: object, file: str, line: int) -> DocumentMeta:
    if value is None:
        return DocumentMeta()
    if not isinstance(value, dict):
        raise InputError("'meta' must be an object", file, line)
    fields: dict[str, str] = {}
    for name in META_FIELDS:
        if name in value and value[name] is not None:
            if isinstance(value[name], bool) or not isinstance(value[name], str | int | float):
                raise InputError(f"meta.{name} must be a string", file, line)
            try:
                fields[name] = check_string(str(value[name]), f"meta.{name}")
            except InputError as exc:
                raise exc.located(file, line) from None
    if fields.get("date"):  # a full date, a time after it dropped; nothing else after it
        date = date_part(fields["date"])
        if date is None or len(date) != 10:
            raise InputError(f"meta.date {short(fields['date'])} is not a date (YYYY-MM-DD)", file, line)
        fields["date"] = date
    return DocumentMeta(**fields)


def read_jsonl_articles(path: Path) -> list[Document]:
    """Every line a JSON object with ``text`` (and optional ``meta``); all or nothing."""
    docs = read_json_lines(path, lambda obj, number: _article_from_json(obj, path, number))
    if not docs:
        raise InputError("the file holds no article", str(path))
    return docs


def _article_from_json(obj: object, path: Path, number: int) -> Document:
    """The article of one JSONL line."""
    file = str(path)
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, not {_json_type(obj)}", file, number)
    text = obj.get("text", obj.get("data"))
    if not isinstance(text, str):
        raise InputError("missing 'text' (a string)", file, number)
    check_string(text, "'text'")
    meta = _meta_from_json(obj.get("meta"), file, number)
    name = meta.filename or f"{path.name}:{number}"
    try:
        return article_from_text(text, name, meta)
    except InputError as exc:
        raise InputError(exc.reason, file, number) from None


def _json_type(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def iter_article_files(paths: list[Path]) -> Iterator[Path]:
    """Files to import from the given paths; folders are walked recursively in name order."""
    for path in paths:
        if path.is_dir():
            yield from walk_files(path, lambda name: Path(name).suffix in ARTICLE_SUFFIXES)
        elif path.is_file():
            if path.suffix.lower() not in ARTICLE_SUFFIXES:
                raise InputError(
                    f"unsupported file type {path.suffix or '(none)'}: expected .txt or .jsonl",
                    str(path),
                )
            yield path
        elif path.exists():
            raise InputError("not a regular file or folder (a pipe or a device?)", str(path))
        else:
            raise InputError("no such file or folder", str(path))


def read_articles(path: Path) -> list[Document]:
    if path.suffix.lower() == ".jsonl":
        return read_jsonl_articles(path)
    return [read_txt(path)]
