"""Where the Export dialog starts: the user's documents folder at first (never the source
checkout the app may run from), then the folder last exported to, remembered across starts."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import Qt

from annotator.gui.export_dialog import ExportOptions
from annotator.settings import Settings


def test_export_starts_in_documents_then_where_the_last_export_went(
    open_window, qtbot, seeded_db: Path, tmp_path: Path
) -> None:
    window, dialogs = open_window(seeded_db)
    checkout = Path(__file__).resolve().parents[2]
    qtbot.keyClick(window.pane, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # asked, then cancelled
    first = dialogs.export_choices[2]
    documents = Path(platformdirs.user_documents_dir())
    assert first == (documents if documents.is_dir() else Path.home())
    assert checkout not in first.resolve().parents and first.resolve() != checkout

    target = tmp_path / "deliveries" / "alice.jsonl"
    target.parent.mkdir()
    dialogs.export_answers.append(ExportOptions(path=target, annotator="alice"))
    qtbot.keyClick(window.pane, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: target.exists() and (window.worker is None or not window.worker.running),
                    timeout=30000)
    qtbot.keyClick(window.pane, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert dialogs.export_choices[2] == target.parent.resolve()
    assert Settings.load().export_dir == str(target.parent.resolve())  # kept for the next start
    window.close()

    again, dialogs2 = open_window(seeded_db)
    again.export_dialog()
    assert dialogs2.export_choices[2] == target.parent.resolve()
    # A folder since removed: back to the documents folder.
    target.unlink()
    target.parent.rmdir()
    again.export_dialog()
    assert dialogs2.export_choices[2] == first
