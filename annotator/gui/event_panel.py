"""The event panel: the open document's events, and the event form.

The list shows the analyst's events in text order; selecting one asks the window to box its
trigger and arguments in the reading pane (``eventSelected``). Enter on an event opens it in the
form, Delete removes it.

The form codes an event the way PLOVER and CAMEO do: trigger (the selection when E was pressed),
category, mode and CAMEO code offered only where valid for the category (the CAMEO code follows
the mode until the analyst picks one), context, arguments by role (a canonical actor or a span of
the document, several per role with +), date, factuality and source. Every change is checked
against the schema's coding rules and the problems are shown under the field they concern —
for a new event only once the analyst has changed something, so the form never opens on an
error; Enter saves (nothing with an error is ever stored), Esc cancels. A new event opens with
the category its trigger words propose ("visited": CONSULT, from ``resources/event-triggers.json``)
or with none. Tab goes through the fields only; combo boxes jump to an entry by its first
letters; Alt++ adds another field for the role that has the focus (the "+" buttons, which Tab
skips so that typing never lands on one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.actors import Actor
from annotator.core.errors import AnnotatorError
from annotator.core.events import EVENT_LAYER, Argument, Event, Ref
from annotator.core.model import Origin, Span
from annotator.core.problems import Problem, ValidationError
from annotator.gui.form_style import hint_label, problem_style
from annotator.gui.plain import plain_tip
from annotator.services.annotate import Command
from annotator.services.events import EventCommands
from annotator.services.trigger_words import propose_category

ID_ROLE = Qt.ItemDataRole.UserRole
ROLE_FIELDS = ("actor", "recipient", "location", "time")
NO_CATEGORY = "choose a category: type its first letters"
MORE_KEYS = ("Alt++", "Alt+=")  # another field for the focused role (Alt+= : + unshifted)


@dataclass(frozen=True)
class Choices:
    """What arguments may point at in the open document."""

    actors_here: list[Actor]  # actors the analyst linked mentions to, most mentioned first
    spans: list[tuple[Span, str]]  # the analyst's entity spans not linked to an actor, with text
    others: list[Actor]  # the rest of the registry


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RefCombo(QComboBox):
    """Chooses what an argument (or the source) points at: an actor or a span, or nothing."""

    def __init__(self, kinds: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kinds = kinds
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)

    def set_choices(self, choices: Choices) -> None:
        keep = self.ref()
        self.blockSignals(True)
        self.clear()
        self.addItem("—", None)
        if "actor" in self.kinds:
            for actor in choices.actors_here:
                self.addItem(actor.name, Ref(actor_id=actor.id))
                self.setItemData(
                    self.count() - 1, "an actor mentioned in this document", Qt.ItemDataRole.ToolTipRole
                )
        if "span" in self.kinds and choices.spans:
            self.insertSeparator(self.count())
            for span, text in choices.spans:
                self.addItem(f"{_short(text)} · {span.label} text", Ref(span_id=span.id))
                self.setItemData(
                    self.count() - 1,
                    f"the words at characters {span.start}–{span.end}",
                    Qt.ItemDataRole.ToolTipRole,
                )
        if "actor" in self.kinds and choices.others:
            self.insertSeparator(self.count())
            for actor in choices.others:
                self.addItem(actor.name, Ref(actor_id=actor.id))
        self.set_ref(keep)
        self.blockSignals(False)

    def ref(self) -> Ref | None:
        value = self.currentData()
        return value if isinstance(value, Ref) else None

    def set_ref(self, ref: Ref | None, missing: str = "") -> None:
        if ref is None:
            self.setCurrentIndex(0)
            return
        for i in range(self.count()):
            if self.itemData(i) == ref:
                self.setCurrentIndex(i)
                return
        self.addItem(missing or ("actor" if ref.actor_id is not None else "span") + " (not listed)", ref)
        self.setCurrentIndex(self.count() - 1)


class EventForm(QGroupBox):
    """The fields of one event, checked as they change."""

    changed = Signal()

    def __init__(self, commands: EventCommands, parent: QWidget | None = None) -> None:
        super().__init__("Event", parent)
        self.setObjectName("eventForm")
        self.commands = commands
        self.schema = commands.schema
        self.doc_id = 0
        self.trigger: Span | None = None
        self.event_id: int | None = None
        self.choices = Choices([], [], [])
        self._cameo_touched = False
        self._loading = False
        self._quiet = False  # a new event the analyst has not changed yet: no problems shown
        self.problem_labels: dict[str, QLabel] = {}
        self.problems: list[Problem] = []
        self.fields: dict[str, QWidget] = {}
        self.role_boxes: dict[str, QVBoxLayout] = {}
        self.role_combos: dict[str, list[RefCombo]] = {role: [] for role in ROLE_FIELDS}
        self.more_buttons: dict[str, QToolButton] = {}

        outer = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.trigger_label = QLabel("")
        self.trigger_label.setObjectName("eventTrigger")
        self.trigger_label.setWordWrap(True)
        self.trigger_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Trigger", self._with_problem("trigger", self.trigger_label))

        self.category = QComboBox()
        self.category.setObjectName("eventCategory")
        self.category.addItem("—", "")
        self.category.setItemData(0, NO_CATEGORY, Qt.ItemDataRole.ToolTipRole)
        for category in self.schema.categories:
            self.category.addItem(category.name, category.name)
            self.category.setItemData(
                self.category.count() - 1, category.description, Qt.ItemDataRole.ToolTipRole
            )
        self.category.currentIndexChanged.connect(self._category_changed)
        form.addRow("Category", self._with_problem("category", self.category))

        self.mode = QComboBox()
        self.mode.setObjectName("eventMode")
        self.mode.currentIndexChanged.connect(self._mode_changed)
        form.addRow("Mode", self._with_problem("mode", self.mode))

        self.context = QComboBox()
        self.context.setObjectName("eventContext")
        self.context.addItem("—", "")
        for context in self.schema.contexts:
            self.context.addItem(context.name, context.id)
            self.context.setItemData(
                self.context.count() - 1, context.description, Qt.ItemDataRole.ToolTipRole
            )
        self.context.currentIndexChanged.connect(self._revalidate)
        form.addRow("Context", self._with_problem("context", self.context))

        self.cameo = QComboBox()
        self.cameo.setObjectName("eventCameo")
        self.cameo.activated.connect(self._cameo_chosen)
        self.cameo.currentIndexChanged.connect(self._revalidate)
        form.addRow("CAMEO", self._with_problem("cameo", self.cameo))

        for role_id in ROLE_FIELDS:
            role = self.schema.role(role_id)
            if role is None:
                continue
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            self.role_boxes[role_id] = box
            holder = QWidget()
            holder.setLayout(box)
            self._add_role_combo(role_id)
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(holder, 1)
            more = QToolButton()
            more.setText("+")
            more.setObjectName(f"eventMore_{role_id}")
            more.setToolTip(f"Another {role.name.lower()} (Alt++ in the field)")
            more.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
            more.clicked.connect(lambda _c=False, r=role_id: self._add_role_combo(r, focus=True))
            row.addWidget(more, 0, Qt.AlignmentFlag.AlignTop)
            self.more_buttons[role_id] = more
            wrapper = QWidget()
            wrapper.setLayout(row)
            label = QLabel(role.name)
            label.setToolTip(plain_tip(role.description))
            form.addRow(label, self._with_problem(role_id, wrapper))

        self.date = QLineEdit()
        self.date.setObjectName("eventDate")
        self.date.setPlaceholderText("YYYY-MM-DD, YYYY-MM or YYYY")
        self.date.textChanged.connect(self._revalidate)
        form.addRow("Date", self._with_problem("date", self.date))

        self.factuality = QComboBox()
        self.factuality.setObjectName("eventFactuality")
        for fact in self.schema.factuality:
            self.factuality.addItem(fact.name, fact.id)
            self.factuality.setItemData(
                self.factuality.count() - 1, fact.description, Qt.ItemDataRole.ToolTipRole
            )
        self.factuality.currentIndexChanged.connect(self._revalidate)
        form.addRow("Factuality", self._with_problem("factuality", self.factuality))

        self.source = RefCombo(self.schema.source_refers_to)
        self.source.setObjectName("eventSource")
        self.source.setToolTip("Who says so (“Tasnim reported”): an actor or the words of the text")
        self.source.currentIndexChanged.connect(self._revalidate)
        form.addRow("Source", self._with_problem("source", self.source))
        outer.addLayout(form)

        self.general = QLabel("")
        self.general.setObjectName("eventProblems")
        self.general.setWordWrap(True)
        self.general.hide()
        outer.addWidget(self.general)
        self.fields.update(
            {
                "category": self.category,
                "mode": self.mode,
                "context": self.context,
                "cameo": self.cameo,
                "date": self.date,
                "factuality": self.factuality,
                "source": self.source,
            }
        )
        # Tab goes down the form's fields in reading order (never to a button).
        chain: list[QWidget] = [self.category, self.mode, self.context, self.cameo]
        for role_id in self.role_boxes:
            chain.append(self.role_combos[role_id][0])
        chain += [self.date, self.factuality, self.source]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        more_key = QAction("Another field for this role", self)
        more_key.setShortcuts([QKeySequence(k) for k in MORE_KEYS])
        more_key.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        more_key.triggered.connect(self.add_for_focused_role)
        self.addAction(more_key)

    def _with_problem(self, name: str, widget: QWidget) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(widget)
        label = QLabel("")
        label.setObjectName(f"problem_{name}")
        label.setWordWrap(True)
        label.hide()
        box.addWidget(label)
        self.problem_labels[name] = label
        return holder

    def _add_role_combo(self, role_id: str, focus: bool = False) -> RefCombo:
        role = self.schema.role(role_id)
        combo = RefCombo(role.refers_to if role else ("actor", "span"))
        combo.setObjectName(f"eventRole_{role_id}" if not self.role_combos[role_id] else "")
        combo.set_choices(self.choices)
        combo.currentIndexChanged.connect(self._revalidate)
        previous = self.role_combos[role_id][-1] if self.role_combos[role_id] else None
        self.role_combos[role_id].append(combo)
        self.role_boxes[role_id].addWidget(combo)
        if previous is not None:
            QWidget.setTabOrder(previous, combo)
        if focus:
            combo.show()  # a widget added to a shown layout is shown only later, unfocusable until then
            combo.setFocus()
        return combo

    def add_for_focused_role(self) -> RefCombo | None:
        """Alt++: another field for the role whose field has the focus (after the last one)."""
        focus = self.focusWidget()
        for role_id, combos in self.role_combos.items():
            if focus in combos:
                return self._add_role_combo(role_id, focus=True)
        return None

    def _trim_role_combos(self) -> None:
        for role_id, combos in self.role_combos.items():
            while len(combos) > 1:
                combo = combos.pop()
                self.role_boxes[role_id].removeWidget(combo)
                combo.deleteLater()

    # -- loading ----------------------------------------------------------------------------------

    def set_choices(self, choices: Choices) -> None:
        self.choices = choices
        self._loading = True
        for combos in self.role_combos.values():
            for combo in combos:
                combo.set_choices(choices)
        self.source.set_choices(choices)
        self._loading = False

    def load_new(self, doc_id: int, start: int, end: int, surface: str) -> None:
        """A new event with the trigger text[start:end], on the category its words propose (or
        none): nothing is checked aloud until the analyst changes something."""
        self.setTitle("New event")
        names = [c.name for c in self.schema.categories]
        category = propose_category(surface, names)
        # (The trigger span's label becomes the category when the event is stored.)
        trigger = Span(start, end, category or EVENT_LAYER, Origin.MANUAL, EVENT_LAYER)
        self.load(doc_id, Event(trigger, category), surface)
        self.event_id = None

    def load(self, doc_id: int, event: Event, surface: str) -> None:
        """An event to edit (or a new one: ``event.id`` None)."""
        self._loading = True
        self.doc_id = doc_id
        self.event_id = event.id
        self.trigger = event.trigger
        if event.id is not None:
            self.setTitle(f"Event: {event.category}")
        self.trigger_label.setText(
            f"“{_short(surface, 60)}”  (characters {event.trigger.start}–{event.trigger.end})"
        )
        index = self.category.findData(event.category)
        if index < 0:  # a category the schema no longer has: shown, and marked as an error
            # (An empty one is the "—" entry: findData finds it.)
            self.category.addItem(event.category, event.category)
            index = self.category.count() - 1
        self.category.setCurrentIndex(index)
        self._fill_modes(event.mode)
        self._select(self.context, event.context)
        self._cameo_touched = bool(event.cameo) and event.cameo != self.commands.proposed_cameo(
            event.category, event.mode
        )
        self._fill_cameo(event.cameo or self.commands.proposed_cameo(event.category, event.mode))
        self._trim_role_combos()
        for role_id in ROLE_FIELDS:
            refs = event.refs(role_id)
            combos = self.role_combos[role_id]
            for i, ref in enumerate(refs):
                combo = combos[i] if i < len(combos) else self._add_role_combo(role_id)
                combo.set_ref(ref)
            if not refs and combos:
                combos[0].set_ref(None)
        self.date.setText(event.date)
        self._select(self.factuality, event.factuality)
        self.source.set_ref(event.source)
        self._loading = False
        self._quiet = event.id is None
        self._check()

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        if index < 0 and value:
            combo.addItem(value, value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    def _fill_modes(self, keep: str) -> None:
        category = self.category.currentData()
        loading, self._loading = self._loading, True
        self.mode.clear()
        modes = self.commands.modes_for(category)
        self.mode.addItem("—" if modes or not category else f"— ({category} has no modes)", "")
        for mode in modes:
            self.mode.addItem(mode.name, mode.id)
            self.mode.setItemData(self.mode.count() - 1, mode.description, Qt.ItemDataRole.ToolTipRole)
        self.mode.setEnabled(bool(modes) or bool(keep))
        self._select(self.mode, keep)
        self._loading = loading

    def _fill_cameo(self, keep: str) -> None:
        category = self.category.currentData()
        loading, self._loading = self._loading, True
        self.cameo.clear()
        self.cameo.addItem("—", "")
        for code in self.commands.cameo_for(category):
            self.cameo.addItem(f"{code.code} {code.name}", code.code)
        self._select(self.cameo, keep)
        self._loading = loading

    def _category_changed(self) -> None:
        if self._loading:
            return
        self._fill_modes(self.mode.currentData() or "")
        current = self.cameo.currentData() or ""
        proposed = self.commands.proposed_cameo(self.category.currentData(), self.mode.currentData() or "")
        valid = {c.code for c in self.commands.cameo_for(self.category.currentData())}
        self._fill_cameo(current if self._cameo_touched and current in valid else proposed)
        self._revalidate()

    def _mode_changed(self) -> None:
        if self._loading:
            return
        if not self._cameo_touched:
            self._fill_cameo(
                self.commands.proposed_cameo(self.category.currentData(), self.mode.currentData() or "")
            )
        self._revalidate()

    def _cameo_chosen(self) -> None:
        self._cameo_touched = True

    # -- the event --------------------------------------------------------------------------------

    def event_value(self) -> Event | None:
        if self.trigger is None:
            return None
        category = self.category.currentData() or ""
        arguments = tuple(
            Argument(role_id, combo.ref())  # type: ignore[arg-type]
            for role_id in ROLE_FIELDS
            for combo in self.role_combos[role_id]
            if combo.ref() is not None
        )
        return Event(
            trigger=self.trigger.with_(label=category or self.trigger.label),
            category=category,
            mode=self.mode.currentData() or "",
            context=self.context.currentData() or "",
            cameo=self.cameo.currentData() or "",
            arguments=arguments,
            date=self.date.text().strip(),
            factuality=self.factuality.currentData() or "asserted",
            source=self.source.ref(),
            id=self.event_id,
        )

    def _revalidate(self, *_args: object) -> None:
        """A field changed (the analyst acted): check the event and show its problems."""
        if self._loading:
            return
        self._quiet = False
        self._check()

    def _check(self) -> None:
        event = self.event_value()
        if event is None or not self.doc_id:
            return
        problems = self.check(event)
        if self._quiet:  # a new event as it opened: its problems are shown once it changes
            self.problems = problems
            self.show_problems([])
            self.problems = problems
        else:
            self.show_problems(problems)
        self.changed.emit()

    def check(self, event: Event) -> list[Problem]:
        """The event's problems under the coding rules (no category: one problem, that)."""
        if not event.category:
            return [Problem("error", "category", NO_CATEGORY)]
        try:
            return self.commands.validate(self.doc_id, event)
        except AnnotatorError as exc:
            return [Problem("error", "", str(exc))]

    def show_problems(self, problems: list[Problem]) -> None:
        """Each problem under its field (errors red, warnings amber); the others below the form."""
        by_field: dict[str, list[Problem]] = {}
        general: list[Problem] = []
        for problem in problems:
            field = problem.field
            if field in self.problem_labels:
                by_field.setdefault(field, []).append(problem)
            else:
                general.append(problem)
        for field, label in self.problem_labels.items():
            found = by_field.get(field, [])
            self._fill(label, found)
        self._fill(self.general, general)
        self.problems = problems

    @staticmethod
    def _fill(label: QLabel, problems: list[Problem]) -> None:
        if not problems:
            label.clear()
            label.hide()
            return
        errors = any(p.is_error for p in problems)
        label.setStyleSheet(problem_style(errors, label))
        label.setText("\n".join(("✗ " if p.is_error else "⚠ ") + p.message for p in problems))
        label.show()

    def first_problem_field(self) -> QWidget | None:
        for problem in self.problems:
            if not problem.is_error:
                continue
            if problem.field in self.role_combos and self.role_combos[problem.field]:
                return self.role_combos[problem.field][0]
            if problem.field in self.fields:
                return self.fields[problem.field]
        return None


