"""Behaviour at scale, in the real window: a 1 MB article with thousands of spans and emoji, and
a database of 20,000 documents. Timings belong to ``python -m bench``; these tests check that
what is shown and stored stays right when the pane and the list take their shortcuts (spans
loaded for the first screen first, highlights built for the screen only, edits reloading only
what they touched, the document list filtered and sorted in one pass)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.core.model import AnnotatorKind, Document, DocumentMeta, Origin, Span
from annotator.gui.main_window import MainWindow
from annotator.store import Store
from tests.gui.conftest import drag

ROOT = Path(__file__).resolve().parent.parent.parent
EMOJI = ("\U0001F600", "\U0001F1EE\U0001F1F7", "\U0001F4A5", "\U0001F30D")
OUTLETS = ("IRNA", "Tasnim", "Reuters", "Le Monde", "SANA")


def u16(text: str, cp: int) -> int:
    """Qt's position of code point ``cp``, computed without the code under test."""
    return len(text[:cp].encode("utf-16-le")) // 2


def _paragraphs() -> list[str]:
    out = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        out += [p.strip() for p in path.read_text(encoding="utf-8").splitlines() if p.strip()]
    return out


def long_text(size: int, rng: random.Random) -> str:
    """About ``size`` code points: the seeds' paragraphs shuffled, an emoji in most of them."""
    pool = _paragraphs()
    parts, length = [], 0
    while length < size:
        para = rng.choice(pool)
        words = para.split(" ")
        at = rng.randrange(len(words))
        words.insert(at, rng.choice(EMOJI))
        parts.append(" ".join(words))
        length += len(parts[-1]) + 1
    return "\n".join(parts) + "\n"


@pytest.fixture(scope="module")
def long_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """One ~1 MB article: 3,000 of the analyst's spans and 3,000 model suggestions on words."""
    rng = random.Random(4)
    text = long_text(1_000_000, rng)
    words = [(m.start(), m.end()) for m in re.finditer(r"[A-Z][a-z]{3,}", text)]
    chosen = sorted(rng.sample(words, 6000))
    labels = ("PERSON", "ORG", "GPE")
    own = [Span(a, b, rng.choice(labels)) for a, b in chosen[0::2]]
    model = [Span(a, b, rng.choice(labels), Origin.MODEL) for a, b in chosen[1::2]]
    path = tmp_path_factory.mktemp("long") / "long.sqlite"
    store = Store(path)
    alice = store.annotators.get_or_create("alice")
    spacy_model = store.annotators.get_or_create("en_core_web_sm", AnnotatorKind.MODEL, "3.8.0")
    doc = Document(text, DocumentMeta(title="Long report", lang="en", filename="long.txt"))
    (doc_id,) = store.documents.add([doc], [(0, alice.id, own), (0, spacy_model.id, model)])
    store.close()
    return path, doc_id, text


def _copy(src: Path, dst: Path) -> Path:
    import sqlite3

    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()
    return dst


def _open_long(open_window, qtbot, long_db, tmp_path: Path) -> tuple[MainWindow, int, str]:  # type: ignore[no-untyped-def]
    src, doc_id, text = long_db
    window, _ = open_window(_copy(src, tmp_path / "long.sqlite"))
    window.select_document(doc_id)
    # The first screen comes first; the other spans right after it.
    qtbot.waitUntil(window.pane.spans_complete, timeout=10000)
    return window, doc_id, text


def _expected_shown(store: Store, doc_id: int, a: int, b: int) -> set[tuple[int, int, str, bool]]:
    """What the pane must highlight in [a, b): alice's spans, and the model's spans whose offsets
    she has not confirmed, read from the database."""
    alice = store.annotators.get_or_create("alice").id
    own = {(s.start, s.end, s.label) for s in store.spans.in_document(doc_id, annotator_id=alice)}
    taken = {(s, e) for s, e, _ in own}
    model = {
        (s.start, s.end, s.label)
        for s in store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL)
        if (s.start, s.end) not in taken
    }
    return {(s, e, lab, False) for s, e, lab in own if s < b and e > a} | {
        (s, e, lab, True) for s, e, lab in model if s < b and e > a
    }


