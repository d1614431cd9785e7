"""Actors, events and framing in the main window: the three docks, their keys, and their refresh.

The main window owns the reading pane, the undo stack and ``run_command``; this module adds the
actor, event and framing panels as dock widgets (tabbed with the labels), the actions that reach
them from the reading pane (A, T, E, F, Shift+F...), the layer switches of the View menu, the
open document's actor links, and the routing of each ``Change`` (``actors``, ``events``,
``frames``) to the panel it concerns — a panel not on screen loads when it is shown or used.
What the actor keys do is ``actor_links.py``, the event keys ``event_links.py``; both see these
docks as an ``AnalysisContext``. Every change is a service command run through the window, so
it is on the undo stack and saved at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

from annotator.core.actors import Actor
from annotator.core.errors import AnnotatorError
from annotator.core.events import EVENT_LAYER
from annotator.core.framing import EVIDENCE_LAYERS
from annotator.core.model import Span
from annotator.core.problems import ValidationError
from annotator.core.schema import Schema
from annotator.gui.actor_links import ActorLinks
from annotator.gui.actor_panel import ActorPanel
from annotator.gui.event_links import EventLinks
from annotator.gui.event_panel import EventPanel
from annotator.gui.frame_panel import FramePanel
from annotator.gui.reading_pane import ShownSpan
from annotator.services.actors import (
    LABEL_KINDS,
    ActorCommands,
    ActorRegistry,
)
from annotator.services.annotate import Change, Command
from annotator.services.events import EventCommands
from annotator.services.framing import FramingCommands

if TYPE_CHECKING:
    from annotator.gui.window_protocols import AnalysisHost

PANELS = ("actors", "events", "frames")  # in the order of the docks
# Layer switches of the View menu: (layer, menu text, shortcut). Ctrl+1 is the suggestions'.
LAYER_ACTIONS = (
    ("entity", "Show &entities", "Ctrl+2"),
    ("actor", "Show &actor links", "Ctrl+3"),
    ("event", "Show e&vents", "Ctrl+4"),
    ("frame", "Show &framing evidence", "Ctrl+5"),
)


class AnalysisDocks:
    """The actor, event and framing docks of a main window, and what connects them to it."""

    def __init__(self, window: AnalysisHost, schema: Schema) -> None:
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
        self.actor_dock = self._dock("Actors", "actorsDock", self.actor_panel)
        self.event_dock = self._dock("Events", "eventsDock", self.event_panel)
        self.frame_dock = self._dock("Framing", "framingDock", self.frame_panel)
        self.docks = [self.actor_dock, self.event_dock, self.frame_dock]
        window.tabifyDockWidget(window.label_dock, self.actor_dock)
        window.tabifyDockWidget(self.actor_dock, self.event_dock)
        window.tabifyDockWidget(self.event_dock, self.frame_dock)
        window.label_dock.raise_()

        self.doc_id = 0
        self.mentions: dict[int, int] = {}  # span id -> actor id, the analyst's, open document
        self.actors: dict[int, Actor] = {}
        self._spans: dict[int, Span] | None = None  # the analyst's spans by id (read when needed)
        self._actors_stamp: tuple[object, ...] | None = None  # the registry as last read
        self._registry_changed = True  # the actor list must be read again when shown
        self._stale: set[str] = set()  # panels to load again before they are shown or used

        for panel in (self.actor_panel, self.event_panel, self.frame_panel):
            panel.done.connect(self.back_to_text)
        for name, dock in zip(PANELS, self.docks, strict=True):
            dock.visibilityChanged.connect(lambda shown, name=name: self._dock_shown(name, shown))
        self.actor_links = ActorLinks(self)
        self.event_links = EventLinks(self)
        self.event_panel.describe_ref = self.event_links.describe_ref
        self.event_panel.choices_provider = self.event_links.choices
        self.actor_panel.actorChosen.connect(self.actor_links.actor_chosen)
        self.actor_panel.tagRequested.connect(self.actor_links.tag_all)
        self.event_panel.eventSelected.connect(self.event_links.event_selected)
        self.pane.currentChanged.connect(self._current_changed)
        self._build_actions()

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _build_actions(self) -> None:
        a = self.window.action
        actors, events = self.actor_links, self.event_links
        self.act_link = a("Link to an &actor…", actors.link_actor, "A", "actionLinkActor", True)
        self.act_tag_all = a("&Tag every mention of the actor", actors.tag_current, "T", "actionTagAll", True)
        self.act_accept_mentions = a(
            "Accept suggestions as actor &mentions",
            actors.accept_as_mentions,
            "Ctrl+Shift+M",
            "actionAcceptMentions",
        )
        self.act_event = a("Make an &event from the selection", events.new_event, "E", "actionNewEvent", True)
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

    def status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 6000)

    # -- the open document ------------------------------------------------------------------------

    def document_opened(self, doc_id: int) -> None:
        """A document was opened: its actor links now (the pane draws them), the panels when
        they are on screen (a panel tabbed away loads when it is shown or used)."""
        self.doc_id = doc_id
        self._spans = None
        self.actor_links.forget_target()
        self._read_links()
        self._stale.update(PANELS)
        for name in PANELS:
            self.sync(name, only_if_shown=True)
        self.actor_panel.show_current("Select a name in the text and press A to link it to an actor.")

    def _dock_shown(self, name: str, shown: bool) -> None:
        if shown:
            self.sync(name)

    def _on_screen(self, name: str) -> bool:
        """Whether a panel can be seen (a dock tabbed away stays "visible" to Qt, but shows
        nothing)."""
        panel = self._panel(name)
        return panel.isVisible() and not panel.visibleRegion().isEmpty()

    def _panel(self, name: str) -> QWidget:
        return {"actors": self.actor_panel, "events": self.event_panel, "frames": self.frame_panel}[name]

    def sync(self, name: str, only_if_shown: bool = False) -> None:
        """Load a panel for the open document if something it shows changed since it last did."""
        keys = {name, "frame-actors"} if name == "frames" else {name}
        due = keys & self._stale
        if not due or (only_if_shown and not self._on_screen(name)):
            return
        self._stale -= keys
        if due == {"frame-actors"}:  # only the actors changed: keep what the form holds
            self.frame_panel.set_actors(self.actors_here(), self.all_actors())
        elif name == "actors":
            self.actor_panel.set_document(self.doc_id, self.mentions, reload=self._registry_changed)
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
                self.doc_id, self.pane.text(), self.actors_here(), self.all_actors()
            )

    def _read_links(self, actors_changed: bool = False) -> None:
        stamp = self.registry.repo.registry_stamp()
        if actors_changed or stamp != self._actors_stamp:  # (another instance may have changed it)
            self.actors = {int(a.id): a for a in self.registry.actors()}  # type: ignore[arg-type]
            self._actors_stamp = stamp
            self._registry_changed = True
        self.mentions = self.registry.mentions(self.doc_id, self.session.annotator.id) if self.doc_id else {}
        self.pane.set_actor_links(
            {
                span_id: self.actors[actor_id].name
                for span_id, actor_id in self.mentions.items()
                if actor_id in self.actors
            }
        )

    def actors_here(self) -> list[tuple[Actor, int]]:
        counts = Counter(self.mentions.values())
        return [(self.actors[i], n) for i, n in counts.most_common() if i in self.actors]

    def all_actors(self) -> list[Actor]:
        return sorted(self.actors.values(), key=lambda a: a.name.casefold())

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
            self.sync(name, only_if_shown=True)
        if (change.events or change.actors) and "events" not in self._stale:
            self.event_links.event_selected(self.event_panel.selected_event())

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

    def bring(self, name: str) -> None:
        """Show a panel's dock in front, loaded for the open document."""
        dock = {"actors": self.actor_dock, "events": self.event_dock, "frames": self.frame_dock}[name]
        dock.show()
        dock.raise_()
        self.sync(name)

    def focus_actors(self) -> None:
        self.bring("actors")
        self.actor_panel.focus_search()


    def make(self, factory: Callable[[], Command]) -> Command | None:
        try:
            return factory()
        except ValidationError as exc:
            self.window.dialogs.error("Not saved", "\n".join(str(p) for p in exc.problems))
        except AnnotatorError as exc:
            self.window.dialogs.error("Not saved", str(exc))
        return None


    # -- events -----------------------------------------------------------------------------------

    def focus_events(self) -> None:
        self.bring("events")
        self.event_panel.list.setFocus()
        if self.event_panel.list.currentRow() < 0 and self.event_panel.list.count():
            self.event_panel.list.setCurrentRow(0)


    def _current_changed(self, item: ShownSpan | None) -> None:
        """Select the event of a trigger; say on the actor panel what A and Enter would do."""
        if item is not None and item.span.layer == EVENT_LAYER and item.span.id is not None:
            self.event_links.select_trigger(item.span.id)
        self.actor_links.describe_current(item)

    # -- what the span keys ask (gui/annotation_actions.py) ---------------------------------------

    def accept_command(self, span: Span) -> Command:
        """Enter on a suggestion: accepted as a mention of its proposed actor when there is one."""
        return self.actor_links.accept_command(span)

    def accept_trigger(self, span: Span) -> None:
        """Enter on an event trigger suggestion: the event form, filled in for confirmation."""
        self.event_links.accept_trigger(span)

    def delete_span(self, item: ShownSpan) -> bool:
        """X on an event trigger deletes its event (one undoable change); True when handled."""
        return self.event_links.delete_span(item)

    # -- screenshots ----------------------------------------------------------------------------

    def show_view(self, view: str) -> None:
        """Put a panel on show (``annotator gui --screenshot --view actors|event|framing``):
        the card of the document's most mentioned actor, with a name still to link current
        (the panel says which actor Enter would link it to); the first event open in the form,
        boxed in the text; the framing form."""
        if view == "actors":
            self.focus_actors()
            here = self.actors_here()
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
        self.bring("frames")
        self.frame_panel.open_form()

    def tag_evidence(self) -> None:
        """Shift+F: tag the selection (or the current span's words) as framing evidence."""
        if not self.doc_id:
            return
        selection = self.pane.selection_codepoints()
        if selection is None and self.pane.current is not None:
            selection = (self.pane.current.span.start, self.pane.current.span.end)
        if selection is None:
            self.status("Select the passage first (Shift+arrows), then press Shift+F.")
            return
        if self.window.region_marks.blocks(*selection):  # greyed: no evidence span there
            return
        self.bring("frames")
        self.frame_panel.tag_for(*selection)

