"""Actor use cases: the shared registry (list, search, proposals) and undoable actor commands.

The registry is shared by all documents and annotators. Commands follow ``services/annotate.py``:
each has ``text``, ``do()`` and ``undo()``, each ``do``/``undo`` is one transaction, and each
returns a ``Change`` (with ``actors=True``) so the GUI refreshes only what changed. Commands that
concern the registry as a whole (rename, merge, split) take the document the analyst is looking
at, so that undoing them later shows that document again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from annotator.core.actors import Actor, ActorSummary, clean_aliases, clean_name, validate_actor
from annotator.core.errors import AnnotatorError, StoreError
from annotator.core.framing import EVIDENCE_LAYERS
from annotator.core.model import Origin, Span
from annotator.core.problems import raise_on_errors
from annotator.core.schema import Schema, default_schema
from annotator.nlp.aliases import AliasIndex, Candidate, find_mentions, normalize, search_terms
from annotator.nlp.places import warm_up
from annotator.services.annotate import AnnotationSession, Change, spans_extent
from annotator.store import Store
from annotator.store.actors import MergeRecord, SplitRecord
from annotator.store.mentions import MentionChange

# The entity label a new mention of an actor gets, by actor kind (when no label is given).
KIND_LABELS = {
    "person": "PERSON",
    "organization": "ORG",
    "armed_group": "ORG",
    "media": "ORG",
    "state": "GPE",
    "other": "MISC",
}
# The actor kind a model suggestion proposes, by its label (spaCy English and French labels).
LABEL_KINDS = {"PERSON": "person", "PER": "person", "ORG": "organization", "GPE": "state"}
MENTION_LAYER = "entity"


class ActorRegistry:
    """The actor registry of a database: listing, search, and alias proposals."""

    def __init__(self, store: Store, schema: Schema | None = None) -> None:
        self.store = store
        self.schema = schema or default_schema()
        self.repo = store.actors
        self._index: AliasIndex | None = None
        self._stamp: tuple[object, ...] | None = None
        warm_up()  # the country data state actors are matched with, off the caller's thread

    def actors(self) -> list[Actor]:
        return self.repo.all()

    def actor(self, actor_id: int) -> Actor:
        return self.repo.get(actor_id)

    def summaries(self, search: str = "") -> list[ActorSummary]:
        """Actors with mention counts, by name; with ``search``, those whose name or an alias
        contains it (accents, case and punctuation ignored), or that it names (fuzzy)."""
        rows = self.repo.summaries()
        query = normalize(search)
        if not query:
            return rows
        named = {c.actor.id for c in self.index().candidates(search, limit=10) if c.score >= 85}
        return [
            row
            for row in rows
            if row.actor.id in named or any(query in normalize(n) for n in row.actor.names)
        ]

    def index(self) -> AliasIndex:
        """The alias index, rebuilt when the registry changed (in this process or another)."""
        stamp = self.repo.registry_stamp()
        if self._index is None or stamp != self._stamp:
            self._index = AliasIndex(self.actors())
            self._stamp = stamp
        return self._index

    def propose(self, surface: str) -> tuple[Actor, float] | None:
        """The existing actor a surface form names, with its score (0-100), or None."""
        return self.index().propose(surface)

    def candidates(self, surface: str, limit: int = 5) -> list[Candidate]:
        """Actors a surface form may name, best first (for the 'choose another' list)."""
        return self.index().candidates(surface, limit)

    def mentions(self, doc_id: int, annotator_id: int | None = None) -> dict[int, int]:
        """{span id: actor id} of a document's actor mentions."""
        return self.store.mentions.in_document(doc_id, annotator_id)

    def references(self, actor_id: int) -> dict[str, int]:
        return self.repo.references(actor_id)


def _checked(actor: Actor, schema: Schema) -> Actor:
    actor = actor.with_(name=clean_name(actor.name), aliases=clean_aliases(actor.name, list(actor.aliases)))
    raise_on_errors(validate_actor(actor, schema))
    return actor


def new_actor_for(surface: str, label: str) -> Actor:
    """A new actor named by a surface form (without a possessive 's), its kind guessed from the
    entity label."""
    name = re.sub(r"['\u2019]s$", "", clean_name(surface)) or clean_name(surface)
    return Actor(name=name, kind=LABEL_KINDS.get(label, "other"))


