"""Checks of an analysis of the demo corpus against its answer key (``tests/fixtures/demo_expected.json``).

``hits``: the relations of the alignments covering a designed passage pair (the rule of
``check_seeds.py``: 30 % of both passages); ``designed``: whether a differ item states one of the
demo's written-in contradictions. Shared by ``tests/test_demo.py``, ``bench/quality/demo_relations.py`` and
``bench/quality/differ.py`` (one rule for tests and figures).
"""

from __future__ import annotations

import json
from typing import Any

from support.paths import ROOT

EXPECTED = json.loads((ROOT / "tests" / "fixtures" / "demo_expected.json").read_text("utf-8"))


def hits(doc: dict[str, Any], texts: dict[str, str], rel: dict[str, str]) -> list[str]:
    sa, sb = texts[rel["a"]].index(rel["a_text"]), texts[rel["b"]].index(rel["b_text"])
    ea, eb = sa + len(rel["a_text"]), sb + len(rel["b_text"])
    out = []
    for story in doc["stories"]:
        for al in story["alignments"]:
            if (al["a"], al["b"]) == (rel["a"], rel["b"]):
                a_span, b_span = al["a_span"], al["b_span"]
            elif (al["a"], al["b"]) == (rel["b"], rel["a"]):
                a_span, b_span = al["b_span"], al["a_span"]
            else:
                continue
            a_ok = min(a_span[1], ea) - max(a_span[0], sa) >= 0.3 * (ea - sa)
            if a_ok and min(b_span[1], eb) - max(b_span[0], sb) >= 0.3 * (eb - sb):
                out.append(al["relation"])
    return out


def cite_pairs(item: dict[str, Any]) -> list[tuple[str, str]]:
    """The (a_text, b_text) of a differ item and of every repeat merged under it (``also_cites``)."""
    pairs = [(item.get("a_text", ""), item.get("b_text", ""))]
    return pairs + [(c.get("a_text", ""), c.get("b_text", "")) for c in item.get("also_cites", ())]


def designed(item: dict[str, Any], contradictions: list[dict[str, Any]] | None = None) -> bool:
    """Whether a differ item states one of the demo's written-in contradictions (both sides' words in its two)."""
    if item.get("kind") not in ("number", "date"):
        return False
    for a, b in cite_pairs(item):
        for c in contradictions if contradictions is not None else EXPECTED["contradictions"]:
            if a and b and ((a in c["a_text"] and b in c["b_text"]) or (a in c["b_text"] and b in c["a_text"])):
                return True
    return False
