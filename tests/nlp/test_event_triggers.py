"""Events proposed from trigger words, with the real English and French pipelines: the lexicon
agrees with the event schema, triggers are suggested on the event layer, and the draft event has
category, mode and CAMEO code filled and actor/recipient read from the parse."""

from __future__ import annotations

import pytest

from annotator.core.actors import Actor
from annotator.core.errors import SchemaError
from annotator.core.events import EVENT_LAYER
from annotator.core.labels import default_labels
from annotator.core.schema import default_schema
from annotator.nlp.event_triggers import TriggerLexicon, default_lexicon, roles
from annotator.nlp.pipelines import PipelineRegistry
from annotator.nlp.preannotate import preannotate
from annotator.services.actors import ActorRegistry
from annotator.services.event_proposals import propose_event
from annotator.store import Store

EN = (
    "Iranian President Ebrahim Raisi visited Damascus on Monday. Israeli jets struck targets "
    "near Aleppo. Benjamin Netanyahu met with Vladimir Putin in Moscow. The base was bombed by Israel."
)
FR = (
    "Le ministre iranien Hossein Amir-Abdollahian s’est rendu à Moscou. L'armée israélienne a "
    "bombardé la banlieue de Damas. Vladimir Poutine a rencontré Recep Tayyip Erdogan."
)


@pytest.fixture(scope="module")
def pipelines():
    registry = PipelineRegistry()
    return registry.load("en")[0], registry.load("fr")[0]  # type: ignore[index]


def test_the_lexicon_agrees_with_the_event_schema() -> None:
    lexicon = default_lexicon()
    assert lexicon.check(default_schema()) == []
    assert set(lexicon.phrases) == {"en", "fr"}
    bad = TriggerLexicon({"triggers": [{"category": "CONSULT", "mode": "dance", "cameo": "18", "en": ["x"]}]})
    assert bad.check(default_schema()) == [
        "trigger-lexicon.json: en “x”: CONSULT has no mode dance",
        "trigger-lexicon.json: en “x”: CAMEO 18 is not a CONSULT code",
    ]
    with pytest.raises(SchemaError, match=r"triggers\[0\]: needs category and cameo"):
        TriggerLexicon({"triggers": [{"mode": "visit"}]})


def test_triggers_are_suggested_on_the_event_layer_in_both_languages(pipelines) -> None:
    en, fr = pipelines
    labels = default_labels()
    lexicon = default_lexicon()
    found = {}
    for nlp, text in ((en, EN), (fr, FR)):
        spans = next(preannotate(nlp, [text], labels, triggers=lexicon))
        found[nlp.lang] = [(text[s.start : s.end], s.label) for s in spans if s.layer == EVENT_LAYER]
        assert any(s.layer != EVENT_LAYER for s in spans)  # the entities are still there
    assert found["en"] == [
        ("visited", "CONSULT"), ("struck", "ASSAULT"), ("met with", "CONSULT"), ("bombed", "ASSAULT")
    ]
    assert found["fr"] == [("s’est rendu", "CONSULT"), ("bombardé", "ASSAULT"), ("a rencontré", "CONSULT")]
    # Without the lexicon, no event suggestion.
    assert all(s.layer != EVENT_LAYER for s in next(preannotate(en, [EN], labels)))


def _roles(nlp, text: str, trigger: str) -> dict[str, str]:
    doc = nlp(text)
    start = text.index(trigger)
    return {role: text[a:b] for role, (a, b) in roles(doc, start, start + len(trigger)).items()}


def test_roles_come_from_the_parse(pipelines) -> None:
    en, fr = pipelines
    assert _roles(en, EN, "visited") == {"actor": "Ebrahim Raisi", "recipient": "Damascus"}
    assert _roles(en, EN, "met with") == {"actor": "Benjamin Netanyahu", "recipient": "Vladimir Putin"}
    assert _roles(en, EN, "bombed") == {"actor": "Israel", "recipient": "The base"}  # passive
    assert _roles(fr, FR, "s’est rendu")["recipient"] == "Moscou"
    assert _roles(fr, FR, "a rencontré") == {"actor": "Vladimir Poutine", "recipient": "Recep Tayyip Erdogan"}


def test_the_draft_event_is_coded_and_its_actors_proposed(pipelines, tmp_path) -> None:
    en, fr = pipelines
    store = Store(tmp_path / "events.sqlite")
    try:
        registry = ActorRegistry(store)
        names = {a.name: a.id for a in registry.actors()}
        for name in ("Vladimir Putin", "Recep Tayyip Erdogan", "Benjamin Netanyahu"):
            if name not in names:
                names[name] = store.actors.add(Actor(name, kind="person")).id
        schema = default_schema()

        start = FR.index("a rencontré")
        draft = propose_event(fr(FR), start, start + len("a rencontré"), "CONSULT", registry, schema)
        event = draft.event
        assert (event.category, event.mode, event.cameo) == ("CONSULT", "visit", "042")
        assert event.id is None and event.trigger.id is None and event.trigger.layer == EVENT_LAYER
        assert {a.role: a.ref.actor_id for a in event.arguments} == {
            "actor": names["Vladimir Putin"],
            "recipient": names["Recep Tayyip Erdogan"],
        }

        start = EN.index("struck")
        draft = propose_event(en(EN), start, start + len("struck"), "ASSAULT", registry, schema)
        assert (draft.event.mode, draft.event.cameo) == ("aerial", "195")
        # "Israeli jets" and "targets" name no registry actor: the roles are shown, not filled.
        assert draft.event.arguments == ()
        assert {r: EN[a:b] for r, (a, b) in draft.role_spans.items()} == {
            "actor": "Israeli jets", "recipient": "targets"
        }
    finally:
        store.close()
