"""A static sentence embedder distilled here from the bundled MiniLM: one vector per word piece, a sentence their mean.

The recipe is Model2Vec's (Tulkens and van Dongen, 2024): every word piece of
MiniLM's vocabulary goes through the transformer once, alone between ``[CLS]``
and ``[SEP]``; its output vector at its own position is its static vector. The
vectors are reduced by PCA to ``STATIC_DIMS`` dimensions and weighted by the
logarithm of the piece's rank in the vocabulary (a Zipf proxy: WordPiece
vocabularies list frequent pieces first, so frequent pieces weigh less). A
sentence is the mean of the vectors of its word pieces, normalised. Encoding is
a tokenizer call and a table lookup, thousands of sentences a second on one
core, where MiniLM does about 130.

The table is distilled on this machine from the model file of the
``semantic`` extra (about 30 s on one core, once, in a process of its own with
one thread, so that the table does not depend on the caller's thread settings)
and kept in the user's cache folder (``STORYTRACE_CACHE``, else
``~/.cache/storytrace``) under a name that holds the model file's digest and the
recipe's version. Nothing is downloaded.
Model2Vec's own package is not used: its distillation extra pins an older
``transformers`` than the one ``sentence-transformers`` needs here.

Not here: which embedder a run uses (``embed.default_embedder``), what the vectors are used for (``align``,
``cluster``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any

import numpy as np
from scipy import sparse

from storytrace.errors import StorytraceError
from storytrace.semantic.minilm import load_minilm, minilm_folder

STATIC_MODEL = "minilm-static-256"
STATIC_DIMS = 256
RECIPE_VERSION = "1"  # change when the recipe changes: the cached table's name holds it
DISTIL_BATCH = 1024  # word pieces per forward pass
ENCODE_BATCH = 1024  # texts tokenised and summed at a time
# The cosine below which the aligner does not rank a sentence pair on its embeddings: the static cosine at the
# quantile where MiniLM's floor (``features.SEMANTIC_FLOOR``, 0.45) sits among the 254,924 cross-text sentence pairs of
# the first 40 METER dev stories: q = 0.896, static 0.664. The lowest candidate score then falls at 0.731, where
# MiniLM's (0.56) quantile, 0.966, puts 0.729 (``bench/experiments/static_embedder.py``).
STATIC_COSINE_FLOOR = 0.66


_MODEL_FILES = ("model.safetensors", "tokenizer.json")


@cache
def _model_digest(folder: Path) -> str:
    """A short digest of MiniLM's weights and vocabulary (the table is theirs).

    Reading the 90 MB of weights takes a quarter of a second at every start, so the digest is kept in the
    cache folder (``_DIGESTS``) under the files' inode, size, modification and change times: a file written
    again, by any means, has another change time, so its digest is computed again.
    """
    stamp = "|".join(_file_stamp(folder / name) for name in _MODEL_FILES)
    memo = cache_folder() / _DIGESTS
    try:
        read = json.loads(memo.read_text("utf-8"))
    except (OSError, ValueError):
        read = {}
    known = {k: v for k, v in read.items() if isinstance(v, str)} if isinstance(read, dict) else {}
    if stamp in known:
        return known[stamp]
    digest = hashlib.sha256()
    for name in _MODEL_FILES:
        with (folder / name).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    short = digest.hexdigest()[:16]
    kept = dict([*list(known.items())[-7:], (stamp, short)])  # a few installations' digests
    try:
        _write_replacing(memo, lambda fh: fh.write(json.dumps(kept).encode("utf-8")))
    except OSError:
        pass  # not kept: computed again next time
    return short


_DIGESTS = "minilm-digest.json"  # the model files' stamp and their digest (``_model_digest``)


def _write_replacing(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``path`` (its folder made if need be) through a temporary file beside it, renamed over it at the end.

    A reader, or a run stopped half way, never sees a file half written. Raises OSError when it cannot.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=path.suffix, delete=False) as tmp:
        write(tmp)
    os.replace(tmp.name, path)


def _file_stamp(path: Path) -> str:
    st = path.stat()
    return f"{path}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def cache_folder() -> Path:
    """Where distilled tables are kept: ``STORYTRACE_CACHE``, else ``~/.cache/storytrace``."""
    configured = os.environ.get("STORYTRACE_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "storytrace"


def table_path(folder: Path | None = None) -> Path:
    """The file of the table distilled from the installed MiniLM with this recipe."""
    digest = _model_digest(minilm_folder())
    return (folder or cache_folder()) / f"{STATIC_MODEL}-r{RECIPE_VERSION}-{digest}.npy"


def distil_table(dims: int = STATIC_DIMS, say: Callable[[str], None] | None = None) -> np.ndarray:
    """The static table (vocabulary x ``dims``, float32) distilled from MiniLM, as the module docstring says.

    It is distilled in a process of its own, started with one thread (``OMP_NUM_THREADS=1`` and the like):
    torch and the BLAS choose their kernels when they start, and a table distilled in a process started with
    more threads differs in its fifth digit. So the table is the same whatever the caller's settings.
    """
    if say is not None:
        say("distilling the static embedder from MiniLM (once, about 30 s)")
    env = {**os.environ, **dict.fromkeys(_THREAD_VARIABLES, "1")}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "table.npy"
        command = [sys.executable, "-m", "storytrace.semantic.static", str(out), str(dims)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.is_file():
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise StorytraceError("static embedder", f"distilling the table from MiniLM failed: {last}")
        table: np.ndarray = np.load(out, allow_pickle=False)
    return table


_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def _distil_here(dims: int) -> np.ndarray:
    """``distil_table``'s work, in this process."""
    import torch
    from sklearn.decomposition import PCA

    model = load_minilm()
    tokenizer, transformer = model.tokenizer, model[0].auto_model
    size = len(tokenizer.get_vocab())
    outputs: list[np.ndarray] = []
    with torch.inference_mode():
        for start in range(0, size, DISTIL_BATCH):
            pieces = torch.arange(start, min(size, start + DISTIL_BATCH))[:, None]
            cls, sep = torch.full_like(pieces, tokenizer.cls_token_id), torch.full_like(pieces, tokenizer.sep_token_id)
            ids = torch.cat([cls, pieces, sep], dim=1)
            hidden = transformer(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            outputs.append(hidden[:, 1].float().numpy())
    vectors = np.concatenate(outputs)
    reduced = PCA(n_components=dims, svd_solver="full").fit_transform(vectors)
    weighted = reduced * np.log1p(np.arange(size, dtype=float))[:, None]
    table: np.ndarray = weighted.astype(np.float32)
    return table


def load_table(say: Callable[[str], None] | None = None) -> np.ndarray:
    """The distilled table, from the cache folder, distilled and kept there first if absent.

    Written to a temporary file and renamed, so an interrupted run never leaves a partial table. A cache
    folder that cannot be written is said (through ``say``) and the table is used without being kept.
    """
    path = table_path()
    if path.is_file():
        # Mapped, not read: forked workers share the pages. Rows in C order: a table kept in Fortran order
        # (as tables distilled before were) is copied into C order once, here. The sparse product of
        # ``encode`` copies a table that is not C-contiguous at every call (31 MB, 19 ms), whatever its size.
        loaded: np.ndarray = np.load(path, allow_pickle=False, mmap_mode="r")
        return loaded if loaded.flags.c_contiguous else np.ascontiguousarray(loaded)
    table = np.ascontiguousarray(distil_table(say=say))
    try:
        _write_replacing(path, lambda fh: np.save(fh, table))
    except OSError as e:
        if say is not None:
            say(f"note: cannot keep the distilled table in {path.parent} ({e.strerror or e}); set STORYTRACE_CACHE")
    return table


class StaticEmbedder:
    """Sentences as the normalised mean of their word pieces' static vectors (see the module docstring)."""

    # The recipe's version is in the name: vectors a store keeps under it (``CachedEmbedder``) and the stories
    # analysed with them (the settings signature) are not reused after the recipe changes.
    name = f"{STATIC_MODEL}-r{RECIPE_VERSION}"
    # A table look-up: computing a vector again costs less than writing it to a store (``CachedEmbedder``)
    # and reading it back, so callers keep in the store only what every run reads (the articles' vectors).
    cheap = True

    def __init__(self, say: Callable[[str], None] | None = None) -> None:
        self._say = say
        self._table: np.ndarray | None = None
        self._tokenizer: Any = None

    def _load(self) -> tuple[np.ndarray, Any]:
        if self._table is None:
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(minilm_folder() / "tokenizer.json"))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            self._tokenizer = tokenizer
            self._table = load_table(self._say)
        return self._table, self._tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length vectors of ``texts`` (a zero row for a text without word pieces)."""
        table, tokenizer = self._load()
        out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
        for start in range(0, len(texts), ENCODE_BATCH):
            batch = list(texts[start : start + ENCODE_BATCH])
            pieces = [e.ids for e in tokenizer.encode_batch(batch, add_special_tokens=False)]
            lengths = np.fromiter(map(len, pieces), dtype=np.intp, count=len(pieces))
            ids = np.fromiter(itertools.chain.from_iterable(pieces), dtype=np.intp, count=int(lengths.sum()))
            # Texts x word pieces, one entry per piece in the text's order (duplicates kept, not summed): the
            # product adds each text's rows one by one, in that order, without gathering them (~30 MB a batch).
            counts = sparse.csr_matrix(
                (np.ones(len(ids), dtype=np.float32), ids, np.concatenate([[0], np.cumsum(lengths)])),
                shape=(len(batch), table.shape[0]),
            )
            out[start : start + len(batch)] = counts @ table
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


if __name__ == "__main__":  # distil_table's own process: python -m storytrace.semantic.static OUT.npy DIMS
    np.save(sys.argv[1], _distil_here(int(sys.argv[2])))
