"""How every output names an article's outlet, counts a story's passages and says a count.

One rule each, used by the terminal, the report, the web UI, the exports and the brief, so that they agree:

* **outlet**: an article's ``source``; without one, the domain of its ``url`` (``https://www.example-news.com/x``
  → ``example-news.com``); without either, its id (for a ``.txt`` or ``.html`` file, the file name without
  its extension; for a record, the record's id). Provenance counts an article for this outlet too.
* **passage**: a pair of aligned spans whose relation is ``verbatim``, ``near_verbatim``, ``paraphrase`` or
  ``same_fact``. Alignments of relation ``related`` (same topic, different statement) are not passages: they
  are counted apart, as ``related``.
* **a count**: its number with thousands separators and the noun in the right number (``1 story``,
  ``2 stories``).

Not here: deciding relations (``align``), what an outlet copied (``trace``), drawing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from storytrace.model import Article

PASSAGE_RELATIONS = frozenset({"verbatim", "near_verbatim", "paraphrase", "same_fact"})

# The one sentence every document that shows a count of passages may quote.
PASSAGE_DEFINITION = (
    "A passage is a pair of aligned spans that carry the same words or the same statement "
    "(verbatim, near verbatim, paraphrase or the same fact); spans that are only on the same topic "
    "are counted apart, as related."
)


def outlet_name(article: Article) -> str:
    """The outlet ``article`` is shown and counted under (see the module's docstring)."""
    return outlet_label(article.source, article.url, article.id)


def outlet_of_record(meta: Mapping[str, Any]) -> str:
    """``outlet_name`` of an article object of ``stories.json`` (its ``outlet``, else from its fields)."""
    kept = meta.get("outlet")
    if isinstance(kept, str) and kept.strip():
        return kept.strip()

    def field(name: str) -> str | None:
        value = meta.get(name)
        return value if isinstance(value, str) else None

    return outlet_label(field("source"), field("url"), field("id") or "")


def outlet_label(source: str | None, url: str | None, article_id: str) -> str:
    """The outlet of an article with these fields: the source, else the URL's domain, else the id."""
    return (source or "").strip() or url_domain(url) or article_id


def url_domain(url: str | None) -> str:
    """The host of ``url`` in lower case, without ``www.`` and port; empty when it has none."""
    if not url:
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:  # a malformed address (an unclosed IPv6 bracket): no domain
        return ""
    return host.removeprefix("www.")


def is_passage(relation: object) -> bool:
    """Whether an alignment of ``relation`` counts as a passage (not ``related``, not unknown)."""
    return relation in PASSAGE_RELATIONS


class PassageCount(NamedTuple):
    """A story's or a pair's alignments, counted: ``passages`` and, apart, ``related``."""

    passages: int
    related: int


def count_passages(relations: Iterable[object]) -> PassageCount:
    """How many of ``relations`` (one per alignment) are passages, and how many are ``related``."""
    passages = related = 0
    for relation in relations:
        passages += is_passage(relation)
        related += relation == "related"
    return PassageCount(passages, related)


def alignment_counts(alignments: object) -> PassageCount:
    """``count_passages`` of a story's ``alignments`` as ``stories.json`` holds them (anything odd counts nothing)."""
    if not isinstance(alignments, list):
        return PassageCount(0, 0)
    return count_passages(a.get("relation") for a in alignments if isinstance(a, Mapping))


# Nouns whose plural is not the noun plus "s".
PLURALS = {"story": "stories", "entity": "entities", "copy": "copies", "is": "are"}


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun`` in agreement: ``1 story``, ``2 stories``, ``1200 passages``.

    No thousands separator: scripts read the summaries these make.
    """
    return f"{number} {noun if number == 1 else PLURALS.get(noun, noun + 's')}"
