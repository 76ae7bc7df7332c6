r"""JSON article records (see the contract's "Article records") to :class:`Article`.

Does: validate one record's fields and build the Article (extracting the
text from ``html`` when there is no ``text``); read JSON Lines from any text
stream (a U+FEFF opening any line dropped); read a ``.json`` document holding
one record, a list of them, or ``{"articles": [...]}``, a record at a time
(:mod:`storytrace.ingest.jsonstream`). Every bad record becomes an
:class:`InputProblem` naming it (``file:line`` or ``file[index]``); the rest
goes on. Bad means a field of the wrong type or value, a string that is not
valid Unicode (JSON's ``\ud800`` escapes give unpaired surrogates, which
nothing downstream can store), or a text over
:data:`~storytrace.ingest.limits.MAX_ARTICLE_BYTES`. A bad ``published`` (see
:mod:`storytrace.published`) costs only the date: the Article comes without
it, followed by an InputProblem saying so.

Does not: open files, decode bytes or walk folders (see
:mod:`storytrace.ingest.readers`), nor check that ids are unique.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from storytrace.errors import E_NO_ID, E_NO_TEXT, E_NOT_JSON
from storytrace.ingest.html import ExtractedPage, extract_page
from storytrace.ingest.jsonstream import Shape, document_records
from storytrace.ingest.limits import MAX_ARTICLE_BYTES, size_text
from storytrace.model import Article, InputProblem
from storytrace.published import check as date_problem

Item = Article | InputProblem
"""What every reader yields: an article, or a problem with part of the input."""

KINDS = ("article", "agency")
_STRING_FIELDS = ("text", "html", "title", "url", "source", "language", "kind")
_CHECKED_FIELDS = ("id", *_STRING_FIELDS)
_NO_PAGE = ExtractedPage(text="")
WITHOUT_A_DATE = "stored without a date"
"""How the problem of a dropped ``published`` ends when nothing took its place."""
E_NOT_RECORDS = "not an article record (it has none of 'id', 'text', 'html', nor a list of 'articles'); skipped"


def read_records(lines: Iterable[str], where: str, *, published: str | None = None) -> Iterator[Item]:
    """Read JSON Lines: one record per line, blank lines skipped.

    Args:
        lines: the lines of the input, e.g. an open text file or ``sys.stdin``.
        where: the input's name; problems and origins are ``where:line``.
        published: the publication date for records that carry none.

    Yields:
        One Article or InputProblem per non-blank line, in input order.

    """
    for lineno, line in enumerate(lines, 1):
        yield from line_items(line, f"{where}:{lineno}", published)


def line_items(line: str, here: str, published: str | None = None) -> list[Item]:
    """One JSON Lines line as ``record_items`` reads it, named ``here``; nothing for a blank line.

    A byte-order mark (U+FEFF) opening the line is dropped: files joined
    together each bring theirs, and JSON does not allow one.
    """
    line = line.removeprefix("\ufeff")
    if not line.strip():
        return []
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return [InputProblem(here, not_json(exc))]
    return record_items(obj, here, published=published)


def read_json_document(text: str, where: str, *, published: str | None = None) -> Iterator[Item]:
    """Read a ``.json`` file: one record, a list of records, or ``{"articles": [...]}``, a record at a time.

    Args:
        text: the file's text.
        where: the file's name; records in a list are named ``where[index]``.
        published: the publication date for records that carry none.

    Yields:
        One Article or InputProblem per record; for a document that stops
        being valid JSON part-way, the records before the fault, then the
        fault. An object with none of ``id``, ``text``, ``html`` and no
        ``articles`` list gives one InputProblem whose problem is :data:`E_NOT_RECORDS`.

    """
    read = 0
    shape = "one"
    try:
        for found in document_records(text):
            if isinstance(found, Shape):
                shape = found.kind
                if shape == "none":
                    yield InputProblem(where, E_NOT_RECORDS)
                continue
            index, obj = found
            read += 1
            yield from record_items(obj, where if index is None else f"{where}[{index}]", published=published)
    except (ValueError, RecursionError) as exc:
        before = f"; the {read:,} records before it were read" if read > 1 else "; the record before it was read"
        yield InputProblem(where, not_json(exc) + (before if read else ""))
        return
    if shape == "list" and not read:
        yield InputProblem(where, "no records (the file holds an empty list)")


def not_json(exc: BaseException) -> str:
    """Describe why ``json.loads`` failed, after the catalogue's "not valid JSON"."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{E_NOT_JSON} ({exc.msg.removesuffix(' at')} at line {exc.lineno} column {exc.colno})"
    if isinstance(exc, RecursionError):
        return f"{E_NOT_JSON} (nested too deeply)"
    return f"{E_NOT_JSON} ({exc})"


