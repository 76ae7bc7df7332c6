"""The web UI's Jinja2 environment and its HTML pages.

One environment over the UI's own templates and the report's (under ``report/``, for the story macros both
share), with autoescaping on and strict undefined names; :func:`page` renders one template into an answer.

Not here: what a page shows (``web.views``); JSON and one-line answers (``web.responses``).
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote

from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, StrictUndefined

from storytrace import __version__
from storytrace.ingest.formats import single_words, upload_accept, upload_words
from storytrace.naming import PASSAGE_DEFINITION
from storytrace.report.render import LEGEND, MAX_UNIQUE_OPEN, TIMELINE_ROLES, report_templates, style


@cache
def templates() -> Environment:
    """The one environment of the web UI's pages (built once)."""
    env = Environment(
        # The web UI's own templates, and the report's under ``report/`` (the story macros both share).
        loader=ChoiceLoader(
            [PackageLoader("storytrace", "web/templates"), PrefixLoader({"report": report_templates()})]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.globals.update(
        css=style(),
        legend=LEGEND,
        version=__version__,
        timeline_roles=TIMELINE_ROLES,
        unique_open=MAX_UNIQUE_OPEN,
        passage_definition=PASSAGE_DEFINITION,
        upload_accept=upload_accept(),
        upload_words=upload_words(),
        single_words=single_words(),
    )
    return env


def page(name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """The template ``name`` rendered with ``context``, as an HTML answer."""
    return HTMLResponse(templates().get_template(name).render(**context), status_code=status, headers=headers)
