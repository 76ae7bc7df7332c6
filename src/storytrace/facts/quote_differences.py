"""Differences between two sources' versions of one quote: other words, or another speaker.

What it does: pairs the quotes of two aligned passages that can be one quote (difflib's ratio of
their words at least 0.5, candidates found by their rarest words, not every pair); words that
differ inside a quote, case, punctuation and British/American spelling aside (``facts.wording``)
and two names of one entity aside, are one ``quote wording`` item per quote ("Head of State
Affairs" / "Chairman of State Affairs"), each change shown with a few unchanged words after it;
the same quote given to two named people is ``speaker`` (a description or a short form of the
name is no contradiction).

Not here: finding quotes (``facts.quotes``), dates and numbers of the passage (``facts.differ``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from storytrace.facts.article_facts import WORD
from storytrace.facts.entities import Mention
from storytrace.facts.entity_merge import merge_entities
from storytrace.facts.entity_names import fold
from storytrace.facts.fact_forms import differ_item, said
from storytrace.facts.fact_spans import Indexed, Span
from storytrace.facts.quotes import Quote
from storytrace.facts.wording import quote_words, spelling_key
from storytrace.model import Comparison
from storytrace.model_facts import Change, Difference

# A quote's changed words are shown with up to this many unchanged words after them.
QUOTE_CONTEXT_WORDS = 3


def _one_entity(x: str, y: str, names: dict[str, int]) -> bool:
    """True when ``x`` and ``y`` name one entity: both known as one, or merged by the entity rules alone."""
    if fold(x) in names and names.get(fold(x)) == names.get(fold(y)):
        return True
    if not (x[:1].isupper() and y[:1].isupper()):
        return False
    pair = [Mention("x", (0, len(x)), x, "ORG"), Mention("y", (0, len(y)), y, "ORG")]
    return len(merge_entities(pair)) == 1


def quote_differences(
    c: Comparison, fa: Indexed, fb: Indexed, sa: Span, sb: Span, names: dict[str, int]
) -> list[Difference]:
    """One item per quote two sources give differently: other words (case, punctuation, spelling aside), or speaker."""
    out: list[Difference] = []
    qa, qb = fa.quotes.overlapping(sa), fb.quotes.overlapping(sb)
    for a, b in _maybe_same_quotes(qa, qb):
        words_a, words_b = quote_words(a.text), quote_words(b.text)
        matcher = difflib.SequenceMatcher(
            a=[spelling_key(w) for w, _ in words_a], b=[spelling_key(w) for w, _ in words_b], autojunk=False
        )
        if matcher.ratio() < 0.5:
            continue  # not the same quote
        if other_speakers(a, b):
            out.append(
                differ_item("speaker", "the same quote given to different speakers", c, a.speaker_span, b.speaker_span)
            )
        changes = list(_changed_words(a, b, words_a, words_b, matcher.get_opcodes(), names))
        if changes:
            item = differ_item(
                "quote wording", f"wording of a quote ({a.speaker or b.speaker or 'unattributed'})", c, *changes[0]
            )
            more = tuple(Change(said(c.a.text, sa), said(c.b.text, sb)) for sa, sb in changes[1:])
            out.append(replace(item, changes=more))
    return out


def _changed_words(
    a: Quote,
    b: Quote,
    words_a: Sequence[tuple[str, Span]],
    words_b: Sequence[tuple[str, Span]],
    opcodes: Sequence[tuple[str, int, int, int, int]],
    names: dict[str, int],
) -> Iterator[tuple[Span, Span]]:
    """The spans of the words one quote replaces in the other, each with the few unchanged words after it."""
    for k, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op != "replace":
            continue  # an added or dropped word is an edit, a replaced one changes what was said
        said_a = a.text[words_a[i1][1][0] : words_a[i2 - 1][1][1]]
        said_b = b.text[words_b[j1][1][0] : words_b[j2 - 1][1][1]]
        if _one_entity(said_a, said_b, names):
            continue  # two names of one entity ("DPRK" for the full name)
        after = min(QUOTE_CONTEXT_WORDS, opcodes[k + 1][2] - opcodes[k + 1][1]) if k + 1 < len(opcodes) else 0
        if k + 1 < len(opcodes) and opcodes[k + 1][0] != "equal":
            after = 0
        yield (
            (a.span[0] + words_a[i1][1][0], a.span[0] + words_a[i2 - 1 + after][1][1]),
            (b.span[0] + words_b[j1][1][0], b.span[0] + words_b[j2 - 1 + after][1][1]),
        )


def _maybe_same_quotes(qa: Sequence[Quote], qb: Sequence[Quote]) -> Iterator[tuple[Quote, Quote]]:
    """The pairs of a quote of ``qa`` and one of ``qb`` that can be the same quote, in the order of both lists.

    ``quote_differences`` takes two quotes for one when difflib's ratio of
    their words, 2M / (|a| + |b|), reaches 0.5 (M: words matched). With M at
    most |b| that needs |b| >= |a| / 3, so M >= |a| / 3: any |a| - ceil(|a| / 3)
    + 1 words of ``a`` hold a matched one. Only the quotes of ``qb`` holding
    one of ``a``'s that many rarest words are compared, not every quote of a
    long passage with every other.
    """
    words_b = [_lower_words(q.text) for q in qb]
    holders: dict[str, list[int]] = {}
    for k, words in enumerate(words_b):
        for w in words:
            holders.setdefault(w, []).append(k)
    without_words = [k for k, words in enumerate(words_b) if not words]
    for a in qa:
        words_a = [w.lower() for w, _ in _words(a.text)]
        if not words_a:
            found: Iterable[int] = without_words  # two quotes without words have a ratio of 1
        else:
            keep = len(words_a) - math.ceil(len(words_a) / 3) + 1
            rarest = sorted(words_a, key=lambda w: len(holders.get(w, ())))[:keep]
            found = sorted({k for w in rarest for k in holders.get(w, ())})
        for k in found:
            yield a, qb[k]


def _words(text: str) -> list[tuple[str, Span]]:
    return [(m.group(0), (m.start(), m.end())) for m in WORD.finditer(text)]


def _lower_words(text: str) -> set[str]:
    """The distinct words of ``text``, lower-cased."""
    return {w.lower() for w, _ in _words(text)}


def other_speakers(a: Quote, b: Quote) -> bool:
    """Whether two sources name two different people for one quote.

    A description ("a State Department official") may describe the named person, and a short form ("Kim")
    names the full name it is part of ("Kim Jong Un"), so neither contradicts a name.
    """
    if not a.speaker or not b.speaker or a.described or b.described:
        return False
    words_a, words_b = _lower_words(a.speaker), _lower_words(b.speaker)
    return not (words_a <= words_b or words_b <= words_a)
