"""The records of a ``.json`` document, decoded one at a time, so a big list never sits in memory whole.

Does: walk the text of a document holding one record, a list of records, or
an object with an ``articles`` list, handing out each record as soon as it is
decoded (``json.JSONDecoder.raw_decode``, the C decoder, one value at a
time). Memory: the text, plus the record being decoded. Faults raise
``json.JSONDecodeError`` (with the messages and positions ``json.loads`` gives)
or ``RecursionError``, after the records before the fault were handed out.

Does not: check the records (see :mod:`storytrace.ingest.records`), or read files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
RECORD_KEYS = ("id", "text", "html")
"""An object holding any of these is one record; one holding none, nor an ``articles`` list, holds no records."""


@dataclass(frozen=True)
class Shape:
    """What a document holds, said before its records: ``list`` (records in a list), ``one`` (a record), ``none``."""

    kind: str


class _Cursor:
    """A position in a JSON text, decoding one value at a time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        """The next character after white space ("" at the end)."""
        match = _SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos
        return self.text[self.pos : self.pos + 1]

    def value(self) -> object:
        """Decode the next value whole."""
        self.peek()
        value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        return value

    def expect(self, allowed: str, message: str) -> str:
        """Take the next character, one of ``allowed``; else raise ``message`` there."""
        found = self.peek()
        if not found or found not in allowed:
            raise json.JSONDecodeError(message, self.text, self.pos)
        self.pos += 1
        return found

    def items(self) -> Iterator[object]:
        """The values of the list that opens here, one at a time."""
        self.expect("[", "Expecting value")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.expect(",]", "Expecting ',' delimiter") == "]":
                return

    def keys(self) -> Iterator[str]:
        """The keys of the object that opens here; the caller takes each value before asking for the next key."""
        self.expect("{", "Expecting value")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", self.text, self.pos)
            key = self.value()
            self.expect(":", "Expecting ':' delimiter")
            yield str(key)
            if self.expect(",}", "Expecting ',' delimiter") == "}":
                return

    def end(self) -> None:
        """Raise unless only white space is left."""
        if self.peek():
            raise json.JSONDecodeError("Extra data", self.text, self.pos)


def document_records(text: str) -> Iterator[Shape | tuple[int | None, object]]:
    """The shape of a JSON document, then its records: ``(index, value)`` in a list, ``(None, value)`` alone.

    An object is the list of its ``articles`` when that is a list and it has
    no ``id``; else it is one record, or, holding none of :data:`RECORD_KEYS`,
    no record (``Shape("none")``, nothing after). Anything else is one record.
    Raises ``json.JSONDecodeError`` or ``RecursionError`` at the first fault.
    """
    cursor = _Cursor(text)
    first = cursor.peek()
    if first == "{":
        yield from _object_records(cursor)
    elif first == "[":
        yield Shape("list")
        yield from enumerate(cursor.items())
    else:
        value = cursor.value()
        yield Shape("one")
        yield None, value
    cursor.end()


def _object_records(cursor: _Cursor) -> Iterator[Shape | tuple[int | None, object]]:
    """The records of a document that is an object; a first pass finds its keys, the list's place, and its end."""
    start = cursor.pos
    keys: set[str] = set()
    articles_at: int | None = None
    for key in cursor.keys():
        keys.add(key)
        if key == "articles" and cursor.peek() == "[":
            articles_at = cursor.pos
            for _ in cursor.items():  # decoded and dropped: only its end is wanted now
                pass
        else:
            if key == "articles":
                articles_at = None  # a later "articles" wins, as in json.loads
            cursor.value()
    end = cursor.pos
    if articles_at is not None and "id" not in keys:
        yield Shape("list")
        cursor.pos = articles_at
        yield from enumerate(cursor.items())
    elif keys.isdisjoint(RECORD_KEYS):
        yield Shape("none")
    else:
        cursor.pos = start
        yield Shape("one")
        yield None, cursor.value()
    cursor.pos = end
