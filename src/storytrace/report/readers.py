"""Tolerant readers of the articles' objects of a ``stories.json`` document, and the percentage format.

What it does: read an optional, possibly malformed JSON value as a list, a mapping, a display
string or a list of strings, never raising; format a share as a percentage. The articles'
objects (``meta``) are JSON mappings the views read with these; a story's own parts are read
once, typed, by ``codec.story``.

What it does not do: know what any key of the document means (the view builders do), read a
story (``codec``), or escape anything (the templates and ``highlight`` do).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_list(value: object) -> list[Any]:
    """``value`` as a list if it is a list or tuple, else an empty list."""
    return list(value) if isinstance(value, list | tuple) else []


def as_mapping(value: object) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty dict."""
    return value if isinstance(value, Mapping) else {}


def as_text(value: object) -> str:
    """Return a display string for an optional scalar (``''`` for None)."""
    return "" if value is None else str(value)


def as_strs(value: object) -> list[str]:
    """Non-empty strings from a list, a single string or nothing."""
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in as_list(value) if v is not None and v != ""]


def pct(value: float | None) -> str:
    """Format a share in [0, 1] as a whole percentage, or an en dash when unknown."""
    return "–" if value is None else f"{round(min(max(value, 0.0), 1.0) * 100)}%"
