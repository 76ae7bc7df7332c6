"""Long articles: ``storytrace analyze`` of a long fictional article and its lightly edited copy.

Run: ``.venv/bin/python bench/speed/long_article.py [--sentences 1000,2500,5000] [--runs 1]``
or ``.venv/bin/python bench/speed/long_article.py --megabytes 9.9 [--layout one-paragraph] [--with-copy]``

The articles are written into a temp folder as ``.txt`` files: varied sentences
built from word lists with a fixed seed (fictional names, places and numbers;
no real text), in paragraphs of one to four sentences, and a copy with a word
changed in one sentence in ten, one sentence in thirty dropped and a few
paragraphs swapped. Each run is the real command in a fresh child process
(``python -m storytrace analyze A.txt B.txt --out OUT --db DB``, default
settings: the static embedder) on a fresh store; the bench prints, as the
median of ``--runs`` runs, its wall seconds, CPU seconds (the child's, from
``wait4``) and peak RSS (the child's ``VmHWM`` in ``/proc/PID/status``, polled
every 10 ms: its own pages, not those it shared with this process before its
``exec``; two articles make one story, analysed in that process, with no
worker or helper process), with the targets beside them for the largest size, and the ratio
time(largest)/time(half of it), 2.0 when the work is linear in the length.

``--megabytes X`` writes one article of about X MB instead (``--layout``:
``paragraphs``, ``one-paragraph`` with no line break, or ``unpunctuated``: its
words in lower case without any punctuation or line break) and runs ``storytrace ingest`` on it, then
``storytrace analyze`` on the same store; ``--with-copy`` adds its edited copy
to both; ``--ingest-only`` skips ``analyze``. ``--keep DIR`` writes the articles there and keeps them.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SEED = 25
TARGET_WALL = 60.0  # seconds, for the largest --sentences size
TARGET_RSS = 1024.0  # MB, for the largest --sentences size
TIMEOUT = 3600.0

FIRST = "Aurel Mirela Tomas Ilka Bastian Orsolya Kazimir Lenka Ansel Teodora Vesna Radim Elin Marek Soraya".split()
SYLLABLES = "bran nock vel ster mar ko lin dav ash tor quin ber los ret hal mund sar ev ith ol".split()
PLACES = "Eskerby Vallmora Tressinghall Oakmere Dunvarrow Kestria Pellinor Harrowgate Maribel Sundgard".split()
ORGS = (
    "the Kestrian Ministry of Water",
    "the Vallmora Port Authority",
    "Tressing Analytics",
    "the Oakmere Farmers Union",
    "the Northern Rail Cooperative",
    "Pellinor University",
    "the Eskerby City Council",
    "the Harrowgate Chamber of Commerce",
)
ROLES = "minister spokeswoman director professor mayor economist analyst chairman engineer lawyer".split()
NOUNS = (
    "bridge harbour budget reservoir railway school clinic tariff harvest pipeline election market "
    "festival dam factory ferry library orchard tunnel warehouse"
).split()
ADJECTIVES = "new old northern disputed delayed costly modest ambitious temporary local regional".split()
VERBS = "opened closed approved rejected delayed expanded inspected funded reviewed postponed".split()
REASONS = (
    "a week of heavy rain",
    "months of talks",
    "a dispute over costs",
    "complaints from residents",
    "an audit of the accounts",
    "a vote in the assembly",
    "the collapse of a supplier",
    "a shortage of engineers",
)
MONTHS = "January February March April May June July August September October November December".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
QUOTES = (
    "We will not wait another year for this",
    "The numbers speak for themselves",
    "Nobody here was asked what they wanted",
    "It is a fair deal for both towns",
    "We expect the work to finish before winter",
    "This was never about money",
)


def person(rng: random.Random) -> str:
    """A fictional name: a first name and a surname of two syllables."""
    return f"{rng.choice(FIRST)} {(rng.choice(SYLLABLES) + rng.choice(SYLLABLES)).capitalize()}"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2] not in "aeiou" else noun + "s"


def sentence(rng: random.Random) -> str:
    """One fictional news sentence from one of six patterns."""
    kind = rng.randrange(6)
    noun, place = rng.choice(NOUNS), rng.choice(PLACES)
    if kind == 0:
        return (
            f"{person(rng)}, the {rng.choice(ROLES)} of {rng.choice(ORGS)}, said on {rng.choice(DAYS)} "
            f"that the {rng.choice(ADJECTIVES)} {noun} in {place} would be {rng.choice(VERBS)}."
        )
    if kind == 1:
        return f"“{rng.choice(QUOTES)},” {person(rng)} told reporters in {place}."
    if kind == 2:
        return (
            f"{upper_first(rng.choice(ORGS))} reported {rng.randint(2, 990)} {plural(noun)} in {rng.choice(MONTHS)}, "
            f"up {rng.randint(1, 40)} percent from a year earlier."
        )
    if kind == 3:
        return f"The {rng.choice(ADJECTIVES)} {noun} in {place} was {rng.choice(VERBS)} after {rng.choice(REASONS)}."
    if kind == 4:
        return (
            f"In {rng.choice(MONTHS)} {rng.randint(1990, 2024)}, {person(rng)} {rng.choice(VERBS)} "
            f"the {noun} at a cost of {rng.randint(2, 90)} million crowns."
        )
    return f"Residents of {place} said the {noun} had been {rng.choice(VERBS)} twice since {rng.choice(REASONS)}."


def paragraphs(n_sentences: int, rng: random.Random) -> list[list[str]]:
    """``n_sentences`` sentences in paragraphs of one to four."""
    out: list[list[str]] = []
    left = n_sentences
    while left > 0:
        k = min(left, rng.randint(1, 4))
        out.append([sentence(rng) for _ in range(k)])
        left -= k
    return out


def edited(paras: list[list[str]], rng: random.Random) -> list[list[str]]:
    """A lightly edited copy: a word changed in one sentence in ten, one in thirty dropped, paragraphs swapped."""
    out: list[list[str]] = []
    for para in paras:
        kept = []
        for s in para:
            roll = rng.random()
            if roll < 1 / 30:
                continue
            if roll < 0.13:
                words = s.split(" ")
                k = rng.randrange(len(words))
                words[k] = rng.choice(ADJECTIVES) if words[k].isalpha() and words[k].islower() else words[k]
                s = " ".join(words)
            kept.append(s)
        if kept:
            out.append(kept)
    for k in range(0, len(out) - 1, 40):
        out[k], out[k + 1] = out[k + 1], out[k]
    return out


def layout(paras: list[list[str]], kind: str) -> str:
    """The article's text: paragraphs between blank lines, one paragraph, or one unpunctuated sentence."""
    if kind == "paragraphs":
        return "\n\n".join(" ".join(p) for p in paras) + "\n"
    flat = " ".join(s for p in paras for s in p)
    if kind == "one-paragraph":
        return flat + "\n"
    return "".join(c for c in flat if c.isalnum() or c == " ").lower() + "\n"


