"""Crash safety (issue 8, part 2): SIGKILL during ingest, the single writer lock, readers never blocked.

``test_sigkill_during_ingest`` kills ``storytrace ingest`` of 20,000 fictional
articles with SIGKILL ten times, at points chosen at random (seeded) among those
the ingest stops itself at when told to (``storytrace.stops``), checks the store
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
PLACING_CHUNK = 1000  # articles the clusterer places at a time (cluster.stream.BATCH)
STOP_ENV = "STORYTRACE_TEST_STOP_AT"  # storytrace.stops
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
    options = {"env": ENV, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    return subprocess.Popen(cmd, **options)  # type: ignore[call-overload]


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


def kill_at(db: Path, corpus: Path, point: str) -> subprocess.Popen[bytes]:
    """Run an ingest that stops itself at ``point`` (``stops.reached``); SIGKILL it there.

    The process freezes (SIGSTOP) at the point the test names, so the kill lands
    exactly there, never after the ingest has finished.
    """
    proc = ingest(db, corpus, env={**ENV, STOP_ENV: point})
    _, status = os.waitpid(proc.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), f"the ingest ended before it reached {point}"
    proc.send_signal(signal.SIGKILL)
    return proc


@pytest.mark.slow
def test_sigkill_during_ingest_never_corrupts_or_duplicates(tmp_path: Path) -> None:
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "st.db"
    expected = write_corpus(corpus)
    rng = random.Random(SEED)
    # Half the kills inside a batch's transaction, after its articles were inserted and before they were committed
    # (at rising batches, so that each run stores more); half while articles are placed in stories (the clusterer's
    # features are written chunk by chunk, the assignments at the end).
    batches = sorted(rng.sample(range(2, ARTICLES // BATCH), KILLS // 2))
    chunks = [rng.randrange(1, ARTICLES // PLACING_CHUNK) for _ in range(KILLS - len(batches))]
    points = [f"batch-written:{b}" for b in batches] + [f"chunk-placed:{c}" for c in chunks]
    progress = []
    for point in points:
        proc = kill_at(db, corpus, point)
        proc.communicate()
        stored, placed = check_store(db, expected)
        progress.append((point, proc.returncode, stored, placed))
        assert proc.returncode == -signal.SIGKILL, progress
        if point.startswith("batch-written"):  # the batch in its transaction is lost whole, those before are kept
            assert stored == (int(point.split(":")[1]) - 1) * BATCH, progress
        else:
            assert stored == ARTICLES and placed == 0, progress  # the assignments are stored at the end, at once
    final = ingest(db, corpus)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err.decode()
    assert check_store(db, expected) == (ARTICLES, ARTICLES), progress  # nothing missing, nothing twice
    again = ingest(db, corpus)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0 and out.decode().startswith(f"0 added, {ARTICLES} already stored"), out
    print("after each kill (point, exit status, stored, placed in a story):", progress)


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
        # dated, so that the run has no warning about undated articles to give
        cmd = [
            *STORYTRACE,
            "ingest",
            str(tmp_path / "one.txt"),
            "--db",
            str(db),
            "--lexical",
            "--published",
            "2024-05-06",
        ]
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
