"""One name for an article's outlet, one definition of a passage, counts said with the noun in agreement."""

from __future__ import annotations

import pytest

from storytrace.model import RELATIONS, Article
from storytrace.naming import (
    PASSAGE_RELATIONS,
    PassageCount,
    alignment_counts,
    count_passages,
    counted,
    is_passage,
    outlet_name,
    outlet_of_record,
    url_domain,
)


@pytest.mark.parametrize(
    ("source", "url", "expected"),
    [
        ("Harbour Ledger", "https://www.example-news.com/a", "Harbour Ledger"),
        ("  Harbour Ledger ", None, "Harbour Ledger"),
        (None, "https://www.example-news.com/2026/03/story", "example-news.com"),
        ("", "http://WWW.Example-News.com:8080/x", "example-news.com"),
        ("   ", "https://news.example.org/x", "news.example.org"),
        (None, "not a url", "fen-report"),
        (None, "https://[::1", "fen-report"),  # malformed: no domain
        (None, None, "fen-report"),  # a .txt file: its id is the file name
    ],
)
def test_outlet_name(source: str | None, url: str | None, expected: str) -> None:
    article = Article(id="fen-report", text="The Fen ferry ran late.", source=source, url=url)
    assert outlet_name(article) == expected
    record = {"id": "fen-report", "source": source, "url": url}
    assert outlet_of_record(record) == expected  # the same name from stories.json's article object


def test_outlet_of_record_prefers_the_kept_outlet_and_survives_odd_fields() -> None:
    assert outlet_of_record({"id": "a1", "outlet": "kept.example", "source": None}) == "kept.example"
    assert outlet_of_record({"id": "a1", "source": 12, "url": ["x"]}) == "a1"
    assert outlet_of_record({}) == ""


def test_url_domain_of_nothing() -> None:
    assert url_domain(None) == url_domain("") == url_domain("/relative/path") == ""


def test_passage_relations_are_all_but_related() -> None:
    assert set(RELATIONS) - PASSAGE_RELATIONS == {"related"}
    assert [is_passage(r) for r in RELATIONS] == [True, True, True, True, False]
    assert not is_passage("unknown") and not is_passage(None)


def test_count_passages_counts_related_apart() -> None:
    relations = ["verbatim", "related", "same_fact", "paraphrase", "related", "near_verbatim", "odd"]
    assert count_passages(relations) == PassageCount(passages=4, related=2)
    story = [{"relation": r} for r in relations] + ["not an alignment"]
    assert alignment_counts(story) == PassageCount(4, 2)
    assert alignment_counts(None) == PassageCount(0, 0)


@pytest.mark.parametrize(
    ("number", "noun", "said"),
    [
        (0, "story", "0 stories"),
        (1, "story", "1 story"),
        (2, "story", "2 stories"),
        (1, "passage", "1 passage"),
        (1200, "article", "1200 articles"),
        (3, "entity", "3 entities"),
    ],
)
def test_counted(number: int, noun: str, said: str) -> None:
    assert counted(number, noun) == said
