"""A digest of storytrace's own code and shipped models: what is kept is re-used only by the same code.

Not here: what is kept under it (``pipeline.keys``, ``pipeline.reuse``, ``pipeline.ingesting``).
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources


@functools.cache
def code_digest() -> str:
    """A digest of storytrace's own code and shipped models: a kept analysis is re-used only by the same code."""
    digest = hashlib.blake2b(digest_size=16)
    root = resources.files("storytrace")
    todo = [root]
    while todo:
        folder = todo.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                if entry.name != "__pycache__":
                    todo.append(entry)
            elif entry.name.endswith((".py", ".json", ".npz", ".j2")):
                digest.update(entry.name.encode("utf-8") + entry.read_bytes())
    return digest.hexdigest()
