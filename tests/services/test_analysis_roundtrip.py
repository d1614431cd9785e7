"""A fully annotated seed (actor mentions, events, frames, evidence) exported as native JSONL,
imported into an empty database and exported again gives the very same records; every record
validates against the JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from annotator.core.actors import Actor
from annotator.core.events import Argument, Event, Ref
from annotator.core.framing import ActorRole, FrameAssessment
from annotator.core.model import Span, Status
from annotator.formats.native import read_jsonl
from annotator.resources import resource
from annotator.services.actors import ActorCommands, ActorRegistry
from annotator.services.annotate import AnnotationSession
from annotator.services.annotations_import import import_annotations
from annotator.services.events import EventCommands, trigger
from annotator.services.exporting import export_jsonl
from annotator.services.framing import FramingCommands
from annotator.store import Store

DOC = 3  # 002, the Israeli think-tank brief
MODEL_ORIGIN = "model-20261204-2310 (trained 2026-12-04 23:10)"


def annotate_fully(store: Store) -> None:
    """Alice annotates document 002 with every kind of annotation; Bob only frames it."""
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    registry = ActorRegistry(store)
    actors = ActorCommands(session, registry)
    events = EventCommands(session)
    framing = FramingCommands(session)
    text = store.documents.get(DOC).text

    wanted = {"IRGC", "Esmail Qaani", "Hezbollah", "U.S.", "Israel", "Damascus", "Homs province"}
    suggestions = [s for s in session.suggestions(DOC) if text[s.start : s.end] in wanted]
    actors.accept_suggestions(DOC, suggestions).do()
    ids = {a.name: int(a.id) for a in registry.actors()}  # type: ignore[arg-type]
    actors.tag_all(DOC, ids["Ismail Qaani"]).do()
    # An actor of the analyst's own making, with attributes, linked by hand.
    iran_dossier = actors.create(
        Actor(
            "Iran Dossier",
            aliases=("IranDossier",),
            kind="media",
            country="ISR",
            sector="JRN",
            notes="Israeli think-tank newsletter",
        ),
        DOC,
    )
    iran_dossier.do()
    start = text.index("Iran Dossier")
    add = session.add(DOC, [Span(start, start + 12, "ORG")])
    add.do()
    actors.link(DOC, int(add.spans[0].id), int(iran_dossier.actor.id)).do()  # type: ignore[arg-type]

    spans = {text[s.start : s.end]: s for s in session.own_spans(DOC)}
    visit = text.index("recently visited") + len("recently ")
    events.create(
        DOC,
        Event(
            trigger(visit, visit + 7, "CONSULT"),
            "CONSULT",
            mode="visit",
            context="military",
            cameo="042",
            arguments=(
                Argument("actor", Ref(span_id=spans["Esmail Qaani"].id)),
                Argument("recipient", Ref(actor_id=ids["Syria"])),
                Argument("location", Ref(span_id=spans["Damascus"].id)),
            ),
            date="2023-09",
            factuality="reported",
            source=Ref(actor_id=int(iran_dossier.actor.id)),  # type: ignore[arg-type]
        ),
    ).do()
    exercise = text.index("joint military exercise") + len("joint military ")
    events.create(
        DOC,
        Event(
            trigger(exercise, exercise + 8, "COOPERATE"),
            "COOPERATE",
            context="military",
            cameo="062",
            arguments=(
                Argument("actor", Ref(actor_id=ids["Iran"])),
                Argument("recipient", Ref(actor_id=ids["Syria"])),
                Argument("location", Ref(span_id=spans["Homs province"].id)),
            ),
        ),
    ).do()
    identified = text.index("He identified") + 3
    events.create(
        DOC,
        Event(
            trigger(identified, identified + 10, "STATEMENT"),
            "STATEMENT",
            cameo="010",
            arguments=(
                Argument("actor", Ref(actor_id=ids["Ismail Qaani"])),
                Argument("recipient", Ref(span_id=spans["U.S."].id)),
            ),
        ),
    ).do()
    framing.set_assessment(
        DOC,
        FrameAssessment(
            frames=("Security_and_defense", "External_regulation_and_reputation", "Political"),
            primary="Security_and_defense",
            headline="Security_and_defense",
            tone="explicit_anti",
            tone_target=ids["Iran"],
            roles=(
                ActorRole(ids["Iran"], "antagonist"),
                ActorRole(ids["Israel"], "innocent"),
                ActorRole(ids["Hezbollah"], "antagonist"),
            ),
        ),
    ).do()
    quote = "Iran’s intent to encircle Israel"
    at = text.index(quote)
    framing.add_evidence(DOC, at, at + len(quote), "Security_and_defense").do()
    framing.add_evidence(DOC, at, at + len(quote), "Loaded_Language").do()
    session.set_status(DOC, Status.DONE).do()
    # Bob frames the document without marking a single span: he confirms a model's suggestion.
    bob = FramingCommands(AnnotationSession(store, store.annotators.get_or_create("bob")))
    confirmed = FrameAssessment(frames=("Political",), primary="Political", suggested_by=MODEL_ORIGIN)
    bob.set_assessment(DOC, confirmed, "Accept model frames").do()


def test_fully_annotated_seed_round_trips_losslessly(seeded_db: Path, tmp_path: Path) -> None:
    store = Store(seeded_db)
    try:
        annotate_fully(store)
        first = tmp_path / "first.jsonl"
        export_jsonl(store, first)
    finally:
        store.close()

    empty = Store(tmp_path / "empty.sqlite")
    try:
        report = import_annotations(empty, first)
        assert report.imported == len(first.read_text(encoding="utf-8").splitlines())
        second = tmp_path / "second.jsonl"
        export_jsonl(empty, second)
    finally:
        empty.close()

    lines1 = first.read_text(encoding="utf-8").splitlines()
    lines2 = second.read_text(encoding="utf-8").splitlines()
    records1 = [json.loads(line) for line in lines1]
    by_key = {(r["text_sha256"], r["annotator"]): r for r in records1}
    records2 = [json.loads(line) for line in lines2]
    assert len(records2) == len(records1)
    for record in records2:
        assert record == by_key[(record["text_sha256"], record["annotator"])]
    assert sorted(lines2) == sorted(lines1)

    alice = by_key[(_sha_of(records1, DOC), "alice")]
    assert alice["status"] == "done" and alice["format_version"] == 2
    names = {a["name"] for a in alice["actors"]}
    assert {"Ismail Qaani", "Syria", "Iran", "Iran Dossier", "Hezbollah", "United States"} <= names
    assert len(alice["events"]) == 3
    assert {e["category"] for e in alice["events"]} == {"CONSULT", "COOPERATE", "STATEMENT"}
    assert alice["frames"]["primary"] == "Security_and_defense"
    assert len(alice["frames"]["evidence"]) == 2
    spans = {s["id"]: s for s in alice["spans"]}
    for event in alice["events"]:
        assert spans[event["trigger"]]["layer"] == "event"
        assert spans[event["trigger"]]["label"] == event["category"]
    uids = {a["id"] for a in alice["actors"]}
    assert all(s["actor"] in uids for s in alice["spans"] if "actor" in s)
    bob = by_key[(_sha_of(records1, DOC), "bob")]
    assert bob["spans"] == [] and bob["frames"]["present"] == ["Political"]
    # Where a framing came from travels with it (written only when a model suggested it).
    assert bob["frames"]["suggested_by"] == MODEL_ORIGIN
    assert "suggested_by" not in alice["frames"]

    schema = json.loads(resource("annotator-record.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for record in records1:
        assert list(validator.iter_errors(record)) == []


def _sha_of(records: list[dict], doc_index: int) -> str:
    """The text hash of the document imported as ``doc_index`` (documents keep file order)."""
    shas: list[str] = []
    for record in records:
        if record["text_sha256"] not in shas:
            shas.append(record["text_sha256"])
    return shas[doc_index - 1]


def test_reader_rebuilds_the_analysis_objects(seeded_db: Path, tmp_path: Path) -> None:
    store = Store(seeded_db)
    try:
        annotate_fully(store)
        path = tmp_path / "out.jsonl"
        export_jsonl(store, path, annotator="alice")
    finally:
        store.close()
    (record,) = [r for r in read_jsonl(path) if r.events]
    by_id = {s.id: s for s in record.spans}
    assert [s.id for s in record.spans] == list(range(1, len(record.spans) + 1))
    actors = {a.id: a for a in record.actors}
    consult = next(e for e in record.events if e.category == "CONSULT")
    (actor_ref,) = consult.refs("actor")
    assert record.text[by_id[actor_ref.span_id].start : by_id[actor_ref.span_id].end] == "Esmail Qaani"
    assert actors[record.mentions[actor_ref.span_id]].name == "Ismail Qaani"  # type: ignore[index]
    assert actors[consult.source.actor_id].name == "Iran Dossier"  # type: ignore[union-attr,index]
    assert record.frames is not None and record.frames.tone == "explicit_anti"
    assert actors[record.frames.tone_target].name == "Iran"  # type: ignore[index]
