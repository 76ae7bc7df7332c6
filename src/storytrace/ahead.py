"""Per-article work done ahead, in a helper process, while the main process clusters the stream.

Some of what ``analyze`` does for an article does not depend on which story
it joins: its sentence vectors (with the static embedder, a tokenizer and a
table lookup) and its dates, numbers and quotes. The clusterer is sequential,
so while it runs one core is idle. ``Ahead`` forks one helper process that
cleans and segments the new articles in publication order and computes, first
their sentence vectors (which the main process would otherwise compute alone
after clustering), then their facts (which the story workers would otherwise
compute). When the clusterer is done, ``Ahead.finish`` keeps what the helper
finished and cancels the rest, which the later stages compute as they always
did. Every result is what the main process would compute itself (the same
pure functions on equal inputs), so the analysis is the same, byte for byte,
with or without the helper.

Not here: the clustering, and any work per story. The clusterer's own
features stay in the main process: handed over from the helper they cost the
clusterer more waiting than they saved (measured on 2,000 Reuters bodies).
MiniLM is never run in the helper (a forked process must not use the
transformer's thread pools); with it, only the facts are computed ahead.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

import numpy as np

from storytrace.align.compare import Prepared, prepare
from storytrace.clean import Agency
from storytrace.facts.article_facts import ArticleFacts, article_facts
from storytrace.facts.dates import DateMention
from storytrace.facts.entities import Mention
from storytrace.facts.numbers import NumberMention
from storytrace.facts.quotes import Quote
from storytrace.isolation import debugging
from storytrace.model import Article
from storytrace.published import order_key
from storytrace.semantic import Embedder
from storytrace.semantic.embed import model_kind

# Articles per task: what is lost when the clusterer finishes mid-task, against a round trip per task.
CHUNK = 250
# Below this many new articles the helper is not started (a fork and its round trips cost more than it saves).
MIN_ARTICLES = 500


@dataclass(frozen=True)
class FactsFound:
    """An article's facts as the helper sends them: what they depend on (``facts_key``), dates, numbers, quotes."""

    key: tuple[str, str]
    dates: tuple[DateMention, ...]
    numbers: tuple[NumberMention, ...]
    quotes: tuple[Quote, ...]


def facts_key(article: Article) -> tuple[str, str]:
    """What an article's facts depend on besides the agencies it is cleaned with (the same for both processes)."""
    return (article.content_hash, article.kind)


# An article's entity mentions as ``AheadResults`` keeps them: what they depend on (``facts_key``), the mentions.
MentionsFound = tuple[tuple[str, str], tuple[Mention, ...]]
# What a forked worker computed that was not known: facts and mentions by article id (``AheadResults.take_found``).
Found = tuple[dict[str, FactsFound], dict[str, MentionsFound]]


@dataclass
class AheadResults:
    """Per-article results known before the stories are analysed, and those found while analysing them.

    ``facts`` per article id (with ``facts_key``): the helper's, or kept in the store by a run before;
    ``mentions``: entity mentions per article id, kept by a run before; ``vectors``: sentence vectors by
    text (the helper's). ``facts_of`` and ``story_mentions`` add what they had to compute, and name the
    articles in ``found`` (a forked worker sends them back with ``take_found``).
    """

    facts: dict[str, FactsFound] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    cpu: float = 0.0  # the helper's CPU seconds
    mentions: dict[str, MentionsFound] = field(default_factory=dict)
    found: set[str] = field(default_factory=set)

    def facts_of(self, prepared: Prepared) -> ArticleFacts:
        """The article's facts: those known for this very article, else computed here (and remembered)."""
        found = self.facts.get(prepared.article.id)
        if found is None or found.key != facts_key(prepared.article):
            facts = article_facts(prepared)
            self.facts[facts.id] = FactsFound(facts_key(prepared.article), facts.dates, facts.numbers, facts.quotes)
            self.found.add(facts.id)
            return facts
        return ArticleFacts(prepared, found.dates, found.numbers, found.quotes)

    def known_mentions(self, facts: Sequence[ArticleFacts]) -> dict[str, tuple[Mention, ...]]:
        """The entity mentions known for these very articles, by article id."""
        out = {}
        for f in facts:
            known = self.mentions.get(f.id)
            if known is not None and known[0] == facts_key(f.prepared.article):
                out[f.id] = known[1]
        return out

    def add_mentions(self, facts: Sequence[ArticleFacts], found: dict[str, tuple[Mention, ...]]) -> None:
        """Remember the mentions ``found`` of (some of) these articles."""
        for f in facts:
            if f.id in found:
                self.mentions[f.id] = (facts_key(f.prepared.article), found[f.id])
                self.found.add(f.id)

    def take_found(self) -> Found:
        """What was computed here since the last call (facts and mentions by article id), forgotten as found."""
        ids, self.found = self.found, set()
        facts = {i: self.facts[i] for i in ids if i in self.facts}
        return facts, {i: self.mentions[i] for i in ids if i in self.mentions}

    def put_found(self, found: Found) -> None:
        """Add what a worker computed (``take_found`` there)."""
        self.facts.update(found[0])
        self.mentions.update(found[1])
        self.found.update(found[0].keys() | found[1].keys())


