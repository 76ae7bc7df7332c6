"""300 real articles through ``storytrace analyze``, as a new user runs it: every story written, nothing lost.

The 245 Giveme5W1H development articles (each with its outlet, date and
authors) and the first 55 non-empty Reuters-21578 bodies, written as two
JSON Lines files into a temporary folder, analysed by the real command
(default settings: the static sentence embedder). Prints the articles, the
stories, the seconds, the exit status, the lines on stderr, and the stories
written with ``problems`` (a stage that failed for some of their articles).

Real text (curly apostrophes, outlets' bylines, odd dates) must never stop the
command: a failure costs one line and the stories' ``problems``, never the run's output.

    .venv/bin/python bench/speed/real_run.py [--reuters 55] [--data ../shared/data] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, GIVEME_FILE, missing, read_jsonl
from analyze_speed import reuters_missing, write_reuters


def write_giveme(out: Path, data: Path) -> int:
    """The Giveme5W1H development articles as contract records (source, date and authors as given)."""
    written = 0
    with out.open("w", encoding="utf-8") as fh:
        for r in read_jsonl(data / GIVEME_FILE):
            record = {
                "id": str(r["id"]),
                "text": r.get("text") or "",
                "title": r.get("title"),
                "url": r.get("url"),
                "source": r.get("source_domain"),
                "published": r.get("date_publish"),
                "authors": [a for a in r.get("authors") or [] if isinstance(a, str)],
            }
            fh.write(json.dumps({k: v for k, v in record.items() if v is not None}) + "\n")
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default: %(default)s)")
    parser.add_argument("--reuters", type=int, default=55, help="Reuters bodies beside Giveme5W1H (default: 55)")
    parser.add_argument("--keep", type=Path, help="write the inputs and outputs here instead of a temporary folder")
    args = parser.parse_args()
    if missing(args.data, GIVEME_FILE) is not None or reuters_missing(args.data):
        print(f"skipped: {args.data / GIVEME_FILE} or the Reuters folder not found")
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        inputs = root / "in"
        inputs.mkdir(parents=True, exist_ok=True)
        articles = write_giveme(inputs / "giveme.jsonl", args.data)
        articles += write_reuters(inputs / "reuters.jsonl", 0, args.reuters, args.data)
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "storytrace", "analyze", str(inputs), "--out", str(root / "out")],
            capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        errors = [line for line in run.stderr.splitlines() if line.startswith("storytrace:")]
        document = root / "out" / "stories.json"
        stories = json.loads(document.read_text("utf-8"))["stories"] if document.exists() else []
        failed = [s["id"] for s in stories if s.get("problems")]
        print(f"articles {articles}, stories {len(stories)}, {seconds:.1f} s, exit status {run.returncode}")
        print(f"lines on stderr {len(errors)}, internal errors {sum('internal error' in e for e in errors)}")
        print(f"stories with problems {len(failed)}{': ' + ', '.join(failed) if failed else ''}")
        for line in errors[:10]:
            print("  " + line)


if __name__ == "__main__":
    main()
