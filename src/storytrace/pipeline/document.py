"""The ``stories.json`` document of an analysis: its stories as JSON text, put together, and what the store keeps.

``StoryOutline`` is a story of an analysis as its JSON text and signature; ``Analysis`` is what ``analyze``
returns; ``outline_of`` is what the store keeps of an analysis (the articles' order and each story's signature),
and ``latest_document``/``latest_story``/``latest_signatures`` read it back.

Not here: what a story object holds (``report.documents``), the bytes' layout (``stories_json``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from storytrace.codec.story import problems_from_json, story_from_json
from storytrace.model import Article, InputProblem, StoryResult
from storytrace.store import Store
from storytrace.stories_json import StoryText, document_text, placed_members, placed_story, with_pair

OUTLINE_VERSION = 2  # of what the store keeps of an analysis (``outline_of``); 2 keeps each story's id


OUTLINE_VERSIONS = (1, 2)  # those read: 1 named stories by their place (s1 the largest)


class StoryOutline(NamedTuple):
    """A story of an analysis as the report and the summary need it, its objects still JSON text."""

    id: str
    key: str  # its signature: members, their texts, the settings, the code
    members: tuple[str, ...]  # article ids, in the story's order
    text: StoryText
    joined: tuple[tuple[str, str], ...] = ()  # (article id, why it is in the story as JSON text) of those with one

    def load(self) -> tuple[StoryResult, dict[str, dict[str, Any]]]:
        """The story (its object in the document, read by ``codec.story``) and its members' article objects."""
        story = story_from_json(json.loads(placed_story(self.text.body, self.id)))
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
        return [p.line(o.id) for o in self.stories for p in problems_from_json(o.text.problems())]

    @property
    def story_keys(self) -> list[str]:
        """Each story's signature, in the document's order."""
        return [s.key for s in self.stories]


def document_of(
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
    document: dict[str, Any] = json.loads(document_of(kept["articles"], outlines, reasons))
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


def joined_reasons(members: Sequence[Article], reasons: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
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
