"""The story brief (``facts.brief``): what it picks, in what order, how it is capped, and its JSON.

Made-up stories first (every outlet, person and place is fictional), table-driven where it fits; then the
seeds, run through the pipeline's own functions (skipped when ../shared/seeds is absent).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from report_files import story_page
from storytrace.align.compare import prepare
from storytrace.align.policy import compare_story
from storytrace.align.relation import LexicalRelations
from storytrace.cli import app
from storytrace.codec.brief import brief_from_json, brief_to_json
from storytrace.facts.brief import (
    BRIEF_MAX,
    BRIEF_MIN,
    CARRIED_MAX,
    DIFFER_MAX,
    Link,
    Source,
    brief_of,
    outlets_text,
    story_brief,
)
from storytrace.model import Article
from storytrace.model_facts import (
    Brief,
    BriefLine,
    Cite,
    Difference,
    EntityFact,
    FactCheck,
    NumberFact,
    QuoteFact,
    Said,
    Sides,
    StoryFacts,
)
from storytrace.pipeline import compare_facts
from storytrace.report import render_report
from support.paths import SEEDS


def source(article: str, outlet: str, *sentences: str) -> Source:
    """An article of ``sentences`` joined by spaces, each with its span."""
    said, start = [], 0
    for text in sentences:
        said.append(Said((start, start + len(text)), text))
        start += len(text) + 1
    return Source(article, outlet, tuple(said))


def link(a: Source, i: int, b: Source, j: int) -> Link:
    """A carried passage: sentence ``i`` of ``a`` and sentence ``j`` of ``b``."""
    return Link(a.article, b.article, a.sentences[i].span, b.sentences[j].span)


BRIDGE = "The Orvel bridge in Tamsk will close for repairs on Monday, the city council said."
FERRY = "A temporary ferry across the Lune will carry commuters while the bridge is shut."
COST = "The repairs are expected to cost the city about four million crowns."
WIND = "Engineers found cracks in two of the bridge's supports after the winter storms."

GAZETTE = source("g1", "Tamsk Gazette", BRIDGE, FERRY, COST)
HERALD = source(
    "h1", "Lune Herald", "Tamsk's Orvel bridge is to close for repairs from Monday, the council said.", FERRY, WIND
)
POST = source("p1", "Valley Post", "The city council said on Friday the Orvel bridge in Tamsk will close on Monday.")
REPRINT = source("g2", "Tamsk Gazette", BRIDGE, FERRY, COST)


def carried(brief: Brief) -> list[tuple[str, tuple[str, ...]]]:
    return [(line.text, line.outlets) for line in brief.section("carried")]


def test_what_most_outlets_carry_comes_first_in_its_earliest_wording() -> None:
    links = [link(GAZETTE, 1, HERALD, 1), link(GAZETTE, 0, HERALD, 0), link(HERALD, 0, POST, 0)]
    brief = story_brief([GAZETTE, HERALD, POST], links, StoryFacts())
    # The closure: three outlets (the Post through the Herald), so before the ferry (two) although it comes later
    # in the Gazette's text; worded as the Gazette, the first article of the story, words it.
    assert carried(brief) == [
        (BRIDGE, ("Tamsk Gazette", "Lune Herald", "Valley Post")),
        (FERRY, ("Tamsk Gazette", "Lune Herald")),
    ]
    bridge = brief.lines[0]
    assert [(c.article, c.span) for c in bridge.cites] == [
        ("g1", GAZETTE.sentences[0].span),
        ("h1", HERALD.sentences[0].span),
        ("p1", POST.sentences[0].span),
    ]


@pytest.mark.parametrize(
    ("sources", "links", "expected"),
    [
        # A reprint by the same outlet is one outlet: nothing is carried by two, and a story of one outlet has no brief.
        ([GAZETTE, REPRINT], [link(GAZETTE, 0, REPRINT, 0)], []),
        # Order by outlets then place: the ferry (two outlets) stays after the bridge (two outlets) it follows.
        ([GAZETTE, HERALD], [link(GAZETTE, 1, HERALD, 1), link(GAZETTE, 0, HERALD, 0)], [BRIDGE, FERRY]),
        # The earliest wording is the first article's in the story's order, not the first named by the passage.
        ([HERALD, GAZETTE], [link(GAZETTE, 1, HERALD, 1)], [FERRY]),
        # A statement carried by one outlet's two articles only is not carried by "most outlets".
        ([GAZETTE, REPRINT, HERALD], [link(GAZETTE, 2, REPRINT, 2)], []),
    ],
)
def test_carried_statements(sources: list[Source], links: list[Link], expected: list[str]) -> None:
    assert [text for text, _ in carried(story_brief(sources, links, StoryFacts()))] == expected


def test_a_passage_of_several_sentences_pairs_each_with_its_best_match() -> None:
    a = source("a", "Tamsk Gazette", BRIDGE, COST, FERRY)
    b = source("b", "Lune Herald", FERRY, "The bridge in Tamsk will close on Monday for repairs, said the council.")
    whole = Link("a", "b", (0, a.sentences[2].span[1]), (0, b.sentences[1].span[1]))
    lines = story_brief([a, b], [whole], StoryFacts()).section("carried")
    # The cost has no counterpart: it is not said to be carried, and the two others are paired crosswise.
    assert [(line.text, [c.text for c in line.cites]) for line in lines] == [
        (BRIDGE, [BRIDGE, b.sentences[1].text]),
        (FERRY, [FERRY, FERRY]),
    ]


def facts_for_only() -> tuple[StoryFacts, Source, Source]:
    """Herald's third sentence quotes a new voice; the Gazette names a new firm and states a sum."""
    voice = "“We saw the cracks in March,” said Dana Virel, an engineer at the Tamsk works office."
    firm = "The council hired Brask & Tull, a firm from Orvel, to do the work for four million crowns."
    herald = source("h1", "Lune Herald", BRIDGE, "He declined to comment.", voice)
    gazette = source("g1", "Tamsk Gazette", BRIDGE, firm, "The weather was grey and wet all day long there.")
    quotes = (QuoteFact("h1", herald.sentences[2].span, voice, "Dana Virel", None, "engineer", "direct"),)
    firm_at = gazette.sentences[1].span[0] + firm.index("Brask")
    entities = (
        EntityFact(
            "Brask & Tull",
            "ORG",
            articles=(("g1", 1),),
            mentions=(Cite("g1", (firm_at, firm_at + 12), "Brask & Tull"),),
        ),
    )
    sum_at = gazette.sentences[1].span[0] + firm.index("four")
    numbers = (NumberFact("g1", (sum_at, sum_at + 13), "four million", 4e6, "crowns"),)
    return StoryFacts(quotes=quotes, entities=entities, numbers=numbers), herald, gazette


