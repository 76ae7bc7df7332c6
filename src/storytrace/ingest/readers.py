"""Input paths to article records: files by extension, gzip, folders.

Does: walk folders (sorted, recursive, hidden names and unknown extensions
skipped, symlinked folders followed once), open files and gzip streams
(capped at :data:`MAX_BYTES` of data), pick the reader from the extension
(``.txt``, ``.html``/``.htm``, ``.json``, ``.jsonl``, ``.xml``/``.rss``/``.atom``,
any of them ``.gz``), and report every unreadable file or record as an
:class:`InputProblem` instead of raising. JSON Lines are streamed; other
formats are read whole.

Does not: validate records (see :mod:`storytrace.ingest.records`), extract
HTML (:mod:`storytrace.ingest.html`), parse feeds (:mod:`storytrace.ingest.feeds`),
decode bytes (:mod:`storytrace.ingest.decode`), or store anything.
"""

from __future__ import annotations

import dataclasses
import errno
import gzip
import io
import os
import stat
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from storytrace.errors import E_BINARY, E_CP1252, E_EMPTY
from storytrace.ingest.decode import (
    SNIFF_BYTES,
    Decoded,
    bom_encoding,
    cp1252,
    decode,
    looks_binary,
    sniff_problem,
    utf16_without_bom,
)
from storytrace.ingest.feeds import read_feed
from storytrace.ingest.html import decode_html, extract_page
from storytrace.ingest.records import Item, read_json_document, read_records
from storytrace.model import Article, InputProblem

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
READABLE_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".json", ".jsonl", *FEED_SUFFIXES)
"""Extensions read (each also as ``<ext>.gz``); other files in folders are skipped."""

MAX_BYTES = 1 << 30
"""Largest decompressed gzip stream, or file read whole, that is accepted (1 GiB)."""

E_CORRUPT_GZIP = "truncated or corrupt gzip"
E_LINK_LOOP = "symbolic link loop"
_CHUNK = 1 << 20
_EXPECTED = "(expected .txt, .html, .json, .jsonl, .xml, .rss, .atom or .gz)"


class _TooBig(Exception):
    """Raised inside a reader when the data passes :data:`MAX_BYTES`."""


@dataclass(frozen=True)
class FileKind:
    """How a file is read, from its name.

    Attributes:
        stem: the name without extension(s): the id of a ``.txt``/``.html`` article.
        suffix: the (inner, for gzip) extension, lower case, e.g. ``".jsonl"``.
        gz: True for gzip-compressed files.

    """

    stem: str
    suffix: str
    gz: bool


def read_paths(paths: Sequence[str | os.PathLike[str]], *, published: str | None = None) -> Iterator[Item]:
    """Read articles from files and folders.

    Args:
        paths: files (any readable extension, optionally ``.gz``) and folders
            (walked recursively).
        published: the publication date for articles whose input gives none.

    Yields:
        Articles in input order, and an InputProblem for each unreadable file or
        record (the rest is still read). Never raises for bad input.

    """
    if isinstance(paths, str | os.PathLike):  # one path passed by mistake: not its characters
        paths = [paths]
    for path in paths:
        for item in _read_path(os.fspath(path)):
            if isinstance(item, Article) and item.published is None and published:
                item = dataclasses.replace(item, published=published)
            yield item


def classify(name: str) -> FileKind | None:
    """Return how to read the file ``name``, or None if its extension is not readable."""
    base = os.path.basename(name)
    gz = base.lower().endswith(".gz")
    stem, suffix = os.path.splitext(base[:-3] if gz else base)
    if suffix.lower() not in READABLE_SUFFIXES:
        return None
    return FileKind(stem, suffix.lower(), gz)


def _read_path(path: str) -> Iterator[Item]:
    """Read one path given explicitly: a folder, or a file of any readable kind."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        yield InputProblem(path, os_problem(exc, path))
        return
    if stat.S_ISDIR(mode):
        yield from _walk(path, frozenset(), set())
    elif (kind := classify(path)) is None:
        yield InputProblem(path, _unknown_type(path))
    else:
        yield from _read_file(path, kind)


def _unknown_type(path: str) -> str:
    """Describe the problem with an explicit file whose extension is not readable."""
    base = os.path.basename(path).lower()
    gz = base.endswith(".gz")
    suffix = os.path.splitext(base[:-3] if gz else base)[1] + (".gz" if gz else "")
    shown = f"'{suffix}'" if suffix else "(no extension)"
    return f"unknown file type {shown} {_EXPECTED}"


def _walk(folder: str, ancestors: frozenset[str], seen: set[str]) -> Iterator[Item]:
    """Read a folder's readable files recursively, in name order; each real folder once."""
    real = os.path.realpath(folder)
    if real in ancestors:
        yield InputProblem(folder, f"{E_LINK_LOOP} (leads back to a folder being read); skipped")
        return
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield InputProblem(folder, os_problem(exc, folder))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if _is_dir(entry):
            yield from _walk(entry.path, ancestors | {real}, seen)
        elif (kind := classify(entry.name)) is not None:
            yield from _read_file(entry.path, kind)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """``entry.is_dir()`` (following symlinks), False when that cannot be told."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _read_file(path: str, kind: FileKind) -> Iterator[Item]:
    """Read one file (not a folder), reporting any I/O or gzip failure as a problem."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        yield InputProblem(path, os_problem(exc, path))
        return
    if not stat.S_ISREG(mode):
        yield InputProblem(path, "not a regular file")
        return
    chunks = _chunks(path, kind.gz, limit=MAX_BYTES if kind.gz or kind.suffix != ".jsonl" else None)
    items = _read_jsonl(chunks, path) if kind.suffix == ".jsonl" else _read_whole(chunks, path, kind)
    yield from _guarded(items, path)


