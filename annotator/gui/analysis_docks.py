"""Actors, events and framing in the main window: the three docks, their keys, and their refresh.

The main window owns the reading pane, the undo stack and ``run_command``; this module adds the
actor, event and framing panels as dock widgets (tabbed with the labels), the actions that reach
them from the reading pane (A, T, E, F, Shift+F...), the layer switches of the View menu, and the
routing of each ``Change`` (``actors``, ``events``, ``frames``) to the panel it concerns. Every
change is a service command run through the window, so it is on the undo stack and saved at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

from annotator.core.actors import Actor, clean_name, validate_actor
from annotator.core.errors import AnnotatorError
from annotator.core.events import EVENT_LAYER, Event, Ref
from annotator.core.framing import EVIDENCE_LAYERS
from annotator.core.model import Origin, Span
from annotator.core.problems import ValidationError, raise_on_errors
from annotator.core.schema import Schema
from annotator.gui import wording
from annotator.gui.actor_panel import ActorPanel
from annotator.gui.event_panel import Choices, EventPanel
from annotator.gui.frame_panel import FramePanel
from annotator.gui.reading_pane import ShownSpan
from annotator.services.actors import (
    KIND_LABELS,
    LABEL_KINDS,
    MENTION_LAYER,
    AcceptAsMentions,
    ActorCommands,
    ActorRegistry,
)
from annotator.services.annotate import Change, Command
from annotator.services.events import EventCommands
from annotator.services.framing import FramingCommands

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

PANELS = ("actors", "events", "frames")  # in the order of the docks
# Layer switches of the View menu: (layer, menu text, shortcut). Ctrl+1 is the suggestions'.
LAYER_ACTIONS = (
    ("entity", "Show &entities", "Ctrl+2"),
    ("actor", "Show &actor links", "Ctrl+3"),
    ("event", "Show e&vents", "Ctrl+4"),
    ("frame", "Show &framing evidence", "Ctrl+5"),
)


@dataclass(frozen=True)
class MentionTarget:
    """What the actor picker will link: text[start:end], the span there if any (the analyst's or
    a suggestion), its entity label."""

    start: int
    end: int
    surface: str
    label: str
    span: Span | None = None
    suggestion: bool = False


class AnalysisDocks:
    """The actor, event and framing docks of a main window, and what connects them to it."""

    def __init__(self, window: MainWindow, schema: Schema) -> None:
        self.window = window
        self.pane = window.pane
        self.schema = schema
        session = window.session
        self.session = session
        self.registry = ActorRegistry(window.store, schema)
        self.actor_commands = ActorCommands(session, self.registry)
        self.event_commands = EventCommands(session, schema)
        self.framing = FramingCommands(session, schema)
        run = window.run_command
        self.actor_panel = ActorPanel(self.registry, self.actor_commands, run, window.dialogs)
        self.event_panel = EventPanel(self.event_commands, run)
        self.frame_panel = FramePanel(self.framing, run)
        self.event_panel.describe_ref = self.describe_ref
        self.event_panel.choices_provider = self.choices
        self.actor_dock = self._dock("Actors", "actorsDock", self.actor_panel)
        self.event_dock = self._dock("Events", "eventsDock", self.event_panel)
        self.frame_dock = self._dock("Framing", "framingDock", self.frame_panel)
        self.docks = [self.actor_dock, self.event_dock, self.frame_dock]
        window.tabifyDockWidget(window.label_dock, self.actor_dock)
        window.tabifyDockWidget(self.actor_dock, self.event_dock)
        window.tabifyDockWidget(self.event_dock, self.frame_dock)
        window.label_dock.raise_()

        self.doc_id = 0
        self._mentions: dict[int, int] = {}  # span id -> actor id, the analyst's, open document
        self._actors: dict[int, Actor] = {}
        self._spans: dict[int, Span] | None = None  # the analyst's spans by id (read when needed)
        self._target: MentionTarget | None = None  # what the actor picker links
        self._actors_stamp: tuple[object, ...] | None = None  # the registry as last read
        self._registry_changed = True  # the actor list must be read again when shown
        self._stale: set[str] = set()  # panels to load again before they are shown or used

        for panel in (self.actor_panel, self.event_panel, self.frame_panel):
            panel.done.connect(self.back_to_text)
        for name, dock in zip(PANELS, self.docks, strict=True):
            dock.visibilityChanged.connect(lambda shown, name=name: self._dock_shown(name, shown))
        self.actor_panel.actorChosen.connect(self._actor_chosen)
        self.actor_panel.tagRequested.connect(self.tag_all)
        self.event_panel.eventSelected.connect(self._event_selected)
        self.pane.currentChanged.connect(self._current_changed)
        self._build_actions()

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _build_actions(self) -> None:
        a = self.window._action
        self.act_link = a("Link to an &actor…", self.link_actor, "A", "actionLinkActor", True)
        self.act_tag_all = a("&Tag every mention of the actor", self.tag_current, "T", "actionTagAll", True)
        self.act_accept_mentions = a(
            "Accept suggestions as actor &mentions",
            self.accept_as_mentions,
            "Ctrl+Shift+M",
            "actionAcceptMentions",
        )
        self.act_event = a("Make an &event from the selection", self.new_event, "E", "actionNewEvent", True)
        self.act_framing = a("&Framing of the document", self.open_framing, "F", "actionFraming", True)
        self.act_evidence = a(
            "Tag the passage as framing e&vidence", self.tag_evidence, "Shift+F", "actionEvidence", True
        )
        self.act_actors = a("Actor &registry", self.focus_actors, "Ctrl+Alt+A", "actionActorPanel")
        self.act_events = a("Event &list", self.focus_events, "Ctrl+Alt+E", "actionEventPanel")
        self.act_frames = a("Framing &form", self.open_framing, "Ctrl+Alt+F", "actionFramePanel")
        hidden = self.window.qsettings.value("view/hidden_layers", "")
        hidden_layers = set(str(hidden).split(",")) if hidden else set()
        self.layer_actions: dict[str, QAction] = {}
        for layer, text, shortcut in LAYER_ACTIONS:
            action = a(text, lambda layer=layer: self.toggle_layer(layer), shortcut, f"actionLayer_{layer}")  # type: ignore[misc]
            action.setCheckable(True)
            action.setChecked(layer not in hidden_layers)
            self.pane.set_layer_visible(layer, layer not in hidden_layers)
            self.layer_actions[layer] = action

    def fill_menus(self, view: QMenu, annotate: QMenu) -> None:
        """Add the layer switches and the docks to View, the analysis actions to Annotate."""
        view.addSeparator()
        for layer_action in self.layer_actions.values():
            view.addAction(layer_action)
        view.addSeparator()
        for dock in self.docks:
            view.addAction(dock.toggleViewAction())
        for panel_action in (self.act_actors, self.act_events, self.act_frames):
            view.addAction(panel_action)
        annotate.addSeparator()
        for action in (
            self.act_link,
            self.act_tag_all,
            self.act_accept_mentions,
            None,
            self.act_event,
            self.act_framing,
            self.act_evidence,
        ):
            annotate.addSeparator() if action is None else annotate.addAction(action)

    def toggle_layer(self, layer: str) -> None:
        self.pane.set_layer_visible(layer, self.layer_actions[layer].isChecked())
        hidden = [name for name, act in self.layer_actions.items() if not act.isChecked()]
        self.window.qsettings.setValue("view/hidden_layers", ",".join(hidden))

    def back_to_text(self) -> None:
        self.pane.setFocus()

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 6000)

    # -- the open document ------------------------------------------------------------------------

    def document_opened(self, doc_id: int) -> None:
        """A document was opened: its actor links now (the pane draws them), the panels when
        they are on screen (a panel tabbed away loads when it is shown or used)."""
        self.doc_id = doc_id
        self._spans = None
        self._target = None
        self._read_links()
        self._stale.update(PANELS)
        for name in PANELS:
            self._sync(name, only_if_shown=True)
        self.actor_panel.show_current("Select a name in the text and press A to link it to an actor.")

    def _dock_shown(self, name: str, shown: bool) -> None:
        if shown:
            self._sync(name)

    def _on_screen(self, name: str) -> bool:
        """Whether a panel can be seen (a dock tabbed away stays "visible" to Qt, but shows
        nothing)."""
        panel = self._panel(name)
        return panel.isVisible() and not panel.visibleRegion().isEmpty()

    def _panel(self, name: str) -> QWidget:
        return {"actors": self.actor_panel, "events": self.event_panel, "frames": self.frame_panel}[name]

    def _sync(self, name: str, only_if_shown: bool = False) -> None:
        """Load a panel for the open document if something it shows changed since it last did."""
        keys = {name, "frame-actors"} if name == "frames" else {name}
        due = keys & self._stale
        if not due or (only_if_shown and not self._on_screen(name)):
            return
        self._stale -= keys
        if due == {"frame-actors"}:  # only the actors changed: keep what the form holds
            self.frame_panel.set_actors(self._actors_here(), self._all_actors())
        elif name == "actors":
            self.actor_panel.set_document(self.doc_id, self._mentions, reload=self._registry_changed)
            self._registry_changed = False
        elif name == "events":
            if self.event_panel.doc_id == self.doc_id:
                self.event_panel.refresh()  # an open form stays open
            else:
                self.event_panel.set_document(self.doc_id, self.pane.text())
        elif self.frame_panel.doc_id == self.doc_id:
            self.frame_panel.refresh()
        else:
            self.frame_panel.set_document(
                self.doc_id, self.pane.text(), self._actors_here(), self._all_actors()
            )

    def _read_links(self, actors_changed: bool = False) -> None:
        stamp = self.registry.repo.registry_stamp()
        if actors_changed or stamp != self._actors_stamp:  # (another instance may have changed it)
            self._actors = {int(a.id): a for a in self.registry.actors()}  # type: ignore[arg-type]
            self._actors_stamp = stamp
            self._registry_changed = True
        self._mentions = self.registry.mentions(self.doc_id, self.session.annotator.id) if self.doc_id else {}
        self.pane.set_actor_links(
            {
                span_id: self._actors[actor_id].name
                for span_id, actor_id in self._mentions.items()
                if actor_id in self._actors
            }
        )

    def _actors_here(self) -> list[tuple[Actor, int]]:
        counts = Counter(self._mentions.values())
        return [(self._actors[i], n) for i, n in counts.most_common() if i in self._actors]

    def _all_actors(self) -> list[Actor]:
        return sorted(self._actors.values(), key=lambda a: a.name.casefold())

    def own_spans(self) -> dict[int, Span]:
        """The analyst's spans of the open document by id (read once per change)."""
        if self._spans is None:
            spans = self.session.own_spans(self.doc_id) if self.doc_id else []
            self._spans = {int(s.id): s for s in spans if s.id is not None}
        return self._spans

    def apply_change(self, change: Change) -> None:
        """Refresh what a change touched in the open document (the window handles the spans);
        a panel not on screen is only marked to reload when it is shown or used."""
        if change.spans or change.actors or change.events:
            self._spans = None
        if change.actors:
            self._read_links(actors_changed=True)
            self._registry_changed = True
            self._stale.add("actors")
            # The framing form lists the document's actors; an unsaved draft there is kept.
            self._stale.add("frame-actors" if self._frames_loaded() else "frames")
        if change.events or change.actors:
            self._stale.add("events")
            if not self._on_screen("events"):
                self.pane.set_event_marks([])
        if change.frames:
            self._stale.add("frames")
        elif change.spans and self._frames_loaded() and self._touches_evidence(change.span_range):
            self.frame_panel.refresh_evidence()
        for name in PANELS:
            self._sync(name, only_if_shown=True)
        if (change.events or change.actors) and "events" not in self._stale:
            self._event_selected(self.event_panel.selected_event())

    def _frames_loaded(self) -> bool:
        return "frames" not in self._stale and self.frame_panel.doc_id == self.doc_id

    def _touches_evidence(self, span_range: tuple[int, int] | None) -> bool:
        """Whether a span change may concern an evidence passage (one listed, or one now there)."""
        if span_range is None:
            return True
        a, b = span_range
        if any(a <= start < b for start, _end in self.frame_panel.evidence_ranges):
            return True
        return any(s.layer in EVIDENCE_LAYERS for s in self.session.own_spans(self.doc_id, span_range))

    # -- actors -----------------------------------------------------------------------------------

    def _bring(self, name: str) -> None:
        """Show a panel's dock in front, loaded for the open document."""
        dock = {"actors": self.actor_dock, "events": self.event_dock, "frames": self.frame_dock}[name]
        dock.show()
        dock.raise_()
        self._sync(name)

    def focus_actors(self) -> None:
        self._bring("actors")
        self.actor_panel.focus_search()

    def _mention_target(self) -> MentionTarget | None:
        """What A links: the analyst's span or a suggestion at the selection (or the current
        span), or the bare selection (a new mention)."""
        text = self.pane.text()
        selection = self.pane.selection_codepoints()
        if selection is not None:
            start, end = selection
            matching = [i for i in self.pane.spans_matching(start, end) if i.span.layer == MENTION_LAYER]
            if matching:
                item = matching[0]
                return MentionTarget(start, end, text[start:end], item.span.label, item.span, item.suggestion)
            return MentionTarget(start, end, text[start:end], "")
        current = self.pane.current
        if current is None or current.span.layer != MENTION_LAYER:
            return None
        span = current.span
        return MentionTarget(
            span.start, span.end, text[span.start : span.end], span.label, span, current.suggestion
        )

    def link_actor(self) -> None:
        """A: open the actor picker for the current span or the selection, the proposal first."""
        if not self.doc_id:
            return
        target = self._mention_target()
        if target is None:
            self._status("Select a name (or make a span current with N or a click), then press A.")
            return
        self._target = target
        self._bring("actors")
        self.actor_panel.pick_for(target.surface, target.label)

    def _make(self, factory: Callable[[], Command]) -> Command | None:
        try:
            return factory()
        except ValidationError as exc:
            self.window.dialogs.error("Not saved", "\n".join(str(p) for p in exc.problems))
        except AnnotatorError as exc:
            self.window.dialogs.error("Not saved", str(exc))
        return None

    def _link_command(self, target: MentionTarget, chosen: int | Actor) -> Command:
        """The command that makes the target a mention of the chosen actor (id, or a new one)."""
        doc_id = self.doc_id
        span = target.span
        if span is not None and span.id is not None and not target.suggestion and isinstance(chosen, int):
            return self.actor_commands.link(doc_id, span.id, chosen)
        if span is not None:  # a suggestion, or a span to link to a new actor: one step
            return self.actor_commands.accept_suggestions(doc_id, [span], actor=chosen)
        # A bare selection: a new entity span, labelled after the actor's kind, and its link.
        if isinstance(chosen, Actor):
            actor = chosen.with_(name=clean_name(chosen.name))
            raise_on_errors(validate_actor(actor, self.schema))
            new, ref = [actor], -1
        else:
            actor, new, ref = self.registry.actor(chosen), [], chosen
        label = KIND_LABELS.get(actor.kind, "MISC")
        mention = Span(target.start, target.end, label, Origin.MANUAL, MENTION_LAYER)
        what = f"Tag {target.surface} as a mention of {actor.name}"
        return AcceptAsMentions(self.actor_commands, doc_id, [(mention, ref)], [], new, what)

    def _actor_chosen(self, value: object) -> None:
        target, self._target = self._target, None
        if target is None or not self.doc_id or not isinstance(value, int | Actor):
            return
        command = self._make(lambda: self._link_command(target, value))
        if command is None or not self.window.run_command(command):
            return
        self._after_link(command, value, target)

    def _after_link(self, command: Command, value: int | Actor, target: MentionTarget) -> None:
        """Show the linked actor on the card and make the mention current, back in the text."""
        actor_id = value if isinstance(value, int) else None
        change = getattr(command, "change", None)
        if actor_id is None and change is not None and change.created:
            actor_id = int(change.created[0].id)
        if actor_id is not None:
            self.actor_panel.select_actor(actor_id)
        self.pane.clear_selection()
        for item in self.pane.spans_matching(target.start, target.end):
            if not item.suggestion and item.span.layer == MENTION_LAYER:
                self.pane.set_current(item, reveal=False)
                break
        name = self._actors[actor_id].name if actor_id in self._actors else "the actor"
        self._status(f"Linked to {name}. T tags every other mention of it.")
        self.pane.setFocus()

    def accept_command(self, span: Span) -> Command:
        """Enter on a suggestion: accepted as a mention of its proposed actor when there is one
        (names of people, organisations, states), else accepted as it is."""
        if self.doc_id and span.label in LABEL_KINDS:
            proposal = self.registry.propose(self.pane.text()[span.start : span.end])
            if proposal is not None:
                return self.actor_commands.accept_suggestions(self.doc_id, [span], actor=int(proposal[0].id))  # type: ignore[arg-type]
        return self.session.accept(self.window.doc_id, [span])  # type: ignore[arg-type]

    def accept_as_mentions(self) -> None:
        """Every suggestion naming a known actor becomes a mention of it, in one step."""
        if not self.doc_id:
            return
        text = self.pane.text()
        chosen = [
            i.span
            for i in self.pane.shown_spans()
            if i.suggestion
            and i.span.label in LABEL_KINDS
            and self.registry.propose(text[i.span.start : i.span.end]) is not None
        ]
        if not chosen:
            self._status("No suggestion names a known actor.")
            return
        command = self._make(lambda: self.actor_commands.accept_suggestions(self.doc_id, chosen))
        if command is not None and self.window.run_command(command):
            self._status(f"Accepted {wording.count(len(chosen), 'suggestion')} as actor mentions.")

    def tag_current(self) -> None:
        """T: tag every other mention of the current span's actor (or the actor on the card)."""
        actor_id = None
        current = self.pane.current
        if current is not None and not current.suggestion and current.span.id is not None:
            actor_id = self._mentions.get(current.span.id)
        if actor_id is None:
            selection = self.pane.selection_codepoints()
            if selection is not None:
                for item in self.pane.spans_matching(*selection):
                    if item.span.id is not None and item.span.id in self._mentions and not item.suggestion:
                        actor_id = self._mentions[item.span.id]
        if actor_id is None:
            actor_id = self.actor_panel.actor_id
        if actor_id is None:
            self._status(
                "Make a linked mention current (click, or select it), or choose an actor in the panel."
            )
            return
        self.tag_all(actor_id)

    def tag_all(self, actor_id: int) -> None:
        if not self.doc_id:
            return
        doc_id = self.doc_id
        command = self._make(lambda: self.actor_commands.tag_all(doc_id, actor_id))
        if command is None:
            return
        name = self.registry.actor(actor_id).name
        count = getattr(command, "count", 0)
        if not count:
            self._status(f"No other mention of {name} in this document.")
            return
        if self.window.run_command(command):
            self._status(f"Tagged {wording.count(count, 'more mention')} of {name}.")

    def _current_changed(self, item: ShownSpan | None) -> None:
        """Say on the actor panel what A and Enter would do; select the event of a trigger."""
        if item is None:
            self.actor_panel.show_current("Select a name in the text and press A to link it to an actor.")
            return
        text = self.pane.text()[item.span.start : item.span.end]
        shown = text if len(text) <= 50 else text[:49] + "…"
        if item.span.layer == EVENT_LAYER and item.span.id is not None:
            self._sync("events")
            for event in self.event_panel.events:
                if event.trigger.id == item.span.id and event.id is not None:
                    self.event_panel.select_event(event.id)
            self.actor_panel.show_current(f"“{shown}” is an event trigger (E edits the event).")
            return
        if item.span.layer != MENTION_LAYER:
            self.actor_panel.show_current(f"“{shown}”: {item.span.label.replace('_', ' ')} passage.")
            return
        linked = (
            self._mentions.get(item.span.id) if item.span.id is not None and not item.suggestion else None
        )
        if linked is not None and linked in self._actors:
            self.actor_panel.show_current(
                f"“{shown}” is a mention of {self._actors[linked].name}. "
                "A links another actor · T tags every other mention."
            )
            return
        proposal = self.registry.propose(text)
        if proposal is None:
            self.actor_panel.show_current(
                f"“{shown}” ({item.span.label}): no actor proposed. A chooses or creates one."
            )
        elif item.suggestion and item.span.label in LABEL_KINDS:
            self.actor_panel.show_current(
                f"“{shown}” ({item.span.label} suggestion): Enter accepts it as a mention of "
                f"{proposal[0].name} · A chooses another actor."
            )
        else:
            self.actor_panel.show_current(
                f"“{shown}” ({item.span.label}): A links it (proposed: {proposal[0].name})."
            )

    # -- events -----------------------------------------------------------------------------------

    def focus_events(self) -> None:
        self._bring("events")
        self.event_panel.list.setFocus()
        if self.event_panel.list.currentRow() < 0 and self.event_panel.list.count():
            self.event_panel.list.setCurrentRow(0)

    def new_event(self) -> None:
        """E: a new event triggered by the selection (or the current span); on a trigger, edit
        its event."""
        if not self.doc_id:
            return
        selection = self.pane.selection_codepoints()
        current = self.pane.current
        trigger_id = None
        if selection is not None:
            for item in self.pane.spans_matching(*selection):
                if item.span.layer == EVENT_LAYER and not item.suggestion:
                    trigger_id = item.span.id
        elif current is not None and not current.suggestion:
            if current.span.layer == EVENT_LAYER:
                trigger_id = current.span.id
            selection = (current.span.start, current.span.end)
        if selection is None:
            self._status("Select the words that say what happened (Shift+arrows), then press E.")
            return
        self._bring("events")
        if trigger_id is not None:
            event = next((e for e in self.event_panel.events if e.trigger.id == trigger_id), None)
            if event is not None and event.id is not None:
                self.event_panel.edit_event(event.id)
                return
        self.event_panel.new_event(*selection)

    def delete_span(self, item: ShownSpan) -> bool:
        """X on an event trigger deletes its event (one undoable change); True when handled."""
        if item.suggestion or item.span.layer != EVENT_LAYER or not self.doc_id:
            return False
        self._sync("events")
        event = next((e for e in self.event_panel.events if e.trigger.id == item.span.id), None)
        if event is None or event.id is None:
            return False
        doc_id, event_id = self.doc_id, event.id
        command = self._make(lambda: self.event_commands.delete(doc_id, event_id))
        return command is not None and self.window.run_command(command)

    def describe_ref(self, ref: Ref) -> str:
        if ref.actor_id is not None:
            actor = self._actors.get(ref.actor_id)
            return actor.name if actor is not None else f"actor {ref.actor_id}"
        span = self.own_spans().get(int(ref.span_id)) if ref.span_id is not None else None
        if span is None:
            return "?"
        text = " ".join(self.pane.text()[span.start : span.end].split())
        return f"“{text if len(text) <= 30 else text[:29] + '…'}”"

    def choices(self) -> Choices:
        """What an argument may point at: actors mentioned here, unlinked spans, other actors."""
        text = self.pane.text()
        here = [actor for actor, _n in self._actors_here()]
        here_ids = {a.id for a in here}
        seen: set[str] = set()
        spans: list[tuple[Span, str]] = []
        for span in sorted(self.own_spans().values(), key=lambda s: (s.start, s.end)):
            if span.layer != MENTION_LAYER or span.id in self._mentions:
                continue
            surface = " ".join(text[span.start : span.end].split())
            if surface.casefold() in seen:
                continue
            seen.add(surface.casefold())
            spans.append((span, surface))
        others = [a for a in self._all_actors() if a.id not in here_ids]
        return Choices(here, spans, others)

    def _event_selected(self, event: Event | None) -> None:
        """Box the event's trigger and arguments in the reading pane, each tagged with its role."""
        if event is None:
            self.pane.set_event_marks([])
            return
        spans = self.own_spans()
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
                    for s, a in self._mentions.items()
                    if a == ref.actor_id and s in spans
                )
                for k, (start, end) in enumerate(mentions):
                    marks.append((start, end, role if k == 0 else ""))
        self.pane.set_event_marks(marks, reveal=self.event_panel.list.hasFocus())

    # -- screenshots ----------------------------------------------------------------------------

    def show_view(self, view: str) -> None:
        """Put a panel on show (``annotator gui --screenshot --view actors|event|framing``):
        the card of the document's most mentioned actor, with a name still to link current
        (the panel says which actor Enter would link it to); the first event open in the form,
        boxed in the text; the framing form."""
        if view == "actors":
            self.focus_actors()
            here = self._actors_here()
            if here:
                self.actor_panel.select_actor(int(here[0][0].id))  # type: ignore[arg-type]
            text = self.pane.text()
            for item in self.pane.shown_spans():
                if item.suggestion and item.span.label in LABEL_KINDS:
                    if self.registry.propose(text[item.span.start : item.span.end]) is not None:
                        self.pane.set_current(item)
                        break
        elif view == "event":
            self.focus_events()
            if self.event_panel.events:
                self.event_panel.list.setCurrentRow(0)
                self.event_panel.edit_selected()
        elif view == "framing":
            self.open_framing()

    # -- framing ----------------------------------------------------------------------------------

    def open_framing(self) -> None:
        """F: the framing form of the document, focus on the frames."""
        if not self.doc_id:
            return
        self._bring("frames")
        self.frame_panel.open_form()

    def tag_evidence(self) -> None:
        """Shift+F: tag the selection (or the current span's words) as framing evidence."""
        if not self.doc_id:
            return
        selection = self.pane.selection_codepoints()
        if selection is None and self.pane.current is not None:
            selection = (self.pane.current.span.start, self.pane.current.span.end)
        if selection is None:
            self._status("Select the passage first (Shift+arrows), then press Shift+F.")
            return
        self._bring("frames")
        self.frame_panel.tag_for(*selection)
