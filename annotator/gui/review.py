"""Review mode: colleagues' annotation sets side by side, their differences settled into a gold set.

The reviewer picks two or more annotators and names the gold set; ``services.review.Adjudication``
lists the differences and turns every decision into a command, which this module puts on the
window's ``QUndoStack`` (``ReviewUndo``, the review twin of ``main_window.UndoAdapter``). The view
shows one read-only pane per annotator (their spans as confirmed fills) and the gold set as it is
being built, with every difference of the document marked in the text — a dotted underline where a
span is missing for someone, a wavy one where the labels differ, a dashed one where only the
boundaries do, a dash-dotted one where only the linked actor does — and the current difference
boxed in every pane and tagged, in a strip left of the text, with that set's label. Marks differ
by shape, not only by hue, so colour-blind readers tell them apart.

Keys (scoped to the view, so they never reach the main window's reading pane): N/P next/previous
unsettled difference (across documents), A/B (or 1-9) take that annotator's version, 0 take none,
E edit (select the text, press a label key), Esc leave. The agreement figures are computed once,
off the GUI thread, with ``services.review.review_database``; Report… shows the full text report
and the label confusion heatmaps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextCursor,
    QUndoCommand,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import OUTSIDE, AgreementReport
from annotator.core.differences import Difference, DifferenceKind
from annotator.core.errors import AnnotatorError
from annotator.core.labels import LabelSet
from annotator.core.model import Span
from annotator.core.tasks import TaskState
from annotator.gui.reading_pane import ReadingPane, ShownSpan
from annotator.gui.theme import blend, contrast
from annotator.gui.workers import Worker
from annotator.services.annotate import Change
from annotator.services.review import (
    CUSTOM,
    EXISTING,
    NONE,
    AcceptAgreed,
    Adjudication,
    Decide,
    Decision,
    render_text,
    review_database,
)

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

# How each kind of difference is marked: an underline shape in the text, a symbol in the gutter
# and the bar.
PRESENCE_STYLE = QTextCharFormat.UnderlineStyle.DotLine
LABEL_STYLE = QTextCharFormat.UnderlineStyle.WaveUnderline
BOUNDARY_STYLE = QTextCharFormat.UnderlineStyle.DashUnderline
ACTOR_STYLE = QTextCharFormat.UnderlineStyle.DashDotLine

UNDERLINES = {
    DifferenceKind.ONLY_A: PRESENCE_STYLE,
    DifferenceKind.ONLY_B: PRESENCE_STYLE,
    DifferenceKind.MISSING: PRESENCE_STYLE,
    DifferenceKind.LABEL: LABEL_STYLE,
    DifferenceKind.BOUNDARIES: BOUNDARY_STYLE,
    DifferenceKind.ACTOR: ACTOR_STYLE,
}

SYMBOLS = {
    DifferenceKind.ONLY_A: "◧",  # the left half filled: only the first (left) annotator
    DifferenceKind.ONLY_B: "◨",
    DifferenceKind.MISSING: "∅",
    DifferenceKind.LABEL: "≠",
    DifferenceKind.BOUNDARIES: "↔",
    DifferenceKind.ACTOR: "⇄",  # the same span, linked to different actors
}

LETTERS = "AB"  # the first two annotators have letter keys; every annotator has its digit


def key_of(position: int) -> str:
    """The key shown for the annotator at ``position``: A, B, then digits."""
    return LETTERS[position] if position < len(LETTERS) else str(position + 1)


def describe(diff: Difference) -> str:
    """One line saying what the difference is."""
    names = [name for name, _ in diff.versions]
    if diff.kind in (DifferenceKind.ONLY_A, DifferenceKind.ONLY_B):
        having = [name for name, span in diff.versions if span is not None]
        return f"only in {having[0]}"
    if diff.kind is DifferenceKind.MISSING:
        return f"missing in {', '.join(diff.missing)} (of {len(names)})"
    if diff.kind is DifferenceKind.LABEL:
        extra = ", boundaries too" if diff.boundaries_differ else ""
        return f"label differs{extra}"
    if diff.kind is DifferenceKind.ACTOR:
        linked = ", ".join(f"{name}: {diff.actor(name) or 'no actor'}" for name in names)
        return f"linked actor differs ({linked})"
    return "boundaries differ"


def fmt_figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def headline_figures(report: AgreementReport) -> dict[str, float | None]:
    """The bar's figures: the pair's with two annotators, the mean over pairs with more."""

    def mean(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    pairs = report.pairs
    return {
        "strict": mean([p.strict.overall.f1 for p in pairs]),
        "partial": mean([p.partial.overall.f1 for p in pairs]),
        "kappa": mean([p.kappa.kappa for p in pairs]),
        "alpha": report.alpha_tokens,
    }


def figures_text(report: AgreementReport) -> str:
    f = headline_figures(report)
    mean = f" (mean of {len(report.pairs)} pairs)" if len(report.pairs) > 1 else ""
    return (
        f"strict F1 {fmt_figure(f['strict'])} · partial F1 {fmt_figure(f['partial'])} · "
        f"Cohen's κ {fmt_figure(f['kappa'])}{mean} · Krippendorff's α {fmt_figure(f['alpha'])}"
    )


# -- the panes --------------------------------------------------------------------------------


class Gutter(QWidget):
    """The strip left of a review pane's text: a symbol beside each line with a difference (its
    kind), and the current difference's tag (this set's label, or "none")."""

    def __init__(self, pane: ReviewPane) -> None:
        super().__init__(pane)
        self.setObjectName("reviewGutter")
        self.pane = pane

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        painter = QPainter(self)
        self.pane.paint_gutter(painter, event.rect())
        painter.end()


Mark = tuple[int, int, DifferenceKind, bool]  # start, end, kind, settled


class ReviewPane(ReadingPane):
    """A read-only reading pane with the document's differences marked and the current one outlined."""

    clickedAt = Signal(int)  # code point under a plain click  # noqa: N815

    # Class-level defaults: ReadingPane.__init__ refreshes highlights before ours are set.
    _marks: tuple[Mark, ...] = ()
    _region: tuple[int, int] | None = None
    _version: Span | None = None
    _tag = ""
    _gutter: Gutter | None = None

    def __init__(self, labels: LabelSet, name: str, parent: QWidget | None = None) -> None:
        super().__init__(labels, parent)
        self.setObjectName(f"reviewPane_{name}")
        self.name = name
        self._click_from: QPoint | None = None
        self._gutter = Gutter(self)
        self.updateRequest.connect(lambda _rect, _dy: self._gutter.update() if self._gutter else None)
        self._place_gutter()

    def set_font_size(self, points: int) -> None:
        super().set_font_size(points)
        self._place_gutter()

    def _gutter_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.75))
        font.setBold(True)
        return font

    def gutter_width(self) -> int:
        return QFontMetrics(self._gutter_font()).horizontalAdvance("PERSON") + 22

    def _place_gutter(self) -> None:
        if self._gutter is None:
            return
        width = self.gutter_width()
        self.setViewportMargins(width, 0, 0, 0)
        rect = self.contentsRect()
        self._gutter.setGeometry(QRect(rect.left(), rect.top(), width, rect.height()))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        self._place_gutter()

    def set_text(self, text: str, lang: str = "") -> None:
        self._region = None
        self._version = None
        self._marks = ()
        super().set_text(text, lang)

    def set_marks(self, marks: Sequence[tuple[Difference, bool]]) -> None:
        """Every difference of the document: (difference, settled)."""
        self._marks = tuple((d.start, d.end, d.kind, settled) for d, settled in marks)
        self.refresh_highlights()
        if self._gutter is not None:
            self._gutter.update()

    def set_focus(self, region: tuple[int, int] | None, version: Span | None, tag: str) -> None:
        """The current difference's region, this pane's version of it (or None), its tag text."""
        self._region = region
        self._version = version
        self._tag = tag
        self.set_current(ShownSpan(version, False) if version is not None else None, reveal=False)
        if self._gutter is not None:
            self._gutter.update()

    def reveal(self, cp: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_utf16(min(cp, len(self.text()))))
        self.setTextCursor(cursor)
        self.centerCursor()

    # -- drawing --------------------------------------------------------------------------------

    def refresh_highlights(self) -> None:
        super().refresh_highlights()
        if not self.text() or not self._marks:
            return
        a, b = self.highlighted_range()
        palette = self.palette()
        strong = palette.color(QPalette.ColorRole.Text)
        faint = blend(strong, palette.color(QPalette.ColorRole.Base), 0.35)
        selections = list(self.extraSelections())
        doc = self.document()
        for start, end, kind, settled in self._marks:
            if end <= a or start >= b:
                continue
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(doc)
            cursor.setPosition(self.offsets.to_utf16(start))
            cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(UNDERLINES[kind])
            fmt.setUnderlineColor(faint if settled else strong)
            sel.format = fmt
            selections.append(sel)
        self.setExtraSelections(selections)

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().paintEvent(event)
        if self._region is None or self._version is not None or not self.text():
            return
        # Nothing here in this set: a dashed box where the others have a span.
        painter = QPainter(self.viewport())
        pen = QPen(self.palette().color(QPalette.ColorRole.Text))
        pen.setWidth(2)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        for rect in self.span_rects(*self._region):
            painter.drawRect(rect)
        painter.end()

    def _line_top(self, cp: int) -> QRect:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_utf16(cp))
        return self.cursorRect(cursor)

    def paint_gutter(self, painter: QPainter, area: QRect) -> None:
        palette = self.palette()
        painter.fillRect(area, palette.color(QPalette.ColorRole.Window))
        if not self.text():
            return
        width = self.gutter_width()
        font = self._gutter_font()
        painter.setFont(font)
        metrics = painter.fontMetrics()
        strong = palette.color(QPalette.ColorRole.WindowText)
        faint = blend(strong, palette.color(QPalette.ColorRole.Window), 0.35)
        a, b = self.visible_range()
        current_top = None
        if self._region is not None and a <= self._region[0] <= b:
            current_top = self._line_top(self._region[0]).top()
        symbols: dict[int, list[tuple[str, bool]]] = {}
        for start, end, kind, settled in self._marks:
            if end < a or start > b:
                continue
            top = self._line_top(start).top()
            symbols.setdefault(top, []).append((SYMBOLS[kind], settled))
        symbol_font = QFont(self.font())
        symbol_font.setPointSizeF(self.font().pointSizeF() * 1.1)
        painter.setFont(symbol_font)
        for top, marks in symbols.items():
            if top == current_top:
                continue
            text = " ".join(symbol for symbol, _ in marks[:3])
            settled = all(done for _, done in marks)
            painter.setPen(faint if settled else strong)
            rect = QRect(0, top, width - 6, self._line_top(0).height())
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.setFont(font)
        if current_top is not None and self._tag:
            line = self._line_top(self._region[0]) if self._region else QRect()
            tag = metrics.elidedText(self._tag, Qt.TextElideMode.ElideRight, width - 10)
            height = metrics.height() + 2
            box = QRect(2, current_top + (line.height() - height) // 2, width - 6, height)
            if self._version is not None:
                fill = QColor(self.labels.color(self._version.label))
                painter.fillRect(box, fill)
                painter.setPen(_ink(fill))
            else:
                pen = QPen(strong)
                pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawRect(box.adjusted(0, 0, -1, -1))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, tag)

    # -- clicks ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._click_from = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        start, self._click_from = self._click_from, None
        if event.button() != Qt.MouseButton.LeftButton or start is None:
            return
        if (pos - start).manhattanLength() > 3 or self.textCursor().hasSelection():
            return
        cp = self.codepoint_at(pos)
        if cp is not None:
            self.clickedAt.emit(cp)


