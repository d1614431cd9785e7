"""The agreement figures of review mode and the report dialog.

The figures are computed once, off the GUI thread, with ``services.review.review_database``
(``AgreementFigures``); the bar shows the headline ones (``figures_text``) and Report… opens the
full text report (``render_text``), each layer's figures per pair (entities, actor links, events
field by field, framing field by field, evidence passages), one label-confusion heatmap per pair of
annotators (entity labels only) and, with more than two, the pairwise matrix; and the documents
with the most disagreement first, a double click (or Enter) away from review.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt
from PySide6.QtGui import QColor, QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import OUTSIDE, AgreementReport
from annotator.core.labels import LabelSet
from annotator.core.tasks import TaskState
from annotator.gui.plain import plain_tip
from annotator.gui.theme import blend, ink
from annotator.gui.workers import Worker
from annotator.services.review import render_text, review_database


def fmt_figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def headline_figures(report: AgreementReport) -> dict[str, float | None]:
    """The bar's figures: the pair's with two annotators, the mean over pairs with more."""

    def mean(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    pairs = report.pairs
    return {
        "strict": mean([p.strict.overall.f1 for p in pairs]),
        "partial": mean([p.partial.overall.f1 for p in pairs]),
        "kappa": mean([p.kappa.kappa for p in pairs]),
        "alpha": report.alpha_tokens,
    }


def figures_text(report: AgreementReport) -> str:
    f = headline_figures(report)
    mean = f" (mean of {len(report.pairs)} pairs)" if len(report.pairs) > 1 else ""
    return (
        f"strict F1 {fmt_figure(f['strict'])} · partial F1 {fmt_figure(f['partial'])} · "
        f"Cohen's κ {fmt_figure(f['kappa'])}{mean} · Krippendorff's α {fmt_figure(f['alpha'])}"
    )


DIAGONAL = QColor("#0072B2")  # Okabe-Ito blue: agreement
OFF_DIAGONAL = QColor("#D55E00")  # Okabe-Ito vermillion: confusion


def heat(color: QColor, share: float, base: QColor) -> QColor:
    return blend(color, base, 0.08 + 0.85 * max(0.0, min(1.0, share)))



def _sized(table: QTableWidget) -> QTableWidget:
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    horizontal, vertical = table.horizontalHeader(), table.verticalHeader()
    horizontal.setMinimumSectionSize(72)
    horizontal.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    vertical.setMinimumSectionSize(34)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    font = table.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    table.setFont(font)
    return table


def confusion_table(labels: list[str], matrix: list[list[int]], a: str, b: str) -> QTableWidget:
    """Rows A's labels, columns B's; agreement in blue on the diagonal (bold), confusion in
    vermillion off it, darker for larger counts."""
    table = QTableWidget(len(labels), len(labels))
    table.setObjectName(f"confusion_{a}_{b}")
    headers = [("no span" if x == OUTSIDE else x) for x in labels]
    table.setHorizontalHeaderLabels(headers)
    table.setVerticalHeaderLabels(headers)
    top = max((c for row in matrix for c in row), default=0) or 1
    base = table.palette().color(QPalette.ColorRole.Base)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            item = QTableWidgetItem(str(count) if count else "·")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            fill = heat(DIAGONAL if i == j else OFF_DIAGONAL, count / top, base) if count else base
            item.setBackground(fill)
            item.setForeground(ink(fill))
            if i == j:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            plural = "s" if count != 1 else ""
            item.setToolTip(plain_tip(f"{a}: {headers[i]}, {b}: {headers[j]} — {count} span{plural}"))
            table.setItem(i, j, item)
    return _sized(table)


def pairwise_table(report: AgreementReport) -> QTableWidget:
    """Every pair's strict F1 / partial F1 / kappa; cells shaded by strict F1."""
    names = report.annotators
    strict, partial, kappa = (report.matrix(f) for f in ("strict_f1", "partial_f1", "cohen_kappa"))
    table = QTableWidget(len(names), len(names))
    table.setObjectName("pairwiseMatrix")
    table.setHorizontalHeaderLabels(names)
    table.setVerticalHeaderLabels(names)
    base = table.palette().color(QPalette.ColorRole.Base)
    for i in range(len(names)):
        for j in range(len(names)):
            if i == j:
                item = QTableWidgetItem("—")
                fill = base
            else:
                item = QTableWidgetItem(
                    f"strict {fmt_figure(strict[i][j])}\npartial {fmt_figure(partial[i][j])}\n"
                    f"κ {fmt_figure(kappa[i][j])}"
                )
                value = strict[i][j]
                fill = heat(DIAGONAL, value, base) if value is not None else base
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setBackground(fill)
            item.setForeground(ink(fill))
            table.setItem(i, j, item)
    return _sized(table)


