"""Known answers for each layer of the agreement report, worked out by hand in each docstring:
events (trigger, then category, mode, CAMEO, factuality, date and each argument role), actor
links, framing (per pair, and Krippendorff's alpha of each field with three annotators), and the
separation of the layers (no event category or evidence label among the entity labels).
"""

from __future__ import annotations

import pytest

from annotator.core.agreement import DocumentAnnotations, compare
from annotator.core.events import Argument, Event, Ref
from annotator.core.framing import ActorRole, FrameAssessment
from annotator.core.model import Span

TEXT = "Iran met Syria. Qaani visited Damascus. Talks ended."
#       0    5   9     16    22      30       40    46


def at(word: str, label: str, layer: str = "entity", ident: int | None = None) -> Span:
    start = TEXT.index(word)
    return Span(start, start + len(word), label, layer=layer, id=ident)


def event(word: str, category: str, ident: int, **fields: object) -> Event:
    return Event(at(word, category, "event", ident), category, **fields)  # type: ignore[arg-type]


IRAN, SYRIA, QAANI = 1, 2, 3  # actor ids, the same in both sets here
NAMES = {IRAN: "Iran", SYRIA: "Syria", QAANI: "Qaani"}


def doc(spans, events=None, frames=None, links=None, key: str = "d1") -> DocumentAnnotations:
    d = DocumentAnnotations(key, TEXT, spans)
    for name in spans:
        d.events[name] = (events or {}).get(name, [])
        d.frames[name] = (frames or {}).get(name)
        d.links[name] = (links or {}).get(name, {})
        d.actor_names[name] = dict(NAMES)
    return d


def test_event_layer_known_answers() -> None:
    """A codes three events, B two; B's are paired with A's on "met" and "visited" (overlap).

    Trigger: tp 2, n_a 3, n_b 2 -> P 2/2 = 1, R 2/3, F1 = 2*2/(3+2) = 0.8.
    Category pairs (CONSULT, CONSULT), (CONSULT, COOPERATE): same 1 of 2, p_o = 0.5;
    p_e = P_A(CONSULT) P_B(CONSULT) = 1 * 1/2 = 0.5 -> kappa (0.5-0.5)/(1-0.5) = 0.
    Mode ("visit", ""), ("visit", ""): p_o 0, p_e = 1*0 + 0*1 = 0 -> kappa 0.
    CAMEO (042, 042), (042, 040): p_o 0.5, p_e = 1 * 1/2 = 0.5 -> kappa 0.
    Factuality (asserted, asserted), (reported, reported): p_o 1, p_e = 1/2*1/2 + 1/2*1/2 = 0.5
    -> kappa 1. Date ("2023-01-01" twice, "" twice): the same, kappa 1.
    Roles: actor filled in both pairs, the same actor both times -> 2 of 2; recipient filled in
    the first pair only, Syria against Iran -> 0 of 1; location only B's, in the second pair ->
    0 of 1, filled only in B 1.
    """
    damascus_b = at("Damascus", "GPE", ident=20)
    a = [
        event("met", "CONSULT", 10, mode="visit", cameo="042", date="2023-01-01",
              arguments=(Argument("actor", Ref(actor_id=IRAN)),
                         Argument("recipient", Ref(actor_id=SYRIA)))),
        event("visited", "CONSULT", 11, mode="visit", cameo="042", factuality="reported",
              arguments=(Argument("actor", Ref(actor_id=QAANI)),)),
        event("ended", "YIELD", 12),
    ]
    b = [
        event("met", "CONSULT", 10, cameo="042", date="2023-01-01",
              arguments=(Argument("actor", Ref(actor_id=IRAN)),
                         Argument("recipient", Ref(actor_id=IRAN)))),
        event("visited", "COOPERATE", 11, cameo="040", factuality="reported",
              arguments=(Argument("actor", Ref(actor_id=QAANI)),
                         Argument("location", Ref(span_id=20)))),
    ]
    spans = {"A": [e.trigger for e in a], "B": [*(e.trigger for e in b), damascus_b]}
    report = compare([doc(spans, {"A": a, "B": b})], ["A", "B"])
    layers = report.pairs[0].to_json()["layers"]
    events = layers["events"]
    assert events["trigger"] == {"tp": 2, "n_a": 3, "n_b": 2, "precision": 1.0,
                                 "recall": pytest.approx(2 / 3), "f1": pytest.approx(0.8)}
    assert (events["category"]["same"], events["category"]["compared"]) == (1, 2)
    assert events["category"]["observed_agreement"] == 0.5
    assert events["category"]["cohen_kappa"] == 0.0
    assert (events["mode"]["observed_agreement"], events["mode"]["cohen_kappa"]) == (0.0, 0.0)
    assert (events["cameo"]["observed_agreement"], events["cameo"]["cohen_kappa"]) == (0.5, 0.0)
    assert events["factuality"]["cohen_kappa"] == 1.0
    assert events["date"]["cohen_kappa"] == 1.0
    assert events["arguments"] == {
        "actor": {"compared": 2, "same": 2, "filled_only_in_a": 0, "filled_only_in_b": 0,
                  "agreement": 1.0},
        "location": {"compared": 1, "same": 0, "filled_only_in_a": 0, "filled_only_in_b": 1,
                     "agreement": 0.0},
        "recipient": {"compared": 1, "same": 0, "filled_only_in_a": 0, "filled_only_in_b": 0,
                      "agreement": 0.0},
    }
    # The triggers are the event layer's: no entity label, no entity figure.
    assert layers["entities"]["labels"] == ["GPE"]
    assert layers["entities"]["strict"]["n_a"] == 0 and layers["entities"]["strict"]["n_b"] == 1


