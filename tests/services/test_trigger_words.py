"""The trigger words that propose an event category: the built-in list and a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.schema import default_schema
from annotator.services.trigger_words import propose_category, read_lexicon


def test_visiting_words_propose_consult_and_others_nothing() -> None:
    names = [c.name for c in default_schema().categories]
    for trigger in ("visited", "has visited", "met", "held talks", "Visite", "s’est rendu"):
        assert propose_category(trigger, names) == "CONSULT", trigger
    assert propose_category("oversaw", names) == ""
    assert propose_category("said", names) == "STATEMENT"
    assert propose_category("visited", ["AGREE"]) == ""  # a category the schema lacks: no proposal


def test_a_bad_trigger_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "triggers.json"
    bad.write_text('{"categories": {"CONSULT": "visit"}}', encoding="utf-8")
    with pytest.raises(AnnotatorError, match="triggers.json.*CONSULT"):
        read_lexicon(bad)
    table = read_lexicon(Path(__file__).resolve().parents[2] / "resources" / "event-triggers.json")
    assert table[("visited",)] == "CONSULT" and table[("called", "for")] == "REQUEST"
