"""A reorganisation changes no output: the demo and 2,000 Reuters bodies give the pinned ``stories.json``,
report index and story pages (``support/pinned.py``; pinned again by ``bench/code/pin_outputs.py`` only when a change
of behaviour is meant, and said so in its commit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.paths import REUTERS
from support.pinned import corpus_input, load_pinned, pinned_run


def assert_same_outputs(name: str, folder: Path) -> None:
    inputs = corpus_input(name, folder)
    if inputs is None:
        pytest.skip(f"{REUTERS} not found")
    got = pinned_run(inputs, folder / "out")
    pinned = load_pinned(name)
    assert pinned is not None, f"nothing pinned for {name}: run bench/code/pin_outputs.py"
    changed = got.differences(pinned)
    assert changed.stories == [], f"stories changed: {changed.stories[:10]}"
    assert changed.count == changed.pinned_count
    assert changed.files == [], f"files changed: {changed.files[:10]}"


def test_the_demo_gives_the_pinned_outputs(tmp_path: Path) -> None:
    assert_same_outputs("demo", tmp_path)


@pytest.mark.slow
def test_two_thousand_reuters_bodies_give_the_pinned_outputs(tmp_path: Path) -> None:
    assert_same_outputs("reuters-2000", tmp_path)
