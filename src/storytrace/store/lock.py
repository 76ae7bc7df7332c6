"""The store's single-writer lock: an advisory ``flock`` on ``FILE.lock``, held while a command writes for long.

Commands that write for long (``ingest``, ``analyze``) hold :meth:`Store.writer`: a second writer says it is
waiting and goes on when the first ends, or gives up after ``WRITER_WAIT_SECONDS``. Readers never take it; the
system releases it when the holder ends, even when killed, so a crash leaves no stale lock behind.

Not here: SQLite's own locking of a transaction (``store.sqlite``'s busy timeout).
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from storytrace.errors import BadInput, StoreBusy
from storytrace.store.base import StoreBase

WRITER_WAIT_SECONDS = 600.0


"""How long :meth:`Store.writer` waits for another writer by default before giving up."""


class WriterLock(StoreBase):
    """The store's part that takes the writer lock (``writer``)."""

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
