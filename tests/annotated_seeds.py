"""The sample corpus as an analyst would annotate it: outlets and dates, actor mentions, events
and framing, made through the application's own commands (as the GUI makes them).

Used by the corpus-view tests (whose expected figures are counted by hand from the seed texts and
this file) and to make the README's screenshots:

    python -m tests.annotated_seeds OUT.sqlite

The five seeds, in import order: 000 Iranian media (EN), 001 the same story in French, 002 an
Israeli think-tank brief, 003 Asharq Al-Awsat (with a second, unrelated article on the page),
004 Islam Times on a May 2023 meeting in Tehran.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from annotator.core.events import Argument, Event, Ref
from annotator.core.framing import ActorRole, FrameAssessment
from annotator.core.labels import default_labels
from annotator.services.actors import ActorCommands, ActorRegistry
from annotator.services.annotate import AnnotationSession
from annotator.services.events import EventCommands, trigger
from annotator.services.framing import FramingCommands
from annotator.store import Store

ANALYST = "alice"

# (outlet, date) the analyst enters in each document's details.
OUTLETS = [
    ("Iranian media", "2023-09-22"),
    ("Iranian media (FR)", "2023-09-22"),
    ("Israeli think tank", "2023-09-24"),
    ("Asharq Al-Awsat", "2023-09-23"),
    ("Islam Times", "2023-05-12"),
]

# Actors tagged everywhere they are named ("tag every mention"), per document.
TAGGED = {
    0: ["Ismail Qaani", "Quds Force", "Islamic Revolutionary Guard Corps", "Iran", "Syria", "United States",
        "Ebrahim Raisi", "Bashar al-Assad"],
    1: ["Ismail Qaani", "Quds Force", "Islamic Revolutionary Guard Corps", "Iran", "Syria", "United States"],
    2: ["Ismail Qaani", "Quds Force", "Islamic Revolutionary Guard Corps", "Iran", "Syria", "United States",
        "Hezbollah", "Israel"],
    3: ["Ismail Qaani", "Quds Force", "Iran", "Syria", "United States", "Bashar al-Assad", "Qasem Soleimani"],
    4: ["Mohammad Baqeri", "Mohammad Reza Ashtiani", "Abdul Karim Mahmoud Ibrahim", "Iran", "Syria", "Israel",
        "Ebrahim Raisi"],
}


@dataclass(frozen=True)
class EventSpec:
    doc: int
    trigger: str  # the trigger's text; the first occurrence after ``after``
    category: str
    actor: str
    recipient: str
    date: str
    mode: str = ""
    context: str = ""
    cameo: str = ""
    after: str = ""


EVENTS = [
    EventSpec(0, "visited", "CONSULT", "Ismail Qaani", "Syria", "2023-09-21", "visit", "military", "042"),
    EventSpec(0, "supervised", "COOPERATE", "Iran", "Syria", "2023-09-21", "", "military", "062"),
    EventSpec(1, "s’est rendu", "CONSULT", "Ismail Qaani", "Syria", "2023-09-21", "visit", "military", "042"),
    EventSpec(1, "supervisé", "COOPERATE", "Iran", "Syria", "2023-09-21", "", "military", "062"),
    EventSpec(2, "visited", "CONSULT", "Ismail Qaani", "Syria", "2023-09-21", "visit", "military", "042"),
    EventSpec(2, "overseeing", "COOPERATE", "Iran", "Syria", "2023-09-21", "", "military", "062"),
    EventSpec(3, "visited", "CONSULT", "Ismail Qaani", "Syria", "2023-09-21", "visit", "military", "042"),
    EventSpec(3, "strike", "ASSAULT", "United States", "Qasem Soleimani", "2020-01-03", "drone", "military",
              "", after="US drone"),
    EventSpec(4, "held separate meetings", "CONSULT", "Abdul Karim Mahmoud Ibrahim", "Iran", "2023-05-10",
              "visit", "military", "042"),
    EventSpec(4, "visit", "CONSULT", "Ebrahim Raisi", "Syria", "2023-05-03", "visit", "diplomatic", "042",
              after="historic"),
]

# Frames present, primary frame, tone and its target, roles: as the analyst reads each outlet.
FRAMES = [
    FrameAssessment(("Security_and_defense", "External_regulation_and_reputation"), "Security_and_defense",
                    tone="implicit_pro"),
    FrameAssessment(("Security_and_defense", "External_regulation_and_reputation"), "Security_and_defense",
                    tone="neutral"),
    FrameAssessment(("Security_and_defense", "Political", "External_regulation_and_reputation"),
                    "Security_and_defense", tone="explicit_anti"),
    FrameAssessment(("Security_and_defense", "Political"), "Political", tone="neutral"),
    FrameAssessment(("Capacity_and_resources", "Security_and_defense", "External_regulation_and_reputation"),
                    "External_regulation_and_reputation", tone="explicit_pro"),
]
TONE_TARGETS = {0: "Iran", 2: "Quds Force", 4: "Iran"}
ROLES = {
    0: {"Iran": "protagonist", "United States": "antagonist"},
    2: {"Quds Force": "antagonist", "Israel": "innocent"},
    4: {"Iran": "protagonist", "Israel": "antagonist"},
}


def annotate(store: Store) -> dict[str, int]:
    """Annotate the imported seeds as ``ANALYST``; returns the actor ids by name."""
    session = AnnotationSession(store, store.annotators.get_or_create(ANALYST))
    registry = ActorRegistry(store)
    actors = {a.name: int(a.id) for a in registry.actors()}  # type: ignore[arg-type]
    mentions = ActorCommands(session, registry)
    events = EventCommands(session)
    framing = FramingCommands(session)
    ids = store.documents.ids()
    for index, (outlet, date) in enumerate(OUTLETS):
        doc_id = ids[index]
        meta = store.documents.get(doc_id).meta.with_(source=outlet, date=date)
        session.set_meta(doc_id, meta).do()
        for name in TAGGED[index]:
            mentions.tag_all(doc_id, actors[name]).do()
    for spec in EVENTS:
        doc_id = ids[spec.doc]
        text = store.documents.get(doc_id).text
        start = text.index(spec.trigger, text.index(spec.after) if spec.after else 0)
        event = Event(
            trigger(start, start + len(spec.trigger), spec.category),
            spec.category,
            mode=spec.mode,
            context=spec.context,
            cameo=spec.cameo,
            arguments=(
                Argument("actor", Ref(actor_id=actors[spec.actor])),
                Argument("recipient", Ref(actor_id=actors[spec.recipient])),
            ),
            date=spec.date,
            factuality="reported",
        )
        events.create(doc_id, event).do()
    for index, assessment in enumerate(FRAMES):
        target = TONE_TARGETS.get(index)
        roles = ROLES.get(index, {})
        full = assessment.with_(
            tone_target=actors[target] if target else None,
            roles=tuple(ActorRole(actors[name], role) for name, role in roles.items()),
        )
        framing.set_assessment(ids[index], full).do()
    return actors


def build(path: Path, seeds: Path) -> None:
    """Import the seeds into a new database at ``path``, pre-annotated, then annotate them."""
    from annotator.nlp.pipelines import PipelineRegistry
    from annotator.services.importing import import_paths

    store = Store(path)
    import_paths(store, [seeds], default_labels(), PipelineRegistry())
    annotate(store)
    store.close()


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    build(Path(sys.argv[1]), root / "seeds")
    print(f"annotated seeds written to {sys.argv[1]}")
