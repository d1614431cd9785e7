"""Annotators' judgments of documents: the status each annotator gave each document they read.

A document an annotator finished with nothing marked is a judgment ("I read it: no entity, no
event here") that spans alone cannot keep. Import stores the status of every record it reads, the
application the status an analyst sets; review and adjudication count a document as part of an
annotator's set when they marked something there or finished it (``docs/AGREEMENT.md``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine, delete, select

from annotator.core.model import Status
from annotator.store.dialect import upsert
from annotator.store.tables import JudgmentRow, utcnow

_JUDGMENT = JudgmentRow.__table__  # type: ignore[attr-defined]


def write_judgments(conn: Connection, rows: Iterable[tuple[int, int, Status]]) -> None:
    """Set (document id, annotator id, status) rows inside the caller's transaction."""
    now = utcnow()
    values = [
        {"document_id": d, "annotator_id": a, "status": Status(s).value, "updated_at": now}
        for d, a, s in rows
    ]
    if not values:
        return
    statement = upsert(conn, _JUDGMENT).values(values)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["document_id", "annotator_id"],
            set_={"status": statement.excluded.status, "updated_at": statement.excluded.updated_at},
        )
    )


class JudgmentRepo:
    """Annotators' statuses of documents (``store.judgments``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def set(self, doc_id: int, annotator_id: int, status: Status | None) -> None:
        """Set (or, with None, remove) one annotator's judgment of one document."""
        with self.engine.begin() as conn:
            if status is None:
                conn.execute(
                    delete(_JUDGMENT).where(
                        (_JUDGMENT.c.document_id == doc_id)
                        & (_JUDGMENT.c.annotator_id == annotator_id)
                    )
                )
            else:
                write_judgments(conn, [(doc_id, annotator_id, status)])

    def get(self, doc_id: int, annotator_id: int) -> Status | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(_JUDGMENT.c.status).where(
                    (_JUDGMENT.c.document_id == doc_id) & (_JUDGMENT.c.annotator_id == annotator_id)
                )
            ).scalar()
        return None if value is None else Status(value)

    def of_annotator(self, annotator_id: int) -> dict[int, Status]:
        """document id -> status, of one annotator."""
        query = select(_JUDGMENT.c.document_id, _JUDGMENT.c.status).where(
            _JUDGMENT.c.annotator_id == annotator_id
        )
        with self.engine.connect() as conn:
            return {int(d): Status(s) for d, s in conn.execute(query)}

    def finished(self, annotator_id: int) -> list[int]:
        """The documents the annotator finished (status done), in id order."""
        return sorted(d for d, s in self.of_annotator(annotator_id).items() if s is Status.DONE)
