"""The first start: offer the sample corpus when the database is empty, and a short guided tour of
the keys.

Both are shown once (remembered in the window settings) and can be declined; the tour is a
non-modal card at the foot of the reading pane — the pane keeps a bottom margin as tall as the card
while it is shown, so the card hides no text, and the window stays usable — and comes back from
Help > Guided tour. Its keys (Esc, Enter, the arrows) work wherever the focus is in the window,
except in a field the analyst types in: a window-wide event filter hands them to the card (the
reading pane's own Esc/Enter shortcuts would take them otherwise). The offer goes through the
dialog seam, so tests answer it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.gui.text_fields import typing_in

if TYPE_CHECKING:
    from annotator.gui.window_protocols import FirstRunHost

OFFERED_KEY = "first_run/sample_offered"
TOUR_KEY = "first_run/tour_done"
CARD_GAP = 10  # pixels between the card and the pane's edges
TOUR_KEYS = (
    Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Left, Qt.Key.Key_Right,
)

# (title, text) of each step; plain text.
TOUR_STEPS: list[tuple[str, str]] = [
    ("Read", "J / K open the next / previous document. The list on the left sorts and filters "
             "(Ctrl+F)."),
    ("Label", "Select words with the mouse (or Shift+arrows) and press 1–9 to give them a label. "
              "Everything is saved at once; Ctrl+Z undoes."),
    ("Review suggestions", "Underlined words are the model's suggestions. N / P move between "
                           "them, Enter accepts, X rejects, a number relabels."),
    ("Actors, events, framing", "A links the current span to a canonical actor (the proposal "
                                "comes first; Enter takes it). Select the trigger words and press E "
                                "for an event; F opens the document's framing."),
    ("Compare", "Review > Import annotations reads a colleague's file; Ctrl+R compares sets and "
                "A / B settle each difference into a gold set."),
    ("Find", "Ctrl+Shift+F searches the whole corpus; Enter on a result opens the passage. "
             "F1 lists every key."),
]


def sample_corpus_dir() -> Path | None:
    """The ``seeds/`` folder of the checkout the application runs from, if there is one."""
    folder = Path(__file__).resolve().parent.parent.parent / "seeds"
    if folder.is_dir() and any(folder.glob("*.txt")):
        return folder
    return None


def _flag(window: FirstRunHost, key: str) -> bool:
    return str(window.qsettings.value(key, "false")).lower() == "true"


def offer_sample_corpus(window: FirstRunHost) -> bool:
    """Offer the sample corpus once, when the database is empty; import it if accepted."""
    folder = sample_corpus_dir()
    if folder is None or window.store.documents.count() or _flag(window, OFFERED_KEY):
        return False
    window.qsettings.setValue(OFFERED_KEY, True)
    n = len(list(folder.glob("*.txt")))
    question = (
        f"The database is empty. Import the sample corpus to try annotator?\n\n"
        f"{n} news articles from 2023: one visit of Iran's Quds Force commander to Syria as "
        "Iranian, French-language, Israeli and Arab outlets reported it, and a related meeting."
    )
    if not window.dialogs.confirm("Welcome to annotator", question):
        return False
    window.start_import([folder])
    return True


class TourCard(QFrame):
    """A small card over the reading pane: one step of the tour at a time.

    Right, Enter or Space: next; Left: back; Esc: end the tour. Space only while the card has the
    focus; the others from anywhere in the window but a text field.
    """

    def __init__(self, window: FirstRunHost) -> None:
        super().__init__(window.window())
        self.setObjectName("tourCard")
        self.window_ = window
        self.step = 0
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.title = QLabel()
        self.title.setObjectName("tourTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 2)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setObjectName("tourText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QLabel()
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        self.skip_button = QPushButton("Skip tour (Esc)")
        self.back_button = QPushButton("Back")
        self.next_button = QPushButton("Next →")
        for button in (self.skip_button, self.back_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button)
        self.skip_button.clicked.connect(self.finish)
        self.back_button.clicked.connect(lambda: self.go(self.step - 1))
        self.next_button.clicked.connect(self.advance)
        layout.addLayout(row)
        self.setFixedWidth(460)
        window.pane.installEventFilter(self)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)  # the tour's keys, wherever the focus is (see the docstring)
        self.go(0)

    def go(self, step: int) -> None:
        self.step = max(0, min(step, len(TOUR_STEPS) - 1))
        title, text = TOUR_STEPS[self.step]
        self.title.setText(title)
        self.text.setText(text)
        self.progress.setText(f"{self.step + 1} of {len(TOUR_STEPS)}")
        self.back_button.setEnabled(self.step > 0)
        last = self.step == len(TOUR_STEPS) - 1
        self.next_button.setText("Start annotating" if last else "Next →")
        self.adjustSize()
        self.place()

    def advance(self) -> None:
        if self.step == len(TOUR_STEPS) - 1:
            self.finish()
        else:
            self.go(self.step + 1)

    def finish(self) -> None:
        self.window_.qsettings.setValue(TOUR_KEY, True)
        self.window_.pane.removeEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.hide()
        _reserve(self.window_.pane, 0)
        self.window_.pane.setFocus()
        self.deleteLater()

    def place(self) -> None:
        """At the foot of the reading pane, in the bottom margin the pane keeps free for it (so
        no line of text is under the card), clear of the pane's scroll bar."""
        pane = self.window_.pane
        _reserve(pane, self.height() + 2 * CARD_GAP)
        corner = pane.mapTo(self.window_.window(), pane.rect().bottomRight())
        right = corner.x() - pane.verticalScrollBar().width() - CARD_GAP
        self.move(max(0, right - self.width()), max(0, corner.y() - self.height() - CARD_GAP))
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if watched is self.window_.pane and kind in (QEvent.Type.Resize, QEvent.Type.Move):
            self.place()
            return False
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not self.isVisible():
            return False
        if not isinstance(event, QKeyEvent) or not self._takes(watched, event):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no window shortcut (Esc, Enter of the reading pane) takes the key
        else:
            self.keyPressEvent(event)
        return True

    def _takes(self, watched: QObject, event: QKeyEvent) -> bool:
        """Whether a key sent to ``watched`` is the tour's: one of its keys, without modifiers,
        to a widget of this window, other than the card itself and a field the analyst types in."""
        if event.key() not in TOUR_KEYS or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if not isinstance(watched, QWidget) or watched is self or self.isAncestorOf(watched):
            return False
        if watched.window() is not self.window_.window():
            return False
        return not typing_in(watched)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.advance()
        elif key == Qt.Key.Key_Left:
            self.go(self.step - 1)
        elif key == Qt.Key.Key_Escape:
            self.finish()
        else:
            super().keyPressEvent(event)


