"""The JSON API, and the models that document it at ``/docs`` and ``/redoc``.

``/api/stories`` (search, sort, pages), ``/api/stories/{id}``, ``/api/articles/{id}``, ``POST /api/ingest``.
The endpoints have no docstrings: FastAPI would publish one as the operation's description in ``/openapi.json``.

Answers are HTML-safe JSON (``web.responses.SafeJSONResponse``, the app's default); request errors never echo
the input (``web.errors``). Every endpoint is a plain ``def`` (FastAPI runs it in its thread pool).

Not here: the pages (``routes.pages``); the form that ingests from a browser (``routes.ingest``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from storytrace.errors import StoreBusy, StorytraceError
from storytrace.web.form import article_fields
from storytrace.web.library import PAGE_SIZE, list_stories, unicode_problem
from storytrace.web.responses import one_line, shown
from storytrace.web.routes.state import analysed, library_of, snapshot, texts


class StoryItem(BaseModel):
    """A story in the list."""

    id: str
    title: str
    articles: int = Field(description="how many articles the story has")
    outlets: list[str]
    first_published: str | None


class StoryList(BaseModel):
    """One page of stories, with the query that made it."""

    items: list[StoryItem]
    total: int
    page: int
    pages: int
    per_page: int
    q: str
    sort: str


class IngestRequest(BaseModel):
    """An article to ingest: a text and optional metadata (id defaults to the title's slug or a hash)."""

    text: str
    id: str | None = None
    title: str | None = None
    source: str | None = None
    published: str | None = Field(None, description="ISO 8601 date or date-time")
    authors: list[str] = Field(default_factory=list, description="the byline's names")
    url: str | None = Field(None, description="the article's web address (http or https)")
    kind: Literal["article", "agency"] = Field("article", description="agency: wire-agency copy")


class IngestResult(BaseModel):
    """Where the ingested article went, and what went wrong analysing its story.

    With status 202 the article is stored but its story is not shown (``story`` is null):
    ``problems`` says why.
    """

    article: str
    story: str | None = Field(description="the story's id; null if its analysis failed")
    new_story: bool
    problems: list[str] = Field(default_factory=list, description="what failed in the analysis, one line each")
    notes: list[str] = Field(
        default_factory=list, description="what the input lost (a date) or changed (metadata), one line each"
    )


router = APIRouter()


@router.get("/api/stories", response_model=StoryList, summary="List stories (search, sort, page)")
def api_stories(  # noqa: D103 - see the module
    request: Request,
    q: Annotated[str, Query(description="words that must all occur in titles, texts or entity names")] = "",
    sort: Annotated[str, Query(description="size | recent | outlets")] = "size",
    page: Annotated[int, Query(description=f"1-based, {PAGE_SIZE} stories a page")] = 1,
) -> StoryList:
    listing = list_stories(snapshot(library_of(request)).summaries, q, sort, page)
    items = [
        StoryItem(id=s.id, title=s.title, articles=s.articles, outlets=s.outlets, first_published=s.first_published)
        for s in listing.items
    ]
    return StoryList(
        items=items,
        total=listing.total,
        page=listing.page,
        pages=listing.pages,
        per_page=PAGE_SIZE,
        q=listing.q,
        sort=listing.sort,
    )


@router.get("/api/stories/{story_id:path}", summary="One story, as in stories.json")
def api_story(request: Request, story_id: str) -> dict[str, Any]:  # noqa: D103
    story = snapshot(library_of(request)).stories.get(story_id)
    if story is None:
        raise HTTPException(404, f"no story '{shown(story_id)}'")
    return story


@router.get("/api/articles/{article_id:path}", summary="One article's metadata (as in stories.json) and its text")
def api_article(request: Request, article_id: str) -> dict[str, Any]:  # noqa: D103
    library = library_of(request)
    meta = snapshot(library).articles.get(article_id)
    if meta is None:
        raise HTTPException(404, f"no article '{shown(article_id)}'")
    return {**meta, "text": texts(library, [article_id]).get(article_id, "")}


@router.post("/api/ingest", response_model=IngestResult, summary="Store an article, place it in a story, re-analyse")
def api_ingest(request: Request, body: IngestRequest, response: Response) -> IngestResult:  # noqa: D103
    library = library_of(request)
    analysed(library)
    names = {f"authors[{k}]": name for k, name in enumerate(body.authors)}
    bad = unicode_problem({**body.model_dump(exclude={"authors"}), **names})
    if bad is not None:
        raise HTTPException(400, bad)
    try:
        fields = article_fields(
            id=body.id or "", title=body.title or "", source=body.source or "", published=body.published or "",
            authors=body.authors, url=body.url or "", agency=body.kind == "agency",
        )  # fmt: skip
    except ValueError as e:
        raise HTTPException(400, one_line(e)) from None
    try:
        placed = library.paste(body.text, fields)
    except StoreBusy:
        raise
    except StorytraceError as e:
        raise HTTPException(400, one_line(e)) from None
    if placed.story is None:
        response.status_code = 202
    return IngestResult(
        article=placed.article, story=placed.story, new_story=placed.new_story, problems=list(placed.problems),
        notes=list(placed.notes),
    )  # fmt: skip
