"""The ingest form: ``GET /ingest`` shows it, ``POST /ingest`` stores what it sends.

A post stores an upload or a paste, re-analyses, and redirects to the story the article joined (or shows the
form again with what went wrong).

The endpoint is a plain ``def`` (FastAPI runs it in its thread pool); the write goes one at a time through
:class:`~storytrace.web.library.Library`. An upload over :data:`~storytrace.web.middleware.MAX_UPLOAD_BYTES`
is a 413.

Not here: the same for API clients (``routes.api``); reading uploaded files (``web.library``).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from storytrace.errors import StoreBusy, StorytraceError
from storytrace.web.form import article_fields
from storytrace.web.library import Library, Placed, unicode_problem, uploaded_articles
from storytrace.web.middleware import MAX_UPLOAD_BYTES, TooLarge
from storytrace.web.responses import RETRY_AFTER, one_line
from storytrace.web.routes.state import analysed, library_of
from storytrace.web.templating import page

router = APIRouter()


@router.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
def ingest_form() -> Response:
    """The empty form."""
    return page("ingest.html.j2", error=None, form={})


@router.post("/ingest", include_in_schema=False)
def ingest_submit(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    text: Annotated[str, Form()] = "",
    id: Annotated[str, Form()] = "",  # noqa: A002 - the form's field
    title: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    published: Annotated[str, Form()] = "",
    authors: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    agency: Annotated[str, Form()] = "",
) -> Response:
    """Store the upload or the pasted text with the form's fields; the way to its story, or the form again."""
    form = {
        "text": text, "id": id, "title": title, "source": source, "published": published, "authors": authors,
        "url": url, "agency": agency,
    }  # fmt: skip
    data = file.file.read(MAX_UPLOAD_BYTES + 1) if file is not None else b""
    filename = (file.filename or "") if file is not None else ""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge
    library = library_of(request)
    analysed(library)
    bad = unicode_problem({**form, "file name": filename})
    if bad is not None:
        return page("ingest.html.j2", 400, error=bad, form={})  # such a form cannot be shown again
    try:
        placed = _store(library, form, data, filename)
    except StoreBusy as e:
        return page("ingest.html.j2", 503, error=e.problem, form=form, headers=RETRY_AFTER)
    except (StorytraceError, ValueError) as e:
        return page("ingest.html.j2", 400, error=one_line(e), form=form)
    return _answer(placed)


def _store(library: Library, form: dict[str, str], data: bytes, filename: str) -> Placed:
    """Store the upload ``data`` if there is one, else the pasted text, with the form's fields."""
    fields = article_fields(
        id=form["id"], title=form["title"], source=form["source"], published=form["published"],
        authors=form["authors"], url=form["url"], agency=bool(form["agency"]),
    )  # fmt: skip
    if data:
        return library.ingest(uploaded_articles(data, filename, fields))
    if form["text"].strip():
        return library.paste(form["text"], fields)
    raise ValueError("choose a file or paste a text")


def _answer(placed: Placed) -> Response:
    """The way to the story the article joined, or the form saying what the analysis lost or could not do."""
    if placed.story is None:  # stored, but its story could not be analysed
        return page("ingest.html.j2", 202, error=" ".join((*placed.notes, *placed.problems)), form={})
    target = f"/stories/{quote(placed.story, safe='')}?placed={quote(placed.article, safe='')}"
    if placed.notes:  # said on the form, with the way to the story, rather than lost in a redirect
        return page("ingest.html.j2", 200, error=None, notes=placed.notes, placed=target, form={})
    return RedirectResponse(target, status_code=303)
