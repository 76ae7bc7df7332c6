"""A local ``storytrace serve`` for the benchmarks: ``tests/support/server.py``, shared with the tests."""

import _support  # noqa: F401  (puts tests/ on the path)
from support.server import *  # noqa: F403
