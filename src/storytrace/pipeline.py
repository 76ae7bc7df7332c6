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

import contextlib
import functools
import hashlib
import itertools
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from storytrace import stops
from storytrace.ahead import Ahead, AheadResults, FactsFound, Found, facts_key, helpful, in_time_order
from storytrace.align.candidates import story_candidates
from storytrace.align.classifier import default_scorer
from storytrace.align.compare import (
    PARTIALLY_DERIVED_MIN_COVERAGE,
    DerivationMemo,
    Prepared,
    compare_prepared,
    content_text,
    prepare,
    sentence_space,
    text_digest,
    uncleaned,
)
from storytrace.align.match import align_planned, plan_alignment, semantic_similarity
from storytrace.align.relation import RELATED_MIN_SIMILARITY, RelationScorer
from storytrace.clean import BUILTIN_AGENCIES, Agency, agencies_with
from storytrace.clean.title import display_title
from storytrace.cluster.grouping import content_words, story_document_of
from storytrace.cluster.snapshot import SnapshotError, restore, snapshot
from storytrace.cluster.stream import (
    BATCH,
    STREAM_WINDOW_DAYS,
    JoinDecider,
    StreamClusterer,
    StreamItem,
    embedding_text,
    join_for,
    name_terms,
    stream_labels,
)
from storytrace.codec.article_facts import KeptFacts, kept_from_text, kept_text
from storytrace.codec.facts import facts_to_json
from storytrace.facts.article_facts import ArticleFacts, article_facts
from storytrace.facts.brief import brief_of
from storytrace.facts.entities import Mention
from storytrace.facts.entities import load_model as load_entity_model
from storytrace.facts.story import story_entities, story_facts
from storytrace.ingest import FileRead, Skipped, read_paths_by_file
from storytrace.isolation import StageProblem, articles_text, attempt, debugging, error_text
from storytrace.model import Article, Comparison, InputProblem, Provenance, story_name
from storytrace.model_facts import Brief, EntityFact, StoryFacts
from storytrace.naming import outlet_name
from storytrace.outputs import OutputError, remove_others, write_atomically, write_if_changed
from storytrace.published import order_key, published_seconds
from storytrace.report import manifest
from storytrace.report.documents import article_meta, provenance_json, story_json
from storytrace.report.html import KEEP_BATCH, RenderedStory, render_story
from storytrace.report.site import INDEX, PAGES, PageStory, Report, render_site
from storytrace.semantic import CachedEmbedder, Embedder
from storytrace.semantic.embed import model_kind
from storytrace.semantic.minilm import EMBEDDING_DIM
from storytrace.store import IngestReport, Store
from storytrace.store.sqlite import StreamSnapshot
from storytrace.stories_json import StoryText, document_text, placed_members, placed_story, story_text, with_pair
from storytrace.text.tokens import content_stems
from storytrace.trace.provenance import story_provenance

Progress = Callable[[str, int, int], None]
# A story with more articles than this aligns each article with its NEAREST_ARTICLES most similar ones
# (``story_pairs``), not every pair.
ALL_PAIRS_MAX_ARTICLES = 40
NEAREST_ARTICLES = 10
# A story with more sentences than this is aligned on indexed candidates
# (``align.candidates.story_candidates``) rather than every sentence pair.
STORY_EXACT_MAX_SENTENCES = 600
OUTLINE_VERSION = 2  # of what the store keeps of an analysis (``outline_of``); 2 keeps each story's id
OUTLINE_VERSIONS = (1, 2)  # those read: 1 named stories by their place (s1 the largest)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class StageTimes:
    """Seconds spent per stage (summed over calls): what ``bench/analyze_speed.py`` prints."""

    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # this process's CPU seconds (others' load aside)
    stories: list[tuple[int, int, float]] = field(default_factory=list)  # (articles, pairs, CPU s) per story

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block under ``name``."""
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - start_cpu

    def add(self, other: StageTimes) -> None:
        """Add another process's times to these."""
        for mine, theirs in ((self.seconds, other.seconds), (self.cpu, other.cpu)):
            for stage, value in theirs.items():
                mine[stage] = mine.get(stage, 0.0) + value
        self.stories.extend(other.stories)


class StoryOutline(NamedTuple):
    """A story of an analysis as the report and the summary need it, its objects still JSON text."""

    id: str
    key: str  # its signature: members, their texts, the settings, the code
    members: tuple[str, ...]  # article ids, in the story's order
    text: StoryText
    joined: tuple[tuple[str, str], ...] = ()  # (article id, why it is in the story as JSON text) of those with one

    def load(self) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """The story object and its members' article objects, as in the document."""
        story = json.loads(placed_story(self.text.body, self.id))
        members = dict(
            zip(self.members, (json.loads(m) for m in placed_members(self.text.members, self.id)), strict=True)
        )
        for aid, reason in self.joined:
            members[aid]["joined"] = json.loads(reason)
        return story, members


class AnalysedText(NamedTuple):
    """The ``stories.json`` text of an analysis (UTF-8), and its stories in the document's order."""

    text: bytes
    stories: list[StoryOutline]

    def document(self) -> dict[str, Any]:
        """The ``stories.json`` document (the text parsed)."""
        parsed: dict[str, Any] = json.loads(self.text)
        return parsed


