"""An annotation file whose events or framing do not fit the analysis schema is refused, with
file, line and reason, and nothing is imported; with ``--allow-new-labels`` it is imported and
each such record is listed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from annotator.cli import main

TEXT = "Qaani visited Damascus on Monday."


def line(events: list[dict], frames: dict | None, n: int = 1) -> str:
    spans = [
        {"id": 1, "start": 0, "end": 5, "label": "PERSON", "layer": "entity"},
        {"id": 2, "start": 6, "end": 13, "label": events[0]["category"] if events else "CONSULT",
         "layer": "event"},
    ]
    return json.dumps({
        "format_version": 2, "text": f"{TEXT} ({n})", "annotator": "bob", "status": "done", "spans": spans,
        "actors": [], "events": events, "frames": frames,
    })


GOOD_FRAMES = {"present": ["Security_and_defense"], "primary": "Security_and_defense",
               "headline": "", "tone": "neutral", "tone_target": None, "roles": [], "evidence": []}


def event(category: str, mode: str = "") -> dict:
    return {"id": 1, "trigger": 2, "category": category, "mode": mode, "context": "", "cameo": "",
            "arguments": [], "date": "", "factuality": "asserted", "source": None}


def documents(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM document").fetchone()[0]


def test_events_and_framing_outside_the_schema_are_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bob.jsonl"
    path.write_text(
        "\n".join([
            line([event("GOSSIP")], GOOD_FRAMES),
            line([], {**GOOD_FRAMES, "primary": "Astrology", "present": ["Astrology"]}, 2),
            line([], {**GOOD_FRAMES, "tone": "furious"}, 3),
        ]) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "db.sqlite"
    assert main(["import-annotations", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1" in err and "event 1 (GOSSIP at 6-13)" in err and "unknown category" in err
    assert f"{path}:2" in err and "unknown frame dimension 'Astrology'" in err
    assert f"{path}:3" in err and "unknown tone 'furious'" in err
    assert documents(db) == 0

    assert main(["import-annotations", str(path), "--db", str(db), "--allow-new-labels"]) == 0
    out = capsys.readouterr().out
    assert f"{path}:1: events or framing that do not fit the schema, imported" in out
    assert documents(db) == 3
