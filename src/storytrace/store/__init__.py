"""Store stage: the embedded SQLite database."""

from storytrace.store.sqlite import IngestReport, Store

__all__ = ["IngestReport", "Store"]
