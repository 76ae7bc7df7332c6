"""The quality floors of ``tests/quality_floors.toml``: one data file, read by the quality-gate tests.

Each floor holds the figure a test must reach (``at_least`` or ``at_most``), the figure measured when it was set,
the bench command that prints it and the data it is measured on. Not here: the measuring (``bench/quality``).
"""

from __future__ import annotations

import tomllib
from typing import Any

from support.paths import ROOT

FLOORS_FILE = ROOT / "tests" / "quality_floors.toml"
FIELDS = ("measured", "command", "data", "test")


def load_floors() -> dict[str, dict[str, Any]]:
    """Every floor by name."""
    with FLOORS_FILE.open("rb") as fh:
        return tomllib.load(fh)


FLOORS = load_floors()


def at_least(name: str) -> float:
    """The figure ``name`` must reach."""
    return float(FLOORS[name]["at_least"])


def at_most(name: str) -> float:
    """The figure ``name`` must stay at or under."""
    return float(FLOORS[name]["at_most"])
