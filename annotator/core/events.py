"""Events: a trigger span coded with a PLOVER category, mode and context, a CAMEO code, arguments
by role, a date, and factuality with its source.

``validate_event`` applies the schema's coding rules (valid mode and context for the category,
required roles such as CONSULT's actor and recipient, the ``checks`` of ``events.json``) and
returns every problem with the field it concerns, so the event form can show them in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from annotator.core.problems import ERROR, WARNING, Problem
from annotator.core.schema import Check, Schema
from annotator.core.spans import Span

EVENT_LAYER = "event"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True, slots=True)
class Ref:
    """What an argument points at: a canonical actor or a span of the document (one of them)."""

    actor_id: int | None = None
    span_id: int | None = None

    def __post_init__(self) -> None:
        if (self.actor_id is None) == (self.span_id is None):
            raise ValueError("a reference points at exactly one actor or one span")

    @property
    def kind(self) -> str:
        return "actor" if self.actor_id is not None else "span"


@dataclass(frozen=True, slots=True)
class Argument:
    role: str  # "actor", "recipient", "location", "time" (see events.json "roles")
    ref: Ref


@dataclass(frozen=True, slots=True)
class Link:
    """A relation another tool's file draws between two spans of a record (a Label Studio
    ``relation`` result, a doccano ``relations`` entry), by the spans' record-scoped ids. It is
    not yet an event argument: the import decides, with the schema, whether one end is an event
    (``services.annotations_import``); ``where`` names it in the file for the summary."""

    from_span: int
    to_span: int
    label: str
    where: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    trigger: Span  # layer "event", labelled with the category; carries its id once stored
    category: str
    mode: str = ""
    context: str = ""
    cameo: str = ""
    arguments: tuple[Argument, ...] = ()
    date: str = ""  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD, or empty
    factuality: str = "asserted"
    source: Ref | None = None  # who says so ("Tasnim reported")
    id: int | None = None

    def with_(self, **changes: Any) -> Event:
        return replace(self, **changes)

    def refs(self, role: str) -> list[Ref]:
        return [a.ref for a in self.arguments if a.role == role]


def _either(kinds: tuple[str, ...]) -> str:
    return " or ".join(f"an {k}" if k[:1] in "aeiou" else f"a {k}" for k in kinds)


def _check_applies(check: Check, event: Event) -> bool:
    for key, wanted in check.when.items():
        if key in ("category", "mode", "context", "factuality", "cameo"):
            if getattr(event, key) != wanted:
                return False
        elif key == "context_not":
            if event.context == wanted:
                return False
        elif key == "actors_at_least":
            if len(event.refs("actor")) < int(wanted):
                return False
        elif key == "same_actor_and_recipient":
            actors = set(event.refs("actor"))
            same = any(ref in actors for ref in event.refs("recipient"))
            if same != bool(wanted):
                return False
        else:  # the schema loader refuses unknown conditions
            return False
    return True


def validate_event(event: Event, schema: Schema, text_length: int | None = None) -> list[Problem]:
    """Every problem of ``event`` under the schema's coding rules, errors and warnings."""
    problems: list[Problem] = []
    category = schema.category(event.category)
    if category is None:
        known = ", ".join(c.name for c in schema.categories)
        return [Problem(ERROR, "category", f"unknown category {event.category!r}; known: {known}")]
    if event.trigger.layer != EVENT_LAYER:
        message = f"the trigger must be a span of the {EVENT_LAYER!r} layer"
        problems.append(Problem(ERROR, "trigger", message))
    if text_length is not None and event.trigger.end > text_length:
        problems.append(Problem(ERROR, "trigger", "the trigger ends after the text"))
    if event.mode and event.mode not in category.mode_ids:
        if category.mode_ids:
            valid = ", ".join(category.mode_ids)
            message = f"{event.mode!r} is not a mode of {category.name}; valid: {valid}"
        else:
            message = f"{category.name} has no modes"
        problems.append(Problem(ERROR, "mode", message))
    if event.context and event.context not in schema.context_ids:
        problems.append(Problem(ERROR, "context", f"unknown context {event.context!r}"))
    if event.cameo:
        code = schema.cameo_code(event.cameo)
        if not re.fullmatch(r"\d{2,4}", event.cameo):
            problems.append(Problem(ERROR, "cameo", f"{event.cameo!r} is not a CAMEO code"))
        elif code is None:
            message = f"CAMEO {event.cameo} is not in the schema's list"
            problems.append(Problem(WARNING, "cameo", message))
        elif code.category != category.name:
            where = code.category or "no PLOVER category"
            message = f"CAMEO {code.code} ({code.name}) maps to {where}, not {category.name}"
            problems.append(Problem(ERROR, "cameo", message))
    if event.factuality not in schema.factuality_ids:
        valid = ", ".join(schema.factuality_ids)
        message = f"unknown factuality {event.factuality!r}; valid: {valid}"
        problems.append(Problem(ERROR, "factuality", message))
    if event.date and not _DATE.match(event.date):
        message = f"{event.date!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        problems.append(Problem(ERROR, "date", message))
    for argument in event.arguments:
        role = schema.role(argument.role)
        if role is None:
            problems.append(Problem(ERROR, "arguments", f"unknown role {argument.role!r}"))
        elif argument.ref.kind not in role.refers_to:
            message = f"a {role.name.lower()} must be {_either(role.refers_to)}"
            problems.append(Problem(ERROR, argument.role, message))
    for needed in category.requires:
        if not event.refs(needed):
            role = schema.role(needed)
            what = role.description if role and role.description else needed
            article = "an" if needed[:1] in "aeiou" else "a"
            problems.append(Problem(ERROR, needed, f"{category.name} needs {article} {needed} ({what})"))
    if event.source is not None and event.source.kind not in schema.source_refers_to:
        message = f"a source must be {_either(schema.source_refers_to)}"
        problems.append(Problem(ERROR, "source", message))
    for check in schema.checks:
        if _check_applies(check, event):
            field = "category" if "category" in check.when else "arguments"
            problems.append(Problem(check.level, field, check.message))
    return problems
