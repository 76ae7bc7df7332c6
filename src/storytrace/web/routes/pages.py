"""The pages of the analysis: the story list, a story, an article, an outlet.

``/`` (stories: search, sort, pages), ``/stories/{id}``, ``/articles/{id}``, ``/outlets/{name}``.

Each is a plain ``def`` (FastAPI runs it in its thread pool, off the event loop); ids are only ever looked
up, never turned into paths. A story page without a "placed" banner is rendered once per snapshot.

Not here: what a page shows (``web.views``); the ingest form (``routes.ingest``); the JSON API (``routes.api``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from storytrace.export import EXPORTS
from storytrace.web.library import SORTS, Placed, list_stories
from storytrace.web.responses import shown
from storytrace.web.routes.state import library_of, rendered_of, snapshot, texts
from storytrace.web.templating import page as render  # ``page`` is the list's query parameter
from storytrace.web.views import article_page, outlet_page, story_view

router = APIRouter()


@router.get("/", response_class=HTMLResponse, summary="Story list page", include_in_schema=False)
def index(request: Request, q: str = "", sort: str = "size", page: int = 1) -> Response:
    """One page of the story list."""
    listing = list_stories(snapshot(library_of(request)).summaries, q, sort, page)
    return render("index.html.j2", listing=listing, sorts=SORTS, exports=tuple(EXPORTS))


@router.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
def story_page(request: Request, story_id: str, placed: str | None = None) -> Response:
    """A story; ``placed`` names the article an ingest just put there (a banner says so)."""
    library = library_of(request)
    snap = snapshot(library)
    story = snap.stories.get(story_id)
    if story is None:
        raise HTTPException(404, f"no story '{shown(story_id)}'")
    ids = [str(i) for i in story.get("articles", [])]
    banner = None
    if placed is not None and placed in ids:
        new = library.placements.get(placed, len(ids) == 1)
        banner = Placed(placed, story_id, new)
    rendered = rendered_of(request)
    cached = rendered.get(snap, story_id)
    body = cached if banner is None else None
    if body is not None:
        return HTMLResponse(body)
    view = story_view(story, snap.articles, texts(library, ids))
    answer = render("story.html.j2", s=view, placed=banner, meta=snap.articles)
    if banner is None:
        rendered.put(snap, story_id, bytes(answer.body))
    return answer


@router.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
def article(request: Request, article_id: str) -> Response:
    """An article, beside the others of its story."""
    library = library_of(request)
    snap = snapshot(library)
    meta = snap.articles.get(article_id)
    if meta is None:
        raise HTTPException(404, f"no article '{shown(article_id)}'")
    story = snap.stories.get(str(meta.get("story")))
    ids = [article_id, *(str(i) for i in (story or {}).get("articles", []))]
    view = article_page(article_id, snap.articles, story, texts(library, list(dict.fromkeys(ids))))
    return render("article.html.j2", p=view)


@router.get("/outlets/{outlet:path}", response_class=HTMLResponse, include_in_schema=False)
def outlet(request: Request, outlet: str) -> Response:
    """An outlet's articles and stories."""
    snap = snapshot(library_of(request))
    view = outlet_page(outlet, snap.articles, snap.stories)
    if view is None:
        raise HTTPException(404, f"no outlet '{shown(outlet)}'")
    return render("outlet.html.j2", o=view)
