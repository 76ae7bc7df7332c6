"""Train the streaming clusterer's join models and write them into the package.

    .venv/bin/python training/train_join.py [--data DIR] [--lexical-only]

Replays Giveme5W1H dev, METER dev and the UCI aggregator headlines as streams
with gold assignments (``_join_data.oracle_events``), fits the ranker and the
merge decision on all of them, and writes into ``storytrace/cluster/models/``:
``join_static.json`` with the default embedder's vectors (the static table,
cached in ``bench/out/embeddings.db``); with ``STORYTRACE_EMBEDDER=minilm``,
``join_semantic.json`` on MiniLM's and ``join_lexical.json``; with
``--lexical-only``, ``join_lexical.json`` alone. The held-out scores of this
very procedure are printed by ``bench/quality/cluster_quality.py --learned``.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA
from _join_data import card, fit_join, load_labelled, oracle_events, stream_corpus
from storytrace.cluster.join import MODEL_FILES
from storytrace.semantic.embed import model_kind

MODELS = Path(__file__).resolve().parents[1] / "src" / "storytrace" / "cluster" / "models"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--lexical-only", action="store_true", help="write only the lexical model")
    args = parser.parse_args()
    named = load_labelled(args.data)
    if not named:
        print("skipped: no labelled corpus found")
        return 0
    embed = None
    kind = "semantic"
    if not args.lexical_only:
        from _relations_data import bench_embedder

        embedder = bench_embedder()
        embed, kind = embedder.encode, model_kind(embedder)
    corpora = [stream_corpus(name, items, embed) for name, items in named]
    events = [e for c in corpora for e in oracle_events(c)]
    MODELS.mkdir(parents=True, exist_ok=True)
    for semantic in (False, True):
        if semantic and embed is None:
            continue
        if not semantic and embed is not None and kind != "semantic":
            continue  # the shipped lexical model is the one written beside MiniLM's (or with --lexical-only)
        model = fit_join(events, semantic)
        path = MODELS / MODEL_FILES[kind if semantic else "lexical"]
        out = {**card(events, path.stem), **model.to_json()}
        path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        coefs = ", ".join(f"{f} {c:+.2f}" for f, c in zip(model.ranker.features, model.ranker.coef, strict=True))
        print(f"wrote {path.name}: {len(events)} decisions; ranker: {coefs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
