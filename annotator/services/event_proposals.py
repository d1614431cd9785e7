"""Events proposed from trigger words: the event form's draft for an accepted trigger suggestion.

Pre-annotation suggests trigger words on the event layer (``nlp/event_triggers.py``). When the
analyst accepts one, ``propose_event`` makes the draft the event form opens with: category, mode
and CAMEO code from the lexicon, and the actor and recipient read from the sentence's parse
(subject, object), each resolved to a registry actor where the registry proposes one. Nothing is
stored until the analyst saves the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.core.events import Argument, Event, Ref
from annotator.core.schema import Schema
from annotator.nlp.event_triggers import TriggerLexicon, default_lexicon, roles
from annotator.services.actors import ActorRegistry
from annotator.services.events import trigger


@dataclass(frozen=True, slots=True)
class EventProposal:
    event: Event  # the draft: no id, a new trigger span, arguments resolved to actors
    # The words the parse gave for each role, (start, end) in code points, resolved or not:
    # the form can say "actor: Le ministre iranien (no actor proposed)".
    role_spans: dict[str, tuple[int, int]] = field(default_factory=dict)


def propose_event(
    doc: Any,
    start: int,
    end: int,
    category: str,
    registry: ActorRegistry | None = None,
    schema: Schema | None = None,
    lexicon: TriggerLexicon | None = None,
) -> EventProposal:
    """The draft event for the trigger at ``doc.text[start:end]`` suggested as ``category``.

    ``doc`` is the spaCy parse of the document's text (or of the text up to the trigger's
    sentence end: offsets must be the document's).
    """
    lexicon = lexicon or default_lexicon()
    entry = lexicon.entry(doc.lang_, doc.text[start:end])
    mode = cameo = ""
    if entry is not None and entry.category == category:
        mode, cameo = entry.mode, entry.cameo
    if not cameo and schema is not None:
        cameo = schema.proposed_cameo(category, mode)
    found = roles(doc, start, end)
    arguments: list[Argument] = []
    taken: set[int] = set()
    for role in ("actor", "recipient"):
        if role not in found or registry is None:
            continue
        a, b = found[role]
        proposal = registry.propose(doc.text[a:b])
        if proposal is not None and proposal[0].id not in taken:
            actor_id = int(proposal[0].id)  # type: ignore[arg-type]
            taken.add(actor_id)
            arguments.append(Argument(role, Ref(actor_id=actor_id)))
    event = Event(trigger(start, end, category), category, mode, cameo=cameo, arguments=tuple(arguments))
    return EventProposal(event, found)
