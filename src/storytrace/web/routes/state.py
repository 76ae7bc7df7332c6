"""What the routes read from the application: its library, the analysed snapshot, texts, rendered story pages.

``create_app`` puts a :class:`~storytrace.web.library.Library` at ``app.state.library`` and a
:class:`RenderedStories` at ``app.state.rendered``; the routes reach both through the request.

Not here: the library's own work (``web.library``); HTTP answers other than the 503/500 of an analysis not
ready or failed.
"""

from __future__ import annotations

import threading

from fastapi import Request
from starlette.exceptions import HTTPException

from storytrace.web.library import Library, Snapshot
from storytrace.web.responses import RETRY_AFTER


def library_of(request: Request) -> Library:
    """The library of the app answering ``request``."""
    library: Library = request.app.state.library
    return library


def analysed(library: Library) -> None:
    """Raise a 503 while the start-up analysis runs."""
    if not library.ready.is_set():
        raise HTTPException(503, "the store is being analysed; try again in a moment", RETRY_AFTER)


def snapshot(library: Library) -> Snapshot:
    """The current analysis; 503 while it runs, 500 when it failed and left no story."""
    analysed(library)
    if library.failure is not None and not library.snapshot.stories:
        raise HTTPException(500, f"the analysis failed: {library.failure}")
    return library.snapshot


def texts(library: Library, ids: list[str]) -> dict[str, str]:
    """The stored texts of the articles ``ids``, by id."""
    with library.store() as store:
        return {a.id: a.text for a in store.articles(ids)}


class RenderedStories:
    """Rendered story pages of the current snapshot (without a "placed" banner).

    A story page is long, and a snapshot never changes, so each is rendered once per snapshot.
    """

    def __init__(self) -> None:
        self._pages: dict[str, bytes] = {}
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def get(self, snap: Snapshot, story_id: str) -> bytes | None:
        """The page of ``story_id`` rendered for ``snap``, or None; a newer snapshot empties the cache."""
        with self._lock:
            if self._snapshot is not snap:
                self._pages.clear()
                self._snapshot = snap
            return self._pages.get(story_id)

    def put(self, snap: Snapshot, story_id: str, body: bytes) -> None:
        """Keep ``body`` as the page of ``story_id``, if ``snap`` is still the current snapshot."""
        with self._lock:
            if self._snapshot is snap:
                self._pages[story_id] = body


def rendered_of(request: Request) -> RenderedStories:
    """The story-page cache of the app answering ``request``."""
    rendered: RenderedStories = request.app.state.rendered
    return rendered
