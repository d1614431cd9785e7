"""The document list keeps its sort column, order and filter text across restarts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


def test_sort_and_filter_survive_a_restart(open_window, qtbot, seeded_db: Path) -> None:
    window, _dialogs = open_window(seeded_db)
    header = window.doc_view.horizontalHeader()
    date_x = header.sectionViewportPosition(3) + header.sectionSize(3) // 2
    y = header.height() // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(date_x, y))
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(date_x, y))
    assert header.sortIndicatorSection() == 3
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    dates = [window.doc_proxy.index(r, 3).data() for r in range(window.doc_proxy.rowCount())]
    assert dates[:2] == ["2023-09-22", "2023-05-12"]
    window.filter_edit.setText("quds")  # the two English titles that say "Quds"
    assert window.doc_proxy.rowCount() == 2
    window.close()

    again, _ = open_window(seeded_db)
    header = again.doc_view.horizontalHeader()
    assert header.sortIndicatorSection() == 3
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert again.filter_edit.text() == "quds"
    assert again.doc_proxy.rowCount() == 2
    assert [again.doc_proxy.index(r, 3).data() for r in range(2)] == ["2023-09-22", "—"]
    again.filter_edit.clear()
    again.close()

    third, _ = open_window(seeded_db)
    assert third.filter_edit.text() == "" and third.doc_proxy.rowCount() == 5


def test_an_unsorted_list_stays_in_import_order(open_window, seeded_db: Path) -> None:
    window, _dialogs = open_window(seeded_db)
    window.close()
    again, _ = open_window(seeded_db)
    ids = [again.doc_model.summary(again.doc_proxy.mapToSource(again.doc_proxy.index(r, 0)).row()).id
           for r in range(again.doc_proxy.rowCount())]
    assert ids == sorted(ids)


def _columns_shown(window) -> list[int]:  # type: ignore[no-untyped-def]
    """The columns shown; each lies whole inside the viewport (nothing behind a scroll bar), the
    title and the status always among them. A hidden column is one that has no room."""
    view = window.doc_view
    header = view.horizontalHeader()
    assert not view.horizontalScrollBar().isVisible()
    shown = [col for col in range(header.count()) if not view.isColumnHidden(col)]
    assert 0 in shown and 4 in shown
    for col in shown[1:]:
        assert header.sectionViewportPosition(col) + header.sectionSize(col) <= view.viewport().width(), col
        text = str(window.doc_proxy.headerData(col, Qt.Orientation.Horizontal))
        assert header.sectionSize(col) >= view.fontMetrics().horizontalAdvance(text), text
    # The title column shows a readable stretch of the title (20 average characters or more).
    assert header.sectionSize(0) >= 20 * view.fontMetrics().averageCharWidth()
    return shown


def test_the_document_list_shows_every_column_and_keeps_its_width(
    open_window, qtbot, tmp_path: Path
) -> None:
    from annotator.core.labels import default_labels
    from annotator.services.importing import import_paths
    from tests.conftest import SEEDS

    window, _ = open_window(tmp_path / "empty.sqlite")
    view, dock = window.doc_view, window.doc_dock
    width = dock.width()
    _columns_shown(window)

    import_paths(window.store, [SEEDS], default_labels(), None)  # documents arrive
    window.refresh_documents()
    qtbot.wait(50)
    assert window.doc_proxy.rowCount() == 5
    assert dock.width() >= width  # the dock does not shrink when the documents load
    _columns_shown(window)
    # A status and a date are shown whole.
    statuses = [view.visualRect(window.doc_proxy.index(r, 4)) for r in range(5)]
    metrics = view.fontMetrics()
    for row, rect in enumerate(statuses):
        text = str(window.doc_proxy.index(row, 4).data())
        assert rect.width() >= metrics.horizontalAdvance(text) + 16

    # Long titles are elided in the middle: their start and their end both show.
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    long_row = max(range(5), key=lambda r: len(str(window.doc_proxy.index(r, 0).data())))
    title = str(window.doc_proxy.index(long_row, 0).data())
    shown = metrics.elidedText(title, Qt.TextElideMode.ElideMiddle, view.columnWidth(0) - 8)
    assert shown.startswith(title[:4]) and shown.endswith(title[-3:])

    # Another panel opening on the right takes no width from the list either.
    window.analysis.show_view("event")
    qtbot.wait(50)
    assert dock.width() >= width
    _columns_shown(window)

    # A wider dock shows every column; a narrow one keeps the title and the status.
    window.resize(2400, window.height())
    qtbot.waitUntil(lambda: window.width() >= 2400)
    window.resizeDocks([dock], [900], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() >= 800)
    qtbot.wait(20)
    assert _columns_shown(window) == list(range(7))
    window.resizeDocks([dock], [10], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() < 800)
    qtbot.wait(20)
    assert _columns_shown(window)[:1] == [0]