class EventPanel(QWidget):
    """The document's events and the event form."""

    eventSelected = Signal(object)  # Event | None
    done = Signal()  # give the focus back to the reading pane

    def __init__(
        self, commands: EventCommands, run: Callable[[Command], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("eventPanel")
        self.commands = commands
        self.run = run
        self.doc_id = 0
        self.text = ""
        self.events: list[Event] = []
        self._form_open = False
        # Set by the window: how to name what a reference points at, and what arguments may point
        # at in the open document (asked for when the form opens, not at every document change).
        self.describe_ref: Callable[[Ref], str] = lambda ref: "?"
        self.choices_provider: Callable[[], Choices] = lambda: Choices([], [], [])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        hint = hint_label(
            "Select the trigger words and press E. ↑↓ pick an event · Enter edits · Delete removes"
        )
        layout.addWidget(hint)
        self.list = QListWidget()
        self.list.setObjectName("eventList")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(170)
        self.list.currentRowChanged.connect(self._row_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_selected())
        layout.addWidget(self.list)

        self.form = EventForm(commands)
        self.form_scroll = QScrollArea()
        self.form_scroll.setObjectName("eventFormScroll")
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.form_scroll.setWidget(self.form)
        layout.addWidget(self.form_scroll, 1)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save (Enter)")
        self.save_button.setObjectName("eventSave")
        self.cancel_button = QPushButton("Cancel (Esc)")
        self.delete_button = QPushButton("Delete event (Ctrl+Del)")
        self.delete_button.setObjectName("eventDelete")
        for button, slot in (
            (self.save_button, self.save),
            (self.cancel_button, self.cancel),
            (self.delete_button, self.delete_current),
        ):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter, Esc, Ctrl+Del; Tab: fields only
            button.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.placeholder = QLabel(
            "No event open. Select the words that say what happened (“visited”, “supervised”) and press E."
        )
        self.placeholder.setWordWrap(True)
        self.placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.placeholder)
        delete = QAction("Delete event", self)
        delete.setShortcut(QKeySequence("Ctrl+Del"))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.triggered.connect(self.delete_current)
        self.addAction(delete)
        self._show_form(False)

    # -- content ------------------------------------------------------------------------------------

    def set_document(self, doc_id: int | None, text: str) -> None:
        self.doc_id = doc_id or 0
        self.text = text
        self._show_form(False)
        self.refresh()

    def refresh(self) -> None:
        """Read the document's events again, keeping the selected one."""
        keep = self.selected_event()
        self.events = self.commands.events(self.doc_id) if self.doc_id else []
        self.list.blockSignals(True)
        self.list.clear()
        for event in self.events:
            item = QListWidgetItem(self.summary(event))
            item.setData(ID_ROLE, event.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if keep is not None and keep.id is not None:
            self.select_event(keep.id, emit=True)
        if (
            self._form_open
            and self.form.event_id is not None
            and self.form.event_id not in {e.id for e in self.events}
        ):
            self._show_form(False)  # the event open in the form is gone (undo)

    def summary(self, event: Event) -> str:
        trigger = _short(self.text[event.trigger.start : event.trigger.end], 30)
        head = event.category + (f" · {event.mode}" if event.mode else "")
        who = " → ".join(
            ", ".join(self.describe_ref(r) for r in event.refs(role)) or "?"
            for role in ("actor", "recipient")
        )
        tail = f" · {event.date}" if event.date else ""
        return f"{head}  “{trigger}”\n    {who}{tail}"

    def selected_event(self) -> Event | None:
        row = self.list.currentRow()
        return self.events[row] if 0 <= row < len(self.events) else None

    def select_event(self, event_id: int, emit: bool = True) -> None:
        for row, event in enumerate(self.events):
            if event.id == event_id:
                if not emit:
                    self.list.blockSignals(True)
                self.list.setCurrentRow(row)
                self.list.blockSignals(False)
                if emit:
                    self.eventSelected.emit(event)
                return

    def _row_changed(self, _row: int) -> None:
        self.eventSelected.emit(self.selected_event())

    def _show_form(self, shown: bool) -> None:
        self._form_open = shown
        for widget in (self.form_scroll, self.save_button, self.cancel_button, self.delete_button):
            widget.setVisible(shown)
        self.placeholder.setVisible(not shown)

    def form_open(self) -> bool:
        """Whether the form holds an event being made or edited (even with the dock hidden)."""
        return self._form_open

    # -- form -----------------------------------------------------------------------------------

    def new_event(self, start: int, end: int) -> None:
        """Open the form for a new event triggered by text[start:end]; focus on the category."""
        self.form.set_choices(self.choices_provider())
        self.form.load_new(self.doc_id, start, end, self.text[start:end])
        self.delete_button.setEnabled(False)
        self._show_form(True)
        self.form.category.setFocus()

    def new_event_from(self, draft: Event) -> None:
        """Open the form for a new event prefilled with a proposal (category, mode, CAMEO code,
        arguments) for the analyst to confirm; nothing is stored until Save."""
        start, end = draft.trigger.start, draft.trigger.end
        self.new_event(start, end)
        self.form.load(self.doc_id, draft, self.text[start:end])

    def edit_event(self, event_id: int) -> None:
        event = next((e for e in self.events if e.id == event_id), None)
        if event is None:
            return
        self.select_event(event_id)
        self.form.set_choices(self.choices_provider())
        self.form.load(self.doc_id, event, self.text[event.trigger.start : event.trigger.end])
        self.delete_button.setEnabled(True)
        self._show_form(True)
        self.form.category.setFocus()

    def edit_selected(self) -> None:
        event = self.selected_event()
        if event is not None and event.id is not None:
            self.edit_event(event.id)

    def save(self) -> None:
        event = self.form.event_value()
        if event is None or not self.doc_id:
            return
        if not event.category:
            self.form.show_problems(self.form.check(event))
            self.form.category.setFocus()
            return
        try:
            if event.id is None:
                command: Command = self.commands.create(self.doc_id, event)
            else:
                command = self.commands.edit(self.doc_id, event)
        except ValidationError as exc:
            self.form.show_problems(exc.problems)
            field = self.form.first_problem_field()
            if field is not None:
                field.setFocus()
            return
        except AnnotatorError as exc:
            self.form.show_problems([Problem("error", "", str(exc))])
            return
        if not self.run(command):
            return
        stored = getattr(command, "event", None)
        self._show_form(False)
        if stored is not None and stored.id is not None:
            self.select_event(stored.id)
        self.done.emit()

    def cancel(self) -> None:
        self._show_form(False)
        self.done.emit()

    def delete_current(self) -> None:
        event_id = self.form.event_id if self.form_open() else None
        if event_id is None:
            selected = self.selected_event()
            event_id = selected.id if selected is not None else None
        if event_id is None:
            return
        if self.run(self.commands.delete(self.doc_id, event_id)):
            self._show_form(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        focus = self.focusWidget()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(focus, (QPushButton, QToolButton)):
                focus.click()
            elif focus is self.list:
                self.edit_selected()
            elif self.form_open():
                self.save()
            return
        if key == Qt.Key.Key_Delete and focus is self.list:
            self.delete_current()
            return
        if key == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)
