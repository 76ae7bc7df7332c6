r"""The lines of a byte stream, decoded as text-mode ``open()`` would, each one bounded in size.

Does: pick the encoding from a byte-order mark (UTF-8, UTF-16, UTF-32) or
from the NUL pattern of BOM-less UTF-16, else read each line as UTF-8, or as
cp1252 when it is not UTF-8; end lines at ``\n``, ``\r\n`` and a lone ``\r``
(old Mac files), also across chunk boundaries; drop a line longer than the
limit while it streams (it comes as None), so that memory stays bounded by
the limit whatever the input holds. Line ends are not part of the lines.

Does not: open files, parse the lines (see :mod:`storytrace.ingest.records`),
or report anything: the caller reads ``binary`` and ``fallback`` and says so.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import AnyStr

from storytrace.ingest.decode import SNIFF_BYTES, bom_encoding, looks_binary, utf8_else_cp1252, utf16_without_bom


class StreamLines:
    """The decoded lines of a chunked byte stream (iterate once); None for a line over ``limit``.

    Attributes:
        encoding: the codec a byte-order mark (or BOM-less UTF-16) names, else None (UTF-8, cp1252 per line).
        binary: the start of the stream is binary data: no line comes.
        fallback: some line was not UTF-8 and was read as cp1252 (known once iterated).

    ``limit`` counts bytes for UTF-8/cp1252 and characters for UTF-16/32.
    A UTF-16/32 stream that breaks off raises ``UnicodeDecodeError`` while iterated.
    A byte-order mark at the start stays on the first line (U+FEFF), as on any other line.

    """

    def __init__(self, chunks: Iterable[bytes], limit: int) -> None:
        stream = iter(chunks)
        first = next(stream, b"")
        head = first[:SNIFF_BYTES]
        self.encoding = bom_encoding(head) or utf16_without_bom(head)
        self.binary = self.encoding in (None, "utf-8-sig") and looks_binary(head)
        self.fallback = False
        self._chunks = chain([first], stream)
        self._limit = limit

    def __iter__(self) -> Iterator[str | None]:
        if self.binary:
            return
        if self.encoding not in (None, "utf-8-sig"):
            texts = codecs.iterdecode(self._chunks, self.encoding)
            yield from split_lines(universal_newlines(texts), "\n", self._limit)
            return
        for raw in split_lines(universal_newlines(self._chunks), b"\n", self._limit):
            if raw is None:
                yield None
                continue
            line, fallback = utf8_else_cp1252(raw)  # a \r byte is never part of a UTF-8 sequence
            self.fallback |= fallback
            yield line


def split_lines(chunks: Iterable[AnyStr], newline: AnyStr, limit: int) -> Iterator[AnyStr | None]:
    """Split a chunked stream on ``newline``; a line longer than ``limit`` is dropped as it streams (None)."""
    pending: list[AnyStr] = []
    size = 0
    skipping = False
    for chunk in chunks:
        parts = chunk.split(newline)
        for part in parts[:-1]:  # each of these ends a line
            if skipping or size + len(part) > limit:
                yield None
            elif pending:
                pending.append(part)
                yield newline[:0].join(pending)
            else:
                yield part
            pending, size, skipping = [], 0, False
        tail = parts[-1]
        if tail and not skipping:
            size += len(tail)
            if size > limit:
                pending, skipping = [], True  # drop what is kept of this line: memory stays bounded
            else:
                pending.append(tail)
    if skipping:
        yield None
    elif any(pending):
        yield newline[:0].join(pending)


def universal_newlines(chunks: Iterable[AnyStr]) -> Iterator[AnyStr]:
    r"""``\r\n`` and a lone ``\r`` turned into ``\n`` over a chunked stream (a ``\r\n`` may be split between chunks)."""
    carry = False
    for chunk in chunks:
        if not chunk:
            continue
        cr, lf = (b"\r", b"\n") if isinstance(chunk, bytes) else ("\r", "\n")
        if carry:
            chunk = chunk[1:] if chunk.startswith(lf) else chunk  # the \n of a \r\n split between chunks
            carry = False
            if not chunk:
                continue
        if cr in chunk:
            carry = chunk.endswith(cr)
            chunk = chunk.replace(cr + lf, lf).replace(cr, lf)
        yield chunk
