"""Align the sentences of two articles, order-independently, and merge them into passages.

1. score the candidate sentence pairs (``candidates``: every pair for articles
   of usual length, else lexical anchors and embedding neighbours) in bulk, by
   lexical similarity and, when the space has sentence vectors, the embedding
   cosine, so that a spun copy with few words in common still finds its source;
2. choose pairs greedily by score, one-to-one, each close to the best match of
   both of its sentences (so order never matters: reordered paragraphs align);
3. attach a neighbouring sentence when the copier split or merged sentences
   (one sentence of A = two of B) and the joined text matches better;
4. name each pair's relation (``RelationScorer``);
5. merge runs of adjacent pairs of the same reuse relation into passages.

Not here: cleaning, segmenting, coverage and derivation (``compare``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from storytrace.align.candidates import candidate_pairs
from storytrace.align.features import SentenceInfo, SentenceSpace, describe, pair_features
from storytrace.align.relation import RELATED_MIN_SIMILARITY, RelationScorer
from storytrace.model import REUSE_RELATIONS, Alignment, Sentence

# A pair is kept only if its score is within this factor of the best score of
# each of its two sentences: near-mutual best matches, as passim keeps the best
# source per target, but tolerant of two almost equal candidates.
NEAR_BEST_FACTOR = 0.9
# Relations from strongest to weakest: a neighbour joins a pair (split/merged
# sentence) only if the joined text keeps the relation at least as strong and
# scores no lower than the pair alone.
# Embedding cosines enter candidate ranking rescaled (see ``semantic_similarity``), from the embedder's floor up.
SEMANTIC_CEILING = 0.6
_STRENGTH = {"verbatim": 0, "near_verbatim": 1, "paraphrase": 2, "same_fact": 3, "related": 4}


@dataclass
class _Pair:
    a: list[int]
    b: list[int]
    relation: str
    score: float


def align_sentences(
    space: SentenceSpace,
    a_rows: Sequence[int],
    b_rows: Sequence[int],
    a_sents: Sequence[Sentence],
    b_sents: Sequence[Sentence],
    scorer: RelationScorer,
    candidates: Sequence[tuple[int, int]] | None = None,
) -> list[Alignment]:
    """Passages shared by two articles whose sentences are ``a_rows``/``b_rows`` of ``space``.

    Only the ``candidates`` (local (i, j) pairs) are scored; by default those
    of ``candidates.candidate_pairs`` (every pair, for articles of usual length).
    """
    if not a_rows or not b_rows:
        return []
    if candidates is None:
        candidates = candidate_pairs(space, a_rows, b_rows)
    if not candidates:
        return []
    cand_i = np.array([i for i, _ in candidates])
    cand_j = np.array([j for _, j in candidates])
    rows, cols = [a_rows[i] for i in cand_i], [b_rows[j] for j in cand_j]
    sim, word_cos, char_cos = space.pair_similarity(rows, cols)
    embed = space.pair_embed_cos(rows, cols)
    if embed is not None:
        sim = np.maximum(sim, semantic_similarity(embed, space.embed_floor))
    same = np.array([a_sents[i].text == b_sents[j].text for i, j in candidates], dtype=bool)
    scored = _Scored(cand_i, cand_j, sim, same)
    chosen = _choose_pairs(scored)
    feats = [space.features(rows[k], cols[k], float(word_cos[k]), float(char_cos[k])) for k in chosen]
    pairs: list[_Pair] = []
    for k, named in zip(chosen, scorer.relations(feats), strict=True):
        if named:
            pairs.append(_Pair([int(cand_i[k])], [int(cand_j[k])], named[0], named[1]))
    _attach_split_sentences(pairs, scored, space, a_rows, b_rows, scorer)
    return _to_passages(pairs, a_sents, b_sents)


@dataclass
class _Scored:
    """Candidate pairs with their ranking score, and each sentence's best partner."""

    i: np.ndarray
    j: np.ndarray
    sim: np.ndarray
    same: np.ndarray  # the two sentences' texts are identical

    def best_of(self, side: str) -> dict[int, tuple[int, float]]:
        """Sentence -> (its best partner, score), for side "a" (i) or "b" (j)."""
        own, other = (self.i, self.j) if side == "a" else (self.j, self.i)
        best: dict[int, tuple[int, float]] = {}
        for u, v, s in zip(own.tolist(), other.tolist(), self.sim.tolist(), strict=True):
            if u not in best or s > best[u][1]:
                best[u] = (v, s)
        return best


def semantic_similarity(cosines: np.ndarray, floor: float) -> np.ndarray:
    """Embedding cosines on the scale of the lexical similarity, for ranking candidates.

    ``floor`` is the embedder's (``SentenceSpace.embed_floor``). MiniLM puts
    unrelated sentences of one story at cosines of 0.3-0.5 and reworded ones
    above 0.7: with its floor, 0.45, a cosine of 0.56 maps to the lowest score
    a candidate may have (``RELATED_MIN_SIMILARITY``) and 1.0 to 0.6, the
    lexical score of a lightly edited copy. Another embedder's floor is its
    cosine at the same quantile.
    """
    scaled: np.ndarray = np.clip((cosines - floor) / (1.0 - floor), 0.0, 1.0) * SEMANTIC_CEILING
    return scaled


