"""The document list: a lazy table model over the corpus, and a proxy that filters and sorts it.

Built for a corpus of 100,000 documents. The model holds one light row per document (id, title,
outlet, language, date, status, file name) read in one query; the span counts, which cost a
query per document, are fetched only for the rows the view shows, in one batch after the paint
that first asked for them ("fetch as they scroll"), and again after an edit marks a row stale.

The proxy filters and sorts in Python over the light rows in one pass, then tells the view
through one layout change. A ``QSortFilterProxyModel`` would call back into Python once per row
to filter and O(n log n) times to sort: seconds on a large corpus. Selection survives filtering
and sorting (persistent indexes are moved), as it does with Qt's proxy.

``DocumentColumns`` fits the list's columns to what they can hold — from the font and the few
distinct values (statuses, outlets), never by reading every row as ``ResizeToContents`` would —
elides long titles in the middle (the start and the end of a headline both say something), keeps
the dock wide enough for a readable title and the status whatever is loaded, and shows the other
columns as the dock's width allows: never a column behind a horizontal scroll bar. The Doubt
column shows only once a model has ranked the documents (``gui/model_menu.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QDockWidget, QHeaderView, QStyle, QTableView

from annotator.core.model import DocumentSummary, Status

COLUMNS = ("Title", "Outlet", "Lang", "Date", "Status", "Spans", "Sugg.", "Doubt")
COLUMN_TIPS = (
    "Title (or file name)",
    "Outlet",
    "Language",
    "Date of publication",
    "Your status of the document",
    "Your spans in the document",
    "Suggestions of the model not yet accepted or rejected",
    "How unsure the active model is about the document (1: a coin toss), from Model > Rank by doubt",
)
DOUBT = 7  # the doubt column: shown only once the documents were ranked
TITLE_CHARS = 20  # the title column shows at least this many average characters
ROOMY_TITLE_CHARS = 28  # other columns show while the title keeps this many
OUTLET_CHARS = 22  # an outlet column wider than this elides
STATUS_COLORS = {Status.TODO: "#BBBBBB", Status.IN_PROGRESS: "#E69F00", Status.DONE: "#009E73"}
_Index = QModelIndex | QPersistentModelIndex
_STATUS = {s.value: s for s in Status}
_STATUS_RANK = {s.value: i for i, s in enumerate(Status)}
# (id, title, source, lang, date, status value, filename): one document in the list.
Listing = tuple[int, str, str, str, str, str, str]
PENDING = "…"  # shown in a count column until its batch arrives
CACHE_LIMIT = 20_000  # complete rows kept; beyond that the cache starts again


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


def _listing(s: DocumentSummary) -> Listing:
    return (s.id, s.title, s.source, s.lang, s.date, s.status.value, s.filename)


class DocumentTableModel(QAbstractTableModel):
    """All documents, one row each, in id order.

    ``fetch(ids)`` returns the complete summaries (with span counts) of those documents (of all
    documents for None); without it, only rows given complete (``set_rows``) have counts.
    """

    def __init__(
        self, fetch: Callable[[list[int] | None], list[DocumentSummary]] | None = None
    ) -> None:
        super().__init__()
        self.fetch = fetch
        self._rows: list[Listing] = []
        self._row_of: dict[int, int] = {}
        self._full: dict[int, DocumentSummary] = {}  # doc id -> complete summary
        self._hay: list[str] | None = None  # casefolded filter text per row, made on first use
        self._wanted: set[int] = set()  # rows whose counts a paint asked for
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_wanted)
        self._icons = {status.value: _dot(color) for status, color in STATUS_COLORS.items()}
        self._doubts: dict[int, tuple[float, str]] = {}  # doc id -> (doubt, reason)

    def set_doubts(self, doubts: dict[int, tuple[float, str]]) -> None:
        """A model's doubt about each document, with its reason (the tooltip); {}: none."""
        self._doubts = dict(doubts)
        if self._rows:
            self.dataChanged.emit(self.index(0, DOUBT), self.index(len(self._rows) - 1, DOUBT))
        self.layoutChanged.emit()  # the doubt column shows or hides

    def has_doubts(self) -> bool:
        return bool(self._doubts)

    # -- contents ---------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[DocumentSummary]) -> None:
        """Complete rows (counts included)."""
        self._reset([_listing(r) for r in rows], {r.id: r for r in rows})

    def set_listing(self, rows: list[Listing]) -> None:
        """Light rows; counts are fetched for the rows the view shows.

        Outlets, languages, dates and statuses repeat across a corpus: each distinct value is
        kept once (some 20 MB fewer for 100,000 documents)."""
        seen: dict[str, str] = {}
        one = seen.setdefault
        shared = [(r[0], r[1], one(r[2], r[2]), one(r[3], r[3]), one(r[4], r[4]), one(r[5], r[5]), r[6])
                  for r in rows]
        self._reset(shared, {})

    def _reset(self, rows: list[Listing], full: dict[int, DocumentSummary]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._row_of = {r[0]: i for i, r in enumerate(rows)}
        self._full = full
        self._hay = None
        self._wanted.clear()
        self.endResetModel()

    def update_rows(self, rows: Sequence[DocumentSummary]) -> None:
        """Replace the given documents' rows in place (only those rows repaint)."""
        for summary in rows:
            row = self._row_of.get(summary.id)
            if row is None:
                continue
            self._store(row, summary)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def refresh_rows(self, doc_ids: Sequence[int]) -> None:
        """These documents changed: their rows are read again when next shown or asked for."""
        for doc_id in doc_ids:
            row = self._row_of.get(doc_id)
            if row is None:
                continue
            self._full.pop(doc_id, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def set_listing_row(self, light: Listing) -> None:
        """New light values (title, outlet, status...) for one document; counts untouched."""
        row = self._row_of.get(light[0])
        if row is None:
            return
        if self._hay is not None:
            self._hay[row] = _haystack(light)
        self._rows[row] = light
        full = self._full.get(light[0])
        if full is not None:
            self._full[light[0]] = DocumentSummary(
                light[0], light[1], light[2], light[3], light[4], _STATUS[light[5]], light[6],
                full.n_spans, full.n_suggestions,
            )
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _store(self, row: int, summary: DocumentSummary) -> None:
        light = _listing(summary)
        if self._hay is not None and light != self._rows[row]:
            self._hay[row] = _haystack(light)
        self._rows[row] = light
        if len(self._full) >= CACHE_LIMIT:
            self._full.clear()
        self._full[summary.id] = summary

    def _complete(self, rows: Sequence[int]) -> None:
        """Fetch the complete summaries of these rows now (one query)."""
        if self.fetch is None:
            return
        ids = [self._rows[r][0] for r in rows if self._rows[r][0] not in self._full]
        if not ids:
            return
        for summary in self.fetch(ids):
            row = self._row_of.get(summary.id)
            if row is not None:
                self._store(row, summary)

    def _fetch_wanted(self) -> None:
        rows = sorted(r for r in self._wanted if r < len(self._rows))
        self._wanted.clear()
        if not rows:
            return
        self._complete(rows)
        last = len(COLUMNS) - 1
        for row in rows:  # the light columns may have changed too (another instance's edit)
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def all_counts(self) -> dict[int, tuple[int, int]]:
        """(spans, suggestions) of every document, to sort by a count column: one query over
        the corpus, not kept (the cache holds only rows that were shown)."""
        counts = {doc_id: (s.n_spans, s.n_suggestions) for doc_id, s in self._full.items()}
        missing = [light[0] for light in self._rows if light[0] not in counts]
        if missing and self.fetch is not None:
            # Most rows missing: one query over the corpus beats a list of ids.
            for summary in self.fetch(None if len(missing) > len(self._rows) // 2 else missing):
                counts[summary.id] = (summary.n_spans, summary.n_suggestions)
        return counts

    def summary(self, row: int) -> DocumentSummary:
        doc_id = self._rows[row][0]
        found = self._full.get(doc_id)
        if found is None:
            self._complete([row])
            found = self._full.get(doc_id)
        if found is None:  # no way to count: a row without counts
            light = self._rows[row]
            found = DocumentSummary(
                light[0], light[1], light[2], light[3], light[4], _STATUS[light[5]], light[6], 0, 0
            )
        return found

    def languages(self) -> list[str]:
        """The language of every document (for guessing which model to load first)."""
        return [r[3] for r in self._rows]

    def language(self, doc_id: int) -> str:
        """One document's language ("" when unknown or not listed)."""
        row = self._row_of.get(doc_id)
        return self._rows[row][3] if row is not None else ""

    def doc_id(self, row: int) -> int:
        return self._rows[row][0]

    def row_of(self, doc_id: int) -> int | None:
        return self._row_of.get(doc_id)

    # -- filtering and sorting helpers (used by the proxy) -----------------------------------

    def haystacks(self) -> list[str]:
        if self._hay is None:
            self._hay = [_haystack(r) for r in self._rows]
        return self._hay

    def sort_keys(self, column: int) -> list[Any]:
        rows = self._rows
        if column == 0:
            return [(r[1] or r[6]).casefold() for r in rows]
        if column in (1, 2, 3):
            return [str(r[column + 1]).casefold() for r in rows]
        if column == 4:
            return [_STATUS_RANK[r[5]] for r in rows]
        if column == DOUBT:
            return [self._doubts.get(r[0], (-1.0, ""))[0] for r in rows]
        counts = self.all_counts()
        which = 0 if column == 5 else 1
        return [counts.get(r[0], (0, 0))[which] for r in rows]

    # -- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return COLUMN_TIPS[section]
        return None

    def outlets(self) -> set[str]:
        """The distinct outlets of the corpus (a few: the rows share each one's string)."""
        return {r[2] or "—" for r in self._rows}

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        r = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r[1] or r[6]
            if col == 1:
                return r[2] or "—"
            if col == 2:
                return (r[3] or "—").upper()
            if col == 3:
                return r[4] or "—"
            if col == 4:
                return _STATUS[r[5]].title
            if col == DOUBT:
                doubt = self._doubts.get(r[0])
                return f"{doubt[0]:.2f}" if doubt is not None else ""
            full = self._full.get(r[0])
            if full is None:
                self._want(row)
                return PENDING
            return full.n_spans if col == 5 else full.n_suggestions
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == DOUBT:
                return self._doubts.get(r[0], (0.0, None))[1]
            return f"{r[1]}\n{r[6]}" if col == 0 else None
        if role == Qt.ItemDataRole.UserRole:  # sort key
            if col <= 4:
                return self.sort_keys_row(row, col)
            if col == DOUBT:
                return self._doubts.get(r[0], (-1.0, ""))[0]
            return self.summary(row).n_spans if col == 5 else self.summary(row).n_suggestions
        if role == Qt.ItemDataRole.DecorationRole and col == 4:
            return self._icons[r[5]]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort_keys_row(self, row: int, column: int) -> Any:
        r = self._rows[row]
        return ((r[1] or r[6]).casefold(), r[2].casefold(), r[3].casefold(), r[4].casefold(),
                _STATUS_RANK[r[5]])[column]

    def _want(self, row: int) -> None:
        if self.fetch is None:
            return
        self._wanted.add(row)
        if not self._fetch_timer.isActive():
            self._fetch_timer.start()


def _haystack(r: Listing) -> str:
    return " ".join((r[1], r[2], r[3], r[4], r[6], _STATUS[r[5]].title)).casefold()


class DocumentFilterModel(QAbstractProxyModel):
    """Sorts by the model's keys and filters on title, outlet, language, date, file name and
    status (every word of the filter must occur)."""

    def __init__(self) -> None:
        super().__init__()
        self._needle = ""
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._sorted: list[int] | None = None  # every source row in sort order (None: id order)
        self._order: list[int] = []  # the source rows shown, in display order
        self._pos: list[int] = []  # source row -> display row, -1 when filtered out

    # -- source ---------------------------------------------------------------------------------

    def setSourceModel(self, model: QAbstractTableModel) -> None:  # type: ignore[override]  # noqa: N802
        assert isinstance(model, DocumentTableModel)
        self.beginResetModel()
        super().setSourceModel(model)
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._source_reset)
        model.dataChanged.connect(self._source_data_changed)
        self._source_reset()

    def _model(self) -> DocumentTableModel:
        model = self.sourceModel()
        assert isinstance(model, DocumentTableModel)
        return model

    def _source_reset(self) -> None:
        self._sorted = None
        if self._sort_column >= 0:
            self._sorted = self._sorted_rows(self._sort_column, self._sort_order)
        self._order = self._visible()
        self._pos = self._positions(self._order)
        self.endResetModel()

    def _source_data_changed(
        self, top: QModelIndex, bottom: QModelIndex, roles: list[int] = []  # noqa: B006
    ) -> None:
        first, last = top.column(), bottom.column()
        for row in range(top.row(), bottom.row() + 1):
            at = self._pos[row] if row < len(self._pos) else -1
            if at >= 0:
                self.dataChanged.emit(self.index(at, first), self.index(at, last), roles)

    # -- filter and sort ----------------------------------------------------------------------

    def set_filter_text(self, text: str) -> None:
        needle = text.casefold().strip()
        if needle == self._needle:
            return
        self._needle = needle
        self._relayout()

    def filter_text(self) -> str:
        return self._needle

    def filterAcceptsRow(self, source_row: int, source_parent: _Index = QModelIndex()) -> bool:  # noqa: N802, B008
        if not self._needle:
            return True
        hay = self._model().haystacks()[source_row]
        return all(part in hay for part in self._needle.split())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column
        self._sort_order = order
        self._sorted = self._sorted_rows(column, order) if column >= 0 else None
        self._relayout()

    def sort_column(self) -> int:
        return self._sort_column

    def _sorted_rows(self, column: int, order: Qt.SortOrder) -> list[int]:
        keys = self._model().sort_keys(column)
        # Python's sort is stable: equal keys keep id order, both ways.
        descending = order == Qt.SortOrder.DescendingOrder
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)

    def _visible(self) -> list[int]:
        model = self._model()
        rows = self._sorted if self._sorted is not None else range(model.rowCount())
        if not self._needle:
            return list(rows)
        parts = self._needle.split()
        hay = model.haystacks()
        if len(parts) == 1:
            part = parts[0]
            return [r for r in rows if part in hay[r]]
        return [r for r in rows if all(p in hay[r] for p in parts)]

    def _positions(self, order: list[int]) -> list[int]:
        pos = [-1] * self._model().rowCount()
        for at, row in enumerate(order):
            pos[row] = at
        return pos

    def _relayout(self) -> None:
        """New order: one layout change, with the persistent indexes (selection) moved along."""
        self.layoutAboutToBeChanged.emit()
        old_order = self._order
        persistent = self.persistentIndexList()
        sources = [
            (old_order[i.row()], i.column()) if 0 <= i.row() < len(old_order) else None
            for i in persistent
        ]
        self._order = self._visible()
        self._pos = self._positions(self._order)
        moved = []
        for source in sources:
            at = -1 if source is None else self._pos[source[0]]
            moved.append(self.index(at, source[1]) if source is not None and at >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # -- Qt proxy -----------------------------------------------------------------------------

    def mapToSource(self, proxy_index: _Index) -> QModelIndex:  # noqa: N802
        if not proxy_index.isValid() or proxy_index.row() >= len(self._order):
            return QModelIndex()
        return self._model().index(self._order[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: _Index) -> QModelIndex:  # noqa: N802
        if not source_index.isValid() or source_index.row() >= len(self._pos):
            return QModelIndex()
        at = self._pos[source_index.row()]
        return self.index(at, source_index.column()) if at >= 0 else QModelIndex()

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._order) and 0 <= column < len(COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and bool(self._order)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return self._model().headerData(section, orientation, role)


class DocumentColumns(QObject):
    """Fits the document list's columns to their contents and to the dock (see the module
    docstring): the title and the status always show; the other columns show while the dock
    is wide enough for them beside a readable title, the least needed going first (suggestion
    and span counts, language, outlet, date) — never behind a horizontal scroll bar."""

    HIDE_FIRST = (6, 5, 2, 1, 3, DOUBT)  # Sugg., Spans, Lang, Outlet, Date, Doubt (when ranked)

    def __init__(self, view: QTableView, dock: QDockWidget) -> None:
        super().__init__(view)
        self.view = view
        self.dock = dock
        self._widths: dict[int, int] = {}
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # columns fit
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        model = view.model()
        model.modelReset.connect(self.fit)
        model.layoutChanged.connect(self.fit)
        view.viewport().installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.show_what_fits()
        return False

    def _outlet_model(self) -> DocumentTableModel | None:
        model = self.view.model()
        source = model.sourceModel() if isinstance(model, QAbstractProxyModel) else model
        return source if isinstance(source, DocumentTableModel) else None

    def widths(self) -> dict[int, int]:
        """Column -> width in pixels for every column but the title."""
        view, header = self.view, self.view.horizontalHeader()
        metrics = view.fontMetrics()
        pad = 2 * view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 8
        icon = view.iconSize().width() if view.iconSize().isValid() else 0
        icon = max(icon, view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view)) + 6
        model = self._outlet_model()
        outlets = model.outlets() if model is not None else set()
        outlet = max((metrics.horizontalAdvance(o) for o in outlets), default=0)
        outlet = min(outlet, metrics.averageCharWidth() * OUTLET_CHARS)
        samples = {
            1: outlet,
            2: metrics.horizontalAdvance("WWW"),
            3: metrics.horizontalAdvance("2023-09-22"),
            4: max(metrics.horizontalAdvance(s.title) for s in Status) + icon,
            5: metrics.horizontalAdvance("99999"),
            6: metrics.horizontalAdvance("99999"),
            DOUBT: metrics.horizontalAdvance("0.00"),
        }
        return {col: max(width + pad, header.sectionSizeFromContents(col).width())
                for col, width in samples.items()}

    def title_width(self) -> int:
        return self.view.fontMetrics().averageCharWidth() * TITLE_CHARS

    def fit(self) -> None:
        """Widths from the contents; the dock's least width: a readable title and the status."""
        header = self.view.horizontalHeader()
        self._widths = self.widths()
        for col, width in self._widths.items():
            header.resizeSection(col, width)
        scroll = self.view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.view)
        holder = self.dock.widget()
        if holder is not None:
            around = 2 * self.view.frameWidth() + scroll + 2
            layout = holder.layout()
            if layout is not None:
                margins = layout.contentsMargins()
                around += margins.left() + margins.right()
            holder.setMinimumWidth(self.title_width() + self._widths[4] + around)
        self.show_what_fits()

    def show_what_fits(self) -> None:
        """Show every column the viewport has room for beside the title, hide the others."""
        if not self._widths:
            return
        room = self.view.viewport().width() - self.view.fontMetrics().averageCharWidth() * ROOMY_TITLE_CHARS
        shown = {4: self._widths[4]}  # the status always; then the most needed that fit
        model = self._outlet_model()
        ranked = model is not None and model.has_doubts()
        for col in reversed(self.HIDE_FIRST):
            if col == DOUBT and not ranked:
                continue
            if sum(shown.values()) + self._widths[col] <= room:
                shown[col] = self._widths[col]
        for col in self._widths:
            hidden = col not in shown
            if self.view.isColumnHidden(col) != hidden:
                self.view.setColumnHidden(col, hidden)
