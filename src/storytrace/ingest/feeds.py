"""RSS and Atom feeds to articles, one per entry (feedparser).

Does: parse a feed's bytes (feedparser honours the XML encoding
declaration), and turn each entry into an :class:`Article`: id from the
entry id/guid, else its link, else ``<file stem>-<n>``; text from the
entry's content, else its summary/description, as plain text with one
paragraph per line; title, link, UTC publication date-time, authors, and the
feed's title as source. A bad entry is reported and the others still read.
A feed whose DOCTYPE declares entities is refused before parsing: expanding
them can blow up (billion laughs: expat stops it, but only after a million
callbacks, some 5 s) or read local files (external entities). The check reads
the bytes the way the parser will: decoded and re-encoded by feedparser's own
first steps (byte-order marks, the encoding declaration, UTF-16/32), then the
whole prolog, however long, parsed by expat (the parser feedparser uses),
which knows comments and quoted strings; it stops at the root element or at
the first entity declaration, before anything is expanded.

Does not: fetch linked pages (the text is what the feed carries), or read
files (see :mod:`storytrace.ingest.readers`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

from storytrace.ingest.html import fragment_to_text, normalise_lines
from storytrace.ingest.limits import MAX_ARTICLE_BYTES, size_text
from storytrace.ingest.records import WITHOUT_A_DATE, Item
from storytrace.model import Article, InputProblem
from storytrace.published import check as date_problem

E_NOT_A_FEED = "not an RSS/Atom feed"
E_NO_ENTRY_TEXT = "feed entry has no text (no content, summary or description)"
E_ENTITIES = (
    "feed declares XML entities in its DOCTYPE (<!ENTITY ...>); not read, as expanding them "
    "can blow up (billion laughs) or read local files: remove the declarations"
)
_PROLOG_CHUNK = 1 << 16
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def read_feed(data: bytes, where: str, stem: str) -> Iterator[Item]:
    """Read every entry of an RSS/Atom feed.

    Args:
        data: the feed file's bytes (passed as bytes so feedparser never treats
            them as a URL or file name).
        where: the file's name; entries are named ``where entry <n>`` (from 1).
        stem: the file name without extension, for ids of entries that have none.

    Yields:
        One Article or InputProblem per entry, after an InputProblem for the
        feed itself if it is malformed; just one InputProblem if it has no entries.

    """
    import feedparser  # here: a run that reads no feed need not import it

    try:
        if declares_entities(data):
            yield InputProblem(where, E_ENTITIES)
            return
        parsed: Any = feedparser.parse(data)
        entries = list(parsed.get("entries") or [])
    except Exception as exc:  # noqa: BLE001 - a third-party parser on untrusted input
        yield InputProblem(where, f"could not parse the feed ({type(exc).__name__})")
        return
    if not entries:
        yield InputProblem(where, _no_entries_problem(parsed))
        return
    if _is_malformed(parsed):
        yield InputProblem(where, f"malformed feed ({_bozo_reason(parsed)}); read what could be read")
    feed = parsed.get("feed") or {}
    source, language = _string(feed.get("title")), _string(feed.get("language")) or "en"
    for number, entry in enumerate(entries, 1):
        here = f"{where} entry {number}"
        article = _entry_article(entry, here, f"{stem}-{number}", source, language)
        yield article
        if isinstance(article, Article) and (bad_date := _entry_date_problem(entry)) is not None:
            yield InputProblem(here, f"'published' is {bad_date}; {WITHOUT_A_DATE}")


def declares_entities(data: bytes) -> bool:
    """True if the feed's prolog declares an XML entity, as the bytes come or as feedparser hands them to expat.

    feedparser re-encodes a feed to UTF-8 (by its byte-order mark, else its
    encoding declaration, else a guess) and rewrites its DOCTYPE before expat
    parses it; both forms are checked, each up to its root element.
    """
    from feedparser.encodings import convert_to_utf8
    from feedparser.sanitizer import replace_doctype
    from feedparser.util import FeedParserDict

    if _prolog_declares_entities(data):
        return True
    _, as_parsed, _ = replace_doctype(convert_to_utf8({}, data, FeedParserDict()))
    return _prolog_declares_entities(as_parsed)


class _EntityDeclared(Exception):
    """Raised by expat's handler at an entity declaration: the feed is refused."""


class _RootReached(Exception):
    """Raised by expat's handler at the root element: the prolog declared no entity."""


