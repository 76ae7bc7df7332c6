import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from storytrace.clean import clean_article
from storytrace.ingest import read_paths
from storytrace.model import Article, Sentence
from storytrace.text import segment
from storytrace.text.segment import paragraphs, sentences, split_paragraph


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


# --- the linear sentence loop against the loop it replaced -------------------------------------------------------

_OLD_CANDIDATE = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")


def _old_split_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence loop before issue 25: its open-quote check sliced the paragraph at each candidate."""

    def inside_open_quote(pos: int) -> bool:
        before = text[start:pos]
        opened = before.count("“") - before.count("”")
        if opened > 0:
            return "”" in text[pos:end]
        if before.count('"') % 2 == 1:
            return '"' in text[pos:end]
        return False

    def is_boundary(punct: int, after: int) -> bool:
        nxt = after
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt >= end:
            return False
        ch = text[nxt]
        if not (ch.isupper() or ch.isdigit() or ch in segment.OPENING_QUOTES):
            return False
        if text[punct] == "." and segment._ends_with_abbreviation(text, start, punct):
            return False
        return not inside_open_quote(after)

    cuts = [m.end() for m in _OLD_CANDIDATE.finditer(text, start, end) if is_boundary(m.start(), m.end())]
    out: list[tuple[int, int]] = []
    pos = start
    for cut in [*cuts, end]:
        out.extend(segment._trimmed(text, pos, cut))
        pos = cut
    return out


def _old_sentences(text: str, spans: list[tuple[int, int]] | None = None) -> list[Sentence]:
    return [
        Sentence(s, e, k, text[s:e])
        for k, (p_start, p_end) in enumerate(paragraphs(text, spans))
        for s, e in _old_split_paragraph(text, p_start, p_end)
    ]


def _demo_texts() -> list[tuple[str, str, tuple[tuple[int, int], ...]]]:
    """(id, text, content spans) of every article of the demo corpus."""
    out = []
    for art in read_paths([ROOT / "examples" / "corpus"]):
        if isinstance(art, Article):
            out.append((art.id, art.text, clean_article(art).content))
    return out


def test_demo_corpus_sentences_are_those_of_the_old_loop() -> None:
    demo = _demo_texts()
    assert len(demo) >= 15
    for article_id, text, content in demo:
        assert sentences(text) == _old_sentences(text), article_id
        assert sentences(text, content) == _old_sentences(text, list(content)), article_id


SPEAKERS = ["Aurel Brannock", "Dr. Mira Osk", "the ministry", "J. R. Tolland", "Ms. Vey", "U.S. envoy Kett"]
PHRASES = [
    "the harbour reopened",
    "Eskerby voted on Jan. 5",
    "prices rose 3.5 pct. in May",
    "nobody came... Then they did",
    "it cost $4 million! Really",
    "we will see (maybe.) Later",
    "“never enough. A great demand,”",
    "'a test.' Then",
    'the "old" port',
]
MARKS = [".", "!", "?", "…", "...", ".”", '."', "?’", ".)", "!»", ""]
OPENERS = ["“", "‘", '"', "'", "«", "(", ""]
CLOSERS = ["”", '"', "’", "“"]


def _prose(seed: int, paragraphs_: int = 60) -> str:
    """Fictional prose rich in quotes (balanced, unbalanced, nested), abbreviations, initials and odd punctuation."""
    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs_):
        parts = []
        for _ in range(rng.randint(1, 9)):
            words = [rng.choice(PHRASES) for _ in range(rng.randint(1, 3))]
            opener = rng.choice(OPENERS)
            text = f"{opener}{' '.join(words).capitalize()}{rng.choice(MARKS)}"
            if rng.random() < 0.3:
                text += " " + rng.choice(CLOSERS) + rng.choice(SPEAKERS) + " said" + rng.choice(MARKS)
            parts.append(text)
        out.append(rng.choice([" ", "  ", " \u00a0"]).join(parts))
    return rng.choice(["\n\n", "\n", "\n    "]).join(out)


@pytest.mark.parametrize("seed", range(40))
def test_generated_prose_sentences_are_those_of_the_old_loop(seed: int) -> None:
    text = _prose(seed)
    assert sentences(text) == _old_sentences(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab A.!?…”“\"'’»)] \n\u00a0\t1")), max_size=300))
def test_any_text_of_boundary_characters_splits_as_the_old_loop(text: str) -> None:
    assert sentences(text) == _old_sentences(text)


def test_a_long_run_without_a_boundary_is_cut_at_white_space() -> None:
    limit = segment.MAX_SENTENCE_CHARS
    words = "lorem ipsum dolor sit amet consectetur " * (limit // 10)  # some 4 limits, no punctuation
    blob = "x" * (limit + 10)  # no white space at all: cut at the limit
    text = f"Before. Start {words}end. {blob}. After it."
    found = sentences(text)
    assert all(text[s.start : s.end] == s.text for s in found)
    assert all(0 < len(s.text) <= limit for s in found)
    assert found[0].text == "Before." and found[-1].text == "After it."
    assert "".join(s.text for s in found).replace(" ", "") == text.replace(" ", "")  # nothing lost
    assert [len(s.text) for s in found if s.text.startswith("x")] == [limit, 11]


def test_a_long_paragraph_costs_one_pass_of_the_quote_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1.5 MB one-paragraph text: every sentence found, and the quote marks counted over it once in all.

    Before, each candidate boundary counted the marks from the paragraph's start (quadratic: about a
    minute for 4 MB); the work is measured here, not timed.
    """
    text = " ".join(f"“Item {k} is fine,” she said. It rose {k}.5 pct. on Jan. 5." for k in range(25_000))
    assert len(text) > 1_500_000
    scanned = []
    open_at = segment._OpenQuotes.open_at

    def counting(self: segment._OpenQuotes, pos: int) -> bool:
        scanned.append(pos - self.pos)
        return open_at(self, pos)

    monkeypatch.setattr(segment._OpenQuotes, "open_at", counting)
    found = split_paragraph(text, 0, len(text))
    assert len(found) == 50_000
    assert text[found[1][0] : found[1][1]] == "It rose 0.5 pct. on Jan. 5."
    assert sum(scanned) <= len(text)


def test_a_long_run_of_punctuation_is_read_once() -> None:
    """Before, the boundary pattern tried again from each mark of a run (quadratic: hours for these runs)."""
    text = "Wait" + "." * 200_000 + " Then it went on" + "!?" * 100_000 + " End."
    found = [s.text for s in sentences(text)]
    assert found[0].startswith("Wait..") and found[-1] == "End."
    assert "Then it went" in found  # the run after it is cut at its last white space
    assert "".join(found).replace(" ", "") == text.replace(" ", "")
