"""Near-duplicate collapse on small made-up streams."""

import os
import random
import subprocess
import sys

import numpy as np

from storytrace.cluster.dedup import (
    NUM_PERM,
    DuplicateIndex,
    band_layout,
    collapse,
    shingles,
    word_shingles,
)
from storytrace.text.tokens import normal_words

WIRE = (
    "ESKERBY (Meridian Wire) - A section of the Saltmarsh Bridge collapsed into the flooded River Velm on Monday, "
    "killing three people and injuring fourteen, officials said. The 140-year-old stone bridge gave way shortly "
    "after 4 p.m. as a delivery van and two cars were crossing. Rescue divers recovered the three bodies about two "
    "kilometres downstream. Transport Minister Aurel Brannock ordered emergency inspections of 38 river crossings. "
    "Engineers had flagged cracks in the bridge's central pier in a survey two years ago, according to council "
    "minutes seen by Meridian Wire, but repairs were postponed for lack of funds. The river had risen more than "
    "two metres over the weekend after three days of heavy rain across the Velm valley, and the national weather "
    "service warned that more rain was expected on Wednesday. Police closed the roads on both banks and asked "
    "drivers to use the Harlow ring road while divers searched for a fourth person reported missing."
)
# A reprint with its own headline and footer; with the second paragraph it shares 93 % of its shingles with
# the wire (with the first paragraph alone, 85 %: a pair that close to the threshold is missed by about one in
# five draws of 64 hash functions, so the test would pass or fail by luck).
REPRINT = "Bridge horror in Eskerby\n" + WIRE + "\nFollow the Courier for more local news."
OTHER = (
    "Corvane Appliances is recalling about 62,000 kettles sold in Kestria and Lorvenia after reports that the "
    "thermal cut-off switch can fail, letting the kettle boil dry. Owners should stop using the Brightwell 2 model "
    "and contact the company for a free replacement, the firm said on Tuesday in a statement to customers."
)


def made_up_words(n: int, seed: int) -> list[str]:
    """``n`` words no other seed uses, so every 5-gram is new."""
    return [f"w{seed}x{i}" for i in range(n)]


