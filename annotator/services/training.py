"""Train a spaCy pipeline from the analysts' work, for suggesting the next documents' annotations.

The loop analysts want: correct the model's suggestions, train on the corrections, use the new
model (``annotator import --model en=DIR/model-best``) for better suggestions. This module takes one
annotation set per document of one language (through the export's record path, which carries
spans, events and frames), splits it by document, reproducibly, and trains every layer that has
enough documents, each as its own component on its own documents (see ``training_layers``):
entities (``ner``), frames (``textcat_multilabel``, frames and primary frame) and event triggers
(``spancat``). A layer with too few documents is named and left out; the others are trained. The
components are put into one pipeline (``model-best`` from each layer's best, ``model-last`` from
each layer's last) that loads with ``spacy.load``, and each layer is scored on the held-out
documents that carry it. ``cross_validate`` repeats the training over k folds and reports each
layer's mean and spread, so a team can tell whether it has coded enough documents.

Configurations come from spaCy's own ``init_config``; training is spaCy's training loop; what is
written here is only the choice of documents, the assembly and the report.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import AnnotationRecord, AnnotatorKind
from annotator.core.tasks import TaskState
from annotator.formats.issues import SpanIssue
from annotator.services.exporting import (
    ExportFilters,
    ExportReport,
    select_records,
    split_documents,
)
from annotator.services.training_layers import (
    COMPONENT,
    ENTITIES,
    EVENTS,
    FRAMES,
    FRAMES_MIN_DOCS,
    LAYERS,
    PRIMARY_PREFIX,
    LayerData,
    LayerScore,
    build_layer,
    build_layer_config,
    evaluate,
)
from annotator.store import Store

__all__ = ["DEFAULT_MAX_STEPS", "FRAMES_MIN_DOCS", "LAYERS", "train", "cross_validate"]

DEFAULT_MAX_STEPS = 2000
MODEL_NAME = "annotator_pipeline"


@dataclass
class LayerReport:
    """What was done with one layer: trained (with its held-out score) or why not."""

    layer: str
    train_docs: int = 0
    dev_docs: int = 0
    examples: int = 0
    labels: list[str] = field(default_factory=list)
    score: LayerScore | None = None
    skipped: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def trained(self) -> bool:
        return not self.skipped

    def lines(self, annotators: Sequence[str]) -> list[str]:
        out = list(self.notices)
        if self.skipped:
            return [*out, self.skipped]
        who = f" ({', '.join(annotators)})" if annotators else ""
        if self.layer == ENTITIES:
            what = f"with {self.examples} span(s){who}, labels {', '.join(self.labels)}"
        elif self.layer == FRAMES:
            frames = [lb.split(":", 1)[1] for lb in self.labels if not lb.startswith(PRIMARY_PREFIX)]
            primaries = [lb.split(":", 1)[1] for lb in self.labels if lb.startswith(PRIMARY_PREFIX)]
            what = f"with frames{who}, labels {', '.join(frames)}"
            if primaries:
                what += f"; primary frame among {', '.join(primaries)}"
        else:
            what = f"with {self.examples} trigger(s){who}, categories {', '.join(self.labels)}"
        out.append(f"{self.layer}: trained on {self.train_docs} document(s) {what}")
        if self.score is not None:
            out += self.score.lines()
        return out


@dataclass
class TrainReport:
    model_dir: Path  # the best model: give this to --model
    lang: str
    annotators: list[str]
    train_docs: int
    dev_docs: int
    layers: dict[str, LayerReport] = field(default_factory=dict)
    components: list[str] = field(default_factory=list)
    issues: list[SpanIssue] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [issue.line() for issue in self.issues]
        out += self.notices
        for report in self.layers.values():
            out += report.lines(self.annotators)
        out.append(f"model: {self.model_dir} ({', '.join(self.components)})")
        out.append(f"use it: annotator import --model {self.lang}={self.model_dir} FILES")
        return out


def choose_records(
    store: Store, lang: str, annotator: str | None
) -> tuple[list[AnnotationRecord], list[str]]:
    """One record per document of ``lang``: the named annotator's, or else a person's.

    When several people annotated a document and no annotator is named, the set of the first by
    name is used, and a notice says so.
    """
    filters = ExportFilters(
        annotator=annotator, kind=None if annotator else AnnotatorKind.HUMAN
    )
    report = ExportReport(format="spacy")
    by_doc: dict[str, list[AnnotationRecord]] = {}
    other_lang = 0
    for record in select_records(store, filters, report):
        if (record.meta.lang or "") != lang:
            other_lang += 1
            continue
        by_doc.setdefault(record.text_sha256, []).append(record)
    notices: list[str] = []
    if other_lang:
        notices.append(f"{other_lang} record(s) in other languages than {lang!r} were left out")
    several = 0
    chosen: list[AnnotationRecord] = []
    for records in by_doc.values():
        records.sort(key=lambda r: r.annotator or "")
        if len(records) > 1:
            several += 1
        chosen.append(records[0])
    if several:
        notices.append(
            f"{several} document(s) were annotated by several people; the set of the first by name "
            "was used (name one with --annotator)"
        )
    return chosen, notices


class _ProgressStream(io.TextIOBase):
    """Receives spaCy's training table: echoes it, reports the step, honours cancellation.

    spaCy's "Saved pipeline to output directory" names a temporary folder of one layer: that line
    is not echoed (the report names the assembled pipeline instead).
    """

    _ROW = re.compile(r"^\s*\d+\s+(\d+)\s")

    def __init__(
        self,
        echo: Callable[[str], None] | None,
        task: TaskState,
        offset: int,
        total: int,
        message: str,
    ) -> None:
        self.echo = echo
        self.task = task
        self.offset = offset
        self.total = total
        self.message = message

    def write(self, text: str) -> int:
        self.task.check()
        for line in text.splitlines():
            match = self._ROW.match(line)
            if match:
                self.task.progress(self.offset + int(match.group(1)), self.total, self.message)
        if self.echo is not None and "Saved pipeline to output directory" not in text:
            self.echo(text)
        return len(text)


def check_out_folder(out: Path, overwrite: bool) -> None:
    """Refuse a model folder that is a file, or not empty without ``overwrite``."""
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a folder", str(out))
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise InputError("folder exists and is not empty (use --force to replace it)", str(out))


def _check_layers(layers: Sequence[str]) -> list[str]:
    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown:
        raise AnnotatorError(f"unknown layer {unknown[0]!r} (choose from {', '.join(LAYERS)})")
    return [layer for layer in LAYERS if layer in layers]


def _nothing_to_train(store: Store, lang: str, annotator: str | None, reasons: Sequence[str]) -> InputError:
    """The error when no layer can be trained, with each layer's reason."""
    who = f"annotator {annotator!r}" if annotator else "people (human annotators)"
    why = "; ".join(reasons)
    return InputError(
        f"nothing to train from the {lang!r} documents annotated by {who}"
        + (f" ({why})" if why else "")
        + "; annotate some first, or name a set with --annotator",
        str(store.path),
    )


