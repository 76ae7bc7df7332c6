"""The embedded SQLite store: articles (and analysis results), created on first use.

Every write runs in a transaction: a batch of articles is stored whole or not
at all (``BEGIN IMMEDIATE`` ... ``COMMIT``), so a crash, even a SIGKILL, never
leaves half a batch, and re-running the same ingest stores nothing twice (an
article is keyed by its id and recognised by its content hash). The database
runs in WAL mode, so readers are never blocked by a writer; opening the store
writes nothing once its tables exist. Commands that write for long (``ingest``,
``analyze``) hold :meth:`Store.writer`, an advisory lock on ``FILE.lock``: a
second writer says it is waiting and goes on when the first ends.

Not here: reading input files (``ingest``), analysis (``pipeline``).
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from storytrace import stops
from storytrace.errors import BadInput, StoreBusy
from storytrace.model import Article, InputProblem
from storytrace.stories_json import StoryText

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    title TEXT, url TEXT, source TEXT, published TEXT,
    language TEXT NOT NULL DEFAULT 'en',
    authors TEXT NOT NULL DEFAULT '[]',
    kind TEXT NOT NULL DEFAULT 'article',
    origin TEXT,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles (content_hash);
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    key TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stream_features (
    article_id TEXT PRIMARY KEY REFERENCES articles (id),
    words TEXT NOT NULL,
    names TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS join_reasons (
    article_id TEXT PRIMARY KEY REFERENCES articles (id),
    reason TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stream_terms (
    article_id TEXT PRIMARY KEY REFERENCES articles (id),
    document TEXT NOT NULL,
    title TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_members (
    article_id TEXT PRIMARY KEY REFERENCES articles (id),
    story INTEGER NOT NULL,
    assigned_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_members_story ON story_members (story);
CREATE TABLE IF NOT EXISTS story_results (
    signature TEXT PRIMARY KEY,
    result TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS derivations (
    key TEXT PRIMARY KEY,
    answer TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article_facts (
    key TEXT PRIMARY KEY,
    facts TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rendered_stories (
    key TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    pairs INTEGER NOT NULL,
    passages INTEGER NOT NULL,
    row TEXT NOT NULL,
    section TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analyses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS read_files (
    key TEXT PRIMARY KEY,
    ids TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stream_snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    settings TEXT NOT NULL,
    position INTEGER NOT NULL,
    state TEXT NOT NULL,
    arrays BLOB NOT NULL
);
"""
_COLUMNS = "id, content_hash, text, title, url, source, published, language, authors, kind, origin"
_TIME_ORDER = "published IS NULL, published, rowid"  # publication time (undated last), then arrival
_SCHEMA_NAMES = frozenset(re.findall(r"CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)", _SCHEMA))
BUSY_TIMEOUT_SECONDS = 30.0
"""How long one statement waits for another connection's write transaction (a batch takes well under 1 s)."""
WRITER_WAIT_SECONDS = 600.0
IN_CHUNK = 500  # keys per ``IN (...)`` lookup (``Store._rows_where_in``)
"""How long :meth:`Store.writer` waits for another writer by default before giving up."""


@dataclass(frozen=True)
class StreamSnapshot:
    """The streaming clusterer's state after the first ``position`` articles in time order, and what it assumed."""

    settings: str  # the code, embedder and batching it was taken with: another run uses it only if they are the same
    position: int
    state: str  # ``cluster.snapshot`` JSON
    arrays: bytes  # and its arrays


