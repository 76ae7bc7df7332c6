"""Numbers that two aligned passages state differently ("14 injured" vs "41 injured").

A first, narrow fact check: inside each aligned passage pair that tells the
same statement or fact, a number present on one side only is paired with a
number present on the other side only when both are followed by the same word
(their unit or what they count). Each difference cites both spans.

Not here: dates resolved against publication dates, entities, quotes (the
facts issue adds them).
"""

from __future__ import annotations

import re
from typing import Any

from storytrace.model import Comparison

_NUMBER_WITH_UNIT = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)(?:\s*(%|per cent|percent)|\s+([A-Za-z]+))?")
_COMPARED = frozenset({"verbatim", "near_verbatim", "paraphrase", "same_fact"})


def _numbers(text: str, offset: int) -> list[tuple[str, str, tuple[int, int]]]:
    out = []
    for m in _NUMBER_WITH_UNIT.finditer(text):
        unit = (m.group(2) or m.group(3) or "").lower()
        out.append((m.group(1).replace(",", ""), unit, (offset + m.start(), offset + m.end())))
    return out


def number_differences(c: Comparison, with_ids: bool = False) -> list[dict[str, Any]]:
    """Numbers with the same unit that differ between aligned passages of ``c``."""
    out: list[dict[str, Any]] = []
    for al in c.alignments:
        if al.relation not in _COMPARED:
            continue
        a_nums = _numbers(c.a.text[al.a_span[0] : al.a_span[1]], al.a_span[0])
        b_nums = _numbers(c.b.text[al.b_span[0] : al.b_span[1]], al.b_span[0])
        a_values = {v for v, _, _ in a_nums}
        b_values = {v for v, _, _ in b_nums}
        for value, unit, span in a_nums:
            if value in b_values or not unit:
                continue
            other = next((o for o in b_nums if o[1] == unit and o[0] not in a_values), None)
            if other is None:
                continue
            item: dict[str, Any] = {
                "what": f"number of {unit}" if unit.isalpha() else "number",
                "a_value": value, "b_value": other[0],
                "a_span": list(span), "b_span": list(other[2]),
                "a_text": c.a.text[span[0]:span[1]], "b_text": c.b.text[other[2][0]:other[2][1]],
            }  # fmt: skip
            if with_ids:
                item.update(a=c.a.id, b=c.b.id)
            out.append(item)
    return out
