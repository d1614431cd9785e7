"""brat events, relations, attributes and notes, and MAE link tags (issue 13), in files written
by hand from brat's
documented standoff format, imported into a real database on SQLite and PostgreSQL: events
become the project's events (trigger + role arguments, categories and roles through ``--map``),
a relation touching an event becomes an argument, attributes and notes are kept with their
spans, and everything that does not map is counted and named in the summary. The round trip
export -> import -> export keeps events and attributes, and the native JSONL carries them."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.labels import default_labels
from annotator.core.schema import default_schema
from annotator.formats.registry import read_annotations
from annotator.services.annotations_import import KnownLabels, import_annotations
from annotator.services.exporting import export
from annotator.store import Store

TEXT = "Rebels attacked the convoy near Goma on Monday. Officials denied it.\n"


def ann_lines() -> str:
    """brat's standoff: T text-bound, E event (type:trigger role:arg...), R relation
    (Arg1/Arg2), * equivalence, A binary attribute, M multi-valued attribute, # note."""
    return "".join(
        line + "\n"
        for line in [
            "T1\tArmed_group 0 6\tRebels",
            "T2\tVehicle 20 26\tconvoy",
            "T3\tAttack 7 15\tattacked",
            "T4\tPlace 32 36\tGoma",
            "T5\tTime 40 46\tMonday",
            "T6\tPerson 48 57\tOfficials",
            "E1\tAttack:T3 Attacker:T1 Target:T2 Target2:T6",
            "R1\tLocated Arg1:E1 Arg2:T4",
            "R2\tWhen Arg1:T5 Arg2:T3",
            "R3\tNear Arg1:T1 Arg2:T4",
            "*\tEquiv T1 T6",
            "A1\tNegated E1",
            "M2\tConfidence T1 High",
            "A3\tOdd R1",
            "#1\tAnnotatorNotes T2\tUN convoy, white trucks",
            "#2\tAnnotatorNotes T2\tseen on video",
        ]
    )


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    folder = tmp_path / "colleague" / "alice"
    folder.mkdir(parents=True)
    (folder / "raid.txt").write_text(TEXT, encoding="utf-8")
    (folder / "raid.ann").write_text(ann_lines(), encoding="utf-8")
    return folder


MAP = {
    "Armed_group": "ORG", "Vehicle": "MISC", "Place": "GPE", "Person": "PERSON", "Time": "DATE",
    "Attack": "ASSAULT", "Attacker": "actor", "Target": "recipient", "Located": "location",
    "When": "time",
}


def known() -> KnownLabels:
    return KnownLabels.of(default_labels(), default_schema())


def test_events_relations_attributes_and_notes_are_imported(collection: Path, store_url: Path | str) -> None:
    store = Store(store_url)
    try:
        report = import_annotations(store, collection, fmt="brat", known_labels=known(), label_map=MAP)
        lines = "\n".join(report.lines())
        assert (
            "1 event(s) with 5 argument(s) (2 from relations), 2 attribute(s) and 2 note(s) "
            "kept with their spans"
        ) in lines
        # Nothing silently dropped: the relation between two entities, the equivalence and
        # the attribute of a relation are named.
        assert "3 line(s) not mapped" not in lines  # the equivalence is counted apart
        assert "2 line(s) not mapped: raid.ann R3 (Near T1 T4): neither argument is an event; " \
            "raid.ann A3 (Odd): R1 is no span or event" in lines
        assert "1 relation line(s) were not imported" in lines
        assert "2 event argument(s) of role 'Target' renamed 'recipient' (--map)" in lines
        [doc] = store.documents.ids()
        [annotator] = [a for a in store.annotators.all() if a.name == "alice"]
        [event] = store.events.in_document(doc, annotator.id)
        spans = {s.id: s for s in store.spans.in_document(doc, annotator.id)}
        assert event.category == "ASSAULT"
        assert TEXT[event.trigger.start : event.trigger.end] == "attacked"
        got = sorted(
            (a.role, TEXT[spans[a.ref.span_id].start : spans[a.ref.span_id].end])
            for a in event.arguments
        )
        assert got == [("actor", "Rebels"), ("location", "Goma"), ("recipient", "Officials"),
                       ("recipient", "convoy"), ("time", "Monday")]
        attributes = store.span_attributes.for_document(doc, annotator.id)
        by_text = {TEXT[spans[i].start : spans[i].end]: v for i, v in attributes.items()}
        assert by_text == {
            "attacked": {"Negated": ""},
            "Rebels": {"Confidence": "High"},
            "convoy": {"note": "UN convoy, white trucks\nseen on video"},
        }
    finally:
        store.close()


