"""The web UI (``storytrace serve``): stories, pairs side by side, provenance, ingest, a JSON API.

``create_app(db)`` builds the FastAPI application over a store; it needs the
``fastapi`` package (imported only when the web UI is used).
"""

from storytrace.web.app import create_app
from storytrace.web.middleware import MAX_UPLOAD_BYTES

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
