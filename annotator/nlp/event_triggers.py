"""Events proposed from trigger words: a lexicon per PLOVER category and mode, in English and
French (``resources/trigger-lexicon.json``), matched in the parse pre-annotation already made.

A match becomes a suggestion on the event layer, labelled with its category, like an entity
suggestion. ``TriggerLexicon.entry`` finds the category, mode and CAMEO code of a trigger again
from its text alone (no model needed when the analyst accepts it), and ``roles`` reads who acts
and who is acted upon from the sentence's dependency parse: the subject and the object (or the
object of a preposition: "met with X", "s'est rendu à Moscou"); in the passive, the agent acts
and the subject is acted upon.

Phrases are matched with spaCy's ``PhraseMatcher`` on lower-case token text, so each language's
own tokenizer splits "s'est rendu" as it splits the article; inflected forms are listed in the
lexicon rather than lemmatised, so that the same lookup works on the trigger text later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import SchemaError
from annotator.core.events import EVENT_LAYER
from annotator.core.model import Origin, Span
from annotator.core.schema import Schema
from annotator.resources import resource

if TYPE_CHECKING:  # spaCy is imported when a matcher is built, not when the window starts
    from spacy.matcher import PhraseMatcher

APOSTROPHES = ("'", "\u2019")
SUBJECTS = {"nsubj"}
PASSIVE_SUBJECTS = {"nsubjpass", "nsubj:pass"}
OBJECTS = {"dobj", "obj", "iobj", "obl:arg"}
PREPOSITIONAL = {"prep", "obl", "obl:mod", "nmod"}
AGENTS = {"agent", "obl:agent"}
# Prepositions that lead to whom an act is aimed at ("met with", "strike on", "s'est rendu à");
# others ("near Baghdad", "in Moscow") give a place, which is not the recipient.
TOWARDS = {"with", "on", "against", "to", "into", "avec", "contre", "sur", "à", "au", "aux", "en", "chez"}
AUXILIARIES = {"aux", "auxpass", "aux:pass", "aux:tense", "expl:comp", "expl:pv"}


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    category: str
    mode: str
    cameo: str


def _key(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").lower().split())


class TriggerLexicon:
    """The trigger phrases of each language with the event each proposes."""

    def __init__(self, data: dict[str, Any], source: str = "trigger-lexicon.json") -> None:
        self.source = source
        self.phrases: dict[str, dict[str, TriggerEntry]] = {}  # lang -> phrase key -> entry
        triggers = data.get("triggers")
        if not isinstance(triggers, list):
            raise SchemaError(f"{source}: 'triggers' must be a list")
        for i, item in enumerate(triggers):
            where = f"{source}: triggers[{i}]"
            try:
                entry = TriggerEntry(str(item["category"]), str(item.get("mode", "")), str(item["cameo"]))
            except (KeyError, TypeError) as exc:
                raise SchemaError(f"{where}: needs category and cameo") from exc
            for lang, phrases in item.items():
                if lang in ("category", "mode", "cameo"):
                    continue
                if not isinstance(phrases, list) or not all(
                    isinstance(p, str) and p.strip() for p in phrases
                ):
                    raise SchemaError(f"{where}.{lang}: a list of phrases")
                table = self.phrases.setdefault(lang, {})
                for phrase in phrases:
                    known = table.get(_key(phrase))
                    if known is not None and known != entry:
                        raise SchemaError(f"{where}.{lang}: “{phrase}” is listed twice, with two events")
                    table[_key(phrase)] = entry
        self._matchers: dict[tuple[int, str], PhraseMatcher] = {}

    def check(self, schema: Schema) -> list[str]:
        """What in the lexicon the event schema does not allow (empty when all is well)."""
        problems: list[str] = []
        for lang, table in self.phrases.items():
            for phrase, entry in table.items():
                category = schema.category(entry.category)
                where = f"{self.source}: {lang} “{phrase}”"
                if category is None:
                    problems.append(f"{where}: no category {entry.category}")
                    continue
                if entry.mode and entry.mode not in {m.id for m in schema.modes_for(entry.category)}:
                    problems.append(f"{where}: {entry.category} has no mode {entry.mode}")
                codes = {c.code for c in schema.cameo_for(entry.category)}
                if entry.cameo and entry.cameo not in codes:
                    problems.append(f"{where}: CAMEO {entry.cameo} is not a {entry.category} code")
        return problems

    def entry(self, lang: str, text: str) -> TriggerEntry | None:
        """The event a trigger's text proposes in that language (any language when unknown)."""
        key = _key(text)
        tables = [self.phrases[lang]] if lang in self.phrases else list(self.phrases.values())
        return next((t[key] for t in tables if key in t), None)

    def _matcher(self, nlp: Any, lang: str) -> PhraseMatcher:
        found = self._matchers.get((id(nlp.vocab), lang))
        if found is None:
            from spacy.matcher import PhraseMatcher

            found = PhraseMatcher(nlp.vocab, attr="LOWER")
            for phrase in self.phrases.get(lang, {}):
                variants = {phrase.replace("'", a) for a in APOSTROPHES}
                found.add(phrase, [nlp.make_doc(v) for v in variants])
            self._matchers[(id(nlp.vocab), lang)] = found
        return found

    def find(self, nlp: Any, doc: Any) -> list[Span]:
        """Trigger suggestions in a document ``nlp`` parsed: event-layer spans labelled with
        their category, longest first without overlaps."""
        lang = doc.lang_
        table = self.phrases.get(lang)
        if not table:
            return []
        matches = self._matcher(nlp, lang)(doc, as_spans=True)
        chosen: list[Any] = []
        for span in sorted(matches, key=lambda s: (-(s.end - s.start), s.start)):
            if all(span.end <= c.start or span.start >= c.end for c in chosen):
                chosen.append(span)
        result = []
        for span in sorted(chosen, key=lambda s: s.start):
            entry = table.get(span.label_)  # the phrase as listed (match_id is its key)
            if entry is not None:
                result.append(Span(span.start_char, span.end_char, entry.category, Origin.MODEL, EVENT_LAYER))
        return result


