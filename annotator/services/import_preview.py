"""What the import dialog shows before anything is stored: each file read, with its type, its
articles and their details (title, outlet, date, language), for the analyst to check and correct.

The files are read here exactly as ``services/importing.py`` reads them (the same readers, the
same split of pages into articles); the documents read are then handed to ``import_paths`` as
they are, with the analyst's corrections, so what is committed is what the preview showed. A file
that cannot be read is shown with its reason and is not imported; the others still are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError, InputErrors
from annotator.core.model import Document
from annotator.formats.articles import iter_article_files, read_articles
from annotator.formats.lines import date_part
from annotator.nlp.lang import detect_language
from annotator.settings import cache_dir

KINDS = {
    ".txt": "text", ".jsonl": "JSON lines", ".html": "web page", ".htm": "web page",
    ".mhtml": "web archive", ".mht": "web archive", ".pdf": "PDF", ".docx": "Word",
    ".eml": "e-mail", ".rss": "feed", ".atom": "feed", ".xml": "feed",
}
_LANG = re.compile("[a-z]{2,3}")


@dataclass
class PreviewFile:
    """One file as read for the preview: its articles, or why it cannot be imported."""

    path: Path
    kind: str
    documents: list[Document] = field(default_factory=list)
    error: str = ""
    notices: list[str] = field(default_factory=list)


def file_kind(path: Path) -> str:
    return KINDS.get(path.suffix.lower(), path.suffix.lower().lstrip(".") or "file")


def list_files(paths: list[Path]) -> list[Path]:
    """The files an import of ``paths`` would read (folders walked), or InputError."""
    return list(iter_article_files(paths))


def read_preview(path: Path, split_articles: bool = False) -> PreviewFile:
    """Read one file for the preview; languages are detected here, so the analyst sees them."""
    preview = PreviewFile(path, file_kind(path))
    try:
        docs = read_articles(path, preview.notices, split_articles)
    except InputError as exc:
        preview.error = exc.reason
        return preview
    except InputErrors as exc:
        preview.error = "; ".join(str(e) for e in exc.errors[:3])
        return preview
    except OSError as exc:
        preview.error = f"cannot read ({exc.strerror})"
        return preview
    for doc in docs:
        if not doc.meta.lang:
            doc.meta = doc.meta.with_(lang=detect_language(doc.text, cache_dir()))
    preview.documents = docs
    return preview


def read_previews(paths: list[Path], split_articles: bool = False) -> Iterator[PreviewFile]:
    """Every file of ``paths`` read for the preview, one by one (a folder of thousands of files
    is shown as it is read)."""
    for path in list_files(paths):
        yield read_preview(path, split_articles)


def checked_date(value: str) -> str | None:
    """The date the analyst typed as stored (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; empty for
    none), or None when it is no date."""
    if not value.strip():
        return ""
    return date_part(value)


def checked_language(value: str) -> str | None:
    """An ISO 639 code as typed (lower-cased; empty for unknown), or None when it is none."""
    code = value.strip().lower()
    if not code:
        return ""
    return code if _LANG.fullmatch(code) else None
