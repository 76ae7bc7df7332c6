"""The catalogue of user-facing errors.

Every error a user can see is raised as a :class:`StorytraceError` subclass
whose message names the file or record and says what to do. Only the CLI (and
later the web layer) turns them into exit codes; library code just raises.
"""

from __future__ import annotations


class StorytraceError(Exception):
    """Base of every error storytrace reports to a user in one line."""

    exit_code = 1

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class BadInput(StorytraceError):
    """A file or record cannot be read as an article."""


class NotFound(StorytraceError):
    """A path or article id does not exist."""


class StoreConflict(StorytraceError):
    """The store already holds a different article under the same id."""


class StoreBusy(StorytraceError):
    """Another storytrace process kept the store's writer lock for longer than the wait allows."""


class UsageError(StorytraceError):
    """The command was called in a way that cannot work (exit status 2)."""

    exit_code = 2


# Message texts used in more than one place.
E_EMPTY = "empty file: no article text"
E_BINARY = "binary data, not text (is it an image or an archive?)"
E_NO_ID = "record has no 'id'"
E_NO_TEXT = "record has neither 'text' nor 'html'"
E_NOT_JSON = "not valid JSON"
E_CP1252 = "not valid UTF-8 throughout; the bytes that are not UTF-8 read as Windows-1252 (cp1252)"
E_TOO_DEEP_HTML = (
    "HTML nested more than 255 elements deep (the parser's limit); not read, as its text would be cut short"
)


def nul_bytes(count: int) -> str:
    """The problem of a text holding ``count`` NUL bytes, which are read as U+FFFD."""
    return f"{count:,} NUL byte{'s' if count != 1 else ''} (binary zeros) in the text; read as U+FFFD"
