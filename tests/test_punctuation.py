"""Property tests over prose full of real-world punctuation: every stage takes it, every span quotes the text.

The texts are real-looking sentences (fictional words, names and numbers)
carrying the punctuation news text holds: every Unicode quotation mark and
apostrophe (straight, curly, low, reversed, guillemets, CJK corner brackets,
fullwidth, the doubled `` and ''), primes, every dash, ellipses, zero-width
characters, combining marks, no-break and other Unicode spaces, every line
ending (\\n, \\r\\n, a lone \\r, U+2028, U+2029, \\x0b, \\x0c, \\x85) and control
characters; numbers in other digits (fullwidth, Arabic-Indic, superscripts,
fractions, one of 321 digits); words respelled with the letters case-blind
patterns read as i, s and k (dotless ı and dotted İ from Turkish keyboards, the
long ſ, the Kelvin sign). The marks are put where writers put them (quotations
opened and closed by marks of any family, attributions, possessives, elisions,
ranges, parentheticals, measurements) and then anywhere: before, after and
inside words, doubled, at the start and end of the text.

Each stage's public function runs on them: clean, segment, the facts
extractors (quotes, dates, numbers, entities, ``article_facts``), alignment
and derivation (``compare`` of a text and an edited copy, with and without the
default sentence embedder; the derivation model's features), provenance and
the fact comparison of a story (``pipeline.analyze_articles`` on 2-4 such
articles, grouped by the clusterer or forced into one story) and the HTML
report. Properties: nothing raises and no stage records a problem; every span
a stage returns lies inside the text, and ``text[start:end]`` is the text the
stage states; numbers are finite and ``stories.json`` is strict JSON.

Not here: arbitrary code points (tests/test_fuzz.py fuzzes clean, segment and
compare with ``st.text()``); the results' quality.

Budgets: CI runs the ``ci`` budget (tens to a few hundred examples per property,
a few seconds each); ``HYPOTHESIS_PROFILE=long`` runs the long one:

    HYPOTHESIS_PROFILE=long .venv/bin/pytest -q tests/test_punctuation.py
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from document_spans import span_errors
from report_files import every_file
from storytrace.align.compare import compare, prepare
from storytrace.align.derivation import text_features
from storytrace.align.derivation_model import load_derivation_model
from storytrace.align.quoted import quote_spans
from storytrace.clean import clean_article
from storytrace.codec.story import story_from_json
from storytrace.facts.article_facts import article_facts
from storytrace.facts.dates import date_mentions
from storytrace.facts.entities import entity_mentions
from storytrace.facts.numbers import number_mentions
from storytrace.facts.quotes import quotes
from storytrace.model import DERIVATIONS, Article, Span
from storytrace.pipeline import AnalysisOptions, analyze_articles
from storytrace.report import render_report
from storytrace.report.documents import alignment_json
from storytrace.report.render import render_story
from storytrace.semantic import default_embedder
from storytrace.text.segment import paragraphs, sentences

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
# Examples per property: (clean + segment, facts, compare, story).
BUDGETS = {"ci": (300, 150, 150, 60), "long": (10000, 5000, 3000, 1000)}
SEGMENT_EXAMPLES, FACTS_EXAMPLES, COMPARE_EXAMPLES, STORY_EXAMPLES = BUDGETS.get(PROFILE, BUDGETS["ci"])


def budget(examples: int) -> settings:
    """Settings for one property: ``examples`` examples, no deadline (the machine is shared)."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the marks ------------------------------------------------------------------------------------

QUOTES = [
    '"', "“", "”", "„", "‟", "'", "‘", "’", "‚", "‛", "`", "«", "»", "‹", "›", "「", "」", "『", "』", "＂", "＇",
    "``", "''",
]  # fmt: skip
APOSTROPHES = ["'", "’", "‘", "ʼ", "`", "´", "′", "＇"]
PRIMES = ["′", "″", "‴"]
DASHES = ["-", "‐", "‑", "‒", "–", "—", "―", "−", "--"]
ELLIPSES = ["…", "...", ". . .", "…."]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
COMBINING = ["\u0301", "\u0300", "\u0308", "\u0327", "\u0303", "\u030c", "\u0336", "\u20dd"]
SPACES = [
    " ", "  ", "\t", "\u00a0", "\u2002", "\u2003", "\u2007", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000", "\u1680",
]  # fmt: skip
LINE_ENDS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\n\n", "\r\n\r\n", "\r\r", "\n\r"]
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, 0x80, 0x92, 0x96, 0x9F)]
MARKS = QUOTES + APOSTROPHES + PRIMES + DASHES + ELLIPSES + ZERO_WIDTH + COMBINING + SPACES + LINE_ENDS + CONTROLS
MARKS += [".", ",", ";", ":", "!", "?", "(", ")", "[", "]", "/", "&", "%", "*"]
# Letters that stand for ASCII ones in real text, typed on a Turkish keyboard (ı, İ), from old print (ſ) or by
# a look-alike (K, the Kelvin sign); regular expressions that ignore case match them as i, s and k.
RESPELLINGS = {"i": ["\u0131", "\u0130"], "I": ["\u0130", "\u0131"], "s": ["\u017f"], "k": ["\u212a"], "K": ["\u212a"]}