def layer_rows(report: AgreementReport) -> list[tuple[str, list[float | None]]]:
    """Each layer's figures, one row per figure, one value per pair (in report order)."""
    pairs = [p.to_json()["layers"] for p in report.pairs]

    def get(path: tuple[str, ...]) -> list[float | None]:
        out: list[float | None] = []
        for layers in pairs:
            value: Any = layers
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            out.append(value if isinstance(value, float | int) else None)
        return out

    rows: list[tuple[str, list[float | None]]] = [
        ("Entities: strict F1", get(("entities", "strict", "f1"))),
        ("Entities: partial F1", get(("entities", "partial", "f1"))),
        ("Entities: Cohen's κ (tokens)", get(("entities", "cohen_kappa"))),
        ("Actor links: same actor", get(("actor_links", "agreement"))),
        ("Events: trigger F1", get(("events", "trigger", "f1"))),
    ]
    for name in ("category", "mode", "context", "cameo", "factuality", "date"):
        rows.append((f"Events: {name} κ", get(("events", name, "cohen_kappa"))))
    roles = sorted({r for layers in pairs for r in ((layers["events"] or {}).get("arguments") or {})})
    for role in roles:
        rows.append((f"Events: role {role}, same", get(("events", "arguments", role, "agreement"))))
    for name in ("primary", "headline", "tone", "tone_target"):
        rows.append((f"Framing: {name}, same", get(("framing", name, "observed_agreement"))))
    rows.append(("Framing: actor roles, same", get(("framing", "actor_roles", "observed_agreement"))))
    for layer in ("frame", "persuasion"):
        rows.append((f"Evidence ({layer}): strict F1", get(("evidence", layer, "strict", "overall", "f1"))))
    return rows


def layers_table(report: AgreementReport) -> QTableWidget:
    """Rows: each layer's figures; columns: the pairs of annotators. Cells shaded by the value."""
    rows = layer_rows(report)
    table = QTableWidget(len(rows), len(report.pairs))
    table.setObjectName("layersTable")
    table.setHorizontalHeaderLabels([f"{p.a} × {p.b}" for p in report.pairs])
    table.setVerticalHeaderLabels([name for name, _ in rows])
    base = table.palette().color(QPalette.ColorRole.Base)
    for i, (_name, values) in enumerate(rows):
        for j, value in enumerate(values):
            item = QTableWidgetItem(fmt_figure(value))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            fill = heat(DIAGONAL, max(0.0, value), base) if value is not None else base
            item.setBackground(fill)
            item.setForeground(ink(fill))
            table.setItem(i, j, item)
    return _sized(table)


def disagreement_list(report: AgreementReport) -> QListWidget:
    """The compared documents where anyone disagrees, the most first; each item's data is the
    document's key (its text's SHA-256)."""
    listing = QListWidget()
    listing.setObjectName("disagreementList")
    for d in report.disagreement:
        title = d.title or d.key[:12]
        item = QListWidgetItem(
            f"{d.total:>4}   {title}   (spans {d.spans} · events {d.events} · framing {d.framing})"
        )
        item.setData(Qt.ItemDataRole.UserRole, d.key)
        listing.addItem(item)
    return listing


def captioned(caption: str, table: QWidget) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    label = QLabel(caption)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    layout.addWidget(label)
    layout.addWidget(table, 1)
    return page


class ReportDialog(QDialog):
    """The agreement report as text (``render_text``), the confusion heatmaps, the pairwise matrix."""

    def __init__(
        self,
        report: AgreementReport,
        labels: LabelSet,
        parent: QWidget | None = None,
        open_document: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewReportDialog")
        self.setWindowTitle("Agreement report")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.text = QPlainTextEdit()
        self.text.setObjectName("reportText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(render_text(report))
        self.tabs.addTab(self.text, "Report")
        self.layers = layers_table(report)
        caption = (
            "Each layer on its own terms, per pair of annotators: entity spans (entity labels only), "
            "actor links, events (trigger, then each field and role), framing (each choice), evidence "
            "passages. κ: Cohen's kappa; “same”: share of compared items coded alike."
        )
        self.tabs.addTab(captioned(caption, self.layers), "Layers")
        self.documents = disagreement_list(report)
        if open_document is not None:
            def activated(item: QListWidgetItem) -> None:
                open_document(str(item.data(Qt.ItemDataRole.UserRole)))

            self.documents.itemActivated.connect(activated)
        caption = (
            "The documents with the most disagreement first: entity spans without a partner, event "
            "and framing differences. Double-click (or Enter) to review one."
        )
        self.tabs.addTab(captioned(caption, self.documents), "Documents")
        self.confusions: list[QTableWidget] = []
        for pair in report.pairs:
            table = confusion_table(pair.confusion.labels, pair.confusion.matrix(), pair.a, pair.b)
            self.confusions.append(table)
            caption = (
                f"Label confusion: rows {pair.a}, columns {pair.b}. Bold blue: the same label; "
                "vermillion: different labels, or a span the other has not (“no span”); darker: "
                "more spans."
            )
            self.tabs.addTab(captioned(caption, table), f"Confusion {pair.a} × {pair.b}")
        self.pairwise: QTableWidget | None = None
        if len(report.annotators) > 2:
            self.pairwise = pairwise_table(report)
            caption = "Every pair of annotators: strict F1, partial F1, Cohen's κ; darker: higher strict F1."
            self.tabs.addTab(captioned(caption, self.pairwise), "Pairwise")
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 620)


# -- computing the figures ---------------------------------------------------------------------


def compute_figures(
    db: Path | str,
    names: list[str],
    parent: QObject,
    done: Callable[[object], None],
    failed: Callable[[object, str], None],
) -> Worker:
    """Start computing the agreement report of the compared sets, off the GUI thread."""

    def work(_state: TaskState) -> object:
        return review_database(db, names)

    worker = Worker(work, parent)
    worker.finished.connect(done)
    worker.failed.connect(failed)
    worker.start()
    return worker


def wait_for(worker: Worker | None, seconds: float = 60) -> None:
    """Let the figures' thread finish (events still delivered) before its owner goes away."""
    deadline = time.monotonic() + seconds
    while worker is not None and worker.running and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
