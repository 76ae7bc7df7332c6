"""The streaming clusterer's state, written down and read back exactly.

A store's stream is resumed by replaying every stored article in
publication order (``pipeline.assign_stories``): at 10,000 articles that is
most of what a re-run with a few new ones costs. A snapshot of the state at a
batch boundary lets the next run start there instead. ``snapshot`` writes the
state as JSON (dictionaries and lists; floats as Python writes them, which
read back to the same bits, NaN included) and one ``.npz`` of arrays (the
MinHash signatures, the stories' summed embeddings); ``restore`` reads them
without pickle, since a store file may come from elsewhere. A restored
clusterer decides every later article as the saved one would have, which
``tests/test_snapshot.py`` checks against the replayed stream.

Not here: when a snapshot is taken and when it may be trusted (``pipeline``),
where it is kept (``store``).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import Any, TypedDict

import numpy as np

from storytrace.cluster.centroids import StreamStory
from storytrace.cluster.dedup import DuplicateIndex
from storytrace.cluster.join_rules import JoinDecider
from storytrace.cluster.stream import StreamClusterer

SNAPSHOT_FORMAT = 1
# What a story's state holds besides its summed embedding (an array) and its index terms (a set), as JSON has them.
_STORY_FIELDS = (
    "body", "body_norm2", "title", "title_norm2", "names", "names_norm2",
    "embedding_norm", "first", "last", "members",
)  # fmt: skip


class SnapshotError(ValueError):
    """A snapshot that cannot be read back (another format, or damaged)."""


def snapshot(clusterer: StreamClusterer) -> tuple[str, bytes] | None:
    """The clusterer's state: JSON text and the arrays' ``.npz`` bytes (None if its embeddings differ in kind)."""
    stories = clusterer.stories
    embedded = [k for k, s in enumerate(stories) if s.embedding is not None]
    vectors = [v for s in stories if (v := s.embedding) is not None]
    if len({(v.dtype.str, v.shape) for v in vectors}) > 1:
        return None  # one array holds them all
    dedup = clusterer.dedup
    state: dict[str, Any] = {
        "format": SNAPSHOT_FORMAT,
        "window_days": clusterer.window_days,
        "df": clusterer.df,
        "seen": clusterer.seen,
        "stories": [[getattr(s, name) for name in _STORY_FIELDS] for s in stories],
        "terms": [sorted(s.terms) for s in stories],
        "embedded": embedded,
        "index": {term: sorted(ids) for term, ids in clusterer.index.items()},
        "story_of": clusterer.story_of,
        "positions": list(clusterer.key_to_position.items()),
        "dedup": {
            "threshold": dedup.threshold,
            "num_perm": dedup.num_perm,
            "signed": list(dedup.signatures),
            "parent": dedup.parent,
            "order": dedup.order,
            "last_hits": dedup.last_hits,
            "hits_of": dedup.hits_of,
            "tables": [list(table.items()) for table in dedup.tables],
        },
    }
    arrays = io.BytesIO()
    signatures = np.stack(list(dedup.signatures.values())) if dedup.signatures else np.zeros((0, dedup.num_perm))
    embeddings = np.stack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
    np.savez(arrays, signatures=signatures.astype(np.uint64), embeddings=embeddings)
    return json.dumps(state, separators=(",", ":")), arrays.getvalue()


def restore(text: str, arrays: bytes, decider: JoinDecider | None = None) -> StreamClusterer:
    """The clusterer ``snapshot`` wrote down, deciding with ``decider``. Raises SnapshotError if unreadable."""
    try:
        state = json.loads(text)
        with np.load(io.BytesIO(arrays), allow_pickle=False) as loaded:
            signatures, embeddings = loaded["signatures"], loaded["embeddings"]
        if state.get("format") != SNAPSHOT_FORMAT:
            raise SnapshotError(f"snapshot format {state.get('format')!r}, not {SNAPSHOT_FORMAT}")
        clusterer = StreamClusterer(decider, window_days=state["window_days"])
        clusterer.df = Counter(state["df"])
        clusterer.seen = state["seen"]
        clusterer.stories = [
            StreamStory(**dict(zip(_STORY_FIELDS, fields, strict=True)), terms=set(terms))
            for fields, terms in zip(state["stories"], state["terms"], strict=True)
        ]
        for k, vector in zip(state["embedded"], embeddings, strict=True):
            clusterer.stories[k].embedding = vector.copy()
        clusterer.index = {term: set(ids) for term, ids in state["index"].items()}
        clusterer.story_of = state["story_of"]
        clusterer.key_to_position = dict(state["positions"])
        clusterer.dedup = _dedup(state["dedup"], signatures)
    except (KeyError, TypeError, ValueError, OSError) as e:
        raise SnapshotError(f"unreadable snapshot: {e}") from None
    return clusterer


class DedupState(TypedDict):
    """The duplicate index as the snapshot keeps it (JSON; its signatures are in the arrays, in ``signed`` order)."""

    threshold: float
    num_perm: int
    signed: list[str]
    parent: dict[str, str]
    order: dict[str, list[Any]]  # key -> [published or "~", arrival]: JSON has no tuples
    last_hits: list[str]
    hits_of: dict[str, list[str]]
    tables: list[list[list[Any]]]  # per band: [band key, key or keys] pairs


def _dedup(state: DedupState, signatures: np.ndarray) -> DuplicateIndex:
    dedup = DuplicateIndex(threshold=state["threshold"], num_perm=state["num_perm"])
    dedup.signatures = dict(zip(state["signed"], signatures, strict=True))
    dedup.parent = state["parent"]
    dedup.order = {key: (published, arrival) for key, (published, arrival) in state["order"].items()}
    dedup.last_hits = state["last_hits"]
    dedup.hits_of = state["hits_of"]
    if len(state["tables"]) != len(dedup.tables):
        raise SnapshotError("a snapshot of another band layout")
    dedup.tables = [{band: bucket for band, bucket in table} for table in state["tables"]]
    return dedup