def _train_component(
    layer: str,
    data: LayerData,
    lang: str,
    folder: Path,
    max_steps: int,
    seed: int,
    width: int | None,
    echo: Callable[[str], None] | None,
    task: TaskState,
    offset: int,
    total: int,
    keep: bool = True,
) -> Any:
    """Train one layer's component into ``folder/model`` (model-best, model-last) and return that
    folder; without ``keep``, evaluate once at the end, save nothing and return the pipeline
    (cross-validation scores the last model of each fold, in memory)."""
    from spacy.tokens import DocBin
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    folder.mkdir(parents=True)
    train_path, dev_path = folder / "train.spacy", folder / "dev.spacy"
    DocBin(docs=data.train).to_disk(train_path)
    DocBin(docs=data.dev or data.train).to_disk(dev_path)
    config = build_layer_config(layer, lang, data, max_steps, seed, width)
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    if not keep:
        config["training"]["eval_frequency"] = max_steps
    if echo is not None:
        echo(f"--- {layer} ({COMPONENT[layer]}) ---\n")
    task.progress(offset, total, f"initialising {layer}")
    nlp = init_nlp(config, use_gpu=-1)
    stream = _ProgressStream(echo, task, offset, total, f"training {layer}")
    if not keep:
        train_loop(nlp, None, use_gpu=-1, stdout=stream, stderr=stream)  # type: ignore[arg-type]
        return nlp
    output = folder / "model"
    output.mkdir()
    train_loop(nlp, output, use_gpu=-1, stdout=stream, stderr=stream)  # type: ignore[arg-type]
    best = output / "model-best"
    if not best.exists():
        shutil.copytree(output / "model-last", best)
    return output