def with_jaccard(base: list[str], changed: int) -> list[str]:
    """``base`` with every ``len(base) // changed``-th word replaced (fewer shared 5-grams)."""
    step = len(base) // changed
    return [f"z{i}" if i % step == step // 2 else w for i, w in enumerate(base)]


def exact_jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(word_shingles(a)), set(word_shingles(b))
    return len(sa & sb) / len(sa | sb)


def test_shingles_are_word_five_grams() -> None:
    assert shingles("One two three four five six") == [b"one two three four five", b"two three four five six"]
    assert shingles("Too short") == [b"too short"]
    assert shingles("") == []


def test_shingles_are_distinct_and_in_order() -> None:
    words = "a b c d e a b c d e a b c d e f".split()
    assert word_shingles(words) == [b"a b c d e", b"b c d e a", b"c d e a b", b"d e a b c", b"e a b c d", b"b c d e f"]
    assert word_shingles(["new york", "b", "c", "d", "e", "f"]) == [b"new york b c d e", b"b c d e f"]


def test_a_reprint_is_a_duplicate_of_the_wire_and_another_story_is_not() -> None:
    found = collapse([("wire", WIRE, "2024-03-04"), ("reprint", REPRINT, "2024-03-04"), ("other", OTHER, None)])
    assert found == {"reprint": "wire"}


def test_a_duplicate_arriving_before_its_original_points_to_the_original() -> None:
    index = DuplicateIndex()
    assert index.add("reprint", REPRINT, "2024-03-05T09:00:00") is None  # alone so far
    assert index.add("wire", WIRE, "2024-03-04T16:30:00") is None  # earlier: it is the original
    assert index.duplicate_of("reprint") == "wire"
    assert index.duplicate_of("wire") is None
    assert index.hits_of == {"reprint": [], "wire": ["reprint"]}


def test_the_earliest_copy_leads_whatever_the_arrival_order() -> None:
    copies = [("c", "2024-03-06"), ("b", None), ("a", "2024-03-04"), ("d", "2024-03-04")]
    for arrival in (copies, copies[::-1], copies[1:] + copies[:1]):
        index = DuplicateIndex()
        for key, published in arrival:
            index.add(key, WIRE, published)
        first = "a" if [k for k, _ in arrival].index("a") < [k for k, _ in arrival].index("d") else "d"
        assert {k: index.duplicate_of(k) for k, _ in copies} == {k: (None if k == first else first) for k, _ in copies}


def test_hits_list_every_earlier_copy_in_arrival_order() -> None:
    index = DuplicateIndex()
    index.add_many([("one", WIRE, None), ("other", OTHER, None), ("two", REPRINT, None), ("three", WIRE, None)])
    assert index.hits_of["three"] == ["one", "two"]
    assert index.last_hits == ["one", "two"]


def test_adding_again_changes_nothing() -> None:
    index = DuplicateIndex()
    index.add("wire", WIRE, "2024-03-04")
    assert index.add("reprint", REPRINT, "2024-03-05") == "wire"
    assert index.add("reprint", REPRINT, "2024-03-05") == "wire"
    assert index.add("wire", WIRE, "2024-03-04") is None
    assert len(index.signatures) == 2


def test_an_empty_text_is_counted_but_matches_nothing() -> None:
    index = DuplicateIndex()
    assert index.add_many([("empty", "", None), ("also empty", "...", None), ("wire", WIRE, None)]) == [None] * 3
    assert len(index.signatures) == 3
    assert "empty" not in index.hits_of


def test_texts_words_and_shingles_give_the_same_signatures() -> None:
    texts = {"wire": WIRE, "reprint": REPRINT, "other": OTHER, "short": "Too short", "spaced": ""}
    words = {k: normal_words(t) for k, t in texts.items()}
    words["spaced"] = ["new york", "fire", "kills", "three", "in", "harlem", "flat"]  # a word with a space in it
    by_text, by_words, by_shingles = DuplicateIndex(), DuplicateIndex(), DuplicateIndex()
    by_text.add_many([(k, " ".join(w), None) for k, w in words.items() if k != "spaced"])
    by_words.add_words([(k, w, None) for k, w in words.items()])
    by_shingles.add_shingled([(k, word_shingles(w), None) for k, w in words.items()])
    for key in words:
        assert np.array_equal(by_words.signatures[key], by_shingles.signatures[key])
        if key != "spaced":
            assert np.array_equal(by_text.signatures[key], by_words.signatures[key])


def test_one_batch_or_one_at_a_time_is_the_same() -> None:
    items = [("a", WIRE, "2024-03-05"), ("b", OTHER, None), ("c", REPRINT, "2024-03-04"), ("d", WIRE, "2024-03-06")]
    batch, single = DuplicateIndex(), DuplicateIndex()
    assert batch.add_many(items) == [single.add(*item) for item in items]
    assert batch.hits_of == single.hits_of
    assert {k: batch.duplicate_of(k) for k, _, _ in items} == {"a": "c", "b": None, "c": None, "d": "c"}


SIGNATURE_SCRIPT = """
from storytrace.cluster.dedup import DuplicateIndex
index = DuplicateIndex()
index.add("k", "The quick brown fox jumps over the lazy dog near the river bank.")
print(",".join(str(int(v)) for v in index.signatures["k"]))
"""


def test_signatures_are_the_same_in_every_process() -> None:
    # Pinned values: a change of hashing silently splits new copies from old ones in a stored index.
    index = DuplicateIndex()
    index.add("k", "The quick brown fox jumps over the lazy dog near the river bank.")
    here = [int(v) for v in index.signatures["k"]]
    assert here[:3] == [3795735529825799697, 690805859891806712, 4100264552741594645]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # another salt for str hashes than this process's
    out = subprocess.run([sys.executable, "-c", SIGNATURE_SCRIPT], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert [int(v) for v in out.stdout.strip().split(",")] == here


def test_estimates_follow_the_exact_jaccard() -> None:
    index = DuplicateIndex()
    errors = []
    for seed in range(60):
        base = made_up_words(120, seed)
        other = with_jaccard(base, changed=1 + seed % 8)
        index.add_words([(f"{seed}a", base, None), (f"{seed}b", other, None)])
        errors.append(index.jaccard(f"{seed}a", f"{seed}b") - exact_jaccard(base, other))
    assert abs(float(np.mean(errors))) < 0.02  # unbiased
    assert float(np.sqrt(np.mean(np.square(errors)))) < 0.07  # binomial spread: at most 0.0625 with 64 values


def test_threshold_separates_copies_from_related_texts() -> None:
    base = made_up_words(200, seed=1)
    close, far = with_jaccard(base, changed=2), with_jaccard(base, changed=12)
    assert exact_jaccard(base, close) > 0.9 and exact_jaccard(base, far) < 0.6
    index = DuplicateIndex()
    assert index.add_words([("base", base, None), ("close", close, None), ("far", far, None)]) == [None, "base", None]
    loose = DuplicateIndex(threshold=0.3)
    assert loose.add_words([("base", base, None), ("far", far, None)]) == [None, "base"]


def test_band_layout() -> None:
    assert band_layout(0.8, 64, false_negative_weight=0.5) == (5, 11)  # datasketch's MinHashLSH
    bands, rows = band_layout(0.8, NUM_PERM)
    assert bands * rows <= NUM_PERM
    assert 1 - (1 - 0.8**rows) ** bands > 0.85  # a pair at the threshold is usually a candidate
    assert 1 - (1 - 0.3**rows) ** bands < 0.01  # a pair sharing 30 % rarely is


def test_duplicates_found_in_a_random_stream_do_not_depend_on_batching() -> None:
    rng = random.Random(7)
    texts = [made_up_words(80, seed) for seed in range(30)]
    items = [(f"k{i}", rng.choice(texts), None) for i in range(120)]
    whole, pieces = DuplicateIndex(), DuplicateIndex()
    whole.add_words(items)
    for start in range(0, len(items), 7):
        pieces.add_words(items[start : start + 7])
    assert whole.hits_of == pieces.hits_of
    for key, words, _ in items:
        rep = whole.duplicate_of(key)
        first = next(k for k, w, _ in items if w is words)
        assert rep == (None if first == key else first)


def test_a_long_text_is_hashed_and_signed_a_slice_at_a_time(monkeypatch) -> None:
    """Slices of a long text (issue 25) give the signature its whole shingle list gives: permuting a 10 MB
    article's 1.7 million shingles at once took 870 MB, and its prefix hashes 240 MB more."""
    from storytrace.cluster import dedup

    rng = random.Random(4)
    vocabulary = normal_words(WIRE)
    docs = [[rng.choice(vocabulary) for _ in range(n)] for n in (0, 3, 5, 9000, 40, 12001, 2)]
    whole = dedup.hashes_of_words(docs, dedup.SHINGLE_WORDS)  # each text under the chunk: hashed whole
    monkeypatch.setattr(dedup, "CHUNK_SHINGLES", 1000)
    monkeypatch.setattr(dedup, "CHUNK_PERMUTED", 700)
    sliced = dedup.hashes_of_words(docs, dedup.SHINGLE_WORDS)
    assert np.array_equal(sliced[0], whole[0]) and np.array_equal(sliced[1], whole[1])
    signed_in_slices = dedup.minhash_signatures(*sliced)
    monkeypatch.setattr(dedup, "CHUNK_PERMUTED", 1 << 20)
    assert np.array_equal(signed_in_slices, dedup.minhash_signatures(*whole))
