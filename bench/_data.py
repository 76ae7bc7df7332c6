"""The benchmarks' data loaders: ``tests/support/data.py``, shared with the tests (see ``_support``)."""

import _support  # noqa: F401  (puts tests/ on the path)
from support.data import *  # noqa: F403
