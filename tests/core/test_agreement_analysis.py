"""Known-answer tests for the agreement figures of the analysis layers: framing (Krippendorff's
alpha of each dimension's presence, of the primary frame and of tone), events (trigger matching,
category agreement and Cohen's kappa) and actor links, and the differences listed for review.

Every expected value is worked out by hand in the comments, and the alphas are checked once more
against a plain implementation of Krippendorff's coincidence-matrix definition written here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.actors import Actor, ActorIdentity
from annotator.core.agreement import DocumentAnnotations, compare, compare_pair
from annotator.core.analysis_agreement import TONE_SCALE
from annotator.core.differences import (
    DifferenceKind,
    document_differences,
    event_differences,
    frame_differences,
)
from annotator.core.events import Argument, Event, Ref
from annotator.core.framing import FrameAssessment
from annotator.core.matching import event_matches
from annotator.core.model import Span
from annotator.core.reliability import krippendorff_alpha_nominal, krippendorff_alpha_ordinal
from annotator.core.span_scores import Counts

SEC = "Security_and_defense"
POL = "Political"


# -- an independent Krippendorff's alpha --------------------------------------------------------


def alpha_by_definition(
    rows: Sequence[Sequence[str | None]], scale: Sequence[str] | None = None
) -> float | None:
    """Alpha from the coincidence matrix: nominal, or ordinal with the values ranked by ``scale``.

    o_ck = sum over units u with m_u >= 2 values of (number of ordered pairs (c, k) of values of
    two different coders in u) / (m_u - 1); n_c = sum_k o_ck; n = sum_c n_c;
    D_o = sum_{c,k} o_ck d(c, k) / n; D_e = sum_{c,k} n_c n_k d(c, k) / (n (n - 1));
    alpha = 1 - D_o / D_e. Nominal d(c, k) = 0 if c == k else 1; ordinal
    d(c, k) = (sum of n_g for g from c to k in scale order - (n_c + n_k) / 2) ** 2.
    """
    o: dict[tuple[str, str], float] = defaultdict(float)
    for unit in zip(*rows, strict=True):
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    o[(c, k)] += 1 / (m - 1)
    n_c: dict[str, float] = defaultdict(float)
    for (c, _k), weight in o.items():
        n_c[c] += weight
    n = sum(n_c.values())
    if len(n_c) < 2:
        return None

    def d(c: str, k: str) -> float:
        if scale is None:
            return 0.0 if c == k else 1.0
        lo, hi = sorted((scale.index(c), scale.index(k)))
        between = sum(n_c.get(g, 0.0) for g in scale[lo : hi + 1])
        return (between - (n_c[c] + n_c[k]) / 2) ** 2

    d_o = sum(w * d(c, k) for (c, k), w in o.items()) / n
    d_e = sum(n_c[c] * n_c[k] * d(c, k) for c in n_c for k in n_c) / (n * (n - 1))
    return 1 - d_o / d_e


@given(
    st.integers(min_value=2, max_value=4).flatmap(
        lambda coders: st.lists(
            st.lists(st.sampled_from([*TONE_SCALE, None]), min_size=coders, max_size=coders),
            min_size=1,
            max_size=20,
        )
    )
)
@settings(max_examples=60, deadline=None)
def test_ordinal_alpha_from_the_library_equals_the_definition(units: list[list[str | None]]) -> None:
    rows = [list(column) for column in zip(*units, strict=True)]
    expected = alpha_by_definition(rows, TONE_SCALE)
    got = krippendorff_alpha_ordinal(rows, TONE_SCALE)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_ordinal_alpha_refuses_a_value_off_the_scale() -> None:
    with pytest.raises(ValueError):
        krippendorff_alpha_ordinal([["neutral", "loud"], ["neutral", "neutral"]], TONE_SCALE)


# -- framing ------------------------------------------------------------------------------------


def F(present: Sequence[str], primary: str = "", tone: str = "") -> FrameAssessment:
    return FrameAssessment(frames=tuple(present), primary=primary, tone=tone)


def framed_docs() -> list[DocumentAnnotations]:
    """Four documents, three annotators (every one holds every document).

    doc  annotator  present                 primary   tone
    d1   A          Security, Political     Security  neutral
         B          Security                Security  neutral
         C          Security, Political     Political implicit_anti
    d2   A          Political               Political explicit_anti
         B          Political               Political implicit_anti
         C          (did not frame d2)
    d3   A          Security                Security  implicit_pro
         B          Security, Political     (none)    implicit_pro
         C          Security                Security  (none)
    d4   A, B, C    Security                Security  neutral
    """
    frames = {
        "d1": {"A": F([SEC, POL], SEC, "neutral"), "B": F([SEC], SEC, "neutral"),
               "C": F([SEC, POL], POL, "implicit_anti")},
        "d2": {"A": F([POL], POL, "explicit_anti"), "B": F([POL], POL, "implicit_anti"), "C": None},
        "d3": {"A": F([SEC], SEC, "implicit_pro"), "B": F([SEC, POL], "", "implicit_pro"),
               "C": F([SEC], SEC, "")},
        "d4": {name: F([SEC], SEC, "neutral") for name in "ABC"},
    }
    return [
        DocumentAnnotations(key, "", {name: [] for name in "ABC"}, frames=assessments)
        for key, assessments in frames.items()
    ]


def test_framing_alphas_of_three_annotators_by_hand() -> None:
    report = compare(framed_docs(), ["A", "B", "C"])
    framing = report.framing
    assert framing is not None
    assert framing.documents == 4
    assert list(framing.dimensions) == [POL, SEC]  # the dimensions someone marked, sorted

    # Security present, per unit (A, B, C): d1 (1,1,1) d2 (0,0,-) d3 (1,1,1) d4 (1,1,1).
    # No unit holds two different values: D_o = 0, alpha = 1.
    assert framing.dimensions[SEC] == pytest.approx(1.0)

    # Political: d1 (1,0,1) d2 (1,1,-) d3 (0,1,0) d4 (0,0,0).
    #   d1, m = 3: ordered pairs 1-0 x2, 0-1 x2, 1-1 x2, each 1/2 -> o10 += 1, o01 += 1, o11 += 1
    #   d2, m = 2: o11 += 2;  d3: o01 += 1, o10 += 1, o00 += 1;  d4: o00 += 3
    #   o11 = 3, o00 = 4, o01 = o10 = 2; n1 = 5, n0 = 6, n = 11
    #   D_o = 4/11; D_e = (5*6 + 6*5) / (11*10) = 6/11; alpha = 1 - (4/11)/(6/11) = 1/3
    assert framing.dimensions[POL] == pytest.approx(1 / 3)

    # Primary: d1 (S,S,P) d2 (P,P,-) d3 (S,-,S) d4 (S,S,S).
    #   d1: oSS += 1, oSP += 1, oPS += 1;  d2: oPP += 2;  d3: oSS += 2;  d4: oSS += 3
    #   oSS = 6, oPP = 2, oSP = oPS = 1; nS = 7, nP = 3, n = 10
    #   D_o = 2/10; D_e = 2*7*3 / (10*9) = 7/15; alpha = 1 - (1/5)/(7/15) = 4/7
    assert framing.primary == pytest.approx(4 / 7)

    # Tone: d1 (neu,neu,ia) d2 (ea,ia,-) d3 (ip,ip,-) d4 (neu,neu,neu).
    #   d1: o(neu,neu) += 1, o(neu,ia) += 1, o(ia,neu) += 1;  d2: o(ea,ia) += 1, o(ia,ea) += 1
    #   d3: o(ip,ip) += 2;  d4: o(neu,neu) += 3
    #   n_neu = 5, n_ia = 2, n_ea = 1, n_ip = 2, n = 10
    #   D_o = 4/10; D_e = (10^2 - (25 + 4 + 1 + 4)) / (10*9) = 66/90; alpha = 1 - 36/66 = 5/11
    assert framing.tone == pytest.approx(5 / 11)
    assert round(framing.tone, 3) == 0.455

    # Tone as an ordinal scale, ea < ia < neu < ip < ep, with the same coincidences:
    #   d(c,k) = (sum of n_g from c to k - (n_c + n_k)/2)^2
    #   d(neu,ia) = (2 + 5 - 3.5)^2 = 12.25;  d(ea,ia) = (1 + 2 - 1.5)^2 = 2.25
    #   d(ea,neu) = (1+2+5 - 3)^2 = 25;  d(ea,ip) = (1+2+5+2 - 1.5)^2 = 72.25
    #   d(ia,ip) = (2+5+2 - 2)^2 = 49;  d(neu,ip) = (5+2 - 3.5)^2 = 12.25
    #   D_o = (2*12.25 + 2*2.25) / 10 = 2.9
    #   D_e = 2 * (1*2*2.25 + 1*5*25 + 1*2*72.25 + 2*5*12.25 + 2*2*49 + 5*2*12.25) / 90 = 1430/90
    #   alpha = 1 - 2.9 * 90 / 1430 = 1169/1430
    assert framing.tone_ordinal == pytest.approx(1169 / 1430)
    assert round(framing.tone_ordinal, 3) == 0.817

    data = json.loads(json.dumps(report.to_json()))
    alpha = data["krippendorff_alpha"]
    assert alpha["frame_dimensions"] == {POL: pytest.approx(1 / 3), SEC: pytest.approx(1.0)}
    assert alpha["primary_frame"] == pytest.approx(4 / 7)
    assert alpha["tone"] == pytest.approx(5 / 11)
    assert alpha["tone_ordinal"] == pytest.approx(1169 / 1430)
    assert data["framing"] == {"documents": 4}


def test_framing_alphas_equal_the_definition() -> None:
    docs = framed_docs()
    report = compare(docs, ["A", "B", "C"])
    assert report.framing is not None

    def rows(value) -> list[list[str | None]]:  # type: ignore[no-untyped-def]
        out = []
        for name in "ABC":
            row = []
            for doc in docs:
                f = doc.frames[name]
                row.append(None if f is None else value(f))
            out.append(row)
        return out

    presence = rows(lambda f: "1" if POL in f.frames or f.primary == POL else "0")
    assert report.framing.dimensions[POL] == pytest.approx(alpha_by_definition(presence))
    assert report.framing.primary == pytest.approx(alpha_by_definition(rows(lambda f: f.primary or None)))
    tone = rows(lambda f: f.tone or None)
    assert report.framing.tone == pytest.approx(alpha_by_definition(tone))
    assert report.framing.tone_ordinal == pytest.approx(alpha_by_definition(tone, TONE_SCALE))
    assert krippendorff_alpha_nominal(tone) == pytest.approx(alpha_by_definition(tone))


def test_no_framing_gives_null_figures() -> None:
    docs = [DocumentAnnotations("d", "x", {"A": [], "B": []})]
    report = compare(docs, ["A", "B"])
    assert report.framing is None
    alpha = report.to_json()["krippendorff_alpha"]
    assert (alpha["frame_dimensions"], alpha["primary_frame"], alpha["tone"], alpha["tone_ordinal"]) == (
        None, None, None, None,
    )
    assert report.to_json()["framing"] == {"documents": 0}
    assert not any("framed" in note for note in report.notes)


def test_framing_by_one_annotator_per_document_is_null_with_a_note() -> None:
    docs = [
        DocumentAnnotations("d1", "", {"A": [], "B": []}, frames={"A": F([SEC], SEC, "neutral")}),
        # B framed d2, but A's set does not hold it: a unit of one value.
        DocumentAnnotations("d2", "", {"B": []}, frames={"B": F([SEC], SEC, "neutral")}),
        # Evidence spans alone are not a framing.
        DocumentAnnotations(
            "d3", "", {"A": [], "B": []},
            frames={"A": F([SEC], SEC), "B": FrameAssessment(evidence=(4,))},
        ),
    ]
    report = compare(docs, ["A", "B"])
    assert report.framing is None
    assert "no document was framed by two annotators: no framing figures" in report.notes


def test_undefined_framing_figures_are_null_and_explained() -> None:
    docs = [
        DocumentAnnotations("d1", "", {"A": [], "B": []},
                            frames={"A": F([SEC], SEC, "loud"), "B": F([SEC], SEC, "neutral")}),
        DocumentAnnotations("d2", "", {"A": [], "B": []},
                            frames={"A": F([SEC], SEC, "neutral"), "B": F([SEC], SEC, "neutral")}),
    ]
    report = compare(docs, ["A", "B"])
    framing = report.framing
    assert framing is not None and framing.documents == 2
    # Everyone: Security present and primary everywhere -> one value, alpha undefined.
    assert framing.dimensions == {SEC: None}
    assert framing.primary is None
    # Tone (loud, neutral) (neutral, neutral): o(l,n) = o(n,l) = 1, o(n,n) = 2; n_l = 1, n_n = 3.
    # D_o = 2/4; D_e = 2*1*3 / (4*3) = 1/2; alpha = 0. "loud" is on no scale: no ordinal alpha.
    assert framing.tone == pytest.approx(0.0)
    assert framing.tone_ordinal is None
    assert any("Security_and_defense" in n and "undefined" in n for n in report.notes)
    assert any("'loud' is not on the tone scale" in n for n in report.notes)


# -- events -------------------------------------------------------------------------------------


def E(start: int, end: int, category: str, **fields: object) -> Event:
    return Event(trigger=Span(start, end, category, layer="event"), category=category, **fields)  # type: ignore[arg-type]


def test_events_matched_by_largest_trigger_overlap_whatever_the_category() -> None:
    a = [E(0, 10, "CONSULT"), E(8, 12, "COOPERATE")]
    b = [E(5, 12, "COOPERATE")]
    # (0,10)~(5,12) share 5 characters, (8,12)~(5,12) share 4: the larger overlap wins, although
    # the categories differ; the category only breaks ties.
    assert event_matches(a, b) == [(0, 0)]
    tie_a = [E(0, 4, "CONSULT"), E(4, 8, "COOPERATE")]
    tie_b = [E(2, 6, "COOPERATE")]
    assert event_matches(tie_a, tie_b) == [(1, 0)]  # 2 characters each: the same category first


def event_docs() -> list[DocumentAnnotations]:
    return [
        DocumentAnnotations(
            "d1", "", {"A": [], "B": []},
            events={
                "A": [E(0, 5, "CONSULT"), E(10, 15, "COOPERATE"), E(20, 25, "ASSAULT")],
                "B": [E(0, 5, "CONSULT"), E(12, 18, "COOPERATE"), E(30, 35, "STATEMENT")],
            },
        ),
        DocumentAnnotations(
            "d2", "", {"A": [], "B": []},
            events={"A": [E(0, 4, "CONSULT")], "B": [E(0, 4, "COOPERATE"), E(6, 9, "CONSULT")]},
        ),
    ]


def test_event_category_agreement_by_hand() -> None:
    pair = compare_pair(event_docs(), "A", "B")
    ev = pair.events
    # Pairs: d1 0-5 ~ 0-5, 10-15 ~ 12-18 (3 characters); 20-25 and 30-35 alone.
    #        d2 0-4 ~ 0-4; 6-9 alone.
    # Triggers: tp 3, |A| 4, |B| 5 -> P 3/5, R 3/4, F1 6/9.
    assert ev.trigger == Counts(3, 4, 5)
    assert ev.trigger.f1 == pytest.approx(2 / 3)
    # Categories of the pairs: (CONSULT, CONSULT) (COOPERATE, COOPERATE) (CONSULT, COOPERATE).
    # p_o = 2/3; A: CONSULT 2, COOPERATE 1; B: CONSULT 1, COOPERATE 2
    # p_e = (2*1 + 1*2) / 9 = 4/9; kappa = (6/9 - 4/9) / (5/9) = 2/5.
    assert ev.same_category == 2
    assert ev.kappa.observed == pytest.approx(2 / 3)
    assert ev.kappa.expected == pytest.approx(4 / 9)
    assert ev.kappa.kappa == pytest.approx(0.4)
    data = pair.to_json()["event_category"]
    assert data == {
        "events_a": 4,
        "events_b": 5,
        "trigger": {"tp": 3, "n_a": 4, "n_b": 5, "precision": pytest.approx(0.6),
                    "recall": pytest.approx(0.75), "f1": pytest.approx(2 / 3)},
        "matched": 3,
        "same_category": 2,
        "observed_agreement": pytest.approx(2 / 3),
        "expected_agreement": pytest.approx(4 / 9),
        "cohen_kappa": pytest.approx(0.4),
    }


def test_event_figures_null_without_events_and_kappa_null_with_one_category() -> None:
    docs = [DocumentAnnotations("d", "", {"A": [], "B": []})]
    assert compare_pair(docs, "A", "B").to_json()["event_category"] is None
    one = [DocumentAnnotations("d", "", {"A": [], "B": []},
                               events={"A": [E(0, 3, "CONSULT")], "B": [E(0, 3, "CONSULT")]})]
    report = compare(one, ["A", "B"])
    data = report.pairs[0].to_json()["event_category"]
    assert data["observed_agreement"] == 1.0 and data["cohen_kappa"] is None
    assert any("event categories of A and B is undefined" in n for n in report.notes)
    # A document held by one annotator only never counts.
    alone = [DocumentAnnotations("d", "", {"A": []}, events={"A": [E(0, 3, "CONSULT")]})]
    assert compare_pair(alone, "A", "B").to_json()["event_category"] is None


# -- actor links --------------------------------------------------------------------------------


def L(start: int, end: int, label: str, ident: int) -> Span:
    return Span(start, end, label, id=ident)


def test_actor_links_of_strictly_matched_spans_by_hand() -> None:
    docs = [
        DocumentAnnotations(
            "d1", "",
            {
                "A": [L(0, 5, "PER", 1), L(6, 10, "ORG", 2), L(11, 15, "GPE", 3), L(16, 20, "DATE", 4)],
                "B": [L(0, 5, "PER", 1), L(6, 10, "ORG", 2), L(11, 15, "GPE", 3), L(16, 20, "DATE", 4),
                      L(21, 25, "PER", 5)],
            },
            links={
                "A": {1: "Ismail Qaani", 2: "IRGC", 3: "Syria"},
                "B": {1: "Ismail Qaani", 2: "Hezbollah", 5: "Bashar al-Assad"},
            },
        )
    ]
    links = compare_pair(docs, "A", "B").actor_links
    # Strict pairs: 0-5, 6-10, 11-15, 16-20. Linked on either side: 0-5 (same), 6-10 (different),
    # 11-15 (A only); 16-20 is linked by neither and not counted; 21-25 has no partner.
    # agreement = same / linked pairs = 1/3.
    assert (links.span_pairs, links.linked_pairs) == (4, 3)
    assert (links.same, links.different, links.only_a, links.only_b) == (1, 1, 1, 0)
    assert (links.linked_a, links.linked_b) == (3, 3)  # spans linked in each set
    assert links.agreement == pytest.approx(1 / 3)
    data = compare_pair(docs, "A", "B").to_json()["actor_links"]
    assert data["agreement"] == pytest.approx(1 / 3)
    assert data["linked_only_in_a"] == 1 and data["different_actor"] == 1
    # Nobody linked anything: no figure.
    plain = [DocumentAnnotations("d", "", {"A": [L(0, 5, "PER", 1)], "B": [L(0, 5, "PER", 1)]})]
    assert compare_pair(plain, "A", "B").to_json()["actor_links"] is None


def test_actor_links_pair_spans_by_offsets_whatever_the_label() -> None:
    docs = [
        DocumentAnnotations(
            "d1", "",
            {
                # 0-9 is ORG for A, GPE for B; 0-9 is also a frame passage for B, on its layer.
                "A": [L(0, 9, "ORG", 1), L(10, 15, "PER", 2)],
                "B": [L(0, 9, "GPE", 1), Span(0, 9, "Political", layer="frame", id=2),
                      L(10, 14, "PER", 3)],
            },
            links={"A": {1: "Hezbollah", 2: "Ismail Qaani"}, "B": {1: "Hezbollah", 3: "Ismail Qaani"}},
        )
    ]
    links = compare_pair(docs, "A", "B").actor_links
    # Pairs: 0-9 ORG ~ 0-9 GPE (same layer; the frame span is on another). 10-15 and 10-14 differ
    # in offsets: no pair. One linked pair, the same actor: agreement 1.
    assert (links.span_pairs, links.linked_pairs, links.same) == (1, 1, 1)
    assert links.agreement == 1.0


def test_actor_identity_by_uid_or_name_transitively() -> None:
    identity = ActorIdentity()
    first = Actor("Ismail Qaani", uid="seed:ismail-qaani")
    by_name = Actor("ismail  QAANI", uid="f00d")  # another database's actor, same name
    by_uid = Actor("Esmail Qaani", uid="f00d")  # renamed there: same uid as the one above
    other = Actor("Syria", uid="seed:syria")
    for actor in (first, by_name, by_uid, other):
        identity.add(actor)
    assert {identity.name(a) for a in (first, by_name, by_uid)} == {"Ismail Qaani"}
    assert identity.name(other) == "Syria"
    # Two classes joined by a later actor take the name of the earliest.
    late = ActorIdentity()
    for actor in (Actor("Syrie", uid="x1"), Actor("Syria", uid="x2"), Actor("syria", uid="x1")):
        late.add(actor)
    assert late.name(Actor("Syria", uid="x2")) == "Syrie"


# -- differences --------------------------------------------------------------------------------


def test_same_span_other_actor_is_an_actor_difference() -> None:
    spans = {"A": [L(0, 5, "PER", 1), L(6, 10, "GPE", 2), L(11, 15, "GPE", 3)],
             "B": [L(0, 5, "PER", 7), L(6, 10, "GPE", 8), L(11, 15, "GPE", 9)]}
    links = {"A": {1: "Ismail Qaani", 2: "Syria"}, "B": {7: "Ismail Qaani", 8: "Bashar al-Assad", 9: "Syria"}}
    agreed, diffs = document_differences(3, spans, ["A", "B"], links)
    assert [(s.start, s.end) for s in agreed] == [(0, 5)]
    assert [(d.kind, d.start) for d in diffs] == [(DifferenceKind.ACTOR, 6), (DifferenceKind.ACTOR, 11)]
    assert diffs[0].actor("A") == "Syria" and diffs[0].actor("B") == "Bashar al-Assad"
    assert diffs[1].actor("A") is None and diffs[1].actor_differs
    # Without links the spans agree, as before.
    agreed, diffs = document_differences(3, spans, ["A", "B"])
    assert len(agreed) == 3 and diffs == []
    # A label difference stays a label difference whatever the links.
    spans["B"][1] = L(6, 10, "ORG", 8)
    _agreed, diffs = document_differences(3, spans, ["A", "B"], links)
    assert [d.kind for d in diffs] == [DifferenceKind.LABEL, DifferenceKind.ACTOR]


def test_event_differences_name_what_differs() -> None:
    events = {
        "A": [E(0, 5, "CONSULT", mode="visit"), E(10, 15, "COOPERATE", context="military"),
              E(20, 25, "ASSAULT"), E(30, 34, "CONSULT", arguments=(Argument("actor", Ref(actor_id=1)),))],
        "B": [E(0, 5, "CONSULT", mode="visit"), E(12, 15, "MOBILIZE", context="military"),
              E(30, 34, "CONSULT", arguments=(Argument("actor", Ref(actor_id=5)),))],
    }
    names = {"A": {1: "Ismail Qaani"}, "B": {5: "Bashar al-Assad"}}
    diffs = event_differences("d", events, ["A", "B"], "Title", names, {"A": [], "B": []})
    assert [(d.start, d.differs) for d in diffs] == [
        (10, ("trigger", "category")),
        (20, ("missing",)),
        (30, ("arguments",)),
    ]
    assert diffs[1].to_json()["versions"]["B"] is None
    assert diffs[0].to_json()["versions"]["A"]["category"] == "COOPERATE"
    # The same actor under another id is no difference.
    same = event_differences("d", events, ["A", "B"], "", {"A": {1: "X"}, "B": {5: "X"}}, {})
    assert [d.start for d in same] == [10, 20]


def test_frame_differences_per_choice() -> None:
    frames = {
        "A": F([SEC, POL], SEC, "neutral"),
        "B": F([SEC], SEC, "implicit_anti"),
        "C": None,
    }
    diffs = frame_differences("d", frames, ["A", "B", "C"], "Title")
    assert [(d.aspect, d.dimension, dict(d.values)) for d in diffs] == [
        ("framed", "", {"A": "framed", "B": "framed", "C": None}),
        ("dimension", POL, {"A": "present", "B": "absent", "C": None}),
        ("tone", "", {"A": "neutral", "B": "implicit_anti", "C": None}),
    ]
    assert diffs[1].to_json() == {
        "document": "d", "title": "Title", "aspect": "dimension", "dimension": POL,
        "values": {"A": "present", "B": "absent", "C": None},
    }
    assert frame_differences("d", {"A": F([SEC], SEC), "B": F([SEC], SEC)}, ["A", "B"]) == []
    assert frame_differences("d", {}, ["A", "B"]) == []


def test_report_lists_differences_of_documents_held_by_two() -> None:
    docs = framed_docs()
    docs[0].events = {"A": [E(0, 3, "CONSULT")], "B": []}
    report = compare(docs, ["A", "B", "C"])
    assert [(d.document, d.differs) for d in report.event_differences] == [("d1", ("missing",))]
    aspects = [(d.document, d.aspect, d.dimension) for d in report.frame_differences]
    assert aspects == [
        ("d1", "dimension", POL), ("d1", "primary", ""), ("d1", "tone", ""),
        ("d2", "framed", ""), ("d2", "tone", ""),
        ("d3", "dimension", POL), ("d3", "primary", ""), ("d3", "tone", ""),
    ]
    data = report.to_json()["differences"]
    assert len(data["events"]) == 1 and len(data["frames"]) == 8
