"""Import articles: read and validate every file, detect languages, pre-annotate, store.

The files are articles as analysts get them (plain text, JSON lines, saved web pages, PDFs, Word
files, e-mails, feeds; see ``formats/articles.py``): each is cleaned into the text the analyst
will read here, at import, and never changed after.

Every file is read and validated before anything is written: one bad file imports nothing and
the error names the file, the line and the reason. Each file is then stored in one transaction,
documents and suggestions together, so a kill never leaves half a file in the database.

The steps, in order, each a place to add one: read and check every file (``read_all``); start
detecting the languages not given, all files' texts at once (``read_files``: CLD2 on worker
threads, see ``nlp/lang.py``); drop the texts already stored (``_fresh_documents``); pre-annotate
(``_suggester``, only with a model); store each file (``_store_file``). What an import without
a model does not need (spaCy's side, the actor registry, the store's modules until the caller
opens it) is imported where it is used: ``annotator import`` of 10,000 short texts takes about
a second, and imports were a third of it (see docs/PERFORMANCE.md, import).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import DuplicateDocumentError, InputError, InputErrors
from annotator.core.labels import LabelSet
from annotator.core.model import AnnotatorKind, Document, Span
from annotator.core.regions import detect_regions
from annotator.core.tasks import Cancelled, TaskState
from annotator.formats.articles import ARTICLE_SUFFIXES, SUFFIX_LIST, iter_article_files, read_articles
from annotator.nlp.lang import start_detecting
from annotator.settings import cache_dir
from annotator.store.new_database import NewDatabase

if TYPE_CHECKING:  # the store and spaCy's side are imported where they are used (see below)
    from annotator.nlp.pipelines import PipelineRegistry
    from annotator.store import Store

__all__ = ["ARTICLE_SUFFIXES", "ImportReport", "ReadFiles", "import_paths", "read_all", "read_files"]


@dataclass
class ImportReport:
    added: list[tuple[str, int]] = field(default_factory=list)  # (file name, document id)
    skipped: list[tuple[str, int]] = field(default_factory=list)  # already stored: (name, id)
    notices: list[str] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)  # language -> model used
    cancelled: bool = False
    regions: int = 0  # repeated lines and boilerplate marked in the documents added

    def lines(self) -> list[str]:
        out = [f"imported {name} as document {doc_id}" for name, doc_id in self.added]
        out += [
            f"skipped {name}: already in the database as document {doc_id}" for name, doc_id in self.skipped
        ]
        out += self.notices
        if self.regions:
            out.append(
                f"marked {self.regions} region{'s' if self.regions != 1 else ''} as repeated lines"
                " or boilerplate (greyed, skipped by suggestions and agreement; unmark in the window)"
            )
        if self.cancelled:
            out.append("import cancelled: the files listed above were imported, the rest were not")
        return out


def read_all(
    paths: list[Path], notices: list[str] | None = None, split_articles: bool = False
) -> list[tuple[Path, list[Document]]]:
    """Every article of every path, or InputErrors naming each bad file; ``notices`` gathers
    what the readers left out (a feed's entries past the cap)."""
    files: list[tuple[Path, list[Document]]] = []
    errors: list[InputError] = []
    try:
        file_list = list(iter_article_files(paths))
    except InputError as exc:
        raise InputErrors([exc]) from None
    for path in file_list:
        try:
            files.append((path, read_articles(path, notices, split_articles)))
        except InputError as exc:
            errors.append(exc.located(str(path)))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except OSError as exc:
            errors.append(InputError(f"cannot read ({exc.strerror})", str(path)))
    if errors:
        raise InputErrors(errors)
    if not files:
        raise InputErrors(
            [InputError(f"no article found (files {SUFFIX_LIST})", ", ".join(map(str, paths)))]
        )
    return files


@dataclass
class ReadFiles:
    """Every article of the files, read and checked, their languages being detected."""

    files: list[tuple[Path, list[Document]]]
    notices: list[str]
    _languages: Callable[[Callable[[], None] | None], list[str]]
    _unknown: list[Document]

    def finish_languages(self, task: TaskState) -> None:
        """Wait for the languages (a cancel stops the wait); give each document its own."""
        codes = self._languages(task.check)
        for doc, code in zip(self._unknown, codes, strict=True):
            doc.meta = doc.meta.with_(lang=code)
        self._unknown = []
        self._languages = _none_left


def _none_left(_check: Callable[[], None] | None = None) -> list[str]:
    return []


def read_files(paths: list[Path], split_articles: bool = False) -> ReadFiles:
    """Read and check every file (InputErrors naming each bad one), and start detecting the
    languages the articles do not give, on worker threads (``nlp/lang.py``), so that the caller
    can open the database meanwhile: ``annotator import`` reads first, then imports and opens
    the store while CLD2 runs. Texts met again (already stored) are detected for nothing; an
    import of a file stored before is rare, and detection is the cheap part of it."""
    notices: list[str] = []
    return detecting(read_all(paths, notices, split_articles), notices)


def detecting(files: list[tuple[Path, list[Document]]], notices: list[str]) -> ReadFiles:
    """The files' articles, with the languages they do not give being detected."""
    unknown = [doc for _path, docs in files for doc in docs if not doc.meta.lang]
    detected = start_detecting([doc.text for doc in unknown], cache_dir())
    return ReadFiles(files, notices, detected, unknown)


def import_paths(
    store: Store | NewDatabase,
    paths: list[Path],
    labels: LabelSet,
    registry: PipelineRegistry | None,
    task: TaskState | None = None,
    split_articles: bool = False,
    read: ReadFiles | None = None,
    files: list[tuple[Path, list[Document]]] | None = None,
) -> ImportReport:
    """Import articles from files and folders; pre-annotate them when ``registry`` is given.
    ``split_articles``: a web page of several articles gives one document each. ``read``: the
    files already read by ``read_files`` (then ``paths`` and ``split_articles`` are not used).
    ``store``: a ``NewDatabase`` (a new file, ``store/new_database.py``) only without a model.
    ``files``: the articles already read and checked by the analyst (the import dialog's
    preview); their languages, where not given, are detected here."""
    task = task or TaskState()
    report = ImportReport()
    if read is None:
        read = read_files(paths, split_articles) if files is None else detecting(files, [])
    report.notices += read.notices
    files = read.files
    total = sum(len(docs) for _, docs in files)
    seen: dict[str, int] = {}
    repeats: list[tuple[int, str]] = []
    task.progress(0, total, "reading")
    try:
        read.finish_languages(task)
        fresh_files, repeats = _fresh_documents(store, files, seen, report, task)
        suggest = _suggester(store, fresh_files, labels, registry, report, task, total)
        done = len(report.skipped)
        for path, fresh in fresh_files:
            spans_by_index: dict[int, list[Span]] = {}
            annotators: dict[str, list[int]] = defaultdict(list)
            for i, doc in enumerate(fresh):
                task.check()
                found = suggest(doc)
                if found is not None:
                    key, spans = found
                    spans_by_index[i] = spans
                    annotators[key].append(i)
                    done += 1
                    task.progress(done, total, f"pre-annotating {doc.meta.filename}")
            # One transaction per file: its documents and all their suggestions.
            for doc, doc_id in _store_file(store, fresh, spans_by_index, annotators, report):
                seen[doc.sha256] = doc_id
                report.added.append((doc.meta.filename, doc_id))
                report.regions += sum(r.marked for r in doc.regions)
            done = len(report.added) + len(report.skipped)
            task.progress(done, total, f"stored {path.name}")
    except Cancelled:
        report.cancelled = True
    # A text met twice in this import is reported with the id its first copy got.
    for position, sha in repeats:
        name, _ = report.skipped[position]
        report.skipped[position] = (name, seen.get(sha, -1))
    return report


def _fresh_documents(
    store: Store | NewDatabase,
    files: list[tuple[Path, list[Document]]],
    seen: dict[str, int],
    report: ImportReport,
    task: TaskState,
) -> tuple[list[tuple[Path, list[Document]]], list[tuple[int, str]]]:
    """Each file's documents not stored yet (languages detected), and where in
    ``report.skipped`` the texts met twice in this import are (with their hash)."""
    fresh_files: list[tuple[Path, list[Document]]] = []
    repeats: list[tuple[int, str]] = []  # filled in place: a cancel keeps what was found
    for path, docs in files:
        task.check()
        existing = store.documents.existing_shas(d.sha256 for d in docs)
        fresh: list[Document] = []
        for doc in docs:
            known = existing.get(doc.sha256)
            if known is None and doc.sha256 in seen:
                repeats.append((len(report.skipped), doc.sha256))
                known = -1
            if known is not None:
                report.skipped.append((doc.meta.filename, known))
                continue
            seen[doc.sha256] = -1
            if not doc.regions:
                doc.regions = tuple(detect_regions(doc.text))
            fresh.append(doc)
        fresh_files.append((path, fresh))
    return fresh_files, repeats


Suggest = Callable[[Document], tuple[str, list[Span]] | None]


def _suggester(
    store: Store | NewDatabase,
    fresh_files: list[tuple[Path, list[Document]]],
    labels: LabelSet,
    registry: PipelineRegistry | None,
    report: ImportReport,
    task: TaskState,
    total: int,
) -> Suggest:
    """A function giving each document, in import order, its suggestions and who made them
    ("name\tversion"), or None without a model for its language.

    Each language's pipeline runs once over all that language's texts, across files, so that
    ``nlp.pipe`` fills its batches: pre-annotating a folder of single-article files one file
    at a time ran spaCy on batches of one (see bench/, "preannotate"). Files are still stored
    one by one, each as soon as its last document is annotated.
    """
    if registry is None:
        return lambda _doc: None
    assert not isinstance(store, NewDatabase), "pre-annotation needs the Store"
    from annotator.nlp.event_triggers import default_lexicon
    from annotator.nlp.preannotate import preannotate
    from annotator.services.suggestions import registry_terms

    # What the database has learnt: the registry's names, and the suggestions rejected.
    terms, rejected = registry_terms(store, labels), store.rejections.pairs()
    texts: dict[str, list[str]] = defaultdict(list)
    for _path, fresh in fresh_files:
        for doc in fresh:
            texts[doc.meta.lang].append(doc.text)
    streams: dict[str, tuple[str, Iterator[list[Span]]]] = {}
    for lang, lang_texts in texts.items():
        task.progress(len(report.skipped), total, f"loading the {lang or 'unknown'} model")
        loaded = registry.load(lang)
        if loaded is None:
            notice = f"no suggestions for {lang or 'unknown language'}: {registry.error(lang)}"
            if notice not in report.notices:
                report.notices.append(notice)
            continue
        nlp, info = loaded
        report.models[lang] = f"{info.name} {info.version}".strip()
        stream = preannotate(
            nlp, lang_texts, labels, lambda: task.cancelled,
            terms=terms, rejected=rejected, triggers=default_lexicon(),
        )
        streams[lang] = (f"{info.name}\t{info.version}", stream)

    def suggest(doc: Document) -> tuple[str, list[Span]] | None:
        entry = streams.get(doc.meta.lang)
        if entry is None:
            return None
        key, stream = entry
        spans = next(stream, None)
        if spans is None:  # the stream ends early only when the import is cancelled
            raise Cancelled()
        # Every suggestion is stored, those inside marked regions too: the reading pane leaves
        # them out while the region is marked (``AnnotationSession.suggestions``) and shows
        # them when the analyst unmarks it.
        return key, spans

    return suggest


def _store_file(
    store: Store | NewDatabase,
    docs: list[Document],
    spans_by_index: dict[int, list[Span]],
    annotators: dict[str, list[int]],
    report: ImportReport,
) -> list[tuple[Document, int]]:
    """Store a file's documents and suggestions in one transaction; return (document, id) pairs.

    Another instance may store the same article between the check for known texts and this
    transaction (pre-annotation takes a while): the transaction then fails whole, and is made
    again without the documents now known, which are reported as skipped.
    """
    while True:
        try:
            ids = _store_once(store, docs, spans_by_index, annotators)
            return list(zip(docs, ids, strict=True))
        except DuplicateDocumentError:
            existing = store.documents.existing_shas(d.sha256 for d in docs)
            if not existing:
                raise
            keep = [i for i, doc in enumerate(docs) if doc.sha256 not in existing]
            report.skipped += [
                (doc.meta.filename, existing[doc.sha256]) for doc in docs if doc.sha256 in existing
            ]
            new_index = {old: new for new, old in enumerate(keep)}
            spans_by_index = {new_index[i]: s for i, s in spans_by_index.items() if i in new_index}
            annotators = {
                key: [new_index[i] for i in indices if i in new_index]
                for key, indices in annotators.items()
            }
            docs = [docs[i] for i in keep]


def _store_once(
    store: Store | NewDatabase,
    docs: list[Document],
    spans_by_index: dict[int, list[Span]],
    annotators: dict[str, list[int]],
) -> list[int]:
    spans: list[tuple[int, int, list[Span]]] = []
    for key, indices in annotators.items():
        assert not isinstance(store, NewDatabase), "suggestions need the Store"
        name, version = key.split("\t")
        annotator = store.annotators.get_or_create(name, AnnotatorKind.MODEL, version)
        spans += [(i, annotator.id, spans_by_index[i]) for i in indices]
    return store.documents.add(docs, spans) if docs else []
