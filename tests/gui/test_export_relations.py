"""File > Export in Label Studio or doccano format writes the events as relations (the export
dialog chosen with the mouse and keyboard, as an analyst does), and File > Import annotations
of that file into a fresh database gives the same events back, with the summary saying so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from annotator.gui.export_dialog import ExportDialog


def _choose_format(qtbot, dialog: ExportDialog, keys: str) -> None:  # type: ignore[no-untyped-def]
    """Open the format combo with a click, type the start of the format's name, press Enter."""
    combo = dialog.format
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: combo.view().isVisible(), timeout=3000)
    qtbot.keyClicks(combo.view(), keys)
    qtbot.keyClick(combo.view(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not combo.view().isVisible(), timeout=3000)


@pytest.mark.parametrize(("fmt", "keys"), [("labelstudio", "Label"), ("doccano", "doc")])
def test_export_dialog_writes_events_as_relations_and_import_restores_them(
    open_window, qtbot, annotated_db: Path, tmp_path: Path, fmt: str, keys: str
) -> None:
    window, dialogs = open_window(annotated_db)
    before = sorted(
        (e.category, e.cameo, e.mode, e.date, tuple(a.role for a in e.arguments))
        for d in window.store.documents.ids()
        for e in window.store.events.in_document(d, window.store.annotators.id_of("alice"))
    )
    assert len(before) == 10

    dialog = ExportDialog(["alice"], "alice", tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _choose_format(qtbot, dialog, keys)
    assert dialog.format.currentData() == fmt
    dialog.grab().save(f"/tmp/export-dialog-{fmt}.png")
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    options = dialog.options()
    dialogs.export_answers.append(options)
    window.export_dialog()
    qtbot.waitUntil(lambda: not window.worker.running, timeout=60000)
    text = options.path.read_text("utf-8")
    if fmt == "labelstudio":
        tasks = json.loads(text)
        relations = [r for t in tasks for a in t["annotations"] for r in a["result"]
                     if r["type"] == "relation"]
    else:
        relations = [r for line in text.splitlines() for r in json.loads(line)["relations"]]
    assert len(relations) == 20 and {tuple(r.get("labels", [r.get("type")])) for r in relations} \
        == {("actor",), ("recipient",)}

    fresh, fresh_dialogs = open_window(tmp_path / "fresh.sqlite")
    fresh_dialogs.open_answers.append([options.path])
    fresh.act_import_annotations.trigger()
    qtbot.waitUntil(lambda: bool(fresh_dialogs.infos or fresh_dialogs.errors), timeout=60000)
    assert not fresh_dialogs.errors
    [(_title, message)] = fresh_dialogs.infos
    assert "10 event(s) with 20 argument(s) (20 from relations) restored" in message
    after = sorted(
        (e.category, e.cameo, e.mode, e.date, tuple(a.role for a in e.arguments))
        for d in fresh.store.documents.ids()
        for e in fresh.store.events.in_document(d, fresh.store.annotators.id_of("alice"))
    )
    assert after == before
