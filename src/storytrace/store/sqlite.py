"""The embedded SQLite store: articles (and analysis results), created on first use.

Every write runs in a transaction: a batch of articles is stored whole or not
at all, so a crash never leaves half a batch, and re-running the same ingest
stores nothing twice (an article is keyed by its id and recognised by its
content hash). The database runs in WAL mode so readers are not blocked by a
writer.

Not here: reading input files (``ingest``), analysis (``pipeline``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.errors import BadInput
from storytrace.model import Article, InputProblem

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
CREATE TABLE IF NOT EXISTS analyses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    result TEXT NOT NULL
);
"""
_COLUMNS = "id, content_hash, text, title, url, source, published, language, authors, kind, origin"


@dataclass
class IngestReport:
    """What one ingest did: ids added, ids already stored, and problems met."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # new id -> stored id with the same content
    conflicts: list[str] = field(default_factory=list)  # ids stored before with another text
    problems: list[InputProblem] = field(default_factory=list)


class Store:
    """A storytrace SQLite database."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=30.0)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            with self.db:
                self.db.executescript(_SCHEMA)
                self.db.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
        except sqlite3.DatabaseError as e:
            raise BadInput(str(path), f"cannot open the store: {e}") from None

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, records: Iterable[Article | InputProblem], batch_size: int = 500) -> IngestReport:
        """Store articles in transactions of ``batch_size``; problems are collected, not raised."""
        report = IngestReport()
        batch: list[Article] = []
        for rec in records:
            if isinstance(rec, InputProblem):
                report.problems.append(rec)
                continue
            batch.append(rec)
            if len(batch) >= batch_size:
                self._add_batch(batch, report)
                batch = []
        if batch:
            self._add_batch(batch, report)
        return report

    def _add_batch(self, batch: list[Article], report: IngestReport) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db:  # one transaction: all of the batch or none of it
            for art in batch:
                digest = art.content_hash
                row = self.db.execute("SELECT content_hash FROM articles WHERE id = ?", (art.id,)).fetchone()
                if row is not None:
                    if row[0] == digest:
                        report.unchanged.append(art.id)
                    else:
                        where = art.origin or art.id
                        problem = f"id '{art.id}' is already stored with a different text; give it another id"
                        report.problems.append(InputProblem(where, problem))
                        report.conflicts.append(art.id)
                    continue
                same = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
                if same is not None:
                    report.duplicates[art.id] = same[0]
                    continue
                self.db.execute(
                    f"INSERT INTO articles ({_COLUMNS}, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (*_row(art, digest), now),
                )
                report.added.append(art.id)

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
        for article_id in ids:
            art = self.get(article_id)
            if art is not None:
                yield art

    def count(self) -> int:
        """How many articles the store holds."""
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def get_embeddings(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored sentence vectors of ``model`` for those of ``keys`` that have one."""
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})", [model, *chunk]
            )
            out.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return out

    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Keep sentence vectors of ``model`` by key (one transaction)."""
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO embeddings (model, key, vector) VALUES (?, ?, ?)",
                [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()],
            )

    def save_analysis(self, result: dict[str, Any]) -> None:
        """Keep an analysis result (the ``stories.json`` document)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db:
            self.db.execute("INSERT INTO analyses (created_at, result) VALUES (?, ?)", (now, json.dumps(result)))


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
