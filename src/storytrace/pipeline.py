"""The main job, stage by stage: ingest, clean, group, align, trace, document.

``analyze`` runs the cascade

1. ingest   read the inputs and store them (idempotent, transactional);
2. clean    split bylines, datelines, credits, boilerplate off each article;
3. segment  paragraphs and sentences with offsets;
4. cluster  assign new articles to stories (the streaming clusterer, resumed
            from the assignments kept in the store: earlier ones never move);
5. align    compare every pair of articles inside each story;
6. trace    the reuse graph of each story;
7. document the ``stories.json`` document (the report renders it).

Each stage is a pure function of the previous stage's dataclasses; this
module only wires them, keeps what can be re-used in the store (story
assignments, the clusterer's per-article features, each story's analysis
under a signature of its members and settings), and reports progress through
a callback.

Not here: command-line parsing and printing (``cli``), HTML (``report``).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from storytrace.align.candidates import story_candidates
from storytrace.align.classifier import default_scorer
from storytrace.align.compare import (
    PARTIALLY_DERIVED_MIN_COVERAGE,
    Prepared,
    compare_prepared,
    prepare,
    sentence_space,
)
from storytrace.align.relation import RelationScorer
from storytrace.clean import BUILTIN_AGENCIES, Agency, agencies_with
from storytrace.cluster.grouping import content_words, story_document_of
from storytrace.cluster.stream import (
    BATCH,
    JoinDecider,
    StreamClusterer,
    StreamItem,
    _seconds,
    default_join,
    embedding_text,
    name_terms,
    stream_labels,
)
from storytrace.facts.story import article_facts, story_entities, story_facts
from storytrace.ingest import read_paths
from storytrace.model import Article, Comparison, InputProblem
from storytrace.report.documents import article_meta, story_json
from storytrace.semantic import Embedder
from storytrace.store import Store
from storytrace.text.tokens import content_stems
from storytrace.trace.provenance import story_provenance

Progress = Callable[[str, int, int], None]
# A story with more sentences than this is aligned on indexed candidates
# (``align.candidates.story_candidates``) rather than every sentence pair.
STORY_EXACT_MAX_SENTENCES = 600


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class Analysis:
    """The result of ``analyze``: the stories document, the texts, and input problems."""

    document: dict[str, Any]
    texts: dict[str, str]
    problems: list[InputProblem] = field(default_factory=list)
    added: int = 0


def ingest(
    paths: Sequence[str | os.PathLike[str]], store: Store, published: str | None = None
) -> tuple[list[str], list[InputProblem], int]:
    """Stage 1: store what ``paths`` hold; returns the ids read, problems, and how many were new."""
    ids: list[str] = []

    def records() -> Iterator[Article | InputProblem]:
        for rec in read_paths(paths, published=published):
            if isinstance(rec, Article):
                ids.append(rec.id)
            yield rec

    report = store.add(records())
    conflicts = set(report.conflicts)
    kept = [report.duplicates.get(i, i) for i in ids if i not in conflicts]
    return list(dict.fromkeys(kept)), report.problems, len(report.added)


def analyze_articles(
    articles: Sequence[Article],
    scorer: RelationScorer | None = None,
    progress: Progress = _no_progress,
    embedder: Embedder | None = None,
    story_of: dict[str, int] | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """Stages 2-7 on articles already read: the ``stories.json`` document.

    ``story_of`` gives the stories (as kept in a store); without it the
    articles are clustered as a stream here. With ``store``, each story's
    analysis is kept and re-used while its members and the settings are unchanged.
    """
    scorer = scorer or default_scorer()
    agencies = agencies_with(a.source for a in articles if a.kind == "agency" and a.source)
    prepared = prepare_all(articles, agencies, progress)
    if story_of is None:
        embed = embedder.encode if embedder is not None else None
        labels = stream_labels(prepared, embed=embed)
    else:
        labels = [story_of[p.article.id] for p in prepared]
    by_label: dict[int, list[int]] = {}
    for k, label in enumerate(labels):
        by_label.setdefault(label, []).append(k)
    groups = sorted(by_label.values(), key=lambda g: (-len(g), _first_time(prepared, g)))
    settings = _settings_signature(scorer, embedder, agencies)
    doc: dict[str, Any] = {"articles": [], "stories": []}
    story_id_of: dict[str, str] = {}
    total_pairs = sum(len(g) * (len(g) - 1) // 2 for g in groups)
    done = 0
    for n, group in enumerate(groups, start=1):
        story_id = f"s{n}"
        members = sorted((prepared[i] for i in group), key=lambda p: (p.article.published or "~", p.article.id))
        arts = [p.article for p in members]
        signature = _story_signature(arts, settings)
        kept = store.story_result(signature) if store is not None and len(arts) > 1 else None
        if kept is not None:
            story = {**kept, "id": story_id}
        else:
            story = analyze_story(story_id, members, scorer, embedder)
            if store is not None and len(arts) > 1:
                store.put_story_result(signature, story)
        done += len(arts) * (len(arts) - 1) // 2
        progress("align", done, total_pairs)
        doc["stories"].append(story)
        story_id_of.update((a.id, story_id) for a in arts)
    doc["articles"] = [article_meta(p.article, p.clean, story_id_of.get(p.article.id)) for p in prepared]
    return doc


def analyze_story(
    story_id: str, members: Sequence[Prepared], scorer: RelationScorer, embedder: Embedder | None = None
) -> dict[str, Any]:
    """Stages 5-7 for one story's prepared members (in publication order): its ``stories.json`` object."""
    arts = [p.article for p in members]
    comparisons = compare_story(members, scorer, embedder)
    provenance = story_provenance(comparisons, arts)
    return story_json(story_id, arts, comparisons, provenance, compare_facts(members, comparisons))


