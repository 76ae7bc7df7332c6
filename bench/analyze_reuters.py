"""Time the whole ``analyze`` on the first N non-empty Reuters-21578 bodies.

Run: ``.venv/bin/python bench/analyze_reuters.py [--n 2000] [--semantic]``
(``--semantic``: with sentence embeddings, as the ``analyze`` command runs by default). Reads
``../shared/data/reuters21578`` (never copied), runs ingest, grouping,
alignment and provenance in-process on a fresh store, and prints wall time,
docs/s, the number of stories, the largest story, the article pairs aligned
and the peak resident memory. Exits 0 with a "skipped" line if the data is absent.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from storytrace.pipeline import analyze
from storytrace.semantic import default_embedder
from storytrace.store import Store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "reuters21578"


def write_records(n: int, out: Path) -> int:
    written = 0
    with out.open("w", encoding="utf-8") as fh:
        for shard in sorted(DATA.glob("reuters21578-*.jsonl")):
            for line in shard.open(encoding="utf-8"):
                rec = json.loads(line)
                if not rec.get("body"):
                    continue
                row = {"id": str(rec["newid"]), "title": rec.get("title"), "text": rec["body"], "kind": "agency"}
                fh.write(json.dumps(row) + "\n")
                written += 1
                if written >= n:
                    return written
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--semantic", action="store_true", help="with sentence embeddings (MiniLM)")
    args = ap.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "reuters.jsonl"
        n = write_records(args.n, records)
        with Store(Path(tmp) / "st.db") as store:
            t0 = time.perf_counter()
            embedder = default_embedder(store) if args.semantic else None
            result = analyze([records], store, embedder=embedder)
            wall = time.perf_counter() - t0
    sizes = sorted((len(s["articles"]) for s in result.document["stories"]), reverse=True)
    pairs = sum(k * (k - 1) // 2 for k in sizes)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'lexical + MiniLM' if args.semantic else 'lexical'}: "
        f"articles {n}  wall {wall:.1f} s  {n / wall:.0f} docs/s  stories {len(sizes)}  largest {sizes[0]}  "
        f"pairs aligned {pairs}  peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
