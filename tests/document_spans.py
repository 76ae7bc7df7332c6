"""Checking a ``stories.json`` value's spans against the articles' texts (shared by the soak and property tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def span_errors(
    value: Any,
    texts: dict[str, str],
    article: str | None = None,
    path: str = "",
    pair: tuple[Any, Any] = (None, None),
) -> Iterator[str]:
    """Each span in a ``stories.json`` value that does not lie inside its article's text or quote it as stated.

    A span's article is the object's ``a``/``b`` for ``a_span``/``b_span`` (or those of the alignment or the
    difference whose ``parts`` or ``changes`` it is in), its ``source`` for ``source_span``, else the nearest
    ``article`` field around it
    (or the article object, or the key under ``unique``). Where the object gives the
    span's text (``text`` beside ``span``, ``a_text`` beside ``a_span``), it must be
    the text's slice.
    """
    if isinstance(value, list):
        for n, item in enumerate(value):
            yield from span_errors(item, texts, article, f"{path}[{n}]", pair)
        return
    if not isinstance(value, dict):
        return
    article = value["article"] if isinstance(value.get("article"), str) else article
    pair = (value.get("a", pair[0]), value.get("b", pair[1]))
    for key, item in value.items():
        if key.endswith("span") and isinstance(item, list) and len(item) == 2:
            owner = {"a_span": pair[0], "b_span": pair[1], "source_span": value.get("source")}
            aid = owner.get(key, article)
            text = texts.get(aid) if isinstance(aid, str) else None
            start, end = item
            stated = value.get(key.replace("span", "text"))
            if text is None or not 0 <= start < end <= len(text):
                yield f"{path}.{key} {item} of {aid!r} ({len(text) if text else 'no'} chars)"
            elif isinstance(stated, str) and text[start:end] != stated:
                yield f"{path}.{key} {item} of {aid!r} quotes {text[start:end][:60]!r}, not {stated[:60]!r}"
        elif isinstance(item, dict | list):
            nested = pair if key in ("parts", "changes") else (None, None)
            yield from span_errors(item, texts, key if path.endswith(".unique") else article, f"{path}.{key}", nested)
