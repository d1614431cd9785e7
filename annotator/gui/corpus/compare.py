"""All versions of one story side by side: each document in its own read-only pane, with the
analyst's spans highlighted as in the reading pane, so that the way each outlet tells the story
can be read across. Arrow keys and scrolling move each pane; a double click on a passage opens
that document in the main window for annotating.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from annotator.gui.reading_pane import ReadingPane

if TYPE_CHECKING:
    from annotator.gui.window_protocols import PassageHost


class _Pane(ReadingPane):
    """A reading pane that reports a double click (after selecting the word under it)."""

    opened = Signal()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseDoubleClickEvent(event)
        self.opened.emit()


class _Column(QWidget):
    def __init__(self, main: PassageHost, doc_id: int) -> None:
        super().__init__()
        doc = main.store.documents.get(doc_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        head = QLabel(f"{doc.meta.source or 'outlet unknown'} · {doc.meta.date or 'no date'}")
        head.setTextFormat(Qt.TextFormat.PlainText)
        title = QLabel(doc.meta.title or doc.meta.filename)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.pane = _Pane(main.labels)
        self.pane.setObjectName(f"comparePane_{doc_id}")
        self.pane.set_font_size(main.pane.font_size())
        self.pane.set_text(doc.text, doc.meta.lang)
        self.pane.set_spans(main.session.own_spans(doc_id), [])
        self.doc_id = doc_id
        layout.addWidget(head)
        layout.addWidget(title)
        layout.addWidget(self.pane, 1)


class CompareWindow(QWidget):
    def __init__(self, main: PassageHost, doc_ids: Sequence[int], title: str) -> None:
        super().__init__(main.window(), Qt.WindowType.Window)
        self.setObjectName("compareWindow")
        self.setWindowTitle(f"Compare: {title} — annotator")
        layout = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.columns = [_Column(main, doc_id) for doc_id in doc_ids]
        for column in self.columns:
            split.addWidget(column)
            column.pane.opened.connect(lambda c=column: self._open(main, c))
        layout.addWidget(split, 1)
        close = QAction(self)
        close.setShortcut("Esc")
        close.triggered.connect(self.close)
        self.addAction(close)
        self.resize(min(1800, 420 * max(2, len(self.columns))), 860)

    @staticmethod
    def _open(main: PassageHost, column: _Column) -> None:
        selection = column.pane.selection_codepoints()
        start, end = selection if selection else (0, 0)
        main.open_passage(column.doc_id, start, end)
        main.raise_()
