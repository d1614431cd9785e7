"""The corpus search panel: a query box, filters, and the matching passages.

Typing searches (after a short pause); Enter in the box searches at once and moves to the
results; Enter (or a double click) on a result asks the window to open that document with the
match selected. The search itself is ``services/search.py``: this module only shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.model import Status
from annotator.core.textsearch import Passage, SearchFilters
from annotator.gui.plain import plain_tip
from annotator.gui.wording import count
from annotator.services.search import SearchResults, search, search_facets
from annotator.store import Store

HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # (doc id, start, end)
PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 2  # Passage
COLUMNS = ("Document", "Outlet", "Date", "Passage")
_Index = QModelIndex | QPersistentModelIndex


class PassageDelegate(QStyledItemDelegate):
    """Draws a passage as plain text with the matched words in bold (never as markup)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        passage = index.data(PASSAGE_ROLE)
        if not isinstance(passage, Passage):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(role))
        rect = opt.rect.adjusted(4, 0, -4, 0)
        x = rect.left()
        bold = QFont(opt.font)
        bold.setBold(True)
        for text, font in ((passage.before, opt.font), (passage.match, bold), (passage.after, opt.font)):
            if not text or x >= rect.right():
                continue
            metrics = QFontMetrics(font)
            room = rect.right() - x
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
            painter.setFont(font)
            painter.drawText(
                QRect(x, rect.top(), room, rect.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                shown,
            )
            x += metrics.horizontalAdvance(shown)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 400), hint.height())


