"""``differ`` holds only claims that cannot both be true (issue 29); rewordings agree, one source's details are unique.

Articles here are fictional (Kestria, Eskerby and their people are invented).
"""

from __future__ import annotations

from typing import Any

import pytest

from storytrace.align.compare import prepare
from storytrace.align.policy import compare_story
from storytrace.align.relation import LexicalRelations
from storytrace.codec.facts import facts_to_json
from storytrace.facts.quantity import base, same_quantity, same_value, unit_word
from storytrace.facts.wording import spelling_key
from storytrace.model import Article
from storytrace.pipeline import compare_facts


def facts_of(*texts: str) -> dict[str, Any]:
    articles = [
        Article(id=f"art{k}", text=t, published="2026-03-02T12:00:00", source=f"Outlet {k}")
        for k, t in enumerate(texts)
    ]
    members = [prepare(a) for a in articles]
    return facts_to_json(compare_facts(members, compare_story(members, LexicalRelations())))


@pytest.mark.parametrize(
    ("x", "y", "same"),
    [
        ((2, "km"), (2000, "metre"), True),  # units of measure converted
        ((3, "mile"), (4.8, "km"), True),  # within 2 %
        ((90, "minute"), (1.5, "hour"), True),
        ((2, "car"), (2, "automobile"), True),  # one number in one statement: reworded
        ((140, "year"), (140, "year-old"), True),
        ((2, "km"), (2, "hour"), False),  # two measures of different things
        ((14, "injured"), (41, "injured"), False),
    ],
)
def test_same_value(x: tuple[float, str], y: tuple[float, str], same: bool) -> None:
    assert same_value(x, y) is same


@pytest.mark.parametrize(
    ("x", "y", "one"),
    [
        ((14, "injured"), (41, "injured"), True),  # one count kind
        ((140, "year"), (120, "year-old"), True),  # one counted word, endings aside
        ((600, "residents"), (500, "resident"), True),
        ((2, "km"), (900, "metre"), True),  # one measure
        ((2, "car"), (3, "automobile"), False),  # synonyms are not known: no contradiction claimed
        ((2, "km"), (3, "hour"), False),
        ((2, ""), (3, "car"), False),  # a bare number counts nothing said
    ],
)
def test_same_quantity(x: tuple[float, str], y: tuple[float, str], one: bool) -> None:
    assert same_quantity(x, y) is one


def test_unit_word_and_base() -> None:
    assert unit_word("year-old") == unit_word("years") == "year"
    assert base(2, "kilometres") == (2000.0, "metre")


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("destabilising", "destabilizing"),
        ("organisation", "organization"),
        ("analysed", "analyzed"),
        ("colour", "color"),
        ("neighbours", "neighbors"),
        ("centre", "center"),
        ("catalogue", "catalog"),
        ("defence", "defense"),
        ("travelled", "traveled"),
        ("programme", "program"),
        ("Destabilising", "destabilizing"),
    ],
)
def test_spelling_variants_share_a_key(british: str, american: str) -> None:
    assert spelling_key(british) == spelling_key(american)


@pytest.mark.parametrize(("x", "y"), [("four", "for"), ("filled", "filed"), ("rogue", "rog"), ("hour", "hor")])
def test_short_words_keep_their_spelling(x: str, y: str) -> None:
    assert spelling_key(x) != spelling_key(y)


WIRE = (
    "ESKERBY (Meridian Wire) - Floodwater swept two cars off the Saltmarsh Bridge on Monday, the fire service said. "
    "Rescuers recovered three bodies from the River Velm near the 140-year-old crossing. "
    '"We will not let this destabilising flood break our neighbourhood," Hedda Lorne said.'
)
REWORDED = (
    "Floodwater swept two automobiles off the Saltmarsh Bridge on Monday, the fire service said. "
    "Rescuers recovered three corpses from the River Velm near the crossing, which was 140 years old. "
    '"We will not let this destabilizing flood break our neighborhood," Hedda Lorne said.'
)


def test_rewordings_are_agreements_not_differences() -> None:
    facts = facts_of(WIRE, REWORDED)
    assert facts["differ"] == []
    agreed = {(a["value"], frozenset(c["text"] for c in a["cites"])) for a in facts["agree"]}
    assert ("2 car", frozenset({"two cars", "two automobiles"})) in agreed


def test_a_changed_quote_is_one_item_however_many_words_changed() -> None:
    changed = WIRE.replace("will not let this destabilising", "shall never let this dreadful")
    changed = changed.replace("break our", "wreck our")
    facts = facts_of(WIRE, changed)
    (item,) = facts["differ"]
    assert item["kind"] == "quote wording" and item["what"] == "wording of a quote (Hedda Lorne)"
    assert item["b_text"].startswith("shall never")
    assert [c["b_text"] for c in item["changes"]] == ["dreadful flood", "wreck our neighbourhood"]


CONTRADICTED = WIRE.replace("three bodies", "five bodies") + " The bridge will reopen on April 20."
ORIGINAL = WIRE + " The bridge will reopen on May 11."


def test_a_changed_count_and_date_are_differences_listed_first() -> None:
    facts = facts_of(ORIGINAL, CONTRADICTED)
    kinds = [(d["kind"], d["a_text"], d["b_text"]) for d in facts["differ"]]
    assert kinds[:2] == [("number", "three bodies", "five bodies"), ("date", "May 11", "April 20")]
    assert {d.get("a_value") for d in facts["differ"][:2]} == {"3 body", "2026-05-11"}


def test_a_detail_one_source_adds_is_unique_not_a_difference() -> None:
    added = WIRE.replace("three bodies from", "three bodies and a 6.8-metre gauge post from")
    facts = facts_of(WIRE, added)
    assert facts["differ"] == []
    rows = facts["unique"]["art1"]
    assert [c["text"] for r in rows for c in r.get("details", ())] == ["6.8-metre"]


def test_a_date_of_another_sentence_of_a_passage_is_not_compared() -> None:
    """ "will visit on Tuesday" and "the office said on Monday" are two moments, not one date given two ways."""
    a = (
        "Minister Aurel Brannock will visit flooded Eskerby on Tuesday, his office said, a rare trip to the city. "
        '"The minister will meet the families of the victims and the rescue crews," his office said.'
    )
    b = (
        "Minister Aurel Brannock will visit flooded Eskerby, his office says, a rare trip to the city. "
        '"The minister will meet the families of the victims and the rescue crews," his office said on Monday.'
    )
    facts = facts_of(a, b)
    assert not [d for d in facts["differ"] if d["kind"] == "date"]
    details = [c["text"] for rows in facts["unique"].values() for r in rows for c in r.get("details", ())]
    assert sorted(details) == ["Monday", "Tuesday"]  # each a detail one source gives


def test_a_description_or_a_short_form_of_the_speaker_is_no_contradiction() -> None:
    from storytrace.facts.quote_differences import other_speakers
    from storytrace.facts.quotes import Quote

    def said(speaker: str, described: bool = False) -> Quote:
        return Quote((0, 25), "We will rebuild the pier.", speaker, None, "direct", "test", described=described)

    assert other_speakers(said("Hedda Lorne"), said("Mattis Brand"))
    assert not other_speakers(said("Hedda Lorne"), said("Lorne"))
    assert not other_speakers(said("Hedda Lorne"), said("a harbour board official", described=True))
