"""Rules written once: tests import nothing from bench/ or training/; only tests/support/paths.py writes ../shared."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from support.paths import ROOT

TESTS = ROOT / "tests"
BENCH = ROOT / "bench"
TRAINING = ROOT / "training"
SHARED_PATH = re.compile(r"""/\s*["']shared["']""")  # a path joined with the folder name: ../shared written out


def _imported(path: Path) -> set[str]:
    """The top-level module names ``path`` imports."""
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_tests_import_nothing_from_bench() -> None:
    bench_modules = {p.stem for d in (BENCH, TRAINING) for p in d.rglob("*.py")}
    assert {"_support", "analyze_speed", "meter", "train_relations"} <= bench_modules  # every folder is seen
    for path in TESTS.rglob("*.py"):
        assert not _imported(path) & bench_modules, path
        inserted = "".join(re.findall(r"sys\.path\.insert\(.*", path.read_text("utf-8")))
        assert "bench" not in inserted and "training" not in inserted, path


def test_only_the_paths_helper_writes_the_path_to_shared() -> None:
    writers = [p for d in (TESTS, BENCH, TRAINING) for p in d.rglob("*.py") if SHARED_PATH.search(p.read_text("utf-8"))]
    assert writers == [TESTS / "support" / "paths.py"]
