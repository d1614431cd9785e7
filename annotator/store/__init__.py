"""Storage: SQLite through SQLModel, with one repository per concept that speaks core objects.

``Store`` and ``Annotator`` are imported on first use (PEP 562), so that importing a light module
of the package (``store.location``, which the settings use) does not load SQLAlchemy and every
table: ``annotator import`` reads its files while those load (docs/PERFORMANCE.md, import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.store.annotators import Annotator
    from annotator.store.database import Store

__all__ = ["Annotator", "Store"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from annotator.store.database import Store

        return Store
    if name == "Annotator":
        from annotator.store.annotators import Annotator

        return Annotator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
