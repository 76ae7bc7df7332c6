"""The benchmarks' one bootstrap: puts every bench folder, ``training/`` and ``tests/`` on the import path.

A script under ``bench/<folder>/`` (or ``training/``) finds this module by putting ``bench/`` on the path
itself, then imports it before anything of its own::

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ (training/: parents[1] / "bench")
    import _support  # noqa: F401

After that the helper modules here (``_data``, ``_server``, ``_join_data``, ``_relations_data``, ``_machine``),
every script of every folder (``analyze_speed``, ``meter``, ``train_relations``...: their names are unique) and
``tests/support`` (the data paths of ``../shared``, the data loaders, the local server, the clustering scores and
the demo checks) import by their bare names. Tests never import from ``bench/``.

Not here: data paths (``tests/support/paths.py``), any figure.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"  # what the scripts write and cache (git-ignored)
FOLDERS = ("quality", "speed", "experiments", "code")

for folder in (ROOT / "tests", ROOT / "training", *(BENCH / f for f in FOLDERS), BENCH):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
