"""The window's status bar: where the data lives, who annotates, which spaCy pipelines are used,
whether all is saved, and the progress of the background job.

It also loads the pipeline of the corpus's main language in the background once the window is
up: a model is never loaded on the GUI thread, so the window opens at once and the first import
does not wait for the model (other languages load when an import needs them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from annotator.core.tasks import TaskState
from annotator.gui.background_work import BackgroundWork
from annotator.gui.workers import Worker
from annotator.nlp.pipelines import PipelineRegistry


class WindowStatus:
    """The status bar's labels, and the start-up model loader."""

    def __init__(
        self,
        owner: QObject,
        bar: QStatusBar,
        where: str,
        who: str,
        registry: PipelineRegistry | None,
        work: BackgroundWork,
    ) -> None:
        self.owner = owner
        self.registry = registry
        self.db_label = QLabel(f"db: {where}")
        self.annotator_label = QLabel(f"annotator: {who}")
        self.label = QLabel("model: —")
        self.saved_label = QLabel("saved ✓")
        self.saved_label.setObjectName("savedState")
        self.note = ""
        self.loader: Worker | None = None  # spaCy loading in the background at start-up
        for w in (self.db_label, self.annotator_label, self.label):
            bar.addWidget(w)
        bar.addPermanentWidget(work.progress)
        bar.addPermanentWidget(work.cancel_button)
        bar.addPermanentWidget(self.saved_label)
        self.update()

    def update(self) -> None:
        if self.registry is None:
            self.label.setText("model: off (no pre-annotation)")
            return
        langs = sorted({"en", "fr", *self.registry.overrides})
        names = []
        for lang in langs:
            found = self.registry.available(lang)
            names.append(f"{lang}: {found}" if found else f"{lang}: none installed (no suggestions)")
        note = f" · {self.note}" if self.note else ""
        self.label.setText("model: " + ", ".join(names) + note)

    def show_import(self, models: Mapping[str, str], notices: list[str]) -> None:
        """The pipelines an import used, and what it had to say about them."""
        if models:
            self.label.setText("model: " + ", ".join(f"{k}: {v}" for k, v in sorted(models.items())))
        if notices:
            self.note = "; ".join(notices)
            self.label.setText(self.label.text() + " · " + self.note)

    def preload(self, languages: Iterable[str]) -> None:
        """Load spaCy and the pipeline of the most common of ``languages`` on a worker thread."""
        if self.registry is None or self.loader is not None:
            return
        registry = self.registry
        ranked = [lang for lang, _n in Counter(languages).most_common() if registry.candidates(lang)]
        lang = ranked[0] if ranked else "en"

        def work(_state: TaskState) -> object:
            return registry.load(lang)

        self.loader = Worker(work, self.owner)
        self.loader.failed.connect(lambda _exc, _tb: None)  # an import reports it later
        self.loader.start()

    def loading(self) -> bool:
        """Whether the start-up loading of a model is still running."""
        return self.loader is not None and self.loader.running

    def wait(self) -> None:
        if self.loading():
            assert self.loader is not None
            self.loader.wait(60000)  # a model load cannot be interrupted; it is short
