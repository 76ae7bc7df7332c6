"""Write an output file whole or not at all, never through a link planted at its name.

``stories.json``, ``report.html``, the report's story pages and the ``--out`` files
of ``cluster`` and ``pairs`` are written to a new temporary file beside the target (created with
``O_EXCL``, so never through an existing name), flushed to disk, then renamed
over the target. A crash, a SIGKILL or a full disk at any moment leaves either
the previous file whole or the new one whole; renaming replaces a symbolic link
at the target's name, never the file it points to. A write that fails is one
:class:`OutputError` naming the target. ``write_if_changed`` leaves a regular file
that already holds the bytes alone; ``remove_others`` clears a folder of the files
of one kind a run no longer writes.

Not here: what is written (``pipeline``, ``report``), the store (``store``).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from storytrace.errors import StorytraceError


class OutputError(StorytraceError):
    """An output file could not be written; the previous one, if any, is unchanged."""


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (see the module docstring)."""
    with atomic_file(path) as fh:
        fh.write(data)


def write_if_changed(path: Path, data: bytes) -> bool:
    """``write_atomically`` unless ``path`` is a regular file holding ``data`` already; whether it wrote."""
    try:
        found = os.lstat(path)
        if stat.S_ISREG(found.st_mode) and found.st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass  # missing or unreadable: written (or the write says why not)
    write_atomically(path, data)
    return True


def remove_others(folder: Path, keep: set[str], suffix: str) -> list[str]:
    """Remove the files named ``*suffix`` in ``folder`` (not below it) but those in ``keep``; the names removed.

    Only files and links go, never a folder; one that cannot be removed is one :class:`OutputError`.
    """
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        raise OutputError(str(folder), _reason(error)) from None
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.name.endswith(suffix) and entry.name not in keep and not entry.is_dir(follow_symlinks=False):
            try:
                os.unlink(entry.path)
            except OSError as error:
                raise OutputError(entry.path, f"cannot remove an old page: {_reason(error)}") from None
            removed.append(entry.name)
    return removed


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary file to write that replaces ``path`` when the block ends, or vanishes if the block fails."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(str(path), _reason(error)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())  # the rename must not reach the disk before the data does
        os.chmod(temporary, 0o644 & ~_umask())  # mkstemp makes it private; an output is an ordinary file
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise OutputError(str(path), f"{_reason(error)}; the previous file, if any, is unchanged") from None
    except BaseException:
        _remove(temporary)
        raise


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
