"""Framing: an annotator's frame assessment of a document (frames present, primary and headline
frame, tone and its target, actor roles) and the evidence passages marked for it.

Evidence is not a table of its own: it is the annotator's spans on the evidence layers
(``EVIDENCE_LAYERS``), read here with the assessment. ``suggested_by`` (schema 5) is stored and read
back as it is: which model a confirmed framing came from is decided in ``core/framing.py``.
Every public method is one short transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, delete, insert, select

from annotator.core.errors import StoreError
from annotator.core.framing import EVIDENCE_LAYERS, ActorRole, FrameAssessment
from annotator.store.rows import (
    DOC,
    FRAME,
    PRESENT,
    ROLE,
    SPAN,
    mark_in_progress,
    mark_todo,
)
from annotator.store.tables import utcnow


def _evidence(conn: Connection, doc_id: int, annotator_id: int) -> tuple[int, ...]:
    return tuple(
        conn.execute(
            select(SPAN.c.id)
            .where(
                (SPAN.c.document_id == doc_id)
                & (SPAN.c.annotator_id == annotator_id)
                & SPAN.c.layer.in_(EVIDENCE_LAYERS)
            )
            .order_by(SPAN.c.start, SPAN.c.end, SPAN.c.id)
        ).scalars()
    )


def _has_assessment(conn: Connection, doc_id: int, annotator_id: int) -> bool:
    query = select(FRAME.c.id).where((FRAME.c.document_id == doc_id) & (FRAME.c.annotator_id == annotator_id))
    return conn.execute(query).first() is not None


def load_frames(conn: Connection, doc_id: int, annotator_id: int) -> FrameAssessment | None:
    """The annotator's assessment of a document with its evidence span ids, or None."""
    row = conn.execute(
        select(FRAME).where((FRAME.c.document_id == doc_id) & (FRAME.c.annotator_id == annotator_id))
    ).first()
    evidence = _evidence(conn, doc_id, annotator_id)
    if row is None:
        return FrameAssessment(evidence=evidence) if evidence else None
    frames = tuple(
        conn.execute(
            select(PRESENT.c.dimension)
            .where(PRESENT.c.assessment_id == row.id)
            .order_by(PRESENT.c.position, PRESENT.c.dimension)
        ).scalars()
    )
    roles = tuple(
        ActorRole(r.actor_id, r.role)
        for r in conn.execute(
            select(ROLE).where(ROLE.c.assessment_id == row.id).order_by(ROLE.c.actor_id)
        )
    )
    return FrameAssessment(
        frames=frames,
        primary=row.primary_frame,
        headline=row.headline_frame,
        tone=row.tone,
        tone_target=row.tone_target_actor_id,
        roles=roles,
        evidence=evidence,
        suggested_by=row.suggested_by,
    )


def write_frames(
    conn: Connection, doc_id: int, annotator_id: int, assessment: FrameAssessment | None
) -> None:
    conn.execute(
        delete(FRAME).where((FRAME.c.document_id == doc_id) & (FRAME.c.annotator_id == annotator_id))
    )
    if assessment is None:
        return
    new_id = conn.execute(
        insert(FRAME).values(
            document_id=doc_id,
            annotator_id=annotator_id,
            primary_frame=assessment.primary,
            headline_frame=assessment.headline,
            tone=assessment.tone,
            tone_target_actor_id=assessment.tone_target,
            updated_at=utcnow(),
            suggested_by=assessment.suggested_by,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    if assessment.frames:
        conn.execute(
            insert(PRESENT),
            [
                {"assessment_id": new_id, "dimension": d, "position": i}
                for i, d in enumerate(assessment.frames)
            ],
        )
    if assessment.roles:
        conn.execute(
            insert(ROLE),
            [{"assessment_id": new_id, "actor_id": r.actor_id, "role": r.role} for r in assessment.roles],
        )


class FramingRepo:
    """The frame assessments of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, doc_id: int, annotator_id: int) -> FrameAssessment | None:
        """The annotator's frame assessment of a document (with evidence span ids), or None."""
        with self.engine.connect() as conn:
            return load_frames(conn, doc_id, annotator_id)

    def has_assessment(self, doc_id: int, annotator_id: int) -> bool:
        with self.engine.connect() as conn:
            return _has_assessment(conn, doc_id, annotator_id)

    def framed_document_ids(self, annotator_id: int) -> list[int]:
        """Documents the annotator has a frame assessment of, in id order."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(FRAME.c.document_id)
                    .where(FRAME.c.annotator_id == annotator_id)
                    .order_by(FRAME.c.document_id)
                ).scalars()
            )

    def save(
        self,
        doc_id: int,
        annotator_id: int,
        assessment: FrameAssessment | None,
        back_to_todo: bool = False,
    ) -> tuple[FrameAssessment | None, bool]:
        """Replace the annotator's frame assessment (None removes it) in one transaction.
        Returns the assessment as it was (None if there was none) and whether a 'to do'
        document became 'in progress'; ``back_to_todo`` (for undo) makes it 'to do' again."""
        with self.engine.begin() as conn:
            if conn.execute(select(DOC.c.id).where(DOC.c.id == doc_id)).first() is None:
                raise StoreError(f"no document with id {doc_id}")
            old = None
            if _has_assessment(conn, doc_id, annotator_id):
                old = load_frames(conn, doc_id, annotator_id)
            write_frames(conn, doc_id, annotator_id, assessment)
            was_todo = False
            if back_to_todo:
                mark_todo(conn, doc_id)
            elif assessment is not None:
                was_todo = mark_in_progress(conn, doc_id)
        return old, was_todo
