"""Tests of the HTML report: highlighting, escaping, tolerance of odd input."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from report_files import every_file, story_page
from storytrace.codec.story import story_from_json
from storytrace.report import render_report, segments

WIRE = (
    "LONDON (Fictional Press) - The harbour bridge in Port Ellory will close for repairs on Monday, "
    "the city council said.\n\n"
    "Engineers found rust on 14 of the 40 cables, council spokesperson Mara Quill said.\n\n"
    "Contact: desk@fictional.press"
)
SITE = (
    "Port Ellory's harbour bridge will close for repairs on Monday, the city council said.\n\n"
    "Rust was found on 14 of its 40 cables, according to spokesperson Mara Quill.\n\n"
    "Local shops fear a drop in trade."
)
LONE = "A bakery in Port Ellory won a regional prize for its rye bread."
TEXTS = {"wire1": WIRE, "site1": SITE, "lone1": LONE}
MARK = re.compile(
    r'<mark class="rel-(?P<rel>\w+)" id="(?P<id>p\w+-\d+-[ab]\d+)" data-peer="(?P<peer>[^"]+)" '
    r'title="(?P<title>[^"]*)"><a href="#(?P<href>[^"]+)">(?P<inner>.*?)</a></mark>',
    re.S,
)


def _span(text: str, needle: str) -> list[int]:
    start = text.index(needle)
    return [start, start + len(needle)]


def _articles() -> list[dict[str, Any]]:
    return [
        {
            "id": "wire1", "source": "Fictional Press", "title": "Bridge to close", "authors": [],
            "published": "2024-03-01T08:00:00Z", "credited": [], "boilerplate": [], "story": "s1",
            "kind": "agency", "boilerplate_spans": [_span(WIRE, "Contact: desk@fictional.press")],
        },
        {
            "id": "site1", "source": "Ellory Gazette", "title": "Harbour bridge shuts Monday",
            "authors": ["Ann Reed"], "published": "2024-03-01T10:00:00Z", "credited": ["Fictional Press"],
            "boilerplate": [], "story": "s1",
        },
        {"id": "lone1", "source": "Ellory Gazette", "title": "Rye prize", "story": "s1"},
    ]  # fmt: skip


def _alignments() -> list[dict[str, Any]]:
    wire_1 = "harbour bridge in Port Ellory will close for repairs on Monday, the city council said."
    site_1 = "harbour bridge will close for repairs on Monday, the city council said."
    wire_2 = "Engineers found rust on 14 of the 40 cables, council spokesperson Mara Quill said."
    site_2 = "Rust was found on 14 of its 40 cables, according to spokesperson Mara Quill."
    return [
        {"a": "wire1", "b": "site1", "a_span": _span(WIRE, wire_1), "b_span": _span(SITE, site_1),
         "relation": "near_verbatim", "score": 0.93},
        # listed the other way round: the renderer must turn it to face (wire1, site1)
        {"a": "site1", "b": "wire1", "a_span": _span(SITE, site_2), "b_span": _span(WIRE, wire_2),
         "relation": "paraphrase", "score": 0.81},
    ]  # fmt: skip


def _cite(article: str, needle: str) -> dict[str, Any]:
    return {"article": article, "span": _span(TEXTS[article], needle), "text": needle}


def _facts() -> dict[str, Any]:
    quill = "Engineers found rust on 14 of the 40 cables"
    return {
        "entities": [
            {"name": "Mara Quill", "label": "PERSON", "variants": ["Mara Quill", "Quill"],
             "possible_variants": ["M. Quill"], "articles": {"wire1": 1, "site1": 1},
             "roles": {"wire1": ["council spokesperson"], "site1": ["spokesperson"]},
             "mentions": [_cite("wire1", "Mara Quill"), _cite("site1", "Mara Quill")]},
            {"name": "Port Ellory", "label": "GPE", "variants": ["Port Ellory"], "possible_variants": [],
             "articles": {"wire1": 1, "site1": 1, "lone1": 1}, "roles": {},
             "mentions": [_cite("wire1", "Port Ellory"), _cite("site1", "Port Ellory"),
                          _cite("lone1", "Port Ellory")]},
        ],
        "quotes": [
            {**_cite("wire1", quill), "speaker": "Mara Quill", "speaker_span": _span(WIRE, "Mara Quill"),
             "role": "council spokesperson", "kind": "indirect"},
            {"article": "site1", "span": [0, 0], "text": "Q" + "x" * 300, "speaker": "Long Talker",
             "speaker_span": None, "role": None, "kind": "direct"},
        ],
        "dates": [{**_cite("wire1", "Monday"), "start": "2024-03-04", "end": "2024-03-04",
                   "granularity": "day", "rule": "weekday_future"}],
        "numbers": [{**_cite("wire1", "14"), "value": 14.0, "unit": "cables"}],
        "agree": [{"kind": "date", "value": "2024-03-04",
                   "cites": [_cite("wire1", "Monday"), _cite("site1", "Monday")]}],
        "differ": [
            {"kind": "detail only in wire1", "what": "a number only one source gives here", "a": "wire1",
             "b": "site1", "a_span": _span(WIRE, "40 cables"), "a_text": "40 cables"},
            {"kind": "quote wording", "what": "wording of a quote (Mara Quill)", "a": "wire1", "b": "site1",
             "a_span": _span(WIRE, "Engineers found rust"), "a_text": "Engineers found rust",
             "b_span": _span(SITE, "Rust was found"), "b_text": "Rust was found",
             "also": [["wire1", "lone1"]]},
        ],
        "unique": {
            "site1": [{"span": _span(SITE, "Local shops fear a drop in trade."),
                       "text": "Local shops fear a drop in trade."}],
            "lone1": [{"span": [0, 5], "text": f"Only-lone sentence {k}."} for k in range(5)],
        },
    }  # fmt: skip


def _doc() -> dict[str, Any]:
    story = {
        "id": "s1", "title": "Port Ellory bridge closure", "articles": ["wire1", "site1", "lone1"],
        "first_published": "2024-03-01T08:00:00Z", "alignments": _alignments(),
        "provenance": {"edges": [{"from": "wire1", "to": "site1", "share": 0.41, "why": "agency copy is the source"}],
                       "roots": ["wire1"],
                       "passages": [{"article": "site1", "span": _span(SITE, "harbour bridge will close"),
                                     "source": "wire1", "source_span": _span(WIRE, "harbour bridge"),
                                     "relation": "near_verbatim", "why": "copied"}],
                       "outlets": [{"outlet": "Fictional Press", "original": 1.0, "reused_from": []},
                                   {"outlet": "Ellory Gazette", "original": 0.37,
                                    "reused_from": [{"outlet": "Fictional Press", "share": 0.63}]}]},
        "facts": _facts(),
        "pairs": [{"a": "wire1", "b": "site1", "a_covered_by_b": 0.5, "b_covered_by_a": 0.41,
                   "b_from_a": "partially_derived", "a_from_b": "non_derived"}],
    }  # fmt: skip
    return {"articles": _articles(), "stories": [story]}


class _Balance(HTMLParser):
    """Checks that every opened non-void element is closed, in order."""

    VOID = frozenset({"meta", "br", "circle", "path", "img", "input", "link", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-3:]}"
        self.stack.pop()


def _assert_balanced(page: str) -> None:
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.stack == []


@pytest.fixture(scope="module")
def page() -> str:
    """The page of the one story of ``_doc``."""
    return story_page(render_report(_doc(), TEXTS, generated="2024-03-02 12:00 UTC"))


def test_marks_have_relation_ids_and_exact_span_text(page: str) -> None:
    marks = {m["id"]: m for m in MARK.finditer(page)}
    assert set(marks) == {"ps1-1-a1", "ps1-1-b1", "ps1-1-a2", "ps1-1-b2"}
    al0, al1 = _alignments()
    # (mark id, its counterpart, relation, text, span): the flipped alignment lands on the right sides
    cases = [
        ("ps1-1-a1", "ps1-1-b1", "near_verbatim", WIRE, al0["a_span"]),
        ("ps1-1-b1", "ps1-1-a1", "near_verbatim", SITE, al0["b_span"]),
        ("ps1-1-a2", "ps1-1-b2", "paraphrase", WIRE, al1["b_span"]),
        ("ps1-1-b2", "ps1-1-a2", "paraphrase", SITE, al1["a_span"]),
    ]
    for mark_id, peer, relation, text, (start, end) in cases:
        mark = marks[mark_id]
        assert mark["rel"] == relation
        assert html.unescape(mark["inner"]) == text[start:end]
        assert mark["peer"] == mark["href"] == peer
    assert marks["ps1-1-a1"]["title"] == "near_verbatim 0.93"


def test_page_shows_metadata_provenance_facts_and_boilerplate(page: str) -> None:
    for text in ("Port Ellory bridge closure — storytrace", "Fictional Press", "Ellory Gazette", "Ann Reed"):
        assert text in page
    assert "(share 41%)" in page and "agency copy is the source" in page
    assert "reuse a→b 41%, b→a 50%" in page
    assert "Ellory Gazette partially derived from Fictional Press" in page
    assert '<svg class="graph"' in page and 'class="edge"' in page
    assert "Mara Quill" in page and "Local shops fear a drop in trade." in page  # facts tables
    assert '<span class="bp" title="boilerplate">Contact: desk@fictional.press</span>' in page
    assert '<span class="badge agency">agency</span>' in page
    assert '<span class="badge root">root</span>' in page
    for relation in ("verbatim", "near_verbatim", "paraphrase", "same_fact", "related"):
        assert f'<mark class="rel-{relation}">{relation}</mark>' in page  # legend
    _assert_balanced(page)


def test_first_pair_open_and_unaligned_article_collapsed(page: str) -> None:
    assert '<details class="pair" id="pair-s1-1" open>' in page
    solo = page[page.index("Articles without aligned passages") :]
    assert '<details class="solo">' in solo and LONE in solo


def test_every_file_is_self_contained() -> None:
    report = render_report(_doc(), TEXTS, generated="now")
    for text in (report.text(), *map(report.text, report.pages)):
        for needle in ("<link", "src=", "@import", "url(http", "url(//", "://", 'href="//', "<iframe"):
            assert needle not in text.replace("http://www.w3.org/2000/svg", "")  # the SVG namespace is a name
        assert text.count("<script>") == 1


def test_reuse_falls_back_to_alignment_coverage() -> None:
    doc = _doc()
    doc["stories"][0]["pairs"] = None
    page = story_page(render_report(doc, TEXTS, generated="now"))
    assert "reuse a→b –" not in page and re.search(r"reuse a→b \d+%, b→a \d+%", page)


def _hostile_doc(evil: str, body: str) -> dict[str, Any]:
    article = {
        "id": evil,
        "source": evil,
        "title": evil,
        "authors": [evil],
        "credited": [evil],
        "published": evil,
    }
    story = {
        "id": evil, "title": evil, "articles": [evil, "plain"], "first_published": evil,
        "alignments": [{"a": evil, "b": "plain", "a_span": _span(body, evil), "b_span": [0, 5],
                        "relation": evil, "score": 0.5}],
        "provenance": {"edges": [{"from": evil, "to": "plain", "share": 0.3}], "roots": [evil],
                       "outlets": [{"outlet": evil, "original": 0.5, "reused_from": [{"outlet": evil, "share": 0.5}]}]},
        "facts": {
            "quotes": [evil, {"text": evil, "speaker": evil, "role": evil, "article": evil, "span": [0, 5]}],
            "unique": {evil: [evil, {"span": [0, 5], "text": evil}]},
            "entities": [{"name": evil, "label": evil, "variants": [evil], "possible_variants": [evil],
                          "articles": {evil: 1}, "roles": {evil: [evil]}}],
            "agree": [{"kind": "date", "value": evil, "cites": [{"article": evil, "span": _span(body, evil),
                                                               "text": evil}]}],
            "differ": [{"kind": kind, "what": evil, "a": evil, "b": "plain",
                        "a_span": _span(body, evil), "a_text": evil, "b_span": [0, 5], "b_text": evil,
                        "also": [[evil, "plain"]]} for kind in ("quote wording", f"detail only in {evil}")],
        },
        "pairs": [{"a": evil, "b": "plain", "b_from_a": evil}],
    }  # fmt: skip
    return {"articles": [article, {"id": "plain", "source": "Plain"}], "stories": [story]}


def test_hostile_text_is_escaped() -> None:
    evil = '<script>alert(1)</script>" onmouseover="x'
    body = f"Intro {evil} middle {evil} end."
    report = render_report(_hostile_doc(evil, body), {evil: body, "plain": "Plain text here."}, generated=evil)
    assert [re.fullmatch(r"stories/_[0-9a-f]{16}\.html", path) is not None for path in report.pages] == [True]
    for page in (report.text(), story_page(report)):
        assert "<script>alert" not in page
        assert 'onmouseover="' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        _assert_balanced(page)
    row = report.text()[report.text().index("<tr data-id=") :]
    assert row.startswith('<tr data-id="&lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=&#34;x"')
    outlets = re.search(r"data-outlets='([^']*)'", row)
    assert outlets is not None and json.loads(html.unescape(outlets[1])) == [evil, "Plain"]  # JSON, quotes escaped
    assert "<" not in outlets[1] and "'" not in outlets[1]


@pytest.mark.parametrize(
    "spans",
    [
        # out of range and negative offsets are clipped
        [[-10, 5], [40, 10_000]],
        # overlapping, nested, identical and reversed spans on the same side
        [[0, 20], [10, 30], [5, 8], [0, 20], [30, 25]],
        # malformed entries are ignored
        [None, [], [3], ["a", "b"], [True, 4], [1.5, 3]],
    ],
)
def test_bad_spans_do_not_break_rendering(spans: list[Any]) -> None:
    doc = _doc()
    story = doc["stories"][0]
    story["alignments"] = [
        {"a": "wire1", "b": "site1", "a_span": s, "b_span": s, "relation": "verbatim", "score": 1.0} for s in spans
    ]
    doc["articles"][0]["boilerplate_spans"] = [[-5, 3], [2, 50], None]
    page = story_page(render_report(doc, TEXTS, generated="now"))
    _assert_balanced(page)
    for mark in MARK.finditer(page):
        assert f'id="{mark["peer"]}"' in page  # a linked mark always has its counterpart on the page


def test_missing_optional_keys_and_texts() -> None:
    doc = {
        "articles": [{"id": "x"}],
        "stories": [
            {"id": "s1", "title": None, "articles": None, "first_published": None, "alignments": None,
             "provenance": None, "facts": None},
            {"id": "s2", "articles": ["x", "ghost"],
             "alignments": [{"a": "x", "b": "ghost", "a_span": [0, 3], "b_span": [0, 3],
                             "relation": "related"}],
             "provenance": {"edges": [{"from": "ghost", "to": "nowhere"}]}},
        ],
    }  # fmt: skip
    page = every_file(render_report(doc, {"x": "abcdef"}, generated="now"))
    assert "(untitled)" in page and "ghost" in page and "nowhere" in page
    _assert_balanced(page)


@pytest.mark.parametrize("doc", [{}, {"articles": [], "stories": []}, {"articles": None, "stories": None}])
def test_empty_doc_renders(doc: dict[str, Any]) -> None:
    report = render_report(doc, {})
    page = report.text()
    assert report.pages == {}
    assert page.startswith("<!DOCTYPE html>")
    assert "No stories in this analysis." in page
    _assert_balanced(page)


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        # no spans: one uncovered piece
        ("abcdef", [], [("abcdef", None)]),
        # empty text: nothing at all
        ("", [[0, 3]], []),
        # two disjoint spans
        ("abcdef", [[1, 2], [3, 5]], [("a", None), ("b", 0), ("c", None), ("de", 1), ("f", None)]),
        # overlap: the earlier span wins, the later keeps its tail
        ("abcdef", [[2, 5], [0, 3]], [("abc", 1), ("de", 0), ("f", None)]),
        # same start: the longer wins, the nested shorter one vanishes
        ("abcdef", [[0, 2], [0, 4]], [("abcd", 1), ("ef", None)]),
        # clipped to the text; reversed and empty spans ignored
        ("abc", [[-3, 1], [2, 99], [2, 1], [1, 1]], [("a", 0), ("b", None), ("c", 1)]),
    ],
)
def test_segments_table(text: str, spans: list[Any], expected: list[tuple[str, int | None]]) -> None:
    assert segments(text, spans) == expected


@given(
    st.text(max_size=60),
    st.lists(st.tuples(st.integers(-10, 80), st.integers(-10, 80)), max_size=8),
)
def test_segments_round_trip(text: str, spans: list[tuple[int, int]]) -> None:
    result = segments(text, spans)
    assert "".join(piece for piece, _ in result) == text
    assert all(piece for piece, _ in result)
    indexes = [index for _, index in result if index is not None]
    assert len(indexes) == len(set(indexes))  # each span yields at most one piece
    pos = 0
    for piece, index in result:
        if index is not None:
            start, end = spans[index]
            assert start <= pos and pos + len(piece) <= end  # a piece lies inside its span
        pos += len(piece)


def test_articles_ordered_by_publication_instant() -> None:
    doc = {
        "articles": [
            {"id": "undated", "source": "Undated Times"},
            {"id": "late", "source": "Late Post", "published": "2024-03-01T09:00:00Z"},
            {"id": "early", "source": "Early Herald", "published": "2024-03-01T10:00:00+02:00"},  # 08:00 UTC
        ],
        "stories": [{"id": "s1", "articles": ["undated", "late", "early"]}],
    }
    page = story_page(render_report(doc, {}, generated="now"))
    table = page[page.index("<h3>Articles</h3>") :]
    assert table.index("Early Herald") < table.index("Late Post") < table.index("Undated Times")


def test_a_story_with_many_pairs_shows_the_strongest_and_counts_the_rest() -> None:
    from storytrace.report.pairs import MAX_PAIRS_SHOWN

    ids = [f"n{k}" for k in range(10)]  # 45 pairs
    texts = {i: f"Shared sentence here. Own words of {i}." for i in ids}
    alignments = [
        {"a": a, "b": b, "a_span": [0, 21], "b_span": [0, 21], "relation": "verbatim", "score": 1.0}
        for k, a in enumerate(ids)
        for b in ids[k + 1 :]
    ]
    doc = {
        "articles": [{"id": i, "story": "s1"} for i in ids],
        "stories": [{"id": "s1", "title": "t", "articles": ids, "alignments": alignments}],
    }
    html = story_page(render_report(doc, texts))
    assert html.count('class="pair"') == MAX_PAIRS_SHOWN
    assert f"{45 - MAX_PAIRS_SHOWN} more pairs" in html


def test_pairs_where_one_derives_come_first_facing_source_to_copy() -> None:
    """Issue 27: the first pair a reader sees is a source and its copy, the source on the left."""
    from storytrace.report.pairs import group_pairs

    def al(a: str, b: str, relation: str) -> dict[str, Any]:
        return {"a": a, "b": b, "a_span": [0, 5], "b_span": [0, 5], "relation": relation, "score": 1.0}

    alignments = [al("x", "y", "same_fact"), al("x", "y", "same_fact"), al("copy", "wire", "verbatim")]
    pairs = [
        {"a": "x", "b": "y", "b_from_a": "non_derived", "a_from_b": "non_derived"},
        {"a": "copy", "b": "wire", "b_from_a": "non_derived", "a_from_b": "wholly_derived", "a_covered_by_b": 0.9},
    ]
    story = story_from_json({"alignments": alignments, "pairs": pairs})
    grouped = group_pairs(story.alignments, story.pairs)
    assert [(a, b) for a, b, _ in grouped] == [("wire", "copy"), ("x", "y")]
    assert [(a, b) for a, b, _ in group_pairs(story.alignments)] == [("x", "y"), ("copy", "wire")]  # no pairs


def _section(page: str, heading: str, end: str = "<h3>") -> str:
    """The part of the page from ``heading`` to the next ``end``."""
    start = page.index(heading)
    stop = page.find(end, start + len(heading))
    return page[start : stop if stop != -1 else len(page)]


FACT_LINK = re.compile(r'<a class="fact-link[^"]*" href="#(?P<href>[^"]+)"><q>(?P<inner>.*?)</q></a>')


def test_the_story_leads_with_its_contradictions(page: str) -> None:
    """Issue 29: the differences are listed above the story's articles, each with both sides."""
    box = page[page.index('data-testid="contradictions"') : page.index("<h3>Articles</h3>")]
    assert "wording of a quote (Mara Quill)" in box and "<i>vs</i>" in box
    _assert_balanced(page)


