"""The ``storytrace`` command: the only place that prints, reads flags and sets exit codes.

Exit status: 0 success; 1 bad input (one line per problem on stderr, the
valid rest still processed and stored); 2 wrong usage. No traceback reaches
the user unless ``STORYTRACE_DEBUG=1``.

Not here: any analysis logic; every command calls library functions.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from storytrace import __version__
from storytrace.align.compare import compare as compare_articles
from storytrace.cluster import group_articles
from storytrace.cluster.stream import STREAM_WINDOW_DAYS
from storytrace.codec.brief import brief_from_json
from storytrace.errors import E_BINARY, E_CP1252, BadInput, NotFound, StorytraceError, UsageError
from storytrace.facts.brief import BRIEF_HEADINGS, outlets_text
from storytrace.ingest import SkipTally, read_jsonl, read_paths
from storytrace.ingest.limits import MAX_ARTICLE_BYTES, size_text
from storytrace.ingest.lines import StreamLines
from storytrace.ingest.records import not_json, surrogate_problem
from storytrace.isolation import StageProblem, articles_text, debugging
from storytrace.model import Article, Comparison, InputProblem, story_name
from storytrace.model_facts import BriefLine
from storytrace.naming import counted, outlet_name
from storytrace.outputs import atomic_file, write_atomically
from storytrace.pipeline import (
    Analysis,
    agencies_of,
    assign_stories,
    build_report,
    ingest_report,
    latest_document,
    latest_signatures,
    latest_story,
    prepare_all,
    write_outputs,
)
from storytrace.pipeline import analyze as run_analysis
from storytrace.published import check as date_problem
from storytrace.published import counting_undated, note_undated, undated_warning
from storytrace.report.documents import comparison_json, order_json
from storytrace.semantic import CachedEmbedder, default_embedder
from storytrace.semantic.embed import model_kind
from storytrace.store import Store
from storytrace.store.sqlite import WRITER_WAIT_SECONDS
from storytrace.terminal import PipeConsole, WordsCommand, WordsGroup, id_column, progress

HELP = (
    "Group news into stories, align what articles share, trace who copied whom.\n\n"
    "Exit status: 0 success; 1 bad input (one line per problem on stderr, naming the file or record; what was "
    "valid is still processed and stored); 2 wrong usage. STORYTRACE_DEBUG=1 shows the traceback of an internal "
    "error instead of its one line."
)
app = typer.Typer(cls=WordsGroup, add_completion=False, no_args_is_help=True, help=HELP)
out = PipeConsole(highlight=False)
err = PipeConsole(stderr=True, highlight=False)

RELATION_STYLES = {
    "verbatim": "bold red",
    "near_verbatim": "red",
    "paraphrase": "magenta",
    "same_fact": "blue",
    "related": "dim",
}

# Above this many records the offline grouping's dense similarity matrix gets too
# big (5,000^2 floats = 200 MB): ``cluster --offline`` refuses them.
OFFLINE_MAX_ARTICLES = 5000


def _db_option(help_text: str) -> Any:
    """The ``--db FILE`` option, its help saying whether the command creates the store and its default."""
    return typer.Option("--db", metavar="FILE", help=help_text)


# --db as each command uses it: the commands that only read a store say it must exist.
IngestDbOption = Annotated[
    Path | None, _db_option("SQLite store to add to, created if missing (default: storytrace.db).")
]
ReadDbOption = Annotated[
    Path | None,
    _db_option(
        "The store to read; it must exist (default: storytrace.db, else storytrace-out/storytrace.db, where "
        "analyze keeps it by default)."
    ),
]
LexicalOption = Annotated[
    bool, typer.Option("--lexical", help="Lexical features only: skip the sentence-embedding model.")
]
EmbedderOption = Annotated[
    str | None,
    typer.Option(
        "--embedder",
        metavar="NAME",
        help="Sentence embedder: static (distilled from MiniLM, the default) or minilm. "
        "Default: $STORYTRACE_EMBEDDER, else static.",
    ),
]
PublishedOption = Annotated[
    str | None,
    typer.Option(
        "--published",
        metavar="DATE",
        help="Publication date (ISO 8601) for inputs that carry none (default: none; their relative dates stay "
        "unresolved).",
    ),
]
PathsArgument = Annotated[list[Path], typer.Argument(metavar="PATH", help="Files or folders to read.")]


def main() -> None:
    """Entry point of the console script."""
    app()


def _print_version(value: bool) -> None:
    if value:
        out.print(__version__)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """The options every command shares (the help is ``HELP``)."""


def _guard(fn: Callable[[], int]) -> None:
    """Run a command body; exit with its status, one line per error, never a traceback.

    Set ``STORYTRACE_DEBUG=1`` to see the traceback of an unexpected error.
    """
    try:
        with counting_undated() as undated:
            code = fn()
        if (warning := undated_warning(undated.count)) is not None:
            _say(warning)
    except StorytraceError as e:
        _say(str(e))
        raise typer.Exit(e.exit_code) from None
    except (typer.Exit, KeyboardInterrupt):
        raise
    except OSError as e:  # an output folder that cannot be written, a full disk, …
        _say(f"{e.filename or 'storytrace'}: {(e.strerror or str(e)).lower()}")
        raise typer.Exit(1) from None
    except sqlite3.Error as e:  # under a store opened without ``_open_store``: its last transaction was rolled back
        if debugging():
            raise
        _say(f"the store: {e}; it keeps what it had committed")
        raise typer.Exit(1) from None
    except Exception as e:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if debugging():
            raise
        _say(f"internal error: {type(e).__name__}: {e}")
        raise typer.Exit(1) from None
    raise typer.Exit(code)


def _say(line: str) -> None:
    """One line on stderr, as every error and problem is reported (see ``one_line``)."""
    err.print(f"storytrace: {one_line(line)}", markup=False, soft_wrap=True)


def one_line(text: str) -> str:
    r"""``text`` with every character a terminal would not print as itself escaped (``\n``, ``\x00``, ``\u202e``).

    File names and record ids come from the input: a newline in a file name
    must not split a message in two, nor a bidi override reorder it.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode() for ch in text)


