"""Documents: their texts, metadata and status, and the document list.

Every public method is one short transaction. Updates of what several instances may edit at once
(metadata, status) are compare-and-set (see ``update_meta``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, insert, select, text, update

from annotator.core.errors import ConflictError, StoreError
from annotator.core.model import Document, DocumentMeta, DocumentSummary, Span, Status
from annotator.store.dialect import driver_sql, is_postgres, one_of, raw_cursor
from annotator.store.fulltext import indexed_in_bulk
from annotator.store.regions import write_regions
from annotator.store.rows import (
    DOC,
    SPAN,
    column_default,
    document_of,
    meta_of,
    span_values,
)
from annotator.store.sqlite_plain import meta_columns
from annotator.store.tables import utcnow

# The metadata columns, in the order ``meta_columns`` gives their values.
_META_NAMES = list(meta_columns(DocumentMeta()))

# The document list's rows with the analyst's counts; {where}: which documents (or all). The
# suggestions counted are the model's spans she has not made hers, outside marked regions (the
# reading pane shows none there).
_SUMMARIES = """
    SELECT d.id, d.title, d.source, d.lang, d.date, d.status, d.filename,
      (SELECT count(*) FROM span s WHERE s.document_id = d.id
         AND s.annotator_id = :ann) AS n_spans,
      (SELECT count(*) FROM span s JOIN annotator a ON a.id = s.annotator_id
         WHERE s.document_id = d.id AND a.kind = 'model'
         AND NOT EXISTS (SELECT 1 FROM span h WHERE h.document_id = d.id
             AND h.annotator_id = :ann AND h.start = s.start AND h."end" = s."end")
         AND NOT EXISTS (SELECT 1 FROM document_region r WHERE r.document_id = d.id
             AND r.marked AND r.start < s."end" AND s.start < r."end"))
         AS n_suggestions
    FROM document d {where} ORDER BY d.id
