"""Candidate generation against scoring every sentence pair, on METER stories.

    .venv/bin/python bench/quality/candidates.py [--stories 40] [--lexical]

Each METER dev story (its PA files and newspaper articles) is aligned twice
with ``align.policy.compare_story``: once scoring every sentence pair, once on the
indexed candidates of ``align.candidates.story_candidates`` (forced on, whatever
the story's size). Printed: sentence pairs scored each way, the share of the
exact run's alignments that the indexed run also finds (by relation family),
and the time of each run (median over stories of the ratio).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, load_meter_newspapers, load_meter_pa, missing
from storytrace.align import candidates as cand
from storytrace.align import compare as compare_module
from storytrace.align import policy
from storytrace.align.classifier import default_scorer
from storytrace.align.policy import compare_story
from storytrace.model import relation_family
from storytrace.pipeline import prepare_all
from storytrace.semantic import default_embedder


def aligned(comparisons: list) -> set[tuple[str, str, int, str]]:
    out = set()
    for c in comparisons:
        for al in c.alignments:
            for i in al.a_sentences:
                out.add((c.a.id, c.b.id, i, relation_family(al.relation)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--stories", type=int, default=40)
    parser.add_argument("--lexical", action="store_true")
    args = parser.parse_args()
    if missing(args.data, Path("meter") / "pa_sources.jsonl"):
        print("candidates: METER not found", file=sys.stderr)
        return 2
    pa = load_meter_pa(args.data)
    stories: dict[str, list] = {}
    for item in pa.values():
        stories.setdefault(item.story, []).append(item.article)
    for news in load_meter_newspapers(args.data):
        stories.setdefault(news.story, []).append(news.article)
    chosen = sorted(stories.items(), key=lambda kv: -len(kv[1]))[: args.stories]
    embedder = None if args.lexical else default_embedder()
    scorer = default_scorer()
    total_pairs = scored_pairs = 0
    found, kept = Counter(), Counter()
    ratios, exact_times, indexed_times = [], [], []
    for _, articles in chosen:
        members = prepare_all(articles)
        sizes = [len(p.sentences) for p in members]
        total_pairs += sum(x * y for k, x in enumerate(sizes) for y in sizes[k + 1 :])
        policy.STORY_EXACT_MAX_SENTENCES = 10**9
        t = time.perf_counter()
        exact = aligned(compare_story(members, scorer, embedder))
        exact_times.append(time.perf_counter() - t)
        policy.STORY_EXACT_MAX_SENTENCES = 0
        t = time.perf_counter()
        indexed = aligned(compare_story(members, scorer, embedder))
        indexed_times.append(time.perf_counter() - t)
        ratios.append(indexed_times[-1] / exact_times[-1])
        space_pairs = compare_module.sentence_space(members, embedder)
        space_pairs.anchor_max_df = max(2, len(members))
        offsets = [0]
        for x in sizes:
            offsets.append(offsets[-1] + x)
        scored_pairs += sum(len(v) for v in cand.story_candidates(space_pairs, offsets).values())
        for key in exact:
            found[key[3]] += 1
            kept[key[3]] += key in indexed
    print(
        f"{len(chosen)} METER stories, {sum(len(a) for _, a in chosen)} articles, "
        f"features: {'lexical' if embedder is None else 'lexical + MiniLM'}"
    )
    print(f"sentence pairs scored: all {total_pairs:,}, indexed {scored_pairs:,} ({scored_pairs / total_pairs:.1%})")
    for fam in sorted(found):
        print(f"  {fam:<10} exact alignments {found[fam]:6d}, also found indexed {kept[fam] / found[fam]:.1%}")
    print(
        f"time: exact {sum(exact_times):.1f} s, indexed {sum(indexed_times):.1f} s, "
        f"median ratio indexed/exact {statistics.median(ratios):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