def _prolog_declares_entities(data: bytes) -> bool:
    """True if expat meets an entity declaration (general or parameter) before the root element.

    Fed in chunks, so only the prolog is parsed; a prolog that is not well
    formed stops expat (as it will stop feedparser's strict parse) before any
    declaration after the fault, so it counts as declaring none.
    """

    def declared(*_: object) -> None:
        raise _EntityDeclared

    def root(*_: object) -> None:
        raise _RootReached

    parser = expat.ParserCreate()
    parser.EntityDeclHandler = declared
    parser.StartElementHandler = root
    try:
        for start in range(0, len(data), _PROLOG_CHUNK):
            parser.Parse(data[start : start + _PROLOG_CHUNK], False)
        parser.Parse(b"", True)
    except _EntityDeclared:
        return True
    except (_RootReached, expat.ExpatError):
        return False
    return False


def _no_entries_problem(parsed: Any) -> str:
    """Say why a feed gave no entries: not a feed, unparseable, or just empty."""
    if not parsed.get("version"):
        reason = f" ({_bozo_reason(parsed)})" if parsed.get("bozo") else ""
        return f"{E_NOT_A_FEED}{reason}"
    if parsed.get("bozo"):
        return f"malformed feed ({_bozo_reason(parsed)}) with no readable entries"
    return "feed has no entries"


def _is_malformed(parsed: Any) -> bool:
    """Return True if feedparser flagged a real error (not just an encoding note)."""
    import feedparser

    benign = feedparser.ThingsNobodyCaresAboutButMe
    return bool(parsed.get("bozo")) and not isinstance(parsed.get("bozo_exception"), benign)


def _bozo_reason(parsed: Any) -> str:
    """Return the parser's complaint, without SAX's ``<unknown>:line:col:`` prefix."""
    exc = parsed.get("bozo_exception")
    get_message = getattr(exc, "getMessage", None)
    return str(get_message() if callable(get_message) else exc)


def _entry_article(entry: Any, where: str, fallback_id: str, source: str | None, language: str) -> Item:
    """Turn one feedparser entry into an Article, or say what is wrong with it."""
    try:
        text = _entry_text(entry)
        if not text:
            return InputProblem(where, E_NO_ENTRY_TEXT)
        if len(text) > MAX_ARTICLE_BYTES:
            return InputProblem(where, f"entry text over the limit for one article ({size_text(MAX_ARTICLE_BYTES)})")
        return Article(
            id=_string(entry.get("id")) or _string(entry.get("link")) or fallback_id,
            text=text,
            title=_string(entry.get("title")),
            url=_string(entry.get("link")),
            source=source,
            published=_entry_date(entry),
            language=language,
            authors=_entry_authors(entry),
            origin=where,
        )
    except (AttributeError, TypeError, KeyError, ValueError, OverflowError) as exc:
        return InputProblem(where, f"malformed feed entry ({type(exc).__name__}: {exc})")


def _entry_text(entry: Any) -> str:
    """Plain text of the entry's first non-empty content, else of its summary."""
    candidates: list[Any] = list(entry.get("content") or [])
    if entry.get("summary"):
        detail = entry.get("summary_detail") or {}
        candidates.append({"type": detail.get("type", "text/html"), "value": entry.get("summary")})
    for candidate in candidates:
        value = candidate.get("value")
        if not isinstance(value, str):
            continue
        is_html = candidate.get("type", "text/html") in _HTML_TYPES
        text = fragment_to_text(value) if is_html else normalise_lines(value)
        if text:
            return text
    return ""


def _entry_date(entry: Any) -> str | None:
    """Return the entry's publication (else update) time as ISO 8601 UTC, if it has a valid one."""
    iso = _entry_iso(entry)
    return iso if iso is not None and date_problem(iso) is None else None


def _entry_date_problem(entry: Any) -> str | None:
    """Why the entry's time is no publication date (``storytrace.published``), or None."""
    iso = _entry_iso(entry)
    if iso is None:
        return None
    written = entry.get("published") or entry.get("updated")
    return date_problem(iso, shown=f"{written!r}, in UTC {iso}" if isinstance(written, str) else None)


def _entry_iso(entry: Any) -> str | None:
    """The entry's publication (else update) time as feedparser read it, in ISO 8601 UTC; None without one."""
    parsed_time = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed_time:
        return None
    year, month, day, hour, minute, second = tuple(parsed_time)[:6]
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"


def _entry_authors(entry: Any) -> tuple[str, ...]:
    """Return the entry's author names (Atom may list several)."""
    names = [_string(author.get("name")) for author in entry.get("authors") or [] if isinstance(author, dict)]
    found = tuple(name for name in names if name)
    if found:
        return found
    single = _string(entry.get("author"))
    return (single,) if single else ()


def _string(value: object) -> str | None:
    """``value`` stripped if it is a non-empty string, else None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
