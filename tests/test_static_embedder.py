import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from storytrace.align.classifier import SEMANTIC_FEATURES, default_scorer
from storytrace.align.compare import Prepared, prepare, sentence_space
from storytrace.align.features import SEMANTIC_FLOOR
from storytrace.cluster.join_rules import default_join
from storytrace.errors import StorytraceError, UsageError
from storytrace.model import Article
from storytrace.semantic import MiniLMEmbedder, semantic_available, static
from storytrace.semantic import embed as embed_module
from storytrace.semantic.static import STATIC_COSINE_FLOOR, StaticEmbedder

needs_model = pytest.mark.skipif(not semantic_available(), reason="semantic extra not installed")


class LetterPieces:
    """A stand-in tokenizer: one word piece per letter (its position in the alphabet)."""

    def encode_batch(self, texts, add_special_tokens=True):
        assert add_special_tokens is False
        return [SimpleNamespace(ids=[ord(c) - ord("a") for c in t.lower() if "a" <= c <= "z"]) for t in texts]


def embedder_with(table: np.ndarray) -> StaticEmbedder:
    embedder = StaticEmbedder()
    embedder._table, embedder._tokenizer = table.astype(np.float32), LetterPieces()
    return embedder


def test_a_sentence_is_the_normalised_mean_of_its_pieces_and_a_text_without_pieces_is_zero() -> None:
    rng = np.random.default_rng(3)
    table = rng.standard_normal((26, 5))
    texts = ["cab", "", "a", "b a c", "!!", "zz"]
    got = embedder_with(table).encode(texts)
    assert got.shape == (6, 5) and got.dtype == np.float32
    for text, row in zip(texts, got, strict=True):
        ids = [ord(c) - ord("a") for c in text if c.isalpha()]
        if not ids:
            assert not row.any()
            continue
        mean = table[ids].mean(axis=0)
        assert np.allclose(row, mean / np.linalg.norm(mean), atol=1e-6)
    assert np.allclose(got[0], got[3])  # the same pieces in another order: the same sentence vector
    assert embedder_with(table).encode([]).shape == (0, 5)


def test_the_table_is_distilled_once_and_kept_whole(monkeypatch, tmp_path: Path) -> None:
    calls: list[int] = []

    def distil(dims: int = 4, say=None) -> np.ndarray:
        calls.append(1)
        return np.arange(12, dtype=np.float32).reshape(3, 4)

    target = tmp_path / "cache" / "table.npy"
    monkeypatch.setattr(static, "distil_table", distil)
    monkeypatch.setattr(static, "table_path", lambda folder=None: target)
    first = static.load_table()
    again = static.load_table()
    assert calls == [1]
    assert np.array_equal(first, again) and first.shape == (3, 4)
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.npy"]  # no temporary file left behind


def test_the_cache_folder_is_configurable(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STORYTRACE_CACHE", str(tmp_path))
    assert static.cache_folder() == tmp_path
    monkeypatch.delenv("STORYTRACE_CACHE")
    assert static.cache_folder() == Path.home() / ".cache" / "storytrace"


def test_the_embedder_is_chosen_by_name_and_a_wrong_name_is_a_usage_error(monkeypatch) -> None:
    monkeypatch.delenv("STORYTRACE_EMBEDDER", raising=False)
    assert isinstance(embed_module.chosen_embedder(), StaticEmbedder)  # the default
    monkeypatch.setenv("STORYTRACE_EMBEDDER", "MiniLM")
    assert isinstance(embed_module.chosen_embedder(), MiniLMEmbedder)
    assert isinstance(embed_module.chosen_embedder(choice="static"), StaticEmbedder)  # the option wins
    monkeypatch.setenv("STORYTRACE_EMBEDDER", "glove")
    with pytest.raises(UsageError, match="embedder.*'glove'"):
        embed_module.chosen_embedder()


def test_each_embedder_has_its_own_trained_models() -> None:
    assert embed_module.model_kind(None) == "lexical"
    assert embed_module.model_kind(StaticEmbedder()) == "static"
    assert StaticEmbedder().name == f"{static.STATIC_MODEL}-r{static.RECIPE_VERSION}"  # a new recipe, a new name
    assert embed_module.model_kind(MiniLMEmbedder()) == "semantic"
    static_scorer, minilm_scorer = default_scorer("static"), default_scorer("semantic")
    assert static_scorer.semantic.card["name"] == "relations_static"
    assert minilm_scorer.semantic.card["name"] == "relations_semantic"
    assert static_scorer.semantic.features == SEMANTIC_FEATURES
    assert static_scorer.lexical is minilm_scorer.lexical  # the lexical model does not depend on the embedder
    assert default_join(True, "static").card["model"] == "join_static"
    assert default_join(True).card["model"] == "join_semantic"
    assert default_join(False, "static").card["model"] == "join_lexical"


def test_a_story_space_ranks_static_cosines_from_the_static_floor() -> None:
    members: list[Prepared] = [
        prepare(Article(id=k, text=t)) for k, t in (("a", "The ferry resumed service."), ("b", "Clocks tick."))
    ]
    table = np.random.default_rng(0).standard_normal((26, 4))
    assert sentence_space(members, embedder_with(table)).embed_floor == STATIC_COSINE_FLOOR
    assert sentence_space(members, None).embed_floor == SEMANTIC_FLOOR


@needs_model
def test_the_distilled_embedder_runs_offline_and_tells_a_rewording_from_another_topic(tmp_path: Path) -> None:
    code = (
        "from storytrace.semantic.static import StaticEmbedder\n"
        "import numpy as np\n"
        "v = StaticEmbedder().encode(['The ferry resumed service on Friday.', 'On Friday the ferry service started "
        "again.', 'The museum of clocks will close for repairs.'])\n"
        "print(v.shape[1], round(float(np.linalg.norm(v[0])), 3), float(v[0] @ v[1]) > float(v[0] @ v[2]))\n"
    )
    cache = os.environ.get("STORYTRACE_CACHE") or str(Path.home() / ".cache" / "storytrace")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HOME="/nonexistent-hf-home")
    env["STORYTRACE_CACHE"] = cache  # distilled once by `make install`; distilled here (about 30 s) if absent
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split() == ["256", "1.0", "True"]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_wrong_embedder_name_is_one_line_from_the_command(tmp_path: Path, how: str) -> None:
    if not semantic_available():
        pytest.skip("without the semantic extra no embedder is chosen")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The ferry resumed service on Friday.", "utf-8")
    b.write_text("The ferry service started again on Friday.", "utf-8")
    exe = Path(sys.executable).parent / "storytrace"
    env = {k: v for k, v in os.environ.items() if k not in ("STORYTRACE_LEXICAL_ONLY", "STORYTRACE_EMBEDDER")}
    cmd = [str(exe), "compare", str(a), str(b)]
    if how == "option":
        cmd += ["--embedder", "glove"]
    else:
        env["STORYTRACE_EMBEDDER"] = "glove"
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 2
    assert "embedder: 'glove' is not an embedder" in done.stderr and "Traceback" not in done.stderr