def _choose_pairs(scored: _Scored) -> list[int]:
    """Greedy one-to-one choice of near-mutual-best candidates, best first; their positions, by (i, j)."""
    row_best = {u: s for u, (_, s) in scored.best_of("a").items()}
    col_best = {v: s for v, (_, s) in scored.best_of("b").items()}
    # Best first; among scores equal but for float noise (a sentence the text repeats), identical texts first.
    order = np.lexsort((~scored.same, -np.round(scored.sim, 9)))
    used_a: set[int] = set()
    used_b: set[int] = set()
    out: list[int] = []
    for k in order.tolist():
        i, j, s = int(scored.i[k]), int(scored.j[k]), float(scored.sim[k])
        if s < RELATED_MIN_SIMILARITY:
            break
        if i in used_a or j in used_b:
            continue
        if s < NEAR_BEST_FACTOR * row_best[i] or s < NEAR_BEST_FACTOR * col_best[j]:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append(k)
    return sorted(out, key=lambda k: (int(scored.i[k]), int(scored.j[k])))


def _attach_split_sentences(
    pairs: list[_Pair],
    scored: _Scored,
    space: SentenceSpace,
    a_rows: Sequence[int],
    b_rows: Sequence[int],
    scorer: RelationScorer,
) -> None:
    """Grow pairs by an unused neighbour sentence whose best match is the same partner."""
    used_a = {i for p in pairs for i in p.a}
    used_b = {j for p in pairs for j in p.b}
    best = {"a": scored.best_of("a"), "b": scored.best_of("b")}
    for p in pairs:
        if p.relation not in REUSE_RELATIONS and p.relation != "same_fact":
            continue
        for side, used, own, other in (("a", used_a, p.a, p.b), ("b", used_b, p.b, p.a)):
            for u in (min(own) - 1, max(own) + 1):
                if u in used or len(own) > 1 or len(other) > 1 or u not in best[side]:
                    continue
                partner, score = best[side][u]
                if partner != other[0] or score < RELATED_MIN_SIMILARITY:
                    continue
                joined = _joined_relation(space, a_rows, b_rows, sorted(own + [u]), other, side, scorer)
                if joined and _STRENGTH[joined[0]] <= _STRENGTH[p.relation] and joined[1] >= p.score:
                    own.append(u)
                    own.sort()
                    used.add(u)
                    p.relation, p.score = joined


def _joined_relation(
    space: SentenceSpace,
    a_rows: Sequence[int],
    b_rows: Sequence[int],
    own: list[int],
    other: list[int],
    side: str,
    scorer: RelationScorer,
) -> tuple[str, float] | None:
    own_rows = [(a_rows if side == "a" else b_rows)[k] for k in own]
    other_rows = [(b_rows if side == "a" else a_rows)[k] for k in other]
    own_info = _group_info(space, own_rows)
    other_info = _group_info(space, other_rows)
    w = space.summed_cosine(own_rows, other_rows)
    c = space.summed_cosine(own_rows, other_rows, chars=True)
    e = space.embed_group_cos(own_rows, other_rows)
    first, second = (own_info, other_info) if side == "a" else (other_info, own_info)
    return scorer.relation(pair_features(first, second, w, c, space.idf, e))


def _group_info(space: SentenceSpace, rows: Sequence[int]) -> SentenceInfo:
    """``describe`` of the sentences ``rows`` joined by spaces: the space's own for one sentence."""
    if len(rows) == 1:
        return space.infos[rows[0]]  # ``describe`` of that very text, its n-gram counts already kept
    return _describe_joined(" ".join(space.infos[r].text for r in rows))


@lru_cache(maxsize=1024)
def _describe_joined(text: str) -> SentenceInfo:
    """``describe`` of a joined passage (kept: a story tries the same join against several articles)."""
    return describe(text)


def _to_passages(pairs: list[_Pair], a_sents: Sequence[Sentence], b_sents: Sequence[Sentence]) -> list[Alignment]:
    """Merge runs of pairs adjacent on both sides with the same reuse relation."""
    runs: list[list[_Pair]] = []
    for p in sorted(pairs, key=lambda q: (min(q.a), min(q.b))):
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and p.relation == last.relation
            and p.relation in REUSE_RELATIONS
            and min(p.a) == max(last.a) + 1
            and min(p.b) == max(last.b) + 1
        ):
            runs[-1].append(p)
        else:
            runs.append([p])
    out = []
    for run in runs:
        a_idx = sorted(i for p in run for i in p.a)
        b_idx = sorted(j for p in run for j in p.b)
        out.append(
            Alignment(
                a_span=(a_sents[a_idx[0]].start, a_sents[a_idx[-1]].end),
                b_span=(b_sents[b_idx[0]].start, b_sents[b_idx[-1]].end),
                relation=run[0].relation,
                score=round(sum(p.score for p in run) / len(run), 3),
                a_sentences=tuple(a_idx),
                b_sentences=tuple(b_idx),
            )
        )
    return out
