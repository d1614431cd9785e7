"""Where the reviewer is among the differences: the bar under the panes, and the moves.

The bar says how many differences are left (and a progress bar), what the current one is and
how it was settled, offers the keys as buttons (take A / B…, edit, take none, previous, next,
export the gold set when all are settled), and shows the agreement figures with the legend of
the marks. ``next_difference`` and ``difference_at`` find where N/P and a click go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from annotator.gui.review.marks import SYMBOLS, describe, key_of
from annotator.services.review import CUSTOM, EXISTING, NONE, Adjudication

LEGEND = (
    "◧ ◨ ∅ only in some sets (dotted underline) · ≠ label differs (wavy) · ↔ boundaries "
    "differ (dashed) · ⇄ linked actor differs (dash-dot) · ⚑ event differs · ▤ framing "
    "choice differs (shown on the headline) · grey: settled"
)
EDIT_HINT = (
    "Edit: select the right text in any pane (mouse, Shift+arrows), then press the "
    "label's key 1–9 · Esc cancels"
)


def next_difference(adj: Adjudication, index: int | None, forward: bool) -> int | None:
    """The next (or previous) unsettled difference after ``index``, across documents."""
    return adj.next_unresolved(index) if forward else adj.previous_unresolved(index)


def difference_at(adj: Adjudication, doc_id: int, cp: int) -> int | None:
    """The smallest difference of the document covering code point ``cp``, settled or not."""
    hits = [i for i in adj.differences_in(doc_id) if adj.differences[i].start <= cp < adj.differences[i].end]
    if not hits:
        return None
    return min(hits, key=lambda i: adj.differences[i].end - adj.differences[i].start)


def key_button(text: str, slot: Callable[[], object]) -> QPushButton:
    """A button that does what a key does; it never takes the focus from the panes."""
    button = QPushButton(text)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(lambda _checked=False: slot())
    return button


class ReviewBar(QFrame):
    """The strip under the panes: progress, the current difference, the keys, the figures."""

    def __init__(
        self,
        annotators: Sequence[str],
        gold_name: str,
        take: Callable[[str], None],
        edit: Callable[[], None],
        take_none: Callable[[], None],
        step: Callable[[bool], None],
        export: Callable[[], None],
        report: Callable[[], None],
    ) -> None:
        super().__init__()
        self.setObjectName("reviewBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        rows = QVBoxLayout(self)
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
        for position, name in enumerate(annotators):
            button = key_button(f"[{key_of(position)}] take {name}", partial(take, name))
            self.take_buttons.append(button)
            keys.addWidget(button)
        self.edit_button = key_button("[E] edit", edit)
        self.none_button = key_button("[0] take none", take_none)
        keys.addWidget(self.edit_button)
        keys.addWidget(self.none_button)
        keys.addSpacing(10)
        keys.addWidget(key_button("[P] ◀ previous", lambda: step(False)))
        keys.addWidget(key_button("[N] next ▶", lambda: step(True)))
        keys.addStretch(1)
        self.export_button = key_button(f"Export {gold_name}…", export)
        keys.addWidget(self.export_button)
        rows.addLayout(keys)

        third = QHBoxLayout()
        self.figures_label = QLabel("agreement figures: computing…")
        self.figures_label.setObjectName("reviewFigures")
        self.figures_label.setTextFormat(Qt.TextFormat.PlainText)
        third.addWidget(self.figures_label, 1)
        self.legend_label = QLabel(LEGEND)
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
        self.report_button.clicked.connect(report)
        third.addWidget(self.report_button)
        rows.addLayout(third)

    def show_state(self, adj: Adjudication, index: int | None, editing: bool) -> None:
        """How many are left, what the current difference is and how it was settled."""
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
        if editing:
            self.kind_label.setText(EDIT_HINT)
        elif index is not None:
            diff = adj.differences[index]
            number = f"difference {index + 1} of {total}"
            state = ""
            decision = adj.decisions.get(index)
            if decision is not None:
                state = " · settled: " + {
                    NONE: "no span",
                    CUSTOM: "edited",
                    EXISTING: "already in gold",
                }.get(decision.choice, f"took {decision.choice}")
            self.kind_label.setText(f"{SYMBOLS[diff.kind]}  {describe(diff)}  ({number}){state}")
        else:
            self.kind_label.setText("")
        for button in (*self.take_buttons, self.edit_button, self.none_button):
            button.setEnabled(index is not None)
