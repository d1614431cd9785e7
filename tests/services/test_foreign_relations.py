"""Events through Label Studio and doccano, which have relations but no events: the export draws
each event as relations from its trigger to its arguments (the role as the relation's label) and
keeps the rest (CAMEO, mode, context, date, factuality, actors) where each tool keeps extra data;
the import restores our own events exactly, and maps another project's relations onto events as
brat's relations are (one end an event category after ``--map``), naming the others."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import InputErrors
from annotator.core.labels import default_labels
from annotator.core.model import AnnotatorKind
from annotator.core.schema import default_schema
from annotator.services.annotations_import import KnownLabels, import_annotations
from annotator.services.exporting import ExportFilters, export
from annotator.store import Store

FORMATS = {"labelstudio": "tasks.json", "doccano": "lines.jsonl"}


def known() -> KnownLabels:
    return KnownLabels.of(default_labels(), default_schema())


def exported(db: Path, out: Path, fmt: str) -> None:
    store = Store(db)
    try:
        export(store, out, fmt)
    finally:
        store.close()


def every_event(store: Store) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """Every event of every set, by (document text hash, annotator), each with everything it
    says: trigger offsets, label and layer, category, mode, context, CAMEO, date, factuality,
    source and arguments in order, spans by offsets and label, actors by uid and name."""
    actors = {a.id: (a.uid, a.name) for a in store.actors.all()}
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for annotator in store.annotators.all():
        for doc_id in store.documents.ids():
            events = store.events.in_document(doc_id, annotator.id)
            if not events:
                continue
            spans = {s.id: s for s in store.spans.in_document(doc_id, annotator.id)}

            def ref(r: Any, spans: dict[Any, Any] = spans) -> tuple[Any, ...] | None:
                if r is None:
                    return None
                if r.actor_id is not None:
                    return ("actor", *actors[r.actor_id])
                s = spans[r.span_id]
                return ("span", s.start, s.end, s.label, s.layer)

            sha = store.documents.get(doc_id).sha256
            out[(sha, annotator.name)] = sorted(
                (
                    (e.trigger.start, e.trigger.end, e.trigger.label, e.trigger.layer),
                    e.category, e.mode, e.context, e.cameo, e.date, e.factuality, ref(e.source),
                    tuple((a.role, ref(a.ref)) for a in e.arguments),
                )
                for e in events
            )
    return out


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_our_export_round_trips_every_event(fmt: str, annotated_db: Path, tmp_path: Path) -> None:
    out = tmp_path / FORMATS[fmt]
    first = Store(annotated_db)
    try:
        before = every_event(first)
        export(first, out, fmt)
    finally:
        first.close()
    assert sum(len(v) for v in before.values()) == 10

    fresh = Store(tmp_path / "fresh.sqlite")
    try:
        report = import_annotations(fresh, out, fmt=fmt, known_labels=known())
        after = every_event(fresh)
        export(fresh, tmp_path / f"again{out.suffix}", fmt)
    finally:
        fresh.close()
    assert after == before
    lines = "\n".join(report.lines())
    # The seeds' arguments are all actors, each drawn to the actor's mention nearest the trigger.
    assert "10 event(s) with 20 argument(s) (20 from relations) restored" in lines
    assert "not mapped" not in lines and "not restored" not in lines
    # The fresh database exports the same file (the drawn mentions came back with the events).
    assert (tmp_path / f"again{out.suffix}").read_text("utf-8") == out.read_text("utf-8")


def test_label_studio_relations_are_drawn_from_trigger_to_argument(
    annotated_db: Path, tmp_path: Path
) -> None:
    """The relation results of an event, checked against the text by hand: the seeds' first
    event is Qaani's visit to Syria (CONSULT, visit, CAMEO 042)."""
    exported(annotated_db, tmp_path / "tasks.json", "labelstudio")
    tasks = json.loads((tmp_path / "tasks.json").read_text("utf-8"))
    task = tasks[0]
    [annotation] = task["annotations"]
    regions = {r["id"]: r for r in annotation["result"] if r["type"] == "labels"}
    relations = [r for r in annotation["result"] if r["type"] == "relation"]
    text = task["data"]["text"]
    def surface(rid: str) -> str:
        return text[regions[rid]["value"]["start"] : regions[rid]["value"]["end"]]

    drawn = sorted(
        (surface(r["from_id"]), r["labels"], surface(r["to_id"]), r["direction"]) for r in relations
    )
    # Each actor argument drawn to the actor's mention nearest the trigger.
    assert drawn == [
        ("supervised", ["actor"], "Iran", "right"),
        ("supervised", ["recipient"], "Syria", "right"),
        ("visited", ["actor"], "Ismail Qaani", "right"),
        ("visited", ["recipient"], "Syria", "right"),
    ]
    [details] = task["meta"]["annotator_events"]
    assert details["annotator"] == "alice"
    visit = next(e for e in details["events"] if e["category"] == "CONSULT")
    assert (visit["mode"], visit["context"], visit["cameo"], visit["date"], visit["factuality"]) \
        == ("visit", "military", "042", "2023-09-21", "reported")
    assert [a["role"] for a in visit["arguments"]] == ["actor", "recipient"]
    names = {a["id"]: a["name"] for a in details["actors"]}
    assert [names[a["actor"]] for a in visit["arguments"]] == ["Ismail Qaani", "Syria"]


