"""Import and export from the window: File > Import files / folder / annotations, Export.

Articles are imported (and pre-annotated) in the background, with progress and cancel
(``services/importing.py``); colleagues' annotation files through ``gui/annotation_import.py``;
annotations are exported in the format, set and filters the export dialog asks for
(``services/exporting.py``), after asking before any existing file is replaced, and the folder
is offered at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.tasks import TaskState
from annotator.gui.annotation_import import FILTERS, AnnotationImport
from annotator.gui.article_drop import ARTICLE_FILTER
from annotator.gui.status_bar import WindowStatus

if TYPE_CHECKING:
    from annotator.gui.import_dialog import ImportDialog
    from annotator.gui.window_protocols import ImportExportHost
    from annotator.services.exporting import ExportReport



class ImportExport:
    """The window's import and export commands."""

    def __init__(self, host: ImportExportHost, statusline: WindowStatus) -> None:
        self.host = host
        self.statusline = statusline
        self.annotation_import: AnnotationImport | None = None
        self.import_dialog: ImportDialog | None = None
        self.last_export: ExportReport | None = None

    # -- articles -------------------------------------------------------------------------------

    def import_files_dialog(self) -> None:
        paths = self.host.dialogs.open_paths(
            "Import articles", str(Path.home()), ARTICLE_FILTER
        )
        if paths:
            self.preview_import(paths)

    def import_folder_dialog(self) -> None:
        paths = self.host.dialogs.open_paths("Import a folder of articles", str(Path.home()), "", folder=True)
        if paths:
            self.preview_import(paths)

    def preview_import(self, paths: list[Path]) -> None:
        """The import dialog (gui/import_dialog.py): the files' details to check, then import."""
        from annotator.gui.import_dialog import ImportDialog

        host = self.host
        if host.work.running or (self.import_dialog is not None and self.import_dialog.isVisible()):
            host.dialogs.error("Busy", "An import is already under way; wait for it or cancel it.")
            return
        if self.import_dialog is not None:
            self.import_dialog.deleteLater()  # the last one, closed
        self.import_dialog = ImportDialog(host, paths, self._show_import, host.window())
        self.import_dialog.open()

    def start_import(self, paths: list[Path]) -> None:
        """Import (and pre-annotate) in the background, with progress and cancel."""
        host = self.host
        if host.work.running:
            host.dialogs.error("Busy", "An import is already running; wait for it or cancel it.")
            return
        from annotator.services.importing import import_paths

        store, labels, registry = host.store, host.labels, host.registry

        def work(state: TaskState) -> object:
            return import_paths(store, paths, labels, registry, state)

        host.work.start(work, "Importing", self._import_done, self._import_failed)

    def _import_failed(self, exc: object, tb: str) -> None:
        """An import that stopped half way keeps the files it stored (each in one transaction):
        they are listed, and the message says what stopped the rest."""
        self.host.refresh_documents()
        self.host.work.failed(exc, tb)

    def stop(self) -> None:
        """The window is closing: an import under way in the dialog stops after its file."""
        if self.import_dialog is not None:
            self.import_dialog.stop()

    def _import_done(self, report: object) -> None:
        self.host.work.end()
        self._show_import(report)

    def _show_import(self, report: object) -> None:
        from annotator.services.importing import ImportReport

        host = self.host
        assert isinstance(report, ImportReport)
        host.refresh_documents()
        self.statusline.show_import(report.models, report.notices)
        summary = f"{len(report.added)} imported, {len(report.skipped)} already there"
        if report.regions:
            summary += f", {report.regions} repeated or boilerplate passages greyed"
        if report.cancelled:
            summary += " (cancelled)"
        host.statusBar().showMessage(summary, 8000)
        if host.doc_id is None and host.doc_model.rowCount():
            first = report.added[0][1] if report.added else host.doc_model.summary(0).id
            host.select_document(first)

    # -- colleagues' annotations ------------------------------------------------------------------

    def import_annotations_dialog(self) -> None:
        """Colleagues' annotation files, each imported as an annotation set (gui/annotation_import.py)."""
        host = self.host
        if host.work.running:
            host.dialogs.error("Busy", "Work is already running; wait for it or cancel it.")
            return
        paths = host.dialogs.open_paths("Import annotations", str(Path.home()), FILTERS)
        if paths:
            self.annotation_import = AnnotationImport(host, paths)
            self.annotation_import.start()

    # -- export ---------------------------------------------------------------------------------

    def export_dialog(self, annotator: str | None = None) -> None:
        """Choose format, set and filters; export in the background; offer to open the folder."""
        from annotator.formats.atomic import OverwriteError
        from annotator.services.exporting import ExportFilters, export, split_paths

        host = self.host
        folder = host.settings.export_folder()  # the last one used, else the user's documents
        names = [a.name for a in host.store.annotators.all()]
        options = host.dialogs.export_options(names, annotator or host.session.annotator.name, folder)
        if options is None:
            return
        host.settings.remember_export(options.path)
        store = host.store

        def run(overwrite: bool) -> None:
            def work(state: TaskState) -> object:
                return export(
                    store,
                    options.path,
                    options.fmt,
                    ExportFilters(
                        annotator=options.annotator,
                        status=options.status,
                        labels=options.labels,
                        layers=options.layers,
                        date_from=options.date_from,
                        date_to=options.date_to,
                    ),
                    split=options.split,
                    seed=options.seed,
                    overwrite=overwrite,
                    task=state,
                )

            host.work.start(work, "Exporting", self._export_done)

        targets = split_paths(options.path, options.fmt) if options.split is not None else (options.path,)
        existing = [str(t) for t in targets if Path(t).exists()]
        if existing:
            if not host.dialogs.confirm("Replace?", "Already there:\n" + "\n".join(existing) + "\nReplace?"):
                return
        try:
            run(overwrite=bool(existing))
        except OverwriteError as exc:  # pragma: no cover - the check above comes first
            host.dialogs.error("Export", str(exc))

    def _export_done(self, report: object) -> None:
        from annotator.services.exporting import ExportReport

        host = self.host
        host.work.end()
        assert isinstance(report, ExportReport)
        self.last_export = report
        lines = report.lines(limit=30)
        host.statusBar().showMessage(lines[-1] if lines else "Exported", 8000)
        folder = report.files[0].parent if report.files else None
        message = "\n".join(lines) + "\n\nOpen the folder?"
        if folder is not None and host.dialogs.confirm("Export finished", message):
            host.dialogs.open_folder(folder)
