"""Store stage: the embedded SQLite database."""

from storytrace.store.articles import IngestReport
from storytrace.store.sqlite import Store

__all__ = ["IngestReport", "Store"]
