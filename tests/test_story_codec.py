"""One codec for a story of ``stories.json``: every story written reads back as ``StoryResult`` and writes again
byte for byte (``codec.story``), on the demo and on 2,000 Reuters bodies; a story of another version or a
damaged one reads leniently."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from storytrace.codec.story import story_from_json, story_to_json
from storytrace.model import StageProblem, StoryResult
from storytrace.pipeline import analyze
from storytrace.store import Store
from support.data import reuters_by_date
from support.paths import EXAMPLES, REUTERS
from support.records import write_records


def assert_round_trip(document: dict) -> int:  # type: ignore[type-arg]
    for story in document["stories"]:
        typed = story_from_json(story)
        assert isinstance(typed, StoryResult)
        assert json.dumps(story_to_json(typed)) == json.dumps(story)
    return len(document["stories"])


def test_every_demo_story_reads_back_and_writes_again_the_same(tmp_path: Path) -> None:
    with Store(tmp_path / "st.db") as store:
        document = analyze([EXAMPLES], store).document
    assert assert_round_trip(document) >= 4
    bridge = next(story_from_json(s) for s in document["stories"] if len(s["articles"]) > 4)
    assert bridge.alignments and bridge.provenance.edges and bridge.facts.quotes and bridge.brief.lines
    n = len(bridge.articles)
    assert len(bridge.pairs) == n * (n - 1) // 2  # every pair of a small story compared
    assert all(p.a in bridge.articles and p.b in bridge.articles for p in bridge.alignments)


@pytest.mark.slow
def test_two_thousand_reuters_stories_read_back_and_write_again_the_same(tmp_path: Path) -> None:
    if not any(REUTERS.glob("reuters21578-*.jsonl")):
        pytest.skip(f"{REUTERS} not found")
    bodies = [replace(a, source="Reuters", kind="agency") for a in reuters_by_date(2000)]
    records = write_records(tmp_path / "reuters.jsonl", bodies)
    with Store(tmp_path / "st.db") as store:
        document = analyze([records], store).document
    assert assert_round_trip(document) > 1000


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ({}, StoryResult("", "", (), None)),
        (
            {"id": "s1", "articles": ["a", 7, "b"], "alignments": [{"a_span": [0, 1]}]},
            StoryResult("s1", "", ("a", "b"), None),
        ),
        (
            {"id": "s2", "pairs": [{"a": "a", "b": "b", "b_from_a": "copied", "story_score": 1}]},
            StoryResult("s2", "", (), None, pairs=(story_from_json({"pairs": [{"a": "a", "b": "b"}]}).pairs[0],)),
        ),
        (  # a damaged problems entry reads as empty fields, never a crash (the report shows one line for it)
            {"id": "s4", "problems": [{"stage": None, "articles": None, "error": "E"}, "x", {"articles": ["a", None]}]},
            StoryResult("s4", "", (), None, problems=(StageProblem("", (), "E"), StageProblem("", ("a",), ""))),
        ),
    ],
)
def test_a_story_of_another_version_reads_leniently(written: dict, expected: StoryResult) -> None:  # type: ignore[type-arg]
    got = story_from_json(written)
    assert replace(got, pairs=tuple(replace(p, story_score=0.0) for p in got.pairs)) == expected


def test_problems_are_written_only_when_a_stage_failed() -> None:
    bare = StoryResult("s3", "A title", ("a",), None)
    assert "problems" not in story_to_json(bare)
    failed = replace(bare, problems=(StageProblem("align", ("a",), "KeyError: 'x'"),))
    assert story_to_json(failed)["problems"] == [{"stage": "align", "articles": ["a"], "error": "KeyError: 'x'"}]
    assert story_from_json(story_to_json(failed)) == failed
