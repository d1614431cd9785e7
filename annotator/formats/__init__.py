"""Readers and writers: article files, the native JSONL format, and other tools' formats."""
