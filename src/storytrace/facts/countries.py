"""Countries and the bodies of their states: which words name a country, and when two names are one state body.

What it does:

* reads ``data/countries.tsv`` (every sovereign state and a few more: its
  name, other names in use, adjectives of nationality and capitals), once;
* finds a country named at the start of a name ("South Korean", "Seoul's",
  "South Korea's") or after a final "of" ("... of South Korea"), by its name,
  another name, its adjective, or its capital; a form that two countries share
  ("Congolese", "Dominican") names neither;
* gives a state body's key (:func:`body_key`): the country and the body with
  its portfolio, the words put in one order and one spelling, so that "South
  Korean Foreign Ministry", "Seoul's Ministry of Foreign Affairs" and "the
  Foreign Ministry of South Korea" share one key, and "the Foreign Ministry"
  (no country) has the key of the body alone.

Rules of :func:`body_key`: the body ends with one of :data:`STATE_HEADS` (a
ministry, department, embassy, court ...), after reordering "<head> of
<portfolio>" into "<portfolio> <head>"; a portfolio's words are spelled the
American way (``wording.spelling_key``: "defence" = "defense") and a few
names of one portfolio are one (:data:`PORTFOLIOS`: "foreign" = "foreign
affairs" = "external affairs"); a capital names its state only before a body
that a city does not have (:data:`CAPITAL_HEADS`: "Seoul's ministry", not
"Paris police"). Countries a story invents are found by their adjective
formed from a place's name (:func:`demonyms`: "Kestria" -> "Kestrian").

Not here: which mentions are merged (``facts.entity_merge``); bodies of regions,
cities or international organisations; a ministry renamed or split over time.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from storytrace.facts.wording import spelling_key

DATA_FILE = "countries.tsv"

STATE_HEADS = frozenset(
    """
    ministry department office embassy consulate government parliament cabinet presidency army navy police military
    forces guard court bank agency authority service commission council senate congress assembly
    """.split()
)
"""Last words of the name of a body of a state: "Foreign Ministry", "Supreme Court", "Coast Guard"."""

CAPITAL_HEADS = frozenset({"ministry", "embassy", "consulate"})
"""Bodies that a capital city names for its state ("Seoul's Ministry of Foreign Affairs"): cities have none."""

# Names of one portfolio (American spelling, as ``spelling_key`` gives it) -> the portfolio.
PORTFOLIOS: dict[str, str] = {
    **dict.fromkeys(("foreign", "foreign affairs", "external affairs", "foreign relations"), "foreign affairs"),
    **dict.fromkeys(("defense", "national defense"), "defense"),
    **dict.fromkeys(("interior", "home", "home affairs", "internal affairs"), "interior"),
    **dict.fromkeys(("finance", "finances", "treasury", "finance and treasury", "treasury and finance"), "finance"),
    **dict.fromkeys(("health", "public health"), "health"),
    **dict.fromkeys(("education", "national education", "public education"), "education"),
    **dict.fromkeys(("economy", "economic affairs", "economics"), "economy"),
    **dict.fromkeys(("transport", "transportation"), "transport"),
}

_APOSTROPHES = str.maketrans({c: "'" for c in "’‘ʼ`´′"})


@dataclass(frozen=True)
class Country:
    """One row of ``data/countries.tsv``."""

    name: str
    other_names: tuple[str, ...]
    adjectives: tuple[str, ...]
    capitals: tuple[str, ...]


def words(text: str) -> tuple[str, ...]:
    """Folded words of a name: no diacritics, no "the", no possessive ("Seoul’s" -> "seoul"), hyphens split.

    >>> words("the Ministry of Foreign Affairs of the Côte d’Ivoire")
    ('ministry', 'of', 'foreign', 'affairs', 'of', 'cote', "d'ivoire")
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    out = []
    for w in re.findall(r"[^\W_]+(?:'[^\W_]+)*'?", folded):
        w = re.sub(r"'s$|'$", "", w)
        if w and w != "the":
            out.append(w.replace(".", ""))
    return tuple(out)


