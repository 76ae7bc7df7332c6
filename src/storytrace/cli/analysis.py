"""The main commands: ``version``, ``ingest`` (store the inputs) and ``analyze`` (the whole job and its report).

Not here: reading or analysing anything (``pipeline``); the story table's words (``naming``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from storytrace import __version__
from storytrace.cli.common import (
    PASSAGE_WORDS,
    EmbedderOption,
    IngestDbOption,
    LexicalOption,
    PathsArgument,
    PublishedOption,
    app,
    check_inputs,
    check_published,
    db_option,
    embedder_for,
    guard,
    lock_timeout,
    open_store,
    out,
    plain,
    print_skipped,
    progress_bar,
    removed_unless_read,
    report_problems,
    report_updates,
    say,
    shortened,
    store_files,
)
from storytrace.ingest import SkipTally
from storytrace.model import InputProblem
from storytrace.naming import counted
from storytrace.pipeline import (
    Analysis,
    AnalysisOptions,
    assign_stories,
    build_report,
    ingest_report,
    write_outputs,
)
from storytrace.pipeline import analyze as run_analysis
from storytrace.terminal import WordsCommand, id_column


@app.command(cls=WordsCommand)
def version() -> None:
    """Print the storytrace version."""
    out.print(__version__)


@app.command(cls=WordsCommand)
def ingest(
    paths: PathsArgument,
    db: IngestDbOption = None,
    published: PublishedOption = None,
    lexical: LexicalOption = False,
    embedder_name: EmbedderOption = None,
) -> None:
    """Store articles (idempotent: the same article twice is stored once) and place new ones in stories."""

    def run() -> int:
        check_published(published)
        problems = 0

        def problem(p: InputProblem) -> None:  # said as met, not kept: a million bad lines cost no memory
            nonlocal problems
            problems += 1
            say(str(p))

        check_inputs(paths)
        store_path = db or Path("storytrace.db")
        skipped = SkipTally()
        with removed_unless_read(paths, store_files(store_path), skipped) as read:
            with open_store(store_path) as store, store.writer(on_wait=say, timeout=lock_timeout()):
                ids, report = ingest_report(paths, store, published, on_problem=problem, on_skipped=skipped)
                read(len(ids), [])
                before = set(store.story_assignments().values())
                with progress_bar() as progress:
                    story_of = assign_stories(store, embedder_for(store, lexical, embedder_name), progress)
        report_updates(report.updated)
        dup = f", {counted(len(report.duplicates), 'duplicate')} of stored articles" if report.duplicates else ""
        dup += f", {len(report.updated)} with new metadata" if report.updated else ""
        opened = len(set(story_of.values()) - before)
        out.print(
            f"{len(report.added)} added, {len(report.unchanged)} already stored{dup}; "
            f"{counted(len(set(story_of.values())), 'story')} ({opened} new)"
        )
        print_skipped(skipped)
        return 1 if problems else 0

    guard(run)


@app.command(cls=WordsCommand)
def analyze(
    paths: PathsArgument,
    out_dir: Annotated[
        Path, typer.Option("--out", metavar="FOLDER", help="Folder for stories.json and report.html.")
    ] = Path("storytrace-out"),
    db: Annotated[
        Path | None,
        db_option("SQLite store, created if missing (default: OUT/storytrace.db)."),
    ] = None,
    published: PublishedOption = None,
    lexical: LexicalOption = False,
    embedder_name: EmbedderOption = None,
) -> None:
    """The main job: ingest, group into stories, align, trace; write stories.json and report.html."""

    def run() -> int:
        check_published(published)
        check_inputs(paths)
        store_path = db or out_dir / "storytrace.db"
        skipped = SkipTally()
        with removed_unless_read(paths, [out_dir, *store_files(store_path)], skipped) as read:
            with open_store(store_path) as store, store.writer(on_wait=say, timeout=lock_timeout()):
                with progress_bar() as progress:
                    embedder = embedder_for(store, lexical, embedder_name)
                    options = AnalysisOptions(embedder=embedder, render=True, progress=progress)
                    result = run_analysis(paths, store, options, published=published, on_skipped=skipped)
                read(len(result.texts), result.problems)
                failed = result.story_problems()
                page = build_report(
                    result, store, problems=failed, out_dir=out_dir
                )  # stories rendered before come from the store
        report_problems(result.problems)
        report_updates(result.updated)
        for line in failed:
            say(line)
        write_outputs(result, page, out_dir)
        report = out_dir / "report.html"
        print_story_table(result)
        out.print(f"wrote {out_dir / 'stories.json'}\nreport: {report.resolve()}")
        print_skipped(skipped)
        return 1 if result.problems or failed else 0

    guard(run)


# The summary printed after ``analyze`` lists this many stories, the largest; the report shows them all.
STORY_TABLE_ROWS = 20


def print_story_table(result: Analysis, console: Console | None = None) -> None:
    """Print the largest stories (the document lists them by size), one row each, and how many there are in all."""
    shown = result.stories[:STORY_TABLE_ROWS]
    title = f"{counted(len(result.stories), 'story')} from {counted(len(result.texts), 'article')}"
    if len(shown) < len(result.stories):
        title += f": the {len(shown)} largest (all of them in report.html)"
    table = Table(title=title, caption=f"passages: {PASSAGE_WORDS}")
    id_column(table, "story")
    for col in ("articles", "outlets", "passages", "related"):
        table.add_column(
            col, overflow="fold", justify="right" if col in ("articles", "passages", "related") else "left"
        )
    id_column(table, "roots")
    table.add_column("title", overflow="fold")
    for outline in shown:
        s = json.loads(outline.text.summary)  # kept beside the story: the story itself is not parsed
        table.add_row(
            plain(outline.id), str(s["articles"]), plain("; ".join(s["outlets"])), str(s["passages"]),
            str(s.get("related", "")), plain("\n".join(s["roots"]), lines=True), plain(shortened(s["title"], 70)),
        )  # fmt: skip
    (console or out).print(table)
