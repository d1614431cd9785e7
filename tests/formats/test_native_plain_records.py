"""Records with spans and nothing else take a shorter path to JSON (an export of 100,000
documents pays the analysis's lookups per record). What such a record carries besides its spans
must still be written: a span's attributes and the document's marked regions."""

from __future__ import annotations

from annotator.core.model import AnnotationRecord, DocumentMeta, Span, Status
from annotator.core.regions import Region, RegionKind
from annotator.formats.native import record_from_json, record_to_json

TEXT = "Caption of a photo here.\nBody text.\nCaption of a photo here.\n"


def _record() -> AnnotationRecord:
    return AnnotationRecord(
        text=TEXT, meta=DocumentMeta(title="t"), annotator="alice", status=Status.DONE,
        spans=[Span(0, 7, "MISC", id=11), Span(26, 30, "MISC", id=12)],
    )


def test_a_plain_records_span_attributes_are_written_and_read_back() -> None:
    record = _record()
    record.attributes = {11: {"note": "checked twice", "Negated": ""}}
    data = record_to_json(record)
    assert data["spans"][0]["attributes"] == {"note": "checked twice", "Negated": ""}
    assert "attributes" not in data["spans"][1]
    back = record_from_json(data)
    assert list(back.attributes.values()) == [{"note": "checked twice", "Negated": ""}]


def test_a_plain_records_regions_are_written_and_read_back() -> None:
    record = _record()
    region = Region(37, 61, RegionKind.REPEATED, marked=True)
    record.regions = (region,)
    data = record_to_json(record)
    assert data["regions"] == [{"start": 37, "end": 61, "kind": "repeated", "marked": True}]
    back = record_from_json(data)
    assert [(r.start, r.end, r.kind, r.marked) for r in back.regions] == [
        (37, 61, RegionKind.REPEATED, True)
    ]
    assert "regions" not in record_to_json(_record())