def _lock_timeout() -> float:
    """Seconds a writer waits for another one: ``STORYTRACE_LOCK_TIMEOUT``, else the store's default."""
    value = os.environ.get("STORYTRACE_LOCK_TIMEOUT")
    if value is None:
        return WRITER_WAIT_SECONDS
    try:
        return max(float(value), 0.0)
    except ValueError:
        raise UsageError("STORYTRACE_LOCK_TIMEOUT", f"'{value}' is not a number of seconds") from None


def _check_published(published: str | None) -> None:
    if published is not None and (problem := date_problem(published)) is not None:
        raise UsageError("--published", f"{problem}; e.g. 2024-06-17")


def _report_problems(problems: Sequence[InputProblem]) -> None:
    for p in problems:
        _say(str(p))


def _report_updates(updated: Mapping[str, Sequence[str]]) -> None:
    """One line per stored article whose metadata a record changed (its text is the same)."""
    for article_id, changes in updated.items():
        _say(f"note: '{article_id}' is stored with the same text; updated its {'; '.join(changes)}")


@contextmanager
def _progress_bar(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """Progress on stderr: a bar per stage on a terminal, plain lines off one (``terminal.progress``)."""
    with progress(err, enabled) as update:
        yield update


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
        _check_published(published)
        problems = 0

        def problem(p: InputProblem) -> None:  # said as met, not kept: a million bad lines cost no memory
            nonlocal problems
            problems += 1
            _say(str(p))

        _check_inputs(paths)
        store_path = db or Path("storytrace.db")
        skipped = SkipTally()
        with _removed_unless_read(paths, _store_files(store_path), skipped) as read:
            with _open_store(store_path) as store, store.writer(on_wait=_say, timeout=_lock_timeout()):
                ids, report = ingest_report(paths, store, published, on_problem=problem, on_skipped=skipped)
                read(len(ids), [])
                before = set(store.story_assignments().values())
                with _progress_bar() as progress:
                    story_of = assign_stories(store, _embedder(store, lexical, embedder_name), progress)
        _report_updates(report.updated)
        dup = f", {counted(len(report.duplicates), 'duplicate')} of stored articles" if report.duplicates else ""
        dup += f", {len(report.updated)} with new metadata" if report.updated else ""
        opened = len(set(story_of.values()) - before)
        out.print(
            f"{len(report.added)} added, {len(report.unchanged)} already stored{dup}; "
            f"{counted(len(set(story_of.values())), 'story')} ({opened} new)"
        )
        _print_skipped(skipped)
        return 1 if problems else 0

    _guard(run)


@app.command(cls=WordsCommand)
def analyze(
    paths: PathsArgument,
    out_dir: Annotated[
        Path, typer.Option("--out", metavar="FOLDER", help="Folder for stories.json and report.html.")
    ] = Path("storytrace-out"),
    db: Annotated[
        Path | None,
        _db_option("SQLite store, created if missing (default: OUT/storytrace.db)."),
    ] = None,
    published: PublishedOption = None,
    lexical: LexicalOption = False,
    embedder_name: EmbedderOption = None,
) -> None:
    """The main job: ingest, group into stories, align, trace; write stories.json and report.html."""

    def run() -> int:
        _check_published(published)
        _check_inputs(paths)
        store_path = db or out_dir / "storytrace.db"
        skipped = SkipTally()
        with _removed_unless_read(paths, [out_dir, *_store_files(store_path)], skipped) as read:
            with _open_store(store_path) as store, store.writer(on_wait=_say, timeout=_lock_timeout()):
                with _progress_bar() as progress:
                    embedder = _embedder(store, lexical, embedder_name)
                    result = run_analysis(
                        paths, store, published=published, progress=progress, embedder=embedder, render=True,
                        on_skipped=skipped,
                    )  # fmt: skip
                read(len(result.texts), result.problems)
                failed = result.story_problems()
                page = build_report(
                    result, store, problems=failed, out_dir=out_dir
                )  # stories rendered before come from the store
        _report_problems(result.problems)
        _report_updates(result.updated)
        for line in failed:
            _say(line)
        write_outputs(result, page, out_dir)
        report = out_dir / "report.html"
        print_story_table(result)
        out.print(f"wrote {out_dir / 'stories.json'}\nreport: {report.resolve()}")
        _print_skipped(skipped)
        return 1 if result.problems or failed else 0

    _guard(run)


def _check_inputs(paths: Sequence[Path]) -> None:
    """Refuse, creating nothing, when no input path exists (the readers say a missing path among others)."""
    if paths and not any(os.path.lexists(p) for p in paths):
        for path in paths[:-1]:
            _say(f"{path}: no such file or folder")
        raise NotFound(str(paths[-1]), "no such file or folder; nothing stored or written")


class NothingRead(BadInput):
    """The inputs held no article: the command stops, and undoes what it created."""


# The files a store is made of, beside the database itself (SQLite's WAL and shared memory, the writer lock).
STORE_SIDE_FILES = ("-wal", "-shm", ".lock")


def _store_files(store_path: Path) -> list[Path]:
    return [store_path, *(Path(f"{store_path}{suffix}") for suffix in STORE_SIDE_FILES)]


def _print_skipped(skipped: SkipTally) -> None:
    """The files the folders held that are not articles, counted by kind (not a problem: no exit status)."""
    if skipped:
        out.print(f"({skipped.summary()})", style="dim")


@contextmanager
def _removed_unless_read(
    paths: Sequence[Path], made: Sequence[Path], skipped: SkipTally
) -> Iterator[Callable[[int, Any], None]]:
    """Undo the files and folders among ``made`` that the block created, if it read no article.

    The block calls the function it gets with the number of articles read
    (and the problems met); with none, it raises ``BadInput`` saying so, and
    what this command created (the output folder, a new store) is removed: a
    run that reads nothing leaves nothing behind.
    """
    new = [p for p in made if not os.path.lexists(p)]

    def read(count: int, problems: Sequence[InputProblem]) -> None:
        if count == 0:
            _report_problems(problems)
            said = f"{skipped.summary()}; " if skipped else ""
            raise NothingRead(f"no articles in {', '.join(map(str, paths))}", f"{said}nothing stored or written")

    try:
        yield read
    except NothingRead:  # only then: a store begun by a run that was interrupted keeps what it committed
        for path in sorted(new, key=lambda p: -len(p.parts)):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
        raise


@contextmanager
def _open_store(path: Path) -> Iterator[Store]:
    """``Store(path)``; an SQLite error under it (a full disk) is one line naming it (nothing committed is lost)."""
    with Store(path) as store:
        try:
            yield store
        except sqlite3.Error as e:
            if debugging():
                raise
            raise BadInput(str(path), f"{e}; the store keeps what it had committed") from None


def _embedder(store: Store | None, lexical: bool, name: str | None = None) -> CachedEmbedder | None:
    """The sentence embedder ``name`` (cached in ``store``), or None for --lexical or without the extra."""
    return None if lexical else default_embedder(store, say=_say, choice=name)


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
            _plain(outline.id), str(s["articles"]), _plain("; ".join(s["outlets"])), str(s["passages"]),
            str(s.get("related", "")), _plain("\n".join(s["roots"]), lines=True), _plain(_cut(s["title"], 70)),
        )  # fmt: skip
    (console or out).print(table)


