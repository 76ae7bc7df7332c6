"""Crash safety (issue 8, part 2): SIGKILL during ingest, the single writer lock, readers never blocked.

``test_sigkill_during_ingest`` kills ``storytrace ingest`` of 20,000 fictional
articles with SIGKILL ten times at random (seeded) moments, checks the store
after each kill (``PRAGMA integrity_check``, no duplicate, nothing that was not
in the input), then lets a last run finish: every article stored once with its
exact text, every article placed in a story. The lock tests hold the writer
lock (or a write transaction) themselves, so they are deterministic.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storytrace.store import Store

STORYTRACE = [sys.executable, "-m", "storytrace"]
ENV = {**os.environ, "STORYTRACE_LEXICAL_ONLY": "1", "COLUMNS": "1000"}
ARTICLES = 20_000
KILLS = 10
BATCH = 500  # Store.add's transaction size
SEED = 8
PLACES = ["Eskerby", "Dunmarrow", "Port Averly", "Tollmere", "Corran", "Ossel", "Harlow", "Velm"]
EVENTS = ["flood defences", "a bridge repair", "a new school", "bus fares", "a harbour wall", "street lights"]


def article(n: int) -> dict[str, str]:
    """A small fictional article; its text is unique (it names n)."""
    place, event = PLACES[n % len(PLACES)], EVENTS[(n // len(PLACES)) % len(EVENTS)]
    return {
        "id": f"a{n}",
        "text": f"The council of {place} voted on {event} on Tuesday, item {n} of its agenda.\n"
        f"Councillors said {event} would cost {n % 97 + 3} million drav over {n % 9 + 2} years.",
        "published": f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
    }


def write_corpus(path: Path) -> dict[str, str]:
    """Write the input; its ids and texts."""
    records = [article(n) for n in range(ARTICLES)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return {r["id"]: r["text"] for r in records}


def ingest(db: Path, *paths: Path, **popen: object) -> subprocess.Popen[bytes]:
    cmd = [*STORYTRACE, "ingest", *map(str, paths), "--db", str(db), "--lexical"]
    return subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)  # type: ignore[call-overload]


def check_store(db: Path, expected: dict[str, str]) -> tuple[int, int]:
    """Integrity, no duplicate, nothing foreign, exact texts; (articles, articles placed in a story)."""
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = con.execute("SELECT id, text, content_hash FROM articles").fetchall()
        assert len({h for _, _, h in rows}) == len(rows)  # no content stored twice
        for article_id, text, _ in rows:
            assert expected.get(article_id) == text, article_id  # nothing foreign, nothing torn
        placed = con.execute("SELECT COUNT(*) FROM story_members").fetchone()[0]
        orphans = con.execute(
            "SELECT COUNT(*) FROM story_members WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
        assert orphans == 0
    return len(rows), placed


def stored_count(db: Path) -> int:
    """How many articles a reader sees now (0 before the store exists)."""
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
        try:
            return int(con.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        except sqlite3.OperationalError:  # the tables are being created
            return 0


def kill_when_stored(db: Path, corpus: Path, target: int) -> subprocess.Popen[bytes]:
    """Start an ingest; SIGKILL it as soon as a reader sees ``target`` articles stored (polled every 5 ms)."""
    proc = ingest(db, corpus)
    while proc.poll() is None and stored_count(db) < target:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    return proc


def kill_after(db: Path, corpus: Path, seconds: float) -> subprocess.Popen[bytes]:
    """Start an ingest; SIGKILL it after ``seconds``."""
    proc = ingest(db, corpus)
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    return proc


@pytest.mark.slow
def test_sigkill_during_ingest_never_corrupts_or_duplicates(tmp_path: Path) -> None:
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "st.db"
    expected = write_corpus(corpus)
    rng = random.Random(SEED)
    start = time.monotonic()
    subprocess.run([*STORYTRACE, "version"], env=ENV, check=True, capture_output=True)
    startup = time.monotonic() - start  # the imports: nothing is written before them
    # Half the kills while articles are stored (at random counts, rising), half later, while they are placed in
    # stories (features written chunk by chunk, assignments at the end), at random times.
    batches = sorted(rng.sample(range(1, ARTICLES // BATCH - 1), KILLS // 2))
    targets = [b * BATCH + rng.randrange(1, BATCH) for b in batches]  # each while a later batch is written
    progress = []
    for k in range(KILLS):
        if k < len(targets):
            proc = kill_when_stored(db, corpus, targets[k])
        else:
            proc = kill_after(db, corpus, startup + rng.uniform(0.0, 6.0))
        proc.communicate()
        stored, placed = check_store(db, expected)
        progress.append((proc.returncode, stored, placed))
        assert stored % BATCH == 0, progress  # a batch is stored whole or not at all
    assert sum(code == -signal.SIGKILL for code, _, _ in progress) >= KILLS - 1, progress  # killed, not finished
    assert len({stored for _, stored, _ in progress[: len(targets)]}) > 1, progress  # kills at several points
    final = ingest(db, corpus)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err.decode()
    assert check_store(db, expected) == (ARTICLES, ARTICLES), progress  # nothing missing, nothing twice
    again = ingest(db, corpus)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0 and out.decode().startswith(f"0 added, {ARTICLES} already stored"), out
    print("after each kill (exit status, stored, placed in a story):", progress)


@contextmanager
def holding_writer_lock(db: Path) -> Iterator[None]:
    """Hold the store's writer lock as another storytrace writer would (pid written in the lock file)."""
    fd = os.open(f"{db}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def wait_for(proc: subprocess.Popen[bytes], path: Path, text: str, timeout: float = 120.0) -> str:
    """Wait until ``path`` (the process's stderr) holds ``text``; its content."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text("utf-8", "replace")
        if text in content or proc.poll() is not None:
            return content
        time.sleep(0.1)
    return path.read_text("utf-8", "replace")


def test_second_writer_says_it_waits_then_proceeds(tmp_path: Path) -> None:
    db = tmp_path / "st.db"
    (tmp_path / "one.txt").write_text("The harbour wall of Port Averly was repaired on Monday.", "utf-8")
    Store(db).close()
    errors = tmp_path / "stderr.txt"
    with holding_writer_lock(db), open(errors, "wb") as err_file:
        cmd = [*STORYTRACE, "ingest", str(tmp_path / "one.txt"), "--db", str(db), "--lexical"]
        proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=err_file)
        said = wait_for(proc, errors, "waiting")
        assert said == f"storytrace: waiting for another storytrace writer (pid {os.getpid()}) on {db}…\n"
        assert proc.poll() is None  # still waiting while the lock is held
        with Store(db) as reader:  # a reader is not held up by the writer lock
            assert reader.count() == 0
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0
    assert out.decode().startswith("1 added")
    assert errors.read_text("utf-8").count("\n") == 1  # the waiting line, nothing else


def test_second_writer_gives_up_after_the_timeout_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "st.db"
    (tmp_path / "one.txt").write_text("Street lights in Tollmere will be replaced next year.", "utf-8")
    Store(db).close()
    with holding_writer_lock(db):
        proc = subprocess.run(
            [*STORYTRACE, "ingest", str(tmp_path / "one.txt"), "--db", str(db), "--lexical"],
            env={**ENV, "STORYTRACE_LOCK_TIMEOUT": "1"}, capture_output=True, timeout=300,
        )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.decode().splitlines() == [
        f"storytrace: waiting for another storytrace writer (pid {os.getpid()}) on {db}…",
        f"storytrace: {db}: another storytrace writer (pid {os.getpid()}) has kept the store for over 1 s; "
        "try again when it ends (STORYTRACE_LOCK_TIMEOUT sets the wait)",
    ]
    with Store(db) as store:
        assert store.count() == 0


def test_readers_are_not_blocked_by_a_write_transaction(tmp_path: Path) -> None:
    db = tmp_path / "st.db"
    with Store(db) as store:
        store.add([])
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    (tmp_path / "a.txt").write_text("The bridge of Eskerby reopened on Friday.", "utf-8")
    assert subprocess.run([*STORYTRACE, "ingest", str(tmp_path / "a.txt"), "--db", str(db), "--lexical"],
                          env=ENV, capture_output=True).returncode == 0  # fmt: skip
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a writer in the middle of a batch
    writer.execute("DELETE FROM articles")
    try:
        start = time.monotonic()
        with Store(db) as reader:  # opening a store writes nothing: it does not wait for the writer
            assert reader.count() == 1  # the last committed state
            assert reader.get("a") is not None
        assert time.monotonic() - start < 2.0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
