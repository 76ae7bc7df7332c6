"""Entities of a story: mentions of one person, organisation or place merged, spelling variants and all.

What it does:

* merges mentions, within and across articles, into entities by these rules:

  1. spelling variants: same key after folding case, diacritics, hyphens,
     spaces, dots, apostrophes and a final possessive ("Kim Jong-un" =
     "Kim Jong Un", "Jean-Luc" = "Jean Luc", "U.S." = "US", "Kestria’s" =
     "Kestria"); the label spaCy gave is ignored here, because it often tags
     the same string PERSON once and ORG the next time;
  2. country names: the names of one country in ``facts/data/countries.tsv``
     (``facts.countries``: "Republic of Korea" = "South Korea", "Burma" =
     "Myanmar"), and for a few countries (:data:`CAPITAL_FOR_STATE`) the
     capital used as metonymy for the state ("Washington says...",
     "Pyongyang denied..."). Deliberately not in it: seats of government such
     as "the Kremlin" or "the White House" (they speak for the executive, a
     narrower actor than the country), and capitals in general. The price of
     those seven: a capital named literally ("a professor in Seoul") joins its
     country too;
  3. acronyms: an all-capital form (dots allowed, "U.S.") equal to the
     initials of the capitalised words of a longer non-person name, or of all
     its words ("DPRK" = "Democratic People’s Republic of Korea", "UN" =
     "United Nations", "ROK" = "Republic of Korea"), when exactly one longer
     name in the story fits;
  4. short forms of people: a name made of the last tokens ("Putin" =
     "Vladimir Putin") or the first token ("Yoon" = "Yoon Suk Yeol", surname
     first) of a longer person name in the story, when exactly one such
     person fits; when several fit ("Kim" next to "Kim Jong Un" and "Kim Jong
     Il"), the one each article names most often in full, if that is one
     person for all the articles that use the short form;
  5. places: a place's name with its geographic word before or after it, or
     without it ("River Velm" = "Velm River" = "the Velm"), when one fits;
  6. organisations: one name in both word orders ("Authority of the Velm
     Basin" = "Velm Basin Authority"), and a state body named by its country's
     name, adjective or capital in any order and spelling ("South Korean
     Foreign Ministry" = "Seoul's Ministry of Foreign Affairs" = "the Foreign
     Ministry of South Korea", ``countries.body_key``; a country a story
     invents counts by the adjective of its name, "Kestrian"); the body
     without its country ("the Foreign Ministry") joins the one country's
     body of that key in the story, when one fits;

* makes each group an entity (``facts.entity_naming``: its canonical name,
  label and roles);
* flags, without merging, likely transliteration variants: entities of the
  same label whose name forms have the same number of tokens, the same
  phonetic key token by token (a simplified Soundex, ``entity_names.phonetic_key``)
  and a character similarity (rapidfuzz ratio) of at least
  :data:`TRANSLIT_MIN_RATIO` ("Leif-Eric Isley" / "Leif-Eric Easley").

Not here: finding mentions (``facts.entities``), coreference of pronouns or
descriptions ("the president", "he"), entity linking to a knowledge base, and
any merge across languages beyond the country table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from storytrace.facts.countries import body_key, countries, place_demonyms, words
from storytrace.facts.entities import Mention
from storytrace.facts.entity_names import (
    GEO_WORDS,
    acronym_letters,
    name_initials,
    name_key,
    phonetic_key,
    reordered,
)
from storytrace.facts.entity_naming import Entity, entity_label, entity_of, with_possible

TRANSLIT_MIN_RATIO = 70.0
"""Least rapidfuzz ratio (0-100) of two name keys to flag them as transliteration variants."""

CAPITAL_FOR_STATE = frozenset(
    {"United States", "United Kingdom", "North Korea", "South Korea", "Russia", "China", "Ukraine"}
)
"""Countries whose capital alone stands for the state in rule 2 ("Washington says...", "Pyongyang denied...")."""


def _aliases() -> dict[str, tuple[str, ...]]:
    """Country -> its names in ``data/countries.tsv``, and its capital when in :data:`CAPITAL_FOR_STATE`."""
    return {c.name: (c.name, *c.other_names, *(c.capitals if c.name in CAPITAL_FOR_STATE else ())) for c in countries()}


_ALIAS_OF: dict[str, str] = {
    "".join(name_key(form)): country for country, forms in _aliases().items() for form in forms
}


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True)
class _Node:
    """Mentions sharing one compact key (rule 1)."""

    tokens: tuple[str, ...]
    label: str
    forms: tuple[str, ...]


def merge_entities(mentions: Sequence[Mention]) -> list[Entity]:
    """Group mentions into entities by the module's merge rules; entities in order of first mention."""
    by_key: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        tokens = name_key(m.text)
        if tokens:
            by_key.setdefault("".join(tokens), []).append(i)
    keys = list(by_key)
    nodes = [
        _Node(
            tokens=name_key(mentions[by_key[k][0]].text),
            label=entity_label([mentions[i] for i in by_key[k]]),
            forms=tuple(dict.fromkeys(mentions[i].text for i in by_key[k])),
        )
        for k in keys
    ]
    uf = _UnionFind(len(nodes))
    _merge_aliases(keys, nodes, uf)
    _merge_acronyms(nodes, uf)
    _merge_short_forms(nodes, uf, [[mentions[i] for i in by_key[k]] for k in keys])
    _merge_organisation_short_forms(nodes, uf)
    _merge_place_names(nodes, uf)
    _merge_bodies(nodes, uf)
    flagged = _transliteration_pairs(nodes, uf)

    groups: dict[int, list[int]] = {}
    for n, k in enumerate(keys):
        groups.setdefault(uf.find(n), []).extend(by_key[k])
    ordered = sorted(groups.items(), key=lambda item: min(item[1]))
    entities = {root: entity_of(sorted(idx), mentions) for root, idx in ordered}
    return [
        with_possible(ent, tuple(sorted({entities[o].name for o in flagged.get(root, set())})))
        for root, ent in entities.items()
    ]


