"""Put the report together: its index (``report.html``) and one page per story (``stories/NAME.html``).

What it does: from each story's rendering (``html.render_story``: its row of the index and its
section, kept in a ``RenderCache`` between runs), the index, which lists every story with search,
sort and filters done by its own script, and per story a page with its section, the relation
legend, and links to the index and to the stories before and after it. A story's page depends on
its rendering, its id, its neighbours' ids and titles, and the version: a re-run that changes one
story changes its page, its neighbours' and the index, and no other page. Pages are named after
the stories' ids (``page_names``). Everything is self-contained: inline CSS and JavaScript,
relative links, nothing loaded from outside, so the folder works from ``file://``.

What it does not do: render a story (``html``), write files (``pipeline.write_outputs``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from markupsafe import Markup

from storytrace import __version__
from storytrace.isolation import StageProblem, attempt
from storytrace.report import html
from storytrace.report.html import LEGEND, RenderCache, RenderedStory, fill, style

INDEX = "report.html"  # the index: the entry point of the report
PAGES = "stories"  # the folder of the story pages, beside the index
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # lower case: no two names clash on a case-blind disk
_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{p}{k}" for p in ("com", "lpt") for k in range(10))})

Loaded = tuple[Mapping[str, Any], Mapping[str, Mapping[str, Any]]]  # a story object and its articles' objects


class PageStory(NamedTuple):
    """A story as ``render_site`` takes it: its id, its key in the cache, and how to get its objects if rendered."""

    id: str
    key: str | None  # see ``render_report``'s ``keys``; None: not kept
    load: Callable[[], Loaded]


@dataclass(frozen=True)
class Report:
    """The report's files: the index's bytes, and each story page's path (``stories/NAME.html``) and bytes."""

    index: bytes
    pages: dict[str, bytes]  # in the stories' order

    def text(self, path: str = INDEX) -> str:
        """The text of a file of the report: the index, or a page by its path."""
        return (self.index if path == INDEX else self.pages[path]).decode("utf-8")


class _Rendered(NamedTuple):
    """A story's rendering as the report takes it: placeholders, passages shown, row and section as UTF-8."""

    nonce: str
    passages: int
    row: bytes
    section: bytes


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


def page_path(name: str) -> str:
    """Where a story's page is, relative to the index."""
    return f"{PAGES}/{name}.html"


def render_report(
    doc: Mapping[str, Any],
    texts: Mapping[str, str],
    *,
    generated: str | None = None,
    cache: RenderCache | None = None,
    keys: Sequence[str] | None = None,
) -> Report:
    """Render the HTML report of an analysis: its index and a page per story.

    Args:
        doc: The ``stories.json`` document (see CONTRACT.md), optionally extended with
            ``boilerplate_spans``, ``kind`` and ``origin`` per article and ``pairs`` per
            story. Any optional key may be missing or null.
        texts: Article id to the article's full text; spans index into these texts.
            A missing text shows as empty.
        generated: When the report was made, as the index shows it; defaults to now (UTC).
        cache: Where each story's rendering is kept and found again (with ``keys``).
        keys: One key per story of ``doc``, in order, that determines everything the
            story's rendering shows but its id and page name: the story object but its
            id, its articles' metadata and texts, and this code (``pipeline`` gives each
            story's signature). A story whose key is kept in ``cache`` is not rendered again.

    Returns:
        The report's files, each self-contained (inline CSS and JavaScript, nothing loaded
        from outside), all document text escaped. The same with or without ``cache``.

    """
    meta = {
        html.as_text(m.get("id")): m
        for m in map(html.as_mapping, html.as_list(html.as_mapping(doc).get("articles")))
        if m.get("id") is not None
    }
    stories = list(map(html.as_mapping, html.as_list(html.as_mapping(doc).get("stories"))))
    if cache is None or keys is None or len(keys) != len(stories):
        cache, keys = None, None
    listed: set[str] = set(meta)
    for story in stories:
        listed.update(html._story_ids(story, meta))
    page = [
        PageStory(html.as_text(story.get("id")), keys[i] if keys is not None else None, _loaded(story, meta))
        for i, story in enumerate(stories)
    ]
    return render_site(page, texts, len(listed), generated=generated, cache=cache)


def _loaded(story: Mapping[str, Any], meta: Mapping[str, Mapping[str, Any]]) -> Callable[[], Loaded]:
    return lambda: (story, meta)