@needs_model
def test_compare_runs_with_either_embedder(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The harbour ferry to Tollmere resumed service on Friday after the storm.", "utf-8")
    b.write_text("On Friday, after the storm, the Tollmere harbour ferry started running again.", "utf-8")
    exe = Path(sys.executable).parent / "storytrace"
    env = {k: v for k, v in os.environ.items() if k not in ("STORYTRACE_LEXICAL_ONLY", "STORYTRACE_EMBEDDER")}
    found = {}
    for name in ("static", "minilm"):
        cmd = [str(exe), "compare", str(a), str(b), "--json", "--embedder", name]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-500:]
        found[name] = json.loads(done.stdout)
    assert found["static"]["alignments"] and found["minilm"]["alignments"]


def test_a_cache_folder_that_cannot_be_written_is_said_and_the_table_still_used(monkeypatch, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", "utf-8")
    monkeypatch.setattr(static, "distil_table", lambda dims=4, say=None: np.ones((3, 4), dtype=np.float32))
    monkeypatch.setattr(static, "table_path", lambda folder=None: blocked / "table.npy")
    said: list[str] = []
    table = static.load_table(said.append)
    assert table.shape == (3, 4)
    assert len(said) == 1 and "cannot keep the distilled table" in said[0] and "STORYTRACE_CACHE" in said[0]


def test_a_failed_distillation_is_one_error_naming_what_failed(monkeypatch) -> None:
    monkeypatch.setattr(static.sys, "executable", "/bin/false")  # the distilling process exits 1, saying nothing
    with pytest.raises(StorytraceError, match="static embedder: distilling the table from MiniLM failed: no message"):
        static.distil_table()


def test_texts_encoded_in_batches_are_encoded_as_one_by_one(monkeypatch) -> None:
    table = np.random.default_rng(5).standard_normal((26, 6))
    texts = ["abc", "", "zz", "q", "", "", "hello", "b", "!"]
    one_by_one = np.vstack([embedder_with(table).encode([t]) for t in texts])
    monkeypatch.setattr(static, "ENCODE_BATCH", 2)  # batch edges fall between empty and filled texts
    assert np.array_equal(embedder_with(table).encode(texts), one_by_one)


def test_the_model_digest_is_kept_and_computed_again_when_a_file_is_written_again(monkeypatch, tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    for name in static._MODEL_FILES:
        (model / name).write_bytes(b"weights of " + name.encode())
    monkeypatch.setenv("STORYTRACE_CACHE", str(tmp_path / "cache"))
    first = static._model_digest.__wrapped__(model)
    assert (tmp_path / "cache" / static._DIGESTS).is_file()
    reads: list[str] = []
    real_open = Path.open

    def counting_open(self: Path, *args, **kwargs):
        if self.parent == model:
            reads.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    assert static._model_digest.__wrapped__(model) == first and reads == []  # from the kept digest, nothing read
    (model / "tokenizer.json").write_bytes(b"another vocabulary")
    changed = static._model_digest.__wrapped__(model)
    assert changed != first and "model.safetensors" in reads  # written again: read and digested again


def test_a_table_kept_in_fortran_order_is_loaded_in_c_order_and_encodes_the_same(monkeypatch, tmp_path: Path) -> None:
    table = np.asfortranarray(np.random.default_rng(7).standard_normal((26, 6)).astype(np.float32))
    target = tmp_path / "table.npy"
    np.save(target, table)  # as tables distilled before were kept: Fortran order
    monkeypatch.setattr(static, "table_path", lambda folder=None: target)
    loaded = static.load_table()
    assert loaded.flags.c_contiguous and np.array_equal(loaded, table)
    texts = ["abc", "", "zz", "hello world", "q"]
    assert np.array_equal(embedder_with(loaded).encode(texts), embedder_with(table).encode(texts))
    np.save(target, np.ascontiguousarray(table))
    assert isinstance(static.load_table(), np.memmap)  # a C-order table is mapped, not copied