@dataclass
class Analysis:
    """The result of ``analyze``: the stories document (as JSON text, parsed when asked for), texts, problems."""

    document_utf8: bytes  # the ``stories.json`` text, in UTF-8, as written
    texts: dict[str, str]
    problems: list[InputProblem] = field(default_factory=list)
    added: int = 0
    stories: list[StoryOutline] = field(default_factory=list)  # per story of the document, in order
    updated: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stored ids re-read with new metadata

    @functools.cached_property
    def document(self) -> dict[str, Any]:
        """The ``stories.json`` document (parsed from ``document_utf8`` on first use)."""
        parsed: dict[str, Any] = json.loads(self.document_utf8)
        return parsed

    @property
    def document_json(self) -> str:
        """The ``stories.json`` text."""
        return self.document_utf8.decode("utf-8")

    def story_problems(self) -> list[str]:
        """One line per stage that failed in a story (``story s12 (articles a, b): align failed: …``)."""
        return [StageProblem.from_json(p).line(o.id) for o in self.stories for p in o.text.problems()]

    @property
    def story_keys(self) -> list[str]:
        """Each story's signature, in the document's order."""
        return [s.key for s in self.stories]


def write_report(analysis: Analysis, store: Store | None = None, generated: str | None = None) -> Report:
    """The HTML report of ``analysis``; with ``store``, each story's rendering is kept there under its signature.

    A story whose signature is kept (same members, texts and code) is not
    rendered again, nor its JSON read; the report is the same as rendered whole.
    """
    return report_page(analysis, store, generated)


def report_page(
    analysis: Analysis,
    store: Store | None = None,
    generated: str | None = None,
    problems: list[str] | None = None,
    out_dir: Path | None = None,
) -> Report:
    """``write_report``'s files: the index and a page per story (put together as bytes: see ``render_site``).

    ``problems`` gets a line for each story that could not be rendered (its page says so). With ``store``
    and ``out_dir`` (where ``write_outputs`` will write), a page that the manifest there says was written
    from the same inputs, and whose file is as it was written, is not built (``Report.kept``).
    """
    page = [PageStory(o.id, o.key if store is not None else None, o.load) for o in analysis.stories]
    failed: list[tuple[str, StageProblem]] = []
    unchanged = manifest.intact(out_dir) if store is not None and out_dir is not None else None
    report = render_site(
        page,
        analysis.texts,
        len(analysis.texts),
        generated=generated,
        cache=store,
        problems=failed,
        unchanged=unchanged,
    )
    if problems is not None:
        problems.extend(p.line(story_id) for story_id, p in failed)
    return report


def write_outputs(analysis: Analysis, report: Report, out_dir: Path) -> None:
    """Write ``OUT/stories.json`` (one article or story per line), the story pages and ``OUT/report.html``.

    Each file is replaced whole or not at all (``outputs.write_atomically``); the folders are made if need be.
    A story page that holds the bytes it would get is left as it is, and pages of stories the report no longer
    has are removed: a re-run writes the pages of the stories that changed (and of their neighbours), the
    index and ``stories.json``. The pages are written before the index and the old pages removed after it, so
    that the index on disk only ever links to pages that are there. The report's ``kept`` pages are left as
    they are on disk. Then the page manifest (``manifest``) records every page's signature and file stamp.
    """
    pages = out_dir / PAGES
    for folder in (out_dir, pages):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = (error.strerror or str(error)).lower()
            raise OutputError(str(folder), f"cannot make the output folder: {reason}") from None
    write_atomically(out_dir / "stories.json", analysis.document_utf8)
    for path, data in report.pages.items():
        write_if_changed(out_dir / path, data)
    write_atomically(out_dir / INDEX, report.index)
    current = [*report.pages, *report.kept]
    remove_others(pages, {Path(path).name for path in current}, suffix=".html")
    manifest.write(out_dir, report.signatures, current)


def ingest(
    paths: Sequence[str | os.PathLike[str]], store: Store, published: str | None = None
) -> tuple[list[str], list[InputProblem], int]:
    """Stage 1: store what ``paths`` hold; returns the ids read, problems, and how many were new.

    See ``ingest_report``, which this calls.
    """
    ids, report = ingest_report(paths, store, published)
    return ids, report.problems, len(report.added)