def _merge_aliases(keys: list[str], nodes: list[_Node], uf: _UnionFind) -> None:
    """Rule 2: forms of one country in :data:`ALIASES` (never people)."""
    first: dict[str, int] = {}
    for n, key in enumerate(keys):
        country = _ALIAS_OF.get(key)
        if country is None or nodes[n].label == "PERSON":
            continue
        if country in first:
            uf.union(first[country], n)
        else:
            first[country] = n


def _merge_acronyms(nodes: list[_Node], uf: _UnionFind) -> None:
    """Rule 3: an all-capital form and the one longer non-person name whose initials it spells."""
    initials: dict[str, set[int]] = {}
    for n, node in enumerate(nodes):
        if node.label == "PERSON":
            continue
        for form in node.forms:
            for letters in name_initials(form):
                initials.setdefault(letters, set()).add(n)
    for n, node in enumerate(nodes):
        if node.label == "PERSON":
            continue
        for form in node.forms:
            acronym = acronym_letters(form)
            if acronym is None:
                continue
            roots = {uf.find(m) for m in initials.get(acronym, set())} - {uf.find(n)}
            if len(roots) == 1:
                uf.union(n, roots.pop())
            break


def _merge_short_forms(nodes: list[_Node], uf: _UnionFind, said: Sequence[Sequence[Mention]]) -> None:
    """Rule 4: a person's last tokens or first token alone, when one person only fits.

    The short form is a person (or a one-word organisation: spaCy often tags a
    lone surname ORG) written at least once in lower case letters, so that an
    acronym never passes for a surname. When several people fit ("Kim" with
    "Kim Jong Un" and "Kim Jong Il"), the short form in an article is the
    fitting person named there most often in full ("Kim's father, Kim Jong
    Il" names the father once); when every article points to one person, the
    short form is that person's.
    """
    people = [n for n, node in enumerate(nodes) if node.label == "PERSON" and len(node.tokens) > 1]
    ending: dict[tuple[str, ...], list[int]] = {}  # the last one or two tokens of a longer name -> its people
    first: dict[str, list[int]] = {}
    for p in people:
        full = nodes[p].tokens
        for k in (1, 2):
            if len(full) > k:
                ending.setdefault(full[-k:], []).append(p)
        first.setdefault(full[0], []).append(p)
    for n, node in enumerate(nodes):
        if not ((node.label == "PERSON" and len(node.tokens) < 3) or (node.label == "ORG" and len(node.tokens) == 1)):
            continue
        if all(acronym_letters(form) is not None for form in node.forms):
            continue  # "UN" is not the "Un" of "Kim Jong Un"
        k = len(node.tokens)
        matching = ending.get(node.tokens, []) + (first.get(node.tokens[0], []) if k == 1 else [])
        fits = {uf.find(p) for p in matching}
        fits.discard(uf.find(n))
        if len(fits) > 1:
            fits = _most_named(said[n], [p for p in matching if uf.find(p) in fits], said, uf)
        if len(fits) == 1:
            uf.union(n, fits.pop())