@dataclass
class IngestReport:
    """What one ingest did: ids added, ids already stored, and problems met."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # new id -> stored id with the same content
    conflicts: list[str] = field(default_factory=list)  # ids stored before with another text
    updated: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> "published: a → b", … (same text)
    problems: list[InputProblem] = field(default_factory=list)


class Store:
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
                    self.db.executescript(_SCHEMA)
                    self.db.execute(
                        "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                    )
        except sqlite3.DatabaseError as e:
            raise BadInput(str(path), f"cannot open the store: {e}") from None

    @functools.cached_property
    def _utf8(self) -> bool:
        """True if texts are stored in UTF-8, so that ``CAST(text AS BLOB)`` gives their UTF-8 bytes."""
        return bool(self.db.execute("PRAGMA encoding").fetchone()[0] == "UTF-8")

    def _as_bytes(self, column: str) -> str:
        """``column`` in a SELECT, read as UTF-8 bytes where SQLite can hand them out undecoded (else as text)."""
        return f"CAST({column} AS BLOB)" if self._utf8 else column

    def _has_schema(self) -> bool:
        """True if every table and index of the schema exists, and the schema version is recorded."""
        names = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
        if not _SCHEMA_NAMES <= names:
            return False
        return self.db.execute("SELECT 1 FROM meta WHERE key = 'schema_version'").fetchone() is not None

    @contextmanager
    def writer(
        self, on_wait: Callable[[str], None] | None = None, timeout: float = WRITER_WAIT_SECONDS
    ) -> Iterator[None]:
        """Hold the store's single-writer lock (``flock`` on ``FILE.lock``) while the block runs.

        Readers never take it. The system releases it when the holder ends, even
        when killed, so a crash leaves no stale lock behind.

        Args:
            on_wait: told once, in one line, when another writer holds the lock and this one waits.
            timeout: seconds to wait for the other writer before raising :class:`StoreBusy`.

        """
        if sys.platform == "win32" or str(self.path) == ":memory:":
            yield
            return
        lock_path = f"{self.path}.lock"
        try:  # never through a link planted at the lock's name: its target would be truncated and written
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as e:
            reason = "it is a symbolic link; remove it" if e.errno == errno.ELOOP else str(e.strerror).lower()
            raise BadInput(lock_path, f"cannot take the store's writer lock: {reason}") from None
        try:
            if not _try_lock(fd):
                self._wait_for_lock(fd, on_wait, timeout)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def _wait_for_lock(self, fd: int, on_wait: Callable[[str], None] | None, timeout: float) -> None:
        """Wait for the writer lock held by another process, saying so once; StoreBusy after ``timeout`` s."""
        holder = _lock_holder(fd)
        if on_wait is not None:
            on_wait(f"waiting for another storytrace writer{holder} on {self.path}…")
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    str(self.path),
                    f"another storytrace writer{holder} has kept the store for over {timeout:g} s; "
                    "try again when it ends (STORYTRACE_LOCK_TIMEOUT sets the wait)",
                )
            time.sleep(0.2)

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    def _rows_where_in(self, query: str, keys: Sequence[str], *before: Any) -> Iterator[Any]:
        """The rows of ``query`` for the distinct ``keys``, whose ``?`` marks go where it says ``{marks}``.

        Asked in chunks of ``IN_CHUNK`` keys (SQLite bounds a statement's
        parameters); ``before``: the parameters ahead of the keys.
        """
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start : start + IN_CHUNK]
            yield from self.db.execute(query.format(marks=",".join("?" * len(chunk))), [*before, *chunk])

    def count(self) -> int:
        """How many articles the store holds."""
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def get_embeddings(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored sentence vectors of ``model`` for those of ``keys`` that have one."""
        query = "SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})"
        return {k: np.frombuffer(v, dtype=np.float32) for k, v in self._rows_where_in(query, keys, model)}

    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Keep sentence vectors of ``model`` by key (one transaction)."""
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO embeddings (model, key, vector) VALUES (?, ?, ?)",
                [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()],
            )

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

    def story_texts(self, signatures: Sequence[str]) -> dict[str, StoryText]:
        """The kept JSON texts (``stories_json.StoryText``) of those story ``signatures`` that have one."""
        query = f"SELECT signature, {self._as_bytes('result')} FROM story_results WHERE signature IN ({{marks}})"
        return {sig: StoryText.from_kept(result) for sig, result in self._rows_where_in(query, signatures)}

    def put_story_texts(self, texts: Mapping[str, StoryText]) -> None:
        """Keep stories' JSON texts under their signatures (members, texts, settings, code), in one transaction.

        A later run whose story has the same signature puts the kept text into its document as it is.
        """
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO story_results (signature, result) VALUES (?, ?)",
                ((sig, text.kept()) for sig, text in texts.items()),
            )

    def has_derivations(self) -> bool:
        """True if any derivation model answer is kept."""
        return self.db.execute("SELECT 1 FROM derivations LIMIT 1").fetchone() is not None

    def derivations(self, keys: Sequence[str]) -> dict[str, str]:
        """Kept answers of the derivation model (``align.compare.DerivationMemo``) of those ``keys`` that have one."""
        return dict(self._rows_where_in("SELECT key, answer FROM derivations WHERE key IN ({marks})", keys))

    def put_derivations(self, answers: Mapping[str, str]) -> None:
        """Keep answers of the derivation model under their keys (one transaction)."""
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO derivations (key, answer) VALUES (?, ?)", answers.items())

    def article_facts(self, keys: Sequence[str]) -> dict[str, str]:
        """Kept facts of single articles (``codec.article_facts``) of those ``keys`` that have them."""
        return dict(self._rows_where_in("SELECT key, facts FROM article_facts WHERE key IN ({marks})", keys))

    def put_article_facts(self, facts: Mapping[str, str]) -> None:
        """Keep facts of single articles under their keys, replacing what was kept (one transaction)."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO article_facts (key, facts) VALUES (?, ?)", facts.items())

    def rendered_stories(self, keys: Sequence[str]) -> dict[str, tuple[str, int, int, bytes, bytes]]:
        """Kept renderings of stories (``report.render.RenderedStory``) of those ``keys`` that have one.

        The row and the section come as their UTF-8 bytes, as the page is put together and written
        (SQLite hands out a text's bytes as they are stored: nothing is decoded).
        """
        markup = f"{self._as_bytes('row')}, {self._as_bytes('section')}"
        query = f"SELECT key, nonce, pairs, passages, {markup} FROM rendered_stories WHERE key IN ({{marks}})"
        return {
            key: (nonce, int(pairs), int(passages), _utf8_of(row), _utf8_of(section))
            for key, nonce, pairs, passages, row, section in self._rows_where_in(query, keys)
        }

    def rendered_rows(self, keys: Sequence[str]) -> dict[str, tuple[str, int, int, bytes]]:
        """``rendered_stories`` without the sections: what the report's index needs of every story."""
        row = self._as_bytes("row")
        query = f"SELECT key, nonce, pairs, passages, {row} FROM rendered_stories WHERE key IN ({{marks}})"
        return {
            key: (nonce, int(pairs), int(passages), _utf8_of(row))
            for key, nonce, pairs, passages, row in self._rows_where_in(query, keys)
        }

    def rendered_sections(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The kept sections (title line first) of those ``keys`` that have one, as UTF-8 bytes."""
        query = f"SELECT key, {self._as_bytes('section')} FROM rendered_stories WHERE key IN ({{marks}})"
        return {key: _utf8_of(section) for key, section in self._rows_where_in(query, keys)}

    def rendered_titles(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The first line of the kept sections of those ``keys`` that have one (a page's title), as UTF-8 bytes."""
        line = self._as_bytes("substr(section, 1, instr(section, char(10)) - 1)")
        query = f"SELECT key, {line} FROM rendered_stories WHERE key IN ({{marks}})"
        return {key: _utf8_of(title) for key, title in self._rows_where_in(query, keys)}

    def put_rendered_stories(self, rendered: Mapping[str, tuple[str, int, int, str, str]]) -> None:
        """Keep renderings of stories under their keys (one transaction)."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO rendered_stories (key, nonce, pairs, passages, row, section) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                ((key, *r) for key, r in rendered.items()),
            )

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

    def prune_stories(self, keep: Iterable[str]) -> tuple[int, int]:
        """Remove the kept results and renderings of every story signature but ``keep``; one transaction.

        Returns the results and the renderings removed. What remains is the
        cache of the stories kept: a story removed is analysed again if a later
        run has it. Call ``compact`` after to give the space back to the disk.
        """
        with self.db:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS kept_signatures (key TEXT PRIMARY KEY) WITHOUT ROWID")
            self.db.execute("DELETE FROM kept_signatures")
            self.db.executemany("INSERT OR IGNORE INTO kept_signatures (key) VALUES (?)", ((k,) for k in keep))
            results = self.db.execute(
                "DELETE FROM story_results WHERE signature NOT IN (SELECT key FROM kept_signatures)"
            ).rowcount
            renderings = self.db.execute(
                "DELETE FROM rendered_stories WHERE key NOT IN (SELECT key FROM kept_signatures)"
            ).rowcount
            self.db.execute("DELETE FROM kept_signatures")
        return results, renderings

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

    def latest_analysis(self) -> str | None:
        """The text ``save_analysis`` kept last, or None."""
        row = self.db.execute("SELECT result FROM analyses ORDER BY id DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def save_analysis(self, text: str) -> None:
        """Keep an analysis result in place of the one before.

        That is ``pipeline.outline_of``'s text, or, as stores before it kept, a
        whole ``stories.json`` text: ``pipeline.latest_document`` reads either.
        Only the latest is ever read (the web UI). The old one goes in the
        same transaction that adds the new, so a crash leaves one or the other.
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db:
            self.db.execute("DELETE FROM analyses")
            self.db.execute("INSERT INTO analyses (created_at, result) VALUES (?, ?)", (now, text))


def _try_lock(fd: int) -> bool:
    """An exclusive ``flock`` without blocking: True if taken."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock_holder(fd: int) -> str:
    """`` (pid N)`` of the writer that wrote its pid into the lock file, or nothing."""
    try:
        pid = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


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


def _utf8_of(value: str | bytes) -> bytes:
    """A kept text as UTF-8 bytes (as SQLite gave them, or encoded)."""
    return value if isinstance(value, bytes) else value.encode("utf-8")
