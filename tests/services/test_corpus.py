"""Corpus figures on the annotated seeds, against counts made by hand from the seed texts and
the annotation in ``tests/annotated_seeds.py``.

Hand counts (grep on ``seeds/*.txt``): "Qaani" occurs 2, 2, 6, 7, 0 times in 000-004; the Quds
Force is named 2, 1, 3, 9, 0 times (Quds Force, Force Qods, IRGC-QF); Syria 13, 10, 12, 13, 24
times (with Damascus/Damas, which the registry files under Syria); Islam Times (004) names Israel
twice and "the Zionist regime" three times.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import StoreError
from annotator.services import corpus
from annotator.store import Store

IRAN_EN, IRAN_FR, ISRAELI, ASHARQ, ISLAM_TIMES = (
    "Iranian media", "Iranian media (FR)", "Israeli think tank", "Asharq Al-Awsat", "Islam Times",
)


@pytest.fixture
def data(annotated_db: Path):
    store = Store(annotated_db)
    yield store, corpus.with_texts(store, corpus.load(store, "alice"))
    store.close()


def test_framing_by_outlet(data) -> None:  # type: ignore[no-untyped-def]
    _store, d = data
    f = corpus.framing_by_outlet(d)
    assert f.outlets == [ASHARQ, IRAN_EN, IRAN_FR, ISLAM_TIMES, ISRAELI]
    assert f.dimensions == [
        "Capacity_and_resources", "Security_and_defense", "Political", "External_regulation_and_reputation",
    ]
    # Every outlet's one document has Security and defense; four of five primary-frame it or not:
    assert {o: f.present[o]["Security_and_defense"] for o in f.outlets} == dict.fromkeys(f.outlets, 1)
    assert sum(f.primary[o]["Security_and_defense"] for o in f.outlets) == 3
    assert f.primary[ASHARQ] == {"Political": 1}
    assert f.primary[ISLAM_TIMES] == {"External_regulation_and_reputation": 1}
    assert f.tone[ISRAELI] == {"explicit_anti": 1} and f.tone[ISLAM_TIMES] == {"explicit_pro": 1}
    ids = sorted(d.docs)
    assert f.present_docs[(ISRAELI, "Political")] == [ids[2]]
    table = f.rows()
    assert table[0][:3] == ["outlet", "documents", "assessed"] and len(table) == 6


def test_tone_by_outlet_and_actor(data) -> None:  # type: ignore[no-untyped-def]
    _store, d = data
    t = corpus.tone_by_outlet(d)
    assert [t.names[a] for a in t.actors] == ["Iran", "Quds Force"]
    iran, quds = t.actors
    assert t.cells[(ISRAELI, quds)].mean == -2
    assert t.cells[(ISLAM_TIMES, iran)].mean == 2 and t.cells[(IRAN_EN, iran)].mean == 1
    assert t.cells[(ASHARQ, None)].mean == 0
    assert (IRAN_FR, iran) not in t.cells


def test_actor_mentions_per_outlet_match_hand_counts(data) -> None:  # type: ignore[no-untyped-def]
    _store, d = data
    counts = {r.name: r for r in corpus.actor_counts(d).rows_}
    qaani = counts["Ismail Qaani"]
    # Asharq Al-Awsat reprints a caption naming Qaani and the Quds Force three times: marked
    # regions, which "tag every mention" leaves alone (4 and 5 mentions outside them, by hand;
    # one "Syria" of its reprinted title too).
    assert qaani.by_outlet == {IRAN_EN: 2, IRAN_FR: 2, ISRAELI: 6, ASHARQ: 4}
    assert (qaani.mentions, qaani.documents) == (14, 4)
    assert counts["Quds Force"].by_outlet == {IRAN_EN: 2, IRAN_FR: 1, ISRAELI: 3, ASHARQ: 5}
    assert counts["Syria"].by_outlet == {IRAN_EN: 13, IRAN_FR: 10, ISRAELI: 12, ASHARQ: 12, ISLAM_TIMES: 24}
    assert counts["Israel"].by_outlet == {ISLAM_TIMES: 5, ISRAELI: 1}
    assert corpus.actor_counts(d).rows_[0].name == "Syria"  # the most mentioned first
    passages = corpus.actor_passages(d, qaani.actor_id)
    assert len(passages) == 14
    assert all(d.texts[p.doc_id][p.start : p.end].endswith("Qaani") for p in passages)


def test_network_by_document_sentence_and_event(data) -> None:  # type: ignore[no-untyped-def]
    _store, d = data
    by_doc = corpus.network(d, "document")
    assert len(by_doc.nodes) == 14  # every tagged actor

    def edge(net, a: str, b: str):  # type: ignore[no-untyped-def]
        found = {frozenset((net.names[e.a], net.names[e.b])): e for e in net.edges}
        return found.get(frozenset((a, b)))

    assert edge(by_doc, "Iran", "Syria").weight == 5  # together in all five documents
    assert edge(by_doc, "Ismail Qaani", "Quds Force").weight == 4
    assert edge(by_doc, "Hezbollah", "Israel").weight == 1  # only the think-tank brief
    assert edge(by_doc, "Ismail Qaani", "Mohammad Baqeri") is None
    by_event = corpus.network(d, "event")
    # Ten events: four visits Qaani -> Syria, three joint drills Iran -> Syria, and three others.
    assert edge(by_event, "Ismail Qaani", "Syria").weight == 4
    assert edge(by_event, "Iran", "Syria").weight == 3
    assert edge(by_event, "United States", "Qasem Soleimani").weight == 1
    assert len(by_event.edges) == 5
    by_sentence = corpus.network(d, "sentence")
    # 002: "...in alliance with Hezbollah and Iran's intent to encircle Israel..." - one sentence.
    assert edge(by_sentence, "Hezbollah", "Israel").weight == 1
    # 004 names Baqeri (lines 1, 41, 45) and Rayeesi (lines 1, 21) in different sentences.
    assert edge(by_doc, "Mohammad Baqeri", "Ebrahim Raisi").weight == 1
    assert edge(by_sentence, "Mohammad Baqeri", "Ebrahim Raisi") is None
    with pytest.raises(ValueError):
        corpus.network(d, "paragraph")


def test_sentence_bounds() -> None:
    text = "He came. “It matters,” he said! Then\nanother line… End"
    parts = [text[a:b] for a, b in corpus.sentence_bounds(text)]
    assert parts == ["He came.", "“It matters,” he said!", "Then", "another line…", "End"]


def test_timeline(data) -> None:  # type: ignore[no-untyped-def]
    _store, d = data
    t = corpus.timeline(d)
    assert len(t.points) == 10 and not t.undated
    assert [p.date for p in t.points[:3]] == ["2020-01-03", "2023-05-03", "2023-05-10"]
    assert t.categories == ["COOPERATE", "CONSULT", "ASSAULT"]
    on_21 = [p for p in t.points if p.date == "2023-09-21"]
    assert len(on_21) == 7
    assert {p.outlet for p in on_21 if p.category == "CONSULT"} == {IRAN_EN, IRAN_FR, ISRAELI, ASHARQ}
    visit = next(p for p in t.points if p.outlet == IRAN_FR and p.category == "CONSULT")
    assert d.texts[visit.doc_id][visit.start : visit.end] == "s’est rendu"
    assert visit.label == "Ismail Qaani → Syria"
    qaani = next(a for a, n in t.names.items() if n == "Ismail Qaani")
    only = corpus.timeline(d, actor=qaani)
    assert len(only.points) == 4 and {p.category for p in only.points} == {"CONSULT"}
    assert len(corpus.timeline(d, categories=["COOPERATE"]).points) == 3


def test_story_clusters_group_the_four_reports_of_the_visit(data) -> None:  # type: ignore[no-untyped-def]
    _store, d = data
    ids = sorted(d.docs)
    stories = corpus.story_clusters(d).stories
    assert [set(s.doc_ids) for s in stories] == [set(ids[:4]), {ids[4]}]
    visit = stories[0]
    assert visit.doc_ids[0] in (ids[0], ids[1])  # oldest first: 22 September
    assert (visit.first_date, visit.last_date) == ("2023-09-22", "2023-09-24")
    assert set(visit.outlets) == {IRAN_EN, IRAN_FR, ISRAELI, ASHARQ}
    # Named by its most mentioned actors (Asharq Al-Awsat's reprinted captions of Qaani are
    # marked regions, which "tag every mention" leaves alone).
    assert visit.title.split(" · ")[0].split(", ")[:2] == ["Syria", "Ismail Qaani"]
    assert visit.categories == ("ASSAULT", "CONSULT", "COOPERATE")


def test_scope_and_unknown_annotator(annotated_db: Path) -> None:
    store = Store(annotated_db)
    ids = store.documents.ids()
    some = corpus.load(store, "alice", ids[:2])
    assert set(some.docs) == set(ids[:2])
    assert corpus.framing_by_outlet(some).outlets == [IRAN_EN, IRAN_FR]
    assert {m.doc_id for m in some.mentions} == set(ids[:2])
    with pytest.raises(StoreError, match="no annotator"):
        corpus.load(store, "nobody")
    store.close()
