"""What the database has learnt about suggestions: the registry's names to suggest, and the
suggestions analysts rejected (listed and forgotten from the command line).

Pre-annotation (``services/importing.py``) takes both from here; the suggestion list of a
document (``AnnotationSession.suggestions``) applies the rejections; the reject command
(``services/annotate.py``) records them.
"""

from __future__ import annotations

from annotator.core.labels import LabelSet
from annotator.nlp.registry_terms import RegistryTerms, registry_forms
from annotator.services.actors import KIND_LABELS
from annotator.store import Store
from annotator.store.rejections import Rejection


def registry_terms(store: Store, labels: LabelSet) -> RegistryTerms:
    """Every actor's names as terms, each labelled by its actor's kind (kinds whose label the
    label set lacks are left out)."""
    terms: list[tuple[str, str]] = []
    for actor in store.actors.all():
        label = KIND_LABELS.get(actor.kind, "MISC")
        if label in labels:
            terms.extend((form, label) for form in registry_forms(actor))
    return RegistryTerms(terms)


def rejected(store: Store) -> list[Rejection]:
    return store.rejections.all()


def forget(store: Store, text: str, label: str) -> bool:
    """Forget one rejection; False when it was not remembered."""
    return store.rejections.forget([(text, label)]) > 0
