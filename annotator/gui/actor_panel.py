"""The actor panel: the shared actor registry, the selected actor's card, and the actor picker.

- The registry list shows every canonical actor with its mentions in the open document, in all
  documents, and the number of documents; the search box finds names and aliases (accents and
  case ignored, close spellings too).
- The card edits an actor's attributes (kind, country, PLOVER sector, Wikidata id, notes) and
  aliases, and holds the registry-wide actions: rename, merge another actor into this one, split
  an alias off into an actor of its own, delete, tag every mention in the document.
- The picker (A in the reading pane) links the current span to an actor: the registry's proposal
  first, then other candidates, then "new actor"; typing searches the registry. The same picker
  chooses the actor to merge.

The panel runs registry commands itself through ``run`` (the window's ``run_command``: undo
stack, saved at once); linking a span is the window's business (it knows the span), so the picker
only says which actor was chosen (``actorChosen``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.actors import Actor, ActorSummary
from annotator.core.errors import AnnotatorError
from annotator.core.problems import ValidationError
from annotator.gui.dialogs import Dialogs
from annotator.gui.form_style import hint_label, problem_style
from annotator.gui.plain import plain_tip
from annotator.gui.wording import count
from annotator.services.actors import ActorCommands, ActorRegistry, new_actor_for
from annotator.services.annotate import Command

ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class _Item(QTableWidgetItem):
    """A table cell that sorts by its sort value (numbers as numbers, blanks for zero)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is None or theirs is None:
            return super().__lt__(other)
        return bool(mine < theirs)


