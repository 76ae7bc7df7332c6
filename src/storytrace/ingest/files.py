"""Read one regular file into article records, within the limits, each failure a problem.

Does: open files and gzip streams within the limits of :mod:`storytrace.ingest.limits` (file size, decompressed
size, decompression ratio, JSON line length); hand the bytes to the reader of the file's kind; stream JSON Lines
in any encoding (other formats are read whole); add the fields of a ``NAME.meta.json`` sidecar to a ``NAME.txt``;
report every unreadable file or record as an :class:`InputProblem` instead of raising. With ``known``, hash a
file's bytes first (``file_digest``), skip it when its caller says it was read before, and mark where its items
end (:class:`FileRead`). A ``.json`` file of no article records met while walking a folder is a
:class:`Skipped`, not a problem.

Does not: walk folders (:mod:`storytrace.ingest.folders`), validate records (:mod:`storytrace.ingest.records`),
extract HTML (:mod:`storytrace.ingest.html`), parse feeds (:mod:`storytrace.ingest.feeds`), decode bytes
(:mod:`storytrace.ingest.decode`), or store anything.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from storytrace.errors import E_BINARY, E_CP1252, E_EMPTY, nul_bytes
from storytrace.ingest.dateline import MAX_SIDECAR_BYTES, SIDECAR_SUFFIX, dateline_published, sidecar_fields
from storytrace.ingest.decode import decode, sniff_problem
from storytrace.ingest.feeds import read_feed
from storytrace.ingest.formats import (
    DOCUMENT_SUFFIXES,
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    LINES_SUFFIXES,
    SINGLE_ARTICLE_SUFFIXES,
    TEXT_SUFFIXES,
)
from storytrace.ingest.html import decode_html, extract_page
from storytrace.ingest.limits import (
    GZIP_RATIO_FROM,
    MAX_ARTICLE_BYTES,
    MAX_DOCUMENT_BYTES,
    MAX_GZIP_RATIO,
    size_text,
)
from storytrace.ingest.lines import StreamLines
from storytrace.ingest.paths import FileKind, os_problem, shown_path
from storytrace.ingest.records import E_NOT_RECORDS, Item, line_items, read_json_document
from storytrace.model import Article, InputProblem

E_CORRUPT_GZIP = "truncated or corrupt gzip"


E_BLANK_NAME = "a file name of only spaces gives no id; rename it"
_CHUNK = 1 << 20


class _TooBig(Exception):
    """Raised inside a reader when the data passes a limit of :mod:`storytrace.ingest.limits`."""


@dataclass(frozen=True)
class Skipped:
    """A file met while walking a folder and not read, as it holds no articles.

    Attributes:
        where: the file, as shown.
        suffix: its extension, lower case (``.csv``, ``.csv.gz``), or ``(no extension)``.
        reason: why a readable file was skipped (``not article records``), else None.

    """

    where: str
    suffix: str
    reason: str | None = None

    @property
    def label(self) -> str:
        """What the file counts as in a summary: ``.csv``, ``.json (not article records)``."""
        return f"{self.suffix} ({self.reason})" if self.reason else self.suffix


@dataclass(frozen=True)
class FileRead:
    """The end of one file's items in ``read_paths_by_file``: where it is, and a digest of its bytes.

    ``skipped``: the file was not read, because ``known(where, digest)`` said it had been.
    """

    where: str
    digest: str
    skipped: bool


def file_digest(path: str) -> str | None:
    """A BLAKE2b digest of the file's bytes as stored (compressed, for gzip), or None if it cannot be read."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as raw:
            while chunk := raw.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def read_file(
    path: str, kind: FileKind, known: Callable[[str, str], bool] | None = None, walked: bool = False
) -> Iterator[Item | FileRead | Skipped]:
    """Read one file (not a folder), reporting any I/O or gzip failure, or a passed limit, as a problem.

    With ``known``: hash it first, skip it if ``known`` says so, and mark where its items end.
    ``walked``: met while walking a folder, so a ``.json`` file of no article records is skipped, not a problem.
    """
    where = shown_path(path)
    if kind.suffix in SINGLE_ARTICLE_SUFFIXES and not kind.stem.strip():
        yield InputProblem(where, E_BLANK_NAME)
        return
    try:
        info = os.stat(path)
    except OSError as exc:
        yield InputProblem(where, os_problem(exc, path))
        return
    if not stat.S_ISREG(info.st_mode):
        yield InputProblem(where, "not a regular file (a pipe, socket or device?)")
        return
    digest = file_digest(path) if known is not None else None
    if known is not None and digest is not None and known(where, digest):
        yield FileRead(where, digest, skipped=True)
        return
    for item in _read_items(path, kind, info, where):
        if walked and isinstance(item, InputProblem) and item.problem == E_NOT_RECORDS:
            yield Skipped(where, kind.suffix + (".gz" if kind.gz else ""), "not article records")
            return  # no FileRead: a skipped file is looked at again each time, and so counted again
        yield item
    if digest is not None and file_digest(path) == digest:  # not marked if it changed while being read
        yield FileRead(where, digest, skipped=False)


