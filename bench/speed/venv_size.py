"""What `make demo` and `make test` install: the size of the virtual environment each target builds.

Run: ``.venv/bin/python bench/speed/venv_size.py [--keep]``

Clones this repository's committed HEAD into a temporary folder, runs the
install step of ``make demo`` there (``.venv/.installed-demo``: the package
and its ``semantic`` extra), prints the size of ``.venv``, then the install
step ``make test`` adds (``.venv/.installed-test``: the ``dev`` and ``spark``
extras) and prints the size again, with the largest packages of each.
Packages come from the package index (pip's cache makes a second run fast).
``--keep`` leaves the clone in place and prints where it is.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def folder_mb(path: Path) -> float:
    """The bytes the files under ``path`` take, in MB (symbolic links not followed)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def largest(site: Path, n: int = 8) -> list[tuple[str, float]]:
    """The ``n`` largest top-level entries of ``site`` (a site-packages folder), in MB."""
    sizes = [(p.name, folder_mb(p) if p.is_dir() else p.stat().st_size / 1e6) for p in site.iterdir()]
    return sorted(sizes, key=lambda ns: -ns[1])[:n]


def make(clone: Path, target: str) -> float:
    """Run ``make TARGET`` in ``clone`` (exit on failure): its wall seconds."""
    start = time.monotonic()
    done = subprocess.run(["make", target], cwd=clone, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"make {target} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.monotonic() - start


def show(label: str, venv: Path, seconds: float) -> None:
    """One line for the environment, then its largest packages."""
    site = next(venv.glob("lib/python*/site-packages"))
    print(f"{label}: .venv {folder_mb(venv):,.0f} MB ({seconds:.0f} s to install)")
    print("    largest: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in largest(site)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", action="store_true", help="leave the clone (and its .venv) in place")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="storytrace-venv-"))
    clone = tmp / "storytrace"
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        show("make demo installs", clone / ".venv", make(clone, ".venv/.installed-demo"))
        show("make test installs", clone / ".venv", make(clone, ".venv/.installed-test"))
    finally:
        if args.keep:
            print(f"kept: {clone}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
