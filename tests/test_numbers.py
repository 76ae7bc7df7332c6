"""Tests of number mentions (fictional sentences) and of numbers compared across aligned passages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.align.compare import prepare
from storytrace.facts.article_facts import article_facts
from storytrace.facts.dates import date_spans
from storytrace.facts.numbers import _number_mentions, number_mentions
from storytrace.facts.story import pair_facts
from storytrace.model import Alignment, Article, Cleaned, Comparison
from support.paths import SEEDS


def found(text: str) -> list[tuple[str, float, str]]:
    out = []
    for m in number_mentions(text):
        assert text[m.span[0] : m.span[1]] == m.text
        out.append((m.text, m.value, m.unit))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Floods hit 14 people in Eskerby.", [("14 people", 14.0, "people")]),
        ("Eskerby lost 1,200 homes.", [("1,200 homes", 1200.0, "home")]),
        ("The Eskerby ferry covers 3.5 km.", [("3.5 km", 3.5, "km")]),
        ("The Eskerby ferry covers 5km.", [("5km", 5.0, "km")]),
        ("Kestria has 12 million people.", [("12 million people", 12_000_000.0, "people")]),
        ("Kestria pledged $4.2 billion.", [("$4.2 billion", 4_200_000_000.0, "dollar")]),
        ("Kestria pledged US$3 million in aid.", [("US$3 million", 3_000_000.0, "dollar")]),
        ("Kestria pledged €3bn and £5m.", [("€3bn", 3e9, "euro"), ("£5m", 5e6, "pound")]),
        ("Kestria pledged 5 million dollars.", [("5 million dollars", 5e6, "dollar")]),
        ("Turnout rose 40 per cent.", [("40 per cent", 40.0, "%")]),
        ("Turnout rose 40 percent.", [("40 percent", 40.0, "%")]),
        ("Turnout rose 12%.", [("12%", 12.0, "%")]),
        ("Turnout rose 3 percentage points.", [("3 percentage points", 3.0, "percentage point")]),
        ("Three people were hurt in Eskerby.", [("Three people", 3.0, "people")]),
        ("Eskerby lost a dozen villages.", [("a dozen villages", 12.0, "village")]),
        ("Eskerby lost two dozen boats.", [("two dozen boats", 24.0, "boat")]),
        ("The Eskerby storm lasted twenty-four hours.", [("twenty-four hours", 24.0, "hour")]),
        ("Eskerby saw nineteen storms.", [("nineteen storms", 19.0, "storm")]),
        ("Eskerby gave a million dollars.", [("a million dollars", 1e6, "dollar")]),
        ("Kestria counted about 50 such missiles.", [("50 such missiles", 50.0, "missile")]),
        ("Eskerby had 5 casualties.", [("5 casualties", 5.0, "casualty")]),
        ("An 18-year-old from Eskerby won.", [("18-year-old", 18.0, "year-old")]),
        ("Rust was found on 14 of the 40 cables.", [("14", 14.0, ""), ("40 cables", 40.0, "cable")]),
        ("Eskerby ran 2,000 trials.", [("2,000 trials", 2000.0, "trial")]),
    ],
)
def test_number_forms(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kestria pledged $34.2 billion.", "Kestria pledged $34,200 million."),
        ("Eskerby lost 1.1 million trees.", "Eskerby lost 1,100,000 trees."),
        ("Kestria owes 4,214.9 billion dollars.", "Kestria owes 4.2149 trillion dollars."),
        ("Kestria pledged €0.7bn.", "Kestria pledged €700m."),
    ],
)
def test_the_same_amount_written_two_ways_has_the_same_value(one: str, other: str) -> None:
    """A decimal times its scale is rounded once, so "34.2 billion" is not 34200000000.000004 (a false "differ")."""
    (a,), (b,) = number_mentions(one), number_mentions(other)
    assert a.value == b.value and a.unit == b.unit
    assert a.value == float(a.value).__round__()


@pytest.mark.parametrize(
    "text",
    [
        "The Eskerby fair runs June 18-19.",
        "Mara Quill visited Eskerby 24 years ago.",
        "Mara Quill returned for the first time in 24 years.",
        "Kestria last hosted the games in July 2000.",
        "Eskerby has grown since 2019.",
        "The 2019 election in Eskerby was close.",
        "The Eskerby vote opens at 4 p.m. and closes at 10:30, or at 9am.",
        "Eskerby came 2nd and 3rd.",
        "The G7 and the F-16 and COVID-19 and +254700000000.",
        "One of them stayed; no one left; the one road closed.",
        "The Eskerby treaty of 2023-06-18.",
    ],
)
def test_not_counted(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # letters a case-blind pattern takes for i, s and k: dotless and dotted i (Turkish keyboards), the long s
        ("Kestria pledged 3 mıllıon crowns.", [("3 mıllıon crowns", 3e6, "crown")]),  # was KeyError: 'mıllıon'
        ("Kestria pledged 2 MİLLİON crowns.", [("2 MİLLİON crowns", 2e6, "crown")]),
        ("Eskerby gave 4 thouſand crowns.", [("4 thouſand crowns", 4e3, "crown")]),
        ("Eskerby lost fıve boats.", [("fıve boats", 5.0, "boat")]),
        ("Eskerby lost twenty-fıve boats.", [("twenty-fıve boats", 25.0, "boat")]),
    ],
)
def test_letters_that_case_blind_patterns_read_as_ascii(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert found(text) == expected


def test_a_number_past_what_a_float_holds_is_no_quantity() -> None:
    huge = "1" + "0" * 400
    # was value inf, written "Infinity" into stories.json, which is then no JSON
    assert found(f"The fund holds {huge} crowns and $5{'0' * 310} billion, and 7 boats.") == [("7 boats", 7.0, "boat")]


def test_spans_restrict_and_keep_offsets() -> None:
    text = "Header 7 boats. Body: Eskerby lost 14 homes. Footer 9 cars."
    body = (text.index("Body"), text.index(" Footer"))
    got = number_mentions(text, [body])
    assert [(m.text, m.span) for m in got] == [("14 homes", (text.index("14"), text.index("14") + 8))]
    assert number_mentions(text, []) == []


def test_exclude_replaces_the_date_scan() -> None:
    text = "The Eskerby fair runs June 18-19 for 3 days."
    assert [m.text for m in number_mentions(text, exclude=date_spans(text))] == ["3 days"]
    assert [m.text for m in number_mentions(text, exclude=[])] == ["18", "19", "3 days"]


def test_odd_input() -> None:
    assert number_mentions("") == []
    assert number_mentions("no numbers here") == []
    assert number_mentions("İİ 7 boats")[0].text == "7 boats"
    assert number_mentions("14 people", [(-3, 100), (5, 2)])[0].value == 14.0


PIECES = [
    "14 people", "1,200 homes", "$4.2 billion", "40 per cent", "three people", "a dozen villages", "twenty-four hours",
    "at 4 p.m.", "10:30", "June 18-19", "24 years ago", "the 2019 election", "G7", "+254700", "one of them",
    "x" * 70, " ", "\n", ". ", "about 50 such missiles", "12 million people", "5km", "often", "tennis", "money",
    "3.5", "2nd", "kilometres-long", "İ", "3,5", "3 mıllıon", "fıve boats", "MİLLİON", "thouſand",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_spans_hold_and_windows_change_nothing(pieces: list[str]) -> None:
    text = " ".join(pieces)
    got = number_mentions(text)
    for m in got:
        assert text[m.span[0] : m.span[1]] == m.text
    assert all(a.span[1] <= b.span[0] for a, b in zip(got, got[1:], strict=False))
    assert got == _number_mentions(text, None, None, windowed=False)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text: str) -> None:
    for m in number_mentions(text):
        assert text[m.span[0] : m.span[1]] == m.text


def test_seed_quantities() -> None:
    path = SEEDS / "000_14e98fc3686cf210.txt"
    if not path.exists():
        pytest.skip("../shared/seeds is absent")
    got = number_mentions(path.read_text(encoding="utf-8"))
    assert ("50 such missiles", 50.0, "missile") in [(m.text, m.value, m.unit) for m in got]
    assert not any(m.value in (18.0, 19.0, 20.0, 2000.0, 24.0) for m in got)  # dates are not quantities


# --- numbers compared across two aligned passages (facts.story) ----------------------------


def _comparison(a_text: str, b_text: str, relation: str = "paraphrase") -> Comparison:
    a, b = Article("a", a_text), Article("b", b_text)
    cleaned_a = Cleaned((), None, None, (), (), (), ((0, len(a_text)),))
    cleaned_b = Cleaned((), None, None, (), (), (), ((0, len(b_text)),))
    al = Alignment((0, len(a_text)), (0, len(b_text)), relation, 0.9)
    return Comparison(a, b, cleaned_a, cleaned_b, (al,), 0.9, True, 1.0, 1.0, "", "", (), ())


def _number_differences(c: Comparison) -> list[tuple[str, str, list[int], str, list[int]]]:
    facts = pair_facts(article_facts(prepare(c.a)), article_facts(prepare(c.b)), c)
    return [
        (d.what, d.sides.a_said.text, list(d.sides.a_said.span), d.sides.b_said.text, list(d.sides.b_said.span))
        for d in facts.differ
        if d.sides.a_said and d.sides.b_said
    ]


def test_a_changed_count_inside_aligned_passages_is_a_difference() -> None:
    c = _comparison(
        "Engineers found rust on 14 cables and 3 piers in Eskerby.", "Rust was found on 41 cables and 3 piers."
    )
    assert _number_differences(c) == [("number of cable", "14 cables", [24, 33], "41 cables", [18, 27])]
    assert _number_differences(_comparison("14 cables", "41 cables", "related")) == []
