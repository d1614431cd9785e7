"""Review colleagues' work: the agreement report, and adjudication into a gold set.

The report compares two or more annotation sets, read from files (one set per file, read and
matched in ``services.annotation_sets``; that route and the report's text and JSON are in
``services.agreement_report``, re-exported here) or from the database (one set per annotator),
over the documents they share, layer by layer: entity spans and token labels, actor links,
events, framing, evidence passages. One rule on both routes: a
document is in a set when it is the annotator's judgment (something marked, or finished:
``holds``; in the database ``store.judgments``), and documents are matched by their
white-space-normalised text. Tokens follow one rule for every language (``core.tokens``), so
figures do not depend on which pipelines are installed. The figures themselves are computed in
``core.agreement`` and defined in ``docs/AGREEMENT.md``.

Adjudication walks the differences between annotators in every layer and writes each decision
into the gold annotator's set as a command with ``do``/``undo`` (the GUI wraps them in its undo
stack), exactly like the annotation commands of ``services.annotate``; what all agree on is copied
at the start (``services.gold``), also without the GUI (``settle_agreed``, ``review --gold``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.actors import Actor
from annotator.core.agreement import (
    AgreementReport,
    DocumentAnnotations,
    LeftOut,
    Tally,
)
from annotator.core.differences import (
    Difference,
    DifferenceKind,
    document_differences,
)
from annotator.core.errors import InputError, StoreError
from annotator.core.events import EVENT_LAYER, Event
from annotator.core.framing import FrameAssessment
from annotator.core.model import Origin, Span, Status
from annotator.services.agreement_report import left_out_in_order, tone_scale

# The file route and the rendering live in services.agreement_report (the command line's file
# route imports nothing of the store); callers of this module find them here as well.
from annotator.services.agreement_report import render_json as render_json
from annotator.services.agreement_report import render_text as render_text
from annotator.services.agreement_report import review_files as review_files
from annotator.services.annotate import Change
from annotator.services.annotation_sets import NOT_FINISHED, add_analysis
from annotator.services.gc_pause import paused_gc
from annotator.services.gold import (
    LAYERS,
    CopyAgreedAnalysis,
    DocumentAnalysis,
    copy_event,
    event_differences_of,
    framing_differences_of,
    framing_settled,
    layer_of,
    load_analysis,
    with_choice,
)
from annotator.services.process_parts import MAX_WORKERS, cpus, in_processes
from annotator.store import Store

READ_BATCH = 500  # documents read from the database at once by review_database


def _resolve_annotators(store: Store, names: Sequence[str]) -> dict[str, int]:
    if len(names) < 2 or len(set(names)) != len(names):
        raise InputError("name two or more different annotators (--annotators a,b)")
    known = {a.name: a.id for a in store.annotators.all()}
    missing = [n for n in names if n not in known]
    if missing:
        have = ", ".join(sorted(known)) or "none"
        raise StoreError(f"no annotator named {', '.join(map(repr, missing))} (annotators: {have})")
    return {n: known[n] for n in names}


def _actor_name(actor: Actor) -> str:
    return actor.name  # in one database an actor is one row, its name unique


# Below this many documents a worker process costs more (about half a second to start) than
# it saves; above it the documents are counted in parts, one per CPU, and the tallies merged.
PARALLEL_MIN_DOCUMENTS = 2_000


def _in_parts(function: Callable[..., Tally], arguments: Sequence[tuple[Any, ...]]) -> Tally:
    """``function(*args)`` for each part (``services.process_parts``), their tallies merged."""
    return _merged(in_processes(function, arguments))


def _merged(tallies: Sequence[Tally]) -> Tally:
    total = tallies[0]
    for tally in tallies[1:]:
        total.merge(tally)
    return total


def _parts(doc_ids: Sequence[int], workers: int | None) -> list[list[int]]:
    if workers is None:
        many = len(doc_ids) >= PARALLEL_MIN_DOCUMENTS
        workers = min(cpus(), MAX_WORKERS) if many else 1
    workers = max(1, min(workers, len(doc_ids)))
    size = -(-len(doc_ids) // workers) if doc_ids else 1
    return [list(doc_ids[i : i + size]) for i in range(0, len(doc_ids), size)] or [[]]


def _tally_database(
    db: str,
    names: Sequence[str],
    ids: Mapping[str, int],
    doc_ids: Sequence[int],
    annotated: Mapping[str, set[int]],
    analysed: set[tuple[int, int]],
) -> Tally:
    """The tally of ``doc_ids`` (one part of the report: in this process or in a worker)."""
    tally = Tally(list(names))
    with paused_gc():
        store = Store(db, read_only=True)
        try:
            # Documents and spans are read in batches, not one query each (see bench/, "agreement").
            for first in range(0, len(doc_ids), READ_BATCH):
                batch = doc_ids[first : first + READ_BATCH]
                spans_of = {n: store.spans.by_document(batch, ids[n]) for n in names}
                marked = store.regions.marked_ranges(batch)
                for document in store.documents.many(batch):
                    doc_id = document.id
                    assert doc_id is not None
                    present = [n for n in names if doc_id in annotated[n]]
                    spans = {n: spans_of[n].get(doc_id, []) for n in present}
                    doc = DocumentAnnotations(
                        document.sha256, document.text, spans, document.meta.title,
                        marked=marked.get(doc_id, []),
                    )
                    if len(present) > 1:  # the analysis is only compared where two sets hold it
                        for n in present:
                            if (doc_id, ids[n]) not in analysed:  # nothing to find: no queries
                                add_analysis(doc, n, [], {}, [], None, _actor_name)
                                continue
                            found = store.record_analysis.get(doc_id, ids[n])
                            add_analysis(
                                doc, n, found.actors, found.mentions, found.events, found.frames,
                                _actor_name,
                            )
                    tally.add(doc)
        finally:
            store.close()
    return tally


def review_database(
    db: Path | str, names: Sequence[str], workers: int | None = None
) -> AgreementReport:
    """The agreement report of annotators' sets in a database.

    A document belongs to an annotator's set when that annotator marked something there (a span,
    a frame assessment) or finished it (their judgment's status is done: ``store.judgments``), the
    rule ``holds`` applies to a file's records. ``workers``: how many processes count the
    documents (default: one per CPU, up to four, for a corpus of ``PARALLEL_MIN_DOCUMENTS`` or
    more; else one).
    """
    store = Store(db, read_only=True)
    try:
        ids = _resolve_annotators(store, names)
        annotated: dict[str, set[int]] = {}
        unfinished: list[tuple[int, str, Status]] = []  # judged, nothing marked, not done
        for name, ann in ids.items():
            marked = set(store.spans.annotated_document_ids(ann)) | set(
                store.framing.framed_document_ids(ann)
            )
            judged = store.judgments.of_annotator(ann)
            done = {d for d, status in judged.items() if status is Status.DONE}
            annotated[name] = marked | done
            unfinished += [(d, name, st) for d, st in judged.items() if d not in annotated[name]]
        analysed = store.record_analysis.analysed_pairs()
        left_out: list[LeftOut] = []
        if unfinished:
            documents = {d.id: d for d in store.documents.many(sorted({d for d, _, _ in unfinished}))}
            for doc_id, name, status in sorted(unfinished):
                doc = documents[doc_id]
                reason = NOT_FINISHED.format(status=status.value)
                left_out.append(LeftOut(doc.sha256, doc.meta.title, name, reason))
    finally:
        store.close()
    all_ids = sorted(set().union(*annotated.values()))
    arguments = []
    for part in _parts(all_ids, workers):
        members = set(part)
        arguments.append(
            (
                str(db),
                list(names),
                ids,
                part,
                {n: held & members for n, held in annotated.items()},
                {pair for pair in analysed if pair[0] in members},
            )
        )
    tally = _in_parts(_tally_database, arguments)
    report = tally.report({n: f"{db}" for n in names}, tone_scale())
    report.left_out = left_out_in_order(left_out + report.left_out, names)
    return report


# -- adjudication -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkChange(Change):
    """A change to several documents at once; ``document_id`` is the first of them (or 0)."""

    document_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """How a difference was settled: whose version was taken, and the gold spans it made."""

    choice: str  # an annotator's name, "none", "custom", or "existing" (found in gold at start)
    spans: tuple[Span, ...] = ()


NONE = "none"
CUSTOM = "custom"
MERGED = "merged"  # an event with the roles of every version
EXISTING = "existing"


def _key(span: Span) -> tuple[int, int, str, str]:
    return (span.start, span.end, span.label, span.layer)


def _gold_copy(span: Span) -> Span:
    return Span(span.start, span.end, span.label, Origin.MANUAL, span.layer)


def _not_triggers(spans: Sequence[Span]) -> list[Span]:
    return [s for s in spans if s.layer != EVENT_LAYER]


class Adjudication:
    """Settle the differences between two or more annotators' sets into a gold set.

    Documents: those given, or every document where one of the annotators has a span; in each,
    every one of the annotators takes part (no span there means "nothing here"). Differences are
    listed in document and text order. A gold set that already holds spans (an adjudication
    resumed later) is respected: agreed spans are not copied twice, and a difference whose gold
    span is already there counts as settled ("existing"). A difference settled as "none" in an
    earlier run cannot be told from an unsettled one, and is offered again.
    """

    def __init__(
        self,
        store: Store,
        annotators: Sequence[str],
        gold: str = "gold",
        documents: Sequence[int] | None = None,
    ) -> None:
        self.store = store
        self.annotators = list(annotators)
        gold = gold.strip()
        if not gold:
            raise InputError("the adjudicated set needs an annotator name")
        if gold in self.annotators:
            raise InputError(
                f"the adjudicated set {gold!r} cannot be one of the compared annotators"
            )
        self.annotator_ids = _resolve_annotators(store, self.annotators)
        self.gold = store.annotators.get_or_create(gold)
        # Actor links (span id -> actor id) of the compared sets' spans and of the gold spans this
        # adjudication made or found: a version taken into gold keeps its link.
        self.links: dict[int, int] = {}
        actor_names = {a.id: a.name for a in store.actors.all()}
        if documents is None:
            # The documents in any of the sets: marked (spans, framing) or finished (judgments).
            ids: set[int] = set()
            for ann_id in self.annotator_ids.values():
                ids.update(store.spans.annotated_document_ids(ann_id))
                ids.update(store.framing.framed_document_ids(ann_id))
                ids.update(store.judgments.finished(ann_id))
            documents = sorted(ids)
        self.document_ids = list(documents)
        self.agreed: dict[int, list[Span]] = {}
        self.differences: list[Difference] = []
        self.decisions: dict[int, Decision] = {}
        self.analysis_layers: dict[int, DocumentAnalysis] = {}
        for doc_id in self.document_ids:
            # Event triggers are settled as events (services.gold), not as spans.
            spans = {
                name: _not_triggers(store.spans.in_document(doc_id, annotator_id=ann_id))
                for name, ann_id in self.annotator_ids.items()
            }
            named: dict[str, dict[int, str]] = {}
            for name, ann_id in self.annotator_ids.items():
                mentions = store.mentions.in_document(doc_id, ann_id)
                self.links.update(mentions)
                named[name] = {s: actor_names.get(a, f"actor {a}") for s, a in mentions.items()}
            agreed, differences = document_differences(doc_id, spans, self.annotators, named)
            self.agreed[doc_id] = agreed
            first = len(self.differences)
            self.differences += differences
            self._resume(doc_id, agreed, range(first, len(self.differences)))
            # Events and framing: what every annotator coded alike (copied by start()), and
            # where they differ: walked like the span differences, after them in the document.
            analysis = load_analysis(store, self.annotator_ids, [doc_id]).get(doc_id)
            if analysis is not None:
                self.analysis_layers[doc_id] = analysis
                first = len(self.differences)
                self.differences += event_differences_of(doc_id, analysis)
                self.differences += framing_differences_of(
                    store, doc_id, analysis, self.annotator_ids
                )
                self._resume_analysis(doc_id, range(first, len(self.differences)))

    def _resume_analysis(self, doc_id: int, indices: range) -> None:
        """Event and framing differences the gold set settles already (an earlier review)."""
        if not indices:
            return
        gold_events = self.store.events.in_document(doc_id, self.gold.id)
        gold_frames = self.store.framing.get(doc_id, self.gold.id)
        for index in indices:
            diff = self.differences[index]
            if diff.kind is DifferenceKind.EVENT:
                found = tuple(
                    e.trigger for e in gold_events
                    if e.trigger.start < diff.end and diff.start < e.trigger.end
                )
                if found:
                    self.decisions[index] = Decision(EXISTING, found)
            elif framing_settled(diff.field, gold_frames):
                self.decisions[index] = Decision(EXISTING)

    def remaining_by_layer(self) -> dict[str, int]:
        """What is left to settle, per layer: span differences by layer (entities, evidence
        passages), actor links, event groups and framing fields the gold set does not settle."""
        out = dict.fromkeys(LAYERS, 0)
        for index, difference in enumerate(self.differences):
            if index in self.decisions:
                continue
            kind = difference.kind
            if kind is DifferenceKind.ACTOR:
                out["actor_links"] += 1
            elif kind is DifferenceKind.EVENT:
                out["events"] += 1
            elif kind is DifferenceKind.FRAMING:
                out["framing"] += 1
            else:
                span = next(s for _, s in difference.versions if s is not None)
                out[layer_of(span)] += 1
        return out

    def _resume(self, doc_id: int, agreed: list[Span], indices: range) -> None:
        gold = _not_triggers(self.store.spans.in_document(doc_id, annotator_id=self.gold.id))
        if not gold:
            return
        self.links.update(self.store.mentions.in_document(doc_id, self.gold.id))
        agreed_keys = {_key(s) for s in agreed}
        free = [s for s in gold if _key(s) not in agreed_keys]
        claimed: dict[int, list[Span]] = {}
        # First a gold span equal to one of the versions, then any gold span in the region.
        for index in indices:
            versions = {
                (s.start, s.end, s.label) for _, s in self.differences[index].versions if s
            }
            for span in list(free):
                if (span.start, span.end, span.label) in versions:
                    claimed.setdefault(index, []).append(span)
                    free.remove(span)
        for index in indices:
            if index in claimed:
                continue
            diff = self.differences[index]
            for span in list(free):
                if span.start < diff.end and diff.start < span.end:
                    claimed.setdefault(index, []).append(span)
                    free.remove(span)
        for index, spans in claimed.items():
            self.decisions[index] = Decision(EXISTING, tuple(spans))

    # -- progress and navigation ----------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.differences)

    @property
    def remaining(self) -> int:
        return len(self.differences) - len(self.decisions)

    def is_resolved(self, index: int) -> bool:
        return index in self.decisions

    def next_unresolved(self, after: int | None = None) -> int | None:
        """The first unsettled difference after ``after`` (wrapping around), or None."""
        n = len(self.differences)
        start = -1 if after is None else after
        for step in range(1, n + 1):
            index = (start + step) % n
            if index not in self.decisions:
                return index
        return None

    def previous_unresolved(self, before: int | None = None) -> int | None:
        n = len(self.differences)
        start = n if before is None else before
        for step in range(1, n + 1):
            index = (start - step) % n
            if index not in self.decisions:
                return index
        return None

    def differences_in(self, doc_id: int) -> list[int]:
        return [i for i, d in enumerate(self.differences) if d.document_id == doc_id]

    # -- commands -------------------------------------------------------------------------------

    def start(self) -> AcceptAgreed:
        """Copy every agreed span into the gold set (those not there already)."""
        return AcceptAgreed(self)

    def take(self, index: int, annotator: str) -> Decide:
        """Settle a difference with one annotator's version (nothing, if they have none), linked
        to the actor that annotator linked it to."""
        kind = self.differences[index].kind
        if kind is DifferenceKind.EVENT:
            return DecideEvent(self, index, annotator, [], f"Take {annotator}'s event")
        if kind is DifferenceKind.FRAMING:
            return DecideFraming(self, index, annotator, [], f"Take {annotator}'s framing choice")
        span = self.differences[index].version(annotator)
        if span is None:
            return Decide(self, index, annotator, [], f"Take {annotator}'s version")
        actor = self.links.get(span.id) if span.id is not None else None
        return Decide(self, index, annotator, [_gold_copy(span)], f"Take {annotator}'s version", [actor])

    def merge_roles(self, index: int) -> Decide:
        """Settle an event difference with the first annotator's event (in order) carrying every
        role any annotator filled: the arguments of all versions, each once."""
        if self.differences[index].kind is not DifferenceKind.EVENT:
            raise InputError("only an event difference has roles to merge")
        return DecideEvent(self, index, MERGED, [], "Merge the events' roles")

    def take_none(self, index: int) -> Decide:
        kind = self.differences[index].kind
        if kind is DifferenceKind.EVENT:
            return DecideEvent(self, index, NONE, [], "Keep no event")
        if kind is DifferenceKind.FRAMING:
            return DecideFraming(self, index, NONE, [], "Keep no framing choice")
        return Decide(self, index, NONE, [], "Keep no span")

    def custom(self, index: int, spans: Sequence[Span]) -> Decide:
        """Settle a difference with spans of the reviewer's own making (an edited version)."""
        if self.differences[index].kind in (DifferenceKind.EVENT, DifferenceKind.FRAMING):
            raise InputError(
                "an event or a framing choice is settled by taking a version (A/B, 1-9) or none "
                "(0); edit it afterwards in the event or framing form"
            )
        return Decide(self, index, CUSTOM, [_gold_copy(s) for s in spans], "Edit the span")

    def gold_spans(self, doc_id: int) -> list[Span]:
        return self.store.spans.in_document(doc_id, annotator_id=self.gold.id)

    def remember_links(self, spans: Sequence[Span], actors: Sequence[int | None]) -> None:
        """Note the actor links of gold spans just stored (undo puts them back with the spans)."""
        for span, actor in zip(spans, actors, strict=True):
            if span.id is not None and actor is not None:
                self.links[span.id] = actor


class AcceptAgreed:
    """Put what every annotator agrees on into the gold set, in one command: spans (with their
    actor links), then events and framing fields (``services.gold``). The copy and its undo are
    each one transaction (``Store.atomic``): a failure or a kill midway leaves the gold set as it
    was, never half copied with nothing on the undo stack to take it back."""

    def __init__(self, adjudication: Adjudication) -> None:
        self.adjudication = adjudication
        self.text = "Accept agreed spans, events and framing"
        self.added: dict[int, list[Span]] = {}
        self.layers = CopyAgreedAnalysis(
            adjudication.store,
            adjudication.gold.id,  # type: ignore[arg-type]
            adjudication.analysis_layers,
        )

    def _in_one_transaction(self, step: Callable[[], Change]) -> Change:
        """Run ``step`` with the adjudication's store bound to one transaction; if it fails,
        what this command remembers is put back as it was before the step (nothing of it was
        kept in the database)."""
        adj, layers = self.adjudication, self.layers
        store = adj.store
        before = (dict(adj.links), self.added, layers.events, layers.spans, layers.frames)
        try:
            with store.atomic() as one:
                adj.store = layers.store = one
                return step()
        except BaseException:
            links, self.added, layers.events, layers.spans, layers.frames = before
            adj.links.clear()
            adj.links.update(links)
            raise
        finally:
            adj.store = layers.store = store

    def do(self) -> Change:
        return self._in_one_transaction(self._copy)

    def undo(self) -> Change:
        return self._in_one_transaction(self._remove)

    def _copy(self) -> Change:
        adj = self.adjudication
        self.added = {}
        for doc_id, agreed in adj.agreed.items():
            if not agreed:
                continue
            present = {_key(s) for s in adj.gold_spans(doc_id)}
            wanted = [
                (_gold_copy(s), adj.links.get(s.id) if s.id is not None else None)
                for s in agreed
                if _key(s) not in present
            ]
            if wanted:
                stored = adj.store.mentions.replace_linked_spans(doc_id, adj.gold.id, [], wanted)
                adj.remember_links(stored, [actor for _span, actor in wanted])
                self.added[doc_id] = stored
        ids = tuple(sorted(set(self.added) | set(self.layers.do())))
        return BulkChange(ids[0] if ids else 0, spans=True, document_ids=ids)

    def _remove(self) -> Change:
        adj = self.adjudication
        ids = tuple(sorted(set(self.added) | set(self.layers.undo())))
        for doc_id, spans in self.added.items():
            adj.store.spans.replace(doc_id, adj.gold.id, [s.id for s in spans if s.id], [])
        return BulkChange(ids[0] if ids else 0, spans=True, document_ids=ids)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.added.values())


