"""Incremental story assignment in the store: new articles join stories, old ones never move."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.align import compare
from storytrace.model import Article
from storytrace.pipeline import AnalysisOptions, analyze, assign_stories, build_report, latest_document, workers
from storytrace.pipeline import story as story_stages
from storytrace.report import render as report_render
from storytrace.report import render_report
from storytrace.store import Store
from support.records import write_rows

BRIDGE = [
    "The Saltmarsh Bridge over the River Velm collapsed in Eskerby on Monday, killing three drivers; divers searched "
    "the river through the night.",
    "Engineers inspecting the collapsed Saltmarsh Bridge in Eskerby found corroded steel in the river piers, the "
    "Velm county council said.",
    "Eskerby mourned the three drivers killed when the Saltmarsh Bridge fell into the River Velm during the floods.",
]
BRIDGE_LATER = (
    "Eskerby reopened a temporary crossing beside the collapsed Saltmarsh Bridge over the River Velm, where three "
    "drivers died."
)
KETTLE = [
    "Corvane Appliances recalled 62,000 Brightwell kettles over a faulty thermal cut-off switch that can let the "
    "kettle boil dry.",
    "Owners of Brightwell kettles can claim a replacement from Corvane Appliances after the thermal cut-off switch "
    "recall.",
]
KETTLE_MORE = (
    "Corvane Appliances said 62,000 Brightwell kettles were recalled because the thermal cut-off switch can fail "
    "and let the kettle boil dry; owners can claim a replacement."
)


def write(folder: Path, name: str, records: list[dict[str, str]]) -> Path:
    return write_rows(folder / name, records)


def records(texts: list[str], prefix: str, day: str) -> list[dict[str, str]]:
    return [{"id": f"{prefix}{k}", "text": t, "published": f"{day}T0{k}:00:00"} for k, t in enumerate(texts)]


def test_new_articles_join_existing_stories_and_old_ones_keep_theirs(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add(
            Article(id=r["id"], text=r["text"], published=r["published"]) for r in records(BRIDGE, "b", "2024-03-04")
        )
        store.add(
            Article(id=r["id"], text=r["text"], published=r["published"]) for r in records(KETTLE, "k", "2024-03-04")
        )
        first = assign_stories(store)
        assert first["b0"] == first["b1"] == first["b2"] != first["k0"] == first["k1"]
        store.add([Article(id="late", text=BRIDGE_LATER, published="2024-03-09")])
        second = assign_stories(store)
        assert {k: second[k] for k in first} == first  # nothing moved
        assert second["late"] == first["b0"]  # joined the bridge story
        assert assign_stories(store) == second  # re-running changes nothing
        assert store.story_assignments() == second


def test_an_earlier_published_newcomer_gets_a_story_number_no_one_holds(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add([Article(id="k0", text=KETTLE[0], published="2024-03-10")])
        store.add([Article(id="b0", text=BRIDGE[0], published="2024-03-12")])
        first = assign_stories(store)
        store.add([Article(id="b1", text=BRIDGE[1], published="2024-03-01")])  # published before both
        second = assign_stories(store)
        assert second["b1"] != second["k0"]
        assert second["b1"] == second["b0"] or second["b1"] not in first.values()
        assert {k: second[k] for k in first} == first


def test_analyze_on_a_grown_store_reuses_unchanged_stories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real = story_stages.compare_story

    def counting(members, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(sorted(m.article.id for m in members))
        return real(members, *args, **kwargs)

    monkeypatch.setattr(story_stages, "compare_story", counting)
    first = write(tmp_path, "first.jsonl", records(BRIDGE, "b", "2024-03-04") + records(KETTLE, "k", "2024-03-04"))
    with Store(tmp_path / "s.db") as store:
        one = analyze([first], store)
        assert sorted(calls) == [["b0", "b1", "b2"], ["k0", "k1"]]
        calls.clear()
        again = analyze([first], store)
        assert calls == []  # nothing new: every story comes from the store
        assert again.document == one.document
        more = write(tmp_path, "more.jsonl", [{"id": "late", "text": BRIDGE_LATER, "published": "2024-03-09"}])
        analyze([first, more], store)
        assert calls == [["b0", "b1", "b2", "late"]]  # only the story that grew is aligned again


def test_a_rerun_report_is_the_report_of_a_fresh_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stories rendered on the first run come from the store, under their new ids and numbers, byte for byte."""
    rendered: list[list[str]] = []
    real = report_render.render_story

    def counting(story, *args, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(sorted(story.articles))
        return real(story, *args, **kwargs)

    monkeypatch.setattr(report_render, "render_story", counting)
    monkeypatch.setattr(report_render, "KEEP_BATCH", 1)  # each rendering handed to the store at once
    kettle = records([*KETTLE, KETTLE_MORE], "k", "2024-03-04")
    first = write(tmp_path, "first.jsonl", kettle + records(BRIDGE[:2], "b", "2024-03-04"))
    grown = [{"id": "b2", "text": BRIDGE[2], "published": "2024-03-06"}]
    more = write(tmp_path, "more.jsonl", [*grown, {"id": "late", "text": BRIDGE_LATER, "published": "2024-03-09"}])
    with Store(tmp_path / "grown.db") as store:
        one = analyze([first], store)
        build_report(one, store, generated="now")
        assert [sorted(s["articles"]) for s in one.document["stories"]] == [["k0", "k1", "k2"], ["b0", "b1"]]
        rendered.clear()
        again = analyze([first, more], store)
        page = build_report(again, store, generated="now")
    bridge = ["b0", "b1", "b2", "late"]
    assert [sorted(s["articles"]) for s in again.document["stories"]] == [bridge, ["k0", "k1", "k2"]]
    assert rendered == [bridge]  # the kettle story, now s2, is not rendered again
    with Store(tmp_path / "fresh.db") as fresh:
        whole = analyze([first, more], fresh)
    assert whole.document == again.document
    assert page == render_report(whole.document, whole.texts, generated="now")  # rendered whole, no store
    assert list(page.pages) == ["stories/s2.html", "stories/s1.html"]  # the grown story first, ids kept
    kettle_pairs = len({frozenset((al["a"], al["b"])) for al in again.document["stories"][1]["alignments"]})
    bridge_pairs = len({frozenset((al["a"], al["b"])) for al in again.document["stories"][0]["alignments"]})
    assert kettle_pairs > 0 and bridge_pairs > 0
    # The kettle story was first on the first run and is second now: its page and anchors keep its id's name.
    kettle = page.text("stories/s1.html")
    assert 'id="story-s1"' in kettle and 'id="pair-s1-1"' in kettle and f'id="pair-s1-{kettle_pairs}"' in kettle
    assert 'id="pair-s2-' not in kettle and 'rel="prev" href="s2.html"' in kettle


def test_a_grown_story_asks_the_derivation_model_only_about_new_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model's answers on pairs of unchanged texts come from the store; the story is the one aligned whole."""
    asked: list[tuple[str, str]] = []
    real = compare.model_derivation

    def counting(copy_text: str, source_text: str) -> str:
        asked.append((copy_text, source_text))
        return real(copy_text, source_text)

    monkeypatch.setattr(compare, "model_derivation", counting)
    kettle = records([*KETTLE, KETTLE_MORE], "k", "2024-03-04")
    first = write(tmp_path, "first.jsonl", kettle + records(BRIDGE[:2], "b", "2024-03-04"))
    more = write(tmp_path, "more.jsonl", [{"id": "late", "text": BRIDGE_LATER, "published": "2024-03-09"}])
    with Store(tmp_path / "grown.db") as store:
        analyze([first], store)
        first_asked = set(asked)
        asked.clear()
        again = analyze([first, more], store)
    assert any(BRIDGE[0] in a and BRIDGE[1] in b or BRIDGE[1] in a and BRIDGE[0] in b for a, b in first_asked)
    assert asked, "the new article's pairs are asked about"
    assert all(BRIDGE_LATER in copy or BRIDGE_LATER in source for copy, source in asked)
    asked.clear()
    with Store(tmp_path / "fresh.db") as fresh:
        whole = analyze([first, more], fresh)
    assert whole.document == again.document  # the same story as aligned whole, every answer asked


def test_stories_rendered_by_the_workers_make_the_page_rendered_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``render``, the forked workers render each story; the page is the one rendered whole, byte for byte."""
    monkeypatch.setattr(workers, "PARALLEL_MIN_PAIRS", 0)  # fork even for these few pairs
    monkeypatch.setenv("STORYTRACE_WORKERS", "2")
    path = write(
        tmp_path, "all.jsonl", records([*KETTLE, KETTLE_MORE], "k", "2024-03-04") + records(BRIDGE, "b", "2024-03-05")
    )
    with Store(tmp_path / "workers.db") as store:
        result = analyze([path], store, AnalysisOptions(render=True))
        kept = store.rendered_stories(result.story_keys)
        assert set(kept) == set(result.story_keys)  # every story's rendering is in the store before the page is made
        real = report_render.render_story
        rendered: list[object] = []

        def counting(story, *args, **kwargs):  # type: ignore[no-untyped-def]
            rendered.append(story.id)
            return real(story, *args, **kwargs)

        monkeypatch.setattr(report_render, "render_story", counting)
        page = build_report(result, store, generated="now")
        assert rendered == []  # nothing rendered again: the page is put together from the workers' renderings
    assert page == render_report(result.document, result.texts, generated="now")
    assert len(page.pages) == len(result.document["stories"]) == 2


def test_the_store_keeps_only_the_latest_analysis(tmp_path: Path) -> None:
    first = write(tmp_path, "first.jsonl", records(BRIDGE, "b", "2024-03-04"))
    more = write(tmp_path, "more.jsonl", records(KETTLE, "k", "2024-03-05"))
    with Store(tmp_path / "s.db") as store:
        analyze([first], store)
        latest = analyze([first, more], store)
        rows = store.db.execute("SELECT result FROM analyses").fetchall()
        kept = latest_document(store)
    assert len(rows) == 1  # each run's outline replaces the one before: the store does not grow by a copy per run
    assert kept == latest.document
    outline = json.loads(rows[0][0])  # the order and the stories' keys, not their texts: those are kept once
    assert outline["articles"] == [a["id"] for a in latest.document["articles"]]
    assert [s for s, _, _ in outline["stories"]] == latest.story_keys
    assert [i for _, _, i in outline["stories"]] == [s["id"] for s in latest.document["stories"]]
    assert len(rows[0][0]) < len(latest.document_json) / 2


def test_the_latest_document_is_none_when_a_story_it_names_is_gone(tmp_path: Path) -> None:
    first = write(tmp_path, "first.jsonl", records(BRIDGE, "b", "2024-03-04"))
    with Store(tmp_path / "s.db") as store:
        analyze([first], store)
        assert latest_document(store) is not None
        store.db.execute("DELETE FROM story_results")
        assert latest_document(store) is None  # the UI then analyses again


FERRY = [
    "The Oskay ferry will run two extra sailings each weekend from June, the operator Greywater Lines said on Friday.",
    "Greywater Lines adds two weekend sailings on the Oskay ferry route from June after demand rose by a fifth.",
]


def _ids_to_members(document: dict[str, object]) -> dict[str, set[str]]:
    return {str(s["id"]): set(s["articles"]) for s in document["stories"]}  # type: ignore[attr-defined,index]


def test_a_story_id_once_shown_names_the_same_story_after_more_articles(tmp_path: Path) -> None:
    first = write(tmp_path, "first.jsonl", records(BRIDGE[:2], "b", "2024-03-05") + records(KETTLE, "k", "2024-03-06"))
    # more: the kettle story grows past the bridge one; a new story starts before both; the bridge story grows
    more = write(
        tmp_path,
        "more.jsonl",
        records(FERRY, "f", "2024-03-01")
        + records([KETTLE_MORE, KETTLE[0] + " Refunds are also offered."], "km", "2024-03-07")
        + records([BRIDGE[2]], "bl", "2024-03-08"),
    )
    with Store(tmp_path / "s.db") as store:
        before = _ids_to_members(analyze([first], store).document)
        after_doc = analyze([first, more], store).document
        again = analyze([first, more], store).document
    after = _ids_to_members(after_doc)
    assert len(before) == 2 and len(after) == 3
    for story_id, members in before.items():
        assert members <= after[story_id], (story_id, members, after)  # the same story, grown
    (new_id,) = set(after) - set(before)
    assert after[new_id] == {"f0", "f1"}
    assert [s["id"] for s in after_doc["stories"]][0] == next(i for i, m in after.items() if "k0" in m)  # by size
    assert again == after_doc  # the same ids and the same document when nothing changed
    member_story = {a["id"]: a["story"] for a in after_doc["articles"]}
    assert all(member_story[aid] == sid for sid, members in after.items() for aid in members)


def test_an_older_store_names_its_stories_by_place_until_analysed_again(tmp_path: Path) -> None:
    path = write(tmp_path, "in.jsonl", records(BRIDGE, "b", "2024-03-05") + records(KETTLE, "k", "2024-03-06"))
    with Store(tmp_path / "s.db") as store:
        analysed = analyze([path], store)
        outline = json.loads(store.latest_analysis() or "{}")
        old = {"outline": 1, "articles": outline["articles"], "stories": [s[:2] for s in outline["stories"]]}
        store.save_analysis(json.dumps(old))  # as version 1 kept it: no ids
        kept = latest_document(store)
    assert kept is not None and [s["id"] for s in kept["stories"]] == ["s1", "s2"]
    assert [s["articles"] for s in kept["stories"]] == [s["articles"] for s in analysed.document["stories"]]


def test_the_same_text_with_new_metadata_updates_it_and_the_analysis(tmp_path: Path) -> None:
    text = "\n".join(BRIDGE)
    (tmp_path / "s.txt").write_text(text, "utf-8")
    store_path = tmp_path / "s.db"
    with Store(store_path) as store:
        first = analyze([tmp_path / "s.txt"], store, published="2024-06-17")
        without_date = analyze([tmp_path / "s.txt"], store)
        redated = analyze([tmp_path / "s.txt"], store, published="2024-06-18")
        stored = store.get("s")
    assert first.updated == {} and without_date.updated == {}  # a record without a date keeps the stored one
    assert without_date.document == first.document and without_date.problems == []
    assert redated.updated == {"s": ("published: 2024-06-17 → 2024-06-18",)} and redated.problems == []
    assert stored is not None and stored.published == "2024-06-18" and stored.text == text
    assert redated.document["articles"][0]["published"] == "2024-06-18"  # analysed again with its new date


def test_new_metadata_in_records_is_stored_and_said_but_a_new_text_is_a_conflict(tmp_path: Path) -> None:
    base = {"id": "a1", "text": BRIDGE[0], "title": "Bridge falls", "source": "Velm Post", "published": "2024-03-04"}
    changed = {**base, "title": "Saltmarsh Bridge falls", "authors": ["R. Ambler"], "url": "https://velm.example/1"}
    with Store(tmp_path / "s.db") as store:
        store.add([Article(**{**base, "authors": ()})])  # type: ignore[arg-type]
        report = store.add([Article(**{**changed, "authors": ("R. Ambler",)})])  # type: ignore[arg-type]
        conflict = store.add([Article(**{**base, "text": BRIDGE[1], "authors": ()})])  # type: ignore[arg-type]
        stored = store.get("a1")
    assert report.updated == {
        "a1": (
            "title: Bridge falls → Saltmarsh Bridge falls",
            "url: none → https://velm.example/1",
            "authors: none → R. Ambler",
        )
    }
    assert stored is not None and stored.title == "Saltmarsh Bridge falls" and stored.authors == ("R. Ambler",)
    assert stored.text == BRIDGE[0] and conflict.conflicts == ["a1"]
    assert "already stored with a different text" in str(conflict.problems[0])
