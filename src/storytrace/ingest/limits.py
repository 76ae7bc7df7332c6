"""Size limits on input, so that memory stays bounded whatever a file holds.

Each limit is checked before (or while) the data is read, never after it is
all in memory: a file's size from ``stat``, a gzip stream as it decompresses,
a JSON line as it is split off the stream. What passes a limit is reported
as an :class:`~storytrace.model.InputProblem` and skipped; the rest is read.

Not here: the checks themselves (:mod:`storytrace.ingest.readers`,
:mod:`storytrace.ingest.records`).
"""

from __future__ import annotations

MIB = 1 << 20

MAX_ARTICLE_BYTES = 10 * MIB
"""Largest single article: a ``.txt``/``.html`` file (decompressed), a JSON line, or an article's text.

News articles run to tens of kilobytes and their pages to a few megabytes; 10 MiB
of prose takes about 7 s and 270 MB to clean and segment (measured on the shared
2-core machine), so anything bigger is refused rather than slowing the whole ingest.
"""

MAX_DOCUMENT_BYTES = 100 * MIB
"""Largest ``.json`` document or RSS/Atom feed, which are parsed whole (JSON Lines are streamed)."""

MAX_GZIP_RATIO = 200
"""A gzip stream that decompresses to more than this many times its compressed size is a bomb.

Text and JSON compress 3-15 times, very repetitive JSON Lines some 50 times;
deflate cannot exceed about 1,030. Checked once :data:`GZIP_RATIO_FROM` bytes are out,
against the compressed bytes read so far (gzip reads ahead by up to 128 KiB, so a
bomb must be past 64 MiB to be told reliably from read-ahead).
"""

GZIP_RATIO_FROM = 64 * MIB
"""Decompressed bytes after which :data:`MAX_GZIP_RATIO` is enforced (small files may be all zeros)."""


def size_text(limit: int) -> str:
    """``10 MiB`` for a whole number of MiB, else the byte count (``1,000 bytes``)."""
    return f"{limit // MIB} MiB" if limit >= MIB and limit % MIB == 0 else f"{limit:,} bytes"
