"""One label scheme for every pipeline: model labels mapped per model, states as GPE, noise dropped.

spaCy's English pipelines say GPE for a country and PERSON for a person; the French ones say LOC
and PER, so without a mapping a corpus view counts Syria (GPE) and Syrie (LOC) as two things.
``resources/model-labels.json`` holds one table per model (by spaCy's ``lang_name``); a model it
does not list uses the label set's own ``model_labels``. Then, in every language:

**States are GPE.** A span whose text names a state in the country data (``places.py``: a
country's name in any of its languages, its capital, a seat of government such as "Kremlin") is
GPE, whatever the model called it (LOC, ORG, MISC, FAC).

**Noise is dropped**, by four rules measured on the sample corpus (docs/ACTORS.md):

1. *Function words*: every token is punctuation or a stop word of the pipeline's language
   written in lower case ("qu’", "the"; not "US" or "May").
2. *Non-names*: a one-token span the tagger calls a verb, adverb, pronoun, preposition,
   conjunction, determiner, auxiliary or interjection ("Cités" in "Cités par"), and a
   nationality (NORP) with neither an adjective nor a proper noun in it ("Smoke").
3. *Page furniture*: a span that is a whole line of three characters or fewer ("TT", a text-size
   button copied with the article).
4. *Headline words*: a name (not a date) each of whose words the same text also writes in
   lower case ("Joint Drill" as PERSON and "Oversee Joint Drill" as ORG from the headline "...
   to Oversee Joint Drill", where the story says "joint drill"), and a PERSON that ends in a
   title ("Brig", "EU Envoy"): names are capitalised wherever they are written, headline
   words only in the headline.

The rules use only the parse that ``nlp.pipe`` already made, and the country lookup is a
dictionary lookup, so pre-annotation keeps its speed (see bench/, "preannotate").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from annotator.core.labels import LabelSet
from annotator.nlp.namekeys import TITLES, normalize
from annotator.nlp.places import country_of
from annotator.resources import resource

NOT_NAMES = frozenset({"VERB", "ADV", "PRON", "ADP", "CCONJ", "SCONJ", "DET", "AUX", "INTJ", "PART"})
STATE_LABEL = "GPE"
REPLACEABLE_BY_STATE = frozenset({"LOC", "ORG", "MISC", "FAC", "GPE"})
FURNITURE_LENGTH = 3
# Labels of names, which the headline rule applies to (not dates: "May" is also "may").
HEADLINE_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "MISC"})


@dataclass
class LabelScheme:
    """The per-model tables of ``resources/model-labels.json``."""

    models: dict[str, dict[str, str]] = field(default_factory=dict)

    def table(self, model: str) -> dict[str, str] | None:
        return self.models.get(model)

    def map(self, model: str, model_label: str, labels: LabelSet) -> str | None:
        """The project label a model label becomes, or None when it is dropped."""
        table = self.models.get(model)
        mapped = table.get(model_label) if table is not None else labels.map_model_label(model_label)
        return mapped if mapped is not None and mapped in labels else None


@lru_cache(maxsize=1)
def default_scheme() -> LabelScheme:
    data = json.loads(resource("model-labels.json").read_text(encoding="utf-8"))
    return LabelScheme({str(k): {str(a): str(b) for a, b in v.items()} for k, v in data["models"].items()})


def model_key(nlp: Any) -> str:
    """How a loaded pipeline is named in the tables: spaCy's ``lang_name`` ("fr_core_news_sm")."""
    meta = getattr(nlp, "meta", {}) or {}
    return f"{meta.get('lang', '')}_{meta.get('name', '')}"


class DocWords:
    """The words a text writes in lower case, collected once per text and only when a rule
    asks (one pass over the text, however many entities it has)."""

    _WORD = re.compile(r"\w+")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lower: set[str] | None = None

    def written_lower(self, word: str) -> bool:
        if self._lower is None:
            self._lower = {w for w in self._WORD.findall(self.text) if w.islower()}
        return word.lower() in self._lower


def is_noise(ent: Any, label: str, text: str, words: DocWords | None = None) -> str:
    """Which noise rule drops a spaCy entity labelled ``label`` (its number as text), or ""."""
    tokens = [t for t in ent if not t.is_space]
    if not tokens:
        return "1"
    if all(t.is_punct or (t.is_stop and t.is_lower) for t in tokens):
        return "1"
    if len(tokens) == 1 and tokens[0].pos_ in NOT_NAMES:
        return "2"
    if label == "NORP" and not any(t.pos_ in ("ADJ", "PROPN") for t in tokens):
        return "2"
    surface = ent.text.strip()
    if len(surface) <= FURNITURE_LENGTH:
        line_start = text.rfind("\n", 0, ent.start_char) + 1
        line_end = text.find("\n", ent.end_char)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if line.strip() == surface:
            return "3"
    if label in HEADLINE_LABELS:
        alpha = [t.text for t in tokens if t.is_alpha]
        if label == "PERSON" and alpha and normalize(alpha[-1]) in TITLES:
            return "4"  # "Brig", "EU Envoy": a name does not end in a title
        if alpha and all(w[:1].isupper() for w in alpha):
            words = words or DocWords(text)
            if all(words.written_lower(w) for w in alpha):
                return "4"
    return ""


def relabel(ent: Any, label: str, labels: LabelSet) -> str:
    """``label``, or GPE when the span names a state."""
    if label in REPLACEABLE_BY_STATE and label != STATE_LABEL and STATE_LABEL in labels:
        if country_of(ent.text) is not None:
            return STATE_LABEL
    return label
