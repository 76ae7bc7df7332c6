"""The main job over a store, stage by stage: ``analyze`` (ingest, then group, align, trace and document).

``analyze`` ingests the inputs, places new articles in stories (``replay``), then ``analyze_articles`` runs
stages 2-7 per story: a story whose members and settings are unchanged is taken from the store as the JSON text
kept (``keys``), the others are analysed (``workers``, ``story``) and kept; the result is the ``stories.json``
text and its outline (``document``).

Not here: reading the inputs (``ingesting``), the per-story stages (``story``), the worker pool
(``workers``), the clusterer's replay (``replay``), what is kept and re-used per article (``reuse``), the
report and files written (``outputs``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from storytrace.ahead import Ahead, AheadResults, helpful, in_time_order
from storytrace.align.compare import (
    Prepared,
    prepare,
)
from storytrace.clean import BUILTIN_AGENCIES, Agency, agencies_of, agencies_with
from storytrace.cluster.stream import stream_labels
from storytrace.ingest import Skipped
from storytrace.model import Article, InputProblem, StageProblem, articles_text, story_name
from storytrace.pipeline.document import AnalysedText, Analysis, StoryOutline, document_of, joined_reasons, outline_of
from storytrace.pipeline.ingesting import ingest_report
from storytrace.pipeline.keys import settings_signature, story_signature
from storytrace.pipeline.options import AnalysisOptions
from storytrace.pipeline.replay import assign_stories
from storytrace.pipeline.reuse import derivation_memo, found_facts, kept_facts
from storytrace.pipeline.times import Progress, StageTimes, no_progress
from storytrace.pipeline.workers import analyze_stories, default_workers
from storytrace.published import order_key
from storytrace.report.render import KEEP_BATCH
from storytrace.store import Store
from storytrace.stories_json import StoryText


def analyze_articles(
    articles: Sequence[Article],
    options: AnalysisOptions | None = None,
    *,
    story_of: dict[str, int] | None = None,
    store: Store | None = None,
    prepared_by_id: dict[str, Prepared] | None = None,
    ahead: AheadResults | None = None,
) -> AnalysedText:
    """Stages 2-7 on articles already read: the ``stories.json`` text, and its stories.

    ``story_of`` gives the stories (as kept in a store); without it the
    articles are clustered as a stream here. With ``store``, each story's
    analysis is kept and re-used while its members and the settings are unchanged.
    Each story's signature (its members, their texts, the settings and the code)
    is its outline's ``key``. With ``options.render`` and
    ``store``, the workers that analyse the stories also render them for the
    report, and the store keeps each rendering under the story's signature
    (``build_report`` then finds them there, as it finds those of a run before).
    ``ahead``: sentence vectors and facts a helper process computed while the
    stories were being clustered (``ahead.Ahead``). A story re-used from the
    store goes into the document as the JSON text kept (``stories_json``).
    """
    options = options or AnalysisOptions()
    options = replace(options, scorer=options.relation_scorer(), render=options.render and store is not None)
    times = options.times
    agencies = agencies_of(articles)
    prepared_of = functools.partial(_prepared, dict(prepared_by_id or {}), agencies, times)
    groups = _story_groups(articles, story_of, prepared_of, options)
    ids = [story_name(label) for label, _ in groups]
    members = [group for _, group in groups]
    settings = settings_signature(options.relation_scorer(), options.embedder, agencies)
    signatures = [story_signature(g, settings) for g in members]
    with times.stage("store"):
        kept = store.story_texts(signatures) if store is not None else {}
    # A story kept with problems is re-used like any other: the same code on the same articles fails the same
    # way (the signature holds the code), and its problems are said again from what was kept.
    texts: list[StoryText | None] = [kept.get(signature) for signature in signatures]
    todo: list[tuple[int, str, list[Prepared]]] = [
        (k, ids[k], prepared_of(group)) for k, group in enumerate(members) if texts[k] is None
    ]
    with times.stage("store"):
        reasons = store.join_reasons([a.id for a in articles]) if store is not None else {}
    _analyse_todo(todo, texts, signatures, settings, agencies, store, ahead, reasons, options)
    with times.stage("document"):
        outlines = [
            StoryOutline(
                story_id, signature, tuple(a.id for a in group), _written(text), joined_reasons(group, reasons)
            )
            for story_id, group, signature, text in zip(ids, members, signatures, texts, strict=True)
        ]
        document = document_of([a.id for a in articles], outlines, reasons)
    return AnalysedText(document, outlines)


def _written(text: StoryText | None) -> StoryText:
    assert text is not None  # every story was kept or analysed
    return text


def _prepared(
    known: dict[str, Prepared], agencies: Sequence[Agency], times: StageTimes, batch: Sequence[Article]
) -> list[Prepared]:
    """Stages 2-3 on ``batch``: those ``known`` (cleaned before with the same text) taken, the others added."""
    with times.stage("clean"):
        out = []
        for a in batch:
            p = known.get(a.id)
            if p is None or p.article != a:
                known[a.id] = p = prepare(a, agencies)
            out.append(p)
        return out


def _story_groups(
    articles: Sequence[Article],
    story_of: Mapping[str, int] | None,
    prepared_of: Callable[[Sequence[Article]], list[Prepared]],
    options: AnalysisOptions,
) -> list[tuple[int, list[Article]]]:
    """The stories as (label, members in story order), largest first, then by first publication, then label.

    Without ``story_of`` the articles are clustered as a stream here.
    """
    if story_of is None:
        prepared = prepared_of(articles)
        options.progress("clean", len(prepared), len(articles))
        labels = stream_labels(prepared, embedder=options.embedder)
    else:
        labels = [story_of[a.id] for a in articles]
    by_label: dict[int, list[Article]] = {}
    for art, label in zip(articles, labels, strict=True):
        by_label.setdefault(label, []).append(art)
    return sorted(
        ((label, sorted(g, key=member_order)) for label, g in by_label.items()),
        key=lambda lg: (-len(lg[1]), _first_time(lg[1]), lg[0]),
    )


def _analyse_todo(
    todo: Sequence[tuple[int, str, list[Prepared]]],
    texts: list[StoryText | None],
    signatures: Sequence[str],
    settings: str,
    agencies: Sequence[Agency],
    store: Store | None,
    ahead: AheadResults | None,
    reasons: Mapping[str, str],
    options: AnalysisOptions,
) -> None:
    """Analyse the stories of ``todo``, putting each one's text in ``texts``; keep them, and what they found.

    Renderings go into the store in batches of ``KEEP_BATCH`` as they come (a run that stops keeps those);
    the stories' texts, the derivation model's new answers and the articles' facts found are kept at the end.
    """
    times = options.times
    memo = derivation_memo(todo, settings, store, times)
    ahead = ahead if ahead is not None else AheadResults()
    facts_keys, unkept = kept_facts(todo, agencies, store, ahead, times)
    fresh: dict[str, StoryText] = {}
    rendered: dict[str, tuple[str, int, int, str, str]] = {}
    for k, text, rendering in analyze_stories(todo, options, memo=memo, ahead=ahead, joined=reasons):
        texts[k] = fresh[signatures[k]] = text
        if rendering is not None and store is not None:
            rendered[signatures[k]] = rendering
            if len(rendered) >= KEEP_BATCH:
                with times.stage("store"):
                    store.put_rendered_stories(rendered)
                rendered = {}
    if store is not None and (fresh or rendered):
        with times.stage("store"):
            store.put_story_texts(fresh)
            store.put_derivations(memo.new)
            store.put_rendered_stories(rendered)
            store.put_article_facts(found_facts(ahead, facts_keys, unkept | ahead.found))


def member_order(article: Article) -> tuple[bool, str, str]:
    """Where an article stands among its story's members: by publication (undated last), then id."""
    return (*order_key(article.published), article.id)


