"""The static embedder (``semantic.static``) against MiniLM: speed, agreement, and the cosine floor it needs.

    .venv/bin/python bench/experiments/static_embedder.py [--data ../shared/data] [--stories 40]

Prints, for MiniLM, the static table distilled from it, and a word TF-IDF
cosine as the lexical yardstick:
- sentences per second (one process);
- the cosine alone against STS-B news similarity (Spearman) and MSRP train
  paraphrase labels (ROC AUC);
- the cosines of every sentence pair across the texts of the first
  ``--stories`` METER dev stories (PA and newspaper texts of one story: the
  pairs the aligner ranks), at MiniLM's quantiles of ``features.SEMANTIC_FLOOR``
  and of the cosine that ranks at ``RELATED_MIN_SIMILARITY``. The static
  cosines at the same quantiles are the floor and threshold that let the
  static embedder rank candidates as MiniLM does (``static.STATIC_COSINE_FLOOR``).

Vectors are cached in ``bench/out/embeddings.db`` by model. Exits 0 with a
"skipped" line when the data or the semantic extra is absent.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, meter_story, read_jsonl
from _relations_data import CACHE, METER_FILE, METER_PA_FILE, MSRP_FILE, STSB_FILE
from storytrace.align.features import SEMANTIC_FLOOR
from storytrace.align.match import SEMANTIC_CEILING
from storytrace.align.relation import RELATED_MIN_SIMILARITY
from storytrace.semantic import CachedEmbedder, MiniLMEmbedder, semantic_available
from storytrace.semantic.static import StaticEmbedder
from storytrace.store import Store
from storytrace.text.segment import sentences


def story_sentences(data: Path, stories: int) -> list[list[list[str]]]:
    """Per METER dev story (the first ``stories``): its texts' sentences of four words or more."""
    texts: dict[str, list[str]] = {}
    for name in (METER_PA_FILE, METER_FILE):
        for r in read_jsonl(data / name):
            texts.setdefault(meter_story(r), []).append(r["text"])
    out = []
    for members in list(texts.values())[:stories]:
        if len(members) >= 2:
            out.append([[s.text for s in sentences(t) if len(s.text.split()) >= 4] for t in members])
    return out


def cross_text_cosines(vectors: dict[str, np.ndarray], story: list[list[str]]) -> np.ndarray:
    """Cosines of every two sentences of different texts of one story."""
    out = []
    for a in range(len(story)):
        for b in range(a + 1, len(story)):
            if story[a] and story[b]:
                va = np.stack([vectors[s] for s in story[a]])
                vb = np.stack([vectors[s] for s in story[b]])
                out.append((va @ vb.T).ravel())
    return np.concatenate(out) if out else np.zeros(0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--stories", type=int, default=40, help="METER dev stories for the cosine quantiles")
    args = parser.parse_args()
    needed = [args.data / f for f in (MSRP_FILE, STSB_FILE, METER_FILE, METER_PA_FILE)]
    if not semantic_available() or not all(p.is_file() for p in needed):
        print("skipped: the semantic extra or the data (MSRP, STS-B, METER) is absent")
        return 0
    stsb = list(read_jsonl(args.data / STSB_FILE))
    msrp = list(read_jsonl(args.data / MSRP_FILE))
    stories = story_sentences(args.data, args.stories)
    story_texts = sorted({s for story in stories for text in story for s in text})
    pair_texts = [r[k] for r in stsb + msrp for k in ("sentence1", "sentence2")]
    tfidf = TfidfVectorizer().fit(pair_texts)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    store = Store(CACHE)

    # MiniLM's cosine at the lowest candidate score (semantic_similarity's inverse at RELATED_MIN_SIMILARITY).
    related_cos = SEMANTIC_FLOOR + RELATED_MIN_SIMILARITY / SEMANTIC_CEILING * (1.0 - SEMANTIC_FLOOR)
    quantiles: dict[str, float] = {}
    print(f"{'embedder':<22} {'sentences/s':>12} {'STS-B rho':>10} {'MSRP AUC':>9}   in-story cross-text cosines")
    for name in ("minilm", "static", "tfidf"):
        if name == "tfidf":
            speed = float("nan")

            def encode(texts: list[str]) -> np.ndarray:
                return np.asarray(tfidf.transform(texts).toarray(), dtype=np.float32)
        else:
            inner = MiniLMEmbedder() if name == "minilm" else StaticEmbedder()
            probe = story_texts[:2000]
            inner.encode(probe[:8])  # load (and, the first time, distil) before timing
            started = time.perf_counter()
            inner.encode(probe)
            speed = len(probe) / (time.perf_counter() - started)
            encode = CachedEmbedder(inner, store).encode
        a = encode([r["sentence1"] for r in stsb])
        b = encode([r["sentence2"] for r in stsb])
        rho = float(spearmanr((a * b).sum(axis=1), [r["score"] for r in stsb]).statistic)
        a = encode([r["sentence1"] for r in msrp])
        b = encode([r["sentence2"] for r in msrp])
        auc = float(roc_auc_score([int(r["label"]) for r in msrp], (a * b).sum(axis=1)))
        cells = ""
        if name != "tfidf":
            vectors = dict(zip(story_texts, encode(story_texts), strict=True))
            cos = np.concatenate([cross_text_cosines(vectors, story) for story in stories])
            if name == "minilm":
                quantiles = {
                    "floor": float((cos < SEMANTIC_FLOOR).mean()),
                    "related": float((cos < related_cos).mean()),
                }
            at = {k: float(np.quantile(cos, q)) for k, q in quantiles.items()}
            cells = (
                f"{len(cos):,} pairs; at MiniLM's quantile of its floor {SEMANTIC_FLOOR} "
                f"(q={quantiles['floor']:.3f}): {at['floor']:.3f}; of {related_cos:.3f} "
                f"(q={quantiles['related']:.3f}): {at['related']:.3f}"
            )
        print(f"{name:<22} {speed:>12,.0f} {rho:>10.3f} {auc:>9.3f}   {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
