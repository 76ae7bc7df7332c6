"""Helpers shared by the tests and the benchmarks: data paths, data loaders, a local server, scores, demo checks.

Tests never import from ``bench/``; the benchmarks import these (``bench/_data.py``
and ``bench/_server.py`` re-export ``data`` and ``server``). Not a product module.
"""
