"""Input paths to article records: the entry points that read files and folders, and the tally of what was skipped.

Does: read each path given, a folder (:mod:`storytrace.ingest.folders`) or a file
(:mod:`storytrace.ingest.files`), in order; give articles without a date the caller's default date;
``read_paths_by_file`` also marks where each file's items end, with a digest of its bytes, and skips the
files its caller says were read before (``analyze`` on a grown folder).

Skipped files: walking a folder, a file whose extension is not read (``.csv``,
``.md``), or a ``.json`` file that holds no article records (an object with
none of ``id``, ``text``, ``html`` and no ``articles`` list, like an
annotation file), is skipped without a problem; each one is handed, as a
:class:`Skipped`, to the ``on_skipped`` callback of ``read_paths`` and
``read_paths_by_file``. :class:`SkipTally` counts them and words the count
(``skipped 3 .csv, 1 .md``). Named explicitly, such a file is a problem
(``notes.md: unknown file type ...``, ``gold.json: not an article record ...``).
Hidden files (``.DS_Store``) are skipped unsaid. ``read_jsonl`` reads one file
as JSON Lines whatever its name (``cluster``).

Does not: read one file (:mod:`storytrace.ingest.files`), walk a folder (:mod:`storytrace.ingest.folders`),
validate records (see :mod:`storytrace.ingest.records`), or store anything.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from storytrace.ingest.files import FileRead, Skipped, read_file
from storytrace.ingest.folders import walk
from storytrace.ingest.paths import FileKind, classify, os_problem, shown_path, unknown_type
from storytrace.ingest.records import WITHOUT_A_DATE, Item
from storytrace.model import Article, InputProblem
from storytrace.published import note_undated


class SkipTally:
    """Counts the files skipped while walking folders: pass it as ``on_skipped``; ``summary()`` words the count.

    Keeps one count per kind of file, not the files: a folder of a million
    skipped files costs no memory.
    """

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def __call__(self, skipped: Skipped) -> None:
        """Count ``skipped``."""
        self.counts[skipped.label] += 1

    def __bool__(self) -> bool:
        return bool(self.counts)

    def summary(self) -> str:
        """``skipped 3 .csv, 1 .md, 1 .json (not article records)`` (most first), or "" when nothing was."""
        if not self.counts:
            return ""
        ranked = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return "skipped " + ", ".join(f"{count:,} {label}" for label, count in ranked)


def read_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    published: str | None = None,
    on_skipped: Callable[[Skipped], None] | None = None,
) -> Iterator[Item]:
    """Read articles from files and folders.

    Args:
        paths: files (any readable extension, optionally ``.gz``) and folders
            (walked recursively).
        published: the publication date for articles whose input gives none.
        on_skipped: called with each file skipped while walking a folder (see the module docstring).

    Yields:
        Articles in input order, and an InputProblem for each unreadable file or
        record (the rest is still read). Never raises for bad input.

    """
    for item in read_paths_by_file(paths, published=published, on_skipped=on_skipped):
        if not isinstance(item, FileRead):
            yield item


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[Item]:
    """Read one file as JSON Lines whatever its name, as ``read_paths`` reads a ``.jsonl``.

    Gzip when the name ends in ``.gz``. Same limits and problems; a folder or a
    missing file is one InputProblem.
    """
    path = os.fspath(path)
    where = shown_path(path)
    if os.path.isdir(path):
        yield InputProblem(where, "a folder, not a JSON Lines file")
        return
    stem = os.path.basename(path)
    gz = stem.lower().endswith(".gz")
    for item in read_file(path, FileKind(shown_path(stem), ".jsonl", gz)):
        if not isinstance(item, FileRead | Skipped):
            yield item


def read_paths_by_file(
    paths: Sequence[str | os.PathLike[str]],
    *,
    published: str | None = None,
    known: Callable[[str, str], bool] | None = None,
    on_skipped: Callable[[Skipped], None] | None = None,
) -> Iterator[Item | FileRead]:
    """``read_paths``, telling where each file's items end; with ``known``, files read before are skipped.

    With ``known``, each regular file's bytes are hashed first (BLAKE2b), and a
    ``FileRead`` follows its items. When ``known(where, digest)`` is true (it is
    asked with the path as shown and the digest), the file is not read at all:
    only its ``FileRead`` comes, marked skipped. A file that cannot be hashed,
    or whose bytes changed while it was read (hashed again after), is read as
    usual, and no ``FileRead`` follows it. Without ``known`` nothing is hashed
    and no ``FileRead`` comes. ``on_skipped``: as for ``read_paths``.
    """
    if isinstance(paths, str | os.PathLike):  # one path passed by mistake: not its characters
        paths = [paths]
    for path in paths:
        for item in _read_path(os.fspath(path), known):
            if isinstance(item, Skipped):
                if on_skipped is not None:
                    on_skipped(item)
                continue
            if published and isinstance(item, Article) and item.published is None:
                item = dataclasses.replace(item, published=published)
            if isinstance(item, Article):
                note_undated(item.published)
            elif published and isinstance(item, InputProblem) and item.problem.endswith(WITHOUT_A_DATE):
                said = item.problem.removesuffix(WITHOUT_A_DATE) + f"stored with the default date {published!r}"
                item = InputProblem(item.where, said)  # the record's date was dropped: the default took its place
            yield item


def _read_path(path: str, known: Callable[[str, str], bool] | None = None) -> Iterator[Item | FileRead | Skipped]:
    """Read one path given explicitly: a folder, or a file of any readable kind."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        yield InputProblem(shown_path(path), os_problem(exc, path))
        return
    if stat.S_ISDIR(mode):
        yield from walk(path, known)
    elif (kind := classify(path)) is None:
        yield InputProblem(shown_path(path), unknown_type(path))
    else:
        yield from read_file(path, kind, known)
