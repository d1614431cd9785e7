"""Starting, importing in the background, remembering the layout, plain-text safety, screenshots."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from annotator.settings import Settings
from annotator.store import Store


def test_first_start_asks_the_annotator_name_once(open_window, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    window, dialogs = open_window(db, annotator=None)
    assert window.session.annotator.name  # asked (the scripted answer is the default login name)
    assert Settings.load().annotator == window.session.annotator.name
    window.close()
    window2, dialogs2 = open_window(db, annotator=None)
    dialogs2.texts.append("should not be asked")
    assert window2.session.annotator.name == window.session.annotator.name


def test_import_runs_in_background_with_progress_then_opens(
    open_window, qtbot, tmp_path: Path, seeds_dir: Path
) -> None:
    db = tmp_path / "fresh.sqlite"
    window, dialogs = open_window(db)
    assert window.doc_model.rowCount() == 0
    dialogs.open_answers.append([seeds_dir])
    progress_seen: list[tuple[int, int]] = []
    window.import_folder_dialog()
    dialog = window.io.import_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and not dialog.reading, timeout=60000)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.worker is not None
    dialog.worker.progress.connect(lambda d, t, _m: progress_seen.append((d, t)))
    assert dialog.progress.isVisible() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.worker.running, timeout=60000)
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == 5, timeout=5000)
    assert not dialog.isVisible()
    assert progress_seen and progress_seen[-1][0] == progress_seen[-1][1] == 5
    assert window.doc_id is not None
    assert any(i.suggestion for i in window.pane.shown_spans())  # highlighted on arrival
    assert not dialogs.errors


def test_bad_import_shows_message_and_changes_nothing(open_window, qtbot, tmp_path: Path) -> None:
    db = tmp_path / "fresh.sqlite"
    window, dialogs = open_window(db)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n[1, 2]\n', encoding="utf-8")
    window.start_import([bad])
    qtbot.waitUntil(lambda: not window.worker.running, timeout=30000)
    qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=5000)
    title, message = dialogs.errors[0]
    assert f"{bad}:2" in message and "object" in message
    assert window.store.documents.count() == 0


def test_window_layout_and_font_are_restored(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    window.label_dock.hide()
    window.change_font(+3)
    size = window.pane.font_size()
    window.close()
    window2, _ = open_window(seeded_db)
    assert not window2.label_dock.isVisible()
    assert window2.pane.font_size() == size


def test_article_markup_is_shown_literally(open_window, qtbot, tmp_path: Path) -> None:
    hostile = (
        "<b>Bold?</b> <script>alert('x')</script> <img src=\"http://example.invalid/x.png\">\n"
        "<a href='file:///etc/passwd'>link</a> &amp; <qt><font color=red>red</font></qt>"
    )
    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps({"text": hostile, "meta": {"title": "<i>t</i>"}}) + "\n", encoding="utf-8")
    db = tmp_path / "h.sqlite"
    store = Store(db)
    from annotator.core.labels import default_labels
    from annotator.services.importing import import_paths

    import_paths(store, [source], default_labels(), None)
    store.close()
    window, _ = open_window(db)
    assert window.pane.toPlainText() == hostile
    assert window.pane.document().toPlainText() == hostile
    assert window.title_label.text() == "<i>t</i>"
    assert window.title_label.textFormat() == Qt.TextFormat.PlainText
    # Nothing was turned into an image or an anchor.
    doc = window.pane.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            assert not fragment.charFormat().isImageFormat()
            assert not fragment.charFormat().isAnchor()
            it += 1
        block = block.next()


def _count_colour(image: QImage, colour: str, tolerance: int = 40) -> int:
    target = QColor(colour)
    hits = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - target.red()) < tolerance
                and abs(c.green() - target.green()) < tolerance
                and abs(c.blue() - target.blue()) < tolerance
            ):
                hits += 1
    return hits


def test_confirmed_span_is_painted_as_a_fill(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    pane = window.pane
    text = pane.text()
    before = pane.viewport().grab().toImage()
    # Confirm every suggestion: the label colours must now fill the text background.
    qtbot.keyClick(
        pane, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    after = pane.viewport().grab().toImage()
    gpe = window.labels.color("GPE")
    # GPE fill is the label colour at partial alpha over white: a light green.
    fill = QColor(gpe)
    fill.setAlpha(110)
    blended = QColor(
        round(255 + (fill.red() - 255) * 110 / 255),
        round(255 + (fill.green() - 255) * 110 / 255),
        round(255 + (fill.blue() - 255) * 110 / 255),
    )
    assert "Syria" in text or "Iran" in text
    assert _count_colour(after, blended.name(), 12) > 3 * max(1, _count_colour(before, blended.name(), 12))


def test_screenshot_command_draws_highlighted_window(tmp_path: Path, seeds_dir: Path) -> None:
    shot = tmp_path / "shot.png"
    env_db = tmp_path / "s.sqlite"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotator",
            "gui",
            "--db",
            str(env_db),
            "--annotator",
            "alice",
            "--screenshot",
            str(shot),
            "--doc",
            "3",
            str(seeds_dir),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 600
    # Suggestions are drawn with a faint fill of their label colour (alpha 40 over white): the
    # GPE green #009E73 becomes #D7F0E9, and many place names of seed 003 carry it.
    assert _count_colour(image, "#D7F0E9", 6) > 50
