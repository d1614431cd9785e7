"""Importing a colleague's annotation file: document matching, validation, re-import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.errors import InputErrors
from annotator.core.labels import default_labels
from annotator.services.annotations_import import import_annotations
from annotator.services.importing import import_paths
from annotator.store import Store


@pytest.fixture
def db(store_url: Path | str, seeds_dir: Path) -> Path | str:
    """The five seeds, without model suggestions (no pipeline needed); on both engines."""
    path = store_url
    store = Store(path)
    import_paths(store, [seeds_dir], default_labels(), None)
    store.close()
    return path


def stored_texts(db: Path) -> dict[int, str]:
    store = Store(db)
    try:
        return {i: store.documents.get(i).text for i in store.documents.ids()}
    finally:
        store.close()


def span_json(text: str, word: str, label: str, nth: int = 0) -> dict[str, object]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return {"start": start, "end": start + len(word), "label": label, "text": word}


def write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def spans_of(db: Path, annotator: str) -> dict[int, list[tuple[str, str]]]:
    """Per document, the annotator's spans as (covered text, label)."""
    store = Store(db)
    try:
        ann = {a.name: a.id for a in store.annotators.all()}.get(annotator)
        if ann is None:
            return {}
        out: dict[int, list[tuple[str, str]]] = {}
        for doc_id in store.documents.ids():
            text = store.documents.get(doc_id).text
            spans = store.spans.in_document(doc_id, annotator_id=ann)
            if spans:
                out[doc_id] = [(text[s.start : s.end], s.label) for s in spans]
        return out
    finally:
        store.close()


def test_matches_by_sha_and_stores_the_annotators_set(db: Path, tmp_path: Path) -> None:
    texts = stored_texts(db)
    text = texts[3]
    path = write(
        tmp_path / "alice.jsonl",
        [{"text": text, "annotator": "alice", "spans": [span_json(text, "Qaani", "PERSON")]}],
    )
    store = Store(db)
    report = import_annotations(store, path)
    store.close()
    assert [(w.line, name, doc) for w, name, doc in report.matched] == [(1, "alice", 3)]
    assert report.created == [] and report.near_misses == []
    assert spans_of(db, "alice") == {3: [("Qaani", "PERSON")]}


def test_matches_by_normalised_text_and_carries_offsets(db: Path, tmp_path: Path) -> None:
    text = stored_texts(db)[3]
    # The colleague's copy: paragraph breaks collapsed to one line, doubled spaces, and a
    # trailing new line. Offsets in it differ from ours.
    theirs = "  " + text.replace("\n\n\n", "\n").replace(" Syria", "  Syria") + "\n"
    assert theirs != text
    spans = [span_json(theirs, "Esmail Qaani", "PERSON"), span_json(theirs, "Syria", "GPE", 2)]
    path = write(tmp_path / "bob.jsonl", [{"text": theirs, "annotator": "bob", "spans": spans}])
    store = Store(db)
    before = store.documents.count()
    report = import_annotations(store, path)
    assert store.documents.count() == before
    store.close()
    assert [(name, doc) for _w, name, doc in report.matched_normalized] == [("bob", 3)]
    assert "normalised" in "\n".join(report.lines())
    stored = spans_of(db, "bob")[3]
    assert stored == [("Esmail Qaani", "PERSON"), ("Syria", "GPE")]
    # The third "Syria" of their copy is the third of ours.
    store = Store(db)
    ours = store.documents.get(3).text
    syria = [s for s in store.spans.in_document(3) if s.label == "GPE"][0]
    store.close()
    third = ours.index("Syria", ours.index("Syria", ours.index("Syria") + 1) + 1)
    assert syria.start == third


def test_slightly_different_text_is_reported_not_imported(db: Path, tmp_path: Path, capsys) -> None:
    texts = stored_texts(db)
    edited = texts[3].replace("Damascus", "Damask", 1)
    assert edited != texts[3]
    good = texts[1]
    path = write(
        tmp_path / "carol.jsonl",
        [
            {"text": good, "annotator": "carol", "spans": [span_json(good, "Syria", "GPE")]},
            {"text": edited, "annotator": "carol", "spans": [span_json(edited, "Damask", "GPE")]},
        ],
    )
    assert main(["import-annotations", str(path), "--db", str(db)]) == 1  # one record refused
    out = capsys.readouterr().out
    assert f"not imported: {path}:2: text differs slightly from document 3" in out
    assert spans_of(db, "carol") == {1: [("Syria", "GPE")]}
    assert len(stored_texts(db)) == 5