class ActorCommands:
    """Factories of undoable actor commands for one analyst (their annotation session)."""

    def __init__(self, session: AnnotationSession, registry: ActorRegistry) -> None:
        self.session = session
        self.registry = registry
        self.repo = registry.repo
        self.mentions = session.store.mentions
        self.schema = registry.schema

    # registry commands ---------------------------------------------------------------------------

    def create(self, actor: Actor, doc_id: int = 0) -> CreateActor:
        return CreateActor(self, _checked(actor, self.schema), doc_id)

    def edit(self, actor: Actor, doc_id: int = 0) -> EditActor:
        """Store new attributes (name, aliases, kind, country, sector, Wikidata id, notes)."""
        if actor.id is None:
            raise StoreError("an actor to edit needs an id")
        return EditActor(self, _checked(actor, self.schema), doc_id, "Edit actor")

    def rename(self, actor_id: int, name: str, doc_id: int = 0, keep_old_as_alias: bool = True) -> EditActor:
        actor = self.repo.get(actor_id)
        aliases = [*actor.aliases, actor.name] if keep_old_as_alias else list(actor.aliases)
        renamed = actor.with_(name=clean_name(name), aliases=clean_aliases(name, aliases))
        return EditActor(self, _checked(renamed, self.schema), doc_id, f"Rename {actor.name} to {name}")

    def delete(self, actor_id: int, doc_id: int = 0) -> DeleteActor:
        return DeleteActor(self, actor_id, doc_id)

    def merge(self, keep_id: int, gone_id: int, doc_id: int = 0) -> MergeActors:
        """Merge actor ``gone_id`` into ``keep_id``: mentions, event arguments and roles follow."""
        return MergeActors(self, keep_id, gone_id, doc_id)

    def split(self, actor_id: int, alias: str, doc_id: int = 0, move_mentions: bool = True) -> SplitAlias:
        """Make ``alias`` an actor of its own; its mentions (spans whose text is that alias)
        move to it."""
        return SplitAlias(self, actor_id, alias, doc_id, move_mentions)

    # mention commands ----------------------------------------------------------------------------

    def link(self, doc_id: int, span_id: int, actor_id: int | None) -> LinkMention:
        """Make one of the analyst's spans a mention of an actor (None: of no actor)."""
        return LinkMention(self, doc_id, span_id, actor_id)

    def proposal_for_span(self, doc_id: int, span: Span) -> tuple[Actor, float] | None:
        text = self.session.document_text(doc_id)[span.start : span.end]
        return self.registry.propose(text)

    def accept_proposal(self, doc_id: int, span_id: int) -> LinkMention:
        """The one-key action: link a span to the actor the registry proposes for its text."""
        span = next((s for s in self.session.own_spans(doc_id) if s.id == span_id), None)
        if span is None:
            raise StoreError(f"span {span_id} is not one of your spans in document {doc_id}")
        proposal = self.proposal_for_span(doc_id, span)
        if proposal is None:
            raise AnnotatorError("no actor is proposed for this span; choose or create one")
        return LinkMention(self, doc_id, span_id, int(proposal[0].id))  # type: ignore[arg-type]

    def accept_suggestions(
        self,
        doc_id: int,
        suggestions: Sequence[Span],
        actor: int | Actor | None = None,
        label: str | None = None,
    ) -> AcceptAsMentions:
        """Accept model suggestions (PERSON/ORG/GPE/NORP..., PER/ORG/LOC) as actor mentions in one
        step: each with ``actor`` (an id, or a new Actor), else the proposed actor, else a new
        actor named by the suggestion (one per distinct name)."""
        text = self.session.document_text(doc_id)
        items: list[tuple[Span, int]] = []
        new_actors: list[Actor] = []
        new_by_name: dict[str, int] = {}
        links: list[tuple[int, int]] = []
        # The analyst's spans where the suggestions start (all that can share their offsets),
        # not every span of a long document.
        starts = [s.start for s in suggestions] or [0]
        where = (min(starts), max(starts) + 1)
        own = {
            (s.start, s.end): int(s.id)  # type: ignore[arg-type]
            for s in self.session.own_spans(doc_id, where)
            if s.layer == MENTION_LAYER
        }
        for suggestion in suggestions:
            surface = text[suggestion.start : suggestion.end]
            if isinstance(actor, int):
                ref = actor
            else:
                proposal = self.registry.propose(surface) if actor is None else None
                if proposal is not None:
                    ref = int(proposal[0].id)  # type: ignore[arg-type]
                else:
                    candidate = new_actor_for(surface, suggestion.label) if actor is None else actor
                    candidate = _checked(candidate, self.schema)
                    key = normalize(candidate.name)
                    if key not in new_by_name:
                        new_actors.append(candidate)
                        new_by_name[key] = -len(new_actors)
                    ref = new_by_name[key]
            existing = own.get((suggestion.start, suggestion.end))
            if existing is not None:  # the analyst has that span already: link it
                links.append((existing, ref))
                continue
            span_label = label or suggestion.label
            span = Span(suggestion.start, suggestion.end, span_label, Origin.MODEL, MENTION_LAYER)
            items.append((span, ref))
        count = len(items) + len(links)
        what = "Accept as actor mention" if count == 1 else f"Accept {count} actor mentions"
        return AcceptAsMentions(self, doc_id, items, links, new_actors, what)

    def tag_all(self, doc_id: int, actor_id: int, label: str | None = None) -> AcceptAsMentions:
        """Tag every other mention of the actor's names (and a person's surname) in the document:
        new spans where the analyst has none (none inside a marked region), links on their unlinked
        spans at those places."""
        actor = self.repo.get(actor_id)
        text = self.session.document_text(doc_id)
        own = self.session.own_spans(doc_id)
        mentions = self.mentions.in_document(doc_id, self.session.annotator.id)
        if label is None:
            labels = [s.label for s in own if mentions.get(s.id) == actor_id]  # type: ignore[arg-type]
            label = max(set(labels), key=labels.count) if labels else KIND_LABELS.get(actor.kind, "MISC")
        blocking = [s for s in own if s.layer not in EVIDENCE_LAYERS]
        marked = [r for r in self.session.store.regions.of_document(doc_id) if r.marked]
        items: list[tuple[Span, int]] = []
        links: list[tuple[int, int]] = []
        for start, end in find_mentions(text, search_terms(actor)):
            if any(r.overlaps(start, end) for r in marked):
                continue  # greyed text (a repeated line, boilerplate) gets no new mention
            same = [s for s in blocking if s.start == start and s.end == end and s.layer == MENTION_LAYER]
            if same:
                span = same[0]
                if mentions.get(span.id) is None:  # type: ignore[arg-type]
                    links.append((int(span.id), actor_id))  # type: ignore[arg-type]
                continue
            if any(s.start < end and start < s.end for s in blocking):
                continue
            items.append((Span(start, end, label, Origin.MANUAL, MENTION_LAYER), actor_id))
        return AcceptAsMentions(self, doc_id, items, links, [], f"Tag every mention of {actor.name}")


