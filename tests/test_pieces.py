"""Cutting long text into pieces under a limit (``text.pieces``): where it cuts, and that nothing is lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.text.pieces import pieces


def texts_of(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        # under the limit: the stretch itself, white space included
        ("  Short one.  ", 50, ["  Short one.  "]),
        # white space only: nothing
        (" \n\n \t", 3, []),
        # paragraphs packed while the piece stays under the limit
        ("Aaa bb.\n\nCcc dd.\n\nEee ff.", 17, ["Aaa bb.\n\nCcc dd.", "Eee ff."]),
        # a paragraph over the limit: cut between its sentences
        ("Aaa bb. Ccc dd. Eee ff.", 16, ["Aaa bb. Ccc dd.", "Eee ff."]),
        # a sentence over the limit: cut at the last white space before it
        ("aaa bbb ccc ddd eee", 8, ["aaa bbb", "ccc ddd", "eee"]),
        # a word over the limit: cut at the limit
        ("abcdefghij kl", 4, ["abcd", "efgh", "ij", "kl"]),
    ],
)
def test_where_pieces_are_cut(text: str, limit: int, expected: list[str]) -> None:
    assert texts_of(text, pieces(text, 0, len(text), limit)) == expected


def test_pieces_stay_inside_the_stretch_given() -> None:
    text = "Before. Aaa bb.\n\nCcc dd. Eee ff. After."
    start, end = 8, text.index(" After")
    assert texts_of(text, pieces(text, start, end, 10)) == ["Aaa bb.", "Ccc dd.", "Eee ff."]


def test_a_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        pieces("text", 0, 4, 0)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab Z.!“”\n\t")), max_size=400),
    st.integers(min_value=1, max_value=60),
)
def test_pieces_are_under_the_limit_in_order_and_lose_nothing_but_white_space(text: str, limit: int) -> None:
    found = pieces(text, 0, len(text), limit)
    assert all(0 < e - s <= limit for s, e in found)
    assert all(a[1] <= b[0] for a, b in zip(found, found[1:], strict=False))
    kept = "".join(text[s:e] for s, e in found)
    assert "".join(kept.split()) == "".join(text.split())
