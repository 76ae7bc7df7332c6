"""Shared fixtures: paths to the seeds, the shared data and the demo corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.paths import DATA, EXAMPLES, ROOT, SEEDS, SHARED

__all__ = ["DATA", "EXAMPLES", "ROOT", "SEEDS", "SEED_A", "SEED_B", "SHARED"]

# Off a terminal the CLI writes progress lines on stderr; the tests that read stderr read its problems (set before
# any test module copies the environment for its subprocesses). tests/test_terminal.py checks the lines.
os.environ.setdefault("STORYTRACE_PROGRESS", "off")

SEED_A = SEEDS / "000_14e98fc3686cf210.txt"
SEED_B = SEEDS / "002_fb04e2e8c0c1a0bd.txt"


@pytest.fixture
def seeds() -> tuple[Path, Path]:
    if not (SEED_A.exists() and SEED_B.exists()):
        pytest.skip("../shared/seeds is absent")
    return SEED_A, SEED_B
