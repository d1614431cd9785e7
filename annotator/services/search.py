"""Full-text search across the corpus, with filters, returning the matching passages.

Shared by the GUI's search panel and any command that needs it. The database finds and ranks the
documents (SQLite FTS5, ``store/fulltext.py``); this module finds the passages in each document's
text, in code-point offsets, so that a result opens the document with the match selected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.model import DocumentMeta, Status
from annotator.core.textsearch import Passage, SearchFilters, find_passages, opening, parse_query
from annotator.store import Store
from annotator.store.fulltext import Facets, facets, find_documents

MAX_DOCUMENTS = 200
PASSAGES_PER_DOCUMENT = 5


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One passage of one document; ``passage.start == passage.end`` when the document was found
    by its title, outlet or filters alone."""

    doc_id: int
    meta: DocumentMeta
    status: Status
    passage: Passage


@dataclass(slots=True)
class SearchResults:
    hits: list[SearchHit] = field(default_factory=list)
    documents: int = 0
    truncated: bool = False  # more documents matched than were read


def search(
    store: Store,
    query_text: str,
    filters: SearchFilters | None = None,
    max_documents: int = MAX_DOCUMENTS,
    per_document: int = PASSAGES_PER_DOCUMENT,
) -> SearchResults:
    """Documents matching the words (best first) and the filters, with their passages.

    Raises ``InputError`` for a query that can match nothing (only excluded words).
    """
    filters = filters or SearchFilters()
    query = parse_query(query_text)
    if query.is_empty and (query_text.strip() or filters.is_empty):
        return SearchResults()  # nothing asked, or only punctuation typed
    match = None if query.is_empty else query
    ids = find_documents(store.engine, match, filters, limit=max_documents + 1)
    results = SearchResults(truncated=len(ids) > max_documents)
    for doc_id in ids[:max_documents]:
        doc = store.documents.get(doc_id)
        passages = find_passages(doc.text, query, per_document) if match is not None else []
        if not passages:
            passages = [opening(doc.text)]
        results.documents += 1
        results.hits += [SearchHit(doc_id, doc.meta, doc.status, p) for p in passages]
    return results


def search_facets(store: Store) -> Facets:
    """Outlets, languages, annotators and the date range the filters can offer."""
    return facets(store.engine)
