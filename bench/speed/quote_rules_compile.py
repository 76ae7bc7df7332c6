"""What compiling the quote rules' regular expressions costs a process (they compile lazily, on first use).

Run: ``.venv/bin/python bench/speed/quote_rules_compile.py``

Prints each lazily compiled pattern of ``facts.quotes``, ``facts.attribution``, ``facts.speakers``,
``facts.speech_words`` and ``facts.quote_marks`` with its length and compile
time, and the total: what every process that finds quotes (each worker, the
helper) pays once. Medians of three compilations (the ``re`` cache purged before each).
"""

from __future__ import annotations

import re
import statistics
import time

from storytrace.facts import attribution, quote_marks, quotes, speakers, speech_words
from storytrace.text.lazy_pattern import LazyPattern


def compile_ms(source: str, flags: int) -> float:
    """The median milliseconds of three compilations of ``source``."""
    times = []
    for _ in range(3):
        re.purge()
        start = time.perf_counter()
        re.compile(source, flags)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    total = 0.0
    for module in (quotes, attribution, speakers, speech_words, quote_marks):
        for name, value in vars(module).items():
            if isinstance(value, LazyPattern):
                ms = compile_ms(value._source, value._flags)  # noqa: SLF001 - measuring the pattern itself
                total += ms
                print(f"{ms:8.1f} ms  {module.__name__}.{name}  ({len(value._source):,} characters)")  # noqa: SLF001
    print(f"all quote rules: {total:.0f} ms to compile, once per process that finds quotes")


if __name__ == "__main__":
    main()
