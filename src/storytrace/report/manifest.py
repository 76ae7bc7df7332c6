"""The report's page manifest: which page file was written from which inputs, so a re-run can leave it alone.

``stories/.pages.json`` beside the pages maps each page's path (``stories/NAME.html``,
relative to the report's folder) to its input signature (``report.site.page_signature``)
and the size and modification time (ns) its file had when written. ``intact`` gives the
signatures of the pages whose file still has that size and time; a missing, unreadable,
corrupt or other-format manifest vouches for no page (each is built and compared as
without one). ``write`` replaces it in one step where it changed (``outputs.write_if_changed``).

Not here: what a page holds or when it is built (``report.site``), writing pages (``pipeline``).
A file changed behind our back to the same size within the same clock tick is not noticed.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from storytrace.outputs import write_if_changed
from storytrace.report.site import PAGES

NAME = ".pages.json"  # in the pages' folder; not ``*.html``, so never taken for a page
FORMAT = 1


def manifest_path(out_dir: Path) -> Path:
    """Where the manifest of the report in ``out_dir`` is."""
    return out_dir / PAGES / NAME


def intact(out_dir: Path) -> dict[str, str]:
    """Page path to signature, for each page of the manifest whose file is as it was written."""
    found: dict[str, str] = {}
    for path, entry in _entries(out_dir).items():
        if _stamp(out_dir / path) == (entry[1], entry[2]):
            found[path] = entry[0]
    return found


def write(out_dir: Path, signatures: Mapping[str, str], paths: Iterable[str]) -> None:
    """Record each of ``paths`` that has a signature with its file's size and time as it is now."""
    pages: dict[str, list[object]] = {}
    for path in paths:
        stamp = _stamp(out_dir / path)
        if path in signatures and stamp is not None:
            pages[path] = [signatures[path], *stamp]
    text = json.dumps({"format": FORMAT, "pages": pages}, sort_keys=True, separators=(",", ":"))
    write_if_changed(manifest_path(out_dir), text.encode("utf-8"))


def _entries(out_dir: Path) -> dict[str, tuple[str, int, int]]:
    """The manifest's well-formed entries of pages in the pages' folder; none if it is missing or not ours."""
    try:
        doc = json.loads(manifest_path(out_dir).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("pages"), dict):
        return {}
    entries: dict[str, tuple[str, int, int]] = {}
    for path, entry in doc["pages"].items():
        if _is_page(path) and _well_formed(entry):
            entries[path] = (entry[0], entry[1], entry[2])
    return entries


def _is_page(path: str) -> bool:
    folder, _, name = path.partition("/")
    return folder == PAGES and name.endswith(".html") and "/" not in name and not name.startswith(".")


def _well_formed(entry: object) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and all(isinstance(x, int) and not isinstance(x, bool) for x in entry[1:])
    )


def _stamp(path: Path) -> tuple[int, int] | None:
    """A regular file's size and modification time (ns); None if it is missing or not a regular file."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns) if stat.S_ISREG(found.st_mode) else None
