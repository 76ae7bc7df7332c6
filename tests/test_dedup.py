"""Near-duplicate collapse on small made-up streams."""

from storytrace.cluster.dedup import DuplicateIndex, collapse, shingles

WIRE = (
    "ESKERBY (Meridian Wire) - A section of the Saltmarsh Bridge collapsed into the flooded River Velm on Monday, "
    "killing three people and injuring fourteen, officials said. The 140-year-old stone bridge gave way shortly "
    "after 4 p.m. as a delivery van and two cars were crossing. Rescue divers recovered the three bodies about two "
    "kilometres downstream. Transport Minister Aurel Brannock ordered emergency inspections of 38 river crossings."
)
REPRINT = "Bridge horror in Eskerby\n" + WIRE + "\nFollow the Courier for more local news."
OTHER = (
    "Corvane Appliances is recalling about 62,000 kettles sold in Kestria and Lorvenia after reports that the "
    "thermal cut-off switch can fail, letting the kettle boil dry. Owners should stop using the Brightwell 2 model "
    "and contact the company for a free replacement, the firm said on Tuesday in a statement to customers."
)


def test_shingles_are_word_five_grams() -> None:
    assert shingles("One two three four five six") == [b"one two three four five", b"two three four five six"]
    assert shingles("Too short") == [b"too short"]
    assert shingles("") == []


def test_a_reprint_is_a_duplicate_of_the_wire_and_another_story_is_not() -> None:
    found = collapse([("wire", WIRE, "2024-03-04"), ("reprint", REPRINT, "2024-03-04"), ("other", OTHER, None)])
    assert found == {"reprint": "wire"}


def test_a_duplicate_arriving_before_its_original_points_to_the_original() -> None:
    index = DuplicateIndex()
    assert index.add("reprint", REPRINT, "2024-03-05T09:00:00") is None  # alone so far
    assert index.add("wire", WIRE, "2024-03-04T16:30:00") is None  # earlier: it is the original
    assert index.duplicate_of("reprint") == "wire"
    assert index.duplicate_of("wire") is None


def test_adding_again_changes_nothing() -> None:
    index = DuplicateIndex()
    index.add("wire", WIRE, "2024-03-04")
    assert index.add("reprint", REPRINT, "2024-03-05") == "wire"
    assert index.add("reprint", REPRINT, "2024-03-05") == "wire"
    assert index.add("wire", WIRE, "2024-03-04") is None
    assert len(index.signatures) == 2
