"""The exports read by the other tools' own readers (issue 13), installed as test dependencies:
spaCy's ``DocBin`` and ``spacy debug data``, Label Studio's converter (``label-studio-converter``)
and a brat standoff parser (``bratly``), each on the export of the annotated seeds with two
people's sets, model suggestions, events, fragments split at line breaks and span attributes."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from annotator.services.exporting import export
from annotator.store import Store
from tests.services.test_foreign_round_trips import add_bob


def _export(db: Path, out: Path, fmt: str) -> None:
    store = Store(db)
    try:
        export(store, out, fmt)
    finally:
        store.close()


def _with_attributes(db: Path) -> None:
    """A note with a line break and an attribute on two of alice's spans, an event's trigger among
    them (what a brat import keeps), and a span argument of that event (the seeds' events point at
    actors, which brat cannot)."""
    from annotator.core.events import Argument, Ref

    store = Store(db)
    try:
        alice = store.annotators.id_of("alice")
        assert alice is not None
        doc = store.documents.ids()[0]
        [event, *_] = store.events.in_document(doc, alice)
        other = next(s for s in store.spans.in_document(doc, annotator_id=alice) if s.layer == "entity")
        store.span_attributes.set(event.trigger.id, {"Negated": ""})  # type: ignore[arg-type]
        store.span_attributes.set(other.id, {"Confidence": "High", "note": "checked\nagainst AP"})  # type: ignore[arg-type]
        place = Argument("location", Ref(span_id=other.id))
        store.events.update(event.with_(arguments=(*event.arguments, place)))
    finally:
        store.close()


def test_spacy_docbin_and_debug_data_read_the_export(annotated_db: Path, tmp_path: Path) -> None:
    from spacy.tokens import DocBin

    from annotator.formats.tokens import blank_nlp

    add_bob(annotated_db)
    out = tmp_path / "corpus.spacy"
    _export(annotated_db, out, "spacy")
    docs = list(DocBin().from_disk(out).get_docs(blank_nlp("en").vocab))
    assert len(docs) >= 5 and sum(len(d.ents) for d in docs) > 20
    for doc in docs:  # every entity aligned to tokens, no white space at its edges
        for ent in doc.ents:
            assert ent.text == ent.text.strip() and ent.text

    env = {**os.environ, "NO_COLOR": "1", "ANSI_COLORS_DISABLED": "1"}
    cfg = tmp_path / "config.cfg"
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "config", str(cfg), "--lang", "en", "--pipeline", "ner"],
        check=True, capture_output=True, env=env, timeout=300,
    )
    run = subprocess.run(
        [sys.executable, "-m", "spacy", "debug", "data", str(cfg), "--paths.train", str(out),
         "--paths.dev", str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    report = run.stdout + run.stderr
    assert f"{len(docs)} training docs" in report
    assert "No entities consisting of or starting/ending with whitespace" in report
    assert "No entities crossing sentence boundaries" in report or "crossing sentence" not in report
    # The only errors spaCy may raise on seven short articles: too few examples.
    errors = [line for line in report.splitlines()
              if line.startswith("✘") and not re.fullmatch(r"✘ [0-9]+ errors?", line)]
    assert all("Low number of examples" in line for line in errors), errors


def test_label_studio_converter_reads_the_export(annotated_db: Path, tmp_path: Path) -> None:
    from label_studio_converter import Converter

    add_bob(annotated_db)
    out = tmp_path / "tasks.json"
    _export(annotated_db, out, "labelstudio")
    tasks = json.loads(out.read_text("utf-8"))
    labels = sorted(
        {label for t in tasks for a in t["annotations"] + t["predictions"] for r in a["result"]
         if r["type"] == "labels" for label in r["value"]["labels"]}
    )
    config = (
        '<View><Labels name="label" toName="text">'
        + "".join(f'<Label value="{label}"/>' for label in labels)
        + '</Labels><Text name="text" value="$text"/></View>'
    )
    converter = Converter(config=config, project_dir=str(tmp_path), download_resources=False)
    converter.convert_to_csv(str(out), str(tmp_path / "csv"), is_dir=False, sep=",")
    [table] = list((tmp_path / "csv").glob("*.csv"))
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    people = sum(len(t["annotations"]) for t in tasks)
    assert len(rows) == people  # one row per person's annotation; predictions apart
    assert {row["annotator"] for row in rows} == {"alice", "bob"}
    spans = sum(len(json.loads(row["label"])) for row in rows if row["label"])
    # Every span; the events' relation results are not spans (and this converter leaves
    # relations out: tests/services/test_foreign_relations.py checks them with Label Studio's SDK).
    assert spans == sum(r["type"] == "labels" for t in tasks for a in t["annotations"]
                        for r in a["result"])
    converter.convert_to_json_min(str(out), str(tmp_path / "min"), is_dir=False)
    [minimal] = list((tmp_path / "min").glob("*.json"))
    assert len(json.loads(minimal.read_text("utf-8"))) == people


def test_a_brat_parser_reads_the_export(annotated_db: Path, tmp_path: Path) -> None:
    from bratly import EntityAnnotation, EventAnnotation
    from bratly.io.file_read_src import parse_and_fix_ann_grammar, parse_ann_file

    add_bob(annotated_db)
    _with_attributes(annotated_db)
    out = tmp_path / "brat"
    _export(annotated_db, out, "brat")
    anns = sorted(out.rglob("*.ann"))
    assert len(anns) >= 10
    kinds: dict[str, int] = {}
    bare = 0
    for ann in anns:
        lines = ann.read_text("utf-8").splitlines()
        # An event without arguments is brat's (its BioNLP-ST 2011 ID examples hold some, and
        # its reader takes ``E1<TAB>TYPE:T7``); bratly's grammar wants one argument at least:
        # those lines are checked against brat's rule here and the rest given to bratly.
        events_alone = [line for line in lines if re.fullmatch(r"E[0-9]+\t[A-Za-z0-9_-]+:T[0-9]+", line)]
        bare += len(events_alone)
        content = "".join(line + "\n" for line in lines if line not in events_alone)
        text = ann.with_suffix(".txt").read_text("utf-8")
        parse_and_fix_ann_grammar(content)  # raises on a line of no brat shape
        parsed = parse_ann_file(content, str(ann), no_duplicates=False, sorting=False, renumerotize=False)
        # bratly skips a line it cannot parse: every line must have been read.
        assert len(parsed.annotations) == len(content.splitlines()), ann
        assert len(parsed.annotations) + len(events_alone) == len(lines)
        for item in parsed.annotations:
            kinds[type(item).__name__] = kinds.get(type(item).__name__, 0) + 1
            if isinstance(item, EntityAnnotation):
                for fragment in item.fragments:
                    assert "\n" not in text[fragment.start : fragment.end]
                assert " ".join(text[f.start : f.end] for f in item.fragments) == item.content
            if isinstance(item, EventAnnotation):
                assert item.event_trigger.label == item.label
    assert kinds.keys() >= {"EntityAnnotation", "EventAnnotation", "AttributeAnnotation",
                            "NoteAnnotation"}
