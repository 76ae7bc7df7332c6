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

``align_sentences`` does all five for one pair of articles. A story does
steps 1-2 per pair (``plan_alignment``), then 3-5 for all its pairs at once
(``align_planned``), so the relation model runs twice per story, not per pair.

Not here: cleaning, segmenting, coverage and derivation (``compare``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from storytrace.align.candidates import candidate_pairs
from storytrace.align.features import PairFeatures, SentenceInfo, SentenceSpace, describe, pair_features
from storytrace.align.relation import RELATED_MIN_SIMILARITY, RelationScorer
from storytrace.model import REUSE_RELATIONS, Alignment, Relation, Sentence, as_relation

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
    relation: Relation
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
    return align_planned([plan_alignment(space, a_rows, b_rows, a_sents, b_sents, candidates)], scorer)[0]


@dataclass
class AlignmentPlan:
    """Two articles' sentence pairs chosen for naming, before the scorer names them (``plan_alignment``)."""

    space: SentenceSpace
    a_rows: Sequence[int]
    b_rows: Sequence[int]
    a_sents: Sequence[Sentence]
    b_sents: Sequence[Sentence]
    scored: _Scored | None = None  # None: no candidate pair, nothing to align
    chosen: list[int] = field(default_factory=list)  # positions in ``scored``, by (i, j)
    features: list[PairFeatures] = field(default_factory=list)  # of the chosen pairs, in order


def plan_alignment(
    space: SentenceSpace,
    a_rows: Sequence[int],
    b_rows: Sequence[int],
    a_sents: Sequence[Sentence],
    b_sents: Sequence[Sentence],
    candidates: Sequence[tuple[int, int]] | None = None,
) -> AlignmentPlan:
    """Steps 1-2 of ``align_sentences``: score the candidates, choose pairs, describe the chosen ones."""
    plan = AlignmentPlan(space, a_rows, b_rows, a_sents, b_sents)
    if not a_rows or not b_rows:
        return plan
    if candidates is None:
        candidates = candidate_pairs(space, a_rows, b_rows)
    if not candidates:
        return plan
    cand_i = np.array([i for i, _ in candidates])
    cand_j = np.array([j for _, j in candidates])
    rows, cols = [a_rows[i] for i in cand_i], [b_rows[j] for j in cand_j]
    sim, word_cos, char_cos = space.pair_similarity(rows, cols)
    embed = space.pair_embed_cos(rows, cols)
    if embed is not None:
        sim = np.maximum(sim, semantic_similarity(embed, space.embed_floor))
    same = np.array([a_sents[i].text == b_sents[j].text for i, j in candidates], dtype=bool)
    plan.scored = _Scored(cand_i, cand_j, sim, same)
    plan.chosen = _choose_pairs(plan.scored)
    plan.features = [space.features(rows[k], cols[k], float(word_cos[k]), float(char_cos[k])) for k in plan.chosen]
    return plan


def align_planned(plans: Sequence[AlignmentPlan], scorer: RelationScorer) -> list[list[Alignment]]:
    """Steps 3-5 for many article pairs: their passages, in order.

    The scorer names every chosen pair of all ``plans`` in one batch, then
    every split-sentence join worth trying in a second: a story's pairs cost
    two model calls instead of two per article pair. Each pair's answer is the
    one it would get alone (the model scores rows independently).
    """
    named = iter(scorer.relations([f for plan in plans for f in plan.features]))
    all_pairs: list[list[_Pair]] = []
    for plan in plans:
        pairs: list[_Pair] = []
        for k in plan.chosen:
            relation = next(named)
            if relation and plan.scored is not None:
                pairs.append(
                    _Pair([int(plan.scored.i[k])], [int(plan.scored.j[k])], as_relation(relation[0]), relation[1])
                )
        all_pairs.append(pairs)
    joins = [_join_candidates(pairs, plan.scored) for plan, pairs in zip(plans, all_pairs, strict=True)]
    features = [_joined_features(plan, join) for plan, found in zip(plans, joins, strict=True) for join in found]
    answers = iter(scorer.relations(features))  # every join scored before any is made
    out = []
    for plan, pairs, found in zip(plans, all_pairs, joins, strict=True):
        _attach_split_sentences(pairs, found, [next(answers) for _ in found])
        out.append(_to_passages(pairs, plan.a_sents, plan.b_sents))
    return out


@dataclass
class _Scored:
    """Candidate pairs with their ranking score, and each sentence's best partner."""

    i: np.ndarray
    j: np.ndarray
    sim: np.ndarray
    same: np.ndarray  # the two sentences' texts are identical

    _best: dict[str, dict[int, tuple[int, float]]] = field(default_factory=dict)

    def best_of(self, side: str) -> dict[int, tuple[int, float]]:
        """Sentence -> (its best partner, score), for side "a" (i) or "b" (j); computed once, read only."""
        if side not in self._best:
            own, other = (self.i, self.j) if side == "a" else (self.j, self.i)
            best: dict[int, tuple[int, float]] = {}
            for u, v, s in zip(own.tolist(), other.tolist(), self.sim.tolist(), strict=True):
                if u not in best or s > best[u][1]:
                    best[u] = (v, s)
            self._best[side] = best
        return self._best[side]


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


@dataclass(frozen=True)
class _Join:
    """A split-sentence join to try: ``pair`` grows on ``side`` ("a" or "b") by the sentence ``neighbour``."""

    pair: _Pair
    side: str
    neighbour: int

    @property
    def own(self) -> list[int]:
        """The pair's sentences on the side that grows (the pair's own list: a join made extends it)."""
        return self.pair.a if self.side == "a" else self.pair.b

    @property
    def other(self) -> list[int]:
        """The pair's sentences on the other side."""
        return self.pair.b if self.side == "a" else self.pair.a


def _join_candidates(pairs: list[_Pair], scored: _Scored | None) -> list[_Join]:
    """The joins ``_attach_split_sentences`` may try, found before any is made, in the order it tries them.

    A join made grows its pair past one sentence, which ends that pair's
    tries, and takes its neighbour, which another pair then cannot take; so
    the joins tried on the way are among these.
    """
    if scored is None:
        return []
    used = {"a": {i for p in pairs for i in p.a}, "b": {j for p in pairs for j in p.b}}
    best = {"a": scored.best_of("a"), "b": scored.best_of("b")}
    out = []
    for p in pairs:
        if p.relation not in REUSE_RELATIONS and p.relation != "same_fact":
            continue
        for side, own, other in (("a", p.a, p.b), ("b", p.b, p.a)):
            for u in (min(own) - 1, max(own) + 1):
                if u in used[side] or u not in best[side]:
                    continue
                partner, score = best[side][u]
                if partner == other[0] and score >= RELATED_MIN_SIMILARITY:
                    out.append(_Join(p, side, u))
    return out


def _attach_split_sentences(
    pairs: list[_Pair], joins: Sequence[_Join], answers: Sequence[tuple[str, float] | None]
) -> None:
    """Grow pairs by an unused neighbour sentence whose best match is the same partner.

    ``joins`` are ``_join_candidates`` of ``pairs``; ``answers`` the scorer's relation of each.
    """
    used = {"a": {i for p in pairs for i in p.a}, "b": {j for p in pairs for j in p.b}}
    for join, joined in zip(joins, answers, strict=True):
        p, own = join.pair, join.own
        if join.neighbour in used[join.side] or len(own) > 1 or len(join.other) > 1:
            continue  # taken by a join made before, or this pair has grown already
        if joined and _STRENGTH[joined[0]] <= _STRENGTH[p.relation] and joined[1] >= p.score:
            own.append(join.neighbour)
            own.sort()
            used[join.side].add(join.neighbour)
            p.relation, p.score = as_relation(joined[0]), joined[1]


def _joined_features(plan: AlignmentPlan, join: _Join) -> PairFeatures:
    """Features of the join's grown passage against its partner sentence."""
    own_side, other_side = (plan.a_rows, plan.b_rows) if join.side == "a" else (plan.b_rows, plan.a_rows)
    own_rows = [own_side[k] for k in sorted([*join.own, join.neighbour])]
    other_rows = [other_side[k] for k in join.other]
    space = plan.space
    own_info = _group_info(space, own_rows)
    other_info = _group_info(space, other_rows)
    w = space.summed_cosine(own_rows, other_rows)
    c = space.summed_cosine(own_rows, other_rows, chars=True)
    e = space.embed_group_cos(own_rows, other_rows)
    first, second = (own_info, other_info) if join.side == "a" else (other_info, own_info)
    return pair_features(first, second, w, c, space.idf, e)


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
