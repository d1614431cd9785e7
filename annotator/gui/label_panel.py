"""The label panel: the legend with key bindings and counts, and the current span's card."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.labels import LabelSet
from annotator.gui.plain import plain_tip
from annotator.gui.reading_pane import ShownSpan
from annotator.gui.theme import mark_color, span_fill


def swatch(color: str, kind: str = "fill", size: int = 16, palette: QPalette | None = None) -> QIcon:
    """The mark of a label as the reading pane draws it, in the colours of ``palette``."""
    palette = palette or QApplication.palette()
    pix = QPixmap(size * 2, size)
    pix.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pix)
    c = QColor(color)
    if kind == "fill":
        painter.fillRect(0, 2, size * 2, size - 4, span_fill(c, palette))
    elif kind == "dashed":
        faint = QColor(c)
        faint.setAlpha(40)
        painter.fillRect(0, 2, size * 2, size - 4, faint)
        pen = QPen(mark_color(c, palette))
        pen.setWidth(2)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(0, size - 3, size * 2, size - 3)
    else:  # outline
        pen = QPen(palette.color(QPalette.ColorRole.Text))
        pen.setWidth(2)
        painter.setPen(pen)
        painter.drawRect(1, 1, size * 2 - 2, size - 2)
    painter.end()
    return QIcon(pix)


class LabelPanel(QWidget):
    labelChosen = Signal(str)
    acceptRequested = Signal()
    deleteRequested = Signal()

    def __init__(self, labels: LabelSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPanel")
        self.labels = labels
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        title = QLabel("<b>Labels</b> — select text, then press the key")
        title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(title)
        self.list = QListWidget()
        self.list.setObjectName("labelList")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for label in labels:
            item = QListWidgetItem(swatch(label.color), "")
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setToolTip(plain_tip(label.description))
            self.list.addItem(item)
        self.list.itemClicked.connect(lambda item: self.labelChosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.list, 1)
        self.set_counts({})

        self._legend_icons: list[QLabel] = []
        legend = QGroupBox("Marks")
        legend_layout = QVBoxLayout(legend)
        grey = "#777777"
        for kind, text in (
            ("dashed", "suggestion (model) — Enter accepts, X rejects"),
            ("fill", "confirmed (yours)"),
            ("outline", "current span — N / P move"),
        ):
            row = QHBoxLayout()
            icon = QLabel()
            icon.setProperty("swatchKind", kind)
            icon.setPixmap(swatch(grey, kind).pixmap(32, 16))
            self._legend_icons.append(icon)
            row.addWidget(icon)
            row.addWidget(QLabel(text), 1)
            legend_layout.addLayout(row)
        # Marked regions (gui/region_marks.py): the grey is the text's own colour, no swatch.
        greyed = QLabel("greyed text: a repeated line or boilerplate — U unmarks")
        greyed.setObjectName("legendRegions")
        greyed.setWordWrap(True)
        legend_layout.addWidget(greyed)
        layout.addWidget(legend)

        card = QGroupBox("Current span")
        card_layout = QVBoxLayout(card)
        self.card_text = QLabel("Click a highlight, or press N for the next suggestion.")
        self.card_text.setObjectName("spanCard")
        self.card_text.setWordWrap(True)
        self.card_text.setTextFormat(Qt.TextFormat.PlainText)
        card_layout.addWidget(self.card_text)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton("Accept (Enter)")
        self.delete_button = QPushButton("Delete (X)")
        self.accept_button.clicked.connect(self.acceptRequested)
        self.delete_button.clicked.connect(self.deleteRequested)
        for b in (self.accept_button, self.delete_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        card_layout.addLayout(buttons)
        layout.addWidget(card)
        self.show_span(None, "")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: redraw the swatches
            palette = self.palette()
            for row in range(self.list.count()):
                item = self.list.item(row)
                label = self.labels.get(item.data(Qt.ItemDataRole.UserRole))
                if label is not None:
                    item.setIcon(swatch(label.color, palette=palette))
            for icon in self._legend_icons:
                kind = str(icon.property("swatchKind"))
                icon.setPixmap(swatch("#777777", kind, palette=palette).pixmap(32, 16))

    def set_counts(self, counts: dict[str, int]) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            name = item.data(Qt.ItemDataRole.UserRole)
            label = self.labels.get(name)
            key = label.key if label else ""
            n = counts.get(name, 0)
            item.setText(f"{key}   {name}" + (f"   ({n})" if n else ""))

    def show_span(self, item: ShownSpan | None, text: str) -> None:
        if item is None:
            self.card_text.setText("Click a highlight, or press N for the next suggestion.")
            self.accept_button.setEnabled(False)
            self.delete_button.setEnabled(False)
            return
        span = item.span
        surface = text[span.start : span.end]
        if len(surface) > 80:
            surface = surface[:77] + "…"
        state = f"suggested by {span.annotator}" if item.suggestion else "confirmed"
        self.card_text.setText(f"“{surface}”\n{span.label} · {state}\ncharacters {span.start}–{span.end}")
        self.accept_button.setEnabled(item.suggestion)
        self.delete_button.setEnabled(True)
        self.delete_button.setText("Reject (X)" if item.suggestion else "Delete (X)")