def test_fact_table_differ_agree_and_unique(page: str) -> None:
    facts = _section(page, "<h3>Fact table</h3>")
    assert facts.index("<h4>Differ") < facts.index("<h4>Agree") < facts.index("<h4>Only one source")
    differ = _section(facts, "<h4>Differ", "<h4>")
    assert "wording of a quote (Mara Quill)" in differ and "also 1 other pair" in differ
    agree = _section(facts, "<h4>Agree", "<h4>")
    assert "2024-03-04" in agree and agree.count("<li>") == 2
    unique = _section(facts, "<h4>Only one source", "<h3>")
    assert "Local shops fear a drop in trade." in unique
    # a detail one source gives, in ``differ`` before issue 29 ("detail only in wire1"), is shown as such
    assert "detail only in" not in differ and "40 cables" in unique and "40 cables" not in differ
    assert unique.count('<details class="more">') == 1 and "5 sentences" in unique  # lone1 has 5 (> 3)
    _assert_balanced(page)


def test_fact_links_jump_to_marks_on_the_cited_span(page: str) -> None:
    links = list(FACT_LINK.finditer(page))
    texts = {html.unescape(m["inner"]) for m in links}
    assert {"Engineers found rust", "Rust was found", "Monday"} <= texts
    cited = _section(page, "<h3>Cited texts</h3>")
    for link in links:
        mark = re.search(rf'<mark class="fact" id="{link["href"]}"[^>]*>(.*?)</mark>', cited, re.S)
        assert mark is not None, link["href"]
        assert html.unescape(mark[1]) == html.unescape(link["inner"])  # the mark holds exactly the cited text
    assert '<details class="solo cited" id="ts1-1">' in cited


