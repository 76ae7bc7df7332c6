"""How often the streaming clusterer joins Reuters' templated series into one story, and rules tried against it.

    .venv/bin/python bench/reuters_templates.py [--n 10000] [--names-veto X ...] [--distinct SHARE ...]

Reuters-21578 has no story labels, but its titles name the company of most
corporate items by ticker (``COBANCO INC <CBCO> YEAR NET``). Two items with
different tickers report different companies' results, dividends or bond
issues: different events. For the first ``--n`` non-empty bodies (dated, in
NEWID order, as ``bench/analyze_speed.py`` reads them), clustered by the
shipped lexical stream clusterer, this prints the stories, the largest, the
article pairs ``analyze`` would align, and among same-story pairs whose titles
both carry a ticker, the share whose tickers differ: false joins, measured on
real data.

``--names-veto X`` tries a rule against them: a candidate story is dropped when
the article and the story both have names and their names cosine is at most X
(``StreamClusterer.candidates`` is wrapped for the run). ``--distinct SHARE``
tries another: an article that says more than its title joins only a titled
story that names one of its distinctive terms (a title stem or name in at most
SHARE of the documents seen, or 10), when it has any. Each value is also
scored on the labelled corpora, held-out B3 as ``bench/cluster_quality.py
--learned`` prints it, so a rule that splits templated series but also real
events shows it. Exits 0 with a "skipped" line when the data is absent.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _join_data as J
from _data import DEFAULT_DATA
from analyze_speed import reuters_articles
from storytrace.align.compare import prepare
from storytrace.cluster import stream
from storytrace.pipeline import ALL_PAIRS_MAX_ARTICLES, NEAREST_ARTICLES

TICKER = re.compile(r"<([A-Z0-9.]+)>")


@contextmanager
def names_veto(limit: float | None) -> Iterator[None]:
    """Within the block, candidates sharing too little of the article's names are dropped (None: no rule)."""
    original = stream.StreamClusterer.candidates
    if limit is None:
        yield
        return

    def vetoed(self: stream.StreamClusterer, vectors: Any, when: float, embedding: Any = None) -> Any:
        rows = original(self, vectors, when, embedding)
        names = vectors[2]
        keep = [c for c in rows if not (names and self.stories[c.story].names) or c.features["cos_names"] > limit]
        stream.set_margins(keep)
        return keep

    stream.StreamClusterer.candidates = vetoed  # type: ignore[method-assign]
    try:
        yield
    finally:
        stream.StreamClusterer.candidates = original  # type: ignore[method-assign]


@contextmanager
def distinct_rule(share: float | None, min_docs: int = 10) -> Iterator[None]:
    """Within the block, an article joins only a story naming one of its distinctive terms (None: no rule).

    Distinctive: a title stem or name in at most ``share`` of the documents
    seen (or ``min_docs``). The rule holds only for an article with a text
    beyond its title, and only against a titled story.
    """
    original = stream.StreamClusterer.candidates
    if share is None:
        yield
        return

    def kept(self: stream.StreamClusterer, vectors: Any, when: float, embedding: Any = None) -> Any:
        rows = original(self, vectors, when, embedding)
        body, title, names = vectors
        if not title or body.keys() <= title.keys():  # untitled, or a bare headline: too little to judge by
            return rows
        limit = max(min_docs, share * self.seen)
        distinct = {t for t in itertools.chain(title, names) if self.df[t] <= limit}
        if not distinct:
            return rows
        keep = [
            c
            for c in rows
            if not self.stories[c.story].title
            or any(t in self.stories[c.story].title or t in self.stories[c.story].names for t in distinct)
        ]
        stream.set_margins(keep)
        return keep

    stream.StreamClusterer.candidates = kept  # type: ignore[method-assign]
    try:
        yield
    finally:
        stream.StreamClusterer.candidates = original  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--names-veto", type=float, nargs="*", default=[], metavar="X")
    parser.add_argument("--distinct", type=float, nargs="*", default=[], metavar="SHARE", help="distinct_rule shares")
    args = parser.parse_args()
    if not (args.data / "reuters21578").is_dir():
        print(f"skipped: {args.data / 'reuters21578'} not found")
        return 0
    articles = reuters_articles(args.n, args.data)
    prepared = [prepare(a) for a in articles]
    corpora = [J.stream_corpus(name, items, None) for name, items in J.load_labelled(args.data, say=lambda m: None)]
    print(f"first {len(articles)} Reuters bodies, shipped lexical join")
    rules = [(None, None), *((x, None) for x in args.names_veto), *((None, d) for d in args.distinct)]
    for limit, distinct in rules:
        with names_veto(limit), distinct_rule(distinct):
            labels = stream.stream_labels(prepared, decider=stream.default_join(False))
            events = {c.name: J.oracle_events(c) for c in corpora}
            held = {c.name: J.held_out_b3(c, events, False)[0].b3_f1 for c in corpora}
        stories: dict[int, list[int]] = {}
        for k, label in enumerate(labels):
            stories.setdefault(label, []).append(k)
        pairs = sum(
            m * (m - 1) // 2 if m <= ALL_PAIRS_MAX_ARTICLES else m * NEAREST_ARTICLES
            for m in map(len, stories.values())
        )
        both = differ = 0
        for members in stories.values():
            tickers = [found[0] for k in members if (found := TICKER.findall(articles[k].title or ""))]
            for a, b in itertools.combinations(tickers, 2):
                both += 1
                differ += a != b
        rule = "no rule" if limit is None else f"names veto at {limit:g}"
        rule = rule if distinct is None else f"distinct at {distinct:g}"
        scores = "  ".join(f"{name} {f1:.3f}" for name, f1 in held.items())
        print(
            f"{rule:<20} stories {len(stories):,}, largest {max(map(len, stories.values()))}, "
            f"about {pairs:,} pairs to align; same-story ticker pairs {both:,}, different tickers "
            f"{differ:,} ({differ / max(1, both):.1%}) | held-out B3-F1 {scores}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