def test_the_first_screen_is_right_before_the_other_spans_are_loaded(open_window, long_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src, doc_id, text = long_db
    window, _ = open_window(_copy(src, tmp_path / "long.sqlite"))
    window.select_document(doc_id)
    pane = window.pane
    assert not pane.spans_complete()  # only the first screen's spans so far
    a, b = pane.visible_range()
    expected = _expected_shown(window.store, doc_id, a, b)
    assert len(expected) > 10
    found = {(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in pane.extraSelections()}
    assert {(u16(text, s), u16(text, e)) for s, e, _l, _g in expected} <= found
    assert not pane.spans_complete()  # checking did not need the rest


def test_highlights_are_right_after_scrolling_to_the_end(open_window, qtbot, long_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window, doc_id, text = _open_long(open_window, qtbot, long_db, tmp_path)
    pane = window.pane
    bar = pane.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(10)
    # To the end as an analyst goes there (Ctrl+End): the scroll range of a plain-text view is
    # only estimated until the blocks are laid out, so keep going until the end is reached.
    for _ in range(20):
        qtbot.keyClick(pane, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        bar.setValue(bar.maximum())
        qtbot.wait(10)
        if pane.visible_range()[1] >= len(text) - 2:
            break
    a, b = pane.visible_range()
    assert b >= len(text) - 2  # the end of the article is on screen
    assert text[:a].count("\n") > 2000  # far down a long text, after many emoji
    assert sum(text[:a].count(e) for e in EMOJI) > 1000

    expected = _expected_shown(window.store, doc_id, a, b)
    assert len(expected) > 10
    # Every expected span has an ExtraSelection at its UTF-16 positions, showing its own text.
    found = {
        (s.cursor.selectionStart(), s.cursor.selectionEnd()): s.cursor.selectedText()
        for s in pane.extraSelections()
    }
    for start, end, _label, _suggestion in expected:
        key = (u16(text, start), u16(text, end))
        assert key in found, (start, end, text[start:end])
        assert found[key] == text[start:end]
    # And the pane's own idea of the spans on screen is exactly the database's.
    shown = {
        (i.span.start, i.span.end, i.span.label, i.suggestion)
        for i in pane.shown_spans()
        if i.span.start < b and i.span.end > a
    }
    assert shown == expected


def _select_utf16(window: MainWindow, text: str, start: int, end: int) -> None:
    """Drag over text[start:end] with the mouse, positions found without the code under test."""
    pane = window.pane

    def point(cp: int, at_end: bool) -> QPoint:
        cursor = QTextCursor(pane.document())
        cursor.setPosition(u16(text, cp))
        rect = pane.cursorRect(cursor)
        return QPoint(rect.left() - 2 if at_end else rect.left() + 2, rect.center().y())

    cursor = QTextCursor(pane.document())
    cursor.setPosition(u16(text, start))
    pane.setTextCursor(cursor)
    pane.ensureCursorVisible()
    drag(pane.viewport(), point(start, False), point(end, True))


def test_add_delete_undo_near_the_end_store_the_right_offsets(open_window, qtbot, long_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window, doc_id, text = _open_long(open_window, qtbot, long_db, tmp_path)
    store = window.store
    alice = store.annotators.get_or_create("alice").id
    taken = {(s.start, s.end) for s in store.spans.in_document(doc_id)}
    # A word near the end, after an emoji on its line, that nobody has marked.
    for m in re.finditer(r"\b[a-z]{6,}\b", text[len(text) - 20_000 :]):
        start, end = len(text) - 20_000 + m.start(), len(text) - 20_000 + m.end()
        line_start = text.rfind("\n", 0, start) + 1
        if (start, end) not in taken and any(e in text[line_start:start] for e in EMOJI):
            break
    else:
        pytest.fail("no free word after an emoji near the end")
    before = len(store.spans.in_document(doc_id, annotator_id=alice))

    _select_utf16(window, text, start, end)
    assert window.pane.selection_codepoints() == (start, end)
    qtbot.keyClick(window.pane, Qt.Key.Key_1)  # PERSON
    mine = {(s.start, s.end): s for s in store.spans.in_document(doc_id, annotator_id=alice)}
    assert len(mine) == before + 1
    assert mine[(start, end)].label == "PERSON"
    assert text[start:end] == text[mine[(start, end)].start : mine[(start, end)].end]
    current = window.pane.current
    assert current is not None and (current.span.start, current.span.end) == (start, end)
    # Its highlight is where the word is.
    positions = {(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in window.pane.extraSelections()}
    assert (u16(text, start), u16(text, end)) in positions

    qtbot.keyClick(window.pane, Qt.Key.Key_X)  # delete it
    assert (start, end) not in {(s.start, s.end) for s in store.spans.in_document(doc_id, annotator_id=alice)}
    assert len(store.spans.in_document(doc_id, annotator_id=alice)) == before
    assert (start, end) not in {(i.span.start, i.span.end) for i in window.pane.shown_spans()}

    qtbot.keyClick(window.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    restored = [
        s for s in store.spans.in_document(doc_id, annotator_id=alice) if (s.start, s.end) == (start, end)
    ]
    assert [s.label for s in restored] == ["PERSON"]
    assert (start, end, "PERSON", False) in {
        (i.span.start, i.span.end, i.span.label, i.suggestion) for i in window.pane.shown_spans()
    }
    # The label counts follow the edits without a full reload.
    counts = {}
    for s in store.spans.in_document(doc_id, annotator_id=alice):
        counts[s.label] = counts.get(s.label, 0) + 1
    assert window._label_counts == counts


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Document]]:
    """20,000 short documents, stored in one call of the real store."""
    rng = random.Random(9)
    sentences = [s for p in _paragraphs() for s in re.split(r"(?<=[.!?])\s+", p) if len(s) > 30]
    docs = []
    for i in range(20_000):
        month = rng.randint(1, 12)
        meta = DocumentMeta(
            title=f"Item {i}", source=rng.choice(OUTLETS), date=f"2023-{month:02d}-{rng.randint(1, 28):02d}",
            lang="en", filename=f"item{i}.txt",
        )
        docs.append(Document(f"[{i}] " + " ".join(rng.sample(sentences, 2)), meta))
    path = tmp_path_factory.mktemp("big") / "big.sqlite"
    store = Store(path)
    alice = store.annotators.get_or_create("alice").id
    # Two documents far apart hold some of alice's spans (3 and 2): sorting by count finds them.
    marked = [(15_000, alice, [Span(0, 2, "ORG"), Span(4, 6, "ORG"), Span(8, 9, "GPE")]),
              (7, alice, [Span(0, 2, "ORG"), Span(4, 6, "GPE")])]
    store.documents.add(docs, marked)
    store.close()
    return path, docs


def test_a_large_database_lists_filters_and_sorts(open_window, qtbot, big_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src, docs = big_db
    window, _ = open_window(_copy(src, tmp_path / "big.sqlite"))
    assert window.doc_model.rowCount() == 20_000
    assert window.doc_proxy.rowCount() == 20_000
    view = window.doc_view
    top = view.indexAt(QPoint(5, 5))
    assert top.isValid() and top.data() == "Item 0"  # the list shows, in id order

    # Open a document that the filter keeps: it stays selected and open through the filter.
    keep = next(d for d in docs if d.meta.source == "IRNA" and d.meta.date.startswith("2023-05"))
    window.select_document(keep.id)
    qtbot.keyClicks(window.filter_edit, "irna 2023-05")
    expected = [d for d in docs if d.meta.source == "IRNA" and d.meta.date.startswith("2023-05")]
    assert window.doc_proxy.rowCount() == len(expected) > 100
    shown_ids = [
        window.doc_model.doc_id(window.doc_proxy.mapToSource(window.doc_proxy.index(r, 0)).row())
        for r in range(window.doc_proxy.rowCount())
    ]
    assert shown_ids == [d.id for d in expected]
    current = view.currentIndex()
    assert current.isValid()
    assert window.doc_model.doc_id(window.doc_proxy.mapToSource(current).row()) == keep.id
    assert window.doc_id == keep.id
    # The rows on screen show the outlet and, once fetched, their counts.
    assert window.doc_proxy.index(0, 1).data() == "IRNA"
    qtbot.waitUntil(lambda: window.doc_proxy.index(0, 5).data() == 0, timeout=5000)

    window.filter_edit.clear()
    assert window.doc_proxy.rowCount() == 20_000
    view.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # the analyst's spans, most first
    top_two = [window.doc_model.doc_id(window.doc_proxy.mapToSource(window.doc_proxy.index(r, 0)).row())
               for r in range(2)]
    assert top_two == [docs[15_000].id, docs[7].id]
    qtbot.waitUntil(lambda: [window.doc_proxy.index(r, 5).data() for r in range(3)] == [3, 2, 0])
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # outlet, Z to A
    first_outlet = window.doc_proxy.index(0, 1).data()
    last_outlet = window.doc_proxy.index(19_999, 1).data()
    assert (first_outlet, last_outlet) == (max(OUTLETS, key=str.casefold), min(OUTLETS, key=str.casefold))
    assert window.doc_id == keep.id  # sorting did not switch documents

    # A status change reaches the filter at once (no document of this corpus is done yet).
    window.pane.setFocus()
    qtbot.keyClick(window.pane, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # mark done
    window.filter_edit.setText("done")
    assert window.doc_proxy.rowCount() == 1
    assert window.doc_proxy.index(0, 4).data() == "Done"
    first_row = window.doc_proxy.mapToSource(window.doc_proxy.index(0, 0)).row()
    assert window.doc_model.doc_id(first_row) == keep.id
