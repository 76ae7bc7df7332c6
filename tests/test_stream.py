"""The streaming clusterer on small made-up streams."""

from dataclasses import replace

import pytest

from storytrace.align.compare import prepare
from storytrace.cluster import stream
from storytrace.cluster.background import NO_BACKGROUND, Background, load_background
from storytrace.cluster.dedup import shingles
from storytrace.cluster.stream import StreamClusterer, stream_groups
from storytrace.cluster.stream_item import StreamItem
from storytrace.model import Article

BRIDGE = [
    "The Saltmarsh Bridge over the River Velm collapsed in Eskerby, killing three drivers; divers searched the river.",
    "Engineers inspecting the collapsed Saltmarsh Bridge in Eskerby found corroded steel in the river piers.",
    "Eskerby mourned the three drivers killed when the Saltmarsh Bridge fell into the River Velm.",
]
BRIDGE_LATER = "Eskerby reopened a temporary crossing beside the collapsed Saltmarsh Bridge over the River Velm."
KETTLE = [
    "Corvane Appliances recalled 62,000 Brightwell kettles over a faulty thermal cut-off switch.",
    "Owners of Brightwell kettles can claim a replacement from Corvane Appliances after the cut-off switch recall.",
]
# Same words as the bridge story ("bridge", "river", "Eskerby"), another event.
OTHER_BRIDGE = [
    "Tollmere council voted to paint the old railway bridge near the river harbour green.",
    "The green paint for the Tollmere railway bridge by the harbour will cost the council 40,000 drav.",
]


def articles(texts: list[str], day: str, prefix: str) -> list[Article]:
    return [Article(id=f"{prefix}{k}", text=t, published=f"{day}T0{k}:00:00", title=None) for k, t in enumerate(texts)]


def groups_of(arts: list[Article]) -> list[set[str]]:
    prepared = [prepare(a) for a in arts]
    return sorted(({arts[k].id for k in g} for g in stream_groups(prepared)), key=min)


def item(key: str, document: str, text: str, published: str) -> StreamItem:
    return StreamItem(key, published, tuple(document.split()), shingles=tuple(shingles(text)))


def test_two_stories_come_apart() -> None:
    got = groups_of(articles(BRIDGE, "2024-03-04", "b") + articles(KETTLE, "2024-03-05", "k"))
    assert {"b0", "b1", "b2"} in got and {"k0", "k1"} in got


def test_a_story_continues_after_a_gap_within_the_window() -> None:
    arts = articles(BRIDGE, "2024-03-04", "b") + [Article(id="late", text=BRIDGE_LATER, published="2024-03-20")]
    got = groups_of(arts)
    assert {"b0", "b1", "b2", "late"} in got


def test_a_story_does_not_continue_beyond_the_horizon() -> None:
    assert stream.STREAM_WINDOW_DAYS < 4 * 365
    arts = articles(BRIDGE, "2024-03-04", "b") + [Article(id="late", text=BRIDGE_LATER, published="2028-06-20")]
    got = groups_of(arts)
    assert {"late"} in got


def test_shared_words_but_another_event_stay_apart() -> None:
    got = groups_of(articles(BRIDGE, "2024-03-04", "b") + articles(OTHER_BRIDGE, "2024-03-05", "o"))
    assert not any({"b0", "o0"} <= g for g in got)


def test_a_duplicate_joins_its_original_story_even_if_it_arrives_first() -> None:
    clusterer = StreamClusterer()
    wire = BRIDGE[0] + " " + BRIDGE[1] + " " + BRIDGE[2]
    # Story documents with no term in common: only the duplicate index can join them.
    copy_story = clusterer.add(item("copy", "reprint headlin", "Headline\n" + wire, "2024-03-05"))
    wire_story = clusterer.add(item("wire", "saltmarsh bridg", wire, "2024-03-04"))
    assert clusterer.dedup.duplicate_of("copy") == "wire"
    assert copy_story == wire_story


def test_retired_stories_leave_the_index_but_keep_their_members() -> None:
    clusterer = StreamClusterer()
    clusterer.add(item("a", "saltmarsh bridg eskerby", "Saltmarsh bridge in Eskerby.", "2024-01-01"))
    assert clusterer.retire(now=clusterer.stories[0].last + 40 * 86400) == 0
    assert clusterer.retire(now=clusterer.stories[0].last + (stream.STREAM_WINDOW_DAYS + 1) * 86400) == 1
    assert not any(clusterer.index.values())
    assert clusterer.stories[0].members == [0]


