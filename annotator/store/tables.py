"""SQLModel tables: documents, annotators and spans; actors, events and framing (schema 2).

Offsets are code points, end exclusive; check constraints keep them a non-empty range. Spans
cascade with their document. Ids use AUTOINCREMENT so that an id is never reused: undo/redo can
restore a deleted span under its own id without ever colliding with a newer one.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from annotator.store.sqlite_plain import utcnow

SCHEMA_VERSION = 5  # 2: actors, events, framing; 3: author and original file; 4: judgments and
# rejected suggestions; 5: marked regions, span attributes, where a framing was suggested from
# (engine.MIGRATIONS)


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
    # schema 3: who wrote it, and the file it was extracted from (absolute path, SHA-256 of bytes).
    # With a default in the table too, so that a row inserted by an older statement is valid.
    author: str = Field(default="", sa_column_kwargs={"server_default": ""})
    original_path: str = Field(default="", sa_column_kwargs={"server_default": ""})
    original_sha256: str = Field(default="", sa_column_kwargs={"server_default": ""})
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


# -- schema 2: the analyst's annotation model (actors, events, framing) ---------------------------
# Actors are shared by all documents and annotators; events and frame assessments belong to one
# document and one annotator. Deleting a span drops what hangs on it (its actor link, the event it
# triggers, the arguments it fills); an actor still referenced cannot be deleted (merge it instead).


class ActorRow(SQLModel, table=True):
    __tablename__ = "actor"
    __table_args__ = (
        UniqueConstraint("uid", name="uq_actor_uid"),
        CheckConstraint("length(trim(name)) > 0", name="ck_actor_name"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str  # stable across databases and exports
    name: str = Field(index=True)
    kind: str = "other"
    country: str = ""
    sector: str = ""
    wikidata: str = ""
    notes: str = ""
    created_at: str = Field(default_factory=utcnow)
    updated_at: str = Field(default_factory=utcnow)


class ActorAliasRow(SQLModel, table=True):
    __tablename__ = "actor_alias"
    __table_args__ = (
        UniqueConstraint("actor_id", "alias", name="uq_actor_alias"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", ondelete="CASCADE", index=True)
    alias: str
    position: int = 0


class ActorMentionRow(SQLModel, table=True):
    """A span that names a canonical actor."""

    __tablename__ = "actor_mention"

    span_id: int = Field(primary_key=True, foreign_key="span.id", ondelete="CASCADE")
    actor_id: int = Field(foreign_key="actor.id", ondelete="RESTRICT", index=True)


class EventRow(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("trigger_span_id", name="uq_event_trigger"),
        Index("ix_event_doc_annotator", "document_id", "annotator_id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id", ondelete="CASCADE")
    trigger_span_id: int = Field(foreign_key="span.id", ondelete="CASCADE")
    category: str
    mode: str = ""
    context: str = ""
    cameo: str = ""
    date: str = ""
    factuality: str = "asserted"
    created_at: str = Field(default_factory=utcnow)
    updated_at: str = Field(default_factory=utcnow)


class EventArgumentRow(SQLModel, table=True):
    """One argument of an event (role "source" holds who reports it): an actor or a span."""

    __tablename__ = "event_argument"
    __table_args__ = (
        CheckConstraint(
            "(actor_id IS NULL) <> (span_id IS NULL)", name="ck_event_argument_ref"
        ),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    role: str
    actor_id: int | None = Field(
        default=None, foreign_key="actor.id", ondelete="RESTRICT", index=True
    )
    span_id: int | None = Field(default=None, foreign_key="span.id", ondelete="CASCADE", index=True)
    position: int = 0


class FrameAssessmentRow(SQLModel, table=True):
    __tablename__ = "frame_assessment"
    __table_args__ = (
        UniqueConstraint("document_id", "annotator_id", name="uq_frame_doc_annotator"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id", ondelete="CASCADE")
    primary_frame: str = ""
    headline_frame: str = ""
    tone: str = ""
    tone_target_actor_id: int | None = Field(
        default=None, foreign_key="actor.id", ondelete="RESTRICT", index=True
    )
    updated_at: str = Field(default_factory=utcnow)
    # schema 5: the trained model whose suggestion the annotator confirmed ("" when they coded the
    # document by hand). The assessment is the annotator's own either way.
    suggested_by: str = Field(default="", sa_column_kwargs={"server_default": ""})


class FramePresentRow(SQLModel, table=True):
    __tablename__ = "frame_present"

    assessment_id: int = Field(
        primary_key=True, foreign_key="frame_assessment.id", ondelete="CASCADE"
    )
    dimension: str = Field(primary_key=True)
    position: int = 0


class FrameActorRoleRow(SQLModel, table=True):
    __tablename__ = "frame_actor_role"

    assessment_id: int = Field(
        primary_key=True, foreign_key="frame_assessment.id", ondelete="CASCADE"
    )
    actor_id: int = Field(primary_key=True, foreign_key="actor.id", ondelete="RESTRICT", index=True)
    role: str


class JudgmentRow(SQLModel, table=True):
    """How far one annotator got with one document: their status of it. A document an annotator
    finished without marking anything is their judgment "nothing here", kept by this row (an
    annotation set is otherwise only what has spans or framing). Schema version 4
    (``store/migration_v4.py`` adds it, empty, to older databases)."""

    __tablename__ = "judgment"
    __table_args__ = (
        CheckConstraint("status IN ('todo', 'in_progress', 'done')", name="ck_judgment_status"),
    )

    document_id: int = Field(primary_key=True, foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(
        primary_key=True, foreign_key="annotator.id", ondelete="CASCADE", index=True
    )
    status: str = "done"
    updated_at: str = Field(default_factory=utcnow)


# -- rejected suggestions (schema 4: migration_v4.py, migration_rejections.py) -----------------
# What the analysts of this database rejected: a text form with a label is not suggested again.


class SuggestionRejectionRow(SQLModel, table=True):
    """A (text form, label) pair an analyst rejected as a suggestion."""

    __tablename__ = "suggestion_rejection"
    __table_args__ = (
        UniqueConstraint("text", "label", name="uq_suggestion_rejection"),
        CheckConstraint("length(trim(text)) > 0", name="ck_suggestion_rejection_text"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    text: str
    label: str
    created_at: str = Field(default_factory=utcnow)


# -- schema 5 (migration_v5.py) --------------------------------------------------------------------


class DocumentRegionRow(SQLModel, table=True):
    """A stretch of a document's text found at import to be no part of the article: a line
    repeated from earlier in the text (a caption printed three times) or a site's boilerplate
    (a sign-off, "get in touch"). The text itself is never changed; a marked region is greyed in
    the reading pane and skipped by pre-annotation and agreement. ``marked`` is false once an
    analyst has unmarked it, so that detection run again does not mark it anew."""

    __tablename__ = "document_region"
    __table_args__ = (
        CheckConstraint("start >= 0 AND \"end\" > start", name="ck_region_range"),
        CheckConstraint("kind IN ('repeated', 'boilerplate')", name="ck_region_kind"),
        UniqueConstraint("document_id", "start", "end", name="uq_region_extent"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    start: int
    end: int
    kind: str
    marked: bool = True
    created_at: str = Field(default_factory=utcnow)


class SpanAttributeRow(SQLModel, table=True):
    """A named value carried by a span: another tool's attribute (brat's ``A1 Negated T1``) or
    note (``#1 AnnotatorNotes T1 ...``, under the key ``note``), kept with the span it
    describes."""

    __tablename__ = "span_attribute"
    __table_args__ = (CheckConstraint("length(key) > 0", name="ck_span_attribute_key"),)

    span_id: int = Field(primary_key=True, foreign_key="span.id", ondelete="CASCADE")
    key: str = Field(primary_key=True)
    value: str = ""
