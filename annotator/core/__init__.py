"""Plain-Python domain objects and rules. Nothing here imports Qt, SQL or spaCy."""