def test_what_only_one_outlet_adds_prefers_new_voices_names_and_numbers() -> None:
    facts, herald, gazette = facts_for_only()
    brief = story_brief([gazette, herald], [link(gazette, 0, herald, 0)], facts)
    only = [(line.outlets, line.text) for line in brief.section("only")]
    # A new voice (3) before a new name and a sum (2); too short ("He declined…") or nothing in it (the weather),
    # and the carried sentence, are left out.
    assert only == [(("Lune Herald",), herald.sentences[2].text), (("Tamsk Gazette",), gazette.sentences[1].text)]
    assert brief.section("only")[0].cites == (Cite("h1", herald.sentences[2].span, herald.sentences[2].text),)


def test_a_voice_other_outlets_quote_too_is_not_new() -> None:
    facts, herald, gazette = facts_for_only()
    again = QuoteFact("g1", gazette.sentences[2].span, "x", "Virel", None, None, "indirect")
    facts = StoryFacts(quotes=(*facts.quotes, again), entities=facts.entities, numbers=facts.numbers)
    only = story_brief([gazette, herald], [link(gazette, 0, herald, 0)], facts).section("only")
    # Virel is quoted by both outlets: her quote counts 1, below the Gazette's new firm and sum (2).
    assert [line.outlets[0] for line in only] == ["Tamsk Gazette", "Lune Herald", "Tamsk Gazette"]


