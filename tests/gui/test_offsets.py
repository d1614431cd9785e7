"""UTF-16 <-> code point conversion, checked against Qt's own document positions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.gui.offsets import OffsetMap

SAMPLES = [
    "plain ascii text",
    "emoji 😀 in 🇮🇷 the middle 👍🏽!",
    "combining e\u0301 accents and Esma\u00efl Qaani",
    "العربية: بشار الأسد في دمشق",
    "line one\nline two\n\nafter a blank line",
    "𝐁𝐨𝐥𝐝 maths letters 𝐀",
]


def _qt_position_of(text: str, cp: int) -> int:
    """Where Qt puts the character ``text[cp]``: the UTF-16 length of the text before it."""
    doc = QTextDocument()
    doc.setPlainText(text)
    cursor = QTextCursor(doc)
    cursor.setPosition(len(text[:cp].encode("utf-16-le")) // 2)
    return cursor.position()


def test_every_character_round_trips_and_matches_qt(qapp) -> None:
    for text in SAMPLES:
        m = OffsetMap(text)
        doc = QTextDocument()
        doc.setPlainText(text)
        assert doc.characterCount() - 1 == m.length_u16  # Qt counts one final paragraph mark
        for cp in range(len(text) + 1):
            u = m.to_utf16(cp)
            assert u == len(text[:cp].encode("utf-16-le")) // 2
            assert m.to_codepoint(u) == cp
            if cp < len(text):
                # The character Qt shows at that position is the one we mean.
                cursor = QTextCursor(doc)
                cursor.setPosition(u)
                cursor.setPosition(m.to_utf16(cp + 1), QTextCursor.MoveMode.KeepAnchor)
                assert cursor.selectedText() == text[cp] or text[cp] == "\n"


def test_position_inside_a_surrogate_pair_snaps_to_the_character() -> None:
    text = "a😀b"
    m = OffsetMap(text)
    assert [m.to_codepoint(u) for u in range(5)] == [0, 1, 1, 2, 3]


def test_crlf_text_is_normalised_before_offsets_exist() -> None:
    from annotator.formats.articles import article_from_text

    doc = article_from_text("Title\r\nEsmail Qaani\r\n", "x.txt")
    assert "\r" not in doc.text
    m = OffsetMap(doc.text)
    start = doc.text.index("Esmail")
    assert m.to_utf16(start) == start


@given(st.text())
def test_conversion_round_trips_for_any_text(text: str) -> None:
    m = OffsetMap(text)
    previous = -1
    for cp in range(len(text) + 1):
        u = m.to_utf16(cp)
        assert u > previous
        previous = u
        assert m.to_codepoint(u) == cp
    assert m.to_utf16(len(text)) == m.length_u16
