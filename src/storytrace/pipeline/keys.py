"""What a story's analysis is kept under: its settings (version, models, embedder, agencies, code) and members.

Not here: the digest of the code (``fingerprint``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from storytrace.align.relation import RelationScorer
from storytrace.clean import Agency
from storytrace.fingerprint import code_digest
from storytrace.model import Article
from storytrace.semantic import Embedder


def settings_signature(scorer: RelationScorer, embedder: Embedder | None, agencies: Sequence[Agency]) -> str:
    """What, besides its members, a story's analysis depends on: version, models, embedder, agencies."""
    from storytrace import __version__

    parts = [
        __version__,
        type(scorer).__name__,
        getattr(embedder, "name", "-"),
        code_digest(),
        sorted(a.name for a in agencies),
    ]
    return hashlib.blake2b(json.dumps(parts).encode("utf-8"), digest_size=16).hexdigest()


def story_signature(articles: Sequence[Article], settings: str) -> str:
    """What a story's analysis is kept under: the settings and every field of its members the document shows."""
    members = sorted(
        (a.id, a.content_hash, a.published or "", a.kind, a.source or "", a.url or "", list(a.authors), a.language)
        for a in articles
    )
    return hashlib.blake2b(json.dumps([settings, members]).encode("utf-8"), digest_size=16).hexdigest()