# --- the words ------------------------------------------------------------------------------------

NAMES = ["Aurel Brannock", "Mira Tolvane", "Dr. Ines Kallo", "Eskerby", "Veldmark", "the Eskerby Port Authority",
         "Meridian Wire", "Tomas O’Reilly", "Anke van der Berg", "Jean-Luc Marnier"]  # fmt: skip
WORDS = ["the", "council", "bridge", "harbour", "ferry", "would", "reopen", "after", "repairs", "a", "new", "plan",
         "for", "residents", "of", "and", "it", "was", "not", "clear", "when", "work", "began", "on", "in", "by",
         "storm", "damage", "costs", "rose", "vote", "delayed", "mayor", "officials"]  # fmt: skip
NUMBERS = ["3", "14", "62,000", "3.5", "1.2 million", "40%", "240,000 crowns", "two", "seventeen", "1987", "No. 4",
           "62 000", "5km", "$12", "£3.50", "€4bn", "5 billion", "six thousand", "twenty-five", "a dozen",
           "50 per cent", "3 percentage points", "1" + "0" * 320 + " crowns", "１２ boats", "٣٠ people", "10²",
           "½ mile", "2nd"]  # fmt: skip
DATES = ["Monday", "on Tuesday", "June 18", "18 June 2024", "June 18-19", "last week", "2024-06-17", "in May",
         "two years ago", "Jan. 5", "the 1990s", "’90s", "next month", "this week", "yesterday", "six days ago",
         "in five years", "last year"]  # fmt: skip
VERBS = ["said", "told reporters", "added", "wrote", "warned", "said in a statement"]
SPEECH = ["We will rebuild", "It is not safe", "the plan is dead", "Nobody told us", "This is a disgrace",
          "We expect 3,000 visitors on Monday", "It was ‘a mistake’"]  # fmt: skip

word = st.sampled_from(WORDS + NUMBERS + DATES + NAMES)
mark = st.sampled_from(MARKS)
quote_mark = st.sampled_from(QUOTES)
apostrophe = st.sampled_from(APOSTROPHES)
dash = st.sampled_from(DASHES)
space = st.sampled_from(SPACES)
line_end = st.sampled_from(LINE_ENDS)
name = st.sampled_from(NAMES)
verb = st.sampled_from(VERBS)


@st.composite
def clause(draw: st.DrawFn) -> str:
    """A few words, some of them with a mark before, after or inside."""
    out = []
    for w in draw(st.lists(word, min_size=1, max_size=8)):
        if draw(st.integers(0, 5)) == 0:
            cut = draw(st.integers(0, len(w)))
            w = w[:cut] + draw(mark) + w[cut:]
        if draw(st.integers(0, 7)) == 0:
            w = "".join(draw(st.sampled_from([c, *RESPELLINGS[c]])) if c in RESPELLINGS else c for c in w)
        out.append(w)
    return draw(space).join(out) if draw(st.booleans()) else " ".join(out)


@st.composite
def quotation(draw: st.DrawFn) -> str:
    """A quotation the way news writes one, opened and closed by marks of any family."""
    o, c = draw(quote_mark), draw(quote_mark)
    said = f"{draw(name)} {draw(verb)}"
    words = draw(st.one_of(st.sampled_from(SPEECH), clause()))
    shape = draw(st.integers(0, 6))
    if shape == 0:
        return f"{o}{words},{c} {said}."
    if shape == 1:
        return f"{said}: {o}{words}.{c}"
    if shape == 2:
        return f"{said}, {o}{words}{c}."
    if shape == 3:
        return f"{draw(name)} called it {o}{words}{c}{draw(st.sampled_from(['.', '', ',', '?']))}"
    if shape == 4:
        return f"{o}{words}{draw(st.sampled_from(['', '.', ',', '?', '!', '…']))}"  # never closed
    if shape == 5:
        inner_o, inner_c = draw(quote_mark), draw(quote_mark)
        return f"{o}{words} {inner_o}{draw(clause())}{inner_c} too,{c} {said}."
    return f"{o}{words}.{c}{draw(space)}{o}{draw(clause())}{c}"


