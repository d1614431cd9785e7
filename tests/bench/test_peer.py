"""The data ``python -m bench.peer`` hands each tool: the same texts and spans on both sides.

The timed calls need a running Label Studio server and are not run here; what both tools are
given is checked by the project's own readers: the Label Studio tasks by the Label Studio
reader (``formats/labelstudio.py``), the annotator files by the native reader and the import.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from annotator.core.labels import default_labels
from annotator.formats.labelstudio import read_labelstudio
from annotator.formats.native import read_jsonl
from annotator.services.importing import import_paths
from annotator.store import Store
from bench import corpus
from bench.peer import SPANS_PER_TEXT, label_config, labelstudio_tasks, peer_data, write_annotator_files


def test_the_same_texts_and_spans_every_time() -> None:
    data = peer_data(50)
    assert data == peer_data(50)
    assert len(data.texts) == len(set(data.texts)) == 50
    assert all(len(spans) == SPANS_PER_TEXT for spans in data.spans)
    for text, spans in zip(data.texts, data.spans, strict=True):
        assert all(0 <= a < b <= len(text) and label in corpus.LABELS for a, b, label in spans)


def test_the_label_config_names_every_label_over_the_text_field() -> None:
    view = ET.fromstring(label_config())
    labels = view.find("Labels")
    text = view.find("Text")
    assert labels is not None and text is not None
    assert (labels.get("name"), labels.get("toName")) == ("label", text.get("name"))
    assert text.get("value") == "$text"
    assert [label.get("value") for label in labels] == list(corpus.LABELS)


def test_label_studio_tasks_hold_the_spans(tmp_path: Path) -> None:
    data = peer_data(30)
    plain = labelstudio_tasks(data, with_spans=False)
    assert plain == [{"data": {"text": t}} for t in data.texts]
    tasks = labelstudio_tasks(data, with_spans=True)
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    records = read_labelstudio(path).records
    assert [r.text for r in records] == data.texts
    assert [[(s.start, s.end, s.label) for s in r.spans] for r in records] == data.spans


def test_annotator_gets_the_same_texts_and_spans(tmp_path: Path) -> None:
    data = peer_data(30)
    texts, records = write_annotator_files(data, tmp_path / "files")
    marked = read_jsonl(records)
    assert [r.text for r in marked] == data.texts
    assert [[(s.start, s.end, s.label) for s in r.spans] for r in marked] == data.spans
    store = Store(tmp_path / "db.sqlite")
    try:
        report = import_paths(store, [texts], default_labels(), None)
        assert len(report.added) == 30
        assert sorted(store.documents.get(doc_id).text for _, doc_id in report.added) == sorted(data.texts)
    finally:
        store.close()
