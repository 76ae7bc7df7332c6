"""Shared word runs of a copy and a source: n-grams, containment, Greedy String Tiling, the longest run.

``greedy_string_tiling`` (Wise 1993) finds the non-overlapping shared word runs, longest first, from an index
of the source's grams (``gram_index``); ``longer_tiles`` reads the tiling at a larger minimum off it;
``longest_common_run`` and ``tile_order`` describe a tiling; ``ngrams`` and ``containment`` (Broder 1997) count
shared n-grams. Several source texts may be taken together in one word list, apart by ``SEPARATOR``: no gram or
tile crosses it.

Not here: the words of a text or which are quoted (``align.derivation``, ``align.quoted``), the features
built on these counts (``align.derivation``).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence, Set

# Greedy String Tiling minimum match lengths in words: 3 finds short reused
# phrases, 6 only clearly copied runs (Clough et al. 2002 used 3-5 on METER).
GST_SHORT = 3
GST_LONG = 6
# Source places of one gram that start runs in Greedy String Tiling. Every place of a gram in the copy meets
# every place in the source: a gram repeated r times in both costs r², and a long repetitive text holds many
# (two 2,500-sentence articles: 3.6 s, four times that at twice the length). A gram repeated more often
# starts no run; its runs start at their first rarer gram, a few words shorter. News articles repeat no gram
# so often: METER's features are unchanged (its most repeated, in 18 PA versions of a story taken together:
# 30 times).
GST_MAX_REPEATS = 32


# Between two source texts in one token list, so that no n-gram or tile crosses them.
SEPARATOR = "\x00"

Tile = tuple[int, int, int]  # start in the copy, start in the source, length in words


def ngrams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    """The distinct word n-grams of ``words`` (none crosses a source separator)."""
    grams = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    return {g for g in grams if SEPARATOR not in g} if SEPARATOR in words else grams


def containment(a: Set[tuple[str, ...]], b: Set[tuple[str, ...]]) -> float:
    """Share of the n-grams of ``a`` also in ``b`` (Broder 1997); 0 when ``a`` has none."""
    return len(a & b) / len(a) if a else 0.0


def greedy_string_tiling(
    copy: Sequence[str], source: Sequence[str], min_match: int, index: Mapping[tuple[str, ...], list[int]] | None = None
) -> list[Tile]:
    """Greedy String Tiling (Wise 1993): non-overlapping shared word runs, longest first.

    Repeatedly takes the longest run of words common to ``copy`` and
    ``source`` that uses no word already tiled on either side, until none of
    at least ``min_match`` words is left. Instead of rescanning after each tile
    (Wise's running Karp-Rabin version), every maximal common run is found
    once from an index of the source's ``min_match``-grams and kept in a
    max-heap; a run that a newer tile has partly taken is split into its
    untouched pieces and pushed back. Any common run of untiled words lies in
    one original maximal run, so this finds the same tiles (but for runs that
    begin with a gram repeated over ``GST_MAX_REPEATS`` times in the source,
    found from their first rarer gram on). Returns
    ``(copy_start, source_start, length)`` in tiling order. ``index`` may
    pass ``gram_index(source, min_match)``, already built.
    """
    k = min_match
    if k < 1 or len(copy) < k or len(source) < k:
        return []
    if index is None:
        index = gram_index(source, k)
    heap: list[tuple[int, int, int]] = []
    for i in range(len(copy) - k + 1):
        starts = index.get(tuple(copy[i : i + k]), ())
        if len(starts) > GST_MAX_REPEATS:
            continue  # a gram repeated this often starts no run: its runs start at their first rarer gram
        for j in starts:
            if _seeded_before(copy, source, i, j, k, index):
                continue  # not the first place its run can start
            n = k
            while i + n < len(copy) and j + n < len(source) and copy[i + n] == source[j + n]:
                n += 1
            heap.append((-n, i, j))
    heapq.heapify(heap)
    copy_free = [w != SEPARATOR for w in copy]
    source_free = [w != SEPARATOR for w in source]
    tiles: list[Tile] = []
    while heap:
        neg, i, j = heapq.heappop(heap)
        n = -neg
        free = [copy_free[i + t] and source_free[j + t] for t in range(n)]
        if all(free):
            tiles.append((i, j, n))
            for t in range(n):
                copy_free[i + t] = source_free[j + t] = False
            continue
        start = None
        for t in range(n + 1):
            if t < n and free[t]:
                start = t if start is None else start
            elif start is not None:
                if t - start >= k:
                    heapq.heappush(heap, (start - t, i + start, j + start))
                start = None
    return tiles


def _seeded_before(
    copy: Sequence[str], source: Sequence[str], i: int, j: int, k: int, index: Mapping[tuple[str, ...], list[int]]
) -> bool:
    """Whether the common run through copy ``i`` and source ``j`` starts a run at an earlier place.

    It does when it extends to the left and the gram there starts runs (is not
    repeated over ``GST_MAX_REPEATS`` times); past a repeated gram, look further left.
    """
    t = 1
    while i - t >= 0 and j - t >= 0 and copy[i - t] == source[j - t]:
        if len(index.get(tuple(copy[i - t : i - t + k]), ())) <= GST_MAX_REPEATS:
            return True
        t += 1
    return False


def longer_tiles(tiles: Sequence[Tile], min_match: int) -> list[Tile]:
    """``greedy_string_tiling`` at ``min_match`` words, from its tiles at a smaller minimum.

    Tiling takes the longest run first, and a run cut by a tile goes back
    shorter: every tile of at least ``min_match`` words is placed before any
    shorter one is, against the same tiles, whatever the smaller minimum. So
    the tiling at ``min_match`` is those tiles, in the same order, and one
    tiling serves both sizes (exactly so when no gram of either size is
    repeated over ``GST_MAX_REPEATS`` times in the source).
    """
    return [t for t in tiles if t[2] >= min_match]


def gram_index(words: Sequence[str], k: int) -> dict[tuple[str, ...], list[int]]:
    """Where each ``k``-gram of ``words`` starts."""
    index: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(words) - k + 1):
        index.setdefault(tuple(words[j : j + k]), []).append(j)
    return index


def longest_common_run(
    copy: Sequence[str],
    source: Sequence[str],
    tiles: Sequence[Tile] | None = None,
    grams: Mapping[int, tuple[Set[tuple[str, ...]], Set[tuple[str, ...]]]] | None = None,
) -> int:
    """Length in words of the longest run shared by ``copy`` and ``source``.

    ``tiles`` may pass their Greedy String Tiling at ``GST_SHORT`` words, already computed: its first
    tile is the longest common run. ``grams`` may give the two texts' ``ngrams`` by size, already computed.
    """
    if tiles is None:
        tiles = greedy_string_tiling(copy, source, GST_SHORT)
    if tiles:
        return tiles[0][2]
    for k in range(GST_SHORT - 1, 0, -1):
        copy_grams, source_grams = grams[k] if grams and k in grams else (ngrams(copy, k), ngrams(source, k))
        if copy_grams & source_grams:
            return k
    return 0


def tile_order(tiles: Sequence[Tile]) -> float:
    """Share of tiles, taken in copy order, that start after the previous tile in the source too.

    A copy that follows its source keeps the source's order (1.0); shared
    phrases picked up independently come in any order. 0.5 with under two tiles.
    """
    starts = [j for _, j, _ in sorted(tiles)]
    if len(starts) < 2:
        return 0.5
    return sum(b > a for a, b in zip(starts, starts[1:], strict=False)) / (len(starts) - 1)
