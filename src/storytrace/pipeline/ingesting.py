"""Stage 1: read the inputs into the store, skipping files read whole before with the same bytes and code.

Not here: reading one file's records (``ingest``), storing them (``store``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence

from storytrace.fingerprint import code_digest
from storytrace.ingest import FileRead, Skipped, read_paths_by_file
from storytrace.model import Article, InputProblem
from storytrace.store import IngestReport, Store


def ingest(
    paths: Sequence[str | os.PathLike[str]], store: Store, published: str | None = None
) -> tuple[list[str], list[InputProblem], int]:
    """Stage 1: store what ``paths`` hold; returns the ids read, problems, and how many were new.

    See ``ingest_report``, which this calls.
    """
    ids, report = ingest_report(paths, store, published)
    return ids, report.problems, len(report.added)


def ingest_report(
    paths: Sequence[str | os.PathLike[str]],
    store: Store,
    published: str | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
    on_skipped: Callable[[Skipped], None] | None = None,
) -> tuple[list[str], IngestReport]:
    """Store what ``paths`` hold; returns the ids read (each once) and what the store did with them.

    A file read whole before, at the same path, with the same bytes, by the
    same code and with the same ``published``, every article of it stored
    under its own id, is not read again: its ids come from the store
    (``Store.read_file_ids``) and count as already stored. A file with any
    problem, or with an id stored before with another text, or with a copy of
    a stored text under another id, is read again each time, so that what is
    said of it is said again. ``on_problem``: as ``Store.add`` takes it; ``on_skipped``: told of each
    file a folder holds that is not read (``ingest.SkipTally`` counts them).
    """
    ids: list[str] = []
    reading = _reading_settings(published)
    recalled: dict[str, list[str]] = {}
    unread: list[str] = []  # the ids of the files not read again
    finished: list[tuple[str, list[str]]] = []  # files read whole without a problem: key, ids read

    def file_key(where: str, digest: str) -> str:  # the name matters too: a .txt file's name is its id
        return hashlib.blake2b(json.dumps([reading, where, digest]).encode(), digest_size=16).hexdigest()

    def known(where: str, digest: str) -> bool:
        stored = store.read_file_ids(file_key(where, digest))
        if stored is not None:
            recalled[digest] = stored
        return stored is not None

    def records() -> Iterator[Article | InputProblem]:
        in_file: list[str] = []
        clean = True
        for rec in read_paths_by_file(paths, published=published, known=known, on_skipped=on_skipped):
            if isinstance(rec, FileRead):
                if rec.skipped:
                    ids.extend(stored := recalled.pop(rec.digest))
                    unread.extend(stored)
                elif clean:
                    finished.append((file_key(rec.where, rec.digest), in_file))
                in_file, clean = [], True
                continue
            if isinstance(rec, Article):
                ids.append(rec.id)
                in_file.append(rec.id)
            else:
                clean = False
            yield rec

    report = store.add(records(), on_problem=on_problem)
    report.unchanged.extend(unread)
    conflicts = set(report.conflicts)
    store.put_read_files(
        {key: read for key, read in finished if not any(i in conflicts or i in report.duplicates for i in read)}
    )
    kept = [report.duplicates.get(i, i) for i in ids if i not in conflicts]
    return list(dict.fromkeys(kept)), report


def _reading_settings(published: str | None) -> str:
    """What, beside a file's bytes, decides the articles read from it: the code and the default date."""
    return f"{code_digest()} {published or ''}"
