"""Full-text search on the seeds: the index follows the documents, filters narrow, passages point
at the words in the text. Every test but the SQLite index's own runs on both engines (SQLite's
FTS5, PostgreSQL's text search) with the same queries and expects the same documents."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.core.errors import InputError
from annotator.core.model import Document, DocumentMeta, Status
from annotator.core.textsearch import SearchFilters
from annotator.services.search import search, search_facets
from annotator.store import Store
from tests.pg_server import PgServer


def _titles(results) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    for hit in results.hits:
        if hit.meta.title not in seen:
            seen.append(hit.meta.title)
    return seen


def test_every_passage_is_the_text_at_its_offsets(seeded_both: Path | str) -> None:
    store = Store(seeded_both)
    results = search(store, "Qaani")
    # The name is in the four reports of the visit, and not in the May meeting (004).
    assert results.documents == 4
    for hit in results.hits:
        text = store.documents.get(hit.doc_id).text
        assert text[hit.passage.start : hit.passage.end] == hit.passage.match
        assert hit.passage.match.casefold() == "qaani"
    store.close()


def test_accents_and_case_do_not_matter(seeded_both: Path | str) -> None:
    store = Store(seeded_both)
    # The French report writes "Esmaïl"; the Israeli and Arab ones "Esmail".
    results = search(store, "esmail")
    matched = {h.passage.match for h in results.hits}
    assert {"Esmaïl", "Esmail"} <= matched
    store.close()


def test_phrase_prefix_exclusion_and_or(seeded_both: Path | str) -> None:
    store = Store(seeded_both)
    phrase = search(store, '"joint military drill"')
    assert phrase.documents >= 2
    assert all(h.passage.match.casefold() == "joint military drill" for h in phrase.hits)
    prefix = search(store, "Hezbol*")
    assert prefix.hits and all(h.passage.match.startswith("Hezbol") for h in prefix.hits)
    without_french = search(store, "Qaani -Damas")
    assert without_french.documents == 3
    either = search(store, "Baqeri OR Esmaïl")
    assert either.documents == 4  # 004 names Baqeri, 001 Esmaïl; 002 and 003 write Esmail
    store.close()


def test_a_query_of_only_excluded_words_is_refused(seeded_both: Path | str) -> None:
    store = Store(seeded_both)
    with pytest.raises(InputError, match="excluded"):
        search(store, "-Qaani")
    store.close()


def test_quotes_and_fts_operators_in_the_box_are_words(seeded_both: Path | str) -> None:
    store = Store(seeded_both)
    # FTS5 would read NEAR( and col: as syntax; the box reads them as words.
    assert search(store, 'NEAR( "Qaani').documents >= 1
    assert search(store, "text:Qaani").documents == 0
    assert search(store, "^*()").documents == 0
    store.close()


def test_filters_narrow_and_alone_list_documents(seeded_both: Path | str) -> None:
    store = Store(seeded_both)
    ids = store.documents.ids()
    meta = store.documents.get(ids[2]).meta
    store.documents.update_meta(ids[2], meta.with_(source="Alma Center", date="2023-09-24"))
    store.documents.set_status(ids[1], Status.DONE)
    assert _titles(search(store, "Qaani", SearchFilters(outlets=("Alma Center",)))) == [
        store.documents.get(ids[2]).meta.title
    ]
    french = search(store, "", SearchFilters(languages=("fr",)))
    assert french.documents == 1 and french.hits[0].doc_id == ids[1]
    assert search(store, "Qaani", SearchFilters(statuses=("done",))).documents == 1
    dated = search(store, "", SearchFilters(date_from="2023-09-01", date_to="2023-09"))
    assert {h.doc_id for h in dated.hits} == {ids[0], ids[2]}
    may = search(store, "", SearchFilters(date_to="2023-05-31"))
    assert {h.doc_id for h in may.hits} == {ids[4]}
    # The pre-annotating model has spans everywhere; nobody else has any yet.
    model = search_facets(store).annotators
    assert model and search(store, "", SearchFilters(annotators=tuple(model))).documents == 5
    assert search(store, "", SearchFilters(annotators=("nobody",))).documents == 0
    store.close()


def test_the_index_follows_inserts_edits_and_deletes(store_url: Path | str) -> None:
    store = Store(store_url)
    [doc_id] = store.documents.add([Document("Talks in Muscat ended.", DocumentMeta(title="Oman"))])
    assert search(store, "muscat").documents == 1
    store.documents.update_meta(doc_id, DocumentMeta(title="Sultanate", source="Times of Oman"))
    assert search(store, "sultanate").documents == 1
    assert search(store, "oman").hits[0].passage.start == 0  # outlet match: no passage in the text
    with store.engine.begin() as conn:  # behind the store's back, as another program would
        conn.execute(text("DELETE FROM document WHERE id = :d"), {"d": doc_id})
    assert search(store, "muscat").documents == 0
    store.close()


def test_an_index_out_of_step_is_rebuilt_on_open(seeded_db: Path) -> None:
    # As after a migration that copied the document table: triggers gone, index emptied.
    con = sqlite3.connect(seeded_db)
    con.execute("DROP TRIGGER document_fts_insert")
    con.execute("INSERT INTO document_fts(document_fts) VALUES ('delete-all')")
    con.execute(
        "INSERT INTO document(text, text_sha256, title, source, date, lang, url, filename, status,"
        " created_at, updated_at) VALUES ('Baalbek', 'x', 'new', '', '', '', '', '', 'todo', '', '')"
    )
    con.commit()
    con.close()
    store = Store(seeded_db)
    assert search(store, "Qaani").documents == 4
    assert search(store, "Baalbek").documents == 1
    store.close()


def test_facets(seeded_both: Path | str) -> None:
    store = Store(seeded_both)
    found = search_facets(store)
    assert found.languages == ["en", "fr"]
    assert (found.first_date, found.last_date) == ("2023-05-12", "2023-09-22")
    store.close()


def test_filters_by_actor_event_category_and_frame(annotated_both: Path | str) -> None:
    store = Store(annotated_both)
    ids = store.documents.ids()
    found = search_facets(store)
    actors = dict((name, actor_id) for actor_id, name in found.actors)
    assert {"Hezbollah", "Ismail Qaani", "Mohammad Baqeri"} <= set(actors)
    assert found.event_categories == ["ASSAULT", "CONSULT", "COOPERATE"]
    assert "Political" in found.frames and "Capacity_and_resources" in found.frames
    # Hezbollah is tagged in the think-tank brief only; Baqeri in Islam Times only.
    hezbollah = search(store, "Syria", SearchFilters(actors=(actors["Hezbollah"],)))
    assert {h.doc_id for h in hezbollah.hits} == {ids[2]}

    def docs(**given) -> set[int]:  # type: ignore[no-untyped-def]
        return {h.doc_id for h in search(store, "", SearchFilters(**given)).hits}

    assert docs(actors=(actors["Mohammad Baqeri"],)) == {ids[4]}
    # The drone strike (ASSAULT) was coded in Asharq Al-Awsat's report only.
    assert docs(event_categories=("ASSAULT",)) == {ids[3]}
    cooperate = search(store, "", SearchFilters(event_categories=("COOPERATE",)))
    assert {h.doc_id for h in cooperate.hits} == set(ids[:3])
    # Frames present or primary: Political in the think tank's and Asharq Al-Awsat's.
    political = search(store, "", SearchFilters(frames=("Political",)))
    assert {h.doc_id for h in political.hits} == {ids[2], ids[3]}
    both = search(store, "Qaani", SearchFilters(frames=("Political",), event_categories=("ASSAULT",)))
    assert {h.doc_id for h in both.hits} == {ids[3]}
    store.close()


QUERIES = ("Qaani", "esmail", '"joint military drill"', "Hezbol*", "Qaani -Damas", "Baqeri OR Esmaïl",
           "syria iran", '"Quds Force" OR drone*', "Damas*", "raissi")


def test_both_engines_find_the_same_documents_for_the_same_queries(
    seeded_db: Path, pg_seeded_template: str, pg_server: PgServer
) -> None:
    from tests.conftest import new_pg_database

    lite, pg = Store(seeded_db), Store(new_pg_database(pg_server, pg_seeded_template))
    try:
        for query in QUERIES:
            on_lite, on_pg = search(lite, query), search(pg, query)
            assert {h.doc_id for h in on_lite.hits} == {h.doc_id for h in on_pg.hits}, query
            assert on_lite.documents == on_pg.documents, query
            # The passages come from the same texts by the same rules.
            assert sorted((h.doc_id, h.passage.start, h.passage.end) for h in on_lite.hits) == sorted(
                (h.doc_id, h.passage.start, h.passage.end) for h in on_pg.hits
            ), query
        # Title hits rank first on both engines.
        for store in (lite, pg):
            for word in ("Iranian", "Drill", "Quds"):
                hits = search(store, word).hits
                titled = [word.casefold() in h.meta.title.casefold() for h in hits]
                assert any(titled) and titled == sorted(titled, reverse=True), (word, titled)
    finally:
        lite.close()
        pg.close()
