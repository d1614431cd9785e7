"""The native JSONL record against its JSON Schema, and the native reader's error reports."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from annotator.core.errors import InputErrors
from annotator.core.model import AnnotationRecord, DocumentMeta, Origin, Span, Status
from annotator.formats.native import read_jsonl, record_to_json, write_jsonl
from annotator.resources import resource
from annotator.services.exporting import export_jsonl
from annotator.store import Store


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resource("annotator-record.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, record: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(record)]


def test_every_exported_seed_record_validates(seeded_db: Path, tmp_path: Path, validator) -> None:
    store = Store(seeded_db)
    out = tmp_path / "all.jsonl"
    try:
        count = export_jsonl(store, out)
    finally:
        store.close()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert count == len(lines) >= 5
    for number, line in enumerate(lines, start=1):
        record = json.loads(line)
        assert _errors(validator, record) == [], f"line {number}"
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]


def test_untouched_document_has_null_annotator_and_validates(validator) -> None:
    record = AnnotationRecord("Qaani visited Syria.", DocumentMeta(lang="en"), None, Status.TODO)
    data = record_to_json(record)
    assert data["annotator"] is None and data["spans"] == []
    assert _errors(validator, data) == []


def test_schema_rejects_what_the_reader_rejects(validator) -> None:
    good = record_to_json(
        AnnotationRecord(
            "Qaani visited Syria.",
            DocumentMeta(),
            "alice",
            Status.DONE,
            [Span(0, 5, "PERSON", Origin.MODEL)],
        )
    )
    assert _errors(validator, good) == []
    bad_origin = json.loads(json.dumps(good))
    bad_origin["spans"][0]["origin"] = "robot"
    assert _errors(validator, bad_origin)
    bad_status = dict(good, status="finished")
    assert _errors(validator, bad_status)
    empty_annotator = dict(good, annotator="")
    assert _errors(validator, empty_annotator)
    negative = json.loads(json.dumps(good))
    negative["spans"][0]["start"] = -1
    assert _errors(validator, negative)


def test_written_file_reads_back_identically(tmp_path: Path) -> None:
    text = "Esmaïl Qaani 🇮🇷 a visité la Syrie."
    start = text.index("la Syrie")
    record = AnnotationRecord(
        text,
        DocumentMeta(title="t", lang="fr", date="2023-09-22"),
        "bob",
        Status.IN_PROGRESS,
        [Span(0, 12, "PERSON", Origin.MODEL), Span(start, start + 8, "GPE")],
    )
    path = tmp_path / "r.jsonl"
    assert write_jsonl(path, [record]) == 1
    (back,) = read_jsonl(path)
    assert back.text == text
    assert back.meta == record.meta
    assert back.annotator == "bob" and back.status is Status.IN_PROGRESS
    assert [s.key for s in back.spans] == [s.key for s in record.spans]
    assert [s.origin for s in back.spans] == [Origin.MODEL, Origin.MANUAL]
    # Code points, not UTF-16 units: the flag (two astral code points) shifts nothing.
    assert text[back.spans[1].start : back.spans[1].end] == "la Syrie"


def test_bad_lines_are_each_reported_with_file_and_line(tmp_path: Path) -> None:
    text = "Qaani visited Syria."
    qaani = {"start": 0, "end": 5, "label": "PERSON"}
    good = json.dumps({"text": text, "spans": [qaani]})
    lines = [
        good,
        "{not json",
        json.dumps({"text": text, "spans": [dict(qaani, text="Syria")]}),
        json.dumps({"text": text, "spans": [{"start": 5, "end": 2, "label": "PERSON"}]}),
        json.dumps({"text": text, "spans": [{"start": 0, "end": 99, "label": "PERSON"}]}),
        json.dumps({"text": text, "status": "finished"}),
        json.dumps({"text": text, "text_sha256": "0" * 64}),
        json.dumps({"text": text, "spans": [dict(qaani, origin="robot")]}),
        json.dumps({"text": "", "spans": []}),
        json.dumps({"text": text, "spans": [qaani, qaani]}),
        json.dumps({"text": text, "spans": [{"start": "0", "end": 5, "label": "P"}]}),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        read_jsonl(path)
    errors = info.value.errors
    assert [e.line for e in errors] == list(range(2, 12))
    assert all(e.file == str(path) for e in errors)
    messages = [e.message for e in errors]
    assert messages[0].startswith(f"{path}:2: invalid JSON")
    assert "cover 'Qaani', but the span's text is 'Syria'" in messages[1]
    assert "start 5 must be >= 0 and before end 2" in messages[2]
    assert "past the end of the text" in messages[3]
    assert "'status' must be one of" in messages[4]
    assert "'text_sha256' does not match" in messages[5]
    assert "'origin' must be" in messages[6]
    assert "'text' is empty" in messages[7]
    assert "duplicate span" in messages[8]
    assert "'start' must be an integer" in messages[9]


def test_unknown_label_and_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(
        json.dumps({"text": "Qaani", "spans": [{"start": 0, "end": 5, "label": "WIZARD"}]}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputErrors) as info:
        read_jsonl(path, known_labels=lambda label: label == "PERSON")
    assert info.value.errors[0].message == f"{path}:1: spans[0]: unknown label 'WIZARD'"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(Exception, match="holds no record"):
        read_jsonl(empty)


def test_bad_analysis_references_are_reported_with_file_and_line(tmp_path: Path) -> None:
    text = "Qaani visited Syria."
    spans = [
        {"id": 1, "start": 0, "end": 5, "label": "PERSON", "actor": "a1"},
        {"id": 2, "start": 6, "end": 13, "label": "CONSULT", "layer": "event"},
    ]
    actors = [{"id": "a1", "name": "Ismail Qaani"}]
    event = {"id": 1, "trigger": 2, "category": "CONSULT", "arguments": [{"role": "actor", "span": 1}]}
    good = {"text": text, "spans": spans, "actors": actors, "events": [event], "format_version": 2}

    def variant(**changes: object) -> str:
        return json.dumps(dict(good, **changes))

    lines = [
        variant(),
        variant(spans=[dict(spans[0], actor="nobody"), spans[1]]),
        variant(events=[dict(event, trigger=9)]),
        variant(events=[dict(event, arguments=[{"role": "actor", "span": 1, "actor": "a1"}])]),
        variant(events=[event, dict(event, id=2)]),
        variant(spans=[spans[0], dict(spans[1], id=1)]),
        variant(actors=[*actors, {"id": "a1", "name": "Again"}]),
        variant(frames={"present": ["Political"], "roles": [{"actor": "zz", "role": "antagonist"}]}),
        variant(frames={"present": ["Political", "Political"]}),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        read_jsonl(path)
    messages = [e.message for e in info.value.errors]
    assert [e.line for e in info.value.errors] == list(range(2, 10))
    assert messages[0].startswith(f"{path}:2: spans[0].actor names no actor")
    assert "events[0].trigger names no span of the record: 9" in messages[1]
    assert "events[0].arguments[0] must hold either 'actor' or 'span'" in messages[2]
    assert "events[1].trigger: span 2 triggers two events" in messages[3]
    assert "spans[1].id 1 is used twice" in messages[4]
    assert "actors[1].id 'a1' is used twice" in messages[5]
    assert "frames.roles[0].actor names no actor" in messages[6]
    assert "frames.present must be a list of distinct frame names" in messages[7]


def test_version_1_records_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "v1.jsonl"
    record = {
        "text": "Qaani visited Syria.",
        "annotator": "alice",
        "format_version": 1,
        "spans": [{"start": 0, "end": 5, "label": "PERSON"}],
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (back,) = read_jsonl(path)
    assert back.spans[0].key == (0, 5, "PERSON") and back.spans[0].id == 1
    assert back.actors == [] and back.events == [] and back.frames is None and back.mentions == {}
