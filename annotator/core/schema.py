"""The analysis schema as data: actor kinds, sectors, countries, event ontology, framing codebook.

The label sets live in JSON files under ``resources/`` (``actors.json``, ``events.json``,
``framing.json``) so that a team can adapt them without touching code. They are loaded and checked
at start-up; any problem is a ``SchemaError`` naming the file, the place in the JSON (such as
``categories[5].modes[2].id``) and the reason.

A user schema (settings or ``--schema PATH``) overrides the built-in one part by part:

- a folder holding any of ``actors.json``, ``events.json``, ``framing.json``; or
- one JSON file with any of the top-level keys ``"actors"``, ``"events"``, ``"framing"``, each
  holding what the file of that name would hold.

Parts the user schema does not give come from the built-in files. See ``docs/SCHEMA.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.core.errors import SchemaError

PARTS = ("actors", "events", "framing")
ARGUMENT_REFS = ("actor", "span")
CHECK_LEVELS = ("error", "warning")
# Conditions a coding rule ("check") may test; see ``annotator.core.events``.
CHECK_CONDITIONS = (
    "category",
    "mode",
    "context",
    "context_not",
    "factuality",
    "cameo",
    "actors_at_least",
    "same_actor_and_recipient",
)

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_CATEGORY = re.compile(r"^[A-Z][A-Z_]*$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_CAMEO = re.compile(r"^[0-9]{2,4}$")


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a closed list: an id, a display name and a description."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Sector:
    code: str
    group: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Role:
    """An event argument role, and what an argument of that role may point at."""

    id: str
    name: str
    refers_to: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Category:
    """An event category with its modes, the roles it requires and CAMEO codes per mode."""

    name: str
    quad: str
    description: str
    modes: tuple[Choice, ...]
    requires: tuple[str, ...]
    cameo_by_mode: Mapping[str, str] = field(default_factory=dict)

    @property
    def mode_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.modes)


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    category: str | None  # the PLOVER category it maps to; None where PLOVER drops it


@dataclass(frozen=True, slots=True)
class Check:
    """A coding rule: when every condition holds, the event gets ``message`` at ``level``."""

    id: str
    level: str
    when: Mapping[str, Any]
    message: str


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    code: int
    name: str
    description: str
    semeval: bool


@dataclass(frozen=True, slots=True)
class Tone:
    id: str
    value: int
    name: str


@dataclass(frozen=True, slots=True)
class Technique:
    id: str
    group: str


@dataclass
class Schema:
    """Every closed list the annotation model uses, with lookups."""

    kinds: list[Choice]
    sector_groups: list[Choice]
    sectors: list[Sector]
    countries: list[Choice]
    roles: list[Role]
    source_refers_to: tuple[str, ...]
    factuality: list[Choice]
    categories: list[Category]
    contexts: list[Choice]
    cameo: list[CameoCode]
    checks: list[Check]
    dimensions: list[Dimension]
    tone: list[Tone]
    frame_roles: list[Choice]
    technique_groups: list[Choice]
    techniques: list[Technique]
    sources: dict[str, str] = field(default_factory=dict)  # part -> file it came from

    def __post_init__(self) -> None:
        self._categories = {c.name: c for c in self.categories}
        self._cameo = {c.code: c for c in self.cameo}
        self._roles = {r.id: r for r in self.roles}

    # -- lookups ------------------------------------------------------------------------------

    @property
    def kind_ids(self) -> set[str]:
        return {k.id for k in self.kinds}

    @property
    def sector_codes(self) -> set[str]:
        return {s.code for s in self.sectors}

    @property
    def country_codes(self) -> set[str]:
        return {c.id for c in self.countries}

    @property
    def context_ids(self) -> set[str]:
        return {c.id for c in self.contexts}

    @property
    def factuality_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.factuality)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    @property
    def tone_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tone)

    @property
    def frame_role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.frame_roles)

    @property
    def technique_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.techniques)

    def category(self, name: str) -> Category | None:
        return self._categories.get(name)

    def role(self, role_id: str) -> Role | None:
        return self._roles.get(role_id)

    def cameo_code(self, code: str) -> CameoCode | None:
        return self._cameo.get(code)

    def modes_for(self, category: str) -> tuple[Choice, ...]:
        """The modes valid for a category (the only ones the event form offers)."""
        found = self._categories.get(category)
        return found.modes if found else ()

    def cameo_for(self, category: str) -> list[CameoCode]:
        """The CAMEO codes that map onto a category."""
        return [c for c in self.cameo if c.category == category]

    def proposed_cameo(self, category: str, mode: str = "") -> str:
        """The CAMEO code to propose for a category and mode (most specific first)."""
        found = self._categories.get(category)
        if found is None:
            return ""
        if mode and mode in found.cameo_by_mode:
            return found.cameo_by_mode[mode]
        codes = self.cameo_for(category)
        three = [c.code for c in codes if len(c.code) == 3 and c.code.endswith("0")]
        return three[0] if three else (codes[0].code if codes else "")

    def span_layers(self) -> dict[str, tuple[str, ...]]:
        """Labels of the span layers the analysis adds: event triggers, frames, persuasion."""
        return {
            "event": tuple(c.name for c in self.categories),
            "frame": self.dimension_ids,
            "persuasion": self.technique_ids,
        }


# -- reading and checking -----------------------------------------------------------------------


class _Reader:
    """Walks a JSON document, raising SchemaError with the file and the JSON path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, reason: str) -> SchemaError:
        where = f"{self.source}: {path}" if path else self.source
        return SchemaError(f"{where}: {reason}")

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "expected an object")
        return value

    def items(self, data: dict[str, Any], key: str, path: str, optional: bool = False) -> list[Any]:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None and optional:
            return []
        if not isinstance(value, list):
            raise self.fail(where, "expected a list")
        return value

    def text(self, data: dict[str, Any], key: str, path: str, required: bool = True) -> str:
        value = data.get(key, None)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{path}.{key}", "expected a non-empty string")
        return value

    def ident(
        self, data: dict[str, Any], key: str, path: str, pattern: re.Pattern[str] = _ID
    ) -> str:
        value = self.text(data, key, path)
        if not pattern.match(value):
            raise self.fail(f"{path}.{key}", f"{value!r} is not a valid identifier")
        return value

    def unique(self, values: list[str], path: str, what: str) -> None:
        seen: set[str] = set()
        for i, value in enumerate(values):
            if value in seen:
                raise self.fail(f"{path}[{i}]", f"{what} {value!r} is defined twice")
            seen.add(value)

    def choices(
        self, data: dict[str, Any], key: str, id_key: str = "id", pattern: re.Pattern[str] = _ID
    ) -> list[Choice]:
        result: list[Choice] = []
        for i, raw in enumerate(self.items(data, key, "")):
            path = f"{key}[{i}]"
            item = self.obj(raw, path)
            ident = self.ident(item, id_key, path, pattern)
            name = self.text(item, "name", path, required=False) or ident
            result.append(Choice(ident, name, self.text(item, "description", path, required=False)))
        self.unique([c.id for c in result], key, id_key)
        if not result:
            raise self.fail(key, "the list is empty")
        return result


