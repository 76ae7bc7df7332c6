"""The stored articles: adding them in all-or-nothing batches, reading them by id or in time order.

Every batch of articles is stored whole or not at all (``BEGIN IMMEDIATE`` ... ``COMMIT``), so a crash, even a
SIGKILL, never leaves half a batch, and re-running the same ingest stores nothing twice (an article is keyed by
its id and recognised by its content hash; an id stored with the same text takes the record's new metadata,
``updated_metadata``; with another text it is a conflict). Also the files read whole before (``read_files``).

Not here: reading input files (``ingest``), what is derived from the articles (``store.stream_state``,
``store.kept``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from storytrace import stops
from storytrace.model import Article, InputProblem
from storytrace.store.base import IN_CHUNK, StoreBase

_COLUMNS = "id, content_hash, text, title, url, source, published, language, authors, kind, origin"
_TIME_ORDER = "published IS NULL, published, rowid"  # publication time (undated last), then arrival


@dataclass
class IngestReport:
    """What one ingest did: ids added, ids already stored, and problems met."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # new id -> stored id with the same content
    conflicts: list[str] = field(default_factory=list)  # ids stored before with another text
    updated: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> "published: a → b", … (same text)
    problems: list[InputProblem] = field(default_factory=list)


class ArticleRows(StoreBase):
    """The store's part that adds and reads articles, and remembers the files read."""

    def add(
        self,
        records: Iterable[Article | InputProblem],
        batch_size: int = 500,
        on_problem: Callable[[InputProblem], None] | None = None,
    ) -> IngestReport:
        """Store articles in transactions of ``batch_size``; problems are collected, not raised.

        With ``on_problem``, each problem (of the input, or an id stored with
        another text) goes to it as it is met instead of into the report, so
        memory does not grow with the number of bad records.
        """
        report = IngestReport()
        tell = on_problem or report.problems.append
        batch: list[Article] = []
        for rec in records:
            if isinstance(rec, InputProblem):
                tell(rec)
                continue
            batch.append(rec)
            if len(batch) >= batch_size:
                self._add_batch(batch, report, tell)
                batch = []
        if batch:
            self._add_batch(batch, report, tell)
        return report

    def _add_batch(self, batch: list[Article], report: IngestReport, tell: Callable[[InputProblem], None]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction():  # all of the batch or none of it
            for art in batch:
                try:
                    self._add_one(art, now, report, tell)
                except UnicodeEncodeError as e:  # readers refuse such text; a record from elsewhere may not
                    tell(InputProblem(art.origin or "article", f"not valid Unicode ({e.reason}); not stored"))
            stops.reached("batch-written")
        stops.reached("batch-committed")

    def _add_one(self, art: Article, now: str, report: IngestReport, tell: Callable[[InputProblem], None]) -> None:
        """Store one article inside the batch's transaction, unless its id or content is stored already.

        An id stored with the same text is the same article: metadata the record gives that differs from the
        stored one replaces it (``updated_metadata``); an id stored with another text is a conflict.
        """
        digest = art.content_hash
        row = self.db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (art.id,)).fetchone()
        if row is not None:
            stored = _article(row)
            if row[1] != digest and stored.text != art.text:
                first = f" (from {stored.origin})" if stored.origin else ""
                problem = (
                    f"id '{art.id}' is already stored with a different text{first}; not overwritten: give it another id"
                )
                tell(InputProblem(art.origin or art.id, problem))
                report.conflicts.append(art.id)
                return
            updated, changed = updated_metadata(stored, art)
            if changed:
                self._update_metadata(updated)
                report.updated[art.id] = changed
            else:
                report.unchanged.append(art.id)
            return
        same = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
        if same is not None:
            report.duplicates[art.id] = same[0]
            return
        self.db.execute(
            f"INSERT INTO articles ({_COLUMNS}, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (*_row(art, digest), now),
        )
        report.added.append(art.id)

    def _update_metadata(self, art: Article) -> None:
        """Replace a stored article's metadata (its text is unchanged) and drop what was derived from the old.

        The clusterer's title terms are computed again at its next replay, which starts over (its snapshot
        was taken with the old metadata); the story's kept analysis has another signature now.
        """
        self.db.execute(
            "UPDATE articles SET content_hash = ?, title = ?, url = ?, source = ?, published = ?, language = ?, "
            "authors = ?, kind = ?, origin = ? WHERE id = ?",
            (art.content_hash, art.title, art.url, art.source, art.published, art.language,
             json.dumps(list(art.authors)), art.kind, art.origin, art.id),
        )  # fmt: skip
        self.db.execute("DELETE FROM stream_terms WHERE article_id = ?", (art.id,))
        self.db.execute("DELETE FROM stream_snapshot")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``): what it reads stays true until it commits."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        row = self.db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        """Stored articles (all, or those with the given ids, in that order)."""
        if ids is None:
            for row in self.db.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY rowid"):
                yield _article(row)
            return
        wanted = list(ids)
        for start in range(0, len(wanted), IN_CHUNK):  # a lookup per chunk, not per id
            chunk = wanted[start : start + IN_CHUNK]
            query = f"SELECT {_COLUMNS} FROM articles WHERE id IN ({{marks}})"
            found = {row[0]: row for row in self._rows_where_in(query, chunk)}
            yield from (_article(found[i]) for i in chunk if i in found)

    def count(self) -> int:
        """How many articles the store holds."""
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def articles_in_time_order(self, skip: int = 0) -> Iterator[Article]:
        """Every stored article by publication time (undated last), then by arrival; the first ``skip`` left out."""
        query = f"SELECT {_COLUMNS} FROM articles ORDER BY {_TIME_ORDER} LIMIT -1 OFFSET ?"
        for row in self.db.execute(query, (skip,)):
            yield _article(row)

    def ids_in_time_order(self) -> list[str]:
        """The ids of ``articles_in_time_order``."""
        return [r[0] for r in self.db.execute(f"SELECT id FROM articles ORDER BY {_TIME_ORDER}")]

    def agency_sources(self) -> list[str]:
        """The sources of stored articles of kind ``agency``."""
        rows = self.db.execute("SELECT DISTINCT source FROM articles WHERE kind = 'agency' AND source IS NOT NULL")
        return sorted(r[0] for r in rows)

    def read_file_ids(self, key: str) -> list[str] | None:
        """The stored ids of a file read whole before under ``key`` (its bytes and how it was read), or None."""
        row = self.db.execute("SELECT ids FROM read_files WHERE key = ?", (key,)).fetchone()
        return None if row is None else list(json.loads(row[0]))

    def put_read_files(self, files: Mapping[str, Sequence[str]]) -> None:
        """Remember files whose every article is stored: their keys, and the ids their articles are stored under."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO read_files (key, ids) VALUES (?, ?)",
                ((key, json.dumps(list(ids))) for key, ids in files.items()),
            )


