"""Two windows on one database: the second never overwrites newer work silently."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.model import Status


def test_stale_window_is_told_and_shows_the_newer_work(open_window, qtbot, seeded_db: Path) -> None:
    first, _ = open_window(seeded_db, annotator="alice")
    second, dialogs = open_window(seeded_db, annotator="bob")
    doc_id = first.doc_id
    second.select_document(doc_id)
    assert second._doc_status is Status.TODO

    first.activateWindow()
    qtbot.waitUntil(lambda: first.isActiveWindow(), timeout=3000)
    first.pane.setFocus()
    qtbot.keyClick(first.pane, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # alice: done
    assert first.store.documents.get(doc_id).status is Status.DONE

    # bob still sees "to do" and marks it in progress: refused, told, reloaded.
    second.set_status(Status.IN_PROGRESS)
    assert dialogs.errors and dialogs.errors[-1][0] == "Changed elsewhere"
    assert second.store.documents.get(doc_id).status is Status.DONE
    assert second._doc_status is Status.DONE
    assert second.status_combo.currentText() == Status.DONE.title
    assert second.undo_stack.count() == 0  # nothing half-done on the undo stack

    # Details edited in the first window are not overwritten by the second's stale form either.
    meta = first.store.documents.get(doc_id).meta
    first.run_command(first.session.set_meta(doc_id, meta.with_(source="Outlet A"), expected=meta))
    second.meta_form.load(meta)
    second.meta_form.fields["source"].setText("Outlet B")
    second.save_meta_form()
    assert second.store.documents.get(doc_id).meta.source == "Outlet A"
    assert "Outlet A" in second.meta_label.text()
