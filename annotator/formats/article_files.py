"""What every reader of an article file shares: size caps, dates, paragraphs, the finished document.

Readers of web pages, PDFs, Word files, e-mails and feeds each turn one kind of file into text
and details; this module checks the file's size before anything reads it (a 500 MB file is
refused without being opened), turns the many date forms those files carry into ``YYYY-MM-DD``,
lays paragraphs out one blank line apart, and builds the document the way the plain-text reader
does (newlines normalised, strings checked, title from the first line when none is given). The
stored text is exactly what the analyst will read: all cleaning happens here, at import.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import InputError
from annotator.core.model import Document, DocumentMeta
from annotator.core.text import normalize_newlines
from annotator.formats.lines import MIB, check_string

if TYPE_CHECKING:
    from email.message import EmailMessage

TITLE_MAX = 120
MAX_TEXT_CHARS = 5_000_000
"""The longest text one document may have (a 1,000-page report is about 3 million characters)."""

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def make_title(text: str) -> str:
    """The first non-empty line, cut at a word before ``TITLE_MAX`` characters."""
    for line in text.split("\n"):
        line = line.strip()
        if line:
            if len(line) <= TITLE_MAX:
                return line
            cut = line[:TITLE_MAX].rsplit(" ", 1)[0]
            return cut + "…"
    return ""


def size_label(size: int) -> str:
    return f"{size / MIB:.0f} MiB" if size >= MIB else f"{size} bytes"


def check_size(path: Path, limit: int, kind: str) -> int:
    """The file's size, or InputError naming it if it is over ``limit`` (nothing is read)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", str(path)) from None
    if size > limit:
        raise InputError(
            f"file of {size_label(size)}, larger than the {size_label(limit)} accepted for {kind}",
            str(path),
        )
    return size


def read_mime_message(path: Path, limit: int, kind: str) -> EmailMessage:
    """A MIME message (an e-mail, a web archive) parsed by the standard library, size checked.
    (``email`` is imported here: 11 ms that reading a .txt or .jsonl file does not need.)"""
    import email
    from email import policy
    from email.message import EmailMessage

    check_size(path, limit, kind)
    try:
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle, policy=policy.default)
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", str(path)) from None
    assert isinstance(message, EmailMessage)  # what policy.default makes
    return message


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, read in blocks."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", str(path)) from None


def iso_date(value: object) -> str:
    """``YYYY-MM-DD`` from a date, a datetime or a string starting with one; else ""."""
    if isinstance(value, date):  # a datetime is a date too
        return value.strftime("%Y-%m-%d")
    if isinstance(value, str):
        match = _DATE.match(value.strip())
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
            except ValueError:
                return ""
    return ""


def clean_line(value: str | None) -> str:
    """A one-line detail (title, author, outlet): spaces collapsed, control characters gone."""
    if not value:
        return ""
    value = "".join(ch if ch.isprintable() or ch in " \t\n" else " " for ch in value)
    return _SPACES.sub(" ", value.replace("\n", " ")).strip()


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Paragraphs one blank line apart, each with its inner runs of spaces collapsed."""
    out = []
    for paragraph in paragraphs:
        lines = [_SPACES.sub(" ", line).strip() for line in paragraph.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            out.append(text)
    return "\n\n".join(out)


def finish(text: str, path: Path, meta: DocumentMeta, name: str | None = None) -> Document:
    """The document of an extracted text: checked, newlines normalised, titled and named.

    ``name`` is the document's file name (default: the file's name; a feed names each entry).
    """
    file = str(path)
    text = normalize_newlines(text).strip("\n")
    try:
        check_string(text, "the text")
    except InputError as exc:
        raise exc.located(file) from None
    if not text.strip():
        raise InputError("no text found", file)
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"text of {len(text):,} characters, longer than the {MAX_TEXT_CHARS:,} accepted for one "
            "document; split the file",
            file,
        )
    fields = {k: clean_line(v) for k, v in meta.to_dict().items()}
    fields["date"] = iso_date(fields["date"])
    lang = fields["lang"].split("-")[0].split("_")[0].lower()
    fields["lang"] = lang if lang.isascii() and lang.isalpha() and 2 <= len(lang) <= 3 else ""
    meta = meta.with_(**fields)
    if not meta.title:
        meta = meta.with_(title=make_title(text))
    return Document(text=text, meta=meta.with_(filename=name or meta.filename or path.name))
