"""Puts ``tests/`` on the import path, so the benchmarks share ``tests/support`` with the tests.

``tests/support`` holds the data paths (``../shared``), the data loaders, the local server, the
clustering scores and the demo checks; tests never import from ``bench/``. Import this module before
``support``: ``import _support  # noqa: F401``.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parents[1] / "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
