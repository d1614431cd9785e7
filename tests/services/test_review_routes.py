"""The file route and the database route of ``annotator review`` give the same report.

One rule for both (docs/AGREEMENT.md, "What is compared"): a record is its annotator's judgment
when something is marked or the document is finished (status done; a Prodigy "accept" is done),
and documents are matched by their white-space-normalised text. The corpus below has every case:

- T1 is in both sets, bob's copy with other white space (its spans at other offsets);
- T2 finished by both with nothing marked: compared (perfect agreement on "nothing here");
- T3 marked by alice, left unfinished and empty by bob: bob's record is left out (not finished),
  so T3 is alice's only;
- T4 empty and unfinished for alice, finished empty by bob: alice's left out, T4 bob's only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.cli import main

T1 = "Ali met Bob in Paris."
T1_VARIANT = "Ali  met Bob\nin   Paris. "
T2 = "Nothing here."
T3 = "Only Alice saw Rome."
T4 = "Bob left."


def sp(text: str, word: str, label: str) -> dict[str, Any]:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "label": label}


def record(name: str, text: str, status: str, spans: list[dict[str, Any]]) -> dict[str, Any]:
    return {"text": text, "meta": {"lang": "en"}, "annotator": name, "status": status, "spans": spans}


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def corpus(tmp_path: Path) -> tuple[Path, Path]:
    alice = write(tmp_path / "alice.jsonl", [
        record("alice", T1, "done", [sp(T1, "Ali", "PERSON"), sp(T1, "Paris", "GPE")]),
        record("alice", T2, "done", []),
        record("alice", T3, "in_progress", [sp(T3, "Rome", "GPE")]),
        record("alice", T4, "todo", []),
    ])
    bob = write(tmp_path / "bob.jsonl", [
        record("bob", T1_VARIANT, "done",
               [sp(T1_VARIANT, "Ali", "PERSON"), sp(T1_VARIANT, "Bob", "PERSON"),
                sp(T1_VARIANT, "Paris", "GPE")]),
        record("bob", T2, "done", []),
        record("bob", T3, "todo", []),
        record("bob", T4, "done", []),
    ])
    return alice, bob


def report(args: list[str], capsys) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["review", *args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    data.pop("annotators")  # sources: the files, or the database
    return data


def test_files_and_database_give_the_same_report(tmp_path: Path, capsys) -> None:
    alice, bob = corpus(tmp_path)
    from_files = report([str(alice), str(bob)], capsys)
    db = tmp_path / "routes.sqlite"
    for path in (alice, bob):
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    from_db = report(["--db", str(db), "--annotators", "alice,bob"], capsys)
    assert from_db == from_files
    # The judgments are exported as such (T2: a record with no spans, status done), and the
    # exported sets give the same report again.
    exported = []
    for name in ("alice", "bob"):
        out = tmp_path / f"{name}-export.jsonl"
        assert main(["export", str(out), "--db", str(db), "--annotator", name]) == 0
        exported.append(str(out))
    records = [json.loads(x) for x in Path(exported[1]).read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["status"], r["spans"]) for r in records if r["text"] == T2] == [
        (T2, "done", [])
    ]
    assert report(exported, capsys) == from_files

    # T1 (its white-space variant matched) and T2 compared; T3 alice's only, T4 bob's only.
    assert from_files["documents"] == {
        "total": 4, "compared": 2, "only_in_one": 2, "only_in": {"alice": 1, "bob": 1},
    }
    # Strict on T1: Ali and Paris in both, Bob in bob's only: tp 2, n_a 2, n_b 3 -> F1 0.8.
    strict = from_files["pairs"][0]["strict"]["overall"]
    assert (strict["tp"], strict["n_a"], strict["n_b"], strict["f1"]) == (2, 2, 3, 0.8)
    # Tokens: T1 has 6, T2 3.
    assert from_files["tokens"] == 9
    left = [(x["annotator"], x["reason"]) for x in from_files["left_out"]]
    assert left == [
        ("alice", "nothing marked and not finished (status todo)"),
        ("alice", "only in alice's set"),
        ("bob", "nothing marked and not finished (status todo)"),
        ("bob", "only in bob's set"),
    ]


def test_a_prodigy_accept_without_spans_is_a_judgment(tmp_path: Path, capsys) -> None:
    """carol accepted T2 in Prodigy with no span: "nothing here", compared with alice's T2."""
    alice, _bob = corpus(tmp_path)
    carol = tmp_path / "carol.jsonl"
    carol.write_text(
        json.dumps({"text": T2, "spans": [], "answer": "accept", "_annotator_id": "carol"}) + "\n"
        + json.dumps({"text": T1, "spans": [sp(T1, "Ali", "PERSON")], "answer": "accept",
                      "_annotator_id": "carol"}) + "\n",
        encoding="utf-8",
    )
    from_files = report([str(alice), str(carol)], capsys)
    assert from_files["documents"]["compared"] == 2
    db = tmp_path / "prodigy.sqlite"
    for path in (alice, carol):
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    assert report(["--db", str(db), "--annotators", "alice,carol"], capsys) == from_files


def test_a_document_marked_done_in_the_application_is_a_judgment(tmp_path: Path, capsys) -> None:
    """alice imported T1 and T2 with marks in T1 only, unfinished; in the application she marks
    T2 done with nothing marked: T2 becomes hers (compared with bob's empty T2); undo takes the
    judgment back."""
    from annotator.core.model import Status
    from annotator.services.annotate import AnnotationSession
    from annotator.store import Store

    alice = write(tmp_path / "alice.jsonl", [
        record("alice", T1, "in_progress", [sp(T1, "Ali", "PERSON")]),
        record("alice", T2, "todo", []),
    ])
    bob = write(tmp_path / "bob.jsonl", [
        record("bob", T1, "done", [sp(T1, "Ali", "PERSON")]),
        record("bob", T2, "done", []),
    ])
    db = tmp_path / "app.sqlite"
    for path in (alice, bob):
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    args = ["--db", str(db), "--annotators", "alice,bob"]
    assert report(args, capsys)["documents"]["compared"] == 1
    store = Store(db)
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    doc_id = next(d.id for d in store.documents.many(store.documents.ids()) if d.text == T2)
    assert doc_id is not None
    command = session.set_status(doc_id, Status.DONE)
    command.do()
    assert report(args, capsys)["documents"]["compared"] == 2
    command.undo()
    assert report(args, capsys)["documents"]["compared"] == 1
    store.close()


def test_gold_needs_the_database_and_another_name(tmp_path: Path, capsys) -> None:
    alice, bob = corpus(tmp_path)
    assert main(["review", str(alice), str(bob), "--gold", "gold"]) == 2
    assert "--gold needs --db and --annotators" in capsys.readouterr().err
    db = tmp_path / "g.sqlite"
    for path in (alice, bob):
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["review", "--db", str(db), "--annotators", "alice,bob", "--gold", "bob"]) == 2
    assert "cannot be one of the compared annotators" in capsys.readouterr().err


def test_two_white_space_copies_in_one_file_are_refused(tmp_path: Path, capsys) -> None:
    alice, _bob = corpus(tmp_path)
    twice = write(tmp_path / "twice.jsonl", [
        record("carol", T1, "done", []),
        record("carol", T1_VARIANT, "done", []),
    ])
    assert main(["review", str(alice), str(twice)]) == 2
    assert f"{twice}:2: the same document as {twice}:1" in capsys.readouterr().err
