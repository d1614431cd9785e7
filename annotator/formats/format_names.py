"""The names of the annotation formats, apart from their readers and writers: the command line
builds its parser from them at every start, and importing the registry (and the core modules
it needs) for two tuples cost 13 ms of every command (docs/PERFORMANCE.md, import)."""

from __future__ import annotations

READ_FORMATS = ("jsonl", "prodigy", "doccano", "labelstudio", "brat", "spacy", "mae")
"""Formats that can be read, as named on the command line (``auto`` detects one of them)."""

WRITE_FORMATS = ("jsonl", "spacy", "prodigy", "doccano", "labelstudio", "brat")
"""Formats that can be written by ``annotator export``."""