def test_label_studio_sdk_validates_the_relations(annotated_db: Path, tmp_path: Path) -> None:
    """Label Studio's own parser of annotations (the SDK's ``LabelInterface``, which checks
    each region against the labelling configuration and each relation's ends and direction)
    accepts every annotation of the export, relations included, and the converter still reads
    the file."""
    from label_studio_converter import Converter
    from label_studio_sdk.label_interface import LabelInterface

    exported(annotated_db, tmp_path / "tasks.json", "labelstudio")
    tasks = json.loads((tmp_path / "tasks.json").read_text("utf-8"))
    results = [r for t in tasks for a in t["annotations"] + t["predictions"] for r in a["result"]]
    labels = sorted({x for r in results if r["type"] == "labels" for x in r["value"]["labels"]})
    roles = sorted({x for r in results if r["type"] == "relation" for x in r["labels"]})
    assert roles == ["actor", "recipient"]
    config = (
        "<View><Relations>" + "".join(f'<Relation value="{r}"/>' for r in roles) + "</Relations>"
        '<Labels name="label" toName="text">'
        + "".join(f'<Label value="{label}"/>' for label in labels)
        + '</Labels><Text name="text" value="$text"/></View>'
    )
    interface = LabelInterface(config)
    relations = 0
    for task in tasks:
        for annotation in task["annotations"]:
            assert interface._validate_object_logic(annotation) == []
            relations += sum(r["type"] == "relation" for r in annotation["result"])
    assert relations == 20
    # A relation to a region the annotation lacks is what the parser refuses.
    broken = json.loads(json.dumps(tasks[0]["annotations"][0]))
    next(r for r in broken["result"] if r["type"] == "relation")["to_id"] = "nowhere"
    assert interface._validate_object_logic(broken) != []

    converter = Converter(config=config, project_dir=str(tmp_path), download_resources=False)
    converter.convert_to_json_min(str(tmp_path / "tasks.json"), str(tmp_path / "min"), is_dir=False)
    rows = json.loads((tmp_path / "min" / "result.json").read_text("utf-8"))
    assert len(rows) == sum(len(t["annotations"]) for t in tasks)
    spans = sum(len(row.get("label", [])) for row in rows)
    assert spans == sum(r["type"] == "labels" for t in tasks for a in t["annotations"]
                        for r in a["result"])


