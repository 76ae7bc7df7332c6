"""What aligning fewer article pairs in mid-sized stories costs in provenance, and saves in time.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python bench/experiments/pair_budget.py [--n 10000] [--budgets 40,20]``

``align.policy.story_pairs`` aligns every pair of a story of up to
``ALL_PAIRS_MAX_ARTICLES`` articles, and beyond that each article with its
``NEAREST_ARTICLES`` nearest by document cosine. This bench runs the whole
``analyze`` (lexical, every stage on, fresh store each time) on the first N
non-empty Reuters-21578 bodies (``../shared/data``, never copied; dated, as
``bench/speed/analyze_speed.py`` writes them) once per value of
``ALL_PAIRS_MAX_ARTICLES`` in ``--budgets`` (the first is the reference), and
prints for each:

* the article pairs aligned, the wall time and the CPU seconds of alignment;
* against the reference run (the story partition is the same: clustering
  comes first): the share of its provenance edges (``from`` -> ``to``) found
  again, of its roots (articles with no earlier source), and of its
  provenance passages (article and span) traced to the same source with the
  same relation, over the stories whose pairs differ and over all stories.

Reuters has no gold provenance: the reference is the all-pairs run, so this
measures what the cheaper rule loses against it, not against the truth.
Exits 0 with a "skipped" line if the data is absent.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from analyze_speed import DATA, reuters_missing, write_reuters
from storytrace import pipeline
from storytrace.align import policy
from storytrace.pipeline import AnalysisOptions
from storytrace.store import Store


def run(records: Path, folder: Path, budget: int) -> tuple[dict[str, Any], float, float]:
    """``analyze`` with ``ALL_PAIRS_MAX_ARTICLES = budget``: the document, wall s, align CPU s (summed)."""
    policy.ALL_PAIRS_MAX_ARTICLES = budget  # read at call time by story_pairs (and by the forked workers)
    times = pipeline.StageTimes()
    with Store(folder / "store.db") as store:
        t0 = time.perf_counter()
        result = pipeline.analyze([records], store, AnalysisOptions(times=times))
        wall = time.perf_counter() - t0
    return result.document, wall, times.cpu.get("align", 0.0)


def story_key(story: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(story["articles"]))


def edges(story: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["from"], e["to"]) for e in story["provenance"]["edges"]}


def passages(story: dict[str, Any]) -> dict[tuple[str, int, int], tuple[Any, str]]:
    found = story["provenance"]["passages"]
    return {(p["article"], p["span"][0], p["span"][1]): (p["source"], p["relation"]) for p in found}


def kept(reference: list[dict[str, Any]], other: dict[tuple[str, ...], dict[str, Any]]) -> dict[str, float]:
    """Shares of the reference stories' edges, roots and passage sources found again in ``other``."""
    got = {"edges": [0, 0], "roots": [0, 0], "passages": [0, 0]}
    for story in reference:
        twin = other[story_key(story)]
        ref_edges, ref_roots, ref_passages = edges(story), set(story["provenance"]["roots"]), passages(story)
        twin_passages = passages(twin)
        got["edges"][0] += len(ref_edges & edges(twin))
        got["edges"][1] += len(ref_edges)
        got["roots"][0] += len(ref_roots & set(twin["provenance"]["roots"]))
        got["roots"][1] += len(ref_roots)
        got["passages"][0] += sum(1 for k, v in ref_passages.items() if twin_passages.get(k) == v)
        got["passages"][1] += len(ref_passages)
    return {k: (a / b if b else 1.0) for k, (a, b) in got.items()} | {f"{k}_n": b for k, (_, b) in got.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=10000, help="Reuters bodies (default: %(default)s)")
    ap.add_argument("--budgets", default="40,20", help="values of ALL_PAIRS_MAX_ARTICLES; the first is the reference")
    ap.add_argument("--data", type=Path, default=DATA, help="the shared datasets folder")
    args = ap.parse_args()
    if reuters_missing(args.data):
        return 0
    budgets = [int(b) for b in args.budgets.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "reuters.jsonl"
        n = write_reuters(records, 0, args.n, args.data)
        reference: list[dict[str, Any]] = []
        for k, budget in enumerate(budgets):
            folder = Path(tmp) / f"run-{k}"
            folder.mkdir()
            doc, wall, align_cpu = run(records, folder, budget)
            stories = doc["stories"]
            pairs = sum(len(s["pairs"]) for s in stories)
            line = (
                f"ALL_PAIRS_MAX_ARTICLES={budget}: {n} articles, {len(stories)} stories, {pairs} pairs aligned, "
                f"wall {wall:.1f} s ({n / wall:.0f} docs/s), align {align_cpu:.1f} CPU s"
            )
            if k == 0:
                reference = stories
                print(line, "(reference)", flush=True)
                continue
            by_key = {story_key(s): s for s in stories}
            changed = [s for s in reference if len(s["pairs"]) != len(by_key[story_key(s)]["pairs"])]
            print(line, flush=True)
            for label, subset in (("stories whose pairs differ", changed), ("all stories", reference)):
                f = kept(subset, by_key)
                print(
                    f"    {label} ({len(subset)}): provenance edges kept {f['edges']:.4f} of {f['edges_n']}, "
                    f"roots {f['roots']:.4f} of {f['roots_n']}, passage sources {f['passages']:.4f} of "
                    f"{f['passages_n']}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
