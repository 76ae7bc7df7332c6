"""A story's title never shows the byline, dateline or credits the clean stage detected (fictional articles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.clean import clean_article
from storytrace.clean.title import display_title
from storytrace.model import Article
from storytrace.pipeline import analyze
from storytrace.store import Store

BODY = (
    "Mayor Olwen Parry will open the new tidal bridge at Brackenmouth on Friday, the council said, "
    "a crossing that cuts the ferry ride to the islands from forty minutes to six.\n"
    "The bridge took four years to build and cost 212 million crowns, the council's figures show.\n"
)


def title_of(text: str, title: str | None = None) -> str:
    article = Article(id="x", text=text, title=title)
    return display_title(article, clean_article(article))


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        # no headline: the lead of the content, after the byline and the dateline
        (
            "Written by Ann Lee and Bo Chan\nBRACKENMOUTH (Reuters) – " + BODY,
            None,
            "Mayor Olwen Parry will open the new tidal bridge at Brackenmouth on …",
        ),
        # a "By" byline and a dateline with a date
        (
            "By Maria Gonzalez\nBRACKENMOUTH, Feb 26 - " + BODY,
            None,
            "Mayor Olwen Parry will open the new tidal bridge at Brackenmouth on …",
        ),
        # a headline is kept as it is
        ("Written by Ann Lee\nBRACKENMOUTH (Reuters) – " + BODY, "Tidal bridge opens", "Tidal bridge opens"),
        # a headline that opens with the article's own byline and dateline has them taken off
        (
            "Written by Ann Lee\nBRACKENMOUTH (Reuters) – " + BODY,
            "Written by Ann Lee BRACKENMOUTH (Reuters) – Tidal bridge opens",
            "Tidal bridge opens",
        ),
        # a short lead is shown whole, without "…"
        ("By Ann Lee\nThe bridge opened.", None, "The bridge opened."),
        # nothing detected: the first words of the text
        (BODY, None, "Mayor Olwen Parry will open the new tidal bridge at Brackenmouth on …"),
        # a blank headline counts as none
        ("By Ann Lee\nThe bridge opened.", "   ", "The bridge opened."),
    ],
)
def test_the_title_leaves_out_what_cleaning_detected(text: str, title: str | None, expected: str) -> None:
    assert title_of(text, title) == expected


def test_a_story_of_untitled_wire_copies_is_titled_by_its_lead(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Written by Ann Lee and Bo Chan\nBRACKENMOUTH (Reuters) – " + BODY, "utf-8")
    (corpus / "b.txt").write_text("By Tomas Vell\nBRACKENMOUTH (Reuters) - " + BODY, "utf-8")
    with Store(tmp_path / "st.db") as store:
        result = analyze([corpus], store, published="2031-03-04")
    titles = [s["title"] for s in result.document["stories"]]
    assert titles == ["Mayor Olwen Parry will open the new tidal bridge at Brackenmouth on …"]
