"""Where spaCy's time goes in the entity recogniser the facts run: the pipeline with each component left out.

Run: ``.venv/bin/python bench/speed/spacy_components.py [--texts 150]``

The first N Giveme5W1H development texts (each cut to 6,000 characters), run
through ``facts.entities.load_model()`` with ``nlp.pipe``: CPU seconds of the
whole pipeline, without the parser, without the tagger, without NER, and NER
alone (tok2vec, tagger and parser left out; NER has its own tok2vec in this
model). Medians of three. Exits 0 with a "skipped" line when the data is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from storytrace.facts.entities import load_model
from support.data import DEFAULT_DATA, GIVEME_FILE, load_giveme, missing


def cpu_seconds(texts: Sequence[str], leave_out: Sequence[str]) -> float:
    """The median CPU seconds of three runs of the pipeline over ``texts`` without ``leave_out``."""
    nlp = load_model()
    runs = []
    for _ in range(3):
        start = time.process_time()
        with nlp.select_pipes(disable=list(leave_out)):
            for _doc in nlp.pipe(texts, batch_size=64):
                pass
        runs.append(time.process_time() - start)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=int, default=150)
    args = ap.parse_args()
    if missing(DEFAULT_DATA, GIVEME_FILE) is not None:
        print(f"skipped: {DEFAULT_DATA / GIVEME_FILE} not found")
        return
    texts = [item.article.text[:6000] for item in load_giveme(DEFAULT_DATA)][: args.texts]
    print(f"{len(texts)} texts, {sum(map(len, texts)):,} characters, pipeline {load_model().pipe_names}")
    whole = cpu_seconds(texts, [])
    print(f"whole pipeline: {whole:.2f} CPU s")
    for label, leave_out in (
        ("without the parser", ["parser"]),
        ("without the tagger", ["tagger"]),
        ("without NER", ["ner"]),
        ("NER alone", ["tok2vec", "tagger", "parser"]),
    ):
        cpu = cpu_seconds(texts, leave_out)
        print(f"{label}: {cpu:.2f} CPU s ({cpu / whole:.0%} of the whole)")


if __name__ == "__main__":
    main()