def test_actor_link_layer_known_answers() -> None:
    """Both marked Iran, Syria, Qaani and Damascus (same offsets); B also "Talks", unlinked.

    A links Iran->Iran, Syria->Syria, Qaani->Qaani, Damascus not; B links Iran->Iran,
    Syria->Iran, Qaani not, Damascus->Syria. Span pairs 4 (Talks has no partner); linked pairs 4:
    same 1 (Iran), different 1 (Syria), only A 1 (Qaani), only B 1 (Damascus) -> agreement
    1/4 = 0.25; A linked 3 spans, B 3.
    """
    words = ["Iran", "Syria", "Qaani", "Damascus"]
    a = [at(w, "GPE" if w != "Qaani" else "PER", ident=i) for i, w in enumerate(words)]
    b = [at(w, "GPE" if w != "Qaani" else "PER", ident=i) for i, w in enumerate(words)]
    b.append(at("Talks", "EVENT", ident=9))
    links = {"A": {0: "Iran", 1: "Syria", 2: "Qaani"}, "B": {0: "Iran", 1: "Iran", 3: "Syria"}}
    report = compare([doc({"A": a, "B": b}, links=links)], ["A", "B"])
    assert report.pairs[0].to_json()["layers"]["actor_links"] == {
        "linked_spans_a": 3, "linked_spans_b": 3, "span_pairs": 4, "linked_pairs": 4,
        "same_actor": 1, "different_actor": 1, "linked_only_in_a": 1, "linked_only_in_b": 1,
        "agreement": 0.25,
    }
    assert report.layers_json()["actor_links"]["agreement"] == [[None, 0.25], [0.25, None]]


SEC, POL, ECO = "Security_and_defense", "Political", "Economic"


def framings() -> list[DocumentAnnotations]:
    one = {
        "A": FrameAssessment((SEC, POL), SEC, SEC, "implicit_pro", IRAN,
                             (ActorRole(IRAN, "protagonist"), ActorRole(SYRIA, "antagonist"))),
        "B": FrameAssessment((SEC,), SEC, POL, "implicit_pro", None,
                             (ActorRole(IRAN, "protagonist"), ActorRole(SYRIA, "innocent"))),
        "C": FrameAssessment((SEC, POL), POL, SEC, "implicit_pro", IRAN,
                             (ActorRole(IRAN, "protagonist"),)),
    }
    two = {name: FrameAssessment((ECO,), ECO, "", "neutral") for name in "ABC"}
    spans: dict[str, list[Span]] = {"A": [], "B": [], "C": []}
    return [doc(spans, frames=one, key="d1"), doc(dict(spans), frames=two, key="d2")]


def test_framing_layer_known_answers_for_a_pair() -> None:
    """A and B framed both documents.

    Primary (SEC, SEC), (ECO, ECO): p_o 1, p_e = 1/2*1/2 + 1/2*1/2 = 0.5 -> kappa 1.
    Headline (SEC, POL), ("", ""): p_o 0.5; A: SEC 1/2, "" 1/2; B: POL 1/2, "" 1/2;
    p_e = 1/2*1/2 = 0.25 -> kappa (0.5-0.25)/0.75 = 1/3.
    Tone target (both documents have a tone): (Iran, topic), (topic, topic): p_o 0.5;
    A: Iran 1/2, topic 1/2; B: topic 1 -> p_e 0.5 -> kappa 0.
    Dimensions: SEC present/present, POL present/absent (document 1), ECO present/present.
    Actor roles (document 1: Iran, Syria): (protagonist, protagonist), (antagonist, innocent)
    -> 1 of 2.
    """
    report = compare(framings(), ["A", "B"])
    framing = report.pairs[0].to_json()["layers"]["framing"]
    assert framing["documents"] == 2
    assert framing["primary"]["cohen_kappa"] == 1.0
    assert framing["headline"]["observed_agreement"] == 0.5
    assert framing["headline"]["cohen_kappa"] == pytest.approx(1 / 3)
    assert framing["tone"]["cohen_kappa"] == 1.0
    assert framing["tone_target"]["observed_agreement"] == 0.5
    assert framing["tone_target"]["cohen_kappa"] == 0.0
    assert {d: (v["same"], v["compared"]) for d, v in framing["dimensions"].items()} == {
        ECO: (1, 1), POL: (0, 1), SEC: (1, 1),
    }
    assert (framing["actor_roles"]["same"], framing["actor_roles"]["compared"]) == (1, 2)