def _read_items(path: str, kind: FileKind, info: os.stat_result, where: str) -> Iterator[Item]:
    """The items of one regular file, by its kind."""
    if kind.suffix in LINES_SUFFIXES:
        items = _read_jsonl(_chunks(path, kind.gz), where)
    else:
        limit = MAX_DOCUMENT_BYTES if kind.suffix in DOCUMENT_SUFFIXES else MAX_ARTICLE_BYTES
        if not kind.gz and info.st_size > limit:
            yield InputProblem(where, _too_big(kind, limit))
            return
        items = _read_whole(_chunks(path, kind.gz, limit, _too_big(kind, limit)), where, kind)
    if kind.suffix in TEXT_SUFFIXES:
        items = _with_sidecar(items, _sidecar_path(path))
    yield from _guarded(items, where)


def _sidecar_path(path: str) -> str:
    """``NAME.meta.json`` beside ``NAME.txt`` (or ``NAME.txt.gz``)."""
    base = os.path.basename(path)
    stem = os.path.splitext(base[:-3] if base.lower().endswith(".gz") else base)[0]
    return os.path.join(os.path.dirname(path), stem + SIDECAR_SUFFIX)


def _with_sidecar(items: Iterator[Item], sidecar: str) -> Iterator[Item]:
    """``items``, each article with the fields its sidecar gives (see :mod:`storytrace.ingest.dateline`)."""
    if not os.path.isfile(sidecar):
        yield from items
        return
    where = shown_path(sidecar)
    try:
        with open(sidecar, "rb") as f:
            data = f.read(MAX_SIDECAR_BYTES + 1)
    except OSError as exc:
        yield InputProblem(where, os_problem(exc, sidecar) + "; ignored")
        yield from items
        return
    fields: dict[str, Any] = {}
    problem: str | None = f"over {size_text(MAX_SIDECAR_BYTES)}; ignored"
    if len(data) <= MAX_SIDECAR_BYTES:
        fields, problem = sidecar_fields(data)
    if problem:
        yield InputProblem(where, problem)
    for item in items:
        yield dataclasses.replace(item, **fields) if isinstance(item, Article) and fields else item


def _too_big(kind: FileKind, limit: int) -> str:
    """The problem of a file whose (decompressed) size passes ``limit``."""
    what = "decompressed size" if kind.gz else "file size"
    if kind.suffix in DOCUMENT_SUFFIXES:
        return (
            f"{what} over the limit for a file read whole ({size_text(limit)}); "
            "split it, or use JSON Lines (.jsonl), which is streamed"
        )
    return f"{what} over the limit for one article ({size_text(limit)}); skipped"


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
    except UnicodeDecodeError as exc:  # a UTF-16/32 JSON Lines stream that breaks off
        yield InputProblem(where, f"not valid {exc.encoding.upper()} ({exc.reason}); stopped reading there")
    except OSError as exc:
        yield InputProblem(where, os_problem(exc, where))


def _chunks(path: str, gz: bool, limit: int | None = None, too_big: str = "") -> Iterator[bytes]:
    """Yield the (decompressed) bytes of ``path`` in chunks; raise _TooBig past ``limit`` or on a gzip bomb."""
    with open(path, "rb") as raw:
        stream: io.BufferedIOBase = gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw
        total = 0
        while chunk := stream.read1(_CHUNK):  # read1: a stream cut short still gives what came before the cut
            total += len(chunk)
            if limit is not None and total > limit:
                raise _TooBig(too_big)
            if gz and total > GZIP_RATIO_FROM and total > MAX_GZIP_RATIO * raw.tell():
                raise _TooBig(
                    f"decompresses to over {MAX_GZIP_RATIO} times its compressed size (a gzip bomb?); "
                    f"stopped reading past {size_text(GZIP_RATIO_FROM)}"
                )
            yield chunk


def _read_whole(chunks: Iterator[bytes], where: str, kind: FileKind) -> Iterator[Item]:
    """Read a non-JSONL file whole (its size is limited) and hand it to its format's reader."""
    data = b"".join(chunks)
    if kind.suffix in FEED_SUFFIXES:
        problem = sniff_problem(data)
        yield from [InputProblem(where, problem)] if problem else read_feed(data, where, kind.stem)
        return
    decoded = decode_html(data) if kind.suffix in HTML_SUFFIXES else decode(data)
    del data
    if decoded.text is None:
        yield InputProblem(where, decoded.problem or E_BINARY)
        return
    if decoded.fallback:
        yield InputProblem(where, E_CP1252)
    if decoded.nuls:
        yield InputProblem(where, nul_bytes(decoded.nuls))
    yield from _read_text(decoded.text, where, kind)


def _read_text(text: str, where: str, kind: FileKind) -> Iterator[Item]:
    """Read the decoded text of a ``.txt``, ``.html`` or ``.json`` file."""
    if kind.suffix in TEXT_SUFFIXES:
        yield Article(id=kind.stem, text=text, origin=where, published=dateline_published(text))
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
    """Stream a JSON Lines file line by line, in UTF-8 (else cp1252 per line) or, by its BOM, UTF-16/32."""
    lines = StreamLines(chunks, MAX_ARTICLE_BYTES)
    if lines.binary:
        yield InputProblem(where, E_BINARY)
        return
    count = 0
    for lineno, line in enumerate(lines, 1):
        here = f"{where}:{lineno}"
        if line is None:
            count += 1
            yield InputProblem(here, f"line over the limit for one record ({size_text(MAX_ARTICLE_BYTES)}); skipped")
            continue
        items = line_items(line, here)
        count += bool(items)
        yield from items
    if lines.fallback:
        yield InputProblem(where, E_CP1252)
    if count == 0:
        yield InputProblem(where, E_EMPTY)
