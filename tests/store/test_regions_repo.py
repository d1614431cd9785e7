"""store.regions on both engines: regions stored with their document in one transaction, listed,
unmarked and marked again, detection saved again without re-marking what an analyst unmarked."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import StoreError
from annotator.core.model import Document, DocumentMeta
from annotator.core.regions import Region, RegionKind, detect_regions
from annotator.store import Store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_regions_round_trip_through_the_store(store_url: Path | str) -> None:
    text = (SEEDS / "003_ddffb80f9bab1e39.txt").read_text(encoding="utf-8")
    store = Store(store_url)
    try:
        doc = Document(text, DocumentMeta(filename="003.txt"), regions=tuple(detect_regions(text)))
        plain = Document("No region in this one.\nNor here.\nNor here either.")
        doc_id, plain_id = store.documents.add([doc, plain])
        listed = store.regions.of_document(doc_id)
        assert [(r.start, r.end, r.kind, r.marked) for r in listed] == [
            (r.start, r.end, r.kind, True) for r in doc.regions
        ]
        assert all(r.id is not None for r in listed)
        assert store.regions.of_document(plain_id) == []
        assert set(store.regions.of_documents([doc_id, plain_id])) == {doc_id}

        first = listed[0]
        unmarked = store.regions.set_marked(first.id, False)  # type: ignore[arg-type]
        assert (unmarked.start, unmarked.marked) == (first.start, False)
        ranges = store.regions.marked_ranges([doc_id])[doc_id]
        assert (first.start, first.end) not in ranges and len(ranges) == len(listed) - 1
        # Detection saved again: known extents stay as the analyst left them.
        again = store.regions.save(doc_id, detect_regions(text))
        assert len(again) == len(listed) and not again[0].marked
        store.regions.set_marked(first.id, True)  # type: ignore[arg-type]
        assert store.regions.of_document(doc_id)[0].marked

        with pytest.raises(StoreError, match="outside document"):
            store.regions.save(plain_id, [Region(0, 10_000, RegionKind.BOILERPLATE)])
        with pytest.raises(StoreError, match="no region"):
            store.regions.set_marked(999_999, False)
    finally:
        store.close()


def test_a_bad_region_stores_nothing_of_the_file(store_url: Path | str) -> None:
    """A region that breaks the table's checks fails the document's transaction whole."""
    store = Store(store_url)
    try:
        bad = Document("A text\nof three\nlines.", regions=(Region(5, 3, RegionKind.REPEATED),))
        with pytest.raises(Exception):  # noqa: B017 - the engine's own integrity error
            store.documents.add([Document("Another text."), bad])
        assert store.documents.ids() == []
    finally:
        store.close()
