"""Single-pass story clustering of a stream, in time linear in the number of articles.

Articles arrive in publication order. Each becomes a ``StreamItem``: TF-IDF
vectors (IDF from the documents seen so far) of its story document (content
stems, title twice: ``grouping.story_document``), of its title and of its
names (capitalised words), and optionally an embedding of its title and lead.
A story keeps the sums of its members' vectors (its centroids), its first and
last publication time, and is listed in an inverted index under the heaviest
terms of its members. A new article looks up the stories sharing one of its
heaviest terms (never all stories), keeps those active within the horizon
``STREAM_WINDOW_DAYS``, computes the join features of each (``join``) and
lets the learned join model pick the story or open a new one, as Miranda et
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
distinctive while the stream is young.

A candidate story must name something that only this article and a few
others name (``names_distinct``): an article whose title words or names
include distinctive ones (in at most ``DISTINCT_SHARE`` of the documents seen)
joins only a titled story whose titles or names hold one of them. A wire
feed's templated series (dividends, quarterly results, bond issues of
different companies: the same words, another company in the title) are then
not joined into one story. A bare headline, with no text beyond its title, is
judged by the model alone.

``FixedJoin`` keeps the earlier rule (join the most similar story when the body
cosine reaches a cut-off) as the baseline the benchmarks compare against.

Not here: alignment inside a story, the store (``pipeline``), training (``training/train_join.py``).
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Protocol

import numpy as np

from storytrace.align.compare import Prepared
from storytrace.cluster.background import Background, load_background
from storytrace.cluster.dedup import DuplicateIndex, word_shingles
from storytrace.cluster.grouping import content_words, story_document_of
from storytrace.cluster.join import JoinModel, load_join_model
from storytrace.model import JoinReason
from storytrace.published import order_key, published_seconds
from storytrace.semantic.embed import Embedder, model_kind
from storytrace.text.tokens import STOPWORDS, content_stems, stem

# The rule of ``FixedJoin``: join the best candidate when its body cosine reaches this.
STREAM_JOIN_MIN = 0.2
# A candidate story that shares no title term and no name with the article needs this body cosine (``has_evidence``).
# 0.25 rather than the fixed rule's 0.2 since the background frequencies widened the IDF scale; no held-out figure of
# bench/quality/cluster_quality.py --learned moves between the two.
WEAK_EVIDENCE_MIN = 0.25
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
# The embedded text of an article: its title and the first words of its content.
EMBED_LEAD_WORDS = 80

Vector = dict[str, float]
# A word (as ``tokens.normal_words`` reads them) that does not start with a digit, "_" or a-z:
# the candidates for capitalised words, checked with ``str.isupper`` after.
_CAPITALISED = re.compile(r"(?<![^\W_])[^\W\d_a-z][^\W_]*(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class StreamItem:
    """What the clusterer needs of an article."""

    key: str
    published: str | None
    document: tuple[str, ...]  # story document terms
    title: tuple[str, ...] = ()  # title stems
    names: tuple[str, ...] = ()  # stems of capitalised words inside sentences
    shingles: tuple[bytes, ...] | None = None  # None: already in the duplicate index
    embedding: np.ndarray | None = None  # unit vector of title + lead


@dataclass
class _Story:
    body: Vector = field(default_factory=dict)
    body_norm2: float = 0.0
    title: Vector = field(default_factory=dict)
    title_norm2: float = 0.0
    names: Vector = field(default_factory=dict)
    names_norm2: float = 0.0
    embedding: np.ndarray | None = None  # the sum of the members' embeddings
    embedding_norm: float = 0.0  # its norm, kept with it
    first: float = math.nan
    last: float = math.nan
    members: list[int] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Candidate:
    """A candidate story for an article, with its join features."""

    story: int
    features: dict[str, float]


class JoinDecider(Protocol):
    """Picks the candidate to join (its index in the list), or None for a new story."""

    def choose(self, rows: Sequence[Mapping[str, float]]) -> int | None:
        """Index of the row to join, or None."""
        ...


@dataclass(frozen=True)
class FixedJoin:
    """The hand-set rule: the candidate with the highest body cosine, if it reaches ``join_min``."""

    join_min: float = STREAM_JOIN_MIN

    def choose(self, rows: Sequence[Mapping[str, float]]) -> int | None:
        """The row with the highest ``cos_body`` at or above ``join_min``, or None."""
        best, best_score = None, self.join_min
        for k, row in enumerate(rows):
            if row["cos_body"] >= best_score:
                best, best_score = k, row["cos_body"]
        return best


def default_join(semantic: bool, kind: str = "semantic") -> JoinModel:
    """The shipped learned join model, with or without the embedding features (trained on ``kind``'s cosines)."""
    return load_join_model(kind if semantic else "lexical")


def join_for(embedder: Embedder | None) -> JoinModel:
    """The join model every entry point uses with ``embedder``: the one trained on its cosines, or the lexical one.

    ``cluster``, ``ingest``, ``analyze``, the web UI's upload and Spark's replay all ask here, so that one
    input gets one set of stories whichever of them runs it.
    """
    return load_join_model(model_kind(embedder))


@dataclass
class StreamClusterer:
    """Assign articles to stories one by one (``add``), in publication order."""

    decider: JoinDecider | None = None  # None: the shipped lexical join model
    window_days: float = STREAM_WINDOW_DAYS
    df: Counter[str] = field(default_factory=Counter)
    seen: int = 0
    stories: list[_Story] = field(default_factory=list)
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
            self.stories.append(_Story())

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
        chosen, best, score = _decide(self.decider, [c.features for c in rows])
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
        return JoinReason("joined", score, _strongest(body, story.body), _strongest(names, story.names), gap)

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
                "cos_body": _cosine(body, story.body, story.body_norm2),
                "cos_title": _cosine(title, story.title, story.title_norm2),
                "cos_names": _cosine(names, story.names, story.names_norm2),
                "heavy_shared": shared / INDEX_TERMS,
                "log_gap_last": math.log1p(gap_last),
                "log_gap_first": math.log1p(gap_first),
                "log_pace": math.log1p(pace),
                "log_gap_per_pace": math.log1p(gap_last / (1.0 + pace)),
                "no_date": 0.0 if dated else 1.0,
                "log_size": math.log1p(len(story.members)),
                "cos_embed": _embedding_cosine(embedding, story.embedding, story.embedding_norm),
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
        return {t for t in chain(title, names) if self.doc_freq(t) <= limit and not _names_a_date(t)}

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
            self.stories.append(_Story())
            story_id = len(self.stories) - 1
        story = self.stories[story_id]
        body, title, names = vectors
        story.body_norm2 = _add_into(story.body, body, story.body_norm2)
        story.title_norm2 = _add_into(story.title, title, story.title_norm2)
        story.names_norm2 = _add_into(story.names, names, story.names_norm2)
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


def has_evidence(features: Mapping[str, float]) -> bool:
    """Whether a candidate shares a title term or a name with the article, or reaches ``WEAK_EVIDENCE_MIN`` on body."""
    return features["cos_title"] > 0 or features["cos_names"] > 0 or features["cos_body"] >= WEAK_EVIDENCE_MIN


EXPLAIN_TERMS = 5  # shared terms, and names, a join reason lists


def _strongest(vector: Vector, centroid: Vector) -> tuple[str, ...]:
    """The terms of ``vector`` that weigh most in its cosine with ``centroid``, heaviest first."""
    shared = [(vector[t] * w, t) for t, w in centroid.items() if t in vector and w > 0]
    return tuple(t for _, t in sorted(shared, key=lambda x: (-x[0], x[1]))[:EXPLAIN_TERMS])


def _decide(decider: JoinDecider, rows: Sequence[Mapping[str, float]]) -> tuple[int | None, int | None, float | None]:
    """The row to join (or None), the best-ranked row, and the probability of joining it (None if not told)."""
    if isinstance(decider, JoinModel):
        return decider.decide(rows)
    chosen = decider.choose(rows)
    return chosen, chosen, None


_CALENDAR = frozenset(
    stem(w)
    for w in (
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    )
)


def _names_a_date(term: str) -> bool:
    """Numbers, ordinals, months and weekdays ("1st", "31", "april") name no story: a results series repeats them."""
    return term in _CALENDAR or any(ch.isdigit() for ch in term)


def names_distinct(story: _Story, distinct: set[str]) -> bool:
    """Whether an untitled story, or a titled one whose titles or names hold one of the ``distinct`` terms."""
    return not story.title or any(t in story.title or t in story.names for t in distinct)


def set_margins(rows: Sequence[Candidate]) -> None:
    """Each candidate's body and embedding cosines less the best of ``rows`` (its ``*_margin`` features)."""
    best_body = max((c.features["cos_body"] for c in rows), default=0.0)
    best_embed = max((c.features["cos_embed"] for c in rows), default=0.0)
    for c in rows:
        c.features["body_margin"] = c.features["cos_body"] - best_body
        c.features["embed_margin"] = c.features["cos_embed"] - best_embed


def _add_into(centroid: Vector, vector: Vector, norm2: float) -> float:
    for t, w in vector.items():
        old = centroid.get(t, 0.0)
        centroid[t] = old + w
        norm2 += 2 * old * w + w * w
    return norm2


def _cosine(vector: Vector, centroid: Vector, norm2: float) -> float:
    if not norm2 or not vector:
        return 0.0
    small, large = (centroid, vector) if len(vector) > len(centroid) else (vector, centroid)
    # The dot product over the smaller vector's terms, looped in C (map) rather than in a generator.
    dot: float = sum(map(operator.mul, small.values(), map(large.get, small.keys(), repeat(0.0))))
    return dot / math.sqrt(norm2)


def _embedding_cosine(a: np.ndarray | None, total: np.ndarray | None, norm: float) -> float:
    """Cosine of a unit vector ``a`` and a story's summed embedding ``total`` of norm ``norm``."""
    if a is None or total is None:
        return 0.0
    return float(a @ total) / norm if norm else 0.0


def name_terms(text: str) -> list[str]:
    """Stems of the capitalised words of ``text`` that do not open a sentence (likely names)."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for m in _CAPITALISED.finditer(text):
        word = m.group(0)
        if not word[0].isupper():
            continue
        before = text[max(0, m.start() - 3) : m.start()].rstrip(" \t\"'“‘(")
        if not before or before[-1] in ".!?\n:;":
            continue
        lower = word.lower().replace("’", "'")
        if lower.endswith("'s"):
            lower = lower[:-2]
        out.extend(stem(part) for part in lower.split("'") if part and part not in STOPWORDS)
    return out


def embedding_text(title: str | None, words: Sequence[str]) -> str:
    """What is embedded of an article: its title and the first ``EMBED_LEAD_WORDS`` content words."""
    lead = " ".join(words[:EMBED_LEAD_WORDS])
    return f"{title}. {lead}" if title else lead


def stream_item(
    prepared: Prepared,
    words: Sequence[str] | None = None,
    embedding: np.ndarray | None = None,
    with_shingles: bool = True,
) -> StreamItem:
    """The ``StreamItem`` of a prepared article (``words``: its ``content_words`` if already known)."""
    art = prepared.article
    words = list(words) if words is not None else content_words(prepared)
    content = " ".join(art.text[s:e] for s, e in prepared.clean.content)
    return StreamItem(
        key=art.id,
        published=art.published,
        document=tuple(story_document_of(words, art.title).split()),
        title=tuple(content_stems(art.title or "")),
        names=tuple(name_terms(content)),
        shingles=tuple(word_shingles(words)) if with_shingles else None,
        embedding=embedding,
    )


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
