"""A reject (X) and its undo (Ctrl+Z) update only the suggestions of the rejected form, and the
pane then shows exactly what a reload of the whole document shows: on SQLite and PostgreSQL, with
the places where a reload has a say of its own (another model's suggestion at the same offsets
showing once the first is rejected, the analyst's span and a marked region hiding one, the same
form spelt over a line break or after a space, the form inside a longer word), and while the
spans after the first screen are still loading.

No statement of a reject or its undo reads the document's spans without a condition on where
they start: the whole document is never read again for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import event

from annotator.core.model import AnnotatorKind, Document, DocumentMeta, Origin, Span
from annotator.core.regions import Region, RegionKind
from annotator.gui.reading_pane import ShownSpan
from annotator.store import Store

PARAGRAPH = (
    "Officials in Tehran met envoys from New York on Monday. The Tehranis said little.\n"
    "A statement from  Tehran followed, and New\nYork answered; New  York agreed.\n"
    "Later, Tehran and Paris spoke again about the talks in Tehran.\n\n"
)


def _database(url: Path | str, paragraphs: int) -> tuple[int, int]:
    """A database with a short document and a long one (``paragraphs`` times ``PARAGRAPH``),
    suggested by two models. Returns (short id, long id)."""
    text = PARAGRAPH * paragraphs
    store = Store(url)
    try:
        first = store.annotators.get_or_create("model-a", AnnotatorKind.MODEL, "1")
        second = store.annotators.get_or_create("model-b", AnnotatorKind.MODEL, "1")
        alice = store.annotators.get_or_create("alice")
        tehran = [(m.start(), m.end()) for m in re.finditer("Tehran", text)]
        new_york = [(m.start(), m.end()) for m in re.finditer(r"New\s+York", text)]
        a_spans = [Span(s, e, "GPE", Origin.MODEL) for s, e in tehran + new_york]
        a_spans += [Span(s - 1, e, "GPE", Origin.MODEL) for s, e in tehran[1::9]]  # " Tehran"
        a_spans += [Span(m.start(), m.end(), "GPE", Origin.MODEL) for m in re.finditer("Paris", text)]
        # The second model: ORG on every other Tehran (shown once model A's GPE there is
        # rejected: one suggestion per offsets, the first model's first), LOC on a few.
        b_spans = [Span(s, e, "ORG", Origin.MODEL) for s, e in tehran[::2]]
        b_spans += [Span(s, e, "LOC", Origin.MODEL) for s, e in tehran[::5]]
        short = Document("Tehran is short.", DocumentMeta(title="Short", filename="short.txt"))
        regions = (Region(tehran[3][0] - 2, tehran[3][1] + 2, RegionKind.BOILERPLATE),)
        long = Document(text, DocumentMeta(title="Long", filename="long.txt", lang="en"), regions=regions)
        short_id, long_id = store.documents.add([short, long])
        store.spans.add(long_id, first.id, a_spans)
        store.spans.add(long_id, second.id, b_spans)
        store.spans.add(long_id, alice.id, [Span(*tehran[6], "PERSON", Origin.MANUAL)])
        store.rejections.add([("Paris", "GPE")])  # rejected before: stays hidden throughout
    finally:
        store.close()
    return short_id, long_id


def _forms(window, label: str) -> set[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    text = window.pane.text()
    return {
        (i.span.start, i.span.end, text[i.span.start : i.span.end])
        for i in window.pane.shown_spans()
        if i.suggestion and i.span.label == label
    }


def _as_reloaded(window) -> list[ShownSpan]:  # type: ignore[no-untyped-def]
    """What the pane shows now, checked against a reload of the whole document (which then
    stays on show)."""
    shown = list(window.pane.shown_spans())
    window.spans.refresh()
    reloaded = list(window.pane.shown_spans())
    assert shown == reloaded
    return shown


def _span_reads(window) -> Callable[[], list[str]]:  # type: ignore[no-untyped-def]
    """The statements that read spans, since the last call."""
    seen: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if "FROM span s" in statement:
            seen.append(statement)

    event.listen(window.store.engine, "before_cursor_execute", before)

    def take() -> list[str]:
        out = list(seen)
        seen.clear()
        return out

    return take


def _whole(sql: str) -> bool:
    """Whether a statement reads spans wherever they start (the whole document)."""
    return not any(where in sql for where in ("s.start >=", "s.start IN", "s.start = ANY"))


def _press(qtbot, pane, reads, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """A key on the pane; the statements it sent read no span of the whole document."""
    reads()
    qtbot.keyClick(pane, key, modifier)
    assert not [sql for sql in reads() if _whole(sql)]


def _make_current(window, qtbot, start: int, end: int, label: str) -> None:  # type: ignore[no-untyped-def]
    """N until the suggestion at text[start:end] with ``label`` is current."""
    pane = window.pane
    for _ in range(len(pane.shown_spans())):
        qtbot.keyClick(pane, Qt.Key.Key_N)
        current = pane.current
        assert current is not None
        if (current.span.start, current.span.end, current.span.label) == (start, end, label):
            return
    raise AssertionError(f"no suggestion {label} at {start}-{end}")


def test_x_and_ctrl_z_show_what_a_reload_shows(open_window, qtbot, store_url) -> None:  # type: ignore[no-untyped-def]
    short_id, long_id = _database(store_url, 3)
    window, _ = open_window(store_url)
    window.select_document(long_id)
    qtbot.waitUntil(window.pane.spans_complete)
    pane = window.pane
    text = pane.text()
    before = _as_reloaded(window)
    gpe = _forms(window, "GPE")
    assert {f for _s, _e, f in gpe} == {"Tehran", " Tehran", "New York", "New\nYork", "New  York"}
    org_before = _forms(window, "ORG")
    reads = _span_reads(window)

    first = min((s, e) for s, e, f in gpe if f == "Tehran")
    pane.setFocus()
    _make_current(window, qtbot, *first, "GPE")
    _press(qtbot, pane, reads, Qt.Key.Key_X)
    # Every Tehran (the one after a space too) goes, New York stays; where model B suggested
    # ORG at the same offsets, its suggestion shows now (not where the analyst's span is).
    assert {f for _s, _e, f in _forms(window, "GPE")} == {"New York", "New\nYork", "New  York"}
    org_after = _forms(window, "ORG")
    assert org_after > org_before
    assert all(f == "Tehran" for _s, _e, f in org_after)
    rejected = _as_reloaded(window)

    _press(qtbot, pane, reads, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == long_id
    assert _as_reloaded(window) == before

    window.undo_stack.redo()  # the reject again
    assert _as_reloaded(window) == rejected
    _press(qtbot, pane, reads, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    # The same form over a line break or two spaces: one form, all three go with X.
    spaced = next((s, e) for s, e, f in _forms(window, "GPE") if f == "New\nYork")
    _make_current(window, qtbot, *spaced, "GPE")
    _press(qtbot, pane, reads, Qt.Key.Key_X)
    assert not {f for _s, _e, f in _forms(window, "GPE")} & {"New York", "New\nYork", "New  York"}
    _as_reloaded(window)
    _press(qtbot, pane, reads, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _as_reloaded(window) == before
    assert text == pane.text()

    # Paris was rejected before: it shows neither before nor after.
    assert not any(text[i.span.start : i.span.end] == "Paris" for i in before if i.suggestion)
    window.select_document(short_id)


def test_a_reject_while_the_rest_still_loads(open_window, qtbot, store_url) -> None:  # type: ignore[no-untyped-def]
    """X on the first screen before the spans after it are loaded: the loaded ones change at
    once, the rest load with the reject already made, and the whole equals a reload."""
    short_id, long_id = _database(store_url, 200)
    window, _ = open_window(store_url)
    window.select_document(short_id)
    qtbot.waitUntil(window.pane.spans_complete)
    reads = _span_reads(window)
    window.select_document(long_id)  # no event loop pass: only the first screen is loaded
    pane = window.pane
    assert not pane.spans_complete()
    loaded = pane.loaded_until()
    first = min(
        (s for s in pane.suggestions_labelled({"GPE"}) if pane.text()[s.start : s.end] == "Tehran"),
        key=lambda s: s.start,
    )
    pane.set_current(ShownSpan(first, True), reveal=False)
    pane.setFocus()
    _press(qtbot, pane, reads, Qt.Key.Key_X)
    assert not pane.spans_complete() and pane.loaded_until() == loaded
    assert not [s for s in pane.suggestions_labelled({"GPE"}) if pane.text()[s.start : s.end] == "Tehran"]
    qtbot.waitUntil(pane.spans_complete)
    rejected = _as_reloaded(window)
    assert not any(i.suggestion and i.span.label == "GPE" and pane.text()[i.span.start : i.span.end]
                   == "Tehran" for i in rejected)

    # The undo, again before the rest is loaded.
    window.select_document(short_id)
    qtbot.waitUntil(pane.spans_complete)
    window.select_document(long_id)
    assert not pane.spans_complete()
    _press(qtbot, pane, reads, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == long_id
    assert not pane.spans_complete()
    qtbot.waitUntil(pane.spans_complete)
    restored = _as_reloaded(window)
    assert any(i.suggestion and i.span.label == "GPE" and pane.text()[i.span.start : i.span.end]
               == "Tehran" for i in restored)


def test_enter_on_a_suggestion_reads_only_where_it_is(open_window, qtbot, store_url) -> None:  # type: ignore[no-untyped-def]
    """Enter accepts a suggestion (a name of a known actor as a mention of it): the spans where
    it lies are read again, not the whole document; Ctrl+Z brings the suggestion back."""
    from annotator.core.actors import Actor

    _short_id, long_id = _database(store_url, 3)
    store = Store(store_url)
    try:
        store.actors.add(Actor(name="Tehran", kind="state", country="IRN"))
    finally:
        store.close()
    window, _ = open_window(store_url)
    window.select_document(long_id)
    qtbot.waitUntil(window.pane.spans_complete)
    pane = window.pane
    before = _as_reloaded(window)
    reads = _span_reads(window)
    for form in ("Tehran", "New York"):
        start, end = min((s, e) for s, e, f in _forms(window, "GPE") if f == form)
        pane.setFocus()
        _make_current(window, qtbot, start, end, "GPE")
        _press(qtbot, pane, reads, Qt.Key.Key_Return)
        accepted = [i for i in pane.spans_matching(start, end) if not i.suggestion]
        assert [(i.span.label, i.span.origin) for i in accepted] == [("GPE", Origin.MODEL)]
        _as_reloaded(window)
    mentions = window.store.mentions.in_document(long_id, window.session.annotator.id)
    assert any(window.store.actors.get(a).name == "Tehran" for a in mentions.values())
    for _ in range(2):
        _press(qtbot, pane, reads, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _as_reloaded(window) == before
