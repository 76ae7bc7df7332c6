"""Copied passages found on the text itself: shared word runs, chained into passages, mapped to character spans.

A copy differs from its source in layout (line breaks, spacing), quote style
and case long before it differs in words, and a copier cuts where it likes, in
mid-sentence. So verbatim and lightly edited copy is found here on the words
alone, independently of sentence boundaries, the way text-reuse tools do
(passim's seed-and-extend; Greedy String Tiling):

1. both texts become their word tokens (letters and digits, case folded), each
   with its character offsets, inside the content spans only;
2. the runs of at least ``SEED_WORDS`` tokens the two share are tiled (Greedy
   String Tiling, longest first, each token used once on each side); a gram
   the source repeats very often never starts a run (lists, tables and
   boilerplate would seed everywhere);
3. tiles that follow each other in both texts, at most ``CHAIN_GAP_WORDS``
   tokens apart on each side, are chained into one passage; a reordered
   paragraph starts a chain of its own;
4. a chain is a passage if its tiles hold at least ``MIN_SHARED_WORDS``
   tokens (or ``WHOLE_TEXT_SHARE`` of the shorter text's) and cover at least
   ``MIN_COVER`` of its longer side (sparser chains are the names and set
   phrases two independent reports of one story share);
   its relation is ``verbatim`` when its tokens are the same on both sides (only
   spacing, punctuation, case or quote style differ), ``near_verbatim`` when the
   tiles cover most of it on both sides, and ``paraphrase`` when they are sparse
   (words shuffled, inserted, replaced: PAN's "random obfuscation");
5. its spans run from its first token to its last, with the closing
   punctuation and quote marks right after it.

Not here: reworded copy that shares few word runs (``match``: sentence
alignment with embeddings), joining these passages with the sentence
alignment (``passages``), coverage and derivation (``compare``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from storytrace.align.tiling import Tile, gram_index, greedy_string_tiling
from storytrace.model import Span

# Calibrated on the PAN 2013 development pairs (bench/quality/pan.py) and the seeds; see docs/alignment.md.
SEED_WORDS = 3  # shortest shared run that may seed a passage (PAN's baselines seed on word 3- to 5-grams)
CHAIN_GAP_WORDS = 20  # tokens between two tiles of one chain, on each side (a clause; passages joins further)
MIN_SHARED_WORDS = 16  # tiled tokens a chain needs to be a passage: shorter shared runs are phrases, not copy
WHOLE_TEXT_SHARE = 0.8  # ... unless they are this much of the shorter text: a short brief copied whole is copy
MIN_COVER = 0.45  # tiled share of the longer side below which a chain is names and phrases two reports share
NEAR_VERBATIM_COVER = 0.8  # tiled share of the longer side for near_verbatim (below: paraphrase)
_WORD = re.compile(r"[^\W_]+")
_CLOSING = re.compile(r"[.!?…;:,]*[\"'”’»)\]]*[.!?…]?")


@dataclass(frozen=True)
class Tokens:
    """A text's word tokens (case folded) inside its content spans, with their character offsets."""

    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @cached_property
    def seed_index(self) -> dict[tuple[str, ...], list[int]]:
        """Where each ``SEED_WORDS``-gram of the tokens starts (built once: an article is a source many times)."""
        return gram_index(self.words, SEED_WORDS)


@lru_cache(maxsize=256)
def content_tokens(text: str, spans: tuple[Span, ...]) -> Tokens:
    """``tokens`` of one article's content (cached: a story compares each article with every other)."""
    return tokens(text, spans)


