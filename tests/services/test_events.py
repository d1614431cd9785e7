"""Event commands: the form's coding rules (valid modes, required roles, CAMEO per category,
DOMAIN.md's rules) and create/edit/delete with undo and redo, one transaction each."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.events import Argument, Event, Ref
from annotator.core.model import Span, Status
from annotator.core.problems import ValidationError
from annotator.services.actors import ActorRegistry
from annotator.services.annotate import AnnotationSession
from annotator.services.events import EventCommands, trigger
from annotator.store import Store

DOC = 3  # 002, English, 'to do'


@pytest.fixture
def env(seeded_both: Path):
    store = Store(seeded_both)
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    actors = {a.name: int(a.id) for a in ActorRegistry(store).actors()}  # type: ignore[arg-type]
    yield store, session, EventCommands(session), actors
    store.close()


def _consult(text: str, actors: dict[str, int], **changes) -> Event:
    start = text.index("visited")
    event = Event(
        trigger(start, start + 7, "CONSULT"),
        "CONSULT",
        mode="visit",
        context="military",
        cameo="042",
        arguments=(
            Argument("actor", Ref(actor_id=actors["Ismail Qaani"])),
            Argument("recipient", Ref(actor_id=actors["Syria"])),
        ),
        date="2023-09",
        factuality="reported",
        source=Ref(actor_id=actors["Tasnim News Agency"]),
    )
    return event.with_(**changes)


def test_form_offers_only_valid_modes_and_cameo_codes(env) -> None:
    _store, _session, events, _actors = env
    assert [m.id for m in events.modes_for("CONSULT")] == ["visit", "third-party", "multilateral", "phone"]
    assert events.modes_for("COOPERATE") == ()
    assert {c.code for c in events.cameo_for("CONSULT")} >= {"040", "042", "043", "044", "046"}
    assert all(c.category == "COOPERATE" for c in events.cameo_for("COOPERATE"))
    assert events.proposed_cameo("CONSULT", "visit") == "042"
    assert events.proposed_cameo("STATEMENT") == "010"


def test_coding_rules_are_enforced(env) -> None:
    store, _session, events, actors = env
    text = store.documents.get(DOC).text

    def problems(**changes) -> dict[str, str]:
        found = events.validate(DOC, _consult(text, actors, **changes))
        return {p.field: p.message for p in found if p.is_error}

    assert problems() == {}
    # CONSULT needs an actor and a recipient (the visitor and the host).
    no_host = problems(arguments=(Argument("actor", Ref(actor_id=actors["Ismail Qaani"])),))
    assert "CONSULT needs a recipient" in no_host["recipient"]
    assert "CONSULT needs an actor (Who acts" in problems(arguments=())["actor"]
    assert "not a mode of CONSULT" in problems(mode="troops")["mode"]
    assert "unknown context" in problems(context="weather")["context"]
    assert "maps to COOPERATE, not CONSULT" in problems(cameo="062")["cameo"]
    assert "not a date" in problems(date="Thursday")["date"]
    assert "unknown factuality" in problems(factuality="rumoured")["factuality"]
    # A planned future visit is AGREE.
    assert "AGREE" in problems(factuality="future")["category"]
    assert (
        "same"
        in problems(
            arguments=(
                Argument("actor", Ref(actor_id=actors["Syria"])),
                Argument("recipient", Ref(actor_id=actors["Syria"])),
            )
        )["arguments"]
    )
    assert (
        "not one of your spans"
        in problems(
            arguments=(
                Argument("actor", Ref(span_id=999_999)),
                Argument("recipient", Ref(actor_id=actors["Syria"])),
            )
        )["actor"]
    )
    assert "time" in problems(
        arguments=(
            *_consult(text, actors).arguments,
            Argument("time", Ref(actor_id=actors["Syria"])),
        )
    )
    # A joint exercise is COOPERATE: MOBILIZE with two actors gets a warning, not an error.
    mobilize = _consult(
        text,
        actors,
        category="MOBILIZE",
        mode="troops",
        cameo="15",
        arguments=(
            Argument("actor", Ref(actor_id=actors["Iran"])),
            Argument("actor", Ref(actor_id=actors["Syria"])),
        ),
    )
    found = events.validate(DOC, mobilize)
    assert not [p for p in found if p.is_error]
    assert any("joint military exercise is COOPERATE" in p.message for p in found)
    with pytest.raises(ValidationError) as info:
        events.create(DOC, _consult(text, actors, arguments=()))
    assert {p.field for p in info.value.problems if p.is_error} == {"actor", "recipient"}


def test_create_edit_delete_with_undo_and_redo(env) -> None:
    store, session, events, actors = env
    text = store.documents.get(DOC).text
    # The location is a span of the analyst's own.
    homs = text.index("Homs province")
    add = session.add(DOC, [Span(homs, homs + 13, "GPE")])
    add.do()
    location = add.spans[0].id
    create = events.create(
        DOC,
        _consult(text, actors).with_(
            arguments=(*_consult(text, actors).arguments, Argument("location", Ref(span_id=location)))
        ),
    )
    change = create.do()
    assert change.events and change.spans
    (stored,) = events.events(DOC)
    assert stored.trigger.label == "CONSULT" and stored.trigger.layer == "event"
    assert text[stored.trigger.start : stored.trigger.end] == "visited"
    assert stored.refs("location") == [Ref(span_id=location)]
    assert stored.source == Ref(actor_id=actors["Tasnim News Agency"])
    assert stored.factuality == "reported" and stored.date == "2023-09" and stored.cameo == "042"
    create.undo()
    assert events.events(DOC) == []
    assert [s.layer for s in session.own_spans(DOC)] == ["entity"]
    create.do()
    assert events.events(DOC) == [stored]  # redo: same event id, same trigger span id

    edit = events.edit(DOC, stored.with_(category="COOPERATE", mode="", cameo="062"))
    edit.do()
    (edited,) = events.events(DOC)
    assert edited.category == "COOPERATE" and edited.trigger.label == "COOPERATE"
    assert edited.trigger.id == stored.trigger.id
    edit.undo()
    assert events.events(DOC) == [stored]
    edit.do()
    edit.undo()

    delete = events.delete(DOC, int(stored.id))  # type: ignore[arg-type]
    delete.do()
    assert events.events(DOC) == []
    assert all(s.layer != "event" for s in session.own_spans(DOC))
    delete.undo()
    assert events.events(DOC) == [stored]

    # Deleting the location span drops that argument; undo puts the argument back.
    drop = session.delete(DOC, [location])  # type: ignore[list-item]
    assert drop.do().events
    assert events.events(DOC)[0].refs("location") == []
    drop.undo()
    assert events.events(DOC) == [stored]


def test_a_first_event_starts_the_document_and_undo_restores_todo(env) -> None:
    store, _session, events, actors = env
    text = store.documents.get(DOC).text
    assert store.documents.get(DOC).status is Status.TODO
    create = events.create(DOC, _consult(text, actors))
    assert create.do().status
    assert store.documents.get(DOC).status is Status.IN_PROGRESS
    create.undo()
    assert store.documents.get(DOC).status is Status.TODO


def test_events_belong_to_their_annotator(env) -> None:
    store, _session, events, actors = env
    text = store.documents.get(DOC).text
    events.create(DOC, _consult(text, actors)).do()
    bob = EventCommands(AnnotationSession(store, store.annotators.get_or_create("bob")))
    assert bob.events(DOC) == []
    bob.create(DOC, _consult(text, actors, category="AGREE", mode="", cameo="036", factuality="future")).do()
    assert [e.category for e in bob.events(DOC)] == ["AGREE"]
    assert [e.category for e in events.events(DOC)] == ["CONSULT"]
    with pytest.raises(ValidationError, match="already has this trigger"):
        events.create(DOC, _consult(text, actors))
