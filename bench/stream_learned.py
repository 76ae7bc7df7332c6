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
from collections import Counter
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from _data import DEFAULT_DATA
from cluster_quality import Corpus, build, labels_from_groups, load_corpora, score
from storytrace.cluster import stream as S
from storytrace.cluster.grouping import content_words, story_document_of


def feats(cl: S.StreamClusterer, vector: dict[str, float], when: float) -> list[tuple[int, list[float]]]:
    heavy = sorted(vector, key=vector.__getitem__, reverse=True)[: S.INDEX_TERMS]
    hits: Counter[int] = Counter()
    for t in heavy:
        hits.update(cl.index.get(t, ()))
    rows = []
    for sid, h in hits.most_common(S.MAX_CANDIDATES):
        st = cl.stories[sid]
        if not math.isnan(when) and not math.isnan(st.last):
            if when - st.last > cl.window_days * 86400 or st.first - when > cl.window_days * 86400:
                continue
        dot = sum(w * st.centroid.get(t, 0.0) for t, w in vector.items())
        cos = dot / math.sqrt(st.norm2) if st.norm2 else 0
        gl = 0 if math.isnan(when) or math.isnan(st.last) else abs(when - st.last) / 86400
        gf = 0 if math.isnan(when) or math.isnan(st.first) else abs(when - st.first) / 86400
        rows.append((sid, [cos, h / S.INDEX_TERMS, math.log1p(gl), math.log1p(gf), math.log1p(len(st.members))]))
    if rows:
        best = max(r[1][0] for r in rows)
        for _, f in rows:
            f.append(f[0] - best)
    return rows


def ordered(corpus: Corpus) -> list[int]:
    P = corpus.prepared
    return sorted(range(len(P)), key=lambda k: (P[k].article.published or "~", k))


def train_rows(corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    cl = S.StreamClusterer()
    X = []
    y = []
    gold_to_sid = {}
    for k in ordered(corpus):
        p = corpus.prepared[k]
        w = content_words(p)
        doc = story_document_of(w, p.article.title)
        terms = doc.split()
        cl.seen += 1
        cl.df.update(set(terms))
        when = S._seconds(p.article.published)
        v = cl._vector(terms)
        g = corpus.gold[k]
        for sid, f in feats(cl, v, when):
            X.append(f)
            y.append(int(gold_to_sid.get(g) == sid))
        if g not in gold_to_sid:
            cl.stories.append(S._Story())
            gold_to_sid[g] = len(cl.stories) - 1
        sid = gold_to_sid[g]
        cl._join(sid, v, when)
        cl.stories[sid].members.append(k)
        cl.story_of.append(sid)
    return np.array(X), np.array(y)


def run(corpus: Corpus, model: Any, t: float = 0.5) -> np.ndarray:
    cl = S.StreamClusterer()
    labels = {}
    for k in ordered(corpus):
        p = corpus.prepared[k]
        w = content_words(p)
        doc = story_document_of(w, p.article.title)
        terms = doc.split()
        cl.seen += 1
        cl.df.update(set(terms))
        when = S._seconds(p.article.published)
        v = cl._vector(terms)
        rows = feats(cl, v, when)
        sid = None
        if rows:
            pr = model.predict_proba(np.array([f for _, f in rows]))[:, 1]
            i = int(np.argmax(pr))
            if pr[i] >= t:
                sid = rows[i][0]
        if sid is None:
            cl.stories.append(S._Story())
            sid = len(cl.stories) - 1
        cl._join(sid, v, when)
        cl.stories[sid].members.append(k)
        labels[k] = sid
    return np.array([labels[k] for k in range(len(corpus.prepared))])


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
