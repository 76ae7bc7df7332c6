"""Progress callbacks and the time spent per stage (wall and CPU), summed over calls and processes.

Not here: printing them (``terminal``, ``bench/``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """A progress callback that says nothing."""
    return None


@dataclass
class StageTimes:
    """Seconds spent per stage (summed over calls): what ``bench/speed/analyze_speed.py`` prints."""

    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # this process's CPU seconds (others' load aside)
    stories: list[tuple[int, int, float]] = field(default_factory=list)  # (articles, pairs, CPU s) per story

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block under ``name``."""
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - start_cpu

    def add(self, other: StageTimes) -> None:
        """Add another process's times to these."""
        for mine, theirs in ((self.seconds, other.seconds), (self.cpu, other.cpu)):
            for stage, value in theirs.items():
                mine[stage] = mine.get(stage, 0.0) + value
        self.stories.extend(other.stories)
