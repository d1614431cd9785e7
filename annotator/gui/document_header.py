"""The open document's header: its title, outlet, date, language and file, its status, and the
inline form that edits its details (Ctrl+I; Enter saves, Esc cancels).

Each edit is a service command run through the window (``DocumentHost.run_command``), so it is
on the undo stack and saved at once; a date or language that is not one is refused in the form.
"""

from __future__ import annotations

from datetime import date as _date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import DocumentMeta, Status
from annotator.gui.article_drop import document_provenance
from annotator.gui.plain import plain_tip

if TYPE_CHECKING:
    from annotator.gui.window_protocols import DocumentHost


class MetaForm(QFrame):
    """Inline form for the document's details; Enter saves, Esc cancels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metaForm")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(self)
        self.fields: dict[str, QLineEdit] = {}
        for name, label, hint in (
            ("title", "Title", ""),
            ("source", "Outlet", "e.g. Asharq Al-Awsat"),
            ("author", "Author", ""),
            ("date", "Date", "YYYY-MM-DD"),
            ("lang", "Language", "ISO 639-1, e.g. en"),
            ("url", "URL", "https://…"),
        ):
            edit = QLineEdit()
            edit.setObjectName(f"meta_{name}")
            edit.setPlaceholderText(hint)
            self.fields[name] = edit
            form.addRow(label, edit)
        self.error = QLabel()
        self.error.setStyleSheet("color: #D55E00")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addWidget(self.buttons)
        form.addRow(row)

    def load(self, meta: DocumentMeta) -> None:
        for name, edit in self.fields.items():
            edit.setText(getattr(meta, name))
        self.error.clear()

    def read(self, base: DocumentMeta) -> DocumentMeta | str:
        values = {name: edit.text().strip() for name, edit in self.fields.items()}
        if values["date"]:
            try:
                _date.fromisoformat(values["date"])
            except ValueError:
                return f"date {values['date']!r} is not a date of the form YYYY-MM-DD"
        if values["lang"] and not (values["lang"].isalpha() and 2 <= len(values["lang"]) <= 3):
            return "language must be a 2- or 3-letter code such as en or fr"
        return base.with_(**values)


class DocumentHeader(QFrame):
    """Title and details of the open document, its status, and the details form below it."""

    def __init__(self, host: DocumentHost) -> None:
        super().__init__()
        self.host = host
        self.meta = DocumentMeta()
        self.status = Status.TODO
        self.setObjectName("docHeader")
        header_layout = QHBoxLayout(self)
        header_layout.setContentsMargins(14, 8, 10, 6)
        texts = QVBoxLayout()
        self.title_label = QLabel("No document open")
        self.title_label.setObjectName("docTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.meta_label = QLabel("")
        self.meta_label.setObjectName("docMeta")
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        texts.addWidget(self.title_label)
        texts.addWidget(self.meta_label)
        header_layout.addLayout(texts, 1)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        for status in Status:
            self.status_combo.addItem(status.title, status.value)
        self.status_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.status_combo.activated.connect(self._status_chosen)
        header_layout.addWidget(self.status_combo)
        self.details_button = QToolButton()
        self.details_button.setText("Details…")
        self.details_button.setToolTip("Edit title, outlet, date, language, URL (Ctrl+I)")
        self.details_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.details_button.clicked.connect(self.toggle_meta_form)
        header_layout.addWidget(self.details_button)

        self.meta_form = MetaForm()
        self.meta_form.hide()
        self.meta_form.buttons.accepted.connect(self.save_meta_form)
        self.meta_form.buttons.rejected.connect(self.close_meta_form)
        for edit in self.meta_form.fields.values():
            edit.returnPressed.connect(self.save_meta_form)
        cancel = QAction(self.meta_form)
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        cancel.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        cancel.triggered.connect(self.close_meta_form)
        self.meta_form.addAction(cancel)

    def show_meta(self, meta: DocumentMeta, status: Status, rtl: bool | None = None) -> None:
        """Show a document's details and status (``rtl``: align the title to the right)."""
        self.meta = meta
        self.status = status
        if rtl is not None:
            side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
            flags = side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter
            self.title_label.setAlignment(flags)
        self.title_label.setText(meta.title or meta.filename or "Untitled")
        parts = [meta.source or "outlet unknown", meta.date or "no date", (meta.lang or "?").upper()]
        if meta.author:
            parts.insert(1, f"by {meta.author}")
        if meta.filename:
            parts.append(meta.filename)
        self.meta_label.setText(" · ".join(parts))
        self.meta_label.setToolTip(plain_tip(document_provenance(meta)))
        self.status_combo.setCurrentIndex(list(Status).index(status))

    # -- status ---------------------------------------------------------------------------------

    def set_status(self, status: Status) -> None:
        doc_id = self.host.doc_id
        if doc_id is None or status == self.status:
            return
        self.host.run_command(self.host.session.set_status(doc_id, status, expected=self.status))

    def _status_chosen(self, index: int) -> None:
        self.set_status(Status(self.status_combo.itemData(index)))

    # -- details --------------------------------------------------------------------------------

    def toggle_meta_form(self) -> None:
        if self.meta_form.isVisible():
            self.close_meta_form()
            return
        if self.host.doc_id is None:
            return
        self.meta_form.load(self.meta)
        self.meta_form.show()
        self.meta_form.fields["title"].setFocus()
        self.meta_form.fields["title"].selectAll()

    def close_meta_form(self) -> None:
        self.meta_form.hide()
        self.host.pane.setFocus()

    def save_meta_form(self) -> None:
        doc_id = self.host.doc_id
        if doc_id is None:
            return
        result = self.meta_form.read(self.meta)
        if isinstance(result, str):
            self.meta_form.error.setText(result)
            return
        if result != self.meta:
            self.host.run_command(self.host.session.set_meta(doc_id, result, expected=self.meta))
        self.close_meta_form()
