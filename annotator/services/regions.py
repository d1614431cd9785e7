"""The analyst's say over marked regions: unmark a stretch that import took for a repeated line
or boilerplate (or mark it again), as a command with ``do`` and ``undo`` like every change.

Marking changes what is suggested there (nothing inside a marked region) and what agreement
counts; the stored text never changes. Spans are not made inside a marked region:
``marked_region_at`` tells the reading pane which region a selection falls in, to say so.
"""

from __future__ import annotations

from annotator.core.regions import Region
from annotator.services.annotate import Change
from annotator.store import Store


def marked_region_at(regions: list[Region], start: int, end: int) -> Region | None:
    """The marked region that ``[start, end)`` overlaps, if any."""
    for region in regions:
        if region.marked and region.overlaps(start, end):
            return region
    return None


class SetRegionMarked:
    """Mark or unmark one region of a document."""

    def __init__(self, store: Store, doc_id: int, region: Region, marked: bool) -> None:
        self.store = store
        self.doc_id = doc_id
        self.region = region
        self.marked = marked
        self.text = "Mark region" if marked else "Unmark region"

    def do(self) -> Change:
        return self._set(self.marked)

    def undo(self) -> Change:
        return self._set(not self.marked)

    def _set(self, marked: bool) -> Change:
        assert self.region.id is not None
        self.region = self.store.regions.set_marked(self.region.id, marked)
        return Change(
            self.doc_id, spans=True, regions=True, span_range=(self.region.start, self.region.end)
        )
