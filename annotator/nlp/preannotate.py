"""Pre-annotation: a spaCy pipeline's entities as suggested spans, in code-point offsets."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from annotator.core.labels import LabelSet
from annotator.core.model import Origin, Span

# Texts per spaCy batch. Larger batches are no faster here, and each holds the interpreter
# longer in one C call, which the window feels as a pause (see bench/, "pre-annotate").
BATCH_SIZE = 8


def entities_to_spans(doc: Any, labels: LabelSet) -> list[Span]:
    """spaCy entities mapped onto the label set (dropped where analysts do not use the type)."""
    spans: list[Span] = []
    for ent in doc.ents:
        label = labels.map_model_label(ent.label_)
        if label is None:
            continue
        start, end = ent.start_char, ent.end_char
        # Entities never start or end on white space in the text we store.
        text = doc.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append(Span(start, end, label, Origin.MODEL))
    return spans


def preannotate(
    nlp: Any,
    texts: Sequence[str],
    labels: LabelSet,
    cancelled: Callable[[], bool] = lambda: False,
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[Span]]:
    """Spans for each text, in order; stops early when ``cancelled()`` turns true."""
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield entities_to_spans(doc, labels)
        if cancelled():
            return
