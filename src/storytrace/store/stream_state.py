"""What the streaming clusterer keeps in the store: story assignments, join reasons, kept terms, its snapshot.

Assignments and the snapshot taken with them are written in one transaction, so a snapshot is never kept
without its assignments; an article's content words, name terms, story document terms and title stems are kept
so that a replay need not compute them again.

Not here: the clusterer (``cluster.stream``), the snapshot's form (``cluster.snapshot``), its replay
(``pipeline.replay``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from storytrace.store.base import StoreBase


@dataclass(frozen=True)
class StreamSnapshot:
    """The streaming clusterer's state after the first ``position`` articles in time order, and what it assumed."""

    settings: str  # the code, embedder and batching it was taken with: another run uses it only if they are the same
    position: int
    state: str  # ``cluster.snapshot`` JSON
    arrays: bytes  # and its arrays


class StreamState(StoreBase):
    """The store's part that keeps the clusterer's assignments, reasons, terms and snapshot."""

    def story_assignments(self) -> dict[str, int]:
        """``{article id: story number}`` of every article assigned to a story."""
        return {a: int(s) for a, s in self.db.execute("SELECT article_id, story FROM story_members")}

    def assign_stories(
        self,
        assignments: dict[str, int],
        snapshot: StreamSnapshot | None = None,
        reasons: Mapping[str, str] | None = None,
    ) -> None:
        """Record story numbers of articles not assigned yet (assigned ones keep theirs), and ``snapshot``.

        ``reasons``: why each went where it did (``model.JoinReason`` as JSON text), kept beside its story.
        One transaction: a snapshot, which holds the assignments it was taken
        with, is never kept without them.
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO story_members (article_id, story, assigned_at) VALUES (?, ?, ?)",
                [(a, s, now) for a, s in assignments.items()],
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO join_reasons (article_id, reason) VALUES (?, ?)", list((reasons or {}).items())
            )
            if snapshot is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO stream_snapshot (id, settings, position, state, arrays) "
                    "VALUES (1, ?, ?, ?, ?)",
                    (snapshot.settings, snapshot.position, snapshot.state, snapshot.arrays),
                )

    def join_reasons(self, ids: Sequence[str]) -> dict[str, str]:
        """Why those of ``ids`` that have one went into their story (``model.JoinReason`` as JSON text)."""
        query = "SELECT article_id, reason FROM join_reasons WHERE article_id IN ({marks})"
        return dict(self._rows_where_in(query, ids))

    def stream_snapshot(self) -> StreamSnapshot | None:
        """The streaming clusterer's kept state (``cluster.snapshot``), if any."""
        row = self.db.execute("SELECT settings, position, state, arrays FROM stream_snapshot WHERE id = 1").fetchone()
        return StreamSnapshot(row[0], int(row[1]), row[2], bytes(row[3])) if row else None

    def stream_features(self, ids: Sequence[str]) -> dict[str, tuple[list[str], list[str]]]:
        """Kept ``(content words, name terms)`` of those of ``ids`` that have them."""
        return self._term_lists("stream_features", "words", "names", ids)

    def put_stream_features(self, features: dict[str, tuple[list[str], list[str]]]) -> None:
        """Keep each article's content words and name terms (one transaction)."""
        self._put_term_lists("stream_features", "words", "names", features)

    def stream_terms(self, ids: Sequence[str]) -> dict[str, tuple[list[str], list[str]]]:
        """Kept ``(story document terms, title stems)`` of those of ``ids`` that have them."""
        return self._term_lists("stream_terms", "document", "title", ids)

    def put_stream_terms(self, terms: dict[str, tuple[list[str], list[str]]]) -> None:
        """Keep each article's story document terms and title stems (one transaction)."""
        self._put_term_lists("stream_terms", "document", "title", terms)

    def _term_lists(
        self, table: str, first: str, second: str, ids: Sequence[str]
    ) -> dict[str, tuple[list[str], list[str]]]:
        """Two kept term lists per article of ``ids`` from ``table`` (columns ``first``, ``second``; fixed names)."""
        query = f"SELECT article_id, {first}, {second} FROM {table} WHERE article_id IN ({{marks}})"
        return {a: (x.split(), y.split()) for a, x, y in self._rows_where_in(query, ids)}

    def _put_term_lists(
        self, table: str, first: str, second: str, lists: dict[str, tuple[list[str], list[str]]]
    ) -> None:
        """Keep two term lists per article in ``table``, space-joined (no term holds a space); one transaction."""
        with self.db:
            self.db.executemany(
                f"INSERT OR IGNORE INTO {table} (article_id, {first}, {second}) VALUES (?, ?, ?)",
                [(a, " ".join(x), " ".join(y)) for a, (x, y) in lists.items()],
            )
