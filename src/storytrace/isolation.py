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
from typing import TypeVar

from storytrace.model import StageProblem, articles_text

T = TypeVar("T")
log = logging.getLogger(__name__)

# An error's message is cut to this many characters: some exceptions quote a whole text.
ERROR_CHARS = 300


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
