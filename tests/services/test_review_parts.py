"""`annotator review A.jsonl B.jsonl` in parts (worker processes, each reading a byte range of
every file) gives the report of one process, byte for byte, whatever the files hold.

The corpus below has every case the matching knows: documents in the same order in every file
and shuffled, a white-space copy (marks carried over), records that are no judgment (left out),
documents one set alone holds, actors, events and frames (matched by name over whole sets), and
documents whose records fall into different parts. Bad files fall back to one process and are
reported as before.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.agreement import Tally
from annotator.core.errors import InputErrors
from annotator.services import annotation_sets
from annotator.services.process_parts import in_processes
from annotator.services.review import review_files
from tests.services.test_review import ALICE_ANALYSIS, BOB_ANALYSIS, CAROL_ANALYSIS

WORDS = ("Tehran", "Damascus", "Qaani", "Assad", "Hezbollah", "Beirut", "Moscow", "Ankara")
LABELS = ("PERSON", "ORG", "GPE")


def _text(i: int) -> str:
    rng = random.Random(i)
    words = [rng.choice(WORDS) for _ in range(12)]
    return f"Report {i}: " + " met ".join(words) + f" on day {i}."


def _record(name: str, text: str, rng: random.Random, status: str = "done") -> dict[str, object]:
    spans = []
    for word in sorted(set(WORDS) & set(text.split())):
        start = text.index(word)
        if rng.random() < 0.7:
            end = start + len(word) - (1 if rng.random() < 0.1 else 0)
            spans.append({"start": start, "end": end, "label": rng.choice(LABELS), "text": text[start:end]})
    spans.sort(key=lambda s: (s["start"], s["end"]))
    return {"text": text, "meta": {"lang": "en", "title": f"T {text[:9]}"}, "annotator": name,
            "status": status, "spans": spans}


def _corpus(tmp_path: Path, shuffle: bool) -> list[Path]:
    """Three annotators' files over 60 documents plus the analysis records of test_review."""
    rng = random.Random(5)
    files: dict[str, list[dict[str, object]]] = {"alice": [], "bob": [], "carol": []}
    for i in range(60):
        text = _text(i)
        for name, rows in files.items():
            if name == "carol" and i % 4 == 0:
                continue  # carol left a quarter out
            record = _record(name, text, rng)
            if name == "bob" and i % 9 == 0:
                record = {**record, "spans": [], "status": "todo"}  # no judgment: left out
            if name == "carol" and i == 7:
                record["text"] = text.replace(" met ", "  met\n", 2)  # a white-space copy
                record["spans"] = []
                record["status"] = "done"
            rows.append(record)
    files["alice"].append(_record("alice", "Only alice saw this one in Tehran.", rng))
    for name, analysis in (("alice", ALICE_ANALYSIS), ("bob", BOB_ANALYSIS), ("carol", CAROL_ANALYSIS)):
        files[name][10:10] = [{**r, "annotator": name} for r in analysis]
    if shuffle:
        random.Random(9).shuffle(files["bob"])
    paths = []
    for name, rows in files.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("shuffle", [False, True])
def test_parts_give_the_report_of_one_process(tmp_path: Path, shuffle: bool) -> None:
    paths = _corpus(tmp_path, shuffle)
    alone = review_files(paths, workers=1).to_json()
    assert alone["differences"]["events"] and alone["left_out"] and alone["pairs"][0]["actor_links"]
    assert alone["documents"]["only_in_one"] and alone["framing"]["documents"]
    for workers in (2, 3):
        assert review_files(paths, workers=workers).to_json() == alone
    # Two files, cut in the middle of the analysis records.
    assert review_files(paths[:2], workers=2).to_json() == review_files(paths[:2], workers=1).to_json()


def test_every_list_of_the_tally_is_put_back_in_document_order() -> None:
    # Every list but the annotators' names and their pairs (merged pair by pair) grows by document.
    lists = {f.name for f in dataclasses.fields(Tally) if str(f.type).startswith("list[")}
    assert lists - {"names", "pairs"} == set(annotation_sets.ORDERED_LISTS)


_TALLY_PART = annotation_sets.tally_part


def _marks_its_process(*arguments: object) -> object:
    """The count of a part, leaving a file named after the process that made it."""
    (Path(os.environ["REVIEW_PART_MARKS"]) / str(os.getpid())).touch()
    return _TALLY_PART(*arguments)  # type: ignore[arg-type]


def test_a_worker_process_reads_its_own_part(tmp_path: Path, monkeypatch) -> None:
    paths = _corpus(tmp_path, shuffle=False)
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("REVIEW_PART_MARKS", str(marks))
    alone = review_files(paths, workers=1).to_json()
    monkeypatch.setattr(annotation_sets, "tally_part", _marks_its_process)
    assert review_files(paths, workers=2).to_json() == alone
    processes = {int(p.name) for p in marks.iterdir()}
    assert os.getpid() in processes and len(processes) == 2