class Decide:
    """Settle one difference: replace whatever gold spans an earlier decision made for it."""

    def __init__(
        self,
        adjudication: Adjudication,
        index: int,
        choice: str,
        spans: list[Span],
        text: str,
        actors: Sequence[int | None] | None = None,
    ) -> None:
        self.adjudication = adjudication
        self.index = index
        self.choice = choice
        self.spans = spans
        self.text = text
        self.actors: list[int | None] = list(actors) if actors is not None else [None] * len(spans)
        self.previous: Decision | None = None
        self.stored: list[Span] = []

    @property
    def document_id(self) -> int:
        return self.adjudication.differences[self.index].document_id

    def do(self) -> Change:
        adj = self.adjudication
        self.previous = adj.decisions.get(self.index)
        remove = [s.id for s in self.previous.spans if s.id] if self.previous else []
        # On redo, self.stored holds the ids of the first run: the spans come back under them.
        add = list(zip(self.stored or self.spans, self.actors, strict=True))
        self.stored = adj.store.mentions.replace_linked_spans(self.document_id, adj.gold.id, remove, add)
        adj.remember_links(self.stored, self.actors)
        adj.decisions[self.index] = Decision(self.choice, tuple(self.stored))
        return Change(self.document_id, spans=True)

    def undo(self) -> Change:
        adj = self.adjudication
        restore = list(self.previous.spans) if self.previous else []
        adj.store.mentions.replace_linked_spans(
            self.document_id,
            adj.gold.id,
            [s.id for s in self.stored if s.id],
            [(s, adj.links.get(s.id) if s.id is not None else None) for s in restore],
        )
        if self.previous is None:
            adj.decisions.pop(self.index, None)
        else:
            adj.decisions[self.index] = self.previous
        return Change(self.document_id, spans=True)


