"""The layer contract of ``src/storytrace``: no import cycles, no private names across packages, no upward import.

The imports are read from the source with ``ast`` (nothing is imported), at
module level and inside functions alike: an import inside a function is still
a dependency, only a later one. Three rules:

- no cycle between modules;
- no ``_private`` name of another package, imported (``from storytrace.x
  import _y``) or read as an attribute (``x._y`` where ``x`` is a storytrace
  module); a package here is the first name below ``storytrace``
  (``report``, ``pipeline``), so ``cluster.snapshot`` may use
  ``cluster.stream._recency`` but ``spark`` may not use ``cluster.dedup._x``;
- no import from a lower layer of a higher one (``LAYERS``); modules of one
  layer may import each other. Every module belongs to a layer, so a new
  module fails here until it is given its place.

Not here: third-party imports, or what a module does with what it imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "storytrace"

# From top to bottom; a module is in the layer of the longest entry naming it or a package above it (names below
# ``storytrace``; "" is the package's own ``__init__``, its version, alone). A layer imports only its own and lower.
LAYERS: tuple[tuple[str, ...], ...] = (
    # Entry points of a process: ``python -m storytrace``, the ``spark-submit`` application.
    ("__main__", "spark.submit"),
    # The command line and its terminal output.
    ("cli", "terminal"),
    # The two front ends the commands start, each driving the pipeline: the web UI and the Spark batch engine.
    ("web", "spark"),
    # Orchestration: the stage cascade over a store, and the per-article work done ahead of it in worker processes.
    ("pipeline", "ahead"),
    # Results out and kept: the report, exports, the SQLite store, and the JSON codecs of facts and briefs.
    ("report", "export", "store", "codec"),
    # The analysis stages: reading, cleaning, grouping, aligning, tracing, facts, sentence embeddings.
    ("ingest", "clean", "cluster", "align", "trace", "facts", "semantic"),
    # Small rules and helpers every stage may use: names and outlets, dates, isolation of failures, atomic
    # writes, stop words, the stories.json text, errors, the digest of the code.
    ("naming", "published", "isolation", "outputs", "stops", "stories_json", "errors", "fingerprint"),
    # The data every layer speaks: the model's dataclasses, sentence and token text, the package's version.
    ("model", "model_facts", "text", ""),
)

# Imports that break the contract and are kept, each with the reason: (importer, imported) -> why.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    """One import of a storytrace module: who, what, which name (None for the module itself), where."""

    importer: str
    module: str
    name: str | None
    line: int


def _module_files() -> dict[str, Path]:
    files = {}
    for path in sorted((SRC / ROOT).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def _owner(name: str, modules: dict[str, Path]) -> str:
    """The module ``name`` is, or the module that defines it (``a.b.c`` -> ``a.b`` when ``c`` is a name in it)."""
    while name not in modules and "." in name:
        name = name.rpartition(".")[0]
    return name


def _imports_of(module: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == ROOT:
                    yield Import(module, _owner(alias.name, modules), None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                above = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*above, base] if base else above)
            if base.split(".")[0] != ROOT:
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in modules:
                    yield Import(module, full, None, node.lineno)
                else:
                    yield Import(module, _owner(base, modules), alias.name, node.lineno)


@cache
def _graph() -> tuple[dict[str, Path], tuple[Import, ...]]:
    modules = _module_files()
    found = tuple(i for m, p in modules.items() for i in _imports_of(m, p, modules))
    return modules, found


def _component(module: str) -> str:
    """The package a module belongs to for the private-name rule: the first name below ``storytrace``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def layer_of(module: str) -> int | None:
    """The index in ``LAYERS`` of ``module`` (0 the top), None when no entry names it."""
    relative = module.removeprefix(ROOT).removeprefix(".")
    best: tuple[int, int] | None = None  # (length of the entry, layer)
    for index, layer in enumerate(LAYERS):
        for entry in layer:
            if (relative == entry or relative.startswith(entry + ".")) if entry else relative == "":
                if best is None or len(entry) > best[0]:
                    best = (len(entry), index)
    return None if best is None else best[1]


def test_every_module_has_a_layer() -> None:
    modules, _ = _graph()
    assert len(modules) > 50  # the source was found
    assert [m for m in modules if layer_of(m) is None] == []


def test_no_module_imports_one_of_a_higher_layer() -> None:
    _, imports = _graph()
    upward = sorted(
        f"{i.importer}:{i.line} imports {i.module} (layer {layer_of(i.module)} above {layer_of(i.importer)})"
        for i in imports
        if (layer_of(i.importer) or 0) > (layer_of(i.module) or 0) and (i.importer, i.module) not in ALLOWED
    )
    assert upward == []


def test_every_allowed_exception_is_still_needed() -> None:
    _, imports = _graph()
    found = {(i.importer, i.module) for i in imports}
    assert [pair for pair in ALLOWED if pair not in found] == []


def test_no_private_name_is_imported_from_another_package() -> None:
    _, imports = _graph()
    crossing = sorted(
        f"{i.importer}:{i.line} imports {i.module}.{i.name}"
        for i in imports
        if i.name is not None and _private(i.name) and _component(i.importer) != _component(i.module)
    )
    assert crossing == []


def test_no_private_attribute_of_another_package_is_read() -> None:
    modules, imports = _graph()
    crossing = []
    for module, path in modules.items():
        bound = _module_names(path, modules)  # local name -> the storytrace module it is
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound:
                owner = bound[node.value.id]
                if _private(node.attr) and _component(owner) != _component(module):
                    crossing.append(f"{module}:{node.lineno} reads {owner}.{node.attr}")
    assert crossing == []


def _module_names(path: Path, modules: dict[str, Path]) -> dict[str, str]:
    """The names a file binds to storytrace modules (``from storytrace.report import html``, ``import x as y``)."""
    bound = {}
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            bound |= {a.asname: a.name for a in node.names if a.asname and a.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == ROOT:
            for a in node.names:
                if f"{node.module}.{a.name}" in modules:
                    bound[a.asname or a.name] = f"{node.module}.{a.name}"
    return bound


def test_no_cycle_between_modules() -> None:
    modules, imports = _graph()
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for i in imports:
        if i.module != i.importer:
            edges[i.importer].add(i.module)
    assert [sorted(c) for c in _cycles(edges)] == []


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b", "c"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [["a", "b"], ["c", "d"]]),
    ],
)
def test_cycles_are_found(edges: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert sorted(sorted(c) for c in _cycles(edges)) == expected


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("storytrace.__main__", 0),
        ("storytrace.spark.submit", 0),  # the longest entry wins over "spark"
        ("storytrace.spark.batch", 2),
        ("storytrace.report.render", 4),
        ("storytrace", 7),
        ("storytrace.textile", None),  # "text" names the package and its modules, not a prefix of a word
    ],
)
def test_a_module_is_in_the_layer_of_its_longest_entry(module: str, layer: int | None) -> None:
    assert layer_of(module) == layer
