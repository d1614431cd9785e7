"""Actors from the reading pane: A links the current span or the selection to an actor (the
registry's proposal first), Enter accepts a suggestion as a mention of its proposed actor, T tags
every other mention of an actor, Ctrl+Shift+M accepts every suggestion naming a known actor.

Each link is one service command (``services/actors.py``) run through the window, so it is on the
undo stack. What this needs of the docks it works in is ``AnalysisContext``.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.actors import Actor, clean_name, validate_actor
from annotator.core.events import EVENT_LAYER
from annotator.core.model import Origin, Span
from annotator.core.problems import raise_on_errors
from annotator.gui import wording
from annotator.gui.analysis_context import AnalysisContext
from annotator.gui.reading_pane import ShownSpan
from annotator.services.actors import KIND_LABELS, LABEL_KINDS, MENTION_LAYER, AcceptAsMentions
from annotator.services.annotate import Command


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


class ActorLinks:
    """The actor keys of the reading pane and the actor panel's picks."""

    def __init__(self, docks: AnalysisContext) -> None:
        self.docks = docks
        self._target: MentionTarget | None = None  # what the actor picker links

    def forget_target(self) -> None:
        """A document was opened: the picker no longer links anything."""
        self._target = None

    def mention_target(self) -> MentionTarget | None:
        """What A links: the analyst's span or a suggestion at the selection (or the current
        span), or the bare selection (a new mention)."""
        pane = self.docks.pane
        text = pane.text()
        selection = pane.selection_codepoints()
        if selection is not None:
            start, end = selection
            matching = [i for i in pane.spans_matching(start, end) if i.span.layer == MENTION_LAYER]
            if matching:
                item = matching[0]
                return MentionTarget(start, end, text[start:end], item.span.label, item.span, item.suggestion)
            return MentionTarget(start, end, text[start:end], "")
        current = pane.current
        if current is None or current.span.layer != MENTION_LAYER:
            return None
        span = current.span
        return MentionTarget(
            span.start, span.end, text[span.start : span.end], span.label, span, current.suggestion
        )

    def link_actor(self) -> None:
        """A: open the actor picker for the current span or the selection, the proposal first."""
        if not self.docks.doc_id:
            return
        target = self.mention_target()
        if target is None:
            self.docks.status("Select a name (or make a span current with N or a click), then press A.")
            return
        if target.span is None and self.docks.window.region_marks.blocks(target.start, target.end):
            return  # a new mention inside greyed text: the status bar says why
        self._target = target
        self.docks.bring("actors")
        self.docks.actor_panel.pick_for(target.surface, target.label)

    def link_command(self, target: MentionTarget, chosen: int | Actor) -> Command:
        """The command that makes the target a mention of the chosen actor (id, or a new one)."""
        doc_id = self.docks.doc_id
        span = target.span
        if span is not None and span.id is not None and not target.suggestion and isinstance(chosen, int):
            return self.docks.actor_commands.link(doc_id, span.id, chosen)
        if span is not None:  # a suggestion, or a span to link to a new actor: one step
            return self.docks.actor_commands.accept_suggestions(doc_id, [span], actor=chosen)
        # A bare selection: a new entity span, labelled after the actor's kind, and its link.
        if isinstance(chosen, Actor):
            actor = chosen.with_(name=clean_name(chosen.name))
            raise_on_errors(validate_actor(actor, self.docks.schema))
            new, ref = [actor], -1
        else:
            actor, new, ref = self.docks.registry.actor(chosen), [], chosen
        label = KIND_LABELS.get(actor.kind, "MISC")
        mention = Span(target.start, target.end, label, Origin.MANUAL, MENTION_LAYER)
        what = f"Tag {target.surface} as a mention of {actor.name}"
        return AcceptAsMentions(self.docks.actor_commands, doc_id, [(mention, ref)], [], new, what)

    def actor_chosen(self, value: object) -> None:
        target, self._target = self._target, None
        if target is None or not self.docks.doc_id or not isinstance(value, int | Actor):
            return
        command = self.docks.make(lambda: self.link_command(target, value))
        if command is None or not self.docks.window.run_command(command):
            return
        self._after_link(command, value, target)

    def _after_link(self, command: Command, value: int | Actor, target: MentionTarget) -> None:
        """Show the linked actor on the card and make the mention current, back in the text."""
        actor_id = value if isinstance(value, int) else None
        change = getattr(command, "change", None)
        if actor_id is None and change is not None and change.created:
            actor_id = int(change.created[0].id)
        if actor_id is not None:
            self.docks.actor_panel.select_actor(actor_id)
        self.docks.pane.clear_selection()
        for item in self.docks.pane.spans_matching(target.start, target.end):
            if not item.suggestion and item.span.layer == MENTION_LAYER:
                self.docks.pane.set_current(item, reveal=False)
                break
        name = self.docks.actors[actor_id].name if actor_id in self.docks.actors else "the actor"
        self.docks.status(f"Linked to {name}. T tags every other mention of it.")
        self.docks.pane.setFocus()

    def accept_command(self, span: Span) -> Command:
        """Enter on a suggestion: accepted as a mention of its proposed actor when there is one
        (names of people, organisations, states), else accepted as it is."""
        docks = self.docks
        if docks.doc_id and span.label in LABEL_KINDS:
            proposal = docks.registry.propose(docks.pane.text()[span.start : span.end])
            if proposal is not None:
                actor = int(proposal[0].id)  # type: ignore[arg-type]
                return docks.actor_commands.accept_suggestions(docks.doc_id, [span], actor=actor)
        return docks.session.accept(docks.window.doc_id, [span])  # type: ignore[arg-type]

    def accept_as_mentions(self) -> None:
        """Every suggestion naming a known actor becomes a mention of it, in one step."""
        if not self.docks.doc_id:
            return
        text = self.docks.pane.text()
        chosen = [
            i.span
            for i in self.docks.pane.shown_spans()
            if i.suggestion
            and i.span.label in LABEL_KINDS
            and self.docks.registry.propose(text[i.span.start : i.span.end]) is not None
        ]
        if not chosen:
            self.docks.status("No suggestion names a known actor.")
            return
        commands = self.docks.actor_commands
        command = self.docks.make(lambda: commands.accept_suggestions(self.docks.doc_id, chosen))
        if command is not None and self.docks.window.run_command(command):
            self.docks.status(f"Accepted {wording.count(len(chosen), 'suggestion')} as actor mentions.")

    def tag_current(self) -> None:
        """T: tag every other mention of the current span's actor (or the actor on the card)."""
        actor_id = None
        pane, mentions = self.docks.pane, self.docks.mentions
        current = pane.current
        if current is not None and not current.suggestion and current.span.id is not None:
            actor_id = mentions.get(current.span.id)
        if actor_id is None:
            selection = pane.selection_codepoints()
            if selection is not None:
                for item in pane.spans_matching(*selection):
                    if item.span.id is not None and item.span.id in mentions and not item.suggestion:
                        actor_id = mentions[item.span.id]
        if actor_id is None:
            actor_id = self.docks.actor_panel.actor_id
        if actor_id is None:
            self.docks.status(
                "Make a linked mention current (click, or select it), or choose an actor in the panel."
            )
            return
        self.tag_all(actor_id)

    def tag_all(self, actor_id: int) -> None:
        if not self.docks.doc_id:
            return
        doc_id = self.docks.doc_id
        command = self.docks.make(lambda: self.docks.actor_commands.tag_all(doc_id, actor_id))
        if command is None:
            return
        name = self.docks.registry.actor(actor_id).name
        count = getattr(command, "count", 0)
        if not count:
            self.docks.status(f"No other mention of {name} in this document.")
            return
        if self.docks.window.run_command(command):
            self.docks.status(f"Tagged {wording.count(count, 'more mention')} of {name}.")

    def describe_current(self, item: ShownSpan | None) -> None:
        """Say on the actor panel what A and Enter would do with the current span."""
        say = self.docks.actor_panel.show_current
        if item is None:
            say("Select a name in the text and press A to link it to an actor.")
            return
        text = self.docks.pane.text()[item.span.start : item.span.end]
        shown = text if len(text) <= 50 else text[:49] + "…"
        if item.span.layer == EVENT_LAYER and item.span.id is not None:
            say(f"“{shown}” is an event trigger (E edits the event).")
            return
        if item.span.layer != MENTION_LAYER:
            say(f"“{shown}”: {item.span.label.replace('_', ' ')} passage.")
            return
        mentions, actors = self.docks.mentions, self.docks.actors
        linked = mentions.get(item.span.id) if item.span.id is not None and not item.suggestion else None
        if linked is not None and linked in actors:
            say(
                f"“{shown}” is a mention of {actors[linked].name}. "
                "A links another actor · T tags every other mention."
            )
            return
        proposal = self.docks.registry.propose(text)
        if proposal is None:
            say(f"“{shown}” ({item.span.label}): no actor proposed. A chooses or creates one.")
        elif item.suggestion and item.span.label in LABEL_KINDS:
            say(
                f"“{shown}” ({item.span.label} suggestion): Enter accepts it as a mention of "
                f"{proposal[0].name} · A chooses another actor."
            )
        else:
            say(f"“{shown}” ({item.span.label}): A links it (proposed: {proposal[0].name}).")
