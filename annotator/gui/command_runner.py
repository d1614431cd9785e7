"""Every change is a command: run it now (saved before this returns), put it on the undo stack,
and tell the window what changed.

A command from ``services/`` runs in one transaction; its ``Change`` goes to the window's
``apply`` callback, which refreshes only what it names. ``UndoAdapter`` puts the command on
Qt's ``QUndoStack``: the command itself does the work, redo and undo run it through the same
runner. The saved-state label of the status bar says whether the last step was saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLabel

from annotator.core.errors import AnnotatorError, ConflictError
from annotator.gui.dialogs import Dialogs
from annotator.services.annotate import Change, Command


class UndoAdapter(QUndoCommand):
    """Puts a service command on Qt's undo stack; the command itself does the work."""

    def __init__(self, command: Command, runner: CommandRunner) -> None:
        super().__init__(command.text)
        self.command = command
        self.runner = runner
        self._already_done = True

    def redo(self) -> None:
        if self._already_done:  # it ran before it was pushed
            self._already_done = False
            return
        self.runner.run_step(self.command.do)

    def undo(self) -> None:
        self.runner.run_step(self.command.undo)


class CommandRunner:
    """Runs commands and their undo/redo steps; shows the outcome in the saved-state label."""

    def __init__(
        self,
        undo_stack: QUndoStack,
        saved_label: QLabel,
        dialogs: Dialogs,
        apply: Callable[[Change], None],
        reload: Callable[[], None],
    ) -> None:
        self.undo_stack = undo_stack
        self.saved_label = saved_label
        self.dialogs = dialogs
        self.apply = apply
        self.reload = reload

    def run_command(self, command: Command) -> bool:
        """Run a command now (saved before this returns) and put it on the undo stack."""
        if not self.run_step(command.do):
            return False
        self.undo_stack.push(UndoAdapter(command, self))
        return True

    def run_step(self, step: Callable[[], Change]) -> bool:
        self.saved_label.setText("saving…")
        try:
            change = step()
        except ConflictError as exc:
            # Another instance changed this since it was shown: show the newer work, never
            # overwrite it silently.
            self.saved_label.setText("not saved ✗")
            self.dialogs.error("Changed elsewhere", f"{exc}\n\nThe document has been reloaded.")
            self.reload()
            return False
        except AnnotatorError as exc:
            self.saved_label.setText("not saved ✗")
            self.dialogs.error("Could not save", str(exc))
            return False
        self.apply(change)
        self.saved_label.setText("saved ✓")
        return True
