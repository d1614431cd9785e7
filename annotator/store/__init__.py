"""Storage: SQLite through SQLModel, with a repository that speaks core objects."""

from annotator.store.repository import Annotator, Store

__all__ = ["Annotator", "Store"]
