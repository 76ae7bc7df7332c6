"""A store grown by new articles gives the ``stories.json`` of the same articles analysed in one go."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from conftest import EXAMPLES
from storytrace.facts import story as story_module
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.pipeline import analyze, member_order
from storytrace.pipeline import story as story_stages
from storytrace.store import Store
from support.data import reuters_by_date
from support.paths import REUTERS
from support.records import write_records


def test_the_demo_grown_by_one_article_is_the_demo_analysed_in_one_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = sorted((a for a in read_paths([EXAMPLES]) if isinstance(a, Article)), key=member_order)
    parsed: list[str] = []
    real = story_module.entity_mentions_many

    def parse(items):  # type: ignore[no-untyped-def]
        parsed.extend(article for article, _, _ in items)
        return real(items)

    monkeypatch.setattr(story_module, "entity_mentions_many", parse)
    first = write_records(tmp_path / "first.jsonl", articles[:-1])
    more = write_records(tmp_path / "more.jsonl", articles[-1:])
    with Store(tmp_path / "grown.db") as store:
        analyze([first], store)
        parsed.clear()
        grown = analyze([first, more], store)
    parsed_on_growing = list(parsed)
    with Store(tmp_path / "whole.db") as store:
        whole = analyze([first, more], store)
    assert grown.document_json == whole.document_json
    story = next(s for s in grown.document["stories"] if articles[-1].id in s["articles"])
    assert len(story["articles"]) > 2 and story["facts"]["entities"]  # it joined a story of several outlets
    assert parsed_on_growing == [articles[-1].id]  # only the newcomer was run through the entity recogniser


@pytest.mark.slow
def test_two_thousand_reuters_bodies_grown_by_a_hundred_are_those_analysed_in_one_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    if not any(REUTERS.glob("reuters21578-*.jsonl")):
        pytest.skip(f"{REUTERS} not found")
    bodies = [replace(a, source="Reuters", kind="agency") for a in reuters_by_date(2100)]
    analysed: list[list[str]] = []
    real = story_stages.analyze_story

    def counting(story_id, members, *args, **kwargs):  # type: ignore[no-untyped-def]
        analysed.append([m.article.id for m in members])
        return real(story_id, members, *args, **kwargs)

    monkeypatch.setattr(story_stages, "analyze_story", counting)
    monkeypatch.setenv("STORYTRACE_WORKERS", "1")  # the stories are counted in this process
    first = write_records(tmp_path / "first.jsonl", bodies[:2000])
    more = write_records(tmp_path / "more.jsonl", bodies[2000:])
    with Store(tmp_path / "grown.db") as store:
        analyze([first], store)
        analysed.clear()
        grown = analyze([first, more], store).document_json
    newcomers = {a.id for a in bodies[2000:]}
    assert analysed and all(newcomers & set(members) for members in analysed)  # only stories that grew
    monkeypatch.setenv("STORYTRACE_WORKERS", "2")
    with Store(tmp_path / "whole.db") as store:
        whole = analyze([first, more], store).document_json
    assert grown == whole