def test_same_title_with_other_text_is_reported(db: Path, tmp_path: Path) -> None:
    store = Store(db)
    doc = store.documents.get(5)
    store.close()
    rewritten = doc.text[: len(doc.text) // 2] + " A new ending, written again by the agency."
    path = write(
        tmp_path / "t.jsonl",
        [{"text": rewritten, "meta": {"title": doc.meta.title}, "annotator": "dan", "spans": []}],
    )
    assert doc.meta.title
    store = Store(db)
    report = import_annotations(store, path)
    store.close()
    assert [(m.document_id, m.reason) for m in report.near_misses] == [
        (5, "same title, different text from")
    ]
    assert report.imported == 0


def test_unknown_text_becomes_a_new_document(db: Path, tmp_path: Path) -> None:
    text = "Le ministre iranien de la Défense a rencontré son homologue syrien à Damas."
    path = write(
        tmp_path / "new.jsonl",
        [{"text": text, "annotator": "eve", "spans": [span_json(text, "Damas", "GPE")]}],
    )
    store = Store(db)
    report = import_annotations(store, path)
    doc = store.documents.get(report.created[0][2])
    store.close()
    assert doc.text == text
    assert doc.meta.lang == "fr"
    assert spans_of(db, "eve") == {doc.id: [("Damas", "GPE")]}


def test_bad_file_imports_nothing_and_lists_every_bad_line(
    db: Path, tmp_path: Path, capsys
) -> None:
    texts = stored_texts(db)
    good = {"text": texts[1], "annotator": "frank", "spans": [span_json(texts[1], "Syria", "GPE")]}
    wrong_text = {
        "text": texts[2],
        "annotator": "frank",
        "spans": [{"start": 0, "end": 4, "label": "ORG", "text": "XXXX"}],
    }
    past_end = {
        "text": "Short.",
        "annotator": "frank",
        "spans": [{"start": 2, "end": 40, "label": "X"}],
    }
    path = write(tmp_path / "bad.jsonl", [good, wrong_text, past_end])
    assert main(["import-annotations", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: " in err and "XXXX" in err
    assert f"{path}:3: " in err and "past the end" in err
    store = Store(db)
    assert "frank" not in {a.name for a in store.annotators.all()}
    assert store.documents.count() == 5
    store.close()


def test_record_without_annotator_takes_the_files_name(db: Path, tmp_path: Path, capsys) -> None:
    text = stored_texts(db)[1]
    record = {"text": text, "spans": [span_json(text, "Syria", "GPE")]}
    path = write(tmp_path / "anon.jsonl", [record])
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: 1 record(s) name no annotator; imported as 'anon', the file's name" in out
    assert spans_of(db, "anon") == {1: [("Syria", "GPE")]}
    assert main(["import-annotations", str(path), "--db", str(db), "--as", "grace"]) == 0
    assert spans_of(db, "grace") == {1: [("Syria", "GPE")]}


def test_reimport_replaces_instead_of_duplicating(db: Path, tmp_path: Path, capsys) -> None:
    text = stored_texts(db)[4]
    first = [span_json(text, "Syria", "GPE"), span_json(text, "Iran", "GPE")]
    path = write(tmp_path / "h.jsonl", [{"text": text, "annotator": "heidi", "spans": first}])
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "replaced 2 earlier spans on 1 documents" in out
    assert sorted(spans_of(db, "heidi")[4]) == [("Iran", "GPE"), ("Syria", "GPE")]
    # A corrected file replaces the set on that document with the new one.
    write(path, [{"text": text, "annotator": "heidi", "spans": [span_json(text, "Iran", "ORG")]}])
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    assert spans_of(db, "heidi") == {4: [("Iran", "ORG")]}


def test_file_with_several_annotators_imports_each_set(db: Path, tmp_path: Path, capsys) -> None:
    text = stored_texts(db)[1]
    records = [
        {"text": text, "annotator": "ivan", "spans": [span_json(text, "Syria", "GPE")]},
        {"text": text, "annotator": "judy", "spans": [span_json(text, "Syria", "LOC")]},
    ]
    path = write(tmp_path / "both.jsonl", records)
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    assert spans_of(db, "ivan") == {1: [("Syria", "GPE")]}
    assert spans_of(db, "judy") == {1: [("Syria", "LOC")]}
    # Forced into one name, the two records collide: an error, nothing stored.
    with pytest.raises(InputErrors) as caught:
        store = Store(db)
        try:
            import_annotations(store, path, as_name="kim")
        finally:
            store.close()
    assert caught.value.errors[0].line == 2
    assert "both for annotator 'kim'" in caught.value.errors[0].reason
    assert spans_of(db, "kim") == {}


def test_two_new_records_with_one_text_share_one_document(db: Path, tmp_path: Path) -> None:
    text = "A brand new dispatch about Damascus."
    records = [
        {"text": text, "annotator": "leo", "spans": [span_json(text, "Damascus", "GPE")]},
        {"text": text, "annotator": "mia", "spans": []},
    ]
    store = Store(db)
    report = import_annotations(store, write(tmp_path / "n.jsonl", records))
    assert store.documents.count() == 6
    store.close()
    assert [doc for _w, _n, doc in report.created] == [6, 6]
