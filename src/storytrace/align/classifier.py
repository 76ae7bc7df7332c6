"""The trained relation classifier: paraphrase / same_fact / related / unrelated.

``verbatim`` and ``near_verbatim`` are decided by rule on the token diff (the
same rules as ``LexicalRelations``); every other pair goes to a small
scikit-learn model trained by ``training/train_relations.py`` on MSRP train,
STS-B news and sentence pairs drawn from METER's word-level annotation. Two
models ship in ``align/models/``: one with the embedding cosine, used when the
semantic layer runs, and one on lexical features alone. The models are
gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier),
exported as plain arrays (``.npz``, read without pickle) and evaluated here
with numpy, level by level across all trees at once: no scikit-learn object is
unpickled at run time, and scoring a small batch takes well under a
millisecond instead of the few milliseconds of ``predict_proba``. Each comes
with a JSON card: feature list, classes, version, training data, and the
SHA-256 of the arrays, checked on load.

Not here: features (``features``), choosing which pairs to score (``match``).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import numpy as np

from storytrace.align.features import PairFeatures
from storytrace.align.relation import LexicalRelations, verbatim_rule
from storytrace.model import REUSE_RELATIONS

CLASSES = ("paraphrase", "same_fact", "related", "unrelated")
LEXICAL_FEATURES = (
    "dice",
    "bigram_dice",
    "plain_containment",
    "sequence",
    "local_char_cos",
    "edit_ratio",
    "token_set",
    "length_ratio",
    "names_jaccard",
    "names_unshared",
    "numbers_shared",
    "numbers_unshared",
    "numbers_conflict",
    "negation_mismatch",
    "word_count_min",
    "unshared_max",
    "unshared_min",
)
SEMANTIC_FEATURES = (*LEXICAL_FEATURES, "embed_cos")
# A pair is called a paraphrase when the model gives it this probability;
# below, the most probable of the other classes wins. Chosen by
# bench/quality/msrp.py --paraphrase-min: 10-fold accuracy 0.755 at 0.5 against 0.742
# at 0.6 and 0.702 at 0.7; the seeds score the same at 0.5 and 0.6.
PARAPHRASE_MIN_PROBABILITY = 0.5
# A reworded copy keeps some of its source's word order: nine in ten of the
# sentences METER annotators marked as derived (verbatim/rewrite words only)
# have a word-sequence ratio of at least 0.23 with their PA source sentence
# (training/train_relations.py --describe). A statement the model calls equivalent
# with less order in common is told independently: ``same_fact``.
PARAPHRASE_MIN_SEQUENCE = 0.23
# ... and some of its phrases: nine in ten of them share at least 12 % of
# word bigrams with their source (same table).
PARAPHRASE_MIN_BIGRAM_DICE = 0.12
# "semantic": trained on MiniLM cosines; "static": on the static embedder's (``semantic.static``).
MODEL_FILES = {"semantic": "relations_semantic", "static": "relations_static", "lexical": "relations_lexical"}


class ModelFileError(RuntimeError):
    """A shipped model file is missing or does not match its card."""


def feature_vector(f: PairFeatures, names: Sequence[str]) -> list[float]:
    """The named features of a pair, as floats, in order."""
    out = []
    for name in names:
        if name == "embed_cos":
            out.append(float(f.embed_cos if f.embed_cos is not None else 0.0))
        else:
            out.append(float(getattr(f, name)))
    return out


@dataclass(frozen=True)
class TreeEnsemble:
    """Boosted trees as flat arrays: one row per node, trees laid end to end.

    ``roots[t]`` is tree t's first node; tree t adds to class ``t % classes``.
    An inner node sends a row left when its feature is <= ``threshold`` (NaN:
    ``missing_left``); a leaf holds ``value``.
    """

    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    is_leaf: np.ndarray
    value: np.ndarray
    baseline: np.ndarray  # raw score of each class before any tree
    depth: int

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Raw class scores (n x classes) of the feature rows ``x``."""
        if not np.isnan(x).any():
            return self._raw_complete(x)
        n, classes = x.shape[0], self.baseline.shape[0]
        node = np.tile(self.roots, (n, 1))
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):
            leaf = self.is_leaf[node]
            if leaf.all():
                break
            values = x[rows, self.feature[node]]
            go_left = np.where(np.isnan(values), self.missing_left[node], values <= self.threshold[node])
            node = np.where(leaf, node, np.where(go_left, self.left[node], self.right[node]))
        scores: np.ndarray = self.value[node].reshape(n, -1, classes).sum(axis=1) + self.baseline
        return scores

    @cached_property
    def _paths(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Feature, threshold and children (``2 * node + goes left``) with every leaf its own child.

        A leaf compares feature 0 with +inf and leads to itself, so rows without
        NaN walk every tree ``depth`` levels with no test for leaves.
        """
        feature = np.where(self.is_leaf, 0, self.feature).astype(np.intp)
        threshold = np.where(self.is_leaf, np.inf, self.threshold).astype(float)
        nodes = np.arange(len(self.feature))
        right = np.where(self.is_leaf, nodes, self.right)
        left = np.where(self.is_leaf, nodes, self.left)
        children = np.stack([right, left], axis=1).ravel().astype(np.intp)
        return feature, threshold, children

    def _raw_complete(self, x: np.ndarray) -> np.ndarray:
        """``raw`` of rows without NaN: the same leaves, found with fewer array operations per level."""
        n, classes = x.shape[0], self.baseline.shape[0]
        feature, threshold, children = self._paths
        flat = np.ascontiguousarray(x, dtype=float).ravel()
        base = (np.arange(n) * x.shape[1])[:, None]
        node = np.tile(self.roots.astype(np.intp), (n, 1))
        for _ in range(self.depth):
            go_left = flat[base + feature[node]] <= threshold[node]
            node = children[2 * node + go_left]
        scores: np.ndarray = self.value[node].reshape(n, -1, classes).sum(axis=1) + self.baseline
        return scores

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Softmax of the raw scores."""
        raw = self.raw(x)
        raw -= raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        out: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return out


TREE_ARRAYS = ("roots", "feature", "threshold", "missing_left", "left", "right", "is_leaf", "value", "baseline")


def ensemble_from_arrays(arrays: Mapping[str, np.ndarray]) -> TreeEnsemble:
    """A ``TreeEnsemble`` from the arrays of a model file."""
    parts = {name: np.asarray(arrays[name]) for name in TREE_ARRAYS}
    return TreeEnsemble(**parts, depth=int(np.asarray(arrays["depth"])))


@dataclass(frozen=True)
class RelationModel:
    """A fitted classifier (anything with ``probabilities(x)``, columns in ``classes`` order) and its card."""

    estimator: Any
    features: tuple[str, ...]
    classes: tuple[str, ...]
    card: dict[str, Any]

    def probabilities(self, rows: Sequence[PairFeatures]) -> np.ndarray:
        """Class probabilities (columns in ``self.classes`` order) of each pair."""
        if not rows:
            return np.zeros((0, len(self.classes)))
        x = np.array([feature_vector(f, self.features) for f in rows], dtype=float)
        if hasattr(self.estimator, "predict_proba"):  # a scikit-learn estimator (benchmarks)
            # One thread: batches are small, and OpenMP threads spinning beside torch's
            # (or another process) slow scoring down by orders of magnitude on 2 cores.
            with _threadpools().limit(limits=1, user_api="openmp"):
                proba: np.ndarray = self.estimator.predict_proba(x)
            order = [list(self.estimator.classes_).index(c) for c in self.classes]
            return proba[:, order]
        result: np.ndarray = self.estimator.probabilities(x)
        return result


@cache
def _threadpools() -> Any:
    """The process's thread pools, found once (finding them reads /proc: 4 ms a time)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def load_model(kind: str) -> RelationModel:
    """Load and check the shipped model ``kind`` ("semantic" or "lexical")."""
    return _load_model(kind)


@cache
def _load_model(kind: str) -> RelationModel:
    stem = MODEL_FILES[kind]
    folder = resources.files("storytrace.align") / "models"
    try:
        card = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
        blob = (folder / f"{stem}.npz").read_bytes()
    except OSError as e:
        raise ModelFileError(f"relation model {stem} is missing: {e}") from None
    if hashlib.sha256(blob).hexdigest() != card.get("sha256"):
        raise ModelFileError(f"relation model {stem}.npz does not match its card (sha256)")
    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        ensemble = ensemble_from_arrays(arrays)
    return RelationModel(ensemble, tuple(card["features"]), tuple(card["classes"]), card)


class TrainedRelations:
    """Rule for verbatim / near_verbatim, trained model for the rest."""

    def __init__(
        self, semantic: RelationModel | None = None, lexical: RelationModel | None = None, copy_evidence: bool = True
    ) -> None:
        self.semantic = semantic or load_model("semantic")
        self.lexical = lexical or load_model("lexical")
        self.rules = LexicalRelations()
        self.copy_evidence = copy_evidence  # see ``_combine``

    def relation(self, features: PairFeatures) -> tuple[str, float] | None:
        """The relation and its probability for one pair, or None when unrelated."""
        return self.relations([features])[0]

    def relations(self, features: Sequence[PairFeatures]) -> list[tuple[str, float] | None]:
        """The relation of each pair, or None where the model says ``unrelated``."""
        return [None if name == "unrelated" else (name, p) for name, p in self.verdicts(features)]

    def verdicts(self, features: Sequence[PairFeatures]) -> list[tuple[str, float]]:
        """Relation (``unrelated`` included) and its score of each pair, one model batch per kind."""
        out: list[tuple[str, float] | None] = [verbatim_rule(f) for f in features]
        for model, wants_embedding in ((self.semantic, True), (self.lexical, False)):
            todo = [k for k, f in enumerate(features) if out[k] is None and _has_embedding(f) == wants_embedding]
            if not todo:
                continue
            proba = model.probabilities([features[k] for k in todo])
            for k, row in zip(todo, proba, strict=True):
                out[k] = self._combine(features[k], decide(row, model.classes))
        return [v for v in out if v is not None]

    def _combine(self, f: PairFeatures, model_says: tuple[str, float]) -> tuple[str, float]:
        """Merge the model's verdict with the lexical rules.

        Alone (``pairs``), the model's verdict stands, with ``paraphrase`` kept
        only where some word order and phrasing survive (else ``same_fact``).
        Between articles (``copy_evidence``), calling a pair ``paraphrase``
        claims that one outlet copied the other, so the lexical rules must see
        the copy; a pair the model finds equivalent without that evidence is
        the same fact, independently told. Either way the model drops pairs it
        finds unrelated, and the lexical rules, with the story's rare names and
        numbers (``anchors``), split the rest into same_fact and related.
        """
        name, score = model_says
        if name == "unrelated":
            return model_says
        lexical = self.rules.relation(f)
        if self.copy_evidence:
            if lexical is not None and lexical[0] in REUSE_RELATIONS:
                return lexical
            if name == "paraphrase":
                return "same_fact", score
        elif name == "paraphrase":
            kept = f.sequence >= PARAPHRASE_MIN_SEQUENCE and f.bigram_dice >= PARAPHRASE_MIN_BIGRAM_DICE
            return model_says if kept else ("same_fact", score)
        if lexical is None or lexical[0] in REUSE_RELATIONS:
            return model_says  # "paraphrase" was settled above
        return lexical[0], score


def decide(proba: np.ndarray, classes: Sequence[str]) -> tuple[str, float]:
    """The relation a row of class probabilities names (see ``PARAPHRASE_MIN_PROBABILITY``, read at call time)."""
    para = classes.index("paraphrase")
    if proba[para] >= PARAPHRASE_MIN_PROBABILITY:
        return "paraphrase", round(float(proba[para]), 3)
    rest = [k for k in range(len(classes)) if k != para]
    best = max(rest, key=lambda k: float(proba[k]))
    if float(proba[best]) < float(proba[para]) and classes[best] != "same_fact":
        best = classes.index("same_fact")  # a likely-but-unsure rewording is at least the same fact
    return classes[best], round(float(proba[best]), 3)


def _has_embedding(f: PairFeatures) -> bool:
    return f.embed_cos is not None


def embedding_model(kind: str) -> RelationModel:
    """The relation model that reads the cosines of ``kind`` (``semantic.embed.model_kind``): MiniLM's by default."""
    return load_model("static" if kind == "static" else "semantic")


def default_scorer(kind: str = "semantic") -> TrainedRelations | LexicalRelations:
    """The trained scorer (its embedding model trained on the cosines of ``kind``, see ``model_kind``), or the rules.

    The lexical rules stand in when the model files cannot be used.
    """
    try:
        return TrainedRelations(semantic=embedding_model(kind))
    except ModelFileError:
        return LexicalRelations()
