"""The store's tables and indexes: the SQL that creates them, its version, the names it creates.

Articles (keyed by id, recognised by their content hash), the clusterer's kept terms, assignments, reasons and
snapshot, and the caches of analysis results (sentence vectors, story results, derivation answers, article
facts, renderings, files read, the latest analysis). Every statement is ``IF NOT EXISTS``: running it on a
store that has them changes nothing.

Not here: opening the database (``store.sqlite``), reading or writing rows.
"""

from __future__ import annotations

import re

SCHEMA_VERSION = 1
SCHEMA = """
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


SCHEMA_NAMES = frozenset(re.findall(r"CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)", SCHEMA))
