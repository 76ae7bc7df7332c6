"""The story brief's cost (``facts.brief.brief_of``) on each story of the demo corpus, beside the facts it reads.

    .venv/bin/python bench/speed/brief_speed.py [--runs 50]

Groups and aligns the demo corpus as ``analyze`` does (lexical), then times,
per story of two or more articles, ``brief_of`` alone and ``compare_facts``
(what the brief is picked from): medians over ``--runs`` runs, process time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from storytrace.align.compare import prepare
from storytrace.align.policy import compare_story
from storytrace.align.relation import LexicalRelations
from storytrace.facts.brief import brief_of
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.pipeline import analyze, compare_facts, member_order
from storytrace.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def median_ms(work: Callable[[], object], runs: int) -> float:
    spent = []
    for _ in range(runs):
        start = time.process_time()
        work()
        spent.append(time.process_time() - start)
    return statistics.median(spent) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="runs per story (default %(default)s)")
    args = parser.parse_args()
    articles = {a.id: a for a in read_paths([EXAMPLES]) if isinstance(a, Article)}
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "st.db") as store:
        stories = analyze([EXAMPLES], store).document["stories"]
    for story in stories:
        if len(story["articles"]) < 2:
            continue
        members = [prepare(articles[i]) for i in sorted(story["articles"], key=lambda i: member_order(articles[i]))]
        comparisons = compare_story(members, LexicalRelations())
        facts = compare_facts(members, comparisons)
        brief = median_ms(partial(brief_of, members, comparisons, facts), args.runs)
        found = median_ms(partial(compare_facts, members, comparisons), max(1, args.runs // 10))
        lines = len(brief_of(members, comparisons, facts).lines)
        print(f"{story['id']}: {len(members)} articles, {lines} lines; brief {brief:.2f} ms, facts {found:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