# The terminal's caption under the story table: what its "passages" count (``naming.PASSAGE_RELATIONS``).
PASSAGE_WORDS = "aligned spans of the same words or statement (verbatim, near verbatim, paraphrase, same fact)"


@app.command(cls=WordsCommand)
def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="A file holding one article, or an id in the store.")],
    b: Annotated[str, typer.Argument(metavar="B", help="A file holding one article, or an id in the store.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document of CONTRACT.md.")] = False,
    db: Annotated[
        Path | None,
        _db_option(
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
        _check_published(published)
        if db is not None and not create:
            _existing_store(db)
        problems: list[InputProblem] = []
        art_a = _one_article(a, db, published, problems)
        art_b = _one_article(b, db, published, problems)
        _report_problems(problems)
        failed: list[StageProblem] = []
        with Store(db) if db is not None else contextlib.nullcontext() as store:
            embedder = _embedder(store, lexical, embedder_name)
            comparison = compare_articles(art_a, art_b, embedder=embedder, problems=failed)
        if as_json:
            document = comparison_json(comparison, failed)
            sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        else:
            _print_comparison(comparison)
        for p in failed:  # what failed is said after the partial result, which holds what succeeded
            _say(f"compare ({articles_text(p.articles)}): {p.stage} failed: {p.error}")
        return 1 if problems or failed else 0

    _guard(run)


def _default_store() -> Path:
    """The store a command that reads one uses without --db: ./storytrace.db, else the one analyze keeps by default."""
    here = Path("storytrace.db")
    analysed = Path("storytrace-out") / "storytrace.db"
    return analysed if not here.is_file() and analysed.is_file() else here


def _existing_store(path: Path, can_create: bool = True) -> None:
    """Refuse a store that does not exist, naming it (a mistyped --db must not start an empty store)."""
    if not path.is_file():
        create = ", or pass --create to start an empty one" if can_create else ""
        raise NotFound(str(path), f"no such store; {_store_hint(path)}{create}")


def _store_hint(path: Path) -> str:
    """What to do about a missing store: the store ``analyze --out DIR`` kept next door, if there is exactly one."""
    if path.parent != Path(".") or path.name != "storytrace.db":
        return "run storytrace ingest/analyze first"
    kept = sorted(Path(".").glob("*/storytrace.db"))
    if len(kept) == 1:
        return f"analyze keeps its store in OUT/storytrace.db: pass --db {kept[0]}"
    return "run storytrace ingest/analyze first"


def _one_article(ref: str, db: Path | None, published: str | None, problems: list[InputProblem]) -> Article:
    """The single article a path holds, or the stored article with id ``ref``."""
    if os.path.exists(ref):
        articles: list[Article] = []
        for rec in read_paths([ref], published=published):
            if isinstance(rec, InputProblem):
                problems.append(rec)
            else:
                articles.append(rec)
        if len(articles) != 1:
            _report_problems(problems)
            raise BadInput(ref, f"holds {len(articles)} articles; compare needs a path with exactly one")
        return articles[0]
    store_path = db or Path("storytrace.db")
    if not store_path.exists():
        raise NotFound(ref, f"no such file, and no store {store_path} to look the id up in")
    with Store(store_path) as store:
        found = store.get(ref)
    if found is None:
        raise NotFound(ref, f"no such file, and no article with this id in {store_path}")
    if published and not found.published:
        found = replace(found, published=published)
    note_undated(found.published)
    return found


# The story brief (``facts.brief``): printed from the store's latest analysis.
BRIEF_CITES_SHOWN = 8  # sources listed per line; stories.json has them all
StoryArgument = Annotated[
    str, typer.Argument(metavar="STORY", help="A story's id, as stories.json and the report name it (s1, …).")
]


@app.command(cls=WordsCommand)
def brief(
    story: StoryArgument,
    db: ReadDbOption = None,
) -> None:
    """Print a story's brief: what most outlets carry, where they differ, what only one outlet adds."""

    def run() -> int:
        store_path = db or _default_store()
        _existing_store(store_path, can_create=False)
        with _open_store(store_path) as store:
            found = latest_story(store, story)
        if found is None:
            raise NotFound(
                story, f"no such story in the latest analysis kept in {store_path}; its ids are in stories.json"
            )
        print_brief(found)
        return 0

    _guard(run)


def print_brief(story: Mapping[str, Any], console: Console | None = None) -> None:
    """A story's id and title, then each section of its brief: each line, and its sources (article[start:end])."""
    console = console or out
    console.print(Text.assemble((one_line(str(story.get("id", ""))), "bold"), " ", _plain(str(story.get("title", "")))))
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
    return Text.assemble(_plain(said), "\n", (one_line(sources), "dim"))


def _cut(text: str, most: int) -> str:
    """``text`` if it has at most ``most`` characters, else its first ones and an ellipsis, cut between words."""
    if len(text) <= most:
        return text
    return text[: most - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def _plain(text: str, lines: bool = False) -> Text:
    """A table cell of input text, shown as it is: brackets are not rich markup, control characters escaped.

    ``one_line`` escapes them; with ``lines``, line breaks are kept.
    """
    if lines:
        return Text("\n".join(one_line(line) for line in text.split("\n")))
    return Text(one_line(text))


def order_line(c: Comparison) -> str:
    """Which of the two compared articles is the source, and why (``trace.precedence``)."""
    found = order_json(c)
    named = {"a": f"A ({c.a.id})", "b": f"B ({c.b.id})"}.get(found["source"] or "", "neither")
    return f"{named}: {found['why']}"


def _print_comparison(c: Comparison) -> None:
    head = Table.grid(padding=(0, 2))
    for side, art, clean in (("A", c.a, c.a_clean), ("B", c.b, c.b_clean)):
        head.add_row(side, _plain(f"{art.id}  {outlet_name(art)}  {art.title or ''}"),
                     _plain(f"credited: {', '.join(clean.credited)}"))  # fmt: skip
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
            _plain(c.a.text[al.a_span[0]:al.a_span[1]], True), _plain(c.b.text[al.b_span[0]:al.b_span[1]], True),
        )  # fmt: skip
    out.print(table)
    for label, spans, text in (("only in A", c.only_in_a, c.a.text), ("only in B", c.only_in_b, c.b.text)):
        if spans:
            out.print(f"[bold]{label}[/]")
            for s, e in spans:
                out.print(f"  · {one_line(text[s:e])}", markup=False)


OutLinesOption = Annotated[
    Path | None,
    typer.Option("--out", metavar="FILE", help="Write the lines to this file (default: standard output)."),
]


@app.command(cls=WordsCommand)
def cluster(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT.jsonl", help="Article records, one JSON per line.")],
    out_file: OutLinesOption = None,
    stream: Annotated[
        bool, typer.Option("--stream", help="The streaming clusterer (the default; kept for scripts).")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Offline average-link clustering instead (at most 5,000 records).")
    ] = False,
    window_days: Annotated[
        float,
        typer.Option(
            "--window-days",
            metavar="DAYS",
            help="The horizon: stories silent this long leave the index (default 3 years; at most 20,000 stories are "
            "indexed, the least recently active leave first).",
            min=1.0,
        ),
    ] = STREAM_WINDOW_DAYS,
    lexical: LexicalOption = False,
    embedder_name: EmbedderOption = None,
) -> None:
    """Group records into stories; print {"id", "story"} per record in input order."""

    def run() -> int:
        if offline and not stream:
            return _cluster_offline(input_path, out_file)
        records: list[tuple[str, str]] = []  # (id, content hash) of each record read, in input order
        problems = 0

        def problem(p: InputProblem) -> None:
            nonlocal problems
            problems += 1
            _say(str(p))

        def read() -> Iterator[Article | InputProblem]:
            for rec in read_jsonl(input_path):  # streamed, within the limits of ingest.limits
                if isinstance(rec, Article):
                    records.append((rec.id, rec.content_hash))
                yield rec

        # The very code ingest and analyze run, on a store of its own: the same records in the same order get
        # the same stories, numbered alike (s1 the first story opened), whichever command places them.
        with tempfile.TemporaryDirectory(prefix="storytrace-cluster-") as folder:
            with Store(Path(folder) / "cluster.db") as store, store.writer():
                report = store.add(read(), on_problem=problem)
                with _progress_bar() as progress:
                    embedder = _embedder(store, lexical, embedder_name)
                    story = assign_stories(store, embedder, progress, window_days=window_days)
                kept = {aid: found.content_hash for aid in report.conflicts if (found := store.get(aid)) is not None}
        lines = []
        for article_id, digest in records:
            placed = story.get(report.duplicates.get(article_id, article_id))
            if placed is not None and kept.get(article_id, digest) == digest:  # a refused record has no story
                lines.append(json.dumps({"id": article_id, "story": story_name(placed)}, ensure_ascii=False))
        _write_lines(lines, out_file)
        return 1 if problems else 0

    _guard(run)


def _cluster_offline(input_path: Path, out_file: Path | None) -> int:
    """``cluster --offline``: average-link clustering of every record at once (``grouping.group_articles``)."""
    problems: list[InputProblem] = []
    articles: list[Article] = []
    for rec in read_jsonl(input_path):
        (problems if isinstance(rec, InputProblem) else articles).append(rec)  # type: ignore[arg-type]
    _report_problems(problems)
    if len(articles) > OFFLINE_MAX_ARTICLES:
        raise UsageError(
            str(input_path), f"--offline takes at most {OFFLINE_MAX_ARTICLES:,} records; drop it to stream"
        )
    with _progress_bar() as progress:
        prepared = prepare_all(articles, agencies_of(articles), progress=progress)
    story_of: dict[int, str] = {}
    for n, group in enumerate(group_articles(prepared), start=1):
        story_of.update((i, f"s{n}") for i in group)
    lines = [json.dumps({"id": a.id, "story": story_of[k]}, ensure_ascii=False) for k, a in enumerate(articles)]
    _write_lines(lines, out_file)
    return 1 if problems else 0


def _write_lines(lines: Sequence[str], out_file: Path | None) -> None:
    """JSON lines to ``out_file`` (written whole or not at all) or to stdout."""
    text = "\n".join(lines) + ("\n" if lines else "")
    if out_file:
        write_atomically(out_file, text.encode("utf-8"))
    else:
        sys.stdout.write(text)


PAIRS_BATCH = 256


@app.command(cls=WordsCommand)
def pairs(
    input_path: Annotated[str, typer.Argument(metavar="INPUT.jsonl", help='{"id", "a", "b"} per line; - for stdin.')],
    out_file: OutLinesOption = None,
    db: Annotated[
        Path | None,
        _db_option("A store to keep sentence embeddings in, created if missing (default: none: kept in memory)."),
    ] = None,
    lexical: LexicalOption = False,
    embedder_name: EmbedderOption = None,
) -> None:
    """Name the relation of each text pair; print {"id", "relation", "score", "paraphrase"} per line.

    Streams: reads and writes in batches, so the input can be any size. Sentence
    embeddings are cached in the store given by --db (in memory otherwise).
    """
    from storytrace.align.classifier import TrainedRelations, embedding_model
    from storytrace.align.pairs import classify_pairs

    def run() -> int:
        bad = 0
        store = Store(db) if db is not None else None
        try:
            embedder = _embedder(store, lexical, embedder_name)
            scorer = TrainedRelations(semantic=embedding_model(model_kind(embedder)), copy_evidence=False)
            source = sys.stdin.buffer if input_path == "-" else _open_binary(input_path)
            total = os.path.getsize(input_path) if input_path != "-" else 0
            with contextlib.ExitStack() as stack:
                sink = _text_sink(out_file, stack)
                bad = _classify_lines(source, input_path, total, sink, scorer, embedder)
        finally:
            if store is not None:
                store.close()
        return 1 if bad else 0

    def _classify_lines(source: Any, input_path: str, total: int, sink: Any, scorer: Any, embedder: Any) -> int:
        bad = 0
        with source, _progress_bar(total > 0) as progress:
            batch: list[tuple[str | int, str, str]] = []
            for number, item in _pair_items(source, input_path):
                if item is None:
                    bad += 1
                    continue
                batch.append(item)
                if len(batch) >= PAIRS_BATCH:
                    _write_verdicts(sink, classify_pairs(batch, scorer, embedder))
                    batch = []
                    progress("pairs", source.tell() if total else number, total)
            _write_verdicts(sink, classify_pairs(batch, scorer, embedder))
            progress("pairs", total, total)
        return bad

    _guard(run)


def _text_sink(out_file: Path | None, stack: contextlib.ExitStack) -> Any:
    """Standard output, or a text file that replaces ``out_file`` whole when the stack closes (``atomic_file``)."""
    if out_file is None:
        return sys.stdout
    text = io.TextIOWrapper(stack.enter_context(atomic_file(out_file)), encoding="utf-8")
    stack.callback(text.detach)  # flushed, and the file left open for atomic_file to finish
    return text


def _open_binary(path: str) -> Any:
    try:
        return open(path, "rb")
    except OSError as e:
        raise BadInput(path, f"cannot read: {e.strerror}") from None


def _pair_items(source: Any, path: str) -> Iterator[tuple[int, tuple[str | int, str, str] | None]]:
    """``(line number, (id, a, b))`` per non-blank line of ``source`` (binary), None after saying what is wrong.

    Lines are split as they stream (:class:`StreamLines`): a line over the
    limit for one record is refused without being held, so memory stays bounded.
    """
    lines = StreamLines(iter(lambda: source.read1(1 << 20), b""), MAX_ARTICLE_BYTES)
    if lines.binary:
        raise BadInput(path, E_BINARY)
    number = 0
    try:
        for number, line in enumerate(lines, start=1):
            if line is None:
                _say(f"{path}:{number}: line over the limit for one pair ({size_text(MAX_ARTICLE_BYTES)}); skipped")
                yield number, None
            elif (line := line.removeprefix("\ufeff")).strip():  # a BOM on any line: files joined together
                yield number, _pair_item(line, path, number)
    except UnicodeDecodeError as e:  # a UTF-16/32 input that breaks off
        _say(f"{path}:{number + 1}: not valid {e.encoding.upper()} ({e.reason}); stopped reading there")
        yield number + 1, None
    if lines.fallback:
        _say(f"{path}: {E_CP1252}")
        yield number, None


def _pair_item(line: str, path: str, number: int) -> tuple[str | int, str, str] | None:
    """``(id, a, b)`` of one input line (the id echoed as given), or None after saying what is wrong."""
    try:
        rec = json.loads(line)
    except (ValueError, RecursionError) as e:
        _say(f"{path}:{number}: {not_json(e)}")
        return None
    if not isinstance(rec, dict) or not isinstance(rec.get("a"), str) or not isinstance(rec.get("b"), str):
        _say(f'{path}:{number}: needs an object with text fields "a" and "b"')
        return None
    pair_id = rec.get("id", str(number))
    if not isinstance(pair_id, str | int):
        pair_id = json.dumps(pair_id)
    strings = [("a", rec["a"]), ("b", rec["b"]), *([("id", pair_id)] if isinstance(pair_id, str) else [])]
    problem = next((p for name, value in strings if (p := surrogate_problem(name, value)) is not None), None)
    if problem is not None:
        _say(f"{path}:{number}: {problem}")
        return None
    return (pair_id, rec["a"], rec["b"])


def _write_verdicts(sink: Any, verdicts: Sequence[Any]) -> None:
    for v in verdicts:
        sink.write(json.dumps(v.as_json(), ensure_ascii=False) + "\n")
    sink.flush()


@app.command(cls=WordsCommand)
def serve(
    db: Annotated[
        Path | None,
        _db_option(
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
        store_path = db or (Path("storytrace.db") if create else _default_store())
        if not create:
            _existing_store(store_path)
        hosts = AllowedHosts.of([host, *(allow_host or [])])
        with listening_socket(host, port) as sock:
            with Store(store_path):  # opens (or creates) it now, so a bad --db is one line, not a traceback
                pass
            out.print(f"storytrace web UI on http://{host}:{port}/ (store {store_path}); Ctrl+C stops it")
            web_app = create_app(store_path, _embedder(None, lexical, embedder_name), hosts)
            run_server(web_app, sock)
        return 0

    _guard(run)


@app.command(cls=WordsCommand)
def prune(db: ReadDbOption = None) -> None:
    """Drop what the store keeps for stories its latest analysis no longer has, then compact the file.

    Each analysis keeps every story's result and rendering, so that a later
    run re-uses them; a story that grew, or a new storytrace version, leaves
    the old ones behind. Only the latest analysis's stories are kept; a story
    dropped is analysed again if a later run has it.
    """

    def run() -> int:
        store_path = db or _default_store()
        _existing_store(store_path, can_create=False)
        with Store(store_path) as store, store.writer(on_wait=_say, timeout=_lock_timeout()):
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

    _guard(run)


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
        store_path = db or _default_store()
        _existing_store(store_path, can_create=False)
        with Store(store_path) as store:
            document = latest_document(store)
        if document is None:
            raise BadInput(str(store_path), "holds no analysis to export: run storytrace analyze first")
        if fmt == "parquet" and out_file is not None:
            write_atomically(out_file, tables.parquet_bytes(table, table.rows(document)))
            return 0
        try:
            with contextlib.ExitStack() as stack:
                _text_sink(out_file, stack).writelines(tables.text_lines(table, fmt, document))
        except BrokenPipeError:  # the reader stopped (``| head``): it has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        return 0

    _guard(run)


ConfOption = Annotated[
    list[str] | None,
    typer.Option(
        "--conf",
        metavar="KEY=VALUE",
        help="A Spark setting (repeat it), e.g. spark.executor.memory=8g. Default: none beyond storytrace's.",
    ),
]


@app.command(cls=WordsCommand)
def batch(
    input_path: Annotated[
        str, typer.Argument(metavar="INPUT", help="JSON Lines or Parquet: a file, folder or glob; any URI Spark reads.")
    ],
    engine: Annotated[
        str, typer.Option("--engine", metavar="NAME", help="The engine: spark (the only one for now).")
    ] = "spark",
    out_dir: Annotated[
        str,
        typer.Option(
            "--out", metavar="FOLDER", help="Output folder (any URI Spark writes): JSON Lines, tables, stage data."
        ),
    ] = "storytrace-batch",
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            metavar="URL",
            help="Spark master: local[4], spark://host:7077, yarn, k8s://… (default: the one spark-submit set, "
            "else local[*]).",
        ),
    ] = None,
    conf: ConfOption = None,
    stop_after: Annotated[
        str,
        typer.Option(
            "--stop-after", metavar="STAGE", help="Last stage to run: clean, dedup, cluster, analyze or write."
        ),
    ] = "write",
    input_format: Annotated[
        str | None,
        typer.Option("--format", metavar="FORMAT", help="jsonl or parquet (default: from the file names)."),
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option("--partitions", metavar="N", help="Tasks per heavy stage (default: sized by the work).", min=1),
    ] = None,
    slice_articles: Annotated[
        int,
        typer.Option(
            "--slice-articles", metavar="N", help="Cluster in parallel time slices of N articles (0: one exact pass)."
        ),
    ] = 0,
) -> None:
    """The analysis on Apache Spark: OUT/stories.jsonl, OUT/articles.jsonl and Parquet tables in OUT/tables.

    Each stage keeps its result under OUT/stages and is skipped when run again on the same input.
    """

    def run() -> int:
        if engine != "spark":
            raise UsageError("--engine", f"'{engine}' is not available: use spark (or `storytrace analyze`)")
        settings = _spark_conf(conf or [])
        try:
            from storytrace.spark.batch import BatchOptions, display
            from storytrace.spark.run import run_batch
            from storytrace.spark.session import session
        except ImportError as e:
            needs = e.name or "pyspark"
            raise UsageError("batch", f"the Spark engine needs {needs}: pip install 'storytrace[spark]'") from None
        options = BatchOptions(
            input=input_path, out=out_dir, input_format=input_format, stop_after=stop_after,
            partitions=partitions, slice_articles=slice_articles,
        )  # fmt: skip
        with _spark_session(session, master, settings) as spark:
            result = run_batch(spark, options, _stage_line)
        for line in result.problems:
            _say(line)
        if result.problem_count > len(result.problems):
            more = result.problem_count - len(result.problems)
            where = display(result.out)
            _say(f"… {more} more: the input's in {where}/problems.jsonl, the stories' in {where}/stories.jsonl")
        _print_batch_summary(result)
        return 1 if result.problem_count else 0

    _guard(run)


def _spark_conf(pairs: Sequence[str]) -> dict[str, str]:
    """``--conf key=value`` settings as a dict; a malformed one is a usage error."""
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError("--conf", f"'{pair}' is not key=value (e.g. spark.executor.memory=8g)")
        settings[key.strip()] = value
    return settings


@contextmanager
def _spark_session(session: Callable[..., Any], master: str | None, settings: dict[str, str]) -> Iterator[Any]:
    """The Spark session; a Spark that cannot start (no Java) is one line, not a traceback."""
    opened = session(master=master, conf=settings, progress_bar=err.is_terminal)
    try:
        spark = opened.__enter__()
    except Exception as e:  # noqa: BLE001 - pyspark raises its own error types when the JVM cannot start
        if debugging():
            raise
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise UsageError("batch", f"cannot start Spark ({first}); it needs Java 17 on PATH or JAVA_HOME") from None
    try:
        yield spark
    finally:
        opened.__exit__(None, None, None)


def _stage_line(stage: str, event: str, figures: dict[str, Any]) -> None:
    """One line on stderr per finished or skipped stage."""
    if event == "start":
        if err.is_terminal:
            err.print(f"{stage:<8} running …", style="dim", markup=False, highlight=False, soft_wrap=True)
        return
    if event == "skipped":
        err.print(f"{stage:<8} done before, skipped", markup=False, highlight=False, soft_wrap=True)
        return
    shown = [(k.replace("_", " "), v) for k, v in figures.items() if isinstance(v, int | float) and k != "seconds"]
    details = ", ".join(f"{name} {value:,}" for name, value in shown)
    line = f"{stage:<8} {figures.get('seconds', 0):.1f} s  {details}"
    err.print(line.rstrip(), markup=False, highlight=False, soft_wrap=True)


def _print_batch_summary(result: Any) -> None:
    from storytrace.spark.batch import display

    where = display(result.out)
    clean, cluster, analyzed = (result.figures(s) for s in ("clean", "cluster", "analyze"))
    parts = []
    if clean:
        parts.append(counted(clean.get("articles", 0), "article"))
    if cluster:
        parts.append(f"{counted(cluster.get('stories', 0), 'story')} (largest {cluster.get('largest_story', 0):,})")
    if analyzed:
        parts.append(counted(analyzed.get("alignments", 0), "alignment"))  # related ones too: not "passages"
    out.print(", ".join(parts) or "nothing to do", soft_wrap=True)
    if result.figures("write"):
        out.print(f"wrote {where}/stories.jsonl, {where}/articles.jsonl, tables in {where}/tables/", soft_wrap=True)
    else:
        last = result.stages[-1].stage if result.stages else "-"
        out.print(f"stopped after {last}; stage data in {where}/stages/", soft_wrap=True)