def _errors(paths: list[Path], workers: int) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        review_files(paths, workers=workers)
    return [e.message for e in caught.value.errors]


def test_bad_lines_in_a_later_part_are_reported_as_by_one_process(tmp_path: Path) -> None:
    paths = _corpus(tmp_path, shuffle=False)
    lines = paths[1].read_text(encoding="utf-8").splitlines()
    lines[-5] = lines[-5].replace('"spans": [', '"spans": [], "spans": [', 1)  # a key twice
    lines[-2] = '{"text": "x", "spans": [{"start": 0, "end": 9, "label": "ORG"}]}'
    paths[1].write_text("\n".join(lines) + "\n", encoding="utf-8")
    alone = _errors(paths, 1)
    assert len(alone) == 2 and "appears twice" in alone[0] and ":" + str(len(lines) - 1) in alone[1]
    assert _errors(paths, 2) == alone


def test_a_document_twice_in_one_file_is_reported_as_by_one_process(tmp_path: Path) -> None:
    paths = _corpus(tmp_path, shuffle=False)
    lines = paths[0].read_text(encoding="utf-8").splitlines()
    copy = json.loads(lines[1])
    copy["text"] = copy["text"].replace(" ", "  ")
    copy["spans"] = []
    lines.append(json.dumps(copy))  # the first document again, in the other part
    paths[0].write_text("\n".join(lines) + "\n", encoding="utf-8")
    alone = _errors(paths, 1)
    assert len(alone) == 1 and "the same document as" in alone[0]
    assert _errors(paths, 2) == alone


def test_a_file_of_several_annotators_is_named_as_by_one_process(tmp_path: Path) -> None:
    paths = _corpus(tmp_path, shuffle=False)
    lines = paths[2].read_text(encoding="utf-8").splitlines()
    last = json.loads(lines[-1])
    last["annotator"] = "dora"
    lines[-1] = json.dumps(last)
    paths[2].unlink()
    paths[2] = tmp_path / "third.jsonl"  # two annotators in it: the set is named by the file
    paths[2].write_text("\n".join(lines) + "\n", encoding="utf-8")
    alone = review_files(paths, workers=1).to_json()
    assert [a["name"] for a in alone["annotators"]] == ["alice", "bob", "third"]
    assert review_files(paths, workers=2).to_json() == alone


def test_the_disagreement_of_a_document_counts_spans_without_a_strict_partner(tmp_path: Path) -> None:
    text = "Ali met Bob in Paris."

    def span(word: str, label: str) -> dict[str, object]:
        start = text.index(word)
        return {"start": start, "end": start + len(word), "label": label}

    paths = []
    for name, spans in (
        ("alice", [span("Ali", "PER"), span("Bob", "PER"), span("Paris", "LOC")]),
        ("bob", [span("Ali", "PER"), span("Bob", "PER"), span("Paris", "ORG")]),
    ):
        path = tmp_path / f"{name}.jsonl"
        path.write_text(json.dumps({"text": text, "annotator": name, "spans": spans}) + "\n")
        paths.append(path)
    for workers in (1, 2):
        rows = review_files(paths, workers=workers).to_json()["documents_by_disagreement"]
        # Ali and Bob match; each Paris lacks a partner: two spans.
        assert [(r["spans"], r["total"]) for r in rows] == [(2, 2)]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_forked_and_spawned_workers_give_the_report_of_one_process(
    tmp_path: Path, monkeypatch, method: str
) -> None:
    # The command line forks its worker (one thread, no Qt); the window spawns one.
    paths = _corpus(tmp_path, shuffle=True)
    alone = review_files(paths, workers=1).to_json()
    monkeypatch.setattr(annotation_sets, "start_method", lambda: method)
    assert review_files(paths, workers=2).to_json() == alone


def test_the_command_lines_process_forks_and_a_process_with_qt_spawns() -> None:
    # A fresh interpreter as the command line has it: the review's modules (numpy's BLAS
    # threads included) and no Qt; then the same with Qt imported, as the window has it.
    code = (
        "import annotator.services.review, annotator.services.process_parts as p;"
        "print(p.start_method());"
        "import PySide6.QtCore;"
        "print(p.start_method())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["fork", "spawn"]


def _part_or_failure(kind: str) -> str:
    if kind == "raise":
        raise ValueError("bad part")
    if kind == "die" and os.getpid() != int(os.environ["REVIEW_PARENT"]):
        os._exit(3)  # a worker killed before it sends its result
    return kind


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_workers_error_is_raised_here_and_a_dead_workers_part_is_done_here(
    monkeypatch, method: str
) -> None:
    monkeypatch.setenv("REVIEW_PARENT", str(os.getpid()))
    assert in_processes(_part_or_failure, [("a",), ("b",), ("c",)], method) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="bad part"):
        in_processes(_part_or_failure, [("a",), ("raise",)], method)
    assert in_processes(_part_or_failure, [("a",), ("die",)], method) == ["a", "die"]