def test_beyond_the_story_bound_the_least_recently_active_leave_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "MAX_ACTIVE_STORIES", 2)
    clusterer = StreamClusterer()
    words = ("saltmarsh bridg", "brightwel kettl", "railway paint", "harbour ferri")
    for day, key in ((3, "c"), (1, "a"), (4, "d"), (2, "b")):
        clusterer.add(item(key, words[day - 1], f"Story {key}.", f"2024-01-0{day}"))
    assert len(clusterer.stories) == 4
    assert clusterer.retire(now=clusterer.stories[2].last) == 2
    assert [bool(s.terms) for s in clusterer.stories] == [True, False, True, False]


DIVIDENDS = ["Harlow Veneer Corp", "Ostrand Mills Inc", "Pellacre Foods Inc", "Quarry Lane Bancorp"]


def dividend_items(names: list[str]) -> list[Article]:
    """A wire feed's templated series: the same item for different companies, the company named in the title only."""
    body = "Qtly div 12 cts vs 12 cts prior.\nPay April 30.\nRecord April 16.\nReuter"
    return [
        Article(
            id=f"d{k}",
            text=body.replace("12", str(12 + k)),
            title=f"{name.upper()} SETS REGULAR DIVIDEND",
            published=f"2024-03-04T0{k}:00:00",
        )
        for k, name in enumerate(names)
    ]


def test_a_templated_series_of_different_companies_is_not_one_story(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "DISTINCT_MIN_DOCS", 1)  # in a stream this short: a word seen twice is common
    monkeypatch.setattr(stream, "DISTINCT_SHARE", None)
    joined = groups_of(dividend_items(DIVIDENDS))
    assert len(joined) < len(DIVIDENDS)  # without the rule the template's words join them
    monkeypatch.setattr(stream, "DISTINCT_SHARE", 0.002)
    assert groups_of(dividend_items(DIVIDENDS)) == [{f"d{k}"} for k in range(len(DIVIDENDS))]


def test_an_event_whose_titles_name_the_same_thing_still_joins() -> None:
    titles = ["Saltmarsh Bridge collapses", "Corrosion found in Saltmarsh Bridge piers", "Eskerby mourns drivers"]
    arts = [replace(a, title=t) for a, t in zip(articles(BRIDGE, "2024-03-04", "b"), titles, strict=True)]
    got = groups_of(arts + articles(KETTLE, "2024-03-05", "k"))
    assert {"b0", "b1", "b2"} in got and {"k0", "k1"} in got


def test_a_bare_headline_is_judged_by_the_model_alone() -> None:
    clusterer = StreamClusterer()
    heading = {"saltmarsh": 0.7, "bridg": 0.7}
    assert clusterer.distinct_terms((heading, heading, {})) == set()  # no text beyond its title
    assert clusterer.distinct_terms(({"saltmarsh": 0.5, "river": 0.5}, {}, {"saltmarsh": 1.0})) == set()  # untitled
    assert clusterer.distinct_terms(({"saltmarsh": 0.5, "river": 0.5}, heading, {})) == {"saltmarsh", "bridg"}


def test_a_word_the_background_knows_as_common_is_not_distinctive_at_the_start_of_a_stream() -> None:
    """Cold start: with no documents seen every word is rare, unless the background says otherwise."""
    common = Background(docs=1000.0, share={"qtly": 0.2, "div": 0.2})
    title = {"qtly": 0.6, "div": 0.6, "corvan": 0.5}
    vectors = ({**title, "record": 0.3}, title, {})
    assert StreamClusterer(background=NO_BACKGROUND).distinct_terms(vectors) == {"qtly", "div", "corvan"}
    assert StreamClusterer(background=common).distinct_terms(vectors) == {"corvan"}


def test_a_word_the_background_knows_as_common_weighs_less_than_a_rare_one() -> None:
    clusterer = StreamClusterer(background=Background(docs=1000.0, share={"div": 0.04}))
    vector = clusterer.vectors_of(item("x", "div corvan", "Qtly div. Corvane Appliances.", "2024-03-04"))[0]
    assert vector["div"] < vector["corvan"]
    plain = StreamClusterer(background=NO_BACKGROUND).vectors_of(item("x", "div corvan", "x", "2024-03-04"))[0]
    assert plain["div"] == pytest.approx(plain["corvan"])


def test_the_shipped_background_knows_a_wire_feeds_template_words() -> None:
    background = load_background()
    assert background.docs > 0
    assert background.count("mln") > background.count("corvan") == 0.0
