"""``storytrace`` as its console script runs it, plus a recorder of the stage times ``analyze`` keeps anyway.

    python bench/_as_cli.py STATS analyze RECORDS --out OUT --db DB

The same as ``storytrace analyze RECORDS --out OUT --db DB`` (``storytrace.cli.main`` with that command line, in
this fresh process, with the environment it was given), but ``pipeline.analyze`` is handed a ``StageTimes`` of our
own instead of making one: at exit its seconds and CPU per stage and its per-story figures (articles, pairs compared,
CPU s) go to STATS as JSON. Nothing else is changed; ``bench/speed/analyze_speed.py`` times the process from outside.

Imports nothing of its own before the command does, so start-up costs what the command's does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    stats, argv = Path(sys.argv[1]), sys.argv[2:]
    from dataclasses import replace

    import storytrace.cli.analysis as commands
    from storytrace.cli import main as command_line
    from storytrace.pipeline import AnalysisOptions, StageTimes

    times = StageTimes()
    command = commands.run_analysis

    def recorded(paths: Any, store: Any, options: AnalysisOptions, **kwargs: Any) -> Any:
        return command(paths, store, replace(options, times=times), **kwargs)

    commands.run_analysis = recorded  # type: ignore[assignment]
    sys.argv = ["storytrace", *argv]
    try:
        command_line()
    finally:
        stats.write_text(json.dumps({"stages": times.seconds, "cpu": times.cpu, "stories": times.stories}))


if __name__ == "__main__":
    main()
