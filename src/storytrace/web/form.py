"""The metadata a person gives with an article in the web UI (form or API), checked with one-line errors.

Fields: id, title, source, published, authors, URL and whether the text is agency copy (``kind=agency``). They
describe a pasted text or a single-article upload (``.txt``, ``.html``); the form's fields fill in what such a
file does not carry itself. Records of other files (JSON, JSON Lines, feeds) carry their own.

Not here: storing (``web.library``), reading files (``ingest``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from storytrace.model import Article
from storytrace.published import check as date_problem

MAX_FIELD_CHARS = 500  # a title, source, URL or author's name longer than this is refused
MAX_AUTHORS = 20


@dataclass(frozen=True)
class ArticleFields:
    """What the form says of an article; empty strings are not given."""

    id: str = ""
    title: str = ""
    source: str = ""
    published: str = ""
    authors: tuple[str, ...] = ()
    url: str = ""
    agency: bool = False

    def record(self) -> dict[str, Any]:
        """The fields given, as an article record's (``kind`` only for agency copy)."""
        found: dict[str, Any] = {"id": self.id, "title": self.title, "source": self.source}
        found.update(published=self.published, url=self.url, authors=list(self.authors))
        if self.agency:
            found["kind"] = "agency"
        return {k: v for k, v in found.items() if v}

    def fill(self, article: Article) -> Article:
        """``article`` (read from a single-article file) with the fields it lacks; the id and agency, if given."""
        return dataclasses.replace(
            article,
            id=self.id or article.id,
            title=article.title or self.title or None,
            source=article.source or self.source or None,
            url=article.url or self.url or None,
            authors=article.authors or self.authors,
            kind="agency" if self.agency else article.kind,
        )


def article_fields(
    *,
    id: str = "",  # noqa: A002 - the form's field name
    title: str = "",
    source: str = "",
    published: str = "",
    authors: str | list[str] = "",
    url: str = "",
    agency: bool = False,
) -> ArticleFields:
    """The form's fields, trimmed and checked; ``ValueError`` with one line naming the first bad one.

    ``authors`` is a list, or one string of names separated by commas or semicolons.
    """
    names = authors if isinstance(authors, list) else re.split(r"[;,]", authors)
    fields = ArticleFields(
        id.strip(), title.strip(), source.strip(), published.strip(),
        tuple(n.strip() for n in names if n.strip()), url.strip(), agency,
    )  # fmt: skip
    problem = _problem(fields)
    if problem is not None:
        raise ValueError(problem)
    return fields


def _problem(f: ArticleFields) -> str | None:
    """What is wrong with the first bad field, or None."""
    named = [("id", f.id), ("title", f.title), ("source", f.source), ("URL", f.url)]
    for name, value in named + [("author", a) for a in f.authors]:
        if len(value) > MAX_FIELD_CHARS:
            return f"'{name}' is longer than {MAX_FIELD_CHARS} characters"
    if len(f.authors) > MAX_AUTHORS:
        return f"'authors' names more than {MAX_AUTHORS} people"
    if f.published and (bad := date_problem(f.published)) is not None:
        return f"'published' {bad}: {f.published[:60]!r}; e.g. 2026-03-04 or 2026-03-04T09:30:00+01:00"
    if f.url and not _web_address(f.url):
        return f"'URL' is not a web address (http:// or https:// and a host): {f.url[:60]!r}"
    return None


def _web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in url)
    except ValueError:
        return False
