"""How much of a second core a shared machine leaves free now: for benches whose figures depend on it.

Not here: any figure of storytrace itself.
"""

from __future__ import annotations

import multiprocessing
import time


def _spin(_: int) -> float:
    """A fixed amount of pure-Python work; its wall time."""
    t0, x = time.perf_counter(), 0
    for i in range(6_000_000):
        x += i * i % 7
    return time.perf_counter() - t0


def machine_ceiling() -> float:
    """How much faster two processes get fixed work done than one, on this machine now (2.0 on two idle cores).

    The same four pieces of pure-Python work, run by one process and then by
    two: the ratio of the walls. Other jobs on a shared machine take their
    share of the cores, and this says how much of a second core was left.
    """
    walls = []
    for processes in (1, 2):
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            t0 = time.perf_counter()
            pool.map(_spin, range(4))
            walls.append(time.perf_counter() - t0)
    return walls[0] / walls[1]
