"""Canonical actors: one real-world entity across all documents and languages, with its aliases.

Attributes follow the CAMEO and PLOVER actor codebooks: a kind, an ISO 3166 alpha-3 country, a
PLOVER sector, and optionally a Wikidata id, as the PLOVER manual recommends for linking. ``uid``
identifies the actor across databases and exports (the row id does not survive an export).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from typing import Any

from annotator.core.problems import ERROR, WARNING, Problem
from annotator.core.schema import Schema

_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_UID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,99}$")


def new_uid() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "other"
    country: str = ""  # ISO 3166-1 alpha-3, or empty
    sector: str = ""  # PLOVER sector code, or empty
    wikidata: str = ""  # e.g. "Q5580256", or empty
    notes: str = ""
    id: int | None = None
    uid: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name first, then the aliases."""
        return (self.name, *self.aliases)

    def with_(self, **changes: Any) -> Actor:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class ActorSummary:
    """One row of the actor list: the actor and how often it is mentioned."""

    actor: Actor
    mentions: int
    documents: int


def clean_name(name: str) -> str:
    return " ".join(name.split())


def clean_aliases(name: str, aliases: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Aliases without blanks, without the name itself, without repeats (case-insensitively)."""
    seen = {clean_name(name).casefold()}
    result: list[str] = []
    for alias in aliases:
        alias = clean_name(alias)
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            result.append(alias)
    return tuple(result)


def validate_actor(actor: Actor, schema: Schema) -> list[Problem]:
    problems: list[Problem] = []
    if not clean_name(actor.name):
        problems.append(Problem(ERROR, "name", "an actor needs a name"))
    for alias in actor.aliases:
        if not clean_name(alias):
            problems.append(Problem(ERROR, "aliases", "an alias is empty"))
    if actor.kind not in schema.kind_ids:
        known = ", ".join(sorted(schema.kind_ids))
        problems.append(Problem(ERROR, "kind", f"unknown kind {actor.kind!r}; known: {known}"))
    if actor.country:
        if not _COUNTRY.match(actor.country):
            problems.append(
                Problem(ERROR, "country", f"{actor.country!r} is not an ISO 3166 alpha-3 code")
            )
        elif actor.country not in schema.country_codes:
            problems.append(
                Problem(WARNING, "country", f"{actor.country} is not in the schema's country list")
            )
    if actor.sector and actor.sector not in schema.sector_codes:
        problems.append(Problem(ERROR, "sector", f"unknown sector {actor.sector!r}"))
    if actor.wikidata and not _WIKIDATA.match(actor.wikidata):
        problems.append(
            Problem(ERROR, "wikidata", f"{actor.wikidata!r} is not a Wikidata id (Q123...)")
        )
    if actor.uid and not _UID.match(actor.uid):
        problems.append(Problem(ERROR, "uid", f"{actor.uid!r} is not a valid actor uid"))
    return problems


def actors_from_seed(data: Any, source: str, schema: Schema) -> list[Actor]:
    """Actors of a seed file (``{"actors": [...]}``), checked: errors name the file and the entry."""
    from annotator.core.errors import SchemaError

    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise SchemaError(f"{source}: expected an object with an 'actors' list")
    actors: list[Actor] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data["actors"]):
        where = f"{source}: actors[{i}]"
        if not isinstance(item, dict):
            raise SchemaError(f"{where}: expected an object")
        for key in ("uid", "name", "kind", "country", "sector", "wikidata", "notes"):
            if key in item and not isinstance(item[key], str):
                raise SchemaError(f"{where}.{key}: expected a string")
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or any(not isinstance(a, str) for a in aliases):
            raise SchemaError(f"{where}.aliases: expected a list of strings")
        name = clean_name(item.get("name", ""))
        actor = Actor(
            name=name,
            aliases=clean_aliases(name, aliases),
            kind=item.get("kind", "other"),
            country=item.get("country", ""),
            sector=item.get("sector", ""),
            wikidata=item.get("wikidata", ""),
            notes=item.get("notes", ""),
            uid=item.get("uid", "") or new_uid(),
        )
        for problem in validate_actor(actor, schema):
            if problem.is_error:
                raise SchemaError(f"{where}.{problem.field}: {problem.message}")
        key = actor.uid
        if key in seen:
            raise SchemaError(f"{where}.uid: {key!r} is already used by actors[{seen[key]}]")
        seen[key] = i
        actors.append(actor)
    return actors


def read_actor_seed(path: Any, schema: Schema) -> list[Actor]:
    """Read a seed file of actors (``resources/actors-seed.json`` is the built-in one)."""
    from pathlib import Path

    from annotator.core.errors import SchemaError
    from annotator.core.jsonfile import read_json_file

    path = Path(path)
    data = read_json_file(path, SchemaError, "actor file")
    return actors_from_seed(data, str(path), schema)


class ActorIdentity:
    """One name per real-world actor across annotation sets that do not share a database.

    Two actors are the same when they have the same uid (seed actors, actors exported from one
    database) or the same name ignoring case and runs of white space (actors two analysts made
    separately), and so on transitively: the rule by which importing a record finds the stored
    actor. The name given to an actor is that of its first occurrence (``add`` order).
    """

    def __init__(self) -> None:
        self._parent: dict[tuple[str, str], tuple[str, str]] = {}
        self._seq: dict[tuple[str, str], int] = {}  # node -> order of creation
        self._name: dict[tuple[str, str], str] = {}  # node -> name of the actor that made it

    def _find(self, node: tuple[str, str]) -> tuple[str, str]:
        while self._parent[node] != node:
            self._parent[node] = self._parent[self._parent[node]]
            node = self._parent[node]
        return node

    @staticmethod
    def _nodes(actor: Actor) -> list[tuple[str, str]]:
        nodes = [("name", " ".join(actor.name.split()).casefold())]
        if actor.uid:
            nodes.insert(0, ("uid", actor.uid))
        return nodes

    def add(self, actor: Actor) -> None:
        nodes = self._nodes(actor)
        for node in nodes:
            if node not in self._parent:
                self._parent[node] = node
                self._seq[node] = len(self._seq)
                self._name[node] = actor.name
        roots = {self._find(node) for node in nodes}
        # The class's oldest node was made by its first actor: it stays the root.
        keep = min(roots, key=self._seq.__getitem__)
        for root in roots:
            self._parent[root] = keep

    def name(self, actor: Actor) -> str:
        """The name standing for ``actor`` and every actor it is the same as."""
        known = [node for node in self._nodes(actor) if node in self._parent]
        return self._name[self._find(known[0])] if known else actor.name
