"""One unit of work fails alone: an article's stage, a pair, a story costs a recorded problem, not the run.

A run over thousands of real articles meets text no test foresaw; one
article's punctuation must not take every other story's output with it.
``attempt`` runs one unit (cleaning one article, aligning one pair, the facts
of one story, …) and, if it raises, records a :class:`StageProblem` naming the
stage, the articles and the error, then hands back a fallback that the rest of
the stage can go on with (no alignments, an empty graph, no facts). The
pipeline writes the problems into the story (``problems`` in ``stories.json``)
and the CLI says each in one line and exits 1.

``STORYTRACE_DEBUG=1`` lets the error through with its traceback, for the
developer who wants to see where it came from.

Not here: what a stage falls back to (each caller knows), where problems are
written (``report.documents``, ``pipeline``), errors in the input itself
(``model.InputProblem``: those are the reader's).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

# An error's message is cut to this many characters: some exceptions quote a whole text.
ERROR_CHARS = 300
# A story's problem line names at most this many of its articles.
NAMED_ARTICLES = 4


@dataclass(frozen=True)
class StageProblem:
    """A stage that failed for some articles: which stage, which articles, what error."""

    stage: str  # clean, segment, cluster, align, trace, facts, document, report
    articles: tuple[str, ...]
    error: str  # "KeyError: '’'", one line

    def as_json(self) -> dict[str, Any]:
        """The problem as a story's ``problems`` entry in ``stories.json``."""
        return {"stage": self.stage, "articles": list(self.articles), "error": self.error}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> StageProblem:
        """The problem ``as_json`` wrote."""
        return cls(str(value.get("stage", "")), tuple(map(str, value.get("articles", ()))), str(value.get("error", "")))

    def line(self, story_id: str) -> str:
        """What the user reads: ``story s12 (articles a, b): align failed: KeyError: '’'``."""
        named = f" ({articles_text(self.articles)})" if self.articles else ""
        return f"story {story_id}{named}: {self.stage} failed: {self.error}"


def articles_text(ids: Sequence[str]) -> str:
    """``articles a, b, c, d, …`` (at most ``NAMED_ARTICLES`` named) or ``article a``."""
    if len(ids) == 1:
        return f"article {ids[0]}"
    named = ", ".join(ids[:NAMED_ARTICLES])
    return f"articles {named}{', …' if len(ids) > NAMED_ARTICLES else ''}"


def error_text(error: BaseException) -> str:
    """An exception as one short line: its type and message."""
    message = " ".join(str(error).split())
    if len(message) > ERROR_CHARS:
        message = message[: ERROR_CHARS - 1] + "…"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def debugging() -> bool:
    """Whether errors should propagate with their traceback (``STORYTRACE_DEBUG`` set and not 0)."""
    return os.environ.get("STORYTRACE_DEBUG", "0") not in ("", "0")


def attempt(
    stage: str, articles: Sequence[str], work: Callable[[], T], fallback: Callable[[], T], problems: list[StageProblem]
) -> T:
    """``work()``; if it raises, the problem goes into ``problems`` and ``fallback()`` is returned instead."""
    try:
        return work()
    except Exception as error:  # noqa: BLE001 - the point: any failure of one unit is recorded, not raised
        if debugging():
            raise
        problem = StageProblem(stage, tuple(articles), error_text(error))
        log.warning("%s failed for %s: %s", stage, articles_text(problem.articles), problem.error)
        problems.append(problem)
        return fallback()
