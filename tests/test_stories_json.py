"""The ``stories.json`` text put together from pieces: the same objects as the document written whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from storytrace.store import Store
from storytrace.stories_json import (
    StoryText,
    document_text,
    placed_member,
    placed_members,
    placed_story,
    story_summary,
    story_text,
)

# Keys and values as a story or article object may hold them, with the characters that could break a line layout.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from('\n\r\u2028\u2029"\\{},:'))
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
OBJECTS = st.dictionaries(TEXT, VALUES, max_size=5)


def _utf8(value: dict[str, Any]) -> bytes:
    """What ``json.dumps`` writes of ``value``, in UTF-8."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


@given(story=OBJECTS, members=st.lists(OBJECTS, max_size=4), story_id=TEXT)
def test_placed_pieces_read_back_as_the_objects_with_their_place(
    story: dict[str, Any], members: list[dict[str, Any]], story_id: str
) -> None:
    written = story_text({"id": "old", **story}, [{**m, "story": "old"} for m in members])
    kept = StoryText.from_kept(written.kept())
    assert kept == written  # one string in the store, the same pieces out
    assert StoryText.from_kept(written.kept().decode("utf-8")) == written  # as an older store kept it: text
    placed = placed_story(kept.body, story_id)
    assert b"\n" not in placed
    assert json.loads(placed) == {**{k: v for k, v in story.items() if k != "id"}, "id": story_id}
    assert list(json.loads(placed))[0] == "id"
    for member, line in zip(members, kept.members, strict=True):
        got = json.loads(placed_member(line, story_id))
        assert got == {**{k: v for k, v in member.items() if k != "story"}, "story": story_id}
        assert list(got)[-1] == "story"
    assert placed_members(kept.members, story_id) == [placed_member(m, story_id) for m in kept.members]


@given(articles=st.lists(OBJECTS, max_size=4), stories=st.lists(OBJECTS, max_size=4))
def test_the_document_is_one_object_per_line_and_parses_as_the_lists(
    articles: list[dict[str, Any]], stories: list[dict[str, Any]]
) -> None:
    lines = [_utf8(o) for o in articles], [_utf8(o) for o in stories]
    text = document_text(*lines)
    assert json.loads(text) == {"articles": articles, "stories": stories}
    assert len(text.split(b"\n")) == len(articles) + len(stories) + 5  # two openings, two closings, the final newline


def test_a_placed_story_is_what_json_dumps_writes_of_the_whole_object() -> None:
    story = {"id": "s1", "title": 'Ferry \u2028 "late"', "articles": ["a", "b"], "facts": {"n": [1.5, None]}}
    member = {"id": "a", "source": "The Velm Gazette", "story": "s1"}
    written = story_text(story, [member])
    assert placed_story(written.body, "s1") == _utf8(story)
    assert placed_member(written.members[0], "s1") == _utf8(member)
    assert placed_story(story_text({"id": "x"}, []).body, "s2") == b'{"id": "s2"}'


def test_the_summary_kept_beside_a_story_counts_what_the_story_holds() -> None:
    story = {
        "id": "s4",
        "title": "Ferry pier to close",
        "articles": ["a", "b", "c"],
        "alignments": [{"relation": "verbatim"}, {"relation": "related"}, {"relation": "paraphrase"}],
        "provenance": {"roots": ["a", "b", "c", "d"], "edges": []},
    }
    members = [
        {"id": "a", "source": "Velm Wire"},
        {"id": "b", "source": None, "url": "https://www.fen-daily.example/pier"},
        {"id": "c", "source": "Velm Wire"},
    ]
    summary = json.loads(StoryText.from_kept(story_text(story, members).kept()).summary)
    assert summary == {
        "articles": 3,
        "outlets": ["Velm Wire", "fen-daily.example"],  # an outlet without a source named by its domain
        "passages": 2,
        "related": 1,
        "roots": ["a", "b", "c"],
        "title": "Ferry pier to close",
    }
    assert story_summary({"alignments": "odd", "provenance": []}, []) == {
        "articles": 0, "outlets": [], "passages": 0, "related": 0, "roots": [], "title": ""
    }  # fmt: skip


def test_a_story_text_kept_as_text_by_an_older_store_reads_back_as_bytes(tmp_path: Path) -> None:
    """Stores written before the pieces were bytes hold them as SQLite text: the store hands out the same bytes."""
    written = story_text(
        {"id": "s1", "title": "Caf\u00e9 \u2028 pier"}, [{"id": "a", "source": "Velm \u00c6", "story": "s1"}]
    )
    with Store(tmp_path / "s.db") as store:
        store.put_story_texts({"new": written})
        with store.db:
            store.db.execute(
                "INSERT INTO story_results (signature, result) VALUES ('old', ?)", (written.kept().decode(),)
            )
        assert store.db.execute("SELECT typeof(result) FROM story_results WHERE signature = 'old'").fetchone() == (
            "text",
        )
        assert store.story_texts(["new", "old"]) == {"new": written, "old": written}
