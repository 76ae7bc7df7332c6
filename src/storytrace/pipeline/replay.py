"""Stage 4 on a store: the streaming clusterer replayed in publication order, resumed from its snapshot.

Every stored article without a story gets one; articles already assigned keep theirs. Each article's
clusterer features are computed once and kept in the store.

Not here: the clusterer itself (``cluster.stream``), its snapshot's form (``cluster.snapshot``).
"""

from __future__ import annotations

import functools
import itertools
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from storytrace import stops
from storytrace.align.compare import (
    Prepared,
    prepare,
)
from storytrace.clean import Agency, agencies_with
from storytrace.cluster.grouping import content_words, story_document_of
from storytrace.cluster.join_rules import JoinDecider, join_for
from storytrace.cluster.snapshot import SnapshotError, restore, snapshot
from storytrace.cluster.stream import BATCH, STREAM_WINDOW_DAYS, StreamClusterer
from storytrace.cluster.stream_item import StreamItem, embedding_text, name_terms
from storytrace.fingerprint import code_digest
from storytrace.isolation import attempt
from storytrace.model import Article, StageProblem
from storytrace.pipeline.times import Progress, no_progress
from storytrace.published import published_seconds
from storytrace.semantic import Embedder
from storytrace.store import Store
from storytrace.store.stream_state import StreamSnapshot
from storytrace.text.tokens import content_stems


def assign_stories(
    store: Store,
    embedder: Embedder | None = None,
    progress: Progress = no_progress,
    decider: JoinDecider | None = None,
    prepared_out: dict[str, Prepared] | None = None,
    problems: list[StageProblem] | None = None,
    window_days: float = STREAM_WINDOW_DAYS,
) -> dict[str, int]:
    """Stage 4 on a store: give every stored article without a story one; ``{id: story}`` of all.

    The stream is replayed in publication order from the kept features of
    each article (its content words, names, story document terms and title
    stems, computed once), so the
    clusterer's state is what it was; articles already assigned keep their
    story, new ones are decided (the learned join, with embeddings when an
    embedder is given). Re-running on an unchanged store assigns nothing.
    The articles it had to clean for their features go into ``prepared_out``.

    An article whose features cannot be computed gets none (it opens a story
    of its own), a chunk whose vectors cannot be computed is placed on lexical
    features; either is recorded in ``problems`` (``isolation``).

    The replay starts from the store's snapshot of the clusterer
    (``cluster.snapshot``) when one was taken, with the same code and
    embedder, after articles that still come first, in the same order, with
    the same stories: the state it restores is the one the replay would
    build. Each run that decides articles keeps a snapshot at the last batch
    boundary it passed (``STORYTRACE_SNAPSHOT=0``: neither kept nor used).
    """
    known = store.story_assignments()
    total = store.count()
    if len(known) == total:
        return known
    failed, agencies = problems if problems is not None else [], agencies_with(store.agency_sources())
    decider = decider or join_for(embedder)
    use_snapshots, settings = os.environ.get("STORYTRACE_SNAPSHOT", "1") != "0", _snapshot_settings(embedder)
    clusterer, start = _clusterer(store, settings, known, decider, window_days, use_snapshots)
    last_boundary = total // BATCH * BATCH
    kept: StreamSnapshot | None = None
    new: dict[str, int] = {}
    done = start
    articles = store.articles_in_time_order(skip=start)
    while chunk := list(itertools.islice(articles, BATCH)):
        features, terms = _chunk_features(chunk, store, agencies, prepared_out, failed)
        clusterer.dedup.add_words([(a.id, features[a.id][0], a.published) for a in chunk])
        vectors = _chunk_vectors(chunk, features, embedder, failed)
        new.update(_placed(clusterer, chunk, features, terms, vectors, known))
        clusterer.retire(published_seconds(chunk[-1].published))
        done += len(chunk)
        if use_snapshots and done == last_boundary and done > start:
            taken = snapshot(clusterer)
            if taken is not None:
                kept = StreamSnapshot(settings, done, *taken)
        progress("cluster", done, total)
        stops.reached("chunk-placed")
    reasons = {aid: json.dumps(r.as_json(), ensure_ascii=False) for aid, r in clusterer.reasons.items() if aid in new}
    store.assign_stories(new, kept, reasons)
    return {**known, **new}


def _clusterer(
    store: Store,
    settings: str,
    known: Mapping[str, int],
    decider: JoinDecider,
    window_days: float,
    use_snapshots: bool,
) -> tuple[StreamClusterer, int]:
    """The clusterer to replay with and the position it goes on from: the store's snapshot, or a new one at 0."""
    clusterer, start = _resumed(store, settings, known, decider) if use_snapshots else (None, 0)
    if clusterer is not None and clusterer.window_days != window_days:
        clusterer, start = None, 0  # taken with another window: replayed from the start
    clusterer = clusterer or StreamClusterer(decider, window_days)
    clusterer.explain = True
    clusterer.reserve(max(known.values(), default=-1) + 1)
    return clusterer, start


