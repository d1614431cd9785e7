"""Events from the reading pane: E makes an event of the selected trigger words (on a trigger:
edits its event), X on a trigger deletes its event, and the event selected in the list is boxed
in the text with each argument tagged with its role.

Each change is one service command (``services/events.py``) run through the window, so it is
on the undo stack. What this needs of the docks it works in is ``AnalysisContext``.
"""

from __future__ import annotations

from typing import Any

from annotator.core.events import EVENT_LAYER, Event, Ref
from annotator.core.model import Span
from annotator.core.tasks import TaskState
from annotator.gui.analysis_context import AnalysisContext
from annotator.gui.event_panel import Choices
from annotator.gui.reading_pane import ShownSpan
from annotator.gui.workers import Worker
from annotator.nlp.event_triggers import default_lexicon
from annotator.services.actors import MENTION_LAYER
from annotator.services.event_proposals import propose_event
from annotator.services.events import trigger


class EventLinks:
    """The event keys of the reading pane and what the event panel asks of the document."""

    def __init__(self, docks: AnalysisContext) -> None:
        self.docks = docks
        self._parser: Worker | None = None  # parses the document for a proposed event's roles

    def accept_trigger(self, span: Span) -> None:
        """Enter on a trigger suggestion: the event form opens with the proposed event
        (category, mode, CAMEO code; actor and recipient from the sentence's parse) for the
        analyst to confirm. The parse runs off the window's thread (the pipeline may have to
        load); without a pipeline the form opens with the lexicon's coding only."""
        docks = self.docks
        doc_id = docks.doc_id
        if not doc_id or (self._parser is not None and self._parser.running):
            return
        text = docks.pane.text()
        lang = docks.session.document(doc_id).meta.lang
        pipelines = docks.window.registry

        def parse(_task: TaskState) -> Any:
            loaded = pipelines.load(lang) if pipelines is not None else None
            return loaded[0](text) if loaded is not None else None

        def done(doc: object) -> None:
            if docks.doc_id != doc_id:  # the analyst moved on meanwhile
                return
            self._open_proposal(span, doc, lang, text)

        docks.status("Reading the sentence for who did what…")
        self._parser = Worker(parse, docks.event_panel)
        self._parser.finished.connect(done)
        self._parser.failed.connect(lambda _exc, _tb: self._open_proposal(span, None, lang, text))
        self._parser.start()

    def _open_proposal(self, span: Span, doc: object, lang: str, text: str) -> None:
        docks = self.docks
        if doc is not None:
            proposal = propose_event(
                doc, span.start, span.end, span.label, docks.registry, docks.schema, default_lexicon()
            )
            draft, found = proposal.event, proposal.role_spans
        else:
            entry = default_lexicon().entry(lang, text[span.start : span.end])
            mode, cameo = (entry.mode, entry.cameo) if entry and entry.category == span.label else ("", "")
            draft = Event(trigger(span.start, span.end, span.label), span.label, mode, cameo=cameo)
            found = {}
        docks.bring("events")
        docks.event_panel.new_event_from(draft)
        filled = {a.role for a in draft.arguments}
        open_roles = [
            f"{role} “{' '.join(text[a:b].split())}”" for role, (a, b) in found.items() if role not in filled
        ]
        note = f"; no known actor for {', '.join(open_roles)}" if open_roles else ""
        docks.status(f"Proposed event: {span.label}. Check it and save{note}.")

    def select_trigger(self, span_id: int) -> None:
        """The current span is an event trigger: select its event in the list."""
        self.docks.sync("events")
        for event in self.docks.event_panel.events:
            if event.trigger.id == span_id and event.id is not None:
                self.docks.event_panel.select_event(event.id)

    def new_event(self) -> None:
        """E: a new event triggered by the selection (or the current span); on a trigger, edit
        its event."""
        if not self.docks.doc_id:
            return
        selection = self.docks.pane.selection_codepoints()
        current = self.docks.pane.current
        trigger_id = None
        if selection is not None:
            for item in self.docks.pane.spans_matching(*selection):
                if item.span.layer == EVENT_LAYER and not item.suggestion:
                    trigger_id = item.span.id
        elif current is not None and not current.suggestion:
            if current.span.layer == EVENT_LAYER:
                trigger_id = current.span.id
            selection = (current.span.start, current.span.end)
        if selection is None:
            self.docks.status("Select the words that say what happened (Shift+arrows), then press E.")
            return
        self.docks.bring("events")
        if trigger_id is not None:
            event = next((e for e in self.docks.event_panel.events if e.trigger.id == trigger_id), None)
            if event is not None and event.id is not None:
                self.docks.event_panel.edit_event(event.id)
                return
        if self.docks.window.region_marks.blocks(*selection):  # greyed: no new trigger there
            return
        self.docks.event_panel.new_event(*selection)

    def delete_span(self, item: ShownSpan) -> bool:
        """X on an event trigger deletes its event (one undoable change); True when handled."""
        if item.suggestion or item.span.layer != EVENT_LAYER or not self.docks.doc_id:
            return False
        self.docks.sync("events")
        event = next((e for e in self.docks.event_panel.events if e.trigger.id == item.span.id), None)
        if event is None or event.id is None:
            return False
        doc_id, event_id = self.docks.doc_id, event.id
        command = self.docks.make(lambda: self.docks.event_commands.delete(doc_id, event_id))
        return command is not None and self.docks.window.run_command(command)

    def describe_ref(self, ref: Ref) -> str:
        if ref.actor_id is not None:
            actor = self.docks.actors.get(ref.actor_id)
            return actor.name if actor is not None else f"actor {ref.actor_id}"
        span = self.docks.own_spans().get(int(ref.span_id)) if ref.span_id is not None else None
        if span is None:
            return "?"
        text = " ".join(self.docks.pane.text()[span.start : span.end].split())
        return f"“{text if len(text) <= 30 else text[:29] + '…'}”"

    def choices(self) -> Choices:
        """What an argument may point at: actors mentioned here, unlinked spans, other actors."""
        text = self.docks.pane.text()
        here = [actor for actor, _n in self.docks.actors_here()]
        here_ids = {a.id for a in here}
        seen: set[str] = set()
        spans: list[tuple[Span, str]] = []
        for span in sorted(self.docks.own_spans().values(), key=lambda s: (s.start, s.end)):
            if span.layer != MENTION_LAYER or span.id in self.docks.mentions:
                continue
            surface = " ".join(text[span.start : span.end].split())
            if surface.casefold() in seen:
                continue
            seen.add(surface.casefold())
            spans.append((span, surface))
        others = [a for a in self.docks.all_actors() if a.id not in here_ids]
        return Choices(here, spans, others)

    def event_selected(self, event: Event | None) -> None:
        """Box the event's trigger and arguments in the reading pane, each tagged with its role."""
        if event is None:
            self.docks.pane.set_event_marks([])
            return
        spans = self.docks.own_spans()
        marks = [(event.trigger.start, event.trigger.end, "trigger")]
        refs = [(a.role, a.ref) for a in event.arguments]
        if event.source is not None:
            refs.append(("source", event.source))
        for role, ref in refs:
            if ref.span_id is not None and ref.span_id in spans:
                span = spans[ref.span_id]
                marks.append((span.start, span.end, role))
            elif ref.actor_id is not None:
                mentions = sorted(
                    (spans[s].start, spans[s].end)
                    for s, a in self.docks.mentions.items()
                    if a == ref.actor_id and s in spans
                )
                for k, (start, end) in enumerate(mentions):
                    marks.append((start, end, role if k == 0 else ""))
        self.docks.pane.set_event_marks(marks, reveal=self.docks.event_panel.list.hasFocus())

