"""Which span labels ``import-annotations`` accepts: the label set on the entity layer, the
analysis schema's lists on the event, frame and persuasion layers; anything else only with
``--allow-new-labels``, which imports it and says so.

Files the project writes itself, in every format, import back under the rule.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.formats.registry import WRITE_FORMATS
from annotator.services.annotations_import import import_annotations
from annotator.store import Store

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
TEXT = "Tehran hosted the talks on Monday."


def span(word: str, label: str, layer: str = "entity") -> dict[str, object]:
    start = TEXT.index(word)
    return {"start": start, "end": start + len(word), "label": label, "text": word, "layer": layer}


def write(path: Path, spans: list[dict[str, object]]) -> Path:
    record = {"text": TEXT, "annotator": "ana", "meta": {"lang": "en"}, "spans": spans}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def stored_labels(db: Path) -> set[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return set(con.execute("SELECT layer, label FROM span"))
    finally:
        con.close()


def test_labels_of_every_layer_in_the_set_and_schema_are_accepted(tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path / "ok.jsonl",
        [
            span("Tehran", "GPE"),
            span("Monday", "DATE"),
            span("hosted", "CONSULT", "event"),
            span("the talks", "Political", "frame"),
            span("talks", "Loaded_Language", "persuasion"),
        ],
    )
    db = tmp_path / "a.sqlite"
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "outside the label set" not in out
    assert stored_labels(db) == {
        ("entity", "GPE"),
        ("entity", "DATE"),
        ("event", "CONSULT"),
        ("frame", "Political"),
        ("persuasion", "Loaded_Language"),
    }


def test_a_schema_label_on_the_entity_layer_is_unknown(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "x.jsonl", [span("hosted", "CONSULT"), span("talks", "GPE", "frame")])
    db = tmp_path / "a.sqlite"
    assert main(["import-annotations", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: span 7-13 'hosted': unknown label 'CONSULT' (known: PERSON, ORG," in err
    assert f"{path}:1: span 18-23 'talks': unknown frame label 'GPE' (known: Economic," in err
    assert not db.exists()  # refused: no new database is left behind


def test_allow_new_labels_imports_them_and_lists_them(tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path / "new.jsonl",
        [
            span("Tehran", "CITY"),
            span("Monday", "CITY"),
            span("talks", "GPE"),
            span("hosted", "Host", "sentiment"),
        ],
    )
    db = tmp_path / "a.sqlite"
    assert main(["import-annotations", str(path), "--db", str(db), "--allow-new-labels"]) == 0
    out = capsys.readouterr().out
    assert (
        f"{path}: labels outside the label set and schema, imported: 'CITY' on the entity layer "
        "(2 spans), 'Host' on the sentiment layer (1 span)"
    ) in out
    assert stored_labels(db) == {("entity", "CITY"), ("entity", "GPE"), ("sentiment", "Host")}


def test_the_label_set_given_with_labels_decides_the_entity_layer(tmp_path: Path, capsys) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text(
        json.dumps({"labels": [{"name": "CITY", "key": "c", "color": "#112233"}]}), encoding="utf-8"
    )
    path = write(tmp_path / "city.jsonl", [span("Tehran", "CITY"), span("hosted", "CONSULT", "event")])
    db = tmp_path / "a.sqlite"
    assert main(["import-annotations", str(path), "--db", str(db), "--labels", str(labels)]) == 0
    assert stored_labels(db) == {("entity", "CITY"), ("event", "CONSULT")}
    # The default set does not hold CITY; the given one does not hold GPE.
    assert main(["import-annotations", str(path), "--db", str(tmp_path / "b.sqlite")]) == 2
    gpe = write(tmp_path / "gpe.jsonl", [span("Tehran", "GPE")])
    assert main(["import-annotations", str(gpe), "--db", str(db), "--labels", str(labels)]) == 2
    assert "unknown label 'GPE' (known: CITY)" in capsys.readouterr().err


def test_one_message_per_unknown_label_of_a_record(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "x.jsonl", [span("Tehran", "PER"), span("Monday", "PER")])
    assert main(["import-annotations", str(path), "--db", str(tmp_path / "a.sqlite")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"annotator: {path}:1: span 0-6 'Tehran' and 1 more span(s): unknown label 'PER' "
        "(known: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, DATE, MISC)"
    ]


def test_without_a_label_rule_the_service_imports_any_label(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    try:
        report = import_annotations(store, BAD / "ann_unknown_label.jsonl")
    finally:
        store.close()
    assert report.spans_added == 1
    assert report.new_labels == {}


@pytest.mark.parametrize("fmt", WRITE_FORMATS)
def test_an_export_of_the_annotated_seeds_imports_back_under_the_rule(
    fmt: str, annotated_db: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / ("export" if fmt == "brat" else f"export.{fmt}")
    assert main(["export", str(out), "--db", str(annotated_db), "--format", fmt, "--kind", "human"]) == 0
    db = tmp_path / "fresh.sqlite"
    args = ["import-annotations", str(out), "--db", str(db), "--format", fmt, "--as", "copy"]
    status = main(args)
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "outside the label set" not in captured.out
    layers = {layer for layer, _ in stored_labels(db)}
    assert "entity" in layers
