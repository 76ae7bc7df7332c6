"""passim 2.0.1 beside ``storytrace analyze`` on the same documents in the same run: walls, peak RSS, the ratio.

    .venv/bin/python bench/experiments/passim_ab.py [--workloads reuters,long-form] [--size 10000] [--runs 3]
        [--venv bench/out/passim-venv] [--no-install] [--passim-spec passim==2.0.1] [--master local[2]]
        [--passim-args=--all-pairs] [--data ../shared/data]

The workloads are ``bench/speed/analyze_speed.py``'s: the first ``--size`` non-empty Reuters-21578 bodies (with their
titles and dates), and the long-form one (Giveme5W1H's and METER's development texts as one dated input). For each,
in turn and ``--runs`` times: ``storytrace analyze`` as a user runs it (``analyze_speed.py``'s ``cli`` mode: a fresh
process, this environment as it is, a fresh store), then passim on the same texts. Printed: each run's wall, peak
RSS (of the largest process: for passim the JVM) and CPU of all the processes; the medians; and the ratio of the
median walls, storytrace/passim (the target is passim/storytrace ≥ 5 on Reuters, ≥ 3 on long-form).

passim runs in the setting the target is set for, "local[2], all pairs": ``passim --all-pairs INPUT OUTPUT`` with
``SPARK_SUBMIT_ARGS="--master local[2]"`` (and ``PYSPARK_SUBMIT_ARGS`` likewise); its input is one JSON-lines file
of ``{"id", "series", "text"}`` records, the series being the record's own id, so that no pair is left out for
sharing a series.

passim is installed, when absent, into a throwaway virtual environment (``--venv``, under the git-ignored
``bench/out/`` by default) with ``pip install PASSIM_SPEC`` and never into storytrace's. When Java, the data or
passim 2.0.1 is missing and cannot be installed, one line says "skipped: ..." with the reason and the script
exits 0. (On PyPI the name ``passim`` is an unrelated password library at 0.1.0: passim 2.x is installed from
its repository, e.g. ``--passim-spec git+https://github.com/dasmiq/passim.git``; the installed version is checked.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support
from analyze_speed import DATA, long_form_missing, measured, reuters_missing, run_once, write_long_form, write_reuters

PASSIM_VERSION = "2.0.1"
DEFAULT_VENV = _support.OUT / "passim-venv"
CHECK = (
    "import importlib.metadata as m, importlib.util as u; "
    "print(m.version('passim') if u.find_spec('passim.seriatim') else 'not passim 2: no passim.seriatim')"
)


class Skipped(Exception):
    """What is missing for the comparison (the "skipped" line)."""


def java_version() -> str:
    """The first line of ``java -version``; ``Skipped`` without a working Java."""
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Skipped(f"passim needs Java (Spark): {e}") from None
    if done.returncode:
        raise Skipped(f"passim needs Java (Spark): java -version exited {done.returncode}")
    return (done.stderr or done.stdout).strip().splitlines()[0]


def installed_version(venv: Path) -> str | None:
    """The passim version in ``venv`` (or what is wrong with it), None when it has no passim at all."""
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    done = subprocess.run([str(python), "-c", CHECK], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def passim_in(venv: Path, spec: str, install: bool) -> Path:
    """``venv``'s passim executable, installing ``spec`` there first if need be; ``Skipped`` if that fails."""
    version = installed_version(venv)
    if version is None and install:
        version = install_passim(venv, spec)
    if version != PASSIM_VERSION:
        found = "no passim" if version is None else f"'{version}'"
        raise Skipped(f"passim {PASSIM_VERSION} is not installed in {venv} ({found})")
    return venv / "bin" / "passim"


def install_passim(venv: Path, spec: str) -> str | None:
    """``python3 -m venv VENV && VENV/bin/pip install SPEC``; the version installed, ``Skipped`` if pip fails."""
    print(f"installing {spec} into {venv} ...", flush=True)
    subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run([str(venv / "bin" / "pip"), "install", spec], capture_output=True, text=True)
    if done.returncode:
        last = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()][-1:] or ["(no output)"]
        raise Skipped(f"passim {PASSIM_VERSION} could not be installed into {venv}: pip install {spec}: {last[0]}")
    return installed_version(venv)


