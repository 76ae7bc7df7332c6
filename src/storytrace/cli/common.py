"""What every command shares: the ``typer`` app, the two consoles, the options, one-line errors, stores, embedders.

``guard`` turns every error into one line and an exit status; ``say`` writes a line on stderr.

Not here: the commands themselves (``analysis``, ``comparing``, ``grouping``, ``service``, ``batch``).
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from storytrace import __version__
from storytrace.errors import BadInput, NotFound, StorytraceError, UsageError
from storytrace.ingest import SkipTally, read_paths
from storytrace.isolation import debugging
from storytrace.model import Article, InputProblem
from storytrace.outputs import atomic_file
from storytrace.published import check as date_problem
from storytrace.published import counting_undated, note_undated, undated_warning
from storytrace.semantic import CachedEmbedder, default_embedder
from storytrace.store import Store
from storytrace.store.lock import WRITER_WAIT_SECONDS
from storytrace.terminal import PipeConsole, WordsGroup, progress

HELP = (
    "Group news into stories, align what articles share, trace who copied whom.\n\n"
    "Exit status: 0 success; 1 bad input (one line per problem on stderr, naming the file or record; what was "
    "valid is still processed and stored); 2 wrong usage. STORYTRACE_DEBUG=1 shows the traceback of an internal "
    "error instead of its one line."
)
app = typer.Typer(cls=WordsGroup, add_completion=False, no_args_is_help=True, help=HELP)
out = PipeConsole(highlight=False)
err = PipeConsole(stderr=True, highlight=False)


def db_option(help_text: str) -> Any:
    """The ``--db FILE`` option, its help saying whether the command creates the store and its default."""
    return typer.Option("--db", metavar="FILE", help=help_text)


# --db as each command uses it: the commands that only read a store say it must exist.
IngestDbOption = Annotated[
    Path | None, db_option("SQLite store to add to, created if missing (default: storytrace.db).")
]
ReadDbOption = Annotated[
    Path | None,
    db_option(
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


def guard(fn: Callable[[], int]) -> None:
    """Run a command body; exit with its status, one line per error, never a traceback.

    Set ``STORYTRACE_DEBUG=1`` to see the traceback of an unexpected error.
    """
    try:
        with counting_undated() as undated:
            code = fn()
        if (warning := undated_warning(undated.count)) is not None:
            say(warning)
    except StorytraceError as e:
        say(str(e))
        raise typer.Exit(e.exit_code) from None
    except (typer.Exit, KeyboardInterrupt):
        raise
    except OSError as e:  # an output folder that cannot be written, a full disk, …
        say(f"{e.filename or 'storytrace'}: {(e.strerror or str(e)).lower()}")
        raise typer.Exit(1) from None
    except sqlite3.Error as e:  # under a store opened without ``open_store``: its last transaction was rolled back
        if debugging():
            raise
        say(f"the store: {e}; it keeps what it had committed")
        raise typer.Exit(1) from None
    except Exception as e:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if debugging():
            raise
        say(f"internal error: {type(e).__name__}: {e}")
        raise typer.Exit(1) from None
    raise typer.Exit(code)


def say(line: str) -> None:
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


def lock_timeout() -> float:
    """Seconds a writer waits for another one: ``STORYTRACE_LOCK_TIMEOUT``, else the store's default."""
    value = os.environ.get("STORYTRACE_LOCK_TIMEOUT")
    if value is None:
        return WRITER_WAIT_SECONDS
    try:
        return max(float(value), 0.0)
    except ValueError:
        raise UsageError("STORYTRACE_LOCK_TIMEOUT", f"'{value}' is not a number of seconds") from None


def check_published(published: str | None) -> None:
    """Refuse a ``--published`` that is not a date."""
    if published is not None and (problem := date_problem(published)) is not None:
        raise UsageError("--published", f"{problem}; e.g. 2024-06-17")


def report_problems(problems: Sequence[InputProblem]) -> None:
    """One line on stderr per problem with the input."""
    for p in problems:
        say(str(p))


def report_updates(updated: Mapping[str, Sequence[str]]) -> None:
    """One line per stored article whose metadata a record changed (its text is the same)."""
    for article_id, changes in updated.items():
        say(f"note: '{article_id}' is stored with the same text; updated its {'; '.join(changes)}")


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """Progress on stderr: a bar per stage on a terminal, plain lines off one (``terminal.progress``)."""
    with progress(err, enabled) as update:
        yield update


def check_inputs(paths: Sequence[Path]) -> None:
    """Refuse, creating nothing, when no input path exists (the readers say a missing path among others)."""
    if paths and not any(os.path.lexists(p) for p in paths):
        for path in paths[:-1]:
            say(f"{path}: no such file or folder")
        raise NotFound(str(paths[-1]), "no such file or folder; nothing stored or written")


