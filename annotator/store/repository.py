"""Repository functions: core objects in, core objects out, one short transaction per call.

The GUI and the CLI never write SQL; they call services, which call this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text, update

from annotator.core.errors import ConflictError, StoreError
from annotator.core.model import (
    AnnotationRecord,
    AnnotatorKind,
    Document,
    DocumentMeta,
    DocumentSummary,
    Origin,
    Span,
    Status,
)
from annotator.store.engine import open_engine
from annotator.store.tables import (
    AnnotatorRow,
    DocumentRow,
    FrameAssessmentRow,
    SpanRow,
    utcnow,
)

_DOC = DocumentRow.__table__  # type: ignore[attr-defined]
_ANN = AnnotatorRow.__table__  # type: ignore[attr-defined]
_SPAN = SpanRow.__table__  # type: ignore[attr-defined]
_FRAME = FrameAssessmentRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Annotator:
    id: int
    name: str
    kind: AnnotatorKind
    version: str = ""


def _meta_columns(meta: DocumentMeta) -> dict[str, str]:
    return meta.to_dict()


def _document(row: object) -> Document:
    return Document(
        text=row.text,  # type: ignore[attr-defined]
        meta=DocumentMeta(
            title=row.title,  # type: ignore[attr-defined]
            source=row.source,  # type: ignore[attr-defined]
            date=row.date,  # type: ignore[attr-defined]
            lang=row.lang,  # type: ignore[attr-defined]
            url=row.url,  # type: ignore[attr-defined]
            filename=row.filename,  # type: ignore[attr-defined]
        ),
        status=Status(row.status),  # type: ignore[attr-defined]
        id=row.id,  # type: ignore[attr-defined]
        sha256=row.text_sha256,  # type: ignore[attr-defined]
    )


_ORIGINS = {origin.value: origin for origin in Origin}


def _column_default(column: Any) -> object:
    """The Python-side default of a column (a value, or a function of no argument)."""
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)
    return default.arg
_span_order = attrgetter("start", "end", "id")


def _span(row: object, annotator: str = "") -> Span:
    return Span(
        start=row.start,  # type: ignore[attr-defined]
        end=row.end,  # type: ignore[attr-defined]
        label=row.label,  # type: ignore[attr-defined]
        origin=_ORIGINS[row.origin],  # type: ignore[attr-defined]
        layer=row.layer,  # type: ignore[attr-defined]
        id=row.id,  # type: ignore[attr-defined]
        annotator=annotator,
    )


class Store:
    """One annotation database file."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        """Open the file; ``read_only``: for commands that only read (see engine.open_engine)."""
        self.path = Path(path)
        self.engine: Engine = open_engine(self.path, read_only=read_only)

    def close(self) -> None:
        self.engine.dispose()

    # -- annotators -------------------------------------------------------------------------

    def annotator(self, name: str, kind: AnnotatorKind = AnnotatorKind.HUMAN, version: str = "") -> Annotator:
        """The annotator of that name, created on first use."""
        name = name.strip()
        if not name:
            raise StoreError("an annotator needs a name")
        with self.engine.begin() as conn:
            row = conn.execute(select(_ANN).where(_ANN.c.name == name)).first()
            if row is None:
                new_id = conn.execute(
                    insert(_ANN).values(name=name, kind=kind.value, version=version)
                ).inserted_primary_key[0]
                return Annotator(new_id, name, kind, version)
            if version and row.version != version:
                conn.execute(update(_ANN).where(_ANN.c.id == row.id).values(version=version))
            return Annotator(row.id, row.name, AnnotatorKind(row.kind), version or row.version)

    def annotators(self) -> list[Annotator]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(_ANN).order_by(_ANN.c.name)).all()
        return [Annotator(r.id, r.name, AnnotatorKind(r.kind), r.version) for r in rows]

    # -- documents --------------------------------------------------------------------------

    def document_id_by_sha(self, sha256: str) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(_DOC.c.id).where(_DOC.c.text_sha256 == sha256)).scalar()

    def existing_shas(self, shas: Iterable[str]) -> dict[str, int]:
        shas = list(shas)
        found: dict[str, int] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(shas), 500):
                chunk = shas[i : i + 500]
                for row in conn.execute(
                    select(_DOC.c.text_sha256, _DOC.c.id).where(_DOC.c.text_sha256.in_(chunk))
                ):
                    found[row.text_sha256] = row.id
        return found

    def add_documents(
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
                ids = self._insert_documents(conn, documents, now)
            rows = [
                self._span_values(ids[index], annotator_id, span, now)
                for index, annotator_id, doc_spans in spans
                for span in doc_spans
            ]
            if rows:
                conn.execute(insert(_SPAN), rows)
        for doc, new_id in zip(documents, ids, strict=True):
            doc.id = new_id
        return ids

    @staticmethod
    def _insert_documents(conn: Any, documents: Sequence[Document], now: str) -> list[int]:
        """Insert in one ``executemany`` inside the caller's transaction; return the new ids.

        One statement for the lot, not one per document: an import of 100,000 short texts spent
        most of its time building SQLAlchemy statements (see bench/, "import"). The new ids are
        read back by text hash (unique), among the rows past the largest id seen before.
        """
        before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM document").scalar()
        columns = [c for c in _DOC.columns if c.name != "id"]
        rows = []
        for doc in documents:
            values: dict[str, object] = {
                "text": doc.text, "text_sha256": doc.sha256, "status": doc.status.value,
                "created_at": now, "updated_at": now, **_meta_columns(doc.meta),
            }
            rows.append(tuple(
                values[c.name] if c.name in values else _column_default(c) for c in columns
            ))
        names = ", ".join(f'"{c.name}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        # Through SQLAlchemy, so that a duplicate text becomes DuplicateDocumentError (engine.py).
        # Column names come from the table definition; every value is a bound parameter.
        sql = f"INSERT INTO document ({names}) VALUES ({marks})"  # safe-sql: table's own columns
        conn.exec_driver_sql(sql, rows)
        wanted = {doc.sha256 for doc in documents}
        found = {
            sha: doc_id
            for doc_id, sha in conn.exec_driver_sql(
                "SELECT id, text_sha256 FROM document WHERE id > ?", (before,)
            )
            if sha in wanted
        }
        return [found[doc.sha256] for doc in documents]

    def get_document(self, doc_id: int) -> Document:
        with self.engine.connect() as conn:
            row = conn.execute(select(_DOC).where(_DOC.c.id == doc_id)).first()
        if row is None:
            raise StoreError(f"no document with id {doc_id}")
        return _document(row)

    def documents(self, doc_ids: Sequence[int]) -> list[Document]:
        """The documents with these ids (those that exist), in id order, in one query."""
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            cursor = raw.execute(
                "SELECT * FROM document WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                (json.dumps(list(doc_ids)),),
            )
            # Plain sqlite3 rows: SQLAlchemy's row objects cost more than the query here.
            names = [d[0] for d in cursor.description]
            rows = [SimpleNamespace(**dict(zip(names, r, strict=True))) for r in cursor.fetchall()]
        return [_document(r) for r in rows]

    def spans_by_document(self, doc_ids: Sequence[int], annotator_id: int) -> dict[int, list[Span]]:
        """One annotator's spans in each of these documents (ordered as ``spans``), in one query."""
        out: dict[int, list[Span]] = {}
        with self.engine.connect() as conn:
            name = conn.execute(select(_ANN.c.name).where(_ANN.c.id == annotator_id)).scalar() or ""
            raw = conn.connection.dbapi_connection
            assert raw is not None
            rows = raw.execute(
                'SELECT document_id, id, start, "end", label, origin, layer FROM span'
                " WHERE annotator_id = ? AND document_id IN (SELECT value FROM json_each(?))"
                ' ORDER BY document_id, start, "end", id',
                (annotator_id, json.dumps(list(doc_ids))),
            ).fetchall()
        origins = _ORIGINS
        for r in rows:
            out.setdefault(r[0], []).append(Span(r[2], r[3], r[4], origins[r[5]], r[6], r[1], name))
        return out

    def document_ids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(_DOC.c.id).order_by(_DOC.c.id)).scalars())

    def count_documents(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM document")).scalar() or 0)

    def document_listing(self) -> list[tuple[int, str, str, str, str, str, str]]:
        """(id, title, source, lang, date, status, filename) of every document, in id order.

        The light part of the document list, in one query of plain tuples: on a corpus of
        100,000 documents it is read in a fraction of a second and held in a few tens of MB;
        the span counts of ``summaries`` are asked for only for the rows on screen.
        """
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            return raw.execute(
                "SELECT id, title, source, lang, date, status, filename FROM document ORDER BY id"
            ).fetchall()

    def summaries(
        self, annotator_id: int | None = None, doc_ids: Sequence[int] | None = None
    ) -> list[DocumentSummary]:
        """The document list (or some of its rows), with counts for ``annotator_id``: the
        annotator's spans and the model suggestions still pending for them."""
        sql = text(
            """
            SELECT d.id, d.title, d.source, d.lang, d.date, d.status, d.filename,
              (SELECT count(*) FROM span s WHERE s.document_id = d.id
                 AND s.annotator_id = :ann) AS n_spans,
              (SELECT count(*) FROM span s JOIN annotator a ON a.id = s.annotator_id
                 WHERE s.document_id = d.id AND a.kind = 'model'
                 AND NOT EXISTS (SELECT 1 FROM span h WHERE h.document_id = d.id
                     AND h.annotator_id = :ann AND h.start = s.start AND h."end" = s."end"))
                 AS n_suggestions
            FROM document d {where} ORDER BY d.id
            """.format(where="WHERE d.id IN (SELECT value FROM json_each(:ids))" if doc_ids is not None else "")
        )
        params: dict[str, object] = {"ann": annotator_id if annotator_id is not None else -1}
        if doc_ids is not None:
            params["ids"] = json.dumps(list(doc_ids))
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
        exists = conn.execute(select(_DOC.c.id).where(_DOC.c.id == doc_id)).first()
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
        query = update(_DOC).where(_DOC.c.id == doc_id)
        if expected is not None:
            for name, value in _meta_columns(expected).items():
                query = query.where(_DOC.c[name] == value)
        with self.engine.begin() as conn:
            result = conn.execute(query.values(updated_at=utcnow(), **_meta_columns(meta)))
            if result.rowcount != 1:
                raise self._missing_or_conflict(conn, doc_id, "details")

    def set_status(self, doc_id: int, status: Status, expected: Status | None = None) -> None:
        """Set a document's status; with ``expected``, only if it still has that status."""
        query = update(_DOC).where(_DOC.c.id == doc_id)
        if expected is not None:
            query = query.where(_DOC.c.status == expected.value)
        with self.engine.begin() as conn:
            result = conn.execute(query.values(status=status.value, updated_at=utcnow()))
            if result.rowcount != 1:
                raise self._missing_or_conflict(conn, doc_id, "status")

    # -- spans ------------------------------------------------------------------------------

    @staticmethod
    def _span_values(doc_id: int, annotator_id: int, span: Span, now: str) -> dict[str, object]:
        values: dict[str, object] = {
            "document_id": doc_id,
            "annotator_id": annotator_id,
            "start": span.start,
            "end": span.end,
            "label": span.label,
            "origin": span.origin.value,
            "layer": span.layer,
            "created_at": now,
        }
        if span.id is not None:
            values["id"] = span.id
        return values

    def spans(
        self,
        doc_id: int,
        annotator_id: int | None = None,
        kind: AnnotatorKind | None = None,
        starting: tuple[int, int] | None = None,
    ) -> list[Span]:
        """Spans of a document, by one annotator or by every annotator of one kind, ordered by
        (start, end, id); with ``starting=(a, b)`` only those that start in ``[a, b)``.

        Plain SQL and positional rows: a long article has tens of thousands of spans, and the
        reading pane reloads the ones an edit touched while the analyst waits.
        """
        sql = [
            'SELECT s.id, s.start, s."end", s.label, s.origin, s.layer, a.name FROM span s'
            " JOIN annotator a ON a.id = s.annotator_id WHERE s.document_id = ?"
        ]
        params: list[object] = [doc_id]
        if annotator_id is not None:
            sql.append("AND s.annotator_id = ?")
            params.append(annotator_id)
        if kind is not None:
            # As a list of annotators, so that the (document, annotator, start) index serves.
            sql.append("AND s.annotator_id IN (SELECT id FROM annotator WHERE kind = ?)")
            params.append(kind.value)
        if starting is not None:
            sql.append("AND s.start >= ? AND s.start < ?")
            params += [starting[0], starting[1]]
        sql.append('ORDER BY s.start, s."end", s.id')
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(" ".join(sql), tuple(params)).all()
        origins = _ORIGINS
        return [Span(r[1], r[2], r[3], origins[r[4]], r[5], r[0], r[6]) for r in rows]

    def span_extent(self, span_ids: Sequence[int]) -> tuple[int, int] | None:
        """The smallest range ``(start, end)`` that holds the given spans (None if none exist)."""
        if not span_ids:
            return None
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql(
                'SELECT min(start), max("end") FROM span WHERE id IN (SELECT value FROM json_each(?))',
                (json.dumps(list(span_ids)),),
            ).one()
        return None if row[0] is None else (int(row[0]), int(row[1]))

    def add_spans(self, doc_id: int, annotator_id: int, spans: Sequence[Span]) -> list[Span]:
        """Store spans (keeping their ids when given) in one transaction; return them with ids."""
        if not spans:
            return []
        with self.engine.begin() as conn:
            return self._insert_spans(conn, doc_id, annotator_id, spans)

    def _insert_spans(
        self, conn: Any, doc_id: int, annotator_id: int, spans: Sequence[Span]
    ) -> list[Span]:
        """Insert spans inside the caller's transaction, checking them against the text."""
        now = utcnow()
        length = conn.execute(
            text("SELECT length(text) FROM document WHERE id = :id"), {"id": doc_id}
        ).scalar()
        if length is None:
            raise StoreError(f"no document with id {doc_id}")
        stored: list[Span] = []
        for span in spans:
            if span.end > length:
                raise StoreError(
                    f"span {span.start}-{span.end} ends after the text ({length} characters)"
                )
            new_id = conn.execute(
                insert(_SPAN).values(**self._span_values(doc_id, annotator_id, span, now))
            ).inserted_primary_key[0]
            stored.append(span.with_(id=new_id))
        return stored

    def delete_spans(self, span_ids: Sequence[int]) -> list[tuple[int, int, Span]]:
        """Delete spans; return what was deleted as (document id, annotator id, span)."""
        if not span_ids:
            return []
        with self.engine.begin() as conn:
            rows = conn.execute(select(_SPAN).where(_SPAN.c.id.in_(list(span_ids)))).all()
            if len(rows) != len(set(span_ids)):
                missing = set(span_ids) - {r.id for r in rows}
                raise StoreError(f"no span with id {sorted(missing)}")
            result = conn.execute(delete(_SPAN).where(_SPAN.c.id.in_(list(span_ids))))
            if result.rowcount != len(rows):
                # Another instance deleted some of them between the read and the delete.
                raise ConflictError("some of these spans were just deleted elsewhere; refresh")
        return [(r.document_id, r.annotator_id, _span(r)) for r in rows]

    def relabel_span(self, span_id: int, label: str, expected: str | None = None) -> str:
        """Give a span another label; return the label it had.

        With ``expected``, only if the span still has that label (else ConflictError).
        """
        with self.engine.begin() as conn:
            old = conn.execute(select(_SPAN.c.label).where(_SPAN.c.id == span_id)).scalar()
            if old is None:
                raise StoreError(f"no span with id {span_id}")
            query = update(_SPAN).where(_SPAN.c.id == span_id)
            query = query.where(_SPAN.c.label == (old if expected is None else expected))
            if conn.execute(query.values(label=label)).rowcount != 1:
                raise ConflictError(
                    f"span {span_id} was relabelled elsewhere since you saw it "
                    f"(it is now {old!r}); refresh"
                )
        return str(old)

    def touch(self, doc_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(_DOC).where(_DOC.c.id == doc_id).values(updated_at=utcnow()))

    # -- annotation sets: import and adjudication ------------------------------------------

    def iter_document_texts(self, batch: int = 500) -> Iterator[tuple[int, str, str]]:
        """(id, title, text) of every document in id order, read in batches."""
        last_id = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(_DOC.c.id, _DOC.c.title, _DOC.c.text)
                    .where(_DOC.c.id > last_id)
                    .order_by(_DOC.c.id)
                    .limit(batch)
                ).all()
            if not rows:
                return
            for r in rows:
                yield r.id, r.title, r.text
            last_id = rows[-1].id

    def annotated_document_ids(self, annotator_id: int) -> list[int]:
        """Documents in which the annotator has at least one span, in id order."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(_SPAN.c.document_id)
                    .where(_SPAN.c.annotator_id == annotator_id)
                    .distinct()
                    .order_by(_SPAN.c.document_id)
                ).scalars()
            )

    def import_annotation_sets(
        self,
        documents: Sequence[Document],
        sets: Sequence[tuple[str, int | None, int | None, Sequence[Span]]],
        after: Callable[[Any, list[tuple[int, int]]], None] | None = None,
    ) -> tuple[list[int], int]:
        """Store annotators' span sets, and the new documents they need, in one transaction.

        ``sets`` holds (annotator name, existing document id or None, index into ``documents``
        or None, spans). On an existing document the annotator's previous spans are replaced.
        ``after`` runs inside the transaction once the spans are stored, with the connection and
        (document id, annotator id) of each set, to store what hangs on them (actors, events).
        Returns the new documents' ids and how many earlier spans were replaced.
        """
        now = utcnow()
        ids: list[int] = []
        replaced = 0
        with self.engine.begin() as conn:
            annotator_ids: dict[str, int] = {}
            for name, _doc_id, _index, _spans in sets:
                if name in annotator_ids:
                    continue
                found = conn.execute(select(_ANN.c.id).where(_ANN.c.name == name)).scalar()
                if found is None:
                    found = conn.execute(
                        insert(_ANN).values(name=name, kind=AnnotatorKind.HUMAN.value, version="")
                    ).inserted_primary_key[0]
                annotator_ids[name] = int(found)
            for doc in documents:
                new_id = conn.execute(
                    insert(_DOC).values(
                        text=doc.text,
                        text_sha256=doc.sha256,
                        status=doc.status.value,
                        created_at=now,
                        updated_at=now,
                        **_meta_columns(doc.meta),
                    )
                ).inserted_primary_key[0]
                ids.append(new_id)
            rows: list[dict[str, object]] = []
            owners: list[tuple[int, int]] = []
            for name, doc_id, index, spans in sets:
                annotator_id = annotator_ids[name]
                if doc_id is None:
                    if index is None:
                        raise StoreError("an annotation set needs a document")
                    doc_id = ids[index]
                else:
                    replaced += conn.execute(
                        delete(_SPAN).where(
                            (_SPAN.c.document_id == doc_id) & (_SPAN.c.annotator_id == annotator_id)
                        )
                    ).rowcount
                owners.append((doc_id, annotator_id))
                rows += [
                    self._span_values(doc_id, annotator_id, span.with_(id=None), now)
                    for span in spans
                ]
            if rows:
                conn.execute(insert(_SPAN), rows)
            if after is not None:
                after(conn, owners)
        for doc, new_id in zip(documents, ids, strict=True):
            doc.id = new_id
        return ids, replaced

    def replace_spans(
        self, doc_id: int, annotator_id: int, remove_ids: Sequence[int], add: Sequence[Span]
    ) -> tuple[list[tuple[int, int, Span]], list[Span]]:
        """Delete spans and add others to one document in one transaction.

        Added spans keep their ids when given (undo restores a span under its own id). Returns
        what was deleted, as (document id, annotator id, span), and the added spans with ids.
        """
        with self.engine.begin() as conn:
            deleted: Sequence[Any] = []
            if remove_ids:
                deleted = conn.execute(select(_SPAN).where(_SPAN.c.id.in_(list(remove_ids)))).all()
                if len(deleted) != len(set(remove_ids)):
                    missing = set(remove_ids) - {r.id for r in deleted}
                    raise StoreError(f"no span with id {sorted(missing)}")
                conn.execute(delete(_SPAN).where(_SPAN.c.id.in_(list(remove_ids))))
            stored = self._insert_spans(conn, doc_id, annotator_id, add)
        return [(r.document_id, r.annotator_id, _span(r)) for r in deleted], stored

    # -- export -----------------------------------------------------------------------------

    def iter_records(
        self,
        annotator: str | None = None,
        status: Status | None = None,
        batch: int = 2000,
    ) -> Iterator[AnnotationRecord]:
        """Every (document, annotator) pair with spans, in document order, streamed in batches.

        A document nobody has annotated yet gives one record with ``annotator`` None and no
        spans, unless an annotator is asked for.
        """
        ann_id: int | None = None
        if annotator is not None:
            with self.engine.connect() as conn:
                ann_id = conn.execute(select(_ANN.c.id).where(_ANN.c.name == annotator)).scalar()
            if ann_id is None:
                raise StoreError(f"no annotator named {annotator!r} in {self.path}")
        # Plain SQL and positional rows: an export of 100,000 documents builds each record once
        # and nothing else (see bench/, "export").
        doc_sql = (
            "SELECT id, text, text_sha256, title, source, date, lang, url, filename, status"
            " FROM document WHERE id > ?" + (" AND status = ?" if status is not None else "")
            + " ORDER BY id LIMIT ?"
        )
        only = " AND {t}.annotator_id = ?" if ann_id is not None else ""
        # No join and no sort in SQL: annotators' names come from a dict, the (document,
        # annotator, start) index gives the order (ties on start come by id: the few groups that
        # have them are sorted by end below), and groups are sorted by name when yielded.
        span_sql = (
            'SELECT s.document_id, s.annotator_id, s.id, s.start, s."end", s.label, s.origin,'
            " s.layer FROM span s WHERE s.document_id BETWEEN ? AND ?" + only.format(t="s")
            + " ORDER BY s.document_id, s.annotator_id, s.start"
        )
        frame_sql = (
            "SELECT f.document_id, a.name FROM frame_assessment f"
            " JOIN annotator a ON a.id = f.annotator_id"
            " WHERE f.document_id BETWEEN ? AND ?" + only.format(t="f")
        )
        origins, statuses = _ORIGINS, {s.value: s for s in Status}
        names = {a.id: a.name for a in self.annotators()}
        last_id = 0
        while True:
            params: tuple[object, ...] = (last_id, status.value, batch) if status else (last_id, batch)
            with self.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                assert raw is not None
                docs = raw.execute(doc_sql, params).fetchall()
                if not docs:
                    return
                bounds: tuple[object, ...] = (docs[0][0], docs[-1][0])
                if ann_id is not None:
                    bounds += (ann_id,)
                by_doc: dict[int, dict[str, list[Span]]] = {}
                tied: list[list[Span]] = []
                group: list[Span] = []
                name = ""
                last_doc = last_ann = last_start = -1
                for r in raw.execute(span_sql, bounds).fetchall():
                    doc, ann, start = r[0], r[1], r[3]
                    if doc != last_doc or ann != last_ann:
                        name = names[ann]
                        group = by_doc.setdefault(doc, {}).setdefault(name, [])
                        last_doc, last_ann = doc, ann
                    elif start == last_start and (not tied or tied[-1] is not group):
                        tied.append(group)
                    last_start = start
                    group.append(Span(start, r[4], r[5], origins[r[6]], r[7], r[2], name))
                for group in tied:
                    group.sort(key=_span_order)
                # An annotator may have framed a document without marking any span.
                for r in raw.execute(frame_sql, bounds).fetchall():
                    by_doc.setdefault(r[0], {}).setdefault(r[1], [])
            for d in docs:
                meta = DocumentMeta(d[3], d[4], d[5], d[6], d[7], d[8])
                groups = by_doc.get(d[0], {})
                if not groups and annotator is None:
                    groups = {"": []}
                for name, spans in sorted(groups.items()):
                    yield AnnotationRecord(
                        text=d[1],
                        meta=meta,
                        annotator=name or None,
                        status=statuses[d[9]],
                        spans=spans,
                        text_sha256=d[2],
                    )
            last_id = docs[-1][0]