# What the forked helper reads (inherited, never pickled): the articles, the agencies, the embedder or None.
_INPUT: tuple[list[Article], list[Agency], Embedder | None] | None = None
_CANCEL: Any = None  # a multiprocessing Event: set, the tasks not started return nothing
_PREPARED: dict[str, Prepared] = {}  # in the helper: the articles its vector tasks prepared, for its facts tasks


class Ahead:
    """One helper process working through ``articles`` (in publication order) while the main process clusters.

    ``finish()`` stops it and returns what it finished. ``embedder``: sentence
    vectors are computed ahead only with the static embedder.
    """

    def __init__(self, articles: Sequence[Article], agencies: Sequence[Agency], embedder: Embedder | None) -> None:
        global _INPUT, _CANCEL
        inner: Embedder | None = getattr(embedder, "inner", embedder)
        if inner is not None and model_kind(inner) != "static":
            inner = None
        if inner is not None:
            inner.encode(["."])  # loads the table and the tokenizer here, once, before the fork
        context = multiprocessing.get_context("fork")
        _INPUT = (list(articles), list(agencies), inner)
        _CANCEL = context.Event()
        self.cancel = _CANCEL
        try:
            self.pool = context.Pool(1)
        finally:
            _INPUT = None
        spans = [(start, min(start + CHUNK, len(articles))) for start in range(0, len(articles), CHUNK)]
        self.vector_tasks: list[AsyncResult[tuple[dict[str, np.ndarray], float]]] = []
        if inner is not None:
            self.vector_tasks = [self.pool.apply_async(_vectors_task, span) for span in spans]
        self.facts_tasks = [self.pool.apply_async(_facts_task, span) for span in spans]

    def finish(self) -> AheadResults:
        """Stop the helper: the vectors and facts it finished (tasks not started are cancelled)."""
        self.cancel.set()
        results = AheadResults()
        try:
            for vector_task in self.vector_tasks:
                vectors, cpu = _finished(vector_task)
                results.vectors.update(vectors)
                results.cpu += cpu
            for facts_task in self.facts_tasks:
                facts, cpu = _finished(facts_task)
                results.facts.update(facts)
                results.cpu += cpu
        finally:
            self.close()
        return results

    def close(self) -> None:
        """End the helper (what it had not finished is dropped)."""
        self.cancel.set()
        self.pool.terminate()
        self.pool.join()


R = TypeVar("R")


def _finished(task: AsyncResult[tuple[dict[str, R], float]]) -> tuple[dict[str, R], float]:
    """A task's results, or none if it failed: what the helper did not finish is computed later, as always.

    A failure here is the same pure function failing on the same article, so the story workers meet it
    again and record it as the story's problem (``isolation``); the helper only loses its head start.
    """
    try:
        return task.get()
    except Exception:  # noqa: BLE001 - see above: never a reason to stop the run
        if debugging():
            raise
        return {}, 0.0


def _prepared(start: int, end: int) -> list[Prepared]:
    """In the helper: the articles ``start:end`` cleaned and segmented (kept for the helper's later tasks)."""
    assert _INPUT is not None
    articles, agencies, _ = _INPUT
    out = []
    for art in articles[start:end]:
        p = _PREPARED.get(art.id)
        if p is None:
            _PREPARED[art.id] = p = prepare(art, agencies)
        out.append(p)
    return out


def _vectors_task(start: int, end: int) -> tuple[dict[str, np.ndarray], float]:
    """In the helper: the sentence vectors of articles ``start:end`` by text (nothing once cancelled)."""
    assert _INPUT is not None and _CANCEL is not None
    if _CANCEL.is_set():
        return {}, 0.0
    begin = time.process_time()
    embedder = _INPUT[2]
    assert embedder is not None
    texts = list(dict.fromkeys(s.text for p in _prepared(start, end) for s in p.sentences))
    vectors = embedder.encode(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    return dict(zip(texts, vectors, strict=True)), time.process_time() - begin


def _facts_task(start: int, end: int) -> tuple[dict[str, FactsFound], float]:
    """In the helper: the facts of articles ``start:end`` as ``AheadResults.facts`` keeps them (none if cancelled)."""
    assert _CANCEL is not None
    if _CANCEL.is_set():
        return {}, 0.0
    begin = time.process_time()
    out: dict[str, FactsFound] = {}
    for p in _prepared(start, end):
        facts = article_facts(p)
        out[p.article.id] = FactsFound(facts_key(p.article), facts.dates, facts.numbers, facts.quotes)
    return out, time.process_time() - begin


def helpful(new_articles: int, workers: int) -> bool:
    """Whether a helper pays: enough new articles, a second worker, and fork (``STORYTRACE_AHEAD=0`` turns it off)."""
    if os.environ.get("STORYTRACE_AHEAD") == "0":
        return False
    return new_articles >= MIN_ARTICLES and workers > 1 and "fork" in multiprocessing.get_all_start_methods()


def in_time_order(articles: Sequence[Article]) -> list[Article]:
    """``articles`` by publication (undated last), as the store replays them."""
    return sorted(articles, key=lambda a: order_key(a.published))
