"""``compare`` (two articles side by side: passages, order, derivation) and ``brief`` (one story's brief).

Not here: the comparison itself (``align.compare``) or the brief (``facts.brief``).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from storytrace.align.compare import compare as compare_articles
from storytrace.cli.common import (
    BRIEF_CITES_SHOWN,
    EmbedderOption,
    LexicalOption,
    PublishedOption,
    ReadDbOption,
    StoryArgument,
    app,
    check_published,
    db_option,
    default_store,
    embedder_for,
    existing_store,
    guard,
    one_article,
    one_line,
    open_store,
    out,
    plain,
    report_problems,
    say,
)
from storytrace.codec.brief import brief_from_json
from storytrace.errors import NotFound
from storytrace.facts.brief import BRIEF_HEADINGS, outlets_text
from storytrace.model import Comparison, InputProblem, StageProblem, articles_text
from storytrace.model_facts import BriefLine
from storytrace.naming import outlet_name
from storytrace.pipeline import (
    latest_story,
)
from storytrace.report.documents import comparison_json, order_json
from storytrace.store import Store
from storytrace.terminal import WordsCommand

RELATION_STYLES = {
    "verbatim": "bold red",
    "near_verbatim": "red",
    "paraphrase": "magenta",
    "same_fact": "blue",
    "related": "dim",
}


@app.command(cls=WordsCommand)
def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="A file holding one article, or an id in the store.")],
    b: Annotated[str, typer.Argument(metavar="B", help="A file holding one article, or an id in the store.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document of CONTRACT.md.")] = False,
    db: Annotated[
        Path | None,
        db_option(
            "The store to look ids up in and keep sentence embeddings in; it must exist unless --create "
            "(default: ids from storytrace.db, embeddings not kept)."
        ),
    ] = None,
    published: PublishedOption = None,
    lexical: LexicalOption = False,
    embedder_name: EmbedderOption = None,
    create: Annotated[bool, typer.Option("--create", help="Start a new store at --db if there is none.")] = False,
) -> None:
    """Compare two articles: aligned passages, reuse, derivation, what only one has.

    Sentence embeddings are cached in the store given by --db (none otherwise).
    """

    def run() -> int:
        check_published(published)
        if db is not None and not create:
            existing_store(db)
        problems: list[InputProblem] = []
        art_a = one_article(a, db, published, problems)
        art_b = one_article(b, db, published, problems)
        report_problems(problems)
        failed: list[StageProblem] = []
        with Store(db) if db is not None else contextlib.nullcontext() as store:
            embedder = embedder_for(store, lexical, embedder_name)
            comparison = compare_articles(art_a, art_b, embedder=embedder, problems=failed)
        if as_json:
            document = comparison_json(comparison, failed)
            sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        else:
            _print_comparison(comparison)
        for p in failed:  # what failed is said after the partial result, which holds what succeeded
            say(f"compare ({articles_text(p.articles)}): {p.stage} failed: {p.error}")
        return 1 if problems or failed else 0

    guard(run)


@app.command(cls=WordsCommand)
def brief(
    story: StoryArgument,
    db: ReadDbOption = None,
) -> None:
    """Print a story's brief: what most outlets carry, where they differ, what only one outlet adds."""

    def run() -> int:
        store_path = db or default_store()
        existing_store(store_path, can_create=False)
        with open_store(store_path) as store:
            found = latest_story(store, story)
        if found is None:
            raise NotFound(
                story, f"no such story in the latest analysis kept in {store_path}; its ids are in stories.json"
            )
        print_brief(found)
        return 0

    guard(run)


def print_brief(story: Mapping[str, Any], console: Console | None = None) -> None:
    """A story's id and title, then each section of its brief: each line, and its sources (article[start:end])."""
    console = console or out
    console.print(Text.assemble((one_line(str(story.get("id", ""))), "bold"), " ", plain(str(story.get("title", "")))))
    found = brief_from_json(story.get("brief"))
    if not found.lines:
        why = "told by one outlet, or nothing to pick" if "brief" in story else "analysed before briefs"
        console.print(f"no brief: {why}")
    for kind, heading in BRIEF_HEADINGS.items():
        lines = found.section(kind)
        if not lines:
            continue
        console.print(Text(heading, style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=2, justify="right")
        grid.add_column(overflow="fold")
        for line in lines:
            grid.add_row("•", _brief_text(line))
        console.print(grid)


def _brief_text(line: BriefLine) -> Text:
    """A line of the brief as printed: its words and outlets, then its sources, dim."""
    said = line.text
    if line.kind != "differ":
        said += f" — {'only ' if line.kind == 'only' else ''}{outlets_text(line.outlets)}"
    shown = [f"{c.article}[{c.span[0]}:{c.span[1]}]" for c in line.cites[:BRIEF_CITES_SHOWN]]
    more = len(line.cites) - len(shown)
    sources = ", ".join(shown) + (f" (+{more})" if more > 0 else "")
    return Text.assemble(plain(said), "\n", (one_line(sources), "dim"))


def order_line(c: Comparison) -> str:
    """Which of the two compared articles is the source, and why (``trace.precedence``)."""
    found = order_json(c)
    named = {"a": f"A ({c.a.id})", "b": f"B ({c.b.id})"}.get(found["source"] or "", "neither")
    return f"{named}: {found['why']}"


def _print_comparison(c: Comparison) -> None:
    head = Table.grid(padding=(0, 2))
    for side, art, clean in (("A", c.a, c.a_clean), ("B", c.b, c.b_clean)):
        head.add_row(side, plain(f"{art.id}  {outlet_name(art)}  {art.title or ''}"),
                     plain(f"credited: {', '.join(clean.credited)}"))  # fmt: skip
    out.print(head)
    verdict = "same story" if c.same_story else "different stories"
    out.print(
        f"{verdict} (score {c.story_score:.2f}) · A covered by B {c.a_covered_by_b:.0%} · "
        f"B covered by A {c.b_covered_by_a:.0%} · B from A: {c.b_from_a} · A from B: {c.a_from_b}",
        markup=False,
    )
    out.print(f"source: {order_line(c)}", markup=False)
    table = Table(show_lines=True)
    table.add_column("relation")
    table.add_column("score", justify="right")
    table.add_column("A", ratio=1, overflow="fold")
    table.add_column("B", ratio=1, overflow="fold")
    for al in c.alignments:
        style = RELATION_STYLES.get(al.relation, "")
        table.add_row(
            f"[{style}]{al.relation}[/]", f"{al.score:.2f}",
            plain(c.a.text[al.a_span[0]:al.a_span[1]], True), plain(c.b.text[al.b_span[0]:al.b_span[1]], True),
        )  # fmt: skip
    out.print(table)
    for label, spans, text in (("only in A", c.only_in_a, c.a.text), ("only in B", c.only_in_b, c.b.text)):
        if spans:
            out.print(f"[bold]{label}[/]")
            for s, e in spans:
                out.print(f"  · {one_line(text[s:e])}", markup=False)
