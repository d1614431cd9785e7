"""Colleagues' real files (issue 13): files in the shapes Prodigy, doccano, Label Studio and brat
document, imported through the CLI into a real database — blank and repeated Prodigy tasks,
annotator names taken from the file, doccano 1.x numeric labels, single Label Studio tasks, label
mapping and brat's ``annotation.conf``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.labels import default_labels
from annotator.services.importing import import_paths
from annotator.store import Store


@pytest.fixture
def db(tmp_path: Path, seeds_dir: Path) -> Path:
    path = tmp_path / "seeds.sqlite"
    store = Store(path)
    import_paths(store, [seeds_dir], default_labels(), None)
    store.close()
    return path


def first_text(db: Path) -> str:
    store = Store(db)
    try:
        return store.documents.get(1).text
    finally:
        store.close()


def at(text: str, word: str, label: str) -> dict[str, object]:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "label": label, "text": word}


def write_jsonl(path: Path, objs: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), "utf-8")
    return path


def spans_by(db: Path) -> dict[str, set[tuple[int, str, str]]]:
    """Every annotator's spans as (document id, covered text, label)."""
    store = Store(db)
    try:
        out: dict[str, set[tuple[int, str, str]]] = {}
        for ann in store.annotators.all():
            for doc_id in store.documents.ids():
                text = store.documents.get(doc_id).text
                for s in store.spans.in_document(doc_id, annotator_id=ann.id):
                    out.setdefault(ann.name, set()).add((doc_id, text[s.start : s.end], s.label))
        return out
    finally:
        store.close()


def prodigy_task(text: str, spans: list[dict[str, object]], **extra: object) -> dict[str, object]:
    return {"text": text, "spans": spans, "_input_hash": 1, "_task_hash": 2,
            "_view_id": "ner_manual", "answer": "accept", **extra}


