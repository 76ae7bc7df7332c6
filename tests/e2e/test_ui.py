"""Browser tests of the web UI (`storytrace serve`): list, story, passage links, upload; screenshots as artifacts.

The tests share one server and store; the upload test adds an article, so it runs last (file order).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, Server

DOCS = ROOT / "docs"

pytestmark = pytest.mark.e2e

FOLLOW_UP = """\
Eskerby bridge collapse: divers end search as inspections of older Velm crossings begin

ESKERBY – Rescue divers ended their search of the River Velm on Wednesday, two days after a section of the
Saltmarsh Bridge collapsed into the flooded river in the Kestrian city of Eskerby, killing three people.

Fire Commander Tomas Wendle said no one else was reported missing and that the three bodies recovered about
two kilometres downstream on Monday had all been identified. Two of the injured remain in a critical condition
at Eskerby General Hospital.

Engineers working for Transport Minister Aurel Brannock began the emergency inspections of 38 older bridges
along the Velm and its tributaries, starting with two stone crossings upstream of Eskerby that were built in
the same decade as the 140-year-old Saltmarsh Bridge.

Mayor Ingrid Solvane told a meeting of residents in the old town that the city would publish every inspection
report on the Saltmarsh Bridge since its last renovation in 1998.

The crossing will remain closed until a temporary steel span opens to traffic. Until then, drivers between the
old town and the eastern districts face a detour of about 15 kilometres through the Harrowfield interchange.

The Velm Basin Authority said river levels had started to fall, and most of the 600 residents who spent Monday
night in school gymnasiums and a sports hall had returned home.
"""

STORY_URL = re.compile(r"/stories/[^/?#]+$")
PLACED_URL = re.compile(r"/stories/[^/?#]+\?(.*&)?placed=")


def shoot(page: Any, artifacts: Path, name: str, docs: str | None = None) -> Path:
    """Save a screenshot of the viewport (1280x900) as tests/artifacts/NAME.png.

    Not the full page: a story page is some 24,000 px tall, and a full-page shot of it takes 6 s and 6 MB.
    With ``STORYTRACE_SCREENSHOTS_TO_DOCS=1`` the shot named ``docs`` is also written to docs/ (the README's).
    """
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 0
    if docs and os.environ.get("STORYTRACE_SCREENSHOTS_TO_DOCS") == "1":
        shutil.copyfile(path, DOCS / docs)
    return path


def story_links(page: Any) -> Any:
    return page.locator('a[data-testid="story-link"]')


def bridge_link(page: Any) -> Any:
    """The story list's link to demo story 1 (the Saltmarsh Bridge collapse), the biggest story."""
    page.goto("/")
    links = story_links(page)
    links.first.wait_for()
    bridge = links.filter(has_text=re.compile("bridge", re.IGNORECASE))
    return (bridge if bridge.count() else links).first


def open_bridge_story(page: Any) -> None:
    bridge_link(page).click()
    page.wait_for_url(STORY_URL)


def get_json(server: Server, path: str) -> Any:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


def get_text(server: Server, path: str) -> str:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        assert response.status == 200
        return str(response.read().decode("utf-8"))


def test_story_list(page: Any, artifacts: Path) -> None:
    page.goto("/")
    links = story_links(page)
    links.first.wait_for()
    assert links.count() == 4, "the demo corpus has 4 stories"
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert all(re.search(r"/stories/[^/?#]+$", h) for h in hrefs), hrefs
    assert page.locator('[data-testid="next-page"]').count() == 0, "4 stories fit on one page"
    shoot(page, artifacts, "list", docs="ui-list.png")


def test_story_list_search_and_sort(page: Any) -> None:
    page.goto("/?q=kettle")
    story_links(page).first.wait_for()
    assert story_links(page).count() == 1
    assert "kettle" in story_links(page).first.inner_text().lower() or "kettle" in page.content().lower()
    for sort in ("size", "recent", "outlets"):
        page.goto(f"/?sort={sort}")
        story_links(page).first.wait_for()
        assert story_links(page).count() == 4, sort


def test_story_page_and_linked_passage(page: Any, artifacts: Path) -> None:
    open_bridge_story(page)
    marks = page.locator('mark[data-testid="passage"][data-counterpart]')
    marks.first.wait_for()
    assert marks.count() > 1
    mark = marks.first
    counterpart_id = mark.get_attribute("data-counterpart")
    assert counterpart_id
    counterpart = page.locator(f'[id="{counterpart_id}"]')
    assert counterpart.count() == 1, f"no element with the counterpart id {counterpart_id!r}"
    shoot(page, artifacts, "story")
    mark.click()
    from playwright.sync_api import expect

    expect(counterpart).to_have_class(re.compile(r"(^|\s)linked(\s|$)"))
    shoot(page, artifacts, "story-linked", docs="ui-story.png")


def test_story_page_shows_each_edge_with_its_evidence_and_confidence(page: Any, artifacts: Path) -> None:
    open_bridge_story(page)
    provenance = page.locator('[data-testid="provenance"]')
    provenance.wait_for()
    edges = page.locator('[data-testid="provenance-edge"]')
    assert edges.count() >= 1
    first = edges.first.inner_text()
    assert "confidence" in first and "%" in first, first
    assert "passage" in first, first  # the evidence line: shared passages, longest run, dates
    assert page.locator('[data-testid="provenance-graph"]').count() == 1
    provenance.scroll_into_view_if_needed()
    shoot(page, artifacts, "story-provenance", docs="ui-provenance.png")


def test_article_and_outlet_pages(server: Server) -> None:
    article = get_text(server, "/articles/s1-meridian-wire")
    assert "Saltmarsh Bridge" in article
    outlet = get_text(server, "/outlets/" + urllib.parse.quote("Meridian Wire"))
    assert "Meridian Wire" in outlet


def test_api(server: Server) -> None:
    stories = get_json(server, "/api/stories")
    items = stories if isinstance(stories, list) else stories.get("stories") or stories.get("items")
    assert isinstance(items, list) and len(items) == 4, stories
    first = items[0]
    story_id = first.get("id") if isinstance(first, dict) else first
    story = get_json(server, f"/api/stories/{urllib.parse.quote(str(story_id))}")
    assert isinstance(story, dict)
    assert "<html" in get_text(server, "/docs").lower()


def test_upload_article_is_placed(page: Any, artifacts: Path, tmp_path: Path) -> None:
    bridge_story = urllib.parse.urlsplit(bridge_link(page).get_attribute("href") or "").path
    upload = tmp_path / "eskerby-divers-end-search.txt"
    upload.write_text(FOLLOW_UP, "utf-8")
    page.goto("/ingest")
    page.locator('input[data-testid="upload-file"]').set_input_files(str(upload))
    page.locator('input[name="title"]').fill("Eskerby bridge collapse: divers end search")
    page.locator('input[name="source"]').fill("Velm Valley Radio")
    page.locator('input[name="published"]').fill("2026-03-04")
    # The upload is analysed before the answer comes: the click waits for that navigation as long as the URL wait.
    page.locator('[data-testid="ingest-submit"]').click(timeout=60_000)
    page.wait_for_url(PLACED_URL, timeout=60_000)
    placed = page.locator('[data-testid="placed"]')
    placed.wait_for()
    assert placed.is_visible()
    # Placed into the existing bridge story, not into a story of its own, and listed there.
    assert urllib.parse.urlsplit(page.url).path == bridge_story
    assert page.get_by_text("Eskerby bridge collapse: divers end search").count() >= 1
    shoot(page, artifacts, "placed")
