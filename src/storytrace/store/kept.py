"""The kept results of analysis: sentence vectors, story results, derivation answers, facts, renderings.

Each is kept under a key that names what it was computed from, so a later run asks for it instead of
computing it again; ``prune_stories`` removes the results and renderings of stories no longer analysed, and
``save_analysis`` keeps the latest analysis in place of the one before. Story texts and renderings are handed
out as the UTF-8 bytes SQLite stores (nothing is decoded).

Not here: the keys (``pipeline.keys``), what the results mean (``stories_json``, ``report.render``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

import numpy as np

from storytrace.store.base import StoreBase
from storytrace.stories_json import StoryText


class KeptResults(StoreBase):
    """The store's part that keeps analysis results."""

    @functools.cached_property
    def _utf8(self) -> bool:
        """True if texts are stored in UTF-8, so that ``CAST(text AS BLOB)`` gives their UTF-8 bytes."""
        return bool(self.db.execute("PRAGMA encoding").fetchone()[0] == "UTF-8")

    def _as_bytes(self, column: str) -> str:
        """``column`` in a SELECT, read as UTF-8 bytes where SQLite can hand them out undecoded (else as text)."""
        return f"CAST({column} AS BLOB)" if self._utf8 else column

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


def _utf8_of(value: str | bytes) -> bytes:
    """A kept text as UTF-8 bytes (as SQLite gave them, or encoded)."""
    return value if isinstance(value, bytes) else value.encode("utf-8")
