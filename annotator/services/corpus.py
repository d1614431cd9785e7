"""Figures across documents: framing by outlet, tone by outlet and actor, actor mentions and
co-occurrence, the event timeline, and story clusters (one event told by several outlets).

The analyst's question is rarely about one article: how do outlets frame the same event, who
appears with whom, what happened when. Every figure here is counted from one annotator's work
(their mentions, events and frame assessments) over a set of documents, and every figure keeps the
documents (and passages) it was counted from, so that a click on a bar, a node or a point can open
them. Qt-free: the corpus window draws these, tests check them against hand counts.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date as _date
from itertools import combinations

from annotator.core.errors import StoreError
from annotator.core.schema import Schema, default_schema
from annotator.core.textsearch import tokens
from annotator.store import Store
from annotator.store import corpus as q

NO_OUTLET = "(no outlet)"
NO_DATE = ""
UNITS = ("document", "sentence", "event")

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’)\]]*\s+|\n+")


@dataclass(frozen=True, slots=True)
class Passage:
    """A place to open: a document and a code-point range (start == end: the document itself)."""

    doc_id: int
    start: int = 0
    end: int = 0


@dataclass
class CorpusData:
    """One annotator's facts over a set of documents, read once for all the views."""

    annotator: str
    docs: dict[int, q.DocFacts]
    mentions: list[q.MentionFacts]
    events: list[q.EventFacts]
    frames: dict[int, q.FrameFacts]
    actors: dict[int, q.ActorFacts]
    annotator_id: int | None = None
    schema: Schema = field(default_factory=default_schema)
    texts: dict[int, str] = field(default_factory=dict)  # read by ``with_texts`` when needed

    def outlet(self, doc_id: int) -> str:
        return self.docs[doc_id].source or NO_OUTLET

    def outlets(self) -> list[str]:
        """Outlets of the documents, in alphabetical order (documents without one last)."""
        names = {self.outlet(d) for d in self.docs}
        return sorted(names - {NO_OUTLET}, key=str.casefold) + ([NO_OUTLET] if NO_OUTLET in names else [])

    def actor_name(self, actor_id: int) -> str:
        actor = self.actors.get(actor_id)
        return actor.name if actor else f"actor {actor_id}"


def load(store: Store, annotator: str, doc_ids: Sequence[int] | None = None) -> CorpusData:
    """Everything the views count, for ``annotator``'s work on ``doc_ids`` (None: all)."""
    engine = store.engine
    ann = q.annotator_id(engine, annotator)
    if ann is None:
        raise StoreError(f"no annotator named {annotator!r} in {store.path}")
    docs = {d.id: d for d in q.documents(engine, doc_ids)}
    ids = list(docs)
    return CorpusData(
        annotator=annotator,
        docs=docs,
        mentions=q.mentions(engine, ann, ids),
        events=q.events(engine, ann, ids),
        frames={f.doc_id: f for f in q.frames(engine, ann, ids)},
        actors={a.id: a for a in q.actors(engine)},
        annotator_id=ann,
    )


# -- framing by outlet ----------------------------------------------------------------------------


@dataclass
class FramingByOutlet:
    """Per outlet: documents, how many were assessed, how many have each frame present, how many
    have it as primary frame, and the documents' tones. ``*_docs`` keep the document ids."""

    outlets: list[str]
    dimensions: list[str]  # frame ids present anywhere, in codebook order
    names: dict[str, str]  # frame id -> display name
    documents: dict[str, int]
    assessed: dict[str, int]
    present: dict[str, Counter[str]]
    primary: dict[str, Counter[str]]
    tone: dict[str, Counter[str]]
    present_docs: dict[tuple[str, str], list[int]]
    primary_docs: dict[tuple[str, str], list[int]]
    tones: list[str]  # tone ids, from most pro to most anti
    tone_names: dict[str, str]

    def rows(self) -> list[list[object]]:
        """A table for CSV: outlet, documents, assessed, then frames present and primary frames."""
        header: list[object] = ["outlet", "documents", "assessed"]
        header += [f"present: {self.names[d]}" for d in self.dimensions]
        header += [f"primary: {self.names[d]}" for d in self.dimensions]
        header += [f"tone: {self.tone_names[t]}" for t in self.tones]
        out = [header]
        for o in self.outlets:
            row: list[object] = [o, self.documents[o], self.assessed[o]]
            row += [self.present[o][d] for d in self.dimensions]
            row += [self.primary[o][d] for d in self.dimensions]
            row += [self.tone[o][t] for t in self.tones]
            out.append(row)
        return out


