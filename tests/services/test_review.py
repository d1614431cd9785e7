"""`annotator review` end to end on real files, and adjudication into a gold set.

The expected figures are worked out by hand below, on texts whose spaCy tokens are obvious.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.differences import DifferenceKind
from annotator.core.errors import InputError
from annotator.core.model import Span
from annotator.services.review import Adjudication, BulkChange
from annotator.store import Store

T1 = "Ali met Bob in Paris."  # tokens: Ali met Bob in Paris .
T2 = "Nothing here."  # tokens: Nothing here .
T3 = "Only Alice saw Rome."


def sp(text: str, word: str, label: str) -> dict[str, object]:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "label": label, "text": word}


def write(path: Path, name: str, docs: list[tuple[str, list[dict[str, object]]]]) -> Path:
    lines = [
        json.dumps({"text": text, "annotator": name, "meta": {"lang": "en"}, "spans": spans})
        for text, spans in docs
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


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
    "notes",
}
PAIR_KEYS = {
    "a", "b", "documents_compared", "documents_only_in_a", "documents_only_in_b", "strict",
    "partial", "cohen_kappa", "confusion", "event_category", "actor_links",
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
    assert data["krippendorff_alpha"]["primary_frame"] is None
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
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    return db


def test_review_from_the_database_matches_the_files(files, tmp_path: Path, capsys) -> None:
    db = imported_db(tmp_path, files)
    capsys.readouterr()
    data = run_json(["--db", str(db), "--annotators", "alice,bob"], capsys)
    # T2 has no span in the database, so it is in neither set; T1 is compared, T3 is alice's only.
    assert data["documents"]["compared"] == 1
    assert data["documents"]["only_in"] == {"alice": 1, "bob": 0}
    assert round(data["pairs"][0]["strict"]["overall"]["f1"], 3) == 0.333
    assert main(["review", "--db", str(db), "--annotators", "alice,nobody"]) == 2
    assert "no annotator named 'nobody'" in capsys.readouterr().err


# -- adjudication -------------------------------------------------------------------------------

T4 = "Ali met Bob in Paris on Monday with Eve."


@pytest.fixture
def adjudication_db(tmp_path: Path) -> Path:
    db = tmp_path / "adj.sqlite"
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
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0
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
    gold = store.annotators()[-1]
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
