"""How review mode names and marks each kind of difference between annotation sets.

An underline shape in the text, a symbol in the gutter and the bar, a line of words, and the key
of each annotator's version (A, B, then digits). Marks differ by shape, not only by hue, so
colour-blind readers tell them apart.
"""

from __future__ import annotations

from PySide6.QtGui import QTextCharFormat

from annotator.core.differences import Difference, DifferenceKind

# How each kind of difference is marked: an underline shape in the text, a symbol in the gutter
# and the bar.
PRESENCE_STYLE = QTextCharFormat.UnderlineStyle.DotLine
LABEL_STYLE = QTextCharFormat.UnderlineStyle.WaveUnderline
BOUNDARY_STYLE = QTextCharFormat.UnderlineStyle.DashUnderline
ACTOR_STYLE = QTextCharFormat.UnderlineStyle.DashDotLine
ANALYSIS_STYLE = QTextCharFormat.UnderlineStyle.DashDotDotLine  # an event, a framing choice

UNDERLINES = {
    DifferenceKind.ONLY_A: PRESENCE_STYLE,
    DifferenceKind.ONLY_B: PRESENCE_STYLE,
    DifferenceKind.MISSING: PRESENCE_STYLE,
    DifferenceKind.LABEL: LABEL_STYLE,
    DifferenceKind.BOUNDARIES: BOUNDARY_STYLE,
    DifferenceKind.ACTOR: ACTOR_STYLE,
    DifferenceKind.EVENT: ANALYSIS_STYLE,
    DifferenceKind.FRAMING: ANALYSIS_STYLE,
}

SYMBOLS = {
    DifferenceKind.ONLY_A: "◧",  # the left half filled: only the first (left) annotator
    DifferenceKind.ONLY_B: "◨",
    DifferenceKind.MISSING: "∅",
    DifferenceKind.LABEL: "≠",
    DifferenceKind.BOUNDARIES: "↔",
    DifferenceKind.ACTOR: "⇄",  # the same span, linked to different actors
    DifferenceKind.EVENT: "⚑",  # the events coded on one trigger differ
    DifferenceKind.FRAMING: "▤",  # a framing choice of the document differs
}

LETTERS = "AB"  # the first two annotators have letter keys; every annotator has its digit


def key_of(position: int) -> str:
    """The key shown for the annotator at ``position``: A, B, then digits."""
    return LETTERS[position] if position < len(LETTERS) else str(position + 1)


def describe(diff: Difference) -> str:
    """One line saying what the difference is."""
    names = [name for name, _ in diff.versions]
    if diff.kind in (DifferenceKind.ONLY_A, DifferenceKind.ONLY_B):
        having = [name for name, span in diff.versions if span is not None]
        return f"only in {having[0]}"
    if diff.kind is DifferenceKind.MISSING:
        return f"missing in {', '.join(diff.missing)} (of {len(names)})"
    if diff.kind is DifferenceKind.LABEL:
        extra = ", boundaries too" if diff.boundaries_differ else ""
        return f"label differs{extra}"
    if diff.kind is DifferenceKind.EVENT:
        return f"event differs: {', '.join(diff.differs)}"
    if diff.kind is DifferenceKind.FRAMING:
        chosen = ", ".join(f"{name}: {value or 'none'}" for name, value in diff.values)
        return f"framing: {framing_field(diff.field)} differs ({chosen})"
    if diff.kind is DifferenceKind.ACTOR:
        linked = ", ".join(f"{name}: {diff.actor(name) or 'no actor'}" for name in names)
        return f"linked actor differs ({linked})"
    return "boundaries differ"


def framing_field(name: str) -> str:
    """A framing field as the reviewer reads it: "primary frame", "dimension Political"."""
    kind, _, what = name.partition(":")
    if kind == "dimension":
        return f"dimension {what}"
    if kind == "role":
        return "an actor's role"
    return {"framed": "framed or not", "primary": "primary frame", "headline": "headline frame",
            "tone_target": "tone target"}.get(kind, kind)


def event_text(event: object, differs: tuple[str, ...] = ()) -> str:
    """One annotator's event in a short line: its category and the fields that differ."""
    if event is None:
        return "no event here"
    parts = [str(getattr(event, "category", ""))]
    for name in differs:
        if name in ("mode", "context", "cameo", "factuality", "date"):
            parts.append(f"{name} {getattr(event, name, '') or '–'}")
        elif name == "arguments":
            roles = sorted({a.role for a in getattr(event, "arguments", ())})
            parts.append("roles " + (", ".join(roles) or "–"))
    return " · ".join(parts)
