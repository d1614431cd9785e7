"""Framing commands: frames, primary frame, tone and actor roles saved per annotator, evidence
passages, validation, and undo/redo of each kind of change."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.framing import ActorRole, FrameAssessment
from annotator.core.model import Status
from annotator.core.problems import ValidationError
from annotator.services.actors import ActorRegistry
from annotator.services.annotate import AnnotationSession
from annotator.services.framing import FramingCommands
from annotator.store import Store

DOC = 3


@pytest.fixture
def env(seeded_both: Path):
    store = Store(seeded_both)
    alice = FramingCommands(AnnotationSession(store, store.annotators.get_or_create("alice")))
    bob = FramingCommands(AnnotationSession(store, store.annotators.get_or_create("bob")))
    actors = {a.name: int(a.id) for a in ActorRegistry(store).actors()}  # type: ignore[arg-type]
    yield store, alice, bob, actors
    store.close()


def test_framing_is_saved_per_annotator(env) -> None:
    store, alice, bob, actors = env
    alice.set_frames(DOC, ["Security_and_defense", "External_regulation_and_reputation"]).do()
    alice.set_primary(DOC, "Security_and_defense").do()
    alice.set_tone(DOC, "explicit_anti", actors["Iran"]).do()
    alice.set_role(DOC, actors["Iran"], "antagonist").do()
    alice.set_role(DOC, actors["Israel"], "innocent").do()
    bob.set_frames(DOC, ["Political"], primary="Political").do()
    bob.set_tone(DOC, "neutral").do()

    mine = alice.assessment(DOC)
    assert mine.frames == ("Security_and_defense", "External_regulation_and_reputation")
    assert mine.primary == "Security_and_defense"
    assert (mine.tone, mine.tone_target) == ("explicit_anti", actors["Iran"])
    assert set(mine.roles) == {
        ActorRole(actors["Iran"], "antagonist"),
        ActorRole(actors["Israel"], "innocent"),
    }
    theirs = bob.assessment(DOC)
    assert theirs == FrameAssessment(frames=("Political",), primary="Political", tone="neutral")
    # Stored in the database: a new session reads the same.
    store2 = Store(store.path)
    try:
        annotator = store2.annotators.get_or_create("alice")
        again = FramingCommands(AnnotationSession(store2, annotator)).assessment(DOC)
        assert again == mine
    finally:
        store2.close()


def test_each_kind_of_change_undoes_and_redoes(env) -> None:
    store, alice, _bob, actors = env
    assert store.documents.get(DOC).status is Status.TODO
    steps = [
        alice.set_frames(DOC, ["Security_and_defense", "Political"]),
        alice.set_primary(DOC, "Political"),
        alice.set_headline(DOC, "Security_and_defense"),
        alice.set_tone(DOC, "implicit_pro", actors["Syria"]),
        alice.set_role(DOC, actors["Syria"], "protagonist"),
    ]
    states = [alice.assessment(DOC)]
    for step in steps:
        change = step.do()
        assert change.frames
        states.append(alice.assessment(DOC))
    assert store.documents.get(DOC).status is Status.IN_PROGRESS
    for step, before in zip(reversed(steps), reversed(states[:-1]), strict=True):
        step.undo()
        assert alice.assessment(DOC) == before
    assert store.documents.get(DOC).status is Status.TODO
    assert not alice.repo.has_assessment(DOC, alice.session.annotator.id)
    for step, after in zip(steps, states[1:], strict=True):
        step.do()
        assert alice.assessment(DOC) == after
    role_off = alice.set_role(DOC, actors["Syria"], None)
    role_off.do()
    assert alice.assessment(DOC).roles == ()
    role_off.undo()
    assert alice.assessment(DOC).roles == (ActorRole(actors["Syria"], "protagonist"),)
    clear = alice.clear(DOC)
    clear.do()
    assert alice.assessment(DOC) == FrameAssessment()
    clear.undo()
    assert alice.assessment(DOC) == states[-1]


def test_unticking_the_primary_frame_clears_it(env) -> None:
    _store, alice, _bob, _actors = env
    alice.set_frames(DOC, ["Political", "Economic"], primary="Political").do()
    alice.set_frames(DOC, ["Economic"]).do()
    assert alice.assessment(DOC) == FrameAssessment(frames=("Economic",))


def test_validation(env) -> None:
    _store, alice, _bob, actors = env
    with pytest.raises(ValidationError, match="unknown frame dimension 'Weather'"):
        alice.set_frames(DOC, ["Weather"])
    with pytest.raises(ValidationError, match="unknown tone"):
        alice.set_tone(DOC, "furious")
    with pytest.raises(ValidationError, match="unknown role"):
        alice.set_role(DOC, actors["Iran"], "villain")
    with pytest.raises(ValidationError, match="no actor with id 999999"):
        alice.set_role(DOC, 999_999, "antagonist")
    with pytest.raises(ValidationError, match="a tone target needs a tone"):
        alice.set_assessment(DOC, FrameAssessment(tone_target=actors["Iran"]))
    # The primary frame always counts as present.
    alice.set_assessment(DOC, FrameAssessment(primary="Political")).do()
    assert alice.assessment(DOC).frames == ("Political",)


def test_evidence_passages_of_frames_and_persuasion_techniques(env) -> None:
    store, alice, bob, _actors = env
    text = store.documents.get(DOC).text
    quote = "defending nations standing against global oppression and arrogance"
    start = text.index(quote)
    flag = alice.add_evidence(DOC, start, start + len(quote), "Flag_Waving")
    assert flag.do().frames
    frame_start = text.index("Iran’s intent to encircle Israel")
    frame = alice.add_evidence(DOC, frame_start, frame_start + 32, "Security_and_defense")
    frame.do()
    passages = alice.evidence(DOC)
    assert [(p.layer, p.label, text[p.start : p.end]) for p in passages] == [
        ("persuasion", "Flag_Waving", quote),
        ("frame", "Security_and_defense", "Iran’s intent to encircle Israel"),
    ]
    assert alice.assessment(DOC).evidence == tuple(p.id for p in passages)
    assert bob.evidence(DOC) == []
    frame.undo()
    assert [p.label for p in alice.evidence(DOC)] == ["Flag_Waving"]
    frame.do()
    assert [p.label for p in alice.evidence(DOC)] == ["Flag_Waving", "Security_and_defense"]
    with pytest.raises(AnnotatorError, match="neither a frame dimension nor a persuasion technique"):
        alice.add_evidence(DOC, 0, 5, "PERSON")
    with pytest.raises(AnnotatorError, match="already tagged"):
        alice.add_evidence(DOC, start, start + len(quote), "Flag_Waving")
    with pytest.raises(AnnotatorError, match="not inside the text"):
        alice.add_evidence(DOC, 0, len(text) + 1, "Doubt")
