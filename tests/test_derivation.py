import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.align import tiling
from storytrace.align.compare import compare
from storytrace.align.derivation import (
    ALIGNER_FEATURES,
    ALL_FEATURES,
    TEXT_FEATURES,
    aligner_features,
    derivation_features,
    text_features,
)
from storytrace.align.derivation_model import MODEL_FILE, DerivationModel
from storytrace.align.quoted import quote_spans
from storytrace.align.tiling import greedy_string_tiling, longer_tiles, longest_common_run, tile_order
from storytrace.model import DERIVATIONS, REUSE_RELATIONS, Article

SOURCE = (
    "HARLOW FENN (Meridian Wire) - The council of Harlow Fenn voted on Tuesday to close the old ferry "
    "landing after a survey found rot in its timber piles.\n\n"
    "Councillor Ada Brannock said the landing would stay shut until a new pontoon opened in the spring. "
    '"We cannot ask people to stand on a structure that may not hold them," she said.\n\n'
    "The ferry will call at the fishing quay instead, adding about ten minutes to the crossing. "
    "Traders on the waterfront said they feared losing custom during the summer months.\n\n"
    "The survey, paid for by the harbour trust, found that eleven of the forty piles were unsafe. "
    "Repairs are expected to cost about 240,000 crowns, to be shared by the council and the trust."
)
UNRELATED = (
    "The botanical society of Velmont opened its winter glasshouse to visitors on Saturday, showing a "
    "collection of mountain orchids gathered over three decades.\n\n"
    "Curator Imre Solway guided families past benches of moss and fern, explaining how each plant was "
    "kept cool with mist from a spring behind the hill.\n\n"
    "Children pressed leaves into notebooks while a string quartet played near the lily pond. "
    "The society plans evening tours with lanterns next month, and tickets are free for members."
)


def features_for(model: DerivationModel, copy: str, source: str) -> dict[str, float]:
    """The features the model needs, the aligner ones from ``compare`` when it uses them."""
    if not model.uses_aligner:
        return text_features(copy, [source])
    c = compare(Article("source", source), Article("copy", copy))
    by_relation: dict[str, float] = {}
    for relation in {al.relation for al in c.alignments}:
        share = sum(al.b_span[1] - al.b_span[0] for al in c.alignments if al.relation == relation)
        by_relation[relation] = min(1.0, share / max(1, len(copy)))
    return derivation_features(copy, [source], c.b_covered_by_a, by_relation)


# ---------------------------------------------------------------- features


def test_gst_finds_the_known_tile() -> None:
    copy = "the quick brown fox jumps over the lazy dog".split()
    source = "a lazy dog saw the quick brown fox".split()
    assert greedy_string_tiling(copy, source, 3) == [(0, 4, 4)]
    assert greedy_string_tiling(copy, source, 2) == [(0, 4, 4), (7, 1, 2)]
    assert greedy_string_tiling(copy, source, 5) == []


def test_gst_tiles_do_not_overlap_and_prefer_the_longest() -> None:
    copy = "x a b c d e y a b c z".split()
    source = "a b c d e q a b c".split()
    tiles = greedy_string_tiling(copy, source, 3)
    assert tiles == [(1, 0, 5), (7, 6, 3)]
    used_copy = [i + t for i, _, n in tiles for t in range(n)]
    used_source = [j + t for _, j, n in tiles for t in range(n)]
    assert len(used_copy) == len(set(used_copy)) and len(used_source) == len(set(used_source))


def test_gst_splits_a_run_that_a_longer_tile_took_part_of() -> None:
    # "c d e f g" is taken first; the copy's "a b c d" run keeps only "a b" (too short at 3),
    # while a second "a b c" in the source can still be tiled against the copy's "a b c" later.
    copy = "a b c d e f g".split()
    source = "c d e f g a b c".split()
    assert greedy_string_tiling(copy, source, 3) == [(2, 0, 5)]
    assert greedy_string_tiling(copy, source, 2) == [(2, 0, 5), (0, 5, 2)]


@given(
    st.lists(st.sampled_from("abcd"), max_size=60),
    st.lists(st.sampled_from("abcd"), max_size=60),
    st.integers(1, 4),
    st.integers(0, 4),
)
def test_a_tiling_at_a_longer_minimum_is_read_off_a_shorter_one(
    copy: list[str], source: list[str], short: int, more: int
) -> None:
    """``longer_tiles`` gives what ``greedy_string_tiling`` gives at the longer minimum, tile for tile."""
    long = short + more
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tiling, "GST_MAX_REPEATS", 10**9)  # exact tiling: 60 words may repeat a gram 60 times
        assert longer_tiles(greedy_string_tiling(copy, source, short), long) == greedy_string_tiling(copy, source, long)


