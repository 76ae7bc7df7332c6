"""One failure costs one unit: a stage that raises for one article, pair or story never takes the run's output.

Failures are injected where each stage runs (``monkeypatch`` on the functions
the pipeline calls), for the articles whose id holds ``bad``; everything else
must come out as it does without the failure, and the failure must be named
in the story's ``problems`` (and, from the command, in one line on stderr with
exit status 1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from report_files import every_file
from storytrace import ahead
from storytrace.align import compare as compare_module
from storytrace.align.compare import Prepared, compare, prepare
from storytrace.isolation import attempt, error_text
from storytrace.model import Article, StageProblem
from storytrace.pipeline import analyze_articles
from storytrace.pipeline import story as story_stages
from storytrace.report import documents
from storytrace.report import render as report_render
from storytrace.report.site import PageStory, render_site

ENV = {**os.environ, "STORYTRACE_LEXICAL_ONLY": "1", "COLUMNS": "200"}
ENV.pop("STORYTRACE_DEBUG", None)

BRIDGE = (
    "A footbridge over the River Tollen in Harwick closed on Monday after engineers found cracks in two of its "
    "supports, the town council said.\n"
    "The council said the bridge would stay shut for at least three weeks while repairs costing 40,000 drav "
    "were carried out.\n"
    "Pedestrians were told to use the Mill Lane crossing, about half a mile downstream."
)
FERRY = (
    "The Oskay ferry service will run two extra sailings each weekend from June, the operator Greywater Lines said.\n"
    "The company said demand on the island route had risen by a fifth since last summer.\n"
    "Tickets for the new sailings go on sale next Tuesday."
)


def article(aid: str, text: str, day: int) -> Article:
    return Article(id=aid, text=text, source=f"Outlet {aid}", published=f"2026-05-{day:02d}")


CORPUS = [
    article("bridge-wire", BRIDGE, 4),
    article("bridge-bad", BRIDGE.replace("Monday", "Monday morning"), 5),
    article("bridge-copy", BRIDGE.replace("three weeks", "3 weeks"), 6),
    article("ferry-wire", FERRY, 4),
    article("ferry-copy", FERRY.replace("a fifth", "20 percent"), 5),
]


def _raise_for_bad(ids: Sequence[str]) -> None:
    if any("bad" in i for i in ids):
        raise KeyError("’")


def _stories(text: bytes) -> dict[str, dict[str, Any]]:
    document = json.loads(text)
    return {",".join(sorted(s["articles"])): s for s in document["stories"]}


def _story_with(stories: dict[str, dict[str, Any]], aid: str) -> dict[str, Any]:
    return next(s for key, s in stories.items() if aid in key.split(","))


def test_attempt_records_the_failure_and_hands_back_the_fallback() -> None:
    problems: list[StageProblem] = []
    assert attempt("trace", ["a", "b"], lambda: 1 // 0, lambda: -1, problems) == -1
    assert problems == [StageProblem("trace", ("a", "b"), "ZeroDivisionError: integer division or modulo by zero")]
    assert attempt("trace", ["a"], lambda: 7, lambda: -1, problems) == 7 and len(problems) == 1
    many = StageProblem("align", ("a", "b", "c", "d", "e"), "KeyError: '’'")
    assert many.line("s12") == "story s12 (articles a, b, c, d, …): align failed: KeyError: '’'"
    assert StageProblem("report", (), "ValueError: x").line("s3") == "story s3: report failed: ValueError: x"


def test_attempt_lets_the_error_through_when_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYTRACE_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        attempt("trace", ["a"], lambda: 1 // 0, lambda: -1, [])


def test_an_error_is_one_short_line() -> None:
    assert error_text(ValueError("a\nb " + "x" * 1000)).startswith("ValueError: a b xxx")
    assert len(error_text(ValueError("x" * 1000))) < 320
    assert error_text(KeyError()) == "KeyError"


def test_a_pair_that_fails_costs_that_pair_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    clean = analyze_articles(CORPUS)
    real = story_stages.compare_story

    def failing(members: Sequence[Prepared], *args: Any, **kwargs: Any) -> Any:
        _raise_for_bad([p.article.id for p in members])
        return real(members, *args, **kwargs)

    monkeypatch.setattr(story_stages, "compare_story", failing)
    broken = _stories(analyze_articles(CORPUS).text)
    bridge = _story_with(broken, "bridge-wire")
    assert {p["stage"] for p in bridge["problems"]} == {"align"}
    assert sorted(tuple(sorted(p["articles"])) for p in bridge["problems"]) == [
        ("bridge-bad", "bridge-copy"),
        ("bridge-bad", "bridge-wire"),
    ]
    assert all(p["error"] == "KeyError: '’'" for p in bridge["problems"])
    pairs = {(a["a"], a["b"]) for a in bridge["alignments"]}
    assert pairs == {("bridge-wire", "bridge-copy")}  # the pair without the bad article is aligned
    assert bridge["facts"]["numbers"]  # the later stages ran on what succeeded
    ferry = _story_with(broken, "ferry-wire")
    assert "problems" not in ferry and ferry == _story_with(_stories(clean.text), "ferry-wire")


@pytest.mark.parametrize(
    ("target", "name", "stage"),
    [
        (story_stages, "story_provenance", "trace"),
        (story_stages, "story_facts", "facts"),
        (story_stages, "story_entities", "entities"),
        (story_stages, "story_result", "document"),
    ],
)
def test_a_story_stage_that_fails_leaves_the_rest_of_the_story(
    monkeypatch: pytest.MonkeyPatch, target: Any, name: str, stage: str
) -> None:
    real = getattr(target, name)
    calls: list[int] = []

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:  # the first story it is called for
            raise RuntimeError("injected")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)
    stories = _stories(analyze_articles(CORPUS).text)
    failed = [s for s in stories.values() if s.get("problems")]
    assert len(failed) == 1 and len(calls) >= 2
    assert failed[0]["problems"][0]["stage"] == stage and failed[0]["problems"][0]["error"] == "RuntimeError: injected"
    assert set(failed[0]) >= {"id", "title", "articles", "alignments", "provenance", "facts"}
    assert all("problems" not in s for s in stories.values() if s is not failed[0])


def test_one_articles_facts_failing_keeps_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    real = story_stages.article_facts

    def failing(prepared: Prepared, *args: Any) -> Any:
        _raise_for_bad([prepared.article.id])
        return real(prepared, *args)

    monkeypatch.setattr(story_stages, "article_facts", failing)
    monkeypatch.setattr(ahead, "article_facts", failing)  # the stories' workers take facts through ``ahead``
    bridge = _story_with(_stories(analyze_articles(CORPUS).text), "bridge-wire")
    assert [(p["stage"], p["articles"]) for p in bridge["problems"]] == [("facts", ["bridge-bad"])]
    cited = {n["article"] for n in bridge["facts"]["numbers"]}
    assert cited == {"bridge-wire", "bridge-copy"}


def test_an_article_that_cannot_be_cleaned_is_still_analysed(monkeypatch: pytest.MonkeyPatch) -> None:
    real = compare_module.clean_article

    def failing(art: Article, *args: Any) -> Any:
        _raise_for_bad([art.id])
        return real(art, *args)

    monkeypatch.setattr(compare_module, "clean_article", failing)
    prepared = prepare(CORPUS[1])
    assert prepared.clean.content == ((0, len(BRIDGE) + len(" morning")),) and prepared.sentences
    assert [p.stage for p in prepared.problems] == ["clean"]
    bridge = _story_with(_stories(analyze_articles(CORPUS).text), "bridge-wire")
    assert [(p["stage"], p["articles"]) for p in bridge["problems"]] == [("clean", ["bridge-bad"])]
    assert {(a["a"], a["b"]) for a in bridge["alignments"]} >= {("bridge-wire", "bridge-bad")}


def test_compare_gives_what_succeeded_and_the_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("’")

    monkeypatch.setattr(compare_module, "compare_prepared", failing)
    problems: list[StageProblem] = []
    result = compare(CORPUS[0], CORPUS[2], problems=problems)
    assert result.alignments == () and result.b_from_a == "non_derived"
    assert [p.stage for p in problems] == ["align"]
    with pytest.raises(KeyError):
        compare(CORPUS[0], CORPUS[2])  # without a list to record in, the caller sees the error


def test_compare_json_keeps_the_comparison_when_facts_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args: Any) -> Any:
        raise ValueError("injected")

    monkeypatch.setattr(documents, "_pair_facts", failing)
    problems: list[StageProblem] = []
    doc = documents.comparison_json(compare(CORPUS[0], CORPUS[2]), problems)
    assert doc["alignments"] and doc["facts"] == {"agree": [], "differ": [], "unique": {}}
    assert doc["problems"] == [
        {"stage": "facts", "articles": ["bridge-wire", "bridge-copy"], "error": "ValueError: injected"}
    ]


def test_a_story_that_cannot_be_rendered_costs_its_section_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    analysed = analyze_articles(CORPUS)
    real = report_render.render_story

    def failing(story: Any, meta: Any, texts: Any) -> Any:
        if "bridge-bad" in story.articles:
            raise RuntimeError("cannot draw")
        return real(story, meta, texts)

    monkeypatch.setattr(report_render, "render_story", failing)
    page = [PageStory(o.id, None, o.load) for o in analysed.stories]
    problems: list[tuple[str, StageProblem]] = []
    report = render_site(page, {a.id: a.text for a in CORPUS}, len(CORPUS), problems=problems)
    html = every_file(report)
    assert [(sid, p.stage, p.error) for sid, p in problems] == [
        (next(o.id for o in analysed.stories if "bridge-bad" in o.members), "report", "RuntimeError: cannot draw")
    ]
    assert "this story could not be shown" in html and "RuntimeError: cannot draw" in html
    assert "Greywater Lines" in html  # the other story is on its page
    assert len(report.pages) == len(analysed.stories) and report.text().count("<tr data-id=") == len(report.pages)


SCRIPT = """
import sys
from storytrace.pipeline import story as story_stages
real = story_stages.compare_story
def failing(members, *args, **kwargs):
    if any("bad" in p.article.id for p in members):
        raise KeyError("\u2019")
    return real(members, *args, **kwargs)
story_stages.compare_story = failing
from storytrace.cli import main
sys.argv = ["storytrace", *sys.argv[1:]]
main()
"""


def test_analyze_writes_every_story_says_the_failure_and_exits_1(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps({**a.__dict__, "authors": []}) + "\n" for a in CORPUS), "utf-8")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, "analyze", str(corpus), "--out", str(out)],
        env=ENV, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    lines = [line for line in run.stderr.splitlines() if "lexical features only" not in line]
    assert len(lines) == 2 and all(line.startswith("storytrace: story s") for line in lines), run.stderr
    assert all("align failed: KeyError: '’'" in line and "bridge-bad" in line for line in lines)
    stories = _stories((out / "stories.json").read_bytes())
    assert len(stories) == 2 and _story_with(stories, "bridge-bad")["problems"]
    assert "Greywater Lines" in (out / "report.html").read_text("utf-8")
    # the next run re-uses the kept stories, the failed one too (same code, same articles), and says it again
    again = subprocess.run(
        [sys.executable, "-c", SCRIPT, "analyze", str(corpus), "--out", str(out)],
        env=ENV, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 1 and [line for line in again.stderr.splitlines() if line in lines] == lines
