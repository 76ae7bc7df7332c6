"""Stages 5-7 for many stories, in this process or shared among forked worker processes, largest story first.

Sentence vectors are computed once for all stories before the fork, so the workers never touch the model or
the store; each story goes back to the main process as its JSON text.

Not here: what is done for one story (``story``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from storytrace.ahead import AheadResults, Found
from storytrace.align.compare import (
    DerivationMemo,
    Prepared,
)
from storytrace.align.policy import pair_work
from storytrace.align.relation import RelationScorer
from storytrace.codec.story import story_from_json
from storytrace.facts.entities import load_model as load_entity_model
from storytrace.isolation import debugging
from storytrace.pipeline.options import AnalysisOptions
from storytrace.pipeline.story import analysed_text, story_outlets
from storytrace.pipeline.times import StageTimes
from storytrace.report.documents import article_meta
from storytrace.report.render import RenderedStory, render_story
from storytrace.semantic import CachedEmbedder, Embedder
from storytrace.semantic.minilm import EMBEDDING_DIM
from storytrace.stories_json import StoryText


def analyze_stories(
    todo: Sequence[tuple[int, str, list[Prepared]]],
    options: AnalysisOptions,
    *,
    memo: DerivationMemo | None = None,
    ahead: AheadResults | None = None,
    joined: Mapping[str, str] | None = None,
) -> Iterator[tuple[int, StoryText, RenderedStory | None]]:
    """Stages 5-7 for each ``(key, story id, members)``: ``(key, story's JSON text, rendering)`` as each is done.

    The stories are independent, so with more than one core and enough pairs
    to pay for it they are shared among ``options.workers`` forked processes (default:
    the cores, or ``STORYTRACE_WORKERS``), largest first. Sentence embeddings
    are computed here first, in one batch for all stories, so that the workers
    never touch the model or the store; the per-stage times are the workers'
    summed CPU time. The derivation model's answers asked anew go into ``memo.new``.
    With ``options.render``, the forked workers also render each story for the report
    (``report.render.render_story``, timed as "report"); otherwise, and in this
    process, the rendering is None and ``build_report`` renders the story.
    ``ahead``: sentence vectors, article facts and entity mentions known beforehand (the helper's, the
    store's), used where they fit; the facts and mentions computed here are added to it (``found`` names them).
    ``joined``: why each article is in its story (JSON text), shown in the renderings.
    """
    times, progress, scorer = options.times, options.progress, options.relation_scorer()
    memo = memo if memo is not None else DerivationMemo()
    ahead = ahead if ahead is not None else AheadResults()
    total_pairs = sum(pair_work(len(m)) for _, _, m in todo)
    workers = options.workers or default_workers()
    embedder = _vectors_ahead(todo, options.embedder, ahead, times) if options.embedder is not None else None
    done = 0
    if workers < 2 or total_pairs < PARALLEL_MIN_PAIRS or "fork" not in multiprocessing.get_all_start_methods():
        for key, story_id, members in todo:
            yield key, analysed_text(story_id, members, scorer, embedder, times, memo, ahead)[1], None
            done += pair_work(len(members))
            progress("align", done, total_pairs)
        return
    if any(len(story_outlets(m)) > 1 for _, _, m in todo):
        load_entity_model()  # once, before the fork: the workers share it
    global _WORK
    _WORK = (list(todo), scorer, embedder, memo, options.render, ahead, dict(joined or {}))
    order = sorted(range(len(todo)), key=lambda k: -len(todo[k][2]))
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for key, text, spent, asked, rendering, found in pool.imap_unordered(_work_on, order):
                times.add(spent)
                memo.new.update(asked)
                ahead.put_found(found)
                yield key, text, rendering
                done += pair_work(len(text.members))
                progress("align", done, total_pairs)
    finally:
        _WORK = None


def _vectors_ahead(
    todo: Sequence[tuple[int, str, list[Prepared]]], embedder: Embedder, ahead: AheadResults, times: StageTimes
) -> PrecomputedEmbedder:
    """Every sentence vector the stories of ``todo`` need, computed in one batch here (those ``ahead`` knows read).

    A lone article's sentences are not aligned, so not embedded.
    """
    with times.stage("embed"):
        texts = list(dict.fromkeys(s.text for _, _, m in todo if len(m) > 1 for p in m for s in p.sentences))
        known = {t: v for t in texts if (v := ahead.vectors.get(t)) is not None}
        missing = [t for t in texts if t not in known]
        if isinstance(embedder, CachedEmbedder):
            # Sentence vectors go into the store where computing them again would cost more than reading
            # them (MiniLM), not those of a static table: only a grown story's re-alignment reads them.
            keep = not embedder.cheap
            embedder.remember(known, keep)
            known.update(zip(missing, embedder.encode(missing, keep), strict=True))
        else:
            known.update(zip(missing, embedder.encode(missing), strict=True))
        return PrecomputedEmbedder(embedder.name, known)


def default_workers() -> int:
    """How many processes share the per-story work: ``STORYTRACE_WORKERS``, else the cores."""
    return int(os.environ.get("STORYTRACE_WORKERS", 0)) or (os.cpu_count() or 1)


# Below this many article pairs in all, stories are analysed in this process (a fork costs more).
PARALLEL_MIN_PAIRS = 200


# What the forked workers of ``analyze_stories`` read (inherited, never pickled).
_WORK: (
    tuple[
        list[tuple[int, str, list[Prepared]]],
        RelationScorer,
        Embedder | None,
        DerivationMemo,
        bool,
        AheadResults,
        dict[str, str],
    ]
    | None
) = None


def _work_on(position: int) -> tuple[int, StoryText, StageTimes, dict[str, str], RenderedStory | None, Found]:
    """Analyse one story in a forked worker: its JSON text, times, derivation answers asked, rendering, facts found.

    The story goes back to the main process as text (``stories_json``): cheaper to send than the object,
    and it is what the document and the store take.
    """
    assert _WORK is not None
    todo, scorer, embedder, memo, render, ahead, joined = _WORK
    key, story_id, members = todo[position]
    times = StageTimes()
    story, text = analysed_text(story_id, members, scorer, embedder, times, memo, ahead)
    asked, memo.new = memo.new, {}
    rendering = None
    if render:
        with times.stage("report"):
            try:
                meta = {p.article.id: article_meta(p.article, p.clean, story_id) for p in members}
                for aid in meta.keys() & joined.keys():
                    meta[aid]["joined"] = json.loads(joined[aid])
                rendering = render_story(story_from_json(story), meta, {p.article.id: p.article.text for p in members})
            except Exception:  # noqa: BLE001 - the page is put together in the main process, which says why
                if debugging():
                    raise
    return key, text, times, asked, rendering, ahead.take_found()


class PrecomputedEmbedder:
    """Sentence vectors computed beforehand, looked up by text (what forked workers use)."""

    def __init__(self, name: str, vectors: dict[str, np.ndarray]) -> None:
        self.name = name
        self.vectors = vectors

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The stored vectors of ``texts`` (every text must have one)."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.stack([self.vectors[t] for t in texts])
