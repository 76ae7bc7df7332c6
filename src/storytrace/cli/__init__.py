"""The ``storytrace`` command: the only place that prints, reads flags and sets exit codes.

Exit status: 0 success; 1 bad input (one line per problem on stderr, the
valid rest still processed and stored); 2 wrong usage. No traceback reaches
the user unless ``STORYTRACE_DEBUG=1``.

One module per group of commands, each registering its commands on the one ``app`` (``common``); they are
imported here in the order ``storytrace --help`` lists them.

Not here: any analysis logic; every command calls library functions.
"""

# isort: off
# The commands register on ``app`` as their module is imported: this order is the order of ``storytrace --help``.
from storytrace.cli import analysis
from storytrace.cli import comparing
from storytrace.cli import grouping
from storytrace.cli import service
from storytrace.cli import batch

# isort: on
from storytrace.cli.common import app, main

COMMANDS = (analysis, comparing, grouping, service, batch)  # registered on import, in this order

__all__ = ["COMMANDS", "app", "main"]