def tokens(text: str, spans: Sequence[Span]) -> Tokens:
    """The word tokens of ``text`` inside ``spans`` (``clean``'s content), in order."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for lo, hi in spans:
        for m in _WORD.finditer(text, lo, hi):
            words.append(m.group().casefold())
            starts.append(m.start())
            ends.append(m.end())
    return Tokens(tuple(words), tuple(starts), tuple(ends))


@dataclass(frozen=True)
class CopiedPassage:
    """A passage copied from ``a`` into ``b``: its character spans, token ranges and how much of it is shared."""

    a_span: Span
    b_span: Span
    a_words: tuple[int, int]  # [first, last + 1) token of the passage in ``a``
    b_words: tuple[int, int]
    shared: int  # tokens inside tiles (on each side)
    relation: str  # verbatim, near_verbatim or paraphrase
    score: float  # the tiled share of the longer side


def copied_passages(a_text: str, a: Tokens, b_text: str, b: Tokens) -> list[CopiedPassage]:
    """The passages ``a`` and ``b`` share as runs of words (see the module docstring), in the order of ``b``."""
    tiles = _tiles(a, b)
    enough = min(MIN_SHARED_WORDS, max(SEED_WORDS, int(WHOLE_TEXT_SHARE * min(len(a.words), len(b.words)))))
    found = [_passage(chain, a_text, a, b_text, b) for chain in _chains(tiles) if _shared(chain) >= enough]
    return [p for p in found if p.score >= MIN_COVER]


def _tiles(a: Tokens, b: Tokens) -> list[Tile]:
    """Greedy String Tiling of ``b`` against ``a``, as ``(a_start, b_start, length)``.

    A gram the source repeats too often starts no run (``greedy_string_tiling``: lists, tables, a wire's
    sign-off on every item); ``a``'s index of grams is built once per article (``Tokens.seed_index``).
    """
    return [(j, i, n) for i, j, n in greedy_string_tiling(b.words, a.words, SEED_WORDS, a.seed_index)]


def _chains(tiles: Sequence[Tile]) -> list[list[Tile]]:
    """Tiles chained in the order of ``b``: each follows the last in both texts, within ``CHAIN_GAP_WORDS``."""
    chains: list[list[Tile]] = []
    open_chains: list[list[Tile]] = []
    for tile in sorted(tiles, key=lambda t: t[1]):
        a0, b0, _ = tile
        host = None
        for chain in open_chains:
            la, lb, ln = chain[-1]
            if 0 <= a0 - (la + ln) <= CHAIN_GAP_WORDS and 0 <= b0 - (lb + ln) <= CHAIN_GAP_WORDS:
                if host is None or chain[-1][1] > host[-1][1]:
                    host = chain
        if host is None:
            host = []
            chains.append(host)
            open_chains.append(host)
        host.append(tile)
        open_chains = [c for c in open_chains if b0 - (c[-1][1] + c[-1][2]) <= CHAIN_GAP_WORDS]
    return chains


def _shared(chain: Sequence[Tile]) -> int:
    return sum(n for _, _, n in chain)


def _passage(chain: Sequence[Tile], a_text: str, a: Tokens, b_text: str, b: Tokens) -> CopiedPassage:
    a_lo, b_lo = chain[0][0], chain[0][1]
    a_hi, b_hi = chain[-1][0] + chain[-1][2], chain[-1][1] + chain[-1][2]
    shared = _shared(chain)
    cover = shared / max(a_hi - a_lo, b_hi - b_lo)
    if shared == a_hi - a_lo == b_hi - b_lo:
        relation = "verbatim"
    elif cover >= NEAR_VERBATIM_COVER:
        relation = "near_verbatim"
    else:
        relation = "paraphrase"
    return CopiedPassage(
        a_span=(a.starts[a_lo], _closed(a_text, a.ends[a_hi - 1])),
        b_span=(b.starts[b_lo], _closed(b_text, b.ends[b_hi - 1])),
        a_words=(a_lo, a_hi),
        b_words=(b_lo, b_hi),
        shared=shared,
        relation=relation,
        score=round(cover, 3),
    )


def _closed(text: str, end: int) -> int:
    """``end`` moved past the punctuation and closing quote marks right after it (``said.”``)."""
    m = _CLOSING.match(text, end)
    return m.end() if m else end
