"""Walk a folder for the files to read: sorted, recursive without recursion, each real folder once.

Does: read a folder's readable files in name order, down a stack rather than by recursion (a tree thousands of
folders deep is read like any other); skip hidden names (``.DS_Store``) unsaid, a ``NAME.meta.json`` beside its
``NAME.txt`` (read with its article), and a file whose extension is not read (``.csv``, ``.md``), which is handed
on as a :class:`~storytrace.ingest.files.Skipped`; follow symlinked folders once, and report a symlink loop or a
folder that cannot be listed as an :class:`InputProblem`.

Does not: read a file (:mod:`storytrace.ingest.files`) or count what was skipped (:mod:`storytrace.ingest.readers`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from storytrace.ingest.dateline import SIDECAR_SUFFIX
from storytrace.ingest.files import FileRead, Skipped, read_file
from storytrace.ingest.formats import (
    GZIP_SUFFIX,
    TEXT_SUFFIXES,
)
from storytrace.ingest.paths import E_LINK_LOOP, classify, os_problem, shown_path, suffix_of
from storytrace.ingest.records import Item
from storytrace.model import InputProblem


@dataclass
class _Folder:
    """A folder being read: its entries still to read, and its real path."""

    entries: Iterator[os.DirEntry[str]]
    real: str


def walk(top: str, known: Callable[[str, str], bool] | None = None) -> Iterator[Item | FileRead | Skipped]:
    """Read a folder's readable files recursively, in name order; each real folder once.

    A stack, not recursion, and real paths worked out as the walk goes down
    (``realpath`` only for symbolic links): a tree thousands of folders deep is
    read like any other.
    """
    seen: set[str] = set()  # real paths of the folders read: each is read once
    open_: set[str] = set()  # real paths of the folders on the stack: a link back to one is a loop
    stack: list[_Folder] = []
    yield from _enter(top, os.path.realpath(top), seen, open_, stack)
    while stack:
        folder = stack[-1]
        entry = next(folder.entries, None)
        if entry is None:
            open_.discard(stack.pop().real)
        elif entry.name.startswith("."):
            continue
        elif _is_dir(entry):
            real = os.path.realpath(entry.path) if _is_link(entry) else os.path.join(folder.real, entry.name)
            yield from _enter(entry.path, real, seen, open_, stack)
        elif _is_sidecar(entry):
            continue  # read with its article
        elif (kind := classify(entry.name)) is not None:
            yield from read_file(entry.path, kind, known, walked=True)
        else:
            yield Skipped(shown_path(entry.path), suffix_of(entry.name) or "(no extension)")


def _is_sidecar(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is the ``NAME.meta.json`` of a ``NAME.txt`` (or ``.txt.gz``) beside it."""
    if not entry.name.lower().endswith(SIDECAR_SUFFIX):
        return False
    stem = os.path.join(os.path.dirname(entry.path), entry.name[: -len(SIDECAR_SUFFIX)])
    return any(os.path.isfile(stem + ext + gz) for ext in TEXT_SUFFIXES for gz in ("", GZIP_SUFFIX))


def _enter(folder: str, real: str, seen: set[str], open_: set[str], stack: list[_Folder]) -> Iterator[Item]:
    """Push ``folder``'s entries (sorted) on ``stack``; a problem if it loops or cannot be listed."""
    if real in open_:
        yield InputProblem(shown_path(folder), f"{E_LINK_LOOP} (leads back to a folder being read); skipped")
        return
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield InputProblem(shown_path(folder), os_problem(exc, folder))
        return
    open_.add(real)
    stack.append(_Folder(iter(entries), real))


def _is_link(entry: os.DirEntry[str]) -> bool:
    """``entry.is_symlink()``, True when that cannot be told (then ``realpath`` finds out)."""
    try:
        return entry.is_symlink()
    except OSError:
        return True


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """``entry.is_dir()`` (following symlinks), False when that cannot be told."""
    try:
        return entry.is_dir()
    except OSError:
        return False
