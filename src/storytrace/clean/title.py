"""A title to show for an article: its headline, else the first words of its cleaned content.

The byline, dateline and credits the clean stage detected never show in it: an
article without a headline gets the lead of its content (what is left after
them), and a headline that opens with the article's own byline or dateline
(as some feeds and page extractors give) has them taken off.

Not here: detecting bylines and datelines (``clean.rules``).
"""

from __future__ import annotations

from storytrace.model import Article, Cleaned

LEAD_WORDS = 12  # words of the lead shown when an article has no headline


def display_title(article: Article, cleaned: Cleaned, words: int = LEAD_WORDS) -> str:
    """The article's headline without a leading byline or dateline; else the first ``words`` of its content."""
    title = _without_opening(article.title or "", _detected(article.text, cleaned))
    return title or lead_words(article.text, cleaned, words)


def lead_words(text: str, cleaned: Cleaned, words: int = LEAD_WORDS) -> str:
    """The first ``words`` of the content (whole text if the clean stage kept none), "…" when cut."""
    spans = cleaned.content or ((0, len(text)),)
    found: list[str] = []
    for start, end in spans:
        found.extend(text[start:end].split()[: words + 1 - len(found)])
        if len(found) > words:
            return " ".join(found[:words]) + " …"
    return " ".join(found)


def _detected(text: str, cleaned: Cleaned) -> list[str]:
    """The texts of the byline and dateline, in the order they open the article."""
    spans = sorted(s for s in (cleaned.byline_span, cleaned.dateline_span) if s is not None)
    return [text[s:e] for s, e in spans]


def _without_opening(title: str, openings: list[str]) -> str:
    """``title`` with each of ``openings`` taken off its start when it opens with it (spacing aside)."""
    words = title.split()
    taken = 0
    for opening in openings:
        head = opening.split()
        if head and words[taken : taken + len(head)] == head:
            taken += len(head)
    return " ".join(words[taken:]).lstrip("–—-:| ") if taken else title.strip()
