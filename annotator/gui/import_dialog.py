"""The import dialog: what the files hold before anything is stored, and the import itself.

File > Import… and a drop of files on the window open it. It lists each file as it is read (in a
worker thread, row by row, so a folder of thousands of files shows at once and stays
responsive) with its detected type, title, outlet, date and language; the analyst corrects
those cells, unticks what should not come in, or ticks *Split articles* to see one row per
article of a page. *Import* then stores the ticked articles with a progress bar and *Cancel*:
each file is stored in one transaction, so a cancel keeps the files already stored and nothing
of the one under way (``services/importing.py``).

Every string from a file is an item's text, which an item view shows as plain text; the status
line is a plain-text label.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError, InputError, InputErrors
from annotator.core.model import Document
from annotator.core.tasks import TaskState
from annotator.gui.plain import plain_label, plain_tip
from annotator.gui.workers import Worker
from annotator.services.import_preview import (
    PreviewFile,
    checked_date,
    checked_language,
    list_files,
    read_preview,
)

if TYPE_CHECKING:
    from annotator.gui.window_protocols import ImportExportHost

COLUMNS = ("File", "Type", "Title", "Outlet", "Date", "Language")
FILE, KIND, TITLE, OUTLET, DATE, LANG = range(len(COLUMNS))
EDITABLE = {TITLE: "title", OUTLET: "source", DATE: "date", LANG: "lang"}


class _Reader(QObject):
    """Reads the files for the preview on its own thread; one signal per file read."""

    listed = Signal(int)  # how many files there are
    read = Signal(object)  # PreviewFile
    failed = Signal(str)
    done = Signal()

    def __init__(self, paths: list[Path], split_articles: bool) -> None:
        super().__init__()
        self.paths = paths
        self.split_articles = split_articles
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            files = list_files(self.paths)
        except InputError as exc:
            self.failed.emit(str(exc))
            self.done.emit()
            return
        self.listed.emit(len(files))
        for path in files:
            if self.stop.is_set():
                break
            self.read.emit(read_preview(path, self.split_articles))
        self.done.emit()


class ImportDialog(QDialog):
    """Preview, correct, import: see the module's docstring."""

    imported = Signal(object)  # the ImportReport, once the import ends (cancelled or not)

    def __init__(
        self,
        host: ImportExportHost,
        paths: list[Path],
        done: Callable[[object], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import articles")
        self.host = host
        self.paths = paths
        self.files: list[PreviewFile] = []
        self.total_files = 0
        self._thread: QThread | None = None
        self._reader: _Reader | None = None
        self.worker: Worker | None = None
        # The analyst's corrections and unticks, by (file, document name): kept when the files
        # are read again (Split articles), for the documents that are still there.
        self._edits: dict[tuple[Path, str], dict[str, str]] = {}
        self._unticked: set[tuple[Path, str]] = set()
        self.imported.connect(done)

        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("importTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (FILE, KIND, OUTLET, DATE, LANG):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._cell_changed)
        layout.addWidget(self.table, 1)

        options = QHBoxLayout()
        self.split = QCheckBox("&Split articles (one row per article of a page)")
        self.split.setObjectName("splitArticles")
        self.split.toggled.connect(lambda _on: self._read())
        options.addWidget(self.split)
        options.addStretch(1)
        layout.addLayout(options)

        self.status = plain_label(QLabel(""))
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        layout.addWidget(self.progress)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton("&Import")
        self.import_button.setObjectName("importButton")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.resize(980, 520)
        self._read()

    # -- reading --------------------------------------------------------------------------------

    @property
    def reading(self) -> bool:
        return self._thread is not None  # until _reading_done has shown the result

    def _read(self) -> None:
        """(Re)read the files for the preview, in a worker thread."""
        self._stop_reading()
        self.files = []
        self.table.setRowCount(0)
        self.import_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Reading the files…")
        reader = _Reader(self.paths, self.split.isChecked())
        thread = QThread(self)
        reader.moveToThread(thread)
        thread.started.connect(reader.run)
        reader.listed.connect(self._listed)
        reader.read.connect(self._file_read)
        reader.failed.connect(self._listing_failed)
        reader.done.connect(thread.quit)
        thread.finished.connect(self._reading_done)
        self._thread, self._reader = thread, reader
        thread.start()

    def _stop_reading(self) -> None:
        if self._thread is not None:
            assert self._reader is not None
            self._reader.stop.set()
            thread, self._thread = self._thread, None
            thread.quit()
            thread.wait()

    def _listed(self, count: int) -> None:
        self.total_files = count
        self.progress.setRange(0, max(count, 1))
        self.progress.setValue(0)

    def _listing_failed(self, message: str) -> None:
        self.status.setText(f"Nothing to import: {message}")

    def _file_read(self, preview: PreviewFile) -> None:
        if self.sender() is not self._reader:  # a reading stopped by Split articles
            return
        index = len(self.files)
        self.files.append(preview)
        self.table.blockSignals(True)
        try:
            if preview.error:
                self._add_row(index, -1, preview)
            for doc_index in range(len(preview.documents)):
                self._add_row(index, doc_index, preview)
        finally:
            self.table.blockSignals(False)
        self.progress.setValue(len(self.files))
        self.status.setText(f"Read {len(self.files)} of {self.total_files} files…")

    def _add_row(self, file_index: int, doc_index: int, preview: PreviewFile) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = preview.path.name
        if doc_index >= 0 and len(preview.documents) > 1:
            name = f"{name} ({doc_index + 1}/{len(preview.documents)})"
        first = QTableWidgetItem(name)
        first.setData(Qt.ItemDataRole.UserRole, (file_index, doc_index))
        first.setToolTip(plain_tip(str(preview.path)))
        fixed = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if doc_index < 0:
            first.setFlags(fixed)
            cells = [first, QTableWidgetItem(preview.kind), QTableWidgetItem(
                f"cannot be imported: {preview.error}"
            )]
            for column, item in enumerate(cells):
                if column:
                    item.setFlags(fixed)
                item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
            cells[TITLE].setToolTip(plain_tip(preview.error))
            return
        doc = preview.documents[doc_index]
        key = (preview.path, doc.meta.filename)
        if key in self._edits:
            doc.meta = doc.meta.with_(**self._edits[key])
        first.setFlags(fixed | Qt.ItemFlag.ItemIsUserCheckable)
        first.setCheckState(
            Qt.CheckState.Unchecked if key in self._unticked else Qt.CheckState.Checked
        )
        meta = doc.meta
        self.table.setItem(row, FILE, first)
        kind = QTableWidgetItem(preview.kind)
        kind.setFlags(fixed)
        self.table.setItem(row, KIND, kind)
        for column, value in (
            (TITLE, meta.title), (OUTLET, meta.source), (DATE, meta.date), (LANG, meta.lang)
        ):
            item = QTableWidgetItem(value)
            item.setFlags(fixed | Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, column, item)

    def _reading_done(self) -> None:
        if self.sender() is not self._thread and self._thread is not None:
            return
        articles = sum(len(f.documents) for f in self.files)
        bad = sum(1 for f in self.files if f.error)
        self._thread = None
        if not self.files:
            return
        text = f"{len(self.files)} files read: {articles} articles"
        if bad:
            text += f"; {bad} cannot be imported (in red)"
        self.status.setText(text + ". Correct the details if needed, untick what should stay out.")
        self.import_button.setEnabled(articles > 0)
        self.progress.hide()  # until Import

    # -- corrections ----------------------------------------------------------------------------

    def _first(self, row: int) -> QTableWidgetItem:
        """The row's first cell: its tick and which file's which article it is."""
        item = self.table.item(row, FILE)
        assert item is not None, row  # every row is filled when the table is built
        return item

    def document_at(self, row: int) -> Document | None:
        file_index, doc_index = self._first(row).data(Qt.ItemDataRole.UserRole)
        return None if doc_index < 0 else self.files[file_index].documents[doc_index]

    def _key(self, row: int) -> tuple[Path, str] | None:
        file_index, doc_index = self._first(row).data(Qt.ItemDataRole.UserRole)
        if doc_index < 0:
            return None
        preview = self.files[file_index]
        return preview.path, preview.documents[doc_index].meta.filename

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        key = self._key(item.row())
        if item.column() == FILE and key is not None:
            if item.checkState() == Qt.CheckState.Checked:
                self._unticked.discard(key)
            else:
                self._unticked.add(key)
            return
        field = EDITABLE.get(item.column())
        doc = self.document_at(item.row())
        if field is None or doc is None or key is None:
            return
        value = item.text().strip()
        if item.column() == DATE:
            checked = checked_date(value)
            if checked is None:
                self._refuse(
                    item, doc.meta.date, f"{value!r} is no date: type YYYY-MM-DD (or leave it empty)"
                )
                return
            value = checked
        elif item.column() == LANG:
            checked = checked_language(value)
            if checked is None:
                self._refuse(item, doc.meta.lang, f"{value!r} is no language code: type en, fr, ar…")
                return
            value = checked
        doc.meta = doc.meta.with_(**{field: value})
        self._edits.setdefault(key, {})[field] = value
        if item.text() != value:
            self._set_quietly(item, value)

    def _refuse(self, item: QTableWidgetItem, previous: str, message: str) -> None:
        self._set_quietly(item, previous)
        self.status.setText(message)

    def _set_quietly(self, item: QTableWidgetItem, text: str) -> None:
        self.table.blockSignals(True)
        item.setText(text)
        self.table.blockSignals(False)

    def chosen(self) -> list[tuple[Path, list[Document]]]:
        """The ticked articles, by file, with the analyst's corrections."""
        ticked: dict[int, list[Document]] = {}
        for row in range(self.table.rowCount()):
            first = self._first(row)
            if first.checkState() != Qt.CheckState.Checked:
                continue
            file_index, doc_index = first.data(Qt.ItemDataRole.UserRole)
            if doc_index >= 0:
                ticked.setdefault(file_index, []).append(self.files[file_index].documents[doc_index])
        return [(self.files[i].path, docs) for i, docs in sorted(ticked.items())]

    # -- importing ------------------------------------------------------------------------------

    def start_import(self) -> None:
        files = self.chosen()
        if not files:
            self.status.setText("Nothing is ticked: tick the articles to import.")
            return
        from annotator.services.importing import import_paths

        host = self.host
        store, labels, registry = host.store, host.labels, host.registry
        paths = [path for path, _docs in files]

        def work(state: TaskState) -> object:
            return import_paths(store, paths, labels, registry, state, files=files)

        self.table.setEnabled(False)
        self.split.setEnabled(False)
        self.import_button.setEnabled(False)
        total = sum(len(docs) for _p, docs in files)
        self.progress.show()
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.status.setText(f"Importing {total} articles…")
        self.worker = Worker(work, self)
        self.worker.progress.connect(self._import_progress)
        self.worker.finished.connect(self._import_finished)
        self.worker.failed.connect(self._import_failed)
        self.worker.start()

    @property
    def importing(self) -> bool:
        return self.worker is not None and self.worker.running

    def _import_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(message)

    def _import_finished(self, report: object) -> None:
        self.imported.emit(report)
        self.accept()

    def _import_failed(self, exc: object, _tb: str) -> None:
        self.table.setEnabled(True)
        self.split.setEnabled(True)
        self.import_button.setEnabled(True)
        if isinstance(exc, InputErrors):
            self.status.setText(f"Nothing was imported: {exc.message}")
        elif isinstance(exc, AnnotatorError):
            self.status.setText(f"Nothing was imported: {exc}")
        else:
            self.status.setText(f"The import failed: {exc}")

    def cancel(self) -> None:
        """While importing: stop after the file under way; else close without importing."""
        if self.importing:
            assert self.worker is not None
            self.worker.cancel()
            self.status.setText("Cancelling: the file under way is finished or left out whole…")
            self.cancel_button.setEnabled(False)
            return
        self._stop_reading()
        self.reject()

    def stop(self) -> None:
        """Cancel an import under way and wait for it, stop reading (the window is closing)."""
        if self.importing:
            assert self.worker is not None
            self.worker.cancel()
            # The worker's thread quits when its result has reached this thread: let it arrive.
            deadline = time.monotonic() + 60
            while self.worker.running and time.monotonic() < deadline:
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        self._stop_reading()

    def reject(self) -> None:  # Esc and the window's close button
        if self.importing:
            self.cancel()
            return
        self._stop_reading()
        super().reject()
