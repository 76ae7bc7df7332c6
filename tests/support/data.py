"""Loaders for benchmarks and tests: the dev data in ``../shared/data`` (``support.paths``) as ``Article`` records.

The data is read where it lies (``../shared/data`` next to the repository, or
``--data``) and never copied into the repository. Every loader returns the
articles with their gold labels; nothing here scores anything.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storytrace.model import Article
from storytrace.published import order_key
from support.paths import DATA, REUTERS

DEFAULT_DATA = DATA
GIVEME_FILE = Path("giveme5w1h-newscluster") / "news_cluster.jsonl"
METER_NEWSPAPERS = Path("meter") / "newspaper_articles.jsonl"
METER_PA = Path("meter") / "pa_sources.jsonl"
PA_SOURCE = "Press Association"


@dataclass(frozen=True)
class Labelled:
    """An article with its gold story label."""

    article: Article
    story: str


@dataclass(frozen=True)
class MeterArticle:
    """A METER newspaper article, its derivation label and the ids of its candidate PA sources."""

    article: Article
    story: str
    label: str
    pa_source_ids: tuple[str, ...]


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSON-lines file, blank lines skipped."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def missing(data: Path, *files: Path) -> Path | None:
    """The first of ``data`` or ``data / file`` that does not exist, or None."""
    if not data.is_dir():
        return data
    for file in files:
        if not (data / file).is_file():
            return data / file
    return None


def meter_date(value: str) -> str | None:
    """METER's ``dd.mm.yy`` date (1999-2000) as an ISO date, or None."""
    try:
        day, month, year = (int(part) for part in value.split("."))
    except ValueError:
        return None
    year += 1900 if year >= 50 else 2000
    return f"{year:04d}-{month:02d}-{day:02d}"


def meter_story(record: dict[str, Any]) -> str:
    """METER's story key: domain|date|catchline."""
    return f"{record['domain']}|{record['date']}|{record['catchline']}"


def load_giveme(data: Path) -> list[Labelled]:
    """Giveme5W1H news_cluster dev articles; the story is the event id."""
    out = []
    for r in read_jsonl(data / GIVEME_FILE):
        article = Article(
            id=str(r["id"]),
            text=r.get("text") or "",
            title=r.get("title"),
            url=r.get("url"),
            source=r.get("source_domain"),
            published=r.get("date_publish"),
        )
        out.append(Labelled(article, str(r["event_id"])))
    return out


def load_meter_pa(data: Path) -> dict[str, Labelled]:
    """METER dev PA source texts by id (kind ``agency``)."""
    out = {}
    for r in read_jsonl(data / METER_PA):
        article = Article(id=r["id"], text=r["text"], source=PA_SOURCE, published=meter_date(r["date"]), kind="agency")
        out[r["id"]] = Labelled(article, meter_story(r))
    return out


def load_meter_newspapers(data: Path) -> list[MeterArticle]:
    """METER dev newspaper articles with their derivation labels."""
    out = []
    for r in read_jsonl(data / METER_NEWSPAPERS):
        article = Article(id=r["id"], text=r["text"], source=r.get("newspaper"), published=meter_date(r["date"]))
        out.append(MeterArticle(article, meter_story(r), r["label"], tuple(r.get("pa_source_ids") or ())))
    return out


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with the options every METER/Giveme bench shares: --data, --jobs, --limit."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default: %(default)s)")
    jobs = min(2, os.cpu_count() or 1)
    parser.add_argument("--jobs", type=int, default=jobs, help="processes (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N METER articles (0: all)")
    return parser


def reuters_by_date(n: int) -> list[Article]:
    """The first ``n`` non-empty Reuters-21578 bodies in publication order (then by NEWID)."""
    rows = []
    for shard in sorted(REUTERS.glob("reuters21578-*.jsonl")):
        for line in shard.open(encoding="utf-8"):
            rec = json.loads(line)
            if rec.get("body"):
                rows.append(rec)
    dated = [(_iso(r.get("date")), r) for r in rows]
    dated.sort(key=lambda x: (order_key(x[0]), int(x[1]["newid"])))
    return [Article(id=str(r["newid"]), text=r["body"], title=r.get("title"), published=iso) for iso, r in dated[:n]]


def _iso(value: str | None) -> str | None:
    """Reuters' "26-FEB-1987 15:01:01.79" as ISO 8601."""
    if not value:
        return None
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.strptime(value.strip()[:20], "%d-%b-%Y %H:%M:%S"))
    except ValueError:
        return None
