"""The adjudication actions of review mode: take a version, take none, edit, and their undo.

``services.review.Adjudication`` turns every decision into a command; ``Decisions`` runs it now
(saved before it returns), puts it on the window's ``QUndoStack`` (``ReviewUndo``, the review
twin of ``gui/command_runner.UndoAdapter``) and moves on to the next unsettled difference. An
undo brings the review view back and shows the difference it concerns. Editing: E selects the
first version's text in its pane; the analyst adjusts the selection and presses a label key.

The view these act on is a ``Screen``: the protocol of what they read and redraw, so that this
module does not import the view that holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QUndoCommand

from annotator.core.differences import DifferenceKind
from annotator.core.errors import AnnotatorError
from annotator.core.labels import LabelSet
from annotator.core.model import Span
from annotator.gui.review.pane import ReviewPane
from annotator.services.annotate import Change
from annotator.services.review import AcceptAgreed, Adjudication, Decide

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from annotator.gui.window_protocols import ReviewHost


class Screen(Protocol):
    """What the actions need from the review view."""

    adj: Adjudication
    labels: LabelSet
    annotators: list[str]
    gold_name: str
    panes: list[ReviewPane]
    gold_pane: ReviewPane
    window_: ReviewHost

    @property
    def index(self) -> int | None: ...

    def show_difference(self, index: int) -> None: ...

    def refresh_doc_state(self) -> None: ...

    def focus_gold(self) -> None: ...

    def update_bar(self) -> None: ...

    def as_widget(self) -> QWidget: ...


class ReviewUndo(QUndoCommand):
    """Puts an adjudication command on the window's undo stack; undo shows it in the review view."""

    def __init__(self, command: Decide | AcceptAgreed, decisions: Decisions) -> None:
        super().__init__(command.text)
        self.command = command
        self.decisions = decisions
        self._already_done = True

    def _index(self) -> int | None:
        return self.command.index if isinstance(self.command, Decide) else None

    def redo(self) -> None:
        if self._already_done:  # it ran before it was pushed
            self._already_done = False
            return
        self.decisions.run_step(self.command.do, self._index(), undoing=False)

    def undo(self) -> None:
        self.decisions.run_step(self.command.undo, self._index(), undoing=True)


class Decisions:
    """The keys and buttons that settle differences (A/B, 1-9, 0, E), run on a review view."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.editing = False

    # -- keys -----------------------------------------------------------------------------------

    def digit(self, digit: int) -> None:
        if self.editing:
            label = self.screen.labels.by_key(str(digit))
            if label is not None:
                self.finish_edit(label.name)
            return
        annotators = self.screen.annotators
        if digit == 0:
            self.take_none()
        elif digit <= len(annotators):
            self.take(annotators[digit - 1])

    def take(self, annotator: str) -> None:
        index = self.screen.index
        if index is not None:
            self.push(self.screen.adj.take(index, annotator))

    def merge(self) -> None:
        """M: an event difference settled with one event carrying every annotator's roles."""
        screen = self.screen
        index = screen.index
        if index is None:
            return
        if screen.adj.differences[index].kind is not DifferenceKind.EVENT:
            screen.window_.statusBar().showMessage("M merges the roles of differing events.", 4000)
            return
        self.push(screen.adj.merge_roles(index))

    def take_none(self) -> None:
        index = self.screen.index
        if index is not None:
            self.push(self.screen.adj.take_none(index))

    # -- editing --------------------------------------------------------------------------------

    def start_edit(self) -> None:
        """Select the first version's text (or the region) in its pane; a label key settles it."""
        screen = self.screen
        if screen.index is None:
            return
        diff = screen.adj.differences[screen.index]
        if diff.kind in (DifferenceKind.EVENT, DifferenceKind.FRAMING):
            screen.window_.statusBar().showMessage(
                "Take a version (A/B, 1-9) or none (0); edit the gold event or framing in its "
                "form afterwards.",
                5000,
            )
            return
        self.editing = True
        target = screen.panes[0]
        start, end = diff.start, diff.end
        for pane in screen.panes:
            version = diff.version(pane.name)
            if version is not None:
                target, start, end = pane, version.start, version.end
                break
        target.set_current(None, reveal=False)
        target.select_codepoints(start, end)
        target.setFocus()
        screen.update_bar()

    def cancel_edit(self) -> None:
        if not self.editing:
            return
        self.editing = False
        screen = self.screen
        for pane in [*screen.panes, screen.gold_pane]:
            pane.clear_selection()
        if screen.index is not None:
            diff = screen.adj.differences[screen.index]
            for pane in screen.panes:
                version = diff.version(pane.name)
                pane.set_focus((diff.start, diff.end), version, version.label if version else "none")

    def finish_edit(self, label: str) -> None:
        screen = self.screen
        if screen.index is None:
            return
        panes = [*screen.panes, screen.gold_pane]
        focused = [p for p in panes if p.hasFocus() and p.selection_codepoints() is not None]
        chosen = focused or [p for p in panes if p.selection_codepoints() is not None]
        if not chosen:
            screen.window_.statusBar().showMessage("Select the text of the span first.", 4000)
            return
        selection = chosen[0].selection_codepoints()
        assert selection is not None
        start, end = selection
        self.editing = False
        for pane in panes:
            pane.clear_selection()
        self.push(screen.adj.custom(screen.index, [Span(start, end, label)]))

    # -- commands -------------------------------------------------------------------------------

    def push(self, command: Decide) -> None:
        """Run a decision now, put it on the undo stack, move on to the next unsettled one."""
        index = command.index
        if not self.run_step(command.do, index, undoing=False, move=False):
            return
        self.screen.window_.undo_stack.push(ReviewUndo(command, self))
        following = self.screen.adj.next_unresolved(index)
        if following is None:
            self.screen.show_difference(index)
            self.all_settled()
        else:
            self.screen.show_difference(following)

    def run_step(
        self, step: Callable[[], Change], index: int | None, undoing: bool, move: bool = True
    ) -> bool:
        """Run a do/undo; show where it happened (an undo brings the review view back)."""
        screen = self.screen
        window = screen.window_
        window.show_review(screen.as_widget())
        window.saved_label.setText("saving…")
        try:
            # Its Change (a BulkChange for the agreed spans) is the gold set's: shown here; the
            # main window reloads its list when review mode ends.
            step()
        except AnnotatorError as exc:
            window.saved_label.setText("not saved ✗")
            window.dialogs.error("Could not save", str(exc))
            return False
        window.saved_label.setText("saved ✓")
        if move and index is not None:
            following = None if undoing else screen.adj.next_unresolved(index)
            screen.show_difference(index if following is None else following)
        screen.refresh_doc_state()
        screen.focus_gold()
        screen.update_bar()
        return True

    def all_settled(self) -> None:
        screen = self.screen
        screen.update_bar()
        total = screen.adj.total
        if screen.window_.dialogs.confirm(
            "Review complete",
            f"All {total} differences are settled. The gold set “{screen.gold_name}” is complete.\n\n"
            "Export it now?",
        ):
            self.export_gold()

    def export_gold(self) -> None:
        self.screen.window_.export_dialog(annotator=self.screen.gold_name)
