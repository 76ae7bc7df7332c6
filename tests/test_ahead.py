"""Per-article work done ahead in a helper process (``storytrace.ahead``) while the main process clusters."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from storytrace import ahead
from storytrace.ahead import Ahead, AheadResults, FactsFound, facts_key
from storytrace.align.compare import prepare
from storytrace.clean import BUILTIN_AGENCIES
from storytrace.facts.article_facts import article_facts
from storytrace.model import Article
from storytrace.pipeline import AnalysisOptions, analyze, cascade
from storytrace.semantic.static import STATIC_MODEL
from storytrace.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"

LOCK = [
    "The Harrowgate lock on the Tamsel Canal reopened on 3 May after a 14-week repair that cost 2.1 million crowns, "
    "the Tamsel Waterways Trust said.",
    '"Boats can pass again," said trust engineer Wenna Loyd. The lock gates were replaced at a cost of 2.1 million '
    "crowns.",
    "Harrowgate lock reopened on Friday after 14 weeks of work, with new gates fitted, the waterways trust said.",
]


class HashingStaticEmbedder:
    """A stand-in for the static table: a fixed vector per text, named as the static embedder is."""

    name = f"{STATIC_MODEL}-test"

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        rows = []
        for t in texts:
            seed = int.from_bytes(hashlib.sha256(t.encode("utf-8")).digest()[:4], "little")
            v = np.random.default_rng(seed).standard_normal(256).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows) if rows else np.zeros((0, 256), dtype=np.float32)


def articles() -> list[Article]:
    return [Article(id=f"l{k}", text=t, published=f"2024-05-0{k + 3}T09:00:00") for k, t in enumerate(LOCK)]


def test_the_helper_computes_what_the_main_process_would() -> None:
    arts = articles()
    embedder = HashingStaticEmbedder()
    helper = Ahead(arts, list(BUILTIN_AGENCIES), embedder)
    for task in [*helper.vector_tasks, *helper.facts_tasks]:
        task.wait()  # let every task run before finish() cancels the ones not started
    results = helper.finish()
    assert set(results.facts) == {a.id for a in arts}
    for art in arts:
        p = prepare(art)
        mine = article_facts(p)
        theirs = results.facts_of(p)
        assert (theirs.dates, theirs.numbers, theirs.quotes) == (mine.dates, mine.numbers, mine.quotes)
        assert theirs.prepared is p
        texts = [s.text for s in p.sentences]
        assert np.array_equal(np.stack([results.vectors[t] for t in texts]), embedder.encode(texts))
    assert results.cpu > 0


def test_facts_are_taken_from_the_helper_only_for_the_article_they_were_computed_on() -> None:
    art = articles()[1]
    p = prepare(art)
    other = Article(id=art.id, text="Something else was said on 9 May.")
    stale = AheadResults(facts={art.id: FactsFound(facts_key(other), (), (), ())})
    assert stale.facts_of(p).quotes == article_facts(p).quotes != ()  # another text under the same id: computed here
    kept = AheadResults(facts={art.id: FactsFound(facts_key(art), (), (), ())})
    assert kept.facts_of(p).quotes == ()  # the helper's (here empty) answer for the very article


def test_a_cancelled_helper_returns_only_what_it_finished() -> None:
    helper = Ahead(articles(), list(BUILTIN_AGENCIES), None)
    assert helper.vector_tasks == [] and len(helper.facts_tasks) == 1  # without a static embedder: facts only
    helper.cancel.set()  # before the task could start, or while it runs: either way nothing is half-kept
    results = helper.finish()
    assert set(results.facts) in (set(), {a.id for a in articles()})
    assert results.vectors == {}


def test_minilm_is_never_run_in_the_helper() -> None:
    class Transformer(HashingStaticEmbedder):
        name = "sentence-transformers/all-MiniLM-L6-v2"

    embedder = Transformer()
    helper = Ahead(articles(), list(BUILTIN_AGENCIES), embedder)
    results = helper.finish()
    assert embedder.calls == 0 and results.vectors == {}


@pytest.mark.parametrize("embedder", [None, HashingStaticEmbedder()], ids=["lexical", "static"])
def test_analyze_with_the_helper_gives_the_same_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedder: HashingStaticEmbedder | None
) -> None:
    monkeypatch.setattr(ahead, "MIN_ARTICLES", 1)
    monkeypatch.setattr(ahead, "CHUNK", 3)
    monkeypatch.setenv("STORYTRACE_WORKERS", "2")
    started: list[int] = []
    real = cascade.Ahead

    def counted(arts, *args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(len(arts))
        return real(arts, *args, **kwargs)

    monkeypatch.setattr(cascade, "Ahead", counted)
    documents = []
    for on in ("1", "0"):
        monkeypatch.setenv("STORYTRACE_AHEAD", on)
        with Store(tmp_path / f"ahead{on}.db") as store:
            documents.append(analyze([EXAMPLES], store, AnalysisOptions(embedder=embedder)).document)
    assert len(started) == 1 and started[0] == len(documents[0]["articles"])  # the helper ran once, on every article
    assert json.dumps(documents[0], sort_keys=True) == json.dumps(documents[1], sort_keys=True)


def test_a_second_analyze_of_the_same_store_starts_no_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ahead, "MIN_ARTICLES", 1)
    monkeypatch.setenv("STORYTRACE_WORKERS", "2")
    started: list[int] = []
    monkeypatch.setattr(cascade, "Ahead", lambda arts, *a: started.append(len(arts)) or Ahead(arts, *a))
    with Store(tmp_path / "s.db") as store:
        analyze([EXAMPLES], store)
        analyze([EXAMPLES], store)
    assert len(started) == 1  # nothing new to cluster the second time