def test_quotes_entities_timeline_and_outlets(page: str) -> None:
    quotes = _section(page, "<h3>Quotes</h3>")
    assert "Mara Quill" in quotes and "council spokesperson" in quotes and "(indirect)" in quotes
    long_quote = "Q" + "x" * 300
    assert f'title="{long_quote}"' in quotes and long_quote not in quotes.replace(f'title="{long_quote}"', "")
    assert "…" in quotes

    entities = _section(page, "<h3>Entities</h3>")
    assert entities.index("Port Ellory") < entities.index("Mara Quill")  # most mentioned first
    assert "M. Quill" in entities and "council spokesperson" in entities and "Quill" in entities
    assert "Fictional Press" in entities  # roles by outlet name

    timeline = _section(page, "<h3>Timeline</h3>")
    assert timeline.index("Fictional Press") < timeline.index("Ellory Gazette")
    assert '<span class="badge root">root</span>' in timeline and '<span class="badge derived">copy</span>' in timeline
    assert timeline.index("2024-03-01T10:00:00Z") < timeline.index("undated")  # undated last

    outlets = _section(page, "<h3>Outlets' originality</h3>")
    assert "Fictional Press 63%" in outlets and "37%" in outlets
    assert 'style="width: 37.0%"' in outlets and 'style="width: 63.0%"' in outlets


