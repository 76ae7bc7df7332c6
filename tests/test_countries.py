"""The country table and the keys of state bodies (facts/countries.py). Fictional countries are made up here."""

from __future__ import annotations

import pytest

from storytrace.facts.countries import body_key, countries, demonyms, place_demonyms, references, words


def test_the_table_covers_the_states_with_names_adjectives_and_capitals() -> None:
    rows = countries()
    assert len(rows) >= 190
    assert all(c.name and c.adjectives and c.capitals for c in rows), [c.name for c in rows if not c.capitals]
    assert len({c.name for c in rows}) == len(rows)
    refs = references()
    assert refs[("south", "korean")] == ("South Korea", False)
    assert refs[("seoul",)] == ("South Korea", True)
    assert refs[("burma",)] == ("Myanmar", False)


def test_a_form_two_countries_share_names_neither() -> None:
    assert ("congolese",) not in references()
    assert ("dominican",) not in references()


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (
            [
                "South Korean Foreign Ministry",
                "Seoul’s Ministry of Foreign Affairs",
                "the Foreign Ministry of South Korea",
                "South Korea's Foreign Ministry",
                "Republic of Korea Ministry of External Affairs",
            ],
            ("South Korea", "foreign affairs ministry"),
        ),
        (
            ["Russian Defence Ministry", "Moscow's Ministry of Defense", "Ministry of National Defence of Russia"],
            ("Russia", "defense ministry"),
        ),
        (
            ["US State Department", "the Department of State of the United States"],
            ("United States", "state department"),
        ),
        (["French Interior Ministry", "France's Ministry of Home Affairs"], ("France", "interior ministry")),
        (["the Foreign Ministry", "Ministry of Foreign Affairs"], ("", "foreign affairs ministry")),
    ],
)
def test_one_state_body_has_one_key_however_it_is_named(names: list[str], key: tuple[str, str]) -> None:
    assert {body_key(n) for n in names} == {key}


@pytest.mark.parametrize(
    "name",
    [
        "Paris police",  # a capital names a city's own bodies
        "Eskerby General Hospital",  # not a state body
        "Congolese Foreign Ministry",  # two countries' adjective: no country
    ],
)
def test_no_country_body_key(name: str) -> None:
    key = body_key(name)
    assert key is None or key[0] == "", key


def test_other_portfolios_and_trade_stay_apart() -> None:
    assert body_key("Ministry of Foreign Affairs and Trade") != body_key("Foreign Ministry")
    assert body_key("Foreign Trade Ministry") != body_key("Foreign Ministry")
    assert body_key("Kestrian Finance Ministry", place_demonyms(["Kestria"])) == ("Kestria", "finance ministry")


def test_words_and_demonyms() -> None:
    assert words("the Ministry of Foreign Affairs of the Côte d’Ivoire")[-2:] == ("cote", "d'ivoire")
    assert demonyms("Saldavia") == {"saldavian"}
    assert "lorvenese" in demonyms("Lorven")
    assert place_demonyms(["Russia"]) == {}  # in the table already
