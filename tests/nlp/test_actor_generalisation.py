"""Actor matching on names nobody listed: precision and recall on tests/data/actor_variants.json.

Thirty real actors absent from the shipped seed list are loaded under their canonical names only;
each variant spelling must be proposed as its actor, and no look-alike (another person or group
with a similar name) may be proposed at all. The figures are printed with the test's output and
recorded in docs/ACTORS.md; to print them alone:

    python -m tests.nlp.test_actor_generalisation
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from annotator.core.actors import Actor
from annotator.nlp.aliases import AliasIndex

DATA = Path(__file__).resolve().parent.parent / "data" / "actor_variants.json"


@dataclass
class Figures:
    variants: int = 0
    lookalikes: int = 0
    right: int = 0  # variants proposed as their actor
    wrong: list[str] = field(default_factory=list)  # proposals of the wrong actor (or any, for a look-alike)
    missed: list[str] = field(default_factory=list)  # variants with no proposal

    @property
    def proposed(self) -> int:
        return self.right + len(self.wrong)

    @property
    def precision(self) -> float:
        return self.right / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.variants if self.variants else 0.0

    def summary(self) -> str:
        return (
            f"actor matching on {self.variants} variants of unlisted actors and {self.lookalikes} "
            f"look-alikes: precision {self.precision:.3f}, recall {self.recall:.3f} "
            f"({self.right} right, {len(self.wrong)} wrong, {len(self.missed)} missed)"
        )


def load() -> tuple[list[Actor], dict[str, str], list[str]]:
    """The actors (canonical names only), {variant: actor name}, and the look-alikes."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    actors = [Actor(a["name"], kind=a["kind"], id=k + 1) for k, a in enumerate(data["actors"])]
    variants = {v: a["name"] for a in data["actors"] for v in a["variants"]}
    lookalikes = [item["name"] for item in data["lookalikes"]]
    return actors, variants, lookalikes


def evaluate() -> Figures:
    actors, variants, lookalikes = load()
    index = AliasIndex(actors)
    figures = Figures(variants=len(variants), lookalikes=len(lookalikes))
    for surface, expected in variants.items():
        proposal = index.propose(surface)
        if proposal is None:
            figures.missed.append(surface)
        elif proposal[0].name == expected:
            figures.right += 1
        else:
            figures.wrong.append(f"{surface} -> {proposal[0].name}")
    for surface in lookalikes:
        proposal = index.propose(surface)
        if proposal is not None:
            figures.wrong.append(f"{surface} -> {proposal[0].name}")
    return figures


def test_the_evaluation_set_is_as_large_as_promised() -> None:
    actors, variants, lookalikes = load()
    assert len(actors) >= 25 and len(variants) >= 100 and len(lookalikes) >= 30
    seed = json.loads((DATA.parents[2] / "resources" / "actors-seed.json").read_text(encoding="utf-8"))
    listed = {a["name"] for a in seed["actors"]} | {x for a in seed["actors"] for x in a["aliases"]}
    assert not listed & {a.name for a in actors}  # none of them is in the shipped list
    assert not listed & set(variants)


def test_unlisted_actors_are_recognised_without_proposing_look_alikes(capsys: pytest.CaptureFixture) -> None:
    figures = evaluate()
    with capsys.disabled():
        print("\n" + figures.summary())
        for line in figures.wrong:
            print("  wrong:", line)
        for line in figures.missed:
            print("  missed:", line)
    assert figures.precision >= 0.98, figures.summary()
    assert figures.recall >= 0.95, figures.summary()


if __name__ == "__main__":
    result = evaluate()
    print(result.summary())
    for line in result.wrong:
        print("  wrong:", line)
    for line in result.missed:
        print("  missed:", line)
