"""Rules written once: tests import nothing from bench/; only tests/support/paths.py writes the path to ../shared."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from support.paths import ROOT

TESTS = ROOT / "tests"
BENCH = ROOT / "bench"
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
    bench_modules = {p.stem for p in BENCH.glob("*.py")}
    for path in TESTS.rglob("*.py"):
        assert not _imported(path) & bench_modules, path
        assert "bench" not in "".join(re.findall(r"sys\.path\.insert\(.*", path.read_text("utf-8"))), path


def test_only_the_paths_helper_writes_the_path_to_shared() -> None:
    writers = [p for d in (TESTS, BENCH) for p in d.rglob("*.py") if SHARED_PATH.search(p.read_text("utf-8"))]
    assert writers == [TESTS / "support" / "paths.py"]
