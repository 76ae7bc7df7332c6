"""The bad-input suite (issue 8, part 1): ``storytrace ingest`` on every kind of ``tests/badinput/kinds.py``.

Each kind runs the real command in its own process and checks: the exit status;
exactly the expected stderr lines, one per problem, each naming the file (and
line or record) and the problem, no traceback; the valid rest stored (with
exact texts); the store's integrity; and the process's peak RSS (its ``VmHWM``,
polled), bounded whatever the size of the input. The kinds run in a pool of
processes (their start-up, the imports, is most of their time).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from badinput.kinds import KINDS, Case, good, remove_tree

STORYTRACE = [sys.executable, "-m", "storytrace"]
WORKERS = 3
TIMEOUT = 300
SLOW_KINDS = ("1-million-line JSONL", "60 MB JSON list")  # some 30 s of work each on their own
BASELINE = "baseline"  # the good article alone: the memory every run starts from


@dataclass
class Run:
    """One finished ``storytrace ingest`` of a kind."""

    case: Case
    db: Path
    code: int
    stdout: str
    stderr: list[str]
    rss_mb: float
    seconds: float


def slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower())


# root reads files whatever their mode: the unreadable kind drops that power (CAP_DAC_*) for its process
DROP_READ_OVERRIDE = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


def run_ingest(case: Case, db: Path, home: Path) -> Run:
    """Run ``storytrace ingest`` on ``case``; its output, exit status, time and peak RSS."""
    cmd = [*STORYTRACE, "ingest", *map(str, case.paths), "--db", str(db), "--lexical"]
    if case.unprivileged and os.geteuid() == 0:
        cmd = [*DROP_READ_OVERRIDE, *cmd]
    env = {**os.environ, "HOME": str(home), "STORYTRACE_LEXICAL_ONLY": "1", "COLUMNS": "1000"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=home)
        rss_mb = wait_for_peak_rss(proc)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "backslashreplace").splitlines()
    return Run(case, db, proc.returncode, stdout, stderr, rss_mb, seconds)


def wait_for_peak_rss(proc: subprocess.Popen[bytes]) -> float:
    """Wait for ``proc`` (killed after TIMEOUT); its peak RSS in MB, polled every 10 ms.

    From ``VmHWM`` in ``/proc/PID/status``, the high-water mark of the process's
    own memory since its ``exec``. ``wait4``'s ``ru_maxrss`` would not do: it also
    counts the pages of the parent (this pytest process, hundreds of MB once other
    tests have loaded models) that the child shared between fork and exec.
    """
    status = Path(f"/proc/{proc.pid}/status")
    deadline = time.monotonic() + TIMEOUT
    peak_kb = 0
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except (OSError, ValueError):
            pass  # exiting: the last reading stands
        if time.monotonic() > deadline:
            proc.kill()
        time.sleep(0.01)
    return peak_kb / 1024


def prepare(name: str, base: Path) -> tuple[Case, Path, Path]:
    """Write kind ``name``'s files into a fresh folder; the case, its store and a home folder."""
    home = base / slug(name)
    folder = home / "input"
    folder.mkdir(parents=True)
    case = Case([folder], [], good(folder), exit_code=0) if name == BASELINE else KINDS[name](folder)
    return case, case.db or home / "st.db", home


class Runs:
    """The selected kinds' runs, started together in a pool on first use; ``runs[name]`` waits for one."""

    def __init__(self, base: Path, wanted: list[str]) -> None:
        self.base = base
        self.wanted = sorted(wanted, key=lambda n: n not in SLOW_KINDS)  # the slowest first: the pool ends together
        self.pool: ThreadPoolExecutor | None = None
        self.futures: dict[str, Future[Run]] = {}

    def __getitem__(self, name: str) -> Run:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(WORKERS)
            self.futures[BASELINE] = self.pool.submit(self._run, BASELINE)
            for kind_name in dict.fromkeys([*self.wanted, name]):
                self.futures[kind_name] = self.pool.submit(self._run, kind_name)
        return self.futures[name].result()

    def baseline_rss_mb(self) -> float:
        """Peak RSS of an ingest of the good article alone: the imports, mostly."""
        run = self.futures[BASELINE].result()
        assert run.code == 0 and not problem_lines(run), run.stderr
        return run.rss_mb

    def _run(self, name: str) -> Run:
        case, db, home = prepare(name, self.base)
        try:
            return run_ingest(case, db, home)
        finally:
            if case.cleanup is not None:
                remove_tree(case.cleanup)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    selected = [item for item in request.session.items if item.module is request.module]
    wanted = [item.callspec.params["name"] for item in selected if hasattr(item, "callspec")]
    runs = Runs(tmp_path_factory.mktemp("badinput"), wanted)
    try:
        yield runs
    finally:
        runs.close()


def stored(db: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(con.execute("SELECT id, text FROM articles"))


UNDATED = "no publication date; relative dates"  # the run's one warning about undated articles, not a problem


def problem_lines(run: Run) -> list[str]:
    """The stderr lines that report problems: all but the undated-articles warning (at most one)."""
    assert sum(UNDATED in line for line in run.stderr) <= 1, run.stderr
    return [line for line in run.stderr if UNDATED not in line]


def check_lines(run: Run) -> None:
    """Exactly the expected lines: each printed once, no other line, no traceback."""
    assert not any("Traceback" in line for line in run.stderr), run.stderr
    assert all(line.startswith("storytrace: ") for line in run.stderr), run.stderr
    said = [line.removeprefix("storytrace: ") for line in problem_lines(run)]
    for expected in run.case.lines:
        matching = [line for line in said if line.startswith(expected)]
        assert len(matching) == 1, (expected, said)
    assert len(said) == len(run.case.lines), said


def check_store(run: Run) -> None:
    """The valid rest stored with its exact text (and nothing else, where the case says so)."""
    found = stored(run.db)
    for article_id, text in run.case.stored.items():
        assert article_id in found, (article_id, sorted(found)[:20])
        if text is not None:
            assert found[article_id] == text, article_id
    for article_id, part in dict(run.case.extra.get("contains", {})).items():  # type: ignore[call-overload]
        assert part in found[article_id]
    if run.case.only:
        assert set(found) == set(run.case.stored)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW_KINDS else n for n in KINDS])
def test_bad_input_kind(runs: Runs, name: str) -> None:
    if name == "unreadable file" and os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: every file is readable")
    run = runs[name]
    assert run.code == run.case.exit_code, (run.code, run.stderr)
    check_lines(run)
    if run.case.db is not None:  # the store itself is the bad input: left as it was
        assert run.case.db.read_text("utf-8").startswith("These are notes")
    else:
        check_store(run)
    extra = run.rss_mb - runs.baseline_rss_mb()
    assert extra < run.case.max_extra_rss_mb, f"peak RSS {run.rss_mb:.0f} MB, {extra:.0f} MB over the baseline"
    if "summary" in run.case.extra:
        assert run.stdout.startswith(str(run.case.extra["summary"])), run.stdout
