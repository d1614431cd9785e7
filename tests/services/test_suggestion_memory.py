"""Suggestions that learn at once, on real databases and the real spaCy pipelines: a registry
alias is suggested wherever it occurs (English and French, its actor proposed, never twice where
the model already has a span), and a rejected suggestion is not suggested again for that text
form and label (undoable, listed and forgotten on the command line, kept across a migration)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.actors import Actor
from annotator.core.labels import default_labels
from annotator.core.model import Origin, Span
from annotator.nlp.pipelines import PipelineRegistry
from annotator.nlp.preannotate import complete
from annotator.nlp.registry_terms import RegistryTerms
from annotator.services.actors import ActorCommands, ActorRegistry
from annotator.services.annotate import AnnotationSession
from annotator.services.importing import import_paths
from annotator.store import Store
from annotator.store.tables import SCHEMA_VERSION

EN = "Talks stalled again. Officials from Zorbania met in Geneva on Monday, a Zorbania envoy said.\n"


def _suggested(store: Store, session: AnnotationSession, doc_id: int) -> list[tuple[str, str]]:
    text = store.documents.get(doc_id).text
    return [(text[s.start : s.end], s.label) for s in session.suggestions(doc_id)]


def _import(store: Store, tmp_path: Path, name: str, text: str) -> int:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = import_paths(store, [path], default_labels(), PipelineRegistry())
    assert len(report.added) == 1, report
    return report.added[0][1]


def test_terms_match_whole_words_case_and_accents_as_tag_all_does() -> None:
    terms = RegistryTerms([("Zorbania", "GPE"), ("ZLF", "ORG"), ("Zorbanian Liberation Front", "ORG")])
    text = "The zorbania fan met the ZLF, not the zlf; the Zorbanian Liberation Front and Zorbania-based."
    found = [(text[s:e], label) for s, e, label in terms.find(text)]
    # Lower-case "zorbania" is not the name; "zlf" is not the acronym; the longest name wins.
    assert found == [("ZLF", "ORG"), ("Zorbanian Liberation Front", "ORG"), ("Zorbania", "GPE")]
    quds = RegistryTerms([("Quds Force", "ORG")])
    assert quds.find("la qúds force") == []  # a name written with a capital needs one
    assert quds.find("la Qúds  force") == [(3, 14, "ORG")]  # accents, case after it, spaces
    assert [label for *_se, label in RegistryTerms([("Qods Force", "ORG")]).find("Qods-Force")] == ["ORG"]


def test_complete_adds_missed_names_only_where_the_model_has_nothing() -> None:
    text = "President Zorbania Smith met Zorbania."
    model = [Span(0, 24, "PERSON", Origin.MODEL)]
    terms = RegistryTerms([("Zorbania", "GPE")])
    spans = complete(text, model, terms)
    assert [(text[s.start : s.end], s.label) for s in spans] == [
        ("President Zorbania Smith", "PERSON"),
        ("Zorbania", "GPE"),
    ]
    assert complete(text, spans, None, {("Zorbania", "GPE")}) == model


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "learn.sqlite")
    yield s
    s.close()


def test_an_alias_added_is_suggested_in_the_next_documents_in_both_languages(
    store: Store, tmp_path: Path, seeds_dir: Path
) -> None:
    """The seed articles name the Quds Force in places the small pipelines miss (000 and 003 in
    English, 001 in French as "Force Qods")."""
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    registry = ActorRegistry(store)
    cmd = ActorCommands(session, registry)
    for actor in registry.actors():  # an empty registry: nothing known yet
        cmd.delete(int(actor.id)).do()  # type: ignore[arg-type]
    seeds = sorted(seeds_dir.glob("*.txt"))
    first = _import(store, tmp_path, "000.txt", seeds[0].read_text(encoding="utf-8"))
    assert all("Quds" not in t for t, _label in _suggested(store, session, first))

    cmd.create(Actor("Quds Force", kind="organization", aliases=("Force Qods",))).do()
    doc_fr = _import(store, tmp_path, "001.txt", seeds[1].read_text(encoding="utf-8"))
    doc_en = _import(store, tmp_path, "003.txt", seeds[3].read_text(encoding="utf-8"))
    assert ("Force Qods", "ORG") in _suggested(store, session, doc_fr)
    assert ("Quds Force", "ORG") in _suggested(store, session, doc_en)
    for doc_id in (doc_en, doc_fr):
        text = store.documents.get(doc_id).text
        model_spans = session.suggestions(doc_id)
        assert len({(s.start, s.end) for s in model_spans}) == len(model_spans)  # no duplicate
        named = [s for s in model_spans if text[s.start : s.end] in ("Quds Force", "Force Qods")]
        assert named
        for span in named:
            proposal = registry.propose(text[span.start : span.end])
            assert proposal is not None and proposal[0].name == "Quds Force"


def test_a_rejection_is_remembered_undone_listed_and_forgotten(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    doc = _import(store, tmp_path, "a.txt", EN)
    text = store.documents.get(doc).text
    geneva = next(s for s in session.suggestions(doc) if text[s.start : s.end] == "Geneva")
    reject = session.reject(doc, [geneva])
    reject.do()
    assert (text[geneva.start : geneva.end], geneva.label) not in _suggested(store, session, doc)
    assert store.rejections.pairs() == {("Geneva", geneva.label)}

    # Another document with the same word: not suggested, at display nor at pre-annotation.
    other = _import(store, tmp_path, "b.txt", "Negotiators met in Geneva on Tuesday.\n")
    assert all(t != "Geneva" for t, _label in _suggested(store, session, other))
    stored = store.spans.in_document(other)
    assert all(store.documents.get(other).text[s.start : s.end] != "Geneva" for s in stored)

    reject.undo()
    assert store.rejections.pairs() == set()
    assert ("Geneva", geneva.label) in _suggested(store, session, doc)
    reject.do()  # redo

    db = str(store.path)
    assert main(["suggestions", "rejected", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["Geneva", geneva.label]]
    assert main(["suggestions", "forget", "Geneva", "PERSON", "--db", db]) == 2
    assert "no rejected suggestion" in capsys.readouterr().err
    assert main(["suggestions", "forget", "Geneva", geneva.label, "--db", db]) == 0
    assert store.rejections.pairs() == set()
    later = _import(store, tmp_path, "c.txt", "Negotiators met in Geneva again on Wednesday.\n")
    assert ("Geneva", geneva.label) in _suggested(store, session, later)
    assert main(["suggestions", "rejected", "--db", str(tmp_path / "none.sqlite")]) == 2
    store.rejections.add([("Evil\x1b[2J", "ORG")])  # a control character from an article
    assert main(["suggestions", "rejected", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split("\t")[0] == "Evil\\x1b[2J"


def test_undo_keeps_a_rejection_made_before(store: Store, tmp_path: Path) -> None:
    session = AnnotationSession(store, store.annotators.get_or_create("alice"))
    doc = _import(store, tmp_path, "a.txt", EN)
    text = store.documents.get(doc).text
    geneva = next(s for s in session.suggestions(doc) if text[s.start : s.end] == "Geneva")
    store.rejections.add([("Geneva", geneva.label)])  # rejected earlier, elsewhere
    again = session.reject(doc, [geneva])
    again.do()
    again.undo()
    assert store.rejections.pairs() == {("Geneva", geneva.label)}


def test_a_version_2_database_gains_the_rejection_table_and_keeps_its_rows(tmp_path: Path) -> None:
    """A database of schema 2 (the project's saved one) is migrated to the current schema on its
    first open for writing: its rows stay, and rejections can be remembered."""
    path = tmp_path / "v2.sqlite"
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "db" / "v2.sqlite", path)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO annotator (name, kind, version) VALUES ('bob', 'human', '')")
    con.commit()
    con.close()
    store = Store(path)
    try:
        assert "bob" in {a.name for a in store.annotators.all()}
        assert store.rejections.add([("Tehran  Times", "ORG")]) == [("Tehran Times", "ORG")]
        assert store.rejections.add([("Tehran Times", "ORG")]) == []  # already remembered
    finally:
        store.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    con.close()