def render_site(
    stories: Sequence[PageStory],
    texts: Mapping[str, str],
    n_articles: int,
    *,
    generated: str | None = None,
    cache: RenderCache | None = None,
    problems: list[tuple[str, StageProblem]] | None = None,
) -> Report:
    """The report of ``stories``, in order (``render_report``, with stories loaded only where rendered).

    A story whose key is kept in ``cache`` is filled in from there and never
    loaded; the others are loaded, rendered and kept. A story that cannot be
    rendered costs its own page alone, which says so; ``problems`` gets
    ``(story id, problem)`` for each (``isolation``). ``n_articles``: the
    articles the index counts. The kept renderings come as bytes and go into
    the pages as they are, placeholders filled (decoding them would cost a
    re-run more than the rest of its report).
    """
    rendered = _renderings(stories, texts, cache, problems)
    names = page_names([s.id for s in stories])
    rows = [fill(r.row, r.nonce, name, s.id) for r, name, s in zip(rendered, names, stories, strict=True)]
    pages = _pages(stories, names, rendered)
    return Report(_index(rows, generated, n_articles, sum(r.passages for r in rendered)), pages)


def _renderings(
    stories: Sequence[PageStory],
    texts: Mapping[str, str],
    cache: RenderCache | None,
    problems: list[tuple[str, StageProblem]] | None,
) -> list[_Rendered]:
    """Each story's rendering: kept in ``cache``, else rendered now (and handed to ``cache``)."""
    keys = [s.key for s in stories if s.key is not None]
    kept = dict(cache.rendered_stories(keys)) if cache is not None and keys else {}
    fresh: dict[str, RenderedStory] = {}
    out: list[_Rendered] = []
    for story in stories:
        found = kept.pop(story.key, None) if story.key is not None else None
        if found is not None:
            out.append(_Rendered(found[0], found[2], found[3], found[4]))
            continue
        failed: list[StageProblem] = []
        rendering = attempt("report", [], _rendering(story, texts), _unshown(story, failed), failed)
        out.append(_Rendered(rendering.nonce, rendering.passages, *(x.encode() for x in rendering[3:])))
        if problems is not None:
            problems.extend((story.id, p) for p in failed)
        if cache is not None and story.key is not None and not failed:
            fresh[story.key] = rendering
            if len(fresh) >= html.KEEP_BATCH:
                cache.put_rendered_stories(fresh)
                fresh = {}
    if cache is not None and fresh:
        cache.put_rendered_stories(fresh)
    return out


def _rendering(story: PageStory, texts: Mapping[str, str]) -> Callable[[], RenderedStory]:
    return lambda: html.render_story(*story.load(), texts)


def _unshown(story: PageStory, failed: Sequence[StageProblem]) -> Callable[[], RenderedStory]:
    """The rendering of a story that could not be rendered: its id, and why (the problem, once recorded)."""

    def rendering() -> RenderedStory:
        bare = {"id": story.id, "title": "(this story could not be shown)", "problems": [p.as_json() for p in failed]}
        return html.render_story(bare, {}, {})

    return rendering


def _pages(stories: Sequence[PageStory], names: Sequence[str], rendered: Sequence[_Rendered]) -> dict[str, bytes]:
    """Each story's page: the page template around its section, with its title and its neighbours' links."""
    head, title_gap, nav_gap, tail = _shell()
    sections = [fill(r.section, r.nonce, name, s.id) for r, name, s in zip(rendered, names, stories, strict=True)]
    titles = [section.partition(b"\n")[0] for section in sections]
    pages: dict[str, bytes] = {}
    for i, (story, name, section) in enumerate(zip(stories, names, sections, strict=True)):
        near = [(names[j], story_id(stories[j]), titles[j]) if 0 <= j < len(stories) else None for j in (i - 1, i + 1)]
        title = story_id(story) + b" \xc2\xb7 " + titles[i] + b" \xe2\x80\x94 storytrace"
        body = section.partition(b"\n")[2]
        pages[page_path(name)] = b"".join([head, title, title_gap, _nav(*near), nav_gap, body, tail])
    return pages


def story_id(story: PageStory) -> bytes:
    """A story's id, escaped, as UTF-8."""
    return html._escaped(story.id).encode("utf-8")


def _nav(before: tuple[str, bytes, bytes] | None, after: tuple[str, bytes, bytes] | None) -> bytes:
    """The links at the top of a page: the index, the story before and the story after (name, id, title)."""

    def link(near: tuple[str, bytes, bytes] | None) -> tuple[str, Markup, Markup] | None:
        return None if near is None else (near[0], Markup(near[1].decode("utf-8")), Markup(near[2].decode("utf-8")))

    nav = html.jinja_env().get_template(html.NAV_TEMPLATE).render(prev=link(before), next=link(after))
    return nav.encode("utf-8")


def _shell() -> list[bytes]:
    """The page template rendered once, cut where a page's title, links and section go."""
    marks = _marks(3)
    page = (
        html.jinja_env()
        .get_template(html.TEMPLATE)
        .render(title=marks[0], nav=marks[1], section=marks[2], legend=LEGEND, version=__version__)
    )
    return _split_at(page.encode("utf-8"), [m.encode("utf-8") for m in marks])


def _index(rows: list[bytes], generated: str | None, n_articles: int, passages: int) -> bytes:
    """The index around ``rows`` (each already filled in), as its template writes it."""
    marks = _marks(2)
    skeleton = (
        html.jinja_env()
        .get_template(html.INDEX_TEMPLATE)
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
