"""The text of ``stories.json``, put together from each story's JSON written once.

The document is laid out one object per line: the articles, then the
stories, each a compact JSON object on its own line (``grep`` finds an
article or a story by its id). A story's JSON is written once, when the
story is analysed, without what depends on its place among the others: the
story's ``id`` and its members' ``story``. Those two are put in as the
document is put together (``placed_story``, ``placed_member``), so a story a
later run re-uses goes into the document as the text that was kept, neither
parsed nor written again.

Not here: what a story or an article object holds (``report.documents``),
where the pieces are kept (``store``), reading the document back (it is JSON:
``json.loads``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple


class StoryText(NamedTuple):
    """A story's JSON text without its place: the story object but its ``id``, its members' objects but ``story``."""

    body: str  # the story object without "id": compact JSON
    members: tuple[str, ...]  # each member's article object without "story", in the story's order
    summary: str  # compact JSON of ``story_summary``: what the summary after ``analyze`` shows

    def kept(self) -> str:
        """One string for the store: the summary, the body and the members, a line each (compact JSON: no newline)."""
        return "\n".join((self.summary, self.body, *self.members))

    @classmethod
    def from_kept(cls, text: str) -> StoryText:
        """The ``StoryText`` that ``kept`` wrote."""
        summary, body, *members = text.split("\n")
        return cls(body, tuple(members), summary)


def _compact(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


def story_text(story: Mapping[str, Any], members: Sequence[Mapping[str, Any]]) -> StoryText:
    """The ``StoryText`` of a story object and its members' article objects (their ``id``/``story`` left out)."""
    body = _compact({k: v for k, v in story.items() if k != "id"})
    placeless = tuple(_compact({k: v for k, v in m.items() if k != "story"}) for m in members)
    return StoryText(body, placeless, _compact(story_summary(story, members)))


SUMMARY_ROOTS = 3  # the provenance roots a story's summary names


def story_summary(story: Mapping[str, Any], members: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the summary after ``analyze`` shows of a story, so that it need not parse the story again.

    Its articles, outlets, passages that are more than related, first
    provenance roots and title. Read from the objects as they come: a missing
    or odd field counts as empty.
    """
    articles = story.get("articles")
    alignments = story.get("alignments")
    provenance = story.get("provenance")
    roots = provenance.get("roots") if isinstance(provenance, Mapping) else None
    title = story.get("title")
    return {
        "articles": len(articles) if isinstance(articles, list) else len(members),
        "outlets": sorted({str(m.get("source") or "(unnamed)") for m in members}),
        "passages": sum(1 for a in alignments or [] if isinstance(a, Mapping) and a.get("relation") != "related")
        if isinstance(alignments, list)
        else 0,
        "roots": [str(r) for r in roots[:SUMMARY_ROOTS]] if isinstance(roots, list) else [],
        "title": title if isinstance(title, str) else "",
    }


def _with_key(obj: str, key: str, value: str, first: bool) -> str:
    """The compact JSON object ``obj`` with ``"key": value`` added first or last (as ``json.dumps`` would write it)."""
    pair = f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"
    if obj == "{}":
        return "{" + pair + "}"
    return "{" + pair + ", " + obj[1:] if first else obj[:-1] + ", " + pair + "}"


def placed_story(body: str, story_id: str) -> str:
    """The story's line in the document: its body with ``"id"`` first."""
    return _with_key(body, "id", story_id, first=True)


def placed_member(member: str, story_id: str) -> str:
    """An article's line in the document: its object with ``"story"`` last."""
    return _with_key(member, "story", story_id, first=False)


def document_text(articles: Sequence[str], stories: Sequence[str]) -> str:
    """The ``stories.json`` text of the articles' and the stories' lines (each a compact JSON object)."""

    def listed(lines: Sequence[str]) -> str:
        return "[\n" + ",\n".join(lines) + "\n]" if lines else "[\n]"

    return '{"articles": ' + listed(articles) + ',\n"stories": ' + listed(stories) + "}\n"
