"""Pre-annotation: a spaCy pipeline's entities as suggested spans, in code-point offsets, in the
project's one label scheme (``labelscheme.py``: per-model tables, states as GPE, noise dropped),
and event trigger words from a lexicon (``event_triggers.py``) on the event layer.

Two things the database has learnt complete them (``complete``): the registry's names where the
model missed them (``registry_terms.py``), and the memory of rejected suggestions, which drops a
suggestion whose text form and label an analyst rejected before."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from annotator.core.events import EVENT_LAYER
from annotator.core.labels import LabelSet
from annotator.core.model import Origin, Span
from annotator.core.text import text_form
from annotator.nlp.event_triggers import TriggerLexicon
from annotator.nlp.labelscheme import DocWords, LabelScheme, default_scheme, is_noise, model_key, relabel
from annotator.nlp.registry_terms import RegistryTerms

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


def complete(
    text: str,
    spans: list[Span],
    terms: RegistryTerms | None = None,
    rejected: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
) -> list[Span]:
    """The model's ``spans`` of ``text`` with the registry's names it missed added, and without
    what was rejected: a (text form, label) pair in ``rejected``.

    A registry name is added only where no model span touches it: where the model found
    something there (the same place, a longer name around it, another label), its span stands.
    """
    result = list(spans)
    if terms:
        names = [s for s in spans if s.layer != EVENT_LAYER]
        for start, end, label in terms.find(text):
            if any(s.start < end and start < s.end for s in names):
                continue
            result.append(Span(start, end, label, Origin.MODEL))
        result.sort(key=lambda s: (s.start, s.end))
    if rejected:
        result = [s for s in result if (text_form(text[s.start : s.end]), s.label) not in rejected]
    return result


def preannotate(
    nlp: Any,
    texts: Sequence[str],
    labels: LabelSet,
    cancelled: Callable[[], bool] = lambda: False,
    batch_size: int = BATCH_SIZE,
    terms: RegistryTerms | None = None,
    rejected: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
    triggers: TriggerLexicon | None = None,
) -> Iterator[list[Span]]:
    """Spans for each text, in order; stops early when ``cancelled()`` turns true. With
    ``triggers``, event trigger words too (event layer); with ``terms`` and ``rejected``,
    completed by ``complete``.

    A text longer than ``PIECE_CHARS`` is run in pieces cut at line breaks (else at white space)
    and its spans shifted back to offsets in the whole text: spaCy refuses texts over
    ``nlp.max_length`` (E088, a million characters by default) and needs about a gigabyte per
    100,000 characters to parse one.
    """
    scheme, model = default_scheme(), model_key(nlp)
    # (offset in its text, the whole text on its last piece, else None) of each piece
    places: list[tuple[int, str | None]] = []

    def feed() -> Iterator[str]:
        for text in texts:
            pieces = list(split_long_text(text))
            for number, (start, piece) in enumerate(pieces, start=1):
                places.append((start, text if number == len(pieces) else None))
                yield piece

    spans: list[Span] = []
    for index, doc in enumerate(nlp.pipe(feed(), batch_size=batch_size)):
        start, whole = places[index]  # spaCy keeps the order of its input
        found = entities_to_spans(doc, labels, model, scheme)
        if triggers is not None:
            found += triggers.find(nlp, doc)
        spans.extend(replace(s, start=s.start + start, end=s.end + start) if start else s for s in found)
        if whole is not None:
            if terms or rejected:
                spans = complete(whole, spans, terms, rejected)
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
