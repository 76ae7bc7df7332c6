"""The relation of each of many text pairs (the ``pairs`` command's core).

Each text is taken whole (a sentence or a short passage): features, the
embedding cosine when an embedder is given, then the verbatim rules and the
trained classifier. A batch of pairs is embedded in one call, so the model
sees full batches and each distinct text is encoded once.

Not here: reading and writing JSONL (``cli``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from storytrace.align.classifier import TrainedRelations
from storytrace.align.features import PairFeatures, count_cosine, describe, pair_features
from storytrace.model import REUSE_RELATIONS
from storytrace.semantic import Embedder


@dataclass(frozen=True)
class PairVerdict:
    """What ``pairs`` says of one pair."""

    id: str | int  # as the input gave it
    relation: str  # one of RELATIONS, or "unrelated"
    score: float  # the rule's ratio, or the classifier's probability of ``relation``
    paraphrase: bool  # verbatim, near_verbatim or paraphrase

    def as_json(self) -> dict[str, object]:
        """The output record of CONTRACT.md."""
        return {"id": self.id, "relation": self.relation, "score": self.score, "paraphrase": self.paraphrase}


def text_pair_features(a: Sequence[str], b: Sequence[str], embedder: Embedder | None) -> list[PairFeatures]:
    """Pair-local features of ``a[k]`` vs ``b[k]`` (with embedding cosines if an embedder is given)."""
    cos: list[float | None] = [None] * len(a)
    if embedder is not None and len(a):
        vectors = embedder.encode(list(a) + list(b))
        cos = [float(x) for x in np.sum(vectors[: len(a)] * vectors[len(a) :], axis=1)]
    out = []
    for x, y, c in zip(a, b, cos, strict=True):
        ix, iy = describe(x), describe(y)
        word_cos = count_cosine(Counter(ix.stems), Counter(iy.stems))
        f = pair_features(ix, iy, word_cos, 0.0, {}, c)
        out.append(replace(f, char_cos=f.local_char_cos))  # alone, the pair is its own group
    return out


def classify_pairs(
    items: Sequence[tuple[str | int, str, str]], scorer: TrainedRelations, embedder: Embedder | None = None
) -> list[PairVerdict]:
    """Verdicts for ``(id, a, b)`` items, in order."""
    feats = text_pair_features([i[1] for i in items], [i[2] for i in items], embedder)
    return [
        PairVerdict(pair_id, name, score, name in REUSE_RELATIONS)
        for (pair_id, _, _), (name, score) in zip(items, scorer.verdicts(feats), strict=True)
    ]