def framing_by_outlet(data: CorpusData) -> FramingByOutlet:
    outlets = data.outlets()
    documents = Counter(data.outlet(d) for d in data.docs)
    present: dict[str, Counter[str]] = {o: Counter() for o in outlets}
    primary: dict[str, Counter[str]] = {o: Counter() for o in outlets}
    tone: dict[str, Counter[str]] = {o: Counter() for o in outlets}
    assessed: Counter[str] = Counter()
    present_docs: dict[tuple[str, str], list[int]] = defaultdict(list)
    primary_docs: dict[tuple[str, str], list[int]] = defaultdict(list)
    used: set[str] = set()
    for doc_id, facts in sorted(data.frames.items()):
        if doc_id not in data.docs or not (facts.frames or facts.primary or facts.tone):
            continue
        o = data.outlet(doc_id)
        assessed[o] += 1
        for frame in facts.frames:
            present[o][frame] += 1
            present_docs[(o, frame)].append(doc_id)
            used.add(frame)
        if facts.primary:
            primary[o][facts.primary] += 1
            primary_docs[(o, facts.primary)].append(doc_id)
            used.add(facts.primary)
        if facts.tone:
            tone[o][facts.tone] += 1
    order = [d.id for d in data.schema.dimensions]
    dims = [d for d in order if d in used] + sorted(used - set(order))
    names = {d.id: d.name for d in data.schema.dimensions}
    names.update({d: d for d in dims if d not in names})
    tones = [t.id for t in sorted(data.schema.tone, key=lambda t: -t.value)]
    return FramingByOutlet(
        outlets, dims, names, {o: documents[o] for o in outlets}, {o: assessed[o] for o in outlets},
        present, primary, tone, dict(present_docs), dict(primary_docs), tones,
        {t.id: t.name for t in data.schema.tone},
    )


def frame_passages(store: Store, data: CorpusData, doc_ids: Iterable[int], dimension: str) -> list[Passage]:
    """What to list when a frame's bar is clicked: the evidence passages tagged with that frame
    in those documents, and each document without one as a whole."""
    ids = list(doc_ids)
    assert data.annotator_id is not None
    found = q.frame_evidence(store.engine, data.annotator_id, dimension, ids)
    with_evidence = {d for d, _s, _e in found}
    out = [Passage(d, s, e) for d, s, e in found]
    out += [Passage(d) for d in ids if d not in with_evidence]
    return sorted(out, key=lambda p: (ids.index(p.doc_id), p.start))


# -- tone by outlet and actor ---------------------------------------------------------------------


@dataclass
class ToneCell:
    values: list[int] = field(default_factory=list)
    docs: list[int] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        return sum(self.values) / len(self.values) if self.values else None


@dataclass
class ToneTable:
    """Mean tone (+2 explicit pro .. -2 explicit anti) per outlet, overall and towards each actor
    that a tone was coded towards. Column ``None`` is the documents' overall tone."""

    outlets: list[str]
    actors: list[int]
    cells: dict[tuple[str, int | None], ToneCell]
    names: dict[int, str]

    def rows(self) -> list[list[object]]:
        header: list[object] = ["outlet", "all documents"]
        header += [self.names[a] for a in self.actors]
        out = [header]
        for o in self.outlets:
            row: list[object] = [o]
            for a in [None, *self.actors]:
                mean = self.cells[(o, a)].mean if (o, a) in self.cells else None
                row.append("" if mean is None else round(mean, 2))
            out.append(row)
        return out


def tone_by_outlet(data: CorpusData) -> ToneTable:
    value = {t.id: t.value for t in data.schema.tone}
    cells: dict[tuple[str, int | None], ToneCell] = {}
    actors: set[int] = set()
    for doc_id, facts in sorted(data.frames.items()):
        if doc_id not in data.docs or facts.tone not in value:
            continue
        o = data.outlet(doc_id)
        for key in {(o, None), (o, facts.tone_target)}:
            cell = cells.setdefault(key, ToneCell())
            cell.values.append(value[facts.tone])
            cell.docs.append(doc_id)
        if facts.tone_target is not None:
            actors.add(facts.tone_target)
    ordered = sorted(actors, key=lambda a: data.actor_name(a).casefold())
    return ToneTable(data.outlets(), ordered, cells, {a: data.actor_name(a) for a in ordered})


