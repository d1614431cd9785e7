"""``annotator train`` learns every layer the analysts coded: entities, frames (and the primary
frame) and event triggers, from a generated corpus whose frames and triggers follow rules a model
can learn (``training_corpus.py``); each layer is scored on held-out documents, a layer or label
with too few documents is named and left out while the others are trained, and ``--folds`` reports
each layer's mean and spread."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from annotator.cli import main
from tests.services.training_corpus import import_corpus, write_corpus

STEPS = "120"  # per layer; with --width 32 each layer trains in a few seconds
WIDTH = "32"


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def make_db(base: Path, n_docs: int, framed: int | None = None, rare_frame: int = 0) -> Path:
    """A database holding ``n_docs`` generated documents coded by alice; ``rare_frame``
    documents also carry the Morality frame (too few to learn it)."""
    corpus = write_corpus(base / "corpus.jsonl", n_docs, seed=7, framed=framed)
    if rare_frame:
        lines = corpus.read_text(encoding="utf-8").splitlines()
        for i in range(rare_frame):
            record = json.loads(lines[i])
            record["frames"]["present"].append("Morality")
            lines[i] = json.dumps(record)
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = base / "corpus.sqlite"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import_corpus(db, corpus)
    return db


def scores(printed: str, layer: str) -> dict[str, float]:
    """The held-out F1 of each label of ``layer`` as printed, and ``*`` for the layer's total."""
    section = printed.split(f"{layer}: held-out score on", 1)[1]
    total = re.match(r" \d+ document\(s\): precision [\d.]+, recall [\d.]+, F1 ([\d.]+)", section)
    assert total is not None, section[:200]
    out = {"*": float(total.group(1))}
    for line in section.splitlines()[1:]:
        match = re.match(r"  (\S+)\s+P [\d.]+  R [\d.]+  F ([\d.]+)", line)
        if not match:
            break
        out[match.group(1)] = float(match.group(2))
    return out


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(database, model folder, printed output) of training on 200 generated documents."""
    base = tmp_path_factory.mktemp("layers")
    db = make_db(base, 200, rare_frame=3)
    out = base / "model"
    code, printed, err = run(["train", "--db", str(db), "--out", str(out), "--max-steps", STEPS,
                              "--width", WIDTH])
    assert code == 0, printed + err
    return db, out, printed


def test_every_layer_is_trained_and_scored_well_above_chance(trained: tuple[Path, Path, str]) -> None:
    _, out, printed = trained
    assert "entities: trained on 160 document(s)" in printed
    assert "frames: trained on 160 document(s) with frames (alice), labels Economic, Political, " \
           "Security_and_defense; primary frame among Economic, Political, Security_and_defense" in printed
    assert re.search(r"events: trained on \d+ document\(s\) with \d+ trigger\(s\) \(alice\), "
                     r"categories ASSAULT, CONSULT, PROTEST, SANCTION", printed)
    assert f"model: {out / 'model-best'} (tok2vec, ner, textcat_multilabel, spancat)" in printed
    assert "LOSS NER" in printed and "LOSS TEXTC..." in printed and "LOSS SPANCAT" in printed

    entities = scores(printed, "entities")
    assert entities["*"] > 0.8 and entities["GPE"] > 0.8 and entities["PERSON"] > 0.5
    frames = scores(printed, "frames")
    # Each frame is present in about half of the documents: always guessing "present" scores
    # an F1 of about 0.67, guessing at random about 0.5.
    for frame in ("Economic", "Political", "Security_and_defense"):
        assert frames[frame] > 0.85, (frame, frames)
    events = scores(printed, "events")
    for category in ("ASSAULT", "CONSULT", "PROTEST", "SANCTION"):
        assert events[category] > 0.7, (category, events)
    primary = re.search(r"primary frame: right in ([\d.]+) of (\d+) document\(s\)", printed)
    assert primary is not None and int(primary.group(2)) == 40
    assert float(primary.group(1)) > 0.45  # three frames: chance is about a third


def test_a_label_with_too_few_documents_is_named_and_left_out(trained: tuple[Path, Path, str]) -> None:
    _, out, printed = trained
    assert "frame Morality: only 3 document(s) carry it, at least 10 are needed; not trained" in printed
    meta = json.loads((out / "model-best" / "meta.json").read_text(encoding="utf-8"))
    assert "frame:Morality" not in meta["labels"]["textcat_multilabel"]
    assert meta["annotator"]["layers"]["frames"]["labels"][:3] == [
        "frame:Economic", "frame:Political", "frame:Security_and_defense"]


def test_the_pipeline_loads_with_plain_spacy_and_predicts_frames_and_triggers(
    trained: tuple[Path, Path, str],
) -> None:
    import spacy

    _, out, _ = trained
    for which in ("model-best", "model-last"):
        nlp = spacy.load(out / which)
        assert nlp.pipe_names == ["tok2vec", "ner", "textcat_multilabel", "spancat"]
    nlp = spacy.load(out / "model-best")
    doc = nlp("Sara Nasser visited Jordan on Monday. "
              "Egypt imposed new sanctions on Qatar over its oil exports.")
    assert doc.cats["frame:Economic"] > 0.5
    assert doc.cats["frame:Political"] < 0.5
    primaries = [k for k in doc.cats if k.startswith("primary:")]
    assert max(primaries, key=doc.cats.__getitem__) == "primary:Economic"
    triggers = {(s.text, s.label_) for s in doc.spans["event"]}
    assert ("visited", "CONSULT") in triggers and ("imposed", "SANCTION") in triggers
    assert {(e.text, e.label_) for e in doc.ents} >= {("Jordan", "GPE"), ("Egypt", "GPE")}

    doc = nlp("Militants attacked an army convoy near Iraq. The weather in Iraq was mild this week.")
    assert doc.cats["frame:Security_and_defense"] > 0.5 and doc.cats["frame:Economic"] < 0.5
    assert {(s.text, s.label_) for s in doc.spans["event"]} == {("attacked", "ASSAULT")}


def test_too_few_framed_documents_says_so_and_trains_the_other_layers(tmp_path: Path) -> None:
    db = make_db(tmp_path, 60, framed=20)
    out = tmp_path / "model"
    code, printed, err = run(["train", "--db", str(db), "--out", str(out), "--max-steps", "60",
                              "--width", WIDTH])
    assert code == 0, printed + err
    assert "frames: 20 document(s) carry frames, at least 50 are needed; not trained" in printed
    assert "entities: held-out score on 12 document(s)" in printed
    assert "events: held-out score on" in printed
    assert "frames: held-out" not in printed
    import spacy

    nlp = spacy.load(out / "model-best")
    assert nlp.pipe_names == ["tok2vec", "ner", "spancat"]
    assert nlp("Anna Berg visited Iran on Monday.").cats == {}


def test_only_the_chosen_layers_are_trained(tmp_path: Path) -> None:
    db = make_db(tmp_path, 60)
    out = tmp_path / "model"
    code, printed, err = run(["train", "--db", str(db), "--out", str(out), "--max-steps", "20",
                              "--layer", "frames"])
    assert code == 0, printed + err
    assert "frames: held-out score on 12 document(s)" in printed
    assert "entities:" not in printed and "events:" not in printed
    import spacy

    assert spacy.load(out / "model-best").pipe_names == ["textcat_multilabel"]


def test_cross_validation_reports_mean_and_spread_per_layer(tmp_path: Path) -> None:
    db = make_db(tmp_path, 60)
    code, printed, err = run(["train", "--db", str(db), "--folds", "5", "--max-steps", "20",
                              "--width", WIDTH])
    assert code == 0, printed + err
    assert "5-fold cross-validation on 60 document(s)" in printed
    assert printed.count("=== fold ") == 5
    for layer in ("entities", "frames", "events"):
        match = re.search(
            rf"^{layer}: F1 mean ([\d.]+), spread \(standard deviation\) ([\d.]+) over 5 fold\(s\) "
            r"\[([\d., ]+)\]$", printed, re.M)
        assert match is not None, (layer, printed[-2000:])
        folds = [float(v) for v in match.group(3).split(", ")]
        assert len(folds) == 5
        assert float(match.group(1)) == pytest.approx(sum(folds) / 5, abs=1e-3)
    # Frames: per-label means; events too.
    assert re.search(r"^  Economic\s+F mean [\d.]+  spread [\d.]+$", printed, re.M)
    assert re.search(r"^  CONSULT\s+F mean [\d.]+  spread [\d.]+$", printed, re.M)
    assert not list(tmp_path.glob("model*"))  # cross-validation alone writes no model


def test_bad_training_requests_are_refused(tmp_path: Path) -> None:
    db = make_db(tmp_path, 12)
    code, _, err = run(["train", "--db", str(db)])
    assert code == 2 and "give --out DIR for the model, or --folds K to cross-validate" in err
    code, _, err = run(["train", "--db", str(db), "--folds", "1"])
    assert code == 2 and "--folds 1 must be at least 2" in err
    code, _, err = run(["train", "--db", str(db), "--folds", "20"])
    assert code == 2 and "--folds 20: only 12 'en' document(s) to share among the folds" in err
    code, _, err = run(["train", "--db", str(db), "--out", str(tmp_path / "m"), "--layer", "tone"])
    assert code == 2 and "unknown layer 'tone' (choose from entities, frames, events)" in err
    code, _, err = run(["train", "--db", str(db), "--out", str(tmp_path / "m"), "--layer", "frames"])
    assert code == 2
    assert "frames: 12 document(s) carry frames, at least 50 are needed; not trained" in err
    assert not (tmp_path / "m").exists()


# --- which document next ------------------------------------------------------------------------

CLEAR = ("Egypt imposed new sanctions on Qatar over its oil exports. The sanctions cost Qatar billions "
         "in lost revenue. Trade between Egypt and Qatar fell as prices and tariffs rose.")
UNCLEAR = "Quiet gardens bloom slowly beside the old river."


def test_next_lists_documents_most_doubtful_first_with_the_reason(
    trained: tuple[Path, Path, str], tmp_path: Path
) -> None:
    import spacy

    from annotator.core.labels import default_labels
    from annotator.services.importing import import_paths
    from annotator.store import Store

    _, out, _ = trained
    model = out / "model-best"
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a_clear.txt").write_text(CLEAR + "\n", encoding="utf-8")
    (folder / "b_unclear.txt").write_text(UNCLEAR + "\n", encoding="utf-8")
    (folder / "c_french.txt").write_text(
        "Le ministre a visité Damas lundi et rencontré des responsables syriens.\n", encoding="utf-8")
    db = tmp_path / "new.sqlite"
    store = Store(db)
    import_paths(store, [folder], default_labels(), None)
    store.close()

    code, printed, err = run(["next", "--db", str(db), "--model", str(model)])
    assert code == 0, printed + err
    lines = printed.splitlines()
    assert lines[0] == (f"2 'en' document(s) ranked by the doubt of {model} "
                        "(entities, frames, events), most doubtful first")
    assert lines[1] == "1 document(s) in other languages left out"
    pattern = r"\s+(\d)\. ([\d.]+)  #(\d+) (.+?): (\w+): (.+) at ([\d.]+)"
    ranked = [re.match(pattern, line) for line in lines[2:]]
    assert all(ranked) and len(ranked) == 2, lines
    doubts_shown = [float(m.group(2)) for m in ranked if m]
    assert doubts_shown == sorted(doubts_shown, reverse=True)
    # Words the frame classifier never saw leave every frame near its prior: more doubt than an
    # article written the way the Economic frame was taught (documents 2 and 1).
    assert [m.group(3) for m in ranked if m] == ["2", "1"], lines

    # The figures are the model's own, as plain spaCy gives them.
    nlp = spacy.load(model)
    for m in ranked:
        assert m is not None
        if m.group(5) == "frames":
            text = UNCLEAR if m.group(3) == "2" else CLEAR
            p = nlp(text).cats[f"frame:{m.group(6)}"]
            assert f"{p:.2f}" == m.group(7)
            assert f"{1 - abs(2 * p - 1):.2f}" == m.group(2)

    code, printed, _ = run(["next", "--db", str(db), "--model", f"en={model}", "--status", "done"])
    assert code == 0 and printed.splitlines()[2] == "2 document(s) of other statuses left out"
    assert len(printed.splitlines()) == 3


def test_next_refuses_a_model_it_cannot_use(tmp_path: Path) -> None:
    import spacy

    db = make_db(tmp_path, 3)
    blank = tmp_path / "blank"
    spacy.blank("en").to_disk(blank)
    code, _, err = run(["next", "--db", str(db), "--model", str(blank)])
    assert code == 2
    assert f"{blank}: the model has none of the components annotator trains" in err
    code, _, err = run(["next", "--db", str(db), "--model", str(tmp_path / "missing")])
    assert code == 2 and "cannot load the model" in err
    code, _, err = run(["next", "--db", str(db)])
    assert code == 2 and "name one trained model with --model" in err


# --- suggested back -----------------------------------------------------------------------------

def test_the_model_suggests_frames_and_triggers_that_stay_suggestions_until_accepted(
    trained: tuple[Path, Path, str],
) -> None:
    import spacy

    from annotator.core.framing import FrameAssessment
    from annotator.core.model import Origin
    from annotator.services.layer_suggestions import suggest_frames, suggest_triggers

    _, out, _ = trained
    nlp = spacy.load(out / "model-best")
    text = ("Anna Berg visited France on Monday. Militants attacked an army convoy near Syria. "
            "Artillery shelled villages on the border of Syria.")
    suggestion = suggest_frames(nlp, text, "model-best")
    assert suggestion is not None
    assert suggestion.frames[0] == "Security_and_defense"
    assert "Economic" not in suggestion.frames and "Political" not in suggestion.frames
    assert suggestion.primary == "Security_and_defense"
    assert suggestion.scores["Security_and_defense"] == pytest.approx(
        nlp(text).cats["frame:Security_and_defense"])
    assert suggestion.describe()[0].startswith("Security_and_defense 0.")

    # Accepting keeps the analyst's tone and roles; the frames become theirs only then.
    mine = FrameAssessment(tone="neutral")
    accepted = suggestion.accepted(mine)
    assert accepted.frames == ("Security_and_defense",) and accepted.primary == "Security_and_defense"
    assert accepted.tone == "neutral"
    # Unticking the suggested primary frame clears it.
    assert suggestion.accepted(mine, frames=()).primary == ""

    triggers = suggest_triggers(nlp, text)
    found = [(text[t.span.start:t.span.end], t.span.label, t.span.layer, t.span.origin) for t in triggers]
    assert found == [
        ("visited", "CONSULT", "event", Origin.MODEL),
        ("attacked", "ASSAULT", "event", Origin.MODEL),
        ("shelled", "ASSAULT", "event", Origin.MODEL),
    ]
    assert all(0.5 <= t.score <= 1.0 for t in triggers)

    blank = spacy.blank("en")
    assert suggest_frames(blank, text) is None and suggest_triggers(blank, text) == []
