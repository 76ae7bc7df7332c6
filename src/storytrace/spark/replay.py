"""The streaming clusterer replayed on precomputed vectors: the sequential core of the cluster stage.

In-process, ``StreamClusterer.add`` weighs an article's terms by the
document frequencies of the articles before it. The batch computes those
frequencies for every article at once (window functions) and the vectors in
parallel (``features.article_vectors``, with the clusterer's own weighing),
so that the one pass that is sequential by nature (candidate lookup in the
inverted index, the learned join decision, centroid updates, retirement of
silent stories) runs here on ready vectors, with the clusterer's own methods.
Near-duplicates join the story of their earliest copy, as in-process: the
dedup stage found that copy, and ``Replay`` hands it to ``StreamClusterer.add``
as the duplicate index would have.

Given the same rows in publication order, ``replay`` decides exactly what
``stream.stream_labels`` decides (the tests check this on the demo corpus and
Giveme5W1H). Two things differ from a plain ``StreamClusterer`` and neither
changes a decision: retirement walks only the stories still in the index
(``StreamClusterer.retire`` walks every story ever opened: quadratic over
millions of articles), and a retired story's centroids are freed (it has left
the index and every later article's window, so no article can choose it again).

A replay may start with *warm-up* rows (``own=False``): articles of an earlier
time slice replayed to rebuild the state, whose own assignment comes from
their slice. Every article then points to the article whose story it takes
(``Assigned.pointer``); ``spark.cluster`` follows the pointers across slices.

Not here: Spark; the vectors (``features``); the join model (``cluster.join``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from storytrace.cluster.centroids import Vector
from storytrace.cluster.join_rules import Candidate
from storytrace.cluster.stream import BATCH, STREAM_WINDOW_DAYS, StreamClusterer
from storytrace.cluster.stream_item import StreamItem


@dataclass(frozen=True)
class ReplayRow:
    """One article of a replay, in publication order."""

    position: int  # in the whole corpus's publication order
    key: str
    published: str | None
    vectors: tuple[Vector, Vector, Vector]  # body, title, names (``features.article_vectors``)
    parent: int | None = None  # position of the earliest earlier copy (dedup stage), if any
    parent_key: str | None = None  # and its key
    own: bool = True  # False: a warm-up row, assigned by its own slice
    distinct: frozenset[str] = frozenset()  # its distinctive terms at its arrival (``features.distinct_terms``)


@dataclass(frozen=True)
class Assigned:
    """Where a replay put an own article: ``pointer`` is the position of the article whose story it joins.

    A story's first article points to itself; the rest point to it, or to the
    first warm-up article of their story (a story of an earlier slice), or to
    their earliest copy when that copy is not in this replay.
    """

    position: int
    pointer: int
    candidates: int  # candidate stories the join decision weighed (0 for copies)


@dataclass
class Replay(StreamClusterer):
    """A ``StreamClusterer`` that takes each article's vectors as given (``given``) instead of computing them."""

    given: tuple[Vector, Vector, Vector] | None = None
    given_distinct: frozenset[str] = frozenset()
    indexed: set[int] = field(default_factory=set)  # stories that may still have index terms
    weighed: int = 0  # candidates of the last decision

    def vectors_of(self, item: StreamItem) -> tuple[Vector, Vector, Vector]:
        """The vectors set in ``given`` for this article (document frequencies were counted upstream)."""
        assert self.given is not None, "set Replay.given before add()"
        return self.given

    def distinct_terms(self, vectors: tuple[Vector, Vector, Vector]) -> set[str]:
        """The distinctive terms set in ``given_distinct`` (counted upstream, as the vectors were)."""
        return set(self.given_distinct)

    def candidates(
        self, vectors: tuple[Vector, Vector, Vector], when: float, embedding: np.ndarray | None = None
    ) -> list[Candidate]:
        """``StreamClusterer.candidates``, counted."""
        found = super().candidates(vectors, when, embedding)
        self.weighed = len(found)
        return found

    def add(self, item: StreamItem, story: int | None = None, known: bool = False) -> int:
        """``StreamClusterer.add``, remembering the story as indexed."""
        placed = super().add(item, story, known)
        self.indexed.add(placed)
        return placed

    def retire(self, now: float) -> int:
        """``StreamClusterer.retire`` over the indexed stories only; retired stories' centroids are freed."""
        self.indexed = {k for k in self.indexed if self.stories[k].terms}
        stale = self.stale(sorted(self.indexed), now)
        for story_id in stale:
            self.unindex(story_id)
            story = self.stories[story_id]
            story.body, story.title, story.names, story.embedding = {}, {}, {}, None
            self.indexed.discard(story_id)
        return len(stale)


def replay(
    rows: Iterable[ReplayRow], chunk_ends: Sequence[float], window_days: float = STREAM_WINDOW_DAYS
) -> Iterator[Assigned]:
    """Assign ``rows`` (publication order; warm-up rows first) to stories; one ``Assigned`` per own row.

    ``chunk_ends[c]`` is the publication time (seconds, NaN when undated) of
    the last article of the corpus's ``c``-th batch of ``stream.BATCH``
    articles: retirement runs after each batch, as in ``stream.stream_labels``.
    """
    clusterer = Replay(window_days=window_days)
    first_of: list[int] = []  # story number -> position of its first article in this replay
    chunk: int | None = None
    for row in rows:
        here = row.position // BATCH
        chunk = here if chunk is None else chunk
        while chunk < here:
            clusterer.retire(chunk_ends[chunk])
            chunk += 1
        if row.parent is not None and row.parent_key is not None:
            if row.parent_key not in clusterer.key_to_position:  # its earliest copy is in another slice
                if row.own:
                    yield Assigned(row.position, row.parent, 0)
                continue
            clusterer.dedup.hits_of[row.key] = [row.parent_key]
        clusterer.given = row.vectors
        clusterer.given_distinct = row.distinct
        clusterer.weighed = 0
        story = clusterer.add(StreamItem(key=row.key, published=row.published, document=()))
        if story == len(first_of):
            first_of.append(row.position)
        if row.own:
            yield Assigned(row.position, first_of[story], clusterer.weighed)
