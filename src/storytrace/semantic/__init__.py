"""The semantic layer: sentence embeddings, offline, cached, optional."""

from storytrace.semantic.embed import (
    EMBEDDING_MODEL,
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    MiniLMEmbedder,
    default_embedder,
    semantic_available,
)

__all__ = [
    "EMBEDDING_MODEL",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "MiniLMEmbedder",
    "default_embedder",
    "semantic_available",
]
