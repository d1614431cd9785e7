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

from annotator.core.errors import InputError, InputErrors
from annotator.core.model import META_FIELDS, Document, DocumentMeta
from annotator.core.text import normalize_newlines
from annotator.formats.lines import check_string, iter_lines, parse_json, read_bounded

ARTICLE_SUFFIXES = (".txt", ".jsonl")
TITLE_MAX = 120
_DATE_LINE = re.compile(r"^[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|$)")


def decode_text(data: bytes, file: str, line: int | None = None) -> str:
    """UTF-8 (with or without BOM) to str, with a clear error naming the first bad byte.

    ``line`` is the line ``data`` comes from; when None (a whole file), the error names the line
    of the bad byte.
    """
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
    if fields.get("date") and not _valid_date(fields["date"][:10]):
        raise InputError(f"meta.date {fields['date']!r} is not a date (YYYY-MM-DD)", file, line)
    if fields.get("date"):
        fields["date"] = fields["date"][:10]
    return DocumentMeta(**fields)


def read_jsonl_articles(path: Path) -> list[Document]:
    """Every line a JSON object with ``text`` (and optional ``meta``); all or nothing."""
    file = str(path)
    docs: list[Document] = []
    errors: list[InputError] = []
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", file) from None
    with handle:
        try:
            for number, raw in iter_lines(handle, file):
                try:
                    doc = _article_from_line(raw, path, number)
                except InputError as exc:
                    errors.append(exc.located(file, number))
                    if len(errors) >= 100:
                        break
                    continue
                if doc is not None:
                    docs.append(doc)
        except InputError as exc:  # a line over the size limit: stop reading there
            errors.append(exc)
    if errors:
        raise InputErrors(errors)
    if not docs:
        raise InputError("the file holds no article", file)
    return docs


def _article_from_line(raw: bytes, path: Path, number: int) -> Document | None:
    """The article of one JSONL line, None for a blank line."""
    file = str(path)
    line = decode_text(raw, file, number).strip()
    if not line:
        return None
    obj = parse_json(line, file, number)
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
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in ARTICLE_SUFFIXES
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                ):
                    yield child
        elif path.is_file():
            if path.suffix.lower() not in ARTICLE_SUFFIXES:
                raise InputError(
                    f"unsupported file type {path.suffix or '(none)'}: expected .txt or .jsonl",
                    str(path),
                )
            yield path
        else:
            raise InputError("no such file or folder", str(path))


def read_articles(path: Path) -> list[Document]:
    if path.suffix.lower() == ".jsonl":
        return read_jsonl_articles(path)
    return [read_txt(path)]
