"""The label set: names, key bindings, colours, and how model labels map onto it.

Loaded from a JSON file (``resources/labels.json`` by default) and validated with clear errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import SchemaError

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    key: str
    color: str
    description: str = ""


@dataclass
class LabelSet:
    labels: list[Label]
    model_labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_name = {label.name: label for label in self.labels}

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    def get(self, name: str) -> Label | None:
        return self._by_name.get(name)

    def by_key(self, key: str) -> Label | None:
        for label in self.labels:
            if label.key == key:
                return label
        return None

    def color(self, name: str) -> str:
        label = self._by_name.get(name)
        return label.color if label else "#777777"

    def map_model_label(self, model_label: str) -> str | None:
        """The label a model's entity type becomes, or None when analysts do not want it."""
        mapped = self.model_labels.get(model_label)
        if mapped is None and model_label in self._by_name:
            mapped = model_label
        return mapped if mapped in self._by_name else None

    @classmethod
    def from_dict(cls, data: Any, source: str = "<labels>") -> LabelSet:
        if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
            raise SchemaError(f"{source}: expected an object with a 'labels' list")
        labels: list[Label] = []
        seen_names: set[str] = set()
        seen_keys: set[str] = set()
        for i, item in enumerate(data["labels"]):
            where = f"{source}: labels[{i}]"
            if not isinstance(item, dict):
                raise SchemaError(f"{where}: expected an object")
            name = item.get("name")
            if not isinstance(name, str) or not _NAME.match(name):
                raise SchemaError(f"{where}: 'name' must be a word of letters, digits, _ or -")
            if name in seen_names:
                raise SchemaError(f"{where}: label {name!r} is defined twice")
            key = str(item.get("key", ""))
            if key and (len(key) != 1 or key in seen_keys):
                raise SchemaError(f"{where}: key {key!r} must be one character, used once")
            color = item.get("color", "#777777")
            if not isinstance(color, str) or not _COLOR.match(color):
                raise SchemaError(f"{where}: colour {color!r} is not of the form #RRGGBB")
            seen_names.add(name)
            if key:
                seen_keys.add(key)
            labels.append(Label(name, key, color, str(item.get("description", ""))))
        model_labels = data.get("model_labels", {})
        if not isinstance(model_labels, dict):
            raise SchemaError(f"{source}: 'model_labels' must be an object")
        for model_label, target in model_labels.items():
            if target not in seen_names:
                raise SchemaError(f"{source}: model label {model_label!r} maps to unknown label {target!r}")
        return cls(labels, {str(k): str(v) for k, v in model_labels.items()})

    @classmethod
    def load(cls, path: Path) -> LabelSet:
        from annotator.core.jsonfile import read_json_file

        data = read_json_file(Path(path), SchemaError, "label set")
        return cls.from_dict(data, str(path))


def default_labels() -> LabelSet:
    from annotator.resources import resource

    return LabelSet.load(resource("labels.json"))
