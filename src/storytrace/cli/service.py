"""``serve`` (the web UI), ``prune`` (drop what the latest analysis no longer uses) and ``export`` (tables out).

Not here: the web app (``web``), the tables' rows (``export``), the store (``store``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from storytrace.cli.common import (
    EmbedderOption,
    LexicalOption,
    ReadDbOption,
    app,
    db_option,
    default_store,
    embedder_for,
    existing_store,
    guard,
    lock_timeout,
    out,
    say,
    text_sink,
)
from storytrace.errors import BadInput, UsageError
from storytrace.naming import counted
from storytrace.outputs import write_atomically
from storytrace.pipeline import (
    latest_document,
    latest_signatures,
)
from storytrace.store import Store
from storytrace.terminal import WordsCommand


@app.command(cls=WordsCommand)
def serve(
    db: Annotated[
        Path | None,
        db_option(
            "SQLite store; it must exist unless --create (default: storytrace.db, else "
            "storytrace-out/storytrace.db, where analyze keeps it by default)."
        ),
    ] = None,
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on (local only by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", help="Port to listen on.", min=1, max=65535)] = 8000,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="NAME",
            help="A host name the UI is reached by, besides --host and the loopback names (repeatable); "
            "requests naming any other host are refused (DNS rebinding). Default: none.",
        ),
    ] = None,
    create: Annotated[bool, typer.Option("--create", help="Start an empty store if --db does not exist.")] = False,
    lexical: LexicalOption = False,
    embedder_name: EmbedderOption = None,
) -> None:
    """The web UI over the store: stories, aligned pairs, provenance, facts; add articles; a JSON API."""

    def run() -> int:
        try:
            from storytrace.web import create_app
            from storytrace.web.hosts import AllowedHosts
            from storytrace.web.server import listening_socket
            from storytrace.web.server import run as run_server
        except ImportError as e:
            raise UsageError("serve", f"the web UI needs {e.name or 'fastapi'} (pip install storytrace)") from None
        store_path = db or (Path("storytrace.db") if create else default_store())
        if not create:
            existing_store(store_path)
        hosts = AllowedHosts.of([host, *(allow_host or [])])
        with listening_socket(host, port) as sock:
            with Store(store_path):  # opens (or creates) it now, so a bad --db is one line, not a traceback
                pass
            out.print(f"storytrace web UI on http://{host}:{port}/ (store {store_path}); Ctrl+C stops it")
            web_app = create_app(store_path, embedder_for(None, lexical, embedder_name), hosts)
            run_server(web_app, sock)
        return 0

    guard(run)


@app.command(cls=WordsCommand)
def prune(db: ReadDbOption = None) -> None:
    """Drop what the store keeps for stories its latest analysis no longer has, then compact the file.

    Each analysis keeps every story's result and rendering, so that a later
    run re-uses them; a story that grew, or a new storytrace version, leaves
    the old ones behind. Only the latest analysis's stories are kept; a story
    dropped is analysed again if a later run has it.
    """

    def run() -> int:
        store_path = db or default_store()
        existing_store(store_path, can_create=False)
        with Store(store_path) as store, store.writer(on_wait=say, timeout=lock_timeout()):
            keep = latest_signatures(store)
            if keep is None:
                raise BadInput(str(store_path), "its latest analysis was kept by an older storytrace: analyze first")
            before = store.size()
            results, renderings = store.prune_stories(keep)
            folded = store.compact()
            after = store.size()
        out.print(f"kept the {counted(len(keep), 'story')} of the latest analysis")
        out.print(f"dropped {counted(results, 'kept result')} and {counted(renderings, 'rendering')} of other stories")
        out.print(f"store: {before / 1e6:.1f} MB before, {after / 1e6:.1f} MB after")
        if not folded:
            out.print("another process is reading the store: the space comes back when it closes")
        return 0

    guard(run)


@app.command(cls=WordsCommand)
def export(
    what: Annotated[
        str,
        typer.Option(
            "--what",
            metavar="TABLE",
            help="alignments, edges, facts or stories: a row per aligned passage pair, provenance edge, "
            "cited fact or story.",
        ),
    ],
    db: ReadDbOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", metavar="FORMAT", help="csv, jsonl or parquet (parquet: pyarrow, from the spark extra)."
        ),
    ] = "csv",
    out_file: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="The file to write (default: standard output; parquet needs one)."),
    ] = None,
) -> None:
    """Write a table of the store's latest analysis for a spreadsheet or other tools.

    CSV cells that a spreadsheet would run as a formula (text starting with =, +, -, @) get a leading '.
    """
    from storytrace import export as tables

    def run() -> int:
        table = tables.export_named(what)
        tables.check_format(fmt)
        if fmt == "parquet" and out_file is None:
            raise UsageError("--format parquet", "writes a binary file: give --out PATH")
        store_path = db or default_store()
        existing_store(store_path, can_create=False)
        with Store(store_path) as store:
            document = latest_document(store)
        if document is None:
            raise BadInput(str(store_path), "holds no analysis to export: run storytrace analyze first")
        if fmt == "parquet" and out_file is not None:
            write_atomically(out_file, tables.parquet_bytes(table, table.rows(document)))
            return 0
        try:
            with contextlib.ExitStack() as stack:
                text_sink(out_file, stack).writelines(tables.text_lines(table, fmt, document))
        except BrokenPipeError:  # the reader stopped (``| head``): it has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        return 0

    guard(run)