class CreateActor:
    def __init__(self, commands: ActorCommands, actor: Actor, doc_id: int) -> None:
        self.commands = commands
        self.actor = actor
        self.doc_id = doc_id
        self.text = f"Create actor {actor.name}"

    def do(self) -> Change:
        self.actor = self.commands.repo.add(self.actor)  # keeps id and uid on redo
        return Change(self.doc_id, actors=True)

    def undo(self) -> Change:
        self.commands.repo.delete(int(self.actor.id))  # type: ignore[arg-type]
        return Change(self.doc_id, actors=True)


class EditActor:
    def __init__(self, commands: ActorCommands, actor: Actor, doc_id: int, text: str) -> None:
        self.commands = commands
        self.actor = actor
        self.doc_id = doc_id
        self.text = text
        self.old: Actor | None = None

    def do(self) -> Change:
        self.old = self.commands.repo.update(self.actor)
        return Change(self.doc_id, actors=True)

    def undo(self) -> Change:
        assert self.old is not None
        self.commands.repo.update(self.old)
        return Change(self.doc_id, actors=True)


class DeleteActor:
    """Delete an actor nothing refers to (merge one that is referred to)."""

    def __init__(self, commands: ActorCommands, actor_id: int, doc_id: int) -> None:
        self.commands = commands
        self.actor_id = actor_id
        self.doc_id = doc_id
        self.deleted: Actor | None = None
        self.text = f"Delete actor {commands.repo.get(actor_id).name}"

    def do(self) -> Change:
        self.deleted = self.commands.repo.delete(self.actor_id)
        return Change(self.doc_id, actors=True)

    def undo(self) -> Change:
        assert self.deleted is not None
        self.commands.repo.add(self.deleted)
        return Change(self.doc_id, actors=True)


class MergeActors:
    def __init__(self, commands: ActorCommands, keep_id: int, gone_id: int, doc_id: int) -> None:
        self.commands = commands
        self.keep_id = keep_id
        self.gone_id = gone_id
        self.doc_id = doc_id
        self.record: MergeRecord | None = None
        keep, gone = commands.repo.get(keep_id), commands.repo.get(gone_id)
        self.text = f"Merge {gone.name} into {keep.name}"

    def do(self) -> Change:
        self.record = self.commands.repo.merge(self.keep_id, self.gone_id)
        return Change(self.doc_id, spans=True, actors=True, events=True, frames=True)

    def undo(self) -> Change:
        assert self.record is not None
        self.commands.repo.unmerge(self.record)
        return Change(self.doc_id, spans=True, actors=True, events=True, frames=True)


