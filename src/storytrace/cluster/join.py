"""The learned join decision of the streaming clusterer: which story an article joins, if any.

Following Miranda et al. (2018, EMNLP), an incoming article is compared with
each candidate story on several similarities at once (body, title and names
TF-IDF cosines to the story's centroids, the embedding cosine when the
semantic layer runs, time gaps to the story's first and last article and
the gap measured in the story's own pace, story size), and two small models
decide:

* a *ranker* gives each candidate the probability that it is the article's
  story (logistic regression over the candidate's features);
* a *merge decision* looks at the best-ranked candidate (its features, its
  ranker probability and its lead over the runner-up) and says join or open a
  new story (logistic regression).

Both are trained by ``training/train_join.py`` on the development corpora
(Giveme5W1H, METER, the UCI aggregator sample) and ship as JSON: feature
names, standardisation, coefficients, and what they were trained on. Two
pairs ship: with the embedding features and without them (lexical).

Not here: computing the features (``stream``), candidate retrieval.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

LEXICAL_RANK_FEATURES = (
    "cos_body",
    "cos_title",
    "cos_names",
    "heavy_shared",
    "log_gap_last",
    "log_gap_first",
    "log_pace",
    "log_gap_per_pace",
    "no_date",
    "log_size",
    "body_margin",
)
SEMANTIC_RANK_FEATURES = (*LEXICAL_RANK_FEATURES, "cos_embed", "embed_margin")
DECISION_EXTRA = ("rank_p", "rank_lead", "log_candidates")
# The merge decision joins the best-ranked story when it gives at least this probability.
JOIN_MIN_PROBABILITY = 0.5
# "semantic": trained on MiniLM cosines; "static": on the static embedder's (``semantic.static``).
MODEL_FILES = {"semantic": "join_semantic.json", "static": "join_static.json", "lexical": "join_lexical.json"}


class JoinModelError(RuntimeError):
    """A shipped join model file is missing or malformed."""


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression over named features, standardised first."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """P(positive) of each row (a mapping that holds every feature name)."""
        weights, bias = self._folded()
        out = np.empty(len(rows))
        for k, row in enumerate(rows):
            # A handful of rows of a dozen features: a plain loop beats building numpy arrays.
            z = bias + sum(w * row[name] for name, w in weights)
            out[k] = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
        return out

    def _folded(self) -> tuple[tuple[tuple[str, float], ...], float]:
        """Weights and bias with the standardisation folded in: z = bias + sum(w * x)."""
        cached: tuple[tuple[tuple[str, float], ...], float] | None = self.__dict__.get("_folded_cache")
        if cached is None:
            w = self.coef / self.scale
            cached = (
                tuple(zip(self.features, (float(v) for v in w), strict=True)),
                float(self.intercept - float(self.mean @ w)),
            )
            object.__setattr__(self, "_folded_cache", cached)
        return cached

    def to_json(self) -> dict[str, object]:
        """The model as JSON-ready data (``from_json`` reads it back)."""
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> LinearModel:
        """Read a model written by ``to_json``, checking its shapes."""
        features = tuple(str(f) for f in data["features"])
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (len(features),) for a in arrays) or not np.all(np.isfinite(np.concatenate(arrays))):
            raise JoinModelError("join model: arrays do not match the feature list")
        return LinearModel(features, arrays[0], arrays[1], arrays[2], float(data["intercept"]))


@dataclass(frozen=True)
class JoinModel:
    """The ranker and the merge decision, used together."""

    ranker: LinearModel
    decision: LinearModel
    join_min: float = JOIN_MIN_PROBABILITY
    card: Mapping[str, Any] | None = None

    @property
    def semantic(self) -> bool:
        """True when the model reads the embedding features."""
        return "cos_embed" in self.ranker.features

    def choose(self, rows: Sequence[Mapping[str, float]]) -> int | None:
        """Index of the row (candidate story) to join, or None to open a new story."""
        return self.decide(rows)[0]

    def decide(self, rows: Sequence[Mapping[str, float]]) -> tuple[int | None, int | None, float | None]:
        """``choose``'s answer, the best-ranked row and the merge decision's probability of joining it.

        (None, None, None) without rows; (None, best, p) when ``p`` falls short of ``join_min``.
        """
        if not rows:
            return None, None, None
        rank = self.ranker.probability(rows)
        order = np.argsort(-rank, kind="stable")
        best = int(order[0])
        runner_up = float(rank[order[1]]) if len(rows) > 1 else 0.0
        row = decision_row(rows[best], float(rank[best]), runner_up, len(rows))
        p = float(self.decision.probability([row])[0])
        return (best if p >= self.join_min else None), best, p

    def to_json(self) -> dict[str, object]:
        """Card, both models and the join cut-off, as JSON-ready data."""
        return {
            **dict(self.card or {}),
            "ranker": self.ranker.to_json(),
            "decision": self.decision.to_json(),
            "join_min": self.join_min,
        }


def decision_row(best: Mapping[str, float], rank_p: float, runner_up: float, candidates: int) -> dict[str, float]:
    """The merge decision's features: the best candidate's, plus how it ranked."""
    return {**best, "rank_p": rank_p, "rank_lead": rank_p - runner_up, "log_candidates": math.log(candidates)}


def load_join_model(kind: str) -> JoinModel:
    """The shipped join model ``kind`` ("semantic" or "lexical")."""
    return _load(kind)


@cache
def _load(kind: str) -> JoinModel:
    name = MODEL_FILES[kind]
    try:
        raw = resources.files("storytrace.cluster").joinpath("models", name).read_text(encoding="utf-8")
        data = json.loads(raw)
        card = {k: v for k, v in data.items() if k not in ("ranker", "decision", "join_min")}
        return JoinModel(
            LinearModel.from_json(data["ranker"]),
            LinearModel.from_json(data["decision"]),
            float(data.get("join_min", JOIN_MIN_PROBABILITY)),
            card,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JoinModelError(f"join model {name}: {exc}") from exc
