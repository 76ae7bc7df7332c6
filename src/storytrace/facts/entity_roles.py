"""The title or role written next to a person's name in the same sentence.

What it does: for a person's mention in a parsed sentence, finds a title before the name ("South
Korean President Yoon Suk Yeol"), an apposition after it ("Leif-Eric Isley, a professor at Ewha
University in Seoul,") or before it ("the Chairman of State Affairs of the DPRK, Kim Jong Un,"), from
spaCy's dependency parse and, where the parser misses one, from "the/a <title> ..." around a comma;
a role is at most 20 tokens.

Not here: finding the mentions (``facts.entities``), coreference of descriptions ("the president",
"he"), roles of non-person entities.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storytrace.facts.entity_names import POSSESSIVE, is_title_word

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


_NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
_MAX_ROLE_TOKENS = 20


def person_roles(doc: Doc, s: int, e: int, in_kept: set[int]) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
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


def _title_before(doc: Doc, s: int, in_kept: set[int]) -> tuple[int, int] | None:
    """A title written right before the name: "Russian President", "US Deputy Secretary of State"."""
    if s == 0 or doc[s].is_sent_start:
        return None
    head = doc[s - 1]
    capitalised_noun = head.is_title and head.pos_ in ("NOUN", "PROPN") and head.i not in in_kept
    if not (is_title_word(head) or capitalised_noun) or head.ent_type_ in _NUMERIC_LABELS:
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
        elif tok.text in POSSESSIVE and i > 0 and (doc[i - 1].ent_type_ or doc[i - 1].pos_ == "PROPN"):
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
            while j < s - 1 and (doc[j].pos_ == "ADJ" or doc[j].ent_type_ == "NORP") and not is_title_word(doc[j]):
                j += 1
            if j < s - 1 and is_title_word(doc[j]):
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
    if any(is_title_word(t) for t in doc[e + 2 : j]):
        return e + 1, j
    return None


def _root(doc: Doc, s: int, e: int) -> Token:
    for tok in doc[s:e]:
        if not s <= tok.head.i < e or tok.head.i == tok.i:
            return tok
    return doc[e - 1]


def role_text(doc: Doc, text: str, a: int, b: int) -> str:
    """The text of a role at tokens ``[a, b)``, without leading function words and punctuation at either end."""
    while a < b and (doc[a].is_punct or doc[a].lower_ in ("the", "of", "for", "and", "&") or doc[a].text in POSSESSIVE):
        a += 1
    while b > a and (doc[b - 1].is_punct or doc[b - 1].is_space):
        b -= 1
    if a >= b:
        return ""
    return text[doc[a].idx : doc[b - 1].idx + len(doc[b - 1].text)]
