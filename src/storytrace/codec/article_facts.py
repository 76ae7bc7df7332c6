"""One article's facts as the store keeps them: its dates, numbers, quotes and, once found, its entity mentions.

``kept_text`` writes a ``KeptFacts`` as compact JSON (each mention a list of
its fields, in the order the dataclass declares them); ``kept_from_text``
reads it back, ``kept_from_text(kept_text(k)) == k``. Each article's facts
depend on nothing but the article, the agencies it is cleaned with and the
code, so a story that grows re-reads its older members' facts from here
instead of scanning (and, for entities, parsing) them again.

Not here: finding facts (``facts``), the store's table (``store.sqlite``), the key (``pipeline``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storytrace.facts.dates import DateMention
from storytrace.facts.entities import Mention
from storytrace.facts.numbers import NumberMention
from storytrace.facts.quotes import Quote

FORMAT = 1
"""The version of this JSON form; a kept text of another version is not read (the facts are found again)."""


@dataclass(frozen=True)
class KeptFacts:
    """One article's facts: dates, numbers, quotes, and its entity mentions (None: not looked for yet)."""

    dates: tuple[DateMention, ...]
    numbers: tuple[NumberMention, ...]
    quotes: tuple[Quote, ...]
    mentions: tuple[Mention, ...] | None = None


def kept_text(kept: KeptFacts) -> str:
    """``kept`` as the store keeps it."""
    body = [
        FORMAT,
        [[list(d.span), d.text, d.start, d.end, d.granularity, d.rule] for d in kept.dates],
        [[list(n.span), n.text, n.value, n.unit] for n in kept.numbers],
        [_quote_row(q) for q in kept.quotes],
        None if kept.mentions is None else [_mention_row(m) for m in kept.mentions],
    ]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def kept_from_text(text: str) -> KeptFacts | None:
    """The facts ``kept_text`` wrote, or None for a text of another format or shape (they are found again)."""
    try:
        version, dates, numbers, quotes, mentions = json.loads(text)
        if version != FORMAT:
            return None
        return KeptFacts(
            tuple(DateMention(_span(s), t, start, end, g, rule) for s, t, start, end, g, rule in dates),
            tuple(NumberMention(_span(s), t, float(v), unit) for s, t, v, unit in numbers),
            tuple(_quote(row) for row in quotes),
            None if mentions is None else tuple(_mention(row) for row in mentions),
        )
    except (ValueError, TypeError):
        return None


def _span(value: Sequence[int]) -> tuple[int, int]:
    start, end = value
    return int(start), int(end)


def _quote_row(q: Quote) -> list[Any]:
    speaker_span = None if q.speaker_span is None else list(q.speaker_span)
    return [list(q.span), q.text, q.speaker, speaker_span, q.kind, q.how, q.role, q.described]


def _quote(row: Sequence[Any]) -> Quote:
    span, text, speaker, speaker_span, kind, how, role, described = row
    return Quote(
        _span(span), text, speaker, None if speaker_span is None else _span(speaker_span), kind, how, role,
        bool(described),
    )  # fmt: skip


def _mention_row(m: Mention) -> list[Any]:
    return [m.article, list(m.span), m.text, m.label, m.role, m.decided]


def _mention(row: Sequence[Any]) -> Mention:
    article, span, text, label, role, decided = row
    return Mention(article, _span(span), text, label, role, bool(decided))
