"""The document list: a table model over document summaries, with sort and filter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from annotator.core.model import DocumentSummary, Status

COLUMNS = ("Title", "Outlet", "Lang", "Date", "Status", "Spans", "Suggestions")
STATUS_COLORS = {Status.TODO: "#BBBBBB", Status.IN_PROGRESS: "#E69F00", Status.DONE: "#009E73"}
_Index = QModelIndex | QPersistentModelIndex


def _dot(color: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(QColor(color).darker(130))
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pix)


class DocumentTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DocumentSummary] = []
        self._row_of: dict[int, int] = {}
        self._icons = {status: _dot(color) for status, color in STATUS_COLORS.items()}

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._row_of = {r.id: i for i, r in enumerate(self._rows)}
        self.endResetModel()

    def update_rows(self, rows: list[DocumentSummary]) -> None:
        """Replace the given documents' rows in place (only those rows repaint)."""
        for summary in rows:
            row = self._row_of.get(summary.id)
            if row is None:
                continue
            self._rows[row] = summary
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def summary(self, row: int) -> DocumentSummary:
        return self._rows[row]

    def row_of(self, doc_id: int) -> int | None:
        return self._row_of.get(doc_id)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                r.title or r.filename,
                r.source or "—",
                (r.lang or "—").upper(),
                r.date or "—",
                r.status.title,
                r.n_spans,
                r.n_suggestions,
            )
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{r.title}\n{r.filename}" if col == 0 else None
            return values[col]
        if role == Qt.ItemDataRole.UserRole:
            # Sort key.
            return (
                r.title.casefold(),
                r.source.casefold(),
                r.lang,
                r.date,
                list(Status).index(r.status),
                r.n_spans,
                r.n_suggestions,
            )[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 4:
            return self._icons[r.status]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentFilterModel(QSortFilterProxyModel):
    """Sorts by the model's keys and filters on title, outlet, language, date and file name."""

    def __init__(self) -> None:
        super().__init__()
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self._needle = ""

    def set_filter_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            self._needle = text.casefold().strip()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._needle = text.casefold().strip()
            self.invalidateRowsFilter()

    def filter_text(self) -> str:
        return self._needle

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        if not self._needle:
            return True
        model = self.sourceModel()
        assert isinstance(model, DocumentTableModel)
        r = model.summary(source_row)
        hay = " ".join((r.title, r.source, r.lang, r.date, r.filename, r.status.title)).casefold()
        return all(part in hay for part in self._needle.split())
