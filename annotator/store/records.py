"""Annotation records in and out: a document with one annotator's set of spans.

``stream`` reads every (document, annotator) record for an export; ``import_sets`` stores
annotators' sets, and the new documents they need, in one transaction for an import. What a
record carries beside its spans (actors, events, frames) is ``record_analysis.py``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert

from annotator.core.errors import StoreError
from annotator.core.model import AnnotationRecord, Document, DocumentMeta, Span, Status
from annotator.core.regions import Region, RegionKind
from annotator.store.annotators import AnnotatorRepo, ensure_annotator_id
from annotator.store.dialect import raw_cursor
from annotator.store.rows import DOC, ORIGINS, SPAN, span_values
from annotator.store.sqlite_plain import meta_columns
from annotator.store.tables import utcnow

_span_order = attrgetter("start", "end", "id")
_REGION_SQL = (
    'SELECT document_id, id, start, "end", kind, marked FROM document_region'
    ' WHERE document_id BETWEEN ? AND ? ORDER BY document_id, start, "end"'
)
_REGION_KINDS = {k.value: k for k in RegionKind}


class RecordRepo:
    """The annotation records of one database."""

    def __init__(self, engine: Engine, path: Path | str) -> None:
        self.engine = engine
        self.path = path  # named in messages
        self.annotators = AnnotatorRepo(engine)

    def import_sets(
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
                if name not in annotator_ids:
                    annotator_ids[name] = ensure_annotator_id(conn, name)
            for doc in documents:
                new_id = conn.execute(
                    insert(DOC).values(
                        text=doc.text,
                        text_sha256=doc.sha256,
                        status=doc.status.value,
                        created_at=now,
                        updated_at=now,
                        **meta_columns(doc.meta),
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
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
                        delete(SPAN).where(
                            (SPAN.c.document_id == doc_id) & (SPAN.c.annotator_id == annotator_id)
                        )
                    ).rowcount
                owners.append((doc_id, annotator_id))
                rows += [
                    span_values(doc_id, annotator_id, span.with_(id=None), now)
                    for span in spans
                ]
            if rows:
                conn.execute(insert(SPAN), rows)
            if after is not None:
                after(conn, owners)
        for doc, new_id in zip(documents, ids, strict=True):
            doc.id = new_id
        return ids, replaced

    def stream(
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
            ann_id = self.annotators.id_of(annotator)
            if ann_id is None:
                raise StoreError(f"no annotator named {annotator!r} in {self.path}")
        # Plain SQL and positional rows: an export of 100,000 documents builds each record once
        # and nothing else (see bench/, "export").
        doc_sql = (
            "SELECT id, text, text_sha256, title, source, date, lang, url, filename, status, author"
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
        # Each annotator's status of a document (store.judgments): a document finished with
        # nothing marked is exported as that annotator's record, with no spans.
        judgment_sql = (
            "SELECT j.document_id, a.name, j.status FROM judgment j"
            " JOIN annotator a ON a.id = j.annotator_id"
            " WHERE j.document_id BETWEEN ? AND ?" + only.format(t="j")
        )
        origins, statuses = ORIGINS, {s.value: s for s in Status}
        names = {a.id: a.name for a in self.annotators.all()}
        last_id = 0
        while True:
            params: tuple[object, ...] = (last_id, status.value, batch) if status else (last_id, batch)
            with self.engine.connect() as conn:
                docs = raw_cursor(conn, doc_sql, params).fetchall()
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
                for r in raw_cursor(conn, span_sql, bounds).fetchall():
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
                for r in raw_cursor(conn, frame_sql, bounds).fetchall():
                    by_doc.setdefault(r[0], {}).setdefault(r[1], [])
                regions: dict[int, list[Region]] = {}
                for r in raw_cursor(conn, _REGION_SQL, bounds[:2]).fetchall():
                    regions.setdefault(r[0], []).append(
                        Region(r[2], r[3], _REGION_KINDS[r[4]], bool(r[5]), r[1])
                    )
                judged: dict[tuple[int, str], Status] = {}
                for r in raw_cursor(conn, judgment_sql, bounds).fetchall():
                    by_doc.setdefault(r[0], {}).setdefault(r[1], [])
                    judged[r[0], r[1]] = statuses[r[2]]
            for d in docs:
                meta = DocumentMeta(d[3], d[4], d[5], d[6], d[7], d[8], d[10])
                groups = by_doc.get(d[0], {})
                if not groups and annotator is None:
                    groups = {"": []}
                for name, spans in sorted(groups.items()):
                    yield AnnotationRecord(
                        text=d[1],
                        meta=meta,
                        annotator=name or None,
                        status=judged.get((d[0], name), statuses[d[9]]),
                        spans=spans,
                        text_sha256=d[2],
                        regions=tuple(regions.get(d[0], ())),
                    )
            last_id = docs[-1][0]