def _merge_organisation_short_forms(nodes: list[_Node], uf: _UnionFind) -> None:
    """Rule 4, organisations: the first or last word of an organisation's name alone.

    "Corvane" = "Corvane Appliances", "Mariners" = "Port Averly Mariners": when one organisation only fits and
    no person's or place's name holds the word ("Velm" with "Velm Basin Authority" and "River Velm" stays
    apart). The short form is a person or an organisation to spaCy, never a place or an acronym.
    """
    by_word: dict[str, set[int]] = {}
    others: set[str] = set()  # words of people's and places' names
    for n, node in enumerate(nodes):
        if len(node.tokens) > 1 and node.label == "ORG":
            by_word.setdefault(node.tokens[0], set()).add(n)
            by_word.setdefault(node.tokens[-1], set()).add(n)
        elif node.label != "ORG" and len(node.tokens) > 1:
            others.update(node.tokens)
    for n, node in enumerate(nodes):
        if len(node.tokens) != 1 or node.label not in ("PERSON", "ORG") or node.tokens[0] in others:
            continue
        if all(acronym_letters(form) is not None for form in node.forms):
            continue
        fits = {uf.find(m) for m in by_word.get(node.tokens[0], set())} - {uf.find(n)}
        if len(fits) == 1:
            uf.union(n, fits.pop())


def _most_named(
    short: Sequence[Mention], candidates: Sequence[int], said: Sequence[Sequence[Mention]], uf: _UnionFind
) -> set[int]:
    """The people (roots) a short form's mentions refer to: in each article, the one named there most often.

    A tie, or an article naming none of them in full, leaves the short form apart.
    """
    chosen: set[int] = set()
    for article in dict.fromkeys(m.article for m in short):
        named: dict[int, list[int]] = {}
        for p in candidates:
            named.setdefault(uf.find(p), []).extend(c.span[0] for c in said[p] if c.article == article)
        ranked = sorted(((len(spans), root) for root, spans in named.items() if spans), reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
            return set()
        chosen.add(ranked[0][1])
    return chosen


def _merge_place_names(nodes: list[_Node], uf: _UnionFind) -> None:
    """Rule 5: one place named with its geographic word before or after its name, or without it.

    "River Velm" = "Velm River"; "Velm" (not a person) joins them when one such place only fits.
    """
    places: dict[tuple[tuple[str, ...], frozenset[str]], list[int]] = {}
    for n, node in enumerate(nodes):
        rest = tuple(t for t in node.tokens if t not in GEO_WORDS)
        if node.label == "LOC" and rest and len(rest) < len(node.tokens):
            places.setdefault((rest, frozenset(node.tokens) - frozenset(rest)), []).append(n)
    by_rest: dict[tuple[str, ...], set[int]] = {}
    for (rest, _), found in places.items():
        for n in found[1:]:
            uf.union(found[0], n)
        by_rest.setdefault(rest, set()).add(uf.find(found[0]))
    for n, node in enumerate(nodes):
        if node.label == "PERSON" or node.tokens not in by_rest:
            continue
        fits = {uf.find(r) for r in by_rest[node.tokens]} - {uf.find(n)}
        if len(fits) == 1:
            uf.union(n, fits.pop())


def _merge_bodies(nodes: list[_Node], uf: _UnionFind) -> None:
    """Rule 6: one organisation in two word orders, one state body however its country is named.

    Keys are ``countries.body_key``'s, else the name's words with "<head> of <rest>" read as "<rest> <head>".
    A key with no country ("the Foreign Ministry") joins the one country's body with that key, when one fits.
    """
    demonyms = place_demonyms(n.forms[0] for n in nodes if n.label in ("GPE", "LOC") and len(n.tokens) == 1)
    keyed: dict[tuple[str, str], list[int]] = {}
    for n, node in enumerate(nodes):
        if node.label not in ("ORG", "FAC"):
            continue
        for form in node.forms:
            key = body_key(form, demonyms) or ("", " ".join(reordered(words(form))))
            keyed.setdefault(key, []).append(n)
    for found in keyed.values():
        for n in found[1:]:
            uf.union(found[0], n)
    for (country, body), found in keyed.items():
        if country:
            continue
        fits = {uf.find(m) for (c, b), ms in keyed.items() if c and b == body for m in ms}
        if len(fits) == 1:
            uf.union(found[0], fits.pop())


def _transliteration_pairs(nodes: list[_Node], uf: _UnionFind) -> dict[int, set[int]]:
    """Roots of entities flagged as likely transliteration variants of each other (not merged)."""
    buckets: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for n, node in enumerate(nodes):
        if len(node.tokens) == 1 and len(node.tokens[0]) < 4:
            continue
        buckets.setdefault((node.label, tuple(phonetic_key(t) for t in node.tokens)), []).append(n)
    flagged: dict[int, set[int]] = {}
    for members in buckets.values():
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                ra, rb = uf.find(a), uf.find(b)
                if ra == rb:
                    continue
                if fuzz.ratio(" ".join(nodes[a].tokens), " ".join(nodes[b].tokens)) >= TRANSLIT_MIN_RATIO:
                    flagged.setdefault(ra, set()).add(rb)
                    flagged.setdefault(rb, set()).add(ra)
    return flagged