# -- undo -------------------------------------------------------------------------------------


class ReviewUndo(QUndoCommand):
    """Puts an adjudication command on the window's undo stack; undo shows it in the review view."""

    def __init__(self, command: Decide | AcceptAgreed, view: ReviewView) -> None:
        super().__init__(command.text)
        self.command = command
        self.view = view
        self._already_done = True

    def _index(self) -> int | None:
        return self.command.index if isinstance(self.command, Decide) else None

    def redo(self) -> None:
        if self._already_done:  # it ran before it was pushed
            self._already_done = False
            return
        self.view.run_step(self.command.do, self._index(), undoing=False)

    def undo(self) -> None:
        self.view.run_step(self.command.undo, self._index(), undoing=True)


# -- the view ---------------------------------------------------------------------------------


class PaneColumn(QFrame):
    """A pane with its header: whose set, how many spans, their version of the current difference."""

    def __init__(self, pane: ReviewPane, title: str, key: str) -> None:
        super().__init__()
        self.setObjectName(f"reviewColumn_{pane.name}")
        self.pane = pane
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        head = QHBoxLayout()
        head.setContentsMargins(8, 4, 8, 0)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self._title = title
        self._key = key
        head.addWidget(self.title)
        head.addStretch(1)
        self.count = QLabel()
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        head.addWidget(self.count)
        layout.addLayout(head)
        self.version = QLabel()
        self.version.setObjectName(f"reviewVersion_{pane.name}")
        self.version.setTextFormat(Qt.TextFormat.PlainText)
        self.version.setContentsMargins(8, 0, 8, 2)
        self.version.setWordWrap(True)
        layout.addWidget(self.version)
        layout.addWidget(pane, 1)
        self.set_count(0)

    def set_count(self, n: int) -> None:
        self.title.setText(f"[{self._key}]  {self._title}" if self._key else self._title)
        self.count.setText(f"{n} span{'s' if n != 1 else ''} in this document")


