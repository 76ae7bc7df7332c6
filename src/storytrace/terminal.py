"""How the command line draws on a terminal and off one: widths, progress, help.

* **Width**: on a terminal, tables fit its width; off one (a pipe, a file, a CI log) lines are ``PIPE_WIDTH``
  wide unless ``$COLUMNS`` says otherwise. Either way tables fold text columns at spaces and never break an id:
  the columns holding ids do not wrap (``id_column``).
* **Progress**: on a terminal, a bar per stage (rich); off one, plain lines on stderr, ``progress: cluster
  500/1,000 (50%)``: a stage's first report, its end, and in between at most one line per ``PROGRESS_SECONDS``.
  Problems are the lines that start ``storytrace:``; progress lines never do. ``STORYTRACE_PROGRESS=off``
  silences both kinds of progress, ``lines`` asks for lines on a terminal too, ``bar`` for the bar.
* **Help**: every parameter shows a word for its value (``FILE``, ``FOLDER``, ``N``), a flag none
  (``WordsCommand``), never a Python type such as ``<bool>`` or ``<list[Path]>``.

Not here: what a command prints (``cli``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console, ConsoleDimensions
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

Context = Any  # typer's own click context (``typer._click``), private to it

PIPE_WIDTH = 160  # columns of a line off a terminal, without $COLUMNS
PROGRESS_SECONDS = 5.0  # off a terminal, at most a progress line per stage this often (its first and last aside)

Progress_ = Callable[[str, int, int], None]


class PipeConsole(Console):
    """A rich console as wide as its terminal, or ``PIPE_WIDTH`` (``$COLUMNS`` if set) when it writes elsewhere.

    Rich alone takes the width of any terminal the process has (stdin's, stderr's) and 80 columns without one,
    so a table piped to a file broke ids at 80 columns.
    """

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size on a terminal; ``PIPE_WIDTH`` columns elsewhere (``$COLUMNS`` if set)."""
        found = super().size
        if self.is_terminal or self._width is not None or os.environ.get("COLUMNS", "").isdigit():
            return found
        return ConsoleDimensions(PIPE_WIDTH, found.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


def id_column(table: Table, header: str) -> None:
    """A column of ids (one per line): never wrapped, so an id is never broken in two."""
    table.add_column(header, no_wrap=True)


def progress_mode(console: Console) -> str:
    """``bar``, ``lines`` or ``off``: ``STORYTRACE_PROGRESS`` if it names one, else a bar on a terminal, else lines."""
    chosen = os.environ.get("STORYTRACE_PROGRESS", "").strip().lower()
    if chosen in ("off", "lines", "bar"):
        return chosen
    return "bar" if console.is_terminal else "lines"


class ProgressLines:
    """A progress callback writing plain lines (see the module's docstring); ``say`` writes one line."""

    def __init__(self, say: Callable[[str], None], clock: Callable[[], float] = time.monotonic) -> None:
        self.say = say
        self.clock = clock
        self.last: dict[str, tuple[int, float]] = {}  # stage -> (done, when) at its last line

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Say ``stage``'s progress if it is its first report, its end, or ``PROGRESS_SECONDS`` after the last line."""
        now = self.clock()
        before = self.last.get(stage)
        if before is not None:
            said, when = before
            if done == said or (done < total and now - when < PROGRESS_SECONDS):
                return
        self.last[stage] = (done, now)
        share = f" ({done / total:.0%})" if total > 0 else ""
        self.say(f"progress: {stage} {done:,}/{total:,}{share}")


@contextmanager
def progress(console: Console, enabled: bool = True) -> Iterator[Progress_]:
    """The progress callback for ``console`` (stderr): a bar, lines, or nothing (``progress_mode``)."""
    mode = progress_mode(console) if enabled else "off"
    if mode == "lines":
        yield ProgressLines(lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True))
        return
    if mode == "off":
        yield lambda stage, done, total: None
        return
    columns = (TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield update


class _WordArgument(TyperArgument):
    """An argument whose help shows its metavar alone (``PATH...``), not also its Python type."""

    def display_type_rich(self, ctx: Context) -> str | None:
        """Nothing: the argument's name column already holds its metavar."""
        return None


class _Words:
    """What ``WordsCommand`` and ``WordsGroup`` share: option values named with words, flags and ``--help`` bare."""

    params: list[Any]

    def _name_with_words(self) -> None:
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.__class__ = _WordArgument
            elif isinstance(param, TyperOption) and param.is_flag:
                param.metavar = ""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        """The ``--help`` option, shown without a type."""
        found: TyperOption | None = super().get_help_option(ctx)  # type: ignore[misc]
        if found is not None:
            found.metavar = ""
        return found


class WordsCommand(_Words, TyperCommand):
    """A command whose help names values with words: each option's metavar, nothing for a flag or ``--help``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_with_words()


class WordsGroup(_Words, TyperGroup):
    """The command group (``storytrace --help``), its options shown as ``WordsCommand`` shows a command's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_with_words()
