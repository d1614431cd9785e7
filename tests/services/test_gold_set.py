"""The gold set is a complete annotation set: spans, actor links, events and framing.

On the annotated seeds (``tests/annotated_seeds.py``): alice's set is exported and imported again
as bob's, so the two agree on everything; ``annotator review --db --annotators alice,bob --gold``
must then copy all of it into the gold set (events and framing included, not only spans), a second
run must change nothing, and the gold export must hold the same content as alice's and re-import
to the same content. Then bob's file is changed in one span, one event and the framing, and what
is left to settle is counted per layer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main


def export(db: Path, annotator: str, out: Path) -> list[dict[str, Any]]:
    assert main(["export", str(out), "--db", str(db), "--annotator", annotator, "--force"]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def content(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What an annotation set says, independent of ids, origins and whose set it is: each
    document's spans (with the actor each names), events (trigger and arguments by offsets and
    actor uid) and framing (actors by uid)."""
    out = []
    for record in records:
        by_id = {s["id"]: (s["start"], s["end"], s["layer"]) for s in record["spans"]}
        spans = sorted(
            (s["start"], s["end"], s["label"], s["layer"], s.get("actor") or "")
            for s in record["spans"]
        )

        def ref(item: dict[str, Any] | None, by_id: dict[int, Any] = by_id) -> Any:
            if item is None:
                return None
            return ("actor", item["actor"]) if item.get("actor") else ("span", by_id[item["span"]])

        events = sorted(
            (
                by_id[e["trigger"]], e["category"], e["mode"], e["context"], e["cameo"], e["date"],
                e["factuality"], tuple(sorted((a["role"], ref(a)) for a in e["arguments"])),
                ref(e.get("source")),
            )
            for e in record.get("events", [])
        )
        frames = record.get("frames")
        framing = None
        if frames:
            framing = (
                tuple(frames["present"]), frames["primary"], frames["headline"], frames["tone"],
                frames["tone_target"], tuple(sorted((r["actor"], r["role"]) for r in frames["roles"])),
            )
        out.append((record["text_sha256"], tuple(spans), tuple(events), framing))
    return sorted(out)