def _reserve(pane: QWidget, height: int) -> None:
    """Keep ``height`` pixels free at the foot of the reading pane's text (0: none)."""
    setter = getattr(pane, "set_bottom_margin", None)
    if setter is not None:
        setter(height)


def show_tour(window: FirstRunHost) -> TourCard:
    """Show the tour now (Help > Guided tour), whether or not it was seen before."""
    existing = window.findChild(TourCard, "tourCard")
    if existing is not None and existing.isVisible():
        existing.setFocus()
        return existing
    card = TourCard(window)
    card.show()
    card.place()
    card.setFocus()
    return card


def first_run(window: FirstRunHost, offer: bool = True) -> TourCard | None:
    """At start-up: the sample-corpus offer (empty database), then the tour (once). Returns
    the tour card if it is shown now (after an accepted offer it comes when the import ends)."""
    importing = offer and offer_sample_corpus(window)
    if _flag(window, TOUR_KEY):
        return None
    if importing and window.worker is not None:
        # The tour talks about the documents: show it when they are there (and opened, which
        # gives the reading pane the focus), so that its keys reach it.
        window.worker.finished.connect(lambda _report: show_tour(window))
        return None
    return show_tour(window)


def tour_widget(window: QWidget) -> TourCard | None:
    card = window.findChild(TourCard, "tourCard")
    return card if card is not None and card.isVisible() else None
