"""What a run works with: the label set, the analysis schema and the spaCy model per language.

Each comes from the run's option (``--labels``, ``--schema``, ``--model``), else from the user's
settings, else from the built-in default. The command line and the desktop application both start
from here, so neither depends on the other (the window used to import these from ``cli.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import InputError
from annotator.core.labels import LabelSet, default_labels
from annotator.settings import Settings

if TYPE_CHECKING:
    from annotator.core.schema import Schema


def parse_models(values: Sequence[str], settings: Settings) -> dict[str, str]:
    """Language -> model name or path: the settings' models, overridden by ``[LANG=]NAME`` values."""
    models = dict(settings.models)
    for value in values:
        if "=" in value:
            lang, name = value.split("=", 1)
            models[lang.strip()] = name.strip()
        else:
            # A bare model: use it for the language it declares.
            models[model_language(value)] = value
    return models


def model_language(name: str) -> str:
    """The language a spaCy model (installed package or folder) declares in its meta."""
    import spacy

    try:
        path = Path(name)
        if path.exists():
            meta = spacy.util.load_meta(path / "meta.json")
        else:
            meta = spacy.util.get_package_meta(name) if hasattr(spacy.util, "get_package_meta") else {}
        return str(meta.get("lang") or name.split("_")[0])
    except Exception as exc:  # noqa: BLE001 - any failure here means the model is unusable
        raise InputError(f"cannot read the model's language ({exc}); write it as LANG={name}", name) from None


def load_labels(path: Path | None, settings: Settings) -> LabelSet:
    """The label set: ``--labels``, else the settings' label file, else the built-in one."""
    if path is not None:
        return LabelSet.load(path)
    if settings.labels_path:
        return LabelSet.load(Path(settings.labels_path))
    return default_labels()


def load_schema_for(path: Path | None, settings: Settings) -> Schema:
    """The analysis schema: ``--schema``, else the settings' schema path, else the built-in one."""
    from annotator.core.schema import default_schema, load_schema

    if path is not None:
        return load_schema(path)
    if settings.schema_path:
        return load_schema(Path(settings.schema_path))
    return default_schema()