def test_prodigy_blank_task_skipped_and_identical_duplicates_merged(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    task = prodigy_task(text, [at(text, "Syria", "GPE")], _annotator_id="news-alice")
    path = write_jsonl(
        tmp_path / "ner.jsonl",
        [task, prodigy_task(" ", [], _annotator_id="news-alice"), dict(task)],
    )
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "1 task(s) whose text is only white space were skipped (line 2)" in out
    merged = f"1 record(s) repeat an earlier record exactly and were merged with it ({path}:3 = "
    assert merged + f"{path}:1)" in out
    assert spans_by(db)["news-alice"] == {(1, "Syria", "GPE")}


def test_prodigy_conflicting_duplicates_refused_naming_both_lines(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    path = write_jsonl(
        tmp_path / "ner.jsonl",
        [
            prodigy_task(text, [at(text, "Syria", "GPE")], _annotator_id="news-alice"),
            prodigy_task(" ", []),
            prodigy_task(text, [at(text, "Syria", "LOC")], _annotator_id="news-alice"),
        ],
    )
    assert main(["import-annotations", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3: the same document as {path}:1, both for annotator 'news-alice'" in err
    assert "news-alice" not in spans_by(db)


def test_annotator_names_come_from_the_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    syria = at(text, "Syria", "GPE")
    iran = at(text, "Iran", "GPE")
    # Prodigy: _session_id when there is no _annotator_id.
    prodigy = write_jsonl(tmp_path / "p.jsonl", [prodigy_task(text, [syria], _session_id="ner-bob")])
    # doccano: the line's user.
    doccano = write_jsonl(
        tmp_path / "d.jsonl",
        [{"text": text, "label": [[iran["start"], iran["end"], "GPE"]], "user": "carol"}],
    )
    # Label Studio: completed_by (an object with the email, as the full export writes it).
    ls = tmp_path / "ls.json"
    ls.write_text(json.dumps([{
        "id": 7, "data": {"text": text},
        "annotations": [{"id": 1, "completed_by": {"id": 3, "email": "dan@example.org"},
                         "result": [{"id": "a", "from_name": "label", "to_name": "text",
                                     "type": "labels", "value": {"start": syria["start"],
                                     "end": syria["end"], "text": "Syria", "labels": ["GPE"]}}]}],
    }]), "utf-8")
    # brat: the folder's name.
    folder = tmp_path / "erin"
    folder.mkdir()
    (folder / "a.txt").write_text(text, "utf-8")
    (folder / "a.ann").write_text(f"T1\tGPE {syria['start']} {syria['end']}\tSyria\n", "utf-8")
    # Nothing in the file: the file's name.
    anon = write_jsonl(tmp_path / "frank_batch2.jsonl", [prodigy_task(text, [iran])])
    for path in (prodigy, doccano, ls, folder, anon):
        assert main(["import-annotations", str(path), "--db", str(db)]) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "1 record(s) name no annotator; imported as 'frank_batch2', the file's name" in out
    got = spans_by(db)
    assert got["ner-bob"] == {(1, "Syria", "GPE")}
    assert got["carol"] == {(1, "Iran", "GPE")}
    assert got["dan@example.org"] == {(1, "Syria", "GPE")}
    assert got["erin"] == {(1, "Syria", "GPE")}
    assert got["frank_batch2"] == {(1, "Iran", "GPE")}
    # --as still wins over what the file says.
    assert main(["import-annotations", str(prodigy), "--db", str(db), "--as", "grace"]) == 0
    assert spans_by(db)["grace"] == {(1, "Syria", "GPE")}


def doccano_v1(text: str, *annotations: tuple[str, object, int]) -> dict[str, object]:
    """A doccano 1.x line: annotations with label ids and the user who made each."""
    anns = []
    for word, label, user in annotations:
        start = text.index(word)
        anns.append({"label": label, "start_offset": start, "end_offset": start + len(word),
                     "user": user, "prob": 0.0})
    return {"id": 11, "text": text, "meta": {}, "annotation_approver": None, "annotations": anns}


def test_doccano_1x_label_ids_named_by_the_label_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    path = write_jsonl(
        tmp_path / "project.jsonl",
        [doccano_v1(text, ("Syria", 2, 1), ("Iran", 2, 1), ("Syria", 2, 4))],
    )
    labels = tmp_path / "label_config.json"
    labels.write_text(json.dumps([
        {"id": 1, "text": "PERSON", "prefix_key": None, "suffix_key": "p",
         "background_color": "#209cee", "text_color": "#ffffff"},
        {"id": 2, "text": "GPE", "prefix_key": None, "suffix_key": "g",
         "background_color": "#ff3860", "text_color": "#ffffff"},
    ]), "utf-8")
    assert main(["import-annotations", str(path), "--db", str(db), "--label-file", str(labels)]) == 0
    out = capsys.readouterr().out
    assert "project.jsonl: read as doccano" in out
    got = spans_by(db)
    assert got["user 1"] == {(1, "Syria", "GPE"), (1, "Iran", "GPE")}
    assert got["user 4"] == {(1, "Syria", "GPE")}


def test_doccano_1x_label_ids_without_label_file_kept_with_a_warning(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    path = write_jsonl(tmp_path / "project.jsonl", [doccano_v1(text, ("Syria", 2, 1))])
    args = ["import-annotations", str(path), "--db", str(db), "--allow-new-labels"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "doccano 1.x label ids 2 (1 span(s)) were kept as 'label:ID'" in out
    assert spans_by(db)["user 1"] == {(1, "Syria", "label:2")}


def test_span_like_annotations_never_pass_as_no_spans(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    start = text.index("Syria")
    path = tmp_path / "odd.json"  # read as Label Studio by its suffix
    path.write_text(json.dumps([{"data": {"text": text}, "annotations": [
        {"label": 2, "start_offset": start, "end_offset": start + 5}]}]), "utf-8")
    assert main(["import-annotations", str(path), "--db", str(db), "--as", "x"]) == 2
    err = capsys.readouterr().err
    assert "task 1 annotation 0: a span with end_offset, label, start_offset but no Label Studio" in err
    assert spans_by(db) .get("x") is None


def test_label_studio_single_task_object(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    start = text.index("Syria")
    path = tmp_path / "task_7.json"
    path.write_text(json.dumps({
        "id": 7, "data": {"text": text},
        "completions": [{"id": 1, "result": [{"id": "a", "from_name": "label", "to_name": "text",
                         "type": "labels", "value": {"start": start, "end": start + 5,
                                                     "labels": ["GPE"]}}]}],
    }), "utf-8")
    assert main(["import-annotations", str(path), "--db", str(db), "--as", "ana"]) == 0
    assert spans_by(db)["ana"] == {(1, "Syria", "GPE")}


def test_map_renames_labels_and_brat_conf_is_the_label_set(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    syria, iran = at(text, "Syria", "Country"), at(text, "Iran", "Country")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "annotation.conf").write_text(
        "# brat's own comment\n[entities]\nCountry\nPER\n!Abstract\n\tORG\n\n[relations]\n"
        "Located\tArg1:PER, Arg2:Country\n[events]\n[attributes]\n", "utf-8")
    (folder / "a.txt").write_text(text, "utf-8")
    (folder / "a.ann").write_text(
        f"T1\tCountry {syria['start']} {syria['end']}\tSyria\n"
        f"T2\tCountry {iran['start']} {iran['end']}\tIran\n", "utf-8")
    args = ["import-annotations", str(folder), "--db", str(db)]
    assert main(args) == 2  # Country is not one of the project's labels
    assert "unknown label 'Country'" in capsys.readouterr().err
    assert main([*args, "--map", "Country=GPE", "--map", "PER=PERSON"]) == 0
    out = capsys.readouterr().out
    assert "label set from annotation.conf: Country, PER, Abstract, ORG" in out
    assert "2 span(s) labelled 'Country' renamed 'GPE' (--map)" in out
    assert "no span is labelled 'PER'" in out
    assert spans_by(db)["corpus"] == {(1, "Syria", "GPE"), (1, "Iran", "GPE")}
    assert main([*args, "--map", "Country"]) == 2
    assert "--map 'Country': expected OLD=NEW" in capsys.readouterr().err


def test_brat_spans_undeclared_in_conf_are_warned(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    syria = at(text, "Syria", "GPE")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "annotation.conf").write_text("[entities]\nPERSON\n", "utf-8")
    (folder / "a.txt").write_text(text, "utf-8")
    (folder / "a.ann").write_text(f"T1\tGPE {syria['start']} {syria['end']}\tSyria\n", "utf-8")
    assert main(["import-annotations", str(folder), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "labels not declared in annotation.conf: 'GPE' (1 span(s))" in out


def test_brat_export_splits_at_line_breaks_escapes_labels_and_keeps_annotators_apart(
    tmp_path: Path,
) -> None:
    from annotator.core.model import AnnotationRecord, DocumentMeta, Span, Status
    from annotator.formats.brat import write_brat
    from annotator.formats.registry import read_annotations

    text = "War\n\nSmoke over Aleppo.\nArmed men left."
    meta = DocumentMeta(title="War", filename="war.txt", lang="en")
    names = ["news/alice", "news_alice", "news:alice", "x" * 45 + "1", "x" * 45 + "2"]
    records = [
        AnnotationRecord(text, meta, name, Status.DONE, [
            Span(0, 10, "EVENT"), Span(text.index("Armed"), text.index("Armed") + 9, "Armed group"),
        ])
        for name in names
    ]
    out = tmp_path / "brat"
    assert write_brat(out, records) == 5
    anns = sorted(out.rglob("*.ann"))
    assert len(anns) == 5  # five annotators, five files: none overwritten
    first = anns[0].read_text("utf-8").splitlines()
    # brat's own shape: fragments split at the blank line, a type in brat's storage form
    # ([A-Za-z0-9_-]), the label itself named in visual.conf (which brat shows).
    assert first[0] == "T1\tEVENT 0 3;5 10\tWar Smoke"
    assert first[1].startswith("T2\tArmed_group ")
    conf = (out / "annotation.conf").read_text("utf-8").splitlines()
    assert "Armed_group" in conf
    assert "Armed_group | Armed group" in (out / "visual.conf").read_text("utf-8").splitlines()
    result = read_annotations(out)
    assert sorted(r.annotator or "" for r in result.records) == sorted(names)
    for record in result.records:
        assert [(s.start, s.end, s.label) for s in record.spans] == [
            (0, 10, "EVENT"), (text.index("Armed"), text.index("Armed") + 9, "Armed group")]
    assert any("5 span(s) written as fragments split at line breaks" in n for n in result.notices)


def test_label_studio_export_puts_model_suggestions_in_predictions(tmp_path: Path) -> None:
    from annotator.core.model import AnnotationRecord, DocumentMeta, Origin, Span, Status
    from annotator.formats.labelstudio import write_labelstudio
    from annotator.formats.registry import read_annotations

    text = "Qaani visited Damascus."
    meta = DocumentMeta(title="Visit", lang="en")
    records = [
        AnnotationRecord(text, meta, "alice", Status.DONE, [Span(0, 5, "PERSON")]),
        AnnotationRecord(text, meta, "en_core_web_sm", Status.TODO,
                         [Span(14, 22, "GPE", Origin.MODEL)]),
    ]
    out = tmp_path / "ls.json"
    write_labelstudio(out, records)
    [task] = json.loads(out.read_text("utf-8"))
    [annotation] = task["annotations"]
    assert annotation["completed_by"] == {"email": "alice"}
    assert [r["value"]["labels"] for r in annotation["result"]] == [["PERSON"]]
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "en_core_web_sm"
    assert [r["value"]["text"] for r in prediction["result"]] == ["Damascus"]
    back = {r.annotator: r for r in read_annotations(out).records}
    assert [(s.start, s.end, s.label, s.origin) for s in back["alice"].spans] == [
        (0, 5, "PERSON", Origin.MANUAL)]
    assert [(s.start, s.end, s.label, s.origin) for s in back["en_core_web_sm"].spans] == [
        (14, 22, "GPE", Origin.MODEL)]


def test_spacy_export_aligns_spans_and_reports_every_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spacy.tokens import DocBin

    from annotator.formats.tokens import blank_nlp

    text = "The fava bean  trade in Aleppo grew.\n\nSmoke rose."
    src = tmp_path / "ann.jsonl"
    spans = [
        {"start": 4, "end": 14, "label": "MISC", "text": "fava bean "},  # white space at the end
        {"start": 24, "end": 28, "label": "GPE", "text": "Alep"},  # edge inside a token
        {"start": 14, "end": 15, "label": "MISC", "text": " "},  # only white space
    ]
    write_jsonl(src, [{"text": text, "spans": spans, "annotator": "alice", "status": "done",
                       "meta": {"lang": "en"}}])
    db = tmp_path / "a.sqlite"
    assert main(["import-annotations", str(src), "--db", str(db), "--allow-new-labels"]) == 0
    capsys.readouterr()
    results = {}
    for mode in ("strict", "contract", "expand"):
        out = tmp_path / f"{mode}.spacy"
        assert main(["export", str(out), "--db", str(db), "--format", "spacy",
                     "--align", mode]) == 0
        printed = capsys.readouterr().out
        [doc] = DocBin().from_disk(out).get_docs(blank_nlp("en").vocab)
        results[mode] = ([(s.text, s.label_) for s in doc.spans.get("entity", [])], printed)
    assert results["strict"][0] == []
    assert "3 span(s) dropped (token-boundary)" in results["strict"][1]
    assert results["contract"][0] == [("fava bean", "MISC")]
    assert "written as 4-13 'fava bean' (contract alignment); moved to token edges" in (
        results["contract"][1])
    assert "'Alep' (entity): it holds no whole token (contract alignment); dropped" in (
        results["contract"][1])
    assert "it covers only white space; dropped" in results["contract"][1]
    assert results["expand"][0] == [("fava bean", "MISC"), ("Aleppo", "GPE")]
    assert "2 span(s) moved to token edges (aligned)" in results["expand"][1]
    out = tmp_path / "x.jsonl"
    assert main(["export", str(out), "--db", str(db), "--format", "prodigy", "--align", "expand"]) == 2
    assert "--align applies to the spacy format, not prodigy" in capsys.readouterr().err


def test_substituted_characters_and_trimmed_spans_are_counted(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    cut = text.index("Syria")
    # A colleague's copy from another encoding: one character replaced 1:1, offsets line up.
    swapped = text[: cut - 2] + "\x85" + text[cut - 1 :]
    assert len(swapped) == len(text)
    # Another copy with doubled spaces: the span's trailing space is trimmed when carried over.
    spaced = text.replace(" ", "  ", 1)
    start = spaced.index("Syria")
    path = write_jsonl(tmp_path / "copies.jsonl", [
        {"text": swapped, "spans": [at(swapped, "Syria", "GPE")], "annotator": "ann"},
        {"text": spaced, "spans": [{"start": start, "end": start + 6, "label": "GPE"}],
         "annotator": "ben"},
        {"text": text, "spans": [{"start": cut - 1, "end": cut, "label": "GPE"}],
         "annotator": "cat"},
    ])
    assert main(["import-annotations", str(path), "--db", str(db), "--format", "jsonl"]) == 0
    out = capsys.readouterr().out
    assert f"{path}:1: ann's record matches document 1 but for 1 character substitution(s)" in out
    assert "0 span(s) cover a substituted character" in out
    assert f"{path}:2: 1 span(s) changed when carried over to the stored text" in out
    assert "(1 changed)" in out
    assert f"1 span(s) cover only white space (first: {path}:3" in out
    got = spans_by(db)
    assert got["ann"] == {(1, "Syria", "GPE")}
    assert got["ben"] == {(1, "Syria", "GPE")}


def test_texts_differing_in_trailing_white_space_say_so(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Hezbollah fighters crossed into Syria on Monday."
    path = write_jsonl(tmp_path / "p.jsonl", [
        prodigy_task(text, [at(text, "Syria", "GPE")], _annotator_id="a"),
        prodigy_task(text + "  \n", [at(text, "Syria", "GPE")], _annotator_id="b"),
    ])
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"{path}:1: new document 6 for a's record" in out
    assert f"{path}:2: b's record matches new document 6 (of an earlier record" in out
    assert spans_by(db)["b"] == {(6, "Syria", "GPE")}


MAE = Path(__file__).resolve().parent.parent / "data" / "formats" / "mae"


def test_mae_xml_read_with_java_offsets_and_links_counted(tmp_path: Path) -> None:
    from annotator.formats.registry import detect_format, read_annotations

    assert detect_format(MAE / "visit.xml") == "mae"
    copy = tmp_path / "visit.txt"  # detected by its content too, not only by the suffix
    copy.write_bytes((MAE / "visit.xml").read_bytes())
    assert detect_format(copy) == "mae"
    result = read_annotations(MAE / "visit.xml")
    [record] = result.records
    got = [(record.text[s.start : s.end], s.label) for s in record.spans]
    assert got == [("Ismail Qaani", "PERSON"), ("Damascus", "GPE"), ("Tuesday", "DATE"),
                   ("IRGC", "ORG"), ("Syrian", "NORP")]
    notices = "\n".join(result.notices)
    assert "offsets count UTF-16 code units" in notices  # MAE is a Java program
    # VISIT links a person to a place: the event of a PERSON span, which is no event category.
    assert "1 link tag(s) read as arguments of 1 event(s)" in notices
    assert record.attributes == {}  # comment="" is no attribute
    assert "1 non-consuming tag(s)" in notices
    [old] = read_annotations(MAE / "mae1.xml").records  # MAE 1: start and end attributes
    assert [(old.text[s.start : s.end], s.label) for s in old.spans] == [
        ("Ismail Qaani", "PERSON"), ("Damascus", "GPE")]


def test_mae_bad_files_name_line_and_reason(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?>\n<T>\n<TEXT><![CDATA[Tehran talks.]]></TEXT>\n<TAGS>\n'
                   '<GPE id="G0" spans="0-6" text="Tehran" />\n'
                   '<GPE id="G0" spans="0~6" text="Tehran" />\n</TAGS>\n</T>\n', "utf-8")
    assert main(["import-annotations", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:5: spans '0-6' is not 'START~END'" in err
    assert f"{bad}:6: id 'G0' used twice (first on line 5)" in err
    broken = tmp_path / "broken.xml"
    broken.write_text('<?xml version="1.0"?>\n<T>\n<TEXT>x</TEXT>\n<TAGS>\n</T>\n', "utf-8")
    assert main(["import-annotations", str(broken), "--db", str(db)]) == 2
    assert f"{broken}:5: not well-formed XML" in capsys.readouterr().err


def test_a_changed_letter_is_a_near_copy_not_a_substitution(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    edited = text.replace("Syria", "Syrie", 1)
    path = write_jsonl(tmp_path / "e.jsonl", [{"text": edited, "annotator": "ed", "spans": []}])
    assert main(["import-annotations", str(path), "--db", str(db), "--format", "jsonl"]) == 1
    assert f"not imported: {path}:1: text differs slightly from document 1" in capsys.readouterr().out


def test_prodigy_task_with_another_tools_spans_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = first_text(db)
    path = write_jsonl(tmp_path / "p.jsonl", [
        {"text": text, "answer": "accept", "_input_hash": 1, "entities": [[0, 5, "GPE"]]}])
    args = ["import-annotations", str(path), "--db", str(db), "--as", "x", "--format", "prodigy"]
    assert main(args) == 2
    assert f"{path}:1: 'entities' but no 'spans'" in capsys.readouterr().err
