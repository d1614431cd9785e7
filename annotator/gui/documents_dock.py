"""The documents dock: the list of the corpus's documents, its filter, sort and selection.

The rows come from ``gui/doclist.py`` (a model fed from the store's listing, its counts read
when a row is painted). Choosing a row emits ``documentChosen``; the window opens the document.
The sort column and order and the filter text are kept in the window settings.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from annotator.core.model import DocumentSummary
from annotator.gui.doclist import DocumentFilterModel, DocumentTableModel


class DocumentsDock(QDockWidget):
    """The document list with its filter field, as a dock of the main window."""

    documentChosen = Signal(int)  # noqa: N815  (a row became current by the analyst's hand)

    def __init__(self, fetch: Callable[[list[int] | None], list[DocumentSummary]]) -> None:
        super().__init__("Documents")
        self.setObjectName("documentsDock")
        self.doc_model = DocumentTableModel(fetch=fetch)
        self.doc_proxy = DocumentFilterModel()
        self.doc_proxy.setSourceModel(self.doc_model)
        doc_widget = QWidget()
        doc_layout = QVBoxLayout(doc_widget)
        doc_layout.setContentsMargins(4, 4, 4, 4)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("documentFilter")
        self.filter_edit.setPlaceholderText("Filter: title, outlet, language, date, status…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.doc_proxy.set_filter_text)
        doc_layout.addWidget(self.filter_edit)
        self.doc_view = QTableView()
        self.doc_view.setObjectName("documentList")
        self.doc_view.setModel(self.doc_proxy)
        self.doc_view.setSortingEnabled(True)
        self.doc_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.doc_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.doc_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.doc_view.verticalHeader().hide()
        self.doc_view.setWordWrap(False)
        self.doc_view.setAlternatingRowColors(True)
        hh = self.doc_view.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(1, 90)
        # The short columns get widths from the font, not from their contents: sizing to the
        # contents reads every row of a hidden view (100,000 rows at start-up).
        metrics = self.doc_view.fontMetrics()
        samples = {2: "Lang", 3: "2023-09-22", 4: "●  In progress", 5: "Spans", 6: "Suggestions"}
        for col, sample in samples.items():
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            hh.resizeSection(col, metrics.horizontalAdvance(sample) + 24)
        self.doc_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.doc_view.selectionModel().currentRowChanged.connect(self._row_changed)
        doc_layout.addWidget(self.doc_view)
        self.setWidget(doc_widget)

    def select_quietly(self, doc_id: int) -> None:
        """Make a document's row current and visible without emitting ``documentChosen``."""
        row = self.doc_model.row_of(doc_id)
        if row is None:
            return
        proxy_index = self.doc_proxy.mapFromSource(self.doc_model.index(row, 0))
        if proxy_index.isValid():
            sm = self.doc_view.selectionModel()
            sm.blockSignals(True)
            sm.setCurrentIndex(
                proxy_index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            sm.blockSignals(False)
            self.doc_view.scrollTo(proxy_index)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        source = self.doc_proxy.mapToSource(current)
        self.documentChosen.emit(self.doc_model.doc_id(source.row()))

    def step(self, delta: int) -> None:
        """The next (``delta`` 1) or previous (-1) row of the list as it is sorted and filtered."""
        rows = self.doc_proxy.rowCount()
        if not rows:
            return
        current = self.doc_view.currentIndex()
        row = current.row() + delta if current.isValid() else 0
        row = max(0, min(rows - 1, row))
        self.doc_view.setCurrentIndex(self.doc_proxy.index(row, 0))

    def focus_filter(self) -> None:
        self.show()
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    # -- kept between sessions ------------------------------------------------------------------

    def restore(self, qsettings: QSettings) -> None:
        """The list's sort column and order and its filter text, as last left."""

        def number(key: str, default: int) -> int:
            try:
                return int(str(qsettings.value(key, default)))
            except (TypeError, ValueError):
                return default

        column = number("documents/sort_column", -1)
        order = number("documents/sort_order", Qt.SortOrder.AscendingOrder.value)
        if 0 <= column < self.doc_model.columnCount() and order in (0, 1):
            self.doc_view.sortByColumn(column, Qt.SortOrder(order))
        needle = qsettings.value("documents/filter", "")
        if isinstance(needle, str) and needle:
            self.filter_edit.setText(needle)

    def save(self, qsettings: QSettings) -> None:
        header = self.doc_view.horizontalHeader()
        qsettings.setValue("documents/sort_column", header.sortIndicatorSection())
        qsettings.setValue("documents/sort_order", header.sortIndicatorOrder().value)
        qsettings.setValue("documents/filter", self.filter_edit.text())
