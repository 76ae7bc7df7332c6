"""The rules of joining: a candidate story and its features, who decides, and what rules a candidate out.

A ``Candidate`` is a story with the join features of an article against it; a ``JoinDecider`` picks one or
none. The learned join model (``cluster.join``) is the default decider (``default_join``, ``join_for``: one
model per embedder, so that every entry point gets one set of stories); ``FixedJoin`` keeps the earlier rule
(join the most similar story when the body cosine reaches a cut-off) as the baseline the benchmarks compare
against. Weak evidence joins nothing (``has_evidence``).

A candidate story must name something that only this article and a few
others name (``names_distinct``): an article whose title words or names
include distinctive ones (in at most ``stream.DISTINCT_SHARE`` of the documents seen)
joins only a titled story whose titles or names hold one of them. A wire
feed's templated series (dividends, quarterly results, bond issues of
different companies: the same words, another company in the title) are then
not joined into one story. Numbers, months and weekdays name no story (``names_a_date``).

Not here: finding the candidates and their features (``cluster.stream``), the learned model's form and
training (``cluster.join``, ``training/train_join.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from storytrace.cluster.centroids import StreamStory
from storytrace.cluster.join import JoinModel, load_join_model
from storytrace.semantic.embed import Embedder, model_kind
from storytrace.text.tokens import stem

# The rule of ``FixedJoin``: join the best candidate when its body cosine reaches this.
STREAM_JOIN_MIN = 0.2
# A candidate story that shares no title term and no name with the article needs this body cosine (``has_evidence``).
# 0.25 rather than the fixed rule's 0.2 since the background frequencies widened the IDF scale; no held-out figure of
# bench/quality/cluster_quality.py --learned moves between the two.
WEAK_EVIDENCE_MIN = 0.25


@dataclass(frozen=True)
class Candidate:
    """A candidate story for an article, with its join features."""

    story: int
    features: dict[str, float]


class JoinDecider(Protocol):
    """Picks the candidate to join (its index in the list), or None for a new story."""

    def choose(self, rows: Sequence[Mapping[str, float]]) -> int | None:
        """Index of the row to join, or None."""
        ...


@dataclass(frozen=True)
class FixedJoin:
    """The hand-set rule: the candidate with the highest body cosine, if it reaches ``join_min``."""

    join_min: float = STREAM_JOIN_MIN

    def choose(self, rows: Sequence[Mapping[str, float]]) -> int | None:
        """The row with the highest ``cos_body`` at or above ``join_min``, or None."""
        best, best_score = None, self.join_min
        for k, row in enumerate(rows):
            if row["cos_body"] >= best_score:
                best, best_score = k, row["cos_body"]
        return best


def default_join(semantic: bool, kind: str = "semantic") -> JoinModel:
    """The shipped learned join model, with or without the embedding features (trained on ``kind``'s cosines)."""
    return load_join_model(kind if semantic else "lexical")


def join_for(embedder: Embedder | None) -> JoinModel:
    """The join model every entry point uses with ``embedder``: the one trained on its cosines, or the lexical one.

    ``cluster``, ``ingest``, ``analyze``, the web UI's upload and Spark's replay all ask here, so that one
    input gets one set of stories whichever of them runs it.
    """
    return load_join_model(model_kind(embedder))


def has_evidence(features: Mapping[str, float]) -> bool:
    """Whether a candidate shares a title term or a name with the article, or reaches ``WEAK_EVIDENCE_MIN`` on body."""
    return features["cos_title"] > 0 or features["cos_names"] > 0 or features["cos_body"] >= WEAK_EVIDENCE_MIN


def decide(decider: JoinDecider, rows: Sequence[Mapping[str, float]]) -> tuple[int | None, int | None, float | None]:
    """The row to join (or None), the best-ranked row, and the probability of joining it (None if not told)."""
    if isinstance(decider, JoinModel):
        return decider.decide(rows)
    chosen = decider.choose(rows)
    return chosen, chosen, None


_CALENDAR = frozenset(
    stem(w)
    for w in (
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    )
)


def names_a_date(term: str) -> bool:
    """Numbers, ordinals, months and weekdays ("1st", "31", "april") name no story: a results series repeats them."""
    return term in _CALENDAR or any(ch.isdigit() for ch in term)


def names_distinct(story: StreamStory, distinct: set[str]) -> bool:
    """Whether an untitled story, or a titled one whose titles or names hold one of the ``distinct`` terms."""
    return not story.title or any(t in story.title or t in story.names for t in distinct)


def set_margins(rows: Sequence[Candidate]) -> None:
    """Each candidate's body and embedding cosines less the best of ``rows`` (its ``*_margin`` features)."""
    best_body = max((c.features["cos_body"] for c in rows), default=0.0)
    best_embed = max((c.features["cos_embed"] for c in rows), default=0.0)
    for c in rows:
        c.features["body_margin"] = c.features["cos_body"] - best_body
        c.features["embed_margin"] = c.features["cos_embed"] - best_embed
