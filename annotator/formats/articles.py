"""Article readers: which reader takes which file, plain ``.txt`` and ``.jsonl``, and folders.

Plain text is decoded as UTF-8 (a BOM is dropped), newlines are normalised before anything else,
and a first line `` date YYYY-MM-DD`` (as in the sample corpus) becomes the document's date and
is removed from the text. The first non-empty line is the title unless the metadata gives one.
Web pages, PDFs, Word files, e-mails and feeds have a module each (``webpage``, ``pdf``, ``word``,
``email_file``, ``feeds``). Every document remembers the file it came from (absolute path and
SHA-256 of its bytes), and a single-article file takes the details of its sidecar or its folder's
manifest (``sidecar``).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from datetime import date as _date
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import META_FIELDS, Document, DocumentMeta
from annotator.core.text import normalize_newlines
from annotator.formats.article_files import file_sha256, make_title
from annotator.formats.folders import walk_files
from annotator.formats.lines import (
    check_string,
    date_part,
    decode_text,
    read_bounded,
    read_json_lines,
    short,
)
from annotator.formats.sidecar import is_details_file, with_details

ARTICLE_SUFFIXES = (
    ".txt", ".jsonl", ".html", ".htm", ".mhtml", ".mht", ".pdf", ".docx", ".eml", ".rss", ".atom",
    ".xml",
)
SUFFIX_LIST = ", ".join(ARTICLE_SUFFIXES)
_DATE_LINE = re.compile(r"^[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|$)")


def _valid_date(value: str) -> bool:
    try:
        _date.fromisoformat(value)
    except ValueError:
        return False
    return True


def article_from_text(
    text: str, filename: str, meta: DocumentMeta | None = None, origin: dict[str, str] | None = None
) -> Document:
    """Build a document from raw text: newline normalisation, date line, title; ``origin``:
    the original file's path and hash, given with the rest (see ``read_articles``)."""
    text = normalize_newlines(text)
    meta = meta or DocumentMeta()
    changes: dict[str, str] = dict(origin) if origin else {}  # one new DocumentMeta for all
    match = _DATE_LINE.match(text)
    if match and _valid_date(match.group(1)):
        text = text[match.end() :]
        if not meta.date:
            changes["date"] = match.group(1)
    if not text.strip():
        raise InputError("the article is empty", filename)
    if not meta.title:
        changes["title"] = make_title(text)
    if not meta.filename:
        changes["filename"] = filename
    return Document(text=text, meta=meta.with_(**changes) if changes else meta)


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


def read_jsonl_articles(path: Path, origin: dict[str, str] | None = None) -> list[Document]:
    """Every line a JSON object with ``text`` (and optional ``meta``); all or nothing.
    ``origin``: the original file's path and hash, for each article's details."""
    docs = read_json_lines(path, lambda obj, number: _article_from_json(obj, path, number, origin))
    if not docs:
        raise InputError("the file holds no article", str(path))
    return docs


def _article_from_json(
    obj: object, path: Path, number: int, origin: dict[str, str] | None = None
) -> Document:
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
        doc = article_from_text(text, name, meta, origin)
        # A native export's marked regions, kept when the text is stored as it is written.
        if obj.get("regions") is not None and doc.text == text:
            # (the native format's module, with the actor, event and framing types, is
            # imported for the files that have regions: 18 ms that most imports do not need)
            from annotator.formats.native import regions_from_json

            doc.regions = regions_from_json(obj["regions"], text)
    except InputError as exc:
        raise InputError(exc.reason, file, number) from None
    return doc


def _json_type(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def iter_article_files(paths: list[Path]) -> Iterator[Path]:
    """Files to import from the given paths; folders are walked recursively in name order."""
    for path in paths:
        if path.is_dir():
            yield from (
                child
                for child in walk_files(path, lambda name: Path(name).suffix in ARTICLE_SUFFIXES)
                if not is_details_file(child) and not _in_page_assets(child, path)
            )
        elif path.is_file():
            if path.suffix.lower() not in ARTICLE_SUFFIXES:
                raise InputError(
                    f"unsupported file type {path.suffix or '(none)'}: expected one of {SUFFIX_LIST}",
                    str(path),
                )
            yield path
        elif path.exists():
            raise InputError("not a regular file or folder (a pipe or a device?)", str(path))
        else:
            raise InputError("no such file or folder", str(path))


def _in_page_assets(child: Path, root: Path) -> bool:
    """Whether ``child`` lies in the folder a browser saves beside a page ("Web page, complete":
    ``Article.html`` and ``Article_files/`` with its scripts, styles and ad frames), which holds
    no article of its own."""
    folder = child.parent
    while folder != root and root in folder.parents:
        if folder.name.endswith("_files"):
            stem = folder.name[: -len("_files")]
            if any((folder.parent / f"{stem}{ext}").is_file() for ext in (".html", ".htm")):
                return True
        folder = folder.parent
    return False


def _readers(split: bool) -> dict[str, Callable[[Path, list[str]], list[Document]]]:
    """Suffix -> reader; each reader's module (and its library: lxml, pypdf, ...) is imported
    only when a file needs it (all of them cost some 30 ms, which a .jsonl import does not
    need: docs/PERFORMANCE.md, import)."""

    def module(name: str) -> Any:
        return importlib.import_module(f"annotator.formats.{name}")

    return {
        ".txt": lambda p, _n: [read_txt(p)],
        ".jsonl": lambda p, _n: read_jsonl_articles(p),
        ".html": lambda p, n: module("webpage").read_html(p, split, n),
        ".htm": lambda p, n: module("webpage").read_html(p, split, n),
        ".mhtml": lambda p, n: module("webpage").read_mhtml(p, split, n),
        ".mht": lambda p, n: module("webpage").read_mhtml(p, split, n),
        ".pdf": lambda p, _n: [module("pdf").read_pdf(p)],
        ".docx": lambda p, _n: [module("word").read_docx(p)],
        ".eml": lambda p, _n: [module("email_file").read_eml(p)],
        ".rss": lambda p, n: module("feeds").read_feed(p, n),
        ".atom": lambda p, n: module("feeds").read_feed(p, n),
        ".xml": lambda p, n: module("feeds").read_feed(p, n),
    }


def read_articles(
    path: Path, notices: list[str] | None = None, split_articles: bool = False
) -> list[Document]:
    """The documents of one file, each with its original file's path and hash; a single-article
    file takes its sidecar's or manifest's details. ``notices`` gathers what was left out (a
    feed's entries past the cap). ``split_articles``: a web page of several ``<article>``s gives
    one document each."""
    suffix = path.suffix.lower()
    reader = _readers(split_articles).get(suffix)
    if reader is None:
        raise InputError(
            f"unsupported file type {suffix or '(none)'}: expected one of {SUFFIX_LIST}", str(path)
        )
    if suffix == ".jsonl":  # the origin given as each article is made (one DocumentMeta each)
        return read_jsonl_articles(
            path, {"original_path": str(path.resolve()), "original_sha256": file_sha256(path)}
        )
    docs = reader(path, notices if notices is not None else [])
    origin = {"original_path": str(path.resolve()), "original_sha256": file_sha256(path)}
    if len(docs) == 1:
        docs[0].meta = with_details(docs[0].meta, path)
    for doc in docs:
        doc.meta = doc.meta.with_(**origin)
    return docs