def test_gold_set_holds_every_agreed_layer_and_round_trips(
    annotated_db: Path, tmp_path: Path, capsys
) -> None:
    alice = export(annotated_db, "alice", tmp_path / "alice.jsonl")
    assert sum(len(r["events"]) for r in alice) == 10 and all(r["frames"] for r in alice)
    args = ["import-annotations", str(tmp_path / "alice.jsonl"), "--as", "bob", "--db", str(annotated_db)]
    assert main(args) == 0
    capsys.readouterr()

    settle = ["review", "--db", str(annotated_db), "--annotators", "alice,bob", "--gold", "gold"]
    assert main(settle) == 0
    out = capsys.readouterr().out
    # 183 entity spans: "tag every mention" leaves the reprinted captions and title of 003 alone
    # (marked regions, core/regions.py), where it tagged 12 more before.
    assert "183 agreed spans, 10 agreed events, agreed framing in 5 documents" in out
    assert "Left to settle: 0 entity spans, 0 actor links, 0 evidence passages, 0 events, 0 framing" in out
    gold = export(annotated_db, "gold", tmp_path / "gold.jsonl")
    assert content(gold) == content(alice)
    first = (tmp_path / "gold.jsonl").read_bytes()

    # Again: nothing is copied twice, the gold set is unchanged.
    capsys.readouterr()
    assert main([*settle, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["copied"] == {"spans": 0, "events": 0, "framing": 0}
    assert set(again["remaining"].values()) == {0}
    export(annotated_db, "gold", tmp_path / "gold.jsonl")
    assert (tmp_path / "gold.jsonl").read_bytes() == first

    # The gold export re-imports to the same content.
    fresh = tmp_path / "fresh.sqlite"
    assert main(["import-annotations", str(tmp_path / "gold.jsonl"), "--db", str(fresh)]) == 0
    assert content(export(fresh, "gold", tmp_path / "gold2.jsonl")) == content(alice)


def test_what_is_left_to_settle_is_counted_per_layer(
    annotated_db: Path, tmp_path: Path, capsys
) -> None:
    alice = export(annotated_db, "alice", tmp_path / "alice.jsonl")
    bob = json.loads(json.dumps(alice))
    first = bob[0]
    # One entity span dropped (the arguments name actors, not spans), one event's category and
    # CAMEO changed, the primary frame and the tone changed.
    dropped = next(s for s in first["spans"] if s["layer"] == "entity")
    first["spans"].remove(dropped)
    first["events"][1]["category"] = "AID"
    first["events"][1]["cameo"] = "070"
    first["events"][1]["mode"] = ""
    for span in first["spans"]:
        if span["id"] == first["events"][1]["trigger"]:
            span["label"] = "AID"
    first["frames"]["primary"] = "External_regulation_and_reputation"
    first["frames"]["tone"] = "neutral"
    first["frames"]["tone_target"] = None
    path = tmp_path / "bob.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in bob) + "\n", encoding="utf-8")
    assert main(["import-annotations", str(path), "--as", "bob", "--db", str(annotated_db)]) == 0
    capsys.readouterr()
    settle = ["review", "--db", str(annotated_db), "--annotators", "alice,bob", "--gold", "gold", "--json"]
    assert main(settle) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["remaining"] == {
        "entities": 1, "actor_links": 0, "evidence": 0, "events": 1,
        # primary, tone and tone target differ; the dimensions present do not.
        "framing": 3,
    }
    assert result["copied"]["events"] == 9
    gold = export(annotated_db, "gold", tmp_path / "gold.jsonl")
    doc = next(r for r in gold if r["text_sha256"] == first["text_sha256"])
    # The agreed fields of the framing are in gold; those that differ are left to the reviewer.
    assert doc["frames"]["present"] == alice[0]["frames"]["present"]
    assert doc["frames"]["primary"] == "" and doc["frames"]["tone"] == ""
    assert sorted(r["actor"] for r in doc["frames"]["roles"]) == ["seed:iran", "seed:united-states"]
    assert [e["category"] for e in doc["events"]] == ["CONSULT"]
    # Again: the same remains, nothing more is copied.
    capsys.readouterr()
    assert main(settle) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["remaining"] == result["remaining"]
    assert again["copied"] == {"spans": 0, "events": 0, "framing": 0}


def test_review_of_the_two_files_reports_each_layer(annotated_db: Path, tmp_path: Path, capsys) -> None:
    """The same two sets as files: ``review A B --json`` reports each layer on its own terms.

    Events: 10 and 10, all paired; the category the same in 9 (bob coded the second event of
    the first article as AID). Framing: the primary frame and the tone the same in 4 of 5
    articles. Entities: one span fewer in bob's set, and no event category among their labels.
    """
    alice = export(annotated_db, "alice", tmp_path / "alice.jsonl")
    bob = json.loads(json.dumps(alice))
    bob[0]["spans"].remove(next(s for s in bob[0]["spans"] if s["layer"] == "entity"))
    bob[0]["events"][1]["category"] = "AID"
    bob[0]["frames"]["primary"] = "External_regulation_and_reputation"
    bob[0]["frames"]["tone"] = "neutral"
    for record in bob:
        record["annotator"] = "bob"
    path = tmp_path / "bob.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in bob) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["review", str(tmp_path / "alice.jsonl"), str(path), "--json"]) == 0
    pair = json.loads(capsys.readouterr().out)["pairs"][0]
    layers = pair["layers"]
    assert set(layers) == {"entities", "actor_links", "events", "framing", "evidence"}
    assert (layers["events"]["matched"], layers["events"]["category"]["same"]) == (10, 9)
    assert layers["framing"]["documents"] == 5
    assert (layers["framing"]["primary"]["same"], layers["framing"]["tone"]["same"]) == (4, 4)
    entities = layers["entities"]
    # alice's 183 entity spans and bob's 182 (his copy of alice's set, less one).
    assert (entities["strict"]["n_a"], entities["strict"]["n_b"]) == (183, 182)
    assert not {"CONSULT", "AID", "COOPERATE"} & set(entities["labels"])
    assert not {"CONSULT", "AID"} & set(pair["confusion"]["labels"])


def test_accepting_the_agreed_work_is_all_or_nothing(annotated_db: Path, tmp_path: Path, capsys) -> None:
    """Review mode's first step (and its undo) is one transaction: when the database refuses a
    write midway (here the framing, written after every span and event), the gold set keeps
    nothing of it; once the write goes through, undo takes all of it back."""
    import sqlite3

    from annotator.core.errors import AnnotatorError
    from annotator.services.review import Adjudication
    from annotator.store import Store

    export(annotated_db, "alice", tmp_path / "alice.jsonl")
    args = ["import-annotations", str(tmp_path / "alice.jsonl"), "--as", "bob", "--db", str(annotated_db)]
    assert main(args) == 0

    def gold_rows() -> tuple[int, int, int]:
        con = sqlite3.connect(annotated_db)
        try:
            return tuple(  # type: ignore[return-value]
                con.execute(
                    f"SELECT count(*) FROM {table} JOIN annotator ON annotator.id = annotator_id"
                    " WHERE annotator.name = 'gold'"
                ).fetchone()[0]
                for table in ("span", "event", "frame_assessment")
            )
        finally:
            con.close()

    con = sqlite3.connect(annotated_db)
    con.execute(
        "CREATE TRIGGER refuse_framing BEFORE INSERT ON frame_assessment"
        " BEGIN SELECT RAISE(ABORT, 'the disk refused the framing'); END"
    )
    con.commit()
    con.close()
    store = Store(annotated_db)
    try:
        adjudication = Adjudication(store, ["alice", "bob"], "gold")
        command = adjudication.start()
        with pytest.raises(AnnotatorError, match="refused the framing"):
            command.do()
        assert gold_rows() == (0, 0, 0)
        assert command.count == 0 and command.layers.events_added == 0

        con = sqlite3.connect(annotated_db)
        con.execute("DROP TRIGGER refuse_framing")
        con.commit()
        con.close()
        command.do()  # the same command, tried again
        spans, events, frames = gold_rows()
        assert (command.count, events, frames) == (183, 10, 5)
        assert spans == 183 + 10  # the agreed entity spans and the events' triggers
        command.undo()
        assert gold_rows() == (0, 0, 0)
        command.do()  # redo
        assert gold_rows() == (spans, events, frames)
    finally:
        store.close()
