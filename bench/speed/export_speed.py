"""Time ``storytrace export``'s tables: rows, bytes and median seconds of each table in each format.

Builds the demo store (or reads ``--db``), takes its latest analysis and, with ``--copies N``, repeats its
stories N times under new ids (the export is a function of the document alone: this stands for a corpus N
times the size). Each table is written ``--runs`` times in each format, in memory; the medians are printed.

    PYTHONPATH=src .venv/bin/python bench/speed/export_speed.py --copies 100
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _server import build_demo_store  # noqa: E402
from storytrace.export import EXPORTS, Export, parquet_bytes, text_lines  # noqa: E402
from storytrace.pipeline import latest_document  # noqa: E402
from storytrace.store import Store  # noqa: E402


def repeated(document: dict[str, Any], copies: int) -> dict[str, Any]:
    """``document`` with its stories ``copies`` times, story ids suffixed by the copy (articles shared)."""
    stories = [{**s, "id": f"{s['id']}-{k}"} for k in range(copies) for s in document["stories"]]
    return {"articles": document["articles"], "stories": stories}


def size(export: Export, fmt: str, document: dict[str, Any]) -> int:
    if fmt == "parquet":
        return len(parquet_bytes(export, export.rows(document)))
    return sum(len(line.encode("utf-8")) for line in text_lines(export, fmt, document))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an analysed store (default: the demo corpus, analysed now)")
    parser.add_argument("--copies", type=int, default=1, help="repeat the stories this many times")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "demo.db"
        if args.db is None:
            build_demo_store(db)
        with Store(db) as store:
            document = latest_document(store)
    if document is None:
        sys.exit(f"{db}: no analysis kept")
    document = repeated(document, args.copies)
    print(f"{len(document['stories']):,} stories ({args.copies} copies), {args.runs} runs each, median")
    try:
        import pyarrow  # noqa: F401

        formats = ("csv", "jsonl", "parquet")
    except ImportError:
        formats = ("csv", "jsonl")
    for name, export in EXPORTS.items():
        rows = sum(1 for _ in export.rows(document))
        for fmt in formats:
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                written = size(export, fmt, document)
                times.append(time.perf_counter() - start)
            print(f"{name:<11} {fmt:<8} {rows:>9,} rows {written / 1e6:>8.2f} MB {statistics.median(times):>7.3f} s")


if __name__ == "__main__":
    main()