# The metadata a record may change on an article stored with the same text; its origin follows.
METADATA = ("title", "url", "source", "published", "authors", "kind", "language")


def updated_metadata(stored: Article, record: Article) -> tuple[Article, tuple[str, ...]]:
    """``stored`` with the metadata ``record`` gives that differs from it, and what changed (``published: a → b``).

    A field the record leaves out (None, or no authors) keeps the stored value: re-reading a file without
    ``--published`` does not erase the date it was given before. ``kind`` and ``language`` always have a value.
    """
    changes = {}
    for name in METADATA:
        new, old = getattr(record, name), getattr(stored, name)
        if new not in (None, ()) and new != old:
            changes[name] = new
    if not changes:
        return stored, ()
    said = tuple(f"{name}: {_shown(getattr(stored, name))} → {_shown(value)}" for name, value in changes.items())
    return replace(stored, origin=record.origin or stored.origin, **changes), said


def _shown(value: object) -> str:
    if value is None or value == ():
        return "none"
    text = ", ".join(value) if isinstance(value, tuple) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _row(art: Article, digest: str) -> tuple[Any, ...]:
    return (
        art.id, digest, art.text, art.title, art.url, art.source, art.published,
        art.language, json.dumps(list(art.authors)), art.kind, art.origin,
    )  # fmt: skip


def _article(row: tuple[Any, ...]) -> Article:
    return Article(
        id=row[0], text=row[2], title=row[3], url=row[4], source=row[5], published=row[6],
        language=row[7], authors=tuple(json.loads(row[8])), kind=row[9], origin=row[10],
    )  # fmt: skip
