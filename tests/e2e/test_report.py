"""Browser tests of the static report (``analyze --out``): its index searches and filters, a story page opens.

The report is built once, by ``storytrace analyze``, from fictional articles made from templates here
(``report_articles``): ``STORIES`` stories of two to five articles each, an agency's wire copy and the
outlets' versions of it, some of them with a figure of their own. The pages are opened from the folder
(``file://``), as a reader opens them; nothing is served. ``bench/speed/report_open.py`` measures a
1,000-article report of real articles the same way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from .conftest import VIEWPORT
from .test_ui import shoot

pytestmark = pytest.mark.e2e

STORIES = 24
SYLLABLES = ["bran", "esk", "vel", "dun", "tam", "ossel", "mor", "cal", "ryn", "harr", "quell", "sid", "orv", "leth"]
ENDINGS = ["by", "mouth", "wick", "stead", "ford", "holm", "dale", "mere"]
OUTLETS = ["Ossel Herald", "Velm Courier", "Tamsk Gazette", "Harbour Times"]
AGENCY = "Northern Press Agency"


def _word(k: int, i: int) -> str:
    """A made-up name, the ``i``-th of story ``k``: no two stories share one."""
    first, second = SYLLABLES[k % len(SYLLABLES)], SYLLABLES[(k // len(SYLLABLES) + 3 * i + 1) % len(SYLLABLES)]
    return (first + second + ENDINGS[i]).title()


def report_articles() -> Iterator[dict[str, Any]]:
    """The fictional input: per story an agency's copy, then one to four outlets' rewrites of it."""
    for k in range(STORIES):
        town, firm, person, river, product = (_word(k, i) for i in range(5))
        n, day = 10 + 7 * k, date(2024, 1, 1) + timedelta(days=9 * k)
        lead = f"The {town} council fined {firm} {n} thousand crowns for polluting the {river} on Tuesday."
        said = f"Inspector {person} said {firm} had dumped {product} waste into the {river} near {town}."
        wire = (
            f"{town.upper()} ({AGENCY}) – {lead}\n{said}\n"
            f"{firm} told the {town} council it would appeal, and that its {product} plant met every rule.\n"
            f"Anglers on the {river} first reported dead fish below the {firm} works in {town}."
        )
        base = f"st-{k:02d}"
        yield {"id": f"{base}-wire", "title": f"{town} fines {firm} over {river}", "text": wire, "source": AGENCY,
               "kind": "agency", "published": f"{day}T08:00:00Z"}  # fmt: skip
        for j in range(1 + k % 4):
            outlet = OUTLETS[(k + j) % len(OUTLETS)]
            figure = n + 5 if j == 1 else n  # the second rewrite gives another figure
            own = f"{outlet} spoke to anglers on the {river} who blamed {firm} for the {product} spill at {town}."
            text = f"{lead.replace(str(n), str(figure))}\n{said}\n{own}"
            yield {"id": f"{base}-{j}", "title": f"{firm} fined in {town}", "text": text, "source": outlet,
                   "published": f"{day}T{10 + j}:00:00Z"}  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report folder of ``report_articles``, written by ``storytrace analyze``."""
    folder = tmp_path_factory.mktemp("report")
    records = folder / "input.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in report_articles()), "utf-8")
    out = folder / "out"
    command = [sys.executable, "-m", "storytrace", "analyze", str(records), "--out", str(out)]
    subprocess.run([*command, "--db", str(folder / "db")], check=True, capture_output=True, timeout=600)
    return out


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """A page in a fresh browser context with no server: the report is opened from its folder."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def shown(tab: Any) -> int:
    return int(tab.locator("#rows tr:not([hidden])").count())


def test_index_search_and_filters_narrow_the_list(tab: Any, report: Path, artifacts: Path) -> None:
    tab.goto((report / "report.html").as_uri())
    total = shown(tab)
    stories = json.loads((report / "stories.json").read_text("utf-8"))["stories"]
    assert total == tab.locator("#rows tr").count() == len(stories) >= STORIES // 2  # every story listed
    tab.fill("#q", _word(3, 0))
    assert 0 < shown(tab) < total and "of" in tab.inner_text("#shown")
    shoot(tab, artifacts, "report-index-search", docs="report-index.png")
    found = tab.locator("#rows tr:not([hidden])")
    assert all(_word(3, 0) in f"{row.inner_text()} {row.get_attribute('data-search')}" for row in found.all())
    tab.fill("#q", "")
    assert shown(tab) == total
    tab.select_option("#size", "5")
    assert 0 < shown(tab) < total
    assert all(int(n) >= 5 for n in tab.locator("#rows tr:not([hidden]) td:nth-child(3)").all_inner_texts())
    tab.select_option("#size", "1")
    tab.select_option("#outlet", "Harbour Times")
    with_outlet = [json.loads(row.get_attribute("data-outlets")) for row in tab.locator("#rows tr:not([hidden])").all()]
    assert 0 < len(with_outlet) < total and all("Harbour Times" in outlets for outlets in with_outlet)
    tab.select_option("#outlet", "")
    first_day = str(date(2024, 1, 1))
    tab.fill("#from", first_day)
    tab.fill("#to", first_day)
    dated = tab.locator("#rows tr:not([hidden])").all()
    assert 0 < len(dated) < total and all(row.get_attribute("data-first") == first_day for row in dated)
    tab.fill("#q", "no story has these words")
    assert shown(tab) == 0 and tab.locator("#none").is_visible()


def test_index_sorts_by_size(tab: Any, report: Path) -> None:
    tab.goto((report / "report.html").as_uri())
    tab.select_option("#sort", "articles")
    sizes = [int(n) for n in tab.locator("#rows tr td:nth-child(3)").all_inner_texts()]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]


def test_a_story_page_opens_with_its_brief_and_passages(tab: Any, report: Path, artifacts: Path) -> None:
    tab.goto((report / "report.html").as_uri())
    tab.select_option("#sort", "articles")
    tab.locator("#rows tr td:nth-child(2) a").first.click()
    tab.wait_for_load_state("load")
    assert "/stories/" in tab.url
    assert tab.locator('[data-testid="brief"]').is_visible()
    assert tab.locator('[data-testid="brief-line"]').count() >= 1
    shoot(tab, artifacts, "report-story")
    marks = tab.locator("details.pair[open] mark[data-peer]")
    assert marks.count() >= 2  # passages, side by side
    peer = marks.first.get_attribute("data-peer")
    marks.first.click()
    assert tab.locator(f"#{peer}").is_visible()
    tab.locator('nav.storynav a[rel="next"], nav.storynav a[rel="prev"]').first.click()
    tab.wait_for_load_state("load")
    assert "/stories/" in tab.url and tab.locator("section.story h2").is_visible()
    tab.locator("nav.storynav a.home").click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith("/report.html") and shown(tab) > 0


def test_a_link_into_the_one_page_report_of_earlier_versions_opens_that_storys_page(tab: Any, report: Path) -> None:
    second = json.loads((report / "stories.json").read_text("utf-8"))["stories"][1]["id"]
    tab.goto((report / "report.html").as_uri() + "#story-2")  # the second story's section, before issue 31
    tab.wait_for_url(f"**/stories/{second}.html")
    assert tab.locator("section.story .sid").inner_text() == second


def test_the_demo_bridge_story_page_opens_with_its_brief(
    tab: Any, artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The demo corpus's bridge story (the README's picture): carried statements, contradictions, one outlet's own."""
    out = tmp_path_factory.mktemp("demo-report") / "out"
    examples = Path(__file__).resolve().parents[2] / "examples"
    command = [sys.executable, "-m", "storytrace", "analyze", str(examples), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    stories = json.loads((out / "stories.json").read_text("utf-8"))["stories"]
    bridge = next(s for s in stories if "s1-meridian-wire" in s["articles"])
    tab.goto((out / "report.html").as_uri())
    tab.locator(f'#rows tr[data-id="{bridge["id"]}"] td:nth-child(2) a').click()
    tab.wait_for_load_state("load")
    brief = tab.locator('[data-testid="brief"]')
    assert brief.is_visible() and "What most outlets carry" in brief.inner_text()
    assert "Where they differ" in brief.inner_text() and "What only one outlet adds" in brief.inner_text()
    shoot(tab, artifacts, "report-demo-story", docs="report-story.png")
