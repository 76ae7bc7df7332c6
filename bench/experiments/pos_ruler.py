"""spaCy's attribute ruler against ``facts.pos`` (the ruler's own rules in one pass) on real articles.

    .venv/bin/python bench/experiments/pos_ruler.py [--meter 300]

Parses Giveme5W1H dev and the first N METER newspaper articles twice: with the
packaged pipeline as spaCy runs it (attribute ruler on) and as storytrace runs it
(ruler loaded, not run, ``entities.tag_parts_of_speech`` after the parse).
Prints how many tokens get another part of speech (must be 0), whether the
entity mentions are the same, and the CPU of each (process time, one thread).
Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, GIVEME_FILE, METER_NEWSPAPERS, load_giveme, load_meter_newspapers
from storytrace.facts import entities


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--meter", type=int, default=300, help="METER newspaper articles (default %(default)s)")
    args = parser.parse_args()
    if not (DEFAULT_DATA / GIVEME_FILE).exists() or not (DEFAULT_DATA / METER_NEWSPAPERS).exists():
        print(f"skipped: no Giveme5W1H or METER data under {DEFAULT_DATA}")
        return 0
    texts = [x.article.text for x in load_giveme(DEFAULT_DATA)]
    texts += [x.article.text for x in load_meter_newspapers(DEFAULT_DATA)][: args.meter]
    ruler = spacy.load(entities.MODEL_PACKAGE, exclude=list(entities.EXCLUDED_PIPES))
    ours, step = entities.load_model(), entities.tag_parts_of_speech()
    list(ruler.pipe(texts[:5])), list(ours.pipe(texts[:5]))  # warm both
    t0 = time.process_time()
    before = list(ruler.pipe(texts, batch_size=64))
    t1 = time.process_time()
    after = [step(doc) for doc in ours.pipe(texts, batch_size=64)]
    t2 = time.process_time()
    tokens = sum(len(d) for d in before)
    other = sum(1 for x, y in zip(before, after, strict=True) for a, b in zip(x, y, strict=True) if a.pos_ != b.pos_)
    same = all(
        entities._doc_mentions("x", x, 0, t) == entities._doc_mentions("x", y, 0, t)
        for x, y, t in zip(before, after, texts, strict=True)
    )
    print(f"{len(texts)} articles, {tokens:,} tokens: {other} with another part of speech; same mentions: {same}")
    print(f"CPU: with the attribute ruler {t1 - t0:.1f} s, with facts.pos ({type(step).__name__}) {t2 - t1:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
