"""Forked pools leave the parent's objects out of the children's garbage collection (``storytrace.forks``)."""

from __future__ import annotations

import gc
import multiprocessing

import pytest

from storytrace.forks import fork_pool

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")


def _frozen_in_child(_: int) -> int:
    return gc.get_freeze_count()


def test_children_start_with_the_parents_objects_frozen_and_the_parent_does_not() -> None:
    kept = [{"n": k} for k in range(10_000)]  # objects the parent holds when it forks
    before = gc.get_freeze_count()
    with fork_pool(2) as pool:
        frozen = pool.map(_frozen_in_child, range(4))
    assert gc.get_freeze_count() == before  # the parent's objects are collected as before
    assert all(count >= len(kept) for count in frozen)


def test_a_child_still_collects_its_own_cycles() -> None:
    with fork_pool(1) as pool:
        assert pool.apply(_collects_a_cycle) == 1


def _collects_a_cycle() -> int:
    gc.collect()
    node: dict[str, object] = {}
    node["self"] = node
    del node
    return 1 if gc.collect() >= 1 else 0
