"""Lenient readers of JSON values: the value of the expected type, or an empty one.

Stored documents may come from older versions or be damaged: a reader takes
what has the expected shape and never raises.

Not here: what any document holds (``codec.facts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")
D = TypeVar("D")

Span = tuple[int, int]


def text(value: object) -> str:
    """A string as it is; None as ""; anything else as ``str``."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def optional_text(value: object) -> str | None:
    """A string, or None for None."""
    return None if value is None else text(value)


def mapping(value: object) -> Mapping[str, Any]:
    """A JSON object, or an empty one."""
    return value if isinstance(value, Mapping) else {}


def items(value: object) -> list[object]:
    """A JSON array, or an empty one."""
    return value if isinstance(value, list) else []


def mappings(value: object) -> list[Mapping[str, Any]]:
    """The JSON objects of an array (anything else in it left out)."""
    return [x for x in items(value) if isinstance(x, Mapping)]


def strings(value: object) -> tuple[str, ...]:
    """The strings of an array (anything else in it left out)."""
    return tuple(x for x in items(value) if isinstance(x, str))


def span(value: object) -> Span | None:
    """``[start, end]`` of two integers as a span, else None."""
    if isinstance(value, list) and len(value) == 2 and all(type(x) is int for x in value):
        return (value[0], value[1])
    return None


def number(value: object) -> float | None:
    """A JSON number as written (an int stays an int, so it is written back the same), else None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


def number_or(value: object, default: float = 0.0) -> float:
    """A JSON number as written (an int stays an int), else ``default``."""
    found = number(value)
    return default if found is None else found


def one_of(value: object, allowed: tuple[T, ...], default: D) -> T | D:
    """``value`` if it is one of ``allowed`` (a label of a ``Literal``), else ``default``."""
    return next((a for a in allowed if a == value), default)