def test_unknown_roles_are_reported_not_stored(collection: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    try:
        labels_only = {k: v for k, v in MAP.items() if k[0].isupper() and v.isupper()}
        report = import_annotations(store, collection, known_labels=known(), label_map=labels_only)
        lines = "\n".join(report.lines())
        assert (
            "5 event argument(s) of roles the schema does not know were not imported: "
            "'Attacker' (1), 'Located' (1), 'Target' (1), 'Target2' (1), 'When' (1)"
        ) in lines
        [annotator] = [a for a in store.annotators.all() if a.name == "alice"]
        [event] = store.events.in_document(1, annotator.id)
        assert event.arguments == ()
    finally:
        store.close()


def brat_files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)):
        p.read_text("utf-8")
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_round_trip_keeps_events_and_attributes(collection: Path, tmp_path: Path) -> None:
    first = Store(tmp_path / "one.sqlite")
    try:
        import_annotations(first, collection, known_labels=known(), label_map=MAP)
        export(first, tmp_path / "out1", "brat")
        export(first, tmp_path / "one.jsonl", "jsonl")
    finally:
        first.close()
    ann = next((tmp_path / "out1").rglob("*.ann")).read_text("utf-8").splitlines()
    assert any(line.startswith("E1\tevent_ASSAULT:T") and " actor:T" in line
               and " recipient:T" in line and " recipient2:T" in line for line in ann)
    assert "A1\tConfidence T1 High" in ann
    conf = (tmp_path / "out1" / "annotation.conf").read_text("utf-8")
    assert "[events]\nevent_ASSAULT\t" in conf
    assert "event_ASSAULT | event:ASSAULT" in (tmp_path / "out1" / "visual.conf").read_text("utf-8")
    native = (tmp_path / "one.jsonl").read_text("utf-8")
    assert '"attributes": {"note": "UN convoy, white trucks\\nseen on video"}' in native

    second = Store(tmp_path / "two.sqlite")
    try:
        report = import_annotations(second, tmp_path / "out1", known_labels=known())
        assert not any("not mapped" in line or "not imported:" in line for line in report.lines())
        export(second, tmp_path / "out2", "brat")
    finally:
        second.close()
    assert brat_files(tmp_path / "out2") == brat_files(tmp_path / "out1")

    third = Store(tmp_path / "three.sqlite")
    try:
        import_annotations(third, tmp_path / "one.jsonl", known_labels=known())
        export(third, tmp_path / "three.jsonl", "jsonl")
    finally:
        third.close()
    assert (tmp_path / "three.jsonl").read_text("utf-8") == native


def test_types_brat_refuses_are_written_in_storage_form_and_read_back(tmp_path: Path) -> None:
    from annotator.core.model import AnnotationRecord, DocumentMeta, Span, Status
    from annotator.formats.brat import write_brat

    text = "Armed men and armed_men met."
    spans = [Span(0, 9, "Armed group"), Span(14, 23, "Armed_group"), Span(24, 27, "50%")]
    out = tmp_path / "b"
    write_brat(out, [AnnotationRecord(text, DocumentMeta(title="t"), "a", Status.DONE, spans)])
    ann = next(out.rglob("*.ann")).read_text("utf-8")
    types = [line.split("\t")[1].split(" ")[0] for line in ann.splitlines()]
    assert all(t.replace("_", "").replace("-", "").isalnum() for t in types)
    assert len(set(types)) == 3  # distinct labels never share a type
    [record] = read_annotations(out).records
    assert [(s.start, s.label) for s in record.spans] == [(0, "Armed group"), (14, "Armed_group"),
                                                          (24, "50%")]


def test_foreign_visual_conf_renames_nothing(collection: Path) -> None:
    (collection / "visual.conf").write_text("[labels]\nArmed_group | Armed group | AG\n", "utf-8")
    [record] = read_annotations(collection).records
    assert "Armed_group" in {s.label for s in record.spans}


MAE = Path(__file__).resolve().parent.parent / "data" / "formats" / "mae"


def test_mae_link_tags_become_event_arguments(tmp_path: Path) -> None:
    """attack.xml, written from MAE's documented XML: extent tags with ``spans`` and DTD
    attributes, link tags with ``fromID``/``toID`` (MAE 0.9-2) or other ``<arg>ID`` names."""
    store = Store(tmp_path / "a.sqlite")
    try:
        mapping = {"ACTOR": "ORG", "VEHICLE": "MISC", "PLACE": "GPE", "ATTACK": "ASSAULT",
                   "ATTACKER": "actor", "TARGET": "recipient"}
        report = import_annotations(store, MAE / "attack.xml", known_labels=known(),
                                    label_map=mapping)
        lines = "\n".join(report.lines())
        assert "4 link tag(s) read as arguments of 2 event(s)" in lines
        assert "1 link tag(s) not mapped: L4 (ODD): N0 is no extent tag with text" in lines
        # NEAR starts from the actor's span: no event category, reported by label.
        assert ("1 event(s) read from links start from a span whose label is no event "
                "category, not imported: 'ORG' (1)") in lines
        [annotator] = [a for a in store.annotators.all() if a.name == "attack"]
        [event] = store.events.in_document(1, annotator.id)
        spans = {s.id: s for s in store.spans.in_document(1, annotator.id)}
        text = "Rebels attacked the convoy near Goma on Monday."
        assert (event.category, event.trigger.layer) == ("ASSAULT", "event")
        assert sorted(
            (a.role, text[spans[a.ref.span_id].start : spans[a.ref.span_id].end])
            for a in event.arguments
        ) == [("actor", "Rebels"), ("location", "Goma"), ("recipient", "convoy")]
        attributes = store.span_attributes.for_document(1, annotator.id)
        assert sorted(attributes.values(), key=str) == [
            {"certainty": "high"}, {"comment": "confirmed by UN"}]
    finally:
        store.close()


def test_mae_link_without_a_mapped_category_is_reported(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    try:
        report = import_annotations(store, MAE / "attack.xml", known_labels=KnownLabels.of(
            default_labels(), default_schema(), allow_new=True))
        lines = "\n".join(report.lines())
        assert ("2 event(s) read from links start from a span whose label is no event category, "
                "not imported: 'ACTOR' (1), 'ATTACK' (1)") in lines
        assert store.events.in_document(1, store.annotators.all()[-1].id) == []
    finally:
        store.close()