def test_many_entities_are_cut_and_counted() -> None:
    doc = _doc()
    doc["stories"][0]["facts"] = {
        "entities": [{"name": f"Entity {k}", "label": "ORG", "articles": {"wire1": k + 1}} for k in range(30)]
    }
    page = story_page(render_report(doc, TEXTS, generated="now"))
    entities = _section(page, "<h3>Entities</h3>")
    assert "Entity 29" in entities and "Entity 5<" in entities and "Entity 4<" not in entities
    assert "5 more entities" in entities


def test_hostile_text_in_facts_and_outlets_is_escaped() -> None:
    evil = '<script>alert(1)</script>" onmouseover="x'
    body = f"Intro {evil} middle {evil} end."
    page = story_page(render_report(_hostile_doc(evil, body), {evil: body, "plain": "Plain text here."}))
    escaped = html.escape(evil, quote=False)
    for heading in ("<h4>Differ", "<h4>Agree", "<h4>Only one source", "<h3>Quotes</h3>", "<h3>Entities</h3>",
                    "<h3>Outlets' originality</h3>", "<h3>Cited texts</h3>"):  # fmt: skip
        section = _section(page, heading, "<h")
        assert "<script>" not in section and 'onmouseover="' not in section
        assert escaped.split('"')[0] in section, heading
    _assert_balanced(page)