def prepare_all(
    articles: Sequence[Article], agencies: Sequence[Agency] = BUILTIN_AGENCIES, progress: Progress = _no_progress
) -> list[Prepared]:
    """Stages 2-3 for every article, reporting progress as "clean"."""
    prepared = []
    for k, art in enumerate(articles):
        prepared.append(prepare(art, agencies))
        progress("clean", k + 1, len(articles))
    return prepared


def compare_story(
    members: Sequence[Prepared], scorer: RelationScorer, embedder: Embedder | None = None
) -> list[Comparison]:
    """Compare every pair of a story's articles in one sentence space fitted on the story."""
    if len(members) < 2:
        return []  # nothing to align: do not embed a lone article's sentences
    offsets = list(itertools.accumulate((len(p.sentences) for p in members), initial=0))
    space = sentence_space(members, embedder)
    space.anchor_max_df = max(2, len(members))
    indexed = story_candidates(space, offsets) if offsets[-1] > STORY_EXACT_MAX_SENTENCES else None
    out = []
    for i, j in itertools.combinations(range(len(members)), 2):
        rows_a = list(range(offsets[i], offsets[i + 1]))
        rows_b = list(range(offsets[j], offsets[j + 1]))
        candidates = indexed.get((i, j), []) if indexed is not None else None
        out.append(compare_prepared(members[i], members[j], space, rows_a, rows_b, scorer, candidates))
    return mixed_sources(out)


def compare_facts(members: Sequence[Prepared], comparisons: Sequence[Comparison]) -> dict[str, Any]:
    """Stage 6b: the story's facts (dates, numbers, quotes; entities where two or more sources meet) compared."""
    facts = [article_facts(p) for p in members]
    entities = story_entities(facts) if len(members) > 1 else []
    return story_facts(facts, comparisons, entities)


def mixed_sources(comparisons: list[Comparison]) -> list[Comparison]:
    """Downgrade "wholly derived from S" where another, independent source also supplied the copy.

    METER calls a text wholly derived when its source is the only one; a
    round-up that takes most of its text from one wire and a real share from
    another (itself not derived from the first) is partially derived from each.
    """
    label: dict[tuple[str, str], str] = {}  # (copy, source) -> derivation
    covered: dict[tuple[str, str], float] = {}
    for c in comparisons:
        label[c.b.id, c.a.id], covered[c.b.id, c.a.id] = c.b_from_a, c.b_covered_by_a
        label[c.a.id, c.b.id], covered[c.a.id, c.b.id] = c.a_from_b, c.a_covered_by_b

    suppliers: dict[str, list[str]] = {}  # copy -> the articles it derives something from
    for copy, source in label:
        if label[copy, source] != "non_derived" and covered[copy, source] >= PARTIALLY_DERIVED_MIN_COVERAGE:
            suppliers.setdefault(copy, []).append(source)

    def mixed(copy: str, source: str) -> bool:
        return any(
            other != source
            and label.get((other, source)) == "non_derived"
            and label.get((source, other)) == "non_derived"
            for other in suppliers.get(copy, ())
        )

    out = []
    for c in comparisons:
        b_from_a = "partially_derived" if c.b_from_a == "wholly_derived" and mixed(c.b.id, c.a.id) else c.b_from_a
        a_from_b = "partially_derived" if c.a_from_b == "wholly_derived" and mixed(c.a.id, c.b.id) else c.a_from_b
        out.append(replace(c, b_from_a=b_from_a, a_from_b=a_from_b))
    return out


