"""Render one story of a ``stories.json`` document: its row of the report's index and its page's section.

What it does: the Jinja2 environment over the report's packaged templates (autoescaping all),
the report's stylesheet, and ``render_story``: a story's ``StoryView`` rendered through
``story_row.html.j2`` and ``story.html.j2`` with its page name and id as placeholders
(``RenderedStory``), so that the rendering can be kept between runs (``RenderCache``: the
store) and filled in (``fill``) wherever the story lands in the report. All text reaches the
page through Jinja2 autoescaping or ``highlight``'s escaping.

What it does not do: put the index and the pages together (``site``), read or write files,
or build the views (``story_view``). Nothing it writes loads anything from outside (no fonts,
scripts or images), so the report works offline from ``file://``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import count
from typing import Any, NamedTuple, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from storytrace.model import StoryResult
from storytrace.report.highlight import escaped
from storytrace.report.story_view import report_story_view
from storytrace.report.views import StoryView

TEMPLATE = "page.html.j2"  # the page around a story's section; its <style> is the report's stylesheet
INDEX_TEMPLATE = "index.html.j2"  # the index, report.html
NAV_TEMPLATE = "story_nav.html.j2"  # the links at the top of a story's page
KEEP_BATCH = 256  # fresh renderings handed to the cache at a time (the page's pieces are held once, not twice)
ROW_TEMPLATE = "story_row.html.j2"  # one story's row of the index
STORY_TEMPLATE = "story.html.j2"  # one story's section
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
LEGEND = (
    ("verbatim", "same words"),
    ("near_verbatim", "a few words changed"),
    ("paraphrase", "same statement, reworded"),
    ("same_fact", "same fact, worded independently"),
    ("related", "same topic, different statement"),
)
MAX_UNIQUE_OPEN = 3  # more sentences only one source has are collapsed
TIMELINE_ROLES = {"root": "root", "derived": "copy"}


def report_templates() -> PackageLoader:
    """The loader of the report's packaged templates (the web UI's environment reads its story macros too)."""
    return PackageLoader("storytrace", "report/templates")


@cache
def jinja_env() -> Environment:
    """Return the Jinja2 environment over the packaged templates, autoescaping all."""
    return Environment(
        loader=report_templates(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def style() -> Markup:
    """The report's stylesheet: the ``<style>`` body of its page template (packaged code, no document text)."""
    env = jinja_env()
    assert env.loader is not None
    source = env.loader.get_source(env, TEMPLATE)[0]
    found = re.search(r"<style>(.*?)</style>", source, re.S)
    return Markup(found.group(1) if found else "")


class RenderCache(Protocol):
    """Where rendered stories are kept between runs (the store), under keys the caller vouches for."""

    def rendered_stories(self, keys: Sequence[str]) -> Mapping[str, tuple[str, int, int, bytes, bytes]]:
        """The kept ``RenderedStory`` tuples of those ``keys`` that have one, row and section as UTF-8 bytes."""
        ...

    def put_rendered_stories(self, rendered: Mapping[str, tuple[str, int, int, str, str]]) -> None:
        """Keep rendered stories under their keys."""
        ...

    def rendered_rows(self, keys: Sequence[str]) -> Mapping[str, tuple[str, int, int, bytes]]:
        """The kept tuples of those ``keys`` that have one, without the section: nonce, pairs, passages, row."""
        ...

    def rendered_sections(self, keys: Sequence[str]) -> Mapping[str, bytes]:
        """The kept sections (title line first) of those ``keys`` that have one, as UTF-8 bytes."""
        ...

    def rendered_titles(self, keys: Sequence[str]) -> Mapping[str, bytes]:
        """The first line of the kept sections of those ``keys`` that have one, as UTF-8 bytes."""
        ...


class RenderedStory(NamedTuple):
    """One story's row of the index and its page's section, with placeholders for what depends on its place.

    The story's page name (which makes its anchors unique: pair ``k`` of the
    story on page ``n`` is ``pair-n-k``) and its id are written as ``@NONCE…@``
    placeholders, ``NONCE`` a random token drawn when the story was rendered,
    after its texts were stored: no text can hold it. ``fill`` puts the real
    values in. The section's first line is the story's title for the page's
    ``<title>`` and its neighbours' links (escaped, on one line); the section
    itself follows it.
    """

    nonce: str
    pairs: int  # pairs shown
    passages: int
    row: str
    section: str


@dataclass(frozen=True)
class IndexEntry:
    """What the index's script searches and filters a story by, besides what its row shows."""

    first: str  # the day (YYYY-MM-DD) of its earliest dated article, '' if none
    last: str  # the day of its latest
    search: str  # more text to search: its entities' names and variants, its articles' titles


def _day(published: str) -> str:
    """The ``YYYY-MM-DD`` a publication date starts with, or ''."""
    return published[:10] if DAY.match(published) else ""


def _index_entry(view: StoryView) -> IndexEntry:
    """The index's data of a story (its articles come sorted by publication)."""
    days = [d for d in (_day(a.published) for a in view.articles) if d]
    names = [n for e in view.facts.entities for n in (e.name, *e.variants)]
    titles = [a.title for a in view.articles if a.title and a.title != view.title]
    return IndexEntry(min(days, default=""), max(days, default=""), " ".join(dict.fromkeys([*names, *titles])))


def title_line(title: str) -> str:
    """A story's title, escaped and on one line, as a page's ``<title>`` and its neighbours' links show it."""
    return escaped(" ".join(title.split()) or "(untitled)")


def render_story(story: StoryResult, meta: Mapping[str, Mapping[str, Any]], texts: Mapping[str, str]) -> RenderedStory:
    """Render one story (as ``codec.story`` reads it from ``stories.json``), independently of its place in the report.

    ``meta``: its articles' objects of the document, by id; ``texts``: their texts.
    """
    nonce = secrets.token_hex(16)
    pairs = (f"@{nonce}N@-{k}" for k in count(1))  # numbered within the story: filling them in is one replace
    view = report_story_view(story, f"@{nonce}N@", meta, texts, pairs, f"@{nonce}I@")
    env = jinja_env()
    row = env.get_template(ROW_TEMPLATE).render(s=view, index=_index_entry(view))
    section = env.get_template(STORY_TEMPLATE).render(
        s=view, timeline_roles=TIMELINE_ROLES, unique_open=MAX_UNIQUE_OPEN
    )
    return RenderedStory(nonce, len(view.pairs), view.passages, row, f"{title_line(view.title)}\n{section}")


def fill(html: bytes, nonce: str, name: str, story_id: str) -> bytes:
    """The UTF-8 bytes of a ``RenderedStory``'s row or section, placeholders replaced by its page name and id."""
    number_mark, id_mark = f"@{nonce}N@".encode(), f"@{nonce}I@".encode()
    return html.replace(number_mark, name.encode("utf-8")).replace(id_mark, str(escape(story_id)).encode("utf-8"))
