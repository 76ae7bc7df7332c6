"""Where the repository, the demo corpus and the shared data (``../shared``: seeds and dev corpora) lie.

The one place the path to ``../shared`` is written, for tests and benchmarks.
``STORYTRACE_SHARED_DATA`` names another data folder. The data is read where
it lies, never copied; whoever reads it skips cleanly when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = Path(os.environ.get("STORYTRACE_SHARED_DATA") or SHARED / "data")
REUTERS = DATA / "reuters21578"