class ResultsView(QTreeView):
    """The result list; Enter opens the current result."""

    openRequested = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.openRequested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """Query, filters, results. ``openRequested(doc_id, start, end)`` asks to show a hit."""

    openRequested = Signal(int, int, int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.store = store
        self.results = SearchResults()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)

        self.query_edit = QLineEdit()
        self.query_edit.setObjectName("searchQuery")
        self.query_edit.setPlaceholderText('Search the corpus: words, "a phrase", prefix*, -exclude, OR')
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.returnPressed.connect(self._search_and_focus)
        layout.addWidget(self.query_edit)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        self.outlet_combo = self._combo("searchOutlet", "All outlets")
        self.lang_combo = self._combo("searchLanguage", "All languages")
        self.status_combo = self._combo("searchStatus", "Any status")
        for status in Status:
            self.status_combo.addItem(status.title, status.value)
        self.annotator_combo = self._combo("searchAnnotator", "Anyone's spans")
        self.date_from = self._date_edit("searchFrom", "from YYYY-MM-DD")
        self.date_to = self._date_edit("searchTo", "to YYYY-MM-DD")
        for col, widget in enumerate(
            (self.outlet_combo, self.lang_combo, self.status_combo, self.annotator_combo,
             self.date_from, self.date_to)
        ):
            grid.addWidget(widget, 0, col)
        self.extra_filters = grid  # row 1: the analysis filters (actor, event category, frame)
        self.actor_combo = self._combo("searchActor", "Any actor")
        self.event_combo = self._combo("searchEvent", "Any event category")
        self.frame_combo = self._combo("searchFrame", "Any frame")
        analysis = (
            (self.actor_combo, "actors"),
            (self.event_combo, "event_categories"),
            (self.frame_combo, "frames"),
        )
        for col, (combo, field) in enumerate(analysis):
            combo.setProperty("filterField", field)
            grid.addWidget(combo, 1, col)
        layout.addLayout(grid)

        self.summary = QLabel("")
        self.summary.setObjectName("searchSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.view = ResultsView()
        self.view.setObjectName("searchResults")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        self.view.setItemDelegateForColumn(3, PassageDelegate(self.view))
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 260)
        header.resizeSection(1, 130)
        header.resizeSection(2, 90)
        self.view.openRequested.connect(self._open_index)
        self.view.doubleClicked.connect(self._open_index)
        layout.addWidget(self.view, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.run_search)
        self.query_edit.textChanged.connect(lambda _t: self._timer.start())
        self.refresh_facets()

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(everything, None)
        combo.currentIndexChanged.connect(lambda _i: self.run_search())
        return combo

    def _date_edit(self, name: str, hint: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(hint)
        edit.setMaximumWidth(130)
        edit.editingFinished.connect(self.run_search)
        return edit

    @staticmethod
    def _refill(combo: QComboBox, values: Sequence[Any], show: Any = str) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for value in values:
            combo.addItem(show(value), value)
        found = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    def refresh_facets(self) -> None:
        """Offer the outlets, languages and annotators now in the database."""
        found = search_facets(self.store)
        self._refill(self.outlet_combo, found.outlets)
        self._refill(self.lang_combo, found.languages, lambda v: v.upper())
        self._refill(self.annotator_combo, found.annotators)
        names = dict(found.actors)
        self._refill(self.actor_combo, [a for a, _n in found.actors], lambda a: names[a])
        self._refill(self.event_combo, found.event_categories)
        self._refill(self.frame_combo, found.frames, lambda f: f.replace("_", " "))
        if found.first_date:
            self.date_from.setPlaceholderText(f"from {found.first_date}")
            self.date_to.setPlaceholderText(f"to {found.last_date}")

    def filters(self) -> SearchFilters:
        def one(combo: QComboBox) -> tuple[Any, ...]:
            value = combo.currentData()
            return () if value is None else (value,)

        extra: dict[str, tuple[Any, ...]] = {}
        for i in range(self.extra_filters.count()):
            item = self.extra_filters.itemAt(i)
            widget = item.widget() if item is not None else None
            field = widget.property("filterField") if widget is not None else None
            if isinstance(widget, QComboBox) and field:
                extra[str(field)] = one(widget)
        return SearchFilters(
            outlets=one(self.outlet_combo),
            languages=one(self.lang_combo),
            statuses=one(self.status_combo),
            annotators=one(self.annotator_combo),
            date_from=self.date_from.text().strip(),
            date_to=self.date_to.text().strip(),
            **extra,
        )

    def run_search(self) -> None:
        self._timer.stop()
        try:
            self.results = search(self.store, self.query_edit.text(), self.filters())
        except AnnotatorError as exc:
            self.results = SearchResults()
            self.summary.setText(str(exc))
            self.model.removeRows(0, self.model.rowCount())
            return
        self._show(self.results)

    def _show(self, results: SearchResults) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for hit in results.hits:
            meta = hit.meta
            row = [
                QStandardItem(meta.title or meta.filename or "Untitled"),
                QStandardItem(meta.source or "—"),
                QStandardItem(meta.date or "—"),
                QStandardItem(hit.passage.before + hit.passage.match + hit.passage.after),
            ]
            row[0].setToolTip(plain_tip(meta.title))
            row[3].setData(hit.passage, PASSAGE_ROLE)
            for item in row:
                item.setData((hit.doc_id, hit.passage.start, hit.passage.end), HIT_ROLE)
            self.model.appendRow(row)
        if not self.query_edit.text().strip() and self.filters().is_empty:
            self.summary.setText("")
            return
        passages = sum(1 for h in results.hits if h.passage.end > h.passage.start)
        text = count(results.documents, "document")
        if passages:
            text += ", " + count(passages, "passage")
        if results.truncated:
            text += " (the best matches only; narrow the search to see the rest)"
        self.summary.setText(text + " · Enter opens the selected one")

    def _search_and_focus(self) -> None:
        self.run_search()
        if self.model.rowCount():
            self.view.setFocus()
            self.view.setCurrentIndex(self.model.index(0, 0))

    def _open_index(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is not None:
            doc_id, start, end = hit
            self.openRequested.emit(int(doc_id), int(start), int(end))

    def focus_query(self) -> None:
        self.refresh_facets()
        self.query_edit.setFocus()
        self.query_edit.selectAll()
