"""Name the relation between two aligned sentences (or passages) from their features.

``verbatim`` and ``near_verbatim`` are decided on the word sequence alone
(``SequenceMatcher`` over normalised words, so quotes, case and punctuation do
not count). Below that, lexical rules separate a reworded statement
(``paraphrase``: most content words shared, in much the same order), the same
fact told independently (``same_fact``: strong overlap, or a shared rare name
or number), and the same topic (``related``).

The thresholds are named below with how they were set. They are a first,
lexical layer; the trained relation classifier of a later issue replaces the
paraphrase / same_fact / related rules behind the same ``RelationScorer``
interface.

Not here: choosing which sentences align (``match``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from storytrace.align.features import PairFeatures

# Same sentence with a few words changed: at least 80 % of the word sequence in
# common and lengths within 20 % (one or two substitutions in a 10-word sentence).
NEAR_VERBATIM_MIN_SEQUENCE = 0.8
NEAR_VERBATIM_MIN_LENGTH_RATIO = 0.8
# Reworded statement: half the content stems shared (Dice) and the word order
# still visible (a sequence ratio of 0.4 is far above that of independent
# sentences on one topic, which sit around 0.1-0.2 on the seeds and demo corpus).
PARAPHRASE_MIN_DICE = 0.5
PARAPHRASE_MIN_SEQUENCE = 0.4
# The same fact: a combined similarity of 0.25 with a third of the rarer words
# shared, or a weaker similarity held up by a shared rare name or number.
SAME_FACT_MIN_SIMILARITY = 0.25
SAME_FACT_MIN_CONTAINMENT = 0.3
SAME_FACT_ANCHORED_MIN_SIMILARITY = 0.15
# Below this, two sentences are not aligned at all.
RELATED_MIN_SIMILARITY = 0.12


class RelationScorer(Protocol):
    """Anything that names the relation of a sentence pair, or None for no relation."""

    def relation(self, features: PairFeatures) -> tuple[str, float] | None:
        """The relation and its score for a pair, or None when the pair is not aligned."""
        ...

    def relations(self, features: Sequence[PairFeatures]) -> list[tuple[str, float] | None]:
        """``relation`` of many pairs at once (a model scores them in one batch)."""
        ...


def verbatim_rule(f: PairFeatures) -> tuple[str, float] | None:
    """``verbatim`` or ``near_verbatim`` decided on the token diff, or None for neither."""
    if f.identical:
        return "verbatim", 1.0
    if f.sequence >= NEAR_VERBATIM_MIN_SEQUENCE and f.length_ratio >= NEAR_VERBATIM_MIN_LENGTH_RATIO:
        return "near_verbatim", round(f.sequence, 3)
    return None


class LexicalRelations:
    """The rule-based lexical scorer."""

    def relations(self, features: Sequence[PairFeatures]) -> list[tuple[str, float] | None]:
        """``relation`` of each pair."""
        return [self.relation(f) for f in features]

    def relation(self, features: PairFeatures) -> tuple[str, float] | None:
        """The relation and a confidence-like score in [0, 1], or None."""
        f = features
        rule = verbatim_rule(f)
        if rule:
            return rule
        score = round(f.similarity, 3)
        if f.dice >= PARAPHRASE_MIN_DICE and f.sequence >= PARAPHRASE_MIN_SEQUENCE:
            return "paraphrase", max(score, round(f.dice, 3))
        if f.similarity >= SAME_FACT_MIN_SIMILARITY and f.containment >= SAME_FACT_MIN_CONTAINMENT:
            return "same_fact", score
        if f.similarity >= SAME_FACT_ANCHORED_MIN_SIMILARITY and f.anchors > 0:
            return "same_fact", score
        if f.similarity >= RELATED_MIN_SIMILARITY:
            return "related", score
        return None