class ReviewView(QWidget):
    """The review mode's central widget."""

    leaveRequested = Signal()  # noqa: N815

    def __init__(self, window: MainWindow, adjudication: Adjudication) -> None:
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
        self.editing = False
        self.report: AgreementReport | None = None
        self.report_error = ""
        self.report_dialog: ReportDialog | None = None
        self._figures_worker: Worker | None = None
        self._syncing = False
        self._doc_order = list(dict.fromkeys(d.document_id for d in adjudication.differences))
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

        bar = QFrame()
        bar.setObjectName("reviewBar")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        rows = QVBoxLayout(bar)
        rows.setContentsMargins(10, 6, 10, 6)
        rows.setSpacing(4)

        first = QHBoxLayout()
        self.left_label = QLabel()
        self.left_label.setObjectName("reviewRemaining")
        self.left_label.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.left_label.font()
        bold.setBold(True)
        bold.setPointSize(bold.pointSize() + 1)
        self.left_label.setFont(bold)
        first.addWidget(self.left_label)
        self.done_bar = QProgressBar()
        self.done_bar.setObjectName("reviewProgress")
        self.done_bar.setMaximumWidth(160)
        self.done_bar.setMaximumHeight(12)
        self.done_bar.setTextVisible(False)
        first.addWidget(self.done_bar)
        self.kind_label = QLabel()
        self.kind_label.setObjectName("reviewKind")
        self.kind_label.setTextFormat(Qt.TextFormat.PlainText)
        first.addSpacing(12)
        first.addWidget(self.kind_label, 1)
        rows.addLayout(first)

        keys = QHBoxLayout()
        keys.setSpacing(6)
        self.take_buttons: list[QPushButton] = []
        for position, name in enumerate(self.annotators):
            button = self._key_button(f"[{key_of(position)}] take {name}", partial(self.take, name))
            self.take_buttons.append(button)
            keys.addWidget(button)
        self.edit_button = self._key_button("[E] edit", self.start_edit)
        self.none_button = self._key_button("[0] take none", self.take_none)
        keys.addWidget(self.edit_button)
        keys.addWidget(self.none_button)
        keys.addSpacing(10)
        keys.addWidget(self._key_button("[P] ◀ previous", lambda: self.step(False)))
        keys.addWidget(self._key_button("[N] next ▶", lambda: self.step(True)))
        keys.addStretch(1)
        self.export_button = self._key_button(f"Export {self.gold_name}…", self.export_gold)
        keys.addWidget(self.export_button)
        rows.addLayout(keys)

        third = QHBoxLayout()
        self.figures_label = QLabel("agreement figures: computing…")
        self.figures_label.setObjectName("reviewFigures")
        self.figures_label.setTextFormat(Qt.TextFormat.PlainText)
        third.addWidget(self.figures_label, 1)
        self.legend_label = QLabel(
            "◧ ◨ ∅ only in some sets (dotted underline) · ≠ label differs (wavy) · ↔ boundaries "
            "differ (dashed) · ⇄ linked actor differs (dash-dot) · grey: settled"
        )
        self.legend_label.setObjectName("reviewLegend")
        self.legend_label.setTextFormat(Qt.TextFormat.PlainText)
        self.legend_label.setToolTip(
            "The current difference is boxed in every pane (a dashed box where that set has no "
            "span); the strip left of the text tags it with that set's label."
        )
        third.addWidget(self.legend_label)
        self.report_button = QPushButton("Report…")
        self.report_button.setObjectName("reviewReport")
        self.report_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.show_report)
        third.addWidget(self.report_button)
        rows.addLayout(third)
        layout.addWidget(bar)

    def _add_column(self, column: PaneColumn, gold: bool) -> None:
        pane = column.pane
        pane.set_font_size(self.window_.pane.font_size())
        pane.clickedAt.connect(lambda cp: self.pick_at(cp))
        pane.verticalScrollBar().valueChanged.connect(lambda value, p=pane: self._sync_scroll(p, value))
        if not gold:
            self.panes.append(pane)
        self.columns.append(column)
        self.splitter.addWidget(column)

    def _key_button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _checked=False: slot())
        return button

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

        key("N", lambda: self.step(True), "next")
        key("P", lambda: self.step(False), "previous")
        for position, name in enumerate(self.annotators[: len(LETTERS)]):
            key(LETTERS[position], partial(self.take, name), f"take_{LETTERS[position]}")
        for digit in range(10):
            key(str(digit), partial(self.digit, digit), f"digit_{digit}")
        key("E", self.start_edit, "edit")
        key(Qt.Key.Key_Escape, self.escape, "escape")

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
        self._refresh_doc_state()

    def _refresh_doc_state(self) -> None:
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
        self.cancel_edit()
        diff = self.adj.differences[index]
        if diff.document_id != self.doc_id:
            self.load_document(diff.document_id)
        self.index = index
        region = (diff.start, diff.end)
        for pane, column in zip(self.panes, self.columns, strict=False):
            version = diff.version(pane.name)
            pane.set_focus(region, version, version.label if version else "none")
            column.version.setText(self._version_text(version))
        self._focus_gold()
        self._reveal(diff.start)
        self.update_bar()

    def _focus_gold(self) -> None:
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
        self.gold_pane.set_focus((diff.start, diff.end), first, tag)
        self.gold_column.version.setText(self._decision_text(decision, shown))

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
        who = {NONE: "no span", CUSTOM: "your edit", EXISTING: "already in the gold set"}.get(
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
        total, left = adj.total, adj.remaining
        self.done_bar.setRange(0, max(total, 1))
        self.done_bar.setValue(total - left if total else 1)
        if not total:
            self.left_label.setText("No differences: the sets agree on every span")
        elif left == 0:
            self.left_label.setText(f"All {total} differences settled ✓")
        else:
            self.left_label.setText(f"{left} of {total} differences left")
        self.export_button.setVisible(total == 0 or left == 0)
        if self.doc_id is not None:
            here = adj.differences_in(self.doc_id)
            open_here = sum(1 for i in here if not adj.is_resolved(i))
            position = self._doc_order.index(self.doc_id) + 1 if self.doc_id in self._doc_order else 0
            self.where_label.setText(
                f"document {position} of {len(self._doc_order)} with differences · "
                f"{open_here} of {len(here)} left here · adjudicating into “{self.gold_name}”"
            )
        if self.editing:
            self.kind_label.setText(
                "Edit: select the right text in any pane (mouse, Shift+arrows), then press the "
                "label's key 1–9 · Esc cancels"
            )
        elif self.index is not None:
            diff = adj.differences[self.index]
            number = f"difference {self.index + 1} of {total}"
            state = ""
            decision = adj.decisions.get(self.index)
            if decision is not None:
                state = " · settled: " + {
                    NONE: "no span",
                    CUSTOM: "edited",
                    EXISTING: "already in gold",
                }.get(decision.choice, f"took {decision.choice}")
            self.kind_label.setText(f"{SYMBOLS[diff.kind]}  {describe(diff)}  ({number}){state}")
        else:
            self.kind_label.setText("")
        has_current = self.index is not None
        for button in (*self.take_buttons, self.edit_button, self.none_button):
            button.setEnabled(has_current)

    # -- keys -----------------------------------------------------------------------------------

    def step(self, forward: bool) -> None:
        adj = self.adj
        target = adj.next_unresolved(self.index) if forward else adj.previous_unresolved(self.index)
        if target is None:
            self.window_.statusBar().showMessage("No differences left to settle.", 4000)
            return
        self.show_difference(target)

    def pick_at(self, cp: int) -> None:
        """A click on a difference in any pane makes it current (settled ones too, to change them)."""
        if self.doc_id is None or self.editing:
            return
        hits = [
            i
            for i in self.adj.differences_in(self.doc_id)
            if self.adj.differences[i].start <= cp < self.adj.differences[i].end
        ]
        if hits:
            best = min(hits, key=lambda i: self.adj.differences[i].end - self.adj.differences[i].start)
            if best != self.index:
                self.show_difference(best)

    def digit(self, digit: int) -> None:
        if self.editing:
            label = self.labels.by_key(str(digit))
            if label is not None:
                self.finish_edit(label.name)
            return
        if digit == 0:
            self.take_none()
        elif digit <= len(self.annotators):
            self.take(self.annotators[digit - 1])

    def take(self, annotator: str) -> None:
        if self.index is not None:
            self.push(self.adj.take(self.index, annotator))

    def take_none(self) -> None:
        if self.index is not None:
            self.push(self.adj.take_none(self.index))

    def escape(self) -> None:
        if self.editing:
            self.cancel_edit()
            self.update_bar()
        else:
            self.leaveRequested.emit()

    # -- editing --------------------------------------------------------------------------------

    def start_edit(self) -> None:
        """Select the first version's text (or the region) in its pane; a label key settles it."""
        if self.index is None:
            return
        diff = self.adj.differences[self.index]
        self.editing = True
        target = self.panes[0]
        start, end = diff.start, diff.end
        for pane in self.panes:
            version = diff.version(pane.name)
            if version is not None:
                target, start, end = pane, version.start, version.end
                break
        target.set_current(None, reveal=False)
        target.select_codepoints(start, end)
        target.setFocus()
        self.update_bar()

    def cancel_edit(self) -> None:
        if not self.editing:
            return
        self.editing = False
        for pane in [*self.panes, self.gold_pane]:
            pane.clear_selection()
        if self.index is not None:
            diff = self.adj.differences[self.index]
            for pane in self.panes:
                version = diff.version(pane.name)
                pane.set_focus((diff.start, diff.end), version, version.label if version else "none")

    def finish_edit(self, label: str) -> None:
        if self.index is None:
            return
        panes = [*self.panes, self.gold_pane]
        focused = [p for p in panes if p.hasFocus() and p.selection_codepoints() is not None]
        chosen = focused or [p for p in panes if p.selection_codepoints() is not None]
        if not chosen:
            self.window_.statusBar().showMessage("Select the text of the span first.", 4000)
            return
        selection = chosen[0].selection_codepoints()
        assert selection is not None
        start, end = selection
        self.editing = False
        for pane in panes:
            pane.clear_selection()
        self.push(self.adj.custom(self.index, [Span(start, end, label)]))

    # -- commands -------------------------------------------------------------------------------

    def push(self, command: Decide) -> None:
        """Run a decision now, put it on the undo stack, move on to the next unsettled one."""
        index = command.index
        if not self.run_step(command.do, index, undoing=False, move=False):
            return
        self.window_.undo_stack.push(ReviewUndo(command, self))
        following = self.adj.next_unresolved(index)
        if following is None:
            self.show_difference(index)
            self.all_settled()
        else:
            self.show_difference(following)

    def run_step(
        self, step: Callable[[], Change], index: int | None, undoing: bool, move: bool = True
    ) -> bool:
        """Run a do/undo; show where it happened (an undo brings the review view back)."""
        window = self.window_
        window.show_review(self)
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
            following = None if undoing else self.adj.next_unresolved(index)
            self.show_difference(index if following is None else following)
        self._refresh_doc_state()
        self._focus_gold()
        self.update_bar()
        return True

    def all_settled(self) -> None:
        self.update_bar()
        total = self.adj.total
        if self.window_.dialogs.confirm(
            "Review complete",
            f"All {total} differences are settled. The gold set “{self.gold_name}” is complete.\n\n"
            "Export it now?",
        ):
            self.export_gold()

    def export_gold(self) -> None:
        self.window_.export_dialog(annotator=self.gold_name)

    # -- figures --------------------------------------------------------------------------------

    def compute_figures(self) -> None:
        """The agreement report of the compared sets, off the GUI thread."""
        db, names = self.store.path, list(self.annotators)

        def work(_state: TaskState) -> object:
            return review_database(db, names)

        worker = Worker(work, self)
        worker.finished.connect(self._figures_done)
        worker.failed.connect(self._figures_failed)
        self._figures_worker = worker
        worker.start()

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
        self.report_dialog = ReportDialog(self.report, self.labels, self)
        self.report_dialog.show()

    def shutdown(self) -> None:
        """Let the figures' thread finish before the view or the window goes away."""
        worker = self._figures_worker
        deadline = time.monotonic() + 60
        while worker is not None and worker.running and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


# -- the report -------------------------------------------------------------------------------

DIAGONAL = QColor("#0072B2")  # Okabe-Ito blue: agreement
OFF_DIAGONAL = QColor("#D55E00")  # Okabe-Ito vermillion: confusion


def heat(color: QColor, share: float, base: QColor) -> QColor:
    return blend(color, base, 0.08 + 0.85 * max(0.0, min(1.0, share)))


def _ink(fill: QColor) -> QColor:
    black, white = QColor("#000000"), QColor("#ffffff")
    return black if contrast(black, fill) >= contrast(white, fill) else white


def _sized(table: QTableWidget) -> QTableWidget:
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    horizontal, vertical = table.horizontalHeader(), table.verticalHeader()
    horizontal.setMinimumSectionSize(72)
    horizontal.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    vertical.setMinimumSectionSize(34)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    font = table.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    table.setFont(font)
    return table


def confusion_table(labels: list[str], matrix: list[list[int]], a: str, b: str) -> QTableWidget:
    """Rows A's labels, columns B's; agreement in blue on the diagonal (bold), confusion in
    vermillion off it, darker for larger counts."""
    table = QTableWidget(len(labels), len(labels))
    table.setObjectName(f"confusion_{a}_{b}")
    headers = [("no span" if x == OUTSIDE else x) for x in labels]
    table.setHorizontalHeaderLabels(headers)
    table.setVerticalHeaderLabels(headers)
    top = max((c for row in matrix for c in row), default=0) or 1
    base = table.palette().color(QPalette.ColorRole.Base)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            item = QTableWidgetItem(str(count) if count else "·")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            fill = heat(DIAGONAL if i == j else OFF_DIAGONAL, count / top, base) if count else base
            item.setBackground(fill)
            item.setForeground(_ink(fill))
            if i == j:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            plural = "s" if count != 1 else ""
            item.setToolTip(f"{a}: {headers[i]}, {b}: {headers[j]} — {count} span{plural}")
            table.setItem(i, j, item)
    return _sized(table)


def pairwise_table(report: AgreementReport) -> QTableWidget:
    """Every pair's strict F1 / partial F1 / kappa; cells shaded by strict F1."""
    names = report.annotators
    strict, partial, kappa = (report.matrix(f) for f in ("strict_f1", "partial_f1", "cohen_kappa"))
    table = QTableWidget(len(names), len(names))
    table.setObjectName("pairwiseMatrix")
    table.setHorizontalHeaderLabels(names)
    table.setVerticalHeaderLabels(names)
    base = table.palette().color(QPalette.ColorRole.Base)
    for i in range(len(names)):
        for j in range(len(names)):
            if i == j:
                item = QTableWidgetItem("—")
                fill = base
            else:
                item = QTableWidgetItem(
                    f"strict {fmt_figure(strict[i][j])}\npartial {fmt_figure(partial[i][j])}\n"
                    f"κ {fmt_figure(kappa[i][j])}"
                )
                value = strict[i][j]
                fill = heat(DIAGONAL, value, base) if value is not None else base
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setBackground(fill)
            item.setForeground(_ink(fill))
            table.setItem(i, j, item)
    return _sized(table)


def captioned(caption: str, table: QTableWidget) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    label = QLabel(caption)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    layout.addWidget(label)
    layout.addWidget(table, 1)
    return page


class ReportDialog(QDialog):
    """The agreement report as text (``render_text``), the confusion heatmaps, the pairwise matrix."""

    def __init__(self, report: AgreementReport, labels: LabelSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewReportDialog")
        self.setWindowTitle("Agreement report")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.text = QPlainTextEdit()
        self.text.setObjectName("reportText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(render_text(report))
        self.tabs.addTab(self.text, "Report")
        self.confusions: list[QTableWidget] = []
        for pair in report.pairs:
            table = confusion_table(pair.confusion.labels, pair.confusion.matrix(), pair.a, pair.b)
            self.confusions.append(table)
            caption = (
                f"Label confusion: rows {pair.a}, columns {pair.b}. Bold blue: the same label; "
                "vermillion: different labels, or a span the other has not (“no span”); darker: "
                "more spans."
            )
            self.tabs.addTab(captioned(caption, table), f"Confusion {pair.a} × {pair.b}")
        self.pairwise: QTableWidget | None = None
        if len(report.annotators) > 2:
            self.pairwise = pairwise_table(report)
            caption = "Every pair of annotators: strict F1, partial F1, Cohen's κ; darker: higher strict F1."
            self.tabs.addTab(captioned(caption, self.pairwise), "Pairwise")
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 620)


# -- choosing annotators ----------------------------------------------------------------------


class AnnotatorChooser(QDialog):
    """Tick two or more annotation sets to compare."""

    def __init__(self, names: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotatorChooser")
        self.setWindowTitle("Start review")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Compare the annotation sets of (two or more):"))
        self.list = QListWidget()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.list.itemChanged.connect(lambda _item: self._update())
        self._update()

    def chosen(self) -> list[str]:
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(len(self.chosen()) >= 2)


# -- entering review mode ---------------------------------------------------------------------


def reviewable_annotators(window: MainWindow) -> list[str]:
    """Annotators with at least one span, people before models."""
    people: list[str] = []
    models: list[str] = []
    for annotator in window.store.annotators.all():
        if not window.store.spans.annotated_document_ids(annotator.id):
            continue
        (people if annotator.kind.value == "human" else models).append(annotator.name)
    return people + models


def start_review(window: MainWindow) -> ReviewView | None:
    """Ask whose sets to compare and the gold set's name; copy the agreed spans; show the view."""
    names = reviewable_annotators(window)
    if len(names) < 2:
        window.dialogs.error(
            "Nothing to review",
            "Review compares two or more annotation sets; this database has "
            f"{len(names)}. Import colleagues' files with File > Import annotations… first.",
        )
        return None
    chosen = window.dialogs.choose_annotators(names)
    if chosen is None:
        return None
    if len(chosen) < 2:
        window.dialogs.error("Nothing to review", "Choose two or more annotation sets.")
        return None
    gold = window.dialogs.ask_text("Gold set", "Name of the adjudicated (gold) set:", "gold")
    if gold is None:
        return None
    try:
        adjudication = Adjudication(window.store, chosen, gold.strip())
    except AnnotatorError as exc:
        window.dialogs.error("Cannot start the review", str(exc))
        return None
    view = ReviewView(window, adjudication)
    view.leaveRequested.connect(window.leave_review)
    window.show_review(view)
    agreed = adjudication.start()
    if view.run_step(agreed.do, None, undoing=False) and agreed.count:
        window.undo_stack.push(ReviewUndo(agreed, view))
    view.begin()
    view.compute_figures()
    if adjudication.total == 0:
        view.all_settled()
    else:
        window.statusBar().showMessage(
            f"Review: {adjudication.total} differences in {len(view._doc_order)} documents; "
            f"{agreed.count} agreed spans copied to “{adjudication.gold.name}”.",
            8000,
        )
    return view
