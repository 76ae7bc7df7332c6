"""The words of a quotation as two sources' versions of it are compared: case, punctuation and spelling aside.

A quote quoted twice is the same quote when its words are, after folding what
a reader does not count as a change:

* case and punctuation (only the words are compared; a hyphenated word is its
  parts: "long-term" and "long term" are the same words; ’ is ');
* British and American spelling (``spelling_key``): -ise/-ize and
  -isation/-ization ("destabilising" / "destabilizing"), -yse/-yze, -our/-or,
  -tre/-ter, -ogue/-og, -ence/-ense (defence, offence, licence, pretence),
  -elled/-eled and -alled/-aled (travelled, signalled), -mme/-m (programme).
  Each rule needs a long enough stem before the ending, so that short words
  ("four", "rogue", "filled") keep their own spelling.

Not here: finding quotes (``facts.quotes``), deciding which quotes are one (``facts.quote_differences``).
"""

from __future__ import annotations

import re

# Letters and digits, apostrophes inside a word kept ("don't"), hyphens splitting it.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# (pattern, replacement): each a British ending and its American form, after a stem long enough to be one.
_SPELLINGS = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"^(\w{3,})is(e|es|ed|ing|er|ers|ation|ations|ational)$", r"\1iz\2"),
        (r"^(\w{2,})ys(e|es|ed|ing|er|ers)$", r"\1yz\2"),
        (r"^(\w{3,})our(s|ed|ing|ite|ites|able|er|ers|hood|less)?$", r"\1or\2"),
        (r"^(\w{2,}[bt])re(s|d)?$", r"\1er\2"),
        (r"^(\w{4,})ogue(s)?$", r"\1og\2"),
        (r"^(\w*(?:fen|cen|ten))ce(s)?$", r"\1se\2"),
        (r"^(\w{3,}[ae])ll(ed|ing|er|ers)$", r"\1l\2"),
        (r"^(\w{3,})mme(s)?$", r"\1m\2"),
    )
)


def quote_words(text: str) -> list[tuple[str, tuple[int, int]]]:
    """The words of ``text`` with their ``[start, end)`` offsets in it (hyphens split words)."""
    return [(m.group(0), (m.start(), m.end())) for m in _WORD.finditer(text)]


def spelling_key(word: str) -> str:
    """``word`` lower-cased in its American spelling: the key two spellings of one word share."""
    key = word.lower().replace("’", "'")
    for pattern, replacement in _SPELLINGS:
        folded = pattern.sub(replacement, key)
        if folded != key:
            return folded
    return key