def write_pair(folder: Path, n_sentences: int, kind: str = "paragraphs") -> tuple[Path, Path]:
    """Write ``long.txt`` (``n_sentences`` sentences) and its edited copy ``long-copy.txt`` into ``folder``."""
    rng = random.Random(SEED)
    paras = paragraphs(n_sentences, rng)
    a, b = folder / "long.txt", folder / "long-copy.txt"
    a.write_text(layout(paras, kind), encoding="utf-8")
    b.write_text(layout(edited(paras, rng), kind), encoding="utf-8")
    return a, b


def sentences_for(megabytes: float) -> int:
    """About how many generated sentences make ``megabytes`` MB (measured on a sample)."""
    rng = random.Random(SEED)
    sample = layout(paragraphs(2000, rng), "paragraphs")
    return int(megabytes * 1e6 / (len(sample.encode("utf-8")) / 2000))


def write_megabytes(folder: Path, megabytes: float, kind: str) -> tuple[Path, Path]:
    """The pair of ``write_pair`` with the first article cut to at most ``megabytes`` MB (at a sentence end)."""
    a, b = write_pair(folder, sentences_for(megabytes) + 200, kind)
    for path in (a, b):
        data = path.read_bytes()
        limit = int(megabytes * 1e6)
        if len(data) > limit:
            cut = max(data.rfind(b". ", 0, limit - 1), data.rfind(b" ", 0, limit - 1))
            path.write_bytes(data[: cut + 1].rstrip() + b"\n")
    return a, b


@dataclass(frozen=True)
class Run:
    """One child process's figures."""

    wall: float
    cpu: float
    peak_mb: float
    code: int
    stderr: str


