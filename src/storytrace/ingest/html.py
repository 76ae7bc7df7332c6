"""Main text and metadata from HTML: whole pages (trafilatura) and feed fragments (lxml).

Does: run trafilatura on an article page to get its main text (navigation,
footers, comments and tables left out) and its title, authors, publication
date and site name; turn a small HTML fragment (an RSS/Atom entry body) into
plain text with one paragraph per line; decode HTML bytes honouring a
``<meta charset>`` declaration; refuse a page nested deeper than libxml2
parses (it stops there silently, so the text would be cut short).

Does not: fetch anything from the network, build :class:`Article` records
(see :mod:`storytrace.ingest.records`), or clean bylines and boilerplate
out of the extracted text (the clean stage does that).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from storytrace.errors import E_TOO_DEEP_HTML
from storytrace.ingest.decode import Decoded, decode, replace_nuls, universal_newlines
from storytrace.model import InputProblem
from storytrace.published import is_published

E_NO_HTML_TEXT = "no article text found in the HTML"

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table td th tr ul".split()
)
_DROPPED_XPATH = "//script|//style|//noscript|//template"
_PARSER_MAX_DEPTH = 256  # libxml2's nesting limit without XML_PARSE_HUGE (which lifts other guards too)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class ExtractedPage:
    """What trafilatura found in an HTML page.

    Attributes:
        text: the main text, one paragraph per line (the headline line removed).
        title: the page's headline, if found.
        authors: the byline's names.
        published: the publication date as ``YYYY-MM-DD``, if the page states one.
        source: the site name, else the host name.
        url: the page's canonical address, if found.

    """

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    source: str | None = None
    url: str | None = None


def extract_page(html: str, where: str, url: str | None = None) -> ExtractedPage | InputProblem:
    """Extract the main text and metadata of an article page.

    Args:
        html: the page's HTML.
        where: the file or record it came from (names it in a problem).
        url: the page's address if known (helps trafilatura find the host name).

    Returns:
        The extracted page, or an :class:`InputProblem` when no article text is found.

    """
    try:
        if (limit := parser_limit(html)) is not None:
            return InputProblem(where, limit)
        doc = _bare_extraction(html, url)
    except Exception as exc:  # noqa: BLE001 - a third-party parser on untrusted input
        return InputProblem(where, f"could not parse the HTML ({type(exc).__name__})")
    title = _doc_str(doc, "title")
    text = _drop_title_line(universal_newlines(_doc_str(doc, "text") or ""), title)
    if doc is None or not text.strip():
        return InputProblem(where, E_NO_HTML_TEXT)
    return ExtractedPage(
        text=text,
        title=title,
        authors=split_authors(_doc_str(doc, "author")),
        published=_page_date(doc),
        source=_doc_str(doc, "sitename") or _doc_str(doc, "hostname"),
        url=_doc_str(doc, "url"),
    )


def parser_limit(html: str) -> str | None:
    """The problem if libxml2 stops parsing ``html`` at one of its limits (nesting depth 256), else None.

    libxml2 then drops the rest of the page, and trafilatura, which parses with
    the same limits, says nothing; one more lxml parse (about 1.5% of an
    extraction's time) tells.
    """
    if html.count("<") < _PARSER_MAX_DEPTH:
        return None
    parser = etree.HTMLParser(recover=True, no_network=True, encoding="utf-8")
    try:  # bytes: lxml refuses a str that carries an XML encoding declaration (XHTML pages)
        etree.fromstring(html.encode("utf-8", "replace"), parser)
    except (etree.LxmlError, ValueError):
        return None  # trafilatura will say what is wrong
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            if "depth" in error.message:
                return E_TOO_DEEP_HTML
            reason = error.message.strip()
            return f"HTML beyond the parser's limits ({reason}); not read, as its text would be cut short"
    return None


def _bare_extraction(html: str, url: str | None) -> Any:
    """Call trafilatura once for both text and metadata; None when it finds nothing."""
    # extensive_search off: otherwise a "(c) 2024" footer becomes a 2024-01-01 publication date.
    import trafilatura  # here: importing it takes 0.1 s, which a run on records alone need not pay

    date_params = {"original_date": True, "extensive_search": False, "max_date": date.today().isoformat()}
    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=False,
        date_extraction_params=date_params,
    )


def _page_date(doc: Any) -> str | None:
    """The page's publication date, if it is one by :mod:`storytrace.published`.

    htmldate only gives dates between 1995 and today, so none should fail; one
    that did would be a guess gone wrong, not the input's, and is left out.
    """
    found = _doc_str(doc, "date")
    return found if is_published(found) else None


def _doc_str(doc: Any, name: str) -> str | None:
    """Return the stripped string attribute ``name`` of a trafilatura Document, or None."""
    value = getattr(doc, name, None)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def split_authors(byline: str | None) -> tuple[str, ...]:
    """Split trafilatura's ``"A; B"`` author string into names."""
    if not byline:
        return ()
    return tuple(name.strip() for name in byline.split(";") if name.strip())


def _drop_title_line(text: str, title: str | None) -> str:
    """Remove a first line that only repeats the headline (trafilatura keeps the ``<h1>``)."""
    first, sep, rest = text.partition("\n")
    if title and sep and " ".join(first.split()) == " ".join(title.split()):
        return rest
    return text


def fragment_to_text(fragment: str) -> str:
    """Turn an HTML fragment into plain text, one paragraph (block element) per line.

    Inline markup (``<b>``, ``<a>`` ...) stays inside its line; scripts and
    styles are dropped; whitespace inside a line is collapsed.

    Args:
        fragment: HTML such as an RSS ``<description>`` or Atom ``<content>``.

    Returns:
        The plain text (possibly empty).

    """
    root = _parse_fragment(fragment)
    if root is None:
        return normalise_lines(re.sub(r"<[^>]*>", " ", fragment))
    for dropped in root.xpath(_DROPPED_XPATH):
        dropped.drop_tree()
    parts: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        parts.extend(_pieces(event, element, element is root))
    return normalise_lines("".join(parts))


def _parse_fragment(fragment: str) -> Any:
    """Parse ``fragment`` under a ``<div>``; None if lxml refuses it."""
    if not fragment.strip():
        return None
    try:
        return lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.LxmlError, ValueError):
        return None


def _pieces(event: str, element: Any, is_root: bool) -> list[str]:
    """Return the text pieces an element contributes at its start or end event."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    pieces = ["\n"] if tag in _BLOCK_TAGS else []
    if event == "start" and tag and element.text:
        pieces.append(str(element.text))
    if event != "start" and element.tail and not is_root:  # "end", "comment" or "pi"
        pieces.append(str(element.tail))
    return pieces


def normalise_lines(text: str) -> str:
    """Collapse whitespace within each line and drop empty lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def decode_html(data: bytes) -> Decoded:
    """Decode an HTML file; bytes that are not UTF-8 use the page's declared charset if any.

    Args:
        data: the file's bytes.

    Returns:
        As :func:`storytrace.ingest.decode.decode`, except that a page declaring
        e.g. ``<meta charset="iso-8859-1">`` is read in that charset without a
        fallback flag.

    """
    decoded = decode(data)
    if not decoded.fallback:
        return decoded
    charset = declared_charset(data)
    if charset is None:
        return decoded
    try:
        text, nuls = replace_nuls(universal_newlines(data.decode(charset)))
    except UnicodeDecodeError:
        return decoded
    return Decoded(text, nuls=nuls)


def declared_charset(data: bytes) -> str | None:
    """Return the Python codec named by a ``<meta charset>`` near the top, unless it is UTF-8."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return None if name == "utf-8" else name
