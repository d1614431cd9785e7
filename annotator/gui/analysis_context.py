"""What the actor and event keys need from the analysis docks they work in, as a protocol.

``gui/analysis_docks.py`` holds the panels, the open document's actor links and the rules for
loading a panel when it is shown; ``actor_links.py`` and ``event_links.py`` act on them through
this protocol, so that neither imports the docks (nor the docks' window).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from annotator.core.actors import Actor
    from annotator.core.model import Span
    from annotator.core.schema import Schema
    from annotator.gui.actor_panel import ActorPanel
    from annotator.gui.event_panel import EventPanel
    from annotator.gui.reading_pane import ReadingPane
    from annotator.gui.window_protocols import AnalysisHost
    from annotator.services.actors import ActorCommands, ActorRegistry
    from annotator.services.annotate import AnnotationSession, Command
    from annotator.services.events import EventCommands


class AnalysisContext(Protocol):
    """The open document's analysis: its panels, actor links and commands."""

    window: AnalysisHost
    pane: ReadingPane
    schema: Schema
    session: AnnotationSession
    registry: ActorRegistry
    actor_commands: ActorCommands
    event_commands: EventCommands
    actor_panel: ActorPanel
    event_panel: EventPanel
    doc_id: int  # 0: no document open
    mentions: dict[int, int]  # span id -> actor id, the analyst's, open document
    actors: dict[int, Actor]  # the registry by id

    def own_spans(self) -> dict[int, Span]:
        """The analyst's spans of the open document by id."""
        ...

    def actors_here(self) -> list[tuple[Actor, int]]:
        """The actors mentioned in the open document, with their mention counts, most first."""
        ...

    def all_actors(self) -> list[Actor]: ...

    def sync(self, name: str, only_if_shown: bool = False) -> None:
        """Load a panel ("actors", "events", "frames") if what it shows changed."""
        ...

    def bring(self, name: str) -> None:
        """Show a panel's dock in front, loaded for the open document."""
        ...

    def make(self, factory: Callable[[], Command]) -> Command | None:
        """The command the factory makes, or None after showing why it could not be made."""
        ...

    def status(self, message: str) -> None: ...
