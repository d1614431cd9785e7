"""Bad files in the other tools' formats are refused with the file, the line (or record) and the
reason of every problem; offsets that fit no counting are never shifted to fit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError, InputErrors
from annotator.formats.registry import read_annotations


def errors_of(path: Path, fmt: str = "auto") -> list[str]:
    with pytest.raises((InputError, InputErrors)) as info:
        read_annotations(path, fmt)
    exc = info.value
    return [e.message for e in exc.errors] if isinstance(exc, InputErrors) else [exc.message]


def test_prodigy_bad_lines_all_named(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    good = {"text": "Qaani met Assad", "spans": [{"start": 0, "end": 5, "label": "PERSON"}]}
    bad_end = {"text": "Qaani", "spans": [{"start": 0, "end": "5", "label": "PERSON"}]}
    path.write_text(
        json.dumps(good) + "\nnot json\n" + json.dumps(bad_end) + "\n"
        '{"text": "Qaani", "spans": [], "answer": "maybe"}\n',
        encoding="utf-8",
    )
    messages = errors_of(path, "prodigy")
    assert messages[0].startswith(f"{path}:2: invalid JSON")
    assert messages[1] == f"{path}:3: spans[0]: 'end' must be an integer, not \"5\""
    assert messages[2].startswith(f"{path}:4: 'answer' must be one of accept, reject, ignore")


def test_span_past_the_end_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(
        '{"text": "Qaani met Assad", "label": [[10, 15, "PERSON"]]}\n'
        '{"text": "Qaani met Assad", "label": [[10, 25, "PERSON"]]}\n',
        encoding="utf-8",
    )
    messages = errors_of(path, "doccano")
    assert messages == [
        f"{path}:2: label[0]: offsets 10-25 (PERSON) do not fit the text (15 characters)"
    ]


def test_surface_that_fits_no_counting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    text = "🔥 Qaani met Assad"
    span = {"start": 2, "end": 7, "label": "PERSON", "text": "Assad"}
    path.write_text(json.dumps({"text": text, "spans": [span]}) + "\n", encoding="utf-8")
    messages = errors_of(path, "prodigy")
    assert messages[0] == (
        f"{path}:1: spans[0]: offsets 2-7 (PERSON) cover 'Qaani', but the file says 'Assad'"
    )
    assert "no counting of offsets fits every span" in messages[-1]


def test_doccano_label_entry_must_be_a_triple(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "Qaani", "label": [[0, 5]]}\n', encoding="utf-8")
    assert errors_of(path) == [f"{path}:1: label[0] must be [start, end, label]"]


def test_labelstudio_task_without_text_is_named(tmp_path: Path) -> None:
    path = tmp_path / "ls.json"
    tasks = [
        {"id": 1, "data": {"text": "Qaani"}, "annotations": []},
        {"id": 7, "data": {"a": "x", "b": "y"}, "annotations": []},
        {"id": 8, "data": {"text": "Qaani"}, "annotations": [{"result": [
            {"type": "labels", "value": {"start": 0, "end": 5, "labels": []}}]}]},
    ]
    path.write_text(json.dumps(tasks), encoding="utf-8")
    assert errors_of(path) == [
        f"{path}: task 2 (id 7): no 'text' in the task's data",
        f"{path}: task 3 (id 8) annotation 0.result[0]: 'labels' must be a non-empty list",
    ]


def test_brat_bad_lines_missing_text_and_wrong_surface(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Qaani met Assad\n", encoding="utf-8")
    (tmp_path / "a.ann").write_text(
        "T1\tPERSON 0 5\tQaani\nT2\tPERSON 10 15\nX1\tsomething\nT3\tPERSON 0 5\tAssad\n",
        encoding="utf-8",
    )
    (tmp_path / "orphan.ann").write_text("T1\tPERSON 0 5\tQaani\n", encoding="utf-8")
    messages = errors_of(tmp_path)
    ann = tmp_path / "a.ann"
    assert f"{ann}:2: expected 'T<n><TAB>LABEL START END<TAB>text'" in messages
    assert f"{ann}:3: unknown annotation type 'X1'" in messages
    assert f"{tmp_path / 'orphan.ann'}: no text file orphan.txt beside this .ann file" in messages

    (tmp_path / "a.ann").write_text("T3\tPERSON 0 5\tAssad\n", encoding="utf-8")
    (tmp_path / "orphan.ann").unlink()
    assert errors_of(tmp_path) == [
        f"{ann}: line 1 (T3): offsets 0-5 (PERSON) cover 'Qaani', but the file says 'Assad'"
    ]


def test_not_a_docbin(tmp_path: Path) -> None:
    path = tmp_path / "x.spacy"
    path.write_bytes(b"\x00\x01garbage")
    [message] = errors_of(path)
    assert message.startswith(f"{path}: not a spaCy DocBin file")


def test_missing_file(tmp_path: Path) -> None:
    assert errors_of(tmp_path / "none.jsonl") == [f"{tmp_path / 'none.jsonl'}: no such file"]


def test_unknown_format_name(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    [message] = errors_of(path, "conll")
    assert "unknown format 'conll'" in message


def test_prodigy_file_of_only_rejects_holds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"text": "Qaani", "spans": [], "answer": "reject"}\n', encoding="utf-8")
    assert errors_of(path) == [f"{path}: the file holds no accepted task"]
