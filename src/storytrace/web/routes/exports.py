"""Downloads: ``/export/{alignments|edges|facts|stories}.{csv|jsonl}``, the files ``storytrace export`` writes.

Rows are streamed from the current snapshot as attachments.

Not here: the tables' rows (``export``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.exceptions import HTTPException

from storytrace.export import EXPORTS, text_lines
from storytrace.web.responses import shown
from storytrace.web.routes.state import library_of, snapshot

EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}  # of /export/

router = APIRouter()


@router.get(
    "/export/{name}",
    summary="Download a table of the analysis (CSV or JSON Lines)",
    response_class=StreamingResponse,
    responses={200: {"content": {t.split(";")[0]: {} for t in EXPORT_TYPES.values()}}},
)
def export_file(request: Request, name: str) -> Response:
    """``name``: alignments, edges, facts or stories, then .csv or .jsonl (as ``storytrace export`` writes)."""
    what, _, fmt = name.rpartition(".")
    if what not in EXPORTS or fmt not in EXPORT_TYPES:
        raise HTTPException(404, f"no export '{shown(name)}'; e.g. /export/alignments.csv or /export/facts.jsonl")
    lines = text_lines(EXPORTS[what], fmt, snapshot(library_of(request)).document)
    disposition = f'attachment; filename="storytrace-{what}.{fmt}"'
    return StreamingResponse(lines, media_type=EXPORT_TYPES[fmt], headers={"Content-Disposition": disposition})
