"""What the label keys, Enter, X, N / P, Ctrl+Shift+A and Esc do to the open document, and the
popup menus on a highlight or a selection.

A label key labels the selection, or relabels (or accepts as that label) the current span; Enter
accepts the current suggestion (a name of a known actor as a mention of it, through the
analysis docks); X rejects a suggestion or deletes a span (on an event trigger: its event).
Every change is a service command run through the window, so it is on the undo stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from annotator.core.events import EVENT_LAYER
from annotator.core.model import Span
from annotator.gui.reading_pane import ShownSpan

if TYPE_CHECKING:
    from annotator.gui.window_protocols import AnnotateHost


class AnnotationActions:
    """The span keys of the reading pane, their actions, and the span menus."""

    def __init__(self, host: AnnotateHost) -> None:
        self.host = host
        self.pane = host.pane
        self.label_panel = host.label_panel
        a = host.action
        self.act_accept = a("&Accept suggestion", self.accept_current, None, "actionAccept", True)
        self.act_accept.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.act_delete = a("&Reject / delete span", self.delete_current, None, "actionDelete", True)
        self.act_delete.setShortcuts([QKeySequence("X"), QKeySequence(Qt.Key.Key_Delete)])
        self.act_accept_all = a("Accept a&ll suggestions", self.accept_all, "Ctrl+Shift+A", "actionAcceptAll")
        self.act_next_sugg = a("&Next suggestion", lambda: self.step_suggestion(True), "N", "", True)
        self.act_prev_sugg = a("&Previous suggestion", lambda: self.step_suggestion(False), "P", "", True)
        self.act_escape = a("Clear selection", self.clear_current, "Esc", "", True)
        self.label_actions: list[QAction] = []
        for label in host.labels:
            act = a(
                f"Label as {label.name}",
                lambda name=label.name: self.apply_label(name),  # type: ignore[misc]
                label.key or None,
                f"actionLabel_{label.name}",
                True,
            )
            self.label_actions.append(act)
        self.label_panel.labelChosen.connect(self.apply_label)
        self.label_panel.acceptRequested.connect(self.accept_current)
        self.label_panel.deleteRequested.connect(self.delete_current)
        self.pane.spanClicked.connect(self._span_clicked)
        self.pane.contextRequested.connect(self._context_menu)
        self.pane.cursorPositionChanged.connect(self._pane_cursor_moved)

    def _status(self, message: str) -> None:
        self.host.statusBar().showMessage(message, 4000)

    def apply_label(self, label: str) -> None:
        """Label the selection; without one, relabel the current span (or accept it as that)."""
        doc_id, session, run = self.host.doc_id, self.host.session, self.host.run_command
        if doc_id is None:
            return
        selection = self.pane.selection_codepoints()
        if selection is not None:
            start, end = selection
            if self.host.region_marks.blocks(start, end):  # greyed: repeated text, boilerplate
                return
            matching = self.pane.spans_matching(start, end)
            existing = [i for i in matching if not i.suggestion and i.span.layer == "entity"]
            if existing:
                if existing[0].span.label != label and existing[0].span.id is not None:
                    run(session.relabel(doc_id, existing[0].span.id, label, expected=existing[0].span.label))
            else:
                run(session.add(doc_id, [Span(start, end, label)], f"Label as {label}"))
            self.pane.clear_selection()
            self.make_current(start, end)
            return
        current = self.pane.current
        if current is None:
            self._status("Select some text first, or pick a span (N / click).")
            return
        if current.span.layer != "entity":  # an event trigger or a passage: label its words
            self.pane.select_codepoints(current.span.start, current.span.end)
            self.apply_label(label)
        elif current.suggestion:
            run(session.accept(doc_id, [current.span], label))
            self.make_current(current.span.start, current.span.end)
        elif current.span.label != label and current.span.id is not None:
            run(session.relabel(doc_id, current.span.id, label, expected=current.span.label))

    def make_current(self, start: int, end: int) -> None:
        """Make the analyst's span at text[start:end] current, and show it on the label panel."""
        for item in self.pane.spans_matching(start, end):
            if not item.suggestion:
                self.pane.set_current(item, reveal=False)
                break
        self.label_panel.show_span(self.pane.current, self.pane.text())

    def accept_current(self) -> None:
        current = self.pane.current
        if self.host.doc_id is None or current is None or not current.suggestion:
            return
        if current.span.layer == EVENT_LAYER:  # a trigger: the event form, filled in
            self.host.analysis.accept_trigger(current.span)
            return
        # A name of a known actor is accepted as a mention of it (its proposed actor).
        if self.host.run_command(self.host.analysis.accept_command(current.span)):
            self.make_current(current.span.start, current.span.end)

    def delete_current(self) -> None:
        current = self.pane.current
        doc_id = self.host.doc_id
        # A trained model's trigger suggestion is not stored (no id): rejecting it remembers it.
        if doc_id is None or current is None or (current.span.id is None and not current.suggestion):
            return
        if self.host.analysis.delete_span(current):  # an event trigger: its event goes
            self.pane.set_current(None, reveal=False)
            return
        session = self.host.session
        # A rejected suggestion is remembered: that form and label are not suggested again.
        command = (
            session.reject(doc_id, [current.span])
            if current.suggestion
            else session.delete(doc_id, [int(current.span.id)], "Delete span")  # type: ignore[arg-type]
        )
        if self.host.run_command(command):
            self.pane.set_current(None, reveal=False)
            self.label_panel.show_span(None, "")

    def accept_all(self) -> None:
        doc_id = self.host.doc_id
        if doc_id is None:
            return
        # Trigger suggestions wait for the event form (Enter on each): a trigger alone is no event.
        suggestions = [
            i.span for i in self.pane.shown_spans() if i.suggestion and i.span.layer != EVENT_LAYER
        ]
        if not suggestions:
            self._status("No suggestions left in this document.")
            return
        # Overlapping suggestions would overlap as confirmed spans too: that is allowed (nested
        # entities are valid), so all are accepted.
        self.host.run_command(self.host.session.accept(doc_id, suggestions))

    def step_suggestion(self, forward: bool) -> None:
        item = self.pane.step_suggestion(forward)
        self.label_panel.show_span(item, self.pane.text())
        if item is None:
            self._status("No suggestions left in this document.")

    def clear_current(self) -> None:
        self.pane.clear_selection()
        self.pane.set_current(None, reveal=False)
        self.label_panel.show_span(None, "")
        if self.host.meta_form.isVisible():
            self.host.close_meta_form()

    # -- the pane's clicks and menus --------------------------------------------------------------

    def _span_clicked(self, item: ShownSpan, _global_pos: QPoint) -> None:
        # A click makes the span current: its card shows Accept/Delete, and the keys (Enter, X,
        # 1-9) act on it. The right button opens the same actions as a menu.
        self.label_panel.show_span(item, self.pane.text())

    def span_menu(self, item: ShownSpan) -> QMenu:
        """The small popup on a highlight: accept, relabel, delete."""
        menu = QMenu(self.host.window())
        menu.setObjectName("spanMenu")
        if item.suggestion:
            menu.addAction(self.act_accept)
        relabel = menu.addMenu("Label as" if item.suggestion else "Relabel as")
        for act in self.label_actions:
            relabel.addAction(act)
        menu.addAction(self.act_delete)
        return menu

    def _context_menu(self, item: ShownSpan | None, global_pos: QPoint) -> None:
        if item is not None:
            self.label_panel.show_span(item, self.pane.text())
            self.span_menu(item).popup(global_pos)
            return
        menu = QMenu(self.host.window())
        menu.setObjectName("textMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self.pane.selection_codepoints() is not None:
            sub = menu.addMenu("Label selection as")
            for act in self.label_actions:
                sub.addAction(act)
        # On greyed text (a repeated line, boilerplate): unmark it, or mark it again.
        self.host.region_marks.add_to_menu(menu, global_pos)
        if menu.isEmpty():
            menu.deleteLater()
            return
        menu.popup(global_pos)

    def _pane_cursor_moved(self) -> None:
        if self.pane.textCursor().hasSelection() and self.pane.current is not None:
            self.pane.set_current(None, reveal=False)
            self.label_panel.show_span(None, "")
