"""The streaming clusterer resumed from a snapshot decides as the replayed stream does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storytrace.cluster.snapshot import SnapshotError, restore, snapshot
from storytrace.cluster.stream import StreamClusterer
from storytrace.cluster.stream_item import StreamItem
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.pipeline import assign_stories, member_order, replay
from storytrace.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def demo_articles() -> list[Article]:
    """The fictional demo corpus (wire copies, reprints, rewrites), by publication time."""
    found = [a for a in read_paths([EXAMPLES]) if isinstance(a, Article)]
    return sorted(found, key=member_order)


def stored(db: Path, articles: list[Article], snapshots: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Add ``articles`` to the store at ``db`` and assign stories, with or without the snapshot."""
    monkeypatch.setenv("STORYTRACE_SNAPSHOT", "1" if snapshots else "0")
    with Store(db) as store:
        store.add(articles)
        return assign_stories(store)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay, "BATCH", 3)  # batch boundaries (and snapshots) every 3 articles


def using_snapshot(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Where each read of the store's articles in time order starts (0: a replay from the start)."""
    starts: list[int] = []
    read = store.articles_in_time_order
    monkeypatch.setattr(store, "articles_in_time_order", lambda skip=0: starts.append(skip) or read(skip))
    return starts


@pytest.mark.parametrize("cut", [6, 9, 10, 13])
def test_a_grown_store_is_assigned_the_same_from_the_snapshot_as_by_the_whole_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: int
) -> None:
    articles = demo_articles()
    first, later = articles[:cut], articles[cut:]
    assert stored(tmp_path / "replay.db", first, False, monkeypatch) == stored(
        tmp_path / "resume.db", first, True, monkeypatch
    )
    with Store(tmp_path / "resume.db") as store:
        kept = store.stream_snapshot()
        assert kept is not None and kept.position == cut // 3 * 3
        starts = using_snapshot(store, monkeypatch)
        store.add(later)
        resumed = assign_stories(store)
        assert starts == [kept.position]  # restored, then replayed from there
        resumed_state = store.stream_snapshot()
    monkeypatch.setenv("STORYTRACE_SNAPSHOT", "1")
    with Store(tmp_path / "replay.db") as store:  # no snapshot kept: replayed from the start, keeping one
        starts = using_snapshot(store, monkeypatch)
        store.add(later)
        replayed = assign_stories(store)
        assert starts == [0]
        replayed_state = store.stream_snapshot()
    assert resumed == replayed
    assert resumed_state is not None and resumed_state.position == len(articles) // 3 * 3 > kept.position
    assert resumed_state == replayed_state  # the same state, written down the same


def test_a_newcomer_published_before_the_snapshot_makes_the_replay_start_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = demo_articles()
    early, rest = articles[0], articles[1:]
    assert stored(tmp_path / "resume.db", rest[:9], True, monkeypatch) == stored(
        tmp_path / "replay.db", rest[:9], False, monkeypatch
    )
    with Store(tmp_path / "resume.db") as store:
        starts = using_snapshot(store, monkeypatch)
        store.add([early, *rest[9:]])
        resumed = assign_stories(store)
        assert starts == [0]  # the early article comes first now: the snapshot does not describe the stream
    assert resumed == stored(tmp_path / "replay.db", [early, *rest[9:]], False, monkeypatch)


def items(articles: list[Article]) -> list[StreamItem]:
    from storytrace.align.compare import prepare
    from storytrace.cluster.stream_item import stream_item

    return [stream_item(prepare(a)) for a in articles]


def test_a_replayed_stream_has_the_state_of_the_decided_one_and_a_restored_one_too() -> None:
    streamed = items(demo_articles())
    decided = StreamClusterer()
    labels = [decided.add(item) for item in streamed]
    replayed = StreamClusterer()
    for item, label in zip(streamed, labels, strict=True):
        replayed.add(item, label, known=True)  # copies (shingled items) join as they did, outside the centroids
    assert snapshot(replayed) == snapshot(decided)
    taken = snapshot(decided)
    assert taken is not None
    restored = restore(*taken)
    assert snapshot(restored) == taken
    more = items([Article(id="x", text=demo_articles()[0].text + " An update.", published="2026-12-01T00:00:00Z")])
    assert restored.add(more[0]) == decided.add(more[0])


def test_an_unreadable_snapshot_is_an_error_of_its_own() -> None:
    clusterer = StreamClusterer()
    taken = snapshot(clusterer)
    assert taken is not None
    with pytest.raises(SnapshotError):
        restore(taken[0].replace('"format":1', '"format":99'), taken[1])
    with pytest.raises(SnapshotError):
        restore(taken[0], b"not an npz")
    assert np.array_equal(restore(*taken).dedup.tables, clusterer.dedup.tables)
