"""Input files for tests: JSON Lines records written where a test's ``analyze``/``ingest`` reads them.

Not here: reading the shared datasets (``support.data``), or anything a test asserts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from storytrace.model import Article


def write_rows(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """``rows`` as a JSON Lines file at ``path`` (one object per line, non-ASCII kept)."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def write_records(path: Path, articles: Sequence[Article]) -> Path:
    """``articles`` as the records a user would give: every field that is set, not where each was read from."""
    return write_rows(path, ({k: v for k, v in asdict(a).items() if k != "origin" and v not in (None, ())}
                             for a in articles))  # fmt: skip
