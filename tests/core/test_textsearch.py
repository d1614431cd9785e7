"""The search box's language and the passage finder, on small known texts."""

from __future__ import annotations

import pytest

from annotator.core.errors import InputError
from annotator.core.textsearch import Term, find_passages, fts_match, parse_query, tokens


def test_parse_words_phrases_prefixes_exclusions_and_or() -> None:
    query = parse_query('Qaani "joint  drill" Hezbol* -Damas OR Raïssi')
    assert query.groups == (
        (
            Term(("qaani",)),
            Term(("joint", "drill")),
            Term(("hezbol",), prefix=True),
            Term(("damas",), negated=True),
        ),
        (Term(("raissi",)),),
    )
    assert fts_match(query) == '("qaani" AND "joint drill" AND "hezbol"* NOT "damas") OR ("raissi")'


def test_words_with_inner_punctuation_become_phrases() -> None:
    assert parse_query("al-Assad").groups == ((Term(("al", "assad")),),)


def test_only_excluded_words_is_an_error() -> None:
    with pytest.raises(InputError):
        parse_query("-Qaani -Assad")


def test_tokens_keep_combining_marks_inside_words() -> None:
    text = "قائد فيلق القدس إسماعيل قاآني"  # Arabic, with a madda above (a combining mark)
    words = tokens(text)
    assert [text[a:b] for a, b, _ in words] == text.split(" ")


def test_passages_select_the_words_in_reading_order() -> None:
    text = "Esmaïl Qaani visited Syria.\nLater, QAANI met Assad in Damascus."
    found = find_passages(text, parse_query("qaani"))
    assert [(p.start, p.end) for p in found] == [(7, 12), (35, 40)]
    assert [p.match for p in found] == ["Qaani", "QAANI"]
    assert found[1].before.endswith("Later, ") and "\n" not in found[1].before
    assert found[0].after.startswith(" visited Syria.")


def test_arabic_passage_offsets() -> None:
    text = "زار قائد فيلق القدس سوريا للإشراف على مناورة مشتركة"
    [hit] = find_passages(text, parse_query("سوريا"))
    assert text[hit.start : hit.end] == "سوريا"


def test_long_context_is_cut_at_a_word_boundary() -> None:
    text = "word " * 40 + "target " + "tail " * 40
    [hit] = find_passages(text, parse_query("target"))
    assert hit.before.startswith("…word") and hit.after.endswith("tail…")
    assert len(hit.before) < 80 and len(hit.after) < 80
