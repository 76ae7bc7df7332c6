"""Sentence embeddings: which embedder a run uses, and its vectors cached and batched.

The embedders are MiniLM itself (``semantic.minilm``: all-MiniLM-L6-v2 from
its PyPI package, nothing fetched at run time) and the static table distilled
from it (``semantic.static``). ``CachedEmbedder`` keeps vectors
per sentence in memory and, given an ``EmbeddingCache`` (the SQLite store), on
disk, and sends only the sentences it has not seen to the model, in batches.

By default the semantic layer does not run MiniLM itself but the static table
distilled from it (``semantic.static``); ``--embedder minilm`` (or
``STORYTRACE_EMBEDDER=minilm``) runs the transformer. Each has its own trained
relation and join models (``model_kind``).

Without the extra (or with ``STORYTRACE_LEXICAL_ONLY=1``), ``default_embedder``
returns None, says so once per process, and storytrace runs on lexical
features alone.

Not here: what the vectors are used for (``align``).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import numpy as np

from storytrace.errors import UsageError
from storytrace.semantic.minilm import EMBEDDING_DIM, MiniLMEmbedder, semantic_available


class Embedder(Protocol):
    """Anything that turns sentences into unit-length vectors (one row per sentence)."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


class EmbeddingCache(Protocol):
    """Where vectors outlive the process (the SQLite store implements it)."""

    def get_embeddings(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those keys that have one."""
        ...

    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors by key."""
        ...


def text_key(text: str) -> str:
    """Cache key of a sentence: a hash of its whitespace-normalised text."""
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8"), digest_size=16).hexdigest()


class CachedEmbedder:
    """An embedder with a per-sentence cache in memory and, optionally, in a store."""

    def __init__(self, inner: Embedder, store: EmbeddingCache | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.store = store
        self.memory: dict[str, np.ndarray] = {}
        self.computed = 0  # sentences sent to the model, for benchmarks and tests
        self.cheap = bool(getattr(inner, "cheap", False))

    def encode(self, texts: Sequence[str], keep: bool = True) -> np.ndarray:
        """Vectors of ``texts``, computing only those not cached (each distinct text once).

        Those computed go into the store unless ``keep`` is false (memory only).
        """
        keys = [text_key(t) for t in texts]
        missing = [k for k in dict.fromkeys(keys) if k not in self.memory]
        if missing and self.store is not None:
            self.memory.update(self.store.get_embeddings(self.name, missing))
            missing = [k for k in missing if k not in self.memory]
        if missing:
            first_text: dict[str, str] = {}
            for k, t in zip(keys, texts, strict=True):
                first_text.setdefault(k, t)
            fresh = self.inner.encode([first_text[k] for k in missing])
            self.computed += len(missing)
            self._keep({k: fresh[n] for n, k in enumerate(missing)}, keep)
        if not keys:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.stack([self.memory[k] for k in keys])

    def remember(self, vectors: Mapping[str, np.ndarray], keep: bool = True) -> None:
        """Take vectors of texts computed elsewhere by the same model, as if computed here (``encode``'s ``keep``)."""
        self._keep({key: v for t, v in vectors.items() if (key := text_key(t)) not in self.memory}, keep)

    def _keep(self, new: dict[str, np.ndarray], keep: bool = True) -> None:
        """Vectors by cache key into memory and, with a store and ``keep``, into the store."""
        if new:
            self.memory.update(new)
            if self.store is not None and keep:
                self.store.put_embeddings(self.name, new)


_said_lexical_only = False


def default_embedder(
    store: EmbeddingCache | None = None, say: Callable[[str], None] | None = None, choice: str | None = None
) -> CachedEmbedder | None:
    """The cached embedder ``choice`` names (see ``chosen_embedder``), or None (said once) when the extra is missing."""
    global _said_lexical_only
    switched_off = os.environ.get("STORYTRACE_LEXICAL_ONLY") == "1"
    if switched_off or not semantic_available():
        if not _said_lexical_only:
            _said_lexical_only = True
            why = (
                "STORYTRACE_LEXICAL_ONLY=1"
                if switched_off
                else "semantic extra not installed (pip install 'storytrace[semantic]')"
            )
            message = f"note: {why}; using lexical features only"
            (say or (lambda m: print(m, file=sys.stderr)))(message)
        return None
    return CachedEmbedder(chosen_embedder(say, choice), store)


# The sentence embedders the semantic layer can use (``--embedder``, ``STORYTRACE_EMBEDDER``), the default first.
EMBEDDERS = ("static", "minilm")


def chosen_embedder(say: Callable[[str], None] | None = None, choice: str | None = None) -> Embedder:
    """The embedder ``choice`` names, else ``STORYTRACE_EMBEDDER``, else the first of ``EMBEDDERS``.

    ``static`` is the table distilled from MiniLM (``semantic.static``): on the
    quality benchmarks it scores as MiniLM does, at about 50 times its speed
    (docs/performance.md). ``minilm`` runs the transformer itself.
    """
    choice = (choice or os.environ.get("STORYTRACE_EMBEDDER") or EMBEDDERS[0]).strip().lower()
    if choice == "static":
        from storytrace.semantic.static import StaticEmbedder

        return StaticEmbedder(say)
    if choice != "minilm":
        raise UsageError("embedder", f"{choice!r} is not an embedder; use one of {', '.join(EMBEDDERS)}")
    return MiniLMEmbedder()


def model_kind(embedder: Embedder | None) -> str:
    """Which trained models read this embedder's cosines: ``semantic`` (MiniLM's) or ``static``.

    ``lexical`` without an embedder. The relation classifier and the join model
    each ship one file per kind (``align/models``, ``cluster/models``).
    """
    if embedder is None:
        return "lexical"
    from storytrace.semantic.static import STATIC_MODEL

    return "static" if embedder.name.startswith(STATIC_MODEL) else "semantic"
