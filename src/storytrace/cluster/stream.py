"""Single-pass story clustering of a stream, in time linear in the number of articles.

Articles arrive in publication order. Each becomes a ``StreamItem`` (``cluster.stream_item``): TF-IDF
vectors (IDF from the documents seen so far) of its story document, of its title and of its
names, and optionally an embedding of its title and lead.
A story (``cluster.centroids``) keeps the sums of its members' vectors (its centroids), its first and
last publication time, and is listed in an inverted index under the heaviest
terms of its members. A new article looks up the stories sharing one of its
heaviest terms (never all stories), keeps those active within the horizon
``STREAM_WINDOW_DAYS``, computes the join features of each (``join``) and
lets the learned join model pick the story or open a new one (``cluster.join_rules``), as Miranda et
al. (2018, EMNLP) do. Time is evidence, not a wall: the horizon is long (news
events run for months; on Giveme5W1H dev a 30-day horizon caps B3-F1 at
0.928, three years at 1.000: ``bench/quality/cluster_quality.py --learned``), and the
time gaps to a story's first and last article are join features the model
weighs. Near-duplicates (``dedup``) join their earliest copy's story at once,
whatever the arrival order. Stories silent for longer than the horizon leave
the index (they stay in the result), and so do the least recently active
beyond ``MAX_ACTIVE_STORIES``, so the index and the time per article stay
bounded.

Document frequencies start from a background (``background``): a wire
feed's template words ("qtr", "shr", "inc") are known as common from the
first article on, so they neither weigh in the cosines nor pass for
distinctive while the stream is young. The distinctive terms of an article (at most ``DISTINCT_SHARE`` of the
documents seen) are found here, the rule that uses them is in ``cluster.join_rules``.

Not here: what is kept of an article (``cluster.stream_item``), the join rules and deciders
(``cluster.join_rules``), alignment inside a story, the store (``pipeline``), training
(``training/train_join.py``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from storytrace.align.compare import Prepared
from storytrace.cluster.background import Background, load_background
from storytrace.cluster.centroids import StreamStory, Vector, add_into, cosine, embedding_cosine, strongest
from storytrace.cluster.dedup import DuplicateIndex
from storytrace.cluster.grouping import content_words
from storytrace.cluster.join_rules import (
    Candidate,
    JoinDecider,
    decide,
    default_join,
    has_evidence,
    join_for,
    names_a_date,
    names_distinct,
    set_margins,
)
from storytrace.cluster.stream_item import StreamItem, embedding_text, stream_item
from storytrace.model import JoinReason
from storytrace.published import order_key, published_seconds
from storytrace.semantic.embed import Embedder

# The horizon: a story silent for longer than this cannot be joined (and leaves the index).
STREAM_WINDOW_DAYS = 1095.0
# At most this many stories stay in the index; beyond it the least recently active leave it.
MAX_ACTIVE_STORIES = 20_000
INDEX_TERMS = 12  # heaviest terms of each article listed in the index (and looked up)
# B3-F1 on Giveme5W1H and METER dev the same as with 40 (bench/quality/cluster_quality.py --stream 0.2).
MAX_CANDIDATES = 10
BATCH = 1000  # articles hashed (and embedded) at a time, and retirement checked
# A term in more than this share of the documents seen (once 100 are seen) is a template word.
TEMPLATE_SHARE = 0.05
TEMPLATE_MIN_DOCS = 100
# A title stem or name found in at most this share of the documents seen (or in DISTINCT_MIN_DOCS) is distinctive
# (``names_distinct``): on the first 10,000 Reuters bodies, same-story pairs of different companies' tickers fall from
# 25,988 to 4,117, held-out B3-F1 moves by -0.001 to -0.005
# (bench/quality/reuters_templates.py --semantic --distinct 0.002).
DISTINCT_SHARE: float | None = 0.002  # None: no such rule
DISTINCT_MIN_DOCS = 10


@dataclass
class StreamClusterer:
    """Assign articles to stories one by one (``add``), in publication order."""

    decider: JoinDecider | None = None  # None: the shipped lexical join model
    window_days: float = STREAM_WINDOW_DAYS
    df: Counter[str] = field(default_factory=Counter)
    seen: int = 0
    stories: list[StreamStory] = field(default_factory=list)
    index: dict[str, set[int]] = field(default_factory=dict)
    story_of: list[int] = field(default_factory=list)
    dedup: DuplicateIndex = field(default_factory=DuplicateIndex)
    key_to_position: dict[str, int] = field(default_factory=dict)
    explain: bool = False  # keep why each decided article went where it did (``reasons``)
    reasons: dict[str, JoinReason] = field(default_factory=dict)
    background: Background = field(default_factory=load_background)  # what is known of words before the stream

    def __post_init__(self) -> None:
        if self.decider is None:
            self.decider = default_join(semantic=False)

    def reserve(self, stories: int) -> None:
        """Make story numbers below ``stories`` taken (resuming: they come from the store), new ones above."""
        while len(self.stories) < stories:
            self.stories.append(StreamStory())

    def add(self, item: StreamItem, story: int | None = None, known: bool = False) -> int:
        """The story number the article joins (a new one when nothing fits).

        With ``known``, the article goes into ``story`` (None: a new story)
        without a decision: how a stream is resumed from stored assignments.
        It goes in as it went when it was decided: a copy of an article already
        placed joins without entering the story's centroids, any other article
        enters them. So a resumed stream's state is the state the stream had.
        """
        position = len(self.story_of)
        self.key_to_position[item.key] = position
        if item.shingles is not None:
            self.dedup.add_shingled([(item.key, list(item.shingles), item.published)])
        vectors = self.vectors_of(item)
        when = published_seconds(item.published)
        placed = [h for h in self.dedup.hits_of.get(item.key, ()) if h in self.key_to_position and h != item.key]
        if placed:  # a copy of a text already placed (earlier or later published) joins its story
            # A known copy is replayed as it was decided: into its story, not into the story's centroids.
            if not known or story is None:
                story = self.story_of[self.key_to_position[placed[0]]]
                if self.explain and not known:
                    self.reasons[item.key] = JoinReason("copy", copy_of=placed[0])
            self.reserve(story + 1)
            self.stories[story].members.append(position)
            self.story_of.append(story)
            return story
        if known:
            return self.place(story, vectors, when, item.embedding)
        # Weak evidence joins nothing: a story that shares no title term and no name with the article must share
        # its body words at least as much as the fixed rule asks (``FixedJoin``).
        rows = [c for c in self.candidates(vectors, when, item.embedding) if has_evidence(c.features)]
        assert self.decider is not None
        chosen, best, score = decide(self.decider, [c.features for c in rows])
        target = None if chosen is None else rows[chosen].story
        if self.explain:
            if target is None:
                self.reasons[item.key] = JoinReason("opened", score)
            else:
                self.reasons[item.key] = self.join_reason(vectors, when, target, score)
        return self.place(target, vectors, when, item.embedding)

    def join_reason(
        self, vectors: tuple[Vector, Vector, Vector], when: float, story_id: int, score: float | None
    ) -> JoinReason:
        """Why an article with ``vectors`` joins ``story_id``: the terms and names it shares most, the time gap."""
        story = self.stories[story_id]
        body, _, names = vectors
        gap = (when - story.last) / 86400 if not math.isnan(when) and not math.isnan(story.last) else None
        return JoinReason("joined", score, strongest(body, story.body), strongest(names, story.names), gap)

    def vectors_of(self, item: StreamItem) -> tuple[Vector, Vector, Vector]:
        """Count the item in the document frequencies; its body, title and names TF-IDF vectors."""
        self.seen += 1
        self.df.update(set(item.document))
        return self._vector(item.document), self._vector(item.title), self._vector(item.names)

    def doc_freq(self, term: str) -> float:
        """The documents holding ``term``: those seen and the background's pseudo-documents."""
        return self.df[term] + self.background.count(term)

    def documents(self) -> float:
        """The documents seen and the background's pseudo-documents."""
        return self.seen + self.background.docs

    def _vector(self, terms: Sequence[str]) -> Vector:
        counts = Counter(terms)
        n = self.documents()
        limit = max(TEMPLATE_MIN_DOCS, TEMPLATE_SHARE * n)
        log_n = math.log(1 + n)
        frequency = {t: self.doc_freq(t) for t in counts}
        out = {
            t: (1.0 + math.log(c)) * (log_n - math.log(1 + frequency[t]) + 1.0)
            for t, c in counts.items()
            if frequency[t] <= limit
        }
        norm = math.sqrt(sum(v * v for v in out.values())) or 1.0
        return {t: v / norm for t, v in out.items()}

    def candidates(
        self, vectors: tuple[Vector, Vector, Vector], when: float, embedding: np.ndarray | None = None
    ) -> list[Candidate]:
        """The indexed stories within the window that share a heavy term, with their join features."""
        body, title, names = vectors
        heavy = sorted(body, key=body.__getitem__, reverse=True)[:INDEX_TERMS]
        hits: Counter[int] = Counter()
        for term in heavy:
            hits.update(self.index.get(term, ()))
        # The stories sharing the most heavy terms, the newer first on a tie: an order that does not depend on how
        # the index's sets happen to iterate, so that a clusterer restored from a snapshot (``cluster.snapshot``)
        # ranks as the one that was saved.
        ranked = sorted(hits.items(), key=lambda hit: (-hit[1], -hit[0]))[:MAX_CANDIDATES]
        out = []
        window = self.window_days * 86400
        for story_id, shared in ranked:
            story = self.stories[story_id]
            dated = not math.isnan(when) and not math.isnan(story.last)
            if dated and (when - story.last > window or story.first - when > window):
                continue
            gap_last = abs(when - story.last) / 86400 if dated else 0.0
            gap_first = abs(when - story.first) / 86400 if dated else 0.0
            # The story's pace: the mean days between its articles (0 for one article or undated).
            pace = (story.last - story.first) / 86400 / (len(story.members) - 1) if dated and story.members[1:] else 0.0
            features = {
                "cos_body": cosine(body, story.body, story.body_norm2),
                "cos_title": cosine(title, story.title, story.title_norm2),
                "cos_names": cosine(names, story.names, story.names_norm2),
                "heavy_shared": shared / INDEX_TERMS,
                "log_gap_last": math.log1p(gap_last),
                "log_gap_first": math.log1p(gap_first),
                "log_pace": math.log1p(pace),
                "log_gap_per_pace": math.log1p(gap_last / (1.0 + pace)),
                "no_date": 0.0 if dated else 1.0,
                "log_size": math.log1p(len(story.members)),
                "cos_embed": embedding_cosine(embedding, story.embedding, story.embedding_norm),
            }
            out.append(Candidate(story_id, features))
        distinct = self.distinct_terms(vectors)
        if distinct:
            out = [c for c in out if names_distinct(self.stories[c.story], distinct)]
        set_margins(out)
        return out

    def distinct_terms(self, vectors: tuple[Vector, Vector, Vector]) -> set[str]:
        """The article's distinctive title stems and names at ``DISTINCT_SHARE`` (none when the rule is off)."""
        return set() if DISTINCT_SHARE is None else self.distinct_terms_at(vectors, DISTINCT_SHARE)

    def distinct_terms_at(self, vectors: tuple[Vector, Vector, Vector], share: float) -> set[str]:
        """Title stems and names in at most ``share`` of the documents seen (or DISTINCT_MIN_DOCS), no numbers.

        None for an untitled article or a bare headline (no text beyond its title).
        """
        body, title, names = vectors
        if not title or body.keys() <= title.keys():
            return set()
        limit = max(DISTINCT_MIN_DOCS, share * self.documents())
        return {t for t in chain(title, names) if self.doc_freq(t) <= limit and not names_a_date(t)}

    def place(
        self,
        story_id: int | None,
        vectors: tuple[Vector, Vector, Vector],
        when: float,
        embedding: np.ndarray | None = None,
    ) -> int:
        """Put an article (the next position) into ``story_id``, or a new story for None; the story."""
        if story_id is not None:
            self.reserve(story_id + 1)
        if story_id is None:
            self.stories.append(StreamStory())
            story_id = len(self.stories) - 1
        story = self.stories[story_id]
        body, title, names = vectors
        story.body_norm2 = add_into(story.body, body, story.body_norm2)
        story.title_norm2 = add_into(story.title, title, story.title_norm2)
        story.names_norm2 = add_into(story.names, names, story.names_norm2)
        if embedding is not None:
            story.embedding = embedding.copy() if story.embedding is None else story.embedding + embedding
            story.embedding_norm = float(np.linalg.norm(story.embedding))
        if not math.isnan(when):
            story.first = when if math.isnan(story.first) else min(story.first, when)
            story.last = when if math.isnan(story.last) else max(story.last, when)
        for term in sorted(body, key=body.__getitem__, reverse=True)[:INDEX_TERMS]:
            if term not in story.terms:
                story.terms.add(term)
                self.index.setdefault(term, set()).add(story_id)
        story.members.append(len(self.story_of))
        self.story_of.append(story_id)
        return story_id

    def retire(self, now: float) -> int:
        """Take stories silent for longer than the horizon, or beyond ``MAX_ACTIVE_STORIES``, out of the index."""
        stale = self.stale([k for k, story in enumerate(self.stories) if story.terms], now)
        for story_id in stale:
            self.unindex(story_id)
        return len(stale)

    def stale(self, indexed: Sequence[int], now: float) -> list[int]:
        """Those of the ``indexed`` stories to retire at ``now``: silent past the horizon, then the least recent."""
        horizon = self.window_days * 86400
        stale = [k for k in indexed if not math.isnan(self.stories[k].last) and now - self.stories[k].last > horizon]
        excess = len(indexed) - len(stale) - MAX_ACTIVE_STORIES
        if excess > 0:
            gone = set(stale)
            # Undated stories count as the oldest; among equals the lower (earlier) story number goes first.
            rest = sorted((k for k in indexed if k not in gone), key=lambda k: (_recency(self.stories[k].last), k))
            stale.extend(rest[:excess])
        return stale

    def unindex(self, story_id: int) -> None:
        """Take one story out of the index (it stays in the result)."""
        story = self.stories[story_id]
        for term in story.terms:
            self.index.get(term, set()).discard(story_id)
        story.terms = set()