def record_items(obj: object, where: str, *, published: str | None = None) -> list[Item]:
    """Turn one JSON record (a dict) into an Article, or say why not.

    ``text`` is kept exactly as given; without it, the text and any missing
    title, authors, publication date, source and url come from ``html``.
    Integer ids become strings; unknown fields are ignored. A bad
    ``published`` (not a string, or not a date by :mod:`storytrace.published`)
    costs only the date: the Article comes, then an InputProblem saying so.

    Args:
        obj: the decoded JSON value.
        where: names the record (``file:line``, ``file[index]``); also the Article's origin.
        published: the publication date to use when neither record nor page gives one.

    Returns:
        ``[Article]``, ``[Article, InputProblem]`` for a dropped date, or
        ``[InputProblem]`` saying which field is wrong.

    """
    if not isinstance(obj, dict):
        return [InputProblem(where, f"record is not a JSON object (it is {json_type(obj)})")]
    problem = _id_problem(obj) or _type_problem(obj) or _unicode_problem(obj) or _value_problem(obj)
    if problem is not None:
        return [InputProblem(where, problem)]
    bad_date = _published_problem(obj.get("published"))
    if bad_date is not None:
        obj = {key: value for key, value in obj.items() if key != "published"}
    item = _article(obj, where, published)
    if bad_date is None or isinstance(item, InputProblem):
        return [item]
    kept = f"stored with {item.published!r} instead" if item.published else WITHOUT_A_DATE
    return [item, InputProblem(where, f"'published' {bad_date}; {kept}")]


def record_to_article(obj: object, where: str, *, published: str | None = None) -> Item:
    """``record_items`` as one Article or InputProblem: a dropped date goes unsaid (use ``record_items`` to hear it)."""
    return record_items(obj, where, published=published)[0]


def _article(obj: dict[Any, Any], where: str, published: str | None) -> Item:
    """The Article of a checked record: from its ``text``, else from its ``html``."""
    text, html = obj.get("text"), obj.get("html")
    if text and text.strip():
        return _build(obj, text, where, published, _NO_PAGE)
    if html and html.strip():
        page = extract_page(html, where, obj.get("url"))
        if isinstance(page, InputProblem):
            return page
        return _build(obj, page.text, where, published, page)
    return InputProblem(where, "'text' is empty" if text is not None else "'html' is empty")


def _published_problem(value: object) -> str | None:
    """What is wrong with a record's ``published`` (after "'published' "), or None (absent or a date)."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"must be a string, not {json_type(value)}"
    problem = date_problem(value)
    return f"is {problem}" if problem is not None else None


def _id_problem(obj: dict[Any, Any]) -> str | None:
    """Say what is wrong with the record's ``id``, or None."""
    value = obj.get("id")
    if value is None:
        return E_NO_ID
    if isinstance(value, bool) or not isinstance(value, str | int):
        return f"'id' must be a string or an integer, not {json_type(value)}"
    if isinstance(value, str) and not value.strip():
        return "'id' is empty"
    return None


def _type_problem(obj: dict[Any, Any]) -> str | None:
    """Say which field has the wrong JSON type, or None."""
    if obj.get("text") is None and obj.get("html") is None:
        return E_NO_TEXT
    for name in _STRING_FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            return f"'{name}' must be a string, not {json_type(value)}"
    authors = obj.get("authors")
    if authors is not None and not (isinstance(authors, list) and all(isinstance(name, str) for name in authors)):
        return f"'authors' must be a list of strings, not {json_type(authors)}"
    return None


def _unicode_problem(obj: dict[Any, Any]) -> str | None:
    """Say which string is not valid Unicode (holds an unpaired surrogate) or too long, or None."""
    for name in _CHECKED_FIELDS:
        value = obj.get(name)
        if isinstance(value, str):
            problem = _bad_string(name, value)
            if problem is not None:
                return problem
    for author in obj.get("authors") or ():
        problem = _bad_string("authors", author)
        if problem is not None:
            return problem
    return None


def surrogate_problem(name: str, value: str) -> str | None:
    """The problem of a string field holding an unpaired surrogate (from JSON's escapes), which nothing can store."""
    if value.isascii():  # an ASCII string holds no surrogate, and isascii() costs nothing
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        escaped = value[exc.start].encode("unicode_escape").decode("ascii")
        return f"'{name}' is not valid Unicode (unpaired surrogate {escaped} at character {exc.start:,})"
    return None


def _bad_string(name: str, value: str) -> str | None:
    """The problem of one string field: an unpaired surrogate, or an article text over the limit."""
    if (problem := surrogate_problem(name, value)) is not None:
        return problem
    if len(value) > MAX_ARTICLE_BYTES and name in ("text", "html"):
        return f"'{name}' over the limit for one article ({size_text(MAX_ARTICLE_BYTES)}); skipped"
    return None


def _value_problem(obj: dict[Any, Any]) -> str | None:
    """Say which string field has an impossible value, or None."""
    kind = obj.get("kind")
    if kind is not None and kind not in KINDS:
        return f"'kind' must be 'article' or 'agency', not {kind!r}"
    return None


def is_iso_date(value: str) -> bool:
    """True for a publication date storytrace takes (``storytrace.published.check``); kept for its importers."""
    return date_problem(value) is None


def _build(obj: dict[Any, Any], text: str, where: str, published: str | None, page: ExtractedPage) -> Article:
    """Make the Article: the record's fields first, then the page's, then the defaults."""

    def pick(name: str, fallback: str | None) -> str | None:
        value = obj.get(name)
        return value if isinstance(value, str) and value.strip() else fallback

    authors = obj.get("authors")
    return Article(
        id=str(obj["id"]),
        text=text,
        title=pick("title", page.title),
        url=pick("url", page.url),
        source=pick("source", page.source),
        published=pick("published", page.published or published),
        language=pick("language", "en") or "en",
        authors=tuple(authors) if authors is not None else page.authors,
        kind=pick("kind", "article") or "article",
        origin=where,
    )


def json_type(value: object) -> str:
    """Name a decoded JSON value's type the way a user would ("a list", "a number" ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else "a value"
