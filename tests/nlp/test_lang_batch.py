"""``detect_languages`` (CLD2 on threads, py3langid loaded when a text needs it) gives exactly
``detect_language`` of each text: on the seeds, the test data and the benchmark's corpus."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from annotator.formats.articles import read_txt
from annotator.nlp import lang

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import corpus  # noqa: E402  (the benchmark's generated texts, from the seeds)


def _test_data_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "data").rglob("*.txt")):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue  # the bad-input files
    return texts


def test_batch_detection_equals_one_by_one(seeds_dir: Path) -> None:
    seeds = [read_txt(p).text for p in sorted(seeds_dir.glob("*.txt"))]
    texts = (
        seeds
        + [p for seed in seeds for p in seed.split("\n") if p.strip()]  # paragraphs: shorter
        + _test_data_texts()
        + corpus.short_texts(10_000, random.Random(5))  # the import benchmark's texts
        + [text for _title, text in corpus.article_texts(200, random.Random(11))]
        + ["", "1234 5678 !!!", "Oui.", "Yes.", "🇮🇷🇸🇾"]
    )
    assert len(texts) > lang.PARALLEL_MIN
    one_by_one = [lang.detect_language(t) for t in texts]
    assert lang.detect_languages(texts) == one_by_one
    # Both paths were taken: CLD2 sure, and py3langid deciding (mixed or very short texts).
    unsure = [t for t in texts if lang._first_pass(t) is None]
    assert unsure and len(unsure) < len(texts) // 10
    assert {"en", "fr"} <= set(one_by_one)
    assert one_by_one[: len(seeds)] == ["en", "fr", "en", "en", "en"]


def test_a_short_list_is_detected_on_the_calling_thread() -> None:
    texts = ["Iran's Quds Force commander Esmail Qaani visited Damascus.", "Bonjour à tous."]
    assert lang.start_detecting(texts)(None) == [lang.detect_language(t) for t in texts]