def write_passim_input(records: Path, folder: Path) -> int:
    """The records as passim's input: ``folder/input.json``, one ``{"id", "series", "text"}`` a line."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    with (folder / "input.json").open("w", encoding="utf-8") as fh:
        for line in records.open(encoding="utf-8"):
            if line.strip():
                rec = json.loads(line)
                fh.write(json.dumps({"id": str(rec["id"]), "series": str(rec["id"]), "text": rec["text"]}) + "\n")
                n += 1
    return n


def run_passim(passim: Path, folder: Path, out: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Run passim on ``folder``'s input into ``out`` (made afresh): exit status, wall, CPU, peak RSS, output lines."""
    shutil.rmtree(out, ignore_errors=True)
    submit = f"--master {args.master} --driver-memory {args.driver_memory}"
    env = {**os.environ, "SPARK_SUBMIT_ARGS": submit, "PYSPARK_SUBMIT_ARGS": f"{submit} pyspark-shell"}
    env["PATH"] = f"{passim.parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYSPARK_PYTHON"] = env["PYSPARK_DRIVER_PYTHON"] = str(passim.parent / "python")
    cmd = [str(passim), *args.passim_args.split(), str(folder / "input.json"), str(out)]
    log = out.with_suffix(".log")
    status, wall, cpu, rss = measured(cmd, log, env)
    if status:
        sys.exit(f"passim exited {status}: {' '.join(cmd)}\n{log.read_text(encoding='utf-8')[-3000:]}")
    lines = sum(1 for part in out.glob("out.json/*.json") for _ in part.open(encoding="utf-8"))
    return {"wall": wall, "cpu_total": cpu, "peak_rss_mb": rss, "passages": lines}


def workload_records(name: str, tmp: Path, args: argparse.Namespace) -> Path:
    """The storytrace records of workload ``name`` ("reuters" or "long-form"), written into ``tmp``."""
    records = tmp / f"{name}.jsonl"
    if name == "reuters":
        write_reuters(records, 0, args.size, args.data)
    else:
        write_long_form(records, args.data)
    return records


def compare(name: str, passim: Path, tmp: Path, args: argparse.Namespace) -> None:
    """Both tools on workload ``name``, ``args.runs`` times in turn; each run's line, the medians and the ratio."""
    records = workload_records(name, tmp, args)
    n = write_passim_input(records, tmp / f"{name}-passim")
    ours: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    for k in range(args.runs):
        stem = tmp / f"{name}-storytrace-{k}"
        ours.append(run_once("cli", [records], stem.with_suffix(".db"), stem, lexical=False))
        shutil.rmtree(stem, ignore_errors=True)
        stem.with_suffix(".db").unlink(missing_ok=True)
        theirs.append(run_passim(passim, tmp / f"{name}-passim", tmp / f"{name}-passim-out-{k}", args))
        print(
            f"  {name} run {k + 1}/{args.runs}: storytrace {_line(ours[-1])}  |  passim {_line(theirs[-1])} "
            f"passages {theirs[-1]['passages']}",
            flush=True,
        )
    mine, other = statistics.median(f["wall"] for f in ours), statistics.median(f["wall"] for f in theirs)
    print(
        f"{name} ({n} documents), median of {args.runs}: storytrace {mine:.1f} s ({n / mine:.0f} docs/s, peak RSS "
        f"{statistics.median(f['peak_rss_mb'] for f in ours):.0f} MB), passim {other:.1f} s ({n / other:.0f} docs/s, "
        f"peak RSS {statistics.median(f['peak_rss_mb'] for f in theirs):.0f} MB); "
        f"storytrace/passim time {mine / other:.2f} (passim/storytrace {other / mine:.2f}x)",
        flush=True,
    )


def _line(fig: dict[str, Any]) -> str:
    return f"wall {fig['wall']:.1f} s  CPU {fig['cpu_total']:.1f} s  peak RSS {fig['peak_rss_mb']:.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workloads", default="reuters,long-form", help="comma-separated: reuters, long-form")
    ap.add_argument("--size", type=int, default=10_000, help="Reuters bodies (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each tool per workload (medians printed)")
    ap.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="passim's throwaway environment")
    ap.add_argument("--install", action=argparse.BooleanOptionalAction, default=True, help="install if absent")
    ap.add_argument("--passim-spec", default=f"passim=={PASSIM_VERSION}", help="what pip installs (%(default)s)")
    ap.add_argument("--passim-args", default="--all-pairs", help="passim's options (default: %(default)s)")
    ap.add_argument("--master", default="local[2]", help="Spark master (default: %(default)s)")
    ap.add_argument("--driver-memory", default="4g", help="Spark driver memory (default: %(default)s)")
    ap.add_argument("--data", type=Path, default=DATA, help="the shared datasets folder")
    args = ap.parse_args()
    names = [w for w in args.workloads.split(",") if w]
    try:
        if "reuters" in names and reuters_missing(args.data):
            return  # the "skipped" line is printed
        if "long-form" in names and long_form_missing(args.data):
            return
        java = java_version()
        passim = passim_in(args.venv, args.passim_spec, args.install)
    except Skipped as why:
        print(f"skipped: {why}")
        return
    print(f"storytrace analyze (cli, this environment) against passim {PASSIM_VERSION} ({args.passim_args}, "
          f"{args.master}); {java}; {os.cpu_count()} cores")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            compare(name, passim, Path(tmp), args)


if __name__ == "__main__":
    main()
