"""Benchmarks of the annotator at scale (not part of the test suite): ``python -m bench``.

Every figure is printed beside a baseline measured in the same run, so that the ratio, not the
machine, is what one compares. See ``docs/PERFORMANCE.md`` for targets and recorded runs.
"""