def test_framing_alpha_per_field_with_three_annotators() -> None:
    """A, B and C framed both documents; alpha (nominal) across the three, per field.

    Primary: unit 1 (SEC, SEC, POL), unit 2 (ECO, ECO, ECO). Coincidences (each ordered pair of
    values in a unit weighs 1/(m-1) = 1/2): o(SEC,SEC) = 1, o(SEC,POL) = o(POL,SEC) = 1,
    o(ECO,ECO) = 3; n_SEC 2, n_POL 1, n_ECO 3, n 6. D_o = 2/6 = 1/3; D_e = (sum over c != k of
    n_c n_k)/(n(n-1)) = (36 - 4 - 1 - 9)/30 = 22/30 -> alpha = 1 - (1/3)/(22/30) = 6/11.
    Headline: unit 1 (SEC, POL, SEC), unit 2 has no value: n_SEC 2, n_POL 1, n 3;
    D_o = 2/3, D_e = (9 - 4 - 1)/6 = 2/3 -> alpha 0.
    Actor roles, units (document, actor) for actors someone gave a role: Iran (pro, pro, pro),
    Syria (antagonist, innocent, none): o(pro,pro) = 3, each differing ordered pair 1/2;
    n_pro 3, the others 1 each, n 6: D_o = 3/6 = 0.5, D_e = (36 - 9 - 1 - 1 - 1)/30 = 0.8
    -> alpha = 1 - 0.5/0.8 = 0.375.
    Tone: every annotator the same in each document, two values -> alpha 1.
    """
    report = compare(framings(), ["A", "B", "C"])
    alpha = report.to_json()["krippendorff_alpha"]
    assert alpha["primary_frame"] == pytest.approx(6 / 11)
    assert alpha["headline_frame"] == pytest.approx(0.0)
    assert alpha["actor_roles"] == pytest.approx(0.375)
    assert alpha["tone"] == pytest.approx(1.0)
    tables = report.layers_json()
    assert tables["annotators"] == ["A", "B", "C"]
    assert tables["framing"]["primary_agreement"] == [
        [None, 1.0, 0.5], [1.0, None, 0.5], [0.5, 0.5, None],
    ]


def test_no_layer_labels_in_another_layer_table() -> None:
    """Entity spans Iran (GPE) in A and B; a CONSULT trigger on "met" in both; a frame passage
    on the first sentence in both and a persuasion passage in B only.

    Entities: strict tp 1 of 1 and 1, labels GPE only; confusion GPE and O only. Evidence frame:
    tp 1, n 1 and 1; persuasion: n_a 0, n_b 1 -> F1 0.
    """
    trigger = at("met", "CONSULT", "event", 5)
    spans = {
        "A": [at("Iran", "GPE"), trigger, Span(0, 15, SEC, layer="frame")],
        "B": [at("Iran", "GPE"), trigger, Span(0, 15, SEC, layer="frame"),
              Span(16, 39, "Loaded_Language", layer="persuasion")],
    }
    events = {name: [Event(trigger, "CONSULT")] for name in spans}
    report = compare([doc(spans, events)], ["A", "B"])
    pair = report.pairs[0].to_json()
    assert set(pair["strict"]["per_label"]) == {"GPE"}
    assert set(pair["partial"]["per_label"]) == {"GPE"}
    assert pair["confusion"]["labels"] == ["GPE", "O"]
    assert pair["strict"]["overall"]["tp"] == 1 and pair["strict"]["overall"]["n_b"] == 1
    evidence = pair["layers"]["evidence"]
    frame, persuasion = evidence["frame"]["strict"], evidence["persuasion"]["strict"]
    assert (frame["overall"]["tp"], frame["overall"]["f1"]) == (1, 1.0)
    assert set(frame["per_label"]) == {SEC}
    assert persuasion["overall"]["n_b"] == 1 and persuasion["overall"]["f1"] == 0.0
    assert pair["layers"]["events"]["category"]["same"] == 1


def test_agreed_framing_field_by_field() -> None:
    """A and B (one database: actors by id) agree on Security present, the headline, the tone
    and Iran's role; they differ on Political (A only), the primary frame and Syria's role; the
    tone targets differ (Iran / the topic)."""
    from annotator.core.differences import agreed_framing

    frames = framings()[0].frames
    agreed, differs = agreed_framing({"A": frames["A"], "B": frames["C"]}, ["A", "B"])
    assert differs == ["primary", f"role:{SYRIA}"]
    assert agreed == FrameAssessment((SEC, POL), "", SEC, "implicit_pro", IRAN,
                                     (ActorRole(IRAN, "protagonist"),))
    agreed, differs = agreed_framing({"A": frames["A"], "B": frames["B"]}, ["A", "B"])
    assert differs == [f"dimension:{POL}", "headline", "tone_target", f"role:{SYRIA}"]
    assert agreed is not None and agreed.frames == (SEC,) and agreed.primary == SEC
    assert agreed.tone_target is None
    assert agreed_framing({"A": frames["A"], "B": None}, ["A", "B"]) == (None, ["framed"])
