import json
from collections.abc import Sequence

from storytrace.align.compare import compare
from storytrace.model import Article
from storytrace.model import relation_family as family
from support.floors import at_least, at_most

WIRE = (
    "ESKERBY (Meridian Wire) – A bridge collapsed into the river on Monday, killing three people.\n"
    "The mayor said the crossing would stay closed until April 20.\n"
    "Engineers had warned about cracks in the main span last year.\n"
    "Rescue teams searched the water through the night with boats and divers."
)


def gold_hits(out: dict, a_text: str, b_text: str, gold: dict) -> list[str]:
    ga, gb = a_text.index(gold["a"]), b_text.index(gold["b"])
    ga_end, gb_end = ga + len(gold["a"]), gb + len(gold["b"])

    def overlap(span: list[int], lo: int, hi: int) -> int:
        return max(0, min(span[1], hi) - max(span[0], lo))

    return [
        al["relation"]
        for al in out["alignments"]
        if overlap(al["a_span"], ga, ga_end) >= 0.3 * (ga_end - ga)
        and overlap(al["b_span"], gb, gb_end) >= 0.3 * (gb_end - gb)
    ]


def test_seeds_meet_the_quality_floor(seeds) -> None:
    """The seeds' floors (tests/quality_floors.toml): all 8 reuse/same_fact pairs found, >= 6 right, <= 1 false."""
    from storytrace.report.documents import comparison_json

    a_path, b_path = seeds
    gold = json.loads((a_path.parent / "gold.json").read_text("utf-8"))
    a_text, b_text = a_path.read_text("utf-8"), b_path.read_text("utf-8")
    out = comparison_json(compare(Article("a", a_text), Article("b", b_text)))
    strong = [g for g in gold["aligned"] if g["relation"] != "related"]
    found = right = 0
    matched_texts = set()
    for g in strong:
        hits = gold_hits(out, a_text, b_text, g)
        found += bool(hits)
        right += family(g["relation"]) in {family(h) for h in hits}
    for g in gold["aligned"]:
        for al in out["alignments"]:
            if al["relation"] in gold_hits(out, a_text, b_text, g):
                matched_texts.add(al["a_text"])
    false = [al for al in out["alignments"] if al["a_text"] not in matched_texts and al["relation"] != "related"]
    assert found == len(strong) >= at_least("seeds_strong_pairs_found")
    assert right >= at_least("seeds_strong_pairs_right_family")
    assert len(false) <= at_most("seeds_false_alignments")
    assert out["same_story"] is True
    for al in out["alignments"]:  # spans index the text as given
        assert a_text[al["a_span"][0] : al["a_span"][1]] == al["a_text"]
        assert b_text[al["b_span"][0] : al["b_span"][1]] == al["b_text"]


def test_self_alignment_is_one_verbatim_passage_covering_everything() -> None:
    c = compare(Article("a", WIRE), Article("b", WIRE))
    assert [al.relation for al in c.alignments] == ["verbatim"]
    assert c.a_covered_by_b == c.b_covered_by_a == 1.0
    # Both datelines credit the wire and neither outlet is known: either may be the wire's own item, so
    # compare takes the text named first for the source.
    assert (c.order.source, c.order.rule) == ("a", "given")
    assert c.b_from_a == "wholly_derived" and c.a_from_b == "non_derived"
    # Two outlets' undated copies of one wire: siblings, neither derived from the other.
    known = compare(Article("a", WIRE, source="Portvale Echo"), Article("b", WIRE, source="Northern Lamp"))
    assert (known.order.source, known.order.rule) == (None, "siblings")
    assert known.b_from_a == known.a_from_b == "non_derived"
    dated = compare(
        Article("a", WIRE, published="2026-03-02"), Article("b", WIRE, source="Meridian Wire", kind="agency")
    )
    assert (dated.order.source, dated.order.rule) == ("b", "wire") and dated.a_from_b == "wholly_derived"


def test_reordered_paragraphs_still_align() -> None:
    body = WIRE.split("– ", 1)[1]
    paras = body.split("\n")
    shuffled = "\n".join([paras[3], paras[1], paras[0], paras[2]])
    c = compare(Article("a", body), Article("b", shuffled))
    assert all(al.relation == "verbatim" for al in c.alignments)
    assert c.a_covered_by_b == 1.0 and c.b_covered_by_a == 1.0


