"""The semantic layer: sentence embeddings, offline, cached, optional."""

from storytrace.semantic.embed import CachedEmbedder, Embedder, EmbeddingCache, default_embedder
from storytrace.semantic.minilm import EMBEDDING_MODEL, MiniLMEmbedder, semantic_available

__all__ = [
    "EMBEDDING_MODEL",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "MiniLMEmbedder",
    "default_embedder",
    "semantic_available",
]
