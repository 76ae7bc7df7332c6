r"""Input paths to article records: files by extension, gzip, folders.

Does: walk folders (sorted, recursive without recursion, hidden names and
unknown extensions skipped, symlinked folders followed once, symlink loops
reported), open files and gzip streams within the limits of
:mod:`storytrace.ingest.limits` (file size, decompressed size, decompression
ratio, JSON line length), pick the reader from the extension (``.txt``,
``.html``/``.htm``, ``.json``, ``.jsonl``/``.ndjson``, ``.xml``/``.rss``/``.atom``,
any of them ``.gz``: the table of :mod:`storytrace.ingest.formats`), and report every unreadable file or record as an
:class:`InputProblem` instead of raising. JSON Lines are streamed in any
encoding; other formats are read whole. File names that are not UTF-8 are
shown (and used as ids) with ``\xNN`` escapes. ``read_paths_by_file`` also
marks where each file's items end, with a digest of its bytes, and skips the
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

Does not: validate records (see :mod:`storytrace.ingest.records`), extract
HTML (:mod:`storytrace.ingest.html`), parse feeds (:mod:`storytrace.ingest.feeds`),
decode bytes (:mod:`storytrace.ingest.decode`), or store anything.
"""

from __future__ import annotations

import dataclasses
import errno
import gzip
import hashlib
import io
import os
import stat
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from storytrace.errors import E_BINARY, E_CP1252, E_EMPTY, nul_bytes
from storytrace.ingest.dateline import MAX_SIDECAR_BYTES, SIDECAR_SUFFIX, dateline_published, sidecar_fields
from storytrace.ingest.decode import decode, sniff_problem
from storytrace.ingest.feeds import read_feed
from storytrace.ingest.formats import (
    DOCUMENT_SUFFIXES,
    FEED_SUFFIXES,
    GZIP_SUFFIX,
    HTML_SUFFIXES,
    LINES_SUFFIXES,
    READABLE_SUFFIXES,
    SINGLE_ARTICLE_SUFFIXES,
    TEXT_SUFFIXES,
    expected,
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
from storytrace.ingest.records import E_NOT_RECORDS, WITHOUT_A_DATE, Item, line_items, read_json_document
from storytrace.model import Article, InputProblem
from storytrace.published import note_undated

E_CORRUPT_GZIP = "truncated or corrupt gzip"
E_LINK_LOOP = "symbolic link loop"
E_BLANK_NAME = "a file name of only spaces gives no id; rename it"
_CHUNK = 1 << 20


class _TooBig(Exception):
    """Raised inside a reader when the data passes a limit of :mod:`storytrace.ingest.limits`."""


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
    for item in _read_file(path, FileKind(shown_path(stem), ".jsonl", gz)):
        if not isinstance(item, FileRead | Skipped):
            yield item


@dataclass(frozen=True)
class FileRead:
    """The end of one file's items in ``read_paths_by_file``: where it is, and a digest of its bytes.

    ``skipped``: the file was not read, because ``known(where, digest)`` said it had been.
    """

    where: str
    digest: str
    skipped: bool


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


def classify(name: str) -> FileKind | None:
    """Return how to read the file ``name``, or None if its extension is not readable."""
    base = os.path.basename(name)
    gz = base.lower().endswith(".gz")
    stem, suffix = os.path.splitext(base[:-3] if gz else base)
    if suffix.lower() not in READABLE_SUFFIXES:
        return None
    return FileKind(shown_path(stem), suffix.lower(), gz)


def shown_path(path: str) -> str:
    r"""``path`` as valid Unicode: bytes of a name that are not UTF-8 become ``\xNN`` escapes."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


def _read_path(path: str, known: Callable[[str, str], bool] | None = None) -> Iterator[Item | FileRead | Skipped]:
    """Read one path given explicitly: a folder, or a file of any readable kind."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        yield InputProblem(shown_path(path), os_problem(exc, path))
        return
    if stat.S_ISDIR(mode):
        yield from _walk(path, known)
    elif (kind := classify(path)) is None:
        yield InputProblem(shown_path(path), _unknown_type(path))
    else:
        yield from _read_file(path, kind, known)


def _unknown_type(path: str) -> str:
    """Describe the problem with an explicit file whose extension is not readable."""
    suffix = _suffix(path)
    shown = f"'{suffix}'" if suffix else "(no extension)"
    return f"unknown file type {shown} {expected()}"


def _suffix(path: str) -> str:
    """The extension of ``path``'s name, lower case, with ``.gz`` after the inner one (``.csv.gz``); "" if none."""
    base = shown_path(os.path.basename(path)).lower()
    gz = base.endswith(".gz")
    return os.path.splitext(base[:-3] if gz else base)[1] + (".gz" if gz else "")


@dataclass
class _Folder:
    """A folder being read: its entries still to read, and its real path."""

    entries: Iterator[os.DirEntry[str]]
    real: str


def _walk(top: str, known: Callable[[str, str], bool] | None = None) -> Iterator[Item | FileRead | Skipped]:
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
            yield from _read_file(entry.path, kind, known, walked=True)
        else:
            yield Skipped(shown_path(entry.path), _suffix(entry.name) or "(no extension)")


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


def _read_file(
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
    if exc.errno == errno.ENAMETOOLONG:
        return "path too long for the system"
    return f"cannot read ({exc.strerror or exc})"
