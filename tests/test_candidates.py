"""Candidate generation: the indexed path finds what scoring every pair finds."""

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from storytrace.align import candidates, features, policy
from storytrace.align.features import SentenceSpace
from storytrace.model import REUSE_RELATIONS
from storytrace.pipeline import analyze
from storytrace.store import Store

ROOT = Path(__file__).resolve().parents[1]

from support.demo import hits  # noqa: E402

EXPECTED = json.loads((ROOT / "tests" / "fixtures" / "demo_expected.json").read_text("utf-8"))


def test_small_inputs_score_every_pair() -> None:
    space = SentenceSpace(["One two three.", "Four five six.", "Seven eight."])
    assert candidates.candidate_pairs(space, [0, 1], [2]) == [(0, 0), (1, 0)]


def test_rare_terms_are_anchors_and_common_ones_are_not(monkeypatch) -> None:
    monkeypatch.setattr(candidates, "EXACT_MAX_PAIRS", 0)
    texts = [f"The council met on day {k} to discuss the weather." for k in range(40)]
    texts += ["Velmar Quay flooded at dawn.", "At dawn the Velmar Quay was under water."]
    space = SentenceSpace(texts)
    found = candidates.candidate_pairs(space, list(range(41)), [41])
    assert (40, 0) in found  # "Velmar", "Quay", "dawn" are rare
    assert len(found) < 5  # "council", "weather" are in 40 sentences: not anchors


def test_lsh_finds_near_vectors_without_shared_words(monkeypatch) -> None:
    monkeypatch.setattr(candidates, "EXACT_MAX_PAIRS", 0)
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((60, 16))
    vectors[59] = vectors[3] + 0.01 * rng.standard_normal(16)  # a reworded copy of sentence 3
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"w{k}a w{k}b w{k}c" for k in range(60)]
    space = SentenceSpace(texts, vectors.astype(np.float32))
    found = candidates.candidate_pairs(space, list(range(30)), list(range(30, 60)))
    assert (3, 29) in found
    assert len(found) < 30 * 30 / 4


def test_indexed_story_alignment_keeps_the_demo_reuse(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(candidates, "EXACT_MAX_PAIRS", 0)
    monkeypatch.setattr(policy, "STORY_EXACT_MAX_SENTENCES", 0)
    with Store(tmp_path / "st.db") as store:
        result = analyze([ROOT / "examples"], store)
    reuse = [r for r in EXPECTED["relations"] if r["relation"] in REUSE_RELATIONS]
    found = [r for r in reuse if set(hits(result.document, result.texts, r)) & REUSE_RELATIONS]
    assert len(found) == len(reuse)


# --- long texts: candidates linear in the sentences (issue 25) ------------------------------------------------------


def _old_story_candidates(space: SentenceSpace, offsets: list[int]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """The story candidates before issue 25: every pair of every bucket, terms rare up to a share of the story."""
    owner = np.repeat(np.arange(len(offsets) - 1), np.diff(np.asarray(offsets)))
    found = sparse.triu(space.anchor_index() @ space.anchor_index().T, k=1).tocoo()
    pairs = set(zip(found.row.tolist(), found.col.tolist(), strict=True))
    keys = candidates.lsh_keys(space.embeddings)
    for t in range(candidates.LSH_TABLES):
        buckets: dict[int, list[int]] = {}
        for r, key in enumerate(keys[:, t].tolist()):
            buckets.setdefault(key, []).append(r)
        pairs |= {(a, b) for members in buckets.values() for k, a in enumerate(members) for b in members[k + 1 :]}
    out: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for r1, r2 in pairs:
        x, y = int(owner[r1]), int(owner[r2])
        if x != y:
            out.setdefault((x, y), set()).add((r1 - offsets[x], r2 - offsets[y]))
    return {key: sorted(found_pairs) for key, found_pairs in out.items()}


def _random_space(n: int, dim: int = 16, seed: int = 3) -> SentenceSpace:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"w{k % 700} x{k % 13} y{k}" for k in range(n)]
    space = SentenceSpace(texts, vectors.astype(np.float32))
    return space


def test_small_buckets_and_stories_give_the_candidates_they_gave_before() -> None:
    space = _random_space(1900)  # 2% of 1,900 sentences is under the cap; buckets hold a few sentences
    offsets = [0, 1000, 1500, 1900]
    assert candidates.story_candidates(space, offsets) == _old_story_candidates(space, offsets)


def test_a_crowded_bucket_pairs_each_sentence_with_its_nearest_only() -> None:
    """1,200 sentences in one narrow cone (one bucket): some 10,000 pairs, not 360,000; near copies still found."""
    rng = np.random.default_rng(7)
    centre = rng.standard_normal(32)
    vectors = centre + 0.05 * rng.standard_normal((1200, 32))
    vectors[600:] = vectors[:600] + 0.002 * rng.standard_normal((600, 32))  # article 2 copies article 1, reworded
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"v{k % 600}a v{k % 600}b v{k}c" for k in range(1200)]  # shared words too common to anchor
    space = SentenceSpace(texts, vectors.astype(np.float32))
    space.anchor_max_df = 2
    found = candidates.story_candidates(space, [0, 600, 1200])[(0, 1)]
    assert len(found) < 600 * candidates.NEIGHBOURS * candidates.LSH_TABLES
    assert sum((k, k) in set(found) for k in range(600)) >= 0.95 * 600


