"""Ingest: turn input paths and JSON records into :class:`~storytrace.model.Article` records.

Does: read ``.txt``, ``.html``/``.htm``, ``.json``, ``.jsonl``/``.ndjson`` and
RSS/Atom (``.xml``, ``.rss``, ``.atom``) files, gzipped or not, and folders of
them (the table of :mod:`storytrace.ingest.formats`);
yield an :class:`~storytrace.model.InputProblem` for everything that cannot
be read, and go on with the rest; tell the caller which files a folder walk
skipped (:class:`Skipped`, :class:`SkipTally`).

Does not: store, clean, or analyse articles, or fetch anything over the network.
"""

from storytrace.ingest.files import FileRead, Skipped
from storytrace.ingest.formats import READABLE_SUFFIXES
from storytrace.ingest.paths import classify
from storytrace.ingest.readers import SkipTally, read_jsonl, read_paths, read_paths_by_file
from storytrace.ingest.records import Item, read_json_document, read_records, record_items, record_to_article

__all__ = [
    "READABLE_SUFFIXES",
    "FileRead",
    "Item",
    "SkipTally",
    "Skipped",
    "classify",
    "read_json_document",
    "read_jsonl",
    "read_paths",
    "read_paths_by_file",
    "read_records",
    "record_items",
    "record_to_article",
]