def _parse_actors(data: Any, source: str) -> dict[str, Any]:
    r = _Reader(source)
    data = r.obj(data, "")
    kinds = r.choices(data, "kinds")
    groups = r.choices(data, "sector_groups")
    group_ids = {g.id for g in groups}
    sectors: list[Sector] = []
    for i, raw in enumerate(r.items(data, "sectors", "")):
        path = f"sectors[{i}]"
        item = r.obj(raw, path)
        code = r.ident(item, "code", path, re.compile(r"^[A-Z]{3}$"))
        group = r.text(item, "group", path)
        if group not in group_ids:
            raise r.fail(f"{path}.group", f"unknown sector group {group!r}")
        name = r.text(item, "name", path)
        sectors.append(Sector(code, group, name, r.text(item, "description", path, False)))
    r.unique([s.code for s in sectors], "sectors", "sector")
    countries = r.choices(data, "countries", "code", _COUNTRY)
    return {"kinds": kinds, "sector_groups": groups, "sectors": sectors, "countries": countries}


def _parse_events(data: Any, source: str) -> dict[str, Any]:
    r = _Reader(source)
    data = r.obj(data, "")
    roles: list[Role] = []
    for i, raw in enumerate(r.items(data, "roles", "")):
        path = f"roles[{i}]"
        item = r.obj(raw, path)
        refers = item.get("refers_to")
        if not isinstance(refers, list) or not refers or set(refers) - set(ARGUMENT_REFS):
            allowed = ", ".join(ARGUMENT_REFS)
            raise r.fail(f"{path}.refers_to", f"expected a non-empty list of {allowed}")
        roles.append(
            Role(r.ident(item, "id", path), r.text(item, "name", path), tuple(refers),
                 r.text(item, "description", path, False))
        )
    r.unique([x.id for x in roles], "roles", "role")
    role_ids = {x.id for x in roles}
    for needed in ("actor", "recipient"):
        if needed not in role_ids:
            raise r.fail("roles", f"the role {needed!r} is required")
    source_refers = data.get("source_refers_to", list(ARGUMENT_REFS))
    if not isinstance(source_refers, list) or any(x not in ARGUMENT_REFS for x in source_refers):
        raise r.fail("source_refers_to", f"expected a list of {', '.join(ARGUMENT_REFS)}")
    factuality = r.choices(data, "factuality")
    contexts = r.choices(data, "contexts")

    categories: list[Category] = []
    for i, raw in enumerate(r.items(data, "categories", "")):
        path = f"categories[{i}]"
        item = r.obj(raw, path)
        name = r.ident(item, "name", path, _CATEGORY)
        modes: list[Choice] = []
        for j, raw_mode in enumerate(r.items(item, "modes", path, optional=True)):
            mpath = f"{path}.modes[{j}]"
            mode = r.obj(raw_mode, mpath)
            mode_id = r.ident(mode, "id", mpath)
            modes.append(Choice(mode_id, mode_id, r.text(mode, "description", mpath, False)))
        r.unique([m.id for m in modes], f"{path}.modes", "mode")
        requires = item.get("requires", ["actor"])
        if not isinstance(requires, list) or any(not isinstance(x, str) for x in requires):
            raise r.fail(f"{path}.requires", "expected a list of role ids")
        for j, role in enumerate(requires):
            if role not in role_ids:
                raise r.fail(f"{path}.requires[{j}]", f"unknown role {role!r}")
        by_mode = item.get("cameo_by_mode", {})
        if not isinstance(by_mode, dict):
            raise r.fail(f"{path}.cameo_by_mode", "expected an object")
        for mode_id in by_mode:
            if mode_id not in {m.id for m in modes}:
                raise r.fail(
                    f"{path}.cameo_by_mode.{mode_id}", f"{mode_id!r} is not a mode of {name}"
                )
        categories.append(
            Category(
                name,
                r.text(item, "quad", path, False),
                r.text(item, "description", path, False),
                tuple(modes),
                tuple(requires),
                {str(k): str(v) for k, v in by_mode.items()},
            )
        )
    r.unique([c.name for c in categories], "categories", "category")
    if not categories:
        raise r.fail("categories", "the list is empty")
    names = {c.name for c in categories}

    cameo: list[CameoCode] = []
    for i, raw in enumerate(r.items(data, "cameo", "", optional=True)):
        path = f"cameo[{i}]"
        item = r.obj(raw, path)
        code = r.text(item, "code", path)
        if not _CAMEO.match(code):
            raise r.fail(f"{path}.code", f"{code!r} is not a CAMEO code (2 to 4 digits)")
        category = item.get("category")
        if category is not None and category not in names:
            raise r.fail(f"{path}.category", f"unknown category {category!r}")
        cameo.append(CameoCode(code, r.text(item, "name", path), category))
    r.unique([c.code for c in cameo], "cameo", "CAMEO code")
    codes = {c.code: c for c in cameo}
    for i, category in enumerate(categories):
        for mode_id, code in category.cameo_by_mode.items():
            listed = codes.get(code)
            if listed is None or listed.category != category.name:
                raise r.fail(
                    f"categories[{i}].cameo_by_mode.{mode_id}",
                    f"CAMEO code {code!r} is not listed for {category.name} under 'cameo'",
                )

    checks: list[Check] = []
    for i, raw in enumerate(r.items(data, "checks", "", optional=True)):
        path = f"checks[{i}]"
        item = r.obj(raw, path)
        level = r.text(item, "level", path)
        if level not in CHECK_LEVELS:
            raise r.fail(f"{path}.level", f"expected one of {', '.join(CHECK_LEVELS)}")
        when = r.obj(item.get("when"), f"{path}.when")
        if not when:
            raise r.fail(f"{path}.when", "a check needs at least one condition")
        for key, value in when.items():
            if key not in CHECK_CONDITIONS:
                known = ", ".join(CHECK_CONDITIONS)
                raise r.fail(f"{path}.when.{key}", f"unknown condition; known: {known}")
            if key == "category" and value not in names:
                raise r.fail(f"{path}.when.category", f"unknown category {value!r}")
            if key == "actors_at_least" and (isinstance(value, bool) or not isinstance(value, int)):
                raise r.fail(f"{path}.when.{key}", "expected an integer")
            if key == "same_actor_and_recipient" and not isinstance(value, bool):
                raise r.fail(f"{path}.when.{key}", "expected true or false")
        message = r.text(item, "message", path)
        checks.append(Check(r.ident(item, "id", path), level, dict(when), message))
    r.unique([c.id for c in checks], "checks", "check")
    return {
        "roles": roles,
        "source_refers_to": tuple(source_refers),
        "factuality": factuality,
        "categories": categories,
        "contexts": contexts,
        "cameo": cameo,
        "checks": checks,
    }