def prepare_all(
    articles: Sequence[Article], agencies: Sequence[Agency] = BUILTIN_AGENCIES, progress: Progress = no_progress
) -> list[Prepared]:
    """Stages 2-3 for every article, reporting progress as "clean"."""
    prepared = []
    for k, art in enumerate(articles):
        prepared.append(prepare(art, agencies))
        progress("clean", k + 1, len(articles))
    return prepared


def _first_time(group: Sequence[Article]) -> tuple[bool, str]:
    return min((order_key(a.published) for a in group if a.published), default=order_key(None))


def analyze(
    paths: Sequence[str | os.PathLike[str]],
    store: Store,
    options: AnalysisOptions | None = None,
    *,
    published: str | None = None,
    on_skipped: Callable[[Skipped], None] | None = None,
) -> Analysis:
    """The main job on ``paths``: ingest into ``store``, then group, align and trace.

    ``options.render``: the report will be written (``build_report``), so render the stories in the workers.
    ``published``: the date of articles that give none; ``on_skipped``: as ``ingest_report`` takes it.
    """
    options = options or AnalysisOptions()
    times, progress, embedder = options.times, options.progress, options.embedder
    with times.stage("ingest"):
        ids, report = ingest_report(paths, store, published, on_skipped=on_skipped)
        problems, added = report.problems, len(report.added)
    progress("ingest", len(ids), len(ids))
    prepared: dict[str, Prepared] = {}
    with times.stage("ingest"):
        articles = list(store.articles(ids))
    agencies = agencies_of(articles)
    same_agencies = agencies == agencies_with(store.agency_sources())
    assigned = store.story_assignments()
    new = [a for a in articles if a.id not in assigned]
    helper = None
    if same_agencies and helpful(len(new), default_workers()):
        helper = Ahead(in_time_order(new), agencies, embedder)
    placing: list[StageProblem] = []
    try:
        with times.stage("cluster"):
            story_of = assign_stories(store, embedder, progress, prepared_out=prepared, problems=placing)
    except BaseException:
        if helper is not None:
            helper.close()
        raise
    ahead = helper.finish() if helper is not None else None  # finish() ends the helper
    if ahead is not None:
        times.cpu["ahead"] = ahead.cpu  # the helper's own CPU seconds (a process of its own, beside the stages)
    if not same_agencies:
        prepared = {}  # cleaned with other agencies than this analysis credits: clean again
    analysed = analyze_articles(articles, options, story_of=story_of, store=store, prepared_by_id=prepared, ahead=ahead)
    with times.stage("store"):
        store.save_analysis(outline_of(analysed, [a.id for a in articles]))
    problems += [InputProblem(articles_text(p.articles), f"{p.stage} failed: {p.error}") for p in placing]
    analysis = Analysis(analysed.text, {a.id: a.text for a in articles}, problems, added, analysed.stories)
    analysis.updated = report.updated
    return analysis
