"""Spans: the marked ranges of a document's text, each by one annotator, read and edited.

Offsets are code points into the document's text, end exclusive. Every public method is one
short transaction; what hangs on a span (actor links, events) is the business of
``mentions.py``, ``events.py`` and ``span_dependents.py``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Engine, select, text, update

from annotator.core.errors import ConflictError, StoreError
from annotator.core.model import AnnotatorKind, Span, Status
from annotator.core.regions import Region, RegionKind
from annotator.store.dialect import any_of, driver_sql, is_postgres, one_of, raw_cursor
from annotator.store.rows import (
    ANN,
    ORIGINS,
    SPAN,
    delete_spans,
    insert_spans,
    insert_spans_status,
    mark_in_progress,
    mark_todo,
    span_of,
)


class SpanRepo:
    """The spans of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def in_document(
        self,
        doc_id: int,
        annotator_id: int | None = None,
        kind: AnnotatorKind | None = None,
        starting: tuple[int, int] | None = None,
        starts: Collection[int] | None = None,
        labels: Collection[str] | None = None,
    ) -> list[Span]:
        """Spans of a document, by one annotator or by every annotator of one kind, ordered by
        (start, end, id); with ``starting=(a, b)`` only those that start in ``[a, b)``; with
        ``starts``, only those starting at one of these offsets; with ``labels``, only those
        with one of these labels.

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
        if starts is not None:
            where, param = any_of(self.engine, "s.start", sorted(set(starts)))
            sql.append("AND " + where)
            params.append(param)
        if labels is not None:
            where, param = any_of(self.engine, "s.label", sorted(set(labels)))
            sql.append("AND " + where)
            params.append(param)
        sql.append('ORDER BY s.start, s."end", s.id')
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(driver_sql(conn, " ".join(sql)), tuple(params)).all()
        origins = ORIGINS
        return [Span(r[1], r[2], r[3], origins[r[4]], r[5], r[0], r[6]) for r in rows]

    def own_and_model(
        self,
        doc_id: int,
        annotator_id: int,
        starting: tuple[int, int] | None = None,
        starts: Sequence[int] | None = None,
    ) -> tuple[list[Span], list[Span]]:
        """``in_document(doc_id, annotator_id, starting=…)`` and ``in_document(doc_id,
        kind=MODEL, starting=…)`` in one query: what the reading pane shows after each click
        (the analyst's spans and the suggestions' source), one round trip to a server. With
        ``starts``, only the spans starting at one of these offsets (those a reject changes)."""
        own, model, _regions = self._own_model_marked(doc_id, annotator_id, starting, starts, False)
        return own, model

    def own_model_and_marked(
        self,
        doc_id: int,
        annotator_id: int,
        starting: tuple[int, int] | None = None,
        starts: Sequence[int] | None = None,
    ) -> tuple[list[Span], list[Span], list[Region]]:
        """``own_and_model`` and the document's marked regions (``RegionRepo.of_document``,
        only the marked ones), still in one query: the suggestions among the model's spans are
        those outside them, and a server is asked once."""
        return self._own_model_marked(doc_id, annotator_id, starting, starts, True)

    def _own_model_marked(
        self,
        doc_id: int,
        annotator_id: int,
        starting: tuple[int, int] | None,
        starts: Sequence[int] | None,
        regions: bool,
    ) -> tuple[list[Span], list[Span], list[Region]]:
        where = "s.document_id = ? {} "
        params: list[object] = [doc_id, annotator_id]
        if starting is not None:
            where += " AND s.start >= ? AND s.start < ?"
            params += [starting[0], starting[1]]
        if starts is not None:
            at, param = any_of(self.engine, "s.start", sorted(set(starts)))
            where += " AND " + at
            params.append(param)
        model_params = [doc_id, AnnotatorKind.MODEL.value, *params[2:]]
        columns = 'SELECT {}, s.id, s.start, s."end", s.label, s.origin, s.layer, a.name FROM span s'
        join = " JOIN annotator a ON a.id = s.annotator_id WHERE "
        # Each half as ``in_document`` reads it, so that the (document, annotator, start)
        # index serves both; ordered as there within each half.
        sql = (
            columns.format(0) + join + where.format("AND s.annotator_id = ?")
            + " UNION ALL "
            + columns.format(1) + join
            + where.format("AND s.annotator_id IN (SELECT id FROM annotator WHERE kind = ?)")
        )
        region_params: list[object] = []
        if regions:
            sql += (
                ' UNION ALL SELECT 2, r.id, r.start, r."end", r.kind, NULL, NULL, NULL'
                " FROM document_region r WHERE r.document_id = ? AND r.marked = ?"
            )
            region_params = [doc_id, True]
        sql += " ORDER BY 1, 3, 4, 2"
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                driver_sql(conn, sql), (*params, *model_params, *region_params)
            ).all()
        origins = ORIGINS
        own: list[Span] = []
        model: list[Span] = []
        marked: list[Region] = []
        for r in rows:
            if r[0] == 2:
                marked.append(Region(r[2], r[3], RegionKind(r[4]), True, r[1]))
            else:
                (model if r[0] else own).append(
                    Span(r[2], r[3], r[4], origins[r[5]], r[6], r[1], r[7])
                )
        return own, model, marked

    def extent(self, span_ids: Sequence[int]) -> tuple[int, int] | None:
        """The smallest range ``(start, end)`` that holds the given spans (None if none exist)."""
        if not span_ids:
            return None
        params: dict[str, object] = {}
        where = one_of(self.engine, "id", "ids", span_ids, params)
        with self.engine.connect() as conn:
            row = conn.execute(
                text(f'SELECT min(start), max("end") FROM span WHERE {where}'), params  # safe-sql: ours
            ).one()
        return None if row[0] is None else (int(row[0]), int(row[1]))

    def add(self, doc_id: int, annotator_id: int, spans: Sequence[Span]) -> list[Span]:
        """Store spans (keeping their ids when given) in one transaction; return them with ids."""
        if not spans:
            return []
        with self.engine.begin() as conn:
            return insert_spans(conn, doc_id, annotator_id, spans)

    def add_starting(
        self, doc_id: int, annotator_id: int, spans: Sequence[Span], start: bool = True
    ) -> tuple[list[Span], bool]:
        """``add``, and with ``start`` a document still 'to do' becomes 'in progress' in the same
        transaction (the analyst began on it); the spans with ids, and whether it did."""
        with self.engine.begin() as conn:
            stored, status = insert_spans_status(conn, doc_id, annotator_id, spans)
            # (read by the insert: no statement more when it is no longer 'to do')
            return stored, start and status is Status.TODO and mark_in_progress(conn, doc_id)

    def delete(self, span_ids: Sequence[int]) -> list[tuple[int, int, Span]]:
        """Delete spans; return what was deleted as (document id, annotator id, span)."""
        if not span_ids:
            return []
        with self.engine.begin() as conn:
            rows = delete_spans(conn, span_ids)
        return [(r.document_id, r.annotator_id, span_of(r)) for r in rows]

    def delete_restarting(self, doc_id: int, span_ids: Sequence[int], restart: bool) -> bool:
        """Undo of ``add_starting``: delete the spans and, with ``restart``, put the document
        back to 'to do' in the same transaction, unless another instance has set its status
        since (it is no longer 'in progress': theirs is the newer decision). Whether it did."""
        with self.engine.begin() as conn:
            if span_ids:
                delete_spans(conn, span_ids)
            return restart and mark_todo(conn, doc_id, only_if=Status.IN_PROGRESS)

    def relabel(self, span_id: int, label: str, expected: str | None = None) -> str:
        """Give a span another label; return the label it had.

        With ``expected``, only if the span still has that label (else ConflictError).
        """
        with self.engine.begin() as conn:
            old = conn.execute(select(SPAN.c.label).where(SPAN.c.id == span_id)).scalar()
            if old is None:
                raise StoreError(f"no span with id {span_id}")
            query = update(SPAN).where(SPAN.c.id == span_id)
            query = query.where(SPAN.c.label == (old if expected is None else expected))
            if conn.execute(query.values(label=label)).rowcount != 1:
                raise ConflictError(
                    f"span {span_id} was relabelled elsewhere since you saw it "
                    f"(it is now {old!r}); refresh"
                )
        return str(old)

    def by_document(self, doc_ids: Sequence[int], annotator_id: int) -> dict[int, list[Span]]:
        """One annotator's spans in each of these documents (ordered as ``in_document``), in one query."""
        out: dict[int, list[Span]] = {}
        with self.engine.connect() as conn:
            name = conn.execute(select(ANN.c.name).where(ANN.c.id == annotator_id)).scalar() or ""
            columns = 'SELECT document_id, id, start, "end", label, origin, layer FROM span'
            order = ' ORDER BY document_id, start, "end", id'
            if is_postgres(conn):
                sql = columns + " WHERE annotator_id = ? AND document_id = ANY(?)" + order
                ids: object = list(doc_ids)
            else:
                sql = (columns + " WHERE annotator_id = ?"
                       " AND document_id IN (SELECT value FROM json_each(?))" + order)
                ids = json.dumps(list(doc_ids))
            rows = raw_cursor(conn, sql, (annotator_id, ids)).fetchall()
        origins = ORIGINS
        for r in rows:
            out.setdefault(r[0], []).append(Span(r[2], r[3], r[4], origins[r[5]], r[6], r[1], name))
        return out

    def annotated_document_ids(self, annotator_id: int) -> list[int]:
        """Documents in which the annotator has at least one span, in id order."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(SPAN.c.document_id)
                    .where(SPAN.c.annotator_id == annotator_id)
                    .distinct()
                    .order_by(SPAN.c.document_id)
                ).scalars()
            )

    def replace(
        self, doc_id: int, annotator_id: int, remove_ids: Sequence[int], add: Sequence[Span]
    ) -> tuple[list[tuple[int, int, Span]], list[Span]]:
        """Delete spans and add others to one document in one transaction.

        Added spans keep their ids when given (undo restores a span under its own id). Returns
        what was deleted, as (document id, annotator id, span), and the added spans with ids.
        """
        with self.engine.begin() as conn:
            deleted: Sequence[Any] = delete_spans(conn, remove_ids) if remove_ids else []
            stored = insert_spans(conn, doc_id, annotator_id, add)
        return [(r.document_id, r.annotator_id, span_of(r)) for r in deleted], stored
