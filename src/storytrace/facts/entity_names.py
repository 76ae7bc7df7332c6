"""The words and keys of names: what a name's own words say about it, and the forms it is compared by.

What it does: word lists of names (geographic words, the last words of organisations and buildings,
titles and roles); the label a name's head word gives (:func:`head_label`: "River Velm" a place,
"Meridian Wire" an organisation); the key two spellings share (:func:`fold`, :func:`name_key`:
case, diacritics, hyphens, spaces, dots, apostrophes and a final possessive folded, "Kim Jong-un" =
"Kim Jong Un", "U.S." = "US"); a simplified Soundex (:func:`phonetic_key`); the letters of an
acronym and the initials of a longer name.

Not here: finding mentions (``facts.entities``), the rules that merge them (``facts.entity_merge``),
the country table (``facts.countries``). Pure functions; no state.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from storytrace.facts.countries import words

if TYPE_CHECKING:
    from spacy.tokens import Token


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

POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_APOSTROPHES = str.maketrans({c: "'" for c in "’‘ʼ`´′"})


def head_label(name: str) -> str | None:
    """The label a name's own words give: LOC, ORG or FAC by its head word, else None.

    The head is the last word once "<head> of <rest>" is read "<rest> <head>". A place's name may also open with
    its geographic word when short ("River Velm", "Lake Orra"). One word alone decides nothing.

    >>> head_label("Authority of the Velm Basin"), head_label("River Velm"), head_label("Saltmarsh Bridge")
    ('ORG', 'LOC', 'FAC')
    """
    w = reordered(words(name))
    if len(w) < 2:
        return None
    if w[-1] in GEO_WORDS or (len(w) <= 3 and w[0] in GEO_WORDS and w[-1] not in ORG_HEADS | FAC_HEADS):
        return "LOC"
    if w[-1] in ORG_HEADS:
        return "ORG"
    if w[-1] in FAC_HEADS:
        return "FAC"
    return None


def reordered(w: tuple[str, ...]) -> tuple[str, ...]:
    """A name "<head> of <rest>" read as "<rest> <head>" (one or two head words, one "of"); others as they are."""
    if w.count("of") != 1 or not 1 <= w.index("of") <= 2 or w[-1] == "of":
        return w
    i = w.index("of")
    return w[i + 1 :] + w[:i]


def is_title_word(tok: Token) -> bool:
    """A word of a title or role ("President", "minister", "Dr.")."""
    return tok.lower_.rstrip(".") in TITLE_WORDS


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


def acronym_letters(text: str) -> str | None:
    """The letters of an all-capital form ("DPRK", "U.S."), else None."""
    letters = text.replace(".", "").replace(" ", "")
    if 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper():
        return letters.lower()
    return None


def name_initials(text: str) -> set[str]:
    """Initials of the capitalised words of a name, and of all its words but "the"/"and"."""
    words = [w for w in re.split(r"[\s\-]+", text.translate(_APOSTROPHES)) if w and w[0].isalpha()]
    if len(words) < 2:
        return set()
    capitalised = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0] for w in words if w.lower() not in ("the", "and", "&"))
    return {fold(x) for x in (capitalised, every) if len(x) >= 2}
