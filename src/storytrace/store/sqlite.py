"""The embedded SQLite store: articles (and analysis results), created on first use.

Every write runs in a transaction: a batch of articles is stored whole or not
at all, so a crash, even a SIGKILL, never
leaves half a batch (``store.articles``). The database
runs in WAL mode, so readers are never blocked by a writer; opening the store
writes nothing once its tables exist (``store.schema``). Commands that write for long (``ingest``,
``analyze``) hold :meth:`Store.writer`, an advisory lock on ``FILE.lock`` (``store.lock``).
``Store`` puts together the parts, each in a module of its own: articles (``store.articles``), the clusterer's
state (``store.stream_state``), the kept results (``store.kept``), the writer lock; here are only opening,
closing, compacting and measuring the file.

Not here: reading input files (``ingest``), analysis (``pipeline``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storytrace.errors import BadInput
from storytrace.store.articles import ArticleRows
from storytrace.store.kept import KeptResults
from storytrace.store.lock import WriterLock
from storytrace.store.schema import SCHEMA, SCHEMA_NAMES, SCHEMA_VERSION
from storytrace.store.stream_state import StreamState

BUSY_TIMEOUT_SECONDS = 30.0
"""How long one statement waits for another connection's write transaction (a batch takes well under 1 s)."""


class Store(WriterLock, ArticleRows, StreamState, KeptResults):
    """A storytrace SQLite database."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_SECONDS)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash of the process loses no commit
            if not self._has_schema():  # a reader opening an existing store writes nothing, so waits for nothing
                with self.db:
                    self.db.executescript(SCHEMA)
                    self.db.execute(
                        "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                    )
        except sqlite3.DatabaseError as e:
            raise BadInput(str(path), f"cannot open the store: {e}") from None

    def _has_schema(self) -> bool:
        """True if every table and index of the schema exists, and the schema version is recorded."""
        names = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
        if not SCHEMA_NAMES <= names:
            return False
        return self.db.execute("SELECT 1 FROM meta WHERE key = 'schema_version'").fetchone() is not None

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def compact(self, wait: float = 2.0) -> bool:
        """Rewrite the file without its free pages (``VACUUM``) and fold the write-ahead log into it; True if done.

        In WAL mode the rewritten pages go to the log first, and the checkpoint
        after puts them in the file and empties the log. Another connection
        reading the store (the web UI) holds the log: the checkpoint waits
        ``wait`` seconds for it, then gives up and returns False. The log is
        folded in later, when the readers are gone; nothing is lost.
        """
        self.db.execute("VACUUM")
        self.db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        try:
            busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return not busy

    def size(self) -> int:
        """The store's bytes on disk: the file and its write-ahead log."""
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
