"""Files dropped on the window are imported (through the import dialog, with progress); the header shows
the outlet and author of the document and, on hover, where it came from; the details form edits
the author. Driven through real Qt drag-and-drop events and key presses on the real window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.formats.test_article_readers import english_page, make_report_pdf


def _mime(paths: list[Path] | None = None, text: str | None = None) -> QMimeData:
    mime = QMimeData()
    if paths is not None:
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    if text is not None:
        mime.setText(text)
    return mime


def _drop_on(widget, mime: QMimeData) -> tuple[bool, bool]:  # noqa: ANN001
    """Drag ``mime`` over the middle of ``widget`` and drop it; whether enter and drop were taken."""
    where = QPoint(widget.width() // 2, widget.height() // 2)
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(where, action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False, False
    drop = QDropEvent(QPointF(where), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return True, drop.isAccepted()


def test_files_dropped_on_the_reading_pane_are_imported(
    open_window, qtbot, seeded_db: Path, tmp_path: Path
) -> None:
    page = tmp_path / "herald.html"
    page.write_text(english_page(), encoding="utf-8")
    folder = tmp_path / "reports"
    folder.mkdir()
    make_report_pdf(folder / "brief.pdf")
    window, dialogs = open_window(seeded_db, no_preannotate=True)
    before = window.store.documents.count()

    # Text dragged from elsewhere is no file: refused before it lands, nothing starts.
    assert _drop_on(window.pane.viewport(), _mime(text="Quds Force")) == (False, False)
    assert window.worker is None or not window.worker.running

    assert _drop_on(window.pane.viewport(), _mime([page, folder])) == (True, True)
    # The import dialog lists what was dropped; Import stores it.
    dialog = window.io.import_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.reading, timeout=60000)
    assert dialog.table.rowCount() == 2
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60000)
    assert dialogs.errors == []
    assert window.store.documents.count() == before + 2
    assert window.doc_proxy.rowCount() == before + 2

    ids = window.store.documents.ids()
    herald = next(i for i in ids if window.store.documents.get(i).meta.filename == "herald.html")
    window.doc_view.setCurrentIndex(window.doc_proxy.index(window.doc_model.row_of(herald), 0))
    qtbot.waitUntil(lambda: window.doc_id == herald, timeout=5000)
    assert window.meta_label.text().startswith("The Levant Herald · by Jane Doe · 2023-09-22 · EN")
    tip = window.meta_label.toolTip()
    assert f"Imported from: {page.resolve()}" in tip
    assert "URL: https://levantherald.example/world/quds-force-syria" in tip
    assert window.meta_label.textFormat() == Qt.TextFormat.PlainText


def test_details_form_edits_the_author(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    doc_id = window.doc_id
    assert doc_id is not None
    qtbot.keyClick(window.pane, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    form = window.meta_form
    assert form.isVisible()
    author = form.fields["author"]
    author.clear()
    qtbot.keyClicks(author, "<b>Staff</b>, Agencies")
    qtbot.keyClick(author, Qt.Key.Key_Return)
    assert not form.isVisible()
    assert window.store.documents.get(doc_id).meta.author == "<b>Staff</b>, Agencies"
    assert "by <b>Staff</b>, Agencies" in window.meta_label.text()  # shown as typed, not as markup
    qtbot.keyClick(window.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.documents.get(doc_id).meta.author == "Staff, Agencies"  # from the seed's sidecar
