"""Where a scan looks: the regions of a text to search and the windows around anchor words inside them.

What it does: :func:`search_regions` clamps, sorts and merges the spans a caller wants searched;
:func:`windows_in_regions` merges the windows around anchors (words or digits a pattern needs) and
cuts them to those regions, so that patterns run only near their anchors and the cost follows the
number of candidates rather than the length of the text. Shared by ``facts.dates`` and ``facts.numbers``,
which each look for their own anchors.

Not here: the anchors themselves or any pattern. Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence

Window = tuple[int, int, int, int, int]  # window start, end, region start, end, anchor kinds


def search_regions(n: int, spans: Sequence[tuple[int, int]] | None) -> list[tuple[int, int]]:
    """The regions to search, clamped to [0, n), sorted and merged."""
    if spans is None:
        return [(0, n)] if n else []
    clean: list[tuple[int, int]] = []
    for pair in spans:
        try:
            s, e = pair
            clean.append((max(0, int(s)), min(n, int(e))))
        except (TypeError, ValueError):
            continue
    clean.sort()
    out: list[tuple[int, int]] = []
    for s, e in clean:
        if s >= e:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def windows_in_regions(marks: list[tuple[int, int, int]], n: int, regions: list[tuple[int, int]]) -> list[Window]:
    """Windows ``(start, end, kinds)`` around anchors, merged where they touch and cut to ``regions``.

    Each result is ``(start, end, region start, region end, kinds)``: a window never
    crosses two regions, and ``kinds`` is the OR of the kinds merged into it. Shared
    with ``facts.numbers``, which looks for its own anchors the same way.
    """
    if not marks:
        return []
    merged: list[list[int]] = []
    for s, e, kind in sorted(marks):
        if merged and s <= merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], min(n, e))
            last[2] |= kind
        else:
            merged.append([max(0, s), min(n, e), kind])
    out: list[Window] = []
    j = 0
    for lo, hi in regions:
        while j < len(merged) and merged[j][1] <= lo:
            j += 1
        k = j
        while k < len(merged) and merged[k][0] < hi:
            s, e = max(lo, merged[k][0]), min(hi, merged[k][1])
            if s < e:
                out.append((s, e, lo, hi, merged[k][2]))
            k += 1
    return out
