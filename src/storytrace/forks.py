"""Forked worker pools whose children leave the parent's objects to the parent's garbage collector.

A forked child shares the parent's memory until it writes to it. CPython's
cyclic garbage collector writes into every object it examines, and a full
collection in the child examines every object the child holds: at first,
the parent's whole heap (the store's articles, the clusterer's state, every
prepared text). A worker that allocates much, as aligning a large story
does, collects in full now and then, each time over that whole heap. So the
larger the corpus, the slower each story became: at 10,000 Reuters bodies a
pair of a story of more than 10 articles cost 40-100 % more than at 5,000,
and with the collector off it cost the same (``bench/analyze_speed.py``, in
docs/performance.md).

``fork_pool`` freezes the parent's objects (``gc.freeze``: moved out of the
collector's generations) for the moment of the fork, and unfreezes them in
the parent at once. The children start with those objects frozen: their
collections examine only what they allocate themselves. The collector only
frees memory (unreachable cycles), so no result changes; a cycle of the
parent's objects that a child drops stays in that child's memory until it
exits.

Not here: what the workers do (``pipeline.analyze_stories``, ``ahead``).
"""

from __future__ import annotations

import gc
import multiprocessing
from multiprocessing.pool import Pool


def fork_pool(processes: int) -> Pool:
    """A pool of ``processes`` forked workers, the parent's objects frozen out of their garbage collection."""
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(processes)
    finally:
        gc.unfreeze()
