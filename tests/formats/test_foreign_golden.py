"""Files written by hand in the shapes Prodigy, doccano, Label Studio and brat document are read
with every span in place: emoji before spans, reject/ignore answers, the old ``data`` key, the
``entities`` variant, ``completions``, results without ``text``, discontinuous brat spans, offsets
counted in UTF-16 units, CRLF text."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import AnnotationRecord
from annotator.formats.registry import detect_format, read_annotations

DATA = Path(__file__).resolve().parent.parent / "data" / "formats"

QAANI = "Ismail Qaani visited Damascus on Tuesday."
EMOJI = "🇮🇷 IRGC drills near Aleppo 🔥 with Syrian troops 👍🏽 today."
QAANI_SPANS = {("Ismail Qaani", "PERSON"), ("Damascus", "GPE"), ("Tuesday", "DATE")}
EMOJI_SPANS = {("IRGC", "ORG"), ("Aleppo", "GPE"), ("Syrian", "NORP"), ("today", "DATE")}


def surfaces(record: AnnotationRecord) -> set[tuple[str, str]]:
    return {(record.text[s.start : s.end], s.label) for s in record.spans}


def by_text(records: list[AnnotationRecord]) -> dict[str, list[AnnotationRecord]]:
    out: dict[str, list[AnnotationRecord]] = {}
    for record in records:
        out.setdefault(record.text, []).append(record)
    return out


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("prodigy/ner_manual.jsonl", "prodigy"),
        ("doccano/label.jsonl", "doccano"),
        ("doccano/entities.jsonl", "doccano"),
        ("doccano/data_key.jsonl", "doccano"),
        ("doccano/utf16.jsonl", "doccano"),
        ("labelstudio/export.json", "labelstudio"),
        ("labelstudio/completions.json", "labelstudio"),
        ("labelstudio/utf16.json", "labelstudio"),
        ("brat/collection", "brat"),
        ("brat/collection/doc1.ann", "brat"),
        ("brat/crlf/note.txt", "brat"),
    ],
)
def test_format_is_detected(name: str, fmt: str) -> None:
    assert detect_format(DATA / name) == fmt


def test_prodigy_accepts_kept_rejects_and_ignores_skipped() -> None:
    result = read_annotations(DATA / "prodigy/ner_manual.jsonl", "prodigy")
    texts = by_text(result.records)
    assert set(texts) == {QAANI, EMOJI}  # the reject and the ignore are not annotations
    assert surfaces(texts[QAANI][0]) == QAANI_SPANS
    assert surfaces(texts[EMOJI][0]) == EMOJI_SPANS  # code points, spans without 'text'
    assert texts[QAANI][0].annotator == "news_ner-alice"
    assert texts[QAANI][0].meta.source == "Tasnim"
    assert texts[QAANI][0].meta.date == "2023-09-22"
    assert any("1 task(s) answered 'reject' were skipped" in n for n in result.notices)
    assert any("1 task(s) answered 'ignore' were skipped" in n for n in result.notices)
    assert not any("UTF-16" in n for n in result.notices)


def test_prodigy_span_given_by_tokens_only(tmp_path: Path) -> None:
    path = tmp_path / "tokens.jsonl"
    path.write_text(
        '{"text": "Qaani met Assad", "tokens": [{"text": "Qaani", "start": 0, "end": 5, "id": 0},'
        ' {"text": "met", "start": 6, "end": 9, "id": 1}, {"text": "Assad", "start": 10, "end": 15,'
        ' "id": 2}], "spans": [{"token_start": 2, "token_end": 2, "label": "PERSON"}],'
        ' "answer": "accept"}\n',
        encoding="utf-8",
    )
    [record] = read_annotations(path).records
    assert surfaces(record) == {("Assad", "PERSON")}


@pytest.mark.parametrize("name", ["doccano/label.jsonl", "doccano/entities.jsonl"])
def test_doccano_both_shapes(name: str) -> None:
    result = read_annotations(DATA / name, "doccano")
    texts = by_text(result.records)
    assert set(texts) == {QAANI, EMOJI}
    expected_qaani = QAANI_SPANS if "label" in name else QAANI_SPANS - {("Tuesday", "DATE")}
    expected_emoji = EMOJI_SPANS if "label" in name else {("IRGC", "ORG"), ("Aleppo", "GPE")}
    assert surfaces(texts[QAANI][0]) == expected_qaani
    assert surfaces(texts[EMOJI][0]) == expected_emoji
    if "entities" in name:
        # The relation is kept for the import to map (neither end is an event: it is named in
        # the summary, tests/services/test_foreign_relations.py).
        record = texts[QAANI][0]
        [link] = record.links
        ends = [record.text[s.start : s.end] for s in record.spans
                if s.id in (link.from_span, link.to_span)]
        assert (link.label, ends, link.where) == (
            "visited", ["Ismail Qaani", "Damascus"], "line 1 relations[0]")


def test_doccano_data_key_and_meta() -> None:
    [record] = read_annotations(DATA / "doccano/data_key.jsonl").records
    assert record.text == QAANI
    assert surfaces(record) == {("Ismail Qaani", "PERSON"), ("Damascus", "GPE")}
    assert record.meta.source == "Tasnim"


@pytest.mark.parametrize("name", ["doccano/utf16.jsonl", "labelstudio/utf16.json"])
def test_utf16_offsets_are_detected_and_converted(name: str) -> None:
    result = read_annotations(DATA / name)
    [record] = result.records
    assert record.text == EMOJI
    assert surfaces(record) == EMOJI_SPANS
    assert any("UTF-16" in n and "converted to code points" in n for n in result.notices)


def test_labelstudio_annotations_per_annotator_cancelled_skipped_and_predictions_read() -> None:
    result = read_annotations(DATA / "labelstudio/export.json")
    texts = by_text(result.records)
    qaani = {r.annotator: r for r in texts[QAANI]}
    assert set(qaani) == {"user 1", "bob@example.org", "v1"}  # the cancelled one is left out
    assert surfaces(qaani["user 1"]) == {("Ismail Qaani", "PERSON"), ("Damascus", "GPE")}
    assert surfaces(qaani["bob@example.org"]) == {("Tuesday", "DATE")}
    assert qaani["user 1"].meta.source == "Tasnim"
    assert surfaces(texts[EMOJI][0]) == {("IRGC", "ORG"), ("Aleppo", "GPE"), ("today", "DATE")}
    notices = "\n".join(result.notices)
    assert "1 cancelled annotation(s) were skipped" in notices
    assert surfaces(qaani["v1"]) == {("Ismail", "PERSON")}  # the model's suggestion
    assert {s.origin.value for s in qaani["v1"].spans} == {"model"}
    assert "1 model prediction(s) imported as model suggestions" in notices
    assert "type 'choices'" in notices


def test_labelstudio_completions_without_value_text() -> None:
    [record] = read_annotations(DATA / "labelstudio/completions.json").records
    assert record.text == QAANI
    assert surfaces(record) == {("Ismail Qaani", "PERSON"), ("Damascus", "GPE")}


def test_brat_folder_with_discontinuous_span_and_other_lines() -> None:
    result = read_annotations(DATA / "brat/collection")
    by_name = {r.meta.filename: r for r in result.records}
    assert set(by_name) == {"doc1.txt", "doc2.txt"}
    doc1 = by_name["doc1.txt"]
    assert surfaces(doc1) == {
        ("Ismail Qaani", "PERSON"),
        ("Damascus", "GPE"),
        ("Tuesday", "DATE"),
        ("Syrian army chief", "PERSON"),
        ("Iran", "PERSON"),  # the two fragments of T5 'Iran ... minister'
        ("minister", "PERSON"),
        ("visited", "Visit"),
    }
    assert doc1.meta.title == QAANI
    assert surfaces(by_name["doc2.txt"]) == EMOJI_SPANS
    notices = "\n".join(result.notices)
    assert "1 discontinuous span(s) (doc1.ann T5) were kept as one span per fragment" in notices
    # The event, its attribute and the note are kept; the relation between two persons has no
    # place among events (reported), the normalisation is counted.
    assert "1 event(s) with 2 argument(s) (0 from relations), 1 attribute(s) and 1 note(s)" in notices
    assert "1 line(s) not mapped: doc1.ann R1 (Meets T4 T5): neither argument is an event" in notices
    assert "1 normalization line(s) were not imported" in notices
    [event] = doc1.events
    assert (event.category, event.trigger.layer) == ("Visit", "event")
    spans = {s.id: s for s in doc1.spans}
    assert [(a.role, doc1.text[spans[a.ref.span_id].start : spans[a.ref.span_id].end])
            for a in event.arguments] == [("Agent", "Ismail Qaani"), ("Place", "Damascus")]
    assert doc1.attributes[event.trigger.id] == {"Negated": ""}
    qaani = next(s for s in doc1.spans if s.label == "PERSON" and s.start == 0)
    assert doc1.attributes[qaani.id] == {"note": "Quds Force commander"}


def test_brat_crlf_text_counted_as_one_character() -> None:
    result = read_annotations(DATA / "brat/crlf/note.ann")
    [record] = result.records
    assert "\r" not in record.text
    assert surfaces(record) == {("Qaani", "PERSON"), ("Assad", "PERSON"), ("Damascus", "GPE")}
    assert any("CRLF line ends counted as one character" in n for n in result.notices)


def test_auto_names_the_format_it_chose() -> None:
    result = read_annotations(DATA / "labelstudio/completions.json")
    assert result.format == "labelstudio"
    assert result.notices[0] == "completions.json: read as labelstudio"
