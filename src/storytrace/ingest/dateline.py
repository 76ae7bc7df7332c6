"""The publication date a plain-text article carries: its first line, or a sidecar file.

A ``.txt`` article has no metadata of its own. Two ways to give it a date (see README, input):

- its first non-blank line, read by :func:`dateline_published`, when that line is
  - a date alone: ``2024-06-18``, ``2024-06-18T09:30Z``, ``June 18, 2024``, ``18 June 2024``;
  - a label and a date: ``Published: 2024-06-18``, ``Date: June 18, 2024`` (also
    ``Dated``, ``Updated``, ``Posted``, ``Published on``);
  - a wire dateline with a year: ``LONDON, June 18, 2024 (Reuters) -``.
  A wire dateline without a year (``LONDON, June 18 (Reuters) -``) gives no date: a year is
  never guessed, and ``--published`` then applies. The line stays in the text (spans are
  offsets into the file's text).
- a sidecar ``NAME.meta.json`` next to ``NAME.txt``, read by :func:`sidecar_fields`: a JSON
  object with any of ``published``, ``title``, ``source``, ``url`` (strings) and ``authors``
  (a list of strings). The sidecar wins over the first line.

Pure functions; the file is read by :mod:`storytrace.ingest.readers`. Does not: read dates
anywhere else in the text (see :mod:`storytrace.facts.dates`), nor any other sidecar name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from storytrace.facts.dates import date_mentions
from storytrace.published import check

SIDECAR_SUFFIX = ".meta.json"
MAX_SIDECAR_BYTES = 64 * 1024
_FIELDS = ("published", "title", "source", "url")

_FIRST_LINE = re.compile(r"\s*(?P<line>[^\n]{1,200})")
_LABEL = re.compile(r"(?i)^(?:published|date|dated|updated|posted)(?:\s+on)?\s*[:\-–—]?\s*")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_WIRE = re.compile(  # "LONDON, June 18, 2024 (Reuters) -", "NAIROBI, Kenya, Aug. 7, 1998 (AP) _"
    r"^[A-Z][A-Za-z .'’-]*(?:,\s*[A-Z][A-Za-z .'’-]*)?,\s+(?P<date>[^()]{3,40}?)\s*\([^()]{2,30}\)\s*[-–—_:]"
)


def dateline_published(text: str) -> str | None:
    """The ISO publication date the first non-blank line of ``text`` gives, or None (see the module docstring)."""
    first = _FIRST_LINE.match(text)
    if first is None:
        return None
    line = first["line"].strip()
    wire = _WIRE.match(line)
    value = wire["date"].strip() if wire else _LABEL.sub("", line, count=1).strip()
    return _date_alone(value)


def _date_alone(value: str) -> str | None:
    """``value`` as an ISO date when it is one date with a year and nothing else."""
    if _ISO.match(value):
        return value if check(value) is None else None
    found = date_mentions(value, None)
    if len(found) != 1 or found[0].granularity != "day" or found[0].start != found[0].end:
        return None
    m = found[0]
    if value[: m.span[0]].strip(" ,") or value[m.span[1] :].strip(" ,."):
        return None  # more than a date: "Trade fell on June 18, 2024" is no dateline
    return m.start if check(m.start) is None else None


def sidecar_fields(data: bytes) -> tuple[dict[str, Any], str | None]:
    """The article fields a sidecar's bytes give, and a problem with them (or None).

    Fields that are not given, or not of their type, are left out; a ``published`` that is
    not a publication date is left out and named in the problem.
    """
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"not a JSON object ({type(exc).__name__}); ignored"
    if not isinstance(doc, dict):
        return {}, "not a JSON object; ignored"
    fields: dict[str, Any] = {k: doc[k].strip() for k in _FIELDS if isinstance(doc.get(k), str) and doc[k].strip()}
    authors = doc.get("authors")
    if isinstance(authors, list) and all(isinstance(a, str) for a in authors):
        fields["authors"] = tuple(a.strip() for a in authors if a.strip())
    problem = None
    if "published" in fields and (why := check(fields["published"])) is not None:
        del fields["published"]
        problem = f"'published' is {why}; ignored"
    return fields, problem