def test_differences_are_shown_side_by_side_with_both_sources_cited() -> None:
    d = Difference(
        "number",
        "number of injured",
        Sides("g1", "h1", Said((10, 15), "seven"), Said((20, 24), "nine")),
        ("7", "9"),
    )
    # The same difference again in a reprint: the Herald's side is cited once.
    d = replace(d, repeats=(Sides("g2", "h1", Said((10, 15), "seven"), Said((20, 24), "nine")),))
    brief = story_brief([GAZETTE, HERALD, REPRINT], [], StoryFacts(check=FactCheck(differ=(d,))))
    assert brief.lines == (
        BriefLine(
            "differ",
            "Number of injured: Tamsk Gazette has “seven”; Lune Herald has “nine”.",
            ("Tamsk Gazette", "Lune Herald"),
            (Cite("g1", (10, 15), "seven"), Cite("h1", (20, 24), "nine"), Cite("g2", (10, 15), "seven")),
        ),
    )


def test_the_brief_is_capped_and_keeps_room_for_each_section() -> None:
    n = 12
    texts = [f"Statement number {k} about the Orvel bridge closure in Tamsk." for k in range(n)]
    a, b = source("a", "Tamsk Gazette", *texts), source("b", "Lune Herald", *texts)
    differ = tuple(
        Difference("date", "date", Sides("a", "b", Said((0, 4), "May"), Said((0, 4), "June"))) for _ in range(5)
    )
    brief = story_brief([a, b], [link(a, k, b, k) for k in range(n)], StoryFacts(check=FactCheck(differ=differ)))
    # 12 statements and 5 differences: the first CARRIED_MAX statements, then the first DIFFER_MAX differences.
    assert [line.kind for line in brief.lines] == ["carried"] * CARRIED_MAX + ["differ"] * DIFFER_MAX
    assert [line.text for line in brief.section("carried")] == texts[:CARRIED_MAX]


def test_few_carried_statements_leave_room_for_more_of_what_one_outlet_adds() -> None:
    facts, herald, gazette = facts_for_only()
    more = [f"Dana Virel said repairs at site {k} near the Lune embankment would take weeks." for k in range(6)]
    herald = source("h1", "Lune Herald", *(s.text for s in herald.sentences), *more)
    quotes = tuple(QuoteFact("h1", s.span, s.text, "Dana Virel", None, None, "indirect") for s in herald.sentences[3:])
    facts = StoryFacts(quotes=(*facts.quotes, *quotes), entities=facts.entities, numbers=facts.numbers)
    brief = story_brief([gazette, herald], [link(gazette, 0, herald, 0)], facts)
    # One carried statement, no difference: what one outlet adds fills the brief up to BRIEF_MIN lines.
    assert [line.kind for line in brief.lines] == ["carried"] + ["only"] * (BRIEF_MIN - 1)


def test_outlets_read_as_a_list() -> None:
    assert [outlets_text(x) for x in ([], ["A"], ["A", "B"], ["A", "B", "C"])] == ["", "A", "A and B", "A, B and C"]


# --- JSON ----------------------------------------------------------------------------------


def test_the_brief_survives_its_json_and_older_or_damaged_documents_read() -> None:
    links = [link(GAZETTE, 0, HERALD, 0), link(GAZETTE, 1, HERALD, 1)]
    brief = story_brief([GAZETTE, HERALD], links, StoryFacts())
    assert brief.lines and brief_from_json(brief_to_json(brief)) == brief
    damaged = [
        {"kind": "rumour", "text": "x"},  # an unknown kind
        {"kind": "carried", "text": ""},  # no text
        {
            "kind": "only",
            "text": "kept",
            "outlets": ["A", 3],
            "cites": [{"article": "a"}, {"article": "a", "span": [1, 2]}],
        },
        "not an object",
    ]
    assert brief_from_json(damaged) == Brief((BriefLine("only", "kept", ("A",), (Cite("a", (1, 2), ""),)),))
    assert brief_from_json(None) == brief_from_json({"no": "list"}) == Brief()  # a story written before briefs