@functools.cache
def countries() -> tuple[Country, ...]:
    """The rows of ``data/countries.tsv`` (comments and the header skipped)."""
    text = (resources.files("storytrace.facts") / "data" / DATA_FILE).read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(_country(row) for row in rows[1:])


def _country(row: list[str]) -> Country:
    cells = [*row, "", "", "", ""][:4]
    name, others, adjectives, capitals = (tuple(v.strip() for v in c.split(";") if v.strip()) for c in cells)
    return Country(name[0], others, adjectives, capitals)


@functools.cache
def references() -> dict[tuple[str, ...], tuple[str, bool]]:
    """Words that name a country -> (the country, whether they are its capital); forms of two countries left out."""
    found: dict[tuple[str, ...], set[tuple[str, bool]]] = {}
    for c in countries():
        for form in (c.name, *c.other_names, *c.adjectives):
            found.setdefault(words(form), set()).add((c.name, False))
        for form in c.capitals:
            found.setdefault(words(form), set()).add((c.name, True))
    out: dict[tuple[str, ...], tuple[str, bool]] = {}
    for key, named in found.items():
        if len({country for country, _ in named}) == 1:
            out[key] = min(named, key=lambda x: x[1])  # a name before a capital of the same spelling
    return out


def demonyms(name: str) -> set[str]:
    """Adjectives English forms from a place's name: "Kestria" -> "Kestrian"; used for places not in the table.

    >>> sorted(demonyms("Saldavia"))
    ['saldavian']
    """
    w = words(name)
    if len(w) != 1 or len(w[0]) < 4:
        return set()
    base = w[0]
    if base.endswith("a"):
        return {base + "n"}
    return {base + ending for ending in ("ian", "an", "ese", "ish", "i")}


def body_key(text: str, extra: dict[tuple[str, ...], str] | None = None) -> tuple[str, str] | None:
    """(country, body) of a state body's name, country "" when none is named; None for any other name.

    ``extra`` adds words that name a country (the demonyms of a story's places).

    >>> body_key("South Korean Foreign Ministry") == body_key("Seoul's Ministry of Foreign Affairs")
    True
    >>> body_key("the Foreign Ministry of South Korea"), body_key("Paris police")
    (('South Korea', 'foreign affairs ministry'), None)
    """
    w = words(text)
    refs = _refs(extra)
    for n in range(min(len(w) - 1, 4), 0, -1):  # "<country> <body>"
        if w[:n] in refs:
            return _keyed(refs[w[:n]], w[n:])
    for n in range(min(len(w) - 2, 4), 0, -1):  # "<body> of <country>"
        if w[-n:] in refs and w[-n - 1] == "of":
            return _keyed(refs[w[-n:]], w[: -n - 1])
    body = _body(w)
    return None if body is None else ("", body)


def _refs(extra: dict[tuple[str, ...], str] | None) -> dict[tuple[str, ...], tuple[str, bool]]:
    if not extra:
        return references()
    return {**{k: (v, False) for k, v in extra.items()}, **references()}


def _keyed(country: tuple[str, bool], rest: tuple[str, ...]) -> tuple[str, str] | None:
    body = _body(rest)
    if body is None or (country[1] and body.split()[-1] not in CAPITAL_HEADS):
        return None
    return country[0], body


def _body(w: tuple[str, ...]) -> str | None:
    """The body of a name without its country: "<portfolio> <head>", or None when it ends in no state head."""
    if "of" in w:
        i = w.index("of")
        head, portfolio = w[:i], w[i + 1 :]
        if len(head) != 1 or "of" in portfolio:
            return None
    else:
        head, portfolio = w[-1:], w[:-1]
    if not head or head[0] not in STATE_HEADS:
        return None
    phrase = " ".join(spelling_key(x) for x in portfolio)
    return " ".join(x for x in (PORTFOLIOS.get(phrase, phrase), head[0]) if x)


def place_demonyms(names: Iterable[str]) -> dict[tuple[str, ...], str]:
    """The demonyms of ``names`` (a story's places) not already in the table, each to its place."""
    known = references()
    out: dict[tuple[str, ...], str] = {}
    for name in names:
        for adjective in demonyms(name):
            if (adjective,) not in known:
                out[(adjective,)] = name
    return out