def _chunk_features(
    chunk: Sequence[Article],
    store: Store,
    agencies: Sequence[Agency],
    prepared_out: dict[str, Prepared] | None,
    failed: list[StageProblem],
) -> tuple[dict[str, tuple[list[str], list[str]]], dict[str, tuple[list[str], list[str]]]]:
    """The clusterer's kept features and terms of a chunk's articles, those not kept yet computed and kept.

    The articles cleaned for their features go into ``prepared_out``; one whose features fail gets none.
    """
    features = store.stream_features([a.id for a in chunk])
    terms = store.stream_terms([a.id for a in chunk])
    fresh = {}
    for art in chunk:
        if art.id not in features:
            p = prepare(art, agencies)
            if prepared_out is not None:
                prepared_out[art.id] = p
            fresh[art.id] = attempt("cluster", [art.id], functools.partial(_stream_features, p), _no_features,
                                    failed)  # fmt: skip
    if fresh:
        store.put_stream_features(fresh)
        features.update(fresh)
    fresh_terms = {
        a.id: attempt("cluster", [a.id], functools.partial(_stream_terms, a, features[a.id][0]), _no_terms, failed)
        for a in chunk
        if a.id not in terms
    }
    if fresh_terms:
        store.put_stream_terms(fresh_terms)
        terms.update(fresh_terms)
    return features, terms


def _placed(
    clusterer: StreamClusterer,
    chunk: Sequence[Article],
    features: Mapping[str, tuple[list[str], list[str]]],
    terms: Mapping[str, tuple[list[str], list[str]]],
    vectors: Sequence[Any],
    known: Mapping[str, int],
) -> dict[str, int]:
    """Add a chunk's articles to the clusterer: those ``known`` in their story, the others decided (returned)."""
    new = {}
    for art, vector in zip(chunk, vectors, strict=True):
        document, title = terms[art.id]
        item = StreamItem(
            key=art.id,
            published=art.published,
            document=tuple(document),
            title=tuple(title),
            names=tuple(features[art.id][1]),
            embedding=vector,
        )
        if art.id in known:
            clusterer.add(item, known[art.id], known=True)
        else:
            new[art.id] = clusterer.add(item)
    return new


def _stream_features(prepared: Prepared) -> tuple[list[str], list[str]]:
    """What the clusterer keeps of an article's content: its content words and its names."""
    text = prepared.article.text
    return content_words(prepared), name_terms(" ".join(text[s:e] for s, e in prepared.clean.content))


def _stream_terms(article: Article, words: list[str]) -> tuple[list[str], list[str]]:
    """The article's story-document terms and title stems (from its kept content words)."""
    return story_document_of(words, article.title).split(), content_stems(article.title or "")


def _chunk_vectors(
    chunk: Sequence[Article], features: Mapping[str, Any], embedder: Embedder | None, failed: list[StageProblem]
) -> list[Any]:
    """The clusterer's vectors of a chunk of articles; None each without an embedder, or if encoding fails."""
    nothing: list[Any] = [None] * len(chunk)
    if embedder is None:
        return nothing
    texts = [embedding_text(a.title, features[a.id][0]) for a in chunk]
    return attempt("cluster", [a.id for a in chunk], lambda: list(embedder.encode(texts)), lambda: nothing, failed)


def _no_features() -> tuple[list[str], list[str]]:
    return [], []


_no_terms = _no_features


def _snapshot_settings(embedder: Embedder | None) -> str:
    """What a snapshot of the clusterer's state depends on, besides the articles: the code, embedder, batching."""
    return json.dumps([code_digest(), getattr(embedder, "name", None), BATCH])


def _resumed(
    store: Store, settings: str, known: Mapping[str, int], decider: JoinDecider
) -> tuple[StreamClusterer | None, int]:
    """The clusterer restored from the store's snapshot and where the replay goes on, or (None, 0).

    Trusted only if taken with the same ``settings``, after articles that are
    still the first ones in time order, each still in the story it had then.
    """
    kept = store.stream_snapshot()
    if kept is None or kept.settings != settings:
        return None, 0
    try:
        clusterer = restore(kept.state, kept.arrays, decider)
    except SnapshotError:
        return None, 0
    first = store.ids_in_time_order()[: kept.position]
    positions = clusterer.key_to_position
    if (
        len(first) != kept.position
        or len(positions) != kept.position
        or any(positions.get(key) != k for k, key in enumerate(first))
        or any(known.get(key) != clusterer.story_of[k] for k, key in enumerate(first))
    ):
        return None, 0  # a newcomer published before its end, or another store's
    return clusterer, kept.position