def test_a_gram_repeated_over_the_cap_starts_no_run_but_its_run_still_tiles(monkeypatch: pytest.MonkeyPatch) -> None:
    source = "a b c " * 40 + "p q r s t"
    copy = "a b c p q r s t".split()
    # "a b c" is repeated 40 times: the run is found from "b c p" on
    assert greedy_string_tiling(copy, source.split(), 3) == [(1, 118, 7)]
    monkeypatch.setattr(tiling, "GST_MAX_REPEATS", 40)
    assert greedy_string_tiling(copy, source.split(), 3) == [(0, 117, 8)]


def test_tiling_a_repetitive_text_is_linear_in_its_length(monkeypatch: pytest.MonkeyPatch) -> None:
    """3,000 sentences alike but for a number, copied: each copy place meets at most GST_MAX_REPEATS source places.

    Before, each place of the four grams the sentences share met their 3,000 places in the source: 36 million
    checks, some minutes. The copy is still tiled whole from its first rare gram on.
    """
    source = " ".join(f"the port was shut after storm {k}" for k in range(3000)).split()
    copy = source[:]
    checks = []
    seeded_before = tiling._seeded_before

    def counting(*args: Any) -> bool:
        checks.append(1)
        return seeded_before(*args)

    monkeypatch.setattr(tiling, "_seeded_before", counting)
    tiles = greedy_string_tiling(copy, source, 3)
    assert len(checks) <= len(copy) * tiling.GST_MAX_REPEATS
    assert tiles == [(4, 4, len(copy) - 4)]


def test_longest_common_run_and_order() -> None:
    assert longest_common_run("p q r s t".split(), "r s t".split()) == 3
    assert longest_common_run("p q r".split(), "x q r y".split()) == 2
    assert longest_common_run("p".split(), "x".split()) == 0
    assert tile_order([(0, 0, 3), (5, 10, 3), (9, 20, 3)]) == 1.0
    assert tile_order([(0, 20, 3), (5, 10, 3), (9, 0, 3)]) == 0.0


def test_identical_text_is_fully_contained() -> None:
    f = text_features(SOURCE, [SOURCE])
    assert set(f) == set(TEXT_FEATURES)
    for n in range(1, 6):
        assert f[f"contain_{n}"] == pytest.approx(1.0)
        assert f[f"rcontain_{n}"] == pytest.approx(1.0)
    assert f["gst3"] == pytest.approx(1.0) and f["gst6"] == pytest.approx(1.0)
    assert f["sentences_tiled_80"] == pytest.approx(1.0) and f["sentences_untiled"] == 0.0
    assert f["length_ratio"] == pytest.approx(0.0)


def test_disjoint_texts_share_nothing() -> None:
    copy = "Orchids bloom quietly beneath glass roofs."
    source = "Ferry piles rotted; councillors voted closure."
    f = text_features(copy, [source])
    for n in range(1, 6):
        assert f[f"contain_{n}"] == 0.0 and f[f"rcontain_{n}"] == 0.0
    assert f["gst3"] == 0.0 and f["longest_run"] == 0.0 and f["sentences_untiled"] == 1.0


def test_several_sources_are_taken_together_but_never_joined() -> None:
    first, second = "alpha beta gamma delta", "epsilon zeta eta theta"
    f = text_features("gamma delta epsilon zeta", [first, second])
    assert f["contain_1"] == 1.0
    assert f["contain_2"] == pytest.approx(2 / 3)  # "delta epsilon" spans the two sources: not found
    assert text_features("", [first])["gst3"] == 0.0


def test_quoted_words_are_told_apart() -> None:
    text = "He said: 'It will stay shut.' Then Collins' tour went on, and `nobody' asked ``why''."
    assert [text[a:b] for a, b in quote_spans(text)] == ["It will stay shut.", "nobody", "why"]
    f = text_features('Brannock said "we cannot ask people to stand on it" today.', [SOURCE])
    assert 0 < f["quoted_share"] < 1


