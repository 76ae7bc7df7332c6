"""Per-passage provenance and outlet originality (trace.provenance) on fictional articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.align.compare import compare, prepare
from storytrace.align.policy import compare_story
from storytrace.align.relation import LexicalRelations
from storytrace.clean import agencies_with
from storytrace.codec.provenance import provenance_to_json
from storytrace.model import REUSE_RELATIONS, Article, Comparison, PassageSource, ProvenanceEdge
from storytrace.pipeline import member_order
from storytrace.trace.edges import reuse_edges, roots, supported_edges
from storytrace.trace.outlets import outlet_originality
from storytrace.trace.passages import ORIGINAL, passage_sources
from storytrace.trace.provenance import story_provenance

AGENCIES = agencies_with(["Meridian Wire"])

# A fictional story, one sentence per line.
S = [
    "The old lighthouse at Portvale Point was struck by lightning late on Thursday, the harbour master said.",
    "Fire crews from three villages spent four hours on the cliff before the blaze in the lamp room was out.",
    "Nobody was inside the tower, which has been run by an automatic beacon since the keepers left in 1987.",
    "The Portvale Heritage Trust said the cast-iron gallery had cracked and the stairs were no longer safe.",
    "Fishing boats were told to keep two nautical miles offshore until a temporary light is fixed to the mast.",
    "Repairs to the 19th-century tower could cost as much as 2.4 million crowns, according to the trust.",
]
EXTRA = [
    "Residents of the lower town gathered on the sea wall to watch the flames against the night sky.",
    "The local council will meet on Monday to decide whether the coastal path below the cliff stays closed.",
]


def art(aid: str, lines: list[str], published: str | None, source: str | None, kind: str = "article") -> Article:
    return Article(id=aid, text="\n".join(lines), source=source, published=published, kind=kind)


def story(*articles: Article) -> list[Comparison]:
    members = sorted((prepare(a, AGENCIES) for a in articles), key=lambda p: member_order(p.article))
    return compare_story(members, LexicalRelations())


def of(passages: list[PassageSource], article_id: str) -> list[PassageSource]:
    return [p for p in passages if p.article == article_id]


def sources_of(passages: list[PassageSource], article_id: str) -> set[str | None]:
    return {p.source for p in of(passages, article_id)}


def test_credited_wire_published_later_is_still_the_source() -> None:
    wire = art(
        "wire", ["PORTVALE (Meridian Wire) - " + S[0], *S[1:]], "2026-05-08T12:00:00Z", "Meridian Wire", "agency"
    )
    # the outlet's copy carries an earlier time stamp (the wire's feed item was re-issued), but credits the wire
    copy = art("copy", ["PORTVALE (Meridian Wire) - " + S[0], *S[1:4]], "2026-05-08T09:30:00Z", "Oster Gazette")
    comparisons = story(wire, copy)
    assert comparisons[0].a_clean.credited or comparisons[0].b_clean.credited
    passages = passage_sources(comparisons)
    copied = of(passages, "copy")
    assert copied and {p.source for p in copied} == {"wire"}
    assert all("credited agency copy (Meridian Wire)" in p.why for p in copied)
    assert {(p.source, p.why) for p in of(passages, "wire")} == {(None, ORIGINAL)}
    edges = reuse_edges(comparisons)
    assert [(e.source, e.copy) for e in edges] == [("wire", "copy")]
    assert roots(["wire", "copy"], edges) == ["wire"]


def test_the_earliest_article_is_the_source_otherwise() -> None:
    first = art("first", S, "2026-05-08T08:00:00Z", "Portvale Echo")
    second = art("second", [*S[:4], EXTRA[0]], "2026-05-08T10:00:00Z", "Coastal Daily")
    third = art("third", [EXTRA[1], *S[2:]], "2026-05-09", "Northern Lamp")
    passages = passage_sources(story(third, second, first))
    assert sources_of(passages, "second") == {"first"}
    assert sources_of(passages, "third") == {"first"}
    assert all(p.why == "earliest article that holds it" for p in passages if p.source is not None)
    assert {p.why for p in of(passages, "first")} == {ORIGINAL}
    # the sentences nobody else holds are not passages
    texts = {"second": second.text, "third": third.text}
    for p in of(passages, "second") + of(passages, "third"):
        held = texts[p.article][p.span[0] : p.span[1]]
        assert EXTRA[0] not in held and EXTRA[1] not in held


def test_an_uncredited_wire_copy_published_later_is_not_the_source() -> None:
    early = art("early", S, "2026-05-08T08:00:00Z", "Portvale Echo")
    wire = art("wire", S[:5], "2026-05-08T11:00:00Z", "Meridian Wire", "agency")
    passages = passage_sources(story(early, wire))
    assert sources_of(passages, "wire") == {"early"}


def test_agency_copy_goes_first_on_the_same_date() -> None:
    wire = art("wire", S[:5], "2026-05-08", "Meridian Wire", "agency")
    paper = art("paper", S, "2026-05-08", "Portvale Echo")
    passages = passage_sources(story(paper, wire))
    assert sources_of(passages, "paper") == {"wire"}
    assert {p.why for p in of(passages, "paper")} == {"agency copy holds it (same date)"}


@pytest.mark.parametrize("wire_time", ["2031-03-14T09:00Z", "2031-03-14T01:00+05:00", "2031-03-14T23:00-05:00"])
def test_a_wire_item_timed_within_the_papers_day_is_not_earlier_for_compare_nor_provenance(wire_time: str) -> None:
    # one rule (published.which_first): a date alone is a day; a time within it is neither before nor after it
    wire = art("wire", S[:5], wire_time, "Meridian Wire", "agency")
    paper = art("paper", S, "2031-03-14", "Portvale Echo")
    for pair in (
        compare(paper, wire, AGENCIES, LexicalRelations()),
        compare(wire, paper, AGENCIES, LexicalRelations()),
    ):
        assert (pair.order.source, pair.order.rule, pair.order.detail) == ("wire", "agency", "same date")
    comparisons = story(paper, wire)
    assert [c.order.rule for c in comparisons] == ["agency"]
    assert [(e.source, e.copy) for e in reuse_edges(comparisons)] == [("wire", "paper")]
    assert sources_of(passage_sources(comparisons), "paper") == {"wire"}


def test_a_wire_update_traces_to_the_first_version_and_a_credit_to_the_named_wire() -> None:
    first = art(
        "wire-1", ["PORTVALE (Meridian Wire) - " + S[0], *S[1:4]], "2026-05-08T07:00:00Z", "Meridian Wire", "agency"
    )
    update = art(
        "wire-2", ["PORTVALE (Meridian Wire) - " + S[0], *S[1:]], "2026-05-08T09:00:00Z", "Meridian Wire", "agency"
    )
    roundup = art("roundup", ["By Agencies", S[1] + " (Meridian Wire)", S[5]], "2026-05-08T12:00:00Z", "Oster Gazette")
    passages = passage_sources(story(update, first, roundup))
    assert sources_of(passages, "wire-2") == {"wire-1", None}  # its new sentences are its own
    assert {p.why for p in of(passages, "wire-2") if p.source} == {"earliest article that holds it"}
    credited = of(passages, "roundup")
    assert {(p.source, p.why) for p in credited} == {
        ("wire-1", "credited agency copy (Meridian Wire) holds it"),
        ("wire-2", "credited agency copy (Meridian Wire) holds it"),
    }


def test_a_reprint_of_a_reprint_traces_to_the_original() -> None:
    original = art("original", S, "2026-05-08T08:00:00Z", "Portvale Echo")
    reprint = art("reprint", [EXTRA[0], *S], "2026-05-08T12:00:00Z", "Coastal Daily")
    second = art("second", [*S[1:5], EXTRA[1]], "2026-05-09T07:00:00Z", "Northern Lamp")
    # only the two reprint steps were compared: "second" never met the original
    chain = [
        compare(original, reprint, AGENCIES, LexicalRelations()),
        compare(reprint, second, AGENCIES, LexicalRelations()),
    ]
    passages = passage_sources(chain)
    traced = of(passages, "second")
    assert traced and {p.source for p in traced} == {"original"}
    assert all(p.why.startswith("reused from reprint, a copy of original") for p in traced)
    for p in traced:
        assert p.source_span is not None
        assert second.text[p.span[0] : p.span[1]] == original.text[p.source_span[0] : p.source_span[1]]
    # the whole story compared: the same answer, now directly
    direct = of(passage_sources(story(second, reprint, original)), "second")
    assert {p.source for p in direct} == {"original"}
    assert {p.why for p in direct} == {"earliest article that holds it"}


def test_a_copy_of_a_credited_wire_copy_follows_the_credit_to_the_earliest_holder() -> None:
    scoop = art("scoop", S, "2026-05-08T06:00:00Z", "Portvale Echo")
    wire = art("wire", S[:5], "2026-05-08T09:00:00Z", "Meridian Wire", "agency")
    credit = art("credit", ["PORTVALE (Meridian Wire) - " + S[0], *S[1:5]], "2026-05-08T07:00:00Z", "Oster Gazette")
    passages = passage_sources(story(scoop, wire, credit))
    assert sources_of(passages, "wire") == {"scoop"}
    # the credited wire took it from the earlier scoop: followed to the root, no cycle
    credited = of(passages, "credit")
    assert {p.source for p in credited} == {"scoop"}
    assert all(p.why.startswith("reused from wire, a copy of scoop") for p in credited)
    assert sources_of(passages, "scoop") == {None}


def test_undated_texts_are_decided_by_containment_and_say_so() -> None:
    longer = art("longer", S + EXTRA, None, "Portvale Echo")
    shorter = art("shorter", [S[1], S[3], S[4]], None, "Coastal Daily")
    comparisons = story(shorter, longer)
    passages = passage_sources(comparisons)
    assert sources_of(passages, "shorter") == {"longer"}
    assert {p.why for p in of(passages, "shorter")} == {"contained in the source (no dates)"}
    assert [(e.source, e.copy) for e in reuse_edges(comparisons)] == [("longer", "shorter")]


def test_compare_of_two_texts_no_rule_orders_takes_the_first_named_for_the_source() -> None:
    first, second = art("first", S, None, None), art("second", S, None, None)
    c = compare(first, second, AGENCIES, LexicalRelations())
    assert (c.order.source, c.order.rule) == ("first", "given")
    assert c.b_from_a == "wholly_derived" and c.a_from_b == "non_derived"
    # Within a story nobody named the texts in order: the pair stays unordered, derived neither way.
    in_story = story(first, second)[0]
    assert in_story.order.source is None and {in_story.a_from_b, in_story.b_from_a} == {"non_derived"}


def test_copies_of_one_wire_by_known_outlets_stay_siblings_in_compare() -> None:
    lines = ["PORTVALE (Meridian Wire) - " + S[0], *S[1:]]
    echo, lamp = art("echo", lines, None, "Portvale Echo"), art("lamp", lines, None, "Northern Lamp")
    c = compare(echo, lamp, AGENCIES, LexicalRelations())
    assert c.order.rule == "siblings" and {c.a_from_b, c.b_from_a} == {"non_derived"}
    unknown = compare(art("x", lines, None, None), art("y", lines, None, None), AGENCIES, LexicalRelations())
    assert (unknown.order.source, unknown.order.rule) == ("x", "given")


def test_an_edge_stands_only_where_the_copys_passages_trace_to_its_source() -> None:
    def edge(source: str, copy: str) -> ProvenanceEdge:
        return ProvenanceEdge(source, copy, 0.5, "", 0.9)

    def passage(article: str, source: str | None) -> PassageSource:
        return PassageSource(article, (0, 10), source, None if source is None else (0, 10), "verbatim", "")

    edges = [edge("wire", "paper-1"), edge("paper-1", "paper-2"), edge("wire", "paper-2"), edge("paper-2", "paper-3")]
    # paper-2 shares with paper-1 only what both took from the wire; paper-3's copy shows no passage at all
    passages = [passage("paper-1", "wire"), passage("paper-2", "wire"), passage("wire", None)]
    kept = [(e.source, e.copy) for e in supported_edges(edges, passages)]
    assert kept == [("wire", "paper-1"), ("wire", "paper-2"), ("paper-2", "paper-3")]


@pytest.fixture
def newsroom() -> tuple[list[Article], list[Comparison], list[PassageSource]]:
    articles = [
        art("wire", ["PORTVALE (Meridian Wire) - " + S[0], *S[1:]], "2026-05-08T07:00:00Z", "Meridian Wire", "agency"),
        art("echo-1", [EXTRA[0], *S[:3]], "2026-05-08T09:00:00Z", "Portvale Echo"),
        art("echo-2", [*S[:3], EXTRA[1]], "2026-05-08T15:00:00Z", "Portvale Echo"),
        art("lamp", [S[0] + " (Meridian Wire)", S[5], EXTRA[1]], "2026-05-08T18:00:00Z", "Northern Lamp"),
        art("anon", [*S[3:5], EXTRA[0]], None, None),
    ]
    comparisons = story(*articles)
    return articles, comparisons, passage_sources(comparisons)


def test_outlet_shares_sum_to_one(newsroom) -> None:
    articles, comparisons, passages = newsroom
    outlets = outlet_originality(comparisons, articles, passages)
    assert [o.outlet for o in outlets] == ["Meridian Wire", "Portvale Echo", "Northern Lamp", "anon"]
    for o in outlets:
        assert o.original + sum(share for _, share in o.reused_from) == pytest.approx(1.0)
        assert 0.0 <= o.original <= 1.0
        assert all(share > 0 for _, share in o.reused_from)
        assert o.outlet not in {name for name, _ in o.reused_from}
    by_name = {o.outlet: o for o in outlets}
    assert by_name["Meridian Wire"].original == 1.0
    assert dict(by_name["Portvale Echo"].reused_from).keys() == {"Meridian Wire"}
    assert 0.0 < by_name["Portvale Echo"].original < 1.0


def test_every_span_lies_in_its_text(newsroom) -> None:
    articles, _, passages = newsroom
    texts = {a.id: a.text for a in articles}
    assert passages
    for p in passages:
        start, end = p.span
        assert 0 <= start < end <= len(texts[p.article]), p
        assert texts[p.article][start:end].strip() == texts[p.article][start:end]
        assert p.relation in REUSE_RELATIONS
        if p.source is None:
            assert p.source_span is None and p.why == ORIGINAL
        else:
            assert p.source != p.article and p.source_span is not None
            s0, s1 = p.source_span
            assert 0 <= s0 < s1 <= len(texts[p.source]), p
    for aid in texts:
        spans = sorted(p.span for p in of(passages, aid))
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), aid


def test_story_provenance_is_json(newsroom) -> None:
    articles, comparisons, _ = newsroom
    doc = provenance_to_json(story_provenance(comparisons, articles))
    assert set(doc) == {"edges", "roots", "nodes", "credited", "passages", "outlets"}
    json.dumps(doc)
    assert all({"from", "to", "share", "why", "evidence"} <= set(e) for e in doc["edges"])
    assert {n["id"] for n in doc["nodes"] if n["kind"] == "article"} == {a.id for a in articles}
    first = doc["passages"][0]
    assert set(first) == {"article", "span", "source", "source_span", "relation", "why"}
    assert all(set(o) == {"outlet", "original", "reused_from"} for o in doc["outlets"])


def test_nothing_shared_nothing_listed() -> None:
    a = art("a", S[:3], "2026-05-08", "Portvale Echo")
    b = art("b", EXTRA, "2026-05-08", "Coastal Daily")
    comparisons = story(a, b)
    assert passage_sources(comparisons) == []
    assert passage_sources([]) == []
    outlets = outlet_originality(comparisons, [a, b], [])
    assert [(o.outlet, o.original) for o in outlets] == [("Portvale Echo", 1.0), ("Coastal Daily", 1.0)]


def test_with_nothing_reused_every_outlet_is_wholly_original_in_order_of_first_appearance() -> None:
    a = art("a", S[:3], "2026-05-08", "Portvale Echo")
    b = art("b", EXTRA, "2026-05-09", "Coastal Daily")
    c = art("c", S[3:], "2026-05-10", "Portvale Echo")
    d = art("d", [], "2026-05-11", None)  # no outlet named: the article counts for itself, and holds no content
    outlets = outlet_originality([], [a, b, c, d], [])
    assert [(o.outlet, o.original, o.reused_from) for o in outlets] == [
        ("Portvale Echo", 1.0, ()), ("Coastal Daily", 1.0, ()), ("d", 1.0, ())
    ]  # fmt: skip


def test_the_seeds_reuters_copy_is_the_root_and_reuters_a_node_of_its_own(seeds, tmp_path: Path) -> None:
    """Issue 27: 000 credits Reuters in its dateline (Reuters' copy), 002 is a 'By Agencies' compilation."""
    from storytrace.pipeline import analyze
    from storytrace.store import Store

    a, b = (p.stem for p in seeds)
    with Store(tmp_path / "s.db") as store:
        (story,) = analyze(list(seeds), store).document["stories"]
    prov = story["provenance"]
    assert prov["roots"] == [a]
    assert [(e["from"], e["to"]) for e in prov["edges"]] == [(a, b)]  # never 000 as a copy of 002
    assert [(e["from"], e["to"]) for e in prov["credited"]] == [("agency:Reuters", a)]
    assert {
        "id": "agency:Reuters",
        "kind": "absent_source",
        "label": "Reuters",
        "note": "credited, not in this corpus",
    } in prov["nodes"]
    (pair,) = story["pairs"]
    derived = {(pair["a"], pair["b"]): pair["b_from_a"], (pair["b"], pair["a"]): pair["a_from_b"]}
    assert derived[a, b] == "partially_derived" and derived[b, a] == "non_derived"
