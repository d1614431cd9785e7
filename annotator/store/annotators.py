"""Annotators: the people and models whose spans are stored, each with a unique name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, update

from annotator.core.errors import StoreError
from annotator.core.model import AnnotatorKind
from annotator.store.rows import ANN


@dataclass(frozen=True, slots=True)
class Annotator:
    id: int
    name: str
    kind: AnnotatorKind
    version: str = ""


def ensure_annotator_id(conn: Connection, name: str) -> int:
    """The id of the annotator of that name inside the caller's transaction, created (as a
    person) on first use."""
    found = conn.execute(select(ANN.c.id).where(ANN.c.name == name)).scalar()
    if found is None:
        found = conn.execute(
            insert(ANN).values(name=name, kind=AnnotatorKind.HUMAN.value, version="")
        ).inserted_primary_key[0]  # type: ignore[index]
    return int(found)


class AnnotatorRepo:
    """The annotators of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get_or_create(
        self, name: str, kind: AnnotatorKind = AnnotatorKind.HUMAN, version: str = ""
    ) -> Annotator:
        """The annotator of that name, created on first use."""
        name = name.strip()
        if not name:
            raise StoreError("an annotator needs a name")
        with self.engine.begin() as conn:
            row = conn.execute(select(ANN).where(ANN.c.name == name)).first()
            if row is None:
                new_id = conn.execute(
                    insert(ANN).values(name=name, kind=kind.value, version=version)
                ).inserted_primary_key[0]  # type: ignore[index]
                return Annotator(new_id, name, kind, version)
            if version and row.version != version:
                conn.execute(update(ANN).where(ANN.c.id == row.id).values(version=version))
            return Annotator(row.id, row.name, AnnotatorKind(row.kind), version or row.version)

    def all(self) -> list[Annotator]:
        """Every annotator, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(ANN).order_by(ANN.c.name)).all()
        return [Annotator(r.id, r.name, AnnotatorKind(r.kind), r.version) for r in rows]

    def id_of(self, name: str) -> int | None:
        """The id of the annotator of that name, or None."""
        with self.engine.connect() as conn:
            found = conn.execute(select(ANN.c.id).where(ANN.c.name == name)).scalar()
        return None if found is None else int(found)