class ActorPicker(QFrame):
    """A search box over a list of actors: Up/Down choose, Enter takes, Esc cancels.

    ``chosen`` carries an actor id, or an ``Actor`` without id for "new actor".
    """

    chosen = Signal(object)
    cancelled = Signal()
    shown = Signal(bool)  # opened (True) or closed (False)

    def __init__(self, registry: ActorRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actorPicker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.registry = registry
        self.mode = "link"
        self.surface = ""
        self.label = ""
        self.exclude: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel()
        self.title.setObjectName("actorPickerTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.search = QLineEdit()
        self.search.setObjectName("actorPickerSearch")
        self.search.setPlaceholderText("Type to search names and aliases…")
        self.search.textEdited.connect(self._searched)
        self.search.returnPressed.connect(self.take)
        self.search.installEventFilter(self)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.setObjectName("actorPickerList")
        self.list.setMinimumHeight(90)
        self.list.setMaximumHeight(260)
        self.list.itemActivated.connect(lambda _item: self.take())
        layout.addWidget(self.list)
        layout.addWidget(hint_label("↑ ↓ choose · Enter takes · Esc cancels"))
        self.hide()

    def open(
        self, mode: str, title: str, surface: str = "", label: str = "", exclude: int | None = None
    ) -> None:
        """Show the picker: ``mode`` "link" (proposal first, "new actor" last) or "merge"."""
        self.mode, self.surface, self.label, self.exclude = mode, surface, label, exclude
        self.title.setText(title)
        self.search.clear()
        self._fill_initial()
        self.show()
        self.shown.emit(True)
        self.search.setFocus()

    def close_picker(self) -> None:
        self.hide()
        self.list.clear()
        self.shown.emit(False)

    def _add(self, text: str, value: object, bold: bool = False, tip: str = "") -> None:
        item = QListWidgetItem(text)
        item.setData(ID_ROLE, value)
        if tip:
            item.setToolTip(plain_tip(tip))
        if bold:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        self.list.addItem(item)

    @staticmethod
    def _describe(actor: Actor) -> str:
        bits = [b for b in (actor.kind, actor.country, actor.sector) if b]
        return f"{actor.name}  ({', '.join(bits)})" if bits else actor.name

    def _fill_initial(self) -> None:
        self.list.clear()
        if self.mode == "link" and self.surface:
            proposal = self.registry.propose(self.surface)
            seen: set[int] = set()
            if proposal is not None:
                actor, score = proposal
                self._add(
                    f"★ {self._describe(actor)} — proposed",
                    actor.id,
                    bold=True,
                    tip=f"matches “{self.surface}” ({score:.0f}/100)",
                )
                seen.add(int(actor.id))  # type: ignore[arg-type]
            for cand in self.registry.candidates(self.surface, limit=8):
                if cand.actor.id in seen:
                    continue
                seen.add(int(cand.actor.id))  # type: ignore[arg-type]
                self._add(f"{self._describe(cand.actor)} — {cand.how} match “{cand.matched}”", cand.actor.id)
            self._add_new(self.surface)
        else:
            self._fill_search("")
        self.list.setCurrentRow(0)

    def _fill_search(self, text: str) -> None:
        self.list.clear()
        rows = self.registry.summaries(text)
        rows.sort(key=lambda r: (-r.mentions, r.actor.name.casefold()))
        for row in rows[:60]:
            if row.actor.id == self.exclude:
                continue
            self._add(f"{self._describe(row.actor)} — {count(row.mentions, 'mention')}", row.actor.id)
        if self.mode == "link":
            self._add_new(text or self.surface)

    def _add_new(self, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            return
        actor = new_actor_for(name, self.label)
        self._add(
            f"+ New actor “{actor.name}” ({actor.kind})",
            actor,
            tip="Create an actor with this name (edit its details in the card afterwards)",
        )

    def _searched(self, text: str) -> None:
        if text.strip():
            self._fill_search(text.strip())
        else:
            self._fill_initial()
        self.list.setCurrentRow(0)

    def take(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        value = item.data(ID_ROLE)
        self.close_picker()
        self.chosen.emit(value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            steps = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}
            step = steps.get(Qt.Key(key))
            if step is not None:
                row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                self.list.setCurrentRow(row)
                return True
            if key == Qt.Key.Key_Escape:
                self.close_picker()
                self.cancelled.emit()
                return True
        return super().eventFilter(watched, event)


class ActorPanel(QWidget):
    """Registry list, actor card and picker. ``actorChosen`` (actor id or new ``Actor``) answers a
    link request (``pick_for``); ``tagRequested`` asks the window to tag every mention of an
    actor in the open document; ``done`` asks to give the focus back to the reading pane."""

    actorChosen = Signal(object)
    tagRequested = Signal(int)
    done = Signal()

    def __init__(
        self,
        registry: ActorRegistry,
        commands: ActorCommands,
        run: Callable[[Command], bool],
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("actorPanel")
        self.registry = registry
        self.commands = commands
        self.schema = registry.schema
        self.run = run
        self.dialogs = dialogs
        self.doc_id = 0
        self.here: Counter[int] = Counter()  # the analyst's mentions per actor in the open document
        self.actor_id: int | None = None  # the actor on the card
        self._summaries: dict[int, ActorSummary] = {}
        self._every: list[ActorSummary] | None = None  # the registry with counts, until it changes

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.current_label = QLabel("Select a name in the text and press A to link it to an actor.")
        self.current_label.setObjectName("actorCurrent")
        self.current_label.setWordWrap(True)
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.current_label)

        self.search = QLineEdit()
        self.search.setObjectName("actorSearch")
        self.search.setPlaceholderText("Search actors: name or alias…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.refresh(reload=False))
        self.search.installEventFilter(self)
        layout.addWidget(self.search)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("actorTable")
        self.table.setHorizontalHeaderLabels(["Actor", "Kind", "Cty", "Here", "All", "Docs"])
        for col, tip in enumerate(
            (
                "Canonical name",
                "Kind of actor",
                "Country (ISO 3166 alpha-3)",
                "Your mentions in this document",
                "Mentions in all documents",
                "Documents mentioning it",
            )
        ):
            header_item = self.table.horizontalHeaderItem(col)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the card
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        for col, sample in ((1, "organization"), (2, "Cty"), (3, "Here"), (4, "All"), (5, "Docs")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, metrics.horizontalAdvance(sample) + 18)
        header.sectionClicked.connect(self._sort_by)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 6)
        self.table.setMinimumHeight(150)
        self.table.currentCellChanged.connect(lambda row, _c, _pr, _pc: self._row_changed(row))
        layout.addWidget(self.table, 1)

        self.picker = ActorPicker(registry)
        self.picker.chosen.connect(self._picked)
        self.picker.cancelled.connect(self.done)
        layout.addWidget(self.picker)

        self.card = QGroupBox("No actor selected")
        # While the picker is open it takes the card's place (there is no room for both).
        self.picker.shown.connect(lambda on: self.card.setVisible(not on))
        self.card.setObjectName("actorCard")
        card = QVBoxLayout(self.card)
        self.facts = QLabel("")
        self.facts.setObjectName("actorFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        card.addWidget(self.facts)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind = QComboBox()
        self.kind.setObjectName("actorKind")
        for kind in self.schema.kinds:
            self.kind.addItem(kind.name, kind.id)
        self.country = QComboBox()
        self.country.setObjectName("actorCountry")
        self.country.addItem("—", "")
        for country in self.schema.countries:
            self.country.addItem(f"{country.id} — {country.name}", country.id)
        self.sector = QComboBox()
        self.sector.setObjectName("actorSector")
        self.sector.addItem("—", "")
        groups = {g.id: g.name for g in self.schema.sector_groups}
        for sector in self.schema.sectors:
            self.sector.addItem(f"{sector.code} — {sector.name}", sector.code)
            self.sector.setItemData(
                self.sector.count() - 1,
                f"{groups.get(sector.group, '')}: {sector.description}",
                Qt.ItemDataRole.ToolTipRole,
            )
        for combo in (self.kind, self.country, self.sector):  # long entries elide, not widen the dock
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.wikidata = QLineEdit()
        self.wikidata.setObjectName("actorWikidata")
        self.wikidata.setPlaceholderText("Q…")
        self.notes = QLineEdit()
        self.notes.setObjectName("actorNotes")
        for row_label, widget in (
            ("Kind", self.kind),
            ("Country", self.country),
            ("Sector", self.sector),
            ("Wikidata", self.wikidata),
            ("Notes", self.notes),
        ):
            form.addRow(row_label, widget)
        for edit in (self.wikidata, self.notes):
            edit.returnPressed.connect(self.save_card)
        self.aliases = QListWidget()
        self.aliases.setObjectName("actorAliases")
        self.aliases.setMinimumHeight(72)
        self.aliases.setMaximumHeight(110)
        self.aliases.setToolTip(
            "Aliases: other spellings of the name. Ctrl+Shift+S splits the selected one off."
        )
        form.addRow("Aliases", self.aliases)
        card.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("actorError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(problem_style(True, self))
        self.error.hide()
        card.addWidget(self.error)

        grid = QGridLayout()
        grid.setSpacing(4)
        self.card_actions: dict[str, QAction] = {}
        specs = [
            ("save", "Save", "Ctrl+S", self.save_card, "Store kind, country, sector, Wikidata id and notes"),
            ("rename", "Rename…", "F2", self.rename, "Rename; the old name stays as an alias"),
            ("alias", "Add alias…", "Ctrl+L", self.add_alias, "Add another spelling of the name"),
            ("unalias", "Remove alias", "Ctrl+Shift+L", self.remove_alias, "Remove the selected alias"),
            (
                "split",
                "Split alias off",
                "Ctrl+Shift+S",
                self.split_alias,
                "Make the selected alias an actor of its own; its mentions go with it",
            ),
            (
                "merge",
                "Merge…",
                "Ctrl+M",
                self.start_merge,
                "Merge another actor into this one: its aliases, mentions, event arguments, roles move here",
            ),
            (
                "tag",
                "Tag mentions here",
                "Ctrl+T",
                self._tag,
                "Tag every other mention of this actor's names in the open document",
            ),
            ("new", "New actor…", "Ctrl+N", self.new_actor, "Add an actor to the registry"),
            ("delete", "Delete", "Ctrl+Del", self.delete_actor, "Delete an actor nothing refers to"),
        ]
        self.buttons: dict[str, QPushButton] = {}
        for i, (key, text, shortcut, slot, tip) in enumerate(specs):
            action = QAction(text, self)
            action.setObjectName(f"actorAction_{key}")
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _c=False, s=slot: s())
            self.addAction(action)
            self.card_actions[key] = action
            seq = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            button = QPushButton(f"{text} ({seq})")
            button.setObjectName(f"actorButton_{key}")
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _c=False, s=slot: s())
            self.buttons[key] = button
            grid.addWidget(button, i // 2, i % 2)  # two a row: the dock need not be wide
        card.addLayout(grid)
        layout.addWidget(self.card, 0)
        self.show_actor(None)

    # -- keyboard -----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if (
                event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.table.rowCount()
            ):
                self.table.setFocus()
                if self.table.currentRow() < 0:
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            if self.picker.isVisible():
                self.picker.close_picker()
            self.done.emit()
            return
        super().keyPressEvent(event)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- content ------------------------------------------------------------------------------------

    def set_document(self, doc_id: int | None, mentions: dict[int, int], reload: bool = False) -> None:
        """The open document and its mentions ({span id: actor id}) by the analyst; ``reload``
        when the registry changed since the list was filled."""
        if (doc_id or 0) != self.doc_id and self.picker.isVisible():
            self.picker.close_picker()
        self.doc_id = doc_id or 0
        self.here = Counter(mentions.values())
        self.refresh(reload=reload)

    def refresh(self, reload: bool = True) -> None:
        """Fill the list, keeping the selected actor; ``reload`` reads the registry again (after an
        actor change), else the counts read last time serve (a new document changes only "Here")."""
        keep = self.actor_id
        search = self.search.text().strip()
        if reload or self._every is None:
            self._every = self.registry.summaries()
        every = self._every
        self._summaries = {int(r.actor.id): r for r in every}  # type: ignore[arg-type]
        rows = self.registry.summaries(search) if search else list(every)
        rows.sort(key=lambda r: (-self.here.get(int(r.actor.id), 0), -r.mentions, r.actor.name.casefold()))  # type: ignore[arg-type]
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, summary in enumerate(rows):
            actor = summary.actor
            here = self.here.get(int(actor.id), 0)  # type: ignore[arg-type]
            values: list[object] = [
                actor.name,
                actor.kind,
                actor.country,
                here,
                summary.mentions,
                summary.documents,
            ]
            for col, value in enumerate(values):
                item = _Item()
                item.setData(Qt.ItemDataRole.DisplayRole, value if value != 0 or col < 3 else "")
                item.setData(SORT_ROLE, value if col >= 3 else str(value).casefold())
                if col >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 0:
                    item.setData(ID_ROLE, actor.id)
                    item.setToolTip(
                        plain_tip("aliases: " + ", ".join(actor.aliases) if actor.aliases else actor.name)
                    )
                    if here:
                        item.setFont(bold)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        if keep is not None and keep in self._summaries:
            self._select_row(keep)
            self.show_actor(keep)
        else:
            self.show_actor(None)

    def _sort_by(self, column: int) -> None:
        header = self.table.horizontalHeader()
        order = Qt.SortOrder.DescendingOrder if column >= 3 else Qt.SortOrder.AscendingOrder
        if header.sortIndicatorSection() == column and header.isSortIndicatorShown():
            order = (
                Qt.SortOrder.AscendingOrder
                if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
                else Qt.SortOrder.DescendingOrder
            )
        header.setSortIndicatorShown(True)
        header.setSortIndicator(column, order)
        self.table.sortItems(column, order)

    def row_of(self, actor_id: int) -> int | None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(ID_ROLE) == actor_id:
                return row
        return None

    def select_actor(self, actor_id: int) -> None:
        """Show an actor on the card and select its row (dropping a search that hides it)."""
        if self.row_of(actor_id) is None and self.search.text():
            self.search.clear()  # refreshes the list without the search
        self._select_row(actor_id)
        self.show_actor(actor_id)

    def _select_row(self, actor_id: int) -> None:
        row = self.row_of(actor_id)
        if row is None:
            return
        self.table.blockSignals(True)
        self.table.setCurrentCell(row, 0)
        self.table.selectRow(row)
        self.table.blockSignals(False)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.scrollToItem(item)

    def _row_changed(self, row: int) -> None:
        item = self.table.item(row, 0) if row >= 0 else None
        self.show_actor(item.data(ID_ROLE) if item is not None else None)

    def show_actor(self, actor_id: int | None) -> None:
        """Fill the card with an actor (None: empty card)."""
        self.error.hide()
        actor = None
        if actor_id is not None:
            try:
                actor = self.registry.actor(actor_id)
            except AnnotatorError:
                actor = None
        self.actor_id = int(actor.id) if actor is not None else None  # type: ignore[arg-type]
        for key, button in self.buttons.items():
            button.setEnabled(actor is not None or key == "new")
        for widget in (self.kind, self.country, self.sector, self.wikidata, self.notes, self.aliases):
            widget.setEnabled(actor is not None)
        if actor is None:
            self.card.setTitle("No actor selected")
            self.facts.setText("Choose an actor in the list (↓ from the search box).")
            self.aliases.clear()
            self.wikidata.clear()
            self.notes.clear()
            return
        self.card.setTitle(actor.name)
        refs = self.registry.references(int(actor.id))  # type: ignore[arg-type]
        summary = self._summaries.get(int(actor.id))  # type: ignore[arg-type]
        docs = summary.documents if summary is not None else 0
        here = self.here.get(int(actor.id), 0)  # type: ignore[arg-type]
        facts = f"{count(refs['mentions'], 'mention')} in {count(docs, 'document')} ({here} here)"
        if refs["arguments"]:
            facts += f" · {count(refs['arguments'], 'event argument')}"
        if refs["roles"] or refs["tone"]:
            facts += f" · framing: {count(refs['roles'], 'role')}, {count(refs['tone'], 'tone target')}"
        self.facts.setText(facts)
        self._set_combo(self.kind, actor.kind)
        self._set_combo(self.country, actor.country)
        self._set_combo(self.sector, actor.sector)
        self.wikidata.setText(actor.wikidata)
        self.notes.setText(actor.notes)
        self.aliases.clear()
        for alias in actor.aliases:
            self.aliases.addItem(alias)
        if self.aliases.count():
            self.aliases.setCurrentRow(0)

    @staticmethod
    def _set_combo(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        if index < 0 and value:
            combo.addItem(value, value)  # a value the schema does not list: keep it visible
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    def show_current(self, text: str) -> None:
        """The line at the top: what A and Enter would do with the current span."""
        self.current_label.setText(text)

    # -- picker -------------------------------------------------------------------------------------

    def pick_for(self, surface: str, label: str) -> None:
        """Open the picker to link ``surface`` (the current span's text) to an actor."""
        shown = surface if len(surface) <= 60 else surface[:57] + "…"
        self.picker.open("link", f"Link “{shown}” to an actor", surface, label)

    def start_merge(self) -> None:
        if self.actor_id is None:
            return
        keep = self.registry.actor(self.actor_id)
        self.picker.open(
            "merge", f"Merge into {keep.name}: choose the actor that goes", exclude=self.actor_id
        )

    def _picked(self, value: object) -> None:
        if self.picker.mode == "merge":
            if isinstance(value, int) and self.actor_id is not None:
                keep = self.actor_id
                if self._run(lambda: self.commands.merge(keep, value, self.doc_id)):
                    self.select_actor(keep)
            self.table.setFocus()
            return
        self.actorChosen.emit(value)

    # -- registry commands --------------------------------------------------------------------------

    def _run(self, factory: Callable[[], Command]) -> bool:
        """Make a command (its problems are shown on the card) and run it."""
        self.error.hide()
        try:
            command = factory()
        except ValidationError as exc:
            self.error.setText("\n".join(str(p) for p in exc.problems))
            self.error.show()
            return False
        except AnnotatorError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        return self.run(command)

    def save_card(self) -> None:
        if self.actor_id is None:
            return
        actor = self.registry.actor(self.actor_id)
        changed = actor.with_(
            kind=self.kind.currentData(),
            country=self.country.currentData(),
            sector=self.sector.currentData(),
            wikidata=self.wikidata.text().strip(),
            notes=self.notes.text().strip(),
        )
        if changed != actor:
            self._run(lambda: self.commands.edit(changed, self.doc_id))

    def rename(self) -> None:
        if self.actor_id is None:
            return
        actor = self.registry.actor(self.actor_id)
        name = self.dialogs.ask_text(
            "Rename actor", f"New name of {actor.name} (the old one stays as an alias):", actor.name
        )
        if name and name.strip() and name.strip() != actor.name:
            self._run(lambda: self.commands.rename(int(actor.id), name.strip(), self.doc_id))  # type: ignore[arg-type]

    def add_alias(self) -> None:
        if self.actor_id is None:
            return
        actor = self.registry.actor(self.actor_id)
        alias = self.dialogs.ask_text("Add alias", f"Another spelling of {actor.name}:", "")
        if alias and alias.strip():
            changed = actor.with_(aliases=(*actor.aliases, alias.strip()))
            self._run(lambda: self.commands.edit(changed, self.doc_id))

    def remove_alias(self) -> None:
        item = self.aliases.currentItem()
        if self.actor_id is None or item is None:
            return
        actor = self.registry.actor(self.actor_id)
        changed = actor.with_(aliases=tuple(a for a in actor.aliases if a != item.text()))
        self._run(lambda: self.commands.edit(changed, self.doc_id))

    def split_alias(self) -> None:
        item = self.aliases.currentItem()
        if self.actor_id is None or item is None:
            return
        source, alias = self.actor_id, item.text()
        if self._run(lambda: self.commands.split(source, alias, self.doc_id)):
            created = next((a for a in self.registry.actors() if a.name == alias), None)
            if created is not None:
                self.select_actor(int(created.id))  # type: ignore[arg-type]

    def new_actor(self) -> None:
        name = self.dialogs.ask_text("New actor", "Name of the actor:", self.search.text().strip())
        if not name or not name.strip():
            return
        actor = Actor(name=name.strip())
        if self._run(lambda: self.commands.create(actor, self.doc_id)):
            created = next((a for a in self.registry.actors() if a.name == " ".join(name.split())), None)
            if created is not None:
                self.select_actor(int(created.id))  # type: ignore[arg-type]
                self.kind.setFocus()

    def delete_actor(self) -> None:
        if self.actor_id is None:
            return
        actor = self.registry.actor(self.actor_id)
        refs = self.registry.references(self.actor_id)
        if any(refs.values()):
            self.error.setText(
                f"{actor.name} is still referred to ({count(refs['mentions'], 'mention')}, "
                f"{count(refs['arguments'], 'event argument')}); merge it into another actor instead."
            )
            self.error.show()
            return
        if self.dialogs.confirm("Delete actor", f"Delete {actor.name} from the registry?"):
            actor_id = self.actor_id
            if self._run(lambda: self.commands.delete(actor_id, self.doc_id)):
                self.show_actor(None)

    def _tag(self) -> None:
        if self.actor_id is not None:
            self.tagRequested.emit(self.actor_id)
