"""Train a spaCy NER model from the analysts' annotations, for pre-annotating the next documents.

The loop analysts want: correct the model's suggestions, train on the corrections, use the new
model (``annotator import --model en=DIR/model-best``) for better suggestions. This module
exports the chosen annotation set of one language to DocBin train/dev files in a temporary
folder (split by document, reproducibly), generates a small CPU configuration with spaCy's own
``init_config``, trains with spaCy's training loop, and scores the best model on the held-out
documents. Spans spaCy cannot hold (overlaps in ``doc.ents``, edges inside tokens) are reported,
as in an export.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.core.errors import InputError
from annotator.core.model import AnnotationRecord, AnnotatorKind
from annotator.core.tasks import TaskState
from annotator.formats.issues import SpanIssue
from annotator.formats.spacy_docbin import ENT_LAYERS, write_docbin
from annotator.services.exporting import (
    ExportFilters,
    ExportReport,
    select_records,
    split_documents,
)
from annotator.store import Store

DEFAULT_MAX_STEPS = 2000
FRAMES_MIN_DOCS = 50
"""Documents with frames needed before a text classifier for frames is trained too (frames are
not yet part of the annotations, so only NER is trained today)."""


@dataclass
class TrainReport:
    model_dir: Path  # the best model: give this to --model
    lang: str
    annotators: list[str]
    train_docs: int
    dev_docs: int
    train_spans: int
    labels: list[str]
    scores: dict[str, Any]
    issues: list[SpanIssue] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [issue.line() for issue in self.issues]
        out += self.notices
        out.append(
            f"trained on {self.train_docs} document(s) with {self.train_spans} span(s) "
            f"({', '.join(self.annotators)}), labels {', '.join(self.labels)}"
        )
        p, r, f = (self.scores.get(k) or 0.0 for k in ("ents_p", "ents_r", "ents_f"))
        out.append(
            f"held-out score on {self.dev_docs} document(s): "
            f"precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}"
        )
        per_type = self.scores.get("ents_per_type") or {}
        for label in sorted(per_type):
            s = per_type[label]
            out.append(f"  {label:<10} P {s['p']:.3f}  R {s['r']:.3f}  F {s['f']:.3f}")
        out.append(f"model: {self.model_dir}")
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


def build_config(lang: str, train: Path, dev: Path, max_steps: int, seed: int) -> Any:
    """A small CPU NER configuration from spaCy's ``init_config``, pointed at the corpus."""
    from spacy.cli.init_config import init_config

    config = init_config(lang=lang, pipeline=["ner"], optimize="efficiency", gpu=False)
    config["paths"]["train"] = str(train)
    config["paths"]["dev"] = str(dev)
    config["system"]["seed"] = seed
    config["training"]["max_steps"] = max_steps
    config["training"]["eval_frequency"] = max(1, min(200, max_steps // 5))
    config["training"]["patience"] = max(400, max_steps // 4)
    return config


class _ProgressStream(io.TextIOBase):
    """Receives spaCy's training table: echoes it, reports the step, honours cancellation."""

    _ROW = re.compile(r"^\s*\d+\s+(\d+)\s")

    def __init__(
        self,
        echo: Callable[[str], None] | None,
        task: TaskState,
        max_steps: int,
        rename: tuple[str, str] = ("", ""),
    ) -> None:
        self.echo = echo
        self.task = task
        self.max_steps = max_steps
        self.rename = rename  # (temporary folder, final folder) as named in spaCy's messages

    def write(self, text: str) -> int:
        self.task.check()
        for line in text.splitlines():
            match = self._ROW.match(line)
            if match:
                self.task.progress(int(match.group(1)), self.max_steps, "training")
        if self.echo is not None:
            if self.rename[0]:
                text = text.replace(*self.rename)
            self.echo(text)
        return len(text)


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
) -> TrainReport:
    """Train an NER model into ``out`` (``out/model-best``, ``out/model-last``) and score it."""
    import spacy
    from spacy.training import Corpus
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    task = task or TaskState()
    out = Path(out)
    if max_steps < 1:
        raise InputError(f"--max-steps {max_steps} must be at least 1")
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise InputError(f"{out}: folder exists and is not empty (use --force to replace it)")
    records, notices = choose_records(store, lang, annotator)
    ent_spans = sum(1 for r in records for s in r.spans if s.layer in ENT_LAYERS)
    if not records or ent_spans == 0:
        who = f"annotator {annotator!r}" if annotator else "people (human annotators)"
        raise InputError(
            f"no {lang!r} documents with entity spans by {who} in {store.path}; "
            "annotate some first, or name a set with --annotator"
        )
    if len({r.text_sha256 for r in records}) >= 2:
        train_records, dev_records = split_documents(records, split, seed)
    else:
        train_records, dev_records = records, records
        notices.append("only one document: the held-out score is measured on the training data")
    issues: list[SpanIssue] = []
    with tempfile.TemporaryDirectory(prefix="annotator-train-") as tmp_name:
        tmp = Path(tmp_name)
        train_path, dev_path = tmp / "train.spacy", tmp / "dev.spacy"
        write_docbin(train_path, train_records, issues=issues)
        write_docbin(dev_path, dev_records, issues=[])  # same spans' issues: reported once
        config = build_config(lang, train_path, dev_path, max_steps, seed)
        task.progress(0, max_steps, "initialising")
        nlp = init_nlp(config, use_gpu=-1)
        staging = tmp / "model"
        staging.mkdir()
        stream = _ProgressStream(echo, task, max_steps, (str(staging), str(out)))
        train_loop(nlp, staging, use_gpu=-1, stdout=stream, stderr=stream)  # type: ignore[arg-type]
        best = staging / "model-best"
        if not best.exists():
            shutil.copytree(staging / "model-last", best)
        for folder in (best, staging / "model-last"):
            _stamp_meta(folder, lang, records)
        model = spacy.load(best)
        scores = model.evaluate(list(Corpus(str(dev_path))(model)))
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(out))
    task.progress(max_steps, max_steps, "trained")
    labels = sorted({s.label for r in train_records for s in r.spans if s.layer in ENT_LAYERS})
    return TrainReport(
        model_dir=out / "model-best",
        lang=lang,
        annotators=sorted({r.annotator or "?" for r in records}),
        train_docs=len({r.text_sha256 for r in train_records}),
        dev_docs=len({r.text_sha256 for r in dev_records}),
        train_spans=sum(len(r.spans) for r in train_records),
        labels=labels,
        scores=scores,
        issues=issues,
        notices=notices,
    )


def _stamp_meta(folder: Path, lang: str, records: list[AnnotationRecord]) -> None:
    """Name the model in its meta.json so suggestions made with it say where they came from."""
    import json

    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["name"] = "annotator_ner"
    meta["lang"] = lang
    meta["description"] = (
        f"NER trained by annotator {__version__} on {len(records)} annotated document(s)"
    )
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