@st.composite
def elision(draw: st.DrawFn) -> str:
    """Possessives, elisions, primes, ranges and parentheticals."""
    a, d = draw(apostrophe), draw(dash)
    return draw(
        st.sampled_from([
            f"the council{a}s plan", f"residents{a} homes", f"rock {a}n{a} roll", f"{a}90s", f"don{a}t",
            f"O{a}Reilly{a}s", f"5{draw(st.sampled_from(PRIMES))}10{draw(st.sampled_from(PRIMES))}",
            f"18{d}19 June", f"1987{d}90", f"the bridge {d} closed since May {d} will reopen",
            f"Eskerby{d}based", f"({draw(clause())})", f"{draw(clause())}{draw(st.sampled_from(ELLIPSES))}",
        ])
    )  # fmt: skip


@st.composite
def sentence(draw: st.DrawFn) -> str:
    body = draw(st.one_of(quotation(), clause(), elision(), st.builds(lambda a, b: f"{a} {b}", clause(), elision())))
    end = draw(st.sampled_from([".", ".", "!", "?", "…", "", ".”", "?’", "。", "!!"]))
    return body[:1].upper() + body[1:] + end


@st.composite
def article_text(draw: st.DrawFn) -> str:
    """A text of a few paragraphs of sentences, then marks put anywhere in it."""
    parts = []
    if draw(st.integers(0, 4)) == 0:
        parts.append(f"By {draw(name)}{draw(line_end)}ESKERBY (Meridian Wire) {draw(dash)} ")
    for _ in range(draw(st.integers(1, 6))):
        parts.append(draw(sentence()))
        parts.append(draw(st.one_of(space, line_end)))
    text = "".join(parts)
    for _ in range(draw(st.integers(0, 6))):  # anywhere: inside words, doubled, first, last
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(mark) + text[at:]
    return text


TEXT = article_text()
EMBEDDER = default_embedder(None, say=print)  # the default setting: the static table (None without the extra)
PUBLISHED = st.sampled_from(
    [None, "2024-06-18", "2024-06-18T09:30:00Z", "2024-06-18T23:30:00-05:00", "1999-12-31T23:59", "2024-02-29"]
)


def not_json(constant: str) -> None:
    raise AssertionError(f"{constant} in the document: not JSON (RFC 8259)")


def check_span(text: str, span: Span, stated: str | None = None) -> None:
    start, end = span
    assert 0 <= start < end <= len(text), (span, len(text))
    if stated is not None:
        assert text[start:end] == stated, (span, text[start:end], stated)


# --- the properties -------------------------------------------------------------------------------


@budget(SEGMENT_EXAMPLES)
@given(TEXT)
def test_clean_and_segment(text: str) -> None:
    cleaned = clean_article(Article("x", text))
    for span in (*cleaned.content, *cleaned.boilerplate, *(c.span for c in cleaned.credits)):
        check_span(text, span)
    for span in (cleaned.byline_span, cleaned.dateline_span):
        if span is not None:
            check_span(text, span)
    for span in paragraphs(text, cleaned.content):
        check_span(text, span)
    previous_end = 0
    for s in sentences(text, cleaned.content):
        check_span(text, (s.start, s.end), s.text)
        assert s.start >= previous_end
        previous_end = s.end
    for s in sentences(text):
        check_span(text, (s.start, s.end), s.text)


@budget(FACTS_EXAMPLES)
@given(TEXT, PUBLISHED)
def test_facts_extractors(text: str, published: str | None) -> None:
    content: Sequence[Span] = clean_article(Article("x", text)).content
    for spans in (content, None):
        for q in quotes(text, spans):
            check_span(text, q.span, q.text)
            if q.speaker_span is not None:
                check_span(text, q.speaker_span)
        dates = date_mentions(text, published, spans)
        for d in dates:
            check_span(text, d.span, d.text)
        for n in number_mentions(text, spans, exclude=[d.span for d in dates]):
            check_span(text, n.span, n.text)
            assert math.isfinite(n.value), n  # the document is JSON: no Infinity
        for m in entity_mentions("x", text, spans):
            check_span(text, m.span, m.text)
    prepared = prepare(Article("x", text, published=published))
    assert not prepared.problems, prepared.problems  # prepare records a failing clean or segment instead of raising
    facts = article_facts(prepared)
    for item in (*facts.dates, *facts.numbers, *facts.quotes):
        check_span(text, item.span, item.text)


