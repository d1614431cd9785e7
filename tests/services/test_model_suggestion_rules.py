"""The rules behind a trained model's suggestions, on real stores and real records: how its trigger
suggestions merge with the trigger lexicon's (the model's wins at ``MODEL_WINS`` or more, else the
lexicon's; hidden under the analyst's own triggers and rejections), and where a confirmed framing
came from (``suggested_by``: kept, marked edited, undone, read back from the file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.events import EVENT_LAYER
from annotator.core.framing import EDITED, FrameAssessment, carry_origin, origin_text
from annotator.core.model import Origin, Span
from annotator.formats.native import record_from_json
from annotator.services.annotate import AnnotationSession
from annotator.services.framing import FramingCommands
from annotator.services.layer_suggestions import (
    MODEL_WINS,
    FrameSuggestion,
    ModelTriggers,
    TriggerSuggestion,
    merge_triggers,
    suggestions_with_model,
)
from annotator.store import Store

TEXT = "Sara Nasser met officials in Jordan. Students protested in Iran. Egypt imposed new sanctions."
ORIGIN = "m (trained 2026-12-04 23:10)"


def at(word: str, label: str, layer: str = EVENT_LAYER, **kw: object) -> Span:
    start = TEXT.index(word)
    return Span(start, start + len(word), label, Origin.MODEL, layer, **kw)  # type: ignore[arg-type]


def model(*items: tuple[str, str, float]) -> ModelTriggers:
    return ModelTriggers(1, "m", TEXT, tuple(TriggerSuggestion(at(w, label), p) for w, label, p in items))


def shown(spans: list[Span]) -> dict[str, tuple[str, str]]:
    return {TEXT[s.start : s.end]: (s.label, s.annotator) for s in spans}


def test_the_model_wins_a_stretch_when_confident_else_the_lexicon_does() -> None:
    lexicon = [at("met officials", "CONSULT", id=1, annotator="en_core_web_sm"),
               at("protested", "PROTEST", id=2, annotator="en_core_web_sm"),
               at("Jordan", "GPE", layer="entity", id=3, annotator="en_core_web_sm")]
    found = model(("met", "CONSULT", 0.93), ("protested", "ASSAULT", MODEL_WINS - 0.05),
                  ("imposed", "SANCTION", 0.55))
    out = shown(merge_triggers(lexicon, found, [], set()))
    assert out == {
        # confident: the model's, over the lexicon's overlapping "met officials"
        "met": ("CONSULT", "trained model m, score 0.93 (the trigger lexicon agrees)"),
        # not confident enough: the lexicon's stays, and says what the model thought
        "protested": ("PROTEST", "the trigger lexicon (en_core_web_sm); over trained model m's "
                                 f"ASSAULT at 0.65, under {MODEL_WINS:.2f}"),
        # alone: the model's, whatever its score (it reached the suggestion threshold)
        "imposed": ("SANCTION", "trained model m, score 0.55"),
        "Jordan": ("GPE", "en_core_web_sm"),  # entities are not touched
    }
    # A confident model that disagrees with the lexicon says so.
    out = shown(merge_triggers(lexicon, model(("met", "MEET", 0.9)), [], set()))
    assert out["met"] == ("MEET", "trained model m, score 0.90 (over the trigger lexicon's CONSULT)")
    assert "met officials" not in out
    # Exactly at the threshold, the model wins.
    out = shown(merge_triggers(lexicon, model(("protested", "ASSAULT", MODEL_WINS)), [], set()))
    assert out["protested"][0] == "ASSAULT" and out["protested"][1].startswith("trained model m")


def test_model_triggers_hide_under_the_analysts_triggers_rejections_and_ranges() -> None:
    found = model(("met", "CONSULT", 0.9), ("protested", "PROTEST", 0.9), ("imposed", "SANCTION", 0.9))
    own = [Span(TEXT.index("met"), TEXT.index("met") + len("met officials"), "CONSULT", layer=EVENT_LAYER)]
    out = shown(merge_triggers([], found, own, {("protested", "PROTEST")}))
    assert set(out) == {"imposed"}  # an own trigger overlaps "met"; "protested" was rejected
    # An own entity span elsewhere hides nothing; one with the same offsets does.
    out = shown(merge_triggers([], found, [at("imposed", "ORG", layer="entity")], set()))
    assert set(out) == {"met", "protested"}
    # Only those starting in the range asked for.
    start = TEXT.index("Students")
    out = shown(merge_triggers([], found, [], set(), (start, len(TEXT))))
    assert set(out) == {"protested", "imposed"}


def test_suggestions_with_model_reads_the_stores_rejections(tmp_path: Path) -> None:
    from annotator.core.model import Document

    store = Store(tmp_path / "a.sqlite")
    try:
        [doc_id] = store.documents.add([Document(TEXT)])
        session = AnnotationSession(store, store.annotators.get_or_create("bob"))
        found = ModelTriggers(doc_id, "m", TEXT, model(("protested", "PROTEST", 0.9)).triggers)
        [span] = suggestions_with_model(session, doc_id, None, None, found)
        assert (TEXT[span.start : span.end], span.id) == ("protested", None)
        command = session.reject(doc_id, [span])  # X on it: no stored span, the form remembered
        command.do()
        assert suggestions_with_model(session, doc_id, None, None, found) == []
        command.undo()
        assert len(suggestions_with_model(session, doc_id, None, None, found)) == 1
        # Triggers found for another document are not shown here.
        other = ModelTriggers(doc_id + 1, "m", TEXT, found.triggers)
        assert suggestions_with_model(session, doc_id, None, None, other) == []
    finally:
        store.close()


def test_origin_is_kept_through_edits_and_marked_edited() -> None:
    confirmed = FrameAssessment(frames=("Economic",), primary="Economic", suggested_by=ORIGIN)
    assert origin_text(confirmed) == f"suggested by {ORIGIN}, confirmed"
    # The same framing either way: provenance is not part of equality.
    assert confirmed == FrameAssessment(frames=("Economic",), primary="Economic")
    # A tone added by hand: the frames are still the model's.
    toned = carry_origin(confirmed, FrameAssessment(frames=("Economic",), primary="Economic", tone="neutral"))
    assert toned.suggested_by == ORIGIN
    # A frame added by hand: kept, marked edited, once.
    edited = carry_origin(toned, toned.with_(frames=("Economic", "Political"), suggested_by=""))
    assert edited.suggested_by == ORIGIN + EDITED
    assert origin_text(edited) == f"suggested by {ORIGIN}, confirmed, then edited"
    assert carry_origin(edited, edited.with_(frames=("Political",))).suggested_by == ORIGIN + EDITED
    # Coded by hand from the start: no origin; a confirmation names its model.
    assert carry_origin(None, FrameAssessment(frames=("Economic",))).suggested_by == ""
    assert origin_text(FrameAssessment(frames=("Economic",))) == ""
    # The suggestion records itself when confirmed, and an edit made before confirming.
    suggestion = FrameSuggestion({"Economic": 0.9, "Political": 0.7, "Morality": 0.1}, "Economic", 0.8,
                                 "m", "2026-12-04 23:10")
    assert suggestion.accepted().suggested_by == ORIGIN
    assert suggestion.accepted(frames=("Economic",)).suggested_by == ORIGIN + EDITED
    assert suggestion.accepted(primary="Political").suggested_by == ORIGIN + EDITED


def test_the_store_and_undo_carry_the_origin(tmp_path: Path) -> None:
    from annotator.core.model import Document

    path = tmp_path / "a.sqlite"
    store = Store(path)
    try:
        [doc_id] = store.documents.add([Document(TEXT)])
        framing = FramingCommands(AnnotationSession(store, store.annotators.get_or_create("bob")))
        accept = framing.set_assessment(
            doc_id, FrameAssessment(frames=("Political",), primary="Political", suggested_by=ORIGIN),
            "Accept model frames")
        accept.do()
        assert framing.assessment(doc_id).suggested_by == ORIGIN
        edit = framing.set_frames(doc_id, ["Political", "Economic"])
        edit.do()
        assert framing.assessment(doc_id).suggested_by == ORIGIN + EDITED
        edit.undo()
        assert framing.assessment(doc_id).suggested_by == ORIGIN
        tone = framing.set_tone(doc_id, "neutral")  # not a change of the model's frames
        tone.do()
        assert framing.assessment(doc_id).suggested_by == ORIGIN
        clear = framing.clear(doc_id)
        clear.do()
        assert framing.assessment(doc_id).suggested_by == ""
        clear.undo()
        assert framing.assessment(doc_id).suggested_by == ORIGIN
    finally:
        store.close()
    again = Store(path)  # read back from the file
    try:
        bob = again.annotators.get_or_create("bob")
        stored = again.framing.get(1, bob.id)
        assert stored is not None and stored.suggested_by == ORIGIN
    finally:
        again.close()


def _record(frames: dict[str, object]) -> dict[str, object]:
    from annotator.core.text import sha256_text

    return {"text": TEXT, "text_sha256": sha256_text(TEXT), "meta": {}, "annotator": "bob",
            "status": "done", "spans": [], "actors": [], "events": [], "format_version": 2,
            "frames": {"present": ["Political"], "primary": "Political", "headline": "", "tone": "",
                       "tone_target": None, "roles": [], "evidence": [], **frames}}


def test_native_records_read_the_origin_and_refuse_a_bad_one() -> None:
    record = record_from_json(json.loads(json.dumps(_record({"suggested_by": ORIGIN}))))
    assert record.frames is not None and record.frames.suggested_by == ORIGIN
    record = record_from_json(_record({}))  # written before schema 5, or coded by hand
    assert record.frames is not None and record.frames.suggested_by == ""
    with pytest.raises(InputError, match=r"frames\.suggested_by must be a string"):
        record_from_json(_record({"suggested_by": 3}))
