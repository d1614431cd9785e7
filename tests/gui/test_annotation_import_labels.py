"""File > Import annotations applies the project's labels; new ones only with the analyst's yes."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.store import Store


def _colleague_file(seeded_db: Path, tmp_path: Path) -> Path:
    store = Store(seeded_db)
    doc = store.documents.get(store.documents.ids()[2])
    store.close()
    start = doc.text.index("Esmail Qaani")
    record = {
        "text": doc.text,
        "annotator": "bob",
        "spans": [{"start": start, "end": start + 12, "label": "PER", "text": "Esmail Qaani"}],
    }
    path = tmp_path / "bob.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def _bob_spans(window) -> list[str]:
    names = {a.name: a.id for a in window.store.annotators.all()}
    if "bob" not in names:
        return []
    return [s.label for d in window.store.documents.ids() for s in window.store.spans.in_document(d, annotator_id=names["bob"])]


def test_unknown_labels_are_refused_unless_the_analyst_agrees(open_window, qtbot, seeded_db: Path, tmp_path: Path) -> None:
    path = _colleague_file(seeded_db, tmp_path)
    window, dialogs = open_window(seeded_db)

    dialogs.open_answers.append([path])
    dialogs.confirm_answers.append(False)  # "Import them anyway?" -> no
    window.act_import_annotations.trigger()
    qtbot.waitUntil(lambda: window._annotation_import.finished, timeout=30000)
    assert _bob_spans(window) == []
    assert any("unknown label 'PER'" in message for _title, message in dialogs.errors + dialogs.infos)

    dialogs.open_answers.append([path])
    dialogs.confirm_answers.append(True)
    window.act_import_annotations.trigger()
    qtbot.waitUntil(lambda: window._annotation_import.finished, timeout=30000)
    assert _bob_spans(window) == ["PER"]
