"""Documents and annotation records: the objects every layer passes around.

Spans (``Span``, ``Origin``) are defined in ``core.spans``, below the events and documents that
hold them, and re-exported here, where every layer imports them from. A record holds the analysis
layer too (actors, events, framing), so this module sits above ``core.actors``, ``core.events``
and ``core.framing``; none of those imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from annotator.core.regions import Region
from annotator.core.spans import Origin, Span
from annotator.core.text import sha256_text

if TYPE_CHECKING:  # annotations only: importing this module need not load the schema
    from annotator.core.actors import Actor
    from annotator.core.events import Event, Link
    from annotator.core.framing import FrameAssessment

__all__ = [
    "META_FIELDS",
    "AnnotationRecord",
    "AnnotatorKind",
    "Document",
    "DocumentMeta",
    "DocumentSummary",
    "Origin",
    "Span",
    "Status",
]


class Status(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def title(self) -> str:  # type: ignore[override]  # the status's words, not str.title()
        return {"todo": "To do", "in_progress": "In progress", "done": "Done"}[self.value]


class AnnotatorKind(StrEnum):
    HUMAN = "human"
    MODEL = "model"


META_FIELDS = ("title", "source", "date", "lang", "url", "filename", "author")
"""The details that travel with a document in every format (``DocumentMeta.to_dict``)."""


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    title: str = ""
    source: str = ""
    date: str = ""  # ISO 8601 (YYYY-MM-DD) or empty
    lang: str = ""  # ISO 639-1 code or empty
    url: str = ""
    filename: str = ""
    author: str = ""
    # Where the text was imported from: the original file's absolute path and the SHA-256 of its
    # bytes (the stored text may be an extract of it: a web page's article, a PDF's text). Kept
    # in the database, not in exports: a path on the analyst's machine means nothing elsewhere.
    original_path: str = ""
    original_sha256: str = ""

    def to_dict(self) -> dict[str, str]:
        # Spelled out (in META_FIELDS order): an export calls this once per record.
        return {
            "title": self.title, "source": self.source, "date": self.date, "lang": self.lang,
            "url": self.url, "filename": self.filename, "author": self.author,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentMeta:
        return cls(**{k: str(data[k]) if data.get(k) is not None else "" for k in META_FIELDS if k in data})

    def with_(self, **changes: str) -> DocumentMeta:
        # Not dataclasses.replace, which looks the fields up on every call (10 µs): an import
        # of 10,000 texts calls this 20,000 times or more (docs/PERFORMANCE.md, import).
        values = {name: getattr(self, name) for name in _META_NAMES}
        values.update(changes)
        return DocumentMeta(**values)


_META_NAMES = tuple(f.name for f in fields(DocumentMeta))


@dataclass(slots=True)
class Document:
    text: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    status: Status = Status.TODO
    id: int | None = None
    sha256: str = ""
    # Repeated lines and boilerplate found at import (core.regions), stored with the document.
    regions: tuple[Region, ...] = ()

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = sha256_text(self.text)


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One row of the document list."""

    id: int
    title: str
    source: str
    lang: str
    date: str
    status: Status
    filename: str
    n_spans: int  # spans made or confirmed by people
    n_suggestions: int  # model suggestions not yet confirmed


@dataclass(slots=True)
class AnnotationRecord:
    """One document as annotated by one annotator: the unit of the native JSONL format."""

    text: str
    meta: DocumentMeta
    annotator: str | None
    status: Status
    spans: list[Span] = field(default_factory=list)
    text_sha256: str = ""
    # The analysis layer (native format 2). Ids inside a record are record-scoped: span ids are
    # those of ``spans``, actor ids those of ``actors``; ``mentions`` maps span id -> actor id.
    actors: list[Actor] = field(default_factory=list)
    mentions: dict[int, int] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    frames: FrameAssessment | None = None
    # Another tool's attributes and notes of a span (brat ``A``/``M``/``#`` lines): span id ->
    # {key: value}; a note is under the key ``note``, a flag has the value "".
    attributes: dict[int, dict[str, str]] = field(default_factory=dict)
    regions: tuple[Region, ...] = ()  # the document's marked and unmarked regions
    # Relations between spans read from another tool's file, not yet events (``core.events.Link``):
    # the import turns those with an event at one end into arguments, and names the others.
    links: list[Link] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.text_sha256:
            self.text_sha256 = sha256_text(self.text)
