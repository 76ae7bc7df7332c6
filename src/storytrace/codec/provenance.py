"""The ``provenance`` object of a story in ``stories.json``, written from ``model.Provenance`` and read back.

``edges`` link articles only, as CONTRACT.md has them; a wire credited but not in the corpus is a node of its
own (``nodes``, kind ``absent_source``) linked to its copies in ``credited``; ``passages`` give each reused
passage's likely source, ``outlets`` each outlet's original share. Shares and confidences are written to three
places, so ``provenance_to_json(provenance_from_json(x)) == x`` for what this module wrote. Reading is lenient,
for documents older versions wrote: a missing key is empty, an entry of the wrong shape is left out.

Not here: tracing the graph (``trace.provenance``), the rest of a story's JSON (``codec.story``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from storytrace.codec import read
from storytrace.model import (
    RELATIONS,
    EdgeEvidence,
    NodeKind,
    OrderRule,
    OutletShare,
    PassageSource,
    Provenance,
    ProvenanceEdge,
    ProvenanceNode,
    Relation,
)

JSON = dict[str, Any]
NODE_KINDS: tuple[NodeKind, ...] = get_args(NodeKind)
ORDER_RULES: tuple[OrderRule, ...] = get_args(OrderRule)


# --- writing -----------------------------------------------------------------------------


def provenance_to_json(p: Provenance) -> JSON:
    """The story's ``provenance`` object."""
    return {
        "edges": [_edge_json(e) for e in p.edges],
        "roots": list(p.roots),
        "nodes": [
            {"id": n.id, "kind": n.kind, "label": n.label, **({"note": n.note} if n.note else {})} for n in p.nodes
        ],
        "credited": [_edge_json(e) for e in p.credited],
        "passages": [_passage_json(x) for x in p.passages],
        "outlets": [
            {
                "outlet": o.outlet,
                "original": round(o.original, 3),
                "reused_from": [{"outlet": name, "share": round(share, 3)} for name, share in o.reused_from],
            }
            for o in p.outlets
        ],
    }


def _passage_json(x: PassageSource) -> JSON:
    return {
        "article": x.article,
        "span": list(x.span),
        "source": x.source,
        "source_span": list(x.source_span) if x.source_span is not None else None,
        "relation": x.relation,
        "why": x.why,
    }


def _edge_json(e: ProvenanceEdge) -> JSON:
    out: JSON = {"from": e.source, "to": e.copy, "share": e.share, "why": e.why}
    if e.confidence is not None:
        out["confidence"] = round(e.confidence, 3)
    if e.evidence is not None:
        ev = e.evidence
        out["evidence"] = {
            "rule": ev.rule, "detail": ev.detail, "passages": ev.passages, "longest": ev.longest,
            "narrative": ev.narrative, "source_published": ev.source_published,
            "copy_published": ev.copy_published, "credits": list(ev.credits),
        }  # fmt: skip
    return out


# --- reading -----------------------------------------------------------------------------


def provenance_from_json(data: object) -> Provenance:
    """A story's ``provenance`` object as ``Provenance`` (what is missing or malformed comes out empty)."""
    p = read.mapping(data)
    return Provenance(
        nodes=tuple(_node(n) for n in read.mappings(p.get("nodes"))),
        edges=tuple(e for e in map(_edge, read.mappings(p.get("edges"))) if e is not None),
        credited=tuple(e for e in map(_edge, read.mappings(p.get("credited"))) if e is not None),
        roots=read.strings(p.get("roots")),
        passages=tuple(x for x in map(_passage, read.mappings(p.get("passages"))) if x is not None),
        outlets=tuple(outlet_from_json(o) for o in read.mappings(p.get("outlets"))),
    )


def relation_of(value: object, default: Relation = "related") -> Relation:
    """A relation as written, or ``default`` for anything else (a document of another version)."""
    return read.one_of(value, RELATIONS, default)


def _node(n: Mapping[str, Any]) -> ProvenanceNode:
    kind: NodeKind = read.one_of(n.get("kind"), NODE_KINDS, "article")
    return ProvenanceNode(read.text(n.get("id")), kind, read.text(n.get("label")), read.text(n.get("note")))


def _edge(e: Mapping[str, Any]) -> ProvenanceEdge | None:
    if e.get("from") is None or e.get("to") is None:
        return None
    evidence = _evidence(e["evidence"]) if isinstance(e.get("evidence"), Mapping) else None
    return ProvenanceEdge(
        source=read.text(e["from"]),
        copy=read.text(e["to"]),
        share=read.number(e.get("share")),
        why=read.text(e.get("why")),
        confidence=read.number(e.get("confidence")),
        evidence=evidence,
    )


def _evidence(ev: Mapping[str, Any]) -> EdgeEvidence:
    return EdgeEvidence(
        rule=read.one_of(ev.get("rule"), ORDER_RULES, "unknown"),
        detail=read.text(ev.get("detail")),
        passages=int(read.number_or(ev.get("passages"), 0)),
        longest=int(read.number_or(ev.get("longest"), 0)),
        narrative=read.number_or(ev.get("narrative")),
        source_published=read.optional_text(ev.get("source_published")),
        copy_published=read.optional_text(ev.get("copy_published")),
        credits=read.strings(ev.get("credits")),
    )


def _passage(x: Mapping[str, Any]) -> PassageSource | None:
    span = read.span(x.get("span"))
    if span is None or x.get("article") is None:
        return None
    return PassageSource(
        article=read.text(x["article"]),
        span=span,
        source=read.optional_text(x.get("source")),
        source_span=read.span(x.get("source_span")),
        relation=relation_of(x.get("relation")),
        why=read.text(x.get("why")),
    )


def outlet_from_json(o: Mapping[str, Any]) -> OutletShare:
    """One entry of ``outlets`` (a missing share reads as 0)."""
    reused = tuple(
        (read.text(r.get("outlet")), read.number_or(r.get("share"))) for r in read.mappings(o.get("reused_from"))
    )
    return OutletShare(read.text(o.get("outlet")), read.number_or(o.get("original")), reused)