def _assemble(lang: str, parts: dict[str, Path], which: str, target: Path) -> list[str]:
    """One pipeline from the layers' trained pipelines (``which``: model-best or model-last)."""
    import spacy

    nlp = spacy.load(parts[ENTITIES] / which) if ENTITIES in parts else spacy.blank(lang)
    for layer in (FRAMES, EVENTS):
        if layer not in parts:
            continue
        source = spacy.load(parts[layer] / which)
        component = COMPONENT[layer]
        if "tok2vec" in source.pipe_names:
            # The component gets its own copy of the layer's tok2vec, so it does not listen to
            # the entity recogniser's.
            source.replace_listeners("tok2vec", component, ["model.tok2vec"])
        nlp.add_pipe(component, source=source)
    nlp.to_disk(target)
    return list(nlp.pipe_names)


def _split_for(records: list[AnnotationRecord], split: float, seed: int, notices: list[str]) -> tuple[
    list[AnnotationRecord], list[AnnotationRecord]
]:
    if len({r.text_sha256 for r in records}) >= 2:
        return split_documents(records, split, seed)
    notices.append("only one document: the held-out score is measured on the training data")
    return records, records


def _train_layers(
    lang: str,
    wanted: Sequence[str],
    train_records: list[AnnotationRecord],
    dev_records: list[AnnotationRecord],
    tmp: Path,
    max_steps: int,
    seed: int,
    width: int | None,
    echo: Callable[[str], None] | None,
    task: TaskState,
    issues: list[SpanIssue] | None,
    part: tuple[int, int] = (0, 1),
    keep: bool = True,
) -> tuple[dict[str, LayerReport], dict[str, Any], dict[str, LayerData]]:
    """Train every wanted layer that has enough documents, each into ``tmp/<layer>`` (without
    ``keep``: in memory, see ``_train_component``).

    ``part`` (index, count) places this training's progress within a longer run (a fold of k).
    """
    datas = {layer: build_layer(layer, train_records, dev_records, issues) for layer in wanted}
    todo = [layer for layer in wanted if not datas[layer].skipped]
    steps = max_steps * max(1, len(todo))
    total = steps * part[1]
    reports: dict[str, LayerReport] = {}
    parts: dict[str, Any] = {}
    for layer in wanted:
        data = datas[layer]
        report = LayerReport(layer, skipped=data.skipped, notices=list(data.notices))
        reports[layer] = report
        if data.skipped:
            continue
        if not data.dev:
            report.notices.append(
                f"{layer}: no held-out document carries this layer; scored on the training data"
            )
            data.dev = list(data.train)
        report.train_docs, report.dev_docs = len(data.train), len(data.dev)
        report.examples, report.labels = data.spans, list(data.labels)
        offset = steps * part[0] + max_steps * todo.index(layer)
        parts[layer] = _train_component(
            layer, data, lang, tmp / layer, max_steps, seed, width, echo, task, offset, total, keep
        )
    return reports, parts, datas


