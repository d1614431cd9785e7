"""Export then import again gives the same spans, in every format: the pre-annotated seeds, and
hand-made records with emoji, overlaps, another layer, several annotators and a span that does
not fall on token boundaries (reported, never shifted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import AnnotationRecord, DocumentMeta, Origin, Span, Status
from annotator.formats.brat import write_brat
from annotator.formats.doccano import write_doccano
from annotator.formats.issues import DROPPED, KEPT_IN_SPANS, NO_TOKENS, SpanIssue
from annotator.formats.labelstudio import write_labelstudio
from annotator.formats.native import write_jsonl
from annotator.formats.prodigy import write_prodigy
from annotator.formats.registry import WRITE_FORMATS, read_annotations
from annotator.formats.spacy_docbin import write_docbin
from annotator.services.exporting import SUFFIXES, export
from annotator.store import Store

SpanKey = tuple[int, int, str, str]


def keyed(records: list[AnnotationRecord]) -> dict[tuple[str, str | None], set[SpanKey]]:
    return {
        (r.text_sha256, r.annotator): {(s.start, s.end, s.label, s.layer) for s in r.spans}
        for r in records
    }


@pytest.mark.parametrize("fmt", WRITE_FORMATS)
def test_seeds_round_trip(fmt: str, seeded_db: Path, tmp_path: Path) -> None:
    store = Store(seeded_db)
    try:
        expected = list(store.records.stream())
        out = tmp_path / f"seeds{SUFFIXES[fmt]}"
        report = export(store, out, fmt)
    finally:
        store.close()
    assert report.issues == []
    assert report.total_records == len(expected) == 5
    result = read_annotations(out, "auto")
    assert result.format == fmt
    got = result.records
    assert sum(len(r.spans) for r in expected) > 300
    assert keyed(got) == keyed(expected)  # brat: one folder per annotator, named after them
    if fmt != "brat":
        assert [r.meta for r in got] == [r.meta for r in expected]
    assert all(s.origin is Origin.MODEL for r in got for s in r.spans)  # every format keeps it


TEXT = "🇮🇷 Qaani's IRGC met Syrian army chief Abbas in Damascus 👍🏽 on Tuesday."


def _span(surface: str, label: str, layer: str = "entity", nth: int = 0, **kw: object) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(surface, start + 1)
    return Span(start, start + len(surface), label, layer=layer, **kw)  # type: ignore[arg-type]


def tricky_records() -> list[AnnotationRecord]:
    meta = DocumentMeta(
        title="Visit", source="Tasnim", date="2023-09-22", lang="en", filename="v.txt"
    )
    alice = AnnotationRecord(
        TEXT,
        meta,
        "alice",
        Status.DONE,
        [
            _span("Qaani", "PERSON"),
            _span("IRGC", "ORG"),
            _span("Syrian army chief Abbas", "PERSON"),
            _span("Abbas", "PERSON", origin=Origin.MODEL),  # overlaps the span above
            _span("Syrian", "NORP"),  # overlaps it too
            _span("Damascus", "GPE"),
            _span("Abbas", "SYR_MIL", layer="actor"),  # another layer, overlapping entities
            _span("Tuesda", "DATE"),  # ends inside a token
        ],
    )
    bob = AnnotationRecord(TEXT, meta, "bob", Status.DONE, [_span("Damascus", "LOC")])
    return [alice, bob]


WRITERS = {
    "jsonl": lambda p, r, i: write_jsonl(p, r),
    "spacy": lambda p, r, i: write_docbin(p, r, issues=i),
    "prodigy": lambda p, r, i: write_prodigy(p, r, issues=i),
    "doccano": lambda p, r, i: write_doccano(p, r),
    "labelstudio": lambda p, r, i: write_labelstudio(p, r),
    "brat": lambda p, r, i: write_brat(p, r),
}


@pytest.mark.parametrize("fmt", WRITE_FORMATS)
def test_tricky_records_round_trip(fmt: str, tmp_path: Path) -> None:
    records = tricky_records()
    out = tmp_path / f"tricky{SUFFIXES[fmt]}"
    issues: list[SpanIssue] = []
    assert WRITERS[fmt](out, records, issues) == 2
    got = read_annotations(out, fmt).records
    expected = keyed(records)
    off_token = (TEXT.index("Tuesda"), TEXT.index("Tuesda") + 6, "DATE", "entity")
    sha = records[0].text_sha256
    if fmt == "spacy":
        # The span ending inside "Tuesday" cannot be a spaCy span: dropped, and reported.
        expected[(sha, "alice")].discard(off_token)
        assert [(i.surface, i.action, i.kind) for i in issues if i.kind == "token-boundary"] == [
            ("Tuesda", DROPPED, "token-boundary")
        ]
        overlaps = {(i.surface, i.label, i.action) for i in issues if i.kind == "overlap"}
        assert overlaps == {
            ("Abbas", "PERSON", KEPT_IN_SPANS),
            ("Syrian", "NORP", KEPT_IN_SPANS),
            ("Abbas", "SYR_MIL", KEPT_IN_SPANS),
        }
        assert all(i.document == "v.txt" and i.annotator == "alice" for i in issues)
    elif fmt == "prodigy":
        assert [(i.surface, i.action) for i in issues] == [("Tuesda", NO_TOKENS)]
    else:
        assert issues == []
    assert keyed(got) == expected  # brat: one folder per annotator, named after them
    if fmt != "brat":
        assert {r.status for r in got} == {Status.DONE}
        assert got[0].meta == records[0].meta


def test_spacy_docbin_contents(tmp_path: Path) -> None:
    from spacy.tokens import DocBin

    from annotator.formats.tokens import blank_nlp

    out = tmp_path / "t.spacy"
    write_docbin(out, tricky_records()[:1], issues=[])
    [doc] = list(DocBin().from_disk(out).get_docs(blank_nlp("en").vocab))
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Qaani", "PERSON"),
        ("IRGC", "ORG"),
        ("Syrian army chief Abbas", "PERSON"),
        ("Damascus", "GPE"),
    ]
    assert sorted(doc.spans) == ["actor", "entity"]
    assert [(s.text, s.label_) for s in doc.spans["actor"]] == [("Abbas", "SYR_MIL")]
    assert len(doc.spans["entity"]) == 6  # all but the one off token boundaries
    assert doc.cats == {}
    assert doc.user_data["annotator"]["annotator"] == "alice"


def test_brat_folder_is_replaced_only_when_asked(tmp_path: Path) -> None:
    from annotator.formats.atomic import OverwriteError

    out = tmp_path / "brat"
    write_brat(out, tricky_records())
    names = sorted(p.name for p in out.iterdir())
    assert names == ["alice", "annotation.conf", "bob", "visual.conf"]
    assert sorted(p.name for p in (out / "bob").iterdir()) == ["00001_v.ann", "00001_v.txt"]
    with pytest.raises(OverwriteError):
        write_brat(out, tricky_records()[:1])
    assert sorted(p.name for p in out.iterdir()) == names
    write_brat(out, tricky_records()[:1], overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["alice", "annotation.conf", "visual.conf"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert conf.startswith("[entities]\nDATE\nGPE\nNORP\nORG\nPERSON\nactor_SYR_MIL\n")
