"""Write the clusterer's background document frequencies (``storytrace.cluster.background``).

    .venv/bin/python training/train_background.py [--docs 1000] [--min-share 0.001] [--corpora reuters polnear]

Each chosen corpus is streamed into the terms the clusterer counts
(``stream_item(...).document``); a stem's share is its document frequency
over the corpus's documents, and its background share the mean of those
shares over the corpora, each corpus weighing the same. The shipped file is
made of Reuters-21578's bodies except the first 2,000 by date (the ones the
hand spot check of the clusterer's largest Reuters stories reads): a wire
feed's vocabulary, and no corpus that ``bench/quality/cluster_quality.py``
scores, so its figures stay clean of it. Made
with PolNeAR train as well (US political news of 2015-16), Giveme5W1H dev's
held-out B3-F1 fell by 0.025 (names like "trump" stop being distinctive),
so it is left out. Written to ``src/storytrace/cluster/models/background_df.json``
with what it was made of; ``--out`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, load_giveme, load_meter_newspapers, load_meter_pa, read_jsonl
from cluster_speed import reuters_by_date
from storytrace.align.compare import prepare
from storytrace.cluster.background import BACKGROUND_FILE
from storytrace.cluster.stream_item import stream_item
from storytrace.model import Article

OUT = Path(__file__).resolve().parents[1] / "src" / "storytrace" / "cluster" / "models" / BACKGROUND_FILE
SPOT_CHECK_BODIES = 2000


def corpus(data: Path, name: str) -> list[Article]:
    """A development news corpus by name."""
    if name == "reuters":
        return reuters_by_date(10**9)[SPOT_CHECK_BODIES:]
    if name == "meter":
        return [x.article for x in load_meter_pa(data).values()] + [x.article for x in load_meter_newspapers(data)]
    if name == "giveme":
        return [x.article for x in load_giveme(data)]
    rows = read_jsonl(data / "polnear" / "articles.jsonl")
    return [
        Article(id=r["id"], text=r["text"], title=r.get("title"), published=r.get("published"))
        for r in rows
        if r.get("split") == "train"
    ]


def shares(articles: Iterable[Article]) -> dict[str, float]:
    """Each term's share of the documents that hold it, as the clusterer counts terms."""
    df: Counter[str] = Counter()
    n = 0
    for a in articles:
        df.update(set(stream_item(prepare(a), with_shingles=False).document))
        n += 1
    return {t: c / n for t, c in df.items()}


def mean_shares(by_corpus: Sequence[dict[str, float]], min_share: float) -> dict[str, float]:
    terms = set().union(*by_corpus)
    mean = {t: sum(s.get(t, 0.0) for s in by_corpus) / len(by_corpus) for t in terms}
    return {t: round(v, 5) for t, v in sorted(mean.items(), key=lambda kv: -kv[1]) if v >= min_share}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--docs", type=float, default=1000.0, help="pseudo-documents (default %(default)s)")
    parser.add_argument("--min-share", type=float, default=0.001, help="keep stems at least this common")
    parser.add_argument("--corpora", nargs="+", default=["reuters"], choices=["reuters", "meter", "giveme", "polnear"])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not (args.data / "reuters21578").exists():
        print(f"no development data at {args.data}: nothing written")
        return 0
    by_corpus = {}
    for name in args.corpora:
        articles = corpus(args.data, name)
        by_corpus[name] = shares(articles)
        print(f"{name}: {len(articles):,} documents, {len(by_corpus[name]):,} terms", file=sys.stderr)
    share = mean_shares(list(by_corpus.values()), args.min_share)
    document = {
        "docs": args.docs,
        "min_share": args.min_share,
        "corpora": sorted(by_corpus),
        "made_by": "training/train_background.py",
        "share": share,
    }
    args.out.write_text(json.dumps(document, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    top = ", ".join(f"{t} {v:.3f}" for t, v in list(share.items())[:15])
    print(f"{len(share):,} stems written to {args.out}; the commonest: {top}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
