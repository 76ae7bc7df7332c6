"""Word tokens for comparison: normalised forms, content words and light stems.

Normalisation folds case, curly quotes and hyphens ("Jong-un" = "Jong Un"),
drops the possessive "'s", and keeps numbers as they are written ("18", "2000").
Stems come from a small suffix stripper, enough to match "visit"/"visited"/
"visits"; it is not a linguistic lemmatiser.

Not here: sentence splitting, vectorising (see ``align.features``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

STOPWORDS = frozenset(
    """a an the and or but nor so yet of in on at to for from by with about as into onto over under
    after before during since until than then that this these those there here it its it's is are was
    were be been being am do does did done have has had having will would shall should can could may
    might must not no he she they we you i me him her them us our your their his my mine who whom whose
    which what when where why how all any both each few more most other some such only own same too very
    just s t also again further once up down out off above below between through while if because
    said says say saying told tells according""".split()
)


# The letters other than A-Z and a-z that ``re.IGNORECASE`` matches for ASCII ones: dotted and dotless i
# (typed on Turkish keyboards), the long s of old print and the Kelvin sign.
_IGNORECASE_ASCII = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "\u212a": "k"})


def word_key(word: str) -> str:
    """``word`` lower-cased as ``re.IGNORECASE`` compares it with ASCII: the key to look a matched word up by.

    A case-blind pattern for "million" also matches "MILLION" and "mıllıon"
    (dotless ı), which ``str.lower`` leaves apart from "million" ("İ" even
    lower-cases to two characters). Every word such a pattern matches from an
    English word list has its key in that list; so has every piece of a text
    that holds such a word.
    """
    return word.lower() if word.isascii() else word.translate(_IGNORECASE_ASCII).lower()


def normal_words(text: str) -> list[str]:
    """All words of ``text``, case-folded, hyphens split, possessive 's dropped."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    out: list[str] = []
    for word in _WORD.findall(text):
        word = word.lower()
        if "'" not in word:
            out.append(word)
            continue
        if word.endswith("'s"):
            word = word[:-2]
        out.extend(w for w in word.split("'") if w)
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix-stripping stem: plural and verb endings only."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            if suffix == "es" and not word.endswith(("shes", "ches", "xes", "sses", "zes")):
                continue
            word = word[: len(word) - len(suffix)] + repl
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "planned" -> "plann" -> "plan"
    return word


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text`` (stopwords removed), in order."""
    return stems_of(normal_words(text))


def best_matches(xs: Sequence[frozenset[str]], ys: Sequence[frozenset[str]]) -> list[tuple[int, int]]:
    """The pairs ``(i, j)`` of word sets each the other's best match and sharing a word, in ``xs``' order.

    Best: most shared words, the first on a tie. How two aligned passages' sentences are paired.
    """
    if not xs or not ys:
        return []
    shared = [[len(p & q) for q in ys] for p in xs]
    best_y = [_best(row) for row in shared]
    best_x = [_best([row[j] for row in shared]) for j in range(len(ys))]
    return [(i, j) for i, j in enumerate(best_y) if best_x[j] == i and shared[i][j]]


def _best(scores: Sequence[int]) -> int:
    """The position of the highest score, the first on a tie."""
    return max(range(len(scores)), key=lambda k: (scores[k], -k))


def stems_of(words: list[str]) -> list[str]:
    """Stems of the content words among already normalised ``words``."""
    return [stem(w) for w in words if w not in STOPWORDS]


def name_stems(text: str) -> frozenset[str]:
    """Stems of the capitalised words of ``text`` other than its first word (likely names)."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    out: set[str] = set()
    for k, m in enumerate(_WORD.finditer(text)):
        word = m.group(0)
        if k == 0 or not word[0].isupper():
            continue
        for part in normal_words(word):
            if part not in STOPWORDS:
                out.add(stem(part))
    return frozenset(out)


def numbers(text: str) -> set[str]:
    """The numbers written in ``text``, with thousands separators removed."""
    return {m.group(0).replace(",", "") for m in _NUMBER.finditer(text)}


# ``str.isalnum`` of every ASCII code point, for ``alnum_mask``.
_ASCII_ALNUM = np.array([chr(c).isalnum() for c in range(128)], dtype=bool)


def alnum_mask(text: str) -> np.ndarray:
    """True at each character of ``text`` that is a letter or digit (``str.isalnum``), in one pass over the code points.

    ASCII is read from a table; each distinct other code point is asked once.
    Lone surrogates (``surrogatepass``) are not letters or digits.
    """
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ascii_ = points < 128
    mask: np.ndarray = np.zeros(len(points), dtype=bool)
    mask[ascii_] = _ASCII_ALNUM[points[ascii_]]
    if not ascii_.all():
        others = points[~ascii_]
        kinds, where = np.unique(others, return_inverse=True)
        mask[~ascii_] = np.array([chr(int(c)).isalnum() for c in kinds], dtype=bool)[where]
    return mask