def ingest_report(
    paths: Sequence[str | os.PathLike[str]],
    store: Store,
    published: str | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
    on_skipped: Callable[[Skipped], None] | None = None,
) -> tuple[list[str], IngestReport]:
    """Store what ``paths`` hold; returns the ids read (each once) and what the store did with them.

    A file read whole before, at the same path, with the same bytes, by the
    same code and with the same ``published``, every article of it stored
    under its own id, is not read again: its ids come from the store
    (``Store.read_file_ids``) and count as already stored. A file with any
    problem, or with an id stored before with another text, or with a copy of
    a stored text under another id, is read again each time, so that what is
    said of it is said again. ``on_problem``: as ``Store.add`` takes it; ``on_skipped``: told of each
    file a folder holds that is not read (``ingest.SkipTally`` counts them).
    """
    ids: list[str] = []
    reading = _reading_settings(published)
    recalled: dict[str, list[str]] = {}
    unread: list[str] = []  # the ids of the files not read again
    finished: list[tuple[str, list[str]]] = []  # files read whole without a problem: key, ids read

    def file_key(where: str, digest: str) -> str:  # the name matters too: a .txt file's name is its id
        return hashlib.blake2b(json.dumps([reading, where, digest]).encode(), digest_size=16).hexdigest()

    def known(where: str, digest: str) -> bool:
        stored = store.read_file_ids(file_key(where, digest))
        if stored is not None:
            recalled[digest] = stored
        return stored is not None

    def records() -> Iterator[Article | InputProblem]:
        in_file: list[str] = []
        clean = True
        for rec in read_paths_by_file(paths, published=published, known=known, on_skipped=on_skipped):
            if isinstance(rec, FileRead):
                if rec.skipped:
                    ids.extend(stored := recalled.pop(rec.digest))
                    unread.extend(stored)
                elif clean:
                    finished.append((file_key(rec.where, rec.digest), in_file))
                in_file, clean = [], True
                continue
            if isinstance(rec, Article):
                ids.append(rec.id)
                in_file.append(rec.id)
            else:
                clean = False
            yield rec

    report = store.add(records(), on_problem=on_problem)
    report.unchanged.extend(unread)
    conflicts = set(report.conflicts)
    store.put_read_files(
        {key: read for key, read in finished if not any(i in conflicts or i in report.duplicates for i in read)}
    )
    kept = [report.duplicates.get(i, i) for i in ids if i not in conflicts]
    return list(dict.fromkeys(kept)), report


def _reading_settings(published: str | None) -> str:
    """What, beside a file's bytes, decides the articles read from it: the code and the default date."""
    return f"{code_digest()} {published or ''}"


def analyze_articles(
    articles: Sequence[Article],
    scorer: RelationScorer | None = None,
    progress: Progress = _no_progress,
    embedder: Embedder | None = None,
    story_of: dict[str, int] | None = None,
    store: Store | None = None,
    times: StageTimes | None = None,
    prepared_by_id: dict[str, Prepared] | None = None,
    render: bool = False,
    ahead: AheadResults | None = None,
) -> AnalysedText:
    """Stages 2-7 on articles already read: the ``stories.json`` text, and its stories.

    ``story_of`` gives the stories (as kept in a store); without it the
    articles are clustered as a stream here. With ``store``, each story's
    analysis is kept and re-used while its members and the settings are unchanged.
    Each story's signature (its members, their texts, the settings and the code)
    is its outline's ``key``. With ``render`` and
    ``store``, the workers that analyse the stories also render them for the
    report, and the store keeps each rendering under the story's signature
    (``write_report`` then finds them there, as it finds those of a run before).
    ``ahead``: sentence vectors and facts a helper process computed while the
    stories were being clustered (``ahead.Ahead``). A story re-used from the
    store goes into the document as the JSON text kept (``stories_json``).
    """
    scorer = scorer or default_scorer(model_kind(embedder))
    times = times or StageTimes()
    agencies = agencies_of(articles)
    known = dict(prepared_by_id or {})

    def prepared_of(batch: Sequence[Article]) -> list[Prepared]:
        with times.stage("clean"):
            out = []
            for a in batch:
                p = known.get(a.id)
                if p is None or p.article != a:
                    known[a.id] = p = prepare(a, agencies)
                out.append(p)
            return out

    if story_of is None:
        prepared = prepared_of(articles)
        progress("clean", len(prepared), len(articles))
        labels = stream_labels(prepared, embedder=embedder)
    else:
        labels = [story_of[a.id] for a in articles]
    by_label: dict[int, list[Article]] = {}
    for art, label in zip(articles, labels, strict=True):
        by_label.setdefault(label, []).append(art)
    labelled = sorted(
        ((label, sorted(g, key=member_order)) for label, g in by_label.items()),
        key=lambda lg: (-len(lg[1]), _first_time(lg[1]), lg[0]),
    )
    ids = [story_name(label) for label, _ in labelled]
    groups = [g for _, g in labelled]
    settings = _settings_signature(scorer, embedder, agencies)
    signatures = [_story_signature(g, settings) for g in groups]
    with times.stage("store"):
        kept = store.story_texts(signatures) if store is not None else {}
    # A story kept with problems is re-used like any other: the same code on the same articles fails the same
    # way (the signature holds the code), and its problems are said again from what was kept.
    texts: list[StoryText | None] = [kept.get(signature) for signature in signatures]
    todo: list[tuple[int, str, list[Prepared]]] = [
        (k, ids[k], prepared_of(group)) for k, group in enumerate(groups) if texts[k] is None
    ]
    memo = _derivation_memo(todo, settings, store, times)
    ahead = ahead if ahead is not None else AheadResults()
    facts_keys, unkept = _kept_facts(todo, agencies, store, ahead, times)
    with times.stage("store"):
        reasons = store.join_reasons([a.id for a in articles]) if store is not None else {}
    fresh: dict[str, StoryText] = {}
    rendered: dict[str, tuple[str, int, int, str, str]] = {}
    worked = analyze_stories(
        todo, scorer, embedder, times, progress, memo=memo, render=render and store is not None, ahead=ahead,
        joined=reasons,
    )  # fmt: skip
    for k, text, rendering in worked:
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
            store.put_article_facts(_found_facts(ahead, facts_keys, unkept | ahead.found))
    with times.stage("document"):
        outlines = []
        for k, (group, signature, written) in enumerate(zip(groups, signatures, texts, strict=True)):
            assert written is not None  # every story was kept or analysed
            outlines.append(
                StoryOutline(ids[k], signature, tuple(a.id for a in group), written, _joined(group, reasons))
            )
        document = _document_of([a.id for a in articles], outlines, reasons)
    return AnalysedText(document, outlines)


