"""A re-run builds, reads and writes only the story pages whose inputs changed, and the folder is a fresh run's."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from storytrace.pipeline import analyze, build_report, write_outputs
from storytrace.report import manifest
from storytrace.report.site import Report
from storytrace.store import Store

# Fictional stories, each told in its own made-up words, so that each is a story of its own.
WORDS = [
    ("Quillmere", "lanterns", "Ostrava Pell", "harbour", "glowing", "parade"),
    ("Dovesack", "ferrymen", "Idris Calloway", "strike", "wages", "pier"),
    ("Harrowgate", "orchards", "Mirela Stone", "blight", "apples", "fungus"),
    ("Tinmouth", "tramcar", "Benedek Huall", "derailment", "signals", "junction"),
    ("Brackenfold", "choirs", "Solveig Anand", "contest", "anthem", "cathedral"),
    ("Osprayne", "saltworks", "Tobiah Rennick", "flooding", "brine", "shafts"),
]


def _records(k: int, count: int, day: str) -> list[dict[str, str]]:
    town, crowd, person, event, thing, site = WORDS[k]
    texts = [
        f"{town} {crowd} {event}: {person} said {thing} filled the {site} at {town} as {crowd} gathered.",
        f"{person} of {town} told {crowd} the {event} over {thing} at the {site} would continue in {town}.",
        f"At the {town} {site}, {crowd} and {person} watched the {event}; {thing} covered the {town} {site}.",
    ]
    return [{"id": f"a{k}x{j}", "text": texts[j], "published": f"{day}T0{j}:00:00"} for j in range(count)]


def _write(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    first = _write(tmp_path / "first.jsonl", [r for k in range(len(WORDS)) for r in _records(k, 2, "2024-05-02")])
    more = _write(tmp_path / "more.jsonl", _records(3, 3, "2024-05-02")[2:])
    return first, more


def _run(paths: Sequence[Path], db: Path, out: Path) -> Report:
    with Store(db) as store:
        result = analyze(paths, store)
        report = build_report(result, store, generated="now", out_dir=out)
    write_outputs(result, report, out)
    return report


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "stories").glob("*.html"))}


def _neighbours(names: Sequence[str], changed: set[str]) -> set[str]:
    return {names[j] for i, n in enumerate(names) if n in changed for j in (i - 1, i, i + 1) if 0 <= j < len(names)}


def test_a_rerun_builds_only_changed_pages_and_their_neighbours_and_matches_a_fresh_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, more = _inputs(tmp_path)
    out = tmp_path / "out"
    before = _run([first], tmp_path / "s.db", out)
    assert len(before.pages) >= 5 and before.kept == ()
    loaded: list[str] = []
    real = Store.rendered_sections

    def counting(self: Store, keys: Sequence[str]) -> dict[str, bytes]:
        loaded.extend(keys)
        return real(self, keys)

    monkeypatch.setattr(Store, "rendered_sections", counting)
    again = _run([first, more], tmp_path / "s.db", out)
    monkeypatch.undo()
    names = list(again.signatures)
    changed = {p for p in names if before.signatures.get(p) != again.signatures[p]}
    assert again.kept and set(again.pages) <= _neighbours(names, changed)
    beside = {names[j] for i, n in enumerate(names) if n in again.pages for j in (i - 1, i + 1) if 0 <= j < len(names)}
    assert beside & set(again.kept)  # a kept page's title shows on a page built beside it
    assert set(again.pages) | set(again.kept) == set(names)
    assert len(loaded) <= len(again.pages)  # sections of built pages only, never of a kept one
    fresh = tmp_path / "fresh"
    whole = _run([first, more], tmp_path / "fresh.db", fresh)
    assert whole.kept == () and _files(out) == _files(fresh)
    assert (out / "report.html").read_bytes() == (fresh / "report.html").read_bytes()


@pytest.mark.parametrize("damage", ["edit", "delete", "corrupt manifest", "other format"])
def test_a_damaged_page_or_manifest_is_built_again(tmp_path: Path, damage: str) -> None:
    first, _ = _inputs(tmp_path)
    out = tmp_path / "out"
    _run([first], tmp_path / "s.db", out)
    whole = _files(out)
    victim = out / "stories" / sorted(whole)[1]
    if damage == "edit":
        victim.write_bytes(whole[victim.name].replace(b"<", b"[", 1))
    elif damage == "delete":
        victim.unlink()
    elif damage == "corrupt manifest":
        manifest.manifest_path(out).write_bytes(b'{"format": 1, "pages": ')
    else:
        doc = json.loads(manifest.manifest_path(out).read_bytes())
        manifest.manifest_path(out).write_text(json.dumps({**doc, "format": 0}), "utf-8")
    again = _run([first], tmp_path / "s.db", out)
    assert ("stories/" + victim.name) in again.pages
    assert _files(out) == whole
    assert manifest.intact(out) == dict(again.signatures)  # every page vouched for again


def test_pages_of_removed_stories_leave_the_folder_and_the_manifest(tmp_path: Path) -> None:
    first, _ = _inputs(tmp_path)
    out = tmp_path / "out"
    _run([first], tmp_path / "s.db", out)
    fewer = _write(tmp_path / "fewer.jsonl", [r for k in range(2) for r in _records(k, 2, "2024-05-02")])
    again = _run([fewer], tmp_path / "fewer.db", out)
    assert {"stories/" + name for name in _files(out)} == set(again.signatures)
    assert set(json.loads(manifest.manifest_path(out).read_bytes())["pages"]) == set(again.signatures)


def test_without_a_store_or_folder_every_page_is_built(tmp_path: Path) -> None:
    first, _ = _inputs(tmp_path)
    out = tmp_path / "out"
    _run([first], tmp_path / "s.db", out)
    with Store(tmp_path / "s.db") as store:
        result = analyze([first], store)
        report = build_report(result, None, generated="now", out_dir=out)
    assert report.kept == () and len(report.pages) == len(result.stories) and report.signatures == {}


def test_a_story_that_could_not_be_shown_and_its_neighbours_are_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storytrace.report import render as report_render

    first, _ = _inputs(tmp_path)
    real = report_render.render_story

    def failing(story, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "a2x0" in story.articles:
            raise ValueError("a fictional fault")
        return real(story, *args, **kwargs)

    monkeypatch.setattr(report_render, "render_story", failing)
    out = tmp_path / "out"
    report = _run([first], tmp_path / "s.db", out)
    names = list(report.pages)
    title = "(this story could not be shown) \u2014 storytrace".encode()  # in its <title>, not only in its links
    broken = next(i for i, path in enumerate(names) if title in report.pages[path])
    near = {names[j] for j in (broken - 1, broken, broken + 1) if 0 <= j < len(names)}
    assert set(manifest.intact(out)) == set(names) - near
    monkeypatch.undo()
    again = _run([first], tmp_path / "s.db", out)
    assert set(again.pages) == near and all(b"could not be shown" not in again.pages[p] for p in near)
