"""Candidate generation: the indexed path finds what scoring every pair finds."""

import json
import sys
from pathlib import Path

import numpy as np

from storytrace import pipeline
from storytrace.align import candidates
from storytrace.align.features import SentenceSpace
from storytrace.model import REUSE_RELATIONS
from storytrace.pipeline import analyze
from storytrace.store import Store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from demo_relations import hits  # noqa: E402

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
    monkeypatch.setattr(pipeline, "STORY_EXACT_MAX_SENTENCES", 0)
    with Store(tmp_path / "st.db") as store:
        result = analyze([ROOT / "examples"], store)
    reuse = [r for r in EXPECTED["relations"] if r["relation"] in REUSE_RELATIONS]
    found = [r for r in reuse if set(hits(result.document, result.texts, r)) & REUSE_RELATIONS]
    assert len(found) == len(reuse)
