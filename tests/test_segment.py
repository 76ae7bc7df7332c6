from storytrace.text.segment import paragraphs, sentences


def texts(text: str) -> list[str]:
    return [s.text for s in sentences(text)]


def test_table_of_boundaries() -> None:
    cases = [
        # a plain two-sentence paragraph
        ("He came. She left.", ["He came.", "She left."]),
        # abbreviations do not end a sentence
        (
            "The U.S. envoy met Dr. Lee on Jan. 5 in Washington. Talks went on.",
            ["The U.S. envoy met Dr. Lee on Jan. 5 in Washington.", "Talks went on."],
        ),
        # a quotation with a full stop inside stays whole when it closes in the paragraph
        (
            "“There is never enough. There is demand,” he said. Then he left.",
            ["“There is never enough. There is demand,” he said.", "Then he left."],
        ),
        # a quote that ends a sentence, followed by a new one
        ("“We will go,” the Kremlin said. Putin agreed.", ["“We will go,” the Kremlin said.", "Putin agreed."]),
        # ranges and decimals never split
        ("The visit is on June 18-19. Growth was 3.5 pct.", ["The visit is on June 18-19.", "Growth was 3.5 pct."]),
        # an initial is not a sentence end
        ("John F. Kennedy spoke. Crowds cheered.", ["John F. Kennedy spoke.", "Crowds cheered."]),
        # lowercase continuation is not a boundary
        ("It rose to 5 p.m. levels. then fell", ["It rose to 5 p.m. levels. then fell"]),
        # question and exclamation marks
        ("Why now? Nobody knows! Ask them.", ["Why now?", "Nobody knows!", "Ask them."]),
    ]
    for text, expected in cases:
        assert texts(text) == expected, text


def test_offsets_index_the_original_text() -> None:
    text = "  First line here.  Second one.\n\nNext para. Done."
    for s in sentences(text):
        assert text[s.start : s.end] == s.text
    assert [s.paragraph for s in sentences(text)] == [0, 0, 1, 1]


def test_paragraph_rules() -> None:
    # blank lines separate paragraphs and single newlines are soft wraps
    assert len(paragraphs("a b\nc d\n\ne f")) == 2
    # indentation starts a paragraph in hard-wrapped wire copy
    wire = "Showers continued in\nthe zone.\n    The dry period\nended."
    assert [wire[s:e] for s, e in paragraphs(wire)] == ["Showers continued in\nthe zone.", "The dry period\nended."]
    # otherwise every line is a paragraph
    assert len(paragraphs("one\ntwo\nthree")) == 3


def test_seed_sentences_match_gold(seeds) -> None:
    import json

    a_path, b_path = seeds
    gold = json.loads((a_path.parent / "gold.json").read_text("utf-8"))
    a_text = a_path.read_text("utf-8")
    b_text = b_path.read_text("utf-8")
    a_sents = {s.text for s in sentences(a_text)}
    b_sents = {s.text for s in sentences(b_text)}
    for sent in gold["only_in_a"]:
        assert sent in a_sents
    for sent in gold["only_in_b"]:
        assert sent in b_sents


def test_alnum_mask_is_str_isalnum_at_every_code_point() -> None:
    from storytrace.text.tokens import alnum_mask

    every = "".join(map(chr, range(0x110000)))  # lone surrogates included
    assert alnum_mask(every).tolist() == [c.isalnum() for c in every]
    assert alnum_mask("").tolist() == []
    assert alnum_mask("Ab_ 9!é“").tolist() == [True, True, False, False, True, False, True, False]
