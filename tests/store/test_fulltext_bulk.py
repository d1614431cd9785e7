"""A large insert indexes its documents in one statement (store/fulltext.py, ``indexed_in_bulk``):
the search must find exactly what the row-by-row triggers give, and the trigger must be back."""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

import pytest

from annotator.core.errors import DuplicateDocumentError
from annotator.core.model import Document, DocumentMeta
from annotator.core.textsearch import SearchFilters, parse_query
from annotator.store import Store
from annotator.store.fulltext import BULK_INDEX_MIN, find_documents

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench import corpus  # noqa: E402  (the benchmark's generated texts, from the seeds)

QUERIES = (
    "Quds", "qaani", "Raissi", "esmail", '"Quds Force"', "syr*", "Iran -Syria", "Tasnim",
    "Le Monde", "relations OR mission", "la", "damas*", "Item 7", "zzzznothing",
)


def _documents(count: int) -> list[Document]:
    rng = random.Random(3)
    texts = corpus.short_texts(count, rng)
    return [
        Document(
            text=text,
            meta=DocumentMeta(
                title=f"Item {i}: {text[:40]}", source=rng.choice(corpus.OUTLETS),
                lang="en", filename=f"short.jsonl:{i + 1}",
            ),
        )
        for i, text in enumerate(texts)
    ]


def _results(store: Store) -> dict[str, list[int]]:
    return {
        q: find_documents(store.engine, parse_query(q), SearchFilters(), limit=10_000)
        for q in QUERIES
    }


def _index_check(path: Path) -> None:
    con = sqlite3.connect(path)
    try:  # FTS5 compares its index with the document table; raises if they differ
        con.execute("INSERT INTO document_fts(document_fts) VALUES ('integrity-check')")
        triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    finally:
        con.close()
    assert "document_fts_insert" in triggers


def test_bulk_index_finds_what_row_by_row_triggers_find(tmp_path: Path) -> None:
    docs = _documents(3 * BULK_INDEX_MIN)
    bulk, rows = Store(tmp_path / "bulk.sqlite"), Store(tmp_path / "rows.sqlite")
    try:
        bulk_ids = bulk.documents.add([Document(d.text, d.meta) for d in docs])
        row_ids = [rows.documents.add([Document(d.text, d.meta)])[0] for d in docs]
        assert bulk_ids == row_ids
        found = _results(bulk)
        assert found == _results(rows)  # same documents, same BM25 order
        assert sum(map(len, found.values())) > 3 * BULK_INDEX_MIN  # the queries do match
        # After the bulk insert the trigger indexes the next document again.
        late = Document("Zanzibarian ferries resumed service.", DocumentMeta(title="Late"))
        (late_id,) = bulk.documents.add([late])
        assert find_documents(bulk.engine, parse_query("zanzibarian"), SearchFilters()) == [late_id]
    finally:
        bulk.close()
        rows.close()
    _index_check(tmp_path / "bulk.sqlite")
    _index_check(tmp_path / "rows.sqlite")


def test_failed_bulk_insert_leaves_documents_index_and_trigger_as_they_were(tmp_path: Path) -> None:
    docs = _documents(2 * BULK_INDEX_MIN)
    store = Store(tmp_path / "db.sqlite")
    try:
        store.documents.add(docs[:5])
        before = _results(store)
        again = [Document(d.text, d.meta) for d in docs]  # its first five are stored already
        with pytest.raises(DuplicateDocumentError):
            store.documents.add(again)
        assert store.documents.count() == 5
        assert _results(store) == before
    finally:
        store.close()
    _index_check(tmp_path / "db.sqlite")


def test_a_large_insert_is_searchable_on_both_engines(store_url: str | Path) -> None:
    """SQLite takes the bulk path; PostgreSQL's index is the server's (nothing to do)."""
    docs = _documents(2 * BULK_INDEX_MIN)
    store = Store(store_url)
    try:
        ids = store.documents.add(docs)
        assert len(set(ids)) == len(docs)
        assert store.documents.many(ids[:3])[0].text == docs[0].text
        wanted = {i for i, d in zip(ids, docs, strict=True) if "qaani" in (d.text + d.meta.title).lower()}
        found = find_documents(store.engine, parse_query("qaani"), SearchFilters(), limit=10_000)
        assert wanted and set(found) == wanted
    finally:
        store.close()
