"""spaCy: pipelines per language (loaded lazily, off the GUI thread), language detection, pre-annotation."""