# -- actors ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorCount:
    actor_id: int
    name: str
    kind: str
    country: str
    mentions: int
    documents: int
    by_outlet: dict[str, int]


@dataclass
class ActorCounts:
    outlets: list[str]
    rows_: list[ActorCount]

    def rows(self) -> list[list[object]]:
        out: list[list[object]] = [["actor", "kind", "country", "mentions", "documents", *self.outlets]]
        for r in self.rows_:
            out.append([r.name, r.kind, r.country, r.mentions, r.documents,
                        *[r.by_outlet.get(o, 0) for o in self.outlets]])
        return out


def actor_counts(data: CorpusData) -> ActorCounts:
    """Mentions per actor, overall and per outlet, most mentioned first."""
    total: Counter[int] = Counter()
    docs: dict[int, set[int]] = defaultdict(set)
    by_outlet: dict[int, Counter[str]] = defaultdict(Counter)
    for m in data.mentions:
        total[m.actor_id] += 1
        docs[m.actor_id].add(m.doc_id)
        by_outlet[m.actor_id][data.outlet(m.doc_id)] += 1
    rows = []
    for actor_id, n in total.items():
        facts = data.actors.get(actor_id)
        rows.append(ActorCount(
            actor_id, data.actor_name(actor_id), facts.kind if facts else "", facts.country if facts else "",
            n, len(docs[actor_id]), dict(by_outlet[actor_id]),
        ))
    rows.sort(key=lambda r: (-r.mentions, r.name.casefold()))
    return ActorCounts(data.outlets(), rows)


def actor_passages(data: CorpusData, actor_id: int, with_actor: int | None = None) -> list[Passage]:
    """The mentions of an actor (in documents that also mention ``with_actor``, if given)."""
    docs = None
    if with_actor is not None:
        docs = {m.doc_id for m in data.mentions if m.actor_id == with_actor}
    return [
        Passage(m.doc_id, m.start, m.end)
        for m in data.mentions
        if m.actor_id == actor_id and (docs is None or m.doc_id in docs)
    ]


# -- co-occurrence network ------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    a: int
    b: int
    weight: int  # how many documents, sentences or events link them
    docs: tuple[int, ...]


@dataclass
class Network:
    unit: str
    nodes: dict[int, int]  # actor id -> mentions
    edges: list[Edge]
    names: dict[int, str]
    kinds: dict[int, str]

    def rows(self) -> list[list[object]]:
        out: list[list[object]] = [["actor", "actor", "weight", "documents"]]
        for e in self.edges:
            out.append([self.names[e.a], self.names[e.b], e.weight, len(e.docs)])
        return out


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentences of a text as (start, end) code-point ranges: ends at . ! ? … and line breaks."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def network(data: CorpusData, unit: str = "document", min_weight: int = 1) -> Network:
    """Actors as nodes (weight: mentions); an edge between two actors mentioned in the same
    document or sentence, or linked by an event (its actor, recipient and other arguments)."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; valid: {', '.join(UNITS)}")
    nodes: Counter[int] = Counter(m.actor_id for m in data.mentions)
    groups: list[tuple[int, set[int]]] = []  # (doc id, actors together)
    if unit == "document":
        per_doc: dict[int, set[int]] = defaultdict(set)
        for m in data.mentions:
            per_doc[m.doc_id].add(m.actor_id)
        groups = sorted(per_doc.items())
    elif unit == "sentence":
        by_doc: dict[int, list[q.MentionFacts]] = defaultdict(list)
        for m in data.mentions:
            by_doc[m.doc_id].append(m)
        for doc_id, items in sorted(by_doc.items()):
            bounds = data_text_bounds(data, doc_id)
            for a, b in bounds:
                together = {m.actor_id for m in items if a <= m.start < b}
                if len(together) > 1:
                    groups.append((doc_id, together))
    else:
        for e in data.events:
            together = set(e.actors) | set(e.recipients) | set(e.others)
            nodes.update(a for a in together if a not in nodes)
            groups.append((e.doc_id, together))
    weights: Counter[tuple[int, int]] = Counter()
    docs: dict[tuple[int, int], set[int]] = defaultdict(set)
    for doc_id, together in groups:
        for a, b in combinations(sorted(together), 2):
            weights[(a, b)] += 1
            docs[(a, b)].add(doc_id)
    edges = [Edge(a, b, w, tuple(sorted(docs[(a, b)]))) for (a, b), w in weights.items() if w >= min_weight]
    edges.sort(key=lambda e: (-e.weight, data.actor_name(e.a), data.actor_name(e.b)))
    names = {a: data.actor_name(a) for a in nodes}
    kinds = {a: (data.actors[a].kind if a in data.actors else "other") for a in nodes}
    return Network(unit, dict(nodes), edges, names, kinds)


def data_text_bounds(data: CorpusData, doc_id: int) -> list[tuple[int, int]]:
    """Sentence bounds of a document (its text is read only for the sentence network)."""
    if doc_id not in data.texts:
        raise StoreError("sentence co-occurrence needs the texts: load them with with_texts()")
    return sentence_bounds(data.texts[doc_id])


def with_texts(store: Store, data: CorpusData) -> CorpusData:
    """Read the documents' texts into ``data`` (needed for sentences and story similarity)."""
    data.texts = {d: store.documents.get(d).text for d in data.docs}
    return data


