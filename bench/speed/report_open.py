"""How big the report's files are and how fast headless Chromium opens them, from the folder (``file://``).

Run: ``.venv/bin/python bench/speed/report_open.py [--dir OUT] [--pages 40] [--runs 3]``

Without ``--dir`` it builds the 1,000-article report: the first 1,000 non-empty
Reuters-21578 bodies (NEWID order) and Giveme5W1H's development articles, one
JSON-lines input read from ``../shared/data`` (never copied), analysed by
``storytrace analyze INPUT --out OUT --db DB`` in a temporary folder (the run's
wall time is printed too). With ``--dir`` it measures a report already written
there, of this version (``report.html`` and ``stories/*.html``) or of an older
one (``report.html`` alone).

Printed: the index's size, the number of story pages, the largest page (its
size and name) and the pages' total; then, in Debian's Chromium under Playwright
(``/usr/bin/chromium``, or ``STORYTRACE_CHROMIUM``), the open time of the index
and of ``--pages`` story pages (the largest half of them and an even spread of
the rest), each opened ``--runs`` times in a fresh page: the time from the start
of navigation to the end of the ``load`` event, as the page's own Navigation
Timing gives it. Medians, and the slowest page's median. Exits 0 with a
"skipped" line when the data, Playwright or Chromium is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, GIVEME_FILE, load_giveme, missing
from analyze_speed import write_reuters

REUTERS = 1000
CHROMIUM = Path(os.environ.get("STORYTRACE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
LOAD_MS = "(() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; })()"


def write_input(out: Path, data: Path) -> int:
    """The first ``REUTERS`` Reuters bodies, then Giveme5W1H's development articles, as one JSON-lines input."""
    written = write_reuters(out, 0, REUTERS, data)
    with out.open("a", encoding="utf-8") as fh:
        for labelled in load_giveme(data):
            art = labelled.article
            row = {"id": art.id, "title": art.title, "url": art.url, "text": art.text, "source": art.source}
            fh.write(json.dumps({k: v for k, v in {**row, "published": art.published}.items() if v is not None}) + "\n")
            written += 1
    return written


def build(folder: Path, data: Path) -> Path:
    """Analyse the 1,000-article input into ``folder / "out"``; the report's folder."""
    records = folder / "input.jsonl"
    n = write_input(records, data)
    out = folder / "out"
    command = [sys.executable, "-m", "storytrace", "analyze", str(records), "--out", str(out)]
    start = time.perf_counter()
    subprocess.run([*command, "--db", str(folder / "s.db")], check=True, stdout=subprocess.DEVNULL)
    print(f"analyze: {n:,} articles in {time.perf_counter() - start:.1f} s")
    return out


def chosen(pages: list[Path], k: int) -> list[Path]:
    """The ``k // 2`` largest pages and an even spread of the others, ``k`` in all (or every page)."""
    by_size = sorted(pages, key=lambda p: -p.stat().st_size)
    if len(by_size) <= k:
        return by_size
    largest, rest = by_size[: k // 2], by_size[k // 2 :]
    step = len(rest) / (k - len(largest))
    return largest + [rest[int(i * step)] for i in range(k - len(largest))]


def open_ms(browser: Any, path: Path, runs: int) -> float:
    """The median time to the end of ``load`` of ``path`` over ``runs`` fresh pages, ms."""
    times = []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=120_000)
        times.append(float(page.evaluate(LOAD_MS)))
        page.close()
    return statistics.median(times)


def sizes(out: Path) -> list[Path]:
    """Print the files' sizes; the story pages."""
    index = out / "report.html"
    pages = sorted((out / "stories").glob("*.html")) if (out / "stories").is_dir() else []
    print(f"index: {index.stat().st_size:,} bytes ({index})")
    if pages:
        largest = max(pages, key=lambda p: p.stat().st_size)
        total = sum(p.stat().st_size for p in pages)
        size = largest.stat().st_size
        print(f"story pages: {len(pages):,}, largest {size:,} bytes ({largest.name}), total {total:,}")
    return pages


def measure(out: Path, k: int, runs: int) -> None:
    """Print sizes and open times of the report in ``out``."""
    pages = sizes(out)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            print(f"open index: median {open_ms(browser, out / 'report.html', runs):.0f} ms over {runs} runs")
            timed = {p.name: open_ms(browser, p, runs) for p in chosen(pages, k)}
        finally:
            browser.close()
    if timed:
        slowest = max(timed, key=lambda name: timed[name])
        print(
            f"open story page: median {statistics.median(timed.values()):.0f} ms over {len(timed)} pages "
            f"({runs} runs each); slowest {slowest} {timed[slowest]:.0f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dir", type=Path, help="a report folder to measure (default: build the 1,000-article one)")
    parser.add_argument("--pages", type=int, default=40, help="story pages to open (default: 40)")
    parser.add_argument("--runs", type=int, default=3, help="times each page is opened (default: 3)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    args = parser.parse_args()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        print("skipped: playwright is not installed (make browser installs it)")
        return 0
    if not (CHROMIUM.exists() or shutil.which(str(CHROMIUM))):
        print(f"skipped: {CHROMIUM} is missing")
        return 0
    if args.dir is not None:
        measure(args.dir, args.pages, args.runs)
        return 0
    absent = missing(args.data, GIVEME_FILE) or missing(args.data / "reuters21578")
    if absent is not None:
        print(f"skipped: {absent} not found")
        return 0
    with tempfile.TemporaryDirectory(prefix="report-open-") as tmp:
        measure(build(Path(tmp), args.data), args.pages, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
