"""Pre-annotation: a spaCy pipeline's entities as suggested spans, in code-point offsets, in the
project's one label scheme (``labelscheme.py``: per-model tables, states as GPE, noise dropped),
and event trigger words from a lexicon (``event_triggers.py``) on the event layer.

Two things the database has learnt complete them (``complete``): the registry's names where the
model missed them (``registry_terms.py``), and the memory of rejected suggestions, which drops a
suggestion whose text form and label an analyst rejected before."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from copy import copy
from dataclasses import replace
from typing import Any

from annotator.core.events import EVENT_LAYER
from annotator.core.labels import LabelSet
from annotator.core.model import Origin, Span
from annotator.core.text import text_form
from annotator.nlp import parallel
from annotator.nlp.event_triggers import TriggerLexicon
from annotator.nlp.labelscheme import DocWords, LabelScheme, default_scheme, is_noise, model_key, relabel
from annotator.nlp.pipelines import pipeline_origin, usable_cores
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


def piece_spans(
    nlp: Any,
    doc: Any,
    labels: LabelSet,
    model: str,
    scheme: LabelScheme | None,
    triggers: TriggerLexicon | None,
) -> list[Span]:
    """The suggestions of one parsed text (or piece of one): its entities, then its trigger
    words. The same in the importing process and in a worker process (``nlp/parallel.py``)."""
    found = entities_to_spans(doc, labels, model, scheme)
    if triggers is not None:
        found += triggers.find(nlp, doc)
    return found


def preannotate(
    nlp: Any,
    texts: Sequence[str],
    labels: LabelSet,
    cancelled: Callable[[], bool] = lambda: False,
    batch_size: int = BATCH_SIZE,
    terms: RegistryTerms | None = None,
    rejected: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
    triggers: TriggerLexicon | None = None,
    processes: int | None = None,
) -> Iterator[list[Span]]:
    """Spans for each text, in order; stops early when ``cancelled()`` turns true. With
    ``triggers``, event trigger words too (event layer); with ``terms`` and ``rejected``,
    completed by ``complete``.

    A text longer than ``PIECE_CHARS`` is run in pieces cut at line breaks (else at white space)
    and its spans shifted back to offsets in the whole text: spaCy refuses texts over
    ``nlp.max_length`` (E088, a million characters by default) and needs about a gigabyte per
    100,000 characters to parse one.

    A large import (``parallel.MIN_TEXTS`` texts holding ``parallel.MIN_CHARS`` characters) of
    a pipeline a ``PipelineRegistry`` loaded runs in worker processes, one a core up to the
    registry's ``processes`` (``processes`` here overrides it; 1 keeps the work here, 2 or more
    sends any amount of text to that many workers): ``nlp/parallel.py``. The suggestions are the
    same either way. Worker processes start at once (this call), so that they load while the
    caller gets ready; a worker that fails raises ``parallel.PreannotationError``.
    """
    workers = _worker_count(nlp, texts, processes)
    origin = pipeline_origin(nlp)
    if workers < 2 or origin is None:
        return _preannotate_here(
            nlp, texts, labels, cancelled, batch_size, terms, rejected, triggers
        )
    return _WorkerStream(
        workers, origin.source, texts, labels, cancelled, terms, rejected, triggers
    )


def _worker_count(nlp: Any, texts: Sequence[str], processes: int | None) -> int:
    """How many worker processes pre-annotate ``texts`` (below 2: none)."""
    origin = pipeline_origin(nlp)
    if origin is None:
        return 0
    if processes is None:
        if len(texts) < parallel.MIN_TEXTS or sum(map(len, texts)) < parallel.MIN_CHARS:
            return 0
        processes = origin.processes
    return min(processes, usable_cores())


def _preannotate_here(
    nlp: Any,
    texts: Sequence[str],
    labels: LabelSet,
    cancelled: Callable[[], bool],
    batch_size: int,
    terms: RegistryTerms | None,
    rejected: frozenset[tuple[str, str]] | set[tuple[str, str]],
    triggers: TriggerLexicon | None,
) -> Iterator[list[Span]]:
    """``preannotate`` in this process."""
    scheme, model = default_scheme(), model_key(nlp)
    # (offset in its text, the whole text on its last piece, else None) of each piece
    places: list[tuple[int, str | None]] = []

    def feed() -> Iterator[str]:
        for text in texts:
            pieces = list(split_long_text(text, PIECE_CHARS))
            for number, (start, piece) in enumerate(pieces, start=1):
                places.append((start, text if number == len(pieces) else None))
                yield piece

    spans: list[Span] = []
    for index, doc in enumerate(nlp.pipe(feed(), batch_size=batch_size)):
        start, whole = places[index]  # spaCy keeps the order of its input
        found = piece_spans(nlp, doc, labels, model, scheme, triggers)
        spans.extend(replace(s, start=s.start + start, end=s.end + start) if start else s for s in found)
        if whole is not None:
            if terms or rejected:
                spans = complete(whole, spans, terms, rejected)
            yield spans
            spans = []
            if cancelled():
                return


class _WorkerStream:
    """``preannotate`` in worker processes: batches of pieces go out (at most ``AHEAD`` a
    worker ahead of the caller), their tuples come back in order and become each text's spans,
    completed here (the registry's names, the rejections) as in this process."""

    def __init__(
        self,
        workers: int,
        source: str,
        texts: Sequence[str],
        labels: LabelSet,
        cancelled: Callable[[], bool],
        terms: RegistryTerms | None,
        rejected: frozenset[tuple[str, str]] | set[tuple[str, str]],
        triggers: TriggerLexicon | None,
    ) -> None:
        self.pool: parallel.WorkerPool | None = None
        self.cancelled = cancelled
        self.terms, self.rejected = terms, rejected
        self.pieces = self._pieces(texts)
        self.pending: deque[tuple[int, list[tuple[int, str | None]]]] = deque()
        self.ready: deque[list[Span]] = deque()
        self.spans: list[Span] = []  # the text being put together from its pieces
        self.more = True
        self.pool = parallel.acquire(workers, piece_spans)
        self.ahead = parallel.AHEAD * workers
        try:
            if triggers is not None:  # without the matchers it built (made again there)
                triggers = copy(triggers)
                triggers._matchers = {}
            self.key = self.pool.setup(source, labels, triggers)
            self._fill()
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _pieces(texts: Sequence[str]) -> Iterator[tuple[str, int, str | None]]:
        for text in texts:
            pieces = list(split_long_text(text, PIECE_CHARS))
            for number, (start, piece) in enumerate(pieces, start=1):
                yield piece, start, text if number == len(pieces) else None

    def _fill(self) -> None:
        """Send batches until ``ahead`` are out or no text is left."""
        assert self.pool is not None
        while self.more and len(self.pending) < self.ahead:
            batch: list[str] = []
            places: list[tuple[int, str | None]] = []
            chars = 0
            for piece, start, whole in self.pieces:
                batch.append(piece)
                places.append((start, whole))
                chars += len(piece)
                if len(batch) >= parallel.BATCH_TEXTS or chars >= parallel.BATCH_CHARS:
                    break
            else:
                self.more = False
            if batch:
                self.pending.append((self.pool.submit(self.key, batch), places))

    def __iter__(self) -> _WorkerStream:
        return self

    def __next__(self) -> list[Span]:
        try:
            while not self.ready:
                if self.pool is None or not self.pending or self.cancelled():
                    raise StopIteration
                ticket, places = self.pending.popleft()
                result = self.pool.result(ticket, self.cancelled)
                if result is None:  # cancelled
                    raise StopIteration
                self._fill()  # the workers go on while this batch is put together
                for (start, whole), found in zip(places, result, strict=True):
                    self.spans.extend(
                        Span(a + start, b + start, label, Origin.MODEL, layer)
                        for a, b, label, layer in found
                    )
                    if whole is not None:
                        spans, self.spans = self.spans, []
                        if self.terms or self.rejected:
                            spans = complete(whole, spans, self.terms, self.rejected)
                        self.ready.append(spans)
        except BaseException:
            self.close()
            raise
        return self.ready.popleft()

    def close(self) -> None:
        """Done (or given up): the workers are released; the last stream stops them."""
        pool, self.pool = self.pool, None
        if pool is not None:
            if hasattr(self, "key"):
                pool.forget(self.key)
            parallel.release(pool)
        self.pending.clear()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit the modules may be gone
            pass


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
