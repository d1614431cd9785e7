"""Review mode in the window: its view takes the place of the reading pane and of the docks, and
gives them back when the reviewer leaves (the docks that were shown come back; the decisions
stay on the undo stack).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QDockWidget, QStackedWidget, QWidget

from annotator.gui.window_protocols import ReviewScreen


class ReviewSwitch:
    """Swaps the window's central stack between the reading pane (page 0) and a review view."""

    def __init__(self, stack: QStackedWidget, docks: Callable[[], Sequence[QDockWidget]]) -> None:
        self.stack = stack
        self.docks = docks
        self.view: QWidget | None = None
        self._docks_before: list[QDockWidget] = []

    def show(self, view: QWidget) -> None:
        """Show a review view in place of the reading pane (and the docks), focus in it."""
        if self.stack.indexOf(view) < 0:
            self.stack.addWidget(view)
        if self.view is None or self.stack.currentWidget() is not view:
            if self.stack.currentIndex() == 0:
                self._docks_before = [d for d in self.docks() if d.isVisible()]
                for dock in self._docks_before:
                    dock.hide()
            self.stack.setCurrentWidget(view)
            view.setFocus()
        self.view = view

    def leave(self) -> bool:
        """Back to the reading pane and the docks; False when review mode was not on show."""
        view = self.view
        if view is None or self.stack.currentWidget() is not view:
            return False
        if isinstance(view, ReviewScreen):
            view.shutdown()
        self.stack.setCurrentIndex(0)
        for dock in self._docks_before:
            dock.show()
        self._docks_before = []
        return True
