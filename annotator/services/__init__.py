"""Use cases shared by the GUI and the command line: import, annotate, export."""
