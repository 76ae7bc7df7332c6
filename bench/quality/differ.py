"""How much of ``differ`` is a real contradiction: the demo's stories and the seeds.

Run: ``.venv/bin/python bench/quality/differ.py [--lexical]``. For each story of the
demo corpus (``analyze examples/``) it prints how many ``differ`` items there
are and how many of them are the contradictions the corpus was written with
(``tests/fixtures/demo_expected.json``, ``contradictions``: 14 vs 41 injured and
April 20 vs May 11 in story 1, 48,500 vs 45,800 fans in story 3; the demo is our
own fictional corpus and these are its written-in contradictions). Then, for
``compare`` of the two seed articles (``../shared/seeds``, skipped when absent),
with and without a publication date: the ``differ`` items, how many are the
seeds' one designed difference (the quote's "Head of State Affairs" /
"Chairman of State Affairs"), and how many dates are both in ``agree`` and in
``differ`` (a date detail one source gives counts when ``agree`` cites it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from storytrace.align.compare import compare
from storytrace.model import Article
from storytrace.pipeline import AnalysisOptions, analyze
from storytrace.report.documents import comparison_json
from storytrace.semantic import default_embedder
from storytrace.store import Store
from support.demo import cite_pairs, designed
from support.paths import SEEDS

ROOT = Path(__file__).resolve().parents[2]
SEED_DIFFERENCE = ("Head of State Affairs", "Chairman of State Affairs")


def dates_agreed_and_differing(facts: dict[str, Any]) -> int:
    """Date items of ``differ`` that ``agree`` contradicts.

    Both sides cited by one agree item, or a date detail one source gives (the old ``detail only in``) that an
    agree item cites.
    """
    together = [{(c["article"], tuple(c["span"])) for c in a.get("cites", ())} for a in facts.get("agree", ())]
    count = 0
    for d in facts.get("differ", ()):
        sides = {(d[s], tuple(d[f"{s}_span"])) for s in ("a", "b") if f"{s}_span" in d}
        if d["kind"] == "date" and any(sides <= g for g in together):
            count += 1
        elif d["kind"].startswith("detail") and "date" in d.get("what", "") and any(sides & g for g in together):
            count += 1
    return count


def demo_rows(lexical: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "st.db") as store:
        doc = analyze(
            [ROOT / "examples"], store, AnalysisOptions(embedder=None if lexical else default_embedder(store))
        ).document
    print("demo story (first article)             differ  designed  other")
    for story in doc["stories"]:
        differ = story["facts"]["differ"]
        hits = sum(designed(d) for d in differ)
        print(f"{story['articles'][0][:38]:<38} {len(differ):>7} {hits:>9} {len(differ) - hits:>6}")


def seed_rows(lexical: bool, seeds: Path) -> None:
    if not (seeds / "gold.json").is_file():
        print(f"seeds: {seeds} not found, skipped")
        return
    print("seeds compare            differ  designed  rewordings/other  dates in agree and differ")
    for published in (None, "2024-06-17"):
        a, b = (Article(id=p.stem, text=p.read_text("utf-8"), published=published) for p in sorted(seeds.glob("*.txt")))
        facts = comparison_json(compare(a, b, embedder=None if lexical else default_embedder()))["facts"]
        differ = facts["differ"]
        hits = sum(any(p == SEED_DIFFERENCE for p in cite_pairs(d)) for d in differ)
        label = f"published {published}" if published else "no published date"
        print(
            f"{label:<24} {len(differ):>6} {hits:>9} {len(differ) - hits:>17} {dates_agreed_and_differing(facts):>26}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="differ items against the designed contradictions.")
    parser.add_argument("--lexical", action="store_true", help="without the sentence-embedding model")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help=f"the seed articles' folder (default {SEEDS})")
    args = parser.parse_args()
    demo_rows(args.lexical)
    seed_rows(args.lexical, args.seeds)


if __name__ == "__main__":
    main()