def _guarded(items: Iterator[Item], where: str) -> Iterator[Item]:
    """Pass ``items`` through, turning a read failure part-way into a final problem."""
    try:
        yield from items
    except _TooBig as exc:
        yield InputProblem(where, str(exc))
    except gzip.BadGzipFile as exc:
        yield InputProblem(where, "not a gzip file" if "Not a gzipped file" in str(exc) else E_CORRUPT_GZIP)
    except (EOFError, zlib.error):
        yield InputProblem(where, E_CORRUPT_GZIP)
    except OSError as exc:
        yield InputProblem(where, os_problem(exc, where))


def _chunks(path: str, gz: bool, limit: int | None) -> Iterator[bytes]:
    """Yield the (decompressed) bytes of ``path`` in chunks; raise _TooBig past ``limit``."""
    with open(path, "rb") as raw:
        stream: io.BufferedIOBase = gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw
        total = 0
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if limit is not None and total > limit:
                what = "decompressed size" if gz else "file size"
                raise _TooBig(f"{what} over the limit ({limit:,} bytes)")
            yield chunk


def _read_whole(chunks: Iterator[bytes], where: str, kind: FileKind) -> Iterator[Item]:
    """Read a non-JSONL file whole and hand it to its format's reader."""
    data = b"".join(chunks)
    if kind.suffix in FEED_SUFFIXES:
        problem = sniff_problem(data)
        yield from [InputProblem(where, problem)] if problem else read_feed(data, where, kind.stem)
        return
    decoded = decode_html(data) if kind.suffix in HTML_SUFFIXES else decode(data)
    if decoded.text is None:
        yield InputProblem(where, decoded.problem or E_BINARY)
        return
    if decoded.fallback:
        yield InputProblem(where, E_CP1252)
    yield from _read_text(decoded.text, where, kind)


def _read_text(text: str, where: str, kind: FileKind) -> Iterator[Item]:
    """Read the decoded text of a ``.txt``, ``.html`` or ``.json`` file."""
    if kind.suffix in TEXT_SUFFIXES:
        yield Article(id=kind.stem, text=text, origin=where)
    elif kind.suffix in HTML_SUFFIXES:
        page = extract_page(text, where)
        if isinstance(page, InputProblem):
            yield page
            return
        yield Article(
            id=kind.stem,
            text=page.text,
            title=page.title,
            url=page.url,
            source=page.source,
            published=page.published,
            authors=page.authors,
            origin=where,
        )
    else:
        yield from read_json_document(text, where)


def _read_jsonl(chunks: Iterator[bytes], where: str) -> Iterator[Item]:
    """Stream a JSON Lines file line by line (UTF-16/32 files are decoded whole)."""
    first = next(chunks, b"")
    head = first[:SNIFF_BYTES]
    encoding = bom_encoding(head) or utf16_without_bom(head)
    if encoding not in (None, "utf-8-sig"):
        decoded = decode(first + b"".join(chunks))
        lines: Iterator[str] = iter((decoded.text or "").split("\n"))
        yield from _jsonl_items(lines, where, decoded)
        return
    if looks_binary(head):
        yield InputProblem(where, E_BINARY)
        return
    decoder = _LineDecoder()
    yield from _jsonl_items(decoder.lines(chain([first], chunks)), where, decoder)


def _jsonl_items(lines: Iterator[str], where: str, decoded: Decoded | _LineDecoder) -> Iterator[Item]:
    """Yield the records of a JSONL file, then its cp1252 or "empty" problem if any."""
    if isinstance(decoded, Decoded) and decoded.text is None:
        yield InputProblem(where, decoded.problem or E_BINARY)
        return
    count = 0
    for item in read_records(lines, where):
        count += 1
        yield item
    if decoded.fallback:
        yield InputProblem(where, E_CP1252)
    if count == 0:
        yield InputProblem(where, E_EMPTY)


class _LineDecoder:
    """Split bytes into lines like text-mode ``open()``; decode each as UTF-8, else cp1252."""

    def __init__(self) -> None:
        self.fallback = False

    def lines(self, chunks: Iterator[bytes]) -> Iterator[str]:
        r"""Yield decoded lines (without line ends); ``\r\n`` and lone ``\r`` end lines too."""
        for raw in _split_lines(chunks):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.fallback = True
                line = cp1252(raw)
            if "\r" in line:
                yield from line.removesuffix("\r").split("\r")
            else:
                yield line


def _split_lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    r"""Split a chunked byte stream on ``\n`` without re-copying long lines."""
    pending: list[bytes] = []
    for chunk in chunks:
        if b"\n" not in chunk:
            pending.append(chunk)
            continue
        parts = chunk.split(b"\n")
        yield b"".join([*pending, parts[0]])
        yield from parts[1:-1]
        pending = [parts[-1]]
    if any(pending):
        yield b"".join(pending)


def os_problem(exc: OSError, path: str) -> str:
    """Say in a few words why ``path`` cannot be read."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder" + (" (broken symbolic link)" if os.path.islink(path) else "")
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return E_LINK_LOOP
    if isinstance(exc, NotADirectoryError):
        return "no such file or folder (part of the path is a file)"
    return f"cannot read ({exc.strerror or exc})"