def _parse_framing(data: Any, source: str) -> dict[str, Any]:
    r = _Reader(source)
    data = r.obj(data, "")
    dimensions: list[Dimension] = []
    for i, raw in enumerate(r.items(data, "dimensions", "")):
        path = f"dimensions[{i}]"
        item = r.obj(raw, path)
        code = item.get("code", i + 1)
        if isinstance(code, bool) or not isinstance(code, int):
            raise r.fail(f"{path}.code", "expected an integer")
        dimensions.append(
            Dimension(r.ident(item, "id", path), code, r.text(item, "name", path),
                      r.text(item, "description", path, False), bool(item.get("semeval", True)))
        )
    r.unique([d.id for d in dimensions], "dimensions", "dimension")
    if not dimensions:
        raise r.fail("dimensions", "the list is empty")
    tone: list[Tone] = []
    for i, raw in enumerate(r.items(data, "tone", "")):
        path = f"tone[{i}]"
        item = r.obj(raw, path)
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int):
            raise r.fail(f"{path}.value", "expected an integer")
        tone.append(Tone(r.ident(item, "id", path), value, r.text(item, "name", path)))
    r.unique([t.id for t in tone], "tone", "tone")
    if not tone:
        raise r.fail("tone", "the list is empty")
    roles = r.choices(data, "roles")
    groups = r.choices(data, "technique_groups") if "technique_groups" in data else []
    group_ids = {g.id for g in groups}
    techniques: list[Technique] = []
    for i, raw in enumerate(r.items(data, "techniques", "", optional=True)):
        path = f"techniques[{i}]"
        item = r.obj(raw, path)
        group = r.text(item, "group", path, required=False)
        if group and group not in group_ids:
            raise r.fail(f"{path}.group", f"unknown technique group {group!r}")
        techniques.append(Technique(r.ident(item, "id", path), group))
    r.unique([t.id for t in techniques], "techniques", "technique")
    return {
        "dimensions": dimensions,
        "tone": tone,
        "frame_roles": roles,
        "technique_groups": groups,
        "techniques": techniques,
    }


