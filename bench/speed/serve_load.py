"""Load on the web UI: concurrent GET requests to `storytrace serve` on loopback.

    .venv/bin/python bench/speed/serve_load.py [--db FILE | --url URL] [--requests 200] [--concurrency 50]
                                         [--pages stories|all] [--timeout 120]

The figure of docs/reliability.md: ``--requests 500 --concurrency 50 --pages all``.

Starts ``storytrace serve`` (lexical only) on a free 127.0.0.1 port, on ``--db`` or on a fresh store built
from ``examples/``, then sends ``--requests`` GET requests, round robin over the pages (``--pages stories``, the
default: the story pages; ``--pages all``: the story list, a search, a sort, every story, article and outlet
page and the JSON API's list, stories and articles), from ``--concurrency`` concurrent clients (asyncio +
httpx.AsyncClient), and prints the errors, the median and p99 latency and the requests per second. An error
is a failed request, an answer other than 200 with a body, or one without the Content-Security-Policy and
``nosniff`` headers. Every request has a 30 s limit and the whole load ``--timeout``; the server is stopped at
the end. ``--url http://127.0.0.1:PORT`` loads a server that is already running instead (loopback only).
Exits 1 on any error; prints "skipped" and exits 0 without the web package or httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _server import build_demo_store, free_port, start_server, stop, wait_until_up

REQUEST_TIMEOUT = 30.0


def get_json(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.loads(response.read())


def story_paths(base: str) -> list[str]:
    """Every story page: from /api/stories, or else from the links of the story list."""
    try:
        data = get_json(base, "/api/stories")
        items = data if isinstance(data, list) else data.get("stories") or data.get("items") or []
        ids = [str(item["id"] if isinstance(item, dict) else item) for item in items]
        if ids:
            return [f"/stories/{quote(i, safe='')}" for i in ids]
    except (urllib.error.URLError, ValueError, KeyError, TypeError, AttributeError):
        pass
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        page = response.read().decode("utf-8", "replace")
    return sorted(set(re.findall(r'href="(/stories/[^"?#]+)"', page)))


def all_paths(base: str) -> list[str]:
    """Every kind of page and API answer: list, search, sort, stories, articles, outlets, and their JSON."""
    stories = [str(s["id"]) for s in get_json(base, "/api/stories")["items"]]
    articles = [str(a) for s in stories for a in get_json(base, f"/api/stories/{quote(s, safe='')}")["articles"]]
    metas = [get_json(base, f"/api/articles/{quote(a, safe='')}") for a in articles]
    outlets = sorted({str(m.get("source") or m["id"]) for m in metas})
    pages = ["/", "/?q=bridge", "/?sort=recent", "/api/stories", "/api/stories?q=kettle"]
    for kind, ids in (("stories", stories), ("articles", articles), ("outlets", outlets)):
        pages += [f"/{kind}/{quote(i, safe='')}" for i in ids]
    for kind, ids in (("stories", stories), ("articles", articles)):
        pages += [f"/api/{kind}/{quote(i, safe='')}" for i in ids]
    return pages


async def load(base: str, paths: list[str], requests: int, concurrency: int) -> tuple[list[float], Counter[str], float]:
    """``requests`` GETs over ``paths`` from ``concurrency`` workers; (latencies of the good ones, errors, wall)."""
    import httpx

    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(paths[i % len(paths)])
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as client:

        async def worker() -> None:
            while True:
                try:
                    path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                    continue
                elapsed = time.perf_counter() - start
                if response.status_code != 200 or not response.content:
                    errors[f"HTTP {response.status_code}"] += 1
                elif (
                    "content-security-policy" not in response.headers
                    or "x-content-type-options" not in response.headers
                ):
                    errors["no security headers"] += 1
                else:
                    latencies.append(elapsed)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, errors, time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="store to serve (default: a fresh one built from examples/)")
    parser.add_argument("--url", help="load this running server instead (a 127.0.0.1 / localhost address)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--pages", choices=("stories", "all"), default="stories", help="story pages, or every kind")
    parser.add_argument("--timeout", type=float, default=120.0, help="limit for the whole load, seconds")
    args = parser.parse_args()
    if find_spec("storytrace.web") is None:
        print("serve_load: skipped (storytrace.web is missing)")
        return 0
    if find_spec("httpx") is None:
        print("serve_load: skipped (httpx is missing: pip install -e '.[dev]')")
        return 0
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")

    if args.url:
        if not re.match(r"https?://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?/?$", args.url):
            parser.error("--url must be a loopback address")
        return report(*run_load(args.url.rstrip("/"), args))
    with tempfile.TemporaryDirectory(prefix="serve_load-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.db"
            print(f"store: examples/ analysed in {build_demo_store(db):.1f} s")
        elif not db.exists():
            sys.exit(f"no such store: {db}")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(tmp) / "server.log"
        proc = start_server(db, port, log)
        try:
            try:
                print(f"server: up in {wait_until_up(base + '/', proc, log):.1f} s at {base}")
            except RuntimeError as e:
                sys.exit(str(e))
            result = run_load(base, args)
        finally:
            stop(proc)
    return report(*result)


def run_load(base: str, args: argparse.Namespace) -> tuple[list[float], Counter[str], float] | tuple[None, None, None]:
    paths = story_paths(base) if args.pages == "stories" else all_paths(base)
    if not paths:
        sys.exit("no story pages found")
    what = "story pages" if args.pages == "stories" else "pages and API answers"
    print(f"load: {args.requests} GETs over {len(paths)} {what}, {args.concurrency} concurrent clients")
    try:
        return asyncio.run(asyncio.wait_for(load(base, paths, args.requests, args.concurrency), args.timeout))
    except TimeoutError:
        print(f"load: not done in {args.timeout:.0f} s (--timeout)")
        return None, None, None


def report(latencies: list[float] | None, errors: Counter[str] | None, wall: float | None) -> int:
    if latencies is None or errors is None or wall is None:
        return 1
    detail = ", ".join(f"{kind}: {n}" for kind, n in errors.items())
    print(f"errors: {sum(errors.values())}" + (f" ({detail})" if errors else ""))
    if latencies:
        median, p99 = statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000
        print(f"latency: median {median:.1f} ms, p99 {p99:.1f} ms")
    print(f"throughput: {len(latencies) / wall:.1f} req/s ({len(latencies)} ok in {wall:.2f} s)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