def test_doccano_file_takes_the_relation_shape_when_a_document_has_events(
    annotated_db: Path, tmp_path: Path
) -> None:
    exported(annotated_db, tmp_path / "all.jsonl", "doccano")
    lines = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text("utf-8").splitlines()]
    assert all("entities" in line and "relations" in line and "label" not in line for line in lines)
    # Lines without events (the models' suggestions come first) are in the shape too.
    assert any(not line["relations"] for line in lines)
    with_events = [line for line in lines if line.get("annotator_events")]
    assert len(with_events) == 5
    for line in with_events:
        ids = {e["id"] for e in line["entities"]}
        assert all({r["from_id"], r["to_id"]} <= ids and r["type"] in ("actor", "recipient")
                   for r in line["relations"])
        assert sorted(r["id"] for r in line["relations"]) == list(range(len(line["relations"])))
    store = Store(annotated_db)
    try:  # only the models' suggestions: no event, the label shape
        export(store, tmp_path / "models.jsonl", "doccano", ExportFilters(kind=AnnotatorKind.MODEL))
    finally:
        store.close()
    plain = [json.loads(x) for x in (tmp_path / "models.jsonl").read_text("utf-8").splitlines()]
    assert plain and all("label" in line and "entities" not in line for line in plain)


TEXT = "Rebels attacked the convoy near Goma on Monday. Officials denied it."


def labelstudio_task(relations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A colleague's Label Studio project with relations, as Label Studio exports it."""
    def region(rid: str, start: int, end: int, label: str) -> dict[str, Any]:
        return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]}}

    result = [
        region("reb", 0, 6, "Armed group"), region("att", 7, 15, "Attack"),
        region("con", 20, 26, "Vehicle"), region("gom", 32, 36, "Place"),
        region("off", 48, 57, "Person"),
    ] + relations
    # The project's own task metadata, named "events" too: not this app's details.
    return [{"id": 7, "data": {"text": TEXT}, "meta": {"events": ["raid"], "source": "wire"},
             "annotations": [{"id": 70, "completed_by": {"email": "carol@example.org"},
                              "result": result}]}]


def relation(a: str, b: str, *labels: str, direction: str = "right") -> dict[str, Any]:
    return {"from_id": a, "to_id": b, "type": "relation", "direction": direction,
            "labels": list(labels)}


MAP = {"Armed group": "ORG", "Vehicle": "MISC", "Place": "GPE", "Person": "PERSON",
       "Attack": "ASSAULT", "Attacker": "actor", "Target": "recipient", "Where": "location"}


def test_colleague_label_studio_relations_become_events(
    tmp_path: Path, store_url: Path | str
) -> None:
    path = tmp_path / "carol.json"
    path.write_text(json.dumps(labelstudio_task([
        relation("att", "reb", "Attacker"),
        relation("con", "att", "Target", direction="left"),  # drawn from the argument's side
        relation("att", "gom", "Where"),
        relation("reb", "gom", "Near"),  # two entities: no event at either end
        relation("att", "off"),  # no label: no role
    ])), encoding="utf-8")
    store = Store(store_url)
    try:
        report = import_annotations(store, path, known_labels=known(), label_map=MAP)
        lines = "\n".join(report.lines())
        assert "3 relation(s) read as arguments of 1 event(s), each the event at one end" in lines
        assert (
            "2 relation(s) not mapped: task 1 (id 7) annotation 0.result[8] (Near 'Rebels' "
            "'Goma'): neither end is an event; task 1 (id 7) annotation 0.result[9] (no label "
            "'attacked' 'Officials'): the relation has no label to be the role"
        ) in lines
        assert "result(s) of type 'relation'" not in lines
        [annotator] = [a for a in store.annotators.all() if a.name == "carol@example.org"]
        [event] = store.events.in_document(1, annotator.id)
        spans = {s.id: s for s in store.spans.in_document(1, annotator.id)}
        assert (event.category, event.trigger.layer, TEXT[event.trigger.start:event.trigger.end]) \
            == ("ASSAULT", "event", "attacked")
        assert [(a.role, TEXT[spans[a.ref.span_id].start:spans[a.ref.span_id].end])
                for a in event.arguments] == [("actor", "Rebels"), ("recipient", "convoy"),
                                              ("location", "Goma")]
    finally:
        store.close()


