"""Named points where a test can freeze the process, to kill it at a moment it chooses.

The crash tests kill ``storytrace ingest`` with SIGKILL and check that the
store is whole. Killing at a random time races the process (it may finish
first); instead the test sets ``STORYTRACE_TEST_STOP_AT=POINT:N`` and the
process stops itself (SIGSTOP) the ``N``-th time it reaches ``POINT``; the test
sees it stopped (``waitpid`` with ``WUNTRACED``) and kills it there. Unset, as
in every real run, ``reached`` costs one dictionary lookup.

The points: ``batch-written`` (a batch of articles inserted, its transaction
not yet committed), ``batch-committed`` (after the commit), ``chunk-placed``
(a chunk of articles placed in stories by the clusterer, the assignments not
yet stored).

Not here: anything a user would set; the tests (``tests/test_crash.py``).
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "STORYTRACE_TEST_STOP_AT"
_reached: Counter[str] = Counter()


def reached(point: str) -> None:
    """Count one more arrival at ``point``; stop the process if the test asked for this one."""
    wanted = os.environ.get(ENV)
    if wanted is None:
        return
    _reached[point] += 1
    if wanted == f"{point}:{_reached[point]}":
        os.kill(os.getpid(), signal.SIGSTOP)
