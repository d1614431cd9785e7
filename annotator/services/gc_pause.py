"""Pausing the cyclic garbage collector around bulk work.

An export or an agreement report makes and drops hundreds of thousands of small acyclic objects
(spans, records). Each time enough of them are alive, the collector walks everything tracked,
again and again: over a quarter of an export's time, measured (``docs/PERFORMANCE.md``). Their
memory is freed by reference counting all the same; what they make holds no reference cycles
worth collecting before the work ends, when the collector runs again as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off inside the block (as it was, after it; nesting is safe)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