def test_colleague_relations_without_a_category_are_named(tmp_path: Path) -> None:
    """Without --map, 'Attack' is no event category: no relation is an event's, each is named,
    and the roles are never guessed."""
    path = tmp_path / "carol.json"
    path.write_text(json.dumps(labelstudio_task([relation("att", "reb", "Attacker")])), "utf-8")
    store = Store(tmp_path / "a.sqlite")
    try:
        report = import_annotations(
            store, path, known_labels=KnownLabels.of(default_labels(), default_schema(), True)
        )
        lines = "\n".join(report.lines())
        assert ("1 relation(s) not mapped: task 1 (id 7) annotation 0.result[5] (Attacker "
                "'attacked' 'Rebels'): neither end is an event") in lines
        assert all(store.events.in_document(1, a.id) == [] for a in store.annotators.all())
    finally:
        store.close()


def test_colleague_doccano_relations_become_events(tmp_path: Path) -> None:
    entities = [(0, 0, 6, "Armed group"), (1, 7, 15, "Attack"), (2, 20, 26, "Vehicle"),
                (3, 48, 57, "Person")]
    line = {
        "id": 3, "text": TEXT, "user": "dave",
        "entities": [{"id": i, "label": label, "start_offset": a, "end_offset": b}
                     for i, a, b, label in entities],
        "relations": [{"id": 0, "from_id": 1, "to_id": 0, "type": "Attacker"},
                      {"id": 1, "from_id": 1, "to_id": 2, "type": "Target"},
                      {"id": 2, "from_id": 1, "to_id": 2, "type": "Cause"},
                      {"id": 3, "from_id": 3, "to_id": 0, "type": "Blames"}],
    }
    path = tmp_path / "dave.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    store = Store(tmp_path / "a.sqlite")
    try:
        report = import_annotations(store, path, fmt="doccano", known_labels=known(),
                                    label_map=MAP)
        lines = "\n".join(report.lines())
        assert "3 relation(s) read as arguments of 1 event(s)" in lines
        assert ("1 relation(s) not mapped: line 1 relations[3] (Blames 'Officials' 'Rebels'): "
                "neither end is an event") in lines
        # A role the schema does not know is counted by role, as for brat.
        assert "1 event argument(s) of roles the schema does not know were not imported: " \
            "'Cause' (1)" in lines
        [dave] = [a for a in store.annotators.all() if a.name == "dave"]
        [event] = store.events.in_document(1, dave.id)
        assert [a.role for a in event.arguments] == ["actor", "recipient"]
    finally:
        store.close()


def test_a_relation_removed_in_the_tool_removes_the_argument(
    annotated_db: Path, tmp_path: Path
) -> None:
    exported(annotated_db, tmp_path / "tasks.json", "labelstudio")
    tasks = json.loads((tmp_path / "tasks.json").read_text("utf-8"))
    result = tasks[0]["annotations"][0]["result"]
    removed = next(r for r in result if r["type"] == "relation" and r["labels"] == ["recipient"])
    result.remove(removed)
    (tmp_path / "edited.json").write_text(json.dumps(tasks), "utf-8")
    fresh = Store(tmp_path / "fresh.sqlite")
    try:
        report = import_annotations(fresh, tmp_path / "edited.json", known_labels=known())
        lines = "\n".join(report.lines())
        assert "10 event(s) with 19 argument(s) (19 from relations) restored" in lines
        assert ("1 event argument(s) drawn as relations were not restored: their relation is no "
                "longer in the file") in lines
    finally:
        fresh.close()