@st.composite
def edited(draw: st.DrawFn, text: str) -> str:
    """``text`` edited as a copy editor would: marks, numbers, dates, names and quotations changed, cuts, additions."""
    vocabulary = [w for w in NUMBERS + DATES + NAMES + SPEECH if len(w) > 2]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 4))
        at = draw(st.integers(0, len(text)))
        if kind == 0:  # a mark swapped for another (“ for «, ’ for ')
            hits = [i for i, ch in enumerate(text) if ch in "".join(QUOTES + APOSTROPHES + DASHES)]
            if hits:
                i = draw(st.sampled_from(hits))
                text = text[:i] + draw(st.sampled_from(QUOTES + APOSTROPHES + DASHES)) + text[i + 1 :]
        elif kind == 1:  # a cut
            text = text[:at] + text[at + draw(st.integers(0, 40)) :]
        elif kind == 2:  # a sentence added
            text = text[:at] + draw(sentence()) + draw(st.one_of(space, line_end)) + text[at:]
        elif kind == 3:  # a mark added
            text = text[:at] + draw(mark) + text[at:]
        else:  # a number, date, name or quotation changed (a fact that differs)
            present = [w for w in vocabulary if w in text]
            if present:
                old = draw(st.sampled_from(present))
                text = text.replace(old, draw(st.sampled_from(vocabulary)), 1)
    return text


@budget(COMPARE_EXAMPLES)
@given(st.data())
def test_compare_with_an_edited_copy(data: st.DataObject) -> None:
    a = data.draw(TEXT)
    b = data.draw(edited(a))
    art_a, art_b = Article("a", a, published="2024-06-18"), Article("b", b, published="2024-06-18T12:00")
    c = compare(art_a, art_b, embedder=EMBEDDER if data.draw(st.booleans()) else None)
    for al in c.alignments:
        doc = alignment_json(al, art_a, art_b)
        check_span(a, al.a_span, doc["a_text"])
        check_span(b, al.b_span, doc["b_text"])
    for span in c.only_in_a:
        check_span(a, span)
    for span in c.only_in_b:
        check_span(b, span)
    assert 0.0 <= c.a_covered_by_b <= 1.0 and 0.0 <= c.b_covered_by_a <= 1.0
    # the derivation model's own reading of the two texts (it runs inside compare only for some coverages)
    for text in (a, b):
        for span in quote_spans(text):
            check_span(text, span)
    features = text_features(b, [a])
    assert all(math.isfinite(v) for v in features.values()), features
    assert load_derivation_model().predict(features) in DERIVATIONS


@budget(STORY_EXAMPLES)
@given(st.data())
def test_story_analysis_and_report(data: st.DataObject) -> None:
    base = data.draw(TEXT)
    texts = [base] + [data.draw(edited(base)) for _ in range(data.draw(st.integers(1, 3)))]
    articles = [
        Article(
            f"a{k}", text, source=f"Outlet {k}", published=data.draw(PUBLISHED), kind="agency" if k == 0 else "article"
        )
        for k, text in enumerate(texts)
    ]
    one_story = {a.id: 0 for a in articles} if data.draw(st.booleans()) else None  # else as the clusterer groups them
    options = AnalysisOptions(embedder=EMBEDDER if data.draw(st.booleans()) else None)
    analysis = analyze_articles(articles, options, story_of=one_story)
    doc = json.loads(analysis.text, parse_constant=not_json)  # strict JSON: no NaN or Infinity
    assert not [s["problems"] for s in doc["stories"] if s.get("problems")]
    by_id = {a.id: a.text for a in articles}
    bad = [e for a in doc["articles"] for e in span_errors(a, by_id, a["id"], a["id"])]
    bad += [e for s in doc["stories"] for e in span_errors(s, by_id, None, s["id"])]
    assert not bad, bad
    meta = {a["id"]: a for a in doc["articles"]}
    for story in doc["stories"]:
        render_story(story_from_json(story), meta, by_id)  # raises what the page would show as "could not be shown"
    page = every_file(render_report(doc, by_id, generated="now"))
    assert "could not be shown" not in page
    assert page.count('<section class="card story"') == len(doc["stories"])
