"""A generated corpus whose entities, frames and event triggers follow learnable rules, written as
native JSONL records (the format ``annotator import-annotations`` reads), for training tests.

Each document is two to four short sentences drawn from templates. The rules a model can learn:

- a sentence about sanctions or trade makes the document carry the ``Economic`` frame; one about
  an attack or troops ``Security_and_defense``; one about an election or parliament ``Political``;
  the primary frame is the frame of the first framed sentence;
- "visited" and "met" are CONSULT triggers, "attacked" and "shelled" ASSAULT, "imposed" SANCTION,
  "protested" PROTEST;
- people and places are PERSON and GPE entities.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from pathlib import Path

from annotator.core.text import sha256_text

PEOPLE = ("Ismail Qaani", "Ebrahim Raisi", "Bashar al-Assad", "Anna Berg", "Omar Haddad", "Li Wei",
          "Maria Lopez", "John Carter", "Sara Nasser", "Peter Novak")
PLACES = ("Syria", "Iran", "Lebanon", "France", "Russia", "Egypt", "Turkey", "Iraq", "Jordan", "Qatar")

# (template, frame or "", [(trigger word, category)]); {p} a person, {g} and {h} places.
TEMPLATES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("{g} imposed new sanctions on {h} over its oil exports.", "Economic", (("imposed", "SANCTION"),)),
    ("Trade between {g} and {h} fell as prices and tariffs rose.", "Economic", ()),
    ("The sanctions cost {g} billions in lost revenue.", "Economic", ()),
    ("Militants attacked an army convoy near {g}.", "Security_and_defense", (("attacked", "ASSAULT"),)),
    ("Artillery shelled villages on the border of {g}.", "Security_and_defense", (("shelled", "ASSAULT"),)),
    ("Troops and tanks gathered along the frontier with {g}.", "Security_and_defense", ()),
    ("Voters in {g} chose a new parliament in the election.", "Political", ()),
    ("The ruling party of {g} lost its majority in parliament.", "Political", ()),
    ("Students protested in {g} against the government.", "Political", (("protested", "PROTEST"),)),
    ("{p} visited {g} on Monday.", "", (("visited", "CONSULT"),)),
    ("{p} met officials from {h} in {g}.", "", (("met", "CONSULT"),)),
    ("The weather in {g} was mild this week.", "", ()),
    ("{p} spoke to reporters about the football season.", "", ()),
)
FRAMED = [t for t in TEMPLATES if t[1]]


def make_record(rng: random.Random, index: int, annotator: str = "alice", framed: bool = True,
                with_events: bool = True) -> dict[str, object]:
    """One record: text, PERSON/GPE spans, event triggers, and (when ``framed``) its frames."""
    n = rng.randint(2, 4)
    chosen = [rng.choice(FRAMED)] + [rng.choice(TEMPLATES) for _ in range(n - 1)]
    rng.shuffle(chosen)
    text = ""
    spans: list[dict[str, object]] = []
    frames: list[str] = []
    events: list[dict[str, object]] = []

    def add_span(start: int, end: int, label: str, layer: str) -> int:
        spans.append({"start": start, "end": end, "label": label, "layer": layer, "origin": "manual"})
        return len(spans)

    for template, frame, triggers in chosen:
        start = len(text) + (1 if text else 0)
        fills = {"p": rng.choice(PEOPLE), "g": rng.choice(PLACES), "h": rng.choice(PLACES)}
        sentence = ""
        pieces: list[tuple[int, int, str, str]] = []
        for part in re.split(r"(\{[pgh]\})", template):
            if part in ("{p}", "{g}", "{h}"):
                name = fills[part[1]]
                at = start + len(sentence)
                pieces.append((at, at + len(name), "PERSON" if part == "{p}" else "GPE", "entity"))
                sentence += name
            else:
                sentence += part
        text = f"{text} {sentence}" if text else sentence
        if with_events:
            for word, category in triggers:
                at = re.search(rf"\b{word}\b", sentence).start()  # type: ignore[union-attr]
                pieces.append((start + at, start + at + len(word), category, "event"))
        if frame and frame not in frames:
            frames.append(frame)
        for piece in pieces:
            if not any(piece[0] < s["end"] and s["start"] < piece[1] for s in spans):  # type: ignore[operator]
                span_id = add_span(*piece)
                if piece[3] == "event":
                    events.append({"id": len(events) + 1, "trigger": span_id, "category": piece[2],
                                   "arguments": [], "factuality": "asserted"})
    spans_sorted = sorted(enumerate(spans, start=1), key=lambda p: (p[1]["start"], p[1]["end"]))
    renumber = {old: new for new, (old, _) in enumerate(spans_sorted, start=1)}
    out_spans = []
    for new, (_, span) in enumerate(spans_sorted, start=1):
        out_spans.append({"id": new, **span, "text": text[span["start"]:span["end"]]})  # type: ignore[misc]
    for event in events:
        event["trigger"] = renumber[event["trigger"]]  # type: ignore[index]
    events.sort(key=lambda e: out_spans[e["trigger"] - 1]["start"])  # type: ignore[index,operator]
    for i, event in enumerate(events, start=1):
        event["id"] = i
    return {
        "text": text,
        "text_sha256": sha256_text(text),
        "meta": {"title": f"doc {index}", "source": "generated", "date": "", "lang": "en", "url": "",
                 "filename": f"gen{index:04d}.txt"},
        "annotator": annotator,
        "status": "done",
        "spans": out_spans,
        "actors": [],
        "events": events,
        "frames": {"present": frames, "primary": frames[0], "headline": "", "tone": "",
                   "tone_target": None, "roles": [], "evidence": []} if framed else None,
        "format_version": 2,
    }


def write_corpus(path: Path, n_docs: int, seed: int = 0, framed: int | None = None,
                 with_events: bool = True, annotator: str = "alice") -> Path:
    """``n_docs`` distinct records in ``path``; only the first ``framed`` carry frames (all when
    None)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    lines: list[str] = []
    index = 0
    while len(lines) < n_docs:
        record = make_record(rng, index, annotator, framed is None or len(lines) < framed, with_events)
        if record["text_sha256"] in seen:
            continue
        seen.add(str(record["text_sha256"]))
        lines.append(json.dumps(record, ensure_ascii=False))
        index += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_corpus(db: Path, corpus: Path, extra: Sequence[str] = ()) -> None:
    """Import the records through the command line, as an analyst would."""
    from annotator.cli import main

    code = main(["import-annotations", str(corpus), "--db", str(db), *extra])
    assert code == 0, f"import-annotations failed with {code}"
