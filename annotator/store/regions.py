"""Marked regions of documents: repeated lines and boilerplate found at import (core.regions).

A region is stored with its document (``write_regions`` runs inside the transaction that adds
the document, so a file is never half stored), listed for the reading pane, the pre-annotation
filter, agreement and export, and marked or unmarked by the analyst. An unmarked region stays in
the table with ``marked`` false, so that detection run again (``save``) does not mark it anew.
Plain SQLAlchemy Core: the same queries on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Engine, func, insert, select, update

from annotator.core.errors import StoreError
from annotator.core.regions import Region, RegionKind
from annotator.store.rows import DOC
from annotator.store.tables import DocumentRegionRow, utcnow

REGION = DocumentRegionRow.__table__  # type: ignore[attr-defined]
_KINDS = {k.value: k for k in RegionKind}


def write_regions(conn: Connection, rows: Sequence[tuple[int, Region]]) -> None:
    """Insert (document id, region) rows inside the caller's transaction."""
    if not rows:
        return
    now = utcnow()
    conn.execute(
        insert(REGION),
        [
            {"document_id": doc_id, "start": r.start, "end": r.end, "kind": r.kind.value,
             "marked": r.marked, "created_at": now}
            for doc_id, r in rows
        ],
    )


def add_new_regions(conn: Connection, rows: Sequence[tuple[int, Region]]) -> int:
    """Insert the (document id, region) rows whose extent the document does not have yet
    (inside the caller's transaction; an unmarked region stays unmarked); return how many."""
    docs = sorted({doc_id for doc_id, _r in rows})
    known: set[tuple[int, int, int]] = set()
    for i in range(0, len(docs), 500):
        query = select(REGION.c.document_id, REGION.c.start, REGION.c.end).where(
            REGION.c.document_id.in_(docs[i : i + 500])
        )
        known |= {(int(d), int(s), int(e)) for d, s, e in conn.execute(query)}
    new: list[tuple[int, Region]] = []
    for doc_id, r in rows:
        if (doc_id, r.start, r.end) not in known:
            known.add((doc_id, r.start, r.end))
            new.append((doc_id, r))
    write_regions(conn, new)
    return len(new)


def add_regions_on_same_text(
    conn: Connection, rows: Sequence[tuple[int, str, Sequence[Region]]]
) -> int:
    """Store (document id, text hash, regions) rows whose document has that very text (offsets
    into another text would not hold), skipping known extents; return how many were stored."""
    rows = [row for row in rows if row[2]]
    if not rows:
        return 0
    docs = sorted({doc for doc, _sha, _r in rows})
    shas: dict[int, str] = {}
    for i in range(0, len(docs), 500):
        query = select(DOC.c.id, DOC.c.text_sha256).where(DOC.c.id.in_(docs[i : i + 500]))
        shas.update({int(d): str(sha) for d, sha in conn.execute(query)})
    return add_new_regions(
        conn, [(doc, r) for doc, sha, regions in rows if shas.get(doc) == sha for r in regions]
    )


def _region(row: object) -> Region:
    r = row  # (id, start, end, kind, marked)
    return Region(int(r[1]), int(r[2]), _KINDS[r[3]], bool(r[4]), int(r[0]))  # type: ignore[index]


_COLUMNS = (REGION.c.id, REGION.c.start, REGION.c.end, REGION.c.kind, REGION.c.marked)


class RegionRepo:
    """The marked regions of one database's documents (``store.regions``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def of_document(self, doc_id: int) -> list[Region]:
        """The document's regions, marked or not, in text order."""
        query = select(*_COLUMNS).where(REGION.c.document_id == doc_id).order_by(
            REGION.c.start, REGION.c.end
        )
        with self.engine.connect() as conn:
            return [_region(r) for r in conn.execute(query)]

    def of_documents(self, doc_ids: Iterable[int] | None = None) -> dict[int, list[Region]]:
        """document id -> its regions in text order (every document's with None); documents
        without a region are not keys."""
        query = select(REGION.c.document_id, *_COLUMNS).order_by(
            REGION.c.document_id, REGION.c.start, REGION.c.end
        )
        wanted = None if doc_ids is None else sorted(set(doc_ids))
        out: dict[int, list[Region]] = {}
        with self.engine.connect() as conn:
            chunks = [None] if wanted is None else [
                wanted[i : i + 500] for i in range(0, len(wanted), 500)
            ]
            for chunk in chunks:
                q = query if chunk is None else query.where(REGION.c.document_id.in_(chunk))
                for row in conn.execute(q):
                    out.setdefault(int(row[0]), []).append(_region(row[1:]))
        return out

    def marked_ranges(self, doc_ids: Iterable[int] | None = None) -> dict[int, list[tuple[int, int]]]:
        """document id -> (start, end) of its marked regions, in text order."""
        return {
            doc: [(r.start, r.end) for r in regions if r.marked]
            for doc, regions in self.of_documents(doc_ids).items()
            if any(r.marked for r in regions)
        }

    def save(self, doc_id: int, regions: Iterable[Region]) -> list[Region]:
        """Store detected regions of a document, leaving alone those already known (an
        unmarked one stays unmarked); return the document's regions."""
        with self.engine.begin() as conn:
            known = {
                (int(s), int(e))
                for s, e in conn.execute(
                    select(REGION.c.start, REGION.c.end).where(REGION.c.document_id == doc_id)
                )
            }
            text_length = conn.execute(
                select(func.length(DOC.c.text)).where(DOC.c.id == doc_id)
            ).scalar()
            if text_length is None:
                raise StoreError(f"no document {doc_id}")
            new = [(doc_id, r) for r in regions if (r.start, r.end) not in known]
            for _doc, r in new:
                if not 0 <= r.start < r.end <= int(text_length):
                    raise StoreError(
                        f"region {r.start}-{r.end} is outside document {doc_id}"
                        f" ({text_length} characters)"
                    )
            write_regions(conn, new)
        return self.of_document(doc_id)

    def set_marked(self, region_id: int, marked: bool) -> Region:
        """Mark or unmark one region; return it as it is now."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(REGION).where(REGION.c.id == region_id).values(marked=marked)
            ).rowcount
            if not done:
                raise StoreError(f"no region {region_id}")
            row = conn.execute(select(*_COLUMNS).where(REGION.c.id == region_id)).one()
        return _region(row)
