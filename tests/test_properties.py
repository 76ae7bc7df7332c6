"""Property tests: no exception on any text, every span inside the text and quoting it exactly."""

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.align.compare import compare, prepare
from storytrace.align.copy import SEED_WORDS, tokens
from storytrace.model import Article

ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
TEXTS = st.text(alphabet=ALPHABET, max_size=400)
PROSE = st.lists(
    st.sampled_from(
        ["The", "mayor", "said", "“We", "will", "go,”", "U.S.", "Dr.", "June", "18-19.", "bridge", "fell.",
         "\n", "\n\n", "By", "Agencies.", "(Reuters)", "–", "MOSCOW", "Email", "tips@x.example", "3.5", "!", "?"]
    ),
    max_size=80,
).map(" ".join)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.one_of(TEXTS, PROSE))
def test_clean_and_segment_spans_index_the_text(text: str) -> None:
    p = prepare(Article("x", text))
    for start, end in p.clean.content + p.clean.boilerplate:
        assert 0 <= start < end <= len(text)
    for s in p.sentences:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


@settings(max_examples=60, deadline=None)
@given(st.one_of(TEXTS, PROSE), st.one_of(TEXTS, PROSE))
def test_compare_spans_are_in_bounds(a: str, b: str) -> None:
    c = compare(Article("a", a), Article("b", b))
    for al in c.alignments:
        assert 0 <= al.a_span[0] < al.a_span[1] <= len(a)
        assert 0 <= al.b_span[0] < al.b_span[1] <= len(b)
    assert 0.0 <= c.a_covered_by_b <= 1.0 and 0.0 <= c.b_covered_by_a <= 1.0


@settings(max_examples=40, deadline=None)
@given(PROSE)
def test_a_text_aligned_with_itself_is_covered_verbatim(text: str) -> None:
    c = compare(Article("a", text), Article("b", text))
    content = "".join(text[s:e] for s, e in c.a_clean.content)
    if len(tokens(text, c.a_clean.content).words) < SEED_WORDS:
        return  # under three words a text shows no copying: at most a same_fact
    assert all(al.relation == "verbatim" for al in c.alignments)
    if any(ch.isalnum() for ch in content):  # an all-boilerplate text has no content to cover
        assert c.a_covered_by_b == 1.0
