"""Detection of repeated lines and boilerplate (core.regions) on the sample corpus and on texts
shaped like what analysts paste from news sites; the text is never changed, only marked."""

from __future__ import annotations

import time
from pathlib import Path

from annotator.core.regions import (
    Region,
    RegionKind,
    detect_regions,
    inside_marked,
    marked_ranges,
    outside_regions,
)
from annotator.core.spans import Span

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def marked_text(text: str) -> list[tuple[str, str]]:
    return [(r.kind.value, text[r.start : r.end]) for r in detect_regions(text)]


def test_the_sample_corpus_marks_the_reprinted_captions_titles_and_the_sign_off() -> None:
    found = {p.name[:3]: marked_text(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    caption = "Iran's Quds Force commander Esmail Qaani. (AFP file photo)"
    title = "Iran’s Quds Force Chief in Syria to Oversee Joint Drill"
    smoke = (
        "Smoke rises after an Israeli air strike on the village of Khiam in southern Lebanon,"
        " near the border with Israel (AFP)"
    )
    eu = "EU Envoy to Middle East: Our Top Priority is Preventing a Regional War"
    assert found["003"] == [
        ("repeated", caption),  # the caption's second print; its first stays
        ("repeated", f"{title}\n\n {caption}\n{caption}"),  # the header printed again
        ("repeated", smoke),
        ("repeated", f"{eu}\n\n{smoke}\n{smoke}"),
    ]
    assert found["002"] == [("boilerplate", "Book a Demo\n\nget in touch")]
    # The others are articles, nothing more: nothing is marked.
    assert found["000"] == found["001"] == found["004"] == []


def test_first_occurrence_stays_and_short_lines_never_count_as_repeats() -> None:
    text = (
        "Gaza ceasefire talks resume in Cairo\n"
        "AFP\n"
        "Mediators met on Sunday in Cairo to resume the ceasefire talks.\n"
        "AFP\n"
        "Gaza ceasefire talks resume in Cairo\n"
        "The talks are expected to last three days.\n"
    )
    (region,) = detect_regions(text)
    assert region.kind is RegionKind.REPEATED
    assert region.start == text.rindex("Gaza ceasefire")
    assert text[region.start : region.end] == "Gaza ceasefire talks resume in Cairo"


def test_stock_lines_anywhere_in_english_french_and_arabic() -> None:
    text = (
        "Le ministre a rencontré son homologue à Damas mardi.\n"
        "Publicité\n"
        "Les deux pays ont signé un accord de coopération.\n"
        "Lire aussi :\n"
        "وقال الوزير إن التعاون سيستمر.\n"
        "اقرأ أيضا\n"
        "Advertisement\n"
        "The talks will continue next week.\n"
    )
    assert marked_text(text) == [
        ("boilerplate", "Publicité"),
        ("boilerplate", "Lire aussi :"),
        ("boilerplate", "اقرأ أيضا\nAdvertisement"),
    ]


def test_a_closing_run_of_short_lines_is_marked_only_with_a_sign_off_in_it() -> None:
    body = (
        "The minister said the talks would resume next week in Geneva.\n\n"
        "Officials on both sides described the meeting as constructive.\n\n"
    )
    signed = body + "Subscribe to our newsletter\nFollow us\n© 2024 Example Media"
    assert marked_text(signed) == [
        ("boilerplate", "Subscribe to our newsletter\nFollow us\n© 2024 Example Media")
    ]
    # A dateline or a byline at the end is the article's own: left alone.
    assert detect_regions(body + "Reporting by Jane Doe\nGeneva") == []
    # A list of short lines with a sign-off word is not an article with a footer.
    assert detect_regions("Contact us\nAbout\nCareers") == []


def test_short_texts_are_not_looked_at_and_detection_is_cheap() -> None:
    assert detect_regions("Advertisement") == []
    assert detect_regions("one line\nAdvertisement") == []
    short = "Ali met Bob in Paris on Monday, officials said."
    started = time.perf_counter()
    for _ in range(10_000):
        detect_regions(short)
    per_text = (time.perf_counter() - started) / 10_000
    assert per_text < 20e-6  # a str.count: far below the 100 µs an import may spend per text
    # Linear: a long text of distinct lines is read once.
    long_text = "\n".join(f"Paragraph {i} of the report says something new." for i in range(50_000))
    assert detect_regions(long_text) == []


def test_ranges_and_the_suggestion_filter() -> None:
    regions = [Region(10, 20, RegionKind.REPEATED), Region(30, 40, RegionKind.BOILERPLATE, marked=False)]
    assert marked_ranges(regions) == [(10, 20)]
    assert inside_marked([(10, 20)], 15, 25) and not inside_marked([(10, 20)], 20, 25)
    spans = [Span(0, 5, "PERSON"), Span(12, 18, "ORG"), Span(32, 35, "LOC")]
    assert outside_regions(spans, regions) == [spans[0], spans[2]]  # the unmarked one counts