"""


class DocumentRepo:
    """The documents of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def id_by_sha(self, sha256: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(DOC.c.id).where(DOC.c.text_sha256 == sha256)).scalar()

    def existing_shas(self, shas: Iterable[str]) -> dict[str, int]:
        shas = list(shas)
        found: dict[str, int] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(shas), 500):
                chunk = shas[i : i + 500]
                for row in conn.execute(
                    select(DOC.c.text_sha256, DOC.c.id).where(DOC.c.text_sha256.in_(chunk))
                ):
                    found[row.text_sha256] = row.id
        return found

    def add(
        self,
        documents: Sequence[Document],
        spans: Sequence[tuple[int, int, Sequence[Span]]] = (),
    ) -> list[int]:
        """Insert documents and their spans in one transaction: everything or nothing.

        ``spans`` holds (index into ``documents``, annotator id, spans of that document).
        """
        now = utcnow()
        ids: list[int] = []
        with self.engine.begin() as conn:
            if documents:
                with indexed_in_bulk(conn, len(documents)):
                    ids = self._insert_documents(conn, documents, now)
            rows = [
                span_values(ids[index], annotator_id, span, now)
                for index, annotator_id, doc_spans in spans
                for span in doc_spans
            ]
            if rows:
                conn.execute(insert(SPAN), rows)
            # The regions found at import (core.regions), in the same transaction.
            write_regions(conn, [(i, r) for i, doc in zip(ids, documents, strict=True) for r in doc.regions])
        for doc, new_id in zip(documents, ids, strict=True):
            doc.id = new_id
        return ids

    @staticmethod
    def _insert_documents(conn: Any, documents: Sequence[Document], now: str) -> list[int]:
        """Insert in one ``executemany`` inside the caller's transaction; return the new ids.

        One statement for the lot, not one per document: an import of 100,000 short texts spent
        most of its time building SQLAlchemy statements (see bench/, "import"). Each row is one
        tuple built in one expression (columns the documents do not give take their default,
        worked out once). The new ids are read back by text hash (unique), among the rows past
        the largest id seen before, as plain driver rows.
        """
        before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM document").scalar()
        given = ["text", "text_sha256", "status", "created_at", "updated_at", *_META_NAMES]
        others = [c for c in DOC.columns if c.name != "id" and c.name not in given]
        defaults = tuple(column_default(c) for c in others)
        rows = [
            (doc.text, doc.sha256, doc.status.value, now, now,
             *meta_columns(doc.meta).values(), *defaults)
            for doc in documents
        ]
        names = ", ".join(f'"{name}"' for name in [*given, *(c.name for c in others)])
        marks = ", ".join("?" for _ in range(len(given) + len(others)))
        # Through SQLAlchemy, so that a duplicate text becomes DuplicateDocumentError (engine.py).
        # Column names come from the table definition; every value is a bound parameter.
        sql = f"INSERT INTO document ({names}) VALUES ({marks})"  # safe-sql: table's own columns
        conn.exec_driver_sql(driver_sql(conn, sql), rows)
        wanted = {doc.sha256 for doc in documents}
        found = {
            sha: doc_id
            for doc_id, sha in raw_cursor(
                conn, "SELECT id, text_sha256 FROM document WHERE id > ?", (before,)
            ).fetchall()
            if sha in wanted
        }
        return [found[doc.sha256] for doc in documents]

    def get(self, doc_id: int) -> Document:
        with self.engine.connect() as conn:
            row = conn.execute(select(DOC).where(DOC.c.id == doc_id)).first()
        if row is None:
            raise StoreError(f"no document with id {doc_id}")
        return document_of(row)

    def details(self, doc_id: int) -> tuple[DocumentMeta, Status]:
        """A document's details and status without its text (``get`` reads the text too, a
        megabyte for a long article: over a server connection that is felt on a click)."""
        columns = [column for column in DOC.c if column.name != "text"]
        with self.engine.connect() as conn:
            row = conn.execute(select(*columns).where(DOC.c.id == doc_id)).first()
        if row is None:
            raise StoreError(f"no document with id {doc_id}")
        return meta_of(row), Status(row.status)

    def status(self, doc_id: int) -> Status:
        """A document's status alone (``get`` reads its whole text, a megabyte for a long
        article: over a server connection that is felt on every click that asks)."""
        with self.engine.connect() as conn:
            found = conn.execute(select(DOC.c.status).where(DOC.c.id == doc_id)).scalar()
        if found is None:
            raise StoreError(f"no document with id {doc_id}")
        return Status(found)

    def many(self, doc_ids: Sequence[int]) -> list[Document]:
        """The documents with these ids (those that exist), in id order, in one query."""
        with self.engine.connect() as conn:
            if is_postgres(conn):
                cursor = raw_cursor(
                    conn, "SELECT * FROM document WHERE id = ANY(?) ORDER BY id", (list(doc_ids),)
                )
            else:
                cursor = raw_cursor(
                    conn,
                    "SELECT * FROM document WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                    (json.dumps(list(doc_ids)),),
                )
            # Plain driver rows: SQLAlchemy's row objects cost more than the query here.
            names = [d[0] for d in cursor.description]
            rows = [SimpleNamespace(**dict(zip(names, r, strict=True))) for r in cursor.fetchall()]
        return [document_of(r) for r in rows]

    def ids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(DOC.c.id).order_by(DOC.c.id)).scalars())

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM document")).scalar() or 0)

    def listing(self) -> list[tuple[int, str, str, str, str, str, str]]:
        """(id, title, source, lang, date, status, filename) of every document, in id order.

        The light part of the document list, in one query of plain tuples: on a corpus of
        100,000 documents it is read in a fraction of a second and held in a few tens of MB;
        the span counts of ``summaries`` are asked for only for the rows on screen.
        """
        with self.engine.connect() as conn:
            return raw_cursor(
                conn, "SELECT id, title, source, lang, date, status, filename FROM document ORDER BY id"
            ).fetchall()

    def summaries(
        self, annotator_id: int | None = None, doc_ids: Sequence[int] | None = None
    ) -> list[DocumentSummary]:
        """The document list (or some of its rows), with counts for ``annotator_id``: the
        annotator's spans and the model suggestions still pending for them."""
        params: dict[str, object] = {"ann": annotator_id if annotator_id is not None else -1}
        where = "" if doc_ids is None else "WHERE " + one_of(self.engine, "d.id", "ids", doc_ids, params)
        sql = text(_SUMMARIES.format(where=where))
        with self.engine.connect() as conn:
            rows = conn.execute(sql, params).all()
        return [
            DocumentSummary(
                id=r.id,
                title=r.title,
                source=r.source,
                lang=r.lang,
                date=r.date,
                status=Status(r.status),
                filename=r.filename,
                n_spans=r.n_spans,
                n_suggestions=r.n_suggestions,
            )
            for r in rows
        ]

    # Updates of what several instances may edit at once take the value the caller last saw
    # (``expected``) and change the row only if it still holds it: a compare-and-set in one
    # UPDATE statement. Otherwise another instance changed it since, and ConflictError asks for a
    # refresh instead of silently overwriting the newer work. Comparing values (not timestamps)
    # needs no extra column and no clock agreement between machines.

    @staticmethod
    def _missing_or_conflict(conn: Any, doc_id: int, what: str) -> StoreError:
        exists = conn.execute(select(DOC.c.id).where(DOC.c.id == doc_id)).first()
        if exists is None:
            return StoreError(f"no document with id {doc_id}")
        return ConflictError(
            f"the {what} of document {doc_id} changed in another window or instance since you "
            "opened it; refresh to see the newer version, then edit again"
        )

    def update_meta(
        self, doc_id: int, meta: DocumentMeta, expected: DocumentMeta | None = None
    ) -> None:
        """Set a document's metadata; with ``expected``, only if it still has that metadata."""
        query = update(DOC).where(DOC.c.id == doc_id)
        if expected is not None:
            for name, value in meta_columns(expected).items():
                query = query.where(DOC.c[name] == value)
        with self.engine.begin() as conn:
            result = conn.execute(query.values(updated_at=utcnow(), **meta_columns(meta)))
            if result.rowcount != 1:
                raise self._missing_or_conflict(conn, doc_id, "details")

    def set_status(self, doc_id: int, status: Status, expected: Status | None = None) -> None:
        """Set a document's status; with ``expected``, only if it still has that status."""
        query = update(DOC).where(DOC.c.id == doc_id)
        if expected is not None:
            query = query.where(DOC.c.status == expected.value)
        with self.engine.begin() as conn:
            result = conn.execute(query.values(status=status.value, updated_at=utcnow()))
            if result.rowcount != 1:
                raise self._missing_or_conflict(conn, doc_id, "status")


    def iter_texts(self, batch: int = 500) -> Iterator[tuple[int, str, str]]:
        """(id, title, text) of every document in id order, read in batches."""
        last_id = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(DOC.c.id, DOC.c.title, DOC.c.text)
                    .where(DOC.c.id > last_id)
                    .order_by(DOC.c.id)
                    .limit(batch)
                ).all()
            if not rows:
                return
            for r in rows:
                yield r.id, r.title, r.text
            last_id = rows[-1].id

