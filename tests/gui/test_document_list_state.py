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