def test_document_without_new_keys_renders_without_the_new_parts() -> None:
    doc = _doc()
    story = doc["stories"][0]
    del story["facts"]
    story["provenance"] = {"edges": story["provenance"]["edges"], "roots": ["wire1"]}  # no passages, outlets
    page = story_page(render_report(doc, TEXTS, generated="now"))
    for heading in ("Fact table", "<h3>Quotes", "<h3>Entities", "Outlets' originality", "Cited texts"):
        assert heading not in page
    assert "<h3>Timeline</h3>" in page and "<h3>Provenance</h3>" in page
    _assert_balanced(page)
    # facts of the old generic shape, or of the wrong types, are ignored quietly
    story["facts"] = {"agree": None, "differ": [None, "x", {"kind": "number"}], "unique": ["x"], "quotes": {},
                      "entities": [{"label": "no name"}]}  # fmt: skip
    story["provenance"]["outlets"] = [None, {"outlet": "X", "original": "high", "reused_from": None}]
    page = story_page(render_report(doc, TEXTS, generated="now"))
    assert "<h4>Differ" in page and "Outlets' originality" in page
    _assert_balanced(page)


@given(st.text(alphabet=st.sampled_from("&<>'\"a é\u2028\x00`=/"), max_size=40) | st.text(max_size=60))
def test_plain_escaping_gives_markupsafes_entities(text: str) -> None:
    """``escaped`` writes what ``markupsafe.escape`` writes: the page is the same, byte for byte."""
    from markupsafe import escape

    from storytrace.report.highlight import escaped

    assert escaped(text) == str(escape(text))