def _document_of(
    article_ids: Sequence[str], outlines: Sequence[StoryOutline], reasons: Mapping[str, str] | None = None
) -> bytes:
    """The ``stories.json`` text (UTF-8): the articles in ``article_ids``' order, then the stories, each placed.

    ``reasons``: why the clusterer put each article in its story (JSON text), written as its ``joined``.
    """
    line_of: dict[str, bytes] = {}
    for outline in outlines:
        line_of.update(zip(outline.members, placed_members(outline.text.members, outline.id), strict=True))
    for aid, reason in (reasons or {}).items():
        if aid in line_of:
            line_of[aid] = with_pair(line_of[aid], "joined", reason)
    return document_text([line_of[aid] for aid in article_ids], [placed_story(o.text.body, o.id) for o in outlines])


def outline_of(analysed: AnalysedText, article_ids: Sequence[str]) -> str:
    """What the store keeps of an analysis (``Store.save_analysis``): the outline, not the document.

    The outline is the articles' order and each story's signature, members
    and id, in the document's order. The stories' texts are kept already (``story_results``).
    Keeping the whole document instead wrote about 58 MB at 10,000 articles on every run (0.5 s).
    """
    stories = [[o.key, list(o.members), o.id] for o in analysed.stories]
    return json.dumps({"outline": OUTLINE_VERSION, "articles": list(article_ids), "stories": stories})


def latest_document(store: Store) -> dict[str, Any] | None:
    """The ``stories.json`` document of the latest analysis kept in ``store``, or None.

    None if there is none, or if a story its outline names is no longer kept.
    A store written before outlines kept the whole document: that is read.
    """
    kept = _latest_kept(store)
    if kept is None:
        return None
    if kept.get("outline") not in OUTLINE_VERSIONS:
        return kept if "articles" in kept and "stories" in kept else None
    texts = store.story_texts([entry[0] for entry in kept["stories"]])
    outlines = []
    for k, (signature, members, *named) in enumerate(kept["stories"]):
        text = texts.get(signature)
        if text is None:
            return None
        story_id = named[0] if named else f"s{k + 1}"  # outline 1 named stories by their place
        outlines.append(StoryOutline(story_id, signature, tuple(members), text))
    reasons = store.join_reasons(kept["articles"])
    document: dict[str, Any] = json.loads(_document_of(kept["articles"], outlines, reasons))
    return document


def latest_story(store: Store, story_id: str) -> dict[str, Any] | None:
    """The story object ``story_id`` of the latest analysis kept in ``store`` (as in ``stories.json``), or None.

    Only that story's kept text is read and parsed, not the whole document (a store written before
    outlines kept the whole document: that is read).
    """
    kept = _latest_kept(store)
    if kept is None:
        return None
    if kept.get("outline") not in OUTLINE_VERSIONS:
        stories = (latest_document(store) or {}).get("stories", [])
        return next((s for s in stories if isinstance(s, dict) and s.get("id") == story_id), None)
    for k, (signature, _members, *named) in enumerate(kept["stories"]):
        if (named[0] if named else f"s{k + 1}") == story_id:
            text = store.story_texts([signature]).get(signature)
            found: dict[str, Any] | None = None if text is None else json.loads(placed_story(text.body, story_id))
            return found
    return None


