"""Rejected suggestions: the (text form, label) pairs the analysts of this database said no to.

Pre-annotation and the suggestion list leave out a suggestion whose text form and label are here,
so a rejection teaches the application at once (``annotator train`` remains the way to improve the
statistical model). The text form is compared with runs of white space made one space; case and
accents count ("US" and "us" are different forms). Plain SQLAlchemy Core, no engine-specific SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Engine, and_, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from annotator.core.errors import StoreError
from annotator.core.text import text_form
from annotator.store.rows import REJECTION
from annotator.store.tables import utcnow


@dataclass(frozen=True, slots=True)
class Rejection:
    text: str
    label: str
    created_at: str = ""


class RejectionRepo:
    """The rejected suggestions of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def all(self) -> list[Rejection]:
        """Every rejection, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(REJECTION.c.text, REJECTION.c.label, REJECTION.c.created_at).order_by(
                    REJECTION.c.id
                )
            ).all()
        return [Rejection(str(r.text), str(r.label), str(r.created_at)) for r in rows]

    def pairs(self) -> set[tuple[str, str]]:
        """{(text form, label)} of every rejection: the set suggestions are filtered with."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(REJECTION.c.text, REJECTION.c.label)).all()
        return {(str(r.text), str(r.label)) for r in rows}

    def add(self, items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Remember (text, label) pairs; return those that were new (what undo must forget)."""
        with self.engine.begin() as conn:
            return remember(conn, items)

    def forget(self, items: Iterable[tuple[str, str]]) -> int:
        """Forget (text, label) pairs; return how many were remembered."""
        with self.engine.begin() as conn:
            return forget(conn, items)



def remember(conn: Connection, items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """``RejectionRepo.add`` in the caller's transaction (a reject deletes its suggestions in
    the same one: ``span_dependents.delete_rejecting``)."""
    wanted = {(text_form(t), label) for t, label in items}
    if any(not t for t, _label in wanted):
        raise StoreError("a rejected suggestion needs a text")
    if not wanted:
        return []
    # One statement: the pairs not remembered yet are inserted and returned, those remembered
    # already (by this analyst earlier, or by another at the same moment) left as they are.
    now = utcnow()
    statement = (
        (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(REJECTION)
        .values([{"text": t, "label": label, "created_at": now} for t, label in sorted(wanted)])
        .on_conflict_do_nothing(index_elements=["text", "label"])
        .returning(REJECTION.c.text, REJECTION.c.label)
    )
    return sorted((str(t), str(label)) for t, label in conn.execute(statement))


def forget(conn: Connection, items: Iterable[tuple[str, str]]) -> int:
    """``RejectionRepo.forget`` in the caller's transaction."""
    wanted = {(text_form(t), label) for t, label in items}
    if not wanted:
        return 0
    return int(conn.execute(delete(REJECTION).where(_match(wanted))).rowcount or 0)


def _match(pairs: set[tuple[str, str]]) -> ColumnElement[bool]:
    return or_(*(and_(REJECTION.c.text == t, REJECTION.c.label == label) for t, label in pairs))
