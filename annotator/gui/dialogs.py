"""Modal dialogs behind a seam: the window asks through this object, and tests replace it.

A modal dialog blocks a test; routing every file picker, question and message through one small
interface lets tests answer without any window popping up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from annotator.gui.annotator_chooser import AnnotatorChooser
from annotator.gui.export_dialog import ExportDialog, ExportOptions
from annotator.gui.plain import plain_message_box


class Dialogs:
    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        text, ok = QInputDialog.getText(self.parent, title, label, text=default)
        return text if ok else None

    def open_paths(self, title: str, directory: str, filters: str, folder: bool = False) -> list[Path]:
        if folder:
            chosen = QFileDialog.getExistingDirectory(self.parent, title, directory)
            return [Path(chosen)] if chosen else []
        files, _ = QFileDialog.getOpenFileNames(self.parent, title, directory, filters)
        return [Path(f) for f in files]

    def save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, filters)
        return Path(name) if name else None

    def choose_annotators(self, names: list[str]) -> list[str] | None:
        """Two or more of ``names`` to compare in review mode, or None when cancelled."""
        dialog = AnnotatorChooser(names, self.parent)
        return dialog.chosen() if dialog.exec() == AnnotatorChooser.DialogCode.Accepted else None

    def confirm(self, title: str, question: str) -> bool:
        box = plain_message_box(QMessageBox.Icon.Question, title, question, self.parent)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def error(self, title: str, message: str) -> None:
        plain_message_box(QMessageBox.Icon.Critical, title, message, self.parent).exec()

    def info(self, title: str, message: str) -> None:
        plain_message_box(QMessageBox.Icon.Information, title, message, self.parent).exec()

    def export_options(self, annotators: list[str], current: str, folder: Path) -> ExportOptions | None:
        dialog = ExportDialog(annotators, current, folder, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.options()

    def open_folder(self, folder: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
