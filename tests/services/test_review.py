"""`annotator review` end to end on real files, and adjudication into a gold set.

The expected figures are worked out by hand below, on texts whose tokens are obvious.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.differences import DifferenceKind
from annotator.core.errors import InputError
from annotator.core.model import Span
from annotator.services import review as review_module
from annotator.services.review import Adjudication, BulkChange
from annotator.store import Store

T1 = "Ali met Bob in Paris."  # tokens: Ali met Bob in Paris .
T2 = "Nothing here."  # tokens: Nothing here .
T3 = "Only Alice saw Rome."


def sp(text: str, word: str, label: str) -> dict[str, object]:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "label": label, "text": word}


def write_records(path: Path, name: str, records: list[dict[str, object]]) -> Path:
    lines = [json.dumps({**record, "annotator": name}, ensure_ascii=False) for record in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write(path: Path, name: str, docs: list[tuple[str, list[dict[str, object]]]]) -> Path:
    """Finished records (status done): a record with no spans is the judgment "nothing here"."""
    return write_records(
        path,
        name,
        [
            {"text": text, "meta": {"lang": "en"}, "status": "done", "spans": spans}
            for text, spans in docs
        ],
    )


A_DOCS = [
    (T1, [sp(T1, "Ali", "PER"), sp(T1, "Bob", "PER"), sp(T1, "Paris", "LOC")]),
    (T2, []),
    (T3, [sp(T3, "Rome", "LOC")]),
]
B_DOCS = [
    (T1, [sp(T1, "Ali", "PER"), sp(T1, "Bob", "ORG"), sp(T1, "in Paris", "LOC")]),
    (T2, []),
]
C_DOCS = [A_DOCS[0], (T2, [])]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (
        write(tmp_path / "a.jsonl", "alice", A_DOCS),
        write(tmp_path / "b.jsonl", "bob", B_DOCS),
        write(tmp_path / "c.jsonl", "carol", C_DOCS),
    )


def run_json(args: list[str], capsys) -> dict:
    assert main(["review", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


TOP_KEYS = {
    "schema", "annotators", "documents", "tokens", "pairs", "pairwise", "krippendorff_alpha",
    "framing", "differences", "layers", "documents_by_disagreement", "left_out", "notes",
}
ALPHA_KEYS = {
    "token_labels", "frame_dimensions", "primary_frame", "tone", "tone_ordinal",
    "headline_frame", "tone_target", "actor_roles",
}
PAIR_KEYS = {
    "a", "b", "documents_compared", "documents_only_in_a", "documents_only_in_b", "strict",
    "partial", "cohen_kappa", "confusion", "event_category", "actor_links", "layers",
}
COUNT_KEYS = {"tp", "n_a", "n_b", "precision", "recall", "f1"}


def test_two_files_known_answers(files, capsys) -> None:
    a, b, _c = files
    data = run_json([str(a), str(b)], capsys)
    assert set(data) == TOP_KEYS
    assert data["schema"] == "annotator.agreement/1"
    assert [x["name"] for x in data["annotators"]] == ["alice", "bob"]
    # T1 and T2 are in both files, T3 only in alice's.
    assert data["documents"] == {
        "total": 3, "compared": 2, "only_in_one": 1, "only_in": {"alice": 1, "bob": 0},
    }
    assert data["tokens"] == 9  # 6 in T1, 3 in T2
    (pair,) = data["pairs"]
    assert set(pair) == PAIR_KEYS
    assert set(pair["strict"]["overall"]) == COUNT_KEYS
    # Strict: only Ali is identical. tp 1, |A| 3, |B| 3 -> P = R = F1 = 1/3.
    strict = pair["strict"]["overall"]
    assert (strict["tp"], strict["n_a"], strict["n_b"]) == (1, 3, 3)
    assert round(strict["f1"], 3) == 0.333
    # Per label: PER 1 of A's 2, B has 1 -> P 1, R 1/2, F1 2/3; ORG only in B -> R undefined.
    per = pair["strict"]["per_label"]
    assert round(per["PER"]["f1"], 3) == 0.667 and per["PER"]["precision"] == 1.0
    assert per["ORG"]["recall"] is None and per["ORG"]["f1"] == 0.0
    # Partial: Ali, and Paris ~ "in Paris" (LOC, 5 shared characters); Bob differs in label.
    # tp 2 -> P = R = F1 = 2/3.
    assert round(pair["partial"]["overall"]["f1"], 3) == 0.667
    # Tokens (T1 then T2):   A = PER O PER O   LOC O  O O O
    #                        B = PER O ORG LOC LOC O  O O O
    # po = 7/9; A: PER 2, O 6, LOC 1; B: PER 1, O 5, ORG 1, LOC 2
    # pe = (2*1 + 6*5 + 1*2) / 81 = 34/81; kappa = (63/81 - 34/81) / (47/81) = 29/47 = 0.617.
    kappa = pair["cohen_kappa"]
    assert kappa["tokens"] == 9
    assert kappa["kappa"] == pytest.approx(29 / 47)
    assert round(kappa["kappa"], 3) == 0.617
    # Alpha, 9 units of two values: coincidences PER-PER 2, O-O 10, LOC-LOC 2, PER-ORG 1,
    # ORG-PER 1, O-LOC 1, LOC-O 1; n_PER 3, n_O 11, n_LOC 3, n_ORG 1, n 18.
    # Do = 4/18; De = (18^2 - (9 + 121 + 9 + 1)) / (18*17) = 184/306; alpha = 1 - Do/De = 29/46.
    assert data["krippendorff_alpha"]["token_labels"] == pytest.approx(29 / 46)
    # Spans only (format 1 records): no framing, no events, no actor links.
    assert set(data["krippendorff_alpha"]) == ALPHA_KEYS
    assert data["krippendorff_alpha"]["primary_frame"] is None
    assert data["krippendorff_alpha"]["frame_dimensions"] is None
    assert pair["event_category"] is None and pair["actor_links"] is None
    assert data["differences"] == {"events": [], "frames": []}
    # Confusion, rows alice, columns bob: Ali PER/PER, Bob PER/ORG, Paris LOC/LOC.
    confusion = pair["confusion"]
    assert confusion["labels"] == ["LOC", "ORG", "PER", "O"]
    assert confusion["matrix"] == [[1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0]]


def test_three_files_pairwise_matrix_and_alpha(files, capsys) -> None:
    data = run_json([str(f) for f in files], capsys)
    names = data["pairwise"]["annotators"]
    assert names == ["alice", "bob", "carol"]
    f1 = data["pairwise"]["strict_f1"]
    # carol copied alice on T1 and T2: F1 1; bob against either: 1/3.
    assert f1[0][2] == 1.0 and f1[2][0] == 1.0
    assert round(f1[0][1], 3) == round(f1[1][2], 3) == 0.333
    assert f1[1][1] is None
    kappa = data["pairwise"]["cohen_kappa"]
    assert kappa[0][2] == 1.0
    assert kappa[1][2] == pytest.approx(29 / 47)
    assert [(p["a"], p["b"]) for p in data["pairs"]] == [
        ("alice", "bob"), ("alice", "carol"), ("bob", "carol"),
    ]
    # Alpha over three annotators, 9 units of three values (weight 1/2 per ordered pair):
    # PER-PER 4, O-O 16, LOC-LOC 3, PER-ORG 1, ORG-PER 1, O-LOC 1, LOC-O 1;
    # n_PER 5, n_O 17, n_LOC 4, n_ORG 1, n 27.
    # Do = 4/27; De = (27^2 - (25 + 289 + 16 + 1)) / (27*26) = 398/702;
    # alpha = 1 - (4/27) / (398/702) = 1 - 52/199 = 147/199 = 0.739.
    alpha = data["krippendorff_alpha"]["token_labels"]
    assert alpha == pytest.approx(147 / 199)
    assert round(alpha, 3) == 0.739


def test_text_report_shows_the_figures(files, capsys) -> None:
    a, b, c = files
    assert main(["review", str(a), str(b), str(c)]) == 0
    out = capsys.readouterr().out
    assert "Documents: 2 compared, 1 only in one set (alice: 1)" in out
    assert "Cohen's kappa on token labels: 0.617" in out
    assert "Krippendorff's alpha (nominal) on token labels, all annotators: 0.739" in out
    assert "Pairwise (strict F1 / partial F1 / Cohen's kappa):" in out
    assert "0.333/0.667/0.617" in out


def test_bad_file_exits_2_with_file_and_line(files, tmp_path: Path, capsys) -> None:
    a, _b, _c = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"text": T1, "annotator": "x", "spans": [sp(T1, "Ali", "PER")]})
        + "\n"
        + json.dumps(
            {"text": T2, "annotator": "x", "spans": [{"start": 0, "end": 99, "label": "X"}]}
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["review", str(a), str(bad)]) == 2
    assert f"{bad}:2: " in capsys.readouterr().err
    # A whole-database export holds several annotators' records of one text: not one set.
    twice = tmp_path / "twice.jsonl"
    twice.write_text(
        "".join(
            json.dumps({"text": text, "annotator": name, "spans": []}) + "\n"
            for text, name in ((T1, "x"), (T2, "x"), (T1, "y"))
        ),
        encoding="utf-8",
    )
    assert main(["review", str(a), str(twice)]) == 2
    err = capsys.readouterr().err
    assert f"{twice}:3: the same document as {twice}:1" in err
    assert "annotator export --annotator NAME" in err
    assert main(["review", str(a)]) == 2
    assert "two or more" in capsys.readouterr().err


def test_empty_documents_only_leave_figures_undefined(tmp_path: Path, capsys) -> None:
    a = write(tmp_path / "a.jsonl", "a", [(T2, [])])
    b = write(tmp_path / "b.jsonl", "b", [(T2, [])])
    data = run_json([str(a), str(b)], capsys)
    pair = data["pairs"][0]
    assert pair["strict"]["overall"]["f1"] is None
    assert pair["cohen_kappa"]["kappa"] is None
    assert pair["cohen_kappa"]["observed_agreement"] == 1.0
    assert data["krippendorff_alpha"]["token_labels"] is None
    assert data["notes"]


def imported_db(tmp_path: Path, files) -> Path:
    db = tmp_path / "review.sqlite"
    for path in files[:2]:
        # The files' PER is not in the project's label set (PERSON): allowed as a new label.
        args = ["import-annotations", str(path), "--db", str(db), "--allow-new-labels"]
        assert main(args) == 0
    return db


def test_review_from_the_database_matches_the_files(files, tmp_path: Path, capsys) -> None:
    db = imported_db(tmp_path, files)
    capsys.readouterr()
    data = run_json(["--db", str(db), "--annotators", "alice,bob"], capsys)
    # T2 has no span, but both finished it (status done): a judgment kept in the database, so it
    # is compared as from the files; T1 is compared, T3 is alice's only.
    assert data["documents"]["compared"] == 2
    assert data["documents"]["only_in"] == {"alice": 1, "bob": 0}
    assert round(data["pairs"][0]["strict"]["overall"]["f1"], 3) == 0.333
    from_files = run_json([str(files[0]), str(files[1])], capsys)
    for key in ("documents", "tokens", "pairs", "krippendorff_alpha", "left_out", "layers"):
        assert data[key] == from_files[key], key
    assert main(["review", "--db", str(db), "--annotators", "alice,nobody"]) == 2
    assert "no annotator named 'nobody'" in capsys.readouterr().err


# -- adjudication -------------------------------------------------------------------------------

T4 = "Ali met Bob in Paris on Monday with Eve."


@pytest.fixture
def adjudication_db(tmp_path: Path, store_url: Path | str) -> Path | str:
    db = store_url  # both engines: a SQLite file, then a PostgreSQL database
    a = write(
        tmp_path / "a.jsonl",
        "alice",
        [(T4, [sp(T4, "Ali", "PER"), sp(T4, "Bob", "PER"), sp(T4, "Paris", "LOC"),
               sp(T4, "Monday", "DATE")])],
    )
    b = write(
        tmp_path / "b.jsonl",
        "bob",
        [(T4, [sp(T4, "Ali", "PER"), sp(T4, "Bob", "ORG"), sp(T4, "in Paris", "LOC"),
               sp(T4, "Eve", "PER")])],
    )
    for path in (a, b):
        # PER is outside the project's label set (PERSON): allowed as a new label.
        args = ["import-annotations", str(path), "--db", str(db), "--allow-new-labels"]
        assert main(args) == 0
    return db


def exported_gold(db: Path, tmp_path: Path) -> list[tuple[str, str]]:
    out = tmp_path / "gold.jsonl"
    assert main(["export", str(out), "--db", str(db), "--annotator", "gold", "--force"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [(s["text"], s["label"]) for r in records for s in r["spans"]]


def test_resolving_every_difference_exports_the_choices(
    adjudication_db: Path, tmp_path: Path
) -> None:
    store = Store(adjudication_db)
    adj = Adjudication(store, ["alice", "bob"])
    kinds = [(d.kind, T4[d.start : d.end]) for d in adj.differences]
    assert kinds == [
        (DifferenceKind.LABEL, "Bob"),
        (DifferenceKind.BOUNDARIES, "in Paris"),
        (DifferenceKind.ONLY_A, "Monday"),
        (DifferenceKind.ONLY_B, "Eve"),
    ]
    assert (adj.total, adj.remaining) == (4, 4)
    start = adj.start()
    change = start.do()
    assert isinstance(change, BulkChange) and change.spans and start.count == 1

    assert adj.next_unresolved() == 0
    adj.take(0, "bob").do()  # first thoughts: ORG ...
    adj.take(0, "alice").do()  # ... then PER: the decision is replaced, not added
    assert adj.next_unresolved(0) == 1
    adj.take(1, "bob").do()  # "in Paris"
    adj.take_none(2).do()  # no DATE on Monday
    eve = adj.differences[3].version("bob")
    assert eve is not None
    adj.custom(3, [Span(eve.start, eve.end, "PERSON")]).do()
    assert adj.remaining == 0 and adj.next_unresolved() is None
    store.close()

    assert sorted(exported_gold(adjudication_db, tmp_path)) == sorted(
        [("Ali", "PER"), ("Bob", "PER"), ("in Paris", "LOC"), ("Eve", "PERSON")]
    )


def test_undo_restores_gold_and_progress(adjudication_db: Path, tmp_path: Path) -> None:
    store = Store(adjudication_db)
    adj = Adjudication(store, ["alice", "bob"], gold="final")
    start = adj.start()
    start.do()
    first = adj.take(0, "bob")
    first.do()
    again = adj.take(0, "alice")
    again.do()
    gold = store.annotators.all()[-1]
    assert gold.name == "final"

    def labels() -> list[tuple[str, str]]:
        return [(T4[s.start : s.end], s.label) for s in adj.gold_spans(1)]

    assert labels() == [("Ali", "PER"), ("Bob", "PER")]
    again.undo()
    assert labels() == [("Ali", "PER"), ("Bob", "ORG")]
    assert adj.remaining == 3
    first.undo()
    assert labels() == [("Ali", "PER")] and adj.remaining == 4
    first.do()  # redo
    assert labels() == [("Ali", "PER"), ("Bob", "ORG")] and adj.remaining == 3
    start.undo()
    assert labels() == [("Bob", "ORG")]
    store.close()


def test_resumed_adjudication_counts_settled_differences(adjudication_db: Path) -> None:
    store = Store(adjudication_db)
    adj = Adjudication(store, ["alice", "bob"])
    adj.start().do()
    adj.take(0, "alice").do()
    adj.take(1, "alice").do()
    adj.take_none(2).do()
    later = Adjudication(store, ["alice", "bob"])
    # Two decisions left gold spans and are found again; "none" leaves no trace.
    assert sorted(later.decisions) == [0, 1]
    assert later.remaining == 2
    assert later.start().do().document_ids == ()  # agreed spans are there already
    later.take(0, "bob").do()  # re-deciding replaces the span found in gold
    assert [(T4[s.start : s.end], s.label) for s in later.gold_spans(1)] == [
        ("Ali", "PER"), ("Bob", "ORG"), ("Paris", "LOC"),
    ]
    store.close()


def test_gold_cannot_be_a_compared_annotator(adjudication_db: Path) -> None:
    store = Store(adjudication_db)
    with pytest.raises(InputError):
        Adjudication(store, ["alice", "bob"], gold="bob")
    store.close()


# -- the analysis layers: actor links, events, framing (native format 2) -------------------------

T5 = "Qaani visited Damascus and met Assad."
T6 = "Iran and Syria held a joint drill."
SEC, POL = "Security_and_defense", "Political"
ACTORS = {
    "seed:ismail-qaani": "Ismail Qaani",
    "seed:syria": "Syria",
    "seed:bashar-al-assad": "Bashar al-Assad",
    "seed:iran": "Iran",
    "b7": "ismail  qaani",  # bob's own actor: another uid, the same name (ignoring case, blanks)
}


def analysed(
    text: str,
    spans: list[tuple[str, str, str | None]],
    events: list[tuple[int, str, dict[str, str]]],
    frames: tuple[list[str], str, str] | None,
) -> dict[str, object]:
    """A format-2 record: spans as (word, label, actor uid), a label in capitals on the event
    layer when no actor is given and it is an event category; events as (trigger id, category,
    fields); frames as (present, primary, tone)."""
    out_spans = []
    for n, (word, label, actor) in enumerate(spans, start=1):
        start = text.index(word)
        span: dict[str, object] = {
            "id": n, "start": start, "end": start + len(word), "label": label, "text": word,
            "layer": "event" if label in ("CONSULT", "COOPERATE", "MOBILIZE") else "entity",
        }
        if actor:
            span["actor"] = actor
        out_spans.append(span)
    uids = sorted({actor for _w, _l, actor in spans if actor})
    return {
        "text": text,
        "meta": {"lang": "en"},
        "spans": out_spans,
        "actors": [{"id": uid, "name": ACTORS[uid]} for uid in uids],
        "events": [
            {"id": n, "trigger": trigger, "category": category, **fields}
            for n, (trigger, category, fields) in enumerate(events, start=1)
        ],
        "frames": None if frames is None else {
            "present": frames[0], "primary": frames[1], "tone": frames[2],
        },
        "format_version": 2,
    }


ALICE_ANALYSIS = [
    analysed(
        T5,
        [("Qaani", "PERSON", "seed:ismail-qaani"), ("visited", "CONSULT", None),
         ("Damascus", "GPE", "seed:syria"), ("met", "CONSULT", None),
         ("Assad", "PERSON", "seed:bashar-al-assad")],
        [(2, "CONSULT", {"mode": "visit"}), (4, "CONSULT", {})],
        ([SEC, POL], SEC, "neutral"),
    ),
    analysed(
        T6,
        [("Iran", "GPE", "seed:iran"), ("Syria", "GPE", "seed:syria"), ("drill", "COOPERATE", None)],
        [(3, "COOPERATE", {"context": "military"})],
        ([SEC], SEC, "implicit_pro"),
    ),
]
BOB_ANALYSIS = [
    analysed(
        T5,
        [("Qaani", "PERSON", "b7"), ("visited", "CONSULT", None),
         ("Damascus", "GPE", "seed:bashar-al-assad"), ("Assad", "PERSON", None)],
        [(2, "CONSULT", {})],
        ([SEC], SEC, "implicit_anti"),
    ),
    analysed(
        T6,
        [("Iran", "GPE", "seed:iran"), ("Syria", "GPE", "seed:syria"),
         ("joint drill", "MOBILIZE", None)],
        [(3, "MOBILIZE", {"context": "military"})],
        ([SEC, POL], POL, "implicit_pro"),
    ),
]
CAROL_ANALYSIS = [
    analysed(
        T5,
        [("Qaani", "PERSON", "seed:ismail-qaani"), ("visited", "CONSULT", None),
         ("Damascus", "GPE", "seed:syria")],
        [(2, "CONSULT", {"mode": "visit"})],
        ([SEC], SEC, "neutral"),
    ),
    analysed(T6, [], [], ([SEC, POL], POL, "implicit_pro")),  # framed, no span marked
]


@pytest.fixture
def analysis_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (
        write_records(tmp_path / "alice2.jsonl", "alice", ALICE_ANALYSIS),
        write_records(tmp_path / "bob2.jsonl", "bob", BOB_ANALYSIS),
        write_records(tmp_path / "carol2.jsonl", "carol", CAROL_ANALYSIS),
    )


def check_alice_bob(pair: dict) -> None:
    assert (pair["a"], pair["b"]) == ("alice", "bob")
    events = pair["event_category"]
    # alice: visited CONSULT, met CONSULT (T5), drill COOPERATE (T6); bob: visited CONSULT (T5),
    # "joint drill" MOBILIZE (T6). Pairs by trigger overlap: visited ~ visited, drill ~ joint
    # drill (5 characters); met alone. tp 2, |A| 3, |B| 2: P 1, R 2/3, F1 4/5.
    assert (events["events_a"], events["events_b"], events["matched"]) == (3, 2, 2)
    assert events["trigger"]["f1"] == pytest.approx(0.8)
    assert events["trigger"]["recall"] == pytest.approx(2 / 3)
    # Categories: (CONSULT, CONSULT), (COOPERATE, MOBILIZE): p_o = 1/2,
    # p_e = (1*1) / 4 = 1/4 (only CONSULT in both), kappa = (1/2 - 1/4) / (3/4) = 1/3.
    assert events["same_category"] == 1
    assert events["observed_agreement"] == pytest.approx(0.5)
    assert events["expected_agreement"] == pytest.approx(0.25)
    assert events["cohen_kappa"] == pytest.approx(1 / 3)
    links = pair["actor_links"]
    # Entity span pairs by offsets: Qaani, Damascus, Assad (T5); Iran, Syria (T6) -> 5 (drill
    # and "joint drill" differ; the trigger "visited" is the event layer's, it names no actor).
    # Linked on either side: Qaani (same: bob's "ismail  qaani" is alice's Ismail Qaani by name),
    # Damascus (Syria / Bashar al-Assad: different), Assad (alice only), Iran, Syria (same).
    # agreement = 3/5.
    assert links == {
        "linked_spans_a": 5, "linked_spans_b": 4, "span_pairs": 5, "linked_pairs": 5,
        "same_actor": 3, "different_actor": 1, "linked_only_in_a": 1, "linked_only_in_b": 0,
        "agreement": pytest.approx(0.6),
    }


def test_two_format_2_files_frames_events_and_actor_links(analysis_files, capsys) -> None:
    alice, bob, _carol = analysis_files
    data = run_json([str(alice), str(bob)], capsys)
    assert set(data) == TOP_KEYS
    (pair,) = data["pairs"]
    check_alice_bob(pair)
    alpha = data["krippendorff_alpha"]
    assert set(alpha) == ALPHA_KEYS
    assert data["framing"] == {"documents": 2}
    # Units T5, T6, coders (alice, bob).
    # Security present (1,1) (1,1): one value only -> undefined.
    # Political present (1,0) (0,1) (bob's primary is Political): o10 = o01 = 2; n0 = n1 = 2, n 4;
    #   D_o = 4/4; D_e = 2*2*2 / (4*3) = 2/3; alpha = 1 - 3/2 = -1/2.
    assert alpha["frame_dimensions"] == {POL: pytest.approx(-0.5), SEC: None}
    # Primary (S,S) (S,P): oSS = 2, oSP = oPS = 1; nS = 3, nP = 1, n = 4;
    #   D_o = 2/4; D_e = 2*3*1 / 12 = 1/2; alpha = 0.
    assert alpha["primary_frame"] == pytest.approx(0.0, abs=1e-12)
    # Tone (neutral, implicit_anti) (implicit_pro, implicit_pro): n_neu = n_ia = 1, n_ip = 2;
    #   D_o = 2/4; D_e = (16 - (1 + 1 + 4)) / 12 = 10/12; alpha = 1 - 0.6 = 0.4.
    assert alpha["tone"] == pytest.approx(0.4)
    # Ordinal, ia < neu < ip: d(ia,neu) = (1+1 - 1)^2 = 1; d(ia,ip) = (1+1+2 - 1.5)^2 = 6.25;
    #   d(neu,ip) = (1+2 - 1.5)^2 = 2.25. D_o = 2*1 / 4 = 0.5;
    #   D_e = 2 * (1*1*1 + 1*2*6.25 + 1*2*2.25) / 12 = 3; alpha = 1 - 0.5/3 = 5/6.
    assert alpha["tone_ordinal"] == pytest.approx(5 / 6)
    assert round(alpha["tone_ordinal"], 3) == 0.833
    # The differences listed for review.
    events = [(d["start"], d["differs"]) for d in data["differences"]["events"]]
    assert events == [(6, ["mode"]), (27, ["missing"]), (T6.index("joint"), ["trigger", "category"])]
    frames = [(d["aspect"], d["dimension"], d["values"]) for d in data["differences"]["frames"]]
    assert frames == [
        ("dimension", POL, {"alice": "present", "bob": "absent"}),
        ("tone", None, {"alice": "neutral", "bob": "implicit_anti"}),
        ("dimension", POL, {"alice": "absent", "bob": "present"}),
        ("primary", None, {"alice": SEC, "bob": POL}),
    ]


def test_three_format_2_files(analysis_files, capsys) -> None:
    data = run_json([str(f) for f in analysis_files], capsys)
    pairs = {(p["a"], p["b"]): p for p in data["pairs"]}
    check_alice_bob(pairs[("alice", "bob")])
    ac = pairs[("alice", "carol")]
    # carol: visited CONSULT only. tp 1, |A| 3, |B| 1: P 1, R 1/3, F1 1/2; one category: kappa
    # undefined (p_e = 1).
    assert ac["event_category"]["trigger"]["f1"] == pytest.approx(0.5)
    assert ac["event_category"]["observed_agreement"] == 1.0
    assert ac["event_category"]["cohen_kappa"] is None
    # Strict pairs Qaani, visited, Damascus; Qaani and Damascus linked alike: 2 of 2.
    assert ac["actor_links"]["linked_pairs"] == 2 and ac["actor_links"]["agreement"] == 1.0
    bc = pairs[("bob", "carol")]
    assert bc["event_category"]["trigger"]["f1"] == pytest.approx(2 / 3)  # tp 1, |A| 2, |B| 1
    # Qaani the same actor, Damascus not: 1 of 2.
    assert bc["actor_links"]["agreement"] == pytest.approx(0.5)
    alpha = data["krippendorff_alpha"]
    # Units T5, T6, coders (alice, bob, carol); carol framed T6 without marking a span.
    # Political (1,0,0) (0,1,1): per unit o10 += 1, o01 += 1, and o00 += 1 (T5) or o11 += 1 (T6);
    #   o00 = o11 = 1, o01 = o10 = 2; n0 = n1 = 3, n = 6; D_o = 4/6; D_e = 2*3*3 / 30 = 3/5;
    #   alpha = 1 - (2/3) / (3/5) = -1/9.
    assert alpha["frame_dimensions"] == {POL: pytest.approx(-1 / 9), SEC: None}
    # Primary (S,S,S) (S,P,P): oSS = 3, oSP = oPS = 1, oPP = 1; nS = 4, nP = 2, n = 6;
    #   D_o = 2/6; D_e = 2*4*2 / 30 = 16/30; alpha = 1 - (1/3) / (8/15) = 3/8.
    assert alpha["primary_frame"] == pytest.approx(3 / 8)
    # Tone (neu, ia, neu) (ip, ip, ip): o(neu,ia) = o(ia,neu) = 1, o(neu,neu) = 1, o(ip,ip) = 3;
    #   n_neu = 2, n_ia = 1, n_ip = 3, n = 6; D_o = 2/6; D_e = (36 - (4 + 1 + 9)) / 30 = 22/30;
    #   alpha = 1 - (1/3) / (11/15) = 6/11.
    assert alpha["tone"] == pytest.approx(6 / 11)
    assert round(alpha["tone"], 3) == 0.545
    # Ordinal: d(ia,neu) = (1+2 - 1.5)^2 = 2.25; d(ia,ip) = (1+2+3 - 2)^2 = 16;
    #   d(neu,ip) = (2+3 - 2.5)^2 = 6.25. D_o = 2*2.25 / 6 = 0.75;
    #   D_e = 2 * (1*2*2.25 + 1*3*16 + 2*3*6.25) / 30 = 6; alpha = 1 - 0.75/6 = 7/8.
    assert alpha["tone_ordinal"] == pytest.approx(0.875)
    events = [(d["start"], d["differs"]) for d in data["differences"]["events"]]
    assert events == [
        (6, ["mode"]), (27, ["missing"]), (T6.index("joint"), ["missing", "trigger", "category"]),
    ]


def test_text_report_shows_the_analysis_figures(analysis_files, capsys) -> None:
    alice, bob, _carol = analysis_files
    assert main(["review", str(alice), str(bob)]) == 0
    out = capsys.readouterr().out
    assert (
        "Events paired by trigger overlap: 3 in A, 2 in B, 2 paired; trigger P 1.000 R 0.667 F1 0.800"
    ) in out
    assert (
        "Event category of paired events: the same in 1 of 2 (observed 0.500, expected 0.250), "
        "Cohen's kappa 0.333"
    ) in out
    assert (
        "Actor links of spans with the same offsets: 5 of 5 pairs linked; same actor 3 (agreement 0.600)"
    ) in out
    assert "documents framed by two or more:" in out
    assert "  primary frame: 0.000" in out
    assert "  tone: 0.400 (tone as an ordinal scale: 0.833)" in out
    assert f"    {POL:<22}-0.500" in out  # dimensions in a column, two blanks past the longest
    assert f"    {SEC}  n/a" in out
    assert "Differences in events (3):" in out
    assert "Differences in framing (4):" in out
    assert "tone: alice: neutral | bob: implicit_anti" in out
    assert "(mode)  alice: CONSULT 6-13 mode=visit | bob: CONSULT 6-13 mode=-" in out


def test_review_from_the_database_has_the_analysis_figures(
    analysis_files, tmp_path: Path, capsys
) -> None:
    db = tmp_path / "analysis.sqlite"
    for path in analysis_files:
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    capsys.readouterr()
    data = run_json(["--db", str(db), "--annotators", "alice,bob,carol"], capsys)
    from_files = run_json([str(f) for f in analysis_files], capsys)
    # carol framed T6 without a span: still hers in the database.
    assert data["documents"] == from_files["documents"]
    assert data["krippendorff_alpha"] == from_files["krippendorff_alpha"]
    for db_pair, file_pair in zip(data["pairs"], from_files["pairs"], strict=True):
        assert db_pair["event_category"] == file_pair["event_category"]
        assert db_pair["actor_links"] == file_pair["actor_links"]
    assert data["differences"]["frames"] == from_files["differences"]["frames"]


def test_adjudication_shows_and_settles_a_different_linked_actor(
    analysis_files, tmp_path: Path
) -> None:
    db = tmp_path / "adj2.sqlite"
    for path in analysis_files[:2]:
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    store = Store(db)
    adj = Adjudication(store, ["alice", "bob"])
    t5 = [d for d in adj.differences if d.kind is DifferenceKind.ACTOR]
    assert [(T5[d.start : d.end], d.actor("alice"), d.actor("bob")) for d in t5] == [
        ("Damascus", "Syria", "Bashar al-Assad"),
        ("Assad", "Bashar al-Assad", None),
    ]
    adj.start().do()  # agreed spans, with their links (Qaani, Iran, Syria)
    damascus = adj.differences.index(t5[0])
    take = adj.take(damascus, "bob")
    take.do()
    store.close()
    out = tmp_path / "gold2.jsonl"
    assert main(["export", str(out), "--db", str(db), "--annotator", "gold", "--force"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    linked = {(r["text"][s["start"] : s["end"]], s.get("actor")) for r in records for s in r["spans"]}
    assert ("Damascus", "seed:bashar-al-assad") in linked
    assert ("Qaani", "seed:ismail-qaani") in linked and ("Iran", "seed:iran") in linked
    store = Store(db)
    adj2 = Adjudication(store, ["alice", "bob"])
    # Found again in gold when the review resumes: settled.
    assert adj2.decisions[adj2.differences.index(t5[0])].choice == "existing"
    store.close()


def test_undo_of_a_linked_decision_removes_span_and_link(analysis_files, tmp_path: Path) -> None:
    db = tmp_path / "adj3.sqlite"
    for path in analysis_files[:2]:
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    store = Store(db)
    adj = Adjudication(store, ["alice", "bob"])
    index = next(i for i, d in enumerate(adj.differences) if d.kind is DifferenceKind.ACTOR)
    first = adj.take(index, "alice")
    first.do()
    again = adj.take(index, "bob")
    again.do()
    doc_id = adj.differences[index].document_id

    def gold_links() -> list[tuple[str, str]]:
        names = {a.id: a.name for a in store.actors.all()}
        mentions = store.mentions.in_document(doc_id, adj.gold.id)
        return [(T5[s.start : s.end], names[mentions[s.id]]) for s in adj.gold_spans(doc_id)]

    assert gold_links() == [("Damascus", "Bashar al-Assad")]
    again.undo()
    assert gold_links() == [("Damascus", "Syria")]
    first.undo()
    assert gold_links() == []
    first.do()  # redo: the span comes back under its id, with its link
    assert gold_links() == [("Damascus", "Syria")]
    store.close()


# -- the report counted in worker processes -----------------------------------------------------

_TALLY = review_module._tally_database  # the real one, before a test replaces it


def _dies_in_a_worker(*arguments: object):
    """The tally of a part, except that a worker process running it dies at once."""
    import multiprocessing


    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return _TALLY(*arguments)  # type: ignore[arg-type]


def _marks_its_process(*arguments: object):
    """The tally of a part, leaving a file named after the process that made it."""

    (Path(os.environ["REVIEW_PART_MARKS"]) / str(os.getpid())).touch()
    return _TALLY(*arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_processes_give_the_same_report(
    analysis_files, tmp_path: Path, monkeypatch, method: str
) -> None:
    from annotator.services import process_parts, review

    # The command line forks its workers, the window spawns them: both read the database alike.
    monkeypatch.setattr(process_parts, "start_method", lambda: method)

    db = tmp_path / "analysis.sqlite"
    for path in analysis_files:
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    names = ["alice", "bob", "carol"]
    alone = review.review_database(db, names, workers=1).to_json()
    assert alone["differences"]["events"] and alone["pairs"][0]["actor_links"]  # all layers
    # Parts (one per document here, at most three): this process and workers, each reading its
    # own documents.
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("REVIEW_PART_MARKS", str(marks))
    monkeypatch.setattr(review, "_tally_database", _marks_its_process)
    assert review.review_database(db, names, workers=3).to_json() == alone
    processes = {int(p.name) for p in marks.iterdir()}
    assert os.getpid() in processes and len(processes) == 2  # two documents, two processes
    # A worker that dies leaves its part to this process: the same report, nothing lost.
    monkeypatch.setattr(review, "_tally_database", _dies_in_a_worker)
    assert review.review_database(db, names, workers=3).to_json() == alone


def test_text_report_columns_stay_apart_at_large_counts() -> None:
    """Counts of six digits and a label longer than the column get their own space: each row
    splits into as many fields as the header has."""
    from annotator.core.span_scores import Counts, SpanScores
    from annotator.services.agreement_report import _score_rows

    big = Counts(tp=200000, n_a=200000, n_b=1234567)
    label = "Organisation_of_a_long_name"
    strict = SpanScores(per_label={label: big, "GPE": Counts(1, 2, 3)}, overall=big)
    rows = _score_rows(strict, strict)
    # label, in A, in B, strict, P, R, F1, partial, P, R, F1 ("all labels" is two words)
    assert [len(r.replace("|", " ").split()) for r in rows[2:]] == [11, 11, 12]
    assert rows[3].split()[:4] == [label, "200000", "1234567", "|"]
    assert len({len(r) for r in rows[2:]}) == 1 and len(rows[0]) == len(rows[2])