def settle_agreed(store: Store, annotators: Sequence[str], gold: str = "gold") -> dict[str, Any]:
    """Copy everything ``annotators`` all agree on, in every layer, into the gold set (what is
    there already is not copied again: a second run changes nothing) and count what is left to
    settle per layer. The use case of ``annotator review --db DB --annotators A,B --gold NAME``.
    All of it is one transaction (``Store.atomic``): a kill or a failure midway leaves the gold
    set as it was, never half copied."""
    with store.atomic() as one:
        adjudication = Adjudication(one, annotators, gold)
        command = adjudication.start()
        command.do()
        remaining = adjudication.remaining_by_layer()
    return {
        "schema": "annotator.adjudication/1",
        "gold": adjudication.gold.name,
        "annotators": list(annotators),
        "documents": len(adjudication.document_ids),
        "copied": {
            "spans": command.count,
            "events": command.layers.events_added,
            "framing": command.layers.framings_changed,
        },
        "remaining": remaining,
    }


def merged_event(
    diff: Difference, spans: Mapping[str, Mapping[int, Span]]
) -> tuple[Event | None, dict[int, Span]]:
    """The first version's event with the arguments of every version, each (role, actor or span
    offsets) once; and the spans its span arguments point at (ids are the database's, unique
    across annotators)."""
    events = [(name, e) for name, e in diff.events if e is not None]
    if not events:
        return None, {}
    every: dict[int, Span] = {}
    for name, _event in events:
        every.update(spans.get(name, {}))
    seen: set[tuple[str, object]] = set()
    arguments = []
    for _name, event in events:
        for argument in event.arguments:
            ref = argument.ref
            target = ref.actor_id if ref.actor_id is not None else (
                "span", every[ref.span_id].start, every[ref.span_id].end  # type: ignore[index]
            )
            if (argument.role, target) not in seen:
                seen.add((argument.role, target))
                arguments.append(argument)
    return events[0][1].with_(arguments=tuple(arguments)), every


