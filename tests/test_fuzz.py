"""Fuzzing clean, segment and align with Hypothesis: no exception on any Unicode text, every span exact.

Budgets: CI runs the ``ci`` budget below (a few hundred examples per property, a
few seconds each). ``HYPOTHESIS_PROFILE=long`` runs the long budget (the figure
in docs/reliability.md):

    HYPOTHESIS_PROFILE=long .venv/bin/pytest -q tests/test_fuzz.py

Properties:
  * ``clean_article`` and ``sentences`` never raise; every span they return lies
    inside the text, is non-empty, and sentences quote the text exactly
    (``text[start:end] == sentence.text``), in order, without overlapping;
  * ``compare`` never raises; alignment spans lie inside both texts and the
    JSON document quotes them exactly; coverages are shares in [0, 1];
  * a text aligned with itself gives one verbatim passage covering all its content
    (one per run of sentences with words, where a sentence of no word, "!" or "…",
    parts them: the aligner has nothing to match it on).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace.align.compare import compare, prepare
from storytrace.align.copy import SEED_WORDS, tokens
from storytrace.clean import clean_article
from storytrace.model import Article, Cleaned, Span
from storytrace.report.documents import alignment_json
from storytrace.text.segment import paragraphs, sentences
from storytrace.text.tokens import normal_words

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
# Examples per property: (clean + segment, compare, self-alignment).
BUDGETS = {"ci": (500, 120, 120), "long": (20000, 3000, 3000)}
CLEAN_EXAMPLES, COMPARE_EXAMPLES, SELF_EXAMPLES = BUDGETS.get(PROFILE, BUDGETS["ci"])


def budget(examples: int) -> settings:
    """Settings for one property: ``examples`` examples, no deadline (the machine is shared)."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Characters that break offset arithmetic or rule-based splitters: case mappings that change
# length (İ, ß, ﬁ), combining marks, line and paragraph separators Python's splitlines()
# honours, zero-width and bidi marks, NUL and other controls, digits int() refuses (², ½),
# quotes and sentence ends of other scripts, astral characters (emoji with ZWJ, flags).
NASTY = [
    "İ", "ß", "ﬁ", "ǅ", "Σ", "ς", "\u0307", "e\u0301", "\u2028", "\u2029", "\x85", "\x0b", "\x0c",
    "\x1c", "\x1d", "\x1e", "\r", "\r\n", "\n", "\n\n", "\t", "\u00a0", "\u200b", "\u200d", "\ufeff",
    "\u202e", "\x00", "\x7f", "“", "”", "‘", "’", "«", "»", "„", "…", ".", "!", "?", ". ", "?! ", "。",
    "！", "؟", "²", "½", "١٢٣", "𝟙𝟚", "👩\u200d👩\u200d👧", "🇬🇧", "مرحبا", "क्षि", "東京", "Ǆ", "ﬀ",
    "U.S.", "Dr.", "June 18-19.", "3.5", "By", "Reuters", "(AP)", "–", "—", "MOSCOW", "tips@x.example",
    "Follow us", "©", "http://x.example/a?b=c", " ", "  ",
]  # fmt: skip
WORDS = [
    "The", "mayor", "said", "the", "bridge", "fell", "on", "Monday", "and", "three", "people", "died",
    "“We", "will", "rebuild,”", "she", "told", "Reuters.", "Officials", "in", "Eskerby", "confirmed",
    "it.", "By", "Jane", "Doe", "ESKERBY", "(Meridian", "Wire)", "–", "Email", "tips@x.example",
    "Copyright", "2024", "Follow", "us", "on", "Twitter", "U.S.", "Dr.", "Jan.", "18-19", "62,000",
]  # fmt: skip

