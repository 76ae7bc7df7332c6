"""What the streaming clusterer needs of an article: its ``StreamItem``.

An article becomes its story document terms (content stems, title twice: ``grouping.story_document``), its title
stems, the stems of its names (capitalised words that do not open a sentence: ``name_terms``), its shingles for
the duplicate index, and optionally an embedding of its title and lead (``embedding_text``).

Not here: the TF-IDF weighting of those terms or any decision (``cluster.stream``), the embedder itself
(``semantic``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storytrace.align.compare import Prepared
from storytrace.cluster.dedup import word_shingles
from storytrace.cluster.grouping import content_words, story_document_of
from storytrace.text.tokens import STOPWORDS, content_stems, stem

# The embedded text of an article: its title and the first words of its content.
EMBED_LEAD_WORDS = 80


# A word (as ``tokens.normal_words`` reads them) that does not start with a digit, "_" or a-z:
# the candidates for capitalised words, checked with ``str.isupper`` after.
_CAPITALISED = re.compile(r"(?<![^\W_])[^\W\d_a-z][^\W_]*(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class StreamItem:
    """What the clusterer needs of an article."""

    key: str
    published: str | None
    document: tuple[str, ...]  # story document terms
    title: tuple[str, ...] = ()  # title stems
    names: tuple[str, ...] = ()  # stems of capitalised words inside sentences
    shingles: tuple[bytes, ...] | None = None  # None: already in the duplicate index
    embedding: np.ndarray | None = None  # unit vector of title + lead


def name_terms(text: str) -> list[str]:
    """Stems of the capitalised words of ``text`` that do not open a sentence (likely names)."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for m in _CAPITALISED.finditer(text):
        word = m.group(0)
        if not word[0].isupper():
            continue
        before = text[max(0, m.start() - 3) : m.start()].rstrip(" \t\"'“‘(")
        if not before or before[-1] in ".!?\n:;":
            continue
        lower = word.lower().replace("’", "'")
        if lower.endswith("'s"):
            lower = lower[:-2]
        out.extend(stem(part) for part in lower.split("'") if part and part not in STOPWORDS)
    return out


def embedding_text(title: str | None, words: Sequence[str]) -> str:
    """What is embedded of an article: its title and the first ``EMBED_LEAD_WORDS`` content words."""
    lead = " ".join(words[:EMBED_LEAD_WORDS])
    return f"{title}. {lead}" if title else lead


def stream_item(
    prepared: Prepared,
    words: Sequence[str] | None = None,
    embedding: np.ndarray | None = None,
    with_shingles: bool = True,
) -> StreamItem:
    """The ``StreamItem`` of a prepared article (``words``: its ``content_words`` if already known)."""
    art = prepared.article
    words = list(words) if words is not None else content_words(prepared)
    content = " ".join(art.text[s:e] for s, e in prepared.clean.content)
    return StreamItem(
        key=art.id,
        published=art.published,
        document=tuple(story_document_of(words, art.title).split()),
        title=tuple(content_stems(art.title or "")),
        names=tuple(name_terms(content)),
        shingles=tuple(word_shingles(words)) if with_shingles else None,
        embedding=embedding,
    )
