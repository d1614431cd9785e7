"""Actor commands on a real seeded database: create/edit/rename/delete, accepting suggestions as
actor mentions, tagging every mention, merge and split, each undone and redone."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.actors import Actor
from annotator.core.errors import AnnotatorError, StoreError
from annotator.core.events import Argument, Event, Ref
from annotator.core.framing import ActorRole, FrameAssessment
from annotator.core.model import Span, Status
from annotator.core.problems import ValidationError
from annotator.services.actors import ActorCommands, ActorRegistry
from annotator.services.annotate import AnnotationSession
from annotator.services.events import EventCommands, trigger
from annotator.services.framing import FramingCommands
from annotator.store import Store

DOC_EN = 3  # 002: the Israeli brief (English), untouched: status 'to do'


class World:
    def __init__(self, path: Path) -> None:
        self.store = Store(path)
        self.session = AnnotationSession(self.store, self.store.annotators.get_or_create("alice"))
        self.registry = ActorRegistry(self.store)
        self.cmd = ActorCommands(self.session, self.registry)

    def actor(self, name: str) -> Actor:
        return next(a for a in self.registry.actors() if a.name == name)

    def text(self, doc_id: int) -> str:
        return self.store.documents.get(doc_id).text

    def suggestion(self, doc_id: int, surface: str) -> Span:
        text = self.text(doc_id)
        return next(s for s in self.session.suggestions(doc_id) if text[s.start : s.end] == surface)

    def links(self, doc_id: int) -> dict[int, int]:
        return self.registry.mentions(doc_id, self.session.annotator.id)


@pytest.fixture
def world(seeded_both: Path):
    w = World(seeded_both)
    yield w
    w.store.close()


def test_create_edit_rename_delete_with_undo_redo(world: World) -> None:
    create = world.cmd.create(Actor("Sven Koopmans Jr", kind="person", country="NLD", sector="EUR"))
    create.do()
    actor = create.actor
    assert actor.id is not None and actor.uid
    assert world.registry.propose("Sven Koopmans Jr")[0].id == actor.id  # type: ignore[index]
    create.undo()
    assert all(a.name != "Sven Koopmans Jr" for a in world.registry.actors())
    create.do()  # redo: same id and uid
    assert world.actor("Sven Koopmans Jr").id == actor.id
    assert world.actor("Sven Koopmans Jr").uid == actor.uid

    rename = world.cmd.rename(int(actor.id), "Sven Koopmans II")  # type: ignore[arg-type]
    change = rename.do()
    assert change.actors
    renamed = world.actor("Sven Koopmans II")
    assert "Sven Koopmans Jr" in renamed.aliases
    rename.undo()
    assert world.actor("Sven Koopmans Jr").aliases == ()

    # A rename that changes nothing but the name is seen by the alias index at once.
    plain = world.cmd.rename(int(actor.id), "Koopmans Junior", keep_old_as_alias=False)  # type: ignore[arg-type]
    plain.do()
    assert world.registry.candidates("Koopmans Junior")[0].actor.id == actor.id
    assert all(c.how != "exact" for c in world.registry.candidates("Sven Koopmans Jr"))
    plain.undo()
    assert world.registry.candidates("Sven Koopmans Jr")[0].how == "exact"

    edit = world.cmd.edit(world.actor("Sven Koopmans Jr").with_(wikidata="Q123", notes="envoy"))
    edit.do()
    assert world.actor("Sven Koopmans Jr").wikidata == "Q123"
    edit.undo()
    assert world.actor("Sven Koopmans Jr").wikidata == ""

    delete = world.cmd.delete(int(actor.id))  # type: ignore[arg-type]
    delete.do()
    assert all(a.id != actor.id for a in world.registry.actors())
    delete.undo()
    assert world.actor("Sven Koopmans Jr").uid == actor.uid


def test_actor_validation_and_name_clashes(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        world.cmd.create(Actor("Somebody", kind="alien", country="Iran", sector="XYZ", wikidata="42"))
    fields = {p.field for p in info.value.problems if p.is_error}
    assert fields == {"kind", "country", "sector", "wikidata"}
    with pytest.raises(ValidationError):
        world.cmd.create(Actor("   ", kind="person"))
    clash = world.cmd.create(Actor("ismail qaani", kind="person"))
    with pytest.raises(StoreError, match="exists already"):
        clash.do()
    qaani = world.actor("Ismail Qaani")
    with pytest.raises(StoreError, match="still referred to|merge"):
        span = world.cmd.accept_suggestions(DOC_EN, [world.suggestion(DOC_EN, "Esmail Qaani")])
        span.do()
        world.cmd.delete(int(qaani.id)).do()  # type: ignore[arg-type]


def test_accept_suggestion_as_mention_of_the_proposed_actor_in_one_step(world: World) -> None:
    suggestion = world.suggestion(DOC_EN, "Esmail Qaani")
    command = world.cmd.accept_suggestions(DOC_EN, [suggestion])
    change = command.do()
    assert change.spans and change.actors and change.status
    own = world.session.own_spans(DOC_EN)
    assert [(s.start, s.end, s.label, s.origin.value) for s in own] == [
        (suggestion.start, suggestion.end, "PERSON", "model")
    ]
    qaani = world.actor("Ismail Qaani")
    assert world.links(DOC_EN) == {own[0].id: qaani.id}
    assert world.store.documents.get(DOC_EN).status is Status.IN_PROGRESS
    command.undo()
    assert world.session.own_spans(DOC_EN) == [] and world.links(DOC_EN) == {}
    assert world.store.documents.get(DOC_EN).status is Status.TODO
    command.do()
    assert world.links(DOC_EN) == {own[0].id: qaani.id}  # redo: the same span id

    # A suggestion nobody is registered for becomes a new actor, of the label's kind.
    unknown = world.suggestion(DOC_EN, "Homs province")
    before = len(world.registry.actors())
    command = world.cmd.accept_suggestions(DOC_EN, [unknown])
    command.do()
    created = world.actor("Homs province")
    assert created.kind == "state" and len(world.registry.actors()) == before + 1
    command.undo()
    assert len(world.registry.actors()) == before


def test_accept_many_suggestions_each_with_its_actor(world: World) -> None:
    wanted = ["IRGC", "Esmail Qaani", "The Syrian Observatory for Human Rights", "Hezbollah", "U.S."]
    suggestions = [world.suggestion(DOC_EN, w) for w in wanted]
    command = world.cmd.accept_suggestions(DOC_EN, suggestions)
    command.do()
    text = world.text(DOC_EN)
    by_text = {
        text[s.start : s.end]: world.registry.actor(world.links(DOC_EN)[s.id]).name  # type: ignore[index]
        for s in world.session.own_spans(DOC_EN)
    }
    assert by_text == {
        "IRGC": "Islamic Revolutionary Guard Corps",
        "Esmail Qaani": "Ismail Qaani",
        "The Syrian Observatory for Human Rights": "Syrian Observatory for Human Rights",
        "Hezbollah": "Hezbollah",
        "U.S.": "United States",
    }


def test_accept_proposal_links_an_existing_span(world: World) -> None:
    text = world.text(DOC_EN)
    start = text.index("Esmail Qaani")
    add = world.session.add(DOC_EN, [Span(start, start + 12, "PERSON")])
    add.do()
    span_id = add.spans[0].id
    link = world.cmd.accept_proposal(DOC_EN, span_id)  # type: ignore[arg-type]
    link.do()
    assert world.links(DOC_EN) == {span_id: world.actor("Ismail Qaani").id}
    link.undo()
    assert world.links(DOC_EN) == {}
    start = text.index("Homs province")
    add = world.session.add(DOC_EN, [Span(start, start + 13, "GPE")])
    add.do()
    with pytest.raises(AnnotatorError, match="no actor is proposed"):
        world.cmd.accept_proposal(DOC_EN, add.spans[0].id)  # type: ignore[arg-type]


def test_tag_every_other_mention_of_an_actor(world: World) -> None:
    text = world.text(DOC_EN)
    first = world.cmd.accept_suggestions(DOC_EN, [world.suggestion(DOC_EN, "Esmail Qaani")])
    first.do()
    qaani = world.actor("Ismail Qaani")
    tag = world.cmd.tag_all(DOC_EN, int(qaani.id))  # type: ignore[arg-type]
    tag.do()
    spans = world.session.own_spans(DOC_EN)
    surfaces = [text[s.start : s.end] for s in spans]
    # Every "Qaani" (also "Qaani’s") is tagged, the one already tagged only once.
    assert surfaces.count("Esmail Qaani") == 1
    assert surfaces.count("Qaani") == text.count("Qaani") - 1
    assert all(s.label == "PERSON" for s in spans)
    assert set(world.links(DOC_EN).values()) == {qaani.id}
    assert len(world.links(DOC_EN)) == len(spans) == tag.count + 1
    ids = sorted(s.id for s in spans)  # type: ignore[type-var]
    tag.undo()
    assert len(world.session.own_spans(DOC_EN)) == 1
    tag.do()
    assert sorted(s.id for s in world.session.own_spans(DOC_EN)) == ids  # type: ignore[type-var]
    # Nothing left to tag: a second run adds nothing.
    assert world.cmd.tag_all(DOC_EN, int(qaani.id)).count == 0  # type: ignore[arg-type]


def test_merge_moves_everything_and_undo_brings_it_back(world: World) -> None:
    text = world.text(DOC_EN)
    dup = world.cmd.create(Actor("E. Qaani", aliases=("Quds chief",), kind="person", notes="dup"))
    dup.do()
    dup_id = int(dup.actor.id)  # type: ignore[arg-type]
    qaani = world.actor("Ismail Qaani")
    qaani_id = int(qaani.id)  # type: ignore[arg-type]
    accept = world.cmd.accept_suggestions(DOC_EN, [world.suggestion(DOC_EN, "Esmail Qaani")], actor=dup_id)
    accept.do()
    mention_id = accept.change.added[0][0].id  # type: ignore[union-attr]
    events = EventCommands(world.session)
    visit = text.index("visited")
    syria = world.actor("Syria")
    event = events.create(
        DOC_EN,
        Event(
            trigger(visit, visit + 7, "CONSULT"),
            "CONSULT",
            mode="visit",
            arguments=(
                Argument("actor", Ref(actor_id=dup_id)),
                Argument("recipient", Ref(actor_id=syria.id)),
            ),
        ),
    )
    event.do()
    framing = FramingCommands(world.session)
    framing.set_assessment(
        DOC_EN,
        FrameAssessment(
            frames=("Security_and_defense",),
            tone="implicit_anti",
            tone_target=dup_id,
            roles=(ActorRole(dup_id, "antagonist"), ActorRole(qaani_id, "protagonist")),
        ),
    ).do()

    merge = world.cmd.merge(qaani_id, dup_id, DOC_EN)
    merge.do()
    assert all(a.id != dup_id for a in world.registry.actors())
    merged = world.actor("Ismail Qaani")
    assert {"E. Qaani", "Quds chief"} <= set(merged.aliases) and merged.notes == qaani.notes
    assert world.links(DOC_EN) == {mention_id: qaani_id}
    (stored,) = events.events(DOC_EN)
    assert stored.refs("actor") == [Ref(actor_id=qaani_id)]
    frames = framing.assessment(DOC_EN)
    assert frames.tone_target == qaani_id
    assert frames.roles == (ActorRole(qaani_id, "protagonist"),)  # the kept actor's role wins

    merge.undo()
    assert world.actor("E. Qaani").id == dup_id
    assert world.actor("E. Qaani").aliases == ("Quds chief",)
    assert world.actor("Ismail Qaani") == qaani
    assert world.links(DOC_EN) == {mention_id: dup_id}
    assert events.events(DOC_EN)[0].refs("actor") == [Ref(actor_id=dup_id)]
    frames = framing.assessment(DOC_EN)
    assert frames.tone_target == dup_id
    assert set(frames.roles) == {ActorRole(dup_id, "antagonist"), ActorRole(qaani_id, "protagonist")}

    merge.do()  # redo
    assert world.links(DOC_EN) == {mention_id: qaani_id}
    with pytest.raises(StoreError):
        world.cmd.merge(qaani_id, qaani_id).do()


def test_split_an_alias_off_with_its_mentions(world: World) -> None:
    text = world.text(DOC_EN)
    accept = world.cmd.accept_suggestions(DOC_EN, [world.suggestion(DOC_EN, "Esmail Qaani")])
    accept.do()
    qaani = world.actor("Ismail Qaani")
    tag = world.cmd.tag_all(DOC_EN, int(qaani.id))  # type: ignore[arg-type]
    tag.do()
    split = world.cmd.split(int(qaani.id), "Esmail Qaani", DOC_EN)  # type: ignore[arg-type]
    split.do()
    esmail = world.actor("Esmail Qaani")
    assert esmail.kind == "person" and esmail.country == "IRN"
    assert esmail.aliases == ("Esmaïl Qaani",)  # the spelling that normalises alike goes too
    assert "Esmail Qaani" not in world.actor("Ismail Qaani").aliases
    links = world.links(DOC_EN)
    moved = [sid for sid, aid in links.items() if aid == esmail.id]
    spans = {s.id: s for s in world.session.own_spans(DOC_EN)}
    assert [text[spans[i].start : spans[i].end] for i in moved] == ["Esmail Qaani"]
    assert world.registry.propose("Esmail Qaani")[0].id == esmail.id  # type: ignore[index]
    split.undo()
    assert "Esmail Qaani" in world.actor("Ismail Qaani").aliases
    assert all(a.name != "Esmail Qaani" for a in world.registry.actors())
    assert set(world.links(DOC_EN).values()) == {qaani.id}
    split.do()
    assert world.actor("Esmail Qaani").uid == esmail.uid  # redo: the same actor
    with pytest.raises(StoreError, match="not an alias"):
        world.cmd.split(int(qaani.id), "Nobody", DOC_EN)  # type: ignore[arg-type]


def test_deleting_a_mention_span_drops_its_link_and_undo_restores_it(world: World) -> None:
    accept = world.cmd.accept_suggestions(DOC_EN, [world.suggestion(DOC_EN, "Hezbollah")])
    accept.do()
    (span,) = world.session.own_spans(DOC_EN)
    delete = world.session.delete(DOC_EN, [span.id])  # type: ignore[list-item]
    change = delete.do()
    assert change.actors and world.links(DOC_EN) == {}
    delete.undo()
    assert world.links(DOC_EN) == {span.id: world.actor("Hezbollah").id}


def test_registry_list_counts_and_search(world: World) -> None:
    accept = world.cmd.accept_suggestions(
        DOC_EN, [world.suggestion(DOC_EN, "Esmail Qaani"), world.suggestion(DOC_EN, "IRGC")]
    )
    accept.do()
    rows = {r.actor.name: r for r in world.registry.summaries()}
    assert rows["Ismail Qaani"].mentions == 1 and rows["Ismail Qaani"].documents == 1
    assert rows["Iran"].mentions == 0
    assert [r.actor.name for r in world.registry.summaries("esmaïl")] == ["Ismail Qaani"]
    assert "Islamic Revolutionary Guard Corps" in [r.actor.name for r in world.registry.summaries("CGRI")]


def test_french_suggestions_are_accepted_with_their_actors(world: World) -> None:
    doc = 2  # 001, the French version of the story (PER/ORG/LOC pipeline)
    text = world.text(doc)
    surfaces = ["CGRI", "Esmaïl Qaani", "États-Unis", "Daech", "Ebrahim Raïssi", "Bachar al-Assad", "Damas"]
    suggestions = [world.suggestion(doc, s) for s in surfaces]
    world.cmd.accept_suggestions(doc, suggestions).do()
    named = {
        text[s.start : s.end]: world.registry.actor(world.links(doc)[s.id]).name  # type: ignore[index]
        for s in world.session.own_spans(doc)
    }
    assert named == {
        "CGRI": "Islamic Revolutionary Guard Corps",
        "Esmaïl Qaani": "Ismail Qaani",
        "États-Unis": "United States",
        "Daech": "Islamic State",
        "Ebrahim Raïssi": "Ebrahim Raisi",
        "Bachar al-Assad": "Bashar al-Assad",
        "Damas": "Syria",
    }
