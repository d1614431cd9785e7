"""annotator: keyboard-first desktop annotation of news articles for analysts."""

__version__ = "0.1.0"
