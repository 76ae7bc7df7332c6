"""What a run writes, reduced to what must not change when the code is only reorganised.

``pinned_run`` runs ``storytrace analyze`` as a user does (a fresh process, the default environment) and returns
``Pinned``: the SHA-256 of every output a reader opens (``stories.json``, ``report.html``, each story page) and the
digest of each story's outline (articles, spans, relations, edges, fact counts: no article text, so it may be
kept in the repository for corpora that are not ours). The outlines are compared first, so a changed behaviour
names the story that changed rather than only a file.

``tests/fixtures/pinned_outputs.json`` holds the pinned values; ``bench/code/pin_outputs.py`` writes them again when a
change of behaviour is intended (its note says which). Nothing here judges whether an output is right.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from support.data import reuters_by_date
from support.paths import EXAMPLES, REUTERS, ROOT
from support.records import write_records

PINNED_FILE = ROOT / "tests" / "fixtures" / "pinned_outputs.json"
STORYTRACE = Path(sys.executable).with_name("storytrace")


@dataclass(frozen=True)
class Pinned:
    """The digests of a run's outputs and of each story's text-free outline."""

    digests: dict[str, str]
    outline: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"digests": self.digests, "outline": self.outline}

    def differences(self, pinned: dict[str, Any]) -> Differences:
        """What differs from the ``pinned`` values (``load_pinned``): stories by id, files by name, the counts."""
        was_outline, was_digests = pinned["outline"], pinned["digests"]
        stories = [was["id"] for was, now in zip(was_outline, self.outline, strict=False) if was != now]
        files = sorted(k for k in self.digests.keys() | was_digests.keys() if self.digests.get(k) != was_digests.get(k))
        return Differences(stories, files, len(was_outline), len(self.outline))


@dataclass(frozen=True)
class Differences:
    """Stories whose outline changed (in order), files whose digest changed, and the stories pinned and given."""

    stories: list[str]
    files: list[str]
    pinned_count: int
    count: int

    def __bool__(self) -> bool:
        return bool(self.stories or self.files or self.pinned_count != self.count)


CORPORA = ("demo", "reuters-2000")
GENERATED = re.compile(rb"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def corpus_input(name: str, folder: Path) -> Path | None:
    """What ``storytrace analyze`` reads for corpus ``name`` (written under ``folder``), or None when absent.

    ``reuters-2000``: the first 2,000 Reuters-21578 bodies by date, as agency copy.
    """
    if name == "demo":
        return EXAMPLES
    if not any(REUTERS.glob("reuters21578-*.jsonl")):
        return None
    bodies = [replace(a, source="Reuters", kind="agency") for a in reuters_by_date(2000)]
    return write_records(folder / "reuters.jsonl", bodies)


def pinned_run(inputs: Path, out: Path) -> Pinned:
    """Analyse ``inputs`` into ``out`` with the command and reduce what it wrote."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYTRACE_")}
    env["STORYTRACE_PROGRESS"] = "off"
    subprocess.run(
        [str(STORYTRACE), "analyze", str(inputs), "--out", str(out), "--db", str(out / "storytrace.db")],
        check=True,
        env=env,
        capture_output=True,
    )
    return reduce(out, inputs)


def reduce(out: Path, inputs: Path) -> Pinned:
    """The digests and outline of the outputs in ``out`` of a run on ``inputs``.

    Two things differ from run to run and are left out: the minute the index says it was generated, and where
    the inputs lay (each article's ``origin`` names its file).
    """
    files = [out / "stories.json", out / "report.html", *sorted((out / "stories").glob("*.html"))]
    digests = {f.relative_to(out).as_posix(): _digest(f.read_bytes(), inputs) for f in files}
    document = json.loads((out / "stories.json").read_text("utf-8"))
    return Pinned(digests, [outline_digest(story_outline(story)) for story in document["stories"]])


def _digest(output: bytes, inputs: Path) -> str:
    steady = GENERATED.sub(b"generated", output.replace(str(inputs.parent).encode("utf-8"), b"INPUTS"))
    return hashlib.sha256(steady).hexdigest()


def outline_digest(outline: dict[str, Any]) -> dict[str, Any]:
    """A story's id and the digest of its outline: small enough to pin 2,000 articles' stories."""
    text = json.dumps(outline, sort_keys=True, ensure_ascii=False)
    return {"id": outline["id"], "outline": hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]}


def story_outline(story: dict[str, Any]) -> dict[str, Any]:
    """One story as ids, spans, labels and counts: what a reorganisation must leave alone, without text."""
    provenance = story.get("provenance") or {}
    return {
        "id": story["id"],
        "articles": story["articles"],
        "alignments": [
            [a["a"], a["b"], a.get("relation"), a.get("a_span"), a.get("b_span")] for a in story.get("alignments", [])
        ],
        "pairs": [{k: v for k, v in pair.items() if not isinstance(v, (dict, list))} for pair in story["pairs"]],
        "edges": [{k: v for k, v in edge.items() if k != "evidence"} for edge in provenance.get("edges", [])],
        "facts": {kind: len(items) for kind, items in (story.get("facts") or {}).items() if isinstance(items, list)},
        "brief": [[item["kind"], item["outlets"]] for item in story.get("brief", [])],
    }


def load_pinned(name: str) -> dict[str, Any] | None:
    """The pinned values of corpus ``name``, or None when none are pinned."""
    if not PINNED_FILE.exists():
        return None
    value = json.loads(PINNED_FILE.read_text("utf-8")).get(name)
    return value if isinstance(value, dict) else None


def store_pinned(name: str, pinned: Pinned) -> None:
    """Pin ``pinned`` as corpus ``name``'s values, keeping the other corpora's."""
    values = json.loads(PINNED_FILE.read_text("utf-8")) if PINNED_FILE.exists() else {}
    values[name] = pinned.as_json()
    PINNED_FILE.write_text(json.dumps(values, indent=1, sort_keys=True) + "\n", "utf-8")