class SplitAlias:
    def __init__(
        self, commands: ActorCommands, actor_id: int, alias: str, doc_id: int, move_mentions: bool
    ) -> None:
        self.commands = commands
        self.actor_id = actor_id
        self.alias = clean_name(alias)
        self.doc_id = doc_id
        self.move_mentions = move_mentions
        source = commands.repo.get(actor_id)
        if self.alias.casefold() not in {a.casefold() for a in source.aliases}:
            raise StoreError(f"{alias!r} is not an alias of {source.name!r}")
        self.alias = next(a for a in source.aliases if a.casefold() == self.alias.casefold())
        self.created = _checked(
            Actor(name=self.alias, kind=source.kind, country=source.country, sector=source.sector),
            commands.schema,
        )
        self.record: SplitRecord | None = None
        self.text = f"Split {self.alias} off {source.name}"

    def _mentions_to_move(self) -> list[int]:
        if not self.move_mentions:
            return []
        wanted = normalize(self.alias)
        store = self.commands.session.store
        texts: dict[int, str] = {}
        moving: list[int] = []
        for doc_id, span in self.commands.mentions.of_actor(self.actor_id):
            if doc_id not in texts:
                texts[doc_id] = store.documents.get(doc_id).text
            if normalize(texts[doc_id][span.start : span.end]) == wanted:
                moving.append(int(span.id))  # type: ignore[arg-type]
        return moving

    def do(self) -> Change:
        # Every spelling that normalises like the alias goes with it ("Esmaïl" with "Esmail").
        source = self.commands.repo.get(self.actor_id)
        wanted = normalize(self.alias)
        spellings = [a for a in source.aliases if normalize(a) == wanted]
        if self.created.id is None:
            self.created = self.created.with_(aliases=clean_aliases(self.alias, spellings))
        self.record = self.commands.repo.split(
            self.actor_id, spellings, self.created, self._mentions_to_move()
        )
        self.created = self.record.created  # redo recreates it under the same id and uid
        return Change(self.doc_id, spans=True, actors=True)

    def undo(self) -> Change:
        assert self.record is not None
        self.commands.repo.unsplit(self.record)
        return Change(self.doc_id, spans=True, actors=True)


class LinkMention:
    def __init__(self, commands: ActorCommands, doc_id: int, span_id: int, actor_id: int | None) -> None:
        self.commands = commands
        self.doc_id = doc_id
        self.span_id = span_id
        self.actor_id = actor_id
        self.previous: int | None = None
        if actor_id is None:
            self.text = "Unlink actor"
        else:
            self.text = f"Link to {commands.repo.get(actor_id).name}"

    def do(self) -> Change:
        self.previous = self.commands.mentions.link(self.span_id, self.actor_id)
        return Change(self.doc_id, spans=True, actors=True)

    def undo(self) -> Change:
        self.commands.mentions.link(self.span_id, self.previous)
        return Change(self.doc_id, spans=True, actors=True)


class AcceptAsMentions:
    """Add spans as mentions of actors (creating new actors where needed) and link existing
    spans, in one transaction."""

    def __init__(
        self,
        commands: ActorCommands,
        doc_id: int,
        items: list[tuple[Span, int]],
        links: list[tuple[int, int]],
        new_actors: list[Actor],
        text: str,
    ) -> None:
        self.commands = commands
        self.doc_id = doc_id
        self.items = items
        self.links = links
        self.new_actors = new_actors
        self.text = text
        self.change: MentionChange | None = None

    @property
    def count(self) -> int:
        """How many mentions the command adds or links."""
        return len(self.items) + len(self.links)

    def do(self) -> Change:
        session = self.commands.session
        self.change = self.commands.mentions.add(
            self.doc_id, session.annotator.id, self.items, self.links, self.new_actors
        )
        # Redo restores the very same spans and actors (ids kept).
        self.new_actors = list(self.change.created)
        created_ids = {-(k + 1): int(a.id) for k, a in enumerate(self.change.created)}  # type: ignore[arg-type]
        self.items = [(span, actor) for span, actor in self.change.added]
        self.links = [(span_id, created_ids.get(ref, ref)) for span_id, ref in self.links]
        return self._change()

    def undo(self) -> Change:
        assert self.change is not None
        self.commands.mentions.remove(self.doc_id, self.change)
        return self._change()

    def _change(self) -> Change:
        """The spans added (a view reloads those only, not the whole document: Enter on one
        suggestion), the links and actors, and the status."""
        assert self.change is not None
        added = [span for span, _actor in self.change.added]
        return Change(
            self.doc_id, spans=bool(added), actors=True, status=self.change.status_was_todo,
            span_range=spans_extent(added),
        )


def load_actor_file(store: Store, path: Path, schema: Schema | None = None) -> tuple[int, int]:
    """Add the actors of a file (the format of ``resources/actors-seed.json``), in one
    transaction: new uids are created, known ones gain the aliases they lack. Returns (added,
    updated); a bad file raises SchemaError naming the file, the entry and the reason."""
    from annotator.core.actors import read_actor_seed

    actors = read_actor_seed(path, schema or default_schema())
    return store.actors.load(actors)
