"""Background document frequencies: what the clusterer knows of words before its stream has taught it.

At the start of a stream every word is rare, so a wire feed's template words
("qtr", "shr", "inc", "debt") pass for distinctive and glue different
companies' items into one story. The clusterer therefore counts, beside the
documents it has seen, ``docs`` pseudo-documents in which each stem occurs in
its background ``share``: the mean document share of the stem over several
development news corpora, each weighing the same (``training/train_background.py``
writes ``models/background_df.json``). As the stream grows its own counts
dominate. Only stems in at least ``MIN_SHARE`` of the documents are kept: a
rarer stem would add less than a document.

Not here: using the counts (``stream``), computing them (``training/train_background.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

BACKGROUND_FILE = "background_df.json"


@dataclass(frozen=True)
class Background:
    """``docs`` pseudo-documents, in which each stem occurs in ``share`` of them."""

    docs: float = 0.0
    share: Mapping[str, float] = field(default_factory=dict)

    def count(self, term: str) -> float:
        """The pseudo-documents holding ``term``."""
        return self.docs * self.share.get(term, 0.0)


NO_BACKGROUND = Background()


class BackgroundError(RuntimeError):
    """The shipped background file is missing or malformed (an installation problem)."""


@cache
def load_background() -> Background:
    """The shipped background frequencies."""
    try:
        text = resources.files("storytrace.cluster").joinpath("models", BACKGROUND_FILE).read_text("utf-8")
        data = json.loads(text)
        return Background(float(data["docs"]), {str(k): float(v) for k, v in data["share"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise BackgroundError(f"cluster/models/{BACKGROUND_FILE}: {type(e).__name__}: {e}") from None
