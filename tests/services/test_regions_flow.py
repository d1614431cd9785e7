"""Marked regions through the use cases: ``annotator import`` marks and counts them, the real
pre-annotation suggests nothing inside them (until the analyst unmarks one), agreement neither
counts spans there nor their tokens, and the native JSONL export carries them back into
``import`` and ``import-annotations``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.cli import main
from annotator.core.model import AnnotatorKind, Span
from annotator.core.regions import Region, RegionKind
from annotator.services.annotate import AnnotationSession
from annotator.services.regions import SetRegionMarked, marked_region_at
from annotator.services.review import review_files
from annotator.store import Store


def _overlaps(span: Span, regions: list[Region]) -> bool:
    return any(r.marked and r.overlaps(span.start, span.end) for r in regions)


def test_import_marks_regions_and_the_model_suggests_nothing_there(
    tmp_path: Path, seeds_dir: Path, capsys
) -> None:
    """The model's spans are all stored; none inside a marked region is suggested, and
    unmarking the region shows them (the caption reprinted is text the model tags)."""
    db = tmp_path / "t.db"
    assert main(["import", str(seeds_dir), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "marked 5 regions as repeated lines or boilerplate" in out
    store = Store(db)
    try:
        doc_id = next(
            d for d in store.documents.ids() if store.documents.get(d).meta.filename.startswith("003")
        )
        text = store.documents.get(doc_id).text
        regions = store.regions.of_document(doc_id)
        assert len(regions) == 4
        session = AnnotationSession(store, store.annotators.get_or_create("alice", AnnotatorKind.HUMAN))
        shown = session.suggestions(doc_id)
        assert shown, "the English model pre-annotated the article"
        assert not [s for s in shown if _overlaps(s, regions)]
        # The caption's first print is not marked: the name in it is suggested once there.
        caption = text.index("Iran's Quds Force commander Esmail Qaani. (AFP")
        assert any(caption <= s.start < caption + 60 for s in shown)
        # The reprint is the same words: the model tagged them, and they are stored, hidden.
        reprint = regions[0]
        assert "Esmail Qaani" in text[reprint.start : reprint.end]
        model = store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL)
        inside = [s for s in model if reprint.overlaps(s.start, s.end)]
        assert [text[s.start : s.end] for s in inside if s.label == "PERSON"] == ["Esmail Qaani"]
        SetRegionMarked(store, doc_id, reprint, marked=False).do()
        now = session.suggestions(doc_id)
        assert {(s.start, s.end, s.label) for s in now} - {(s.start, s.end, s.label) for s in shown} == {
            (s.start, s.end, s.label) for s in inside
        }
    finally:
        store.close()


def test_suggestions_hide_and_show_with_the_region(seeded_db: Path) -> None:
    """A region marked after import hides the stored suggestions inside it; unmarking (a command
    with undo) shows them again."""
    store = Store(seeded_db)
    try:
        analyst = store.annotators.get_or_create("alice", AnnotatorKind.HUMAN)
        session = AnnotationSession(store, analyst)
        doc_id = store.documents.ids()[0]
        shown = session.suggestions(doc_id)
        first = shown[0]
        line_start = store.documents.get(doc_id).text.rfind("\n", 0, first.start) + 1
        (region,) = [
            r for r in store.regions.save(doc_id, [Region(line_start, first.end, RegionKind.REPEATED)])
            if r.start == line_start
        ]
        hidden = session.suggestions(doc_id)
        assert first not in hidden and len(hidden) < len(shown)
        assert marked_region_at([region], first.start, first.end) == region
        command = SetRegionMarked(store, doc_id, region, marked=False)
        change = command.do()
        assert change.regions and change.span_range == (region.start, region.end)
        assert session.suggestions(doc_id) == shown
        command.undo()
        assert session.suggestions(doc_id) == hidden
    finally:
        store.close()


TEXT = (
    "Ali met Bob in Paris on Monday.\n"
    "Photo: Ali and Bob in Paris (AFP)\n"
    "Photo: Ali and Bob in Paris (AFP)\n"
    "They spoke for an hour."
)


def _write(path: Path, name: str, labels: dict[str, str], regions: bool) -> Path:
    spans = []
    for word, label in labels.items():
        for start in (TEXT.index(word), TEXT.rindex(word)):
            spans.append({"start": start, "end": start + len(word), "label": label, "text": word})
    spans = sorted({(s["start"], s["label"]): s for s in spans}.values(), key=lambda s: s["start"])
    record = {"text": TEXT, "meta": {"lang": "en"}, "annotator": name, "status": "done", "spans": spans}
    if regions:
        second = TEXT.rindex("Photo:")
        record["regions"] = [
            {"start": second, "end": second + len("Photo: Ali and Bob in Paris (AFP)"),
             "kind": "repeated", "marked": True}
        ]
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def test_agreement_leaves_out_spans_and_tokens_of_marked_regions(tmp_path: Path, capsys) -> None:
    # The annotators agree on the article; they differ only on the reprinted caption (the last
    # occurrence of each name lies in it), where alice calls Bob an ORG.
    def pair(regions: bool) -> tuple[int, Any, tuple[int, int, int]]:
        a = _write(tmp_path / "a.jsonl", "alice", {"Ali": "PER", "Bob": "ORG", "Paris": "LOC"}, regions)
        b = _write(tmp_path / "b.jsonl", "bob", {"Ali": "PER", "Bob": "PER", "Paris": "LOC"}, regions)
        # alice's ORG for Bob differs only where it is the last occurrence: make the first agree.
        for path in (a, b):
            record = json.loads(path.read_text(encoding="utf-8"))
            first_bob = TEXT.index("Bob")
            for span in record["spans"]:
                if span["start"] == first_bob:
                    span["label"] = "PER"
            path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        report = review_files([a, b])
        strict = report.pairs[0].strict.overall
        return report.tokens, report.pairs[0].kappa, (strict.tp, strict.n_a, strict.n_b)

    tokens_all, _kappa_all, counts_all = pair(regions=False)
    tokens_kept, kappa_kept, counts_kept = pair(regions=True)
    caption_tokens = 10  # Photo : Ali and Bob in Paris ( AFP )
    assert tokens_kept == tokens_all - caption_tokens
    assert counts_all == (5, 6, 6)  # the caption's Bob differs
    assert counts_kept == (3, 3, 3)  # the reprint's three spans are not counted
    assert kappa_kept.n == tokens_kept and kappa_kept.observed == 1.0
    # From the database the same: the regions came in with the records.
    db = tmp_path / "review.sqlite"
    for name in ("a", "b"):
        args = ["import-annotations", str(tmp_path / f"{name}.jsonl"), "--db", str(db), "--allow-new-labels"]
        assert main(args) == 0
    capsys.readouterr()
    assert main(["review", "--db", str(db), "--annotators", "alice,bob", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    strict = data["pairs"][0]["strict"]["overall"]
    assert data["tokens"] == tokens_kept and (strict["tp"], strict["n_a"], strict["n_b"]) == counts_kept


def test_regions_round_trip_through_export_and_both_imports(tmp_path: Path, seeds_dir: Path, capsys) -> None:
    db = tmp_path / "a.db"
    assert main(["import", str(seeds_dir), "--db", str(db), "--no-preannotate"]) == 0
    store = Store(db)
    try:
        doc_id = next(d for d, regions in store.regions.of_documents().items() if len(regions) == 4)
        unmarked = store.regions.of_document(doc_id)[1]
        store.regions.set_marked(unmarked.id, False)  # type: ignore[arg-type]
        before = {
            store.documents.get(d).sha256: [(r.start, r.end, r.kind, r.marked) for r in regions]
            for d, regions in store.regions.of_documents().items()
        }
    finally:
        store.close()
    out = tmp_path / "out.jsonl"
    assert main(["export", str(out), "--db", str(db)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with_regions = [r for r in records if "regions" in r]
    assert len(with_regions) == 2
    assert {"start", "end", "kind", "marked"} == set(with_regions[0]["regions"][0])
    (four,) = [r for r in with_regions if len(r["regions"]) == 4]
    assert [region["marked"] for region in four["regions"]] == [True, False, True, True]
    capsys.readouterr()
    for command, target in (("import-annotations", "b.db"), ("import", "c.db")):
        args = [command, str(out), "--db", str(tmp_path / target)]
        assert main(args + (["--no-preannotate"] if command == "import" else [])) == 0
        store = Store(tmp_path / target)
        try:
            after = {
                store.documents.get(d).sha256: [(r.start, r.end, r.kind, r.marked) for r in regions]
                for d, regions in store.regions.of_documents().items()
            }
        finally:
            store.close()
        assert after == before, command
    # A bad region is refused with the file, the line and the reason; nothing is imported.
    bad = tmp_path / "bad.jsonl"
    record = with_regions[0] | {"regions": [{"start": 5, "end": 10**6, "kind": "repeated"}]}
    bad.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["import-annotations", str(bad), "--db", str(tmp_path / "d.db")]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl" in err and ":1" in err and "regions[0]" in err and "outside the text" in err
    kind = with_regions[0] | {"regions": [{"start": 0, "end": 3, "kind": "ads"}]}
    bad.write_text(json.dumps(kind) + "\n", encoding="utf-8")
    assert main(["import", str(bad), "--db", str(tmp_path / "e.db"), "--no-preannotate"]) == 2
    assert "'kind' must be one of repeated, boilerplate" in capsys.readouterr().err