_PARSERS: dict[str, Callable[[Any, str], dict[str, Any]]] = {
    "actors": _parse_actors,
    "events": _parse_events,
    "framing": _parse_framing,
}


def _read_json(path: Path) -> Any:
    from annotator.core.jsonfile import read_json_file

    return read_json_file(path, SchemaError, "schema file")


def builtin_dir() -> Path:
    from annotator.resources import RESOURCES

    return RESOURCES


def _user_parts(path: Path) -> dict[str, tuple[Any, str]]:
    """The parts a user schema gives: {part: (data, source name)}."""
    if path.is_dir():
        parts = {
            part: (_read_json(path / f"{part}.json"), str(path / f"{part}.json"))
            for part in PARTS
            if (path / f"{part}.json").is_file()
        }
        if not parts:
            raise SchemaError(
                f"{path}: the folder holds none of actors.json, events.json, framing.json"
            )
        return parts
    if not path.exists():
        raise SchemaError(f"{path}: no such schema file or folder")
    data = _read_json(path)
    if not isinstance(data, dict):
        raise SchemaError(f"{path}: expected an object with 'actors', 'events' and/or 'framing'")
    unknown = sorted(set(data) - set(PARTS) - {"version", "description"})
    if unknown:
        raise SchemaError(
            f"{path}: {unknown[0]}: unknown part; a schema file holds {', '.join(PARTS)}"
        )
    parts = {part: (data[part], f"{path} ({part})") for part in PARTS if part in data}
    if not parts:
        raise SchemaError(f"{path}: the file holds none of 'actors', 'events', 'framing'")
    return parts


def load_schema(path: Path | str | None = None) -> Schema:
    """The built-in schema, with the parts given by a user schema (file or folder) replacing it."""
    fields_: dict[str, Any] = {}
    sources: dict[str, str] = {}
    given = _user_parts(Path(path)) if path else {}
    for part in PARTS:
        if part in given:
            data, source = given[part]
        else:
            file = builtin_dir() / f"{part}.json"
            data, source = _read_json(file), str(file)
        fields_.update(_PARSERS[part](data, source))
        sources[part] = source
    schema = Schema(**fields_, sources=sources)
    _cross_check(schema)
    return schema


def _cross_check(schema: Schema) -> None:
    """Checks that span more than one part (none today beyond each part's own)."""
    overlap = set(schema.dimension_ids) & set(schema.technique_ids)
    if overlap:
        raise SchemaError(
            f"{schema.sources['framing']}: {sorted(overlap)[0]!r} is both a frame dimension "
            "and a technique"
        )


@lru_cache(maxsize=1)
def default_schema() -> Schema:
    """The built-in schema (cached: it is read once per process)."""
    return load_schema(None)
