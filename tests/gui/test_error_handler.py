"""An unexpected error in the GUI is logged to the data directory and shown; the app goes on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.gui.app import install_error_handler, log, log_path


@pytest.mark.qt_no_exception_capture
def test_error_in_a_slot_is_logged_shown_and_survived(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    previous = sys.excepthook
    install_error_handler()
    try:
        def broken() -> None:
            raise RuntimeError("a bug in a slot")

        QTimer.singleShot(0, broken)
        qtbot.waitUntil(
            lambda: any(
                w.objectName() == "errorDialog" and w.isVisible() for w in QApplication.topLevelWidgets()
            ),
            timeout=5000,
        )
        box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorDialog")
        assert isinstance(box, QMessageBox)
        assert "a bug in a slot" in box.text() and str(log_path()) in box.text()
        logged = log_path().read_text(encoding="utf-8")
        assert "RuntimeError: a bug in a slot" in logged and "Traceback" in logged
        box.close()

        # The window still works and saves.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)
        window.pane.setFocus()
        qtbot.keyClick(window.pane, Qt.Key.Key_N)
        qtbot.keyClick(window.pane, Qt.Key.Key_Return)
        assert window.saved_label.text() == "saved ✓"
        assert window.store.spans.in_document(window.doc_id, annotator_id=window.session.annotator.id)
    finally:
        sys.excepthook = previous
        for handler in list(log.handlers):
            log.removeHandler(handler)
            handler.close()