def train(
    store: Store,
    out: Path,
    lang: str = "en",
    annotator: str | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
    split: float = 0.8,
    seed: int = 0,
    overwrite: bool = False,
    echo: Callable[[str], None] | None = None,
    task: TaskState | None = None,
    layers: Sequence[str] = LAYERS,
    width: int | None = None,
) -> TrainReport:
    """Train every layer with enough documents into ``out`` (``out/model-best``, ``out/model-last``)
    and score each on the held-out documents."""
    import spacy

    task = task or TaskState()
    out = Path(out)
    wanted = _check_layers(layers)
    if max_steps < 1:
        raise AnnotatorError(f"--max-steps {max_steps} must be at least 1")
    if width is not None and width < 8:
        raise AnnotatorError(f"--width {width} must be at least 8")
    check_out_folder(out, overwrite)
    records, notices = choose_records(store, lang, annotator)
    if not records:
        raise _nothing_to_train(store, lang, annotator, [])
    train_records, dev_records = _split_for(records, split, seed, notices)
    issues: list[SpanIssue] = []
    with tempfile.TemporaryDirectory(prefix="annotator-train-") as tmp_name:
        tmp = Path(tmp_name)
        reports, parts, datas = _train_layers(
            lang, wanted, train_records, dev_records, tmp, max_steps, seed, width, echo, task, issues
        )
        if not parts:
            raise _nothing_to_train(store, lang, annotator, [r.skipped for r in reports.values()])
        staging = tmp / "pipeline"
        staging.mkdir()
        components: list[str] = []
        for which in ("model-best", "model-last"):
            components = _assemble(lang, parts, which, staging / which)
        model = spacy.load(staging / "model-best")
        for layer in parts:
            reports[layer].score = evaluate(model, layer, datas[layer].dev, datas[layer].labels)
        for which in ("model-best", "model-last"):
            _stamp_meta(staging / which, lang, records, reports)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(out))
    task.progress(1, 1, "trained")
    return TrainReport(
        model_dir=out / "model-best",
        lang=lang,
        annotators=sorted({r.annotator or "?" for r in records}),
        train_docs=len({r.text_sha256 for r in train_records}),
        dev_docs=len({r.text_sha256 for r in dev_records}),
        layers=reports,
        components=components,
        issues=issues,
        notices=notices,
    )


def _stamp_meta(
    folder: Path, lang: str, records: list[AnnotationRecord], reports: dict[str, LayerReport]
) -> None:
    """Name the model in its meta.json, with what each layer learned from and its held-out F1,
    so suggestions made with it say where they came from and a model list can show its scores."""
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["name"] = MODEL_NAME
    meta["lang"] = lang
    trained = [r.layer for r in reports.values() if r.trained]
    meta["description"] = (
        f"{', '.join(trained)} trained by annotator {__version__} on {len(records)} annotated "
        "document(s)"
    )
    meta["annotator"] = {
        "version": __version__,
        "documents": len(records),
        "layers": {
            r.layer: {
                "trained": r.trained,
                "train_docs": r.train_docs,
                "dev_docs": r.dev_docs,
                "labels": r.labels,
                "f1": round(r.score.f, 4) if r.score is not None else None,
                "skipped": r.skipped,
            }
            for r in reports.values()
        },
    }
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


# --- cross-validation ---------------------------------------------------------------------------

