"""The trained METER derivation classifier: read from JSON, it labels a copy from its features.

``DerivationModel`` loads a classifier fitted on METER
(Gaizauskas et al. 2001; ``training/train_derivation.py``) from
``align/models/derivation.json`` and labels the copy ``wholly_derived``,
``partially_derived`` or ``non_derived``; ``confidence`` is the calibrated probability that it derives at all.
The model file is plain JSON (scaler and logistic-regression coefficients, or tree dumps), read
without scikit-learn.

Not here: the features (``align.derivation``), training (``training/train_derivation.py``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from storytrace.align.derivation import ALIGNER_FEATURES
from storytrace.model import DERIVATIONS

MODEL_FILE = Path(__file__).resolve().parent / "models" / "derivation.json"
MODEL_FORMAT = "storytrace-derivation/1"


@dataclass(frozen=True)
class _Head:
    """One fitted classifier: a linear model over standardised features, or additive trees."""

    classes: tuple[str, ...]
    kind: str
    params: Mapping[str, Any]

    def scores(self, x: Sequence[float]) -> list[float]:
        """Raw decision scores: one per class, or one (for ``classes[1]``) when there are two classes."""
        if self.kind == "linear":
            z = [(v - m) / s for v, m, s in zip(x, self.params["mean"], self.params["scale"], strict=True)]
            return [
                b + sum(c * v for c, v in zip(row, z, strict=True))
                for row, b in zip(self.params["coef"], self.params["intercept"], strict=True)
            ]
        if self.kind == "trees":
            out = [float(v) for v in self.params["init"]]
            rate = float(self.params["learning_rate"])
            for tree in self.params["trees"]:
                out[tree["output"]] += rate * _tree_value(tree, x)
            return out
        raise ValueError(f"unknown model kind {self.kind!r}")

    def predict(self, x: Sequence[float]) -> str:
        """The class with the highest score."""
        s = self.scores(x)
        if len(s) == 1:
            return self.classes[1] if s[0] > 0 else self.classes[0]
        return self.classes[max(range(len(s)), key=s.__getitem__)]


def _tree_value(tree: Mapping[str, Any], x: Sequence[float]) -> float:
    node = 0
    left, right = tree["left"], tree["right"]
    while left[node] >= 0:
        node = left[node] if x[tree["feature"][node]] <= tree["threshold"][node] else right[node]
    return float(tree["value"][node])


@dataclass(frozen=True)
class DerivationModel:
    """A fitted METER derivation classifier read from JSON.

    ``predict`` gives the three-way label; ``derived`` says whether the copy
    derives from the source at all, with the dedicated binary model when the
    file has one.
    """

    version: str
    features: tuple[str, ...]
    three_way: _Head
    binary: _Head | None
    meta: Mapping[str, Any]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DerivationModel:
        """A model from the parsed JSON of a model file."""
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} model: format {data.get('format')!r}")
        features = tuple(str(f) for f in data["features"])
        three_way = _head(data["three_way"], len(features))
        if set(three_way.classes) != set(DERIVATIONS):
            raise ValueError(f"three-way classes {three_way.classes} are not {DERIVATIONS}")
        binary = _head(data["binary"], len(features)) if data.get("binary") else None
        meta = {k: v for k, v in data.items() if k not in ("three_way", "binary")}
        return cls(str(data["version"]), features, three_way, binary, meta)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> DerivationModel:
        """A model from a JSON file."""
        with path.open(encoding="utf-8") as f:
            return cls.from_dict(json.load(f))

    @property
    def uses_aligner(self) -> bool:
        """Whether any input feature comes from the aligner (``ALIGNER_FEATURES``)."""
        return any(f in ALIGNER_FEATURES for f in self.features)

    def vector(self, features: Mapping[str, float]) -> list[float]:
        """The model's inputs in its order; raises ValueError naming any that are missing."""
        absent = [f for f in self.features if f not in features]
        if absent:
            raise ValueError(f"missing derivation features: {', '.join(absent)}")
        return [float(features[f]) for f in self.features]

    def predict(self, features: Mapping[str, float]) -> str:
        """``wholly_derived``, ``partially_derived`` or ``non_derived``."""
        return self.three_way.predict(self.vector(features))

    def confidence(self, features: Mapping[str, float]) -> float | None:
        """The calibrated probability that the copy derives from the source at all (None: the file has none).

        The binary model's score, mapped to a probability by the logistic
        (Platt) fit of ``calibration`` on out-of-fold scores of the training
        corpus (training/train_derivation.py), so that of the pairs given 0.8
        about four in five were derived there.
        """
        calibration = self.meta.get("calibration")
        if self.binary is None or not calibration:
            return None
        scores = self.binary.scores(self.vector(features))
        if len(scores) == 1:
            score = scores[0] if self.binary.classes[1] == "derived" else -scores[0]
        else:
            score = scores[self.binary.classes.index("derived")] - scores[self.binary.classes.index("non_derived")]
        z = float(calibration["slope"]) * score + float(calibration["intercept"])
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def derived(self, features: Mapping[str, float]) -> bool:
        """Whether the copy is wholly or partially derived from the source."""
        x = self.vector(features)
        if self.binary is not None:
            return self.binary.predict(x) != "non_derived"
        return self.three_way.predict(x) != "non_derived"


def _head(data: Mapping[str, Any], n_features: int) -> _Head:
    head = _Head(tuple(str(c) for c in data["classes"]), str(data["kind"]), data["params"])
    if head.kind == "linear":
        sizes = {len(head.params["mean"]), len(head.params["scale"]), *(len(r) for r in head.params["coef"])}
        if sizes != {n_features}:
            raise ValueError(f"linear model sizes {sorted(sizes)} do not match {n_features} features")
    elif head.kind == "trees":
        if any(f >= n_features for t in head.params["trees"] for f in t["feature"]):
            raise ValueError("a tree uses a feature index beyond the feature list")
    else:
        raise ValueError(f"unknown model kind {head.kind!r}")
    return head


@lru_cache(maxsize=1)
def load_derivation_model() -> DerivationModel:
    """The shipped model (``align/models/derivation.json``), loaded once."""
    return DerivationModel.load(MODEL_FILE)
