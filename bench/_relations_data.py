"""Labelled sentence pairs for the relation classifier, and their feature matrices.

Sources (all read where they lie in ``../shared/data``; the seeds are never used):

- MSRP train: label 1 -> ``paraphrase``; label 0 -> ``related`` (MSRP negatives
  are same-event sentences that do not say the same thing).
- STS-B news: the 0-5 score mapped on the STS annotation guide (Cer et al.
  2017): >= 4 "mostly equivalent" -> ``paraphrase``; [3, 4) "roughly
  equivalent, some important information differs" -> ``same_fact``; [1, 3)
  "share some details" / "same topic" -> ``related``; < 1 -> ``unrelated``.
- METER word-level annotation: a newspaper sentence made (almost) only of
  ``verbatim``/``rewrite`` words, paired with the PA sentence of the same story
  that holds most of its verbatim-marked words (and kept only if that is 60 %
  of them) -> ``paraphrase``; a sentence of only ``new`` words paired with its
  closest PA sentence by embedding -> ``related``.
- Random cross pairs of MSRP sentences -> ``unrelated``.

Each pair has a ``group`` (the MSRP pair id, the STS sentence pair, the METER
story) so that cross-validation never splits one source item across folds.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from _data import meter_story, read_jsonl
from storytrace.align.classifier import LEXICAL_FEATURES, SEMANTIC_FEATURES, feature_vector
from storytrace.align.features import describe, pair_features
from storytrace.semantic import CachedEmbedder
from storytrace.semantic.embed import chosen_embedder
from storytrace.store import Store
from storytrace.text.segment import sentences
from storytrace.text.tokens import normal_words

MSRP_FILE = Path("msrp") / "msrp_train.jsonl"
STSB_FILE = Path("stsb") / "stsb_news.jsonl"
METER_FILE = Path("meter") / "newspaper_articles.jsonl"
METER_PA_FILE = Path("meter") / "pa_sources.jsonl"
# A METER "derived" sentence is paired with the PA sentence holding most of its
# verbatim-marked words, and kept only if that sentence holds 60 % of at least 3.
METER_MIN_VERBATIM_WORDS = 3
METER_MIN_VERBATIM_HELD = 0.6
CACHE = Path(__file__).resolve().parent / "out" / "embeddings.db"


@dataclass(frozen=True)
class LabelledPair:
    """Two sentences, their relation label, the dataset and the CV group."""

    a: str
    b: str
    label: str
    dataset: str
    group: str
    msrp_label: int | None = None  # the original binary label, for MSRP pairs


def sts_relation(score: float) -> str:
    """An STS-B score (0-5) as a storytrace relation."""
    if score >= 4.0:
        return "paraphrase"
    if score >= 3.0:
        return "same_fact"
    if score >= 1.0:
        return "related"
    return "unrelated"


def load_msrp(data: Path) -> list[LabelledPair]:
    """MSRP train pairs."""
    return [
        LabelledPair(
            r["sentence1"],
            r["sentence2"],
            "paraphrase" if r["label"] == 1 else "related",
            "msrp",
            f"msrp:{r['id1']}:{r['id2']}",
            int(r["label"]),
        )
        for r in read_jsonl(data / MSRP_FILE)
    ]


def load_stsb(data: Path) -> list[LabelledPair]:
    """STS-B news pairs (all splits of the news genre in this copy)."""
    return [
        LabelledPair(r["sentence1"], r["sentence2"], sts_relation(float(r["score"])), "stsb", f"sts:{r['sid']}")
        for r in read_jsonl(data / STSB_FILE)
    ]


def random_unrelated(pairs: Sequence[LabelledPair], n: int, seed: int = 7) -> list[LabelledPair]:
    """``n`` pairs of sentences taken from two different MSRP pairs."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        x, y = rng.sample(range(len(pairs)), 2)
        out.append(LabelledPair(pairs[x].a, pairs[y].b, "unrelated", "random", f"rand:{pairs[x].group}"))
    return out


