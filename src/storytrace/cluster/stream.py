"""Single-pass story clustering of a stream, in time linear in the number of articles.

Articles arrive in publication order. Each becomes a TF-IDF vector of its story
document (content stems, title twice: ``grouping.story_document``) whose IDF
comes from the documents seen so far. A story keeps the sum of its members'
vectors (its centroid), its first and last publication time, and is listed in
an inverted index under the heaviest terms of its members. A new article looks
up the stories sharing one of its heaviest terms (never all stories), keeps
those active within ``STREAM_WINDOW_DAYS``, and joins the most similar one if
the cosine to its centroid reaches ``STREAM_JOIN_MIN``; otherwise it opens a
story. Near-duplicates (``dedup``) join their earliest copy's story at once.
Stories silent for longer than the window leave the index (they stay in the
result), so memory and time per article stay bounded.

This is the shape of Miranda et al. (2018, EMNLP) with one hand-set decision;
their learned similarity and join decision come next (issue 4).

Not here: alignment inside a story, the store.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from storytrace.align.compare import Prepared, parse_time
from storytrace.cluster.dedup import DuplicateIndex, word_shingles
from storytrace.cluster.grouping import content_words, story_document_of

# Join the best candidate story when the article's cosine to its centroid reaches this.
STREAM_JOIN_MIN = 0.2
STREAM_WINDOW_DAYS = 30.0
INDEX_TERMS = 12  # heaviest terms of each article listed in the index (and looked up)
MAX_CANDIDATES = 10  # B3-F1 on Giveme5W1H and METER dev the same as with 40 (bench/cluster_quality.py --stream 0.2)
BATCH = 1000  # articles hashed for the duplicate index at a time (and retirement checked)
# A term in more than this share of the documents seen (once 100 are seen) is a template word.
TEMPLATE_SHARE = 0.05
TEMPLATE_MIN_DOCS = 100


@dataclass
class _Story:
    centroid: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    first: float = math.nan
    last: float = math.nan
    members: list[int] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)


@dataclass
class StreamClusterer:
    """Assign articles to stories one by one (``add``), in publication order."""

    join_min: float = STREAM_JOIN_MIN
    window_days: float = STREAM_WINDOW_DAYS
    df: Counter[str] = field(default_factory=Counter)
    seen: int = 0
    stories: list[_Story] = field(default_factory=list)
    index: dict[str, set[int]] = field(default_factory=dict)
    story_of: list[int] = field(default_factory=list)
    dedup: DuplicateIndex = field(default_factory=DuplicateIndex)
    key_to_position: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, document: str, text: str | None, published: str | None) -> int:
        """The story number the article joins (a new one when nothing fits).

        ``text`` goes to the duplicate index; pass None when the caller has
        already added the article there (``DuplicateIndex.add_shingled``).
        """
        position = len(self.story_of)
        self.key_to_position[key] = position
        when = _seconds(published)
        if text is not None:
            self.dedup.add(key, text, published)
        placed = [h for h in self.dedup.hits_of.get(key, ()) if h in self.key_to_position and h != key]
        vector = self.vector_of(document)
        if placed:  # a copy of a text already placed (earlier or later published) joins its story
            story = self.story_of[self.key_to_position[placed[0]]]
            self.stories[story].members.append(position)
            self.story_of.append(story)
            return story
        return self.place(self._best_story(vector, when), vector, when)

    def _vector(self, terms: Sequence[str]) -> dict[str, float]:
        counts = Counter(terms)
        limit = max(TEMPLATE_MIN_DOCS, TEMPLATE_SHARE * self.seen)
        out = {
            t: (1.0 + math.log(c)) * (math.log((1 + self.seen) / (1 + self.df[t])) + 1.0)
            for t, c in counts.items()
            if self.df[t] <= limit
        }
        norm = math.sqrt(sum(v * v for v in out.values())) or 1.0
        return {t: v / norm for t, v in out.items()}

    def candidates(self, vector: dict[str, float], when: float) -> list[tuple[int, int, float]]:
        """``(story, heavy terms shared, cosine to its centroid)`` of the indexed stories within the window."""
        heavy = sorted(vector, key=vector.__getitem__, reverse=True)[:INDEX_TERMS]
        hits: Counter[int] = Counter()
        for term in heavy:
            hits.update(self.index.get(term, ()))
        out = []
        window = self.window_days * 86400
        for story_id, shared in hits.most_common(MAX_CANDIDATES):
            story = self.stories[story_id]
            if not math.isnan(when) and not math.isnan(story.last):
                if when - story.last > window or story.first - when > window:
                    continue
            dot = sum(w * story.centroid.get(t, 0.0) for t, w in vector.items())
            out.append((story_id, shared, dot / math.sqrt(story.norm2) if story.norm2 else 0.0))
        return out

    def _best_story(self, vector: dict[str, float], when: float) -> int | None:
        best, best_score = None, self.join_min
        for story_id, _, score in self.candidates(vector, when):
            if score >= best_score:
                best, best_score = story_id, score
        return best

    def vector_of(self, document: str) -> dict[str, float]:
        """Count ``document`` in the document frequencies and return its TF-IDF vector."""
        terms = document.split()
        self.seen += 1
        self.df.update(set(terms))
        return self._vector(terms)

    def place(self, story_id: int | None, vector: dict[str, float], when: float) -> int:
        """Put an article (the next position) into ``story_id``, or a new story for None; the story."""
        if story_id is None:
            self.stories.append(_Story())
            story_id = len(self.stories) - 1
        self._join(story_id, vector, when)
        self.stories[story_id].members.append(len(self.story_of))
        self.story_of.append(story_id)
        return story_id

    def _join(self, story_id: int, vector: dict[str, float], when: float) -> None:
        story = self.stories[story_id]
        for t, w in vector.items():
            old = story.centroid.get(t, 0.0)
            story.centroid[t] = old + w
            story.norm2 += 2 * old * w + w * w
        if not math.isnan(when):
            story.first = when if math.isnan(story.first) else min(story.first, when)
            story.last = when if math.isnan(story.last) else max(story.last, when)
        for term in sorted(vector, key=vector.__getitem__, reverse=True)[:INDEX_TERMS]:
            if term not in story.terms:
                story.terms.add(term)
                self.index.setdefault(term, set()).add(story_id)

    def retire(self, now: float) -> int:
        """Take stories silent for longer than the window out of the index; how many."""
        gone = 0
        for story_id, story in enumerate(self.stories):
            if story.terms and not math.isnan(story.last) and now - story.last > self.window_days * 86400:
                for term in story.terms:
                    self.index.get(term, set()).discard(story_id)
                story.terms = set()
                gone += 1
        return gone


def _seconds(published: str | None) -> float:
    t = parse_time(published)
    return t.timestamp() if t is not None else math.nan


def stream_groups(prepared: Sequence[Prepared], join_min: float | None = None) -> list[list[int]]:
    """Stories as lists of indices into ``prepared`` (each in input order), clustered as a stream."""
    order = sorted(range(len(prepared)), key=lambda k: (prepared[k].article.published or "~", k))
    clusterer = StreamClusterer(join_min=STREAM_JOIN_MIN if join_min is None else join_min)
    labels: dict[int, int] = {}
    for start in range(0, len(order), BATCH):
        chunk = order[start : start + BATCH]
        words = [content_words(prepared[k]) for k in chunk]
        clusterer.dedup.add_shingled(
            [
                (prepared[k].article.id, word_shingles(w), prepared[k].article.published)
                for k, w in zip(chunk, words, strict=True)
            ]
        )
        for k, w in zip(chunk, words, strict=True):
            art = prepared[k].article
            labels[k] = clusterer.add(art.id, story_document_of(w, art.title), None, art.published)
        clusterer.retire(_seconds(prepared[chunk[-1]].article.published))
    groups: dict[int, list[int]] = {}
    for k in range(len(prepared)):
        groups.setdefault(labels[k], []).append(k)
    return sorted(groups.values(), key=lambda g: g[0])
