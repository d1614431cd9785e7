"""One annotation set in review mode: a read-only reading pane with the document's differences
marked, the current one outlined and tagged in a strip left of the text, and its column header.

A dotted underline where a span is missing for someone, a wavy one where the labels differ, a
dashed one where only the boundaries do, a dash-dotted one where only the linked actor does
(``gui/review/marks.py``); settled ones in grey. A plain click reports the code point under it,
so that the view can make the difference there current.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QTextEdit, QVBoxLayout, QWidget

from annotator.core.differences import Difference, DifferenceKind
from annotator.core.labels import LabelSet
from annotator.core.model import Span
from annotator.gui.reading_pane import ReadingPane, ShownSpan
from annotator.gui.review.marks import SYMBOLS, UNDERLINES
from annotator.gui.theme import blend, ink


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
                painter.setPen(ink(fill))
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
