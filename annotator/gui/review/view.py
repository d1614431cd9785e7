"""Review mode: colleagues' annotation sets side by side, their differences settled into a gold set.

The reviewer picks two or more annotators and names the gold set (``gui/review/start.py``);
``services.review.Adjudication`` lists the differences. This view shows one read-only pane per
annotator (their spans as confirmed fills) and the gold set as it is being built, with every
difference of the document marked in the text and the current one boxed in every pane and tagged
in the strip left of the text (``gui/review/pane.py``), the bar under the panes
(``gui/review/navigator.py``), and the figures (``gui/review/report.py``). The decisions are
``gui/review/decisions.py``; this module lays the parts out, shows the current difference and
binds the keys.

Every layer's differences are walked alike: spans (entities, actor links, evidence passages), then
the document's events (each annotator's event on the trigger: category and the fields that
differ) and framing choices (one per field, marked over the headline).

Keys (scoped to the view, so they never reach the main window's reading pane): N/P next/previous
unsettled difference (across documents), A/B (or 1-9) take that annotator's version, 0 take none,
E edit (select the text, press a label key; spans only), M merge the roles of differing events,
Esc leave.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from annotator.core.agreement import AgreementReport
from annotator.core.differences import DifferenceKind
from annotator.core.model import Span
from annotator.gui.review.decisions import Decisions
from annotator.gui.review.marks import LETTERS, event_text, framing_field, key_of
from annotator.gui.review.navigator import ReviewBar, difference_at, next_difference
from annotator.gui.review.pane import PaneColumn, ReviewPane
from annotator.gui.review.report import ReportDialog, compute_figures, figures_text, wait_for
from annotator.gui.workers import Worker
from annotator.services.review import CUSTOM, EXISTING, MERGED, NONE, Adjudication, Decision

if TYPE_CHECKING:
    from annotator.gui.window_protocols import ReviewHost


class ReviewView(QWidget):
    """The review mode's central widget."""

    leaveRequested = Signal()  # noqa: N815

    def __init__(self, window: ReviewHost, adjudication: Adjudication) -> None:
        super().__init__()
        self.setObjectName("reviewView")
        self.window_ = window
        self.adj = adjudication
        self.store = adjudication.store
        self.labels = window.labels
        self.annotators = list(adjudication.annotators)
        self.gold_name = adjudication.gold.name
        self.index: int | None = None
        self.doc_id: int | None = None
        self.report: AgreementReport | None = None
        self.report_error = ""
        self.report_dialog: ReportDialog | None = None
        self._figures_worker: Worker | None = None
        self._syncing = False
        self.doc_order = list(dict.fromkeys(d.document_id for d in adjudication.differences))
        self.decisions = Decisions(self)
        self._build()
        self._build_keys()

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        header = QFrame()
        header.setObjectName("reviewHeader")
        head = QHBoxLayout(header)
        head.setContentsMargins(14, 8, 10, 6)
        texts = QVBoxLayout()
        self.title_label = QLabel("Review")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.where_label = QLabel()
        self.where_label.setTextFormat(Qt.TextFormat.PlainText)
        texts.addWidget(self.title_label)
        texts.addWidget(self.where_label)
        head.addLayout(texts, 1)
        leave = QPushButton("Leave review (Esc)")
        leave.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        leave.clicked.connect(self.leaveRequested)
        head.addWidget(leave, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(header)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.panes: list[ReviewPane] = []
        self.columns: list[PaneColumn] = []
        for position, name in enumerate(self.annotators):
            pane = ReviewPane(self.labels, name)
            self._add_column(PaneColumn(pane, name, key_of(position)), gold=False)
        self.gold_pane = ReviewPane(self.labels, "gold")
        self.gold_column = PaneColumn(self.gold_pane, f"{self.gold_name} (adjudicated)", "")
        self._add_column(self.gold_column, gold=True)
        self.splitter.setSizes([1000] * (len(self.annotators) + 1))
        layout.addWidget(self.splitter, 1)

        d = self.decisions
        self.bar = ReviewBar(
            self.annotators, self.gold_name, d.take, d.start_edit, d.take_none, self.step, d.export_gold,
            self.show_report,
        )
        self.left_label = self.bar.left_label
        self.kind_label = self.bar.kind_label
        self.figures_label = self.bar.figures_label
        self.report_button = self.bar.report_button
        layout.addWidget(self.bar)

    def _add_column(self, column: PaneColumn, gold: bool) -> None:
        pane = column.pane
        pane.set_font_size(self.window_.pane.font_size())
        pane.clickedAt.connect(lambda cp: self.pick_at(cp))
        pane.verticalScrollBar().valueChanged.connect(lambda value, p=pane: self._sync_scroll(p, value))
        if not gold:
            self.panes.append(pane)
        self.columns.append(column)
        self.splitter.addWidget(column)

    def _build_keys(self) -> None:
        """Single-key shortcuts, active only while the focus is inside this view."""

        def key(shortcut: str | Qt.Key, slot: Callable[[], object], name: str) -> QAction:
            action = QAction(name, self)
            action.setObjectName(f"review_{name}")
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False: slot())
            self.addAction(action)
            return action

        d = self.decisions
        key("N", lambda: self.step(True), "next")
        key("P", lambda: self.step(False), "previous")
        for position, name in enumerate(self.annotators[: len(LETTERS)]):
            key(LETTERS[position], partial(d.take, name), f"take_{LETTERS[position]}")
        for digit in range(10):
            key(str(digit), partial(d.digit, digit), f"digit_{digit}")
        key("E", d.start_edit, "edit")
        key("M", d.merge, "merge")
        key(Qt.Key.Key_Escape, self.escape, "escape")

    def as_widget(self) -> QWidget:
        return self

    # -- showing --------------------------------------------------------------------------------

    def begin(self) -> None:
        """Show the first unsettled difference (or the first document when none is left)."""
        first = self.adj.next_unresolved()
        if first is not None:
            self.show_difference(first)
        elif self.adj.total:
            self.show_difference(0)
        elif self.adj.document_ids:
            self.load_document(self.adj.document_ids[0])
        self.update_bar()
        self.panes[0].setFocus()

    def load_document(self, doc_id: int) -> None:
        doc = self.store.documents.get(doc_id)
        self.doc_id = doc_id
        meta = doc.meta
        self.title_label.setText(meta.title or meta.filename or "Untitled")
        for pane, column in zip(self.panes, self.columns, strict=False):
            pane.set_text(doc.text, meta.lang)
            spans = self.store.spans.in_document(doc_id, annotator_id=self.adj.annotator_ids[pane.name])
            pane.set_spans(spans, [])
            column.set_count(len(spans))
        self.gold_pane.set_text(doc.text, meta.lang)
        self.refresh_doc_state()

    def refresh_doc_state(self) -> None:
        """Gold spans and settled marks of the open document, after a decision or an undo."""
        if self.doc_id is None:
            return
        gold = self.adj.gold_spans(self.doc_id)
        self.gold_pane.set_spans(gold, [])
        self.gold_column.set_count(len(gold))
        adj = self.adj
        marks = [(adj.differences[i], adj.is_resolved(i)) for i in adj.differences_in(self.doc_id)]
        for pane in [*self.panes, self.gold_pane]:
            pane.set_marks(marks)

    def show_difference(self, index: int) -> None:
        self.decisions.cancel_edit()
        diff = self.adj.differences[index]
        if diff.document_id != self.doc_id:
            self.load_document(diff.document_id)
        self.index = index
        region = (diff.start, diff.end)
        for pane, column in zip(self.panes, self.columns, strict=False):
            version = diff.version(pane.name)
            pane.set_focus(region, version, version.label if version else "none")
            if diff.kind is DifferenceKind.EVENT:
                column.version.setText(f"here: {event_text(diff.event(pane.name), diff.differs)}")
            elif diff.kind is DifferenceKind.FRAMING:
                value = diff.value(pane.name) or "none"
                column.version.setText(f"{framing_field(diff.field)}: {value}")
            else:
                column.version.setText(self._version_text(version))
        self.focus_gold()
        self._reveal(diff.start)
        self.update_bar()

    def focus_gold(self) -> None:
        if self.index is None or self.doc_id is None:
            return
        diff = self.adj.differences[self.index]
        decision = self.adj.decisions.get(self.index)
        shown = list(decision.spans) if decision is not None else []
        first = shown[0] if shown else None
        if decision is None:
            tag = "open"
        elif first is None:
            tag = "none"
        else:
            tag = first.label
        text = self._decision_text(decision, shown)
        if diff.kind is DifferenceKind.FRAMING and decision is not None:
            # A framing choice leaves no span: say what the gold set now holds for the field.
            value = diff.value(decision.choice) if decision.choice in self.annotators else None
            tag = value or ("in gold" if decision.choice == EXISTING else "none")
            text = f"{framing_field(diff.field)}: {tag}"
        self.gold_pane.set_focus((diff.start, diff.end), first, tag)
        self.gold_column.version.setText(text)

    def _version_text(self, span: Span | None) -> str:
        if span is None:
            return "here: no span"
        text = self.gold_pane.text()[span.start : span.end]
        if len(text) > 60:
            text = text[:57] + "…"
        return f"here: {span.label} “{text}” ({span.start}–{span.end})"

    def _decision_text(self, decision: Decision | None, spans: list[Span]) -> str:
        if decision is None:
            return "here: not settled yet"
        who = {
            NONE: "no span", CUSTOM: "your edit", EXISTING: "already in the gold set",
            MERGED: "the events with every role",
        }.get(
            decision.choice, f"{decision.choice}'s version"
        )
        if not spans:
            return f"here: {who}"
        span = spans[0]
        text = self.gold_pane.text()[span.start : span.end]
        return f"here: {who} — {span.label} “{text}”"

    def _reveal(self, cp: int) -> None:
        self._syncing = True
        try:
            for pane in [*self.panes, self.gold_pane]:
                pane.reveal(cp)
        finally:
            self._syncing = False

    def _sync_scroll(self, source: ReviewPane, value: int) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            for pane in [*self.panes, self.gold_pane]:
                if pane is not source:
                    pane.verticalScrollBar().setValue(value)
        finally:
            self._syncing = False

    def update_bar(self) -> None:
        adj = self.adj
        if self.doc_id is not None:
            here = adj.differences_in(self.doc_id)
            open_here = sum(1 for i in here if not adj.is_resolved(i))
            position = self.doc_order.index(self.doc_id) + 1 if self.doc_id in self.doc_order else 0
            self.where_label.setText(
                f"document {position} of {len(self.doc_order)} with differences · "
                f"{open_here} of {len(here)} left here · adjudicating into “{self.gold_name}”"
            )
        self.bar.show_state(adj, self.index, self.decisions.editing)

    # -- moving ---------------------------------------------------------------------------------

    def step(self, forward: bool) -> None:
        target = next_difference(self.adj, self.index, forward)
        if target is None:
            self.window_.statusBar().showMessage("No differences left to settle.", 4000)
            return
        self.show_difference(target)

    def pick_at(self, cp: int) -> None:
        """A click on a difference in any pane makes it current (settled ones too, to change them)."""
        if self.doc_id is None or self.decisions.editing:
            return
        best = difference_at(self.adj, self.doc_id, cp)
        if best is not None and best != self.index:
            self.show_difference(best)

    def escape(self) -> None:
        if self.decisions.editing:
            self.decisions.cancel_edit()
            self.update_bar()
        else:
            self.leaveRequested.emit()

    # -- figures --------------------------------------------------------------------------------

    def compute_figures(self) -> None:
        """The agreement report of the compared sets, off the GUI thread."""
        self._figures_worker = compute_figures(
            self.store.location, list(self.annotators), self, self._figures_done, self._figures_failed
        )

    def _figures_done(self, report: object) -> None:
        assert isinstance(report, AgreementReport)
        self.report = report
        self.figures_label.setText(figures_text(report))
        self.report_button.setEnabled(True)

    def _figures_failed(self, exc: object, _tb: str) -> None:
        self.report_error = str(exc)
        self.figures_label.setText(f"agreement figures unavailable: {exc}")

    def show_report(self) -> None:
        if self.report is None:
            return
        self.report_dialog = ReportDialog(self.report, self.labels, self, self.open_document)
        self.report_dialog.show()

    def open_document(self, key: str) -> None:
        """Review the document whose text has this SHA-256 (from the report's Documents list):
        its first unsettled difference, or its first difference, or the document itself."""
        doc_id = self.store.documents.id_by_sha(key)
        if doc_id is None:
            return
        here = self.adj.differences_in(doc_id)
        if here:
            open_here = [i for i in here if not self.adj.is_resolved(i)]
            self.show_difference((open_here or here)[0])
        else:
            self.index = None
            self.load_document(doc_id)
            self.update_bar()

    def shutdown(self) -> None:
        """Let the figures' thread finish before the view or the window goes away."""
        wait_for(self._figures_worker)