def test_light_edit_is_near_verbatim_and_split_sentence_still_aligns() -> None:
    edited = (
        "A bridge collapsed into the river on Monday, killing three people.\n"
        "The mayor said the crossing would remain shut until April 20.\n"
        "Engineers had warned about cracks in the main span. That was last year."
    )
    c = compare(Article("a", WIRE), Article("b", edited))
    # One passage, as a reader sees it: the whole copy, lightly edited ("remain" for "stay", a sentence split).
    (passage,) = c.alignments
    assert passage.relation == "near_verbatim"
    assert c.b.text[passage.b_span[0] : passage.b_span[1]] == c.b.text.strip()
    # "…main span. That was last year." (two sentences) is inside it with "…main span last year." (one)
    assert {2} <= set(passage.a_sentences) and {2, 3} <= set(passage.b_sentences)
    assert c.b_covered_by_a == 1.0


def test_unrelated_articles_share_nothing() -> None:
    other = "Shares of the carmaker rose on Tuesday after quarterly profits beat forecasts.\nAnalysts expect more."
    c = compare(Article("a", WIRE), Article("b", other))
    assert [al for al in c.alignments if al.relation != "related"] == []
    assert not c.same_story
    assert c.b_from_a == "non_derived"


def test_derivation_respects_publication_order() -> None:
    own = WIRE.replace("ESKERBY (Meridian Wire) – ", "")  # an outlet's own text: no wire credit makes them siblings
    early = Article("a", own, published="2026-03-02T10:00:00Z")
    late = Article("b", own, published="2026-03-02T12:00:00+01:00")
    c = compare(early, late)
    assert (c.order.source, c.order.rule) == ("a", "earlier")
    assert c.b_from_a == "wholly_derived"
    assert c.a_from_b == "non_derived"  # a text cannot derive from a later one


def test_a_joined_passage_is_described_as_its_text_and_a_lone_sentence_as_the_space_has_it() -> None:
    from storytrace.align.features import SentenceSpace, describe
    from storytrace.align.match import _group_info

    texts = WIRE.split("\n")
    space = SentenceSpace(texts)
    assert _group_info(space, [1]) is space.infos[1]
    joined = _group_info(space, [2, 3])
    assert joined == describe(f"{texts[2]} {texts[3]}")
    assert joined.char_counts == describe(f"{texts[2]} {texts[3]}").char_counts


def test_a_story_aligned_in_one_batch_matches_each_pair_aligned_alone() -> None:
    """``align_planned`` names a whole story's pairs in two scorer calls and gives what each pair gets alone."""
    from itertools import accumulate, combinations

    from storytrace.align.classifier import default_scorer
    from storytrace.align.compare import prepare, sentence_space
    from storytrace.align.features import PairFeatures
    from storytrace.align.match import align_planned, align_sentences, plan_alignment

    texts = [
        WIRE,
        "A bridge collapsed into the river on Monday, killing three people.\n"
        "The mayor said the crossing would remain shut until April 20.\n"
        "Engineers had warned about cracks in the main span. That was last year.",
        "Rescue teams searched the water overnight with boats and divers.\n"
        "Three people died when a bridge fell into the river on Monday, officials said.",
        "Shares of the carmaker rose on Tuesday after quarterly profits beat forecasts.",
    ]
    members = [prepare(Article(f"a{k}", text)) for k, text in enumerate(texts)]
    space = sentence_space(members)
    offsets = list(accumulate((len(p.sentences) for p in members), initial=0))
    rows = [list(range(offsets[k], offsets[k + 1])) for k in range(len(members))]
    scorer = default_scorer("lexical")
    calls: list[int] = []

    class CountingScorer:
        def relation(self, features: PairFeatures) -> tuple[str, float] | None:
            return self.relations([features])[0]

        def relations(self, features: Sequence[PairFeatures]) -> list[tuple[str, float] | None]:
            calls.append(len(features))
            return scorer.relations(features)

    pairs = list(combinations(range(len(members)), 2))
    plans = [plan_alignment(space, rows[i], rows[j], members[i].sentences, members[j].sentences) for i, j in pairs]
    batched = align_planned(plans, CountingScorer())
    alone = [
        align_sentences(space, rows[i], rows[j], members[i].sentences, members[j].sentences, scorer) for i, j in pairs
    ]
    assert batched == alone
    assert len(calls) == 2  # chosen pairs, then split-sentence joins: once each for the story
    assert any(len(al.b_sentences) > 1 for al in batched[pairs.index((0, 1))])  # a join was tried and made
    assert not [al for al in batched[pairs.index((0, 3))] if al.relation != "related"]
