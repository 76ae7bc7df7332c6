"""CPU milliseconds per aligned pair of two 1,000-word articles: alignment alone, and the whole story analysis.

Run: ``.venv/bin/python bench/speed/pair_cost.py [--rounds 3] [--lexical]``

The pairs: every two Giveme5W1H development articles of the same story with
800-1,200 words each (23 pairs in 10 stories). Each pair is analysed as a
story of its own, as ``analyze`` does a two-article story: ``compare_story``
(sentence space, candidates, alignment, the derivation model), then the
whole ``analyze_story`` (alignment, trace, facts with entity recognition
when the two outlets differ, the document). Each round runs in a fresh
process, so nothing one pair computed is cached for another's texts; the
figure is the median over pairs, and the median of the rounds' medians is
printed last. The static embedder (``--lexical``: none). Exits 0 with a
"skipped" line when the data is absent.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, GIVEME_FILE, load_giveme, missing  # noqa: E402

WORDS = (800, 1200)


def long_pairs(data: Path) -> list[tuple[int, int]]:
    """Indexes into ``load_giveme(data)`` of every two same-story articles of ``WORDS`` words each."""
    items = load_giveme(data)
    by_story: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        if WORDS[0] <= len(item.article.text.split()) <= WORDS[1]:
            by_story.setdefault(str(item.story), []).append(k)
    return [pair for ks in by_story.values() for pair in itertools.combinations(ks, 2)]


def child(data: Path, lexical: bool) -> None:
    """One round: print a JSON line with each pair's words and CPU ms (alignment, whole story)."""
    from storytrace import pipeline
    from storytrace.align import policy
    from storytrace.align.classifier import default_scorer
    from storytrace.align.compare import prepare
    from storytrace.clean import agencies_of
    from storytrace.facts.entities import load_model
    from storytrace.semantic.embed import chosen_embedder, model_kind

    items = load_giveme(data)
    embedder = None if lexical else chosen_embedder()
    scorer = default_scorer(model_kind(embedder))
    load_model()  # loaded once, as the workers of a run share it
    rows = []
    for i, j in long_pairs(data):
        arts = sorted((items[i].article, items[j].article), key=pipeline.member_order)
        agencies = agencies_of(arts)
        members = [prepare(a, agencies) for a in arts]
        start = time.process_time()
        policy.compare_story(members, scorer, embedder)
        aligned = time.process_time() - start
        members = [prepare(a, agencies) for a in arts]
        start = time.process_time()
        pipeline.analyze_story("s1", members, scorer, embedder)
        whole = time.process_time() - start
        rows.append([sum(len(a.text.split()) for a in arts) / 2, 1000 * aligned, 1000 * whole])
    print(json.dumps(rows))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--lexical", action="store_true")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if missing(args.data, GIVEME_FILE) is not None:
        print(f"skipped: {args.data / GIVEME_FILE} not found")
        return
    if args.child:
        child(args.data, args.lexical)
        return
    cmd = [sys.executable, __file__, "--child", "--data", str(args.data)] + (["--lexical"] if args.lexical else [])
    aligned, whole = [], []
    for k in range(args.rounds):
        rows = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()[-1])
        words = statistics.median(r[0] for r in rows)
        aligned.append(statistics.median(r[1] for r in rows))
        whole.append(statistics.median(r[2] for r in rows))
        print(
            f"round {k + 1}: {len(rows)} pairs, median {words:.0f} words per article: "
            f"alignment {aligned[-1]:.0f} CPU ms per pair, the whole two-article story {whole[-1]:.0f} CPU ms"
        )
    print(
        f"1,000-word pairs, medians of {args.rounds} rounds: alignment {statistics.median(aligned):.0f} CPU ms "
        f"per pair; the whole story (alignment, trace, facts with entities, document) "
        f"{statistics.median(whole):.0f} CPU ms"
    )


if __name__ == "__main__":
    main()