# Every quotation mark real text uses, in every role: none may break the quote finder (a right single quote
# opening "’90s" or "rock ’n’ roll" once raised KeyError and aborted a 300-article run).
QUOTE_MARKS = [
    '"',
    "“",
    "”",
    "„",
    "‟",
    "'",
    "‘",
    "’",
    "‚",
    "‛",
    "`",
    "``",
    "''",
    "«",
    "»",
    "‹",
    "›",
    "「",
    "」",
    "『",
    "』",
]


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Rock ’n’ roll of the ’90s was “loud”, fans said.", ["loud"]),  # elisions are apostrophes
        ("The ’90s were 'great', he said.", ["great"]),
        ("„Guten Tag“, sagte sie.", ["Guten Tag"]),  # German low-high quotes
        ("»Hallo«, sagte er.", ["Hallo"]),  # guillemets written inwards
        ("« Bonjour », dit-il.", [" Bonjour "]),  # French spacing
        ("「こんにちは」と言った。", ["こんにちは"]),  # CJK corner brackets, no spaces
        ("``Hello,'' he said.", ["Hello,"]),  # PA's doubled marks
        ("He said “no' and left.", ["no' and left."]),  # a mark of another family does not close it
    ],
)
def test_every_quote_mark_opens_closes_or_is_an_apostrophe(text: str, quoted: list[str]) -> None:
    assert [text[a:b] for a, b in quote_spans(text)] == quoted


@given(st.lists(st.sampled_from([*QUOTE_MARKS, " ", "a", "9", ".", ",", "\n\n", "n"]), max_size=40))
def test_quote_spans_never_raise_and_stay_inside(parts: list[str]) -> None:
    text = "".join(parts)
    spans = quote_spans(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)


def test_aligner_features_are_separate_and_complete() -> None:
    f = derivation_features("a b c", ["a b c"], 0.5, {"verbatim": 0.25, "invented": 1.0})
    assert set(f) == set(ALL_FEATURES)
    assert f["reuse_coverage"] == 0.5 and f["coverage_verbatim"] == 0.25 and f["coverage_related"] == 0.0
    assert set(aligner_features(0.0, {})) == set(ALIGNER_FEATURES)
    assert set(derivation_features("a b c", ["a b c"])) == set(TEXT_FEATURES)
    assert {"verbatim", "near_verbatim", "paraphrase"} == set(REUSE_RELATIONS)


# ---------------------------------------------------------------- the model


def test_json_heads_predict_as_written() -> None:
    features = ["gst3"]
    linear = {
        "classes": list(DERIVATIONS),
        "kind": "linear",
        "params": {"mean": [0.5], "scale": [0.25], "coef": [[4.0], [0.0], [-4.0]], "intercept": [-2.0, 0.0, -2.0]},
    }
    stump = {"output": 0, "feature": [0, -2, -2], "threshold": [0.3, -2.0, -2.0], "left": [1, -1, -1]}
    stump |= {"right": [2, -1, -1], "value": [0.0, -1.0, 1.0]}
    trees = {"classes": ["non_derived", "derived"], "kind": "trees"}
    trees["params"] = {"init": [0.1], "learning_rate": 1.0, "trees": [stump]}
    spec = {"format": "storytrace-derivation/1", "version": "t", "features": features}
    model = DerivationModel.from_dict(spec | {"three_way": linear, "binary": trees})
    assert model.predict({"gst3": 1.0}) == "wholly_derived"
    assert model.predict({"gst3": 0.5}) == "partially_derived"
    assert model.predict({"gst3": 0.0}) == "non_derived"
    assert model.derived({"gst3": 0.9}) and not model.derived({"gst3": 0.1})
    with pytest.raises(ValueError, match="missing derivation features: gst3"):
        model.predict({"gst6": 1.0})
    with pytest.raises(ValueError):
        DerivationModel.from_dict({"format": "other"})


def test_shipped_model_loads_and_predicts_a_label() -> None:
    from storytrace.align.derivation_model import load_derivation_model

    model = load_derivation_model()
    assert load_derivation_model() is model
    assert model.version and set(model.features) <= set(ALL_FEATURES)
    assert json.loads(MODEL_FILE.read_text(encoding="utf-8"))["version"] == model.version
    assert model.predict(features_for(model, SOURCE, UNRELATED)) in DERIVATIONS


def test_shipped_model_on_a_copy_and_on_an_unrelated_text() -> None:
    from storytrace.align.derivation_model import load_derivation_model

    model = load_derivation_model()
    assert model.predict(features_for(model, SOURCE, SOURCE)) == "wholly_derived"
    assert model.derived(features_for(model, SOURCE, SOURCE))
    assert model.predict(features_for(model, UNRELATED, SOURCE)) == "non_derived"
    assert not model.derived(features_for(model, UNRELATED, SOURCE))