# --- through the pipeline --------------------------------------------------------------------


def fictional_members() -> list[Article]:
    gazette = " ".join([BRIDGE, FERRY, COST])
    herald = " ".join(["Tamsk's Orvel bridge will close for repairs on Monday, the city council said.", FERRY, WIND])
    return [
        Article(id="g1", text=gazette, source="Tamsk Gazette", published="2026-01-05T08:00:00Z"),
        Article(id="h1", text=herald, source="Lune Herald", published="2026-01-05T09:00:00Z"),
    ]


def test_brief_of_prepared_articles() -> None:
    members = [prepare(a) for a in fictional_members()]
    comparisons = compare_story(members, LexicalRelations())
    brief = brief_of(members, comparisons, compare_facts(members, comparisons))
    assert [line.text for line in brief.section("carried")][:2] == [BRIDGE, FERRY]
    assert all(line.outlets == ("Tamsk Gazette", "Lune Herald") for line in brief.section("carried"))
    for line in brief.lines:  # every cite points at its words
        for c in line.cites:
            text = next(a.text for a in fictional_members() if a.id == c.article)
            assert text[c.span[0] : c.span[1]] == c.text


@pytest.fixture(scope="module")
def seed_brief() -> Brief:
    if not (SEEDS / "gold.json").is_file():
        pytest.skip(f"{SEEDS} not found")
    arts = [Article(id=p.name, text=p.read_text("utf-8"), published="2024-06-17") for p in sorted(SEEDS.glob("*.txt"))]
    members = [prepare(a) for a in arts]
    comparisons = compare_story(members, LexicalRelations())
    return brief_of(members, comparisons, compare_facts(members, comparisons))


def test_seed_brief(seed_brief: Brief) -> None:
    both = ("000_14e98fc3686cf210.txt", "002_fb04e2e8c0c1a0bd.txt")
    carried = [line.text for line in seed_brief.section("carried") if line.outlets == both]
    for words in ("the Kremlin said", "visit Vietnam", "July 2000"):
        assert any(words in text for text in carried), words
    assert any(
        "“Head of State Affairs”" in line.text and "“Chairman of State Affairs”" in line.text
        for line in seed_brief.section("differ")
    )
    only_002 = [line.text for line in seed_brief.section("only") if line.outlets == both[1:]]
    assert any(text.startswith("Andrei Lankov") for text in only_002)
    assert 5 <= len(seed_brief.lines) <= BRIEF_MAX


# --- shown in the report -----------------------------------------------------------------------

EVIL = '<script>alert("brief")</script>'
TEXTS = {"g1": " ".join([BRIDGE, EVIL, FERRY]), "h1": " ".join([BRIDGE, FERRY])}


def report_doc(brief: object) -> dict[str, Any]:
    """A story of two made-up articles whose brief is ``brief`` (left out when None)."""
    articles = [
        {"id": "g1", "source": "Tamsk Gazette", "title": "Bridge to close", "story": "s1"},
        {"id": "h1", "source": "Lune Herald", "title": "Orvel bridge shut", "story": "s1"},
    ]
    story: dict[str, Any] = {"id": "s1", "title": "Bridge", "articles": ["g1", "h1"], "alignments": [], "facts": {}}
    if brief is not None:
        story["brief"] = brief
    return {"articles": articles, "stories": [story]}


