"""The agreement tokens (``core.tokens``): the documented rule on real scripts, and the shortcuts
the report takes (counting without a list, tokenizing only around spans, the fast pattern for
text without marks) held to the plain definition on generated text."""

from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core import tokens as T
from annotator.core.tokens import count_tokens, tokenize, tokens_touching


def words(text: str) -> list[str]:
    return [text[s:e] for s, e in tokenize(text)]


def test_words_and_punctuation_runs() -> None:
    assert words("Ali met Bob in Paris.") == ["Ali", "met", "Bob", "in", "Paris", "."]
    # Runs of punctuation stay together; digits are word characters; so is the underscore.
    assert words('He said: "no!!" (1,200 km) snake_case') == [
        "He", "said", ':', '"', "no", '!!"', "(", "1", ",", "200", "km", ")", "snake_case",
    ]  # fmt: skip
    # Elision and apostrophes split as NLTK's wordpunct_tokenize does.
    assert words("L'armée n'a pas d'avis") == ["L", "'", "armée", "n", "'", "a", "pas", "d", "'", "avis"]


def test_white_space_of_every_kind_separates_and_is_never_a_token() -> None:
    text = "a\tb\u00a0c\u3000d\n\ne  f\u2009g"
    assert words(text) == ["a", "b", "c", "d", "e", "f", "g"]
    assert tokenize("   ") == [] and tokenize("") == []


def test_combining_marks_stay_in_their_word() -> None:
    # Devanagari vowel signs and virama, vocalised Arabic (harakat), a decomposed French accent:
    # none of these marks is a \w character, yet each word is one token.
    hindi = "हिन्दी समाचार"
    arabic = "مُحَمَّد قَالَ"
    decomposed = "e\u0301te\u0301 cafe\u0301."
    assert words(hindi) == ["हिन्दी", "समाचार"]
    assert words(arabic) == ["مُحَمَّد", "قَالَ"]
    assert words(decomposed) == ["e\u0301te\u0301", "cafe\u0301", "."]


def test_each_ideograph_is_a_token_but_kana_and_hangul_words_are_runs() -> None:
    assert words("中国外交部发言人") == list("中国外交部发言人")
    assert words("Xi习近平met") == ["Xi", "习", "近", "平", "met"]
    assert words("서울 특별시") == ["서울", "특별시"]
    assert words("カタカナ。") == ["カタカナ", "。"]


def test_emoji_and_symbols_are_their_own_tokens() -> None:
    assert words("Nice 👍🏽 day") == ["Nice", "👍🏽", "day"]
    assert words("a+b=c") == ["a", "+", "b", "=", "c"]


def test_the_mark_table_is_every_combining_mark_of_this_python() -> None:
    # The table skips planes that hold no marks; it must still hold every one.
    marks = {chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp))[0] == "M"}
    table = {chr(cp) for a, b in T._mark_ranges() for cp in range(a, b + 1)}
    assert table == marks


# -- the shortcuts equal the definition ---------------------------------------------------------

ALPHABET = st.sampled_from(
    [*"ab Z9_ .,'!-\n\t", "\u00a0", "é", "e\u0301", "\u093f", "ह", "中", "文", "😀", "ا", "\u0650"]
    + ["\u3000"]
)
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)


def reference(text: str) -> list[tuple[int, int]]:
    """The definition, literally: the full pattern from the start of the text."""
    return [m.span() for m in T.token_pattern().finditer(text)]


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_tokenize_and_count_follow_the_definition(text: str) -> None:
    expected = reference(text)
    assert tokenize(text) == expected
    assert count_tokens(text) == len(expected)
    # Tokens cover no white space and do not overlap.
    for (_s1, e1), (s2, _e2) in zip(expected, expected[1:], strict=False):
        assert e1 <= s2
    assert all(not re.search(r"\s", text[s:e]) for s, e in expected)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.lists(st.tuples(st.integers(0, 70), st.integers(1, 30)), max_size=8))
def test_tokens_touching_equals_filtering_every_token(text: str, raw: list[tuple[int, int]]) -> None:
    # Non-empty intervals inside the text, as spans are.
    intervals = [(s, min(s + n, len(text))) for s, n in raw if s < len(text)]
    expected = [
        (ts, te) for ts, te in reference(text) if any(ts < e and s < te for s, e in intervals)
    ]
    assert tokens_touching(text, intervals) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab Z9_ .,'!-\n\t中😀é\u00a0")), max_size=80).map("".join))
def test_the_fast_pattern_is_the_definition_on_text_without_marks(text: str) -> None:
    assert not T.has_marks(text)
    assert T.pattern_for(text) is T._PLAIN
    assert [m.span() for m in T._PLAIN.finditer(text)] == reference(text)


def test_marks_are_found_in_every_plane() -> None:
    assert T.has_marks("cafe\u0301")  # combining acute, plane 0
    assert T.has_marks("x\U0001d165")  # musical stem, plane 1
    assert T.has_marks("\u845b\U000e0100")  # an ideographic variation selector, plane 14
    assert not T.has_marks("plain 😀 text 中文")


# -- the report's tokens (TextTokens: a table of classes read in numpy) equal the definition -----


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.lists(st.tuples(st.integers(0, 70), st.integers(0, 30)), max_size=8))
def test_text_tokens_are_the_definitions_tokens(text: str, raw: list[tuple[int, int]]) -> None:
    tokens = T.TextTokens(text)
    expected = reference(text)
    assert len(tokens) == len(expected)
    assert tokens.pairs(np.arange(len(tokens))) == expected
    # Around intervals, empty ones included (they touch nothing, even inside a token).
    intervals = [(s, min(s + n, len(text))) for s, n in raw if s < len(text)]
    touched = [
        (ts, te) for ts, te in expected if any(ts < e and s < te for s, e in intervals if s < e)
    ]
    assert tokens.pairs(tokens.touching(intervals)) == touched
    if intervals:
        first, stop = tokens.ranges([s for s, _ in intervals], [e for _, e in intervals])
        for (s, e), i, j in zip(intervals, first.tolist(), stop.tolist(), strict=True):
            inside = [(ts, te) for ts, te in expected if ts < e and s < te and s < e]
            assert (expected[i:j] if j > i else []) == inside


def test_every_code_point_is_in_the_class_the_pattern_gives_it() -> None:
    # Each code point c doubled, after a word character and after punctuation: how these split
    # tells its class (word or mark, ideograph, other, white space), for all 1,114,112.
    every = np.arange(sys.maxunicode + 1, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    text = "".join(f" {c}{c} a{c} !{c}" for c in every)
    tokens = T.TextTokens(text)
    assert tokens.pairs(np.arange(len(tokens))) == reference(text)


def test_no_text_no_tokens() -> None:
    assert len(T.TextTokens("")) == 0 and len(T.TextTokens(" \n\t")) == 0
    assert T.TextTokens("").touching([(0, 1)]).tolist() == []
