"""What reading a story's typed results costs the report, on the document of 2,000 Reuters bodies.

Times ``story_from_json`` over every story of the document, and the whole report of it (``render_report``).

Run: ``.venv/bin/python bench/speed/report_typed.py [--runs 3]``

Analyses the first 2,000 Reuters-21578 bodies by date as agency copy (as ``tests/test_same_outputs.py`` does, in
a temporary store, lexical features only so that the run is quick), then times, in this process, ``--runs``
times each: reading every story of the ``stories.json`` document into ``model.StoryResult``
(``codec.story.story_from_json``), and ``render_report`` of the document (which reads each story so, then
renders it). Prints the medians. Run it in an older checkout to compare (the reading line is then skipped).
Exits 0 with a "skipped" line when the data is absent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from support.data import reuters_by_date
from support.paths import REUTERS
from support.records import write_records


def median_seconds(work: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not any(REUTERS.glob("reuters21578-*.jsonl")):
        print(f"skipped: {REUTERS} not found")
        return 0
    os.environ["STORYTRACE_LEXICAL_ONLY"] = "1"
    from storytrace.pipeline import analyze
    from storytrace.report import render_report
    from storytrace.store import Store

    bodies = [replace(a, source="Reuters", kind="agency") for a in reuters_by_date(2000)]
    with tempfile.TemporaryDirectory() as tmp:
        records = write_records(Path(tmp) / "reuters.jsonl", bodies)
        with Store(Path(tmp) / "st.db") as store:
            analysis = analyze([records], store)
    document, texts = analysis.document, analysis.texts
    print(f"{len(document['stories'])} stories of {len(texts)} articles; medians of {args.runs}")
    try:
        from storytrace.codec.story import story_from_json
    except ImportError:
        print("story_from_json: not in this version")
    else:
        reading = median_seconds(lambda: [story_from_json(s) for s in document["stories"]], args.runs)
        print(f"story_from_json over every story: {reading * 1000:.0f} ms")
    report = median_seconds(lambda: render_report(document, texts, generated="-"), args.runs)
    print(f"render_report of the document: {report:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