class DecideEvent(Decide):
    """Settle an event difference: the gold set gets that annotator's event (a copy, on its own
    trigger span) or none; an earlier decision's gold event is replaced."""

    def do(self) -> Change:
        adj = self.adjudication
        store, gold, doc_id = adj.store, adj.gold.id, self.document_id
        diff = adj.differences[self.index]
        self.previous = adj.decisions.get(self.index)
        earlier = {s.id for s in self.previous.spans} if self.previous else set()
        self.removed = [e for e in store.events.in_document(doc_id, gold) if e.trigger.id in earlier]
        for event in self.removed:
            assert event.id is not None
            store.events.delete(event.id)
        self.added_spans: list[int] = []
        self.stored_event: Event | None = None
        layers = adj.analysis_layers[doc_id]
        if self.choice == MERGED:
            chosen, own = merged_event(diff, layers.spans)
        else:
            chosen = diff.event(self.choice) if self.choice != NONE else None
            own = layers.spans.get(self.choice, {})
        spans: tuple[Span, ...] = ()
        if chosen is not None:
            self.stored_event = copy_event(store, doc_id, gold, chosen, own, self.added_spans)
            spans = (self.stored_event.trigger,)
        adj.decisions[self.index] = Decision(self.choice, spans)
        return Change(doc_id, spans=True)

    def undo(self) -> Change:
        adj = self.adjudication
        store, gold, doc_id = adj.store, adj.gold.id, self.document_id
        if self.stored_event is not None and self.stored_event.id is not None:
            store.events.delete(self.stored_event.id)
        if self.added_spans:
            store.spans.replace(doc_id, gold, self.added_spans, [])
        for event in self.removed:
            store.events.add(doc_id, gold, event)
        if self.previous is None:
            adj.decisions.pop(self.index, None)
        else:
            adj.decisions[self.index] = self.previous
        return Change(doc_id, spans=True)


class DecideFraming(Decide):
    """Settle one framing field: the gold assessment takes that annotator's choice (or none);
    the other fields stay as they are."""

    def do(self) -> Change:
        adj = self.adjudication
        store, gold, doc_id = adj.store, adj.gold.id, self.document_id
        diff = adj.differences[self.index]
        self.previous = adj.decisions.get(self.index)
        self.old: FrameAssessment | None = store.framing.get(doc_id, gold)
        source = None
        if self.choice != NONE:
            source = store.framing.get(doc_id, adj.annotator_ids[self.choice])
        store.framing.save(doc_id, gold, with_choice(self.old, diff.field, source))
        adj.decisions[self.index] = Decision(self.choice)
        return Change(doc_id, spans=True)

    def undo(self) -> Change:
        adj = self.adjudication
        adj.store.framing.save(self.document_id, adj.gold.id, self.old)
        if self.previous is None:
            adj.decisions.pop(self.index, None)
        else:
            adj.decisions[self.index] = self.previous
        return Change(self.document_id, spans=True)
