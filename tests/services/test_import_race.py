"""Two instances importing the same articles at once: each article is stored once, nothing fails.

Pre-annotation takes seconds, so another instance can store an article between this one's
check for known texts and its transaction. The transaction then fails whole (the text is
unique) and is made again without the articles now known, which are reported as skipped; the
suggestions of the others still belong to the right documents.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from annotator.core.labels import default_labels
from annotator.core.model import AnnotatorKind, Document
from annotator.formats.articles import read_articles
from annotator.nlp.pipelines import PipelineRegistry
from annotator.services.importing import import_paths
from annotator.store import Store
from annotator.store.documents import DocumentRepo

ROOT = Path(__file__).resolve().parent.parent.parent
ARTICLES = [
    "Ismail Qaani visited Damascus on Monday to oversee a joint military drill with Syria.",
    "The European Union envoy met officials in Beirut and Amman during a regional tour.",
    "Syria's army chief of staff met Iran's defence minister in Tehran in May 2023.",
    "Israeli analysts said the Quds Force was building a network around Israel.",
]


def _articles_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i, text in enumerate(ARTICLES):
            meta = {"title": f"Article {i}", "lang": "en"}
            handle.write(json.dumps({"text": text, "meta": meta}) + "\n")
    return path


class RacingDocuments(DocumentRepo):
    """The real documents of a store, letting another instance store one article right after
    the check for known texts, as a second window importing the same file would."""

    def __init__(self, store: Store, rival: Store, stolen: Document) -> None:
        super().__init__(store.engine)
        self.rival = rival
        self.stolen = stolen
        self.rival_id: int | None = None

    def existing_shas(self, shas: Iterable[str]) -> dict[str, int]:
        found = super().existing_shas(shas)
        if self.rival_id is None:
            [self.rival_id] = self.rival.documents.add([self.stolen])
        return found


def _model_spans(store: Store, doc_id: int) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in store.spans.in_document(doc_id, kind=AnnotatorKind.MODEL)]


def test_an_article_stored_meanwhile_by_another_instance_is_skipped(tmp_path: Path) -> None:
    path = _articles_file(tmp_path / "in")
    db = tmp_path / "shared.sqlite"
    rival = Store(db)
    stolen = read_articles(path)[1]
    store = Store(db)
    racing = store.documents = RacingDocuments(store, rival, stolen)
    registry = PipelineRegistry()
    report = import_paths(store, [path], default_labels(), registry)

    assert racing.rival_id is not None
    assert report.skipped == [(stolen.meta.filename, racing.rival_id)]
    assert len(report.added) == len(ARTICLES) - 1
    texts = [store.documents.get(i).text for i in store.documents.ids()]
    assert sorted(texts) == sorted(ARTICLES)  # each article once

    # The suggestions were re-attached to the right documents: the same as importing each
    # article alone into a fresh database.
    reference = Store(tmp_path / "reference.sqlite")
    import_paths(reference, [path], default_labels(), registry)
    by_text = {reference.documents.get(i).text: i for i in reference.documents.ids()}
    for _name, doc_id in report.added:
        text = store.documents.get(doc_id).text
        spans = _model_spans(store, doc_id)
        assert spans == _model_spans(reference, by_text[text])
        assert all(end <= len(text) for _, end, _ in spans)
    assert any(_model_spans(store, doc_id) for _, doc_id in report.added)
    for opened in (store, rival, reference):
        opened.close()


WORKER = """
import sys
from pathlib import Path
from annotator.core.labels import default_labels
from annotator.services.importing import import_paths
from annotator.store import Store

store = Store(sys.argv[1])
report = import_paths(store, [Path(p) for p in sys.argv[2:]], default_labels(), None)
store.close()
print(len(report.added), len(report.skipped))
"""


def test_two_processes_importing_the_same_files_store_each_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    files = []
    for f in range(6):
        path = folder / f"batch{f}.jsonl"
        folder.mkdir(exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            for i in range(40):
                text = f"Report {f}-{i}: the envoy met officials in Beirut. " + "word " * (i * 7)
                handle.write(json.dumps({"text": text, "meta": {"lang": "en"}}) + "\n")
        files.append(str(path))
    db = tmp_path / "shared.sqlite"
    Store(db).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), *order],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for order in (files, files[::-1])
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        added, skipped = map(int, out.split())
        assert added + skipped == 240
    store = Store(db)
    assert store.documents.count() == 240
    store.close()
