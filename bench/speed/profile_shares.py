"""The share of a cProfile's time under each pipeline stage's entry function.

Run: ``.venv/bin/python bench/speed/profile_shares.py FILE.prof``

``FILE.prof`` is what ``bench/speed/analyze_speed.py --mode inprocess --profile FILE`` writes beside ``FILE`` (with
``STORYTRACE_WORKERS=1 STORYTRACE_AHEAD=0`` the per-story work and the facts stay in the profiled process), or
``python -m cProfile -o FILE.prof -m storytrace analyze …``. The total is the sum of every function's own time;
each stage's figure is the cumulative time under its entry function (nested entries overlap).
"""

from __future__ import annotations

import argparse
import pstats

STAGES = (
    ("ingest", "ingest_report"),
    ("cluster", "assign_stories"),
    ("align", "compare_story"),
    ("  embed (sentence vectors)", "encode"),
    ("trace", "story_provenance"),
    ("facts", "compare_facts"),
    ("  facts: spaCy entities", "entity_mentions_many"),
    ("  facts: article_facts", "article_facts"),
    ("document", "story_result"),
    ("  document: story_to_json", "story_to_json"),
    ("report: render_story", "render_story"),
    ("report: build_report", "build_report"),
    ("write_outputs", "write_outputs"),
    ("store writes", "save_analysis"),
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("profile", help="a cProfile statistics file")
    args = ap.parse_args()
    stats = pstats.Stats(args.profile).stats  # type: ignore[attr-defined]
    total = sum(own for (_, _, own, _, _) in stats.values())
    print(f"profiled total (sum of own times): {total:.1f} s")
    for label, function in STAGES:
        for (path, line, name), (_, _, _, cumulative, _) in stats.items():
            if name == function and "storytrace" in path:
                where = f"{path.rsplit('/', 1)[-1]}:{line}"
                print(f"{label:30s} {where:40s} {cumulative:8.1f} s  {100 * cumulative / total:5.1f} %")


if __name__ == "__main__":
    main()