def _joined(members: Sequence[Article], reasons: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The join reasons of ``members`` that have one, for ``StoryOutline.joined``."""
    return tuple((a.id, reasons[a.id]) for a in members if a.id in reasons)


def latest_signatures(store: Store) -> set[str] | None:
    """The signatures of the stories of the latest analysis kept in ``store`` (empty if none), or None if unknown.

    None when the latest analysis was kept, as stores before outlines did, as a
    whole document: its stories' signatures were not written down.
    """
    kept = _latest_kept(store)
    if kept is None:
        return set()
    if kept.get("outline") not in OUTLINE_VERSIONS:
        return None
    return {entry[0] for entry in kept["stories"]}


def _latest_kept(store: Store) -> dict[str, Any] | None:
    """The latest analysis ``Store.save_analysis`` kept, parsed (an outline, or an older store's document), or None."""
    latest = store.latest_analysis()
    if latest is None:
        return None
    kept: dict[str, Any] = json.loads(latest)
    return kept


def member_order(article: Article) -> tuple[bool, str, str]:
    """Where an article stands among its story's members: by publication (undated last), then id."""
    return (*order_key(article.published), article.id)


def _derivation_memo(
    todo: Sequence[tuple[int, str, list[Prepared]]], settings: str, store: Store | None, times: StageTimes
) -> DerivationMemo:
    """The derivation model's answers kept in ``store`` for any ordered pair of a story to analyse.

    A story that grew is aligned again whole (its sentence space, so its
    alignments, change with its members), but the model's answer on two
    texts it read before is taken from the store.
    """
    memo = DerivationMemo(salt=settings)
    if store is None or not store.has_derivations():
        return memo
    with times.stage("store"):
        keys = []
        for _, _, members in todo:
            digests = [text_digest(content_text(p)) for p in members]
            keys += [memo.key(a, b) for a, b in itertools.permutations(digests, 2)]
        memo.known = store.derivations(keys)
    return memo


def _facts_storage_key(article: Article, agencies: str) -> str:
    """What an article's facts are kept under: the code, the agencies it is cleaned with, and ``facts_key``."""
    parts = [code_digest(), agencies, article.id, *facts_key(article)]
    return hashlib.blake2b(json.dumps(parts).encode("utf-8"), digest_size=16).hexdigest()


def _kept_facts(
    todo: Sequence[tuple[int, str, list[Prepared]]],
    agencies: Sequence[Agency],
    store: Store | None,
    ahead: AheadResults,
    times: StageTimes,
) -> tuple[dict[str, str], set[str]]:
    """Put the facts and mentions ``store`` keeps for the members of the stories to analyse into ``ahead``.

    Returns each member's storage key by article id, and the members with nothing kept (for
    ``_found_facts``). A story that grew is analysed again whole, but its older members' dates, numbers,
    quotes and entity mentions are read, not found again.
    """
    ahead.found.clear()
    if store is None:
        return {}, set()
    names = json.dumps(sorted(a.name for a in agencies))
    keys = {p.article.id: _facts_storage_key(p.article, names) for _, _, members in todo for p in members}
    with times.stage("store"):
        kept = store.article_facts(list(keys.values()))
    unkept = set()
    for _, _, members in todo:
        for p in members:
            text = kept.get(keys[p.article.id])
            facts = kept_from_text(text) if text is not None else None
            if facts is None:
                unkept.add(p.article.id)  # computed by the helper or later: kept at the end
                continue
            key = facts_key(p.article)
            ahead.facts.setdefault(p.article.id, FactsFound(key, facts.dates, facts.numbers, facts.quotes))
            if facts.mentions is not None:
                ahead.mentions[p.article.id] = (key, facts.mentions)
    return keys, unkept


def _found_facts(ahead: AheadResults, keys: Mapping[str, str], found: set[str]) -> dict[str, str]:
    """The facts (and mentions) of the articles ``found`` in this run, as the store keeps them, by storage key."""
    out = {}
    for article_id in found & keys.keys():
        facts = ahead.facts.get(article_id)
        if facts is not None:
            mentions = ahead.mentions.get(article_id)
            kept = KeptFacts(facts.dates, facts.numbers, facts.quotes, mentions[1] if mentions else None)
            out[keys[article_id]] = kept_text(kept)
    return out


def analyze_stories(
    todo: Sequence[tuple[int, str, list[Prepared]]],
    scorer: RelationScorer,
    embedder: Embedder | None = None,
    times: StageTimes | None = None,
    progress: Progress = _no_progress,
    workers: int | None = None,
    memo: DerivationMemo | None = None,
    render: bool = False,
    ahead: AheadResults | None = None,
    joined: Mapping[str, str] | None = None,
) -> Iterator[tuple[int, StoryText, RenderedStory | None]]:
    """Stages 5-7 for each ``(key, story id, members)``: ``(key, story's JSON text, rendering)`` as each is done.

    The stories are independent, so with more than one core and enough pairs
    to pay for it they are shared among ``workers`` forked processes (default:
    the cores, or ``STORYTRACE_WORKERS``), largest first. Sentence embeddings
    are computed here first, in one batch for all stories, so that the workers
    never touch the model or the store; the per-stage times are the workers'
    summed CPU time. The derivation model's answers asked anew go into ``memo.new``.
    With ``render``, the forked workers also render each story for the report
    (``report.html.render_story``, timed as "report"); otherwise, and in this
    process, the rendering is None and ``write_report`` renders the story.
    ``ahead``: sentence vectors, article facts and entity mentions known beforehand (the helper's, the
    store's), used where they fit; the facts and mentions computed here are added to it (``found`` names them).
    ``joined``: why each article is in its story (JSON text), shown in the renderings.
    """
    times = times or StageTimes()
    memo = memo if memo is not None else DerivationMemo()
    ahead = ahead if ahead is not None else AheadResults()
    total_pairs = sum(_pair_work(len(m)) for _, _, m in todo)
    workers = workers or default_workers()
    if embedder is not None:
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
            embedder = PrecomputedEmbedder(embedder.name, known)
    done = 0
    if workers < 2 or total_pairs < PARALLEL_MIN_PAIRS or "fork" not in multiprocessing.get_all_start_methods():
        for key, story_id, members in todo:
            yield key, _analysed_text(story_id, members, scorer, embedder, times, memo, ahead)[1], None
            done += _pair_work(len(members))
            progress("align", done, total_pairs)
        return
    if any(len(_outlets(m)) > 1 for _, _, m in todo):
        load_entity_model()  # once, before the fork: the workers share it
    global _WORK
    _WORK = (list(todo), scorer, embedder, memo, render, ahead, dict(joined or {}))
    order = sorted(range(len(todo)), key=lambda k: -len(todo[k][2]))
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for key, text, spent, asked, rendering, found in pool.imap_unordered(_work_on, order):
                times.add(spent)
                memo.new.update(asked)
                ahead.put_found(found)
                yield key, text, rendering
                done += _pair_work(len(text.members))
                progress("align", done, total_pairs)
    finally:
        _WORK = None


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
    story, text = _analysed_text(story_id, members, scorer, embedder, times, memo, ahead)
    asked, memo.new = memo.new, {}
    rendering = None
    if render:
        with times.stage("report"):
            try:
                meta = {p.article.id: article_meta(p.article, p.clean, story_id) for p in members}
                for aid in meta.keys() & joined.keys():
                    meta[aid]["joined"] = json.loads(joined[aid])
                rendering = render_story(story, meta, {p.article.id: p.article.text for p in members})
            except Exception:  # noqa: BLE001 - the page is put together in the main process, which says why
                if debugging():
                    raise
    return key, text, times, asked, rendering, ahead.take_found()


def _analysed_text(
    story_id: str,
    members: Sequence[Prepared],
    scorer: RelationScorer,
    embedder: Embedder | None,
    times: StageTimes,
    memo: DerivationMemo,
    ahead: AheadResults,
) -> tuple[dict[str, Any], StoryText]:
    """``analyze_story``, and the story's JSON text as the document and the store take it (timed as "document").

    Whatever ``analyze_story`` could not isolate still costs this story alone: it is written bare
    (``bare_story``), its articles listed, with the problem.
    """
    problems: list[StageProblem] = []
    ids = [p.article.id for p in members]

    def analysed() -> tuple[dict[str, Any], StoryText]:
        story = analyze_story(story_id, members, scorer, embedder, times, memo, ahead)
        with times.stage("document"):
            return story, story_text(story, [article_meta(p.article, p.clean) for p in members])

    def bare() -> tuple[dict[str, Any], StoryText]:
        story = bare_story(story_id, members, problems)
        return story, story_text(story, [article_meta(p.article, uncleaned(p.article)) for p in members])

    return attempt("story", ids, analysed, bare, problems)


def bare_story(story_id: str, members: Sequence[Prepared], problems: Sequence[StageProblem]) -> dict[str, Any]:
    """The story object of a story none of whose stages could be run: its articles, and why."""
    return {
        "id": story_id,
        "title": _bare_title(members),
        "articles": [p.article.id for p in members],
        "first_published": None,
        "alignments": [],
        "provenance": provenance_json(NO_PROVENANCE),
        "facts": facts_to_json(NO_FACTS),
        "brief": [],
        "pairs": [],
        "problems": [p.as_json() for p in problems],
    }


def _bare_title(members: Sequence[Prepared]) -> str:
    """The first headline of the members (else the first one's lead), bylines and datelines left out."""
    shown = [p for p in members if p.article.title] or list(members[:1])
    return display_title(shown[0].article, shown[0].clean) if shown else "(not analysed)"


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


def _outlets(members: Sequence[Prepared]) -> set[str]:
    """The outlets of a story's articles (``naming.outlet_name``)."""
    return {outlet_name(p.article) for p in members}


def analyze_story(
    story_id: str,
    members: Sequence[Prepared],
    scorer: RelationScorer,
    embedder: Embedder | None = None,
    times: StageTimes | None = None,
    memo: DerivationMemo | None = None,
    ahead: AheadResults | None = None,
) -> dict[str, Any]:
    """Stages 5-7 for one story's prepared members (in publication order): its ``stories.json`` object.

    ``ahead``: facts of members computed beforehand (``ahead.Ahead``). A stage
    that fails costs what it would have given (a pair's passages, the graph,
    an article's facts), never the story: the story is written with what
    succeeded and a ``problems`` list naming each failed stage, its articles
    and the error (``isolation``).
    """
    times = times or StageTimes()
    start = time.process_time()
    arts = [p.article for p in members]
    ids = [a.id for a in arts]
    problems = [problem for p in members for problem in p.problems]
    cleans = {p.article.id: p.clean for p in members}
    with times.stage("align"):
        comparisons = aligned_story(members, scorer, embedder, memo, problems)
    with times.stage("trace"):
        provenance = attempt("trace", ids, lambda: story_provenance(comparisons, arts), lambda: NO_PROVENANCE,
                             problems)  # fmt: skip
    with times.stage("facts"):
        facts = compare_facts(members, comparisons, ahead, problems)
        brief = attempt("brief", ids, lambda: brief_of(members, comparisons, facts), Brief, problems)
    with times.stage("document"):
        story = attempt(
            "document", ids, lambda: story_json(story_id, arts, comparisons, provenance, facts, cleans, brief),
            lambda: story_json(story_id, arts, [], NO_PROVENANCE, NO_FACTS, cleans), problems,
        )  # fmt: skip
    if problems:
        story["problems"] = [p.as_json() for p in problems]
    times.stories.append((len(arts), len(comparisons), time.process_time() - start))
    return story


def aligned_story(
    members: Sequence[Prepared],
    scorer: RelationScorer,
    embedder: Embedder | None,
    memo: DerivationMemo | None,
    problems: list[StageProblem],
) -> list[Comparison]:
    """``compare_story``; if the story fails as a whole, its pairs one by one, each failing alone.

    The pairs aligned alone get a sentence space of their own two articles
    (IDF from the pair, not the story): close, not identical, to what the story
    would have given. Each pair that fails again is a problem; if none does,
    the story's own failure is.
    """
    try:
        return compare_story(members, scorer, embedder, memo)
    except Exception as error:  # noqa: BLE001 - isolated: the pairs are tried one by one below
        if debugging():
            raise
        story_failure = StageProblem("align", tuple(p.article.id for p in members), error_text(error))
    failed: list[StageProblem] = []
    comparisons: list[Comparison] = []
    for i, j in fallback_pairs(len(members)):
        pair = [members[i], members[j]]
        ids = [p.article.id for p in pair]
        work = functools.partial(compare_story, pair, scorer, embedder, memo)
        comparisons.extend(attempt("align", ids, work, _no_comparisons, failed))
    problems.extend(failed or [story_failure])
    return mixed_sources(comparisons)


def _no_comparisons() -> list[Comparison]:
    return []


def fallback_pairs(articles: int) -> list[tuple[int, int]]:
    """The pairs ``aligned_story`` tries alone: every pair, or in a large story each article with the next ones."""
    if articles <= ALL_PAIRS_MAX_ARTICLES:
        return list(itertools.combinations(range(articles), 2))
    return [(i, j) for i in range(articles) for j in range(i + 1, min(i + 1 + NEAREST_ARTICLES, articles))]


def agencies_of(articles: Iterable[Article]) -> tuple[Agency, ...]:
    """The agencies a corpus credits: the built-in wires and the sources of its articles of kind ``agency``."""
    return agencies_with(a.source for a in articles if a.kind == "agency" and a.source)


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
    members: Sequence[Prepared],
    scorer: RelationScorer,
    embedder: Embedder | None = None,
    memo: DerivationMemo | None = None,
) -> list[Comparison]:
    """Compare every pair of a story's articles in one sentence space fitted on the story.

    ``memo`` holds the derivation model's answers known from earlier runs (and takes the new ones).
    """
    if len(members) < 2:
        return []  # nothing to align: do not embed a lone article's sentences
    offsets = list(itertools.accumulate((len(p.sentences) for p in members), initial=0))
    space = sentence_space(members, embedder)
    space.anchor_max_df = max(2, len(members))
    dense = space.precompute_similarities()
    indexed = None
    if dense is None and offsets[-1] > STORY_EXACT_MAX_SENTENCES:
        indexed = story_candidates(space, offsets)
    ranking = None
    if dense is not None:
        # Only a sentence pair scoring at least RELATED_MIN_SIMILARITY can align (``match._choose_pairs``):
        # the others are not candidates, and an article pair with none is not aligned sentence by sentence.
        ranking = dense[0]
        if space.embeddings is not None:
            ranking = np.maximum(ranking, semantic_similarity(space.embeddings @ space.embeddings.T, space.embed_floor))
    doc_cosines = space.group_cosines(offsets)
    pairs = story_pairs(doc_cosines)
    rows = [list(range(offsets[k], offsets[k + 1])) for k in range(len(members))]
    plans = []
    for i, j in pairs:
        candidates: list[tuple[int, int]] | None = None
        if ranking is not None:
            block = ranking[offsets[i] : offsets[i + 1], offsets[j] : offsets[j + 1]]
            hit_i, hit_j = np.nonzero(block >= RELATED_MIN_SIMILARITY)
            candidates = list(zip(hit_i.tolist(), hit_j.tolist(), strict=True))
        elif indexed is not None:
            candidates = indexed.get((i, j), [])
        plans.append(plan_alignment(space, rows[i], rows[j], members[i].sentences, members[j].sentences, candidates))
    aligned = align_planned(plans, scorer)  # the relation model called twice for the whole story
    out = [
        compare_prepared(
            members[i], members[j], space, rows[i], rows[j], scorer, None, float(doc_cosines[i, j]), memo, passages
        )
        for (i, j), passages in zip(pairs, aligned, strict=True)
    ]
    return mixed_sources(out)


def _pair_work(articles: int) -> int:
    """How many pairs ``story_pairs`` aligns at most in a story of so many articles (for progress)."""
    every = articles * (articles - 1) // 2
    return every if articles <= ALL_PAIRS_MAX_ARTICLES else min(every, articles * NEAREST_ARTICLES)


def story_pairs(doc_cosines: np.ndarray) -> list[tuple[int, int]]:
    """The article pairs of a story to align: all of them, or in a large story each article's nearest.

    Up to ``ALL_PAIRS_MAX_ARTICLES`` articles every pair is aligned. Beyond,
    the pairs grow with the square of the story while a copy's source is
    almost always among the articles most like it: each article is aligned
    with its ``NEAREST_ARTICLES`` nearest by document cosine (ties by
    position, so by publication), which keeps the work linear in the story's size.
    """
    m = len(doc_cosines)
    if m <= ALL_PAIRS_MAX_ARTICLES:
        return list(itertools.combinations(range(m), 2))
    chosen: set[tuple[int, int]] = set()
    for i in range(m):
        row = np.array(doc_cosines[i], dtype=float)
        row[i] = -np.inf
        for j in np.argsort(-row, kind="stable")[:NEAREST_ARTICLES].tolist():
            chosen.add((min(i, j), max(i, j)))
    return sorted(chosen)


def compare_facts(
    members: Sequence[Prepared],
    comparisons: Sequence[Comparison],
    ahead: AheadResults | None = None,
    problems: list[StageProblem] | None = None,
) -> StoryFacts:
    """Stage 6b: the story's facts (dates, numbers, quotes; entities where two or more outlets meet) compared.

    Entities (spaCy, the costly part) are looked for only in stories that two
    or more outlets report: their point is the spelling variants and roles
    across sources. A story told by one outlet alone (updates of one wire
    story) still has its dates, numbers and quotes compared. ``ahead``: members' facts computed
    beforehand (``ahead.Ahead``), used for the very articles they were computed on. With ``problems``, a
    failure costs one article's facts (or the story's entities, or its comparison) and is recorded there.
    """
    if problems is None:
        facts = [ahead.facts_of(p) if ahead is not None else article_facts(p) for p in members]
        entities = _story_entities(facts, ahead) if len(_outlets(members)) > 1 else []
        return story_facts(facts, comparisons, entities)
    failed = problems
    ids = [p.article.id for p in members]
    facts = [
        attempt("facts", [p.article.id], functools.partial(compare_facts_of, p, ahead), _no_facts(p), failed)
        for p in members
    ]
    found: list[EntityFact] = []
    if len(_outlets(members)) > 1:
        found = attempt("entities", ids, lambda: _story_entities(facts, ahead), list, failed)
    return attempt("facts", ids, lambda: story_facts(facts, comparisons, found), lambda: NO_FACTS, failed)


def _story_entities(facts: Sequence[ArticleFacts], ahead: AheadResults | None) -> list[EntityFact]:
    """``story_entities``, parsing only the articles whose mentions ``ahead`` does not know (and telling it those)."""
    if ahead is None:
        return story_entities(facts)
    found: dict[str, tuple[Mention, ...]] = {}
    entities = story_entities(facts, ahead.known_mentions(facts), found)
    ahead.add_mentions(facts, found)
    return entities


def compare_facts_of(prepared: Prepared, ahead: AheadResults | None) -> ArticleFacts:
    """One article's facts: the helper's (``ahead``) when it computed them for this very article, else computed."""
    return ahead.facts_of(prepared) if ahead is not None else article_facts(prepared)


def _no_facts(prepared: Prepared) -> Callable[[], ArticleFacts]:
    return lambda: ArticleFacts(prepared, (), (), ())


# What a story whose facts could not be compared holds (``problems`` says why).
NO_FACTS = StoryFacts()
NO_PROVENANCE = Provenance()


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


def _first_time(group: Sequence[Article]) -> tuple[bool, str]:
    return min((order_key(a.published) for a in group if a.published), default=order_key(None))


def analyze(
    paths: Sequence[str | os.PathLike[str]],
    store: Store,
    published: str | None = None,
    progress: Progress = _no_progress,
    embedder: Embedder | None = None,
    times: StageTimes | None = None,
    render: bool = False,
    on_skipped: Callable[[Skipped], None] | None = None,
) -> Analysis:
    """The main job on ``paths``: ingest into ``store``, then group, align and trace.

    ``render``: the report will be written (``write_report``), so render the stories in the workers.
    ``on_skipped``: as ``ingest_report`` takes it.
    """
    times = times or StageTimes()
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
    analysed = analyze_articles(
        articles,
        progress=progress,
        embedder=embedder,
        story_of=story_of,
        store=store,
        times=times,
        prepared_by_id=prepared,
        render=render,
        ahead=ahead,
    )
    with times.stage("store"):
        store.save_analysis(outline_of(analysed, [a.id for a in articles]))
    problems += [InputProblem(articles_text(p.articles), f"{p.stage} failed: {p.error}") for p in placing]
    analysis = Analysis(analysed.text, {a.id: a.text for a in articles}, problems, added, analysed.stories)
    analysis.updated = report.updated
    return analysis


def assign_stories(
    store: Store,
    embedder: Embedder | None = None,
    progress: Progress = _no_progress,
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
    failed = problems if problems is not None else []
    agencies = agencies_with(store.agency_sources())
    decider = decider or join_for(embedder)
    use_snapshots = os.environ.get("STORYTRACE_SNAPSHOT", "1") != "0"
    settings = _snapshot_settings(embedder)
    clusterer, start = _resumed(store, settings, known, decider) if use_snapshots else (None, 0)
    if clusterer is not None and clusterer.window_days != window_days:
        clusterer, start = None, 0  # taken with another window: replayed from the start
    clusterer = clusterer or StreamClusterer(decider, window_days)
    clusterer.explain = True
    clusterer.reserve(max(known.values(), default=-1) + 1)
    last_boundary = total // BATCH * BATCH
    kept: StreamSnapshot | None = None
    new: dict[str, int] = {}
    done = start
    articles = store.articles_in_time_order(skip=start)
    while chunk := list(itertools.islice(articles, BATCH)):
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
        clusterer.dedup.add_words([(a.id, features[a.id][0], a.published) for a in chunk])
        vectors = _chunk_vectors(chunk, features, embedder, failed)
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


def _settings_signature(scorer: RelationScorer, embedder: Embedder | None, agencies: Sequence[Agency]) -> str:
    """What, besides its members, a story's analysis depends on: version, models, embedder, agencies."""
    from storytrace import __version__

    parts = [
        __version__,
        type(scorer).__name__,
        getattr(embedder, "name", "-"),
        code_digest(),
        sorted(a.name for a in agencies),
    ]
    return hashlib.blake2b(json.dumps(parts).encode("utf-8"), digest_size=16).hexdigest()


@functools.cache
def code_digest() -> str:
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
    """What a story's analysis is kept under: the settings and every field of its members the document shows."""
    members = sorted(
        (a.id, a.content_hash, a.published or "", a.kind, a.source or "", a.url or "", list(a.authors), a.language)
        for a in articles
    )
    return hashlib.blake2b(json.dumps([settings, members]).encode("utf-8"), digest_size=16).hexdigest()
