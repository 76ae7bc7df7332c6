"""Put the report together: its index (``report.html``) and one page per story (``stories/NAME.html``).

What it does: from each story's rendering (``render.render_story``: its row of the index and its
section, kept in a ``RenderCache`` between runs), the index, which lists every story with search,
sort and filters done by its own script, and per story a page with its section, the relation
legend, and links to the index and to the stories before and after it. A story's page depends on
its rendering, its id, its neighbours' ids and titles, and the version: a re-run that changes one
story changes its page, its neighbours' and the index, and no other page; ``page_signature`` is
that dependence as a digest, so a caller that knows a page on disk was built from the same inputs
(``manifest``) has it left out (``unchanged``: its section is never loaded). Pages are named after
the stories' ids (``page_names``). Everything is self-contained: inline CSS and JavaScript,
relative links, nothing loaded from outside, so the folder works from ``file://``.

What it does not do: render a story (``render``), write files (``pipeline.write_outputs``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from markupsafe import Markup

from storytrace import __version__
from storytrace.codec.story import story_from_json
from storytrace.isolation import attempt
from storytrace.model import StageProblem, StoryResult
from storytrace.report import render
from storytrace.report.articles import story_ids
from storytrace.report.highlight import escaped
from storytrace.report.readers import as_list, as_mapping, as_text
from storytrace.report.render import LEGEND, RenderCache, RenderedStory, fill, style

INDEX = "report.html"  # the index: the entry point of the report
PAGES = "stories"  # the folder of the story pages, beside the index
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # lower case: no two names clash on a case-blind disk
_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{p}{k}" for p in ("com", "lpt") for k in range(10))})

Loaded = tuple[StoryResult, Mapping[str, Mapping[str, Any]]]  # a story, and its articles' objects by id


class PageStory(NamedTuple):
    """A story as ``render_site`` takes it: its id, its key in the cache, and how to get its objects if rendered."""

    id: str
    key: str | None  # determines its rendering but its id and page name (``pipeline``: its signature); None: not kept
    load: Callable[[], Loaded]


@dataclass(frozen=True)
class Report:
    """The report's files: the index's bytes, and each story page's path (``stories/NAME.html``) and bytes.

    ``kept``: the paths of pages not built because the caller vouched that the file on disk already
    holds them (``render_site``'s ``unchanged``); ``signatures``: each page's input signature
    (``page_signature``), for pages that have one (built or kept).
    """

    index: bytes
    pages: dict[str, bytes]  # in the stories' order
    kept: tuple[str, ...] = ()
    signatures: Mapping[str, str] = field(default_factory=dict, compare=False)

    def text(self, path: str = INDEX) -> str:
        """The text of a file of the report: the index, or a page by its path."""
        return (self.index if path == INDEX else self.pages[path]).decode("utf-8")


class _Rendered(NamedTuple):
    """A story's rendering as the report takes it: placeholders, passages shown, row and section as UTF-8.

    ``section`` is None for a story whose page is not built; ``title`` is its first line where needed.
    """

    nonce: str
    passages: int
    row: bytes
    section: bytes | None
    title: bytes | None = None


Near = tuple[str, str, str] | None  # a neighbour's page name, id and key; None: no neighbour there

PAGE_FORMAT = 1  # how ``_pages`` puts a page together: a change there that no template shows bumps it


def page_names(ids: Sequence[str]) -> list[str]:
    """A file name (without ``.html``) for each story's page: its id if that is a plain lower-case name, unique.

    Any other id (upper case, spaces, markup, a name Windows reserves) gets ``_``
    and a digest of it; a name already given gets ``~2``, ``~3``, … after it.
    """
    names: list[str] = []
    taken: set[str] = set()
    for story_id in ids:
        plain = _SAFE_NAME.fullmatch(story_id) and story_id not in _DEVICES
        base = story_id if plain else "_" + hashlib.blake2b(story_id.encode("utf-8"), digest_size=8).hexdigest()
        name, k = base, 1
        while name in taken:
            k += 1
            name = f"{base}~{k}"
        taken.add(name)
        names.append(name)
    return names


def page_signature(code: str, key: str | None, name: str, story_id: str, before: Near, after: Near) -> str | None:
    """What a story's page is a function of, as a digest; None when it cannot be told (a story without a key).

    ``code``: the version of the page's code and templates (``page_code``); ``key``: the
    story's key (its rendering); ``before``/``after``: the neighbours' names, ids and keys
    (their titles come from their renderings).
    """
    if key is None or any(near is not None and not near[2] for near in (before, after)):
        return None
    parts = [code, key, name, story_id, before, after]
    return hashlib.blake2b(json.dumps(parts).encode("utf-8"), digest_size=16).hexdigest()


@functools.cache
def page_code() -> str:
    """The version of what puts a page together: storytrace's version, ``PAGE_FORMAT`` and the templates."""
    env = render.jinja_env()
    assert env.loader is not None
    digest = hashlib.blake2b(f"{__version__}/{PAGE_FORMAT}".encode(), digest_size=16)
    for name in sorted(env.loader.list_templates()):
        digest.update(name.encode("utf-8") + env.loader.get_source(env, name)[0].encode("utf-8"))
    return digest.hexdigest()


def page_signatures(stories: Sequence[PageStory], names: Sequence[str]) -> list[str | None]:
    """Each story's ``page_signature`` in its place among ``stories`` (named ``names``)."""
    code = page_code()
    near: list[Near] = [(name, s.id, s.key or "") for name, s in zip(names, stories, strict=True)]
    return [
        page_signature(
            code, s.key, names[i], s.id, near[i - 1] if i else None, near[i + 1] if i + 1 < len(near) else None
        )
        for i, s in enumerate(stories)
    ]


def page_path(name: str) -> str:
    """Where a story's page is, relative to the index."""
    return f"{PAGES}/{name}.html"


def render_report(doc: Mapping[str, Any], texts: Mapping[str, str], *, generated: str | None = None) -> Report:
    """The HTML report of a ``stories.json`` document, every story rendered (``render_site`` over its stories).

    The report of an analysis, its renderings kept in the store between runs, is
    ``pipeline.build_report``; this is the same report of a document alone (tests, tools).

    Args:
        doc: The ``stories.json`` document (see CONTRACT.md), optionally extended with
            ``boilerplate_spans``, ``kind`` and ``origin`` per article and ``pairs`` per
            story. Any optional key may be missing or null.
        texts: Article id to the article's full text; spans index into these texts.
            A missing text shows as empty.
        generated: When the report was made, as the index shows it; defaults to now (UTC).

    Returns:
        The report's files, each self-contained (inline CSS and JavaScript, nothing loaded
        from outside), all document text escaped.

    """
    meta = {
        as_text(m.get("id")): m
        for m in map(as_mapping, as_list(as_mapping(doc).get("articles")))
        if m.get("id") is not None
    }
    stories = [story_from_json(s) for s in as_list(as_mapping(doc).get("stories"))]
    listed: set[str] = set(meta)
    for story in stories:
        listed.update(story_ids(story, meta))
    page = [PageStory(story.id, None, _loaded(story, meta)) for story in stories]
    return render_site(page, texts, len(listed), generated=generated)


def _loaded(story: StoryResult, meta: Mapping[str, Mapping[str, Any]]) -> Callable[[], Loaded]:
    return lambda: (story, meta)


def render_site(
    stories: Sequence[PageStory],
    texts: Mapping[str, str],
    n_articles: int,
    *,
    generated: str | None = None,
    cache: RenderCache | None = None,
    problems: list[tuple[str, StageProblem]] | None = None,
    unchanged: Mapping[str, str] | None = None,
) -> Report:
    """The report of ``stories``, in order: the one renderer of the report, its stories loaded only where rendered.

    A story whose key is kept in ``cache`` is filled in from there and never
    loaded; the others are loaded, rendered and kept. A story that cannot be
    rendered costs its own page alone, which says so; ``problems`` gets
    ``(story id, problem)`` for each (``isolation``). ``n_articles``: the
    articles the index counts. The kept renderings come as bytes and go into
    the pages as they are, placeholders filled (decoding them would cost a
    re-run more than the rest of its report).

    ``unchanged``: page path to the signature (``page_signature``) of the page the caller
    vouches is on disk as built; a page whose signature is the same is not built (nor its
    section loaded) and is listed in the report's ``kept``.
    """
    names = page_names([s.id for s in stories])
    signatures = page_signatures(stories, names)
    vouched = unchanged or {}
    skip = [
        sig is not None and vouched.get(page_path(name)) == sig for name, sig in zip(names, signatures, strict=True)
    ]
    shown: list[tuple[str, StageProblem]] = []
    rendered = _renderings(stories, texts, cache, shown, skip)
    if problems is not None:
        problems.extend(shown)
    failed = {story_id for story_id, _ in shown}
    unsure = {i + d for i, s in enumerate(stories) if s.id in failed for d in (-1, 0, 1)}
    rows = [fill(r.row, r.nonce, name, s.id) for r, name, s in zip(rendered, names, stories, strict=True)]
    pages = _pages(stories, names, rendered)
    index = _index(rows, generated, n_articles, sum(r.passages for r in rendered))
    kept = tuple(page_path(name) for name, r in zip(names, rendered, strict=True) if r.section is None)
    signed = {  # a story that could not be shown, and its neighbours, are built again next time
        page_path(name): sig
        for i, (name, sig) in enumerate(zip(names, signatures, strict=True))
        if sig is not None and i not in unsure
    }
    return Report(index, pages, kept, signed)


def _renderings(
    stories: Sequence[PageStory],
    texts: Mapping[str, str],
    cache: RenderCache | None,
    problems: list[tuple[str, StageProblem]] | None,
    skip: Sequence[bool],
) -> list[_Rendered]:
    """Each story's rendering: kept in ``cache``, else rendered now (and handed to ``cache``).

    Of a story whose page is skipped, only the row is loaded (and the title if a neighbour's page is built).
    """
    kept = _kept(stories, cache, skip)
    fresh: dict[str, RenderedStory] = {}
    out: list[_Rendered] = []
    for story in stories:
        found = kept.get(story.key) if story.key is not None else None
        if found is not None:
            out.append(found)
            continue
        failed: list[StageProblem] = []
        rendering = attempt("report", [], _rendering(story, texts), _unshown(story, failed), failed)
        out.append(_Rendered(rendering.nonce, rendering.passages, *(x.encode() for x in rendering[3:])))
        if problems is not None:
            problems.extend((story.id, p) for p in failed)
        if cache is not None and story.key is not None and not failed:
            fresh[story.key] = rendering
            if len(fresh) >= render.KEEP_BATCH:
                cache.put_rendered_stories(fresh)
                fresh = {}
    if cache is not None and fresh:
        cache.put_rendered_stories(fresh)
    return out


def _kept(stories: Sequence[PageStory], cache: RenderCache | None, skip: Sequence[bool]) -> dict[str, _Rendered]:
    """The kept renderings of ``stories``: rows of all, sections of pages built, titles of their skipped neighbours."""
    keys = [s.key for s in stories if s.key is not None]
    if cache is None or not keys:
        return {}
    built = [s.key for s, skipped in zip(stories, skip, strict=True) if s.key is not None and not skipped]
    beside = [
        s.key for i, s in enumerate(stories) if s.key is not None and skip[i] and not all(skip[max(i - 1, 0) : i + 2])
    ]
    rows = cache.rendered_rows(keys)
    sections = cache.rendered_sections(built) if built else {}
    titles = cache.rendered_titles(beside) if beside else {}
    skipped = {s.key for s, gone in zip(stories, skip, strict=True) if gone and s.key is not None}
    out: dict[str, _Rendered] = {}
    for key, (nonce, _pairs, passages, row) in rows.items():
        section = sections.get(key)
        if section is not None or key in skipped:
            out[key] = _Rendered(nonce, passages, row, section, titles.get(key))
    return out


def _rendering(story: PageStory, texts: Mapping[str, str]) -> Callable[[], RenderedStory]:
    return lambda: render.render_story(*story.load(), texts)


def _unshown(story: PageStory, failed: Sequence[StageProblem]) -> Callable[[], RenderedStory]:
    """The rendering of a story that could not be rendered: its id, and why (the problem, once recorded)."""

    def rendering() -> RenderedStory:
        bare = StoryResult(story.id, "(this story could not be shown)", (), None, problems=tuple(failed))
        return render.render_story(bare, {}, {})

    return rendering


def _pages(stories: Sequence[PageStory], names: Sequence[str], rendered: Sequence[_Rendered]) -> dict[str, bytes]:
    """Each story's page: the page template around its section, with its title and its neighbours' links."""
    head, title_gap, nav_gap, tail = _shell()
    sections = [
        None if r.section is None else fill(r.section, r.nonce, name, s.id)
        for r, name, s in zip(rendered, names, stories, strict=True)
    ]
    titles = [
        section.partition(b"\n")[0] if section is not None else fill(r.title or b"", r.nonce, name, s.id)
        for section, r, name, s in zip(sections, rendered, names, stories, strict=True)
    ]
    pages: dict[str, bytes] = {}
    for i, (story, name, section) in enumerate(zip(stories, names, sections, strict=True)):
        if section is None:
            continue  # not built: its file holds it
        near = [(names[j], story_id(stories[j]), titles[j]) if 0 <= j < len(stories) else None for j in (i - 1, i + 1)]
        title = story_id(story) + b" \xc2\xb7 " + titles[i] + b" \xe2\x80\x94 storytrace"
        body = section.partition(b"\n")[2]
        pages[page_path(name)] = b"".join([head, title, title_gap, _nav(*near), nav_gap, body, tail])
    return pages


def story_id(story: PageStory) -> bytes:
    """A story's id, escaped, as UTF-8."""
    return escaped(story.id).encode("utf-8")


def _nav(before: tuple[str, bytes, bytes] | None, after: tuple[str, bytes, bytes] | None) -> bytes:
    """The links at the top of a page: the index, the story before and the story after (name, id, title)."""

    def link(near: tuple[str, bytes, bytes] | None) -> tuple[str, Markup, Markup] | None:
        return None if near is None else (near[0], Markup(near[1].decode("utf-8")), Markup(near[2].decode("utf-8")))

    nav = render.jinja_env().get_template(render.NAV_TEMPLATE).render(prev=link(before), next=link(after))
    return nav.encode("utf-8")


def _shell() -> list[bytes]:
    """The page template rendered once, cut where a page's title, links and section go."""
    marks = _marks(3)
    page = (
        render.jinja_env()
        .get_template(render.TEMPLATE)
        .render(title=marks[0], nav=marks[1], section=marks[2], legend=LEGEND, version=__version__)
    )
    return _split_at(page.encode("utf-8"), [m.encode("utf-8") for m in marks])


def _index(rows: list[bytes], generated: str | None, n_articles: int, passages: int) -> bytes:
    """The index around ``rows`` (each already filled in), as its template writes it."""
    marks = _marks(2)
    skeleton = (
        render.jinja_env()
        .get_template(render.INDEX_TEMPLATE)
        .render(
            style=style(),
            n_stories=len(rows),
            rows=marks if rows else [],
            generated=generated or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            version=__version__,
            n_articles=n_articles,
            n_passages=passages,
        )
    ).encode("utf-8")
    if not rows:
        return skeleton
    head, row_gap, tail = _split_at(skeleton, [m.encode("utf-8") for m in marks])
    return b"".join([head, row_gap.join(rows), tail])


def _marks(n: int) -> list[Markup]:
    """``n`` marks drawn now: no text on a page can hold them."""
    return [Markup(f"@{secrets.token_hex(16)}@") for _ in range(n)]


def _split_at(page: bytes, marks: Sequence[bytes]) -> list[bytes]:
    """``page`` cut at each of ``marks`` in turn (each found once, in order)."""
    pieces = []
    rest = page
    for mark in marks:
        before, found, rest = rest.partition(mark)
        if not found or mark in rest:
            raise AssertionError("a report template must write each of its marks once, in order")
        pieces.append(before)
    return [*pieces, rest]
