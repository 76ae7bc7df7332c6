"""End-to-end fixtures: a store built from the demo corpus, `storytrace serve` on it, and headless Chromium.

The browser is Debian's Chromium at /usr/bin/chromium driven by Playwright (``make browser`` installs both);
Playwright's own browser download is never used. Screenshots and the server log go to ``tests/artifacts/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

from support.server import build_demo_store, free_port, start_server, stop, wait_until_up  # noqa: E402

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path(os.environ.get("STORYTRACE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
SERVER_START_TIMEOUT = 60.0


@dataclass
class Server:
    """A running `storytrace serve`: its base URL, store and log file."""

    url: str
    db: Path
    log: Path


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: browser tests against `storytrace serve` (tests/e2e)")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Server]:
    """`storytrace serve` on a fresh store of the demo corpus, on a free loopback port.

    With ``STORYTRACE_E2E_URL`` set, the tests use that already running server instead (for debugging).
    """
    from importlib.util import find_spec

    if given := os.environ.get("STORYTRACE_E2E_URL"):
        yield Server(given.rstrip("/"), Path(), artifacts / "server.log")
        return

    if find_spec("storytrace.web") is None:
        pytest.fail("storytrace.web is missing: the e2e tests need the web UI (storytrace serve)")
    db = tmp_path_factory.mktemp("e2e") / "demo.db"
    build_demo_store(db)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = artifacts / "server.log"
    proc = start_server(db, port, log)
    try:
        wait_until_up(url + "/", proc, log, SERVER_START_TIMEOUT)
        yield Server(url, db, log)
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium under Playwright; skips if either is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (make browser installs it)")
    if not (CHROMIUM.exists() or shutil.which(str(CHROMIUM))):
        pytest.skip(f"{CHROMIUM} is missing (make browser installs Debian's chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    """A page in a fresh browser context (its own profile), 1280x900, with a 15 s default timeout."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()