def _recency(last: float) -> float:
    return -math.inf if math.isnan(last) else last


Embed = Callable[[list[str]], np.ndarray]


def stream_groups(
    prepared: Sequence[Prepared],
    decider: JoinDecider | None = None,
    embed: Embed | None = None,
    window_days: float = STREAM_WINDOW_DAYS,
) -> list[list[int]]:
    """Stories as lists of indices into ``prepared`` (each in input order), clustered as a stream.

    ``embed`` (texts to unit vectors) adds the embedding features; the shipped
    semantic join model is then the default decider.
    """
    labels = stream_labels(prepared, decider, embed, window_days=window_days)
    groups: dict[int, list[int]] = {}
    for k in range(len(prepared)):
        groups.setdefault(labels[k], []).append(k)
    return sorted(groups.values(), key=lambda g: g[0])


def stream_labels(
    prepared: Sequence[Prepared],
    decider: JoinDecider | None = None,
    embed: Embed | None = None,
    clusterer: StreamClusterer | None = None,
    window_days: float = STREAM_WINDOW_DAYS,
    embedder: Embedder | None = None,
) -> list[int]:
    """The story number of each article of ``prepared``, clustered as a stream in publication order.

    With ``embedder`` (and no ``decider`` or ``embed``), its vectors and the join model trained on its cosines
    (``join_for``): what ``pipeline.assign_stories`` decides on a store holding ``prepared`` in this order.
    """
    order = sorted(range(len(prepared)), key=lambda k: (order_key(prepared[k].article.published), k))
    if embedder is not None and embed is None:
        embed = embedder.encode
    if clusterer is None:
        if decider is None:
            decider = join_for(embedder) if embedder is not None else default_join(semantic=embed is not None)
        clusterer = StreamClusterer(decider, window_days)
    labels = [0] * len(prepared)
    for start in range(0, len(order), BATCH):
        chunk = order[start : start + BATCH]
        words = [content_words(prepared[k]) for k in chunk]
        clusterer.dedup.add_words(
            [(prepared[k].article.id, w, prepared[k].article.published) for k, w in zip(chunk, words, strict=True)]
        )
        vectors: list[np.ndarray | None] = [None] * len(chunk)
        if embed is not None:
            texts = [embedding_text(prepared[k].article.title, w) for k, w in zip(chunk, words, strict=True)]
            vectors = list(embed(texts))
        for k, w, v in zip(chunk, words, vectors, strict=True):
            labels[k] = clusterer.add(stream_item(prepared[k], w, v, with_shingles=False))
        clusterer.retire(published_seconds(prepared[chunk[-1]].article.published))
    return labels