def run(args: list[str]) -> Run:
    """``python -m storytrace ARGS`` in a child process: wall and CPU seconds, peak RSS (its VmHWM, polled)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storytrace", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    status = Path(f"/proc/{proc.pid}/status")
    peak_kb = 0
    while True:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except (OSError, ValueError):
            pass  # exiting: the last reading stands
        pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - t0 > TIMEOUT:
            proc.kill()
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(code)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    return Run(wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024, proc.returncode, err)


def median_runs(make_args: list[str], runs: int, fresh: Path) -> Run:
    """The median (of each figure) of ``runs`` runs of one command, each on a fresh store in ``fresh``."""
    done = []
    for _ in range(runs):
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        r = run(make_args)
        if r.code not in (0,):
            sys.exit(f"storytrace {' '.join(make_args)} exited {r.code}:\n{r.stderr[-3000:]}")
        done.append(r)
    return Run(
        statistics.median(r.wall for r in done),
        statistics.median(r.cpu for r in done),
        statistics.median(r.peak_mb for r in done),
        0,
        "",
    )


def figures(r: Run) -> str:
    return f"wall {r.wall:7.1f} s  CPU {r.cpu:7.1f} s  peak RSS {r.peak_mb:6.0f} MB"


def met(value: float, target: float) -> str:
    return "met" if value <= target else "NOT met"


def bench_sentences(base: Path, sizes: list[int], runs: int) -> None:
    """The analyze figures for each size, the targets for the largest, the growth ratio."""
    walls: dict[int, float] = {}
    print(f"storytrace analyze LONG.txt LONG-COPY.txt (static embedder), median of {runs} run(s)")
    for n in sizes:
        folder = base / f"s{n}"
        folder.mkdir(exist_ok=True)
        a, b = write_pair(folder, n)
        work = folder / "work"
        r = median_runs(["analyze", str(a), str(b), "--out", str(work), "--db", str(work / "st.db")], runs, work)
        walls[n] = r.wall
        kb = (a.stat().st_size + b.stat().st_size) / 2 / 1000
        line = f"{n:>6} sentences ({kb:,.0f} KB each): {figures(r)}"
        if n == max(sizes):
            line += (
                f"   targets: wall < {TARGET_WALL:.0f} s ({met(r.wall, TARGET_WALL)}),"
                f" peak < {TARGET_RSS:.0f} MB ({met(r.peak_mb, TARGET_RSS)})"
            )
        print(line, flush=True)
    top = max(sizes)
    if top // 2 in walls:
        print(f"time({top})/time({top // 2}) = {walls[top] / walls[top // 2]:.2f} (2.0 when linear)")


def bench_megabytes(base: Path, megabytes: float, kind: str, with_copy: bool, ingest_only: bool = False) -> None:
    """``ingest`` then ``analyze`` of one article of ``megabytes`` MB (and its copy): wall, CPU, peak RSS."""
    a, b = write_megabytes(base, megabytes, kind)
    paths = [str(a), str(b)] if with_copy else [str(a)]
    sizes = ", ".join(f"{Path(p).name} {Path(p).stat().st_size / 1e6:.2f} MB" for p in paths)
    print(f"{kind}: {sizes}")
    work = base / "work"
    work.mkdir(exist_ok=True)
    db = str(work / "st.db")
    commands = [["ingest", *paths, "--db", db], ["analyze", *paths, "--out", str(work), "--db", db]]
    for command in commands[:1] if ingest_only else commands:
        r = run(command)
        status = "" if r.code == 0 else f"  EXIT {r.code}: {r.stderr.strip().splitlines()[-1:]}"
        print(f"storytrace {command[0]:<8} {figures(r)}{status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", default="1000,2500,5000", help="article sizes in sentences, comma-separated")
    parser.add_argument("--runs", type=int, default=1, help="runs per size (the median is printed)")
    parser.add_argument("--megabytes", type=float, help="one article of this many MB instead: ingest, then analyze")
    parser.add_argument("--layout", choices=("paragraphs", "one-paragraph", "unpunctuated"), default="paragraphs")
    parser.add_argument("--with-copy", action="store_true", help="with --megabytes: add the edited copy")
    parser.add_argument("--ingest-only", action="store_true", help="with --megabytes: run storytrace ingest only")
    parser.add_argument("--keep", type=Path, help="write the articles into this folder and keep them")
    args = parser.parse_args()
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="long_article-")
    base = args.keep or Path(tmp.name if tmp else ".")
    base.mkdir(parents=True, exist_ok=True)
    try:
        if args.megabytes:
            bench_megabytes(base, args.megabytes, args.layout, args.with_copy, args.ingest_only)
        else:
            bench_sentences(base, sorted(int(n) for n in args.sentences.split(",")), args.runs)
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
