"""How offsets are fitted to their text, once per file: code points unless only another counting
(UTF-16 units, CRLF counted as one character) makes every span fit; never a shift to fit."""

from __future__ import annotations

import pytest

from annotator.core.errors import InputErrors
from annotator.formats.foreign import RawRecord, RawSpan, finalize, split_label

TEXT = "😀 Qaani met Assad"  # Qaani: code points 2-7, UTF-16 units 3-8


def surfaces(records) -> list[set[str]]:  # type: ignore[no-untyped-def]
    return [{r.text[s.start : s.end] for s in r.spans} for r in records]


def test_code_points_are_kept_when_they_fit() -> None:
    raw = RawRecord(TEXT, [RawSpan(2, 7, "PERSON", "Qaani"), RawSpan(12, 17, "PERSON")])
    records, notices = finalize([raw], "f")
    assert surfaces(records) == [{"Qaani", "Assad"}]
    assert notices == []


def test_utf16_chosen_by_word_boundaries_when_no_surface_is_given() -> None:
    # As code points 3-8 is "aani " (cuts a word, ends on a space); as UTF-16 units, "Qaani".
    raw = RawRecord(TEXT, [RawSpan(3, 8, "PERSON"), RawSpan(13, 18, "PERSON")])
    records, notices = finalize([raw], "f")
    assert surfaces(records) == [{"Qaani", "Assad"}]
    assert notices == ["f: offsets count UTF-16 code units of the text; converted to code points"]


def test_one_counting_for_the_whole_file() -> None:
    # The second record only fits as UTF-16; the first fits both ways (no emoji in it).
    plain = RawRecord("Qaani met Assad", [RawSpan(0, 5, "PERSON", "Qaani")], line=1)
    emoji = RawRecord(TEXT, [RawSpan(13, 18, "PERSON", "Assad")], line=2)
    records, notices = finalize([plain, emoji], "f")
    assert surfaces(records) == [{"Qaani"}, {"Assad"}]
    assert "UTF-16" in notices[0]


def test_offset_inside_a_surrogate_pair_fits_no_utf16_reading() -> None:
    raw = RawRecord(TEXT, [RawSpan(1, 7, "PERSON", "Qaani")], line=4)
    with pytest.raises(InputErrors) as info:
        finalize([raw], "f")
    messages = [e.message for e in info.value.errors]
    assert messages[0] == "f:4: offsets 1-7 (PERSON) cover ' Qaani', but the file says 'Qaani'"
    assert messages[-1].startswith("f: no counting of offsets fits every span")


def test_crlf_offsets_either_way_end_in_lf_text() -> None:
    text = "Qaani\r\nmet Assad"
    raw_counted = RawRecord(text, [RawSpan(11, 16, "PERSON", "Assad")])  # CR counted
    records, notices = finalize([raw_counted], "f")
    assert records[0].text == "Qaani\nmet Assad"
    assert surfaces(records) == [{"Assad"}]
    assert notices == ["f: CRLF line ends in the text were normalised to LF"]
    lf_counted = RawRecord(text, [RawSpan(10, 15, "PERSON", "Assad")])
    records, notices = finalize([lf_counted], "f")
    assert surfaces(records) == [{"Assad"}]
    assert "CRLF line ends counted as one character" in notices[0]


def test_discontinuous_parts_checked_together() -> None:
    raw = RawRecord(
        TEXT,
        [RawSpan(2, 7, "PERSON", group="T1"), RawSpan(12, 17, "PERSON", group="T1")],
        group_texts={"T1": "Qaani Assad"},
    )
    records, _ = finalize([raw], "f")
    assert surfaces(records) == [{"Qaani", "Assad"}]
    raw.group_texts["T1"] = "Qaani Bashar"
    with pytest.raises(InputErrors):
        finalize([raw], "f")


def test_duplicates_are_kept_once_and_counted() -> None:
    raw = RawRecord(TEXT, [RawSpan(2, 7, "PERSON"), RawSpan(2, 7, "PERSON")])
    records, notices = finalize([raw], "f")
    assert len(records[0].spans) == 1
    assert notices == ["f: 1 span(s) stated twice in one record, kept once"]


def test_layer_prefix_only_for_lower_case_words() -> None:
    assert split_label("actor:IRN_MIL") == ("actor", "IRN_MIL")
    assert split_label("ORG:GOV") == ("entity", "ORG:GOV")
    assert split_label("PERSON") == ("entity", "PERSON")