def _phrase(doc: Any, token: Any) -> tuple[int, int]:
    """The words a role names, in code points: the entity holding the token, else its noun
    chunk, else the token; within the token's line (a headline does not run into the text)."""
    start, end = token.idx, token.idx + len(token.text)
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            start, end = ent.start_char, ent.end_char
            break
    else:
        try:
            for chunk in doc.noun_chunks:
                if chunk.start <= token.i < chunk.end:
                    start, end = chunk.start_char, chunk.end_char
                    break
        except (NotImplementedError, ValueError):  # a pipeline without noun chunks
            pass
    text = doc.text
    start = max(start, text.rfind("\n", start, token.idx) + 1)
    line_end = text.find("\n", token.idx, end)
    end = end if line_end < 0 else line_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _object_of_preposition(token: Any) -> Any | None:
    """The noun a prepositional child aimed at someone leads to (``TOWARDS``): English prep ->
    pobj; in UD (French) the obl or nmod child is the noun itself, its preposition a case child."""
    if token.dep_ == "prep":
        if token.lower_ not in TOWARDS:
            return None
        return next((c for c in token.children if c.dep_ == "pobj"), None)
    case = next((c for c in token.children if c.dep_ == "case"), None)
    return token if case is not None and case.lower_ in TOWARDS else None


def _names_someone(token: Any) -> bool:
    """A role filler worth proposing: not a pronoun, a number or punctuation."""
    return token.pos_ not in {"PRON", "PUNCT", "NUM", "SYM", "DET"}


def roles(doc: Any, start: int, end: int) -> dict[str, tuple[int, int]]:
    """Who acts ("actor") and who is acted upon ("recipient") for the trigger at
    ``doc.text[start:end]``, as code-point ranges, from the dependency parse; a role the parse
    does not give is absent."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return {}
    verb = span.root
    while verb.dep_ in AUXILIARIES and verb.head is not verb:
        verb = verb.head
    found: dict[str, Any] = {}
    children = [c for c in verb.children if not span.start <= c.i < span.end]
    for child in children:
        if child.dep_ in SUBJECTS and "actor" not in found:
            found["actor"] = child
        elif child.dep_ in PASSIVE_SUBJECTS and "recipient" not in found:
            found["recipient"] = child
        elif child.dep_ in AGENTS and "actor" not in found:
            # English: agent "by" -> pobj; UD (French): obl:agent is the noun itself.
            found["actor"] = next((c for c in child.children if c.dep_ == "pobj"), child)
        elif child.dep_ in OBJECTS and "recipient" not in found:
            found["recipient"] = child
    if "recipient" not in found:  # "met with X": the trigger ends on its preposition
        for t in span:
            if t.dep_ == "prep" and t.lower_ in TOWARDS:
                target = next((c for c in t.children if c.dep_ == "pobj"), None)
                if target is not None:
                    found["recipient"] = target
                    break
    if "recipient" not in found:
        # "paid a visit to Syria": the preposition may hang on any word of the trigger.
        inner = [c for t in span if t is not verb for c in t.children if not span.start <= c.i < span.end]
        for child in children + inner:
            if child.dep_ in PREPOSITIONAL and child.i > verb.i:
                target = _object_of_preposition(child)
                if target is not None:
                    found["recipient"] = target
                    break
    if "actor" not in found and verb.dep_ == "conj":  # "Iran condemned and threatened ..."
        found["actor"] = next((c for c in verb.head.children if c.dep_ in SUBJECTS), None)
    in_trigger = range(span.start, span.end)
    return {
        role: _phrase(doc, token)
        for role, token in found.items()
        if token is not None and token.i not in in_trigger and _names_someone(token)
    }


@cache
def default_lexicon() -> TriggerLexicon:
    path: Path = resource("trigger-lexicon.json")
    return TriggerLexicon(json.loads(path.read_text(encoding="utf-8")), path.name)