# -- timeline -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelinePoint:
    event_id: int
    date: str  # the event's date, else the document's (see ``dated_by``)
    dated_by: str  # "event" or "document"
    category: str
    doc_id: int
    start: int
    end: int
    outlet: str
    actors: tuple[int, ...]  # every actor of the event, actor role first
    label: str  # "Ismail Qaani → Syria"


@dataclass
class Timeline:
    points: list[TimelinePoint]
    undated: list[TimelinePoint]
    categories: list[str]  # categories present, in ontology order
    names: dict[int, str]

    def rows(self) -> list[list[object]]:
        header: list[object] = ["date", "dated by", "category", "event", "outlet", "document", "start", "end"]
        out = [header]
        for p in self.points + self.undated:
            out.append([p.date, p.dated_by, p.category, p.label, p.outlet, p.doc_id, p.start, p.end])
        return out


def _full_date(value: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD as a day (the first of the month or year), or ''."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return value + "-01"
    if re.fullmatch(r"\d{4}", value):
        return value + "-01-01"
    return ""


def timeline(data: CorpusData, actor: int | None = None, categories: Iterable[str] | None = None) -> Timeline:
    """Events by date (the event's own date, else its document's), optionally only those with
    ``actor`` among their arguments, or only some categories."""
    wanted = set(categories) if categories is not None else None
    points: list[TimelinePoint] = []
    undated: list[TimelinePoint] = []
    names: dict[int, str] = {}
    for e in data.events:
        involved = tuple(dict.fromkeys([*e.actors, *e.recipients, *e.others]))
        if actor is not None and actor not in involved:
            continue
        if wanted is not None and e.category not in wanted:
            continue
        for a in involved:
            names[a] = data.actor_name(a)
        who = ", ".join(data.actor_name(a) for a in e.actors) or "?"
        whom = ", ".join(data.actor_name(a) for a in e.recipients)
        label = f"{who} → {whom}" if whom else who
        own = _full_date(e.date)
        day = own or _full_date(data.docs[e.doc_id].date)
        point = TimelinePoint(
            e.id, day, "event" if own else "document", e.category, e.doc_id, e.start, e.end,
            data.outlet(e.doc_id), involved, label,
        )
        (points if day else undated).append(point)
    points.sort(key=lambda p: (p.date, p.doc_id, p.start))
    order = [c.name for c in data.schema.categories]
    present = {p.category for p in points + undated}
    cats = [c for c in order if c in present] + sorted(present - set(order))
    return Timeline(points, undated, cats, names)


# -- story clusters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    doc_ids: tuple[int, ...]  # oldest first
    outlets: tuple[str, ...]
    first_date: str
    last_date: str
    actors: tuple[int, ...]  # shared by most of its documents, most mentioned first
    categories: tuple[str, ...]
    title: str  # a short name: the main actors and the dates


@dataclass
class Stories:
    stories: list[Story]
    scores: dict[tuple[int, int], float]  # document pair -> similarity (for the curious)

    def rows(self) -> list[list[object]]:
        header: list[object] = ["story", "documents", "outlets", "from", "to", "event categories"]
        out = [header]
        for i, s in enumerate(self.stories, 1):
            out.append([i, " ".join(map(str, s.doc_ids)), "; ".join(s.outlets), s.first_date,
                        s.last_date, " ".join(s.categories)])
        return out


def _doc_dates(data: CorpusData, doc_id: int) -> list[_date]:
    """The dates a document speaks of: its events' and its own (publication) date."""
    days = [_full_date(e.date) for e in data.events if e.doc_id == doc_id]
    days.append(_full_date(data.docs[doc_id].date))
    return sorted({_date.fromisoformat(d) for d in days if d})


def _published(data: CorpusData, doc_id: int) -> str:
    """The document's own date, else its earliest event's, else ''."""
    own = _full_date(data.docs[doc_id].date)
    if own:
        return own
    events = sorted(d for d in (_full_date(e.date) for e in data.events if e.doc_id == doc_id) if d)
    return events[0] if events else ""


def _weighted_jaccard(a: set[int], b: set[int], weight: dict[int, float]) -> float:
    union = sum(weight[x] for x in a | b)
    return sum(weight[x] for x in a & b) / union if union else 0.0


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


THRESHOLD = 0.35


def story_clusters(data: CorpusData, threshold: float = THRESHOLD) -> Stories:
    """Group documents that tell the same story: the same actors (rare ones count more), events
    of the same kinds at close dates, and similar wording. Documents join a story when their
    similarity to one of its documents reaches ``threshold`` (0..1)."""
    ids = sorted(data.docs)
    actors_of: dict[int, set[int]] = defaultdict(set)
    for m in data.mentions:
        actors_of[m.doc_id].add(m.actor_id)
    for e in data.events:
        actors_of[e.doc_id].update(e.actors + e.recipients)
    cats_of: dict[int, set[str]] = defaultdict(set)
    for e in data.events:
        cats_of[e.doc_id].add(e.category)
    n = max(len(ids), 1)
    df = Counter(a for d in ids for a in actors_of[d])
    idf = {a: math.log((n + 1) / (c + 0.5)) for a, c in df.items()}
    texts = data.texts
    bags: dict[int, Counter[str]] = {}
    if texts:
        tf = {d: Counter(t for _s, _e, t in tokens(texts[d]) if len(t) > 3) for d in ids}
        wdf = Counter(w for d in ids for w in tf[d])
        bags = {d: Counter({w: c * math.log((n + 1) / wdf[w]) for w, c in tf[d].items()}) for d in ids}
    dates = {d: _doc_dates(data, d) for d in ids}
    scores: dict[tuple[int, int], float] = {}
    parent = {d: d for d in ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in combinations(ids, 2):
        actor_sim = _weighted_jaccard(actors_of[a], actors_of[b], idf)
        ca, cb = cats_of[a], cats_of[b]
        cat_sim = len(ca & cb) / len(ca | cb) if ca | cb else 0.0
        if dates[a] and dates[b]:
            gap = min(abs((x - y).days) for x in dates[a] for y in dates[b])
            date_sim = max(0.0, 1.0 - gap / 7)
        else:
            date_sim = 0.5  # unknown: neither for nor against
        text_sim = _cosine(bags[a], bags[b]) if bags else 0.0
        score = 0.45 * actor_sim + 0.2 * cat_sim + 0.2 * date_sim + 0.15 * text_sim
        scores[(a, b)] = round(score, 3)
        if score >= threshold:
            parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for d in ids:
        groups[find(d)].append(d)
    stories = []
    for members in groups.values():
        members.sort(key=lambda d: (_published(data, d) or "9999", d))
        days = sorted(x for x in (_published(data, d) for d in members) if x)
        # The story's actors: named in most of its documents, the rarer in the corpus first.
        counts: Counter[int] = Counter(m.actor_id for m in data.mentions if m.doc_id in members)
        shared = [
            a for a, _c in counts.most_common()
            if sum(a in actors_of[d] for d in members) * 2 > len(members)
        ]
        shared.sort(key=lambda a: -counts[a] * idf.get(a, 0.0))
        cats = sorted({c for d in members for c in cats_of[d]})
        first = days[0] if days else ""
        last = days[-1] if days else ""
        title = ", ".join(data.actor_name(a) for a in shared[:3]) or data.docs[members[0]].title
        if first:
            title += f" · {first}" + (f" – {last}" if last != first else "")
        outlets = tuple(dict.fromkeys(data.outlet(d) for d in members))
        stories.append(Story(tuple(members), outlets, first, last, tuple(shared), tuple(cats), title))
    stories.sort(key=lambda s: (-len(s.doc_ids), s.first_date or "9999", s.doc_ids))
    return Stories(stories, scores)
