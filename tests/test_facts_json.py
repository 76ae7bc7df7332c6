"""Facts are typed values (``model_facts``) whose JSON is written and read in one place (``codec.facts``).

On the demo and the seeds: the typed facts survive the round trip through
JSON, and the JSON ``analyze`` and ``compare --json`` write reads back to the
very same text. Older documents read as today's, and nothing read raises.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.align.compare import compare, prepare
from storytrace.align.policy import compare_story
from storytrace.align.relation import LexicalRelations
from storytrace.codec.facts import check_from_json, facts_from_json, facts_to_json
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.model_facts import (
    DIFFER_KINDS,
    Cite,
    Difference,
    FactCheck,
    Sides,
    StoryFacts,
    Unique,
    UniqueRow,
    differ_rank,
)
from storytrace.pipeline import Analysis, analyze, compare_facts
from storytrace.report.documents import comparison_json
from storytrace.store import Store
from support.paths import SEEDS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    with Store(tmp_path_factory.mktemp("demo") / "st.db") as store:
        return analyze([ROOT / "examples"], store)


@pytest.fixture(scope="module")
def demo_facts(demo: Analysis) -> list[StoryFacts]:
    """The typed facts of each demo story with two or more articles, computed through the public functions."""
    articles = {a.id: a for a in read_paths([ROOT / "examples"]) if isinstance(a, Article)}
    out = []
    for story in demo.document["stories"]:
        if len(story["articles"]) > 1:
            members = [prepare(articles[i]) for i in story["articles"]]
            out.append(compare_facts(members, compare_story(members, LexicalRelations())))
    return out


def _text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_the_demos_typed_facts_survive_the_round_trip(demo_facts: list[StoryFacts]) -> None:
    for facts in demo_facts:
        assert facts_from_json(facts_to_json(facts)) == facts
    # the demo exercises every part of the typed facts
    agree = [a for f in demo_facts for a in f.check.agree]
    differ = [d for f in demo_facts for d in f.check.differ]
    rows = [r for f in demo_facts for u in f.check.unique for r in u.rows]
    assert {a.kind for a in agree} == {"date", "number", "date within"} and any(a.reworded for a in agree)
    assert {d.kind for d in differ} >= {"number", "date", "quote wording"}
    assert any(d.repeats for d in differ) and any(d.changes for d in differ) and any(d.values for d in differ)
    assert any(r.details for r in rows)
    assert all(f.entities and f.quotes and f.dates and f.numbers for f in demo_facts[:1])


def test_the_demo_document_reads_back_to_the_same_text(demo: Analysis) -> None:
    stories = demo.document["stories"]
    assert any(s["facts"]["differ"] for s in stories)
    for story in stories:
        assert _text(facts_to_json(facts_from_json(story["facts"]))) == _text(story["facts"])


def test_compare_json_facts_read_back_to_the_same_text() -> None:
    if not (SEEDS / "gold.json").is_file():
        pytest.skip(f"{SEEDS} not found")
    a, b = (Article(id=p.name, text=p.read_text("utf-8")) for p in sorted(SEEDS.glob("*.txt"))[:2])
    facts = comparison_json(compare(a, b, scorer=LexicalRelations()))["facts"]
    assert facts["agree"] and facts["differ"]
    check = check_from_json(facts)
    assert _text(facts_to_json(check)) == _text(facts) and check_from_json(facts_to_json(check)) == check


DETAIL = {"kind": "detail only in w", "what": "a number only one source gives here", "a": "w", "b": "s"}
QUOTE = {"kind": "quote wording", "what": "wording", "a": "w", "b": "s"}


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, FactCheck()),
        ({"agree": None, "differ": [None, "x"], "unique": ["x"]}, FactCheck()),
        # a kind this version does not know is left out; a known one without its other keys is kept
        (
            {"differ": [{"kind": "rumour"}, {"kind": "number"}]},
            FactCheck(differ=(Difference("number", "", Sides("", "")),)),
        ),
        ({"agree": [{"kind": "mood", "value": "x", "cites": []}]}, FactCheck()),
        # before issue 29 a detail one source gives was a ``differ`` item; now it is a row of ``unique``
        (
            {"differ": [{**DETAIL, "a_span": [3, 5], "a_text": "14"}]},
            FactCheck(unique=(Unique("w", (UniqueRow((3, 5), "14"),)),)),
        ),
        (
            {"differ": [{**DETAIL, "kind": "detail only in s", "b_span": [0, 2], "b_text": "41"}]},
            FactCheck(unique=(Unique("s", (UniqueRow((0, 2), "41"),)),)),
        ),
        # ``also`` without ``also_cites``: the repeats' articles only
        (
            {"differ": [{**QUOTE, "also": [["x", "s"], ["bad"]]}]},
            FactCheck(differ=(Difference("quote wording", "wording", Sides("w", "s"), repeats=(Sides("x", "s"),)),)),
        ),
    ],
)
def test_older_and_damaged_documents_read_as_todays(stored: object, expected: FactCheck) -> None:
    assert check_from_json(stored) == expected
    assert facts_from_json(stored).check == expected


def test_a_value_that_is_not_a_string_is_read_as_its_json_and_a_cite_without_a_span_left_out() -> None:
    stored = {"agree": [{"kind": "number", "value": 3, "cites": [{"article": "w", "span": [0, 1], "text": "3"}, {}]}]}
    (agreement,) = check_from_json(stored).agree
    assert agreement.value == "3" and agreement.cites == (Cite("w", (0, 1), "3"),)


JSONS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=30,
)
KEYS = st.sampled_from(["entities", "quotes", "dates", "numbers", "agree", "differ", "unique", "mentions", "span"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, JSONS, max_size=7))
def test_reading_any_json_never_raises(stored: dict[str, Any]) -> None:
    facts = facts_from_json(stored)
    assert facts_from_json(facts_to_json(facts)) == facts


def test_differences_are_listed_contradicting_values_first() -> None:
    assert sorted(DIFFER_KINDS, key=differ_rank) == ["number", "date", "speaker", "quote wording"]