def _first_time(prepared: Sequence[Prepared], group: list[int]) -> str:
    dates = [d for i in group if (d := prepared[i].article.published)]
    return min(dates) if dates else "~"


def analyze(
    paths: Sequence[str | os.PathLike[str]],
    store: Store,
    published: str | None = None,
    progress: Progress = _no_progress,
    embedder: Embedder | None = None,
) -> Analysis:
    """The main job on ``paths``: ingest into ``store``, then group, align and trace."""
    ids, problems, added = ingest(paths, store, published)
    progress("ingest", len(ids), len(ids))
    story_of = assign_stories(store, embedder, progress)
    articles = list(store.articles(ids))
    document = analyze_articles(articles, progress=progress, embedder=embedder, story_of=story_of, store=store)
    store.save_analysis(document)
    return Analysis(document, {a.id: a.text for a in articles}, problems, added)


def assign_stories(
    store: Store,
    embedder: Embedder | None = None,
    progress: Progress = _no_progress,
    decider: JoinDecider | None = None,
) -> dict[str, int]:
    """Stage 4 on a store: give every stored article without a story one; ``{id: story}`` of all.

    The stream is replayed in publication order from the kept features of
    each article (its content words and names, computed once), so the
    clusterer's state is what it was; articles already assigned keep their
    story, new ones are decided (the learned join, with embeddings when an
    embedder is given). Re-running on an unchanged store assigns nothing.
    """
    known = store.story_assignments()
    total = store.count()
    if len(known) == total:
        return known
    agencies = agencies_with(store.agency_sources())
    clusterer = StreamClusterer(decider or default_join(semantic=embedder is not None))
    clusterer.reserve(max(known.values(), default=-1) + 1)
    new: dict[str, int] = {}
    done = 0
    articles = store.articles_in_time_order()
    while chunk := list(itertools.islice(articles, BATCH)):
        features = store.stream_features([a.id for a in chunk])
        fresh = {}
        for art in chunk:
            if art.id not in features:
                p = prepare(art, agencies)
                content = " ".join(art.text[s:e] for s, e in p.clean.content)
                fresh[art.id] = (content_words(p), name_terms(content))
        if fresh:
            store.put_stream_features(fresh)
            features.update(fresh)
        clusterer.dedup.add_words([(a.id, features[a.id][0], a.published) for a in chunk])
        vectors: list[Any] = [None] * len(chunk)
        if embedder is not None:
            vectors = list(embedder.encode([embedding_text(a.title, features[a.id][0]) for a in chunk]))
        for art, vector in zip(chunk, vectors, strict=True):
            words, names = features[art.id]
            item = StreamItem(
                key=art.id,
                published=art.published,
                document=tuple(story_document_of(words, art.title).split()),
                title=tuple(content_stems(art.title or "")),
                names=tuple(names),
                embedding=vector,
            )
            if art.id in known:
                clusterer.add(item, known[art.id], known=True)
            else:
                new[art.id] = clusterer.add(item)
        clusterer.retire(_seconds(chunk[-1].published))
        done += len(chunk)
        progress("cluster", done, total)
    store.assign_stories(new)
    return {**known, **new}


def _settings_signature(scorer: RelationScorer, embedder: Embedder | None, agencies: Sequence[Agency]) -> str:
    """What, besides its members, a story's analysis depends on: version, models, embedder, agencies."""
    from storytrace import __version__

    parts = [
        __version__,
        type(scorer).__name__,
        getattr(embedder, "name", "-"),
        _code_digest(),
        sorted(a.name for a in agencies),
    ]
    return hashlib.blake2b(json.dumps(parts).encode("utf-8"), digest_size=16).hexdigest()


@functools.cache
def _code_digest() -> str:
    """A digest of storytrace's own code and shipped models: a kept analysis is re-used only by the same code."""
    digest = hashlib.blake2b(digest_size=16)
    root = resources.files("storytrace")
    todo = [root]
    while todo:
        folder = todo.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                if entry.name != "__pycache__":
                    todo.append(entry)
            elif entry.name.endswith((".py", ".json", ".npz", ".j2")):
                digest.update(entry.name.encode("utf-8") + entry.read_bytes())
    return digest.hexdigest()


def _story_signature(articles: Sequence[Article], settings: str) -> str:
    members = sorted((a.id, a.content_hash, a.published or "", a.kind, a.source or "") for a in articles)
    return hashlib.blake2b(json.dumps([settings, members]).encode("utf-8"), digest_size=16).hexdigest()
