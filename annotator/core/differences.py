"""Where annotators disagree in a document: spans grouped across annotators, each group's kind.

Adjudication walks these differences one by one. Spans of different annotators are grouped the way
the agreement figures match them (``core.agreement.overlap_matches``): greedily by largest overlap,
at most one span per annotator in a group. A group in which every annotator has the same span is
agreed; any other group is a difference: missing for some annotator (``only_a``/``only_b`` with
two annotators, ``missing`` with more), a different label, or different boundaries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from annotator.core.agreement import overlap
from annotator.core.model import Span


class DifferenceKind(StrEnum):
    ONLY_A = "only_a"  # two annotators: the span is the first one's only
    ONLY_B = "only_b"  # two annotators: the span is the second one's only
    MISSING = "missing"  # three or more annotators: some of them lack the span
    LABEL = "label"  # everyone has a span here, the labels differ (boundaries may too)
    BOUNDARIES = "boundaries"  # everyone has a span with this label, the offsets differ


Group = dict[str, Span]


def group_spans(spans: Mapping[str, Sequence[Span]], annotators: Sequence[str]) -> list[Group]:
    """Every span of every annotator in exactly one group; groups in text order.

    Pairs of overlapping spans of two annotators are taken by larger overlap, then same label,
    then identical boundaries, then smaller boundary distance, then position; two groups merge
    when the pair links them and they share no annotator.
    """
    items: list[tuple[str, Span]] = [
        (name, span) for name in annotators for span in spans.get(name, ())
    ]
    parent = list(range(len(items)))
    members: list[set[str]] = [{name} for name, _ in items]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    candidates: list[tuple[tuple[int, ...], int, int]] = []
    order = sorted(range(len(items)), key=lambda k: (items[k][1].start, items[k][1].end))
    rank = {name: r for r, name in enumerate(annotators)}
    for pos, i in enumerate(order):
        name_i, x = items[i]
        for j in order[pos + 1 :]:
            name_j, y = items[j]
            if y.start >= x.end:
                break
            if name_i == name_j:
                continue
            shared = overlap(x, y)
            if shared <= 0:
                continue
            first, second = (i, j) if rank[name_i] <= rank[name_j] else (j, i)
            a, b = items[first][1], items[second][1]
            key = (
                -shared,
                0 if a.label == b.label else 1,
                0 if (a.start, a.end) == (b.start, b.end) else 1,
                abs(a.start - b.start) + abs(a.end - b.end),
                a.start,
                a.end,
                b.start,
                b.end,
            )
            candidates.append((key, first, second))
    candidates.sort()
    for _key, i, j in candidates:
        root_i, root_j = find(i), find(j)
        if root_i == root_j or members[root_i] & members[root_j]:
            continue
        parent[root_j] = root_i
        members[root_i] |= members[root_j]
    groups: dict[int, Group] = {}
    for k, (name, span) in enumerate(items):
        groups.setdefault(find(k), {})[name] = span
    result = list(groups.values())
    result.sort(key=lambda g: _group_order(g, annotators))
    return result


def _group_order(group: Group, annotators: Sequence[str]) -> tuple[int, int, int]:
    start = min(s.start for s in group.values())
    end = max(s.end for s in group.values())
    first = min(annotators.index(name) for name in group)
    return start, end, first


def is_agreed(group: Group, annotators: Sequence[str]) -> bool:
    if any(name not in group for name in annotators):
        return False
    keys = {(s.start, s.end, s.label) for s in group.values()}
    return len(keys) == 1


def kind_of(group: Group, annotators: Sequence[str]) -> DifferenceKind:
    missing = [name for name in annotators if name not in group]
    if missing:
        if len(annotators) == 2:
            return DifferenceKind.ONLY_A if missing == [annotators[1]] else DifferenceKind.ONLY_B
        return DifferenceKind.MISSING
    if len({s.label for s in group.values()}) > 1:
        return DifferenceKind.LABEL
    return DifferenceKind.BOUNDARIES


@dataclass(frozen=True, slots=True)
class Difference:
    """One disagreement: each annotator's version (None where they have no span)."""

    document_id: int
    versions: tuple[tuple[str, Span | None], ...]
    kind: DifferenceKind

    @property
    def start(self) -> int:
        return min(s.start for _, s in self.versions if s is not None)

    @property
    def end(self) -> int:
        return max(s.end for _, s in self.versions if s is not None)

    def version(self, annotator: str) -> Span | None:
        for name, span in self.versions:
            if name == annotator:
                return span
        raise KeyError(annotator)

    @property
    def missing(self) -> list[str]:
        return [name for name, span in self.versions if span is None]

    @property
    def label_differs(self) -> bool:
        return len({s.label for _, s in self.versions if s is not None}) > 1

    @property
    def boundaries_differ(self) -> bool:
        return len({(s.start, s.end) for _, s in self.versions if s is not None}) > 1


def document_differences(
    document_id: int, spans: Mapping[str, Sequence[Span]], annotators: Sequence[str]
) -> tuple[list[Span], list[Difference]]:
    """The agreed spans and the differences of one document, in text order."""
    agreed: list[Span] = []
    differences: list[Difference] = []
    for group in group_spans(spans, annotators):
        if is_agreed(group, annotators):
            agreed.append(group[annotators[0]])
            continue
        versions = tuple((name, group.get(name)) for name in annotators)
        differences.append(Difference(document_id, versions, kind_of(group, annotators)))
    return agreed, differences
