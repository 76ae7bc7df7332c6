"""Training and cross-validation of the streaming clusterer's learned join (``storytrace.cluster.join``).

The labelled corpora (Giveme5W1H dev, METER dev PA + newspaper texts, the UCI
aggregator headlines) are replayed as streams with the gold assignments: for
every article that the duplicate index does not place, the candidate stories
the clusterer retrieves are recorded with their join features and whether
each is the article's gold story (an *event*). ``fit_join`` fits the ranker on
every candidate row and the merge decision on the best-ranked candidate of
each event. ``held_out_b3`` scores a corpus with models that never saw the
stories they are scored on (k-fold by gold story, the whole corpus streamed
each time so the held-out articles meet every distractor).

Read by ``training/train_join.py`` and ``bench/quality/cluster_quality.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from _data import (
    GIVEME_FILE,
    METER_NEWSPAPERS,
    METER_PA,
    Labelled,
    load_giveme,
    load_meter_newspapers,
    load_meter_pa,
    missing,
    read_jsonl,
)
from storytrace.align.compare import Prepared, prepare
from storytrace.cluster import stream as S
from storytrace.cluster.dedup import word_shingles
from storytrace.cluster.grouping import content_words
from storytrace.cluster.join import (
    DECISION_EXTRA,
    LEXICAL_RANK_FEATURES,
    SEMANTIC_RANK_FEATURES,
    JoinModel,
    LinearModel,
    decision_row,
)
from storytrace.cluster.join_rules import FixedJoin
from storytrace.cluster.stream_item import embedding_text, stream_item
from storytrace.model import Article
from storytrace.published import order_key, published_seconds

UCI_FILE = Path("uci-news-aggregator-sample") / "headlines.jsonl"
FOLDS = 5
C = 1.0  # logistic regression regularisation (scikit-learn's default)


@dataclass
class StreamCorpus:
    """A labelled corpus ready to stream: prepared articles, gold story numbers, embeddings (or None)."""

    name: str
    prepared: list[Prepared]
    gold: np.ndarray
    embeddings: np.ndarray | None = None

    def embed_lookup(self) -> Callable[[list[str]], np.ndarray] | None:
        """An ``embed`` function for ``stream_labels`` answering from the precomputed vectors."""
        if self.embeddings is None:
            return None
        by_text = dict(zip(self.texts(), self.embeddings, strict=True))
        return lambda texts: np.stack([by_text[t] for t in texts])

    def texts(self) -> list[str]:
        return [embedding_text(p.article.title, content_words(p)) for p in self.prepared]


@dataclass(frozen=True)
class Event:
    """One decision of the stream: the candidates of an article and which is its gold story."""

    corpus: str
    article: int
    gold: int
    rows: list[dict[str, float]]
    is_gold: list[bool]


def load_uci(data: Path) -> list[Labelled]:
    """The UCI aggregator headlines (title only, no date); the story is the aggregator's cluster."""
    out = []
    for r in read_jsonl(data / UCI_FILE):
        title = str(r["title"])
        out.append(
            Labelled(Article(id=f"uci{r['id']}", text=title, title=title, source=r.get("publisher")), r["story"])
        )
    return out


def load_labelled(data: Path, say: Callable[[str], None] = print) -> list[tuple[str, list[Labelled]]]:
    """The corpora present under ``data`` (each skipped with a line when absent)."""
    out: list[tuple[str, list[Labelled]]] = []
    if (absent := missing(data, GIVEME_FILE)) is None:
        out.append(("giveme5w1h", load_giveme(data)))
    else:
        say(f"skipped giveme5w1h: {absent} not found")
    if (absent := missing(data, METER_NEWSPAPERS, METER_PA)) is None:
        items = [Labelled(m.article, m.story) for m in load_meter_newspapers(data)]
        out.append(("meter", items + list(load_meter_pa(data).values())))
    else:
        say(f"skipped meter: {absent} not found")
    if (absent := missing(data, UCI_FILE)) is None:
        out.append(("uci", load_uci(data)))
    else:
        say(f"skipped uci: {absent} not found")
    return out


def stream_corpus(
    name: str, items: Sequence[Labelled], embed: Callable[[list[str]], np.ndarray] | None
) -> StreamCorpus:
    prepared = [prepare(i.article) for i in items]
    _, gold = np.unique([i.story for i in items], return_inverse=True)
    corpus = StreamCorpus(name, prepared, gold)
    if embed is not None:
        corpus.embeddings = embed(corpus.texts())
    return corpus


def oracle_events(corpus: StreamCorpus, window_days: float = S.STREAM_WINDOW_DAYS) -> list[Event]:
    """Replay ``corpus`` in publication order with gold assignments, recording each decision."""
    prepared = corpus.prepared
    cl = S.StreamClusterer(FixedJoin(), window_days)
    order = sorted(range(len(prepared)), key=lambda k: (order_key(prepared[k].article.published), k))
    words = {k: content_words(prepared[k]) for k in order}
    cl.dedup.add_shingled(
        [(prepared[k].article.id, word_shingles(words[k]), prepared[k].article.published) for k in order]
    )
    story_of_gold: dict[int, int] = {}
    events = []
    for k in order:
        emb = None if corpus.embeddings is None else corpus.embeddings[k]
        item = stream_item(prepared[k], words[k], emb, with_shingles=False)
        cl.key_to_position[item.key] = len(cl.story_of)
        vectors = cl.vectors_of(item)
        when = published_seconds(item.published)
        gold = int(corpus.gold[k])
        target = story_of_gold.get(gold)
        copied = [h for h in cl.dedup.hits_of.get(item.key, ()) if h in cl.key_to_position and h != item.key]
        if not copied:
            rows = cl.candidates(vectors, when, emb)
            events.append(Event(corpus.name, k, gold, [r.features for r in rows], [r.story == target for r in rows]))
        story_of_gold[gold] = cl.place(target, vectors, when, emb)
    return events


