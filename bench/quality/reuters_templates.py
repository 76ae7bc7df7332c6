"""How often the streaming clusterer joins Reuters' templated series into one story, and rules tried against it.

    .venv/bin/python bench/quality/reuters_templates.py [--n 10000] [--semantic] [--distinct SHARE ...]
        [--names-veto X ...]

Reuters-21578 has no story labels, but its titles name the company of most
corporate items by ticker (``COBANCO INC <CBCO> YEAR NET``). Two items with
different tickers report different companies' results, dividends or bond
issues: different events. For the first ``--n`` non-empty bodies (dated, in
NEWID order, as ``bench/speed/analyze_speed.py`` reads them), clustered by the
shipped stream clusterer (lexical join), this prints the stories, the largest, the
article pairs ``analyze`` would align, and among same-story pairs whose titles
both carry a ticker, the share whose tickers differ: false joins, measured on
real data.

Rows: no rule; the clusterer's own rule as shipped (``stream.DISTINCT_SHARE``:
an article that says more than its title joins only a titled story naming one
of its distinctive terms, a title stem or name in at most that share of the
documents seen, or 10) and at each ``--distinct SHARE``; ``--names-veto X``
(a candidate story is dropped when the article and the story both have names
and their names cosine is at most X); ``--distinct-anywhere SHARE`` (the
shipped rule with a story's bodies also naming a term). The rules other than
the shipped one wrap ``StreamClusterer.candidates`` for the run.
``--semantic``: with the default embedder (the static table) and its join
model, as ``analyze`` runs. Each row is also scored on the labelled corpora,
held-out B3 as ``bench/quality/cluster_quality.py --learned`` prints it, so a rule that
splits templated series but also real events shows it. Exits 0 with a
"skipped" line when the data is absent.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _join_data as J
import _support  # noqa: F401
from _data import DEFAULT_DATA
from analyze_speed import reuters_articles, reuters_missing
from storytrace.align.compare import prepare
from storytrace.align.policy import ALL_PAIRS_MAX_ARTICLES, NEAREST_ARTICLES
from storytrace.cluster import join_rules, stream
from storytrace.cluster.join_rules import Candidate

TICKER = re.compile(r"<([A-Z0-9.]+)>")


Keep = Callable[[stream.StreamClusterer, Any, list[Candidate]], list[Candidate]]


@contextmanager
def candidates_kept(keep: Keep | None) -> Iterator[None]:
    """Within the block, the clusterer's candidates are those ``keep(clusterer, vectors, rows)`` keeps (None: all)."""
    original = stream.StreamClusterer.candidates
    if keep is None:
        yield
        return

    def kept(self: stream.StreamClusterer, vectors: Any, when: float, embedding: Any = None) -> Any:
        rows = keep(self, vectors, original(self, vectors, when, embedding))
        join_rules.set_margins(rows)
        return rows

    stream.StreamClusterer.candidates = kept  # type: ignore[method-assign]
    try:
        yield
    finally:
        stream.StreamClusterer.candidates = original  # type: ignore[method-assign]


def names_veto(limit: float) -> Keep:
    """Candidates sharing too little of the article's names are dropped."""

    def keep(self: stream.StreamClusterer, vectors: Any, rows: list[Candidate]) -> list[Candidate]:
        names = vectors[2]
        return [c for c in rows if not (names and self.stories[c.story].names) or c.features["cos_names"] > limit]

    return keep


def distinct_anywhere(share: float) -> Keep:
    """The shipped rule (``join_rules.names_distinct``), with a story's bodies also counted as naming a term.

    Run with the shipped rule itself off.
    """

    def keep(self: stream.StreamClusterer, vectors: Any, rows: list[Candidate]) -> list[Candidate]:
        distinct = self.distinct_terms_at(vectors, share)
        if not distinct:
            return rows

        def named(story: Any) -> bool:
            return any(t in place for t in distinct for place in (story.title, story.names, story.body))

        return [c for c in rows if not self.stories[c.story].title or named(self.stories[c.story])]

    return keep


@contextmanager
def shipped_rule(share: float | None) -> Iterator[None]:
    """Within the block, the clusterer's distinctive-terms rule at ``share`` (None: off)."""
    shipped = stream.DISTINCT_SHARE
    stream.DISTINCT_SHARE = share
    try:
        yield
    finally:
        stream.DISTINCT_SHARE = shipped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--names-veto", type=float, nargs="*", default=[], metavar="X")
    parser.add_argument("--distinct", type=float, nargs="*", default=[], metavar="SHARE", help="other shares")
    parser.add_argument("--distinct-anywhere", type=float, nargs="*", default=[], metavar="SHARE")
    parser.add_argument("--semantic", action="store_true", help="the default embedder's join (static), not the lexical")
    args = parser.parse_args()
    if reuters_missing(args.data):
        return 0
    articles = reuters_articles(args.n, args.data)
    prepared = [prepare(a) for a in articles]
    embed, kind = None, "lexical"
    if args.semantic:
        from _relations_data import bench_embedder
        from storytrace.semantic.embed import model_kind

        embedder = bench_embedder()
        embed, kind = embedder.encode, model_kind(embedder)
    corpora = [J.stream_corpus(name, items, embed) for name, items in J.load_labelled(args.data, say=lambda m: None)]
    print(f"first {len(articles)} Reuters bodies, shipped {kind} join")
    rules: list[tuple[str, float | None, Keep | None]] = [("no rule", None, None)]
    rules += [(f"distinct at {d:g}", d, None) for d in [stream.DISTINCT_SHARE, *args.distinct] if d is not None]
    rules += [(f"names veto at {x:g}", None, names_veto(x)) for x in args.names_veto]
    rules += [(f"distinct anywhere at {d:g}", None, distinct_anywhere(d)) for d in args.distinct_anywhere]
    for rule, share, keep in rules:
        with shipped_rule(share), candidates_kept(keep):
            labels = stream.stream_labels(prepared, join_rules.default_join(embed is not None, kind), embed)
            events = {c.name: J.oracle_events(c) for c in corpora}
            held = {c.name: J.held_out_b3(c, events, embed is not None)[0].b3_f1 for c in corpora}
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
        scores = "  ".join(f"{name} {f1:.3f}" for name, f1 in held.items())
        print(
            f"{rule:<26} stories {len(stories):,}, largest {max(map(len, stories.values()))}, "
            f"about {pairs:,} pairs to align; same-story ticker pairs {both:,}, different tickers "
            f"{differ:,} ({differ / max(1, both):.1%}) | held-out B3-F1 {scores}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