def test_the_report_shows_the_brief_first_escaped_with_a_link_to_each_source() -> None:
    bridge = story_brief([GAZETTE, HERALD], [link(GAZETTE, 0, HERALD, 0)], StoryFacts()).lines[0]
    evil_at = TEXTS["g1"].index(EVIL)
    only = BriefLine("only", EVIL, ("Tamsk Gazette",), (Cite("g1", (evil_at, evil_at + len(EVIL)), EVIL),))
    page = story_page(render_report(report_doc(brief_to_json(Brief((bridge, only)))), TEXTS, generated="now"))
    box = page[page.index('data-testid="brief"') : page.index("<h3>Articles</h3>")]
    assert "What most outlets carry" in box and "What only one outlet adds" in box
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;brief&#34;)&lt;/script&gt;" in box
    hrefs = re.findall(r'class="fact-link" href="#([^"]+)"', box)
    assert len(hrefs) == 3  # the bridge in both articles, the script in one
    assert all(f'id="{h}"' in page for h in hrefs)  # each leads to its words, marked in the cited texts


def test_a_story_written_before_briefs_renders_without_one() -> None:
    page = story_page(render_report(report_doc(None), TEXTS, generated="now"))
    assert "<h3>Articles</h3>" in page and 'data-testid="brief"' not in page
    damaged = story_page(render_report(report_doc({"not": "a list"}), TEXTS, generated="now"))
    assert 'data-testid="brief"' not in damaged


# --- in the terminal ---------------------------------------------------------------------------


def test_storytrace_brief_prints_a_kept_story_and_one_line_for_what_is_not(tmp_path: Path) -> None:
    records = tmp_path / "bridge.jsonl"
    records.write_text("\n".join(json.dumps(asdict(a)) for a in fictional_members()) + "\n", "utf-8")
    db = tmp_path / "st.db"
    analysed = CliRunner().invoke(
        app, ["analyze", str(records), "--out", str(tmp_path / "out"), "--db", str(db), "--lexical"]
    )
    assert analysed.exit_code == 0, analysed.output
    story = json.loads((tmp_path / "out" / "stories.json").read_text("utf-8"))["stories"][0]
    assert story["brief"] and story["brief"][0]["text"] == BRIDGE

    shown = CliRunner().invoke(app, ["brief", story["id"], "--db", str(db)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "What most outlets carry" in shown.output
    assert f"• {BRIDGE} — Tamsk Gazette and Lune Herald" in shown.output
    assert f"g1[0:{len(BRIDGE)}]" in shown.output  # where each source says it

    for args, words in (
        (["brief", "s99", "--db", str(db)], "s99: no such story in the latest analysis"),
        (["brief", "s1", "--db", str(tmp_path / "none.db")], "none.db: no such store"),
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1 and words in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_the_web_story_page_leads_with_the_brief(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from storytrace.pipeline import analyze
    from storytrace.store import Store
    from storytrace.web import create_app

    records = tmp_path / "bridge.jsonl"
    records.write_text("\n".join(json.dumps(asdict(a)) for a in fictional_members()) + "\n", "utf-8")
    db = tmp_path / "web.db"
    with Store(db) as store:
        story = analyze([records], store).document["stories"][0]["id"]
    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        page = client.get(f"/stories/{story}").text
    box = page[page.index('data-testid="brief"') : page.index("<h3>Articles</h3>")]
    assert f"<q>{BRIDGE}</q>" in box and "Tamsk Gazette and Lune Herald" in box
    hrefs = re.findall(r'class="fact-link" href="#([^"]+)"', box)
    assert hrefs and all(f'id="{h}"' in page for h in hrefs)


def test_a_brief_that_fails_costs_the_brief_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from storytrace.codec.story import story_to_json
    from storytrace.pipeline import story as story_stages

    def broken(*_: object) -> Brief:
        raise ValueError("picked badly")

    monkeypatch.setattr(story_stages, "brief_of", broken)
    result = story_stages.analyze_story("s1", [prepare(a) for a in fictional_members()], LexicalRelations())
    story = story_to_json(result)
    assert story["brief"] == [] and story["alignments"] and story["facts"]["quotes"] is not None
    assert [(p["stage"], p["articles"]) for p in story["problems"]] == [("brief", ["g1", "h1"])]
