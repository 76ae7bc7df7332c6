"""Cut a long stretch of text into pieces under a size limit, at paragraph, sentence or white-space boundaries.

For a library that refuses text over a length (spaCy's ``nlp.max_length``) or
whose memory grows with the text it takes at once: it runs on each piece, and
the caller shifts the offsets it finds by the piece's start. A stretch under
the limit is one piece, itself. A longer one is cut between paragraphs; a
paragraph over the limit between its sentences; a sentence over the limit
(``segment`` keeps them under ``segment.MAX_SENTENCE_CHARS``; a smaller limit
may still cut one) at the last white space before the limit, else at the
limit. Consecutive parts are packed into one piece while it stays under the
limit. Only white space is left out between pieces.

Not here: running the library or merging what it finds (the caller's job).
"""

from __future__ import annotations

from collections.abc import Iterator

from storytrace.model import Span
from storytrace.text.segment import cut_at_space, paragraphs, split_paragraph, trim


def pieces(text: str, start: int, end: int, limit: int) -> list[Span]:
    """Spans of ``text[start:end]``, in order, each at most ``limit`` characters; none if it is all white space."""
    if limit < 1:
        raise ValueError(f"limit must be positive, not {limit}")
    inner_start, inner_end = trim(text, start, end)
    if inner_end <= inner_start:
        return []
    if end - start <= limit:
        return [(start, end)]
    out: list[Span] = []
    for part in _parts(text, inner_start, inner_end, limit):
        if out and part[1] - out[-1][0] <= limit:
            out[-1] = (out[-1][0], part[1])
        else:
            out.append(part)
    return out


def _parts(text: str, start: int, end: int, limit: int) -> Iterator[Span]:
    """Paragraphs under the limit, else their sentences, else pieces of those cut at white space."""
    for p_start, p_end in paragraphs(text, [(start, end)]):
        if p_end - p_start <= limit:
            yield p_start, p_end
            continue
        for s_start, s_end in split_paragraph(text, p_start, p_end):
            if s_end - s_start <= limit:
                yield s_start, s_end
            else:
                yield from cut_at_space(text, s_start, s_end, limit)