def test_a_line_repeated_hundreds_of_times_pairs_in_order() -> None:
    texts = ["The port reopened on Monday.", "Reuter"] * 150 + ["Tolls were cut.", "Reuter"] * 120
    rng = np.random.default_rng(2)
    vectors = rng.standard_normal((len(texts), 16))
    for k, text in enumerate(texts):
        if text == "Reuter":
            vectors[k] = vectors[1]  # the same words: the same vector
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    space = SentenceSpace(texts, vectors.astype(np.float32))
    found = set(candidates.story_candidates(space, [0, 300, 540])[(0, 1)])
    assert all((2 * k + 1, 2 * k + 1) in found for k in range(120))  # the k-th "Reuter" of each
    assert len(found) < 150 * 120  # not every pair of them


def test_a_term_in_more_than_forty_sentences_of_two_long_articles_is_no_anchor() -> None:
    texts = [f"Harbour {k} opened" if k % 50 == 0 else f"Item{k} rose" for k in range(3000)]
    space = SentenceSpace(texts)  # "harbour" in 60 sentences: 2% of 3,000, over the cap of 40
    anchors = features.anchor_matrix(space)
    assert anchors.shape[1] == len([t for t, df in space.df.items() if df <= features.ANCHOR_MAX_SHARE_DF])
    assert space.df["harbour"] == 60 and anchors.sum() < 3000 * 2


def test_pairs_are_scored_alike_in_chunks(monkeypatch) -> None:
    space = _random_space(300)
    rows, cols = list(range(0, 300, 2)), list(range(1, 300, 2))
    whole = space.pair_similarity(rows, cols), space.pair_embed_cos(rows, cols)
    monkeypatch.setattr(features, "PAIR_CHUNK", 7)
    chunked = space.pair_similarity(rows, cols), space.pair_embed_cos(rows, cols)
    for a, b in zip([*whole[0], whole[1]], [*chunked[0], chunked[1]], strict=True):
        assert np.array_equal(a, b)


def test_character_cosines_counted_anew_are_those_of_the_kept_counters() -> None:
    """A space keeps no n-gram counts (4.5 KB a sentence as a Counter): counted anew, they give the same cosine."""
    rng = np.random.default_rng(5)
    words = "the port was shut after storm harbour reopened Eskerby minister said 41 tonnes grain".split()
    texts = [" ".join(rng.choice(words, size=rng.integers(0, 14))) for _ in range(200)]
    space = SentenceSpace(texts)
    for i, j in rng.integers(0, 200, size=(500, 2)).tolist():
        expected = features._char_cosine(features.describe(texts[i]), features.describe(texts[j]))
        assert space._count_cosine(i, j) == expected


def test_a_space_counted_in_blocks_has_the_vectors_of_one_counted_whole(monkeypatch) -> None:
    """Counting and weighting a long story's n-grams a block of sentences at a time changes no vector (issue 25)."""
    rng = np.random.default_rng(6)
    words = [f"w{k}" for k in range(300)] + ["the", "port"]
    texts = [" ".join(rng.choice(words, size=rng.integers(0, 15))) for _ in range(700)]
    whole = SentenceSpace(texts)
    monkeypatch.setattr(features, "COUNT_CHUNK", 64)
    blocks = SentenceSpace(texts)
    for name in ("char_vectors", "word_vectors"):
        a, b = getattr(whole, name), getattr(blocks, name)
        assert a.shape == b.shape
        assert all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("data", "indices", "indptr"))
