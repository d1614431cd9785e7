"""The trained models an analyst can choose from: found in model folders, described by the
``meta.json`` that ``annotator train`` writes (name, date, training set size, held-out F1 per layer).

``annotator train --out FOLDER`` writes ``FOLDER/model-best`` and ``FOLDER/model-last``; the best
one is what suggestions use, so a model folder is searched for ``*/model-best`` (and for a
``model-best`` or a pipeline folder given directly). Only pipelines whose meta names annotator's
training (its ``annotator`` entry) are listed: the scores shown come from there. Reading JSON and
listing folders is all there is to it; spaCy is not loaded here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from annotator.services.training_layers import LAYERS


@dataclass(frozen=True)
class LayerScore:
    layer: str
    trained: bool
    train_docs: int
    dev_docs: int
    f1: float | None
    skipped: str = ""


@dataclass(frozen=True)
class TrainedModel:
    """One trained pipeline: its folder, the name shown, when it was trained, what it learned."""

    path: Path
    name: str
    lang: str
    trained_at: datetime
    documents: int
    layers: dict[str, LayerScore] = field(default_factory=dict)

    def scores(self) -> str:
        """Per layer its held-out F1, or why it was not trained: "frames F1 0.93 · events —"."""
        parts = []
        for layer in LAYERS:
            score = self.layers.get(layer)
            if score is None:
                continue
            if score.trained and score.f1 is not None:
                parts.append(f"{layer} F1 {score.f1:.2f}")
            else:
                parts.append(f"{layer} not trained")
        return " · ".join(parts)

    def trained_layers(self) -> list[str]:
        return [layer for layer in LAYERS if layer in self.layers and self.layers[layer].trained]


def read_model(path: Path) -> TrainedModel | None:
    """The model in ``path`` (a pipeline folder), or None when it is not one annotator trained."""
    meta_path = path / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        stamp = meta_path.stat().st_mtime
    except (OSError, ValueError):
        return None
    info = meta.get("annotator") if isinstance(meta, dict) else None
    if not isinstance(info, dict) or not isinstance(info.get("layers"), dict):
        return None
    layers: dict[str, LayerScore] = {}
    for layer, values in info["layers"].items():
        if not isinstance(values, dict):
            continue
        f1 = values.get("f1")
        layers[str(layer)] = LayerScore(
            str(layer),
            bool(values.get("trained")),
            _int(values.get("train_docs")),
            _int(values.get("dev_docs")),
            float(f1) if isinstance(f1, int | float) else None,
            str(values.get("skipped") or ""),
        )
    name = path.parent.name if path.name in ("model-best", "model-last") else path.name
    return TrainedModel(
        path=path,
        name=name,
        lang=str(meta.get("lang") or ""),
        trained_at=datetime.fromtimestamp(stamp).astimezone(),
        documents=_int(info.get("documents")),
        layers=layers,
    )


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def find_models(folders: list[Path]) -> list[TrainedModel]:
    """The trained models in ``folders`` (each a folder of model folders, or a model folder
    itself), newest first, each listed once."""
    seen: set[Path] = set()
    found: list[TrainedModel] = []
    for folder in folders:
        for candidate in _candidates(folder):
            key = candidate.resolve()
            if key in seen:
                continue
            model = read_model(candidate)
            if model is not None:
                seen.add(key)
                found.append(model)
    found.sort(key=lambda m: m.trained_at, reverse=True)
    return found


def _candidates(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    if (folder / "meta.json").is_file():
        return [folder]
    if (folder / "model-best" / "meta.json").is_file():
        return [folder / "model-best"]
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError:
        return []
    out = []
    for child in children:
        if (child / "model-best" / "meta.json").is_file():
            out.append(child / "model-best")
        elif (child / "meta.json").is_file() and child.name != "model-last":
            out.append(child)
    return out
