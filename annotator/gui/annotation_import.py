"""File > Import annotations…: colleagues' annotation files become their annotation sets.

For each file chosen, in turn: a background worker reads it to learn which annotator its records
name; the window asks (through the dialog seam) under which name to import it, that name by
default; a second worker runs ``services.annotations_import.import_annotations``, which validates
the whole file first and stores it in one transaction. Nothing is read or stored on the GUI thread.
At the end one message reports, per file, what was imported, what replaced an earlier import and
which near copies were refused, or lists a bad file's errors as ``file:line: reason``.

Cancel takes effect between files: a file is imported whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import AnnotatorError, InputErrors
from annotator.core.tasks import Cancelled, TaskState
from annotator.gui.wording import count

if TYPE_CHECKING:
    from annotator.gui.window_protocols import AnnotationImportHost
    from annotator.services.annotations_import import AnnotationImportReport

FILTERS = "Annotation files (*.jsonl *.json *.spacy *.ann);;JSON lines (*.jsonl);;All files (*)"


def names_in(path: Path, state: TaskState) -> list[str]:
    """The annotator names the file's records give (read off the GUI thread)."""
    from annotator.formats.registry import read_annotations

    state.check()
    state.progress(0, 1, f"reading {path.name}")
    result = read_annotations(path)
    return sorted({r.annotator.strip() for r in result.records if r.annotator and r.annotator.strip()})


def summary_lines(report: AnnotationImportReport) -> list[str]:
    """The headline of one file's import, then the service's own report lines."""
    name = Path(report.file).name
    who = ", ".join(report.annotators) or "nobody"
    head = (
        f"{name} as {who}: {report.imported} imported, {count(report.spans_replaced, 'earlier span')} "
        f"replaced, {count(len(report.near_misses), 'near copy')} refused"
    )
    return [head, *(f"  {line}" for line in report.lines())]


class AnnotationImport:
    """One run of File > Import annotations… over one or more files."""

    def __init__(self, window: AnnotationImportHost, paths: list[Path]) -> None:
        self.window = window
        self.queue = list(paths)
        self.reports: list[AnnotationImportReport] = []
        self.failures: list[str] = []  # one block of text per file not imported
        self.skipped: list[str] = []
        self.cancelled = False
        self.finished = False
        self._path: Path | None = None
        self._as_name: str | None = None
        self._allow_new = False

    def start(self) -> None:
        self._next()

    def _next(self) -> None:
        if not self.queue or self.cancelled:
            self._finish()
            return
        path = self.queue.pop(0)
        self._path = path
        self.window.work.start(
            lambda state: names_in(path, state), f"Reading {path.name}", self._ask, self._failed
        )

    def _ask(self, names: object) -> None:
        path = self._path
        assert path is not None and isinstance(names, list)
        if self._was_cancelled():
            return
        if len(names) == 1:
            default, label = names[0], f"{path.name}: import its spans as the annotation set of:"
        elif not names:
            default = path.stem
            label = f"{path.name} names no annotator. Import its spans as the annotation set of:"
        else:
            default = ""
            label = (
                f"{path.name} holds the sets of {', '.join(names)}. Leave empty to keep each "
                "record's own name, or give one name for all:"
            )
        answer = self.window.dialogs.ask_text("Import annotations", label, default)
        if answer is None:
            self.skipped.append(path.name)
            self._next()
            return
        self._as_name = answer.strip() or None
        self._allow_new = False
        self._import(path)

    def _import(self, path: Path) -> None:
        from annotator.services.annotations_import import KnownLabels, import_annotations

        store = self.window.store
        as_name = self._as_name
        # The same rule as the command line: entity labels from the window's label set, the
        # analysis layers from its schema; new labels only when the analyst agreed to them.
        known = KnownLabels.of(self.window.labels, self.window.schema, allow_new=self._allow_new)

        def work(state: TaskState) -> object:
            state.check()
            state.progress(0, 1, f"importing {path.name}")
            report = import_annotations(store, path, as_name, known_labels=known)
            state.progress(1, 1, f"imported {path.name}")
            return report

        self.window.work.start(work, f"Importing {path.name}", self._imported, self._failed)

    def _imported(self, report: object) -> None:
        from annotator.services.annotations_import import AnnotationImportReport

        assert isinstance(report, AnnotationImportReport)
        self.reports.append(report)
        self.window.refresh_documents()
        if self._was_cancelled():
            return
        self._next()

    def _was_cancelled(self) -> bool:
        worker = self.window.work.worker
        if worker is not None and worker.cancelled:
            self.cancelled = True
            self._finish()
            return True
        return False

    def _failed(self, exc: object, tb: str) -> None:
        path = self._path
        if isinstance(exc, Cancelled):
            self.cancelled = True
            self._finish()
            return
        if (
            isinstance(exc, InputErrors)
            and path is not None
            and not self._allow_new
            and all("unknown" in e.reason and "label" in e.reason for e in exc.errors)
        ):
            question = (
                f"{path.name} uses labels this project does not have:\n{exc.message}\n\n"
                "Import them anyway, as new labels?"
            )
            if self.window.dialogs.confirm("New labels", question):
                self._allow_new = True
                self._import(path)
                return
        if isinstance(exc, InputErrors):
            self.failures.append(f"{path}: nothing imported\n{exc.message}")
        elif isinstance(exc, AnnotatorError):
            self.failures.append(f"{path}: nothing imported\n{exc}")
        else:
            self.failures.append(f"{path}: unexpected error\n{exc}\n\n{tb}")
        self._next()

    def _finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        self.window.work.end()
        self.window.refresh_documents()
        if self.window.doc_id is None and self.window.doc_model.rowCount():
            self.window.select_document(self.window.doc_model.summary(0).id)
        blocks = ["\n".join(summary_lines(r)) for r in self.reports]
        if self.skipped:
            blocks.append("skipped: " + ", ".join(self.skipped))
        if self.queue:
            blocks.append("not started (cancelled): " + ", ".join(p.name for p in self.queue))
        message = "\n\n".join([*self.failures, *blocks]) or "Nothing was imported."
        imported = sum(r.imported for r in self.reports)
        self.window.statusBar().showMessage(
            f"Annotations: {count(imported, 'record')} imported from {count(len(self.reports), 'file')}"
            + (f", {count(len(self.failures), 'file')} refused" if self.failures else ""),
            8000,
        )
        if self.failures:
            self.window.dialogs.error(
                f"{len(self.failures)} of "
                f"{count(len(self.failures) + len(self.reports), 'file')} not imported",
                message,
            )
        else:
            self.window.dialogs.info("Annotations imported", message)
