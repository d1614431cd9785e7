"""SQLModel tables: documents, annotators and spans.

Offsets are code points, end exclusive; check constraints keep them a non-empty range. Spans
cascade with their document. Ids use AUTOINCREMENT so that an id is never reused: undo/redo can
restore a deleted span under its own id without ever colliding with a newer one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 1


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("text_sha256", name="uq_document_sha"),
        CheckConstraint("status IN ('todo', 'in_progress', 'done')", name="ck_document_status"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    text: str
    text_sha256: str = Field(index=True)
    title: str = ""
    source: str = ""
    date: str = ""
    lang: str = ""
    url: str = ""
    filename: str = ""
    status: str = "todo"
    created_at: str = Field(default_factory=utcnow)
    updated_at: str = Field(default_factory=utcnow)


class AnnotatorRow(SQLModel, table=True):
    __tablename__ = "annotator"
    __table_args__ = (
        CheckConstraint("kind IN ('human', 'model')", name="ck_annotator_kind"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str = "human"
    version: str = ""


class SpanRow(SQLModel, table=True):
    __tablename__ = "span"
    __table_args__ = (
        CheckConstraint("start >= 0 AND \"end\" > start", name="ck_span_range"),
        CheckConstraint("origin IN ('model', 'manual')", name="ck_span_origin"),
        Index("ix_span_doc_annotator", "document_id", "annotator_id", "start"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id", ondelete="CASCADE")
    start: int
    end: int
    label: str
    origin: str = "manual"
    layer: str = "entity"
    created_at: str = Field(default_factory=utcnow)


class MetaRow(SQLModel, table=True):
    """Key/value facts about the database itself (schema version, creating app version)."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str = ""