def meter_pairs(data: Path, embedder: CachedEmbedder, limit: int | None = None) -> list[LabelledPair]:
    """Sentence pairs from METER's word-level annotation (see the module docstring)."""
    pa_by_story: dict[str, list[str]] = {}
    for r in read_jsonl(data / METER_PA_FILE):
        story = meter_story(r)
        text = r["text"]
        pa_by_story.setdefault(story, []).extend(s.text for s in sentences(text) if len(s.text.split()) >= 4)
    out: list[LabelledPair] = []
    for r in read_jsonl(data / METER_FILE):
        segments = r.get("lexical_segments") or []
        story = meter_story(r)
        pa = list(dict.fromkeys(pa_by_story.get(story, [])))
        if not segments or not pa:
            continue
        text = "".join(seg["text"] for seg in segments)
        kinds = np.concatenate([np.full(len(seg["text"]), "vrn".index(seg["type"][0])) for seg in segments])
        alnum = np.array([c.isalnum() for c in text], dtype=bool)
        chosen: list[tuple[str, str, set[str]]] = []
        for sent in sentences(text):
            mask = alnum[sent.start : sent.end]
            if mask.sum() < 20:
                continue
            kind = kinds[sent.start : sent.end]
            share = np.bincount(kind[mask], minlength=3) / mask.sum()
            verbatim_text = "".join(c if k == 0 else " " for c, k in zip(sent.text, kind, strict=False))
            if share[2] <= 0.1:
                chosen.append((sent.text, "paraphrase", set(normal_words(verbatim_text))))
            elif share[2] >= 0.95:
                chosen.append((sent.text, "related", set()))
        if not chosen:
            continue
        pa_words = [set(normal_words(t)) for t in pa]
        pa_vectors = embedder.encode(pa)
        own = embedder.encode([c[0] for c in chosen])
        cos = own @ pa_vectors.T
        for k, (sent_text, label, verbatim_words) in enumerate(chosen):
            if label == "related":
                best = int(np.argmax(cos[k]))
            else:
                # The source sentence must hold the words the annotators marked
                # verbatim: otherwise the closest PA sentence is not the source.
                if len(verbatim_words) < METER_MIN_VERBATIM_WORDS:
                    continue
                held = np.array([len(verbatim_words & w) / len(verbatim_words) for w in pa_words])
                best = int(np.argmax(held + 0.01 * cos[k]))
                if held[best] < METER_MIN_VERBATIM_HELD:
                    continue
            out.append(LabelledPair(sent_text, pa[best], label, "meter", f"meter:{story}"))
        if limit and len(out) >= limit:
            break
    return out


def bench_embedder() -> CachedEmbedder:
    """The embedder the commands use (``STORYTRACE_EMBEDDER``, else static), cached in ``bench/out/embeddings.db``."""
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    return CachedEmbedder(chosen_embedder(), Store(CACHE))


def feature_matrices(pairs: Sequence[LabelledPair], embedder: CachedEmbedder | None) -> dict[str, np.ndarray]:
    """``{"lexical": X, "semantic": X}`` (semantic only with an embedder), one row per pair."""
    feats = [pair_features(describe(p.a), describe(p.b), 0.0, 0.0, {}) for p in pairs]
    out = {"lexical": np.array([feature_vector(f, LEXICAL_FEATURES) for f in feats])}
    if embedder is not None:
        va = embedder.encode([p.a for p in pairs])
        vb = embedder.encode([p.b for p in pairs])
        cos = np.sum(va * vb, axis=1)
        lexical = out["lexical"]
        out["semantic"] = np.column_stack([lexical, cos])
        assert len(SEMANTIC_FEATURES) == out["semantic"].shape[1]
    return out


def all_training_pairs(data: Path, embedder: CachedEmbedder) -> list[LabelledPair]:
    """Every labelled pair the shipped classifier is trained on."""
    msrp = load_msrp(data)
    return msrp + load_stsb(data) + meter_pairs(data, embedder) + random_unrelated(msrp, 2000)


def load_training(data: Path, program: str) -> tuple[CachedEmbedder, list[LabelledPair], dict[str, np.ndarray]] | None:
    """The embedder, every training pair and their feature matrices; None (said on stderr) without the data."""
    gone = next((data / f for f in (MSRP_FILE, STSB_FILE) if not (data / f).is_file()), None)
    if gone is not None:
        print(f"{program}: {gone} not found", file=sys.stderr)
        return None
    embedder = bench_embedder()
    pairs = all_training_pairs(data, embedder)
    return embedder, pairs, feature_matrices(pairs, embedder)