ANY_TEXT = st.text(max_size=300)  # every code point but lone surrogates (ingest refuses those)
NASTY_TEXT = st.lists(st.one_of(st.sampled_from(NASTY), st.sampled_from(WORDS), st.text(max_size=3)), max_size=60).map(
    "".join
)
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join).map(lambda s: s + ".")
PROSE = st.lists(
    st.tuples(SENTENCE, st.sampled_from([" ", " ", "\n", "\n\n", "\r\n", "  ", "\u2028"])), min_size=1, max_size=12
).map(lambda parts: "".join(s + sep for s, sep in parts))
TEXTS = st.one_of(ANY_TEXT, NASTY_TEXT, PROSE)


def check_span(text: str, span: Span) -> None:
    start, end = span
    assert 0 <= start < end <= len(text), (span, len(text))


def check_cleaned(text: str, cleaned: Cleaned) -> None:
    for span in (*cleaned.content, *cleaned.boilerplate, *(c.span for c in cleaned.credits)):
        check_span(text, span)
    for span in (cleaned.byline_span, cleaned.dateline_span):
        if span is not None:
            check_span(text, span)
    ordered = sorted(cleaned.content)
    assert all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:], strict=False)), ordered  # no overlap


@budget(CLEAN_EXAMPLES)
@given(TEXTS)
def test_clean_and_segment_never_raise_and_spans_quote_the_text(text: str) -> None:
    cleaned = clean_article(Article("x", text))
    check_cleaned(text, cleaned)
    for span in paragraphs(text, cleaned.content):
        check_span(text, span)
    found = sentences(text, cleaned.content)
    previous_end = 0
    for s in found:
        check_span(text, (s.start, s.end))
        assert text[s.start : s.end] == s.text
        assert s.start >= previous_end  # in order, not overlapping
        previous_end = s.end
        assert any(start <= s.start and s.end <= end for start, end in cleaned.content)


@budget(CLEAN_EXAMPLES)
@given(TEXTS)
def test_segment_whole_text_never_raises(text: str) -> None:
    for s in sentences(text):
        check_span(text, (s.start, s.end))
        assert text[s.start : s.end] == s.text


@budget(COMPARE_EXAMPLES)
@given(TEXTS, TEXTS)
def test_compare_never_raises_and_spans_quote_both_texts(a: str, b: str) -> None:
    art_a, art_b = Article("a", a), Article("b", b)
    c = compare(art_a, art_b)
    for al in c.alignments:
        check_span(a, al.a_span)
        check_span(b, al.b_span)
        doc = alignment_json(al, art_a, art_b)  # what compare --json prints
        assert doc["a_text"] == a[al.a_span[0] : al.a_span[1]] and doc["a_text"] == doc["a_text"].strip()
        assert doc["b_text"] == b[al.b_span[0] : al.b_span[1]] and doc["b_text"] == doc["b_text"].strip()
    for span in c.only_in_a:
        check_span(a, span)
    for span in c.only_in_b:
        check_span(b, span)
    assert 0.0 <= c.a_covered_by_b <= 1.0 and 0.0 <= c.b_covered_by_a <= 1.0


@budget(SELF_EXAMPLES)
@given(st.one_of(PROSE, NASTY_TEXT))
def test_a_text_aligned_with_itself_is_one_verbatim_passage_covering_its_content(text: str) -> None:
    c = compare(Article("a", text), Article("b", text))
    p = prepare(Article("a", text))
    if len(tokens(text, p.clean.content).words) < SEED_WORDS:
        return  # under three words a text shows no copying: at most a same_fact
    worded = [bool(normal_words(s.text)) for s in p.sentences]
    # One passage over the whole text: the copied run is found on the words, across a sentence of none ("!", "…").
    assert [(al.relation, al.a_span == al.b_span) for al in c.alignments] == [("verbatim", True)], c.alignments
    for s, w in zip(p.sentences, worded, strict=True):
        if w:
            assert c.alignments[0].a_span[0] <= s.start and s.end <= c.alignments[0].a_span[1], s
    assert c.a_covered_by_b == c.b_covered_by_a == 1.0
