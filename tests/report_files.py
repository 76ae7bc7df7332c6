"""Test helpers over the report's files: one story's page, or every file's text at once."""

from __future__ import annotations

import re
from pathlib import Path

from storytrace.report import INDEX, Report

LINK = re.compile(r'<a href="(stories/[^"]+\.html)">')


def story_page(report: Report, k: int = 0) -> str:
    """The text of the ``k``-th story's page."""
    return list(report.pages.values())[k].decode("utf-8")


def every_file(report: Report) -> str:
    """The index and every story page, in order, as one text (to look for what may be on any of them)."""
    return "\n".join([report.text(), *(page.decode("utf-8") for page in report.pages.values())])


def written(out: Path) -> str:
    """``every_file`` of a report written to ``out``: the index, then each page it links to, in its order."""
    index = (out / INDEX).read_text("utf-8")
    linked = list(dict.fromkeys(LINK.findall(index)))
    return "\n".join([index, *((out / path).read_text("utf-8") for path in linked)])
