"""Print the cue words of PolNeAR's train attributions by frequency (where ``facts.speech_words`` took its verbs).

Run: ``PYTHONPATH=src .venv/bin/python bench/quality/polnear_cues.py [--data DIR] [--quoted] [--top N]``.
Each cue's last word is counted, lower-cased ("has said" counts as "said", "according to" as "to"
is shown whole). ``--quoted`` counts only attributions whose content is quoted (direct or mixed).
Only the ``train`` split is read: dev and test stay unseen by the rules. Prints a message and exits 0
when the data is absent.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, read_jsonl

POLNEAR = Path("polnear") / "articles.jsonl"


def cue_word(cue: str) -> str:
    words = re.findall(r"[a-z’']+", cue.lower())
    if not words:
        return ""
    return "according to" if words[-2:] == ["according", "to"] else words[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quoted", action="store_true", help="only attributions with quoted content")
    parser.add_argument("--top", type=int, default=150)
    args = parser.parse_args(argv)
    path = args.data / POLNEAR
    if not path.is_file():
        print(f"bench/quality/polnear_cues.py: {path} is absent; nothing to count.")
        return 0
    counts: Counter[str] = Counter()
    for article in read_jsonl(path):
        if article["split"] != "train":
            continue
        for att in article["attributions"]:
            if att["cue"] and (att["quoted"] != "none" or not args.quoted):
                counts[cue_word(att["cue"]["text"])] += 1
    for word, n in counts.most_common(args.top):
        print(f"{n:6d} {word}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
