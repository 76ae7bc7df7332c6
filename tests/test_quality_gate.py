"""Quality floors on real, labelled data (../shared/data); skipped where the data is absent.

The floors are in ``tests/quality_floors.toml`` (one data file: each floor's value, the figure measured when it
was set, the bench command that prints the full table and the data); a floor is never lowered silently.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storytrace.align.compare import compare, prepare
from storytrace.cluster import group_articles
from storytrace.cluster.join_rules import default_join
from storytrace.cluster.stream import stream_groups
from support.data import (
    DEFAULT_DATA,
    GIVEME_FILE,
    METER_NEWSPAPERS,
    METER_PA,
    Labelled,
    load_giveme,
    load_meter_newspapers,
    load_meter_pa,
    missing,
)
from support.floors import FIELDS, FLOORS, at_least
from support.paths import ROOT
from support.scoring import labels_from_groups, score

GIVEME_B3_F1_FLOOR = at_least("giveme_b3_f1")
METER_B3_F1_FLOOR = at_least("meter_b3_f1")
GIVEME_STREAM_B3_F1_FLOOR = at_least("giveme_stream_b3_f1")
METER_STREAM_B3_F1_FLOOR = at_least("meter_stream_b3_f1")
METER_DERIVATION_ACCURACY_FLOOR = at_least("meter_derivation_accuracy")


def need(*files: Path) -> None:
    absent = missing(DEFAULT_DATA, *files)
    if absent is not None:
        pytest.skip(f"{absent} not found")


def b3_f1(items, streaming: bool = False) -> float:
    prepared = [prepare(item.article) for item in items]
    groups = stream_groups(prepared, decider=default_join(semantic=False)) if streaming else group_articles(prepared)
    labels = labels_from_groups(groups, len(items))
    _, gold = np.unique([item.story for item in items], return_inverse=True)
    return score(labels, gold).b3_f1


def test_story_grouping_giveme5w1h_dev() -> None:
    need(GIVEME_FILE)
    assert b3_f1(load_giveme(DEFAULT_DATA)) >= GIVEME_B3_F1_FLOOR


def meter_corpus() -> list[Labelled]:
    items = [Labelled(m.article, m.story) for m in load_meter_newspapers(DEFAULT_DATA)]
    return items + list(load_meter_pa(DEFAULT_DATA).values())


def test_story_grouping_meter_dev() -> None:
    need(METER_NEWSPAPERS, METER_PA)
    assert b3_f1(meter_corpus()) >= METER_B3_F1_FLOOR


def test_streaming_clusterer_giveme5w1h_dev() -> None:
    need(GIVEME_FILE)
    assert b3_f1(load_giveme(DEFAULT_DATA), streaming=True) >= GIVEME_STREAM_B3_F1_FLOOR


def test_streaming_clusterer_meter_dev() -> None:
    need(METER_NEWSPAPERS, METER_PA)
    assert b3_f1(meter_corpus(), streaming=True) >= METER_STREAM_B3_F1_FLOOR


def test_derivation_meter_dev_sample() -> None:
    need(METER_NEWSPAPERS, METER_PA)
    pa = load_meter_pa(DEFAULT_DATA)
    right = total = 0
    for m in load_meter_newspapers(DEFAULT_DATA)[:150]:
        sources = [pa[i].article for i in m.pa_source_ids if i in pa]
        if not sources:
            continue
        best = max((compare(src, m.article) for src in sources), key=lambda c: c.b_covered_by_a)
        right += best.b_from_a == m.label
        total += 1
    assert total > 100
    print(f"METER derivation accuracy on {total} articles: {right / total:.3f}")
    assert right / total >= METER_DERIVATION_ACCURACY_FLOOR, right / total


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_every_floor_says_its_value_measure_command_data_and_test(name: str) -> None:
    floor = FLOORS[name]
    bounds = [k for k in ("at_least", "at_most") if k in floor]
    assert len(bounds) == 1, name
    assert all(floor.get(field) not in (None, "") for field in FIELDS), name
    bound, measured = float(floor[bounds[0]]), float(floor["measured"])
    assert measured >= bound if bounds[0] == "at_least" else measured <= bound, name  # set under what it measured
    test_file, test_name = floor["test"].split("::")
    assert f"def {test_name}(" in (ROOT / test_file).read_text("utf-8"), name
    assert f'"{name}"' in (ROOT / test_file).read_text("utf-8"), f"{name} is not read by {test_file}"
    script = floor["command"].split()[1]
    assert script.startswith("../shared/") or (ROOT / script).is_file(), script
