"""The framing panel: how the open document frames its story, and the passages that show it.

Document level (one assessment per analyst, saved with Enter as one undoable change): the frame
dimensions present (tick with Space; typing jumps to a dimension by its first letters), the primary
frame (offered among those ticked), the headline's frame, the tone on five points (optionally
towards one actor), and the role the main actors play (protagonist, antagonist, innocent). Problems
the codebook's rules find are shown in place, and nothing with an error is stored.

An unsaved form is kept per document: open another document and come back, and the draft is
there, still unsaved, until Enter saves it or Esc reverts it.

A trained model's frames (``show_suggestion``) are pre-ticked with their scores on a document the
analyst has not framed: an unsaved form like any other, the analyst's own only once Enter saves it.
The saved framing records the model it was confirmed from (``FrameAssessment.suggested_by``), and
the form says so above the frames ("suggested by MODEL, confirmed"; ", then edited" once the
frames differ from the model's, see ``core/framing.py``).

Span level: evidence, a passage tagged with a frame dimension or a persuasion technique. Select
the passage in the reading pane and press Shift+F; choose the dimension or technique; Enter tags.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from annotator.core.actors import Actor
from annotator.core.errors import AnnotatorError
from annotator.core.framing import FRAME_LAYER, ActorRole, FrameAssessment, origin_text
from annotator.core.problems import ValidationError
from annotator.gui.form_style import hint_label, problem_style
from annotator.gui.plain import plain_tip
from annotator.services.annotate import Command
from annotator.services.framing import FramingCommands
from annotator.services.layer_suggestions import FrameSuggestion

ID_ROLE = Qt.ItemDataRole.UserRole


def frame_row_height(view: QListWidget) -> int:
    """A comfortable row: the taller of the text and the check box, with padding round it."""
    style = view.style()
    indicator = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorHeight, None, view)
    return max(view.fontMetrics().height(), indicator) + 10


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FramePanel(QWidget):
    """The framing form and the evidence passages of the open document."""

    done = Signal()  # give the focus back to the reading pane

    def __init__(
        self, commands: FramingCommands, run: Callable[[Command], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("framePanel")
        self.commands = commands
        self.schema = commands.schema
        self.run = run
        self.doc_id = 0
        self.text = ""
        self.stored = FrameAssessment()
        self.actors_here: list[tuple[Actor, int]] = []
        self.all_actors: list[Actor] = []
        self.role_combos: dict[int, QComboBox] = {}
        self.passage: tuple[int, int] | None = None
        self.evidence_ranges: list[tuple[int, int]] = []  # the passages listed
        self.drafts: dict[int, FrameAssessment] = {}  # unsaved forms of documents left, by id
        self.draft_suggestions: dict[int, FrameSuggestion] = {}  # the suggestion a draft shows
        self._loading = False
        self.dim_names = {d.id: d.name for d in self.schema.dimensions}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        hint = hint_label(
            "F: this form · Space ticks a frame · Tab moves on · Enter saves · Esc back to the text"
        )
        outer.addWidget(hint)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("frameScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.doc_box = QGroupBox("Framing of the document")
        self.doc_box.setObjectName("frameForm")
        doc_layout = QVBoxLayout(self.doc_box)
        doc_layout.addWidget(QLabel("Frames present"))
        self.frames = QListWidget()
        self.frames.setObjectName("frameList")
        # The panel's font (not a smaller item font), and rows tall enough for the check box
        # with room round it: the default rows are as tall as the text, and clip the box.
        self.frames.setFont(self.font())
        row_height = frame_row_height(self.frames)
        for dim in self.schema.dimensions:
            item = QListWidgetItem(dim.name)
            item.setData(ID_ROLE, dim.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(plain_tip(dim.description))
            item.setSizeHint(QSize(0, row_height))
            self.frames.addItem(item)
        frame = 2 * self.frames.frameWidth()
        self.frames.setMinimumHeight(row_height * min(self.frames.count(), 15) + frame + 2)
        self.frames.itemChanged.connect(self._frames_ticked)
        doc_layout.addWidget(self.frames)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.primary = QComboBox()
        self.primary.setObjectName("framePrimary")
        self.primary.setToolTip("The main frame of the document: one of the frames ticked")
        self.primary.currentIndexChanged.connect(self._touched)
        form.addRow("Primary frame", self.primary)
        self.headline = QComboBox()
        self.headline.setObjectName("frameHeadline")
        self.headline.addItem("—", "")
        for dim in self.schema.dimensions:
            self.headline.addItem(dim.name, dim.id)
        self.headline.currentIndexChanged.connect(self._touched)
        form.addRow("Headline frame", self.headline)
        self.tone = QComboBox()
        self.tone.setObjectName("frameTone")
        self.tone.addItem("—", "")
        for tone in self.schema.tone:
            self.tone.addItem(f"{tone.name} ({tone.value:+d})" if tone.value else tone.name, tone.id)
        self.tone.currentIndexChanged.connect(self._touched)
        form.addRow("Tone", self.tone)
        self.target = QComboBox()
        self.target.setObjectName("frameToneTarget")
        self.target.setToolTip("The tone is towards the story as a whole, or towards one actor")
        self.target.currentIndexChanged.connect(self._touched)
        form.addRow("Tone towards", self.target)
        doc_layout.addLayout(form)
        # Long dimension names do not widen the form past the dock: the combo boxes elide them.
        for combo in (self.primary, self.headline, self.tone, self.target):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.roles_box = QGroupBox("Roles of the main actors")
        self.roles_box.setObjectName("frameRoles")
        self.roles_form = QFormLayout(self.roles_box)
        doc_layout.addWidget(self.roles_box)
        self.error = QLabel("")
        self.error.setObjectName("frameProblems")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(problem_style(True, self))
        self.error.hide()
        buttons = QHBoxLayout()
        self.state = QLabel("")
        self.state.setObjectName("frameState")
        buttons.addWidget(self.state, 1)
        self.save_button = QPushButton("Save (Enter)")
        self.save_button.setObjectName("frameSave")
        self.revert_button = QPushButton("Revert (Esc)")
        self.clear_button = QPushButton("Clear (Ctrl+Del)")
        for button, slot in (
            (self.save_button, self.save),
            (self.revert_button, self.revert),
            (self.clear_button, self.clear),
        ):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(button)
        self.suggestion_label = QLabel("")
        self.suggestion_label.setObjectName("frameSuggestion")
        self.suggestion_label.setWordWrap(True)
        self.suggestion_label.setTextFormat(Qt.TextFormat.PlainText)
        self.suggestion_label.hide()
        self.suggested: FrameSuggestion | None = None
        doc_layout.insertWidget(1, self.suggestion_label)
        self.origin_label = QLabel("")
        self.origin_label.setObjectName("frameOrigin")
        self.origin_label.setWordWrap(True)
        self.origin_label.setTextFormat(Qt.TextFormat.PlainText)
        self.origin_label.setToolTip("Where this framing came from; it is yours either way")
        self.origin_label.hide()
        doc_layout.insertWidget(2, self.origin_label)  # above the frames, under their title
        layout.addWidget(self.doc_box)

        # A short title (the long one set the dock's least width, clipping the form's lines).
        self.evidence_box = QGroupBox("Evidence passages")
        self.evidence_box.setObjectName("frameEvidence")
        self.evidence_box.setToolTip("Passages tagged with a frame or a persuasion technique")
        ev_layout = QVBoxLayout(self.evidence_box)
        self.evidence = QListWidget()
        self.evidence.setObjectName("evidenceList")
        self.evidence.setWordWrap(True)
        self.evidence.setMaximumHeight(130)
        self.evidence.setToolTip("Delete removes the selected passage")
        ev_layout.addWidget(self.evidence)
        self.passage_label = QLabel("Select a passage in the text and press Shift+F.")
        self.passage_label.setObjectName("evidencePassage")
        self.passage_label.setWordWrap(True)
        self.passage_label.setTextFormat(Qt.TextFormat.PlainText)
        ev_layout.addWidget(self.passage_label)
        tag_row = QHBoxLayout()
        self.evidence_label = QComboBox()
        self.evidence_label.setObjectName("evidenceLabel")
        for dim in self.schema.dimensions:
            self.evidence_label.addItem(f"{dim.name} (frame)", dim.id)
        self.evidence_label.insertSeparator(self.evidence_label.count())
        for technique in self.schema.techniques:
            self.evidence_label.addItem(technique.id.replace("_", " "), technique.id)
        self.evidence_label.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.evidence_label.setMinimumContentsLength(12)
        tag_row.addWidget(self.evidence_label, 1)
        self.tag_button = QPushButton("Tag passage (Enter)")
        self.tag_button.setObjectName("evidenceTag")
        self.tag_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.tag_button.clicked.connect(self.tag_passage)
        tag_row.addWidget(self.tag_button)
        ev_layout.addLayout(tag_row)
        self.evidence_error = QLabel("")
        self.evidence_error.setStyleSheet(problem_style(True, self))
        self.evidence_error.setWordWrap(True)
        self.evidence_error.hide()
        ev_layout.addWidget(self.evidence_error)
        layout.addWidget(self.evidence_box)
        layout.addStretch(1)
        # Problems and the buttons stay in view below the scrolling form.
        outer.addWidget(self.error)
        outer.addLayout(buttons)

        clear = QAction("Clear framing", self)
        clear.setShortcut(QKeySequence("Ctrl+Del"))
        clear.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        clear.triggered.connect(self.clear)
        self.addAction(clear)
        self._set_passage(None)

    # -- content ------------------------------------------------------------------------------------

    def set_document(
        self, doc_id: int | None, text: str, actors_here: list[tuple[Actor, int]], all_actors: list[Actor]
    ) -> None:
        """Show another document's framing. An unsaved draft of the document left is kept, and
        comes back (still unsaved) when that document is opened again."""
        leaving = self.doc_id
        if leaving and leaving != (doc_id or 0):
            self.draft_suggestions.pop(leaving, None)
            if self.dirty():
                self.drafts[leaving] = self.value()
                if self.suggested is not None:
                    self.draft_suggestions[leaving] = self.suggested
            else:
                self.drafts.pop(leaving, None)
        self.doc_id = doc_id or 0
        self.text = text
        self._set_passage(None)
        self.evidence.clear()
        self.evidence_ranges = []
        self.actors_here = actors_here
        self.all_actors = all_actors
        self.refresh(evidence=False)
        draft = self.drafts.get(self.doc_id)
        if draft is not None:
            self.load(draft)
            suggestion = self.draft_suggestions.get(self.doc_id)
            if suggestion is not None:
                self._show_scores(suggestion)
        # The evidence list reads all the analyst's spans: after the document's first paint.
        doc = self.doc_id
        QTimer.singleShot(0, lambda: self.refresh_evidence() if self.doc_id == doc else None)

    def set_actors(
        self, actors_here: list[tuple[Actor, int]], all_actors: list[Actor], evidence: bool = True
    ) -> None:
        """The actors mentioned in the document (with counts) and the registry; reloads the form,
        keeping what the analyst has changed and not yet saved."""
        draft = self.value() if self.doc_id and self.dirty() else None
        self.actors_here = actors_here
        self.all_actors = all_actors
        self.refresh(evidence)
        if draft is not None:
            self.load(draft)

    def refresh(self, evidence: bool = True) -> None:
        """Read the stored assessment (and the evidence) again: after a save, an undo, a new
        document."""
        self.stored = self.commands.assessment(self.doc_id) if self.doc_id else FrameAssessment()
        origin = origin_text(self.stored)
        self.origin_label.setText(origin[:1].upper() + origin[1:])
        self.origin_label.setVisible(bool(origin))
        self.load(self.stored)
        if evidence:
            self.refresh_evidence()

    def load(self, assessment: FrameAssessment) -> None:
        if assessment is self.stored:  # a refresh, a revert: no suggestion stays on show
            self._drop_suggestion()
        self._loading = True
        ticked = set(assessment.frames)
        for row in range(self.frames.count()):
            item = self.frames.item(row)
            item.setCheckState(
                Qt.CheckState.Checked if item.data(ID_ROLE) in ticked else Qt.CheckState.Unchecked
            )
        self._fill_primary(assessment.primary)
        self._select(self.headline, assessment.headline)
        self._select(self.tone, assessment.tone)
        self._fill_targets(assessment.tone_target)
        self._fill_roles(assessment)
        self.error.hide()
        self._loading = False
        self._touched()

    def _fill_primary(self, keep: str) -> None:
        loading, self._loading = self._loading, True
        self.primary.clear()
        self.primary.addItem("—", "")
        for dim_id in self.ticked():
            self.primary.addItem(self.dim_names.get(dim_id, dim_id), dim_id)
        self._select(self.primary, keep if keep in self.ticked() else "")
        self._loading = loading

    def _fill_targets(self, keep: int | None) -> None:
        self.target.clear()
        self.target.addItem("the story as a whole", None)
        here = {int(a.id) for a, _n in self.actors_here}  # type: ignore[arg-type]
        for actor, count in self.actors_here:
            self.target.addItem(f"{actor.name} ({count})", actor.id)
        others = [a for a in self.all_actors if a.id not in here]
        if others:
            self.target.insertSeparator(self.target.count())
            for actor in others:
                self.target.addItem(actor.name, actor.id)
        index = self.target.findData(keep) if keep is not None else 0
        self.target.setCurrentIndex(max(index, 0))

    def _fill_roles(self, assessment: FrameAssessment) -> None:
        while self.roles_form.rowCount():
            self.roles_form.removeRow(0)
        self.role_combos = {}
        names = {int(a.id): a.name for a in self.all_actors}  # type: ignore[arg-type]
        rows: list[tuple[int, str]] = [(int(a.id), f"{a.name} ({n})") for a, n in self.actors_here]  # type: ignore[arg-type]
        listed = {actor_id for actor_id, _ in rows}
        rows += [
            (r.actor_id, names.get(r.actor_id, f"actor {r.actor_id}"))
            for r in assessment.roles
            if r.actor_id not in listed
        ]
        if not rows:
            self.roles_form.addRow(QLabel("Link names to actors (A) to give them roles."))
            return
        for actor_id, text in rows:
            combo = QComboBox()
            combo.setObjectName(f"frameRole_{actor_id}")
            combo.addItem("—", "")
            for role in self.schema.frame_roles:
                combo.addItem(role.name, role.id)
                combo.setItemData(combo.count() - 1, role.description, Qt.ItemDataRole.ToolTipRole)
            self._select(combo, assessment.role_of(actor_id))
            combo.currentIndexChanged.connect(self._touched)
            self.role_combos[actor_id] = combo
            self.roles_form.addRow(text, combo)
            combo.show()  # (else shown only at the next event loop turn: Tab would skip it)
        # New widgets join the end of the window's Tab chain: put them after the tone's target.
        chain: list[QWidget] = [self.target, *self.role_combos.values(), self.evidence]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index < 0 and value:
            combo.addItem(str(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    def ticked(self) -> list[str]:
        return [
            self.frames.item(r).data(ID_ROLE)
            for r in range(self.frames.count())
            if self.frames.item(r).checkState() == Qt.CheckState.Checked
        ]

    def _frames_ticked(self, _item: QListWidgetItem) -> None:
        if self._loading:
            return
        self._fill_primary(self.primary.currentData() or "")
        self._touched()

    def value(self) -> FrameAssessment:
        tone = self.tone.currentData() or ""
        target = self.target.currentData()
        return FrameAssessment(
            frames=tuple(self.ticked()),
            primary=self.primary.currentData() or "",
            headline=self.headline.currentData() or "",
            tone=tone,
            tone_target=int(target) if tone and target is not None else None,
            roles=tuple(
                ActorRole(actor_id, combo.currentData())
                for actor_id, combo in sorted(self.role_combos.items())
                if combo.currentData()
            ),
        )

    def dirty(self) -> bool:
        stored = self.stored.with_(
            evidence=(), roles=tuple(sorted(self.stored.roles, key=lambda r: r.actor_id))
        )
        return self.value() != stored

    def _touched(self) -> None:
        if self._loading:
            return
        self.state.setText("● not saved" if self.dirty() else ("saved" if not self.stored.is_empty else ""))

    # -- model suggestions --------------------------------------------------------------------------

    def show_suggestion(self, doc_id: int, suggestion: FrameSuggestion | None) -> bool:
        """Pre-tick a model's frames for ``doc_id``, each with its score, unsaved: Enter makes them
        the analyst's framing, Esc drops them. Shown only on the open document when the analyst has
        not framed it and has not touched the form; returns whether it is shown."""
        if suggestion is None or doc_id != self.doc_id or not suggestion.frames:
            return False
        if self.stored.frames or self.dirty():
            return False
        self.load(suggestion.accepted(self.stored.with_(evidence=())))
        self._show_scores(suggestion)
        return True

    def _show_scores(self, suggestion: FrameSuggestion) -> None:
        """The suggestion's scores beside the frames, and the line saying whose it is."""
        self.suggested = suggestion
        for row in range(self.frames.count()):
            item = self.frames.item(row)
            dim = item.data(ID_ROLE)
            if dim in suggestion.scores:
                item.setText(f"{self.dim_names.get(dim, dim)}   {suggestion.scores[dim]:.2f}")
        lines = suggestion.describe(self.dim_names)
        self.suggestion_label.setText(
            f"Suggested by {suggestion.model or 'the model'}: {' · '.join(lines)}\n"
            "Not saved: Enter makes it yours, Esc drops it."
        )
        self.suggestion_label.show()

    def _drop_suggestion(self) -> None:
        if self.suggested is None:
            return
        self.suggested = None
        for row in range(self.frames.count()):
            item = self.frames.item(row)
            dim = item.data(ID_ROLE)
            item.setText(self.dim_names.get(dim, dim))
        self.suggestion_label.hide()

    # -- commands -----------------------------------------------------------------------------------

    def open_form(self) -> None:
        """Focus on the frames list (F)."""
        self.frames.setFocus()
        if self.frames.currentRow() < 0:
            self.frames.setCurrentRow(0)

    def save(self) -> None:
        if not self.doc_id:
            return
        self.error.hide()
        if not self.dirty():
            self.done.emit()
            return
        value, what = self.value(), "Edit framing"
        if self.suggested is not None:  # confirming the model's frames (as suggested or changed)
            value = self.suggested.accepted(value, tuple(self.ticked()), value.primary)
            what = "Accept model frames"
        try:
            command = self.commands.set_assessment(self.doc_id, value, what)
        except ValidationError as exc:
            self._show_error([str(p) for p in exc.problems])
            return
        except AnnotatorError as exc:
            self._show_error([str(exc)])
            return
        if self.run(command):
            self.drafts.pop(self.doc_id, None)
            self.draft_suggestions.pop(self.doc_id, None)
            self.done.emit()

    def _show_error(self, lines: list[str]) -> None:
        self.error.setText("\n".join("✗ " + line for line in lines))
        self.error.show()

    def revert(self) -> None:
        self.drafts.pop(self.doc_id, None)
        self.draft_suggestions.pop(self.doc_id, None)
        self.load(self.stored)
        self.done.emit()

    def clear(self) -> None:
        if self.doc_id and not self.stored.is_empty:
            self.run(self.commands.clear(self.doc_id))

    # -- evidence -----------------------------------------------------------------------------------

    def refresh_evidence(self) -> None:
        self.evidence.clear()
        self.evidence_ranges = []
        if not self.doc_id:
            return
        for span in self.commands.evidence(self.doc_id):
            self.evidence_ranges.append((span.start, span.end))
            what = (
                self.dim_names.get(span.label, span.label)
                if span.layer == FRAME_LAYER
                else span.label.replace("_", " ")
            )
            kind = "frame" if span.layer == FRAME_LAYER else "technique"
            item = QListWidgetItem(f"{what} ({kind}): “{_short(self.text[span.start : span.end], 90)}”")
            item.setData(ID_ROLE, span.id)
            item.setToolTip(plain_tip(self.text[span.start : span.end]))
            self.evidence.addItem(item)

    def _set_passage(self, passage: tuple[int, int] | None) -> None:
        self.passage = passage
        self.evidence_error.hide()
        if passage is None:
            self.passage_label.setText("Select a passage in the text and press Shift+F to tag it.")
            self.tag_button.setEnabled(False)
            return
        start, end = passage
        self.passage_label.setText(f"Passage: “{_short(self.text[start:end], 120)}”")
        self.tag_button.setEnabled(True)

    def tag_for(self, start: int, end: int) -> None:
        """Shift+F: the passage text[start:end] is ready to be tagged; focus on the label choice."""
        self._set_passage((start, end))
        self.evidence_label.setFocus()

    def tag_passage(self) -> None:
        if self.passage is None or not self.doc_id:
            return
        start, end = self.passage
        try:
            command = self.commands.add_evidence(self.doc_id, start, end, self.evidence_label.currentData())
        except AnnotatorError as exc:
            self.evidence_error.setText("✗ " + str(exc))
            self.evidence_error.show()
            return
        if self.run(command):
            self._set_passage(None)
            self.done.emit()

    def delete_evidence(self) -> None:
        item = self.evidence.currentItem()
        if item is None or not self.doc_id:
            return
        session = self.commands.session
        self.run(session.delete(self.doc_id, [int(item.data(ID_ROLE))], "Delete evidence passage"))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        focus = self.focusWidget()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(focus, QPushButton):
                focus.click()
            elif focus in (self.evidence_label, self.evidence):
                self.tag_passage()
            else:
                self.save()
            return
        if key == Qt.Key.Key_Delete and focus is self.evidence:
            self.delete_evidence()
            return
        if key == Qt.Key.Key_Escape:
            self.revert()
            return
        super().keyPressEvent(event)
