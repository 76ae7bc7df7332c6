"""The shape of ``src/``: modules over 500 lines, functions over 60 lines, untyped results in stage signatures.

Run: ``.venv/bin/python bench/code/code_shape.py [--all]``

Prints the modules over 500 lines, the functions over 60 lines (their ``def`` to their last line, docstring
included), the signatures in ``align/``, ``trace/``, ``facts/`` and ``cluster/`` that take or give
``dict[str, Any]``, the count of such signatures in all of ``src/``, and the median function length. ``--all``
lists every signature with ``dict[str, Any]``, not only the stage packages'. It reads the code; it runs nothing.
"""

from __future__ import annotations

import argparse
import ast
import statistics
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "storytrace"
STAGES = ("align", "trace", "facts", "cluster")
UNTYPED = "dict[str, Any]"


def functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def signature_text(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    parts = [ast.unparse(a.annotation) for a in (*node.args.args, *node.args.kwonlyargs) if a.annotation]
    return " ".join(parts + ([ast.unparse(node.returns)] if node.returns else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every signature with dict[str, Any]")
    args = parser.parse_args()
    long_modules, long_functions, untyped, lengths = [], [], [], []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        text = path.read_text("utf-8")
        if (lines := len(text.splitlines())) > 500:
            long_modules.append((lines, name))
        for node in functions(ast.parse(text)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            lengths.append(length)
            if length > 60:
                long_functions.append((length, f"{name}:{node.name}"))
            if UNTYPED in signature_text(node):
                untyped.append((name.split("/")[0] in STAGES, f"{name}:{node.name}"))
    print(f"modules over 500 lines: {len(long_modules)}")
    for lines, name in sorted(long_modules, reverse=True):
        print(f"  {lines:5d}  {name}")
    print(f"functions over 60 lines: {len(long_functions)}")
    for length, name in sorted(long_functions, reverse=True):
        print(f"  {length:5d}  {name}")
    stage = [name for in_stage, name in untyped if in_stage]
    print(f"signatures with {UNTYPED}: {len(untyped)} in src/, {len(stage)} in {', '.join(STAGES)}")
    for name in stage if not args.all else [n for _, n in untyped]:
        print(f"  {name}")
    print(f"functions: {len(lengths)}, median length {statistics.median(lengths):.0f} lines")


if __name__ == "__main__":
    main()