def _fit(x: np.ndarray, y: np.ndarray, features: Sequence[str]) -> LinearModel:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    if len(set(y.tolist())) < 2:  # degenerate fold: a constant model
        return LinearModel(tuple(features), mean, scale, np.zeros(len(features)), 10.0 if y.all() else -10.0)
    lr = LogisticRegression(C=C, max_iter=2000).fit((x - mean) / scale, y)
    return LinearModel(tuple(features), mean, scale, lr.coef_[0].astype(np.float64), float(lr.intercept_[0]))


def fit_join(events: Sequence[Event], semantic: bool) -> JoinModel:
    """The ranker on every candidate row, then the merge decision on each event's best-ranked candidate."""
    rank_features = SEMANTIC_RANK_FEATURES if semantic else LEXICAL_RANK_FEATURES
    rows = [r for e in events for r in e.rows]
    x = np.array([[r[f] for f in rank_features] for r in rows])
    y = np.array([g for e in events for g in e.is_gold], dtype=int)
    ranker = _fit(x, y, rank_features)
    decision_features = (*rank_features, *DECISION_EXTRA)
    dx, dy = [], []
    for e in events:
        if not e.rows:
            continue
        p = ranker.probability(e.rows)
        order = np.argsort(-p, kind="stable")
        best = int(order[0])
        runner_up = float(p[order[1]]) if len(p) > 1 else 0.0
        row = decision_row(e.rows[best], float(p[best]), runner_up, len(e.rows))
        dx.append([row[f] for f in decision_features])
        dy.append(int(e.is_gold[best]))
    decision = _fit(np.array(dx), np.array(dy), decision_features)
    return JoinModel(ranker, decision)


def card(events: Sequence[Event], model: str) -> dict[str, Any]:
    """What the shipped model ``model`` (its file's name without ``.json``) was trained on."""
    per: dict[str, list[int]] = {}
    for e in events:
        n = per.setdefault(e.corpus, [0, 0])
        n[0] += 1
        n[1] += len(e.rows)
    return {
        "model": model,
        "made_by": "training/train_join.py",
        "made_at": datetime.now(UTC).date().isoformat(),
        "method": "Miranda et al. 2018: logistic-regression ranker over candidate stories + logistic merge decision",
        "trained_on": {name: {"decisions": d, "candidate_rows": r} for name, (d, r) in sorted(per.items())},
        "regularisation_C": C,
    }


@dataclass(frozen=True)
class HeldOut:
    """B-cubed over a corpus where every article was scored by a model that never saw its story."""

    b3_p: float
    b3_r: float
    b3_f1: float
    folds: int


def b3_items(pred: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-item B-cubed precision and recall."""
    _, p_idx = np.unique(pred, return_inverse=True)
    _, g_idx = np.unique(gold, return_inverse=True)
    table = np.zeros((p_idx.max() + 1, g_idx.max() + 1), dtype=np.int64)
    np.add.at(table, (p_idx, g_idx), 1)
    both = table[p_idx, g_idx]
    return both / table.sum(axis=1)[p_idx], both / table.sum(axis=0)[g_idx]


def held_out_b3(
    corpus: StreamCorpus,
    events: dict[str, list[Event]],
    semantic: bool,
    folds: int = FOLDS,
    window_days: float = S.STREAM_WINDOW_DAYS,
    join_min: float | None = None,
) -> tuple[HeldOut, np.ndarray]:
    """K-fold by gold story: train on the other corpora and the other folds, stream all, score the fold.

    Returns the scores and the fold number of each article.
    """
    others = [e for name, evs in events.items() if name != corpus.name for e in evs]
    own = events[corpus.name]
    n_folds = min(folds, len(set(corpus.gold.tolist())))
    fold_of = np.zeros(len(corpus.gold), dtype=int)
    for f, (_, test) in enumerate(GroupKFold(n_splits=n_folds).split(corpus.gold, groups=corpus.gold)):
        fold_of[test] = f
    precision = np.zeros(len(corpus.gold))
    recall = np.zeros(len(corpus.gold))
    embed = corpus.embed_lookup() if semantic else None
    for f in range(n_folds):
        train = others + [e for e in own if fold_of[e.article] != f]
        model = fit_join(train, semantic)
        if join_min is not None:
            model = replace(model, join_min=join_min)
        pred = np.array(S.stream_labels(corpus.prepared, model, embed, window_days=window_days))
        p, r = b3_items(pred, corpus.gold)
        mask = fold_of == f
        precision[mask], recall[mask] = p[mask], r[mask]
    bp, br = float(precision.mean()), float(recall.mean())
    return HeldOut(bp, br, 2 * bp * br / (bp + br) if bp + br else 0.0, n_folds), fold_of
