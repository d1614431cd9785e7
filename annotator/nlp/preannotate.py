"""Pre-annotation: a spaCy pipeline's entities as suggested spans, in code-point offsets, in the
project's one label scheme (``labelscheme.py``: per-model tables, states as GPE, noise dropped)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from annotator.core.labels import LabelSet
from annotator.core.model import Origin, Span
from annotator.nlp.labelscheme import DocWords, LabelScheme, default_scheme, is_noise, model_key, relabel

# Texts per spaCy batch. Larger batches are no faster here, and each holds the interpreter
# longer in one C call, which the window feels as a pause (see bench/, "pre-annotate").
BATCH_SIZE = 8


def entities_to_spans(
    doc: Any,
    labels: LabelSet,
    model: str = "",
    scheme: LabelScheme | None = None,
    rules: bool = True,
) -> list[Span]:
    """spaCy entities mapped onto the label set (dropped where analysts do not use the type).

    ``model`` names the pipeline in ``scheme``'s tables (``model_key``); with no scheme, or a
    model it does not list, the label set's own mapping applies. ``rules`` applies the state and
    noise rules of ``labelscheme``.
    """
    spans: list[Span] = []
    text = doc.text
    words = DocWords(text)
    for ent in doc.ents:
        if scheme is not None:
            label = scheme.map(model, ent.label_, labels)
        else:
            label = labels.map_model_label(ent.label_)
        if label is None:
            continue
        if rules:
            if is_noise(ent, label, text, words):
                continue
            label = relabel(ent, label, labels)
        start, end = ent.start_char, ent.end_char
        # Entities never start or end on white space in the text we store.
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
    """Spans for each text, in order; stops early when ``cancelled()`` turns true.

    A text longer than ``PIECE_CHARS`` is run in pieces cut at line breaks (else at white space)
    and its spans shifted back to offsets in the whole text: spaCy refuses texts over
    ``nlp.max_length`` (E088, a million characters by default) and needs about a gigabyte per
    100,000 characters to parse one.
    """
    scheme, model = default_scheme(), model_key(nlp)
    places: list[tuple[int, bool]] = []  # (offset in its text, last piece?) of each piece

    def feed() -> Iterator[str]:
        for text in texts:
            pieces = list(split_long_text(text))
            for number, (start, piece) in enumerate(pieces, start=1):
                places.append((start, number == len(pieces)))
                yield piece

    spans: list[Span] = []
    for index, doc in enumerate(nlp.pipe(feed(), batch_size=batch_size)):
        start, last = places[index]  # spaCy keeps the order of its input
        found = entities_to_spans(doc, labels, model, scheme)
        spans.extend(replace(s, start=s.start + start, end=s.end + start) if start else s for s in found)
        if last:
            yield spans
            spans = []
            if cancelled():
                return


PIECE_CHARS = 100_000


def split_long_text(text: str, limit: int = PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` covering ``text`` in order, each piece at most ``limit`` characters,
    cut after a line break where there is one, else after white space, else anywhere."""
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = window.rfind("\n") + 1 or max(window.rfind(" "), window.rfind("\t")) + 1 or limit
        yield start, window[:cut]
        start += cut
    yield start, text[start:]
