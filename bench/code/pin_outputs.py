"""Pins what the demo and 2,000 Reuters bodies give today, for ``tests/test_same_outputs.py``.

Run: ``.venv/bin/python bench/code/pin_outputs.py [--corpus demo|reuters-2000] [--check]``

Runs ``storytrace analyze`` on each corpus (``tests/support/pinned.py``) and writes the digests of
``stories.json``, ``report.html`` and each story page, with a text-free outline of the stories, to
``tests/fixtures/pinned_outputs.json``. Pin again only when a change of behaviour is meant, and say so in the
commit; a reorganisation must leave the file as it is. ``--check`` prints which stories and files differ from the
pinned values instead of writing them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from support.pinned import CORPORA, corpus_input, load_pinned, pinned_run, store_pinned


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=CORPORA, action="append", help="one corpus (default: all)")
    parser.add_argument("--check", action="store_true", help="print differences, write nothing")
    args = parser.parse_args()
    differing = 0
    for name in args.corpus or CORPORA:
        with tempfile.TemporaryDirectory() as tmp:
            inputs = corpus_input(name, Path(tmp))
            if inputs is None:
                print(f"{name}: data not found, skipped")
                continue
            got = pinned_run(inputs, Path(tmp) / "out")
        if not args.check:
            store_pinned(name, got)
            print(f"{name}: pinned {len(got.outline)} stories, {len(got.digests)} files")
            continue
        changed = got.differences(load_pinned(name) or {"outline": [], "digests": {}})
        differing += bool(changed)
        print(f"{name}: {changed.count} stories (pinned {changed.pinned_count}); "
              f"changed stories {changed.stories[:10]}; changed files {changed.files[:10]}")  # fmt: skip
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
