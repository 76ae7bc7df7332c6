"""The ``brief`` array of a story in ``stories.json``, written from ``model_facts.Brief`` and read back.

Each line is ``{"kind", "text", "outlets", "cites": [{"article", "span", "text"}]}``,
in the brief's order. ``brief_from_json(brief_to_json(x)) == x``. Reading
is lenient: a document without ``brief`` (older versions wrote none), a line
of an unknown kind or without text, and a cite without article or span are
left out.

Not here: choosing the lines (``facts.brief``), the rest of a story's JSON (``report.documents``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storytrace.codec import read
from storytrace.model_facts import BRIEF_KINDS, Brief, BriefLine, Cite


def brief_to_json(brief: Brief) -> list[dict[str, Any]]:
    """The story's ``brief``: one object per line."""
    return [
        {
            "kind": line.kind,
            "text": line.text,
            "outlets": list(line.outlets),
            "cites": [{"article": c.article, "span": list(c.span), "text": c.text} for c in line.cites],
        }
        for line in brief.lines
    ]


def brief_from_json(data: object) -> Brief:
    """A story's ``brief`` (the array, or None when the story has none) as ``Brief``."""
    lines = (_line(x) for x in read.mappings(data))
    return Brief(tuple(line for line in lines if line is not None))


def _line(x: Mapping[str, Any]) -> BriefLine | None:
    kind = read.one_of(x.get("kind"), BRIEF_KINDS, None)
    text = read.text(x.get("text"))
    if kind is None or not text:
        return None
    cites = (_cite(c) for c in read.mappings(x.get("cites")))
    return BriefLine(kind, text, read.strings(x.get("outlets")), tuple(c for c in cites if c is not None))


def _cite(c: Mapping[str, Any]) -> Cite | None:
    span = read.span(c.get("span"))
    if span is None or not isinstance(c.get("article"), str):
        return None
    return Cite(c["article"], span, read.text(c.get("text")))
