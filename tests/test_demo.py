"""The demo corpus comes out as designed (tests/fixtures/demo_expected.json)."""

import json
from pathlib import Path

import pytest

from storytrace.model import relation_family as family
from storytrace.pipeline import analyze
from storytrace.store import Store
from support.demo import designed, hits  # bench/quality/demo_relations.py and bench/quality/differ.py use them too

ROOT = Path(__file__).resolve().parents[1]

EXPECTED = json.loads((ROOT / "tests" / "fixtures" / "demo_expected.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("demo") / "st.db"
    with Store(db) as store:
        result = analyze([ROOT / "examples"], store)
    assert result.problems == []
    return result


def found_relations(demo, rel: dict) -> list[str]:
    return hits(demo.document, demo.texts, rel)


def test_stories_come_out_as_designed(demo) -> None:
    got: dict[str, set[str]] = {}
    for art in demo.document["articles"]:
        got.setdefault(art["story"], set()).add(art["id"])
    assert sorted(map(sorted, got.values())) == sorted(map(sorted, EXPECTED["stories"]))


def test_every_reuse_pair_is_found_with_a_reuse_relation(demo) -> None:
    reuse = [r for r in EXPECTED["relations"] if family(r["relation"]) == "reuse"]
    missed = [r for r in reuse if "reuse" not in {family(x) for x in found_relations(demo, r)}]
    assert missed == []


def test_every_designed_relation_kind_is_found(demo) -> None:
    found_kinds = set()
    for rel in EXPECTED["relations"]:
        if rel["relation"] in found_relations(demo, rel):
            found_kinds.add(rel["relation"])
    assert found_kinds >= {"verbatim", "near_verbatim", "paraphrase", "same_fact"}
    # "related" (same topic, another statement) is mostly beyond the lexical layer at the level of the
    # designed sentence pairs; between the designed articles it must still be reported.
    related_pairs = {(r["a"], r["b"]) for r in EXPECTED["relations"] if r["relation"] == "related"}
    reported = {
        (al["a"], al["b"]) for s in demo.document["stories"] for al in s["alignments"] if al["relation"] == "related"
    }
    assert related_pairs & (reported | {(b, a) for a, b in reported})
    same_fact = [r for r in EXPECTED["relations"] if r["relation"] == "same_fact"]
    right = [r for r in same_fact if "same_fact" in found_relations(demo, r)]
    assert len(right) >= len(same_fact) // 2


def test_derivation_labels(demo) -> None:
    pairs = {(p["a"], p["b"]): p for s in demo.document["stories"] for p in s["pairs"]}
    wrong = []
    for d in EXPECTED["derivation"]:
        if (d["source"], d["copy"]) in pairs:
            got = pairs[d["source"], d["copy"]]["b_from_a"]
        else:
            got = pairs[d["copy"], d["source"]]["a_from_b"]
        if got != d["label"]:
            wrong.append((d["source"], d["copy"], d["label"], got))
    # The METER-trained classifier calls a sports report that takes 59 % of its
    # text from the wire "wholly" derived (METER's wholly-derived articles are
    # often this rewritten); the answer key says "partially". One such miss of
    # 14 is allowed, and only in the direction of "more derived".
    assert len(wrong) <= 1, wrong
    assert all(got != "non_derived" for *_, got in wrong), wrong


def test_provenance_points_from_the_wires(demo) -> None:
    edges = {(e["from"], e["to"]) for s in demo.document["stories"] for e in s["provenance"]["edges"]}
    for d in EXPECTED["derivation"]:
        if d["label"] != "non_derived":
            assert (d["source"], d["copy"]) in edges, d
    roots = {r for s in demo.document["stories"] for r in s["provenance"]["roots"]}
    assert {"s1-meridian-wire", "s1-npa-wire", "s2-npa-wire", "s3-meridian-wire"} <= roots


def test_metadata_credits_authors_boilerplate(demo) -> None:
    meta = {a["id"]: a for a in demo.document["articles"]}
    for article_id, agencies in EXPECTED["credited"].items():
        assert set(agencies) <= set(meta[article_id]["credited"]), article_id
    for article_id, authors in EXPECTED["authors"].items():
        assert sorted(authors) == sorted(meta[article_id]["authors"]), article_id
    for article_id, lines in EXPECTED["boilerplate"].items():
        got = meta[article_id]["boilerplate"]
        for line in lines:
            assert any(line.strip() in g or g.strip() in line for g in got), (article_id, line, got)


def test_rerun_on_the_same_store_changes_nothing(demo, tmp_path: Path) -> None:
    db = tmp_path / "st.db"
    with Store(db) as store:
        first = analyze([ROOT / "examples"], store)
        second = analyze([ROOT / "examples"], store)
        assert store.count() == len(first.document["articles"])
    assert second.added == 0
    assert second.document == first.document


def test_designed_contradictions_are_reported_as_differences(demo) -> None:
    """Each written-in contradiction is a differ item, or a repeat of one cited under it (``also_cites``)."""
    differ = [d for s in demo.document["stories"] for d in s["facts"]["differ"]]
    cites = [c for d in differ for c in [d, *d.get("also_cites", [])]]
    for c in EXPECTED["contradictions"]:
        found = [
            d
            for d in cites
            if {d["a"], d["b"]} == {c["a"], c["b"]}
            and d.get("a_text", "") in (c["a_text"] if d["a"] == c["a"] else c["b_text"])
            and d.get("b_text", "") in (c["b_text"] if d["b"] == c["b"] else c["a_text"])
        ]
        assert found, c["what"]


def test_the_bridge_story_differs_on_its_contradictions_and_little_else(demo) -> None:
    """Issue 29: story 1's differ holds the designed contradictions and at most 3 other items, no rewording."""
    (story,) = [s for s in demo.document["stories"] if "s1-meridian-wire" in s["articles"]]
    differ = story["facts"]["differ"]
    assert not [d for d in differ if d["kind"].startswith("detail")]  # one source's detail is not a difference
    hits = [d for d in differ if designed(d)]
    assert {d["kind"] for d in hits} == {"number", "date"}  # 14 vs 41 injured; April 20 vs May 11
    assert len(differ) - len(hits) <= 3, [(d["kind"], d.get("a_text"), d.get("b_text")) for d in differ]
    assert [d["kind"] for d in differ][: len(hits)] == [d["kind"] for d in hits]  # contradictions of value first
    together = [{(c["article"], tuple(c["span"])) for c in a["cites"]} for a in story["facts"]["agree"]]
    for d in differ:
        sides = {(d["a"], tuple(d["a_span"])), (d["b"], tuple(d["b_span"]))}
        assert not any(sides <= g for g in together), d  # never both agreeing and differing


def test_one_direction_and_no_edge_between_copies_of_one_source(demo) -> None:
    """Issue 27: no pair derived both ways, the graph agrees with the derivations, siblings are not linked."""
    for story in demo.document["stories"]:
        edges = {(e["from"], e["to"]) for e in story["provenance"]["edges"]}
        for p in story["pairs"]:
            assert "non_derived" in (p["b_from_a"], p["a_from_b"]), p  # at most one direction
            assert not ({(p["a"], p["b"]), (p["b"], p["a"])} <= edges), p
            if (p["a"], p["b"]) in edges:
                assert p["b_from_a"] != "non_derived", p
            if (p["b"], p["a"]) in edges:
                assert p["a_from_b"] != "non_derived", p
    # the Meridian Wire's copies (a reprint, an edit, a spun copy) share its text; none is another's source
    copies = {"s1-courier-reprint", "s1-lantern-edit", "s1-spun-copy"}
    edges = {(e["from"], e["to"]) for s in demo.document["stories"] for e in s["provenance"]["edges"]}
    assert not {(a, b) for a, b in edges if a in copies and b in copies}
    assert {("s1-meridian-wire", c) for c in copies} <= edges