def test_event_details_naming_a_missing_region_refuse_the_file(
    annotated_db: Path, tmp_path: Path
) -> None:
    exported(annotated_db, tmp_path / "lines.jsonl", "doccano")
    lines = (tmp_path / "lines.jsonl").read_text("utf-8").splitlines()
    number = next(i for i, x in enumerate(lines) if '"annotator_events"' in x)
    obj = json.loads(lines[number])
    obj["annotator_events"]["events"][0]["trigger"] = 999
    lines[number] = json.dumps(obj)
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    fresh = Store(tmp_path / "fresh.sqlite")
    try:
        with pytest.raises(InputErrors) as caught:
            import_annotations(fresh, tmp_path / "bad.jsonl", fmt="doccano", known_labels=known())
        [error] = caught.value.errors
        assert error.line == number + 1
        assert "event details: events[0].trigger '999' names no span of this record" in str(error)
        assert fresh.documents.ids() == []
    finally:
        fresh.close()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_what_no_relation_can_show_comes_back_from_the_details(fmt: str, tmp_path: Path) -> None:
    """An argument pointing at a model's suggestion (Label Studio keeps those in ``predictions``,
    where no relation of the annotation can reach), an actor argument with no mention, a span as
    the source, an event without arguments: written by the real writer, read by the real reader,
    the same events."""
    from annotator.core.actors import Actor
    from annotator.core.events import Argument, Event, Ref
    from annotator.core.model import AnnotationRecord, DocumentMeta, Origin, Span, Status
    from annotator.formats.registry import read_annotations
    from annotator.services.exporting import _write

    text = "Tasnim said rebels attacked the convoy; officials met."
    rebels = Span(12, 18, "ORG", Origin.MODEL, "entity", 1)
    trigger = Span(19, 27, "ASSAULT", Origin.MANUAL, "event", 2)
    convoy = Span(32, 38, "MISC", Origin.MANUAL, "entity", 3)
    tasnim = Span(0, 6, "ORG", Origin.MANUAL, "entity", 4)
    met = Span(50, 53, "CONSULT", Origin.MANUAL, "event", 5)
    hamas = Actor("Hamas", ("Harakat al-Muqawama",), "armed_group", "PSE", "REB", "Q38799", "", 7,
                  "seed:hamas")
    events = [
        Event(trigger, "ASSAULT", mode="", context="military", cameo="190",
              arguments=(Argument("actor", Ref(span_id=1)), Argument("recipient", Ref(span_id=3)),
                         Argument("actor", Ref(actor_id=7))),
              date="2024", factuality="reported", source=Ref(span_id=4)),
        Event(met, "CONSULT"),
    ]
    record = AnnotationRecord(text, DocumentMeta(title="t"), "erin", Status.DONE,
                              [tasnim, rebels, trigger, convoy, met], actors=[hamas],
                              events=events)
    out = tmp_path / FORMATS[fmt]
    _write(fmt, out, [record], True, [])
    [back] = read_annotations(out, fmt).records

    def plain(r: AnnotationRecord) -> list[tuple[Any, ...]]:
        spans = {s.id: (s.start, s.end, s.label, s.layer, s.origin.value) for s in r.spans}
        actors = {a.id: (a.uid, a.name, a.aliases, a.kind, a.country, a.sector, a.wikidata)
                  for a in r.actors}

        def ref(x: Any) -> Any:
            if x is None:
                return None
            return actors[x.actor_id] if x.actor_id is not None else spans[x.span_id]

        return sorted(
            (spans[e.trigger.id], e.category, e.mode, e.context, e.cameo, e.date, e.factuality,
             ref(e.source), tuple((a.role, ref(a.ref)) for a in e.arguments))
            for e in r.events
        )

    assert plain(back) == plain(record)
    assert back.links == []
    drawn = json.loads(out.read_text("utf-8")) if fmt == "labelstudio" else None
    if drawn is not None:  # only the convoy is drawn: the rebels are a model's suggestion
        [annotation] = drawn[0]["annotations"]
        assert [r["labels"] for r in annotation["result"] if r["type"] == "relation"] \
            == [["recipient"]]
