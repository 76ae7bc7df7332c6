import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from storytrace.align import classifier
from storytrace.align.classifier import LEXICAL_FEATURES, SEMANTIC_FEATURES, ModelFileError, TrainedRelations
from storytrace.align.pairs import classify_pairs
from storytrace.pipeline import AnalysisOptions
from storytrace.semantic import CachedEmbedder, semantic_available
from storytrace.semantic import embed as embed_module
from storytrace.store import Store

needs_model = pytest.mark.skipif(not semantic_available(), reason="semantic extra not installed")


class CountingEmbedder:
    """A stand-in for MiniLM: a fixed vector per text, and a count of texts encoded."""

    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        out = np.array([[len(t), t.count("a") + 1.0, 1.0] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_cache_encodes_each_distinct_sentence_once(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    with Store(tmp_path / "st.db") as store:
        cached = CachedEmbedder(inner, store)
        first = cached.encode(["a cat", "a dog", "a cat"])
        assert inner.seen == ["a cat", "a dog"]
        again = cached.encode(["a  cat", "a dog"])  # whitespace does not make a new sentence
        assert inner.seen == ["a cat", "a dog"]
        assert np.allclose(again[0], first[0])
    with Store(tmp_path / "st.db") as store:  # a new process finds the vectors in the store
        fresh = CachedEmbedder(CountingEmbedder(), store)
        from_disk = fresh.encode(["a dog"])
        assert fresh.computed == 0
        assert np.allclose(from_disk[0], first[1])


@pytest.mark.parametrize("cheap", [False, True], ids=["costly model", "static table"])
def test_the_store_keeps_sentence_vectors_only_of_a_costly_embedder(tmp_path: Path, cheap: bool) -> None:
    """``analyze`` keeps every article's vector (each re-run's clustering reads them); a story's sentence
    vectors only where computing them again costs more than storing them."""
    from storytrace.align.compare import prepare
    from storytrace.pipeline import analyze
    from storytrace.semantic.embed import text_key

    inner = CountingEmbedder()
    inner.cheap = cheap  # type: ignore[attr-defined]
    corpus = Path(__file__).resolve().parents[1] / "examples" / "corpus"
    with Store(tmp_path / "st.db") as store:
        result = analyze([corpus], store, AnalysisOptions(embedder=CachedEmbedder(inner, store)))
        stored = {k for (k,) in store.db.execute("SELECT key FROM embeddings")}
        stories = [story["articles"] for story in result.document["stories"]]
        in_stories = [a for ids in stories if len(ids) > 1 for a in ids]
        members = list(store.articles(in_stories))
    sentences = {text_key(s.text) for art in members for s in prepare(art).sentences}
    assert len(sentences) > 20
    if cheap:
        assert len(stored) == len(result.document["articles"])  # the articles' vectors, one each
        assert not sentences & stored
    else:
        assert sentences <= stored


def test_lexical_only_is_said_once(monkeypatch) -> None:
    monkeypatch.setenv("STORYTRACE_LEXICAL_ONLY", "1")
    monkeypatch.setattr(embed_module, "_said_lexical_only", False)
    said: list[str] = []
    assert embed_module.default_embedder(say=said.append) is None
    assert embed_module.default_embedder(say=said.append) is None
    assert len(said) == 1 and "lexical" in said[0]


def test_shipped_model_cards_match_the_code() -> None:
    scorer = TrainedRelations()
    assert scorer.semantic.features == SEMANTIC_FEATURES
    assert scorer.lexical.features == LEXICAL_FEATURES
    for model in (scorer.semantic, scorer.lexical):
        assert model.card["made_by"] == "training/train_relations.py"
        assert model.probabilities([]).shape == (0, 4)
        assert set(model.classes) == {"paraphrase", "same_fact", "related", "unrelated"}


def test_an_altered_model_file_is_refused(monkeypatch, tmp_path: Path) -> None:
    import importlib.resources

    real = importlib.resources.files("storytrace.align") / "models"
    for name in ("relations_lexical.json", "relations_lexical.npz"):
        (tmp_path / name).write_bytes((real / name).read_bytes())
    (tmp_path / "relations_lexical.npz").write_bytes((tmp_path / "relations_lexical.npz").read_bytes() + b"x")

    class Folder:
        def __truediv__(self, other: str):
            return tmp_path if other == "models" else tmp_path / other

    monkeypatch.setattr(classifier.resources, "files", lambda package: Folder())
    classifier._load_model.cache_clear()
    try:
        with pytest.raises(ModelFileError, match="sha256"):
            classifier.load_model("lexical")
    finally:
        classifier._load_model.cache_clear()


def test_lexical_pairs_verdicts() -> None:
    scorer = TrainedRelations(copy_evidence=False)
    items = [
        ("same", "The harbour ferry to Tollmere resumed service on Friday.",
         "The harbour ferry to Tollmere resumed service on Friday!"),
        ("far", "The harbour ferry to Tollmere resumed service on Friday.",
         "A new bakery opened beside the museum of clocks."),
    ]  # fmt: skip
    verdicts = {v.id: v for v in classify_pairs(items, scorer)}
    assert verdicts["same"].relation == "verbatim" and verdicts["same"].paraphrase
    assert verdicts["far"].relation in ("unrelated", "related") and not verdicts["far"].paraphrase


@needs_model
def test_embeddings_run_offline() -> None:
    code = (
        "from storytrace.semantic import MiniLMEmbedder\n"
        "import numpy as np\n"
        "v = MiniLMEmbedder().encode(['The ferry resumed service.', 'Ferry service started again.', 'Clocks tick.'])\n"
        "print(v.shape[1], round(float(np.linalg.norm(v[0])), 3), float(v[0] @ v[1]) > float(v[0] @ v[2]))\n"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HOME="/nonexistent-hf-home")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split() == ["384", "1.0", "True"]


@needs_model
def test_pairs_command_with_embeddings(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        {"id": "p1", "a": "Rescue divers recovered three bodies two kilometres downstream of the bridge.",
         "b": "Divers of the rescue service found the three bodies about two kilometres downstream of the bridge."},
        {"id": "u1", "a": "Rescue divers recovered three bodies two kilometres downstream of the bridge.",
         "b": "The orchestra will tour four cities in the spring."},
    ]  # fmt: skip
    src.write_text("".join(json.dumps(x) + "\n" for x in lines) + "not json\n", "utf-8")
    exe = Path(sys.executable).parent / "storytrace"
    done = subprocess.run([str(exe), "pairs", str(src)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1  # the bad line
    assert f"{src}:3: not valid JSON" in done.stderr and "Traceback" not in done.stderr
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["p1", "u1"]
    assert set(out[0]) == {"id", "relation", "score", "paraphrase"}
    assert out[0]["paraphrase"] is True and out[0]["relation"] in ("near_verbatim", "paraphrase")
    assert out[1]["paraphrase"] is False and out[1]["relation"] in ("unrelated", "related")


def test_tree_walk_without_nan_scores_as_the_general_walk() -> None:
    """``TreeEnsemble._raw_complete`` (rows without NaN) reaches the leaves the NaN-aware walk reaches."""
    rng = np.random.default_rng(7)
    for kind in ("lexical", "semantic"):
        ensemble = classifier.load_model(kind).estimator
        width = int(ensemble.feature.max()) + 1
        # Values on, just below and just above real thresholds of each feature, so every branch is taken.
        inner = ~ensemble.is_leaf
        rows = np.zeros((400, width))
        for f in range(width):
            cuts = ensemble.threshold[inner & (ensemble.feature == f)]
            if len(cuts):
                picked = rng.choice(cuts, size=len(rows))
                rows[:, f] = picked + rng.choice([-1e-9, 0.0, 1e-9], size=len(rows))
        with_nan = np.vstack([rows, np.full((1, width), np.nan)])  # one NaN row sends the batch the general way
        general = ensemble.raw(with_nan)[:-1]
        fast = ensemble.raw(rows)
        assert np.array_equal(general, fast)
        assert len({tuple(r) for r in np.round(fast, 6)}) > 50  # many different leaves were reached