@dataclass
class FoldsReport:
    """k-fold cross-validation: each layer's F1 per fold, its mean and spread, and per label."""

    lang: str
    folds: int
    documents: int
    f1: dict[str, list[float]] = field(default_factory=dict)  # layer -> F1 of each fold
    label_f1: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # layer -> label -> F1s
    skipped: dict[str, list[str]] = field(default_factory=dict)  # layer -> why, per fold left out
    notices: list[str] = field(default_factory=list)

    @staticmethod
    def spread(values: Sequence[float]) -> tuple[float, float]:
        mean = statistics.fmean(values)
        return mean, statistics.stdev(values) if len(values) > 1 else 0.0

    def lines(self) -> list[str]:
        out = list(self.notices)
        out.append(f"{self.folds}-fold cross-validation on {self.documents} document(s)")
        for layer in LAYERS:
            scores = self.f1.get(layer, [])
            if not scores:
                if layer in self.skipped:
                    out.append(f"{layer}: not trained in any fold ({self.skipped[layer][0]})")
                continue
            mean, sd = self.spread(scores)
            folds = ", ".join(f"{s:.3f}" for s in scores)
            out.append(
                f"{layer}: F1 mean {mean:.3f}, spread (standard deviation) {sd:.3f} over "
                f"{len(scores)} fold(s) [{folds}]"
            )
            if layer in self.skipped:
                out.append(f"  not trained in {len(self.skipped[layer])} fold(s): {self.skipped[layer][0]}")
            for label, values in sorted(self.label_f1.get(layer, {}).items()):
                m, s = self.spread(values)
                out.append(f"  {label:<28} F mean {m:.3f}  spread {s:.3f}")
        return out


def fold_splits(
    records: list[AnnotationRecord], folds: int, seed: int
) -> list[tuple[list[AnnotationRecord], list[AnnotationRecord]]]:
    """``folds`` (train, held-out) pairs: documents shuffled as by the export's split, then dealt
    round-robin into folds, so that each document is held out exactly once."""
    shas = sorted({r.text_sha256 for r in records})
    random.Random(seed).shuffle(shas)
    out = []
    for k in range(folds):
        held = set(shas[k::folds])
        out.append(
            ([r for r in records if r.text_sha256 not in held], [r for r in records if r.text_sha256 in held])
        )
    return out


def cross_validate(
    store: Store,
    folds: int = 5,
    lang: str = "en",
    annotator: str | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
    seed: int = 0,
    echo: Callable[[str], None] | None = None,
    task: TaskState | None = None,
    layers: Sequence[str] = LAYERS,
    width: int | None = None,
) -> FoldsReport:
    """Train and score every layer ``folds`` times, each time holding out another fifth (for 5)."""
    task = task or TaskState()
    wanted = _check_layers(layers)
    if folds < 2:
        raise AnnotatorError(f"--folds {folds} must be at least 2")
    if max_steps < 1:
        raise AnnotatorError(f"--max-steps {max_steps} must be at least 1")
    records, notices = choose_records(store, lang, annotator)
    n_docs = len({r.text_sha256 for r in records})
    if n_docs < folds:
        raise AnnotatorError(
            f"--folds {folds}: only {n_docs} {lang!r} document(s) to share among the folds"
        )
    report = FoldsReport(lang, folds, n_docs, notices=notices)
    for k, (train_records, dev_records) in enumerate(fold_splits(records, folds, seed), start=1):
        if echo is not None:
            echo(f"=== fold {k} of {folds}: {len(train_records)} training, "
                 f"{len(dev_records)} held-out document(s) ===\n")
        with tempfile.TemporaryDirectory(prefix="annotator-folds-") as tmp_name:
            tmp = Path(tmp_name)
            reports, parts, datas = _train_layers(
                lang, wanted, train_records, dev_records, tmp, max_steps, seed, width, echo,
                task, None, (k - 1, folds), keep=False,
            )
            for layer, layer_report in reports.items():
                if layer_report.skipped:
                    report.skipped.setdefault(layer, []).append(layer_report.skipped)
            for layer, model in parts.items():
                score = evaluate(model, layer, datas[layer].dev, datas[layer].labels)
                report.f1.setdefault(layer, []).append(score.f)
                for label, s in score.per_label.items():
                    report.label_f1.setdefault(layer, {}).setdefault(label, []).append(s.f)
        task.check()
    if not report.f1:
        raise _nothing_to_train(store, lang, annotator, [v[0] for v in report.skipped.values()])
    return report