@pytest.mark.parametrize("stories", [0, 1, 3])
def test_files_put_together_as_bytes_are_the_templates_rendered_with_every_item(stories: int) -> None:
    """``render_site`` splices the filled renderings between what the templates write around them: the same files."""
    from markupsafe import Markup

    from storytrace import __version__
    from storytrace.report.render import (
        INDEX_TEMPLATE,
        LEGEND,
        NAV_TEMPLATE,
        TEMPLATE,
        fill,
        jinja_env,
        render_story,
        style,
    )
    from storytrace.report.site import PageStory, render_site

    doc = _doc()
    texts = {**TEXTS, "site1": TEXTS["site1"] + " Café Ærø — ünïcode."}
    meta = {a["id"]: a for a in doc["articles"]}
    story = story_from_json(doc["stories"][0])
    made = render_site([PageStory(f"s{k + 1}", None, lambda: (story, meta)) for k in range(stories)], texts, 3)
    rendered = [render_story(story, meta, texts) for _ in range(stories)]

    def filled(markup: str, nonce: str, k: int) -> str:
        return fill(markup.encode("utf-8"), nonce, f"s{k + 1}", f"s{k + 1}").decode("utf-8")

    index = made.text()
    generated = re.search(r"<span>generated ([^<]*)</span>", index)
    assert generated is not None
    assert index == jinja_env().get_template(INDEX_TEMPLATE).render(
        style=style(),
        n_stories=stories,
        rows=[Markup(filled(r.row, r.nonce, k)) for k, r in enumerate(rendered)],
        generated=generated[1],
        version=__version__,
        n_articles=3,
        n_passages=sum(r.passages for r in rendered),
    )
    title = Markup("Port Ellory bridge closure")
    assert list(made.pages) == [f"stories/s{k + 1}.html" for k in range(stories)]
    for k, r in enumerate(rendered):
        near = [(f"s{j + 1}", Markup(f"s{j + 1}"), title) if 0 <= j < stories else None for j in (k - 1, k + 1)]
        nav = Markup(jinja_env().get_template(NAV_TEMPLATE).render(prev=near[0], next=near[1]))
        section = Markup(filled(r.section, r.nonce, k).partition("\n")[2])
        whole = (
            jinja_env()
            .get_template(TEMPLATE)
            .render(
                title=Markup(f"s{k + 1} · {title} — storytrace"),
                nav=nav,
                section=section,
                legend=LEGEND,
                version=__version__,
            )
        )
        assert made.text(f"stories/s{k + 1}.html") == whole
        assert whole.count('<section class="card story"') == 1
        assert (f'href="s{k}.html"' in whole) == (k > 0) and (f'href="s{k + 2}.html"' in whole) == (k < stories - 1)


@pytest.mark.parametrize(
    ("ids", "names"),
    [
        (["s1", "s2"], ["s1", "s2"]),
        (["s1", "s1", "s1"], ["s1", "s1~2", "s1~3"]),  # a damaged document: still one page each
        (["S1", "con", "a b", "../x", ""], None),  # upper case, a Windows device, a space, a path: digests
    ],
)
def test_page_names_are_plain_unique_and_safe(ids: list[str], names: list[str] | None) -> None:
    from storytrace.report.site import page_names

    made = page_names(ids)
    assert len(set(made)) == len(ids)
    if names is not None:
        assert made == names
    else:
        assert all(re.fullmatch(r"_[0-9a-f]{16}", name) for name in made)
