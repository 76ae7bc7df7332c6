r"""What an input path is called and what kind of file it is: its name as shown, its reader, why it cannot be read.

Does: show file names that are not UTF-8 (and use them as ids) with ``\xNN`` escapes (``shown_path``); pick how a
file is read from its extension (``.txt``, ``.html``/``.htm``, ``.json``, ``.jsonl``/``.ndjson``,
``.xml``/``.rss``/``.atom``, any of them ``.gz``: the table of :mod:`storytrace.ingest.formats`) as a
:class:`FileKind`; word the problem of a file of unknown type (``notes.md: unknown file type ...``) and of an
``OSError`` (``os_problem``).

Does not: open or read any file (:mod:`storytrace.ingest.files`), walk folders (:mod:`storytrace.ingest.folders`).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

from storytrace.ingest.formats import (
    READABLE_SUFFIXES,
    expected,
)

E_LINK_LOOP = "symbolic link loop"


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


def unknown_type(path: str) -> str:
    """Describe the problem with an explicit file whose extension is not readable."""
    suffix = suffix_of(path)
    shown = f"'{suffix}'" if suffix else "(no extension)"
    return f"unknown file type {shown} {expected()}"


def suffix_of(path: str) -> str:
    """The extension of ``path``'s name, lower case, with ``.gz`` after the inner one (``.csv.gz``); "" if none."""
    base = shown_path(os.path.basename(path)).lower()
    gz = base.endswith(".gz")
    return os.path.splitext(base[:-3] if gz else base)[1] + (".gz" if gz else "")


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
