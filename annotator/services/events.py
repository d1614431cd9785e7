"""Event use cases: what the event form offers, its validation, and undoable event commands.

An event is a trigger span (layer ``event``, labelled with the category) coded with category,
mode, context, CAMEO code, arguments by role, date, factuality and source. The form offers only
what the schema allows (``modes_for``, ``cameo_for``) and shows ``validate``'s problems in place;
``create`` and ``edit`` refuse an event with errors (``ValidationError``), so nothing invalid is
ever stored by hand. Each command is one transaction per ``do``/``undo``.
"""

from __future__ import annotations

from annotator.core.errors import StoreError
from annotator.core.events import EVENT_LAYER, Argument, Event, Ref, validate_event
from annotator.core.model import Origin, Span
from annotator.core.problems import ERROR, Problem, raise_on_errors
from annotator.core.schema import CameoCode, Choice, Schema, default_schema
from annotator.services.annotate import AnnotationSession, Change


def trigger(start: int, end: int, category: str) -> Span:
    """The trigger span of a new event."""
    return Span(start, end, category, Origin.MANUAL, EVENT_LAYER)


class EventCommands:
    """The event form's services and command factories for one analyst."""

    def __init__(self, session: AnnotationSession, schema: Schema | None = None) -> None:
        self.session = session
        self.schema = schema or default_schema()
        self.repo = session.store.events

    # what the form shows -------------------------------------------------------------------------

    def events(self, doc_id: int) -> list[Event]:
        """The analyst's events in a document, in text order."""
        return self.repo.in_document(doc_id, self.session.annotator.id)

    def modes_for(self, category: str) -> tuple[Choice, ...]:
        return self.schema.modes_for(category)

    def cameo_for(self, category: str) -> list[CameoCode]:
        return self.schema.cameo_for(category)

    def proposed_cameo(self, category: str, mode: str = "") -> str:
        return self.schema.proposed_cameo(category, mode)

    def validate(self, doc_id: int, event: Event) -> list[Problem]:
        """Every problem of the event: coding rules, and references that do not resolve."""
        event = self._normalized(event)
        document = self.session.document(doc_id)
        problems = validate_event(event, self.schema, len(document.text))
        own = {s.id: s for s in self.session.own_spans(doc_id)}
        refs = [(a.role, a.ref) for a in event.arguments]
        if event.source is not None:
            refs.append(("source", event.source))
        actors = self.session.store.actors
        actor_ids = {a.id for a in actors.all()} if any(r.actor_id for _, r in refs) else set()
        for role, ref in refs:
            if ref.span_id is not None and ref.span_id not in own:
                problems.append(Problem(ERROR, role, f"span {ref.span_id} is not one of your spans here"))
            if ref.span_id is not None and ref.span_id == event.trigger.id:
                problems.append(Problem(ERROR, role, "the trigger cannot be its own argument"))
            if ref.actor_id is not None and ref.actor_id not in actor_ids:
                problems.append(Problem(ERROR, role, f"no actor with id {ref.actor_id}"))
        if event.trigger.id is None:
            clash = [
                s
                for s in own.values()
                if s.layer == EVENT_LAYER and s.start == event.trigger.start and s.end == event.trigger.end
            ]
            if clash:
                problems.append(Problem(ERROR, "trigger", "an event already has this trigger"))
        return problems

    def _normalized(self, event: Event) -> Event:
        return event.with_(trigger=event.trigger.with_(label=event.category, layer=EVENT_LAYER))

    # commands ----------------------------------------------------------------------------------------

    def create(self, doc_id: int, event: Event) -> CreateEvent:
        """Create an event (its trigger span included); ``ValidationError`` if it breaks a rule."""
        event = self._normalized(event.with_(id=None))
        raise_on_errors(self.validate(doc_id, event))
        return CreateEvent(self, doc_id, event)

    def edit(self, doc_id: int, event: Event) -> EditEvent:
        """Store new values of an existing event (the trigger keeps its place)."""
        if event.id is None:
            raise StoreError("an event to edit needs an id")
        stored = self.repo.get(event.id)
        event = self._normalized(event.with_(trigger=stored.trigger))
        raise_on_errors(self.validate(doc_id, event))
        return EditEvent(self, doc_id, event)

    def delete(self, doc_id: int, event_id: int) -> DeleteEvent:
        return DeleteEvent(self, doc_id, event_id)

    def set_argument(self, doc_id: int, event_id: int, role: str, ref: Ref | None) -> EditEvent:
        """Replace the arguments of one role by ``ref`` (None removes them)."""
        event = self.repo.get(event_id)
        kept = tuple(a for a in event.arguments if a.role != role)
        added = (Argument(role, ref),) if ref is not None else ()
        return self.edit(doc_id, event.with_(arguments=kept + added))


class CreateEvent:
    def __init__(self, commands: EventCommands, doc_id: int, event: Event) -> None:
        self.commands = commands
        self.doc_id = doc_id
        self.event = event
        self.was_todo = False
        self.text = f"Add {event.category} event"

    def do(self) -> Change:
        session = self.commands.session
        self.event, was_todo = self.commands.repo.add(self.doc_id, session.annotator.id, self.event)
        self.was_todo = self.was_todo or was_todo
        return Change(self.doc_id, spans=True, events=True, status=was_todo)

    def undo(self) -> Change:
        assert self.event.id is not None
        self.commands.repo.delete(self.event.id, status_back_to_todo=self.was_todo)
        return Change(self.doc_id, spans=True, events=True, status=self.was_todo)


class EditEvent:
    def __init__(self, commands: EventCommands, doc_id: int, event: Event) -> None:
        self.commands = commands
        self.doc_id = doc_id
        self.event = event
        self.old: Event | None = None
        self.text = f"Edit {event.category} event"

    def do(self) -> Change:
        self.old = self.commands.repo.update(self.event)
        return Change(self.doc_id, spans=True, events=True)

    def undo(self) -> Change:
        assert self.old is not None
        self.commands.repo.update(self.old)
        return Change(self.doc_id, spans=True, events=True)


class DeleteEvent:
    def __init__(self, commands: EventCommands, doc_id: int, event_id: int) -> None:
        self.commands = commands
        self.doc_id = doc_id
        self.event_id = event_id
        self.deleted: Event | None = None
        self.text = f"Delete {commands.repo.get(event_id).category} event"

    def do(self) -> Change:
        self.deleted = self.commands.repo.delete(self.event_id)
        return Change(self.doc_id, spans=True, events=True)

    def undo(self) -> Change:
        assert self.deleted is not None
        session = self.commands.session
        # The trigger span and the event come back under their own ids.
        self.commands.repo.add(self.doc_id, session.annotator.id, self.deleted)
        return Change(self.doc_id, spans=True, events=True)
