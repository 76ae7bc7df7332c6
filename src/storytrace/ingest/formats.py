"""The input formats: one table from which every suffix list, message and accept list is derived.

Does: say, for each file extension storytrace reads, which reader reads it
(``text``, ``html``, ``document``, ``lines``, ``feed``); that each one is also
read gzipped (``<ext>.gz``); and word the lists shown to people (the
"unknown file type" problem, the web upload's ``accept`` attribute and its
message, ``batch``'s JSON Lines problem). ``.jsonl`` and ``.ndjson`` are the
same format (JSON Lines), read by every command that reads files.

Does not: open or read files (:mod:`storytrace.ingest.readers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Reader = Literal["text", "html", "document", "lines", "feed"]
"""``text``/``html``: one article per file; ``document``: one JSON value or feed, read whole; ``lines``: streamed."""

GZIP_SUFFIX = ".gz"


@dataclass(frozen=True)
class Format:
    """One input format: its extensions (first: the usual one), its reader and its name in messages."""

    suffixes: tuple[str, ...]
    reader: Reader
    name: str


FORMATS = (
    Format((".txt",), "text", "plain text"),
    Format((".html", ".htm"), "html", "HTML page"),
    Format((".json",), "document", "JSON"),
    Format((".jsonl", ".ndjson"), "lines", "JSON Lines"),
    Format((".xml", ".rss", ".atom"), "feed", "RSS/Atom feed"),
)
"""Every format read, each extension also as ``<ext>.gz``."""


def suffixes_of(*readers: Reader) -> tuple[str, ...]:
    """The extensions read by any of ``readers``, in table order."""
    return tuple(s for f in FORMATS if f.reader in readers for s in f.suffixes)


READABLE_SUFFIXES = suffixes_of("text", "html", "document", "lines", "feed")
"""Extensions read (each also as ``<ext>.gz``); other files in folders are skipped."""
TEXT_SUFFIXES = suffixes_of("text")
HTML_SUFFIXES = suffixes_of("html")
FEED_SUFFIXES = suffixes_of("feed")
LINES_SUFFIXES = suffixes_of("lines")
SINGLE_ARTICLE_SUFFIXES = suffixes_of("text", "html")
"""Formats holding one article per file: the file's name is its id."""
DOCUMENT_SUFFIXES = suffixes_of("document", "feed")
"""Formats parsed whole, up to ``limits.MAX_DOCUMENT_BYTES``; ``.txt``/``.html`` are single articles."""
LINES_FILE_SUFFIXES = tuple(s + gz for s in LINES_SUFFIXES for gz in ("", GZIP_SUFFIX))
"""JSON Lines file names, gzipped or not: what ``batch`` reads as ``--format jsonl``."""


def _listed(suffixes: tuple[str, ...], last: str = "or") -> str:
    return f"{', '.join(suffixes[:-1])} {last} {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]


def expected() -> str:
    """``(expected .txt, .html, …, .atom or .gz)``: what a file named with another extension could have been."""
    return f"(expected {_listed((*READABLE_SUFFIXES, GZIP_SUFFIX))})"


def upload_accept() -> str:
    """The web upload's ``accept`` attribute: every readable extension and ``.gz``."""
    return ",".join((*READABLE_SUFFIXES, GZIP_SUFFIX))


def upload_words() -> str:
    """The readable files as the upload form names them: ``.txt, .html, …, .atom; gzipped too``."""
    return f"{', '.join(READABLE_SUFFIXES)}; gzipped too"


def single_words() -> str:
    """``.txt, .html, .htm``: the files holding one article, whose fields the upload form may give."""
    return ", ".join(SINGLE_ARTICLE_SUFFIXES)


def lines_words() -> str:
    """``.jsonl or .ndjson, gzipped or not``: the JSON Lines file names."""
    return f"{_listed(LINES_SUFFIXES)}, gzipped or not"
