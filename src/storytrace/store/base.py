"""What every part of the store shares: its path and connection, and lookups by many keys at once.

``StoreBase`` is the base of the store's parts (``store.articles``, ``store.stream_state``, ``store.kept``,
``store.lock``), which ``store.sqlite.Store`` puts together; ``_rows_where_in`` asks for the rows of many keys
in chunks of ``IN_CHUNK`` (SQLite bounds a statement's parameters).

Not here: opening the database or its schema (``store.sqlite``, ``store.schema``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

IN_CHUNK = 500  # keys per ``IN (...)`` lookup (``Store._rows_where_in``)


class StoreBase:
    """The path and connection of a store, and the lookup its parts share."""

    path: Path
    db: sqlite3.Connection

    def _rows_where_in(self, query: str, keys: Sequence[str], *before: Any) -> Iterator[Any]:
        """The rows of ``query`` for the distinct ``keys``, whose ``?`` marks go where it says ``{marks}``.

        Asked in chunks of ``IN_CHUNK`` keys (SQLite bounds a statement's
        parameters); ``before``: the parameters ahead of the keys.
        """
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start : start + IN_CHUNK]
            yield from self.db.execute(query.format(marks=",".join("?" * len(chunk))), [*before, *chunk])