class NothingRead(BadInput):
    """The inputs held no article: the command stops, and undoes what it created."""


# The files a store is made of, beside the database itself (SQLite's WAL and shared memory, the writer lock).
STORE_SIDE_FILES = ("-wal", "-shm", ".lock")


def store_files(store_path: Path) -> list[Path]:
    """The store's database and its side files."""
    return [store_path, *(Path(f"{store_path}{suffix}") for suffix in STORE_SIDE_FILES)]


def print_skipped(skipped: SkipTally) -> None:
    """The files the folders held that are not articles, counted by kind (not a problem: no exit status)."""
    if skipped:
        out.print(f"({skipped.summary()})", style="dim")


@contextmanager
def removed_unless_read(
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
            report_problems(problems)
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
def open_store(path: Path) -> Iterator[Store]:
    """``Store(path)``; an SQLite error under it (a full disk) is one line naming it (nothing committed is lost)."""
    with Store(path) as store:
        try:
            yield store
        except sqlite3.Error as e:
            if debugging():
                raise
            raise BadInput(str(path), f"{e}; the store keeps what it had committed") from None


def embedder_for(store: Store | None, lexical: bool, name: str | None = None) -> CachedEmbedder | None:
    """The sentence embedder ``name`` (cached in ``store``), or None for --lexical or without the extra."""
    return None if lexical else default_embedder(store, say=say, choice=name)


# The terminal's caption under the story table: what its "passages" count (``naming.PASSAGE_RELATIONS``).
PASSAGE_WORDS = "aligned spans of the same words or statement (verbatim, near verbatim, paraphrase, same fact)"


def default_store() -> Path:
    """The store a command that reads one uses without --db: ./storytrace.db, else the one analyze keeps by default."""
    here = Path("storytrace.db")
    analysed = Path("storytrace-out") / "storytrace.db"
    return analysed if not here.is_file() and analysed.is_file() else here


def existing_store(path: Path, can_create: bool = True) -> None:
    """Refuse a store that does not exist, naming it (a mistyped --db must not start an empty store)."""
    if not path.is_file():
        create = ", or pass --create to start an empty one" if can_create else ""
        raise NotFound(str(path), f"no such store; {store_hint(path)}{create}")


def store_hint(path: Path) -> str:
    """What to do about a missing store: the store ``analyze --out DIR`` kept next door, if there is exactly one."""
    if path.parent != Path(".") or path.name != "storytrace.db":
        return "run storytrace ingest/analyze first"
    kept = sorted(Path(".").glob("*/storytrace.db"))
    if len(kept) == 1:
        return f"analyze keeps its store in OUT/storytrace.db: pass --db {kept[0]}"
    return "run storytrace ingest/analyze first"


def one_article(ref: str, db: Path | None, published: str | None, problems: list[InputProblem]) -> Article:
    """The single article a path holds, or the stored article with id ``ref``."""
    if os.path.exists(ref):
        articles: list[Article] = []
        for rec in read_paths([ref], published=published):
            if isinstance(rec, InputProblem):
                problems.append(rec)
            else:
                articles.append(rec)
        if len(articles) != 1:
            report_problems(problems)
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


OutLinesOption = Annotated[
    Path | None,
    typer.Option("--out", metavar="FILE", help="Write the lines to this file (default: standard output)."),
]


PAIRS_BATCH = 256


ConfOption = Annotated[
    list[str] | None,
    typer.Option(
        "--conf",
        metavar="KEY=VALUE",
        help="A Spark setting (repeat it), e.g. spark.executor.memory=8g. Default: none beyond storytrace's.",
    ),
]


def shortened(text: str, most: int) -> str:
    """``text`` if it has at most ``most`` characters, else its first ones and an ellipsis, cut between words."""
    if len(text) <= most:
        return text
    return text[: most - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def plain(text: str, lines: bool = False) -> Text:
    """A table cell of input text, shown as it is: brackets are not rich markup, control characters escaped.

    ``one_line`` escapes them; with ``lines``, line breaks are kept.
    """
    if lines:
        return Text("\n".join(one_line(line) for line in text.split("\n")))
    return Text(one_line(text))


def text_sink(out_file: Path | None, stack: contextlib.ExitStack) -> Any:
    """Standard output, or a text file that replaces ``out_file`` whole when the stack closes (``atomic_file``)."""
    if out_file is None:
        return sys.stdout
    text = io.TextIOWrapper(stack.enter_context(atomic_file(out_file)), encoding="utf-8")
    stack.callback(text.detach)  # flushed, and the file left open for atomic_file to finish
    return text
