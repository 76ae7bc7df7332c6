"""Each article's facts and entity mentions kept in the store: a grown story finds only its new article's."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace import ahead as ahead_module
from storytrace.codec.article_facts import KeptFacts, kept_from_text, kept_text
from storytrace.facts import story as story_module
from storytrace.facts.dates import DateMention
from storytrace.facts.entities import Mention
from storytrace.facts.numbers import NumberMention
from storytrace.facts.quotes import Quote
from storytrace.pipeline import analyze
from storytrace.store import Store
from support.records import write_rows

# Fictional: one event in Eskerby, told by two outlets, then a third article.
WIRE = (
    "Eskerby, Saldavia (Velm Wire) - The Saltmarsh Bridge over the River Velm collapsed on Monday, killing three "
    'drivers. "We heard a roar and then the road was gone," said Mara Quellin, a ferry pilot. Mayor Tobin Arkwright '
    "said divers would search the river through the night."
)
COPY = (
    "The Saltmarsh Bridge over the River Velm collapsed on Monday in Eskerby, killing three drivers, the Velm Wire "
    'reported. "We heard a roar and then the road was gone," ferry pilot Mara Quellin said. Mayor Tobin Arkwright '
    "said divers would search the river overnight."
)
LATER = (
    "Eskerby reopened a temporary crossing beside the collapsed Saltmarsh Bridge over the River Velm on Thursday, "
    "where three drivers died on Monday, Mayor Tobin Arkwright said."
)


def test_kept_facts_read_back_equal() -> None:
    kept = KeptFacts(
        (DateMention((3, 9), "Monday", "2024-03-04", "2024-03-04", "day", "weekday"),),
        (NumberMention((20, 25), "three", 3.0, "dead"),),
        (Quote((30, 50), "the road was gone", "Mara Quellin", (60, 72), "direct", "after", "a ferry pilot"),),
        (Mention("w", (60, 72), "Mara Quellin", "PERSON", "a ferry pilot", True),),
    )
    assert kept_from_text(kept_text(kept)) == kept
    assert kept_from_text(kept_text(KeptFacts((), (), ()))) == KeptFacts((), (), ())


@pytest.mark.parametrize("text", ["", "[]", "{}", "[2, [], [], [], null]", "[1, [[1]], [], [], null]", "not json"])
def test_a_kept_text_of_another_form_is_not_read(text: str) -> None:
    assert kept_from_text(text) is None


def test_a_grown_story_finds_facts_and_mentions_of_its_new_article_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    scanned: list[str] = []
    real_parse, real_scan = story_module.entity_mentions_many, ahead_module.article_facts

    def parse(items):  # type: ignore[no-untyped-def]
        parsed.extend(article for article, _, _ in items)
        return real_parse(items)

    def scan(prepared, *args):  # type: ignore[no-untyped-def]
        scanned.append(prepared.article.id)
        return real_scan(prepared, *args)

    monkeypatch.setattr(story_module, "entity_mentions_many", parse)
    monkeypatch.setattr(ahead_module, "article_facts", scan)
    first = write_rows(
        tmp_path / "first.jsonl",
        [
            {"id": "wire", "text": WIRE, "source": "Velm Wire", "published": "2024-03-04T09:00:00"},
            {"id": "copy", "text": COPY, "source": "Eskerby Herald", "published": "2024-03-04T12:00:00"},
        ],
    )
    more = write_rows(tmp_path / "more.jsonl", [{"id": "later", "text": LATER, "source": "Lorvenia Post",
                                            "published": "2024-03-07T08:00:00"}])  # fmt: skip
    with Store(tmp_path / "grown.db") as store:
        one = analyze([first], store)
        assert sorted(parsed) == sorted(scanned) == ["copy", "wire"]
        parsed.clear()
        scanned.clear()
        again = analyze([first, more], store)
    assert [sorted(s["articles"]) for s in one.document["stories"]] == [["copy", "wire"]]
    assert [sorted(s["articles"]) for s in again.document["stories"]] == [["copy", "later", "wire"]]
    assert parsed == scanned == ["later"]  # the older members' facts and mentions are read from the store
    with Store(tmp_path / "fresh.db") as fresh:
        whole = analyze([first, more], fresh)
    assert whole.document == again.document
    assert again.document["stories"][0]["facts"]["entities"], "entities were compared"
