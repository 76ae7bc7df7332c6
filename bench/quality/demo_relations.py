"""Score ``analyze`` on the demo corpus against its answer key, relation by relation.

Run: ``.venv/bin/python bench/quality/demo_relations.py``. For every designed passage
pair of ``tests/fixtures/demo_expected.json`` it looks for an alignment that
covers at least 30 % of both passages (the rule of ``check_seeds.py``) and
prints, per designed relation, how many were found, found with the same
relation family (verbatim / near_verbatim / paraphrase count as one family) and
found with exactly that relation; then whether the stories came out as designed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from storytrace.model import relation_family as family
from storytrace.pipeline import AnalysisOptions, analyze
from storytrace.semantic import default_embedder
from storytrace.store import Store
from support.demo import hits

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description="The demo corpus against its answer key.")
    parser.add_argument("--lexical", action="store_true", help="without the sentence-embedding model")
    args = parser.parse_args()
    expected = json.loads((ROOT / "tests" / "fixtures" / "demo_expected.json").read_text("utf-8"))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "st.db") as store:
        embedder = None if args.lexical else default_embedder(store)
        print("features:", "lexical only" if embedder is None else f"lexical + {embedder.name}")
        result = analyze([ROOT / "examples"], store, AnalysisOptions(embedder=embedder))
    total, found, fam, exact = Counter(), Counter(), Counter(), Counter()
    for rel in expected["relations"]:
        got = hits(result.document, result.texts, rel)
        name = rel["relation"]
        total[name] += 1
        found[name] += bool(got)
        fam[name] += family(name) in {family(g) for g in got}
        exact[name] += name in got
    print(f"{'designed relation':<18} {'pairs':>5} {'found':>6} {'family':>7} {'exact':>6}")
    for name in ("verbatim", "near_verbatim", "paraphrase", "same_fact", "related"):
        print(f"{name:<18} {total[name]:>5} {found[name]:>6} {fam[name]:>7} {exact[name]:>6}")
    stories: dict[str, set[str]] = {}
    for art in result.document["articles"]:
        stories.setdefault(art["story"], set()).add(art["id"])
    same = sorted(map(sorted, stories.values())) == sorted(map(sorted, expected["stories"]))
    print(f"stories as designed: {same} ({len(stories)} stories, {len(result.document['articles'])} articles)")


if __name__ == "__main__":
    main()
