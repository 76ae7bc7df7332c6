"""Experiment: a learned join decision for the streaming clusterer, trained on one corpus, scored on the other.

    .venv/bin/python bench/stream_learned.py

The stream is replayed with gold assignments to collect, for every article,
its candidate stories (as ``StreamClusterer`` finds them) with features: cosine
to the centroid, share of heavy terms hit, days to the story's last and first
article, story size, and the gap to the best candidate's cosine. A logistic
regression fitted on Giveme5W1H dev decides joins on METER dev and vice versa
(never scored on the stories it was trained on). Printed next to the fixed
cosine cut that ships. A first step toward Miranda et al. (2018).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from _data import DEFAULT_DATA
from cluster_quality import Corpus, build, labels_from_groups, load_corpora, score
from storytrace.cluster import stream as S
from storytrace.cluster.grouping import content_words, story_document_of


def feats(cl: S.StreamClusterer, vector: dict[str, float], when: float) -> list[tuple[int, list[float]]]:
    """Each candidate story of the clusterer with its join features."""
    rows = []
    for sid, shared, cos in cl.candidates(vector, when):
        st = cl.stories[sid]
        gap_last = 0.0 if math.isnan(when) or math.isnan(st.last) else abs(when - st.last) / 86400
        gap_first = 0.0 if math.isnan(when) or math.isnan(st.first) else abs(when - st.first) / 86400
        size = math.log1p(len(st.members))
        rows.append((sid, [cos, shared / S.INDEX_TERMS, math.log1p(gap_last), math.log1p(gap_first), size]))
    best = max((f[0] for _, f in rows), default=0.0)
    for _, f in rows:
        f.append(f[0] - best)
    return rows


def replay(corpus: Corpus, decide: Any) -> np.ndarray:
    """Run the stream in date order; ``decide(k, rows)`` names the story (or None) for article ``k``."""
    cl = S.StreamClusterer()
    labels = np.zeros(len(corpus.prepared), dtype=int)
    order = sorted(range(len(corpus.prepared)), key=lambda k: (corpus.prepared[k].article.published or "~", k))
    for k in order:
        p = corpus.prepared[k]
        vector = cl.vector_of(story_document_of(content_words(p), p.article.title))
        when = S._seconds(p.article.published)
        labels[k] = cl.place(decide(k, feats(cl, vector, when)), vector, when)
    return labels


def train_rows(corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    """Candidate features and labels (1: the gold story) from a replay with gold assignments."""
    x: list[list[float]] = []
    y: list[int] = []
    story_of_gold: dict[int, int] = {}
    next_story = [0]

    def oracle(k: int, rows: list[tuple[int, list[float]]]) -> int | None:
        gold = int(corpus.gold[k])
        for sid, f in rows:
            x.append(f)
            y.append(int(story_of_gold.get(gold) == sid))
        if gold not in story_of_gold:
            story_of_gold[gold] = next_story[0]
            next_story[0] += 1
            return None
        return story_of_gold[gold]

    replay(corpus, oracle)
    return np.array(x), np.array(y)


def run(corpus: Corpus, model: Any, t: float) -> np.ndarray:
    """Story labels when the model decides: join the most probable candidate if P >= t."""

    def learned(_: int, rows: list[tuple[int, list[float]]]) -> int | None:
        if not rows:
            return None
        proba = model.predict_proba(np.array([f for _, f in rows]))[:, 1]
        best = int(np.argmax(proba))
        return rows[best][0] if proba[best] >= t else None

    return replay(corpus, learned)


def main() -> int:
    named = load_corpora(DEFAULT_DATA, "story")
    if len(named) < 2:
        print("skipped: Giveme5W1H and METER are both needed")
        return 0
    corpora = [build(n, i) for n, i in named]
    data = {c.name: train_rows(c) for c in corpora}
    for c in corpora:
        other = [o for o in corpora if o.name != c.name][0]
        x, y = data[other.name]
        model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
        fixed = score(labels_from_groups(S.stream_groups(c.prepared), len(c.prepared)), c.gold)
        print(f"{c.name}: fixed cut {S.STREAM_JOIN_MIN}: B3 P/R/F1 {fixed.b3_p:.3f}/{fixed.b3_r:.3f}/{fixed.b3_f1:.3f}")
        for t in (0.3, 0.4, 0.5, 0.6):
            s = score(run(c, model, t), c.gold)
            print(f"  learned on {other.name}, join at P >= {t}: B3 P/R/F1 {s.b3_p:.3f}/{s.b3_r:.3f}/{s.b3_f1:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
