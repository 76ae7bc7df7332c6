"""The text of ``stories.json``, put together from each story's JSON written once.

The document is laid out one object per line: the articles, then the
stories, each a compact JSON object on its own line (``grep`` finds an
article or a story by its id). A story's JSON is written once, when the
story is analysed, without what depends on its place among the others: the
story's ``id`` and its members' ``story``. Those two are put in as the
document is put together (``placed_story``, ``placed_member``), so a story a
later run re-uses goes into the document as the text that was kept, neither
parsed nor written again. The pieces are UTF-8 bytes, as the store hands
them out and as the document is written: at 10,000 articles the document is
about 60 MB, and decoding it from the store and encoding it again for the
file cost more than putting it together.

Not here: what a story or an article object holds (``report.documents``),
where the pieces are kept (``store``), reading the document back (it is JSON:
``json.loads``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from storytrace.naming import alignment_counts, outlet_of_record


class StoryText(NamedTuple):
    """A story's JSON text without its place: the story object but its ``id``, its members' objects but ``story``.

    Each piece is compact JSON in UTF-8 (``json.loads`` reads bytes as they are).
    """

    body: bytes  # the story object without "id"
    members: tuple[bytes, ...]  # each member's article object without "story", in the story's order
    summary: bytes  # ``story_summary``: what the summary after ``analyze`` shows

    @property
    def has_problems(self) -> bool:
        """Whether the story was written with ``problems`` (a stage failed for some of its articles).

        Read off the summary's bytes: in compact JSON the bytes ``"problems":`` can only be that key (a
        quote inside a string value is escaped), and parsing every kept summary would cost a re-run more.
        """
        return b'"problems":' in self.summary

    def problems(self) -> list[dict[str, Any]]:
        """The story's ``problems`` entries, as the summary keeps them (empty for most stories)."""
        if not self.has_problems:
            return []
        found = json.loads(self.summary).get("problems")
        return [p for p in found if isinstance(p, dict)] if isinstance(found, list) else []

    def kept(self) -> bytes:
        """One value for the store: the summary, the body and the members, a line each (compact JSON: no newline)."""
        return b"\n".join((self.summary, self.body, *self.members))

    @classmethod
    def from_kept(cls, text: bytes | str) -> StoryText:
        """The ``StoryText`` that ``kept`` wrote (an older store's text is encoded first)."""
        summary, body, *members = (text.encode("utf-8") if isinstance(text, str) else text).split(b"\n")
        return cls(body, tuple(members), summary)


def _compact(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def story_text(story: Mapping[str, Any], members: Sequence[Mapping[str, Any]]) -> StoryText:
    """The ``StoryText`` of a story object and its members' article objects (their ``id``/``story`` left out)."""
    body = _compact({k: v for k, v in story.items() if k != "id"})
    placeless = tuple(_compact({k: v for k, v in m.items() if k != "story"}) for m in members)
    return StoryText(body, placeless, _compact(story_summary(story, members)))


SUMMARY_ROOTS = 3  # the provenance roots a story's summary names


def story_summary(story: Mapping[str, Any], members: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the summary after ``analyze`` shows of a story, so that it need not parse the story again.

    Its articles, outlets (``naming.outlet_of_record``), passages and related alignments (``naming``), first
    provenance roots and title, and its ``problems`` if it has any. Read from the objects as they come: a missing
    or odd field counts as empty.
    """
    articles = story.get("articles")
    alignments = story.get("alignments")
    provenance = story.get("provenance")
    roots = provenance.get("roots") if isinstance(provenance, Mapping) else None
    title = story.get("title")
    counts = alignment_counts(alignments)
    return {
        "articles": len(articles) if isinstance(articles, list) else len(members),
        "outlets": sorted({outlet_of_record(m) for m in members}),
        "passages": counts.passages,
        "related": counts.related,
        "roots": [str(r) for r in roots[:SUMMARY_ROOTS]] if isinstance(roots, list) else [],
        "title": title if isinstance(title, str) else "",
        **({"problems": problems} if isinstance(problems := story.get("problems"), list) and problems else {}),
    }


def _pair(key: str, value: str) -> bytes:
    """``"key": value`` as ``json.dumps`` writes it inside an object."""
    return f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}".encode()


def placed_story(body: bytes, story_id: str) -> bytes:
    """The story's line in the document: its body with ``"id"`` first."""
    pair = _pair("id", story_id)
    return b"{" + pair + b"}" if body == b"{}" else b"{" + pair + b", " + body[1:]


def placed_member(member: bytes, story_id: str) -> bytes:
    """An article's line in the document: its object with ``"story"`` last."""
    return _placed_last(member, _pair("story", story_id))


def _placed_last(obj: bytes, pair: bytes) -> bytes:
    return b"{" + pair + b"}" if obj == b"{}" else obj[:-1] + b", " + pair + b"}"


def with_pair(obj: bytes, key: str, json_text: str) -> bytes:
    """The object ``obj`` (a compact JSON line) with ``"key": value`` last, the value given as JSON text."""
    return _placed_last(obj, json.dumps(key).encode() + b": " + json_text.encode("utf-8"))


def placed_members(members: Sequence[bytes], story_id: str) -> list[bytes]:
    """``placed_member`` of each of a story's members (the pair written once)."""
    pair = _pair("story", story_id)
    return [_placed_last(m, pair) for m in members]


def document_text(articles: Sequence[bytes], stories: Sequence[bytes]) -> bytes:
    """The ``stories.json`` text, in UTF-8, of the articles' and the stories' lines (each a compact JSON object)."""

    def listed(lines: Sequence[bytes]) -> bytes:
        return b"[\n" + b",\n".join(lines) + b"\n]" if lines else b"[\n]"

    return b"".join((b'{"articles": ', listed(articles), b',\n"stories": ', listed(stories), b"}\n"))
