"""The trigger words that propose an event category: the built-in list and a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.schema import default_schema
from annotator.services.trigger_words import _lexicon_words, propose_category, read_lexicon


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
    assert table[("hosted",)] == "CONSULT" and table[("called", "for")] == "REQUEST"


def test_the_trigger_lexicon_proposes_first_and_the_two_lists_do_not_repeat_each_other() -> None:
    """One lexicon: the words suggested as triggers in the text propose the form's category
    (struck -> ASSAULT, a French visit -> CONSULT); the form-only list holds none of them."""
    names = [c.name for c in default_schema().categories]
    assert propose_category("airstrikes", names) == "ASSAULT"
    assert propose_category("a rencontré", names) == "CONSULT"
    resources = Path(__file__).resolve().parents[2] / "resources"
    form_only = read_lexicon(resources / "event-triggers.json")
    lexicon = _lexicon_words(resources / "trigger-lexicon.json")
    assert not set(form_only) & set(lexicon)
