"""Helpers shared by the tests and the benchmarks: data paths, loaders, a local server, scores, demo checks, floors.

Tests never import from ``bench/``; the benchmarks import these (``bench/_data.py``
and ``bench/_server.py`` re-export ``data`` and ``server``). Not a product module.
"""
