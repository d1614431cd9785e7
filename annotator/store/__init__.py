"""Storage: SQLite through SQLModel, with one repository per concept that speaks core objects."""

from annotator.store.annotators import Annotator
from annotator.store.database import Store

__all__ = ["Annotator", "Store"]
