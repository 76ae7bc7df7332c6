"""The alignment benchmarks in one run: PAN, METER, MSRP and the seeds, one after another, then one summary.

Each runs as a subprocess from the repository root with its own default settings:

1. ``bench/quality/pan.py``: plagdet on the PAN 2013 development pairs (storytrace and the 3-gram baseline);
2. ``bench/quality/meter.py``: METER dev derivation, cross-validated by story;
3. ``bench/quality/msrp.py``: MSRP train paraphrase identification, 10-fold;
4. ``python3 ../shared/tools/check_seeds.py --cmd .venv/bin/storytrace``: the two seed articles against their gold.

Their output is shown as it comes. The summary at the end gives each one's
headline figures (PAN: plagdet pooled and on translation, granularity,
no-plagiarism pairs flagged; METER: derivation 3-way and derived-vs-not
macro-F1 of the coverage rule, the shipped classifier and what ``compare``
does; MSRP: cross-validated accuracy and F1; seeds: its summary line) and the
seconds each took. The bench scripts run with this interpreter; the seeds check
runs the ``storytrace`` command beside it (``.venv/bin/storytrace`` when run as
below). Run::

    .venv/bin/python bench/quality/alignment_suite.py                  # all four (METER and MSRP take minutes)
    .venv/bin/python bench/quality/alignment_suite.py --only pan,seeds

It exits 1 when a step fails (exits non-zero), after running the others.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from support.paths import SHARED

ROOT = Path(__file__).resolve().parents[2]
# METER rows in the summary: (aggregation, features, model) as bench/quality/meter.py prints them, and what to
# call them; the README quotes these three (PA sources of a story as one text).
METER_ROWS = (
    ("concat", "reuse", "coverage rule (shipped)", "coverage rule (from the aligner)"),
    ("concat", "text", "logreg C=0.1", "shipped classifier (text only)"),
    ("concat", "text", "shipped, or coverage rule", "what compare does"),
)
FIGURE = r"(\d\.\d{3})±(\d\.\d{3}) (\d\.\d{3})"


@dataclass(frozen=True)
class Step:
    """One benchmark: its name, its command (from the repository root), and how to read its headline figures."""

    name: str
    argv: list[str]
    headline: Callable[[list[str]], list[str]]


def pan_headline(lines: list[str]) -> list[str]:
    """PAN's ``pan:`` lines (or its skip line)."""
    return [line.removeprefix("pan: ") for line in lines if line.startswith(("pan: ", "skipped:"))]


def meter_headline(lines: list[str]) -> list[str]:
    """The METER rows of ``METER_ROWS``: 3-way macro-F1 (mean ± sd over folds) and derived-vs-not macro-F1."""
    out = [line for line in lines if line.startswith(("skipped:", "== METER"))]
    for aggregation, features, model, name in METER_ROWS:
        for line in lines:
            figures = re.findall(FIGURE, line)
            prefix = re.split(FIGURE, line)[0].split(maxsplit=2)
            if len(figures) >= 3 and prefix[:2] == [aggregation, features] and prefix[2].strip() == model:
                (_, _, _), (f1, sd, _), (derived, _, _) = figures[:3]
                out.append(
                    f"{name}: 3-way macro-F1 {f1} ± {sd}, derived/not {derived} ({aggregation}/{features}/{model})"
                )
                break
    return out


def msrp_headline(lines: list[str]) -> list[str]:
    """MSRP's rows: accuracy and F1, mean ± sd over folds, then pooled."""
    return [line for line in lines if line.startswith(("trained classifier", "MSRP train", "skipped:"))]


def seeds_headline(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith(("seeds:", "contract:"))]


def steps(storytrace: str) -> list[Step]:
    python = sys.executable
    seeds = ["python3", str(SHARED / "tools" / "check_seeds.py"), "--cmd", storytrace]
    return [
        Step("pan", [python, "bench/quality/pan.py"], pan_headline),
        Step("meter", [python, "bench/quality/meter.py"], meter_headline),
        Step("msrp", [python, "bench/quality/msrp.py"], msrp_headline),
        Step("seeds", seeds, seeds_headline),
    ]


def run(step: Step) -> tuple[int, list[str], float]:
    """Run one step, echoing its output line by line; its exit code, lines and seconds."""
    print(f"\n===== {step.name}: {' '.join(step.argv)}", flush=True)
    started = time.perf_counter()
    lines: list[str] = []
    try:
        with subprocess.Popen(
            step.argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                print(line, end="", flush=True)
                lines.append(line.rstrip("\n"))
        code = proc.returncode
    except OSError as e:
        lines.append(f"could not start: {e}")
        code = 127
    return code, lines, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated steps to run: pan, meter, msrp, seeds")
    parser.add_argument(
        "--storytrace",
        default=str(Path(sys.executable).parent / "storytrace"),
        help="the storytrace command the seeds check runs (default: beside this interpreter, %(default)s)",
    )
    args = parser.parse_args(argv)
    chosen = [s for s in steps(args.storytrace) if not args.only or s.name in args.only.split(",")]
    results = [(step, *run(step)) for step in chosen]
    print("\n===== summary")
    for step, code, lines, seconds in results:
        status = "" if code == 0 else f", exit {code}"
        print(f"{step.name} ({seconds:.0f} s{status}): {' '.join(step.argv)}")
        for line in step.headline(lines) or ["(no headline found in its output)"]:
            print(f"    {line}")
    return 1 if any(code != 0 for _, code, _, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
