"""The web UI's worst paste: a 1.1 MB one-paragraph article, then its reprint, then a small article.

Each must get an answer, and the store must stay usable: a long paste and its
reprint must not poison it for the uploads after them. Builds a store of the demo corpus, then posts the three
through ``POST /api/ingest`` (in process, ``TestClient``) and prints each
answer's status, its first characters and the seconds it took. The long text
is generated (fictional, seeded).

    .venv/bin/python bench/experiments/web_long_paste.py [--chars 1100000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from storytrace.pipeline import analyze
from storytrace.store import Store
from storytrace.web import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"
WORDS = "harbour council ferry pier orchard lamp bridge tram river market festival budget vote repairs mayor".split()


def long_paragraph(chars: int, seed: int = 4) -> str:
    """One paragraph of about ``chars`` characters of varied fictional council sentences."""
    rng = random.Random(seed)
    sentences: list[str] = []
    size = n = 0
    while size < chars:
        n += 1
        a, b, c = (rng.choice(WORDS) for _ in range(3))
        sentence = f"The Quillon {a} committee met for session {n} and discussed the {b} and the {c} plan."
        sentences.append(sentence)
        size += len(sentence) + 1
    return " ".join(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--chars", type=int, default=1_100_000, help="length of the long paste (default: 1.1 M)")
    args = parser.parse_args()
    text = long_paragraph(args.chars)
    reprint = text.replace("session 1 ", "meeting 1 ", 1) + " Reprinted with permission."
    small = "Velm ferry fares fall by a fifth from Monday, the harbour office said."
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "web.db"
        with Store(db) as store:
            analyze([EXAMPLES], store)
        with TestClient(create_app(db), base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
            for name, body in (("big", text), ("reprint", reprint), ("small", small)):
                start = time.perf_counter()
                answer = client.post("/api/ingest", json={"id": name, "text": body, "title": name})
                seconds = time.perf_counter() - start
                status = f"status {answer.status_code}, {seconds:.1f} s"
                print(f"{name}: {len(body):,} characters, {status}, {answer.text[:300]}")


if __name__ == "__main__":
    main()
